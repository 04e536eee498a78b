"""The reviewed vocabulary of questions (intents/vocabulary.yaml) and curated intents
(intents/intents.yaml), validated with pydantic."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from facts.errors import MetadataError

Want = Literal["growth", "share", "amount", "date", "ordinal", "change", "ratio", "ranking", "count"]


class Vocabulary(BaseModel):
    """Synonyms, subject aliases, answer-kind cues, follow-up cues, stopwords, smalltalk."""

    model_config = ConfigDict(extra="forbid")

    synonyms: dict[str, list[str]]
    subjects: dict[str, list[str]]
    wants: dict[Want, list[str]]
    followups: list[str]
    back_references: list[str]
    stopwords: list[str]
    light_words: list[str]
    uncovered_topics: list[str]
    contrasts: list[list[str | list[str]]]
    narrowing: list[str]
    smalltalk: list[str]


class Intent(BaseModel):
    """Curated phrasings for one figure: they add to the patterns generated from the facts."""

    model_config = ConfigDict(extra="forbid")

    name: str
    metric: str
    subject: str | None = None
    patterns: list[str] = Field(min_length=1)


def _load(name: str) -> object:
    text = resources.files("intents").joinpath(name).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MetadataError(f"intents/{name} is not valid YAML: {error}") from error


@cache
def load_vocabulary() -> Vocabulary:
    """intents/vocabulary.yaml, validated."""
    try:
        return Vocabulary.model_validate(_load("vocabulary.yaml"))
    except ValidationError as error:
        raise MetadataError(f"intents/vocabulary.yaml is invalid: {error}") from error


@cache
def load_intents() -> tuple[Intent, ...]:
    """intents/intents.yaml, validated."""
    try:
        return tuple(TypeAdapter(list[Intent]).validate_python(_load("intents.yaml") or []))
    except ValidationError as error:
        raise MetadataError(f"intents/intents.yaml is invalid: {error}") from error
