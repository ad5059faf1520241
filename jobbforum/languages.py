"""The languages Jobbforum speaks: one table, used by locale selection, the switcher, emails and
documents.

Each language has an *app code*: what ``?lang=`` takes, what the ``lang`` cookie remembers and
what ``Person.preferred_language`` stores. Usually it is also the Babel locale and the catalogue
directory under ``jobbforum/translations/``. Dari is the one exception: CLDR (and so Babel) has
no ``prs`` locale, so the app code ``prs`` (ISO 639-3 for Dari) maps to the Babel locale
``fa_AF`` (catalogue ``translations/fa_AF``) and to ``lang="fa-AF"`` in HTML, which browsers and
screen readers know.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str           #: app code: URL, cookie, Person.preferred_language
    locale: str         #: Babel locale and catalogue directory
    native_name: str    #: the language's name in its own script (the switcher shows this)
    rtl: bool = False
    #: Translations written without a native speaker's check: the UI says so in the footer.
    needs_review: bool = True

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for ``<html lang>`` and ``lang=`` attributes."""
        return self.locale.replace("_", "-")


#: Every shipped language, in switcher order; the first is the default.
LANGUAGES: tuple[Language, ...] = (
    Language("sv", "sv", "svenska", needs_review=False),
    Language("en", "en", "English", needs_review=False),
    Language("ar", "ar", "العربية", rtl=True),
    Language("prs", "fa_AF", "دری", rtl=True),
    Language("ti", "ti", "ትግርኛ"),
    Language("so", "so", "Soomaali"),
    Language("uk", "uk", "українська"),
)

BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}
BY_LOCALE: dict[str, Language] = {language.locale: language for language in LANGUAGES}
CODES: tuple[str, ...] = tuple(BY_CODE)
DEFAULT = LANGUAGES[0]
#: Languages whose catalogues must translate the staff pages too (others: the public side).
STAFF_LANGUAGES = ("sv", "en")


def get(code: str | None) -> Language:
    """The language for an app code (or a Babel locale name), else the default language."""
    if code in BY_CODE:
        return BY_CODE[code]
    if code in BY_LOCALE:
        return BY_LOCALE[code]
    return DEFAULT


def babel_locale(code: str | None) -> str:
    """The Babel locale for ``force_locale()`` for a stored/app code; the default if unknown."""
    return get(code).locale


def current_code() -> str:
    """The app code of the language of the current request (or the CLI's default)."""
    from flask_babel import get_locale

    locale = get_locale()
    return get(str(locale) if locale else None).code


def choices() -> list[tuple[str, str]]:
    """``(code, native name)`` pairs for forms, every name in its own script."""
    return [(language.code, language.native_name) for language in LANGUAGES]


def display_name(code: str) -> str:
    """A language's own name for any ISO 639 code (e.g. an exhibitor's booth languages):
    ours when we ship it, else CLDR's through Babel, else the code itself."""
    if code in BY_CODE:
        return BY_CODE[code].native_name
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return code
    return locale.get_display_name(locale) or code
