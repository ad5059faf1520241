"""Catalogues and templates: every shipped language is complete, no visible text escapes gettext,
and locale selection maps app codes (``prs``) to Babel locales (``fa_AF``).

Which strings must be translated: Swedish and English translate everything. Arabic, Dari,
Tigrinya, Somali and Ukrainian translate the *public side* — every string that occurs in at least
one of ``PUBLIC_SOURCES`` (the pages and emails participants and exhibitors see). Strings that
occur only in staff sources may stay untranslated there (staff pages then show English, and
never break).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

from jobbforum import languages

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "jobbforum" / "translations"

#: Sources whose strings participants and exhibitors see (prefixes of paths from the repo root).
PUBLIC_SOURCES = (
    "templates/base.html", "templates/macros/", "templates/errors/", "templates/public/",
    "templates/participant/register.html", "templates/participant/ticket.html",
    "templates/participant/_privacy.html", "templates/participant/already_registered.html",
    "templates/participant/link_problem.html", "templates/participant/email/",
    "templates/workshops/book.html", "templates/booths/_ticket_sharing.html",
    # the booth scanner: exhibitors' booth staff, who may not read Swedish well
    "templates/booths/scanner.html", "templates/booths/link_error.html",
    "templates/booths/_edit_scanner.html", "blueprints/booths/",
    "templates/exhibitor/_", "templates/exhibitor/closed.html", "templates/exhibitor/detail.html",
    "templates/exhibitor/edit.html", "templates/exhibitor/email/",
    "templates/exhibitor/link_error.html", "templates/exhibitor/list.html",
    "templates/exhibitor/partners.html", "templates/exhibitor/register.html",
    "templates/exhibitor/registered.html",
    "blueprints/public/", "blueprints/participant/forms.py", "blueprints/participant/views.py",
    "blueprints/exhibitor/common.py", "blueprints/exhibitor/emails.py",
    "blueprints/exhibitor/forms.py", "blueprints/exhibitor/labels.py",
    "blueprints/exhibitor/views.py", "blueprints/fields.py",
    "jobbforum/documents/emails.py", "jobbforum/documents/tickets.py",
    "jobbforum/documents/badges.py", "jobbforum/services/registrations.py",
    "jobbforum/services/workshops.py", "jobbforum/services/exhibitors.py",
    # services' error messages shown on public pages (sign-up, private links, exhibitor
    # registration and logo, booth scanner); tests/test_error_messages.py checks every one is N_-marked
    "jobbforum/services/errors.py", "jobbforum/services/links.py", "jobbforum/services/booths.py",
    "jobbforum/services/orgnumber.py", "jobbforum/services/uploads.py",
    "jobbforum/glossary.py", "jobbforum/labels.py",
)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None,
            "lazy_gettext": None, "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def extracted() -> dict[str, set[str]]:
    """msgid → the source files it occurs in (extracted fresh, so a stale .pot cannot hide one)."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, set()).add(filename.replace("\\", "/"))
    return found


def _required(extracted: dict[str, set[str]], language: languages.Language) -> set[str]:
    if language.code in languages.STAFF_LANGUAGES:
        return set(extracted)
    return {msgid for msgid, files in extracted.items()
            if any(f.startswith(PUBLIC_SOURCES) for f in files)}


@pytest.mark.parametrize("language", [lang for lang in languages.LANGUAGES if lang.code != "en"],
                         ids=lambda lang: lang.code)
def test_catalogue_translates_every_required_string(extracted, language):
    catalogue = _catalogue(language.locale)
    required = _required(extracted, language)
    missing = sorted(m for m in required if m not in catalogue or not catalogue[m].string
                     or (isinstance(catalogue[m].string, tuple) and not all(catalogue[m].string)))
    fuzzy = sorted(m.id if isinstance(m.id, str) else m.id[0]
                   for m in catalogue if m.id and m.fuzzy)
    assert not missing, f"{language.code}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language.code}: fuzzy entries {fuzzy[:5]}"


def test_every_shipped_language_has_a_catalogue_with_its_review_status():
    for language in languages.LANGUAGES:
        # In the header comment: ``pybabel update`` keeps it (it drops unknown header fields).
        header = _catalogue(language.locale).header_comment
        found = re.search(r"^# Review-Status: (.+)$", header, re.M)
        status = found.group(1).strip() if found else ""
        if language.code == "en":
            continue  # the source language
        expected = "needs native review" if language.needs_review else "reviewed"
        assert status == expected, (language.code, status)


def test_placeholders_survive_translation():
    pattern = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
    for language in languages.LANGUAGES:
        for message in _catalogue(language.locale):
            if not message.id or not message.string or isinstance(message.id, tuple):
                continue
            assert set(pattern.findall(message.id)) == set(pattern.findall(message.string)), (
                language.code, message.id, message.string)


# -- templates: no visible text outside the translation functions ---------------------------

#: Text allowed outside gettext: brand names and technical identifiers shown as code.
ALLOWED = {"Jobbforum"}
_LETTER = re.compile(r"[^\W\d_]")
_VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
_env = Environment(extensions=["jinja2.ext.i18n"])


def _outside_gettext(source: str) -> str:
    """The template's literal data, with every ``{{ … }}``/``{% … %}`` and every
    ``{% trans %}`` body replaced by a marker."""
    out, in_trans, previous = [], 0, ""
    for _line, kind, value in _env.lex(source):
        if kind == "name" and value == "trans" and previous == "block_begin":
            in_trans += 1
        elif kind == "name" and value == "endtrans":
            in_trans -= 1
        if kind == "data" and not in_trans:
            out.append(value)
        elif kind in ("variable_begin", "block_begin"):
            out.append(" \x00 ")
        if kind != "whitespace":
            previous = kind
    return "".join(out)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self.hidden = 0  # inside <script>, <style> or <code> (identifiers, not prose)

    def _check(self, text: str) -> None:
        text = text.replace("\x00", " ").strip()
        if _LETTER.search(text) and text not in ALLOWED:
            self.found.append((self.getpos()[0], text))

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in ("script", "style", "code"):
            self.hidden += 1
        for name, value in attrs:
            if name in _VISIBLE_ATTRIBUTES and value:
                self._check(value)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("script", "style", "code"):
            self.hidden -= 1

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self.hidden:
            self._check(data)


def untranslated_text(path: Path) -> list[tuple[int, str]]:
    text = _outside_gettext(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        plain = text.replace("\x00", " ").strip()
        return [(1, plain)] if _LETTER.search(plain) else []
    parser = _VisibleText()
    parser.feed(text)
    return parser.found


def test_the_checker_finds_literal_text(tmp_path):
    sample = tmp_path / "t.html"
    sample.write_text('<p>{{ _("Fine") }}</p><p>Not fine</p><img alt="Also {{ x }}">'
                      '{% trans %}Fine too{% endtrans %}<code>id_ok</code>', encoding="utf-8")
    assert [text for _line, text in untranslated_text(sample)] == ["Not fine", "Also"]


def test_templates_have_no_text_outside_translation_functions():
    problems = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
                for path in sorted((ROOT / "templates").rglob("*"))
                if path.suffix in (".html", ".txt")
                for line, text in untranslated_text(path)]
    assert not problems, "\n".join(problems)


# -- locale selection -----------------------------------------------------------------------

def _page(client, url: str, **kw) -> str:
    """GET a page. The test's app context outlives requests, and Flask-Babel caches the locale
    on ``g``: forget it first, as a fresh request in production would."""
    from flask_babel import refresh

    refresh()
    return client.get(url, **kw).get_data(as_text=True)


@pytest.mark.parametrize(("query", "html_lang", "direction"), [
    ("sv", "sv", "ltr"), ("en", "en", "ltr"), ("ar", "ar", "rtl"), ("prs", "fa-AF", "rtl"),
    ("ti", "ti", "ltr"), ("so", "so", "ltr"), ("uk", "uk", "ltr")])
def test_lang_parameter_sets_language_direction_and_cookie(client, query, html_lang, direction):
    response = client.get(f"/?lang={query}")
    html = response.get_data(as_text=True)
    assert f'<html lang="{html_lang}" dir="{direction}">' in html
    assert f"lang={query}" in response.headers.get("Set-Cookie", "")
    again = _page(client, "/")  # remembered by the cookie
    assert f'<html lang="{html_lang}" dir="{direction}">' in again


@pytest.mark.parametrize(("header", "html_lang"), [
    ("fa-AF,fa;q=0.8", "fa-AF"), ("prs", "fa-AF"), ("fa", "fa-AF"), ("uk-UA,uk;q=0.9", "uk"),
    ("ti-ER", "ti"), ("so-SO,en;q=0.5", "so"), ("de-DE", "sv"), ("ar-SE,sv;q=0.5", "ar")])
def test_accept_language(client, header, html_lang):
    html = _page(client, "/", headers={"Accept-Language": header})
    assert f'<html lang="{html_lang}"' in html


def test_switcher_lists_every_language_in_its_own_script(client):
    html = _page(client, "/?lang=uk")
    for language in languages.LANGUAGES:
        assert f'href="?lang={language.code}" lang="{language.html_lang}"' in html
        assert f">{language.native_name}</a>" in html
    assert 'aria-current="true">українська</a>' in html


def test_review_note_only_for_unreviewed_languages(client):
    assert "native speaker" not in _page(client, "/?lang=en")
    assert "review-note" not in _page(client, "/?lang=sv")
    assert "review-note" in _page(client, "/?lang=ar")


def test_language_helpers():
    assert languages.babel_locale("prs") == "fa_AF"
    assert languages.babel_locale("fa_AF") == "fa_AF"
    assert languages.babel_locale("xx") == "sv"
    assert languages.display_name("prs") == "دری"
    assert languages.display_name("fr") == "français"
    assert languages.display_name("pl") == "polski"
    assert languages.display_name("zz-not-a-language") == "zz-not-a-language"


# -- glossary and booth languages -------------------------------------------------------------

def test_glossary_on_the_event_page_explains_swedish_words_in_the_readers_language(
        client, make_event):
    from jobbforum import glossary

    event = make_event()
    html = _page(client, f"/events/{event.slug}?lang=so")
    assert 'id="glossary-heading">Erayo aad ku maqli doonto bandhigga</h2>' in html
    for term in glossary.TERMS:
        assert f'<dfn lang="sv" dir="ltr">{term.word}</dfn>' in html
    assert "Iswiidhish loogu talagalay soo-galootiga" in html  # SFI, explained in Somali
    words = {term.word for term in glossary.TERMS}
    assert {"praktik", "bemanningsföretag", "fackförbund", "rekryteringsföretag", "myndighet",
            "kommun", "SFI", "CV", "personligt brev"} <= words


def test_booth_languages_by_their_own_names_in_cards_and_filter(client, make_event):
    from blueprints.exhibitor.labels import language_label, own_language_name
    from jobbforum.services.exhibitors import BOOTH_LANGUAGES

    assert own_language_name("ar") == "العربية" and own_language_name("prs") == "دری"
    assert own_language_name("ru") == "русский" and own_language_name("am") == "አማርኛ"
    assert set(BOOTH_LANGUAGES) >= {"sv", "en", "ar", "prs", "ti", "so", "uk"}
    event = make_event()
    html = _page(client, f"/events/{event.slug}/exhibitors?lang=sv")
    assert '>العربية (arabiska)</option>' in html
    assert '>ትግርኛ (tigrinja)</option>' in html
    assert '>دری (dari)</option>' in html
    from flask_babel import force_locale

    with force_locale("uk"):
        assert language_label("sv") == "svenska (шведська)"


@pytest.mark.parametrize(("code", "text"), [("ar", "لم نجد هذه الصفحة"), ("prs", "این صفحه را پیدا نکردیم"),
                                            ("ti", "ነቲ ገጽ ክንረኽቦ ኣይከኣልናን"), ("uk", "Ми не знайшли цю сторінку")])
def test_error_pages_in_the_readers_language(client, code, text):
    response = client.get(f"/no-such-page?lang={code}")
    assert response.status_code == 404 and text in response.get_data(as_text=True)
