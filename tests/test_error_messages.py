"""Services' error messages reach people in their language: every message a service raises is an
``N_``-marked msgid in the catalogues (an AST scan, so a new f-string or bare literal fails), and
pages in Swedish show the Swedish text while the API keeps its ``reason`` codes."""

from __future__ import annotations

import ast
import html
import importlib
import inspect
import io
import pkgutil
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask_babel import refresh

import jobbforum.services
from jobbforum.extensions import db as _db
from jobbforum.models import PrivateLink, Theme, utcnow
from jobbforum.services import booths, links
from jobbforum.services import workshops as ws
from jobbforum.services.errors import DomainError, InvalidInput, NotFound
from tests.booths_builders import *  # noqa: F403
from tests.exhibitor_builders import make_exhibitor, own_outbox, registration_form  # noqa: F401
from tests.workshops_builders import make_room, make_session, members  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "jobbforum" / "services"


def _domain_errors() -> tuple[set[str], set[str]]:
    """Names of all DomainError classes, and of those whose first argument is the message (the
    others take data, e.g. ``RosterInvalid(report)``, and pass a message to ``super().__init__``)."""
    for module in pkgutil.iter_modules(jobbforum.services.__path__):
        importlib.import_module(f"jobbforum.services.{module.name}")
    found, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    takes_message = {cls.__name__ for cls in found
                     if list(inspect.signature(cls.__init__).parameters)[1:2] == ["message"]}
    return {cls.__name__ for cls in found}, takes_message


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _n_literal(node: ast.expr) -> str | None:
    """The msgid if ``node`` is ``N_("literal")``, else None."""
    if (isinstance(node, ast.Call) and _name(node.func) == "N_" and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "__init__"
            and isinstance(func.value, ast.Call) and _name(func.value.func) == "super")


def service_messages() -> tuple[list[tuple[str, str]], list[str]]:
    """``([(where, msgid)], [problems])`` for every message given to a DomainError in the services:
    calls of DomainError classes, ``super().__init__(message)`` inside them, and their ``message``
    class attributes. Each must be ``N_("literal")``."""
    names, takes_message = _domain_errors()
    messages, problems = [], []

    def check(path: Path, node: ast.AST, value: ast.expr, what: str) -> None:
        where = f"{path.relative_to(ROOT)}:{node.lineno}"  # type: ignore[attr-defined]
        msgid = _n_literal(value)
        if msgid is None:
            problems.append(f"{where}: {what} is not N_(\"literal\"): {ast.unparse(value)[:60]}")
        else:
            messages.append((where, msgid))

    for path in sorted(SERVICES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in names:
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and "message" in map(_name, statement.targets):
                        check(path, statement, statement.value, f"{node.name}.message")
                if node.name != "DomainError":
                    for call in ast.walk(node):
                        if isinstance(call, ast.Call) and _is_super_init(call) and call.args:
                            check(path, call, call.args[0], "message")
            elif isinstance(node, ast.Call) and _name(node.func) in takes_message:
                message = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "message"), None)
                if message is not None:
                    check(path, node, message, "message")
    return messages, problems


def test_every_service_error_message_is_a_marked_literal_in_the_catalogue():
    messages, problems = service_messages()
    assert not problems, "\n".join(problems)
    assert len(messages) > 100  # the scan found the raise sites
    with open(ROOT / "jobbforum/translations/sv/LC_MESSAGES/messages.po", "rb") as handle:
        swedish = read_po(handle, locale="sv")
    untranslated = sorted({f"{where}: {msgid}" for where, msgid in messages
                           if msgid not in swedish or not swedish[msgid].string})
    assert not untranslated, "run `make translations` and translate:\n" + "\n".join(untranslated)


def test_the_scan_catches_an_unmarked_message(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text('def f(x):\n    raise InvalidInput(f"No {x}")\n', encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.SERVICES", tmp_path)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert service_messages()[1] == ['bad.py:2: message is not N_("literal"): f\'No {x}\'']


# --------------------------------------------------------------------------- the error object


def test_message_is_english_text_is_translated_and_params_are_filled(app):
    error = NotFound("Unknown programme round: %(rounds)s", field="rounds", rounds="vt25, ht25")
    assert error.message == str(error) == "Unknown programme round: vt25, ht25"
    assert error.context["field"] == "rounds" and error.template.endswith("%(rounds)s")
    assert error.text() == error.message  # no request: English
    with app.test_request_context("/?lang=sv"):
        refresh()
        assert error.text() == "Okänd programomgång: vt25, ht25"
        assert InvalidInput().text() == "Uppgifterna är inte giltiga."
        assert links.LinkExpired().text() == "Den här länken har gått ut."
    # A placeholder without its value never breaks the page.
    assert NotFound("Unknown programme round: %(rounds)s").text() == (
        "Unknown programme round: %(rounds)s")


def test_default_message_is_the_class_attribute_not_the_docstring():
    assert booths.NotApproved().message == booths.NotApproved.message
    assert DomainError().message == "That did not work. Please try again."


# --------------------------------------------------------------------------- pages in Swedish


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture()
def sv_client(client):
    """The client reading in Swedish; Flask-Babel's cached locale is dropped before each request
    (the test's app context outlives requests)."""
    client.set_cookie("lang", "sv")

    class Swedish:
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            method = getattr(client, name)

            def call(*args, **kwargs):  # type: ignore[no-untyped-def]
                refresh()
                return method(*args, **kwargs)

            return call

    return Swedish()


def test_sign_up_refused_by_the_service_in_swedish(sv_client, make_event):
    event = make_event()
    response = sv_client.post(f"/events/{event.slug}/register", data=dict(
        role="visitor", name="Amina Hassan", phone="12345", email="", preferred_language="sv",
        consent="y"))
    assert response.status_code == 400
    page = _text(response)
    assert "Skriv ett mobilnummer, till exempel 070 123 45 67." in page
    assert "Write a mobile number" not in page


@pytest.mark.usefixtures("own_outbox")
def test_exhibitor_registration_refusals_in_swedish(sv_client, make_event):
    event = make_event()

    def register(**fields):  # type: ignore[no-untyped-def]
        return sv_client.post(f"/events/{event.slug}/exhibitors/register",
                              data={**registration_form(**fields), "logo": (io.BytesIO(b""), "")},
                              content_type="multipart/form-data")

    page = _text(register(org_number="811228-9874"))
    assert "Det här ser ut som ett personnummer" in page and "personal identity" not in page
    assert register().status_code == 303
    again = register(name="Svea Logistik i Stockholm AB", org_number="5560360793")
    assert again.status_code == 400
    assert "är redan anmäld till det här evenemanget" in _text(again)
    assert "already registered" not in _text(again)


@pytest.mark.usefixtures("own_outbox")
def test_exhibitor_link_pages_in_swedish(sv_client, make_exhibitor):
    exhibitor = make_exhibitor()
    response = sv_client.get("/exhibitor/edit/garbage")
    assert response.status_code == 404
    assert "Länken är inte giltig. Kontrollera att du kopierade hela länken" in _text(response)
    link = _db.session.scalar(sa.select(PrivateLink).where(PrivateLink.purpose == "exhibitor"))
    link.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    response = sv_client.get(f"/exhibitor/edit/{exhibitor.token}")
    assert response.status_code == 410 and "Den här länken har gått ut." in _text(response)


@pytest.mark.usefixtures("own_outbox")
def test_booth_link_pages_in_swedish_and_the_api_keeps_its_codes(sv_client, client, make_fair):
    fair = make_fair()
    response = sv_client.get("/booth/garbage")
    assert response.status_code == 404 and "Länken är inte giltig." in _text(response)
    links.revoke_all(booths.LINK_PURPOSE, fair.exhibitors[0].id)
    _db.session.commit()
    response = sv_client.get(f"/booth/{fair.exhibitors[0].booth_token}")
    assert response.status_code == 410
    assert "Länken fungerar inte längre. Du kan ha fått en nyare länk." in _text(response)
    refresh()
    answer = client.post("/api/v1/booth/scan", json={"code": "nope"},
                         headers={"Authorization": f"Bearer {fair.exhibitors[1].booth_token}",
                                  "Accept-Language": "sv"})
    assert answer.status_code == 404
    assert answer.get_json() == {"status": "error", "reason": "unknown_code"}


def test_workshop_booking_refused_in_swedish(sv_client, make_session, make_round, members):
    programme_round = make_round()
    ranked = make_session(rounds=[programme_round], theme=Theme.networking, days=12)
    ws.set_collect_preferences(programme_round, Theme.networking, True, actor=None)
    person, = members(programme_round, 1)
    token = ws.booking_url(person).rsplit("/", 1)[1]
    _db.session.commit()
    response = sv_client.post(f"/b/{token}/book/{ranked.id}", follow_redirects=True)
    page = _text(response)
    assert "För det här temat rangordnar du passen i stället" in page
    assert "rank the sessions instead" not in page
