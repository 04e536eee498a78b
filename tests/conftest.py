"""Shared fixtures: every test gets its own data folder, so none touches a user's database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from facts.store import build_database
from intents.engine import Engine
from tests.botapi_stub import BotApiStub

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
# The bundled releases' fact table, checked by hand against their text.
BUNDLED_EXPECTED = DATA / "bundled_expected.yaml"


@pytest.fixture(autouse=True)
def isolated_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default database and IPFACTS_* settings at a temporary folder."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    for name in ("IPFACTS_DB", "IPFACTS_BOT_TOKEN", "IPFACTS_ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of the bundled releases, built once per session; copy it before writing."""
    path = tmp_path_factory.mktemp("built") / "facts.db"
    build_database(path)
    return path


@pytest.fixture
def db_path(built_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the built database."""
    path = tmp_path / "facts.db"
    shutil.copy(built_db, path)
    return path


@pytest.fixture
def stub() -> Iterator[BotApiStub]:
    """The Bot API, played on 127.0.0.1."""
    with BotApiStub() as server:
        yield server


@pytest.fixture
def engine(db_path: Path, tmp_path: Path) -> Engine:
    """An engine like the bot's, in-process, to work out the replies the bot must send."""
    copy = tmp_path / "expected.db"
    shutil.copy(db_path, copy)
    return Engine.load(copy, record_misses=False)


@pytest.fixture
def release_dir() -> Path:
    """Release-like texts written for the tests, each with an expected fact table."""
    return DATA / "releases"
