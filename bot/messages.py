"""What the Telegram bot says besides answers: fixed texts, command menus, inline keyboards
with their callback data, inline-mode results, and splitting long HTML into messages.

Answers themselves are rendered by bot/render.py; every string from a user or a source that
this module puts into HTML passes `html.escape`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from enum import StrEnum

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import InlineKeyboardButtonLimit, InlineQueryResultLimit, MessageLimit, ParseMode

from bot.render import (
    EXAMPLE_QUESTIONS,
    figure_text,
    period_label,
    plural,
    render_html,
    render_plain,
    source_line,
)
from facts.models import Fact, Source
from intents.models import Answer

# Buttons under one answer: one "Source" per stated figure (a change states two).
MAX_SOURCE_BUTTONS = 2
# Long button labels are cut here: Telegram shows about this many characters on a phone.
BUTTON_LABEL_CHARS = 60
FACTS_PER_PAGE = 10
# Inline-mode result titles and descriptions are one line in Telegram's list.
INLINE_TITLE_CHARS = 100
INLINE_DESCRIPTION_CHARS = 200

COMMANDS = (
    BotCommand("start", "Welcome and example questions"),
    BotCommand("help", "How to ask"),
    BotCommand("ask", "Ask a question: /ask how many GIs does Guangxi have?"),
    BotCommand("sources", "The press releases the figures come from"),
    BotCommand("facts", "Browse the figures: /facts [topic]"),
    BotCommand("about", "What this bot is"),
)
ADMIN_COMMANDS = (
    BotCommand("reload", "Reload the fact table"),
    BotCommand("misses", "Most frequent unanswered questions"),
    BotCommand("stats", "Usage and fact table statistics"),
)

APOLOGY = "Sorry — something went wrong while answering. Please try again in a moment."
NON_TEXT_HINT = (
    "I can only read text. Ask me about an IP figure in words, for example:\n"
    f"<i>{html.escape(EXAMPLE_QUESTIONS[0])}</i>\nSee /help for more."
)
ADMIN_ONLY = "This command is for the bot's admins."
ASK_USAGE = "Put the question after the command, for example:\n<code>/ask {}</code>"
UNKNOWN_COMMAND = "I don't know that command. See /help for what I can do."
EXPIRED_BUTTON = "That figure is no longer in the table — please ask again."
TOO_LONG = "That is a long message — please ask one question of at most {} characters."
RATE_LIMITED = "You are asking faster than I can look things up — please wait {} seconds and ask again."


class Action(StrEnum):
    """What a button does; the prefix of its callback data."""

    SOURCE = "src"
    HISTORY = "hist"
    FACT = "fact"
    EXAMPLE = "ex"
    FACTS_PAGE = "facts"


def callback_data(action: Action, *parts: str | int) -> str | None:
    """`action:part:part`, or None if it exceeds Telegram's 64-byte limit."""
    data = ":".join([action.value, *(str(p) for p in parts)])
    return data if len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA else None


def parse_callback(data: str) -> tuple[Action, list[str]] | None:
    """The action and parts of callback data, or None for data this bot did not make."""
    name, _, rest = data.partition(":")
    try:
        action = Action(name)
    except ValueError:
        return None
    return action, rest.split(":") if rest else []


def _button(text: str, data: str | None) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(_cut(text, BUTTON_LABEL_CHARS), callback_data=data)] if data else []


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: Source (and History) for a figure, one per candidate for a
    "Did you mean" reply."""
    rows: list[list[InlineKeyboardButton]] = []
    stated = answer.facts[:MAX_SOURCE_BUTTONS] if answer.answered else []
    for fact in stated:
        label = "Source" if len(stated) == 1 else f"Source: {period_label(fact.period)}"
        rows.append(_button(label, callback_data(Action.SOURCE, fact.id)))
    if answer.answered and answer.history and answer.kind == "figure":
        rows[-1] += _button("History", callback_data(Action.HISTORY, answer.facts[0].id))
    for suggestion in answer.suggestions:
        rows.append(_button(suggestion.label, callback_data(Action.FACT, suggestion.fact_id)))
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def examples_keyboard() -> InlineKeyboardMarkup:
    """The example questions of /start, one button each."""
    return InlineKeyboardMarkup(
        [_button(question, callback_data(Action.EXAMPLE, n)) for n, question in enumerate(EXAMPLE_QUESTIONS)]
    )


def welcome_html(first_name: str | None) -> str:
    """/start: who the bot is, in two lines, before the example buttons."""
    hello = f"Hello, {html.escape(first_name)}!" if first_name else "Hello!"
    return (
        f"{hello} I answer questions about intellectual-property figures — patents, trademarks, "
        "geographical indications, commercialisation deals, regional statistics — from official "
        "press releases, and I cite the source of every figure.\n\nTry one of these, or just ask:"
    )


def help_html(username: str) -> str:
    """/help: how to ask, in private chats, groups and inline."""
    examples = "\n".join(f"• <i>{html.escape(q)}</i>" for q in EXAMPLE_QUESTIONS)
    bot = f"@{html.escape(username)}"
    return (
        "<b>Ask me about an IP figure</b> in plain words:\n"
        f"{examples}\n\n"
        "Follow-up questions work too: after a figure, ask <i>and Guangxi?</i> or <i>and in 2024?</i>\n"
        "Under each answer, <b>Source</b> shows the full sentence and the release it is from, "
        "<b>History</b> the figure's other periods.\n\n"
        "<b>Commands</b>\n"
        "/ask <i>question</i> — ask (the way to ask in a group)\n"
        "/sources — the press releases I know\n"
        "/facts <i>[topic]</i> — browse the figures\n"
        "/about — what this bot is\n\n"
        f"<b>In groups</b>, mention me ({bot} <i>question</i>) or reply to one of my messages.\n"
        f"<b>In any chat</b>, type {bot} <i>question</i> and pick an answer to share it."
    )


def about_html(stats: dict[str, int], version: str) -> str:
    """/about: what the bot is and how much it knows."""
    return (
        f"<b>ipfacts</b> {html.escape(version)}\n"
        "Answers questions about intellectual-property figures from official press releases. "
        "Every figure comes with its release and the sentence it stands in; when I have no figure "
        "for a region or a year, I say so rather than answer with another.\n\n"
        f"I know {stats.get('facts', 0)} figures from {stats.get('sources', 0)} press releases — see /sources."
    )


def sources_html(sources: list[Source], counts: Mapping[str, int]) -> str:
    """/sources: each release with its publisher, date and how many figures it gave (`counts`
    by source id)."""
    if not sources:
        return "No press releases are loaded yet."
    lines = [f"<b>{len(sources)} press releases</b>"]
    for source in sorted(sources, key=lambda s: s.published, reverse=True):
        link = f' — <a href="{html.escape(source.url, quote=True)}">link</a>' if source.url else ""
        figures = counts.get(source.id, 0)
        lines.append(f"• {html.escape(source_line(source))} ({plural(figures, 'figure')}){link}")
    return "\n".join(lines)


def facts_page_html(
    facts: list[Fact], topic: str | None, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/facts: one page of figures with ‹ › buttons; the topic rides in the callback data."""
    about = f" about <i>{html.escape(topic)}</i>" if topic else ""
    if not facts:
        return f"I have no figures{about}. Try /facts with another word, or /facts alone for all.", None
    pages = (len(facts) + FACTS_PER_PAGE - 1) // FACTS_PER_PAGE
    page = min(max(page, 0), pages - 1)
    shown = facts[page * FACTS_PER_PAGE : (page + 1) * FACTS_PER_PAGE]
    title = f"<b>{plural(len(facts), 'figure')}</b>{about}" + (
        f" — page {page + 1} of {pages}" if pages > 1 else ""
    )
    lines = [title]
    for fact in shown:
        lines.append(
            f"• <b>{html.escape(figure_text(fact))}</b> {html.escape(fact.metric)} — "
            f"{html.escape(fact.subject)}, {html.escape(period_label(fact.period))}"
        )
    lines.append("\nAsk about any of them to get the source.")
    buttons = []
    for label, target in (("‹ Previous", page - 1), ("Next ›", page + 1)):
        if 0 <= target < pages:
            data = callback_data(Action.FACTS_PAGE, target, topic or "")
            if data:
                buttons.append(InlineKeyboardButton(label, callback_data=data))
    return "\n".join(lines), InlineKeyboardMarkup([buttons]) if buttons else None


def misses_html(misses: list[tuple[str, int]]) -> str:
    """/misses: the most frequent unanswered questions."""
    if not misses:
        return "No unanswered questions recorded."
    lines = ["<b>Most frequent unanswered questions</b>"]
    lines += [f"{count} × {html.escape(question)}" for question, count in misses]
    return "\n".join(lines)


def stats_html(stats: dict[str, object]) -> str:
    """/stats: one `name: value` line per statistic."""
    lines = ["<b>Statistics</b>"]
    lines += [f"{html.escape(str(name))}: {html.escape(str(value))}" for name, value in stats.items()]
    return "\n".join(lines)


def inline_result(answer: Answer) -> InlineQueryResultArticle:
    """An answer as an inline-mode result: the figure as title, its source as description,
    the rendered answer as the message sent when picked."""
    plain = render_plain(answer).splitlines()
    title = plain[0] if plain else answer.question
    description = next((line for line in plain if line.startswith("Source: ")), "")
    key = "|".join(f.id for f in answer.facts) or answer.question
    return InlineQueryResultArticle(
        id=hashlib.sha256(key.encode()).hexdigest()[: InlineQueryResultLimit.MAX_ID_LENGTH],
        title=_cut(title, INLINE_TITLE_CHARS),
        description=_cut(description, INLINE_DESCRIPTION_CHARS) or None,
        input_message_content=InputTextMessageContent(
            split_html(render_html(answer))[0], parse_mode=ParseMode.HTML
        ),
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Splitting HTML ---------------------------------------------------------------------------

_TOKEN = re.compile(r"(<[^>]*>|&#?\w+;|\n|[^\S\n]+)")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")


def split_html(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut Telegram HTML into messages of at most `limit` characters, preferably at line
    ends, never inside a tag or an entity; tags open at a cut are closed before it and
    reopened after it, so each part is valid HTML on its own."""
    if len(text) <= limit:
        return [text]
    units = _units(text, limit // 4)
    chunks: list[str] = []
    start, opened = 0, []  # opened: the opening tags (name, tag) in force at `start`
    while start < len(units):
        stack = list(opened)
        body = "".join(tag for _, tag in stack)
        cut: tuple[int, list[tuple[str, str]], int] | None = None  # (next unit, stack, length)
        position = start
        while position < len(units):
            unit = units[position]
            next_stack = _apply(stack, unit)
            closing = "".join(f"</{name}>" for name, _ in reversed(next_stack))
            if len(body) + len(unit) + len(closing) > limit and position > start:
                break
            body += unit
            stack = next_stack
            position += 1
            if unit == "\n":
                cut = (position, list(stack), len(body))
        if position < len(units) and cut is not None and cut[0] > start:
            position, stack, length = cut
            body = body[:length]
        chunk = body + "".join(f"</{name}>" for name, _ in reversed(stack))
        if _TAG.sub("", chunk).strip():
            chunks.append(chunk.strip("\n"))
        start, opened = position, stack
    return chunks


def _units(text: str, longest: int) -> list[str]:
    """Tags, entities, newlines, spaces and words; words longer than `longest` are cut."""
    units = []
    for piece in _TOKEN.split(text):
        if not piece:
            continue
        if piece.startswith(("<", "&")) or len(piece) <= longest:
            units.append(piece)
        else:
            units += [piece[i : i + longest] for i in range(0, len(piece), longest)]
    return units


def _apply(stack: list[tuple[str, str]], unit: str) -> list[tuple[str, str]]:
    match = _TAG.fullmatch(unit)
    if not match:
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return [*stack, (name, unit)]
    for index in range(len(stack) - 1, -1, -1):
        if stack[index][0] == name:
            return stack[:index] + stack[index + 1 :]
    return stack
