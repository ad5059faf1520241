"""Timetable and door-sign PDFs, rendered with pdftoppm (and the QR read back with zbarimg)."""

from __future__ import annotations

import subprocess

from jobbforum.models import Theme
from jobbforum.services import workshops as ws
from tests.conftest import require_binary
from tests.workshops_builders import make_room, make_session  # noqa: F401


def _render(pdf: bytes, path, name: str):
    pdftoppm = require_binary("pdftoppm")
    (path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-png", "-r", "80", "-singlefile", str(path / f"{name}.pdf"),
                    str(path / name)], check=True)
    return path / f"{name}.png"


def test_timetable_pdf_renders(app, db, make_session, make_round, artifacts):
    programme_round = make_round(name="Omgång HT2026 Stockholm")
    for i, theme in enumerate((Theme.kickoff, Theme.interview, Theme.networking,
                               Theme.mentor_training)):
        make_session(rounds=[programme_round], theme=theme, days=10 + 7 * i,
                     language_support="Tolkning till arabiska" if i % 2 else "")
    with app.test_request_context():
        pdf = ws.timetable(ws.list_sessions(round_id=programme_round.id), title="Schema",
                           subtitle=programme_round.name)
    assert pdf.startswith(b"%PDF")
    png = _render(pdf, artifacts, "workshops-timetable")
    assert png.stat().st_size > 5000


def test_door_sign_pdf_has_the_checkin_qr(app, db, make_session, make_round, artifacts):
    session = make_session(rounds=[make_round()], theme=Theme.networking,
                           title="Workshop: nätverkande och LinkedIn", facilitator="Sofia Berg",
                           language_support="Tolkning till ukrainska")
    url = f"http://localhost/admin/workshops/sessions/{session.id}/rollcall"
    with app.test_request_context():
        pdf = ws.door_sign(session, checkin_url=url)
    png = _render(pdf, artifacts, "workshops-door-sign")
    zbarimg = require_binary("zbarimg")
    out = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True)
    assert out.stdout.strip() == url
