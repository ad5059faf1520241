"""Swedish organisation numbers: format, Luhn check digit, personal identity numbers refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobbforum.services import orgnumber


@pytest.mark.parametrize("text", ["556036-0793", "5560360793", " 556036 0793 ", "16556036-0793",
                                  "202100-2114", "802001-5502"])
def test_valid_numbers_are_normalised(text):
    assert orgnumber.normalise(text) == f"{text.strip().replace(' ', '').replace('-', '')[-10:][:6]}-" \
                                        f"{text.strip().replace(' ', '').replace('-', '')[-4:]}"
    assert orgnumber.is_valid(text)


@pytest.mark.parametrize("text, fragment", [
    ("556036-0794", "check digit"),       # one digit off
    ("556036-0739", "check digit"),       # last two swapped
    ("55603-0793", "ten digits"),
    ("556036-07930", "ten digits"),
    ("55603A-0793", "ten digits"),
    ("", "ten digits"),
    ("١٢٣٤٥٦-٧٨٩٠", "ten digits"),       # Arabic-Indic digits are not accepted
    ("811228-9874", "personal identity number"),  # a personnummer (third digit 1)
])
def test_invalid_numbers_are_refused_with_a_reason(text, fragment):
    with pytest.raises(orgnumber.OrgNumberInvalid) as info:
        orgnumber.normalise(text)
    assert fragment in str(info.value.message)
    assert info.value.context["field"] == "org_number"
    assert not orgnumber.is_valid(text)


def test_luhn_check_digit_known_value():
    assert orgnumber.luhn_check_digit("556036079") == 3


@given(st.from_regex(r"\A[0-9]{2}[2-9][0-9]{6}\Z"))
def test_every_single_digit_change_is_caught(body):
    number = body + str(orgnumber.luhn_check_digit(body))
    assert orgnumber.is_valid(number)
    for position in range(10):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1:]
                if position == 2 and digit in "01":
                    continue  # turns it into a personal identity number: refused anyway
                assert not orgnumber.is_valid(changed)
