"""Run a question file against the engine and count right answers, wrong figures,
abstentions and missing citations, by category."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from facts.errors import MetadataError, describe_errors
from intents.engine import Engine
from intents.models import Answer


class Turn(BaseModel):
    """One question and the figure it must get (None: it must not state a figure)."""

    model_config = ConfigDict(extra="ignore")

    question: str
    expected: float | None


class Case(BaseModel):
    """A line of a question file: one question, or a dialogue whose turns share context."""

    model_config = ConfigDict(extra="ignore")

    category: str
    question: str | None = None
    expected: float | None = None
    dialogue: list[Turn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_shape(self) -> Case:
        if (self.question is None) == (not self.dialogue):
            raise ValueError("a line has either 'question' and 'expected' or 'dialogue'")
        return self

    def turns(self) -> list[Turn]:
        return self.dialogue or [Turn(question=self.question or "", expected=self.expected)]


@dataclass
class Outcome:
    category: str
    question: str
    expected: float | None
    answer: Answer
    verdict: str  # right | wrong | abstained | uncited


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def by_category(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for outcome in self.outcomes:
            table[outcome.category][outcome.verdict] += 1
            table[outcome.category]["total"] += 1
        return table

    def count(self, verdict: str) -> int:
        return sum(1 for o in self.outcomes if o.verdict == verdict)

    @property
    def accuracy(self) -> float:
        return self.count("right") / len(self.outcomes) if self.outcomes else 0.0

    @property
    def wrong_rate(self) -> float:
        return (self.count("wrong") + self.count("uncited")) / len(self.outcomes) if self.outcomes else 0.0


def load_cases(path: Path) -> list[Case]:
    """Question file lines, validated; a bad line names its number."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate(json.loads(line)))
        except json.JSONDecodeError as error:
            raise MetadataError(f"{path}:{number}: not JSON ({error.msg})") from None
        except ValidationError as error:
            raise MetadataError(f"{path}:{number}: {describe_errors(error)}") from None
    if not cases:
        raise MetadataError(f"{path}: no questions in the file")
    return cases


def stated_values(answer: Answer) -> list[float]:
    if answer.kind == "change" and answer.difference is not None:
        return [answer.difference]
    if answer.kind == "compare":  # both figures, and the gap when they are comparable
        gap = [] if answer.difference is None else [abs(answer.difference)]
        return [fact.value for fact in answer.facts] + gap
    values = [fact.value for fact in answer.facts]
    for fact in answer.facts:
        if fact.kind == "date":  # "26 August 2025" states its day and month as well as its year
            values += [float(part) for part in fact.period.split("-")[1:]]
    return values


def verdict(answer: Answer, expected: float | None, engine: Engine) -> str:
    if not answer.answered:
        return "right" if expected is None else "abstained"
    for fact in answer.facts:
        source = engine.source(fact.source_id)
        if (
            source is None
            or source.text[fact.quote_start : fact.quote_end] != fact.quote
            or fact.figure not in fact.quote
        ):
            return "uncited"
    if expected is None:
        return "wrong"
    close = any(math.isclose(v, expected, rel_tol=1e-6, abs_tol=0.01) for v in stated_values(answer))
    return "right" if close else "wrong"


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    """Ask every question (dialogue turns carry context; separate lines do not)."""
    report = Report()
    for case in cases:
        context = None
        for turn in case.turns():
            answer = engine.answer(turn.question, context)
            context = answer.context
            report.outcomes.append(
                Outcome(
                    case.category,
                    turn.question,
                    turn.expected,
                    answer,
                    verdict(answer, turn.expected, engine),
                )
            )
    return report
