"""Errors raised while reading releases, extracting facts and storing them."""


class FactsError(Exception):
    """Base class: a problem a user can fix, rendered as a one-line message."""


class ReleaseError(FactsError):
    """A press release file cannot be read (missing, empty, binary, not UTF-8)."""


class MetadataError(FactsError):
    """Release metadata (front matter, a date, a data file) is invalid."""


class IntegrityError(FactsError):
    """A fact's quote is not verbatim in its source, or does not contain its figure."""


class DatabaseError(FactsError):
    """The fact database is missing, unreadable or not an ipfacts database."""


def describe_errors(error: object, renames: dict[str, str] | None = None) -> str:
    """A pydantic ValidationError as one line: 'date: not a date ...; title: Field required'."""
    renames = renames or {}
    parts = []
    for item in error.errors():  # type: ignore[attr-defined]
        where = ".".join(renames.get(str(p), str(p)) for p in item["loc"]) or "metadata"
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "not a known key"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
