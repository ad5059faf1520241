"""Stored values are shown by their translated labels (jobbforum.labels), never as raw enum values."""

from __future__ import annotations

import enum
import inspect
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, refresh

from jobbforum import labels, models
from jobbforum.labels import label

#: Every value a stored enum (or the door scanner's answer) can have: none may be shown as text.
RAW_VALUES = {member.value for enum_type in labels.LABELS for member in enum_type} | set(
    labels.SCAN_RESULT)


class _Cells(HTMLParser):
    """The text of every ``.badge`` element and every table cell, with the badge's classes."""

    def __init__(self) -> None:
        super().__init__()
        self.badges: list[tuple[str, str]] = []
        self.cells: list[str] = []
        self.tables = self.captions = self.unscoped_headers = 0
        self._open: list[tuple[str, str, list[str]]] = []  # (tag, kind, text parts)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        classes = dict(attrs).get("class") or ""
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.unscoped_headers += tag == "th" and not dict(attrs).get("scope")
        if "badge" in classes.split():
            self._open.append((tag, "badge:" + classes, []))
        elif tag in ("td", "th"):
            self._open.append((tag, "cell", []))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self._open and self._open[-1][0] == tag:
            _tag, kind, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if kind == "cell":
                self.cells.append(text)
            else:
                self.badges.append((kind[len("badge:"):], text))
            for outer in self._open:  # the text belongs to the enclosing cell too
                outer[2].append(text + " ")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._open:
            self._open[-1][2].append(data)


def _parse(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_every_enum_of_the_models_has_a_label_for_every_member():
    enums = {obj for _name, obj in inspect.getmembers(models, inspect.isclass)
             if issubclass(obj, enum.Enum)}
    assert enums <= set(labels.LABELS), enums - set(labels.LABELS)
    for enum_type, names in labels.LABELS.items():
        assert set(names) == set(enum_type), enum_type


def test_scan_results_are_the_scanners_answers():
    from jobbforum.services import checkin

    assert set(labels.SCAN_RESULT) == set(checkin.STATUSES)


def test_label_translates_and_keeps_machine_values_apart(app):
    with app.test_request_context("/"):
        with force_locale("sv"):
            assert label(models.RegistrationStatus.waitlisted) == "Väntelista"
            assert label(models.County.stockholm) == "Stockholms län"
            assert label("already_checked_in", "scan_result") == "Redan incheckad"
        with force_locale("ar"):
            assert label(models.ExhibitorStatus.approved) not in ("approved", "Approved")
        assert label(None) == ""
        assert label("something_new", "scan_result") == "something_new"
        with pytest.raises(TypeError):
            label("confirmed")
    assert labels.choices(models.County)[0][0] == "stockholm"
    assert label(models.Theme.kickoff) == "Kick-off meeting"  # no app: the English source


@pytest.fixture()
def demo_data(db):  # type: ignore[no-untyped-def]
    from jobbforum import demo
    from jobbforum.models import CheckInList, Event, Scan

    demo.load(participants=12, exhibitors=6)
    event = db.session.scalar(sa.select(Event).where(Event.slug == demo.DEMO_EVENT))
    entrance = db.session.scalar(sa.select(CheckInList).where(CheckInList.event_id == event.id))
    db.session.add(Scan(event_id=event.id, list_id=entrance.id, nonce="labels-test",
                        status="revoked", answer={"status": "revoked"}, flagged=True))
    db.session.commit()
    return event


def test_staff_pages_show_labels_not_raw_enum_values(app, demo_data, staff_client, db):
    from jobbforum.models import ExhibitorRegistration, ProgrammeRound, WorkshopSession

    event = demo_data
    exhibitor = db.session.scalar(sa.select(ExhibitorRegistration)
                                  .where(ExhibitorRegistration.event_id == event.id).limit(1))
    session = db.session.scalar(sa.select(WorkshopSession).limit(1))
    programme_round = db.session.scalar(sa.select(ProgrammeRound).limit(1))
    pages = ["/admin/", "/admin/events", "/admin/rounds", "/admin/exhibitors", "/admin/audit",
             "/admin/sectors",
             f"/admin/events/{event.slug}/exhibitors",
             f"/admin/events/{event.slug}/exhibitors/{exhibitor.id}",
             f"/admin/events/{event.slug}/participants",
             f"/admin/events/{event.slug}/booth-visits",
             f"/checkin/{event.slug}/lists", f"/checkin/{event.slug}/devices",
             f"/checkin/{event.slug}/review",
             "/admin/workshops/", "/admin/workshops/rooms",
             f"/admin/workshops/sessions/{session.id}",
             f"/admin/workshops/rounds/{programme_round.slug}"]
    client = staff_client("admin")
    with app.test_request_context("/"), force_locale("sv"):
        # In Swedish a label is never its value in other letter case ("Confirmed" would be
        # "confirmed" capitalised), except where the word is the same (Mentor).
        same_word = {member.value for enum_type in labels.LABELS for member in enum_type
                     if label(member).casefold() == member.value}
    badges_seen = 0
    for lang in ("sv", "en"):
        def raw(text: str) -> bool:
            folded = text.casefold()
            return text in RAW_VALUES or (  # noqa: B023
                lang == "sv" and folded in RAW_VALUES and folded not in same_word)

        for url in pages:
            refresh()
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, url
            page = _parse(response.get_data(as_text=True))
            badges_seen += len(page.badges)
            for classes, text in page.badges:
                assert text and not raw(text), (lang, url, classes, text)
            shown_raw = [text for text in page.cells if raw(text)]
            assert not shown_raw, (lang, url, shown_raw)
            # The tables come from macros/tables.html: each has a caption and scoped headers.
            assert page.tables == page.captions and not page.unscoped_headers, url
    assert badges_seen > 20  # the pages did show status badges
    refresh()
    html = client.get(f"/checkin/{event.slug}/review?lang=sv").get_data(as_text=True)
    assert "<td>Biljetten är spärrad</td>" in html
