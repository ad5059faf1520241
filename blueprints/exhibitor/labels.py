"""How the exhibitor area names its own keys in the interface (translated): offers, booth needs,
booth languages. The enums (organisation type, exhibitor status) are named in
:mod:`jobbforum.labels`."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext as _l

from jobbforum import labels, languages

OFFER_LABELS = {
    "jobs": _l("Jobs"),
    "internships": _l("Internships"),
    "education": _l("Education and courses"),
    "career_advice": _l("Career advice"),
    "union_info": _l("Union membership information"),
    "mentoring": _l("Mentoring"),
}
NEED_LABELS = {"table": _l("Table"), "power": _l("Power socket"), "screen": _l("Screen")}
#: Booth languages (keys as in services.exhibitors.BOOTH_LANGUAGES). Names come from CLDR via
#: Babel (jobbforum.languages.display_name), except where the fair names a language its own way.
LANGUAGE_LABELS: dict[str, tuple[object, str] | None] = dict.fromkeys(
    ("sv", "en", "ar", "fa", "prs", "ps", "so", "ti", "am", "uk", "ru", "tr", "ku", "bs", "es",
     "fr", "de", "pl", "zh", "th"))
LANGUAGE_LABELS["prs"] = (_l("Dari"), "دری")  # CLDR has no "prs"; its fa_AF is "Persian"
LANGUAGE_LABELS["bs"] = (_l("Bosnian/Croatian/Serbian"), "bosanski/hrvatski/srpski")
LANGUAGE_LABELS["ku"] = (_l("Kurdish"), "Kurdî")


def own_language_name(code: str) -> str:
    """The language's name in its own script (what a speaker looks for)."""
    special = LANGUAGE_LABELS.get(code)
    return special[1] if special else languages.display_name(code)


def interface_language_name(code: str) -> str:
    """The language's name in the interface language (CLDR via Babel)."""
    special = LANGUAGE_LABELS.get(code)
    if special:
        return str(special[0])
    from flask_babel import get_locale

    try:
        return Locale.parse(code).get_display_name(get_locale() or "sv") or code
    except (ValueError, UnknownLocaleError):
        return code


def language_label(code: str) -> str:
    """"العربية (arabiska)": the own name first, then the interface language's name if it differs."""
    own, name = own_language_name(code), interface_language_name(code)
    return own if own.casefold() == name.casefold() else f"{own} ({name})"


def sector_name(sector, lang: str) -> str:  # type: ignore[no-untyped-def]
    return sector.name_en if lang == "en" else sector.name_sv


def _resolved(labels: dict) -> dict:  # type: ignore[type-arg]
    return {key: str(label) for key, label in labels.items()}


def template_labels() -> dict[str, object]:
    """The labels, translated once per rendering (a list of 300 cards would otherwise translate
    the same few words thousands of times)."""
    language_names = {code: language_label(code) for code in LANGUAGE_LABELS}
    own_names = {code: own_language_name(code) for code in LANGUAGE_LABELS}
    card_text = _resolved({"offers": _l("Offers:"), "languages": _l("Languages at the booth:")})
    types, statuses = _resolved(labels.ORGANISATION_TYPE), _resolved(labels.EXHIBITOR_STATUS)
    offers = _resolved(OFFER_LABELS)
    return {"TYPE_LABELS": types, "OFFER_LABELS": offers,
            "NEED_LABELS": _resolved(NEED_LABELS), "STATUS_LABELS": statuses,
            "language_label": lambda code: language_names.get(code, code),
            "LANGUAGE_NAMES": own_names,  # cards: each name in its own script
            "CARD_TEXT": card_text,
            "sector_name": sector_name,
            # (value, label) pairs for the list filters
            "TYPE_OPTIONS": [(key.value, label) for key, label in types.items()],
            "STATUS_OPTIONS": [(key.value, label) for key, label in statuses.items()],
            "OFFER_OPTIONS": list(offers.items()),
            "LANGUAGE_OPTIONS": list(language_names.items()),
            "sector_options": lambda sectors, lang: [(s.slug, sector_name(s, lang)) for s in sectors]}
