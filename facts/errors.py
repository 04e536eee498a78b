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
