"""Where ipfacts keeps its database: a module of its own, so that reading the settings (the
container's health check does, every 30 seconds) does not import the extraction pipeline."""

from __future__ import annotations

import os
from pathlib import Path


def default_db_path() -> Path:
    """Where the database lives unless --db or IPFACTS_DB says otherwise (XDG data folder)."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "ipfacts" / "ipfacts.db"
