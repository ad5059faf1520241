"""Swedish organisation numbers (*organisationsnummer*): parsing and the Luhn check digit.

An organisation number has ten digits, written ``NNNNNN-NNNN``; the last is a Luhn (mod 10)
check digit over the first nine. Legal entities have a third digit of 2 or more (the "month"
of a personal identity number is never above 12, so ``20``–``99`` marks an organisation). Sole
traders use their personal identity number: that is personal data, so it is refused here.
"""

from __future__ import annotations

import re


from jobbforum.services.errors import InvalidInput, N_

_SEPARATORS = re.compile(r"[\s\-+]")


class OrgNumberInvalid(InvalidInput):
    """This is not a valid Swedish organisation number."""

    code = "org_number_invalid"
    message = N_("This is not a valid Swedish organisation number.")


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for ``digits`` (doubling every other digit from the right end)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def normalise(text: str) -> str:
    """``text`` as ``NNNNNN-NNNN``; raises :class:`OrgNumberInvalid` with a message people can act on.

    Accepts ``5560360793``, ``556036-0793`` and the 12-digit form with the ``16`` prefix
    (``16556036-0793``) that some registers print.
    """
    digits = _SEPARATORS.sub("", text or "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if not digits.isdigit() or not digits.isascii() or len(digits) != 10:
        raise OrgNumberInvalid(N_("Write the organisation number as ten digits, NNNNNN-NNNN."),
                               field="org_number")
    if int(digits[2]) < 2:
        raise OrgNumberInvalid(
            N_("This looks like a personal identity number, not an organisation number. "
               "Sole traders: leave the field empty."), field="org_number")
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise OrgNumberInvalid(
            N_("The organisation number's check digit does not match. Check for a typo."),
            field="org_number")
    return f"{digits[:6]}-{digits[6:]}"


def is_valid(text: str) -> bool:
    """Whether ``text`` is a well-formed organisation number with a correct check digit."""
    try:
        normalise(text)
    except OrgNumberInvalid:
        return False
    return True
