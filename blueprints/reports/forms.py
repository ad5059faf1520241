"""Forms of the reports area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from blueprints.fields import MultiCheckboxField
from jobbforum.services.indicator_data import GROUPINGS

KIND_CHOICES = [("baseline", _l("Baseline survey (at programme start)")),
                ("result", _l("Result survey (at the end)"))]
BY_LABELS = {
    "gender": _l("Gender"), "round": _l("Programme round"), "county": _l("County"),
    "attended_interview_workshop": _l("Attended the job-interview workshop"),
    "attended_networking_workshop": _l("Attended the networking workshop"),
    "attended_jobbforum": _l("Attended Jobbforum"),
}


class AttendanceExportForm(FlaskForm):
    rounds = MultiCheckboxField(_l("Programme rounds (none chosen: all)"))
    date_from = DateField(_l("From date"), validators=[Optional()])
    date_to = DateField(_l("To date"), validators=[Optional()])
    format = RadioField(_l("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")],
                        default="csv")

    def validate_date_to(self, field: DateField) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class SurveyUploadForm(FlaskForm):
    kind = RadioField(_l("Which survey"), choices=KIND_CHOICES, validators=[DataRequired()])
    file = FileField(_l("Survey file (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Choose a .csv or .xlsx file."))])


class SurveyConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    kind = HiddenField(validators=[DataRequired()])
    replace = HiddenField(default="0")


class IndicatorFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only filters what is shown

    rounds = MultiCheckboxField(_l("Programme rounds (none chosen: all)"))
    by = SelectField(_l("Group by"), choices=[("", _l("No grouping"))]
                     + [(key, BY_LABELS[key]) for key in GROUPINGS], validators=[Optional()])
    suppress_below = IntegerField(_l("Hide counts below"), default=5,
                                  validators=[Optional(), NumberRange(min=0, max=100)])


class PersonLookupForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Participant code"), validators=[DataRequired(), Length(max=32)])


class EraseForm(FlaskForm):
    include_attendance = BooleanField(
        _l("Also delete registrations, check-ins, bookings and survey answers"))
    confirm = BooleanField(_l("I understand that this cannot be undone"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class ActionForm(FlaskForm):
    """A POST button with CSRF protection and nothing else."""
