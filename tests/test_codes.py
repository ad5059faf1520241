"""Participant codes and ticket codes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobbforum.codes import (
    CROCKFORD,
    is_valid_participant_code,
    new_participant_code,
    new_ticket_code,
    normalise_participant_code,
)


def test_participant_codes_are_valid_and_distinct():
    codes = {new_participant_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 9 and is_valid_participant_code(c) for c in codes)


def test_typos_are_caught_by_the_check_symbol():
    code = new_participant_code()
    for i in range(8):
        for replacement in CROCKFORD:
            if replacement != code[i]:
                typo = code[:i] + replacement + code[i + 1:]
                assert not is_valid_participant_code(typo)


def test_normalisation_accepts_how_people_type():
    code = new_participant_code()
    typed = f" {code[:4].lower()}-{code[4:]} ".replace("1", "l").replace("0", "o")
    assert normalise_participant_code(typed) == code
    assert is_valid_participant_code(typed)


@given(st.text(max_size=40))
def test_validation_never_raises(text):
    assert is_valid_participant_code(text) in (True, False)


def test_ticket_codes_have_128_bits_and_are_url_safe():
    code = new_ticket_code()
    assert len(code) >= 22
    assert all(c.isalnum() or c in "-_" for c in code)
    assert len({new_ticket_code() for _ in range(1000)}) == 1000


def test_swapped_neighbours_are_almost_always_caught():
    caught = total = 0
    for _ in range(500):
        code = new_participant_code()
        for i in range(8):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
                total += 1
                caught += not is_valid_participant_code(swapped)
    assert caught / total > 0.98


def test_codes_use_only_letters_and_digits():
    assert all(new_participant_code().isalnum() for _ in range(500))
