"""What the answering engine hands to the renderers: an `Answer`, and the `Context` a
conversation carries from one question to the next."""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from facts.models import Fact, Source

AnswerKind = Literal["figure", "change", "compare", "both", "history", "clarify", "unknown", "smalltalk"]


class Context(BaseModel):
    """What a follow-up ("and Guangxi?") may reuse from the previous question."""

    model_config = ConfigDict(extra="forbid")

    metric: str | None = None
    subject: str | None = None
    period: str | None = None
    stated_period: str | None = Field(default=None, description="The period of the figure last given")
    want: str | None = None
    # the count asked about before a rate or share of it: "and by June 2025?" may go back to it
    counted: str | None = None
    fact_ids: list[str] = Field(default_factory=list)
    # the figure given before those: "how big is the gap?" after two figures compares them
    earlier_fact_ids: list[str] = Field(default_factory=list)
    updated: float = Field(default_factory=time.time)


class Suggestion(BaseModel):
    """A close thing the bot does know, offered instead of a guess."""

    fact_id: str
    label: str  # "valid invention patents — western China (June 2025)"
    question: str  # a question that answers it when asked back


class Answer(BaseModel):
    """The reply to one question, before rendering."""

    question: str
    answered: bool
    kind: AnswerKind
    facts: list[Fact] = Field(default_factory=list, description="Facts whose figures the reply states")
    sources: dict[str, Source] = Field(default_factory=dict)
    history: list[Fact] = Field(default_factory=list, description="Other periods of the same figure")
    difference: float | None = None
    suggestions: list[Suggestion] = Field(default_factory=list)
    message: str | None = Field(default=None, description="Why there is no figure, or a smalltalk reply")
    intent: str | None = None
    score: float = 0.0
    context: Context = Field(default_factory=Context)
