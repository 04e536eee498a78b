"""Answer -> text a person reads: plain text for the terminal and JSON, HTML for Telegram.
Every figure shown comes from a fact in the answer, with its source and verbatim quote."""

from __future__ import annotations

import html
import re

from facts.models import Fact, Source
from facts.periods import period_label
from intents.models import Answer

EXAMPLE_QUESTIONS = (
    "How many valid invention patents does western China have?",
    "How many GIs does Guangxi have?",
    "How fast did registered trademarks grow in the west?",
)
CURRENCY_PREFIX = {"USD": "US$", "EUR": "€"}
UNIT_SUFFIX = {"percent": "%", "percentage points": " percentage points", "yuan": " yuan"}
WORD_FIGURE = re.compile(r"^[a-z][a-z -]*$", re.IGNORECASE)


def number(value: float) -> str:
    """531000 -> '531,000'; 16.7 -> '16.7'; 7006000.0 -> '7,006,000'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# A count of the places a release lists is the bot's count, not the release's figure.
LISTED_NOTE = "Counted by ipfacts from the places the release lists."


def plural(count: int, noun: str) -> str:
    """'1 fact', '40 facts'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def signed_difference(answer: Answer) -> str:
    """The computed change between two cited figures: '+38,000', '−47'."""
    difference = answer.difference or 0.0
    return f"{'+' if difference >= 0 else '−'}{number(abs(difference))}"


def figure_text(fact: Fact) -> str:
    """The figure as people read it: '7.006 million', '16.7%', 'nearly 210 million yuan'."""
    if fact.kind == "date":
        return period_label(fact.period)
    if fact.kind == "year" and not fact.figure.isdigit():
        return f"{int(fact.value)} ({fact.figure})"  # "last year" in the release: 2024
    if fact.kind in {"year", "ordinal"}:
        return fact.figure
    if fact.kind == "listed":  # "3 cities (Xi'an, Baotou and Urumqi)": the list the count is of
        return f"{number(fact.value)} {fact.unit} ({fact.figure})"
    written = fact.figure
    if WORD_FIGURE.match(written):  # "two-thirds", "nine": keep the words, add the number
        shown = f"{written} ({number(fact.value)}{'%' if fact.unit == 'percent' else ''})"
    else:
        shown = written.replace(" percent", "")
        shown = f"{CURRENCY_PREFIX.get(fact.unit, '')}{shown}{UNIT_SUFFIX.get(fact.unit, '')}"
        if fact.kind == "measure":
            shown = f"{shown} {fact.unit}"
    return f"{fact.qualifier} {shown}" if fact.qualifier else shown


def when(fact: Fact) -> str:
    """When the figure holds, as a phrase: 'as of June 2025', 'as reported in 2024'."""
    if fact.kind in {"date", "year"}:
        return ""
    if fact.period_text is None:
        return f"as reported {'in' if len(fact.period) <= 7 else 'on'} {period_label(fact.period)}"
    return (
        f"as of {period_label(fact.period)}"
        if len(fact.period) >= 7 and "-H" not in fact.period and "-Q" not in fact.period
        else f"in {period_label(fact.period)}"
    )


def source_line(source: Source) -> str:
    """'Title — Publisher, 26 August 2025 (date inferred from the text)'."""
    publisher = source.publisher or "publisher not stated"
    inferred = " (date inferred)" if source.date_basis == "inferred" else ""
    return f"{source.title} — {publisher}, {period_label(source.published).removeprefix('the end of ')}{inferred}"


def short_source(source: Source) -> str:
    """'IP Takes Lead in Western China's Innovation Surge, 2024'."""
    return f"{source.title}, {period_label(source.published).removeprefix('the end of ')}"


def _history_word(answer: Answer) -> str:
    """'Earlier' when the other figure is older than the one stated, else 'Latest'."""
    return "Earlier" if answer.history[0].period < answer.facts[0].period else "Latest"


def _headline(facts: list[Fact]) -> str:
    main, *others = facts
    shown = figure_text(main)
    if others:
        shown += (
            " ("
            + "; ".join(f"about {figure_text(o)}" if not o.qualifier else figure_text(o) for o in others)
            + ")"
        )
    return shown


def _describe(fact: Fact) -> str:
    parts = [fact.metric, fact.subject]
    phrase = when(fact)
    return ", ".join(parts) + (f", {phrase}" if phrase else "")


def render_plain(answer: Answer) -> str:
    """The reply as plain text, exactly as a terminal user or the JSON `text` field sees it."""
    if answer.kind == "smalltalk":
        return _help_text(answer)
    if not answer.answered:
        lines = [answer.message or "I have no such figure."]
        if answer.suggestions:
            if answer.kind != "clarify":
                lines.append("I do have:")
            lines += [f"  {n}. {s.label}" for n, s in enumerate(answer.suggestions, 1)]
        return "\n".join(lines)
    if answer.kind == "change":
        return _change_plain(answer)
    if answer.kind in {"compare", "both"}:
        return "\n".join(_compare_lines(answer, plain=True))
    facts = answer.facts
    lines = [f"{_headline(facts)} — {_describe(facts[0])}."]
    if any(f.kind == "listed" for f in facts):
        lines.append(f"({LISTED_NOTE})")
    if answer.history:
        other = answer.history[0]
        lines.append(
            f"{_history_word(answer)}: {figure_text(other)}, {when(other)} ({short_source(answer.sources[other.source_id])})."
        )
    for source_id in dict.fromkeys(f.source_id for f in facts):
        lines.append(f"Source: {source_line(answer.sources[source_id])}")
        quote = next(f.quote for f in facts if f.source_id == source_id)
        lines.append(f"“{quote}”")
    return "\n".join(lines)


def _change_plain(answer: Answer) -> str:
    later, earlier = answer.facts
    lines = [
        f"{signed_difference(answer)} {later.unit} — change in {later.metric}, {later.subject}: "
        f"{figure_text(later)} {when(later)} against {figure_text(earlier)} {when(earlier)}.",
        "(Difference computed by ipfacts from the two cited figures.)",
    ]
    for fact in (later, earlier):
        lines.append(f"Source: {source_line(answer.sources[fact.source_id])}")
        lines.append(f"“{fact.quote}”")
    return "\n".join(lines)


def _compare_lines(answer: Answer, plain: bool) -> list[str]:
    """Two figures side by side, each with its source, and (compared) the gap between them."""
    e = (lambda text: text) if plain else html.escape
    first, second = answer.facts
    lines = [
        f"{e(figure_text(fact))} — {e(_describe(fact))}"
        if plain
        else f"<b>{e(figure_text(fact))}</b> — {e(_describe(fact))}"
        for fact in (first, second)
    ]
    if answer.kind == "compare":  # a "both" answer asked for the two, not which is more: no note
        note = _gap_note(answer)
        lines.append(e(note) if plain else f"<i>{e(note)}</i>")
    for fact in {(f.source_id, f.quote): f for f in (first, second)}.values():  # one sentence may give both
        source = answer.sources[fact.source_id]
        if plain:
            lines += [f"Source: {source_line(source)}", f"“{fact.quote}”"]
        else:
            lines.append(render_source_html(fact, source))
    return lines


def _gap_note(answer: Answer) -> str:
    """What a comparison says of the gap between its two figures: computed, or why not."""
    first, second = answer.facts
    if answer.difference is None and first.period != second.period:
        return "They are for different times, so ipfacts does not subtract them."
    if answer.difference is None:
        return "One of them is not exact (over, nearly, up to), so ipfacts does not subtract them."
    gap = abs(answer.difference)
    if gap == 0:
        return "The two are equal."
    unit = {"percent": " percentage points", "ordinal": ""}.get(first.unit, f" {first.unit}")
    if first.unit != second.unit:
        unit = ""  # counts of two kinds of thing: 2,399 trademarks beside 978 products
    leader = first if answer.difference >= 0 else second
    if first.subject != second.subject:
        name = leader.subject
    elif first.metric != second.metric:
        name = leader.metric
    else:  # one figure at two times
        name = f"the figure {when(leader)}"
    return f"{name[0].upper()}{name[1:]} is higher by {number(gap)}{unit} (computed by ipfacts from the two cited figures)."


def _help_text(answer: Answer) -> str:
    examples = "\n".join(f"  • {q}" for q in EXAMPLE_QUESTIONS)
    if answer.message == "empty":
        return "Ask me about an IP figure, for example:\n" + examples
    return (
        "I answer questions about intellectual-property figures (patents, trademarks, geographical "
        "indications, commercialisation, regional statistics) from official press releases, and cite "
        "the source of every figure. Try:\n" + examples
    )


# --- HTML for Telegram ------------------------------------------------------------------------


def render_html(answer: Answer) -> str:
    """The reply as Telegram HTML; every string from a user or a source is escaped."""
    e = html.escape
    if answer.kind == "smalltalk" or not answer.answered:
        return e(render_plain(answer)).strip()
    if answer.kind in {"compare", "both"}:
        return "\n".join(_compare_lines(answer, plain=False))
    if answer.kind == "change":
        later, earlier = answer.facts
        parts = [
            f"<b>{e(signed_difference(answer))} {e(later.unit)}</b> — change in {e(later.metric)}, {e(later.subject)}",
            f"{e(figure_text(later))} {e(when(later))} against {e(figure_text(earlier))} {e(when(earlier))}.",
            "<i>Difference computed by ipfacts from the two cited figures.</i>",
        ]
        for fact in (later, earlier):
            parts.append(render_source_html(fact, answer.sources[fact.source_id]))
        return "\n".join(parts)
    facts = answer.facts
    parts = [f"<b>{e(_headline(facts))}</b> — {e(_describe(facts[0]))}"]
    if any(f.kind == "listed" for f in facts):
        parts.append(f"<i>{e(LISTED_NOTE)}</i>")
    if answer.history:
        other = answer.history[0]
        parts.append(f"{_history_word(answer)}: {e(figure_text(other))}, {e(when(other))}")
    parts.append(render_source_html(facts[0], answer.sources[facts[0].source_id]))
    return "\n".join(parts)


def render_source_html(fact: Fact, source: Source) -> str:
    """The source line and the verbatim sentence as a blockquote."""
    e = html.escape
    link = f' — <a href="{e(source.url, quote=True)}">link</a>' if source.url else ""
    return f"<i>Source: {e(source_line(source))}</i>{link}\n<blockquote>{e(fact.quote)}</blockquote>"


def render_history_html(facts: list[Fact], sources: dict[str, Source]) -> str:
    """Every period of one figure, newest first, each with its source."""
    e = html.escape
    if not facts:
        return "No other periods of this figure."
    ordered = sorted(facts, key=lambda f: f.period, reverse=True)
    lines = [f"<b>{e(ordered[0].metric)} — {e(ordered[0].subject)}</b>"]
    for fact in ordered:
        lines.append(
            f"• <b>{e(figure_text(fact))}</b> {e(when(fact))} — <i>{e(source_line(sources[fact.source_id]))}</i>"
        )
    return "\n".join(lines)
