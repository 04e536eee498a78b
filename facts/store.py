"""The fact database (SQLite via sqlite-utils): build it atomically from the bundled releases
plus every stored one, ingest new releases, and read facts back."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils

from facts.curation import apply_curation, load_curation, unused_corrections
from facts.errors import DatabaseError, IntegrityError
from facts.extract import extract_facts
from facts.models import Fact, Source
from facts.releases import bundled_sources

SCHEMA_VERSION = 1
SOURCE_COLUMNS = [
    "id",
    "title",
    "publisher",
    "published",
    "date_basis",
    "date_note",
    "url",
    "note",
    "text",
    "bundled",
]


def fingerprint() -> str:
    """A hash of everything a build reads from the package: releases, metadata, curation, code."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    package = resources.files("facts")
    for name in ("curation.yaml", "places.yaml", "extract.py", "numbers.py", "periods.py"):
        digest.update(package.joinpath(name).read_bytes())
    folder = package.joinpath("releases")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".txt", ".yaml")):
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def check_integrity(facts: Iterable[Fact], sources: dict[str, Source]) -> None:
    """Every quote stands verbatim at its span in its source and contains its figure."""
    for fact in facts:
        source = sources.get(fact.source_id)
        if source is None:
            raise IntegrityError(f"fact {fact.id} cites unknown source {fact.source_id}")
        if source.text[fact.quote_start : fact.quote_end] != fact.quote:
            raise IntegrityError(f"fact {fact.id}: quote is not verbatim at its span in {fact.source_id}")
        if fact.figure not in fact.quote:
            raise IntegrityError(f"fact {fact.id}: quote does not contain the figure {fact.figure!r}")


def facts_for(sources: Iterable[Source]) -> list[Fact]:
    """Extracted and curated facts of the given sources (write_database checks their quotes)."""
    sources = list(sources)
    extracted = [fact for source in sources for fact in extract_facts(source)]
    curation = load_curation()
    stale = unused_corrections(extracted, curation, {s.id for s in sources})
    if stale:
        raise IntegrityError(f"facts/curation.yaml names facts that no longer exist: {', '.join(stale)}")
    return apply_curation(extracted, curation)


def stored_sources(path: Path) -> list[Source]:
    """The user-ingested releases kept in an existing database (none if there is no file)."""
    if not path.exists():
        return []
    try:
        db = sqlite_utils.Database(path)
        if "sources" not in db.table_names():
            raise DatabaseError(f"{path} is not an ipfacts database (no sources table)")
        rows = db.query("select * from sources where bundled = 0")
        return [Source(**{k: row[k] for k in SOURCE_COLUMNS}) for row in rows]
    except sqlite3.DatabaseError as error:
        raise DatabaseError(
            f"{path} cannot be read as a database ({error}); move it away and run 'ipfacts build'"
        ) from None
    finally:
        with contextlib.suppress(UnboundLocalError):
            db.close()


def _query_misses(path: Path, sql: str, parameters: Iterable[object] = ()) -> list[dict[str, Any]]:
    """Rows of the misses table at `path`: none if there is no database or table there yet."""
    if not path.exists():
        return []
    try:
        with open_database(path) as db:
            return list(db.query(sql, list(parameters))) if "misses" in db.table_names() else []
    except sqlite3.DatabaseError as error:
        raise DatabaseError(
            f"{path} cannot be read as a database ({error}); move it away and run 'ipfacts build'"
        ) from None


def stored_misses(path: Path) -> list[dict[str, object]]:
    """Unanswered questions recorded in an existing database, kept across rebuilds (none from
    a file that is no database: the rebuild replaces it)."""
    try:
        return _query_misses(path, "select * from misses")
    except DatabaseError:
        return []


def top_misses(path: Path, limit: int) -> list[tuple[str, int]]:
    """The most frequent unanswered questions recorded at `path`, with their counts (none if
    there is no database there yet)."""
    sql = "select lower(trim(question)) q, count(*) n from misses group by q order by n desc, q limit ?"
    return [(row["q"], row["n"]) for row in _query_misses(path, sql, [limit])]


def build_database(path: Path, extra: Iterable[Source] = ()) -> list[Fact]:
    """Write the database for the bundled releases, the ones already stored at `path` and
    `extra`: into a temporary file first, renamed over `path` only when complete."""
    sources: dict[str, Source] = {}
    for source in [*bundled_sources(), *stored_sources(path), *extra]:
        sources.setdefault(source.id, source)
    facts = facts_for(sources.values())
    write_database(path, list(sources.values()), facts)
    return facts


def write_database(path: Path, sources: list[Source], facts: list[Fact]) -> None:
    """Write sources and their facts (checked) to `path` atomically, keeping its recorded misses."""
    check_integrity(facts, {s.id: s for s in sources})
    misses = stored_misses(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".ipfacts-", suffix=".db", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite_utils.Database(temporary)
        _write(db, sources, facts)
        db["misses"].insert_all(misses)
        db.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(db: sqlite_utils.Database, sources: list[Source], facts: list[Fact]) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    db["meta"].insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "fingerprint", "value": fingerprint()},
            {"key": "built_at", "value": now},
        ],
        pk="key",
    )
    db["sources"].insert_all(
        (s.model_dump(include=set(SOURCE_COLUMNS)) for s in sources),
        pk="id",
        columns={"bundled": int, "url": str, "publisher": str, "date_note": str, "note": str},
    )
    db["facts"].insert_all(
        (_fact_row(f) for f in facts),
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        columns={"qualifier": str, "period_text": str},
    )
    db["aliases"].insert_all(
        ({"fact_id": f.id, "alias": alias} for f in facts for alias in f.aliases),
        pk=("fact_id", "alias"),
        foreign_keys=[("fact_id", "facts", "id")],
        columns={"fact_id": str, "alias": str},
    )
    db["facts"].enable_fts(["metric", "subject", "aliases_text", "quote"], tokenize="porter")
    db["misses"].create(
        {"id": int, "question": str, "asked_at": str, "best_candidate": str, "score": float},
        pk="id",
    )
    db["facts"].create_index(["metric"])
    db["facts"].create_index(["subject"])


def _fact_row(fact: Fact) -> dict[str, object]:
    row = dataclasses.asdict(fact)
    row["aliases"] = json.dumps(fact.aliases, ensure_ascii=False)
    row["aliases_text"] = " ".join(fact.aliases)
    return row


def is_current(path: Path) -> bool:
    """Whether the database at `path` exists and was built from this version's bundled data."""
    if not path.exists():
        return False
    try:
        db = sqlite_utils.Database(path)
        try:
            rows = list(db.query("select value from meta where key = 'fingerprint'"))
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False
    return bool(rows) and rows[0]["value"] == fingerprint()


def ensure_database(path: Path) -> None:
    """Build the database if it is missing or was built from other bundled data."""
    if not is_current(path):
        build_database(path)


def load_facts(path: Path) -> tuple[list[Fact], dict[str, Source]]:
    """Every fact and source in the database."""
    try:
        db = sqlite_utils.Database(path)
        try:
            sources = {
                row["id"]: Source(**{k: row[k] for k in SOURCE_COLUMNS})
                for row in db.query("select * from sources")
            }
            facts = [_row_fact(row) for row in db.query("select * from facts order by rowid")]
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path} cannot be read ({error}); run 'ipfacts build'") from None
    return facts, sources


# Columns whose few distinct values repeat across a large table: shared, not copied per fact.
SHARED_COLUMNS = ("source_id", "metric", "subject", "unit", "kind", "qualifier", "period", "period_text")


def _row_fact(row: dict[str, object]) -> Fact:
    fields = {k: v for k, v in row.items() if k != "aliases_text"}
    for column in SHARED_COLUMNS:
        if isinstance(fields.get(column), str):
            fields[column] = sys.intern(fields[column])  # type: ignore[arg-type]
    fields["aliases"] = json.loads(str(row["aliases"]))
    return Fact(**fields)


def search_facts(path: Path, text: str) -> list[str]:
    """Ids of facts whose metric, subject, aliases or quote match `text` (full-text search)."""
    db = sqlite_utils.Database(path)
    try:
        query = " ".join(f'"{word}"' for word in text.replace('"', " ").split())
        if not query:
            return []
        return [row["id"] for row in db["facts"].search(query, columns=["id"])]
    finally:
        db.close()


@contextlib.contextmanager
def open_database(path: Path) -> Iterator[sqlite_utils.Database]:
    """A connection to the database, closed afterwards."""
    db = sqlite_utils.Database(path)
    try:
        yield db
    finally:
        db.close()
