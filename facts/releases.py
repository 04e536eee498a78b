"""Read press releases: the bundled ones with their metadata file, and files a user ingests
(with an optional front-matter block)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from facts.errors import MetadataError, ReleaseError, describe_errors
from facts.models import BundledRelease, ReleaseMetadata, Source

# A release larger than this is not a press release (the bundled ones are 4-7 KB).
MAX_RELEASE_BYTES = 1_000_000
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)


def source_id(text: str) -> str:
    """A release's id: the start of its text's SHA-256, so the same text is the same source."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:12]


def normalize_text(text: str) -> str:
    """The text as stored: NFC, Unix newlines, no trailing blanks, no BOM."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip() + "\n"


@cache
def bundled_sources() -> tuple[Source, ...]:
    """The releases that ship with ipfacts, with their reviewed metadata."""
    folder = resources.files("facts").joinpath("releases")
    try:
        entries = TypeAdapter(list[BundledRelease]).validate_python(
            yaml.safe_load(folder.joinpath("sources.yaml").read_text(encoding="utf-8"))
        )
    except (ValidationError, yaml.YAMLError) as error:
        raise MetadataError(f"facts/releases/sources.yaml is invalid: {error}") from error
    sources = []
    for entry in entries:
        text = normalize_text(folder.joinpath(entry.file).read_text(encoding="utf-8"))
        metadata = entry.model_dump(exclude={"file"})
        sources.append(Source(id=source_id(text), text=text, bundled=True, **metadata))
    return tuple(sources)


def read_release(path: Path) -> tuple[str, dict[str, object]]:
    """The body of a release file and the metadata in its front matter (if any)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReleaseError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReleaseError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise ReleaseError(f"{path}: cannot be read ({error.strerror})") from None
    if len(raw) > MAX_RELEASE_BYTES:
        raise ReleaseError(
            f"{path}: {len(raw):,} bytes is too large for a press release (limit {MAX_RELEASE_BYTES:,})"
        )
    if b"\x00" in raw:
        raise ReleaseError(f"{path}: binary data, not a text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReleaseError(
            f"{path}: not UTF-8 text (bad byte at offset {error.start}); save it as UTF-8"
        ) from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text):
        raise ReleaseError(f"{path}: contains control characters; is it really a text file?")
    metadata: dict[str, object] = {}
    front = FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not front and re.match(r"\A---[ \t]*\n", text.lstrip("\ufeff")):
        raise MetadataError(f"{path}: front matter starts with '---' but has no closing '---' line")
    if front:
        try:
            loaded = yaml.safe_load(front.group(1)) or {}
        except yaml.YAMLError as error:
            raise MetadataError(f"{path}: front matter is not valid YAML ({error.problem})") from None
        if not isinstance(loaded, dict):
            raise MetadataError(f"{path}: front matter must be 'key: value' lines")
        metadata = {str(k): v for k, v in loaded.items()}
        text = text.lstrip("\ufeff")[front.end() :]
    body = normalize_text(text)
    if not body.strip():
        raise ReleaseError(f"{path}: the release is empty")
    return body, metadata


def make_source(body: str, metadata: dict[str, object]) -> Source:
    """A Source from a release body and its metadata; MetadataError says what is wrong."""
    fields = dict(metadata)
    if "date" in fields and "published" not in fields:
        fields["published"] = fields.pop("date")
    if fields.get("published") is not None:
        fields["published"] = str(fields["published"])
    try:
        checked = ReleaseMetadata.model_validate(fields)
    except ValidationError as error:
        raise MetadataError(describe_errors(error, renames={"published": "date"})) from None
    return Source(id=source_id(body), text=body, bundled=False, **checked.model_dump())
