"""Builder fixtures for the booth-scanning tests (imported by the ``test_booths*`` modules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jobbforum.extensions import db as _db
from jobbforum.models import BoothSharing, ExhibitorStatus, OrganisationType
from tests.checkin_builders import make_ticket  # noqa: F401
from tests.exhibitor_builders import make_exhibitor  # noqa: F401


@dataclass
class Fair:
    """An event on today with approved exhibitors, each with a booth link (``exhibitor.booth_token``)."""

    event: Any
    exhibitors: list[Any] = field(default_factory=list)
    visitor: Callable[..., Any] = lambda *a, **k: None


@pytest.fixture()
def make_fair(db: Any, make_event: Any, make_exhibitor: Any, make_ticket: Any) -> Callable[..., Fair]:
    """``make_fair(types=(employer, trade_union))`` → a :class:`Fair` running now. Its ``visitor(level,
    **person)`` makes a confirmed participant with that sharing level and returns the Ticket."""
    from jobbforum.services import booths

    def build(types: tuple[OrganisationType, ...] = (OrganisationType.employer,
                                                       OrganisationType.trade_union),
              staff_names: tuple[str, ...] = ("Ahmed Aziz", "Elin Berg")) -> Fair:
        event = make_event()
        fair = Fair(event=event)
        for kind in types:
            exhibitor = make_exhibitor(event, status=ExhibitorStatus.approved, type=kind,
                                       staff_names=staff_names)
            exhibitor.booth_token = booths.issue_link(exhibitor)
            fair.exhibitors.append(exhibitor)
        # The fair runs now (exhibitors registered while registration was open).
        now = datetime.now(UTC).replace(microsecond=0)
        event.starts_at, event.ends_at = now - timedelta(hours=1), now + timedelta(hours=4)
        _db.session.commit()

        def visitor(level: BoothSharing = BoothSharing.visit_only, **person: Any) -> Any:
            person.setdefault("phone", "+46701234567")
            ticket = make_ticket(event=event, **person)
            ticket.registration.booth_sharing = level
            _db.session.commit()
            return ticket

        fair.visitor = visitor
        return fair

    return build


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
