"""-h works like --help everywhere, the README's reference says commresp, and the shell
completes references, agency and mandate slugs and states from the record."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.shell_completion import ShellComplete

from commresp.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def every_command(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from every_command(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *every_command(cli)], ids=lambda p: " ".join(p) or "-")
def test_h_is_help(runner, path):
    short = runner.invoke(cli, [*path, "-h"], prog_name="commresp")
    long = runner.invoke(cli, [*path, "--help"], prog_name="commresp")
    assert short.exit_code == long.exit_code == 0
    assert short.output == long.output
    assert "-h, --help" in short.output


def test_the_readme_reference_says_commresp():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reference = readme.split("## Command reference", 1)[1]
    assert "Usage: cli" not in reference
    assert reference.count("Usage: commresp") == len([*every_command(cli)]) + 1
    assert 'eval "$(_COMMRESP_COMPLETE=bash_source commresp)"' in readme


def completions(args: list[str], incomplete: str, workspace: Path | None = None) -> list[str]:
    """What click's completion machinery offers after ``commresp ARGS INCOMPLETE``."""
    prefix = ["-w", str(workspace)] if workspace else []
    complete = ShellComplete(cli, {}, "commresp", "_COMMRESP_COMPLETE")
    return [item.value for item in complete.get_completions([*prefix, *args], incomplete)]


@pytest.fixture
def record(registered):
    registered("register", "UA BEL 2/2025", "--date", "2025-07-30", "--mandate", "torture")
    registered("register", "AL FRA 3/2025", "--date", "2025-07-30", "--mandate", "torture")
    return registered.root


def test_references_complete(record):
    assert completions(["show"], "AL", record) == ["AL FRA 3/2025", "AL BEL 1/2025"]
    assert completions(["show"], "al bel", record) == ["AL BEL 1/2025"]
    assert completions(["show"], "al-bel-1", record) == ["AL BEL 1/2025"]
    assert completions(["remind"], "UA", record) == ["UA BEL 2/2025"]
    assert completions(["render"], "U", record) == ["UA BEL 2/2025"]
    assert completions(["answer", "import", "--ref"], "UA", record) == ["UA BEL 2/2025"]
    assert completions(["show"], "XX", record) == []
    assert completions(["show"], "%", record) == []  # LIKE's wildcard is a plain character


def test_agencies_mandates_and_states_complete(record):
    assert completions(["assign", "AL BEL 1/2025", "--agency"], "fed", record) == [
        "fedasil",
        "federal-police",
        "federal-prosecutor",
    ]
    assert completions(["agencies", "edit"], "myr", record) == ["myria"]
    assert "trafficking" in completions(["register", "--mandate"], "traf", record)
    assert completions(["list", "--mandate"], "tort", record) == ["torture"]
    assert completions(["list", "--status"], "e", record) == ["enquiring"]
    assert completions(["list", "--status"], "", record)[:2] == ["received", "enquiring"]


def test_outside_a_workspace_completion_offers_nothing_and_says_nothing(tmp_path):
    assert completions(["show"], "AL") == []
    assert completions(["show"], "AL", tmp_path / "nowhere") == []


def test_completion_through_the_shell_protocol(record, tmp_path):
    """As bash calls it: COMP_WORDS and COMP_CWORD in the environment, one line per value,
    the spaces of a reference escaped so that it stays one word."""
    env = {
        **os.environ,
        "_COMMRESP_COMPLETE": "bash_complete",
        "COMP_WORDS": f"commresp -w {record} show AL",
        "COMP_CWORD": "4",
    }
    result = subprocess.run(
        [sys.executable, "-m", "commresp"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["plain,AL\\ FRA\\ 3/2025", "plain,AL\\ BEL\\ 1/2025"]
    env.update(_COMMRESP_COMPLETE="zsh_complete", COMP_WORDS=f"commresp -w {record} show AL")
    zsh = subprocess.run(
        [sys.executable, "-m", "commresp"], env=env, capture_output=True, text=True
    )
    assert "AL BEL 1/2025" in zsh.stdout.splitlines()
    source = subprocess.run(
        [sys.executable, "-m", "commresp"],
        env={**os.environ, "_COMMRESP_COMPLETE": "zsh_source"},
        capture_output=True,
        text=True,
    )
    assert "compdef _commresp_completion commresp" in source.stdout
