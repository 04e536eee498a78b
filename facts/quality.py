"""Score extracted facts against a hand-written expected table: precision and recall of figures,
and how often their unit, kind, subject and period are right."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from facts.models import Fact

FIELDS = ("unit", "kind", "qualifier", "subject", "period")


class ExpectedFact(BaseModel):
    """One row of an expected table (tests/data/releases/*.expected.yaml)."""

    model_config = ConfigDict(extra="forbid")

    figure: str
    value: float | None = None
    unit: str | None = None
    kind: str | None = None
    qualifier: str | None = None
    subject: str | None = None
    period: str | None = None
    metric: str | None = None
    exclude: bool = False


@dataclass
class Score:
    """Counts behind precision, recall and per-field accuracy."""

    expected: int = 0
    extracted: int = 0
    found: int = 0
    field_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def accuracy(self, name: str) -> float:
        return self.field_right[name] / self.found if self.found else 1.0

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.extracted += other.extracted
        self.found += other.found
        for name in FIELDS:
            self.field_right[name] += other.field_right[name]
        self.misses += other.misses
        self.spurious += other.spurious
        self.wrong += other.wrong


def same_figure(fact: Fact, row: ExpectedFact) -> bool:
    """A fact is the row's figure when the written figure and the value agree."""
    written = row.figure.lower()
    if not (written.startswith(fact.figure.lower()) or fact.figure.lower() in written):
        return False
    return row.value is None or math.isclose(fact.value, row.value, rel_tol=1e-6, abs_tol=0.01)


def score(facts: list[Fact], expected: list[ExpectedFact]) -> Score:
    """Match facts to expected rows in order of appearance and count what agrees."""
    result = Score()
    wanted = [row for row in expected if not row.exclude]
    excluded = [row for row in expected if row.exclude]
    result.expected = len(wanted)
    remaining = list(facts)
    for row in wanted:
        match = next((f for f in remaining if same_figure(f, row)), None)
        if match is None:
            result.misses.append(f"{row.figure} ({row.metric})")
            continue
        remaining.remove(match)
        result.found += 1
        for name in FIELDS:
            if getattr(row, name) == getattr(match, name):
                result.field_right[name] += 1
            else:
                result.wrong.append(
                    f"{row.figure}: {name} {getattr(match, name)!r}, expected {getattr(row, name)!r}"
                )
    spurious = [f for f in remaining if not any(f.figure.lower() in r.figure.lower() for r in excluded)]
    result.extracted = (
        result.found
        + len(spurious)
        + sum(1 for f in remaining if any(f.figure.lower() in r.figure.lower() for r in excluded))
    )
    result.spurious = [f"{f.figure} ({f.metric})" for f in remaining]
    return result
