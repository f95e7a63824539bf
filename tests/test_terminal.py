"""What a terminal shows: the dashboard at 80 columns keeps its key columns whole and cuts the
subject; check, backup and restore show progress on a terminal and nothing on a pipe."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from commresp.commands.output import fit_columns, rich_table
from commresp.commands.progress import terminal_progress
from commresp.maintenance import backups, checks
from commresp.workspace import Workspace
from tests.helpers import REGISTER_AL_BEL_1_2025

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
LONG_SUBJECT = "Trafficking of three Sri Lankan nationals recruited into the Russian armed forces"


def on_a_terminal(args: list[str], cwd: Path, columns: int, env_extra=None) -> str:
    """Run commresp with a pseudo-terminal as its output, ``columns`` wide; what it shows."""
    main, child = os.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm", **(env_extra or {})}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "commresp", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the process has finished
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=60) == 0
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")


@pytest.fixture
def board(run, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2026-12-01")
    run(*REGISTER_AL_BEL_1_2025[:-1], LONG_SUBJECT)
    run("register", "UA BEL 12/2026", "--date", "2026-11-20", "--mandate", "torture")
    run(
        "assign",
        "AL BEL 1/2025",
        *("--agency", "federal-police", "--agency", "myria", "--due", "2026-12-10"),
        *("--question", "Q?"),
    )
    monkeypatch.setenv("COMMRESP_TODAY", "2026-12-15")
    return run


@pytest.mark.parametrize("command", ["status", "list"])
def test_at_80_columns_the_key_columns_stay_whole_and_the_subject_is_cut(board, command):
    shown = on_a_terminal(
        [command], board.root, 80, {"COMMRESP_TODAY": "2026-12-15", "COMMRESP_ACTOR": "t"}
    )
    lines = [line for line in shown.splitlines() if line[:1] in "┏┃┡│└"]  # the table
    assert lines and all(len(line) <= 80 for line in lines), shown
    first = next(line for line in lines if "AL BEL 1/2025" in line)
    assert "enquiring" in first and "451 days late" in first
    assert "Trafficking" in first and LONG_SUBJECT not in shown and "…" in first
    other = next(line for line in lines if "UA BEL 12/2026" in line)
    assert "received" in other and "35 days left" in other
    header = next(line for line in lines if "Reference" in line)
    assert "State" in header and "Days left" in header and "Subject" in header
    if command == "status":
        assert "federal-police" in shown and "myria" in shown  # late agencies wrap, whole


def test_a_wide_terminal_shows_every_column_in_full(board):
    shown = on_a_terminal(["status"], board.root, 250, {"COMMRESP_TODAY": "2026-12-15"})
    assert LONG_SUBJECT in shown
    assert "2025-07-22" in shown  # the letter date
    assert "mercenaries, minorities, slavery, trafficking" in shown


def test_columns_fit_any_width():
    columns = [("ref", "Reference"), ("status", "State"), ("deadline", "Days left")]
    columns += [("mandates", "Mandates"), ("subject", "Subject")]
    cells = [["AL BEL 1/2025", "enquiring", "437 days late", "slavery, trafficking", "x" * 90]]
    for width in (60, 80, 100, 140):
        widths = fit_columns(cells, columns, width, ("ref", "status", "deadline"), ("subject",))
        assert widths["ref"] == 13 and widths["status"] == 9 and widths["deadline"] == 13
        out = Console(width=width, file=io.StringIO(), record=True)
        out.print(
            rich_table(
                cells,
                columns,
                width,
                "",
                ("ref", "status", "deadline"),
                ("subject",),
                ("mandates",),
            )
        )
        text = out.export_text()
        assert max(len(line) for line in text.splitlines()) <= width
        assert "AL BEL 1/2025" in text and "437 days late" in text


# --- progress ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_check_backup_and_restore_report_progress(registered, tmp_path):
    root = registered.root
    registered("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?")
    seen: list[tuple[str, int, int]] = []

    def progress(what, done, total):
        seen.append((what, done, total))

    assert checks.run(Workspace(root), progress) == []
    files = [(done, total) for what, done, total in seen if what == "Checking the files on record"]
    assert files == [(1, 2), (2, 2)]  # the form and the e-mail draft
    assert seen[0] == ("Checking the database", 0, 1)
    seen.clear()
    from commresp import store

    db = store.connect(root / "commresp.db")
    result = backups.backup(Workspace(root), db, tmp_path / "b.zip", progress)
    archived = [(done, total) for what, done, total in seen if what == "Archiving"]
    assert archived[-1][0] == archived[-1][1] > 0  # every byte, once
    assert [d for d, _ in archived] == sorted(d for d, _ in archived)
    seen.clear()
    backups.restore(result.path, tmp_path / "restored", progress)
    steps = [what for what, _, _ in seen]
    assert (
        steps.index("Verifying") < steps.index("Restoring") < steps.index("Checking the database")
    )


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_progress_is_drawn_on_a_terminal_and_not_on_a_pipe(registered, runner, tmp_path):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    with terminal_progress(console) as progress:
        checks.run(Workspace(registered.root), progress)
    assert "Checking the database" in screen.getvalue()
    # through the command, on a pipe (the runner): the results only
    result = registered("backup", str(tmp_path / "piped.zip"))
    assert result.stderr == ""
    assert result.stdout.startswith("Backed up")
    result = registered("check")
    assert result.stderr == ""
    # on a real terminal: the bar is drawn (then cleared) on standard error
    shown = on_a_terminal(
        ["backup", str(tmp_path / "tty.zip")], registered.root, 80, {"COMMRESP_ACTOR": "t"}
    )
    assert "Archiving" in shown and "Backed up" in shown
