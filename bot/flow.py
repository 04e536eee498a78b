"""Flow control for the Telegram bot, built on python-telegram-bot's extension points:

- `ChatOrderedProcessor`: updates of different chats are processed concurrently, each chat's
  own updates one at a time and in the order they arrived (a custom `BaseUpdateProcessor`).
- `RetryingRateLimiter`: python-telegram-bot's `AIORateLimiter` (Telegram's flood limits,
  retries after `RetryAfter`), which also retries a request that failed on `TimedOut` or a
  `NetworkError`, so a reply is not lost to a short network hiccup; a message only when it
  certainly was not carried out (never sent, or answered with a server error), so none is
  delivered twice.
- `QuestionLimiter`: how many questions one user may ask a minute.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd and 4th attempt of a request that failed on the network: a
# reply is retried for 3.5 s in all, long enough to ride out a dropped connection or a
# restarting proxy, short enough that the user is still looking at the chat.
RETRY_DELAYS = (0.5, 1.0, 2.0)
# Requests that are worth nothing once late: never retried, and not counted against the
# flood limits, which Telegram states for messages ("typing…" is not a message).
BEST_EFFORT_ENDPOINTS = frozenset({"sendChatAction"})
SENDING_PREFIXES = ("send", "answer", "edit", "forward", "copy")
# httpx errors raised before any byte of the request was written: the connection could not be
# opened, or no pooled connection was free. After that, a dropped connection
# (RemoteProtocolError "Server disconnected without sending a response", ReadError) or a read
# time-out looks the same whether or not Telegram carried the request out.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Telegram allows a bot "about 30 messages a second" overall. The limiter keeps that average
# over a 2-second window rather than python-telegram-bot's default 1 second: a crowd of up to
# 60 people asking at the same instant is answered at once instead of queued (with 30 per
# 1 s, p99 latency in benchmarks/telegram_load.py was 0.58-0.7 s, all of it in that burst).
# Should Telegram answer 429 Too Many Requests all the same, the AIORateLimiter waits as long
# as Telegram asks and retries, up to MAX_FLOOD_RETRIES times: the reply is late, not lost.
OVERALL_MESSAGES = 60
OVERALL_SECONDS = 2
MAX_FLOOD_RETRIES = 5
UNBOUNDED_UPDATES = 1_000_000


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat: each chat (or each user, for updates
    without a chat) gets a lock that its updates take in arrival order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        # python-telegram-bot's own semaphore is taken before do_process_update, so updates
        # waiting for their chat's lock would hold its slots and one flooding chat would starve
        # every other. Its limit is set out of reach; the real one is taken inside the lock.
        super().__init__(UNBOUNDED_UPDATES)
        self._work_slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @staticmethod
    def lane(update: object) -> int | None:
        """The chat whose order `update` must keep; None for an inline query, which carries
        no conversation and is answered on its own."""
        if not isinstance(update, Update) or update.inline_query or update.chosen_inline_result:
            return None
        chat = update.effective_chat
        return chat.id if chat else None

    def active_lanes(self) -> set[int]:
        """Chats with an update being processed or waiting: their state must not be dropped."""
        return set(self._users)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        lane = self.lane(update)
        if lane is None:
            async with self._work_slots:
                await coroutine
            return
        # asyncio.Lock wakes its waiters first in, first out, and a task created earlier
        # reaches acquire() earlier: updates of one chat run in the order they were fetched.
        lock = self._locks.setdefault(lane, asyncio.Lock())
        self._users[lane] = self._users.get(lane, 0) + 1
        try:
            async with lock, self._work_slots:
                await coroutine
        finally:
            self._users[lane] -= 1
            if not self._users[lane]:
                del self._users[lane]
                del self._locks[lane]

    async def initialize(self) -> None:
        """Nothing to set up: locks are made per chat as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to free: every lock is gone once its chat's updates are done."""


def may_have_been_carried_out(error: NetworkError) -> bool:
    """Whether the request that failed with `error` may have reached Telegram and been carried
    out: False when it was never sent, or when Telegram answered with an error status (5xx: the
    request failed); True when the connection failed after the request was written."""
    cause = error.__cause__
    if isinstance(cause, NOT_SENT_ERRORS):
        return False
    if isinstance(error, TimedOut):
        return True
    # python-telegram-bot raises a bare NetworkError (or one caused by an unreadable body) for
    # an error status, and chains the transport's exception for a connection that failed.
    return not (cause is None or isinstance(cause, TelegramError))


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries requests failing on TimedOut or NetworkError: any
    read, but a send only if it certainly was not carried out."""

    def __init__(self, retry_delays: tuple[float, ...] = RETRY_DELAYS, **limits: Any) -> None:
        limits.setdefault("max_retries", MAX_FLOOD_RETRIES)
        limits.setdefault("overall_max_rate", OVERALL_MESSAGES)
        limits.setdefault("overall_time_period", OVERALL_SECONDS)
        super().__init__(**limits)
        self.retry_delays = retry_delays

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint in BEST_EFFORT_ENDPOINTS:
            return await callback(*args, **kwargs)
        for attempt, delay in enumerate((*self.retry_delays, None)):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # the request itself is wrong; sending it again cannot help
            except NetworkError as error:  # TimedOut is a NetworkError too
                # A send that timed out or lost its connection may well have reached Telegram:
                # sending it again could deliver the answer twice.
                if delay is None or (
                    endpoint.startswith(SENDING_PREFIXES) and may_have_been_carried_out(error)
                ):
                    raise
                log.warning(
                    "%s failed (%s: %s); retrying in %.1f s (attempt %d of %d)",
                    endpoint, type(error).__name__, error, delay, attempt + 2, len(self.retry_delays) + 1,
                )  # fmt: skip
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class Verdict:
    """Whether a user may ask now; if not, when again, and whether to say so."""

    allowed: bool
    retry_after: float = 0.0
    notify: bool = False


class QuestionLimiter:
    """At most `per_minute` questions per user in any minute (a sliding log). Past
    the limit, the first refused question of a window is told why; the rest are dropped
    silently, so the bot does not flood a user who floods it."""

    # Users not seen for a window are forgotten once the table holds this many: memory stays
    # bounded by the users of the last minute.
    PRUNE_FROM_USERS = 10_000
    WINDOW_SECONDS = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._told: dict[int, float] = {}
        self.refused = 0

    def check(self, user_id: int) -> Verdict:
        """Count a question from `user_id` if allowed."""
        now = self.clock()
        asked = self._asked.setdefault(user_id, deque(maxlen=self.per_minute))
        while asked and now - asked[0] >= self.WINDOW_SECONDS:
            asked.popleft()
        if len(asked) < self.per_minute:
            asked.append(now)
            self._told.pop(user_id, None)
            if len(self._asked) > self.PRUNE_FROM_USERS:
                self._prune(now)
            return Verdict(True)
        self.refused += 1
        retry_after = self.WINDOW_SECONDS - (now - asked[0])
        notify = user_id not in self._told
        self._told[user_id] = now
        return Verdict(False, retry_after, notify)

    def _prune(self, now: float) -> None:
        for user_id in [u for u, a in self._asked.items() if not a or now - a[-1] >= self.WINDOW_SECONDS]:
            del self._asked[user_id]
            self._told.pop(user_id, None)
