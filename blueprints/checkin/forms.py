"""Forms for the door: walk-ins; and for coordinators: check-in lists and door devices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional

from blueprints.fields import MultiCheckboxField
from jobbforum.labels import choices
from jobbforum.models import Role

class WalkInForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[c for c in choices(Role) if c[0] != Role.exhibitor.value])
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Email(), Length(max=254)])
    phone = TelField(_l("Phone (optional)"), validators=[Optional(), Length(max=32)])
    round = SelectField(_l("Programme round"), choices=[], validators=[Optional()])
    consent = BooleanField(_l("The person has read the privacy text and agrees"),
                           validators=[DataRequired(message=_l("The person must agree first."))])


class CheckInListForm(FlaskForm):
    name = StringField(_l("Name of the list"), validators=[DataRequired(), Length(max=80)])
    allowed_roles = MultiCheckboxField(
        _l("Admits (none ticked: everybody)"),
        choices=choices(Role))


class ListRolesForm(FlaskForm):
    allowed_roles = MultiCheckboxField(
        _l("Admits (none ticked: everybody)"),
        choices=choices(Role))


class DeviceForm(FlaskForm):
    gate = StringField(_l("Gate"), validators=[DataRequired(), Length(max=80)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
