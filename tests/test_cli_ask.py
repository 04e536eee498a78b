"""`ipfacts ask`, `chat` and `eval` as scripts use them: real processes, JSON lines in and out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli

FACT_FIELDS = {"id", "metric", "subject", "value", "unit", "qualifier", "period", "source_id",
               "source_title", "publisher", "published", "quote"}  # fmt: skip


def ipfacts(*args: str, stdin: str = "", db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--db", str(db)],
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_ask_prints_the_figure_period_source_and_quote(db_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "how many valid invention patents does western China have?", "--db", str(db_path)]
    )
    assert result.exit_code == 0
    assert result.output.startswith("531,000 — valid invention patents, western China, as of June 2025.")
    assert "China Quality News Network" in result.output
    assert "“Official data show that as of June 2025" in result.output


def test_ask_json_object_has_the_documented_fields(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "--json", "GIs in Guangxi", "--db", str(db_path)])
    answer = json.loads(result.output)
    assert set(answer) == {"question", "answered", "text", "facts", "intent", "score", "suggestions"}
    assert answer["answered"] is True
    assert set(answer["facts"][0]) == FACT_FIELDS
    assert answer["facts"][0]["value"] == 211
    assert answer["text"].startswith("211")


def test_ask_json_stdin_answers_each_line_independently(db_path: Path) -> None:
    lines = "How many GIs does Guangxi have?\nand what's their output value?\npatents in Beijing\n"
    result = ipfacts("ask", "--json", "-", stdin=lines, db=db_path)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0]["facts"][0]["value"] == 211
    # no context: "their" is not Guangxi's GIs here
    assert all(f["subject"] != "Guangxi" for f in answers[1]["facts"])
    assert answers[2]["answered"] is False and answers[2]["facts"] == [] and "Beijing" in answers[2]["text"]


def test_chat_json_carries_context_between_turns(db_path: Path) -> None:
    lines = (
        "How many GIs does Guangxi have?\nand what's their output value?\nand at the end of September 2024?\n"
    )
    result = ipfacts("chat", "--json", stdin=lines, db=db_path)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["facts"][0]["value"] if a["facts"] else None for a in answers] == [211, 200e9, None]


def test_eval_prints_accuracy_by_category(db_path: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"question": "GIs in Guangxi", "expected": 211, "category": "direct"}\n'
        '{"question": "GIs in Yunnan", "expected": null, "category": "unanswerable"}\n'
        '{"dialogue": [{"question": "GIs in Guangxi", "expected": 211}, {"question": "and their output value?", "expected": 1}], "category": "followup"}\n'
    )
    result = CliRunner().invoke(cli, ["eval", str(questions), "--db", str(db_path)])
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[1:5]}
    assert rows["direct"][1:3] == ["1", "1"] and rows["unanswerable"][1:3] == ["1", "1"]
    assert rows["followup"][1:4] == ["2", "1", "1"]  # the wrong expected value is reported as wrong
    assert "WRONG" in result.output


def test_eval_rejects_a_malformed_question_file(db_path: Path, tmp_path: Path) -> None:
    questions = tmp_path / "bad.jsonl"
    questions.write_text('{"question": "x", "expected": 1, "category": "direct"}\n{"question": "x"}\n')
    result = CliRunner().invoke(cli, ["eval", str(questions), "--db", str(db_path)])
    assert result.exit_code == 1 and "bad.jsonl:2: category: Field required" in result.stderr
    assert result.stderr.count("\n") == 1
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    result = CliRunner().invoke(cli, ["eval", str(empty), "--db", str(db_path)])
    assert result.exit_code == 1 and "no questions" in result.stderr


def test_chat_stops_at_quit_and_keeps_context_across_a_decline(db_path: Path) -> None:
    lines = (
        "How many GIs does Guangxi have?\nand trademarks?\nand their output value?\nquit\nGIs in Guangxi\n"
    )
    result = ipfacts("chat", "--json", stdin=lines, db=db_path)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 3
    assert answers[1]["answered"] is False
    assert answers[2]["facts"][0]["value"] == 200e9 and answers[2]["facts"][0]["subject"] == "Guangxi"


def test_ask_stdin_keeps_one_output_line_per_input_line(db_path: Path) -> None:
    result = ipfacts("ask", "--json", "-", stdin="GIs in Guangxi\n\nGIs in Yunnan\n", db=db_path)
    assert [json.loads(line)["answered"] for line in result.stdout.splitlines()] == [True, False, False]


def test_misses_lists_unanswered_questions(db_path: Path) -> None:
    CliRunner().invoke(cli, ["ask", "patents in Tibet", "--db", str(db_path)])
    result = CliRunner().invoke(cli, ["misses", "--db", str(db_path)])
    assert "1  patents in tibet" in result.output


def test_misses_reads_the_database_as_stored_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(cli, ["misses", "--db", str(missing)])
    assert result.exit_code == 0 and "No unanswered questions recorded." in result.output
    assert not missing.exists()


def test_misses_of_a_file_that_is_no_database_is_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    result = CliRunner().invoke(cli, ["misses", "--db", str(broken)])
    assert result.exit_code == 1 and "cannot be read as a database" in result.output
    assert broken.read_text() == "not a database"  # left as it was
