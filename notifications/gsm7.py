"""How long a text is on the wire: GSM-7 (160 characters, 153 a part when split) or, as soon as one
character is outside it (curly quotes, emoji, most accents), UCS-2 (70, 67 a part, in UTF-16 units).
The extension characters (``{ } [ ] ~ | \\ ^ €``) take two septets each."""

from __future__ import annotations

import math
from dataclasses import dataclass

BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class Length:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(char in BASIC or char in EXTENSION for char in text)


def measure(text: str) -> Length:
    if is_gsm7(text):
        units = sum(2 if char in EXTENSION else 1 for char in text)
        single, part, encoding = 160, 153, "gsm7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "ucs2"
    segments = 1 if units <= single else math.ceil(units / part)
    return Length(encoding=encoding, units=units, segments=segments if units else 0)
