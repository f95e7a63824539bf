"""Windows and macOS desktops: text as Notepad saves it, open, doctor, locked files, consoles."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx2python import docx2python

from commresp.cli import cli
from commresp.documents import letter_text
from commresp.maintenance import doctor
from commresp.workspace import files, filesystems, libreoffice, packaged
from tests.helpers import REGISTER_AL_BEL_1_2025, TEST_SERVER, db_snapshot, record, tree

PROJECT = Path(__file__).resolve().parents[1]
CASE = Path("correspondence/AL-BEL-1-2025")
REF = "AL BEL 1/2025"
NAMES = "Łukasz, Дмитрий and Γιώργος"

# The same text as three editors save it.
SAVED_AS = {
    "Notepad (BOM, CRLF)": lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
    "classic Mac (CR)": lambda text: text.replace("\n", "\r").encode(),
    "Notepad 'Unicode' (UTF-16, BOM)": lambda text: text.replace("\n", "\r\n").encode("utf-16"),
}


@pytest.fixture
def answered(registered):
    registered("assign", REF, "--agency", "myria", "--question", "Findings?")
    registered(
        "answer",
        "add",
        REF,
        "--agency",
        "myria",
        "--text",
        "**Data collection**\n\nMyria publishes a report[^1].\n\n[^1]: See myria.be.",
    )
    return registered


@pytest.fixture
def drafted(answered):
    answered("draft", REF, "--date", "2025-10-10")
    return answered


# --- one text reader ----------------------------------------------------------------------


@pytest.mark.parametrize("saved", list(SAVED_AS))
def test_the_text_reader_gives_the_lf_text(saved, tmp_path):
    text = "Réponse de la Belgique\n\nLigne 2\n"
    path = tmp_path / "draft.md"
    path.write_bytes(SAVED_AS[saved](text))
    assert files.read_text(path) == text
    assert files.decode_text(path.read_bytes()) == text


def test_text_is_written_utf8_without_bom_and_with_lf(tmp_path):
    files.write_text(tmp_path / "a.md", "one\r\ntwo\rthree\n")
    assert (tmp_path / "a.md").read_bytes() == b"one\ntwo\nthree\n"


def paragraphs(path: Path) -> list[str]:
    """The text of every paragraph: headers, body, tables, footers and footnotes."""

    def flatten(nested) -> list[str]:
        if isinstance(nested, str):
            return [nested]
        return [text for item in nested for text in flatten(item)]

    with docx2python(path) as content:
        return flatten(content.document)


def test_a_notepad_draft_renders_exactly_as_the_lf_draft(drafted):
    root = drafted.root
    first = {Path(r["docx"]).name: r["docx"] for r in drafted.json("render", REF)}
    for draft in (root / CASE / "drafts").glob("*.md"):
        text = draft.read_text(encoding="utf-8")
        assert "\r" not in text and not text.startswith("\ufeff")
        draft.write_bytes(SAVED_AS["Notepad (BOM, CRLF)"](text))
    second = {Path(r["docx"]).name: r["docx"] for r in drafted.json("render", REF)}
    assert len(first) == len(second) == 4
    for name, path in first.items():
        again = second[name.replace(".v1.", ".v2.")]
        assert paragraphs(Path(again)) == paragraphs(Path(path)), name
    note = paragraphs(root / CASE / "out" / "note_verbale.fr.v2.docx")
    assert not any("\ufeff" in p or "\r" in p for p in note)
    assert any(p.startswith("Réf") or p.startswith("Ref") for p in note)


@pytest.mark.parametrize("saved", list(SAVED_AS))
def test_the_profile_is_read_as_notepad_saves_it(saved, registered):
    profile = registered.root / "commresp.toml"
    profile.write_bytes(SAVED_AS[saved](profile.read_text(encoding="utf-8")))
    assert registered.json("show", REF)["ref"] == REF


@pytest.mark.parametrize("saved", list(SAVED_AS))
def test_answers_questions_and_openings_are_read_as_notepad_saves_them(saved, registered, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_bytes(SAVED_AS[saved]("- Are the persons known?\n- Any findings?\n"))
    registered("assign", REF, "--agency", "myria", "--questions", str(questions))
    answer = tmp_path / "myria.md"
    answer.write_bytes(SAVED_AS[saved]("**Data**\n\nMyria found nothing.\n"))
    registered("answer", "add", REF, "--agency", "myria", "--file", str(answer))
    stored = registered.json("answers", REF)
    text = json.dumps(stored)
    assert "Myria found nothing." in text and "\\r" not in text and "\\ufeff" not in text
    opening = tmp_path / "opening.md"
    opening.write_bytes(SAVED_AS[saved]("Belgium thanks the mandates.\n\nSecond paragraph.\n"))
    registered("draft", REF, "--opening", str(opening))
    response = (registered.root / CASE / "drafts" / "response.en.md").read_text(encoding="utf-8")
    assert "Belgium thanks the mandates.\n\nSecond paragraph." in response
    assert "\r" not in response and "\ufeff" not in response


@pytest.mark.parametrize("saved", list(SAVED_AS))
def test_templates_saved_by_notepad_draft_clean_markdown(saved, answered):
    templates = answered.root / "templates"
    templates.mkdir()
    packaged_dir = PROJECT / "templates"
    for name in ("response.en.md.j2", "enquiry_email.en.toml", "enquiry_form.en.toml"):
        text = (packaged_dir / name).read_text(encoding="utf-8")
        (templates / name).write_bytes(SAVED_AS[saved](text))
    answered("draft", REF)
    response = (answered.root / CASE / "drafts" / "response.en.md").read_bytes()
    assert b"\r" not in response and not response.startswith(b"\xef\xbb\xbf")
    answered("agencies", "add", "ngo", "--name-en", "An NGO", "--language", "en")
    answered("assign", REF, "--agency", "ngo", "--question", "Findings?")
    assert (answered.root / CASE / "enquiries" / "enquiry-ngo.en.docx").is_file()


@pytest.mark.parametrize("saved", list(SAVED_AS))
def test_letters_and_catalogs_are_read_as_notepad_saves_them(saved, tmp_path):
    letter = tmp_path / "letter.txt"
    lf = "Mandates of the Special Rapporteur on torture\n\nREFERENCE: AL BEL 1/2025\n"
    letter.write_bytes(SAVED_AS[saved](lf))
    text = letter_text.letter_text(letter)
    assert "REFERENCE: AL BEL 1/2025" in text and "\r" not in text and "\ufeff" not in text
    rows = packaged.csv_rows(SAVED_AS[saved]("slug,name_en\nmyria,Myria\npolice,Police\n"))
    assert rows == [{"slug": "myria", "name_en": "Myria"}, {"slug": "police", "name_en": "Police"}]


# --- open ---------------------------------------------------------------------------------

RECORDER = """#!/bin/sh
# Records how it was called, as xdg-open or an editor would be.
printf '%s\\n' "$@" > "{log}"
{then}
"""


def recorder(folder: Path, name: str, then: str = "") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}.log"
    script = folder / name
    script.write_text(RECORDER.format(log=log, then=then))
    script.chmod(0o755)
    return script, log


def wait_for(path: Path) -> str:
    """click.launch does not wait for the program it starts: wait for its record."""
    for _ in range(200):
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


@pytest.fixture
def launcher(tmp_path, monkeypatch) -> Path:
    """An ``xdg-open`` on PATH that records what it was asked to open."""
    _, log = recorder(tmp_path / "bin", "xdg-open")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return log


def test_open_launches_the_latest_response_in_its_language(drafted, launcher):
    drafted("render", REF)
    drafted("render", REF, "--lang", "en")
    result = drafted("open", REF)
    latest = drafted.root / CASE / "out" / "response.en.v2.docx"
    assert result.stdout == f"Opened {latest}\n"
    assert wait_for(launcher) == f"{latest}\n"


def test_open_the_note_verbale_in_english_and_a_form(drafted, launcher):
    drafted("render", REF)
    drafted("open", REF, "--kind", "note_verbale", "--lang", "en")
    assert wait_for(launcher) == f"{drafted.root / CASE / 'out' / 'note_verbale.en.v1.docx'}\n"
    launcher.unlink()
    drafted("open", REF, "--kind", "form")
    assert wait_for(launcher) == f"{drafted.root / CASE / 'enquiries' / 'enquiry-myria.fr.docx'}\n"


@pytest.mark.parametrize(
    "args,code,message",
    [
        ([], 1, "AL BEL 1/2025 has no rendered response in en; run 'commresp render"),
        (["--pdf"], 1, 'no rendered response in en as PDF; run \'commresp render "AL BEL 1/2025"'),
        (["--lang", "de"], 2, "--lang takes fr, en"),
        (["--kind", "form", "--agency", "fps-justice"], 2, "fps-justice was not asked about"),
        (["--agency", "myria"], 2, "--agency goes with --kind form"),
        (["--kind", "form", "--draft"], 2, "do not go with --kind form"),
        (["--draft", "--pdf"], 2, "not the --draft"),
    ],
)
def test_open_says_what_is_missing(args, code, message, drafted, launcher):
    result = drafted("open", REF, *args, code=code)
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert not launcher.exists()


def test_open_without_a_program_for_the_file(drafted, tmp_path, monkeypatch):
    drafted("render", REF, "--lang", "en")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no xdg-open at all
    result = drafted("open", REF, code=1)
    assert "no program on this computer opens .docx files; open " in result.stderr


def test_open_draft_in_the_editor_reports_a_change(drafted, tmp_path, monkeypatch):
    editor, log = recorder(tmp_path / "bin", "editor", then='printf "Added.\\n" >> "$1"')
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    result = drafted("open", REF, "--draft")
    draft = drafted.root / CASE / "drafts" / "response.en.md"
    assert wait_for(log) == f"{draft}\n"
    assert draft.read_text(encoding="utf-8").endswith("Added.\n")
    assert result.stdout == f"{draft} changed; render it with 'commresp render \"{REF}\"'\n"


def test_open_draft_prefers_visual_and_reports_no_change(drafted, tmp_path, monkeypatch):
    visual, log = recorder(tmp_path / "bin", "visual")
    monkeypatch.setenv("VISUAL", str(visual))
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    before = db_snapshot(drafted.root), tree(drafted.root)
    result = drafted("open", REF, "--draft", "--kind", "note_verbale", "--lang", "en")
    draft = drafted.root / CASE / "drafts" / "note_verbale.en.md"
    assert wait_for(log) == f"{draft}\n"
    assert result.stdout == f"{draft} unchanged\n"
    assert (db_snapshot(drafted.root), tree(drafted.root)) == before


def test_open_draft_before_drafting(answered, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", str(tmp_path / "never-run"))
    result = answered("open", REF, "--draft", code=1)
    assert "AL BEL 1/2025 has no draft response.en.md; run 'commresp draft" in result.stderr


# --- LibreOffice for render --pdf ---------------------------------------------------------


def test_render_pdf_names_a_missing_configured_soffice(drafted):
    profile = drafted.root / "commresp.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace(
            "[pdf]\n", "[pdf]\nsoffice = '/opt/nowhere/soffice'\n"
        ),
        encoding="utf-8",
    )
    before = db_snapshot(drafted.root), tree(drafted.root)
    result = drafted("render", REF, "--pdf", code=1)
    assert "[pdf] soffice in commresp.toml is '/opt/nowhere/soffice', which does not exist" in (
        result.stderr
    )
    assert (db_snapshot(drafted.root), tree(drafted.root)) == before


def test_render_pdf_uses_the_configured_soffice(drafted, tmp_path):
    """A stand-in soffice that converts by copying shows which program render runs."""
    fake = tmp_path / "LibreOffice" / "soffice"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'out=""; for a in "$@"; do case "$prev" in --outdir) out="$a";; esac; prev="$a"; done\n'
        'for a in "$@"; do case "$a" in *.docx) b=$(basename "$a" .docx); '
        'printf "%%PDF-1.4 fake\\n" > "$out/$b.pdf";; esac; done\n'
    )
    fake.chmod(0o755)
    profile = drafted.root / "commresp.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("[pdf]\n", f"[pdf]\nsoffice = '{fake}'\n"),
        encoding="utf-8",
    )
    rendered = drafted.json("render", REF, "--pdf", "--lang", "en")
    assert all(Path(r["pdf"]).read_bytes().startswith(b"%PDF-1.4 fake") for r in rendered)


# --- locked files (Windows) ---------------------------------------------------------------


def locked_replace(monkeypatch, suffix: str):
    """``os.replace`` as Windows answers it when the target is open in Word (winerror 32)."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(suffix):
            error = PermissionError(13, "The process cannot access the file", str(dst))
            error.winerror = 32
            raise error
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_a_docx_locked_by_word_is_one_line_and_nothing_is_written(drafted, monkeypatch):
    before = db_snapshot(drafted.root), tree(drafted.root)
    locked_replace(monkeypatch, ".docx")
    result = drafted("render", REF, code=1)
    assert result.stderr == (
        "Error: note_verbale.fr.v1.docx is open in another program (Word?): close it and try "
        "again; nothing was changed\n"
    )
    assert (db_snapshot(drafted.root), tree(drafted.root)) == before
    assert not list((drafted.root / CASE).rglob("*.tmp"))


def test_a_draft_locked_when_drafting_again(drafted, monkeypatch):
    draft = drafted.root / CASE / "drafts" / "response.en.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "\nMine.\n", encoding="utf-8")
    before = db_snapshot(drafted.root), tree(drafted.root), draft.read_bytes()
    locked_replace(monkeypatch, "response.en.md")
    result = drafted("draft", REF, "--force", code=1)
    assert result.stderr == (
        "Error: response.en.md is open in another program: close it and try again; "
        "nothing was changed\n"
    )
    assert (db_snapshot(drafted.root), tree(drafted.root), draft.read_bytes()) == before


def test_a_file_locked_for_reading(registered, tmp_path, monkeypatch):
    answer = tmp_path / "myria.md"
    answer.write_text("Nothing found.\n")
    registered("assign", REF, "--agency", "myria", "--question", "Findings?")
    before = db_snapshot(registered.root)
    real_open = open

    def locked_open(file, *args, **kwargs):
        if str(file) == str(answer):
            error = PermissionError(13, "The process cannot access the file", str(file))
            error.winerror = 32
            raise error
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", locked_open)
    result = registered("answer", "add", REF, "--agency", "myria", "--file", str(answer), code=1)
    assert "myria.md is open in another program: close it and try again" in result.stderr
    assert db_snapshot(registered.root) == before


def test_locked_messages_name_the_program():
    error = PermissionError(13, "denied", "x.csv")
    error.winerror = 5
    assert files.is_locked(error, replacing=True) and not files.is_locked(error)
    assert files.locked_message(Path("2025.csv"), error) == (
        "2025.csv is open in another program (Excel?) or read-only: close it (or clear its "
        "read-only box) and try again; nothing was changed"
    )
    assert not files.is_locked(PermissionError(13, "denied", "x"))  # POSIX: a real refusal


# --- directory fsync ----------------------------------------------------------------------


def test_atomic_writes_flush_the_folder_on_posix_only(tmp_path, monkeypatch):
    synced = []
    real = os.fsync

    def fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    files.write_text(tmp_path / "a.md", "text\n")
    assert synced == [False, True]  # the file, then its folder after the rename
    synced.clear()
    files.fsync_directory(tmp_path, platform="win32")
    assert synced == []


# --- the secret ---------------------------------------------------------------------------

KILL_AFTER_SECRET = """
import os, sys
from pathlib import Path
from commresp.maintenance import backups
from commresp.workspace import SECRET_NAME

extract = backups._extract

def extract_then_die(zf, archive, entry, staging):
    extract(zf, archive, entry, staging)
    if entry["name"] == SECRET_NAME:
        os._exit(9)  # killed: no cleanup runs

backups._extract = extract_then_die
backups.restore(Path(sys.argv[1]), Path(sys.argv[2]))
"""


@pytest.mark.sqlite_only("restore makes an embedded workspace from a backup of its file")
def test_restore_killed_never_leaves_the_secret_readable_by_others(drafted, tmp_path):
    archive = tmp_path / "backup.zip"
    drafted("backup", str(archive))
    target = tmp_path / "restored"
    done = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_SECRET, str(archive), str(target)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    assert done.returncode == 9, done.stderr
    [staging] = [p for p in tmp_path.iterdir() if p.name.endswith(".restore")]
    secret = staging / ".commresp-secret"
    assert secret.read_bytes() == (drafted.root / ".commresp-secret").read_bytes()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


@pytest.mark.sqlite_only("restore makes an embedded workspace from a backup of its file")
def test_restored_secret_is_owner_only(drafted, runner, tmp_path):
    archive = tmp_path / "backup.zip"
    drafted("backup", str(archive))
    result = runner.invoke(cli, ["restore", str(archive), str(tmp_path / "restored")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "restored" / ".commresp-secret").stat().st_mode) == 0o600


@pytest.mark.sqlite_only("the form secret is a file of the embedded workspace")
def test_check_reads_a_windows_acl(ws):
    from commresp.maintenance import checks
    from commresp.workspace import Workspace

    shared = (
        "C:\\ws\\.commresp-secret OFFICE\\ana:(F)\n                         Everyone:(R)\n\n"
        "Successfully processed 1 files; Failed processing 0 files\n"
    )
    problems = checks.secret_problems(
        Workspace(ws), platform="win32", run=lambda args: shared, user="ana"
    )
    assert [p.line() for p in problems] == [
        ".commresp-secret: can also be read by Everyone; run 'icacls .commresp-secret "
        "/inheritance:r /grant:r ana:F' in the workspace"
    ]


# --- network shares -----------------------------------------------------------------------


def nfs_over(monkeypatch, folder: Path) -> None:
    """The mount table of a machine where ``folder`` is an NFS share."""
    table = f"/dev/sda1 / ext4 rw 0 0\nfs01:/export {folder} nfs4 rw,vers=4.2 0 0\n"
    monkeypatch.setattr(filesystems, "read_linux_mounts", lambda: table)


@pytest.mark.sqlite_only("the refusal of an SQLite file on a network share")
def test_a_workspace_on_a_network_share_is_refused(registered, monkeypatch):
    before = db_snapshot(registered.root), tree(registered.root)
    nfs_over(monkeypatch, registered.root.parent)
    result = registered("status", code=1)
    assert result.stderr == (
        f"Error: commresp.db is on a network share (nfs4, {registered.root}): SQLite cannot "
        "lock a file there safely, so the record could be corrupted; move the workspace to a "
        "folder on this computer (a team shares one server database, not a network folder)\n"
    )
    registered("register", "AL BEL 2/2025", "--date", "2025-07-22", "--mandate", "torture", code=1)
    assert (db_snapshot(registered.root), tree(registered.root)) == before


@pytest.mark.sqlite_only("the refusal of an SQLite file on a network share")
def test_init_and_restore_on_a_network_share_are_refused(drafted, runner, tmp_path, monkeypatch):
    archive = tmp_path / "backup.zip"
    drafted("backup", str(archive))
    share = tmp_path / "share"
    share.mkdir()
    nfs_over(monkeypatch, share)
    result = runner.invoke(cli, ["init", str(share / "mission"), "--profile", "belgium"])
    assert result.exit_code == 1 and "is on a network share (nfs4" in result.stderr
    result = runner.invoke(cli, ["restore", str(archive), str(share / "restored")])
    assert result.exit_code == 1 and "is on a network share (nfs4" in result.stderr
    assert list(share.iterdir()) == []


# --- doctor -------------------------------------------------------------------------------


def test_doctor_on_a_healthy_workspace(drafted):
    result = drafted("doctor")
    lines = result.stdout.splitlines()
    checks = [line.split()[1] for line in lines[:-1]]
    assert checks == [
        "python",
        "workspace",
        "profile",
        "database",
        "location",
        "libreoffice",
        "console",
        "secret",
    ] + (["server"] if TEST_SERVER else [])  # the team server, when the record is there
    assert all(line.split()[0] in ("ok", "warning") for line in lines[:-1])
    assert lines[-1] == "Everything commresp needs is in order"
    report = drafted.json("doctor")
    assert report["ok"] is True
    assert {c["check"]: c["status"] for c in report["checks"]}["secret"] == "ok"


@pytest.mark.sqlite_only("damages commresp.db and puts it on a network share")
def test_doctor_on_a_broken_workspace(drafted, monkeypatch):
    root = drafted.root
    (root / ".commresp-secret").chmod(0o644)
    profile = root / "commresp.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("[pdf]\n", "[pdf]\nsoffice = '/nowhere'\n"),
        encoding="utf-8",
    )
    conn = record(root)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(root / "commresp.db", "r+b") as db:  # damage the schema page
        db.seek(100)
        db.write(b"\xff" * 200)
    nfs_over(monkeypatch, root.parent)
    result = drafted("doctor", code=1)
    status = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines()}
    assert status == {
        "python": "ok",
        "workspace": "ok",
        "profile": "ok",
        "database": "problem",
        "location": "problem",
        "libreoffice": "problem",
        "console": "ok",
        "secret": "problem",
    }
    assert result.stderr == (
        "Error: 4 problems (database, location, libreoffice, secret); fix each as its line says\n"
    )
    out = result.stdout
    assert "can be read by other users (mode 0644); run 'chmod 600 .commresp-secret'" in out
    assert "[pdf] soffice in commresp.toml is '/nowhere', which does not exist" in out
    assert "is on a network share (nfs4" in out


def test_doctor_outside_a_workspace(runner, tmp_path):
    result = runner.invoke(cli, ["-w", str(tmp_path), "doctor", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    status = {c["check"]: c["status"] for c in report["checks"]}
    assert report["ok"] is False and status["workspace"] == "problem"
    assert status["profile"] == status["database"] == status["secret"] == "skipped"


def test_doctor_says_where_libreoffice_was_found(ws):
    found = libreoffice.Found(r"C:\Program Files\LibreOffice\program\soffice.exe", "standard place")
    probes = doctor.Probes(find_soffice=lambda configured: found, encoding="utf-8")
    [line] = [f for f in doctor.run(str(ws), probes) if f.check == "libreoffice"]
    assert line.status == "ok"
    assert line.detail == (
        r"C:\Program Files\LibreOffice\program\soffice.exe (where its installer puts it)"
    )
    probes = doctor.Probes(find_soffice=lambda configured: None, encoding="utf-8")
    [line] = [f for f in doctor.run(str(ws), probes) if f.check == "libreoffice"]
    assert line.status == "warning" and "no PDFs" in line.detail


@pytest.mark.parametrize(
    "encoding,status", [("utf-8", "ok"), ("cp1252", "warning"), ("cp850", "warning")]
)
def test_doctor_reads_the_console_encoding(encoding, status):
    assert doctor.console(encoding).status == status


def test_doctor_python_version():
    assert doctor.python_version((3, 10, 4)).status == "problem"
    assert doctor.python_version((3, 13, 0)).status == "ok"


@pytest.mark.sqlite_only("the form secret is a file of the embedded workspace")
def test_doctor_reads_a_windows_acl(ws):
    probes = doctor.Probes(
        encoding="utf-8",
        secret={
            "platform": "win32",
            "run": lambda args: "C:\\ws\\.commresp-secret BUILTIN\\Users:(RX)\n",
            "user": "ana",
        },
    )
    [line] = [f for f in doctor.run(str(ws), probes) if f.check == "secret"]
    assert line.status == "problem" and "BUILTIN\\Users" in line.detail and "icacls" in line.detail


# --- consoles -----------------------------------------------------------------------------


def commresp(root: Path, *args: str, encoding: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONIOENCODING": encoding,
        "COMMRESP_WORKSPACE": str(root),
        "PYTHONPATH": str(PROJECT),  # this checkout, whatever else is installed
    }
    env.pop("PYTHONUTF8", None)
    return subprocess.run(
        [sys.executable, "-m", "commresp", *args], capture_output=True, env=env, timeout=60
    )


@pytest.mark.parametrize("encoding", ["cp1252", "cp850"])
def test_a_code_page_console_shows_every_name_without_a_traceback(encoding, run):
    run(*REGISTER_AL_BEL_1_2025[:-1], f"Letter on {NAMES}")
    shown = commresp(run.root, "show", REF, encoding=encoding)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout.decode(encoding)
    assert "\\u0141ukasz, \\u0414\\u043c\\u0438\\u0442\\u0440\\u0438\\u0439 and \\u0393" in text
    assert b"Traceback" not in shown.stderr
    listed = commresp(run.root, "list", encoding=encoding)
    assert listed.returncode == 0 and b"\\u0141ukasz" in listed.stdout
    as_json = commresp(run.root, "show", REF, "--json", encoding=encoding)
    assert json.loads(as_json.stdout.decode(encoding))["subject"] == f"Letter on {NAMES}"
    refused = commresp(run.root, "register", "AL BEL 2/2025", "--date", "2025-07-22",
                       "--mandate", "Łukasz", encoding=encoding)  # fmt: skip
    assert refused.returncode == 2 and b"Traceback" not in refused.stderr
    assert "unknown mandate '\\u0142ukasz'" in refused.stderr.decode(encoding)


def test_json_escapes_control_and_bidi_characters_as_the_text_does(run):
    subject = "Evil \u202eredro\u202c \x9b31m and \x7f, Łukasz"
    # such a subject is refused at input (rules/input_text.py); one written into the record
    # before that check, or by another tool, must still be printed safely
    run(*REGISTER_AL_BEL_1_2025)
    db = record(run.root)
    db.execute("update communications set subject = ?", [subject])
    db.close()
    raw = run("show", REF, "--json").stdout
    assert raw.isascii()
    assert "\\u202e" in raw and "\\u009b" in raw and "\\u007f" in raw
    assert json.loads(raw)["subject"] == subject
    text = run("show", REF).stdout
    assert "\u202e" not in text and "\\u202e" in text and "\x9b" not in text


def test_the_invoker_still_sees_plain_names(run):
    """In a UTF-8 console names are shown as they are (only --json escapes them)."""
    run(*REGISTER_AL_BEL_1_2025[:-1], NAMES)
    assert NAMES in run("show", REF).stdout


# --- the operations behind open, without click ---------------------------------------------


def test_what_open_finds_without_click(drafted):
    from commresp import drafting, enquiries, rendering, store
    from commresp.errors import BadInput, DocumentError
    from commresp.workspace.session import open_session

    drafted("render", REF, "--lang", "fr")
    session = open_session(str(drafted.root), "test-diplomat")
    try:
        out = drafted.root / CASE / "out"
        note = rendering.document_to_open(session, "al-bel-1-2025", "note_verbale")
        assert note == out / "note_verbale.fr.v1.docx"
        with pytest.raises(DocumentError, match="no rendered response in en"):
            rendering.document_to_open(session, REF, "response")
        draft = drafting.draft_to_open(session, REF, "response", "EN")
        assert draft == drafted.root / CASE / "drafts" / "response.en.md"
        form = enquiries.form_to_open(session, REF)
        assert form == drafted.root / CASE / "enquiries" / "enquiry-myria.fr.docx"
        with pytest.raises(BadInput, match="police was not asked"):
            enquiries.form_to_open(session, REF, "police")
        recorded = (out / "note_verbale.fr.v1.docx").read_bytes()
        (out / "note_verbale.fr.v1.docx").unlink()  # filled from the record's bytes
        assert rendering.document_to_open(session, REF, "note_verbale").read_bytes() == recorded
        with store.transaction(session.db):  # a record that does not keep its bytes
            session.db.execute("delete from stored_files where path like '%note_verbale.fr.v1%'")
        (out / "note_verbale.fr.v1.docx").unlink()
        with pytest.raises(DocumentError, match="is recorded but missing"):
            rendering.document_to_open(session, REF, "note_verbale")
    finally:
        session.db.close()


@pytest.mark.sqlite_only("an older commresp.db file")
def test_doctor_on_a_database_of_an_older_commresp_is_a_warning(ws, runner):
    import shutil

    for side in ("commresp.db-wal", "commresp.db-shm"):
        (ws / side).unlink(missing_ok=True)
    shutil.copy(PROJECT / "tests" / "fixtures" / "workspace-0.1.0.db", ws / "commresp.db")
    before = (ws / "commresp.db").read_bytes()
    result = runner.invoke(cli, ["-w", str(ws), "doctor"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stdout.splitlines() if line.split()[1] == "database"]
    assert line.startswith("warning") and "is not up to date (pending: " in line
    assert (ws / "commresp.db").read_bytes() == before  # doctor never upgrades it
