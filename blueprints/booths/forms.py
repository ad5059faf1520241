"""Forms of the booth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from blueprints.fields import MultiCheckboxField
from blueprints.participant.forms import BOOTH_SHARING_CHOICES, ChoiceRadioField
from jobbforum.services.booths import MAX_NOTE, TAGS

TAG_LABELS = {
    "follow_up": _l("Follow up"),
    "internship": _l("Internship"),
    "job": _l("Job"),
    "education": _l("Education"),
    "interview": _l("Interview"),
    "mentoring": _l("Mentoring"),
}


class VisitForm(FlaskForm):
    """Booth staff's note and tags on one visit."""

    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE, message=_l(
        "The note is too long (at most 500 characters)."))], render_kw={"rows": 2})
    tags = MultiCheckboxField(_l("Tags"), choices=[(t, TAG_LABELS[t]) for t in TAGS])


class SharingForm(FlaskForm):
    """The participant's sharing level on the ticket page."""

    booth_sharing = ChoiceRadioField(
        _l("When an employer scans your badge at their stand, what do they get?"),
        choices=BOOTH_SHARING_CHOICES, invalid_message=_l("Choose what the employers get."),
        validators=[InputRequired(message=_l("Choose what the employers get."))])


class ActionForm(FlaskForm):
    """A CSRF-protected button (withdraw, open the scanner, issue a link)."""
