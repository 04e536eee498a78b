"""Find the figures written in a text: digits, scale words, percentages, money, number words,
fractions and ordinals, each with its value in base units and the words that qualify it."""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}
WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12, "hundred": 100,
}  # fmt: skip
FRACTIONS = {
    "two-thirds": 200 / 3, "two thirds": 200 / 3, "one-third": 100 / 3, "one third": 100 / 3,
    "a third": 100 / 3, "one quarter": 25.0, "a quarter": 25.0, "one-quarter": 25.0,
    "three quarters": 75.0, "three-quarters": 75.0, "one-fourth": 25.0, "one fifth": 20.0,
    "one-fifth": 20.0, "a fifth": 20.0, "half": 50.0, "one half": 50.0,
}  # fmt: skip
QUALIFIERS = {
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "over": "over", "more than": "over", "above": "over", "exceeding": "over",
    "in excess of": "over", "upwards of": "over", "up to": "up to", "as many as": "up to",
    "about": "about", "approximately": "about", "around": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "at least": "at least", "no fewer than": "at least",
    "no less than": "at least",
}  # fmt: skip
# Units written after a figure, with the name ipfacts stores them under and their kind.
UNITS = {
    "percentage points": ("percentage points", "growth"),
    "percent": ("percent", "share"),
    "per cent": ("percent", "share"),
    "%": ("percent", "share"),
    "yuan": ("yuan", "amount"),
    "rmb": ("yuan", "amount"),
    "u.s. dollars": ("USD", "amount"),
    "us dollars": ("USD", "amount"),
    "dollars": ("USD", "amount"),
    "euros": ("EUR", "amount"),
    "square kilometers": ("square kilometers", "measure"),
    "square kilometres": ("square kilometers", "measure"),
    "sq km": ("square kilometers", "measure"),
    "hectares": ("hectares", "measure"),
    "kilowatt-hours": ("kWh", "measure"),
    "kilowatt hours": ("kWh", "measure"),
    "kwh": ("kWh", "measure"),
    "liters": ("liters", "measure"),
    "litres": ("liters", "measure"),
    "tons": ("tons", "measure"),
    "tonnes": ("tons", "measure"),
    "kilometers": ("kilometers", "measure"),
    "kilometres": ("kilometers", "measure"),
}
CURRENCY_PREFIXES = {"rmb": "yuan", "cny": "yuan", "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR"}
# Numbers that name things rather than count them: "the top 100 clusters", "Article 12".
NAMING_WORDS = {"top", "article", "no.", "grade", "level", "phase", "chapter", "section", "covid", "per"}

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:" + "|".join(SCALES) + r")\b)?"
_WORDS = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
UNIT_WORDS = {"one": 1} | {word: value for word, value in WORD_NUMBERS.items() if value < 10}
_UNITS = "|".join(UNIT_WORDS)
_TENS = "(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_FRACTIONS = "|".join(re.escape(f) for f in sorted(FRACTIONS, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CURRENCY = "|".join(re.escape(c) for c in sorted(CURRENCY_PREFIXES, key=len, reverse=True))
_QUALIFIER = "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))

FIGURE = re.compile(
    rf"""
    (?:(?P<qualifier>\b(?:{_QUALIFIER}))\s+)?
    (?:
        (?P<currency>(?<![\w$])(?:{_CURRENCY}))\s?(?P<money>(?:{_DIGITS}){_SCALE})
      | (?P<ordinal>(?<![\w.,])\d+(?:st|nd|rd|th))\b
      | (?P<fraction>(?<![\w-])(?:{_FRACTIONS}))(?![\w-])
      | (?P<number>(?<![\w.,/-])(?:{_DIGITS}){_SCALE})(?![\w-]|\.\d|,\d)
        (?:\s?(?P<unit>{_UNIT})(?!\w))?
      | (?P<word>(?<![\w-])(?:{_TENS}-(?:{_UNITS})|{_WORDS})(?:\s(?:hundred|{"|".join(SCALES)}))?)(?![\w-])
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")


@dataclass(frozen=True)
class Figure:
    """A figure as written: where it stands, its value, and what the words around it say."""

    start: int  # of the figure itself, without qualifier or currency sign
    end: int
    text: str
    value: float
    unit: str | None  # from the words right after it (or a currency sign before it)
    kind: str | None  # what the unit implies: share, amount, measure, ordinal, year
    qualifier: str | None
    unit_end: int  # where the figure's unit words end


def parse_number(text: str) -> float:
    """Value of '7.006 million', '531,000', 'nine', 'two-thirds' in base units."""
    lowered = text.lower().strip()
    if lowered in FRACTIONS:
        return round(FRACTIONS[lowered], 2)
    parts = lowered.split()
    scale = 1.0
    if parts[-1] in SCALES:
        scale = SCALES[parts.pop()]
    if parts[-1] == "hundred" and len(parts) > 1:
        scale *= 100
        parts.pop()
    head = " ".join(parts)
    if "-" in head and head.split("-")[0] in WORD_NUMBERS:  # "twenty-three"
        tens, units = head.split("-")
        return round((WORD_NUMBERS[tens] + UNIT_WORDS[units]) * scale, 6)
    base = float(WORD_NUMBERS[head]) if head in WORD_NUMBERS else float(head.replace(",", ""))
    return round(base * scale, 6)


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text`, in order, skipping numbers that only name things."""
    figures = []
    for match in FIGURE.finditer(text):
        group = next(g for g in ("money", "ordinal", "fraction", "number", "word") if match[g])
        start, end = match.span(group)
        figure_text = match[group]
        preceding = text[max(0, start - 12) : start].lower().split()
        if preceding and preceding[-1].strip("(") in NAMING_WORDS:
            continue
        qualifier = QUALIFIERS[match["qualifier"].lower()] if match["qualifier"] else None
        unit_end = match.end()
        if group == "money":
            unit, kind = CURRENCY_PREFIXES[match["currency"].lower()], "amount"
        elif group == "ordinal":
            unit, kind = "ordinal", "ordinal"
        elif group == "fraction":
            if figure_text.lower() == "half" and not re.match(r"\s+of\b", text[end:]):
                continue  # "the first half of the year" is a period, not a share
            unit, kind = "percent", "share"
        elif group == "number" and match["unit"]:
            unit, kind = UNITS[match["unit"].lower()]
        elif group == "number" and YEAR.match(figure_text):
            unit, kind = "year", "year"
        else:
            if group == "word" and _is_idiom(text, start, end):
                continue
            unit, kind = None, None
        value = float(figure_text[:-2]) if group == "ordinal" else parse_number(figure_text)
        figures.append(Figure(start, end, figure_text, value, unit, kind, qualifier, unit_end))
    return figures


def _is_idiom(text: str, start: int, end: int) -> bool:
    """Number words that are not figures: 'the two sides', 'one of', 'two-way'."""
    before = text[max(0, start - 5) : start].lower()
    after = text[end : end + 4].lower()
    return before.endswith("the ") or after.startswith(" of ") or after.startswith("-")
