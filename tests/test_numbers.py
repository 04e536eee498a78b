"""Figures and periods are read from the words the way a careful reader would."""

from __future__ import annotations

import pytest

from facts.numbers import find_figures
from facts.periods import find_periods
from intents.text import normalize


@pytest.mark.parametrize(
    ("text", "figure", "value", "unit", "qualifier"),
    [
        ("had 531,000 valid invention patents", "531,000", 531000, None, None),
        ("7.006 million valid registered trademarks", "7.006 million", 7006000, None, None),
        ("up 16.7 percent year-on-year", "16.7", 16.7, "percent", None),
        ("a share of 9.8% of the total", "9.8", 9.8, "percent", None),
        ("a value of 429.8 billion yuan($60.36 billion)", "429.8 billion", 429.8e9, "yuan", None),
        ("loans of RMB 1.2 billion", "1.2 billion", 1.2e9, "yuan", None),
        ("nearly 210 million yuan in signed agreements", "210 million", 210e6, "yuan", "nearly"),
        ("over 5 million people", "5 million", 5e6, None, "over"),
        ("up to 80 million kilowatt-hours of electricity", "80 million", 80e6, "kWh", "up to"),
        ("spanning 600 square kilometers", "600", 600, "square kilometers", None),
        ("covers two-thirds of the country's land area", "two-thirds", 66.67, "percent", None),
        ("home to over a quarter of its population", "a quarter", 25, "percent", "over"),
        ("nine provinces along the Yellow River Basin", "nine", 9, None, None),
        ("The 18th China–EU Heads of IP Offices Meeting", "18th", 18, "ordinal", None),
        ("more than 1,900 enterprises", "1,900", 1900, None, "over"),
        ("approximately 3,800 applications", "3,800", 3800, None, "about"),
    ],
)
def test_figure_is_read(
    text: str, figure: str, value: float, unit: str | None, qualifier: str | None
) -> None:
    found = find_figures(text)[0]
    assert (found.text, found.value, found.unit, found.qualifier) == (
        figure,
        pytest.approx(value),
        unit,
        qualifier,
    )
    assert text[found.start : found.end] == figure


def test_second_currency_in_brackets_is_its_own_figure() -> None:
    figures = find_figures("output value of 429.8 billion yuan($60.36 billion).")
    assert [(f.value, f.unit) for f in figures] == [(429.8e9, "yuan"), (60.36e9, "USD")]


@pytest.mark.parametrize(
    "text",
    [
        "addressing the two-way blind spots",
        "continue to lead the top 100 science and technology cluster ranking",
        "under Article 63 of the Trademark Law",
        "the two sides signed an agreement",
        "a one-stop service",
        "5G base stations",
    ],
)
def test_words_that_only_look_like_figures_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


@pytest.mark.parametrize(
    ("sentence", "published", "period"),
    [
        ("as of June 2025, the region had 531,000 patents", "2025-08-26", "2025-06"),
        ("By the end of September, the number reached 493,000", "2024", "2024-09-30"),
        ("As of the end of 2024, patents reached 412,600", "2025-01-22", "2024-12-31"),
        ("China's GDP saw a 5.2 percent increase last year", "2024", "2023"),
        ("In the first half of the year, contracts totaled 11,230", "2025-07-23", "2025-H1"),
        ("In the first three quarters, courts accepted 36,850 cases", "2025-10-28", "2025-Q1-Q3"),
        ("In October this year, the railway carried 42 million trips", "2024", "2024-10"),
        ("at the end of September 2024", "2025-08-26", "2024-09-30"),
        # a year after "the end of" is a time even before a noun ("the end of 2025 figures")
        ("compiling the end of 2025 figures", "2026-11-22", "2025-12-31"),
    ],
)
def test_period_is_resolved_against_the_release_date(sentence: str, published: str, period: str) -> None:
    stated = [p for p in find_periods(sentence, published) if not p.is_event]
    assert stated[0].value == period


def test_event_dates_are_not_periods() -> None:
    periods = find_periods("This concept, patented in 2018, has boosted efficiency.", "2024")
    assert [(p.value, p.is_event) for p in periods] == [("2018", True)]


@pytest.mark.parametrize("text", ["patents\rin the west's", "patents\rin the west’s"])
def test_a_carriage_return_parts_words_in_any_text(text: str) -> None:
    assert normalize(text) == "patents in the west's"
