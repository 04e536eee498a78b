"""Reviewed corrections on top of automatic extraction, keyed by stable fact id
(facts/curation.yaml): rename a metric, add aliases, correct a subject or period, drop a figure."""

from __future__ import annotations

import dataclasses
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from facts.errors import MetadataError
from facts.models import Fact, Kind, Qualifier, check_period


class Correction(BaseModel):
    """What a reviewer changes about one extracted fact."""

    model_config = ConfigDict(extra="forbid")

    figure: str = Field(description="The figure as written; guards against an id that moved")
    metric: str | None = None
    subject: str | None = None
    period: str | None = None
    unit: str | None = None
    kind: Kind | None = None
    qualifier: Qualifier | None = None
    aliases: list[str] = Field(default_factory=list)
    drop: str | None = Field(default=None, description="Why this figure is not a fact worth answering")

    @field_validator("period")
    @classmethod
    def _period_is_valid(cls, value: str | None) -> str | None:
        return None if value is None else check_period(value)


Curation = dict[str, Correction]


@cache
def load_curation() -> Curation:
    """The corrections in facts/curation.yaml, validated."""
    text = resources.files("facts").joinpath("curation.yaml").read_text(encoding="utf-8")
    try:
        return TypeAdapter(Curation).validate_python(yaml.safe_load(text) or {})
    except (ValidationError, yaml.YAMLError) as error:
        raise MetadataError(f"facts/curation.yaml is invalid: {error}") from error


def apply_curation(facts: list[Fact], curation: Curation) -> list[Fact]:
    """Facts with their corrections applied and dropped ones removed."""
    curated = []
    for fact in facts:
        correction = curation.get(fact.id)
        if correction is None:
            curated.append(fact)
            continue
        if correction.figure != fact.figure:
            raise MetadataError(
                f"facts/curation.yaml: {fact.id} is {fact.figure!r} in the release, "
                f"but the correction is for {correction.figure!r}"
            )
        if correction.drop:
            continue
        changes = correction.model_dump(exclude={"figure", "drop", "aliases"}, exclude_none=True)
        changes["aliases"] = (*fact.aliases, *correction.aliases)
        curated.append(dataclasses.replace(fact, **changes))
    return curated


def unused_corrections(facts: list[Fact], curation: Curation, source_ids: set[str]) -> list[str]:
    """Ids in the curation file for a known source that no extracted fact has any more."""
    extracted = {fact.id for fact in facts}
    return [
        fact_id
        for fact_id in curation
        if fact_id.rsplit("-", 1)[0] in source_ids and fact_id not in extracted
    ]
