"""Full, read-only and forbidden disks: the real cause is said, reads go on, nothing is lost.

The disks are real: a small tmpfs mounted for the test (root only, as in CI), filled up or
remounted read-only.  Where mounting is not allowed the tests say so and are skipped.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from commresp.cli import cli
from tests.helpers import Invoker

REF = "AL BEL 1/2025"
CASE = "correspondence/AL-BEL-1-2025"


class SmallDisk:
    """A tmpfs of a few megabytes at ``path``, which a test can fill or make read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self, leave: int = 0) -> None:
        """Take all the free space but ``leave`` bytes (tmpfs counts whole 4 KiB pages)."""
        with open(self.filler, "ab", buffering=0) as handle:
            for block in (1 << 20, 1 << 16, 1 << 12):
                with contextlib.suppress(OSError):
                    while handle.write(b"\0" * block):
                        pass
            size = handle.tell()
        if leave:
            os.truncate(self.filler, max(0, size - leave))

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def remount(self, mode: str) -> None:
        gc.collect()  # no connection of this process may hold a file open for writing
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True)


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.strip()}")
    disk = SmallDisk(mount)
    try:
        yield disk
    finally:
        gc.collect()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _workspace(root: Path, runner: CliRunner) -> Invoker:
    """A workspace with AL BEL 1/2025 registered, asked of Myria, answered and drafted."""
    result = runner.invoke(cli, ["init", str(root), "--profile", "belgium"])
    assert result.exit_code == 0, result.output
    run = Invoker(runner, root)
    run("register", REF, "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", "No one named is known.")
    run("draft", REF, "--date", "2025-07-31")
    return run


def contents(root: Path) -> dict[str, bytes]:
    """Every file of the workspace (hidden and temporary ones too) but the database, whose
    bytes change as SQLite folds its WAL in: :func:`record` compares what it holds."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith("commresp.db")
    }


def record(root: Path) -> list[str]:
    conn = sqlite3.connect(root / "commresp.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def commresp(root: Path, *args: str) -> subprocess.CompletedProcess:
    """commresp in a process of its own, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "commresp", "-w", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- a full disk during draft --force -------------------------------------------------------


@pytest.mark.sqlite_only("a full disk under the SQLite file")
def test_draft_force_on_a_full_disk_leaves_every_earlier_file_as_it_was(small_disk, runner):
    root = small_disk.path / "mission"
    run = _workspace(root, runner)
    drafts = f"{CASE}/drafts"
    edited = root / drafts / "response.en.md"
    edited.write_text(edited.read_text() + "\nA first edit by hand.\n")
    run("draft", REF, "--force", "--date", "2025-07-31")  # keeps it in response.en.edited.md
    edited.write_text(edited.read_text() + "\nA second edit by hand.\n")
    before, before_record = contents(root), record(root)
    assert f"{drafts}/response.en.edited.md" in before
    failures = 0
    # From a full disk to one with room enough: every write of the draft fails once.
    for leave in range(0, 1 << 20, 8192):
        small_disk.fill(leave)
        result = runner.invoke(cli, ["-w", str(root), "draft", REF, "--force"])
        small_disk.free()
        gc.collect()
        if result.exit_code == 0:
            break
        failures += 1
        assert result.exit_code == 1, (result.output, result.exception)
        assert isinstance(result.exception, SystemExit), result.exception  # no traceback
        assert result.stderr.startswith("Error: no space left on the disk"), result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert contents(root) == before, leave
        assert record(root) == before_record, leave
    else:
        pytest.fail("draft --force never had room enough")
    assert failures > 3
    after = contents(root)
    assert after[f"{drafts}/response.en.edited.md"] == before[f"{drafts}/response.en.edited.md"]
    assert after[f"{drafts}/response.en.edited-2.md"] == before[f"{drafts}/response.en.md"]
    assert b"A second edit by hand." not in after[f"{drafts}/response.en.md"]
    run("check")


# --- full and read-only disks: reads go on, writes say why ------------------------------------


def _refused_with_the_cause(root: Path, cause: str) -> None:
    """Commands that write fail with one line naming the cause (the disk, or the file)."""
    for args in (
        ["register", "AL BEL 2/2025", "--date", "2025-07-22", "--mandate", "torture"],
        ["answer", "add", REF, "--agency", "myria", "--text", "A second answer."],
        ["draft", REF, "--force"],
    ):
        refused = commresp(root, *args)
        assert refused.returncode == 1, refused.stderr
        assert refused.stderr.startswith("Error: ") and cause in refused.stderr, refused.stderr
        assert len(refused.stderr.splitlines()) == 1, refused.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "trouble, cause",
    [("read-only", "read-only"), ("full", "no space left on the disk")],
)
@pytest.mark.sqlite_only("a full disk under the SQLite file")
def test_a_full_or_read_only_disk_is_not_called_damaged(trouble, cause, small_disk, runner):
    root = small_disk.path / "mission"
    _workspace(root, runner)
    before, before_record = contents(root), record(root)
    if trouble == "read-only":
        small_disk.remount("ro")
    else:
        small_disk.fill()
    listed = commresp(root, "list")
    assert listed.returncode == 0 and REF in listed.stdout, listed.stderr
    assert REF in commresp(root, "list", "--json").stdout
    shown = commresp(root, "show", REF)
    assert shown.returncode == 0 and "GP/CC 2025/1" in shown.stdout, shown.stderr
    assert commresp(root, "status").returncode == 0
    checked = commresp(root, "check")
    assert checked.returncode == 1
    disk = {
        "read-only": f"the disk holding {root} is read-only",
        "full": f"no space left on the disk holding {root}",
    }[trouble]
    assert checked.stdout.splitlines() == [
        f"commresp.db: {disk}; commands that change the record will fail until it takes "
        "writes (the record itself is not damaged)"
    ]
    _refused_with_the_cause(root, cause)
    for result in (listed, shown, checked):
        assert "damaged (" not in result.stdout + result.stderr
        assert "restore" not in result.stdout + result.stderr
    if trouble == "read-only":
        small_disk.remount("rw")
    else:
        small_disk.free()
    assert contents(root) == before
    assert record(root) == before_record
    assert commresp(root, "check").stdout == f"{root}: all in order\n"


@pytest.mark.sqlite_only("the SQLite file in a read-only folder")
@pytest.mark.slow
def test_a_folder_one_may_not_write_in_is_read_and_refused_with_the_cause(tmp_path, runner):
    if os.geteuid() == 0:
        pytest.skip("root may write in any folder: file modes cannot make it read-only")
    root = tmp_path / "mission"
    _workspace(root, runner)
    before = contents(root)
    gc.collect()
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o555)
    try:
        assert commresp(root, "list").returncode == 0
        assert commresp(root, "show", REF).returncode == 0
        cause = f"permission denied: you may not write in {root}"
        assert commresp(root, "check").stdout.startswith(f"commresp.db: {cause}")
        _refused_with_the_cause(root, cause)
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert contents(root) == before
