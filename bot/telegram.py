"""The Telegram bot, on python-telegram-bot's `Application`: `ipfacts serve` runs it.

Usage:

    IPFACTS_BOT_TOKEN=123456:ABC... ipfacts serve                 # long polling
    ipfacts serve --webhook-url https://bot.example.org/ipfacts    # webhook, behind a TLS proxy

Handlers are thin: each calls the answering engine (on a thread of its own) and a renderer,
and sends the result. Private chats: every text is a question. Groups: commands, mentions of
the bot and replies to its messages. Inline mode: `@bot question` in any chat.
"""

from __future__ import annotations

import os

# Opt in to python-telegram-bot 23's durations (datetime.timedelta) now: from 22.2 on, its own
# RetryAfter constructor otherwise warns on every flood-control wait.
os.environ.setdefault("PTB_TIMEDELTA", "1")

import asyncio
import contextlib
import html
import logging
import pickle
import re
import secrets
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import ValidationError
from telegram import (
    Bot,
    BotCommandScopeChat,
    InlineQueryResultsButton,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, InlineKeyboardButtonLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    filters,
)
from telegram.request import HTTPXRequest

from bot import health
from bot.flow import ChatOrderedProcessor, QuestionLimiter, RetryingRateLimiter, may_have_been_carried_out
from bot.messages import (
    ADMIN_COMMANDS,
    ADMIN_ONLY,
    APOLOGY,
    ASK_USAGE,
    COMMANDS,
    EXPIRED_BUTTON,
    NON_TEXT_HINT,
    RATE_LIMITED,
    TOO_LONG,
    UNKNOWN_COMMAND,
    Action,
    about_html,
    answer_keyboard,
    examples_keyboard,
    facts_page_html,
    help_html,
    inline_result,
    misses_html,
    parse_callback,
    sources_html,
    split_html,
    stats_html,
    welcome_html,
)
from bot.render import EXAMPLE_QUESTIONS, render_history_html, render_html, render_source_html
from bot.settings import Settings
from facts.models import Fact, Source
from intents.engine import CONTEXT_TTL_SECONDS, Engine
from intents.models import Answer, Context
from intents.text import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)
T = TypeVar("T")

# Updates processed at once across all chats (python-telegram-bot's default for
# `concurrent_updates=True`); one chat's updates still run one after another.
MAX_CONCURRENT_UPDATES = 256
# Bot API requests in flight at once (getUpdates has a connection of its own); the others wait
# their turn. Telegram takes 30 messages a second: at a 300 ms round trip that is 9 requests in
# flight, and 16 leaves room for "typing…" actions and a crowd asking at once. More costs CPU:
# httpcore checks every pooled connection, with two system calls each, on every request. On one
# core of a 2-core VM (benchmarks/telegram_throughput.py, flood limiter off, several runs each),
# python-telegram-bot's default of 256 connections answered 189-219 updates/s; 32 in flight
# 201-332, 16 300-388, 8 342-467.
MAX_REQUESTS_IN_FLIGHT = 16
# Long-polling timeout: Telegram holds getUpdates open this long when there is nothing new.
POLL_TIMEOUT_SECONDS = 10
# Start-up calls (deleteWebhook / setWebhook) are retried this often before giving up.
BOOTSTRAP_RETRIES = 3
# A conversation's follow-up context is forgotten after the engine's CONTEXT_TTL_SECONDS, and
# at most this many chats are remembered; the oldest go first.
MAX_CHATS_REMEMBERED = 10_000
PRUNE_EVERY_SECONDS = 60
# Conversation state is written to disk this often (and on shutdown): a crash loses at most
# this many seconds of follow-up context.
PERSISTENCE_INTERVAL_SECONDS = 30

# "facts:<page>:<topic>" must fit Telegram's 64-byte callback data with pages up to 999.
MAX_TOPIC_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA - len("facts:999:")
MAX_INLINE_RESULTS = 5
# Telegram caches inline results per query text this long; a /reload shows within a minute.
INLINE_CACHE_SECONDS = 60
# Inline queries arrive as the user types, several per question: they get a larger budget.
INLINE_QUERIES_PER_QUESTION = 3
# "typing…" is shown only when an answer takes longer than this. The engine answers the dev
# questions in 1.4 ms (median; 15 ms at most), so typing shows only when a chat's question
# waits behind a crowd of others; a faster reply reaches the user's phone before a typing
# action would (and sending one anyway doubled the requests a burst of questions made).
TYPING_AFTER_SECONDS = 0.25
# A "typing…" action that has not gone out after this long is dropped, not waited for.
TYPING_WAIT_SECONDS = 1.0
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
STATE_KEY = "ipfacts"
REDACTED = "[REDACTED]"


# --- The engine, on a thread of its own ------------------------------------------------------


class EngineWorker:
    """Runs every engine call on one dedicated thread: answering never blocks the event loop
    (other chats' replies keep flowing), and calls never overlap (a /reload does not swap the
    fact table under a running answer)."""

    def __init__(self, db_path: Path) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipfacts-engine")
        self.engine: Engine = self._executor.submit(Engine.load, db_path).result()

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` on the engine thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=True)


@dataclass
class BotState:
    """What the handlers share: the engine, the limits and a few counters for /stats."""

    settings: Settings
    worker: EngineWorker
    processor: ChatOrderedProcessor
    limiter: QuestionLimiter
    inline_limiter: QuestionLimiter
    started: float = field(default_factory=time.time)
    answered: int = 0
    unanswered: int = 0
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    last_prune: float = 0.0
    heartbeat_task: asyncio.Task[None] | None = None

    @property
    def engine(self) -> Engine:
        return self.worker.engine


def bot_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The shared state of the running bot."""
    state: BotState = context.application.bot_data[STATE_KEY]
    return state


# --- Filters ---------------------------------------------------------------------------------


class _AddressedToBot(filters.MessageFilter):
    """Group messages meant for the bot: they mention it or reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        mentions = message.parse_entities(["mention", "text_mention"]) | message.parse_caption_entities(
            ["mention", "text_mention"]
        )
        for entity, text in mentions.items():
            if entity.user and entity.user.id == bot.id:
                return True
            if bot.username and text.lower() == f"@{bot.username.lower()}":
                return True
        return False


class _ViaThisBot(filters.MessageFilter):
    """Messages a user sent by picking one of this bot's inline results: answers, not questions."""

    def filter(self, message: Message) -> bool:
        return bool(message.via_bot and message.via_bot.id == message.get_bot().id)


ADDRESSED = _AddressedToBot(name="AddressedToBot")
VIA_THIS_BOT = _ViaThisBot(name="ViaThisBot")
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE


# --- Sending ---------------------------------------------------------------------------------


async def send_html(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, keyboard: Any = None, quote: bool = False
) -> None:
    """Send HTML to the update's chat, split at Telegram's length limit; the keyboard goes
    under the last part, and `quote` quotes the message the update is about."""
    chunks = split_html(text)
    target = update.effective_message
    chat = update.effective_chat
    for number, chunk in enumerate(chunks):
        markup = keyboard if number == len(chunks) - 1 else None
        if isinstance(target, Message):
            await target.reply_html(chunk, reply_markup=markup, do_quote=quote and number == 0)
        elif chat is not None:
            await context.bot.send_message(chat.id, chunk, reply_markup=markup)


async def _typing(bot: Bot, chat_id: int, thread_id: int | None) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
    except TelegramError as error:
        log.debug("typing action failed: %s", error)


def _in_group(update: Update) -> bool:
    return bool(update.effective_chat and update.effective_chat.type != ChatType.PRIVATE)


def _thread_id(update: Update) -> int | None:
    message = update.effective_message
    return message.message_thread_id if isinstance(message, Message) and message.is_topic_message else None


# --- Per-chat context -----------------------------------------------------------------------


def remembered_context(chat_data: dict[str, Any] | None) -> Context | None:
    """The chat's follow-up context, unless it no longer validates (the engine forgets it once
    it is older than CONTEXT_TTL_SECONDS)."""
    raw = (chat_data or {}).get("context")
    if not raw:
        return None
    try:
        return Context.model_validate(raw)
    except ValidationError:
        return None


def remember(context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> None:
    """Keep the answer's context for the chat's next question (persisted across restarts)."""
    if context.chat_data is None:
        return
    context.chat_data["context"] = answer.context.model_dump(mode="json")
    state = bot_state(context)
    if time.monotonic() - state.last_prune >= PRUNE_EVERY_SECONDS:
        prune_chats(context.application, state)


def prune_chats(application: Application[Any, Any, Any, Any, Any, Any], state: BotState) -> int:
    """Forget chats whose conversation context is older than CONTEXT_TTL_SECONDS (the engine
    would ignore it), then the least recently updated beyond MAX_CHATS_REMEMBERED; chats with an
    update in progress are kept. Returns how many were forgotten."""
    state.last_prune = time.monotonic()
    active = state.processor.active_lanes()
    now = time.time()
    ages = {
        chat_id: now - float(((data or {}).get("context") or {}).get("updated", 0))
        for chat_id, data in application.chat_data.items()
        if chat_id not in active
    }
    expired = [chat_id for chat_id, age in ages.items() if age > CONTEXT_TTL_SECONDS]
    fresh = sorted((c for c, age in ages.items() if age <= CONTEXT_TTL_SECONDS), key=lambda c: ages[c])
    excess = len(fresh) + len(active) - MAX_CHATS_REMEMBERED
    dropped = expired + (fresh[-excess:] if excess > 0 else [])
    for chat_id in dropped:
        application.drop_chat_data(chat_id)
    return len(dropped)


# --- Answering ------------------------------------------------------------------------------


async def may_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Count a question against the user's per-minute budget; past it, say so once."""
    user = update.effective_user
    if user is None:
        return True
    verdict = bot_state(context).limiter.check(user.id)
    if verdict.allowed:
        return True
    log.info("user %s is over the question limit", user.id)
    text = RATE_LIMITED.format(max(1, round(verdict.retry_after)))
    if update.callback_query:
        await update.callback_query.answer(text if verdict.notify else None)
    elif verdict.notify:
        await send_html(update, context, text, quote=_in_group(update))
    return False


async def answer_question(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    question: str | None = None,
    fact_id: str | None = None,
    quote: bool = False,
) -> None:
    """Answer `question` (or state the figure `fact_id`) in the update's chat, with the chat's
    follow-up context, "typing…" while a slow answer is worked out, and the answer's buttons."""
    state = bot_state(context)
    chat = update.effective_chat
    if chat is None:
        return
    if question is not None and len(question) > MAX_QUESTION_CHARS:
        await send_html(update, context, TOO_LONG.format(MAX_QUESTION_CHARS), quote=quote)
        return
    started = time.perf_counter()
    conversation = remembered_context(context.chat_data)
    if fact_id is not None:
        pending = asyncio.ensure_future(state.worker.run(state.engine.answer_fact, fact_id, conversation))
    else:
        pending = asyncio.ensure_future(state.worker.run(state.engine.answer, question or "", conversation))
    typing = None
    done, _ = await asyncio.wait({pending}, timeout=TYPING_AFTER_SECONDS)
    if not done:  # a wait the user would notice: show "typing…" meanwhile
        typing = asyncio.create_task(_typing(context.bot, chat.id, _thread_id(update)))
    answer = await pending
    remember(context, answer)
    if typing is not None:
        # The reply must not overtake "typing…", or Telegram would show typing after the answer.
        done, _ = await asyncio.wait({typing}, timeout=TYPING_WAIT_SECONDS)
        if not done:
            typing.cancel()
    await send_html(update, context, render_html(answer), answer_keyboard(answer), quote=quote)
    state.latencies.append(time.perf_counter() - started)
    if answer.answered:
        state.answered += 1
    else:
        state.unanswered += 1


def inline_answers(engine: Engine, question: str) -> list[Answer]:
    """Up to MAX_INLINE_RESULTS answers for an inline query: the answer itself, the figure's
    other periods, then the close figures a "Did you mean" would offer."""
    # Inline queries arrive keystroke by keystroke: half-typed questions are not misses.
    first = engine.answer(question, record_miss=False)
    answers = [first] if first.answered else []
    for fact_id in [f.id for f in first.history] + [s.fact_id for s in first.suggestions]:
        if len(answers) >= MAX_INLINE_RESULTS:
            break
        candidate = engine.answer_fact(fact_id)
        shown = {tuple(f.id for f in a.facts) for a in answers}
        if candidate.answered and tuple(f.id for f in candidate.facts) not in shown:
            answers.append(candidate)
    return answers


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


# --- Handlers -------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: a short welcome and three example questions as buttons."""
    if context.args and context.args[0] == "help":  # the deep link of the inline-mode button
        await help_command(update, context)
        return
    user = update.effective_user
    await send_html(update, context, welcome_html(user.first_name if user else None), examples_keyboard())


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to ask, in private, in groups and inline."""
    await send_html(update, context, help_html(context.bot.username))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION: the way to ask in a group."""
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1) if message else []
    question = parts[1].strip() if len(parts) > 1 else ""
    if not question:
        await send_html(update, context, ASK_USAGE.format(html.escape(EXAMPLE_QUESTIONS[1])))
        return
    if await may_ask(update, context):
        await answer_question(update, context, question, quote=_in_group(update))


async def question_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: in private every one is a question; in groups, one addressed to the bot."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    group = _in_group(update)
    question = _without_mention(message.text, context.bot.username) if group else message.text
    if await may_ask(update, context):
        await answer_question(update, context, question, quote=group)


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like: a hint on what the bot can do."""
    await send_html(update, context, NON_TEXT_HINT, quote=_in_group(update))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have (private chats only: in groups it may be another bot's)."""
    await send_html(update, context, UNKNOWN_COMMAND)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the press releases, with their dates."""
    state = bot_state(context)
    releases, counts = await state.worker.run(
        lambda: (state.engine.sources(), state.engine.facts_per_source())
    )
    await send_html(update, context, sources_html(releases, counts))


async def facts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/facts [topic]: browse the figures, a page at a time."""
    state = bot_state(context)
    topic = " ".join(context.args or []).strip() or None
    if topic and len(topic.encode()) > MAX_TOPIC_BYTES:
        # the topic travels in the page buttons' callback data, which Telegram caps at 64 bytes
        await send_html(
            update,
            context,
            f"Please use a shorter topic (at most {MAX_TOPIC_BYTES} bytes), e.g. /facts Guangxi",
        )
        return
    found = await state.worker.run(state.engine.facts_about, topic)
    text, keyboard = facts_page_html(found, topic, 0)
    await send_html(update, context, text, keyboard)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/about: what the bot is and how much it knows."""
    state = bot_state(context)
    stats = await state.worker.run(state.engine.stats)
    await send_html(update, context, about_html(stats, version("ipfacts")))


def cited_figure(engine: Engine, fact_id: str) -> tuple[Fact | None, list[Fact], dict[str, Source]]:
    """A figure, its other periods and their releases, read in one call on the engine thread
    (a /reload in between could otherwise drop a release the figure cites)."""
    fact = engine.fact(fact_id)
    if fact is None:
        return None, [], {}
    periods = engine.history(fact.id)
    cited = (engine.source(f.source_id) for f in [fact, *periods])
    return fact, periods, {source.id: source for source in cited if source is not None}


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): re-read the fact table without a restart."""
    state = bot_state(context)
    await state.worker.run(state.engine.reload)
    stats = await state.worker.run(state.engine.stats)
    log.info(
        "fact table reloaded by %s: %s", update.effective_user.id if update.effective_user else "?", stats
    )
    await send_html(
        update,
        context,
        f"Reloaded: {stats.get('facts', 0)} figures from {stats.get('sources', 0)} press releases.",
    )


async def misses(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/misses (admins): the most frequent unanswered questions."""
    state = bot_state(context)
    await send_html(update, context, misses_html(await state.worker.run(state.engine.misses, 20)))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): the fact table and how the bot has been used since it started."""
    state = bot_state(context)
    figures: dict[str, object] = dict(await state.worker.run(state.engine.stats))
    figures |= {
        "uptime": f"{(time.time() - state.started) / 3600:.1f} h",
        "questions answered": state.answered,
        "questions without a figure": state.unanswered,
        "questions refused (rate limit)": state.limiter.refused,
        "chats remembered": len(context.application.chat_data),
    }
    figures["in the bot"] = answer_times(state)
    await send_html(update, context, stats_html(figures))


async def admin_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin command from someone who is not an admin."""
    await send_html(update, context, ADMIN_ONLY, quote=_in_group(update))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline-keyboard button: Source, History, a "Did you mean" candidate, an example
    question, or a page of /facts."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_callback(query.data or "")
    if parsed is None or query.message is None:
        await query.answer()
        return
    action, parts = parsed
    state = bot_state(context)
    if action in (Action.FACT, Action.EXAMPLE):
        if not await may_ask(update, context):
            return
        await query.answer()
        if action is Action.FACT and parts and parts[0]:
            await answer_question(update, context, fact_id=parts[0], quote=True)
        elif parts and parts[0].isdigit() and int(parts[0]) < len(EXAMPLE_QUESTIONS):
            await answer_question(update, context, EXAMPLE_QUESTIONS[int(parts[0])])
        return
    await query.answer()
    if action is Action.FACTS_PAGE:
        page, topic = int(parts[0]) if parts and parts[0].isdigit() else 0, ":".join(parts[1:]) or None
        found = await state.worker.run(state.engine.facts_about, topic)
        text, keyboard = facts_page_html(found, topic, page)
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest as error:  # "message is not modified": the same page twice
            log.debug("facts page not edited: %s", error)
        return
    fact, periods, by_id = await state.worker.run(cited_figure, state.engine, parts[0] if parts else "")
    if fact is None:
        await send_html(update, context, EXPIRED_BUTTON, quote=True)
        return
    if action is Action.SOURCE:
        await send_html(update, context, render_source_html(fact, by_id[fact.source_id]), quote=True)
    elif action is Action.HISTORY:
        await send_html(update, context, render_history_html(periods, by_id), quote=True)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot question` in any chat: up to five answers to pick from."""
    query = update.inline_query
    if query is None:
        return
    state = bot_state(context)
    text = query.query.strip()
    if not text:
        await query.answer(
            [], cache_time=INLINE_CACHE_SECONDS,
            button=InlineQueryResultsButton(text="Type a question — or open the bot", start_parameter="help"),
        )  # fmt: skip
        return
    if not state.inline_limiter.check(query.from_user.id).allowed:
        await query.answer(
            [], cache_time=0, is_personal=True,
            button=InlineQueryResultsButton(text="Too many questions — wait a minute", start_parameter="help"),
        )  # fmt: skip
        return
    answers = await state.worker.run(inline_answers, state.engine, text[:MAX_QUESTION_CHARS])
    results = [inline_result(answer) for answer in answers]
    missing = (
        None
        if results
        else InlineQueryResultsButton(text="No figure for that — ask the bot", start_parameter="help")
    )
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, button=missing)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and apologise to the user instead of leaving them without a reply."""
    if update is None and isinstance(context.error, NetworkError):
        # Polling failed (the Bot API is unreachable); python-telegram-bot retries by itself.
        log.warning("getting updates failed: %s", context.error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, NetworkError) and may_have_been_carried_out(context.error):
        # The connection failed after the reply was written: it may well have been delivered,
        # and an apology would then be a second message for one question.
        log.warning("update %s: the reply may or may not have been delivered: %s", update_id, context.error)
        return
    log.error("failed to handle update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden) or update.inline_query:
        return
    try:
        if update.callback_query:
            with contextlib.suppress(BadRequest):  # already answered before the failure
                await update.callback_query.answer(APOLOGY)
        if update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
    except TelegramError as error:
        log.warning("could not apologise for update %s: %s", update_id, error)


# --- Start-up and shutdown ------------------------------------------------------------------


async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command menus, forget expired chats, start the webhook heartbeat."""
    state: BotState = application.bot_data[STATE_KEY]
    bot = application.bot
    try:
        await bot.set_my_commands(COMMANDS)
    except TelegramError as error:
        log.warning("could not register the command menu: %s", error)
    for admin in sorted(state.settings.admin_ids):
        try:
            await bot.set_my_commands(COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as error:  # e.g. "chat not found" until the admin has started the bot
            log.warning("could not register the admin menu for %s: %s", admin, error)
    forgotten = prune_chats(application, state)
    stats = await state.worker.run(state.engine.stats)
    mode = f"webhook {state.settings.webhook_url}" if state.settings.webhook_url else "long polling"
    log.info(
        "serving as @%s (%s): %s figures from %s releases; %d chats remembered, %d expired",
        bot.username, mode, stats.get("facts"), stats.get("sources"), len(application.chat_data), forgotten,
    )  # fmt: skip
    if state.settings.webhook_url:
        state.heartbeat_task = asyncio.create_task(_webhook_heartbeat(state.settings.heartbeat_file))


async def _webhook_heartbeat(path: Path) -> None:
    while True:
        health.touch(path)
        await asyncio.sleep(health.HEARTBEAT_SECONDS)


async def post_stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop the heartbeat once updates are no longer received."""
    state: BotState = application.bot_data[STATE_KEY]
    if state.heartbeat_task:
        state.heartbeat_task.cancel()
    log.info(
        "stopped: every update received has been answered (questions: %d; %s)",
        state.answered + state.unanswered, answer_times(state),
    )  # fmt: skip


def answer_times(state: BotState) -> str:
    """'answer time p50 3 ms, p99 41 ms' over the last questions: from the handler's start to
    the reply sent, i.e. the time spent inside the bot."""
    times = sorted(state.latencies)
    if not times:
        return "no answer times yet"
    if len(times) == 1:
        return f"answer time {times[0] * 1000:.0f} ms"
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return f"answer time p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"


class HeartbeatRequest(HTTPXRequest):
    """The getUpdates connection: touches the heartbeat file after every successful poll."""

    def __init__(self, heartbeat: Path, **options: Any) -> None:
        super().__init__(**options)
        self.heartbeat = heartbeat

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if 200 <= code < 300:
            health.touch(self.heartbeat)
        return code, payload


class BoundedRequest(HTTPXRequest):
    """The connection for every Bot API call but getUpdates: at most `slots` requests in flight,
    the others waiting their turn in order, so the connection pool stays small."""

    def __init__(self, slots: int, **options: Any) -> None:
        super().__init__(connection_pool_size=slots, **options)
        self._slots = asyncio.Semaphore(slots)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._slots:
            return await super().do_request(*args, **kwargs)


def build_application(
    settings: Settings, token: str, worker: EngineWorker
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The configured Application with every handler registered."""
    processor = ChatOrderedProcessor(MAX_CONCURRENT_UPDATES)
    persistence = PicklePersistence(
        settings.state_path,
        store_data=PersistenceInput(bot_data=False, chat_data=True, user_data=False, callback_data=False),
        update_interval=PERSISTENCE_INTERVAL_SECONDS,
    )
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.api_base_url)
        .concurrent_updates(processor)
        .request(BoundedRequest(MAX_REQUESTS_IN_FLIGHT))
        .rate_limiter(RetryingRateLimiter())
        .persistence(persistence)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .post_init(post_init)
        .post_stop(post_stop)
    )
    if not settings.webhook_url:
        builder = builder.get_updates_request(
            HeartbeatRequest(settings.heartbeat_file, connection_pool_size=1)
        )
    application = builder.build()
    application.bot_data[STATE_KEY] = BotState(
        settings=settings,
        worker=worker,
        processor=processor,
        limiter=QuestionLimiter(settings.questions_per_minute),
        inline_limiter=QuestionLimiter(settings.questions_per_minute * INLINE_QUERIES_PER_QUESTION),
    )
    add_handlers(application, settings.admin_ids)
    return application


def add_handlers(application: Application[Any, Any, Any, Any, Any, Any], admin_ids: Iterable[int]) -> None:
    """Register the commands, message, button and inline handlers and the error handler."""
    commands = {
        "start": start,
        "help": help_command,
        "ask": ask,
        "sources": sources,
        "facts": facts,
        "about": about,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=NEW))
    admins = filters.User(user_id=list(admin_ids))
    for name, callback in {"reload": reload, "misses": misses, "stats": stats}.items():
        application.add_handler(CommandHandler(name, callback, filters=NEW & admins))
        application.add_handler(CommandHandler(name, admin_only, filters=NEW))
    application.add_handler(MessageHandler(NEW & PRIVATE & filters.COMMAND, unknown_command))
    addressed = PRIVATE | (GROUPS & ADDRESSED)
    application.add_handler(
        MessageHandler(NEW & filters.TEXT & ~filters.COMMAND & ~VIA_THIS_BOT & addressed, question_message)
    )
    application.add_handler(MessageHandler(NEW & filters.ATTACHMENT & ~VIA_THIS_BOT & addressed, non_text))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(on_error)


# --- Running ------------------------------------------------------------------------------


class RedactingFormatter(logging.Formatter):
    """Replaces secrets (the bot token, the webhook secret) wherever they would appear in a
    log line, its traceback included."""

    def __init__(self, hidden: Iterable[str], fmt: str) -> None:
        super().__init__(fmt)
        self.hidden = list(hidden)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.hidden)


def redact(text: str, hidden: Iterable[str]) -> str:
    """`text` with every secret in `hidden`, as is or URL-encoded, replaced by [REDACTED]."""
    for secret in hidden:
        if secret:
            text = text.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
    return text


def configure_logging(level: str, hidden: Iterable[str]) -> None:
    """Log to stderr at `level` with the secrets in `hidden` redacted; httpx's request lines
    (whose URLs contain the token) only from WARNING up."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(hidden, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def check_state_file(path: Path) -> None:
    """Move an unreadable state file aside (a crash while writing it) rather than refuse to start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        return
    try:
        with path.open("rb") as file:
            pickle.load(file)
    except Exception as error:  # any unpickling failure means the same: start afresh
        aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        path.rename(aside)
        log.warning("conversation state %s was unreadable (%s); moved to %s", path, error, aside)


def serve(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM; in-flight answers are sent before it exits."""
    token = settings.token()
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    )
    configure_logging(settings.log_level, [token, secret])
    check_state_file(settings.state_path)
    worker = EngineWorker(settings.db)
    try:
        application = build_application(settings, token, worker)
        if settings.webhook_url:
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path.strip("/"),
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=BOOTSTRAP_RETRIES,
            )
        else:
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES,
                timeout=POLL_TIMEOUT_SECONDS,
                bootstrap_retries=BOOTSTRAP_RETRIES,
            )
    finally:
        worker.close()
