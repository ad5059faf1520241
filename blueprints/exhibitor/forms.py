"""Forms of the exhibitor area: registration/edit, booth staff, and the staff's decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from blueprints.exhibitor.labels import (
    NEED_LABELS,
    OFFER_LABELS,
    language_label,
)
from jobbforum.labels import choices
from jobbforum.models import OrganisationType
from jobbforum.services import exhibitors as service
from jobbforum.services import orgnumber


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (the forms macro renders it as a fieldset)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ExhibitorForm(FlaskForm):
    """What an exhibitor fills in. The edit page uses it without org number and consent."""

    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    org_number = StringField(_l("Organisation number (NNNNNN-NNNN)"),
                             validators=[Optional(), Length(max=20)])
    type = SelectField(_l("Type of organisation"),
                       choices=choices(OrganisationType))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)],
                          render_kw={"type": "url", "inputmode": "url", "autocomplete": "url"})
    description_sv = TextAreaField(_l("Short description in Swedish"), validators=[Length(max=1000)])
    description_en = TextAreaField(_l("Short description in English"),
                                   validators=[Optional(), Length(max=1000)])
    sectors = MultiCheckboxField(_l("Sectors"), coerce=int)
    offers = MultiCheckboxField(_l("What you offer at the booth"),
                                choices=[(k, v) for k, v in OFFER_LABELS.items()])
    languages = MultiCheckboxField(_l("Languages spoken at the booth"))
    contact_name = StringField(_l("Contact person's name"), validators=[DataRequired(), Length(max=200)],
                               render_kw={"autocomplete": "name"})
    contact_email = StringField(_l("Contact person's email"),
                                validators=[DataRequired(), Email(), Length(max=254)],
                                render_kw={"type": "email", "autocomplete": "email"})
    contact_phone = StringField(_l("Contact person's phone"),
                                validators=[Optional(), Length(max=32),
                                            Regexp(r"^[0-9 +()\-]*$", message=_l("Use digits, spaces and + only."))],
                                render_kw={"type": "tel", "autocomplete": "tel"})
    booth_staff_count = IntegerField(_l("Number of booth staff"), default=2,
                                     validators=[DataRequired(), NumberRange(min=1, max=service.MAX_BOOTH_STAFF)],
                                     render_kw={"inputmode": "numeric"})
    booth_staff_names = TextAreaField(_l("Names of the booth staff, one per line (you can add them later)"),
                                      validators=[Length(max=3000)])
    needs = MultiCheckboxField(_l("The booth needs"), choices=[(k, v) for k, v in NEED_LABELS.items()])
    logo = FileField(_l("Logo (PNG or JPEG, at most 2 MB)"),
                     render_kw={"accept": "image/png,image/jpeg"})
    consent = BooleanField(_l("I have read the privacy text and agree that the contact details are "
                              "stored to organise the fair."),
                           validators=[DataRequired(message=_l("You need to agree to the privacy text."))])

    def set_choices(self, sectors: list, lang: str) -> None:  # type: ignore[type-arg]
        self.sectors.choices = [(s.id, s.name_en if lang == "en" else s.name_sv) for s in sectors]
        self.languages.choices = [(code, language_label(code)) for code in service.BOOTH_LANGUAGES]

    def validate_org_number(self, field: StringField) -> None:
        if field.data and field.data.strip():
            try:
                orgnumber.normalise(field.data)
            except orgnumber.OrgNumberInvalid as error:
                raise ValidationError(error.text()) from None

    def validate_description_sv(self, field: TextAreaField) -> None:
        if not (field.data or "").strip() and not (self.description_en.data or "").strip():
            raise ValidationError(_l("Describe the organisation in Swedish or English (or both)."))

    def staff_names(self) -> list[str]:
        return [line for line in (self.booth_staff_names.data or "").splitlines() if line.strip()]

    def validate_booth_staff_names(self, field: TextAreaField) -> None:
        if self.booth_staff_count.data and len(self.staff_names()) > self.booth_staff_count.data:
            raise ValidationError(_l("You named more booth staff than the number of booth staff."))

    def details(self, contact_language: str = "sv") -> service.ExhibitorDetails:
        from jobbforum.models import OrganisationType

        return service.ExhibitorDetails(
            name=self.name.data or "", type=OrganisationType(self.type.data),
            org_number=(self.org_number.data if self.org_number else "") or "",
            website=self.website.data or "",
            description_sv=self.description_sv.data or "", description_en=self.description_en.data or "",
            sector_ids=list(self.sectors.data or []), offers=list(self.offers.data or []),
            languages=list(self.languages.data or []), needs=list(self.needs.data or []),
            contact_name=self.contact_name.data or "", contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "", contact_language=contact_language,
            booth_staff_count=self.booth_staff_count.data or 1)


class EditExhibitorForm(ExhibitorForm):
    org_number = None  # type: ignore[assignment]
    consent = None  # type: ignore[assignment]
    booth_staff_names = None  # type: ignore[assignment]

    def staff_names(self) -> list[str]:
        return []


class BoothStaffForm(FlaskForm):
    name = StringField(_l("Name of the person"), validators=[DataRequired(), Length(max=200)])


class StatusForm(FlaskForm):
    status = SelectField(_l("Decision"), choices=[
        ("approved", _l("Approve")), ("waitlisted", _l("Put on the waiting list")),
        ("declined", _l("Decline")), ("withdrawn", _l("Mark as withdrawn")),
        ("pending", _l("Back to waiting for approval"))])
    reason = TextAreaField(_l("Reason (required when declining; sent to the exhibitor)"),
                           validators=[Optional(), Length(max=2000)])


class BoothForm(FlaskForm):
    booth_label = StringField(_l("Booth"), validators=[Optional(), Length(max=32)])


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Notes (only staff see them)"), validators=[Optional(), Length(max=5000)])


class CapacityForm(FlaskForm):
    booth_capacity = IntegerField(_l("Booths available (empty: no limit)"),
                                  validators=[Optional(), NumberRange(min=1, max=10000)])


class SectorForm(FlaskForm):
    slug = StringField(_l("Short name"), validators=[DataRequired(), Length(max=64)])
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    active = BooleanField(_l("Shown in the registration form"), default=True)
