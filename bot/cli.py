"""The `ipfacts` command line: thin commands over facts/, intents/ and the renderers."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.render import number, plural, render_plain
from facts.errors import FactsError
from facts.models import Fact, Source
from facts.paths import default_db_path
from facts.store import (
    build_database,
    ensure_database,
    load_facts,
    search_facts,
    top_misses,
)

F = TypeVar("F", bound=Callable[..., Any])
# Below this many files an ingest is quick enough that a progress bar would only flicker.
PROGRESS_FROM_FILES = 5


def db_option(function: F) -> F:
    """The --db option every command shares (environment IPFACTS_DB)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="IPFACTS_DB",
        default=default_db_path,
        show_default="$XDG_DATA_HOME/ipfacts/ipfacts.db",
        help="The fact database (built on first use).",
    )(function)


class IpfactsGroup(click.Group):
    """Turns the project's own errors into one-line messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FactsError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=IpfactsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ipfacts")
def cli() -> None:
    """Answer questions about intellectual-property figures from press releases, citing the
    source of every figure."""


@cli.command()
@db_option
def build(db_path: Path) -> None:
    """Build the fact database from the bundled releases and every ingested one.

    Example:

        ipfacts build --db facts.db
    """
    facts = build_database(db_path)
    sources = {fact.source_id for fact in facts}
    click.echo(f"Built {db_path}: {len(facts)} facts from {len(sources)} releases.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--title", help="Headline of the release (default: its first line).")
@click.option("--publisher", help="Who published it, as the release states.")
@click.option("--date", "published", help="Publication date: 2025-08-26, 2025-08 or 2025.")
@click.option("--url", help="Where it was published, if known.")
@db_option
def ingest(
    paths: tuple[Path, ...], title: str | None, publisher: str | None, published: str | None,
    url: str | None, db_path: Path,
) -> None:  # fmt: skip
    """Add press releases (files or folders) and print the figures extracted for review.

    Several files or a folder take their metadata from a front-matter block at the top of each
    file (see the README). Ingesting a text already stored changes nothing.

    Example:

        ipfacts ingest release.txt --title "Zhejiang IP in 2024" --date 2025-01-22
    """
    from facts.ingest import ingest as ingest_releases
    from facts.ingest import release_files

    overrides = {"title": title, "publisher": publisher, "published": published, "url": url}
    files = release_files(list(paths))
    if len(files) > PROGRESS_FROM_FILES:
        with click.progressbar(files, label="Reading releases", file=sys.stderr) as progress:
            results = ingest_releases(db_path, list(progress), overrides)
    else:
        results = ingest_releases(db_path, files, overrides)
    for result in results:
        _report(result)


def _report(result: Any) -> None:
    name = result.path.name
    if result.duplicate:
        click.echo(f"{name}: already stored as {result.source.id}; nothing changed.")
        return
    click.echo(f"{name}: stored as {result.source.id}, {plural(len(result.facts), 'fact')}.")
    if not result.facts:
        click.secho(f"warning: {name} has no figures ipfacts could extract.", fg="yellow", err=True)
    for fact in result.facts:
        qualifier = f"{fact.qualifier} " if fact.qualifier else ""
        click.echo(
            f"  {qualifier}{fact.figure} [{number(fact.value)} {fact.unit}] {fact.metric}"
            f" | {fact.subject} | {fact.period}"
        )


@cli.command("facts")
@click.option("--search", "text", help="Only facts whose metric, subject or quote match.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of fact objects.")
@db_option
def list_facts(text: str | None, as_json: bool, db_path: Path) -> None:
    """List the facts in the database.

    Example:

        ipfacts facts --search "invention patents" --json
    """
    ensure_database(db_path)
    facts, sources = load_facts(db_path)
    if text:
        wanted = set(search_facts(db_path, text))
        facts = [f for f in facts if f.id in wanted]
    if as_json:
        click.echo(
            json.dumps([fact_json(f, sources[f.source_id]) for f in facts], ensure_ascii=False, indent=2)
        )
        return
    for fact in facts:
        qualifier = f"{fact.qualifier} " if fact.qualifier else ""
        click.echo(
            f"{fact.id}  {qualifier}{fact.figure} ({number(fact.value)} {fact.unit})  {fact.metric} | {fact.subject} | {fact.period}"
        )
    click.echo(plural(len(facts), "fact"), err=True)


@cli.command()
@click.argument("question")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object; with QUESTION '-', one per input line."
)
@db_option
def ask(question: str, as_json: bool, db_path: Path) -> None:
    """Answer one question (or, with '-', every line of standard input, each on its own).

    Example:

        ipfacts ask "how many valid invention patents does western China have?"
        printf 'GIs in Guangxi\\ntrademark growth west\\n' | ipfacts ask --json -
    """
    from intents.engine import Engine

    engine = Engine.load(db_path)
    if question != "-":
        _print_answer(engine.answer(question), as_json)
        return
    # One object per input line, blank ones too, so output lines stay aligned with input lines.
    for line in click.get_text_stream("stdin"):
        _print_answer(engine.answer(line.rstrip("\n")), as_json)


@cli.command()
@click.option(
    "--json", "as_json", is_flag=True, help="Read lines from standard input, write one JSON object per turn."
)
@db_option
def chat(as_json: bool, db_path: Path) -> None:
    """Talk to the bot in the terminal; follow-ups ("and Guangxi?") use the conversation so far.

    Example:

        ipfacts chat
    """
    from intents.engine import Engine

    engine = Engine.load(db_path)
    context = None
    interactive = not as_json and sys.stdin.isatty()
    if interactive:
        click.echo("Ask about IP figures ('quit' or Ctrl-D to stop).")
    while True:
        try:
            line = click.prompt("you", prompt_suffix="> ") if interactive else sys.stdin.readline()
        except (EOFError, click.Abort):
            if interactive:
                click.echo()
            break
        if not interactive and line == "":
            break
        if not line.strip():
            continue
        if line.strip().lower() in QUIT_WORDS:
            break
        answer = engine.answer(line.strip(), context)
        context = answer.context  # a reply without a figure keeps the conversation where it was
        _print_answer(answer, as_json)


QUIT_WORDS = {"quit", "exit", "bye", "/quit", "/exit", ":q"}


@cli.command("eval")
@click.argument("question_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--verbose", "-v", is_flag=True, help="Also list every wrong answer and abstention.")
@db_option
def evaluate_questions(question_file: Path, verbose: bool, db_path: Path) -> None:
    """Score the bot on a question file (JSON lines) and print accuracy by category.

    Each line is {"question", "expected" (a number, or null for "must not answer"),
    "category"} or {"dialogue": [{"question", "expected"}, ...], "category"}.

    Example:

        ipfacts eval tests/questions/dev.jsonl
    """
    from intents.engine import Engine
    from intents.evaluate import evaluate, load_cases

    engine = Engine.load(db_path, record_misses=False)
    report = evaluate(engine, load_cases(question_file))
    click.echo(
        f"{'category':14} {'total':>5} {'right':>5} {'wrong':>5} {'abstained':>9} {'uncited':>7} {'accuracy':>8}"
    )
    for category, counts in sorted(report.by_category().items()):
        accuracy = counts["right"] / counts["total"]
        click.echo(
            f"{category:14} {counts['total']:5} {counts['right']:5} {counts['wrong']:5} "
            f"{counts['abstained']:9} {counts['uncited']:7} {accuracy:8.1%}"
        )
    total = len(report.outcomes)
    click.echo(
        f"{'all':14} {total:5} {report.count('right'):5} {report.count('wrong'):5} "
        f"{report.count('abstained'):9} {report.count('uncited'):7} {report.accuracy:8.1%}"
    )
    for outcome in report.outcomes:
        if outcome.verdict == "wrong" or (verbose and outcome.verdict != "right"):
            stated = ", ".join(number(f.value) for f in outcome.answer.facts) or "-"
            click.echo(
                f"{outcome.verdict.upper():9} [{outcome.category}] {outcome.question!r} expected {outcome.expected} stated {stated} ({outcome.answer.intent}, {outcome.answer.score})"
            )


@cli.command()
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many to list."
)
@db_option
def misses(limit: int, db_path: Path) -> None:
    """List the most frequent questions the bot could not answer.

    Example:

        ipfacts misses --limit 10
    """
    rows = top_misses(db_path, limit)  # read as stored: no build, no facts loaded
    if not rows:
        click.echo("No unanswered questions recorded.")
    for question, count in rows:
        click.echo(f"{count:5}  {question}")


def _print_answer(answer: Any, as_json: bool) -> None:
    text = render_plain(answer)
    if not as_json:
        click.echo(text)
        click.echo()
        return
    payload = {
        "question": answer.question,
        "answered": answer.answered,
        "text": text,
        "facts": [fact_json(f, answer.sources[f.source_id], ANSWER_FACT_FIELDS) for f in answer.facts],
        "intent": answer.intent,
        "score": answer.score,
        "suggestions": [s.label for s in answer.suggestions],
    }
    click.echo(json.dumps(payload, ensure_ascii=False), nl=True)
    sys.stdout.flush()


ANSWER_FACT_FIELDS = ("id", "metric", "subject", "value", "unit", "qualifier", "period", "source_id", "quote")


def fact_json(fact: Fact, source: Source, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A fact as a JSON object (every field, or `fields`), with its source's title, publisher
    and date."""
    data = {name: getattr(fact, name) for name in fields} if fields else dataclasses.asdict(fact)
    return data | {"source_title": source.title, "publisher": source.publisher, "published": source.published}


@cli.command()
@click.option("--webhook-url", help="Public HTTPS URL Telegram posts updates to (default: long polling).")
@click.option("--listen", help="Address the webhook server listens on.  [default: 127.0.0.1]")
@click.option("--port", type=int, help="Port the webhook server listens on.  [default: 8443]")
@db_option
@click.pass_context
def serve(ctx: click.Context, webhook_url: str | None, listen: str | None, port: int | None, db_path: Path) -> None:  # fmt: skip
    """Run the Telegram bot until SIGINT or SIGTERM.

    The bot token is read from IPFACTS_BOT_TOKEN (the environment or a .env file), never from
    the command line. Every option also has an IPFACTS_* setting; see the README.

    Example:

        IPFACTS_BOT_TOKEN=123456:ABC-DEF ipfacts serve --webhook-url https://bot.example.org/ipfacts
    """
    from telegram.error import InvalidToken, TelegramError

    from bot.settings import SettingsError, load_settings, unknown_settings
    from bot.telegram import redact
    from bot.telegram import serve as run_bot

    # --db given, or IPFACTS_DB in the environment: it wins; otherwise .env may set it.
    explicit_db = ctx.get_parameter_source("db_path") is not click.core.ParameterSource.DEFAULT
    overrides = {"webhook_url": webhook_url, "webhook_listen": listen, "webhook_port": port}
    try:
        settings = load_settings(db=db_path if explicit_db else None, **overrides)
        for name in unknown_settings():
            click.secho(f"warning: {name} is not an ipfacts setting (a typo?)", fg="yellow", err=True)
        token = settings.token()
        run_bot(settings)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    except InvalidToken:
        message = f"the Bot API at {settings.api_base_url} rejected IPFACTS_BOT_TOKEN; check the token"
        raise click.ClickException(message) from None
    except TelegramError as error:
        message = f"cannot talk to the Bot API at {settings.api_base_url}: {error}"
        raise click.ClickException(redact(message, [token])) from None
    except OSError as error:  # e.g. the webhook port is already in use
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        raise click.ClickException(
            redact(f"cannot listen on {where}: {error.strerror or error}", [token])
        ) from None
