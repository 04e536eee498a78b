"""Whatever people type, the bot replies without an exception, and it never states a figure
it does not cite."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render import render_html, render_plain
from intents.engine import Engine

NASTY = [
    "",
    " ",
    "'; DROP TABLE facts; --",
    "<b>patents</b> in <script>alert(1)</script> western China",
    "*bold* _italic_ [link](http://example.com) patents",
    "\u200b\u200bpatents\u200d in the west",
    "براءات الاختراع في غرب الصين",
    "专利 西部 多少",
    "🦄🦄 GIs guangxi 🦄",
    "x" * 10_000,
    "\x00\x01\x1b[31m patents",
    "and Guangxi?",
    "how many" * 300,
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = tmp_path_factory.mktemp("props") / "facts.db"
    return Engine.load(path, today=lambda: dt.date(2026, 11, 21), record_misses=False)


def check_reply(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    plain = render_plain(answer)
    html_text = render_html(answer)
    assert plain.strip()
    if answer.answered:
        for fact in answer.facts:
            source = answer.sources[fact.source_id]
            assert source.text[fact.quote_start : fact.quote_end] == fact.quote
            assert fact.figure in fact.quote
    else:
        assert answer.facts == []
        stated = {f.figure for f in engine.facts_about(None) if any(ch.isdigit() for ch in f.figure)}
        for suggestion in answer.suggestions:  # a name may hold a number: "WIPO's top 100 ... ranking"
            plain = plain.replace(suggestion.label, "")
        leaked = [
            figure
            for figure in stated
            if re.search(rf"(?<![\w.,-]){re.escape(figure)}(?![\w.,-])", plain) and figure not in question
        ]
        assert leaked == [], (question, plain)
    for markup in ("<script>", "<b>patents", "<a "):
        assert markup not in html_text


@pytest.mark.parametrize("question", NASTY, ids=range(len(NASTY)))
def test_nasty_input_gets_a_reply(engine: Engine, question: str) -> None:
    check_reply(engine, question)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gets_a_reply_and_no_uncited_figure(engine: Engine, question: str) -> None:
    check_reply(engine, question)


WORDS = st.sampled_from(
    "how many valid invention patents trademarks GI GIs products western China west Guangxi Beijing "
    "2024 2025 June September end of as growth share output value yuan dollars railway park Talatan "
    "and what about the in did grow fast percent national total when year edition".split()
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, min_size=1, max_size=12).map(" ".join))
def test_word_salad_from_the_domain_is_answered_only_with_cited_figures(
    engine: Engine, question: str
) -> None:
    check_reply(engine, question)


def test_database_is_unchanged_by_hostile_questions(db_path: Path) -> None:
    engine = Engine.load(db_path, record_misses=True)
    before = len(engine.facts_about(None))
    engine.answer("'; DROP TABLE facts; --")
    engine.answer('"); DELETE FROM misses; --')
    assert len(Engine.load(db_path).facts_about(None)) == before
    assert ("'; drop table facts; --", 1) in engine.misses()
