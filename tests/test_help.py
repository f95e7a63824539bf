"""Help text is the specification: every command explains itself with a real example."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from commresp.cli import cli
from tests.helpers import all_commands

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "path, command", list(all_commands(cli)), ids=[" ".join(p) for p, _ in all_commands(cli)]
)
def test_every_command_has_help_with_an_example(runner, path, command):
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert command.help and command.help.strip().splitlines()[0]
    assert "Example:" in result.output
    assert f"commresp {path[0]}" in result.output


def test_readme_command_reference_is_generated_from_help():
    """cog regenerates the reference from --help; --check fails if the README drifted."""
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```(?:bash|sh)\n(.*?)\n```", readme, flags=re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command.strip() in (ROOT / ".ci" / "run").read_text()
