"""Forms for events and programme rounds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
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
    Regexp,
    ValidationError,
)

from blueprints.fields import MultiCheckboxField
from jobbforum.labels import choices
from jobbforum.models import County, EventKind, EventStatus

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use only a–z, 0–9 and hyphens."))

class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name (in the web address)"),
                       validators=[DataRequired(), Length(max=80), SLUG])
    kind = SelectField(_l("Kind"), choices=choices(EventKind))
    status = SelectField(_l("Status"), choices=choices(
        EventStatus, draft=_l("Draft (only staff see it)")))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), validators=[DataRequired()])
    capacity = IntegerField(_l("Capacity (empty: no limit)"),
                            validators=[Optional(), NumberRange(min=1, max=100000)])
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), validators=[Optional()])
    rounds = MultiCheckboxField(_l("Programme rounds invited"), coerce=int)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))

    def validate_registration_closes_at(self, field: DateTimeLocalField) -> None:
        opens = self.registration_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))


class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(_l("Short name"), validators=[DataRequired(), Length(max=64), SLUG])
    county = SelectField(_l("County"), choices=choices(County))
    term = StringField(_l("Term (e.g. HT2026)"),
                       validators=[DataRequired(), Length(max=16),
                                   Regexp(r"^(HT|VT)\d{4}$", message=_l("Write HT or VT and a year, e.g. HT2026."))])
    starts_on = DateField(_l("Starts"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends"), validators=[DataRequired()])

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The round must end after it starts."))


class AuditFilterForm(FlaskForm):
    """The audit log viewer's filters (a GET form: it only narrows what is shown)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Actor (email or label contains)"),
                        validators=[Optional(), Length(max=120)])
    event = SelectField(_l("Event"), validators=[Optional()])
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date"), validators=[Optional()])
