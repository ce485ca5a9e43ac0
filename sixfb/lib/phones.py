"""Phone numbers: the only module that imports ``phonenumbers``. Numbers are stored in E.164."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """The text is not a phone number that can be dialled."""


def normalize(raw: str, *, region: str = "US") -> str:
    """``raw`` as E.164 (``+12125550123``); a number without ``+country`` is read as ``region``'s.

    Raises :class:`InvalidPhone` for text that is not a valid number.
    """
    text = (raw or "").strip()
    if not text or len(text) > 40:
        raise InvalidPhone("Enter a phone number.")
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("Enter a valid phone number, e.g. +1 212 555 0123.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("That phone number is not valid. Check the digits and the country code.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """A stored number formatted for people (international format), or the text as it is."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def is_e164(text: str) -> bool:
    """Whether ``text`` is a valid number already in E.164 (what may be texted)."""
    if not text or not text.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == text
    )
