"""What the participant's ticket page shows about booth scans (imported lazily by the ticket view)."""

from __future__ import annotations

from typing import Any

from blueprints.booths.forms import ActionForm, SharingForm
from jobbforum.models import Registration
from jobbforum.services import booths


def booth_context(registration: Registration, sharing_form: SharingForm | None = None) -> dict[str, Any]:
    form = sharing_form or SharingForm(booth_sharing=registration.booth_sharing.value)
    return {"booth_visits": booths.visits_of(registration), "sharing_form": form,
            "withdraw_form": ActionForm(), "shared_part": booths.shared_part}
