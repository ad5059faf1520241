"""How the exhibitor area names its stored keys in the interface (translated)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from jobbforum.models import ExhibitorStatus, OrganisationType

TYPE_LABELS = {
    OrganisationType.recruitment_company: _l("Recruitment company"),
    OrganisationType.staffing_company: _l("Staffing company"),
    OrganisationType.hr_consultancy: _l("HR consultancy"),
    OrganisationType.trade_union: _l("Trade union"),
    OrganisationType.university: _l("University or college"),
    OrganisationType.government_agency: _l("Government agency"),
    OrganisationType.municipality: _l("Municipality or region"),
    OrganisationType.employer: _l("Employer"),
    OrganisationType.non_profit: _l("Non-profit organisation"),
    OrganisationType.other: _l("Other"),
}
OFFER_LABELS = {
    "jobs": _l("Jobs"),
    "internships": _l("Internships"),
    "education": _l("Education and courses"),
    "career_advice": _l("Career advice"),
    "union_info": _l("Union membership information"),
    "mentoring": _l("Mentoring"),
}
NEED_LABELS = {"table": _l("Table"), "power": _l("Power socket"), "screen": _l("Screen")}
STATUS_LABELS = {
    ExhibitorStatus.pending: _l("Waiting for approval"),
    ExhibitorStatus.approved: _l("Approved"),
    ExhibitorStatus.declined: _l("Declined"),
    ExhibitorStatus.waitlisted: _l("Waiting list"),
    ExhibitorStatus.withdrawn: _l("Withdrawn"),
}
#: Each language by its name in the interface language and in itself (for readers of either).
LANGUAGE_LABELS = {
    "sv": (_l("Swedish"), "svenska"), "en": (_l("English"), "English"),
    "ar": (_l("Arabic"), "العربية"), "fa": (_l("Persian"), "فارسی"), "prs": (_l("Dari"), "دری"),
    "ps": (_l("Pashto"), "پښتو"), "so": (_l("Somali"), "Soomaali"), "ti": (_l("Tigrinya"), "ትግርኛ"),
    "am": (_l("Amharic"), "አማርኛ"), "uk": (_l("Ukrainian"), "українська"),
    "ru": (_l("Russian"), "русский"), "tr": (_l("Turkish"), "Türkçe"), "ku": (_l("Kurdish"), "Kurdî"),
    "bs": (_l("Bosnian/Croatian/Serbian"), "bosanski/hrvatski/srpski"),
    "es": (_l("Spanish"), "español"), "fr": (_l("French"), "français"), "de": (_l("German"), "Deutsch"),
    "pl": (_l("Polish"), "polski"), "zh": (_l("Chinese"), "中文"), "th": (_l("Thai"), "ไทย"),
}


def language_label(code: str) -> str:
    name, own = LANGUAGE_LABELS.get(code, (code, code))
    return str(name) if str(name) == own else f"{name} ({own})"


def sector_name(sector, lang: str) -> str:  # type: ignore[no-untyped-def]
    return sector.name_en if lang == "en" else sector.name_sv


def _resolved(labels: dict) -> dict:  # type: ignore[type-arg]
    return {key: str(label) for key, label in labels.items()}


def template_labels() -> dict[str, object]:
    """The labels, translated once per rendering (a list of 300 cards would otherwise translate
    the same few words thousands of times)."""
    language_names = {code: language_label(code) for code in LANGUAGE_LABELS}
    card_text = _resolved({"offers": _l("Offers:"), "languages": _l("Languages at the booth:")})
    types, statuses = _resolved(TYPE_LABELS), _resolved(STATUS_LABELS)
    offers = _resolved(OFFER_LABELS)
    return {"TYPE_LABELS": types, "OFFER_LABELS": offers,
            "NEED_LABELS": _resolved(NEED_LABELS), "STATUS_LABELS": statuses,
            "language_label": lambda code: language_names.get(code, code),
            "LANGUAGE_NAMES": language_names,
            "CARD_TEXT": card_text,
            "sector_name": sector_name,
            # (value, label) pairs for the list filters
            "TYPE_OPTIONS": [(key.value, label) for key, label in types.items()],
            "STATUS_OPTIONS": [(key.value, label) for key, label in statuses.items()],
            "OFFER_OPTIONS": list(offers.items()),
            "LANGUAGE_OPTIONS": list(language_names.items()),
            "sector_options": lambda sectors, lang: [(s.slug, sector_name(s, lang)) for s in sectors]}
