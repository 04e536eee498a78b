"""The fact table of the two bundled releases matches the table checked by hand."""

from __future__ import annotations

import pytest
import yaml

from facts.releases import bundled_sources
from facts.store import check_integrity, facts_for
from tests.conftest import BUNDLED_EXPECTED

EXPECTED = yaml.safe_load(BUNDLED_EXPECTED.read_text(encoding="utf-8"))
FACTS = {fact.id: fact for fact in facts_for(bundled_sources())}


def test_every_expected_fact_and_nothing_else() -> None:
    assert sorted(FACTS) == sorted(row["id"] for row in EXPECTED)


@pytest.mark.parametrize("row", EXPECTED, ids=[f"{r['figure']} {r['metric']}"[:60] for r in EXPECTED])
def test_fact_matches_hand_checked_row(row: dict[str, object]) -> None:
    fact = FACTS[str(row["id"])]
    assert fact.value == pytest.approx(float(row["value"]))  # type: ignore[arg-type]
    actual = {
        name: getattr(fact, name)
        for name in ("figure", "unit", "kind", "qualifier", "subject", "period", "metric")
    }
    assert actual == {name: row[name] if row[name] is None else str(row[name]) for name in actual}


def test_quotes_are_verbatim_and_contain_their_figure() -> None:
    sources = {s.id: s for s in bundled_sources()}
    check_integrity(FACTS.values(), sources)
    for fact in FACTS.values():
        assert sources[fact.source_id].text[fact.quote_start : fact.quote_end] == fact.quote
        assert fact.figure in fact.quote


def test_bundled_metadata_states_what_is_known_and_nothing_invented() -> None:
    by_title = {s.title: s for s in bundled_sources()}
    second = by_title["IP Takes Lead in Western China's Innovation Surge"]
    assert second.publisher is None and second.url is None
    assert second.published == "2024" and second.date_basis == "inferred"
    first = next(s for s in bundled_sources() if s is not second)
    assert first.publisher == "China Quality News Network"
    assert "Source: China Quality News Network" in first.text
    assert first.published == "2025-08-26" and first.url is None
