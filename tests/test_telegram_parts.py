"""The Telegram bot's parts on their own: settings, flow control, HTML splitting, log
redaction, the heartbeat and the conversation-state file."""

from __future__ import annotations

import asyncio
import html
import logging
import os
import pickle
import re
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update
from telegram.error import TimedOut

from bot import health
from bot.flow import ChatOrderedProcessor, QuestionLimiter, RetryingRateLimiter
from bot.messages import split_html
from bot.settings import Settings, SettingsError, load_settings, unknown_settings
from bot.telegram import REDACTED, RedactingFormatter, check_state_file, redact

TOKEN = "123456789:AAE-secret_token-value"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No IPFACTS_* variable and no .env: only what the test sets."""
    for name in list(os.environ):
        if name.startswith("IPFACTS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- Settings -----------------------------------------------------------------------------


def test_settings_come_from_a_dotenv_file_and_the_environment_wins(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / ".env").write_text(
        f"IPFACTS_BOT_TOKEN={TOKEN}\nIPFACTS_ADMIN_IDS=12, 34 56\nIPFACTS_LOG_LEVEL=debug\nOTHER_APP=1\n"
    )
    monkeypatch.setenv("IPFACTS_ADMIN_IDS", "78")
    settings = load_settings()
    assert settings.token() == TOKEN
    assert settings.admin_ids == {78}
    assert settings.log_level == "DEBUG"
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.state_path == settings.db.parent / "bot-state.pickle"
    assert TOKEN not in repr(settings)


def test_admin_ids_accept_commas_and_spaces(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPFACTS_ADMIN_IDS", "12, 34 56;78")
    assert load_settings().admin_ids == {12, 34, 56, 78}


@pytest.mark.parametrize(
    ("variable", "value", "expected_error"),
    [
        ("IPFACTS_ADMIN_IDS", "12,alice", "IPFACTS_ADMIN_IDS"),
        (
            "IPFACTS_WEBHOOK_SECRET",
            "has spaces!",
            "IPFACTS_WEBHOOK_SECRET: Value error, use 1-256 characters",
        ),
        ("IPFACTS_API_BASE_URL", "api.telegram.org/bot", "must start with http:// or https://"),
        ("IPFACTS_LOG_LEVEL", "chatty", "IPFACTS_LOG_LEVEL"),
        ("IPFACTS_WEBHOOK_PORT", "70000", "IPFACTS_WEBHOOK_PORT"),
    ],
    ids=["admin-id-not-a-number", "secret-charset", "base-url-scheme", "log-level", "port-range"],
)
def test_invalid_settings_are_one_readable_error(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected_error: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=re.escape(expected_error)):
        load_settings()


def test_a_missing_token_says_how_to_set_it(clean_env: Path) -> None:
    with pytest.raises(SettingsError, match="IPFACTS_BOT_TOKEN is not set"):
        load_settings().token()


def test_unknown_ipfacts_names_are_reported(clean_env: Path) -> None:
    (clean_env / ".env").write_text("IPFACTS_WEBHOOK_SECERT=x\nPATH_LIKE=1\n")
    assert unknown_settings({"IPFACTS_BOT_TOKN": "x", "IPFACTS_DB": "y", "HOME": "/"}) == [
        "IPFACTS_BOT_TOKN",
        "IPFACTS_WEBHOOK_SECERT",
    ]


# --- Flow control ---------------------------------------------------------------------------


def test_the_question_limit_slides_and_tells_the_user_once_per_window() -> None:
    now = [0.0]
    limiter = QuestionLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.check(1).allowed for _ in range(3)] == [True, True, True]
    refused, again = limiter.check(1), limiter.check(1)
    assert not refused.allowed and refused.notify and refused.retry_after == pytest.approx(60)
    assert not again.allowed and not again.notify
    assert limiter.check(2).allowed  # per user
    now[0] = 60.0
    assert limiter.check(1).allowed
    assert limiter.refused == 2


def test_the_question_limiter_forgets_idle_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QuestionLimiter, "PRUNE_FROM_USERS", 10)
    now = [0.0]
    limiter = QuestionLimiter(per_minute=1, clock=lambda: now[0])
    for user in range(11):
        limiter.check(user)
    now[0] = 61.0
    limiter.check(99)
    assert len(limiter._asked) <= 2


def _update(update_id: int, chat_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "text": "q",
            },
        },
        None,
    )


async def test_one_chats_updates_run_in_order_while_other_chats_run_alongside() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=16)
    events: list[tuple[str, int, int]] = []

    async def handle(update_id: int, chat_id: int, seconds: float) -> None:
        events.append(("start", chat_id, update_id))
        await asyncio.sleep(seconds)
        events.append(("end", chat_id, update_id))

    # Chat 1's first update is the slowest: its later ones must wait, chat 2's must not.
    plan = [(1, 1, 0.05), (2, 1, 0.0), (3, 2, 0.0), (4, 1, 0.01), (5, 2, 0.0)]
    await asyncio.wait_for(
        asyncio.gather(*(processor.process_update(_update(u, c), handle(u, c, s)) for u, c, s in plan)),
        timeout=5,
    )
    chat_one = [u for kind, chat, u in events if chat == 1 and kind == "start"]
    assert chat_one == [1, 2, 4]
    for first, second in [(1, 2), (2, 4)]:
        assert events.index(("end", 1, first)) < events.index(("start", 1, second))
    assert events.index(("end", 2, 5)) < events.index(("end", 1, 1))  # chat 2 did not wait for chat 1
    assert processor.active_lanes() == set()
    assert processor._locks == {}


async def test_a_flooding_chat_does_not_hold_the_slots_other_chats_need() -> None:
    """Found in review: updates waiting for their chat's lock used to hold the shared slots."""
    processor = ChatOrderedProcessor(max_concurrent_updates=4)
    release = asyncio.Event()
    done: list[int] = []

    async def slow(update_id: int) -> None:
        await release.wait()
        done.append(update_id)

    async def quick(update_id: int) -> None:
        done.append(update_id)

    flood = [asyncio.create_task(processor.process_update(_update(u, 1), slow(u))) for u in range(1, 51)]
    await asyncio.sleep(0.01)
    await asyncio.wait_for(processor.process_update(_update(99, 2), quick(99)), timeout=2)
    assert done == [99]
    release.set()
    await asyncio.wait_for(asyncio.gather(*flood), timeout=5)
    assert done[1:] == list(range(1, 51))


# --- Splitting long HTML ------------------------------------------------------------------

_words = st.text(alphabet="abcdefgh<>&é", min_size=1, max_size=30).map(html.escape)
_lines = st.lists(
    st.tuples(st.sampled_from(["", "b", "i", "blockquote"]), st.lists(_words, min_size=1, max_size=12)),
    min_size=1,
    max_size=40,
)


def _visible(text: str) -> str:
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def _balanced(text: str) -> bool:
    stack = []
    for closing, name in re.findall(r"<(/?)(\w+)[^>]*>", text):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


@given(lines=_lines, limit=st.integers(min_value=60, max_value=400))
def test_split_html_keeps_every_part_short_valid_and_the_text_whole(
    lines: list[tuple[str, list[str]]], limit: int
) -> None:
    text = "\n".join(f"<{tag}>{' '.join(words)}</{tag}>" if tag else " ".join(words) for tag, words in lines)
    parts = split_html(text, limit)
    assert all(len(part) <= limit for part in parts)
    assert all(_balanced(part) for part in parts)
    assert all(not re.search(r"&[#\w]*$", re.sub(r"<[^>]+>$", "", part)) for part in parts)
    assert _visible("".join(parts)) == _visible(text)


def test_split_html_prefers_line_ends_and_reopens_tags() -> None:
    text = "<b>" + "\n".join(["word " * 10] * 6) + "</b>"
    parts = split_html(text, 130)
    assert len(parts) > 1
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in parts)
    assert all(p.removeprefix("<b>").removesuffix("</b>").strip().endswith("word") for p in parts)


def test_short_html_is_one_part() -> None:
    assert split_html("<b>531,000</b>") == ["<b>531,000</b>"]


# --- Secrets never reach the log ------------------------------------------------------------


def test_the_log_formatter_redacts_the_token_in_messages_and_tracebacks() -> None:
    formatter = RedactingFormatter([TOKEN], "%(levelname)s %(message)s")
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        record = logging.LogRecord(
            "httpx", logging.ERROR, __file__, 1, "POST %s", (f"https://x/bot{TOKEN}/getMe",), sys.exc_info()
        )
    text = formatter.format(record)
    assert TOKEN not in text and "AAE-secret" not in text
    assert text.count(REDACTED) == 2
    assert redact("bot123456789%3AAAE-secret_token-value/x", [TOKEN]) == f"bot{REDACTED}/x"


# --- Heartbeat and state file -------------------------------------------------------------


def test_the_health_check_reads_the_heartbeat(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    beat = clean_env / "heartbeat"
    monkeypatch.setenv("IPFACTS_HEARTBEAT_FILE", str(beat))
    assert health.main() == 1
    health.touch(beat)
    assert health.main() == 0
    old = time.time() - health.MAX_AGE_SECONDS - 5
    os.utime(beat, (old, old))
    assert health.main() == 1
    assert "no heartbeat" in capsys.readouterr().err


def test_an_unreadable_state_file_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    state = tmp_path / "state" / "bot-state.pickle"
    check_state_file(state)  # no file: nothing to do, the folder is made
    assert state.parent.is_dir()
    state.write_bytes(pickle.dumps({"chat_data": {}})[:10])
    check_state_file(state)
    assert not state.exists()
    assert len(list(state.parent.glob("bot-state.pickle.unreadable-*"))) == 1
    assert "unreadable" in caplog.text


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"IPFACTS_{name.upper()}" in readme, name


@pytest.mark.parametrize(("endpoint", "calls"), [("sendMessage", 1), ("getMe", 3)])
async def test_a_timed_out_send_is_not_sent_again_but_a_read_is_retried(endpoint: str, calls: int) -> None:
    """A sendMessage that timed out may have reached Telegram: retrying it duplicated answers."""
    limiter = RetryingRateLimiter(retry_delays=(0.0, 0.0))
    attempts = 0

    async def callback(*args: object, **kwargs: object) -> bool:
        nonlocal attempts
        attempts += 1
        raise TimedOut("slow")

    await limiter.initialize()
    with pytest.raises(TimedOut):
        await asyncio.wait_for(limiter.process_request(callback, (), {}, endpoint, {}, None), timeout=5)
    assert attempts == calls
    await limiter.shutdown()
