"""The Telegram handlers, in-process: a real Application, the real engine over a copy of the
built database, and the Bot API stub on 127.0.0.1 recording what the bot sends."""

from __future__ import annotations

import dataclasses
import html
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit
from telegram.ext import Application

from bot import telegram as telegram_module
from bot.messages import ADMIN_ONLY, APOLOGY, NON_TEXT_HINT, Action, callback_data
from bot.render import EXAMPLE_QUESTIONS, render_history_html, render_html, render_source_html
from bot.settings import Settings
from bot.telegram import (
    CONTEXT_TTL_SECONDS,
    MAX_QUESTION_CHARS,
    STATE_KEY,
    TYPING_AFTER_SECONDS,
    EngineWorker,
    build_application,
    prune_chats,
    remembered_context,
)
from facts.releases import bundled_sources
from tests.botapi_stub import BOT, TOKEN, BotApiStub, Call

ADMIN = 777
QUESTION = "How many valid invention patents does western China have?"
FOLLOW_UP = ("How many GIs does Guangxi have?", "and what's their output value?")
AMBIGUOUS = "What was the year-on-year growth?"  # patents or trademarks: the engine asks which
GROUP = -100123


@pytest.fixture(scope="module")
def worker(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineWorker]:
    """The engine on its thread, over a private copy of the built database."""
    path = tmp_path_factory.mktemp("telegram") / "facts.db"
    shutil.copy(built_db, path)
    engine_worker = EngineWorker(path)
    yield engine_worker
    engine_worker.close()


def make_settings(stub: BotApiStub, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "api_base_url": stub.base_url,
        "db": tmp_path / "unused.db",
        "admin_ids": {ADMIN},
        "state_file": tmp_path / "state.pickle",
        "heartbeat_file": tmp_path / "heartbeat",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def app(stub: BotApiStub, worker: EngineWorker, tmp_path: Path) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:  # fmt: skip
    application = build_application(make_settings(stub, tmp_path), TOKEN, worker)
    await application.initialize()
    yield application
    await application.shutdown()


async def feed(app: Application[Any, Any, Any, Any, Any, Any], update: dict[str, Any]) -> None:
    """Process one update as if it had just been fetched."""
    await app.process_update(
        Update.de_json({"update_id": int(time.time() * 1000) % 2**31, **update}, app.bot)
    )


def replies(stub: BotApiStub, chat_id: int | None = None, since: int = 0) -> list[Call]:
    return stub.sent("sendMessage", chat_id, since)


# --- Questions and answers ----------------------------------------------------------------


async def test_a_private_question_gets_the_rendered_answer_with_source_and_history_buttons(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    await feed(app, stub.message(QUESTION))
    [reply] = replies(stub)
    expected = worker.engine.answer(QUESTION)
    assert expected.answered
    assert reply.text == render_html(expected)
    assert "<b>531,000</b>" in reply.text
    assert reply.params["parse_mode"] == "HTML"
    labels = [b["text"] for b in reply.buttons]
    assert labels == ["Source", "History"]
    assert stub.sent("sendChatAction") == []  # a quick answer needs no "typing…"


async def test_a_follow_up_uses_the_chats_context_and_only_that_chats(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    first, second = FOLLOW_UP
    await feed(app, stub.message(first, chat_id=1))
    await feed(app, stub.message(second, chat_id=1))
    await feed(app, stub.message(second, chat_id=2))
    earlier = worker.engine.answer(first)
    with_context = render_html(worker.engine.answer(second, earlier.context))
    without_context = render_html(worker.engine.answer(second))
    assert with_context != without_context, "the engine should use context for this follow-up"
    assert replies(stub, 1)[1].text == with_context
    assert replies(stub, 2)[0].text == without_context


async def test_context_is_kept_in_chat_data_and_forgotten_when_expired(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    follow_up = "and at the end of September 2024?"
    await feed(app, stub.message(QUESTION, chat_id=5))
    data = app.chat_data[5]
    assert remembered_context(data) is not None
    assert remembered_context({"context": {"no such field": 1}}) is None
    data["context"]["updated"] -= CONTEXT_TTL_SECONDS + 1
    await feed(app, stub.message(follow_up, chat_id=5))
    assert replies(stub, 5)[1].text == render_html(worker.engine.answer(follow_up))
    assert "493,000" not in replies(stub, 5)[1].text  # what the follow-up gets in a live conversation


async def test_source_and_history_buttons_show_the_sentence_and_the_other_periods(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    await feed(app, stub.message(QUESTION))
    [answer] = replies(stub)
    source, history = (b["callback_data"] for b in answer.buttons)
    await feed(app, stub.callback(source, answer))
    await feed(app, stub.callback(history, answer))
    fact_id = source.split(":", 1)[1]
    fact = worker.engine.fact(fact_id)
    assert fact is not None
    sources = {s.id: s for s in worker.engine.sources()}
    shown_source, shown_history = replies(stub)[1:]
    assert shown_source.text == render_source_html(fact, sources[fact.source_id])
    assert shown_history.text == render_history_html(worker.engine.history(fact_id), sources)
    assert shown_source.params["reply_parameters"]["message_id"] == answer.params["_message_id"]
    assert len(stub.sent("answerCallbackQuery")) == 2


async def test_did_you_mean_offers_one_button_per_candidate_and_answers_the_one_pressed(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    clarify = worker.engine.answer(AMBIGUOUS, record_miss=False)
    assert clarify.kind == "clarify" and len(clarify.suggestions) >= 2  # the real engine hesitates
    await feed(app, stub.message(AMBIGUOUS))
    [shown] = replies(stub)
    assert shown.text == render_html(clarify)
    labels = [s.label for s in clarify.suggestions]
    assert len(shown.buttons) == len(labels)
    for button, label in zip(shown.buttons, labels, strict=True):  # the label, cut to fit a button
        assert len(button["text"]) <= 60 and label.startswith(button["text"].removesuffix("…"))
    await feed(app, stub.callback(shown.buttons[1]["callback_data"], shown))
    chosen = clarify.suggestions[1].fact_id
    assert replies(stub)[1].text == render_html(worker.engine.answer_fact(chosen))
    assert app.chat_data[1001]["context"]["fact_ids"] == [chosen]


async def test_every_callback_data_fits_telegrams_64_bytes(worker: EngineWorker) -> None:
    facts = worker.engine.facts_about(None)
    assert facts
    for fact in facts:
        for action in (Action.SOURCE, Action.HISTORY, Action.FACT):
            data = callback_data(action, fact.id)
            assert data is not None and len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    assert callback_data(Action.FACTS_PAGE, 1, "x" * 80) is None


async def test_a_button_for_a_figure_no_longer_in_the_table_says_so(app: Any, stub: BotApiStub) -> None:
    await feed(app, stub.message(QUESTION))
    [answer] = replies(stub)
    await feed(app, stub.callback("src:gone-1", answer))
    assert "no longer in the table" in replies(stub)[1].text


@pytest.mark.parametrize("data", ["fact:", "garbage", "", "src:", "hist", "ex:99", "facts:abc", "facts:9999"])
async def test_malformed_button_data_gets_no_apology(app: Any, stub: BotApiStub, data: str) -> None:
    """Found in review: 'fact:' with no id raised IndexError and the bot apologised."""
    await feed(app, stub.message(QUESTION))
    [answer] = replies(stub)
    await feed(app, stub.callback(data, answer))
    assert not any("went wrong" in call.text for call in replies(stub))


PATHS = [
    "../../../../etc/passwd",
    "/etc/shadow",
    "..\\..\\windows\\system32",
    "~/.ssh/id_rsa",
    "file:///etc/hosts",
]


async def test_paths_typed_by_users_are_only_text_and_open_no_file(
    app: Any, stub: BotApiStub, worker: EngineWorker, tmp_path: Path
) -> None:
    """No user input names a file: questions, commands (admin ones too), buttons and inline
    queries with paths in them get ordinary replies; no file appears under the data folders and
    none changes but the database (its misses table) and the chat state."""
    folders = [worker.engine.db_path.parent, tmp_path]

    def snapshot() -> dict[Path, tuple[int, int]]:
        return {
            p: (p.stat().st_size, p.stat().st_mtime_ns) for f in folders for p in f.rglob("*") if p.is_file()
        }

    before = snapshot()
    for path in PATHS:
        for text in [path, f"/ask {path}", f"/facts {path}", f"/sources {path}", f"patents in {path}"]:
            await feed(app, stub.message(text))
        for command in ["/reload", "/misses", "/stats"]:
            await feed(app, stub.message(f"{command} {path}", chat_id=ADMIN))
        await feed(app, stub.inline_query(path))
        await feed(app, stub.callback(f"fact:{path}", replies(stub)[0]))
        await feed(app, stub.callback(f"src:{path}", replies(stub)[0]))
    assert not any("went wrong" in call.text for call in replies(stub))
    assert not any("root:" in call.text for call in [*replies(stub), *stub.sent("editMessageText")])
    after = snapshot()
    assert after.keys() <= before.keys() | {tmp_path / "state.pickle"}
    written = {worker.engine.db_path, tmp_path / "state.pickle"}
    assert {p: v for p, v in after.items() if p not in written} == {
        p: v for p, v in before.items() if p not in written
    }


# --- Commands --------------------------------------------------------------------------------


async def test_start_welcomes_with_three_example_buttons_that_ask(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    await feed(app, stub.message("/start"))
    [welcome] = replies(stub)
    assert welcome.text.startswith("Hello, Ada!")
    assert [b["text"] for b in welcome.buttons] == list(EXAMPLE_QUESTIONS)
    await feed(app, stub.callback(welcome.buttons[1]["callback_data"], welcome))
    assert replies(stub)[1].text == render_html(worker.engine.answer(EXAMPLE_QUESTIONS[1]))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/help", "@ipfacts_test_bot"),
        ("/about", "press releases"),
        ("/sources", f"{len(bundled_sources())} press releases"),
        ("/ask", "/ask How many GIs does Guangxi have?"),
        ("/nonsense", "I don't know that command"),
        ("/facts copyrights", "I have no figures about <i>copyrights</i>"),
        ("/facts <b>", "about <i>&lt;b&gt;</i>"),
        ("/facts please show me all of the facts about the western China region now", "shorter topic"),
    ],
    ids=[
        "help",
        "about",
        "sources",
        "ask-without-question",
        "unknown",
        "facts-none",
        "facts-escaped",
        "facts-long-topic",
    ],
)
async def test_commands(app: Any, stub: BotApiStub, command: str, expected: str) -> None:
    await feed(app, stub.message(command))
    [reply] = replies(stub)
    assert expected in reply.text


async def test_sources_lists_every_release_with_its_date(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    await feed(app, stub.message("/sources"))
    [reply] = replies(stub)
    facts = worker.engine.facts_about()
    for source in worker.engine.sources():
        given = sum(f.source_id == source.id for f in facts)
        assert html.escape(source.title) in reply.text and f"({given} figures)" in reply.text


async def test_facts_pages_through_the_figures_by_editing_the_message(app: Any, stub: BotApiStub) -> None:
    await feed(app, stub.message("/facts"))
    [page] = replies(stub)
    assert "page 1 of" in page.text
    [following] = page.buttons
    assert following["text"] == "Next ›"
    await feed(app, stub.callback(following["callback_data"], page))
    [edited] = stub.sent("editMessageText")
    assert "page 2 of" in edited.text
    assert edited.params["message_id"] == page.params["_message_id"]


async def test_ask_answers_the_question_after_the_command(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    await feed(app, stub.message(f"/ask {QUESTION}"))
    assert replies(stub)[0].text == render_html(worker.engine.answer(QUESTION))


@pytest.mark.parametrize("command", ["/reload", "/misses", "/stats"])
async def test_admin_commands_refuse_others_and_serve_admins(
    app: Any, stub: BotApiStub, command: str
) -> None:
    await feed(app, stub.message(command, chat_id=1))
    await feed(app, stub.message(command, chat_id=ADMIN))
    assert replies(stub, 1)[0].text == ADMIN_ONLY
    reply = replies(stub, ADMIN)[0].text
    assert reply != ADMIN_ONLY
    expected = {"/reload": "Reloaded: ", "/misses": "question", "/stats": "questions answered"}[command]
    assert expected in reply


async def test_misses_lists_unanswered_questions(app: Any, stub: BotApiStub) -> None:
    await feed(app, stub.message("How many sheep graze on the Talatan solar park?"))
    await feed(app, stub.message("/misses", chat_id=ADMIN))
    assert "how many sheep graze on the talatan solar park?" in replies(stub, ADMIN)[0].text


# --- Groups, stickers, inline ---------------------------------------------------------------


async def test_groups_answer_mentions_replies_and_commands_and_ignore_chatter(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    group = {"chat_id": GROUP, "chat_type": "supergroup"}
    await feed(app, stub.message("lunch at noon?", **group))
    await feed(app, stub.sticker(**group))
    assert replies(stub) == [] and stub.sent("sendChatAction") == []
    await feed(app, stub.message(f"@{BOT['username']} {QUESTION}", **group))
    [answer] = replies(stub)
    assert answer.text == render_html(worker.engine.answer(QUESTION))
    assert "reply_parameters" in answer.params  # quotes the question in a busy group
    bot_message = {"message_id": answer.params["_message_id"], "date": 0, "chat": stub.chat(GROUP, "supergroup"), "from": BOT}  # fmt: skip
    await feed(app, stub.message("and at the end of September 2024?", reply_to=bot_message, **group))
    await feed(app, stub.message(f"/ask@{BOT['username']} {QUESTION}", **group))
    await feed(app, stub.message("/ask@some_other_bot hello", **group))
    assert len(replies(stub)) == 3


async def test_non_text_messages_get_a_hint(app: Any, stub: BotApiStub) -> None:
    await feed(app, stub.sticker())
    assert replies(stub)[0].text == NON_TEXT_HINT


async def test_inline_mode_returns_up_to_five_answers(
    app: Any, stub: BotApiStub, worker: EngineWorker
) -> None:
    await feed(app, stub.inline_query(QUESTION))
    await feed(app, stub.inline_query(""))
    await feed(app, stub.inline_query("how many dragons are there"))
    found, empty, unknown = stub.sent("answerInlineQuery")
    results = found.params["results"]
    assert 1 <= len(results) <= 5
    assert results[0]["title"].startswith("531,000")
    assert results[0]["input_message_content"]["message_text"] == render_html(worker.engine.answer(QUESTION))
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"
    assert len({r["id"] for r in results}) == len(results)
    assert empty.params["results"] == [] and empty.params["button"]["start_parameter"] == "help"
    assert unknown.params["results"] == [] and "button" in unknown.params
    # typed keystroke by keystroke: a half-typed inline question is not a miss to fix
    assert "how many dragons are there" not in dict(worker.engine.misses())


async def test_picked_inline_results_are_not_taken_for_questions(app: Any, stub: BotApiStub) -> None:
    await feed(app, stub.message("<b>531,000</b> — valid invention patents", via_bot=BOT))
    assert replies(stub) == []


# --- Limits, errors, retries ----------------------------------------------------------------


async def test_past_the_per_minute_limit_the_user_is_told_once_then_ignored(
    stub: BotApiStub, worker: EngineWorker, tmp_path: Path
) -> None:
    application = build_application(make_settings(stub, tmp_path, questions_per_minute=2), TOKEN, worker)
    await application.initialize()
    try:
        for _ in range(4):
            await feed(application, stub.message(QUESTION))
        await feed(application, stub.message(QUESTION, chat_id=2))
    finally:
        await application.shutdown()
    answered, refusal = replies(stub, 1001)[1:]
    assert "531,000" in answered.text
    assert "please wait" in refusal.text and "531,000" not in refusal.text
    assert "531,000" in replies(stub, 2)[0].text  # other users are not affected
    assert application.bot_data[STATE_KEY].limiter.refused == 2


async def test_a_very_long_message_is_not_matched(app: Any, stub: BotApiStub) -> None:
    await feed(app, stub.message("patents " * (MAX_QUESTION_CHARS // 8 + 1)))
    assert "long message" in replies(stub)[0].text


async def test_a_failing_handler_is_logged_and_the_user_gets_an_apology(
    app: Any,
    stub: BotApiStub,
    worker: EngineWorker,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(worker.engine, "answer", broken)
    await feed(app, stub.message(QUESTION))
    assert replies(stub)[0].text == APOLOGY
    assert "engine exploded" in caplog.text


async def test_a_reply_is_retried_after_a_network_error(app: Any, stub: BotApiStub) -> None:
    stub.fail("sendMessage", status=502)
    await feed(app, stub.message(QUESTION))
    attempts = replies(stub)
    assert len(attempts) == 2 and attempts[0].text == attempts[1].text


async def test_flood_control_waits_as_long_as_telegram_asks_and_still_delivers(
    app: Any, stub: BotApiStub
) -> None:
    stub.fail("sendMessage", status=429, retry_after=1)
    started = time.monotonic()
    await feed(app, stub.message(QUESTION))
    attempts = replies(stub)
    assert len(attempts) == 2 and "531,000" in attempts[1].text
    assert time.monotonic() - started >= 1.0


async def test_expired_chats_and_the_oldest_beyond_the_limit_are_forgotten(
    app: Any, stub: BotApiStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    for chat_id in (1, 2, 3):
        await feed(app, stub.message(QUESTION, chat_id=chat_id))
    app.chat_data[1]["context"]["updated"] -= CONTEXT_TTL_SECONDS + 1
    app.chat_data[2]["context"]["updated"] -= 10
    monkeypatch.setattr(telegram_module, "MAX_CHATS_REMEMBERED", 1)
    assert prune_chats(app, app.bot_data[STATE_KEY]) == 2
    assert set(app.chat_data) == {3}


def slow(monkeypatch: pytest.MonkeyPatch, worker: EngineWorker, seconds: float) -> None:
    """Make the engine take `seconds` per answer (on its thread, as a slow answer would)."""
    answer = worker.engine.answer

    def slow_answer(*args: Any) -> Any:
        time.sleep(seconds)
        return answer(*args)

    monkeypatch.setattr(worker.engine, "answer", slow_answer)


async def test_a_slow_answer_shows_typing_first(
    app: Any, stub: BotApiStub, worker: EngineWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow(monkeypatch, worker, TYPING_AFTER_SECONDS + 0.1)
    await feed(app, stub.message(QUESTION))
    [typing] = stub.sent("sendChatAction")
    [answer] = replies(stub)
    assert typing.params["action"] == "typing" and typing.chat_id == answer.chat_id
    assert typing.at < answer.at
    assert "531,000" in answer.text


async def test_a_failed_typing_action_does_not_delay_or_lose_the_answer(
    app: Any, stub: BotApiStub, worker: EngineWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow(monkeypatch, worker, TYPING_AFTER_SECONDS + 0.1)
    stub.fail("sendChatAction", status=500, times=5)
    await feed(app, stub.message(QUESTION))
    assert "531,000" in replies(stub)[0].text
    assert len(stub.sent("sendChatAction")) == 1  # best effort: never retried, so never waited for


async def test_long_replies_are_split_with_the_keyboard_under_the_last_part(
    app: Any, stub: BotApiStub, worker: EngineWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = worker.engine.answer(QUESTION)
    long_quote = " ".join([answer.facts[0].quote] * 40)
    long_answer = answer.model_copy(
        update={"facts": [dataclasses.replace(answer.facts[0], quote=long_quote)]}
    )
    monkeypatch.setattr(worker.engine, "answer", lambda *args: long_answer)
    await feed(app, stub.message(QUESTION))
    parts = replies(stub)
    assert len(parts) >= 3
    assert all(len(p.text) <= MessageLimit.MAX_TEXT_LENGTH for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert all(p.text.count("<blockquote>") == p.text.count("</blockquote>") for p in parts)
