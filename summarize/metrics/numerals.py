"""Numbers written in Chinese characters (Chinese text, Japanese kanji): 二十四 is 24, 5万 is
50000, 二〇二二 is 2022. The characters and their values are data (``[numerals.han]`` in
``models/source_words.toml``); a translation that writes "24" for 二十四 keeps the number."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from summarize.resources import load_toml


@cache
def _table() -> tuple[dict[str, int], dict[str, int], dict[str, int], re.Pattern[str]]:
    table = load_toml("source_words.toml")["numerals"]["han"]
    digits, units, large = table["digits"], table["units"], table["large_units"]
    characters = re.escape("".join([*digits, *units, *large]))
    # Digits may open a run that units go on with: 5万, 1.5亿.
    pattern = re.compile(rf"(\d+(?:\.\d+)?)?([{characters}]+)")
    return digits, units, large, pattern


def _value(lead: str | None, characters: str) -> Decimal | None:
    digits, units, large, _ = _table()
    if not any(char in units or char in large for char in characters):
        if lead is not None:
            return None
        return Decimal("".join(str(digits[char]) for char in characters))  # 二〇二二
    total = section = Decimal(0)
    number: Decimal | None = Decimal(lead) if lead else None
    for char in characters:
        if char in digits:
            number = Decimal(digits[char])
        elif char in units:
            section += (number if number is not None else 1) * units[char]
            number = None
        else:
            total += (section + (number or 0)) * large[char]
            section, number = Decimal(0), None
    return total + section + (number or 0)


def han_numbers(text: str) -> list[Decimal]:
    """The numbers ``text`` writes in Chinese characters, in order."""
    *_, pattern = _table()
    found = (_value(match.group(1), match.group(2)) for match in pattern.finditer(text))
    return [value for value in found if value is not None]
