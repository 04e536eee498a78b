"""A small Telegram Bot API server for tests: real HTTP on 127.0.0.1, a free port, no token
from Telegram and no internet.

It answers the methods the bot uses (getMe, deleteWebhook, setWebhook, getUpdates with long
polling, sendMessage, sendChatAction, answerCallbackQuery, answerInlineQuery, setMyCommands,
editMessageText), records every call, lets a test enqueue user updates and wait for the
bot's calls, and injects the faults a bot meets on the way to Telegram:

- `fail`: an error answer (502, 500, 429 Too Many Requests with `retry_after`);
- `drop`: the connection is closed without an answer, before the request is carried out or
  after (a sendMessage dropped after is delivered all the same). The bot sees the same thing
  in both cases, httpx's RemoteProtocolError "Server disconnected without sending a response";
- `delay`: a slow answer;
- `outage`: the server is unreachable for a while (connections refused: httpx's ConnectError),
  from just after it hands the bot a batch of updates;
- `hold`: calls wait until the test lets them go (graceful shutdown with a reply in flight).

A getUpdates fault strikes the next call that has updates to return, so it always hits a batch;
other methods' faults strike their next call. Faults of one method strike in the order queued.

    with BotApiStub() as stub:
        stub.enqueue(stub.message("How many GIs does Guangxi have?"))
        [reply] = stub.wait_for("sendMessage")
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.render import render_html

if TYPE_CHECKING:
    from intents.engine import Engine

PROJECT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:TEST-stub-token_not-a-real-one"
BOT = {"id": 4242, "is_bot": True, "first_name": "ipfacts", "username": "ipfacts_test_bot"}
# Parameters the Bot API takes as text: never JSON-decoded, even when they look like numbers.
TEXT_PARAMETERS = {"text", "query", "data", "callback_query_id", "inline_query_id", "secret_token", "url"}
# A getUpdates call waits at most this long, whatever timeout the client asks for.
MAX_POLL_SECONDS = 10.0


@dataclass
class Call:
    """One request the bot made: the method, its decoded parameters, when it arrived and
    whether it was carried out (a sendMessage that was is a message delivered)."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    fault_drop: str | None = None  # "before" or "after" if its connection was dropped
    carried_out: bool = True  # False if a fault stopped it (an error answer, a drop before)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row by row, flattened."""
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


@dataclass(frozen=True)
class Fault:
    """One injected fault: an error `status` (with its JSON `body`), a dropped connection
    (`drop` "before" or "after" the request is carried out), or a `delay` in seconds."""

    kind: str
    status: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    drop: str | None = None
    delay: float = 0.0


@dataclass
class Reply:
    """What the server does with one request: answer (after `delay` seconds) or close the
    connection without answering (`drop`); `close` ends a kept-alive connection after it."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    close: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog of 5 resets connections when hundreds of chats'
    # replies open connections at once; the resets would be the stub's failures, not the bot's.
    request_queue_size = 1024


class BotApiStub:
    """The server; use it as a context manager."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict[str, Any]] = []
        self._confirmed = 0  # update ids below this were confirmed by a getUpdates offset
        self._changed = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._chats: dict[int, dict[str, Any]] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._holds: dict[str, threading.Event] = {}
        self._stopping = False
        self._stopped = threading.Event()
        self.counts: Counter[str] = Counter()  # calls carried out, by method (getUpdates aside)
        self.injected: Counter[tuple[str, str]] = Counter()  # faults that struck, by method and kind
        self.enqueued_at: dict[int, float] = {}  # update_id -> time.monotonic() of enqueue
        self._outage_seconds: float | None = None
        self._outage_timer: threading.Timer | None = None
        self._connections: dict[socket.socket, bool] = {}  # open connections -> busy with a request
        self._handler_class = self._handler()
        self._server = self._listen(("127.0.0.1", 0))
        self._port = int(self._server.server_address[1])
        self._thread = self._serving_thread(self._server)

    # --- life cycle ------------------------------------------------------------------------

    def __enter__(self) -> BotApiStub:
        self._thread.start()
        return self

    def _listen(self, address: tuple[str, int]) -> _Server:
        return _Server(address, self._handler_class)

    @staticmethod
    def _serving_thread(server: ThreadingHTTPServer) -> threading.Thread:
        return threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="botapi-stub", daemon=True
        )

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._stopped.set()
            self._changed.notify_all()
            if self._outage_timer is not None:
                self._outage_timer.cancel()
            server, self._server = self._server, None
        for event in self._holds.values():
            event.set()
        if server is not None:
            server.shutdown()
            server.server_close()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """What IPFACTS_API_BASE_URL is set to: the token is appended by the client."""
        return f"http://127.0.0.1:{self.port}/bot"

    def serve_environment(self, folder: Path, db: Path, **settings: str) -> dict[str, str]:
        """The environment for an `ipfacts serve` process using this stub: the caller's, without
        any IPFACTS_* of its own, with the database, state files in `folder`, the project on
        PYTHONPATH, and `settings` as IPFACTS_<NAME> (e.g. log_level="DEBUG")."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("IPFACTS_")}
        return env | {
            "IPFACTS_BOT_TOKEN": self.token,
            "IPFACTS_API_BASE_URL": self.base_url,
            "IPFACTS_DB": str(db),
            "IPFACTS_STATE_FILE": str(folder / "state.pickle"),
            "IPFACTS_HEARTBEAT_FILE": str(folder / "heartbeat"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])),
            **{f"IPFACTS_{name.upper()}": value for name, value in settings.items()},
        }

    # --- what a test does ------------------------------------------------------------------

    def enqueue(self, update: dict[str, Any]) -> int:
        """Queue an update for the bot's next getUpdates; returns its update_id."""
        return self.enqueue_many([update])[0]

    def enqueue_many(self, updates: list[dict[str, Any]]) -> list[int]:
        """Queue updates at once, in order; returns their update_ids."""
        with self._changed:
            now = time.monotonic()
            numbered = [{"update_id": next(self._update_ids), **update} for update in updates]
            for update in numbered:
                self.enqueued_at[update["update_id"]] = now
            self._updates.extend(numbered)
            self._changed.notify_all()
        return [int(update["update_id"]) for update in numbered]

    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        with self._changed:
            return [u for u in self._updates if u["update_id"] >= self._confirmed]

    def fail(self, method: str, status: int = 502, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` calls of `method` with an error (429 with `retry_after`); the
        request is not carried out."""
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": f"stub failure {status}"}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self._queue(method, Fault(f"status {status}", status=status, body=body), times)

    def drop(self, method: str, when: str = "before", times: int = 1) -> None:
        """Close the connection of the next `times` calls of `method` without an answer, `when`
        "before" the request is carried out (no message is sent) or "after" it (the message is
        delivered; a getUpdates batch is handed out and lost on the way). Either way it is
        counted in `injected`."""
        if when not in ("before", "after"):
            raise ValueError(f"when must be 'before' or 'after', not {when!r}")
        self._queue(method, Fault(f"dropped {when} processing", drop=when), times)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` but answer them `seconds` late."""
        self._queue(method, Fault("slow", delay=seconds), times)

    def outage(self, seconds: float) -> None:
        """Right after the next getUpdates that hands out updates, refuse every connection for
        `seconds`: the listening socket is closed and kept-alive connections are shut, so the
        bot's next requests fail to connect (they certainly did not reach the server)."""
        with self._changed:
            self._outage_seconds = seconds

    def _queue(self, method: str, fault: Fault, times: int) -> None:
        with self._changed:
            self._faults.setdefault(method, []).extend([fault] * times)

    def faults_left(self) -> dict[str, int]:
        """Queued faults that have not struck yet, by method (an outage counts under getUpdates)."""
        with self._changed:
            left = {method: len(faults) for method, faults in self._faults.items() if faults}
            if self._outage_seconds is not None:
                left["getUpdates"] = left.get("getUpdates", 0) + 1
            return left

    def hold(self, method: str) -> threading.Event:
        """Hold calls of `method` until the returned event is set (they are recorded at once)."""
        event = threading.Event()
        self._holds[method] = event
        return event

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, chat_id: int | None = None, since: int = 0
    ) -> list[Call]:
        """The first `count` calls of `method` (to `chat_id`, from the `since`-th call on),
        waiting at most `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.sent(method, chat_id, since)
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.chat_id) for c in self.calls[since:]]
                    raise TimeoutError(
                        f"{count} × {method} to {chat_id} not seen in {timeout} s; calls: {seen}"
                    )
                self._changed.wait(remaining)

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait at most `timeout` seconds for `condition()` (checked whenever a call arrives);
        TimeoutError saying `what` was awaited otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"not seen in {timeout} s: {what}")
                self._changed.wait(min(remaining, 0.5))

    def sent(self, method: str, chat_id: int | None = None, since: int = 0) -> list[Call]:
        """Calls of `method` so far (to `chat_id`), from the `since`-th call on."""
        with self._changed:
            return [
                c
                for c in self.calls[since:]
                if c.method == method and (chat_id is None or c.chat_id == chat_id)
            ]

    def delivered(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        """Calls of `method` that were carried out (for sendMessage: messages delivered), even if
        the connection was then dropped before the bot heard so."""
        return [c for c in self.sent(method, chat_id) if c.carried_out]

    def mark(self) -> int:
        """The number of calls so far: pass it as `since` to see only what comes next."""
        with self._changed:
            return len(self.calls)

    def post_webhook(self, update: dict[str, Any], secret: str | None, url: str | None = None) -> int:
        """POST an update to the bot's webhook as Telegram does; returns the HTTP status."""
        target = url or (self.webhook or {}).get("url")
        assert target, "no webhook set"
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = json.dumps({"update_id": next(self._update_ids), **update}).encode()
        request = urllib.request.Request(target, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    # --- building updates ------------------------------------------------------------------

    @staticmethod
    def user(user_id: int = 1001, first_name: str = "Ada") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Ada"
        else:
            chat["title"] = "IP watchers"
        self._chats[chat_id] = chat
        return chat

    def message(
        self, text: str | None = None, chat_id: int = 1001, user_id: int | None = None, chat_type: str = "private",
        reply_to: dict[str, Any] | None = None, **extra: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """A `message` update; bot commands and @mentions get their entities."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id or (chat_id if chat_type == "private" else 1001)),
            **extra,
        }
        if text is not None:
            message["text"] = text
            entities = []
            if text.startswith("/"):
                entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
            mention = f"@{BOT['username']}"
            if mention in text:
                entities.append({"type": "mention", "offset": text.index(mention), "length": len(mention)})
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def sticker(self, chat_id: int = 1001, chat_type: str = "private") -> dict[str, Any]:
        sticker = {
            "file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADBQADwDZPEw", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍",
        }  # fmt: skip
        return self.message(chat_id=chat_id, chat_type=chat_type, sticker=sticker)

    def callback(self, data: str, sent: Call, user_id: int | None = None) -> dict[str, Any]:
        """A button press on the message `sent` (a recorded sendMessage)."""
        chat_id = int(sent.chat_id or 0)
        message = {
            "message_id": sent.params["_message_id"],
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": BOT,
            "text": sent.text,
        }
        return {
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": self.user(user_id or chat_id),
                "chat_instance": "stub-chat-instance",
                "message": message,
                "data": data,
            }
        }

    def inline_query(self, query: str, user_id: int = 1001) -> dict[str, Any]:
        return {
            "inline_query": {
                "id": str(next(self._message_ids)),
                "from": self.user(user_id),
                "query": query,
                "offset": "",
            }
        }

    # --- the server side -------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def setup(self) -> None:
                super().setup()
                stub._track(self.connection, busy=False)

            def parse_request(self) -> bool:
                stub._track(self.connection, busy=True)  # the request line is in: no longer idle
                return super().parse_request()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                reply = stub._serve(self.path, self.headers.get("Content-Type") or "", raw)
                if reply.delay:
                    stub._stopped.wait(reply.delay)
                if reply.drop:  # no answer: socketserver closes the connection after this
                    self.close_connection = True
                    return
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if reply.close:
                    self.send_header("Connection", "close")
                self.end_headers()
                with contextlib.suppress(ConnectionError):  # the client gave up (a cancelled poll)
                    self.wfile.write(payload)
                stub._track(self.connection, busy=False)

            do_GET = do_POST

            def finish(self) -> None:
                stub._untrack(self.connection)
                super().finish()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the recorded calls are the log

        return Handler

    def _track(self, connection: socket.socket, busy: bool) -> None:
        with self._changed:
            self._connections[connection] = busy

    def _untrack(self, connection: socket.socket) -> None:
        with self._changed:
            self._connections.pop(connection, None)

    def _serve(self, path: str, content_type: str, raw: bytes) -> Reply:
        prefix = f"/bot{self.token}/"
        if not path.startswith("/bot") or "/" not in path[4:]:
            return Reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if not path.startswith(prefix):
            return Reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = path[len(prefix) :].split("?")[0]
        call = Call(method, _decode(content_type, raw))
        if method == "getUpdates":
            return self._serve_updates(call)
        with self._changed:
            fault = self._strike(call)
            self.calls.append(call)
            if call.carried_out:
                self.counts[method] += 1
            self._changed.notify_all()
        if fault is not None and fault.status:
            return Reply(fault.status, fault.body)
        if fault is not None and fault.drop == "before":
            return Reply(drop=True)
        hold = self._holds.get(method)
        if hold is not None:
            hold.wait(timeout=MAX_POLL_SECONDS)
        result = self._result(call)
        if result is None:
            return Reply(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
        return Reply(
            200,
            {"ok": True, "result": result},
            delay=fault.delay if fault else 0.0,
            drop=call.fault_drop == "after",
        )

    def _strike(self, call: Call) -> Fault | None:
        """The next fault queued for the call's method, if any, noted on the call (lock held)."""
        faults = self._faults.get(call.method)
        if not faults:
            return None
        fault = faults.pop(0)
        call.fault_drop = fault.drop
        call.carried_out = not fault.status and fault.drop != "before"
        self.injected[(call.method, fault.kind)] += 1
        return fault

    def _serve_updates(self, call: Call) -> Reply:
        """getUpdates with long polling; a fault strikes only a call that has updates to return
        (dropped before or after, the bot's next call, with the same offset, gets them again)."""
        offset = int(call.params.get("offset") or 0)
        timeout = min(float(call.params.get("timeout") or 0), MAX_POLL_SECONDS)
        limit = int(call.params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        outage = None
        with self._changed:
            # Telegram forgets the updates below the offset as soon as a request carries it; a
            # batch handed out is forgotten only when a later request's offset confirms it.
            self._confirmed = max(self._confirmed, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= self._confirmed]
            while not self._updates and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            batch = self._updates[:limit]
            fault = self._strike(call) if batch else None
            if batch and fault is None and self._outage_seconds is not None:
                outage, self._outage_seconds = self._outage_seconds, None
                self.injected[("getUpdates", "outage (connections refused)")] += 1
        if fault is not None and fault.status:
            return Reply(fault.status, fault.body)
        if fault is not None and fault.drop == "before":
            return Reply(drop=True)
        if outage is not None:
            self._begin_outage(outage)
        return Reply(
            200, {"ok": True, "result": batch}, delay=fault.delay if fault else 0.0,
            drop=call.fault_drop == "after", close=outage is not None,
        )  # fmt: skip

    def _begin_outage(self, seconds: float) -> None:
        """Refuse connections for `seconds`: close the listening socket and shut the kept-alive
        connections waiting for their next request (the bot finds them closed and reconnects)."""
        with self._changed:
            server, self._server = self._server, None
            idle = [connection for connection, busy in self._connections.items() if not busy]
        if server is None:
            return
        server.shutdown()
        server.server_close()
        for connection in idle:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        with self._changed:
            if not self._stopping:
                self._outage_timer = threading.Timer(seconds, self._end_outage)
                self._outage_timer.daemon = True
                self._outage_timer.start()

    def _end_outage(self) -> None:
        with self._changed:
            if self._stopping:
                return
            self._server = self._listen(("127.0.0.1", self._port))
            thread = self._serving_thread(self._server)
        thread.start()

    def _result(self, call: Call) -> Any:
        method, params = call.method, call.params
        if method == "getMe":
            return BOT
        if method == "setWebhook":
            self.webhook = params
            return True
        if method == "deleteWebhook":
            self.webhook = None
            return True
        if method in {"sendChatAction", "answerCallbackQuery", "answerInlineQuery", "setMyCommands"}:
            return True
        if method in {"sendMessage", "editMessageText"}:
            message_id = int(params.get("message_id") or next(self._message_ids))
            params["_message_id"] = message_id
            chat_id = int(params["chat_id"])
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
                "from": BOT,
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        return None


def _decode(content_type: str, raw: bytes) -> dict[str, Any]:
    """Form or JSON parameters, with JSON-encoded values (markup, commands, numbers) decoded."""
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(raw))
    fields = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
    params: dict[str, Any] = {}
    for key, values in fields.items():
        value: Any = values[-1]
        if key not in TEXT_PARAMETERS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (for the bot's webhook server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Two conversations with follow-ups, whose replies all differ from each other's: the reliability
# tests and benchmarks/telegram_throughput.py ask them.
GI_QUESTIONS = (
    "How many GIs does Guangxi have?",
    "and western China?",
    "what about in 2024?",
    "and Guangxi?",
)
PATENT_QUESTIONS = (
    "How many valid invention patents does western China have?",
    "and at the end of September 2024?",
    "what about in 2024?",
    "and Guangxi?",
)
LOAD_DIALOGUES = tuple((*questions, "and western China?") for questions in (GI_QUESTIONS, PATENT_QUESTIONS))


def expected_replies(engine: Engine, questions: Sequence[str]) -> list[str]:
    """The replies one chat must get, each question asked with the context the previous left."""
    replies, context = [], None
    for question in questions:
        answer = engine.answer(question, context)
        context = answer.context
        replies.append(render_html(answer))
    return replies
