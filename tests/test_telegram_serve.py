"""`ipfacts serve` end to end: the real command in a subprocess (`python -m bot serve`), in
polling and in webhook mode, talking real HTTP to the Bot API stub on 127.0.0.1. No Telegram
token, no internet; every wait has a timeout."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from bot import health
from bot.cli import cli
from bot.messages import NON_TEXT_HINT
from bot.render import render_html, render_source_html
from intents.engine import Engine
from tests.botapi_stub import BOT, TOKEN, BotApiStub, free_port

QUESTION = "How many GIs does western China have?"
FOLLOW_UPS = ("and Guangxi?", "and what's their output value?")
START_SECONDS = 20.0
STOP_SECONDS = 15.0


class Bot:
    """`python -m bot serve` in a subprocess, its log in a file."""

    # the most talkative level still must not show the token
    SETTINGS: ClassVar[dict[str, str]] = {"log_level": "DEBUG"}
    # how the process is started: the command line before "serve"
    LAUNCH = ("-m", "bot")

    def __init__(self, stub: BotApiStub, folder: Path, db: Path, *args: str, **settings: str) -> None:
        self.log = folder / f"serve-{time.monotonic_ns()}.log"
        env = stub.serve_environment(folder, db, **(self.SETTINGS | settings))
        self.terminated = False
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, *self.LAUNCH, "serve", *args], cwd=folder, env=env, stdout=log, stderr=log
            )

    def terminate(self) -> None:
        """One SIGTERM, as `docker stop` sends (a second one would abort the graceful stop)."""
        if not self.terminated:
            self.process.send_signal(signal.SIGTERM)
            self.terminated = True

    def kill(self) -> None:
        """After a failed test: no process is left behind."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)

    def stop(self) -> str:
        """SIGTERM, then the exit must be clean and the log free of secrets; returns the log."""
        self.terminate()
        try:
            code = self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        text = self.log.read_text(encoding="utf-8", errors="replace")
        assert code == 0, text[-3000:]
        assert TOKEN not in text and TOKEN.split(":")[1] not in text
        return text


def webhook_listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_polling_end_to_end_with_follow_ups_buttons_inline_stickers_groups_and_a_restart(
    stub: BotApiStub, db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    bot = Bot(stub, tmp_path, db_path, ADMIN_IDS="777")
    try:
        stub.wait_for("setMyCommands", count=2, timeout=START_SECONDS)  # everyone's menu and the admin's
        menu, admin_menu = stub.sent("setMyCommands")
        assert [c["command"] for c in menu.params["commands"]] == [
            "start",
            "help",
            "ask",
            "sources",
            "facts",
            "about",
        ]
        assert admin_menu.params["scope"] == {"type": "chat", "chat_id": 777}

        # A question, then a follow-up that only makes sense with the first as context.
        stub.enqueue(stub.message(QUESTION))
        first = engine.answer(QUESTION)
        [answer] = stub.wait_for("sendMessage", chat_id=1001)
        assert answer.text == render_html(first)
        stub.enqueue(stub.message(FOLLOW_UPS[0]))
        second = engine.answer(FOLLOW_UPS[0], first.context)
        assert "211" in render_html(second) != render_html(engine.answer(FOLLOW_UPS[0]))
        assert stub.wait_for("sendMessage", 2, chat_id=1001)[1].text == render_html(second)

        # The Source button under the first answer.
        source_button = next(b for b in answer.buttons if b["text"] == "Source")
        stub.enqueue(stub.callback(source_button["callback_data"], answer))
        fact = first.facts[0]
        shown = stub.wait_for("sendMessage", 3, chat_id=1001)[2]
        assert shown.text == render_source_html(fact, first.sources[fact.source_id])
        stub.wait_for("answerCallbackQuery")

        # Inline mode, a sticker, and a group message that is not for the bot.
        stub.enqueue(stub.inline_query(QUESTION, user_id=2002))
        [inline] = stub.wait_for("answerInlineQuery")
        assert inline.params["results"][0]["input_message_content"]["message_text"] == render_html(first)
        stub.enqueue(stub.sticker(chat_id=2002))
        assert stub.wait_for("sendMessage", chat_id=2002)[0].text == NON_TEXT_HINT
        group = {"chat_id": -100500, "chat_type": "group"}
        stub.enqueue(stub.message("anyone for lunch?", **group))
        stub.enqueue(stub.message(f"@{BOT['username']} {QUESTION}", **group))
        time.sleep(0.3)  # a reply to the chatter, if any, would have come before this one
        [group_reply] = stub.wait_for("sendMessage", chat_id=-100500)
        assert group_reply.text == render_html(first)

        # Shutdown while an answer is in flight: it is sent before the process exits.
        release = stub.hold("sendMessage")
        stub.enqueue(stub.message(QUESTION, chat_id=3003))
        stub.wait_for("sendMessage", chat_id=3003)
        bot.terminate()
        time.sleep(0.3)
        assert bot.process.poll() is None, "exited with an answer in flight"
        release.set()
        log = bot.stop()
        assert "stopped: every update received has been answered" in log
        assert stub.pending() == []  # every update was confirmed: none is answered twice
        assert len(stub.sent("sendMessage", chat_id=1001)) == 3
        assert not [c for c in stub.calls if "Sorry" in c.text]
    finally:
        bot.kill()

    # The follow-up context survives the restart (python-telegram-bot's persistence).
    stub.hold("sendMessage").set()
    mark = stub.mark()
    bot = Bot(stub, tmp_path, db_path)
    try:
        stub.enqueue(stub.message(FOLLOW_UPS[1]))
        third = engine.answer(FOLLOW_UPS[1], second.context)
        assert render_html(third) != render_html(engine.answer(FOLLOW_UPS[1]))
        [after_restart] = stub.wait_for("sendMessage", chat_id=1001, since=mark, timeout=START_SECONDS)
        assert after_restart.text == render_html(third)
        assert health.age(tmp_path / "heartbeat") is not None
        assert health.age(tmp_path / "heartbeat") < health.MAX_AGE_SECONDS  # type: ignore[operator]
        bot.stop()
    finally:
        bot.kill()


def test_webhook_mode_refuses_requests_without_the_secret_and_answers_those_with_it(
    stub: BotApiStub, db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/ipfacts-hook"
    secret = "s3cret-Token_for-tests"
    bot = Bot(stub, tmp_path, db_path, "--webhook-url", url, "--listen", "127.0.0.1", "--port", str(port), WEBHOOK_SECRET=secret)  # fmt: skip
    try:
        [registered] = stub.wait_for("setWebhook", timeout=START_SECONDS)
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == secret
        deadline = time.monotonic() + START_SECONDS
        while not webhook_listening(port):
            assert time.monotonic() < deadline, "the webhook server did not start"
            time.sleep(0.05)
        assert stub.post_webhook(stub.message(QUESTION, chat_id=1), secret=None, url=url) == 403
        assert stub.post_webhook(stub.message(QUESTION, chat_id=2), secret="wrong", url=url) == 403
        assert stub.post_webhook(stub.message(QUESTION, chat_id=3), secret=secret, url=url) == 200
        [reply] = stub.wait_for("sendMessage", chat_id=3)
        assert reply.text == render_html(engine.answer(QUESTION))
        assert stub.sent("sendMessage", chat_id=1) == stub.sent("sendMessage", chat_id=2) == []
        assert health.age(tmp_path / "heartbeat") is not None
        log = bot.stop()
        assert secret not in log
    finally:
        bot.kill()


def test_a_rejected_token_is_a_one_line_error_that_does_not_show_it(
    stub: BotApiStub, db_path: Path, tmp_path: Path
) -> None:
    wrong = "987654321:WRONG-token-that-must-not-leak"
    bot = Bot(stub, tmp_path, db_path, BOT_TOKEN=wrong)
    try:
        code = bot.process.wait(timeout=START_SECONDS)
    finally:
        bot.kill()
    output = bot.log.read_text()
    assert code == 1
    assert "Error: the Bot API at" in output and "rejected IPFACTS_BOT_TOKEN" in output
    assert wrong not in output and "WRONG-token" not in output


def test_serve_without_a_token_says_how_to_set_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: IPFACTS_BOT_TOKEN is not set")
    assert len(result.output.strip().splitlines()) == 1
