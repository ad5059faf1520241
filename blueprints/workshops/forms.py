"""Forms of the workshops area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from blueprints.fields import MultiCheckboxField
from jobbforum.labels import choices
from jobbforum.models import Audience, County, Theme


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=5000)])
    county = SelectField(_l("County"), choices=choices(County))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    accessibility_notes = TextAreaField(_l("Accessibility"), validators=[Optional(),
                                                                          Length(max=2000)])


class SessionForm(FlaskForm):
    theme = SelectField(_l("Theme"), choices=choices(Theme))
    title = StringField(_l("Title (empty: the theme's name)"), validators=[Optional(),
                                                                           Length(max=200)])
    rounds = MultiCheckboxField(_l("Programme rounds it serves"), coerce=int,
                                validators=[DataRequired()])
    room_id = SelectField(_l("Room"), coerce=int, validators=[DataRequired()])
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), validators=[DataRequired()])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=5000)])
    facilitator = StringField(_l("Facilitator"), validators=[Optional(), Length(max=200)])
    language_support = StringField(_l("Language support"), validators=[Optional(),
                                                                       Length(max=200)])
    audience = SelectField(_l("For"), choices=choices(Audience))
    cancel_deadline = DateTimeLocalField(_l("Cancellation deadline"), validators=[Optional()])
    confirm_conflicts = BooleanField(_l("Save anyway, despite the conflicts above"))

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The session must end after it starts."))


class BookOnBehalfForm(FlaskForm):
    participant_code = StringField(_l("Participant code"), validators=[DataRequired(),
                                                                       Length(max=16)])
    override_capacity = BooleanField(_l("Give a seat even if the session is full"))


class MoveForm(FlaskForm):
    booking_id = HiddenField(validators=[DataRequired()])
    target = SelectField(_l("Move to"), coerce=int)
    override_capacity = BooleanField(_l("Give a seat even if the session is full"))


class ConfirmAssignmentForm(FlaskForm):
    fingerprint = HiddenField(validators=[DataRequired()])


class PreferencesForm(FlaskForm):
    """Ranked choices; the select fields are added per theme by the view."""
