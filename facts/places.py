"""The gazetteer: places named in releases and questions, loaded from the reviewed places.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from facts.errors import MetadataError


class Place(BaseModel):
    """A place and the other ways texts write it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["region", "province", "city", "country", "bloc"]
    aliases: list[str] = []


@cache
def load_places() -> tuple[Place, ...]:
    """The places in facts/places.yaml, validated."""
    text = resources.files("facts").joinpath("places.yaml").read_text(encoding="utf-8")
    try:
        return tuple(TypeAdapter(list[Place]).validate_python(yaml.safe_load(text)))
    except (ValidationError, yaml.YAMLError) as error:
        raise MetadataError(f"facts/places.yaml is invalid: {error}") from error


@cache
def place_kinds() -> dict[str, str]:
    """Each place's kind, read once: lists are found in every sentence and question's figures."""
    return {place.name: place.kind for place in load_places()}


@cache
def place_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every place name and alias (longest first), and alias -> canonical name."""
    canonical: dict[str, str] = {}
    for place in load_places():
        for written in [place.name, *place.aliases]:
            canonical[written.lower()] = place.name
            canonical[written.lower().replace("’", "'")] = place.name
    alternatives = sorted(canonical, key=len, reverse=True)
    pattern = r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w-])"
    return re.compile(pattern, re.IGNORECASE), canonical


def find_places(text: str) -> list[tuple[int, int, str]]:
    """Places named in `text`: (start, end, canonical name), in order."""
    pattern, canonical = place_pattern()
    found = []
    for match in pattern.finditer(text):
        name = canonical[match.group(0).lower().replace("’", "'")]
        # Acronyms such as "US" only count when written in capitals ("us" is a pronoun).
        if match.group(0).isupper() is False and len(match.group(0)) <= 3:
            continue
        found.append((match.start(), match.end(), name))
    return found


@dataclass(frozen=True)
class PlaceList:
    """Places of one kind a text names as a list, and where the list stands in the text."""

    start: int
    end: int
    names: tuple[str, ...]
    kind: str


@lru_cache(maxsize=4096)  # a figure's sentence is read again for every question naming a place
def place_lists(text: str) -> tuple[PlaceList, ...]:
    """Places a text names as a list: "Britain and France", "Xi'an (Shaanxi), Baotou (Inner
    Mongolia), and Urumqi (Xinjiang)" (the three cities: a province in brackets annotates its
    city). "Chengdu, Sichuan" is a city and its province, not a list of two."""
    unbracketed = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), text)
    places = find_places(unbracketed)
    kinds = place_kinds()
    lists: list[PlaceList] = []
    current: list[tuple[int, int, str]] = []
    for number, place in enumerate(places):
        current.append(place)
        following = places[number + 1] if number + 1 < len(places) else None
        joined = re.sub(r"\s", "", unbracketed[place[1] : following[0]]) if following else "-"
        if (
            joined in {"", ",", "and", ",and"}
            and following
            and kinds.get(following[2]) == kinds.get(place[2])
        ):
            continue
        names = tuple(dict.fromkeys(name for _, _, name in current))
        if len(names) > 1:
            end = current[-1][1]
            bracket = re.match(r"\s*\([^)]*\)", text[end:])
            lists.append(
                PlaceList(current[0][0], end + (bracket.end() if bracket else 0), names, kinds[names[0]])
            )
        current = []
    return tuple(lists)
