"""What the participant's ticket page shows about booth scans (imported lazily by the ticket view)."""

from __future__ import annotations

from typing import Any

from flask import g

from blueprints.booths.forms import ActionForm, SharingForm
from jobbforum.models import Registration
from jobbforum.services import booths


def booth_context(registration: Registration) -> dict[str, Any]:
    """Template variables of the ticket page's booth section. A sharing form that was posted
    with errors (``g.sharing_form``) is shown again as it was typed."""
    form = g.get("sharing_form") or SharingForm(booth_sharing=registration.booth_sharing.value)
    return {"booth_visits": booths.visits_of(registration), "sharing_form": form,
            "withdraw_form": ActionForm(), "shared_part": booths.shared_part}
