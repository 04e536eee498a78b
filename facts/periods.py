"""Read the time a figure refers to ('as of June 2025', 'by the end of September', 'last year')
and resolve it against the date of the release it stands in."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.pop("may", None)  # "may" is far more often the verb; "May 2025" is matched with its year
_MONTH = r"\b(?:January|February|March|April|May(?=\s+\d)|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?![a-z])\.?"
_YEAR = r"(?:19[5-9]\d|20\d\d)"

PERIOD = re.compile(
    rf"""
    (?P<lead>\b(?:as\s+of|as\s+at|by|at|until|till|through|in|during|for|since|on)\s+)?
    (?:the\s+)?
    (?:
        (?P<end>end\s+of\s+(?:the\s+)?)?
        (?:
            (?P<half>(?:first|second)\s+half)(?:\s+of\s+(?:the\s+year|(?P<half_year>{_YEAR})|this\s+year|last\s+year))?
          | (?P<quarters>first\s+(?:three\s+quarters|quarter)|(?:second|third|fourth)\s+quarter)
              (?:\s+of\s+(?:the\s+year|(?P<quarter_year>{_YEAR})|this\s+year|last\s+year))?
          | (?P<month>{_MONTH})(?:\s+(?P<day>[0-3]?\d)(?!\d|,\d{{3}}))?
              (?:,?\s+(?P<month_year>{_YEAR})|\s+(?P<month_rel>this|last)\s+year)?
          | (?P<year>{_YEAR})(?!\d|,\d)
          | (?P<relative>(?:this|last)\s+year)
          | (?P<now>latest|now|currently|to\s+date|so\s+far)
        )
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
MONTH_WORD = re.compile(_MONTH, re.IGNORECASE)
# Words right before a date that make it the date of an event ("patented in 2018") rather
# than the time a figure in the sentence refers to.
EVENT_CUES = re.compile(
    r"(?:\b\w+ed|\boperations?|\bsince\s+(?:its|their|the)\s+\w+)\s+(?:in|on)\s+$|\b(?:on|since)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    """A time expression found in a sentence and what it resolves to."""

    start: int
    end: int
    text: str
    value: str  # 2025-06, 2024-09-30, 2023, 2025-H1, 2025-Q1-Q3; "" for "latest"/"now"
    is_event: bool  # the date of something that happened, not the time of a figure
    sentence_initial: bool


def document_year(published: str) -> int:
    """The year of a release's date (2025-08-26 -> 2025)."""
    return int(published[:4])


def resolve(match: re.Match[str], published: str) -> str:
    """Resolve one PERIOD match to a period string, relative to the release date."""
    year = document_year(published)
    if match["relative"]:
        word = match["relative"].lower()
        relative_year = year if word.startswith("this") else year - 1
        return f"{relative_year}-12-31" if match["end"] else str(relative_year)
    if match["now"]:
        return ""
    if match["year"]:
        end = bool(match["end"])
        return f"{match['year']}-12-31" if end else match["year"]
    if match["half"]:
        half = "H1" if match["half"].lower().startswith("first") else "H2"
        return f"{_relative_year(match['half_year'], match.group(0), year)}-{half}"
    if match["quarters"]:
        words = match["quarters"].lower()
        the_year = _relative_year(match["quarter_year"], match.group(0), year)
        if "three" in words:
            return f"{the_year}-Q1-Q3"
        number = {"first": 1, "second": 2, "third": 3, "fourth": 4}[words.split()[0]]
        return f"{the_year}-Q{number}"
    month = MONTHS[match["month"].lower().rstrip(".")[:3]]
    the_year = int(match["month_year"]) if match["month_year"] else year
    if match["month_rel"] and match["month_rel"].lower() == "last":
        the_year = year - 1
    if match["day"]:
        return f"{the_year}-{month:02d}-{int(match['day']):02d}"
    if match["end"]:
        return f"{the_year}-{month:02d}-{calendar.monthrange(the_year, month)[1]:02d}"
    return f"{the_year}-{month:02d}"


def _relative_year(explicit: str | None, phrase: str, year: int) -> int:
    if explicit:
        return int(explicit)
    return year - 1 if "last year" in phrase.lower() else year


def find_periods(sentence: str, published: str) -> list[Period]:
    """Every time expression in a sentence, resolved against the release date."""
    periods = []
    for match in PERIOD.finditer(sentence):
        if not (
            match["lead"] or match["end"] or match["relative"] or match["month"]
            or match["quarter_year"] or match["half_year"]
        ):  # fmt: skip
            continue  # a bare year or "now" without a preposition is too ambiguous
        if match["month"] and not MONTH_WORD.fullmatch(match["month"]):
            continue
        if match["year"] and not match["end"] and _followed_by_unit(sentence, match.end()):
            continue
        lead_start = match.start()
        is_event = bool(EVENT_CUES.search(sentence[:lead_start] + (match["lead"] or "")))
        initial = sentence[:lead_start].strip() == ""
        periods.append(
            Period(
                start=match.start(),
                end=match.end(),
                text=match.group(0).strip(),
                value=resolve(match, published),
                # "Since 2019, ..." starts a running total: the date of an event even at the start
                is_event=is_event and (not initial or (match["lead"] or "").strip().lower() == "since"),
                sentence_initial=initial,
            )
        )
    return periods


def _followed_by_unit(sentence: str, end: int) -> bool:
    """'2021 patents' is a count, not the year 2021."""
    return bool(re.match(r"\s+[a-z]", sentence[end:])) and not re.match(
        r"\s+(?:and|to|the|this|when|with|as|was|were|is|are|had|has|have|it|they)\b",
        sentence[end:],
    )


def period_label(period: str) -> str:
    """'2025-06' -> 'June 2025'; '2024-09-30' -> 'the end of September 2024'; '2025-H1' ->
    'the first half of 2025'."""
    year = period[:4]
    if len(period) == 4:
        return year
    if "-H" in period:
        return f"the {'first' if period.endswith('1') else 'second'} half of {year}"
    if "-Q" in period:
        quarters = period[5:]
        if quarters == "Q1-Q3":
            return f"the first three quarters of {year}"
        return f"{quarters.replace('-', ' to ')} {year}"
    month = int(period[5:7])
    if len(period) == 7:
        return f"{calendar.month_name[month]} {year}"
    day = int(period[8:10])
    if month == 12 and day == 31:
        return f"the end of {year}"
    if day == calendar.monthrange(int(year), month)[1]:
        return f"the end of {calendar.month_name[month]} {year}"
    return f"{day} {calendar.month_name[month]} {year}"
