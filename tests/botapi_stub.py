"""A small Telegram Bot API server for tests: real HTTP on 127.0.0.1, a free port, no token
from Telegram and no internet.

It answers the methods the bot uses (getMe, deleteWebhook, setWebhook, getUpdates with long
polling, sendMessage, sendChatAction, answerCallbackQuery, answerInlineQuery, setMyCommands,
editMessageText), records every call, lets a test enqueue user updates and wait for the
bot's calls, and can fail or delay a method to test retries and graceful shutdown.

    with BotApiStub() as stub:
        stub.enqueue(stub.message("How many GIs does Guangxi have?"))
        [reply] = stub.wait_for("sendMessage")
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "123456789:TEST-stub-token_not-a-real-one"
BOT = {"id": 4242, "is_bot": True, "first_name": "ipfacts", "username": "ipfacts_test_bot"}
# Parameters the Bot API takes as text: never JSON-decoded, even when they look like numbers.
TEXT_PARAMETERS = {"text", "query", "data", "callback_query_id", "inline_query_id", "secret_token", "url"}
# A getUpdates call waits at most this long, whatever timeout the client asks for.
MAX_POLL_SECONDS = 10.0


@dataclass
class Call:
    """One request the bot made: the method, its decoded parameters and when it arrived."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

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
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._holds: dict[str, threading.Event] = {}
        self._stopping = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="botapi-stub", daemon=True
        )

    # --- life cycle ------------------------------------------------------------------------

    def __enter__(self) -> BotApiStub:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        for event in self._holds.values():
            event.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """What IPFACTS_API_BASE_URL is set to: the token is appended by the client."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what a test does ------------------------------------------------------------------

    def enqueue(self, update: dict[str, Any]) -> int:
        """Queue an update for the bot's next getUpdates; returns its update_id."""
        with self._changed:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        with self._changed:
            return [u for u in self._updates if u["update_id"] >= self._confirmed]

    def fail(self, method: str, status: int = 502, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` calls of `method` with an error (429 with `retry_after`)."""
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": f"stub failure {status}"}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._changed:
            self._failures.setdefault(method, []).extend([(status, body)] * times)

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

    def sent(self, method: str, chat_id: int | None = None, since: int = 0) -> list[Call]:
        """Calls of `method` so far (to `chat_id`), from the `since`-th call on."""
        with self._changed:
            return [
                c
                for c in self.calls[since:]
                if c.method == method and (chat_id is None or c.chat_id == chat_id)
            ]

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

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = stub._serve(self.path, self.headers.get("Content-Type") or "", raw)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(ConnectionError):  # the client gave up (a cancelled poll)
                    self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the recorded calls are the log

        return Handler

    def _serve(self, path: str, content_type: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        prefix = f"/bot{self.token}/"
        if not path.startswith("/bot") or "/" not in path[4:]:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        params = _decode(content_type, raw)
        call = Call(method, params)
        with self._changed:
            if method != "getUpdates":
                self.calls.append(call)
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            self._changed.notify_all()
        if failure:
            return failure
        hold = self._holds.get(method)
        if hold is not None:
            hold.wait(timeout=MAX_POLL_SECONDS)
        result = self._result(call)
        if result is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        return 200, {"ok": True, "result": result}

    def _result(self, call: Call) -> Any:
        method, params = call.method, call.params
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            return self._get_updates(params)
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

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
        deadline = time.monotonic() + timeout
        with self._changed:
            self._confirmed = max(self._confirmed, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= self._confirmed]
            while not self._updates and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return list(self._updates[: int(params.get("limit") or 100)])


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
