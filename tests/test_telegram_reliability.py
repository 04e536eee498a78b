"""Reliability of the whole Telegram path, on 127.0.0.1 only: the Bot API stub injects the
faults a bot meets (429 with retry_after, 5xx, connections dropped before or after the request
was carried out, slow answers, a Bot API that refuses connections) on sendMessage and on
getUpdates, and a crowd of users asks at once. Every question must be answered exactly once,
in the right chat, with the right figure, and the bot must keep running; the one exception is
a reply whose connection the server drops before carrying it out, which is lost rather than
risked twice (below).

What the bot can know about a failed request decides whether it may send it again: httpx
reports a connection that could not be opened (ConnectError, ConnectTimeout) or a full pool
(PoolTimeout) before anything was written, so those requests certainly did not reach the
server; a connection closed after the request was written (RemoteProtocolError, ReadError,
ReadTimeout) looks the same whether the server had carried it out or not. A message is sent
again only in the first case, so no answer is ever delivered twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

import pytest
from telegram.error import NetworkError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.flow import RetryingRateLimiter
from bot.render import render_html
from bot.telegram import BoundedRequest
from intents.engine import Engine
from tests.botapi_stub import (
    GI_QUESTIONS,
    LOAD_DIALOGUES,
    PATENT_QUESTIONS,
    TOKEN,
    BotApiStub,
    expected_replies,
)
from tests.test_telegram_serve import START_SECONDS, Bot

QUICK_RETRIES = (0.1, 0.2, 0.4)


@pytest.fixture
async def ext_bot(stub: BotApiStub) -> AsyncIterator[ExtBot[None]]:
    """python-telegram-bot's own Bot, with the bot's retry policy, talking to the stub."""
    bot: ExtBot[None] = ExtBot(
        TOKEN, base_url=stub.base_url, rate_limiter=RetryingRateLimiter(retry_delays=QUICK_RETRIES)
    )
    await bot.initialize()
    yield bot
    await bot.shutdown()


# --- The retry policy, one fault at a time ---------------------------------------------------


async def test_a_message_dropped_after_it_was_delivered_is_not_sent_again(
    stub: BotApiStub, ext_bot: ExtBot[None]
) -> None:
    stub.drop("sendMessage", when="after")
    with pytest.raises(NetworkError, match="RemoteProtocolError"):
        await ext_bot.send_message(1, "the answer")
    assert len(stub.delivered("sendMessage", 1)) == 1
    assert len(stub.sent("sendMessage", 1)) == 1  # one attempt: a second would be a duplicate


async def test_a_message_dropped_before_it_was_carried_out_looks_the_same_and_is_not_sent_again(
    stub: BotApiStub, ext_bot: ExtBot[None]
) -> None:
    """The server read the request and closed the connection: the bot cannot tell this from a
    drop after delivery, so it does not guess (the price of never answering twice)."""
    stub.drop("sendMessage", when="before")
    with pytest.raises(NetworkError, match="RemoteProtocolError"):
        await ext_bot.send_message(1, "the answer")
    assert stub.delivered("sendMessage", 1) == []
    assert len(stub.sent("sendMessage", 1)) == 1


async def test_a_message_is_sent_again_when_the_bot_api_refused_the_connection(
    stub: BotApiStub, ext_bot: ExtBot[None], caplog: pytest.LogCaptureFixture
) -> None:
    stub.outage(0.25)
    stub.enqueue(stub.message("hello"))
    assert await ext_bot.get_updates(timeout=5)  # the outage starts once this is answered
    await ext_bot.send_message(1, "the answer")
    assert "sendMessage failed (NetworkError: httpx.ConnectError" in caplog.text
    [delivered] = stub.delivered("sendMessage", 1)
    assert stub.sent("sendMessage", 1) == [delivered]  # the refused attempts never arrived
    assert stub.injected[("getUpdates", "outage (connections refused)")] == 1


async def test_a_message_that_found_no_free_connection_is_sent_once_one_is_free(
    stub: BotApiStub, caplog: pytest.LogCaptureFixture
) -> None:
    """python-telegram-bot's pool time-out (TimedOut) comes before anything is written."""
    request = HTTPXRequest(connection_pool_size=1, pool_timeout=0.05)
    limiter = RetryingRateLimiter(retry_delays=QUICK_RETRIES)
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=stub.base_url, request=request, rate_limiter=limiter)
    await bot.initialize()
    try:
        release = stub.hold("sendMessage")
        first = asyncio.create_task(bot.send_message(1, "first"))  # holds the only connection
        await asyncio.to_thread(stub.wait_for, "sendMessage")
        second = asyncio.create_task(bot.send_message(2, "second"))
        deadline = time.monotonic() + 5
        while "Pool timeout" not in caplog.text:  # the second has found no free connection
            assert time.monotonic() < deadline, "no pool time-out"
            await asyncio.sleep(0.01)
        release.set()
        await asyncio.wait_for(asyncio.gather(first, second), timeout=5)
    finally:
        await bot.shutdown()
    assert [c.text for c in stub.sent("sendMessage")] == ["first", "second"]


async def test_at_most_the_bounded_number_of_requests_are_in_flight_and_the_rest_wait_their_turn(
    stub: BotApiStub,
) -> None:
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=stub.base_url, request=BoundedRequest(4))
    await bot.initialize()
    try:
        release = stub.hold("sendMessage")
        sending = asyncio.gather(*(bot.send_message(chat, "the answer") for chat in range(1, 21)))
        await asyncio.to_thread(stub.wait_for, "sendMessage", 4)
        await asyncio.sleep(0.2)  # time for a fifth to arrive, were it not held back
        assert len(stub.sent("sendMessage")) == 4
        release.set()
        await asyncio.wait_for(sending, timeout=10)
    finally:
        await bot.shutdown()
    assert sorted(c.chat_id or 0 for c in stub.delivered("sendMessage")) == list(range(1, 21))


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_message_is_sent_again_after_a_server_error(
    stub: BotApiStub, ext_bot: ExtBot[None], status: int
) -> None:
    stub.fail("sendMessage", status=status)
    await ext_bot.send_message(1, "the answer")
    assert [c.carried_out for c in stub.sent("sendMessage", 1)] == [False, True]


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_read_is_retried_whatever_happened_to_its_connection(
    stub: BotApiStub, ext_bot: ExtBot[None], when: str
) -> None:
    stub.drop("getMe", when=when)
    assert (await ext_bot.get_me()).username == "ipfacts_test_bot"
    assert len(stub.sent("getMe")) == 3  # initialize's, the dropped one, the retry


async def test_a_slow_answer_is_waited_for_not_sent_again(stub: BotApiStub, ext_bot: ExtBot[None]) -> None:
    stub.delay("sendMessage", 0.4)
    await ext_bot.send_message(1, "the answer")
    assert len(stub.sent("sendMessage", 1)) == 1


# --- The real bot process under a mix of faults ------------------------------------------------

# Figures the bundled releases state, which the first questions' answers must carry.
STABLE_FIGURES = {GI_QUESTIONS[0]: "211", PATENT_QUESTIONS[0]: "531,000", PATENT_QUESTIONS[1]: "493,000"}


def checked_replies(engine: Engine, questions: tuple[str, ...]) -> list[str]:
    """The replies one chat must get; those the releases pin down checked against their figure."""
    replies = expected_replies(engine, questions)
    for question, reply in zip(questions, replies, strict=True):
        if question in STABLE_FIGURES:
            assert f"<b>{STABLE_FIGURES[question]}</b>" in reply, (question, reply)
    return replies


def arm(stub: BotApiStub, method: str, faults: list[tuple[str, float]]) -> None:
    """Queue `faults` on `method` in order: ("429", retry_after), ("5xx", status), ("drop
    before" / "drop after", 0), ("slow", seconds), ("outage", seconds)."""
    for kind, value in faults:
        if kind == "429":
            stub.fail(method, status=429, retry_after=int(value))
        elif kind == "5xx":
            stub.fail(method, status=int(value))
        elif kind.startswith("drop"):
            stub.drop(method, when=kind.split()[1])
        elif kind == "slow":
            stub.delay(method, value)
        else:
            stub.outage(value)


# Each wave asks one question in every chat, with these faults queued first. A getUpdates fault
# strikes a call that carries the wave's updates, and the batch is handed out again after it.
WAVES: list[dict[str, list[tuple[str, float]]]] = [
    {"getUpdates": [("5xx", 502)], "sendMessage": [("429", 1), ("5xx", 502), ("drop after", 0)]},
    {"getUpdates": [("drop before", 0), ("slow", 0.2)], "sendMessage": [("5xx", 500), ("slow", 0.2)]},
    {"getUpdates": [("drop after", 0), ("429", 1)], "sendMessage": [("drop after", 0), ("5xx", 503)]},
    {"getUpdates": [("outage", 0.3)], "sendMessage": [("slow", 0.2), ("drop after", 0)]},
]
FAULT_CHATS = 20
WAVE_SECONDS = 15.0


def test_under_a_mix_of_faults_every_question_is_answered_exactly_once_and_the_bot_keeps_running(
    stub: BotApiStub, db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    chats = {7001 + n: GI_QUESTIONS if n % 2 else PATENT_QUESTIONS for n in range(FAULT_CHATS)}
    expected = {chat: checked_replies(engine, questions) for chat, questions in chats.items()}
    bot = Bot(stub, tmp_path, db_path)
    try:
        stub.wait_for("setMyCommands", timeout=START_SECONDS)
        for wave, faults in enumerate(WAVES):
            for method, queued in faults.items():
                arm(stub, method, queued)
            stub.enqueue_many(
                [stub.message(questions[wave], chat_id=chat) for chat, questions in chats.items()]
            )
            stub.wait_until(
                lambda wave=wave: (
                    all(len(stub.delivered("sendMessage", c)) > wave for c in chats)
                    and not stub.faults_left()
                ),
                WAVE_SECONDS,
                f"wave {wave + 1}: a reply in every chat and every fault struck",
            )
            assert bot.process.poll() is None, "the bot stopped"

        # A reply whose connection is dropped before the server carries it out is lost: the bot
        # cannot tell it from one dropped after delivery, and sends neither again. The chat's
        # next question is answered after the first has been given up (one chat, one at a time),
        # so a late second attempt would show up before that answer.
        lost_chat = 7999
        stub.drop("sendMessage", when="before")
        stub.enqueue(stub.message(PATENT_QUESTIONS[0], chat_id=lost_chat))
        stub.wait_until(lambda: not stub.faults_left(), WAVE_SECONDS, "the dropped reply")
        mark = stub.mark()
        stub.enqueue(stub.message(GI_QUESTIONS[0], chat_id=lost_chat))
        stub.wait_for("sendMessage", chat_id=lost_chat, since=mark, timeout=WAVE_SECONDS)
        assert bot.process.poll() is None, "the bot stopped"
        log = bot.stop()
    finally:
        bot.kill()

    delivered = stub.delivered("sendMessage")
    for chat, replies in expected.items():
        assert [c.text for c in delivered if c.chat_id == chat] == replies, f"chat {chat}"
    assert [c.text for c in delivered if c.chat_id == lost_chat] == checked_replies(engine, GI_QUESTIONS[:1])
    assert len(stub.sent("sendMessage", lost_chat)) == 2  # the dropped reply was tried once
    assert {c.chat_id for c in delivered} == {*chats, lost_chat}
    assert stub.pending() == []
    assert "stopped: every update received has been answered" in log
    assert "sendMessage failed (NetworkError: httpx.ConnectError" in log  # refused during the outage
    dropped_replies = sum(
        n for (method, kind), n in stub.injected.items() if method == "sendMessage" and "dropped" in kind
    )
    assert log.count("the reply may or may not have been delivered") == dropped_replies
    injected = sorted(stub.injected.items())
    print(
        f"\nfaults injected: {injected}; questions {len(chats) * len(WAVES) + 2}, delivered {len(delivered)}"
    )


# --- A crowd: 200 users asking 10 questions each at once ---------------------------------------

LOAD_USERS = 200
GI_DIALOGUE, PATENT_DIALOGUE = (dialogue * 2 for dialogue in LOAD_DIALOGUES)
LOAD_SECONDS = 60.0
# The serve process with python-telegram-bot's overall flood limiter switched off (Telegram's
# 30 messages a second, bot.flow.OVERALL_MESSAGES): at that rate 2,000 replies take 67 s, and
# this test is about correctness under concurrency, not about pacing. Everything else is
# `python -m bot serve` unchanged.
UNTHROTTLED = (
    "import runpy, bot.flow; bot.flow.OVERALL_MESSAGES = 0; runpy.run_module('bot', run_name='__main__')"
)


class UnthrottledBot(Bot):
    """`Bot` (the serve process of test_telegram_serve) without the overall flood limiter."""

    SETTINGS: ClassVar[dict[str, str]] = {}
    LAUNCH = ("-c", UNTHROTTLED)


def test_two_hundred_users_asking_at_once_each_get_their_own_answers_and_follow_ups(
    stub: BotApiStub, db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    users = {9000 + n: (GI_DIALOGUE, PATENT_DIALOGUE)[n % 2] for n in range(LOAD_USERS)}
    expected = {dialogue: checked_replies(engine, dialogue) for dialogue in (GI_DIALOGUE, PATENT_DIALOGUE)}
    other = {GI_DIALOGUE: PATENT_DIALOGUE, PATENT_DIALOGUE: GI_DIALOGUE}
    # Every reply differs between the two dialogues, and every follow-up's from the answer it
    # gets without context: an answer given with another chat's context cannot pass for the
    # right one.
    assert all(gi != patent for gi, patent in zip(*expected.values(), strict=True))
    for dialogue, replies in expected.items():
        for question, reply in zip(dialogue, replies, strict=True):
            assert question in STABLE_FIGURES or reply != render_html(engine.answer(question)), question
    questions = len(users) * len(GI_DIALOGUE)
    bot = UnthrottledBot(stub, tmp_path, db_path)
    try:
        stub.wait_for("setMyCommands", timeout=START_SECONDS)
        # Interleaved: every user's first question, then every user's second, and so on.
        updates = [
            stub.message(dialogue[i], chat_id=user)
            for i in range(len(GI_DIALOGUE))
            for user, dialogue in users.items()
        ]
        started = time.monotonic()
        stub.enqueue_many(updates)
        stub.wait_until(lambda: stub.counts["sendMessage"] >= questions, LOAD_SECONDS, f"{questions} replies")
        elapsed = time.monotonic() - started
        assert bot.process.poll() is None, "the bot stopped"
        bot.stop()
    finally:
        bot.kill()

    answered = wrong_chat = leaks = wrong = duplicates = lost = 0
    for user, dialogue in users.items():
        texts = [c.text for c in stub.delivered("sendMessage", user)]
        duplicates += max(0, len(texts) - len(dialogue))
        lost += max(0, len(dialogue) - len(texts))
        for i, text in enumerate(texts[: len(dialogue)]):
            if text == expected[dialogue][i]:
                answered += 1
            elif text in (expected[other[dialogue]][i], render_html(engine.answer(dialogue[i]))):
                leaks += 1
            else:
                wrong += 1
    wrong_chat = len([c for c in stub.delivered("sendMessage") if c.chat_id not in users])
    print(
        f"\nload: {questions} questions from {len(users)} users; answered {answered}, wrong chat {wrong_chat}, "
        f"context leaks {leaks}, other wrong {wrong}, duplicates {duplicates}, lost {lost}; "
        f"{elapsed:.1f} s, {questions / elapsed:.0f} replies/s"
    )
    assert (answered, wrong_chat, leaks, wrong, duplicates, lost) == (questions, 0, 0, 0, 0, 0)
