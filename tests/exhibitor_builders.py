"""Builder fixtures for the exhibitor tests (imported by the ``test_exhibitors*`` modules)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from jobbforum.extensions import db as _db
from jobbforum.models import ExhibitorStatus, OrganisationType, Sector


def png_bytes(size: tuple[int, int] = (64, 48), colour: str = "navy", **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG", **save)
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (64, 48), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG", **save)
    return out.getvalue()


@pytest.fixture()
def own_outbox(app: Any) -> Any:
    """Mail sent by the test goes to an outbox of its own (other tests read the shared one)."""
    import tempfile

    previous = app.config["OUTBOX_DIR"]
    with tempfile.TemporaryDirectory(prefix="outbox-") as directory:
        app.config["OUTBOX_DIR"] = directory
        yield directory
    app.config["OUTBOX_DIR"] = previous


@pytest.fixture()
def make_sector(db: Any) -> Callable[..., Sector]:
    counter = iter(range(1, 10_000))

    def build(slug: str | None = None, **kw: Any) -> Sector:
        """A sector (the migration's default sectors exist until the first test's cleanup)."""
        n = next(counter)
        existing = _db.session.scalar(sa.select(Sector).where(Sector.slug == slug)) if slug else None
        if existing is not None:
            return existing
        sector = Sector(slug=slug or f"sector-{n}", name_sv=kw.get("name_sv", f"Sektor {n}"),
                        name_en=kw.get("name_en", f"Sector {n}"), active=kw.get("active", True))
        _db.session.add(sector)
        _db.session.commit()
        return sector

    return build


@pytest.fixture()
def make_exhibitor(db: Any, make_event: Callable[..., Any]) -> Callable[..., Any]:
    """Register an exhibitor through the service; ``status`` decides as staff afterwards.
    The private link's token is on ``exhibitor.token``."""
    from jobbforum.services import exhibitors

    counter = iter(range(1, 10_000))

    def build(event: Any = None, *, status: ExhibitorStatus | None = None,
              staff_names: tuple[str, ...] = (), sectors: list[Sector] = (), **kw: Any) -> Any:
        n = next(counter)
        event = event or make_event()
        data: dict[str, Any] = dict(name=f"Organisation {n} AB", type=OrganisationType.employer,
                                    contact_name=f"Kontakt {n}", contact_email=f"kontakt{n}@example.se",
                                    description_sv=f"Beskrivning {n}", offers=["jobs"], languages=["sv"],
                                    booth_staff_count=max(2, len(staff_names)),
                                    sector_ids=[s.id for s in sectors])
        data.update(kw)
        exhibitor, token = exhibitors.register_exhibitor(
            event, exhibitors.ExhibitorDetails(**data), staff_names=staff_names,
            consent_version="test")
        if status is not None and status is not ExhibitorStatus.pending:
            exhibitors.set_status(exhibitor, status, actor=None, actor_label="test",
                                  reason="Full" if status is ExhibitorStatus.declined else "")
        _db.session.commit()
        exhibitor.token = token
        return exhibitor

    return build


def registration_form(**kw: Any) -> dict[str, Any]:
    """A valid registration form post (override fields with keywords)."""
    data: dict[str, Any] = {
        "name": "Svea Logistik AB", "org_number": "556036-0793", "type": "employer",
        "website": "https://www.svealogistik.example.se", "description_sv": "Lager och transport.",
        "description_en": "", "offers": ["jobs", "internships"], "languages": ["sv", "ar"],
        "contact_name": "Karin Lind", "contact_email": "karin.lind@svealogistik.example.se",
        "contact_phone": "08-123 456", "booth_staff_count": "2",
        "booth_staff_names": "Ahmed Aziz\nElin Berg", "needs": ["table", "power"], "consent": "y",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}
