"""Builders for the check-in tests: a registration with a real ticket, a device with its token.

Import the fixtures into a test module with ``from tests.checkin_builders import *``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jobbforum.models import Registration, RegistrationStatus, Role

__all__ = ["make_ticket", "make_device"]


@pytest.fixture()
def make_ticket(db: Any, make_event: Callable[..., Any], make_person: Callable[..., Any]
                ) -> Callable[..., Any]:
    """``make_ticket(event=None, role="participant", **person)`` → an active Ticket of a new
    confirmed registration (made through ``services.tickets.issue_ticket``)."""
    from jobbforum.services import tickets

    def build(event: Any = None, role: str | Role = "participant",
              status: RegistrationStatus = RegistrationStatus.confirmed, **person_kw: Any) -> Any:
        event = event or make_event()
        person = make_person(**person_kw)
        registration = Registration(event_id=event.id, person_id=person.id, role=Role(role),
                                    status=status)
        db.session.add(registration)
        db.session.flush()
        ticket = tickets.issue_ticket(registration, actor_label="test")
        db.session.commit()
        return ticket

    return build


@pytest.fixture()
def make_device(db: Any) -> Callable[..., Any]:
    """``make_device(event, gate="North door")`` → (Device, token)."""
    from jobbforum.services import devices

    def build(event: Any, gate: str = "North door") -> tuple[Any, str]:
        device, token = devices.create_device(event, gate, actor_label="test")
        db.session.commit()
        return device, token

    return build


def badge_video_file(tmp_path: Path, ticket: Any, name: str) -> Path:
    """A real printed badge of ``ticket`` (documents.badges, rendered with pdftoppm) as a .y4m file
    for Chromium's fake camera: the badge fills the frame as when held up to a phone."""
    from jobbforum.documents.badges import BadgeData, badge_sheet_pdf
    from tests.conftest import require_binary

    ffmpeg, pdftoppm = require_binary("ffmpeg"), require_binary("pdftoppm")
    pdf = tmp_path / "badge.pdf"
    pdf.write_bytes(badge_sheet_pdf([BadgeData(
        ticket_code=ticket.code, name=name, role="participant",
        role_label="Deltagare", organisation=None, event_title=ticket.registration.event.title,
        event_when="12 mars 2026 10:00")], layout="a6"))
    subprocess.run([pdftoppm, "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "badge")],
                   check=True, timeout=60)
    video = tmp_path / "badge.y4m"
    subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-loop", "1", "-i", str(tmp_path / "badge.png"),
                    "-t", "3", "-pix_fmt", "yuv420p", "-vf",
                    "scale=640:480:force_original_aspect_ratio=decrease,"
                    "pad=640:480:(ow-iw)/2:(oh-ih)/2:white", str(video)], check=True, timeout=60)
    return video
