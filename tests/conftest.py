"""Shared fixtures: every test gets its own workspace under tmp_path and a fixed 'today'."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from commresp.cli import cli

TODAY = "2025-08-01"


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test touches a real workspace, and 'today' is fixed so day counts are stable."""
    monkeypatch.delenv("COMMRESP_WORKSPACE", raising=False)
    monkeypatch.setenv("COMMRESP_TODAY", TODAY)
    monkeypatch.setenv("COMMRESP_ACTOR", "test-diplomat")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class Invoker:
    """Runs commresp in-process against one workspace; asserts the exit code."""

    def __init__(self, runner: CliRunner, root: Path) -> None:
        self.runner = runner
        self.root = root

    def __call__(self, *args: str, code: int = 0):
        result = self.runner.invoke(cli, ["--workspace", str(self.root), *args])
        assert result.exit_code == code, (result.exit_code, result.output, result.exception)
        if code == 0:
            assert result.exception is None or isinstance(result.exception, SystemExit)
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def ws(runner, tmp_path) -> Path:
    """A Belgian workspace, freshly initialised."""
    root = tmp_path / "mission"
    result = runner.invoke(cli, ["init", str(root), "--profile", "belgium"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def run(runner, ws) -> Invoker:
    return Invoker(runner, ws)


REGISTER_AL_BEL_1_2025 = [
    "register",
    "AL BEL 1/2025",
    "--date",
    "2025-07-22",
    "--received",
    "2025-07-24",
    "--mandate",
    "mercenaries",
    "--mandate",
    "minorities",
    "--mandate",
    "slavery",
    "--mandate",
    "trafficking:f",
    "--subject",
    "Trafficking of Sri Lankan nationals into the Russian armed forces",
]


@pytest.fixture
def registered(run) -> Invoker:
    run(*REGISTER_AL_BEL_1_2025)
    return run


def db_snapshot(root: Path) -> bytes:
    """The database file's bytes after folding the WAL into it: equal bytes, equal record."""
    conn = sqlite3.connect(root / "commresp.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (root / "commresp.db").read_bytes()


def tree(root: Path) -> set[str]:
    """Every file under the workspace except SQLite's own side files."""
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def first_page_header(document):
    """The header shown on page 1: letterheads have their own first-page header."""
    section = document.sections[0]
    return (
        section.first_page_header if section.different_first_page_header_footer else section.header
    )
