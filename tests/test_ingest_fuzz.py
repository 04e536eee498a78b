"""Ingesting whatever file someone hands over never corrupts the database: a bad file is refused
with a clear error, a good one is added, and every fact stored before is still there after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from facts.errors import FactsError
from facts.ingest import ingest
from facts.releases import MAX_RELEASE_BYTES
from facts.store import check_integrity, load_facts

FRONT = "---\ntitle: {title}\npublisher: Fuzz Office\ndate: 2025-03-01\n---\n"
# Pieces of press-release prose, so that some generated files are releases with figures.
PIECES = [
    "As of June 2025,", "Guangxi had", "Yunnan's", "12,345", "nearly 3.2 million", "over 40", "16.7 percent",
    "429.8 billion yuan", "($60.36 billion)", "valid invention patents", "GI products", "trademarks",
    "a year-on-year increase of", "by the end of September 2024", "in 2023", "one quarter", "18th", ".", ",",
    "\n", "%", "-", "'", "≈", "🦄", "الصين", "专利", "<b>", "'; DROP TABLE facts; --",
]  # fmt: skip

prose = st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join)
long_prose = st.lists(st.sampled_from(PIECES), min_size=8, max_size=80).map(" ".join)
well_formed = st.tuples(st.text(max_size=40), long_prose).map(
    lambda p: (FRONT.format(title=repr(p[0])) + p[1]).encode()
)
release_files = st.one_of(
    well_formed,  # a release with random prose: some are stored, with whatever figures it has
    well_formed,
    st.binary(max_size=3000),  # anything at all, mostly not UTF-8
    st.text(max_size=3000).map(str.encode),  # any Unicode, control characters included
    st.tuples(st.text(max_size=200), prose).map(
        lambda p: f"---\n{p[0]}\n---\n{p[1]}".encode()
    ),  # odd front matter
    prose.map(lambda body: body.encode() + b"\xff\xfe"),  # invalid UTF-8 at the end
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "facts.db"


def stored(path: Path) -> tuple[set[str], set[str]]:
    """The fact and source ids in the database, after checking it is whole and consistent."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    facts, sources = load_facts(path)
    check_integrity(facts, sources)  # every quote verbatim in its stored release
    return {f.id for f in facts}, set(sources)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=release_files)
@example(content=b"")
@example(content=b"\x00" * 100)
@example(content=b"x" * (MAX_RELEASE_BYTES + 1))
@example(content=(FRONT.format(title="No figures") + "Officials praised the progress made.").encode())
@example(
    content=(FRONT.format(title="Figures that are not") + "Patents rose by ?,??? and 1.2.3 percent.").encode()
)
@example(content=FRONT.format(title="Only front matter").encode())
def test_no_file_corrupts_the_database_or_loses_a_fact(
    database: Path, tmp_path_factory, content: bytes
) -> None:
    if not database.exists():
        ingest(database, [Path(__file__).parent / "data" / "releases" / "zhejiang-ip-annual-2024.txt"])
    facts_before, sources_before = stored(database)
    release = tmp_path_factory.mktemp("release") / "release.txt"
    release.write_bytes(content)
    try:
        [result] = ingest(database, [release])
        event(f"stored, {'some' if result.facts else 'no'} facts")
    except FactsError as error:
        event(type(error).__name__)
        assert str(error).startswith(str(release)) and "\n" not in str(error)  # one line naming the file
    facts_after, sources_after = stored(database)
    assert facts_before <= facts_after and sources_before <= sources_after
