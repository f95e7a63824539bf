"""check, backup, restore, and opening databases made by other versions of commresp."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from commresp import store
from commresp.cli import cli
from commresp.errors import WorkspaceError
from tests.helpers import Invoker, db_snapshot, tree

FIXTURES = Path(__file__).parent / "fixtures"
OLD_DB = FIXTURES / "workspace-0.1.0.db"
SECRET_FILE = "the form secret is a file of the embedded workspace; a server's is its record's"
CASE = "correspondence/AL-BEL-1-2025"
RESTORE_HINT = "copy it back from a backup (unpack one with 'commresp restore FILE NEW-DIR')"
# a file whose bytes the record keeps (m010_blobs) is put back from it
FROM_RECORD_HINT = "'commresp check --restore' puts back the bytes the record keeps"
DB_HINT = "restore the workspace from a backup ('commresp restore FILE NEW-DIR')"


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    result = CliRunner().invoke(cli, ["demo", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    db_snapshot(root)  # fold the WAL into the file, so that a copy is the whole record
    return root


@pytest.fixture
def demo(demo_build, tmp_path, copy_workspace) -> Path:
    """A copy of the demo workspace of AL BEL 1/2025 (its record too), for this test alone."""
    root = tmp_path / "demo"
    copy_workspace(demo_build, root, ignore=shutil.ignore_patterns("*-wal", "*-shm"), symlinks=True)
    return root


@pytest.fixture
def demo_run(runner, demo) -> Invoker:
    return Invoker(runner, demo)


def listing(folder: Path) -> set[str]:
    """Everything under a folder, hidden files and folders included."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --- check ----------------------------------------------------------------------------------


def test_check_passes_on_a_fresh_workspace(run, ws):
    result = run("check")
    assert result.stdout == f"{ws}: all in order\n"
    assert run.json("check") == {"workspace": str(ws), "problems": []}


def test_check_passes_on_the_demo_workspace(demo_run, demo):
    assert demo_run("check").stdout == f"{demo}: all in order\n"


def test_check_changes_nothing(demo_run, demo):
    before = db_snapshot(demo), tree(demo)
    demo_run("check")
    assert (db_snapshot(demo), tree(demo)) == before


def _delete_answer(root: Path) -> None:
    (root / CASE / "answers/cic.r1.docx").unlink()


def _alter_rendered(root: Path) -> None:
    path = root / CASE / "out/response.en.v1.docx"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _stray_in_out(root: Path) -> None:
    (root / CASE / "out/notes.docx").write_bytes(b"not written by commresp")


def _leftover(root: Path) -> None:
    (root / CASE / "out/.x.tmp").write_bytes(b"half a file")


def _secret_readable(root: Path) -> None:
    os.chmod(root / ".commresp-secret", 0o644)


def _corrupt_database(root: Path) -> None:
    db_snapshot(root)
    conn = sqlite3.connect(root / "commresp.db")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    rootpage = conn.execute(
        "select rootpage from sqlite_master where name = 'communication_mandates'"
    ).fetchone()[0]
    conn.close()
    with open(root / "commresp.db", "r+b") as handle:
        handle.seek((rootpage - 1) * page_size)
        handle.write(b"\xa5" * page_size)


PROBLEMS = {
    "missing recorded file": (
        _delete_answer,
        "missing",
        f"{CASE}/answers/cic.r1.docx: answer of cic (revision 1) to AL BEL 1/2025 is recorded "
        f"but missing; {FROM_RECORD_HINT}",
    ),
    "altered rendered document": (
        _alter_rendered,
        "altered",
        f"{CASE}/out/response.en.v1.docx: response v1 of AL BEL 1/2025 has changed since it was "
        f"recorded (sha256 differs); {FROM_RECORD_HINT}, or render a new version with "
        "'commresp render \"AL BEL 1/2025\"'",
    ),
    "unrecorded file in out": (
        _stray_in_out,
        "unrecorded",
        f"{CASE}/out/notes.docx: is not on record (put there by hand, or left by an "
        "interrupted command); move it out of out/",
    ),
    "temporary file left by a crash": (
        _leftover,
        "leftover",
        f"{CASE}/out/.x.tmp: is a temporary file left by an interrupted write; delete it "
        "(unless a commresp command is running right now)",
    ),
    "secret readable by others": (
        _secret_readable,
        "secret",
        ".commresp-secret: can be read by other users (mode 0644); "
        "run 'chmod 600 .commresp-secret'",
    ),
    "damaged database": (_corrupt_database, "database", "commresp.db: is damaged ("),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.sqlite_only("a damaged commresp.db"))
        if n == "damaged database"
        else pytest.param(n, marks=pytest.mark.sqlite_only(SECRET_FILE))
        if n == "secret readable by others"
        else n
        for n in PROBLEMS
    ],
)
def test_check_finds_each_kind_of_problem(name, demo_run, demo):
    damage, kind, line = PROBLEMS[name]
    damage(demo)
    result = demo_run("check", code=1)
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(line) if kind == "database" else lines[0] == line
    assert lines[0].endswith(DB_HINT) or kind != "database"
    assert f"Error: 1 problem in {demo}; fix each as its line says" in result.stderr
    report = json.loads(demo_run("check", "--json", code=1).stdout)
    assert [p["kind"] for p in report["problems"]] == [kind]


def test_an_answer_email_kept_next_to_its_revision_counts_as_recorded(demo_run, demo):
    answers = demo / CASE / "answers"
    (answers / "cic.r1.eml").write_bytes(b"From: cic@example.org\n\nthe form\n")
    demo_run("check")
    (answers / "cic.r2.eml").write_bytes(b"From: cic@example.org\n\nno such revision\n")
    lines = demo_run("check", code=1).stdout.splitlines()
    assert lines == [
        f"{CASE}/answers/cic.r2.eml: is not on record (put there by hand, or left by an "
        "interrupted command); move it out of answers/, and import an agency's answer with "
        "'commresp answer import FILE'"
    ]


def test_check_lists_several_problems_one_line_each(demo_run, demo, backend):
    _delete_answer(demo)
    _stray_in_out(demo)
    kinds = ["missing", "unrecorded"]
    if backend == "sqlite":  # a server's form secret is its record's, not a file
        _secret_readable(demo)
        kinds.append("secret")
    report = json.loads(demo_run("check", "--json", code=1).stdout)
    assert sorted(p["kind"] for p in report["problems"]) == sorted(kinds)
    assert f"Error: {len(kinds)} problems in" in demo_run("check", code=1).stderr


@pytest.mark.sqlite_only(SECRET_FILE)
def test_check_reports_a_missing_secret(run, ws):
    (ws / ".commresp-secret").unlink()
    lines = run("check", code=1).stdout.splitlines()
    assert lines[0].startswith(".commresp-secret: is missing: returned forms cannot be checked")


# --- backup and restore ---------------------------------------------------------------------


def _backup(run: Invoker, path: Path) -> dict:
    return run.json("backup", str(path))


def _restore(runner: CliRunner, archive: Path, target: Path, code: int = 0):
    result = runner.invoke(cli, ["restore", str(archive), str(target)])
    assert result.exit_code == code, (result.output, result.exception)
    return result


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_backup_and_restore_give_the_same_workspace(runner, demo_run, demo, tmp_path):
    archive = tmp_path / "backup.zip"
    result = demo_run("backup", str(archive))
    assert f"Backed up {demo} to {archive}" in result.stdout
    restored = tmp_path / "restored"
    out = _restore(runner, archive, restored).stdout
    assert f"{restored}: all in order" in out
    again = Invoker(runner, restored)
    again("check")
    for command in (["show", "AL BEL 1/2025"], ["answers", "AL BEL 1/2025"], ["list"]):
        assert again.json(*command) == demo_run.json(*command)
    # every file of the workspace came back, byte for byte (the demo's inbox/ is not part of it)
    kept = {p for p in tree(demo) if not p.startswith("inbox/") and p != "commresp.db"}
    assert tree(restored) - {"commresp.db"} == kept
    for relative in kept:
        assert (restored / relative).read_bytes() == (demo / relative).read_bytes(), relative
    assert stat.S_IMODE((restored / ".commresp-secret").stat().st_mode) == 0o600


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_backup_has_a_manifest_of_every_member(demo_run, tmp_path):
    archive = tmp_path / "backup.zip"
    report = _backup(demo_run, archive)
    assert report["migrations"] == store.known_migrations()
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("MANIFEST.json"))
        assert manifest["format"] == "commresp-backup"
        assert manifest["migrations"] == store.known_migrations()
        names = [m["name"] for m in manifest["members"]]
        assert sorted(names + ["MANIFEST.json"]) == sorted(zf.namelist())
        assert {"commresp.db", "commresp.toml", ".commresp-secret"} <= set(names)
        assert f"{CASE}/out/response.en.v1.docx" in names
        for member in manifest["members"]:
            data = zf.read(member["name"])
            assert len(data) == member["size"]
            assert hashlib.sha256(data).hexdigest() == member["sha256"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_backup_copies_templates_and_leaves_out_unrecorded_files(demo_run, demo, tmp_path):
    (demo / "templates").mkdir()
    (demo / "templates" / "note_verbale.fr.md.j2").write_text("{{ ref }}\n")
    _stray_in_out(demo)
    _leftover(demo)
    archive = tmp_path / "backup.zip"
    report = _backup(demo_run, archive)
    assert report["left_out"] == [f"{CASE}/out/notes.docx"]
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    assert "templates/note_verbale.fr.md.j2" in names
    assert f"{CASE}/out/notes.docx" not in names
    assert f"{CASE}/out/.x.tmp" not in names


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_backup_refuses_to_overwrite_a_file(demo_run, tmp_path):
    archive = tmp_path / "backup.zip"
    archive.write_bytes(b"an older backup")
    result = demo_run("backup", str(archive), code=2)
    assert "already exists; choose a new file name" in result.stderr
    assert archive.read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.zip", "demo"]


WRITER = """
import sys
from click.testing import CliRunner
from commresp.cli import cli

root, count = sys.argv[1], int(sys.argv[2])
runner = CliRunner()
for i in range(1, count + 1):
    result = runner.invoke(cli, [
        "-w", root, "register", f"AL BEL {i}/2025", "--date", "2025-07-01",
        "--mandate", "torture", "--mandate", "migrants", "--mandate", "trafficking:f",
        "--subject", f"Case {i}",
    ])
    assert result.exit_code == 0, result.output
    print(i, flush=True)
"""


@pytest.mark.sqlite_only("backups of the SQLite file")
@pytest.mark.slow
def test_backup_while_another_process_writes(runner, run, ws, tmp_path):
    count = 300
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(ws), str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "1"  # it has started writing
        archives, overlapping = [], 0
        while len(archives) < 5:
            overlapping += writer.poll() is None
            archive = tmp_path / f"backup-{len(archives)}.zip"
            run("backup", str(archive))
            archives.append(archive)
        writer.stdout.read()
        assert writer.wait(timeout=300) == 0
    finally:
        writer.kill()
        writer.wait()
    assert overlapping >= 1  # at least one backup was taken while the writer was writing
    for archive in archives:
        restored = tmp_path / archive.stem
        _restore(runner, archive, restored)  # exit 0: check passed on the restored workspace
        conn = sqlite3.connect(restored / "commresp.db")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        incomplete = conn.execute(
            """select c.ref from communications c
               where (select count(*) from communication_mandates m
                      where m.communication_id = c.id) != 3
                  or (select count(*) from events e
                      where e.communication_id = c.id and e.action = 'register') != 1"""
        ).fetchall()
        assert incomplete == []
        assert 1 <= conn.execute("select count(*) from communications").fetchone()[0] <= count
        conn.close()


@pytest.fixture(scope="module")
def good_archive(demo_build, tmp_path_factory) -> Path:
    archive = tmp_path_factory.mktemp("archive") / "backup.zip"
    result = CliRunner().invoke(cli, ["-w", str(demo_build), "backup", str(archive)])
    assert result.exit_code == 0, result.output
    return archive


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive member by member, letting ``change(info, data)`` alter each."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            for new_info, data in change(info, src.read(info)):
                dst.writestr(new_info, data)


def _flip_byte(archive: Path, target: Path) -> None:
    def change(info, data):
        if info.filename.endswith("answers/myria.r1.docx"):
            data = bytes([data[0] ^ 0x20]) + data[1:]
        yield info, data

    _rewrite(archive, target, change)


def _flip_raw_byte(archive: Path, target: Path) -> None:
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("commresp.toml")
    # the member's data starts after its local header: 30 bytes, then its name and extra field
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))


def _with_member(name: str, attr: int = (stat.S_IFREG | 0o600) << 16):
    def build(archive: Path, target: Path) -> None:
        payload = b"evil"

        def change(info, data):
            if info.filename == "MANIFEST.json":
                manifest = json.loads(data)
                manifest["members"].append(
                    {"name": name, "sha256": hashlib.sha256(payload).hexdigest(), "size": 4}
                )
                data = json.dumps(manifest).encode()
                evil = zipfile.ZipInfo(name)
                evil.external_attr = attr
                yield evil, payload
            yield info, data

        _rewrite(archive, target, change)

    return build


REFUSED = {
    "one byte changed in a member": (
        _flip_byte,
        f"{CASE}/answers/myria.r1.docx does not match its manifest sha256",
    ),
    "one byte changed in the raw archive": (_flip_raw_byte, "backup.zip"),
    "a ../evil member": (_with_member("../evil"), "unsafe member name '../evil'"),
    "an absolute member": (_with_member("/tmp/evil"), "unsafe member name '/tmp/evil'"),
    "a member outside the workspace's folders": (
        _with_member("evil.sh"),
        "unsafe member name 'evil.sh'",
    ),
    "a symbolic link": (
        _with_member(f"{CASE}/out/link", (stat.S_IFLNK | 0o777) << 16),
        "is not a plain file (link, device or folder)",
    ),
}


@pytest.mark.sqlite_only("backups of the SQLite file")
@pytest.mark.parametrize("name", list(REFUSED))
def test_restore_refuses_a_bad_archive_and_writes_nothing(name, runner, good_archive, tmp_path):
    build, message = REFUSED[name]
    bad = tmp_path / "backup.zip"
    build(good_archive, bad)
    outside = tmp_path / "place"
    outside.mkdir()
    before = listing(tmp_path)
    result = _restore(runner, bad, outside / "restored", code=1)
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "nothing was restored" in result.stderr
    assert listing(tmp_path) == before


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_restore_refuses_a_folder_that_is_not_empty(runner, good_archive, tmp_path):
    target = tmp_path / "restored"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = _restore(runner, good_archive, target, code=2)
    assert "exists and is not an empty folder; restore into a new folder" in result.stderr
    assert listing(target) == {"notes.txt"}


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_restore_into_an_empty_folder(runner, good_archive, tmp_path):
    target = tmp_path / "restored"
    target.mkdir()
    _restore(runner, good_archive, target)
    assert (target / "commresp.toml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restored"]


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    bad = tmp_path / "photo.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("photo.jpg", b"...")
    result = _restore(runner, bad, tmp_path / "restored", code=1)
    assert "photo.zip is not a commresp backup (no valid MANIFEST.json)" in result.stderr
    assert not (tmp_path / "restored").exists()


# --- databases of other versions ------------------------------------------------------------


def _rows(path: Path) -> dict[str, set[tuple]]:
    """Every row of every table of the 0.1.0 schema, columns of 0.1.0 only (later migrations
    may add some), search-index internals aside."""
    old = sqlite3.connect(f"file:{OLD_DB}?immutable=1", uri=True)
    schema = {
        table: [r[1] for r in old.execute(f"PRAGMA table_info([{table}])")]
        for (table,) in old.execute("select name from sqlite_master where type = 'table'")
        if "_fts" not in table
    }
    old.close()
    conn = sqlite3.connect(path)
    try:
        return {
            table: set(
                conn.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}]")
            )
            for table, columns in schema.items()
        }
    finally:
        conn.close()


def _copy_old_db(ws: Path) -> Path:
    path = ws / "commresp.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(OLD_DB, path)
    return path


def test_the_fixture_is_what_0_1_0_wrote():
    fixture = sqlite3.connect(f"file:{OLD_DB}?immutable=1", uri=True)
    names = [r[0] for r in fixture.execute("select name from _sqlite_migrations order by id")]
    fixture.close()
    assert names == ["m001_register", "m002_enquiries", "m003_documents", "m004_search"]


@pytest.mark.sqlite_only("the 0.1.0 SQLite file (the server's upgrade: test_postgres.py)")
def test_a_0_1_0_database_opens_and_upgrades_without_losing_a_row(ws, run, tmp_path):
    path = _copy_old_db(ws)
    expected = _rows(path)
    assert all(expected.values()), "every table of the fixture has rows"
    db = store.connect(path)
    assert store.pending_migrations(db) == []
    assert store.applied_migrations(db) == store.known_migrations()
    db.close()
    upgraded = _rows(path)
    for table, rows in expected.items():
        # the later migrations are added, and so are the catalog's new mandates (m006)
        if table in ("_sqlite_migrations", "mandates"):
            assert rows <= upgraded[table]
        else:
            assert upgraded[table] == rows, table
    assert {c["ref"] for c in run.json("list")["communications"]} == {
        "AL BEL 1/2025",
        "UA BEL 2/2025",
    }
    assert run.json("show", "AL BEL 1/2025")["outgoing_ref"] == "GP/CC 2025/210"
    assert run.json("search", "Sri Lankan")


@pytest.mark.sqlite_only("a newer SQLite file (the server's: test_postgres.py)")
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_database_of_a_newer_commresp_is_refused_and_left_unchanged(journal, ws, run):
    path = _copy_old_db(ws)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    with conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('commresp', 'm999_from_the_future', '2030-01-01')"
        )
    conn.close()
    before = path.read_bytes()
    message = (
        "this database was written by a newer commresp (unknown migrations: "
        "m999_from_the_future); upgrade commresp to open it"
    )
    with pytest.raises(WorkspaceError) as refused:
        store.connect(path)
    assert str(refused.value) == message
    assert run("list", code=1).stderr == f"Error: {message}\n"
    lines = run("check", code=1).stdout.splitlines()
    assert lines[0].startswith("commresp.db: was written by a newer commresp")
    assert path.read_bytes() == before
    assert sorted(p.name for p in ws.iterdir() if p.name.startswith("commresp.db")) == [
        "commresp.db"
    ]
