"""Add press releases to the database: read them, skip ones already stored, rebuild."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from facts.errors import MetadataError, ReleaseError
from facts.extract import extract_facts
from facts.models import Fact, Source
from facts.releases import bundled_sources, make_source, read_release
from facts.store import build_database, stored_sources

RELEASE_SUFFIXES = (".txt", ".md")


@dataclass
class Ingested:
    """What happened to one release file."""

    path: Path
    source: Source
    duplicate: bool
    facts: list[Fact] = field(default_factory=list)


def release_files(paths: list[Path]) -> list[Path]:
    """The files named, with folders expanded to their .txt and .md files (sorted)."""
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in RELEASE_SUFFIXES and p.is_file())
            if not found:
                raise ReleaseError(f"{path}: folder has no .txt or .md release files")
            files.extend(found)
        else:
            files.append(path)
    return files


def read_source(path: Path, overrides: dict[str, object]) -> Source:
    """A Source from a file, its front matter, and metadata given on the command line."""
    body, metadata = read_release(path)
    metadata |= {k: v for k, v in overrides.items() if v is not None}
    metadata.setdefault("title", _headline(body) or path.stem)
    if metadata.get("published") is None and metadata.get("date") is None:
        raise MetadataError(f"{path}: no date; give --date or a 'date:' line in its front matter")
    try:
        return make_source(body, metadata)
    except MetadataError as error:
        raise MetadataError(f"{path}: {error}") from None


def _headline(body: str) -> str | None:
    """A first line short enough and unpunctuated enough to be the release's headline."""
    first = body.split("\n", 1)[0].strip()
    return first if 0 < len(first) <= 120 and not first.endswith((".", ":", ",")) else None


def ingest(db_path: Path, paths: list[Path], overrides: dict[str, object] | None = None) -> list[Ingested]:
    """Read every release first (any bad one stops all, changing nothing), then store the new
    ones in one atomic rebuild."""
    files = release_files(paths)
    if overrides and any(v is not None for v in overrides.values()) and len(files) > 1:
        raise MetadataError(
            "--title, --publisher, --date and --url describe one file; use front matter for several"
        )
    known = {s.id for s in [*bundled_sources(), *stored_sources(db_path)]}
    results = []
    for path in files:
        source = read_source(path, overrides or {})
        duplicate = source.id in known
        known.add(source.id)
        facts = [] if duplicate else extract_facts(source)
        results.append(Ingested(path, source, duplicate, facts))
    new = [r.source for r in results if not r.duplicate]
    if new:
        stored = {f.id: f for f in build_database(db_path, extra=new)}
        for result in results:
            result.facts = [stored[f.id] for f in result.facts if f.id in stored]
    return results
