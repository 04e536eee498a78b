"""The `ipfacts` command line: thin commands over facts/, intents/ and the renderers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from facts.errors import FactsError
from facts.models import Fact, Source
from facts.store import build_database, default_db_path, ensure_database, load_facts, search_facts

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
    click.echo(f"{name}: stored as {result.source.id}, {len(result.facts)} facts.")
    if not result.facts:
        click.secho(f"warning: {name} has no figures ipfacts could extract.", fg="yellow", err=True)
    for fact in result.facts:
        qualifier = f"{fact.qualifier} " if fact.qualifier else ""
        click.echo(
            f"  {qualifier}{fact.figure} [{fact.value:g} {fact.unit}] {fact.metric}"
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
            f"{fact.id}  {qualifier}{fact.figure} ({fact.value:g} {fact.unit})  {fact.metric} | {fact.subject} | {fact.period}"
        )
    click.echo(f"{len(facts)} facts", err=True)


def fact_json(fact: Fact, source: Source) -> dict[str, Any]:
    """A fact as a JSON object, with its source's title, publisher and date."""
    data = fact.model_dump()
    data["source_title"] = source.title
    data["publisher"] = source.publisher
    data["published"] = source.published
    return data
