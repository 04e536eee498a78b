"""The command line for the fact table: build, ingest, facts; bad input gets one clear line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli
from facts.releases import bundled_sources
from tests.conftest import BUNDLED_EXPECTED


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_command_builds_the_database_in_the_user_data_folder(isolated_data_home: Path) -> None:
    code, out, _ = run("facts", "--search", "Guangxi")
    assert code == 0
    assert (isolated_data_home / "ipfacts" / "ipfacts.db").exists()
    assert "211" in out


def test_facts_json_has_every_field_and_source_details(db_path: Path) -> None:
    code, out, _ = run("facts", "--json", "--db", str(db_path), "--search", "valid invention patents")
    assert code == 0
    facts = json.loads(out)
    newest = next(f for f in facts if f["value"] == 531000)
    assert newest["unit"] == "patents" and newest["period"] == "2025-06"
    assert newest["publisher"] == "China Quality News Network" and newest["published"] == "2025-08-26"
    assert "531,000 valid invention patents" in newest["quote"]
    assert {
        "id",
        "metric",
        "subject",
        "kind",
        "qualifier",
        "quote_start",
        "quote_end",
        "source_title",
    } <= set(newest)


def test_ingest_prints_extracted_figures_for_review(db_path: Path, release_dir: Path) -> None:
    code, out, _ = run("ingest", str(release_dir / "jiangsu-ip-protection-q3-2025.txt"), "--db", str(db_path))
    assert code == 0
    assert "36,850 [36,850 cases]" in out and "2025-Q1-Q3" in out
    code, out, _ = run("ingest", str(release_dir / "jiangsu-ip-protection-q3-2025.txt"), "--db", str(db_path))
    assert code == 0 and "already stored" in out


def test_ingest_takes_metadata_from_options(db_path: Path, tmp_path: Path) -> None:
    release = tmp_path / "r.txt"
    release.write_text("As of June 2025, Hubei had 112,400 valid invention patents.\n")
    code, out, _ = run(
        "ingest", str(release), "--title", "Hubei patents", "--date", "2025-07-01", "--db", str(db_path)
    )
    assert code == 0, out
    code, out, _ = run("facts", "--json", "--db", str(db_path), "--search", "Hubei")
    fact = json.loads(out)[0]
    assert (fact["value"], fact["subject"], fact["source_title"], fact["published"]) == (
        112400,
        "Hubei",
        "Hubei patents",
        "2025-07-01",
    )


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (None, [], "no such file"),
        (b"", ["--date", "2025-01-01"], "empty"),
        (b"   \n\n", ["--date", "2025-01-01"], "empty"),
        (b"Patents rose \xff\xfe to 5,000.", ["--date", "2025-01-01"], "not UTF-8"),
        (bytes(range(256)), ["--date", "2025-01-01"], "binary"),
        (b"Hubei had 5,000 patents.", ["--date", "last Tuesday"], "date: not a date"),
        (b"Hubei had 5,000 patents.", ["--date", "2025-13-01"], "date: not a date"),
        (b"Hubei had 5,000 patents.", ["--date", "2025-02-30"], "not a calendar date"),
        (b"Hubei had 5,000 patents.", ["--date", "2999-01-01"], "not a plausible publication date"),
        (b"---\ntitle: T\ndate: 2025-01-01\nHubei had 5,000 patents.", [], "no closing '---'"),
        (b"Hubei had 5,000 patents.", [], "no date"),
        (b"---\ntitle: [unclosed\n---\nHubei had 5,000 patents.", ["--date", "2025-01-01"], "front matter"),
        (
            b"---\ntitle: T\ndate: 2025-01-01\nauthor: me\n---\nHubei had 5,000 patents.",
            [],
            "author: not a known key",
        ),
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "not-utf8",
        "binary",
        "date-words",
        "date-month-13",
        "date-feb-30",
        "date-future",
        "front-matter-unclosed",
        "no-date",
        "bad-yaml",
        "unknown-key",
    ],
)
def test_bad_input_gets_one_line_and_changes_nothing(
    db_path: Path, tmp_path: Path, content: bytes | None, extra: list[str], message: str
) -> None:
    release = tmp_path / "bad.txt"
    if content is not None:
        release.write_bytes(content)
    before = digest(db_path)
    code, out, err = run("ingest", str(release), *extra, "--db", str(db_path))
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err + out
    assert digest(db_path) == before


def test_release_without_figures_gets_a_warning(db_path: Path, tmp_path: Path) -> None:
    release = tmp_path / "words.txt"
    release.write_text("The administration held a meeting on intellectual property protection.\n")
    code, _, err = run("ingest", str(release), "--date", "2025-02-03", "--db", str(db_path))
    assert code == 0
    assert "warning" in err and "no figures" in err


def test_folder_ingest_reads_front_matter(db_path: Path, release_dir: Path) -> None:
    code, out, _ = run("ingest", str(release_dir), "--db", str(db_path))
    assert code == 0
    assert out.count("stored as") == 4
    code, out, _ = run("facts", "--json", "--db", str(db_path), "--search", "Hainan")
    assert {f["publisher"] for f in json.loads(out)} == {
        "Hainan Provincial Intellectual Property Administration"
    }


def test_installed_command_runs_as_a_real_process(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "build", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    expected = yaml.safe_load(BUNDLED_EXPECTED.read_text(encoding="utf-8"))
    assert f"{len(expected)} facts from {len(bundled_sources())} releases" in completed.stdout
