"""Forms of the participant area: sign-up, and the staff roster import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from jobbforum import languages
from jobbforum.codes import is_acceptable_imported_code, normalise_participant_code
from jobbforum.models import BoothSharing, Gender, Role
from jobbforum.services.errors import InvalidInput
from jobbforum.services.registrations import normalise_email, normalise_phone

ROLE_CHOICES = [
    (Role.participant.value, _l("Participant in the mentoring programme")),
    (Role.mentor.value, _l("Mentor")),
    (Role.visitor.value, _l("Visitor")),
]
GENDER_CHOICES = [
    (Gender.woman.value, _l("Woman")),
    (Gender.man.value, _l("Man")),
    (Gender.other.value, _l("Other")),
    (Gender.undisclosed.value, _l("I prefer not to say")),
]
BOOTH_SHARING_CHOICES = [
    (BoothSharing.visit_only.value, _l("Nothing. They only see that someone visited.")),
    (BoothSharing.contact.value, _l("My name and email")),
    (BoothSharing.contact_phone.value, _l("My name, email and phone number")),
]
LANGUAGE_CHOICES = languages.choices()


class ChoiceRadioField(RadioField):
    """A radio group whose "not one of the choices" message is plain language, not WTForms'."""

    def __init__(self, *args, invalid_message: str = "", **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message
        self.type = "RadioField"  # rendered as a radio group by macros/forms.html

    def pre_validate(self, form: FlaskForm) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class SignUpForm(FlaskForm):
    """Short, phone-first: a mobile number or an email is enough to get a ticket."""

    role = ChoiceRadioField(_l("I come as"), choices=ROLE_CHOICES,
                            invalid_message=_l("Choose how you take part."),
                            validators=[InputRequired(message=_l("Choose how you take part."))])
    name = StringField(_l("Your name"), validators=[
        DataRequired(message=_l("Write your name.")),
        Length(max=200, message=_l("The name is too long (at most 200 characters)."))],
        render_kw={"autocomplete": "name"})
    phone = StringField(_l("Mobile number"), validators=[Optional()],
                        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    email = StringField(_l("Email"), validators=[Optional()],
                        render_kw={"type": "email", "autocomplete": "email"})
    round_id = SelectField(_l("Your programme round"), coerce=str, validate_choice=False)
    participant_code = StringField(_l("Participant code (if you have one)"), validators=[Optional()],
                                   render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                              "spellcheck": "false"})
    preferred_language = ChoiceRadioField(
        _l("Language for emails"), choices=LANGUAGE_CHOICES, default="sv",
        invalid_message=_l("Choose a language."),
        validators=[InputRequired(message=_l("Choose a language."))])
    gender = ChoiceRadioField(_l("Gender (you can skip this)"), choices=GENDER_CHOICES,
                              invalid_message=_l("Choose one of the answers, or none."),
                              validators=[Optional()])
    booth_sharing = ChoiceRadioField(
        _l("When an employer scans your badge at their stand, what do they get?"),
        choices=BOOTH_SHARING_CHOICES, default=BoothSharing.visit_only.value,
        invalid_message=_l("Choose what the employers get."), validators=[Optional()])
    consent = BooleanField(_l("I agree that Jobbforum stores my name and contact details to "
                              "send my ticket and count who comes"),
                           validators=[DataRequired(message=_l(
                               "You need to agree so that we can register you."))])
    waitlist_ok = BooleanField(_l("Put me on the waiting list if the event is full"))

    def __init__(self, *args, rounds=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.has_rounds = bool(rounds)
        self.round_id.choices = [("", _l("Choose…"))] + [(str(r.id), r.name) for r in rounds]
        if not self.is_submitted():  # emails default to the language the page is read in
            self.preferred_language.data = languages.current_code()

    def validate_phone(self, field: StringField) -> None:
        if field.data and field.data.strip():
            try:
                field.data = normalise_phone(field.data)
            except InvalidInput as error:
                raise ValidationError(_l("Write a mobile number, like 070 123 45 67.")) from error
        elif not (self.email.data or "").strip():
            raise ValidationError(_l("Write your mobile number or your email address (at least one)."))

    def validate_email(self, field: StringField) -> None:
        if field.data and field.data.strip():
            try:
                field.data = normalise_email(field.data)
            except InvalidInput as error:
                raise ValidationError(_l("Write an email address like name@example.com.")) from error

    def validate_round_id(self, field: SelectField) -> None:
        valid = {value for value, _label in field.choices if value}
        if self.role.data in (Role.participant.value, Role.mentor.value) and self.has_rounds:
            if field.data not in valid:
                raise ValidationError(_l("Choose your programme round."))
        elif field.data and field.data not in valid:
            raise ValidationError(_l("Choose your programme round."))

    def validate_participant_code(self, field: StringField) -> None:
        if field.data and field.data.strip():
            code = normalise_participant_code(field.data)
            if not is_acceptable_imported_code(code):
                raise ValidationError(_l("This is not a participant code. Check it, or leave the "
                                         "field empty."))
            field.data = code


class RosterForm(FlaskForm):
    file = FileField(_l("Roster file (CSV or Excel)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], message=_l("Upload a .csv or .xlsx file."))])


class RosterConfirmForm(FlaskForm):
    """Second step: the previewed file travels back in the form, so nothing is stored between steps."""

    filename = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
    send_tickets = BooleanField(_l("Email each new registration their ticket (people with an email "
                                   "address)"), default=True)


class ActionForm(FlaskForm):
    """CSRF-protected button for staff actions (revoke, reissue, cancel)."""
