"""The database: atomic builds, ingest that never loses or duplicates, integrity checks."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
import sqlite_utils

from facts import store
from facts.errors import IntegrityError
from facts.ingest import ingest
from facts.models import Fact
from facts.releases import bundled_sources
from facts.store import build_database, check_integrity, load_facts, search_facts, write_database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_database_has_the_documented_tables_and_full_text_index(db_path: Path) -> None:
    db = sqlite_utils.Database(db_path)
    assert {"sources", "facts", "aliases", "misses", "meta", "facts_fts"} <= set(db.table_names())
    assert db["facts"].detect_fts() == "facts_fts"
    assert db["sources"].count == 2


def test_full_text_search_finds_facts_by_metric_subject_and_quote(db_path: Path) -> None:
    facts, _ = load_facts(db_path)
    by_id = {f.id: f for f in facts}
    found = [by_id[i] for i in search_facts(db_path, "invention patents")]
    assert {f.value for f in found} >= {531000, 493000}
    assert {by_id[i].subject for i in search_facts(db_path, "Guangxi")} == {"Guangxi"}


def test_failed_build_leaves_the_previous_database_untouched(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(db_path)

    def broken_write(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_write", broken_write)
    with pytest.raises(RuntimeError):
        build_database(db_path)
    assert digest(db_path) == before
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".ipfacts-")] == []


def test_integrity_check_refuses_a_quote_not_in_the_source(db_path: Path) -> None:
    source = bundled_sources()[0]
    good = Fact(
        id="x-1", source_id=source.id, metric="m", subject="s", value=531000, unit="patents",
        kind="count", period="2025-06", figure="531,000", quote="had 531,000 valid",
        quote_start=source.text.index("had 531,000 valid"), quote_end=source.text.index("had 531,000 valid") + 17,
    )  # fmt: skip
    check_integrity([good], {source.id: source})
    with pytest.raises(IntegrityError, match="not verbatim"):
        check_integrity([dataclasses.replace(good, quote="had 532,000 valid")], {source.id: source})
    with pytest.raises(IntegrityError, match="does not contain"):
        check_integrity([dataclasses.replace(good, figure="7.006 million")], {source.id: source})
    # and writing the database checks it too, before touching the file
    before = digest(db_path)
    with pytest.raises(IntegrityError, match="not verbatim"):
        write_database(db_path, [source], [dataclasses.replace(good, quote="had 532,000 valid")])
    assert digest(db_path) == before


def test_ingest_stores_a_new_release_and_a_second_ingest_is_a_no_op(db_path: Path, release_dir: Path) -> None:
    release = release_dir / "zhejiang-ip-annual-2024.txt"
    first = ingest(db_path, [release])
    assert not first[0].duplicate and first[0].facts
    after_first = digest(db_path)
    second = ingest(db_path, [release])
    assert second[0].duplicate
    assert digest(db_path) == after_first
    facts, sources = load_facts(db_path)
    assert len(sources) == 3
    assert any(f.value == 412600 and f.subject == "Zhejiang" and f.period == "2024-12-31" for f in facts)


def test_rebuild_keeps_ingested_releases_and_recorded_misses(db_path: Path, release_dir: Path) -> None:
    ingest(db_path, [release_dir])
    db = sqlite_utils.Database(db_path)
    db["misses"].insert(
        {
            "question": "patents in Tibet?",
            "asked_at": "2026-01-01T00:00:00",
            "best_candidate": None,
            "score": 0.0,
        }
    )
    db.close()
    count_before = len(load_facts(db_path)[0])
    build_database(db_path)
    facts, sources = load_facts(db_path)
    assert len(sources) == 6 and len(facts) == count_before
    assert sqlite_utils.Database(db_path)["misses"].count == 1


def test_ingest_with_one_bad_file_changes_nothing(db_path: Path, release_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_text((release_dir / "hubei-patent-commercialization-h1-2025.txt").read_text())
    (folder / "b.txt").write_bytes(b"\xff\xfe not utf-8 \x81")
    before = digest(db_path)
    with pytest.raises(Exception, match="not UTF-8"):
        ingest(db_path, [folder])
    assert digest(db_path) == before


def test_database_opens_in_sqlite_utils_for_browsing(db_path: Path) -> None:
    rows = list(
        sqlite_utils.Database(db_path).query(
            "select subject, count(*) n from facts group by subject order by n desc"
        )
    )
    assert rows[0] == {"subject": "western China", "n": rows[0]["n"]} and rows[0]["n"] > 10
