"""Property tests (hypothesis) for the code parsers and the roster importer: any input gives an
answer or a domain error, never a crash; what is valid stays valid through normalisation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobbforum import codes
from jobbforum.services import orgnumber, tickets
from jobbforum.services.errors import DomainError

FAST = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.text())
@example("-\x850")  # a space (NEL) behind a hyphen: found by this test
def test_participant_code_parsing_never_crashes(text: str) -> None:
    assert isinstance(codes.is_valid_participant_code(text), bool)
    assert isinstance(codes.is_acceptable_imported_code(text), bool)
    normalised = codes.normalise_participant_code(text)
    assert codes.normalise_participant_code(normalised) == normalised  # idempotent


@FAST
@given(st.integers(min_value=0, max_value=2**31), st.sampled_from([" ", "-", ""]),
       st.booleans())
def test_every_new_code_is_valid_however_it_is_typed(_seed: int, separator: str,
                                                     lower: bool) -> None:
    code = codes.new_participant_code()
    typed = separator.join([code[:4], code[4:]])
    assert codes.is_valid_participant_code(typed.lower() if lower else typed)


@FAST
@given(st.sampled_from(range(9)), st.sampled_from(codes.CROCKFORD))
def test_a_single_typo_is_caught(position: int, replacement: str) -> None:
    code = codes.new_participant_code()
    typo = code[:position] + replacement + code[position + 1:]
    assert codes.is_valid_participant_code(typo) is (typo == code)


@FAST
@given(st.text())
def test_scanned_codes_are_printable_and_stable(text: str) -> None:
    code = tickets.normalise_scanned_code(text)
    assert code == "".join(ch for ch in text if ch.isprintable() and not ch.isspace())
    assert tickets.normalise_scanned_code(code) == code


@FAST
@given(st.text(max_size=40) | st.from_regex(r"\A(16|19|20)?\d{6}-?\d{4}\Z"))
def test_org_numbers_parse_or_refuse(text: str) -> None:
    try:
        normalised = orgnumber.normalise(text)
    except DomainError:
        assert not orgnumber.is_valid(text)
        return
    assert orgnumber.is_valid(normalised) and orgnumber.normalise(normalised) == normalised


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(max_size=20).filter(lambda t: "\n" not in t and "\r" not in t
                                                             and '"' not in t and "," not in t),
                              min_size=1, max_size=6), max_size=6),
       header=st.booleans())
def test_roster_check_reports_instead_of_crashing(db: Any, make_event: Any,
                                                  rows: list[list[str]], header: bool) -> None:
    from jobbforum.services import roster

    event = make_event()
    lines = ([["name", "email", "participant_code", "round"]] if header else []) + rows
    content = "\n".join(",".join(line) for line in lines).encode()
    try:
        report = roster.check(event, "roster.csv", content)
    except DomainError:
        return
    assert isinstance(report.ok, bool)
    assert report.ok or report.file_errors or any(row.errors for row in report.rows)
    db.session.rollback()


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"PK\x03\x04broken zip", b""])
def test_roster_check_refuses_garbage_files(db: Any, make_event: Any, content: bytes) -> None:
    from jobbforum.services import roster

    for name in ("roster.csv", "roster.xlsx"):
        try:
            report = roster.check(make_event(), name, content)
        except DomainError:
            continue
        assert not report.ok
