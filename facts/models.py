"""The pydantic models every other module speaks: a press release (`Source`) and a `Fact`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass

# A period or date at the precision the text gives it: 2023, 2025-06, 2024-09-30,
# a half year (2025-H1) or a run of quarters (2025-Q1-Q3).
PERIOD_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-H[12]|-Q[1-4](-Q[1-4])?)?$")

# "listed": how many places a release lists (3 cities), counted from the list it quotes.
Kind = Literal["count", "amount", "share", "growth", "ratio", "measure", "ordinal", "year", "date", "listed"]
Qualifier = Literal["nearly", "over", "up to", "about", "at least"]


def check_period(value: str) -> str:
    """Validate a period string; day precision must be a real calendar date."""
    if not PERIOD_PATTERN.match(value):
        raise ValueError(f"not a period: {value!r} (use 2025, 2025-06, 2025-06-30, 2025-H1, 2025-Q1-Q3)")
    if len(value) == 10 and value[5].isdigit():
        dt.date.fromisoformat(value)
    return value


PUBLICATION_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
# Press releases on IP statistics start with the modern IP offices; nothing is published ahead.
EARLIEST_PUBLICATION_YEAR = 1980


def check_publication_date(value: str) -> str:
    """A publication date: 2025-08-26, 2025-08 or 2025, a real date, not before 1980 nor in
    the future."""
    if not PUBLICATION_DATE.match(value):
        raise ValueError(f"not a date: {value!r} (use 2025-08-26, 2025-08 or 2025)")
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a calendar date: {value!r}") from None
    earliest = value[:4] < str(EARLIEST_PUBLICATION_YEAR)
    if earliest or value > dt.date.today().isoformat()[: len(value)]:
        raise ValueError(
            f"{value!r} is not a plausible publication date (from {EARLIEST_PUBLICATION_YEAR} to today)"
        )
    return value


class ReleaseMetadata(BaseModel):
    """What a person states about a release: the data file entry or an ingest's front matter."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    publisher: str | None = None
    published: str = Field(description="Publication date at the precision known: 2025-08-26 or 2024")
    date_basis: Literal["stated", "inferred"] = "stated"
    date_note: str | None = Field(default=None, description="How the date was inferred")
    url: str | None = None
    note: str | None = None

    @field_validator("published")
    @classmethod
    def _published_is_a_date(cls, value: str) -> str:
        return check_publication_date(value)


class BundledRelease(ReleaseMetadata):
    """An entry of facts/releases/sources.yaml: metadata plus the file it describes."""

    file: str


class Source(ReleaseMetadata):
    """A stored press release: its metadata, its full text and a content-derived id."""

    id: str
    text: str
    bundled: bool = False


# A validated dataclass with slots rather than a BaseModel: a table of 100,000 facts is held in
# memory, and a slotted instance is a quarter the size of a model's per-instance dict.
@dataclass(slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Fact:
    """One figure from a release, with what it measures, when, and the verbatim sentence.
    Change one with `dataclasses.replace`, which validates again."""

    id: str
    source_id: str
    metric: str
    subject: str
    value: float
    unit: str
    kind: Kind
    qualifier: Qualifier | None = None
    period: str
    period_text: str | None = Field(default=None, description="The words the period was read from")
    figure: str = Field(description="The figure exactly as written in the quote")
    quote: str
    quote_start: int
    quote_end: int
    aliases: tuple[str, ...] = ()  # a tuple: the empty one is shared, not one list per fact

    @field_validator("period")
    @classmethod
    def _period_is_valid(cls, value: str) -> str:
        return check_period(value)
