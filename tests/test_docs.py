"""The README's commands are the ones CI runs, and every command is documented."""

from __future__ import annotations

import re

from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import TESTS

README = (TESTS.parent / "README.md").read_text(encoding="utf-8")
CI = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = next(block for block in shell_blocks() if "pytest" in block)
    assert test_command in CI.splitlines()


def test_every_command_has_help_and_a_readme_entry() -> None:
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name
        assert f"ipfacts {name}" in README, name
