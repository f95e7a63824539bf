"""Every stored file is in the record (design.md §11): its bytes kept by sha256 in the
transaction of the row that names it; a member's correspondence/ is a working copy filled
from the record ('fetch', and whenever a command needs a file); two members editing one draft
are told apart by the version each copy started from."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import docx
import pytest

from commresp import store
from commresp.store import dialects, postgres
from commresp.workspace.session import open_session
from tests.helpers import (
    REGISTER_AL_BEL_1_2025,
    Invoker,
    db_snapshot,
    fill_form,
    record,
    second_folder,
    write_txt,
)
from tests.helpers import letter as letter_parts

REF = "AL BEL 1/2025"
FOLDER = "correspondence/AL-BEL-1-2025"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(root: Path) -> dict[str, bytes]:
    """Every file of the communication's folder, by path relative to the workspace."""
    folder = root / FOLDER
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _record(root: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    db = record(root)
    try:
        named = {r["path"]: r["sha256"] for r in db.query("select path, sha256 from stored_files")}
        kept = {r["sha256"]: bytes(r["data"]) for r in db.query("select sha256, data from blobs")}
    finally:
        db.close()
    return named, kept


@pytest.fixture
def rendered(run, tmp_path):
    """AL BEL 1/2025 through its whole life on disk: a letter, forms and e-mails, a returned
    form, an answer typed in, drafts, rendered documents, the e-mail to the registry."""
    letter = write_txt(letter_parts("en"), tmp_path / "letter.txt")
    run(*REGISTER_AL_BEL_1_2025, "--letter", str(letter))
    run("assign", REF, "--agency", "myria", "--agency", "federal-police", "--question", "Q?")
    form = run.root / FOLDER / "enquiries" / "enquiry-myria.fr.docx"
    returned = fill_form(
        form, tmp_path / "returned.docx", [[("", "Nothing is known of these persons.", False)]]
    )
    run("answer", "import", str(returned))
    run("answer", "add", REF, "--agency", "federal-police", "--text", "No record found.")
    run("draft", REF)
    run("render", REF)
    run("send", REF)
    return run


def test_every_stored_file_is_in_the_record_once_per_content(rendered):
    on_disk = _files(rendered.root)
    named, kept = _record(rendered.root)
    # every kind of file commresp stores is there
    for sub in ("incoming", "enquiries", "answers", "drafts", "out"):
        assert any(p.startswith(f"{FOLDER}/{sub}/") for p in named), sub
    assert any(p.endswith(".eml") and "/out/" in p for p in named)  # the e-mail to the registry
    assert set(named) == set(on_disk)
    for path, data in on_disk.items():
        assert named[path] == _sha(data) and kept[named[path]] == data
    # content-addressed: one blob per distinct content, each under its own sha256
    assert len(kept) == len(set(named.values()))
    assert all(_sha(data) == sha for sha, data in kept.items())


def test_a_refused_operation_keeps_no_bytes(rendered, tmp_path):
    before = db_snapshot(rendered.root)
    bogus = tmp_path / "not-a-form.docx"
    bogus.write_bytes(b"PK not really a docx")
    rendered("answer", "import", str(bogus), code=1)
    assert db_snapshot(rendered.root) == before


def test_bytes_are_kept_in_the_transaction_of_the_row_that_names_them(session):
    from commresp.workspace import staging, working_copy

    folder = session.workspace.folder("AL-BEL-1-2025", "answers")
    with pytest.raises(RuntimeError):
        with staging.transaction(session.db, working_copy.recorder(session)) as staged:
            staged.create(folder, "myria.r1.txt", b"an answer")
            assert store.has_blob(session.db, _sha(b"an answer"))  # inside: kept
            raise RuntimeError("the operation fails after writing its file")
    assert not store.has_blob(session.db, _sha(b"an answer"))  # rolled back with it
    assert store.all_stored_files(session.db) == []
    assert not (folder / "myria.r1.txt").exists()


def test_fetch_fills_a_deleted_folder_byte_for_byte(rendered):
    before = _files(rendered.root)
    shutil.rmtree(rendered.root / FOLDER)
    result = rendered("fetch", REF)
    assert f"{len(before)} files on record, {len(before)} written from the record" in result.output
    assert _files(rendered.root) == before
    note = rendered.root / FOLDER / "out" / "note_verbale.fr.v1.docx"
    text = " ".join(p.text for p in docx.Document(str(note)).paragraphs).replace("\xa0", " ")
    assert REF in text and "a l'honneur" in text
    # fetched again: nothing to do
    assert "0 written from the record" in rendered("fetch", REF).output


def test_fetch_puts_back_commresp_files_but_keeps_a_hand_edited_draft(rendered):
    out = rendered.root / FOLDER / "out" / "response.en.v1.docx"
    recorded = out.read_bytes()
    out.write_bytes(b"damaged")
    draft = rendered.root / FOLDER / "drafts" / "response.en.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "\nMy own paragraph.\n", encoding="utf-8")
    edited = draft.read_bytes()
    result = rendered("fetch", REF)
    assert "response.en.v1.docx: differed from the record; put back as recorded" in result.output
    assert "response.en.md: edited here; kept as it is (the drafter's work)" in result.output
    assert out.read_bytes() == recorded and draft.read_bytes() == edited


def test_fetch_of_an_unknown_reference_is_one_line(rendered):
    result = rendered("fetch", "AL BEL 99/2025", code=1)  # as show: an unknown reference
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1


def test_a_command_fills_the_file_it_needs_from_the_record(rendered):
    shutil.rmtree(rendered.root / FOLDER / "out")
    email = rendered("send", REF).output.strip()
    assert (rendered.root / FOLDER / "out" / "note_verbale.fr.v1.docx").is_file()
    assert Path(email).is_file()


# --- two folders, one record -----------------------------------------------------------


@pytest.fixture
def colleague(rendered, runner, tmp_path) -> Invoker:
    """A second folder whose profile points at the first one's record."""
    return second_folder(runner, rendered.root, tmp_path / "colleague")


def test_a_colleague_opens_every_file_from_their_own_folder(rendered, colleague):
    theirs = colleague("fetch", REF)
    assert "written from the record" in theirs.output
    mine = _files(rendered.root)
    got = {p.replace(FOLDER, FOLDER, 1): d for p, d in _files(colleague.root).items()}
    assert got == mine
    shown = colleague.json("show", REF)
    assert shown["letter_files"] == ["letter.txt"]


def _counts(root: Path) -> tuple[int, int]:
    db = record(root)
    try:
        return db["documents"].count, db["events"].count
    finally:
        db.close()


def _edit(draft: Path, line: str) -> None:
    draft.write_text(draft.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_a_draft_edited_by_one_member_reaches_the_other(rendered, colleague):
    colleague("fetch", REF)
    mine = rendered.root / FOLDER / "drafts" / "response.en.md"
    _edit(mine, "Paragraph written in the first folder.")
    rendered("--actor", "anne", "render", REF)  # uploads the edited draft
    colleague("--actor", "bert", "render", REF)  # not edited there: brought up to date first
    theirs = colleague.root / FOLDER / "drafts" / "response.en.md"
    assert theirs.read_bytes() == mine.read_bytes()
    latest = sorted((colleague.root / FOLDER / "out").glob("response.en.v*.docx"))[-1]
    text = [p.text for p in docx.Document(str(latest)).paragraphs]
    assert "Paragraph written in the first folder." in text


def test_two_members_editing_one_draft_the_second_is_refused_and_both_texts_kept(
    rendered, colleague
):
    colleague("fetch", REF)
    mine = rendered.root / FOLDER / "drafts" / "response.en.md"
    theirs = colleague.root / FOLDER / "drafts" / "response.en.md"
    _edit(mine, "Anne's paragraph.")
    _edit(theirs, "Bert's paragraph.")
    bert_text = theirs.read_bytes()
    rendered("--actor", "anne", "render", REF)
    before = _counts(rendered.root)
    result = colleague("--actor", "bert", "render", REF, code=1)
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith("Error: response.en.md was changed in the record by anne")
    assert "your text is saved as response.en.mine.md" in line
    # both texts kept: Anne's in the record (and now in Bert's draft), Bert's in a new file
    saved = colleague.root / FOLDER / "drafts" / "response.en.mine.md"
    assert saved.read_bytes() == bert_text
    assert theirs.read_bytes() == mine.read_bytes()
    named, kept = _record(rendered.root)
    assert kept[named[f"{FOLDER}/drafts/response.en.md"]] == mine.read_bytes()
    assert not list((colleague.root / FOLDER / "out").glob("response.en.v3.docx"))
    assert _counts(rendered.root) == before  # no document, no event: refused
    # merged by hand, it renders
    _edit(theirs, "Bert's paragraph.")
    colleague("--actor", "bert", "render", REF)
    named, kept = _record(rendered.root)
    assert b"Bert's paragraph." in kept[named[f"{FOLDER}/drafts/response.en.md"]]


# --- a workspace made before the record kept bytes -------------------------------------


@pytest.mark.sqlite_only("an older commresp.db whose files are taken in")
def test_the_files_of_an_older_workspace_are_taken_in_verified(rendered):
    root = rendered.root
    db = record(root)
    with store.transaction(db):
        for table in ("stored_files", "copy_bases", "blob_intake", "blobs"):
            db.execute(f"delete from {table}")
    db.close()
    altered = root / FOLDER / "answers" / "myria.r1.docx"
    altered.write_bytes(altered.read_bytes() + b"\0")  # no longer what the record names
    on_disk = _files(root)
    session = open_session(str(root), "test-diplomat")
    try:
        assert store.intake_done(session.db)
    finally:
        session.db.close()
    named, kept = _record(root)
    expected = {p for p in on_disk if not p.endswith("myria.r1.docx")}
    assert set(named) == expected
    assert all(kept[named[p]] == on_disk[p] for p in expected)


# --- check and backup know the record's bytes --------------------------------------------


def test_check_reports_a_file_differing_from_the_record_and_restores_it(rendered):
    letter = rendered.root / FOLDER / "incoming" / "letter.txt"
    note = rendered.root / FOLDER / "out" / "note_verbale.fr.v1.docx"
    letter_bytes, note_bytes = letter.read_bytes(), note.read_bytes()
    letter.write_bytes(b"someone typed over the letter")
    note.unlink()
    result = rendered("check", code=1)
    lines = result.output.splitlines()
    assert (
        f"{FOLDER}/incoming/letter.txt: differs from the record (sha256 differs); "
        "'commresp check --restore' puts back the bytes the record keeps"
    ) in lines
    assert any(
        line.startswith(
            f"{FOLDER}/out/note_verbale.fr.v1.docx: note verbale v1 of {REF} is "
            "recorded but missing; 'commresp check --restore'"
        )
        for line in lines
    )
    restored = rendered("check", "--restore")
    assert f"{FOLDER}/incoming/letter.txt: altered; put back from the record" in restored.output
    assert f"{FOLDER}/out/note_verbale.fr.v1.docx: missing; put back from the record" in (
        restored.output
    )
    assert restored.output.strip().endswith("all in order")
    assert letter.read_bytes() == letter_bytes and note.read_bytes() == note_bytes


def test_check_restore_keeps_a_hand_edited_draft(rendered):
    draft = rendered.root / FOLDER / "drafts" / "note_verbale.fr.md"
    _edit(draft, "Une phrase ajoutée.")
    edited = draft.read_bytes()
    rendered("check", "--restore")
    assert draft.read_bytes() == edited


def test_check_finds_bytes_in_the_record_that_lost_their_sha256(rendered):
    db = record(rendered.root)
    digest = db.execute("select sha256 from stored_files where path like '%letter.txt'").fetchone()[
        0
    ]
    with store.transaction(db):
        db.execute("update blobs set data = ? where sha256 = ?", [b"tampered", digest])
    db.close()
    result = rendered("check", code=1)
    # the record named as check names it: commresp.db, or the server's URL
    name = postgres.shown_url(db.url) if dialects.is_postgres(db) else "commresp.db"
    assert f"{name}: the bytes kept as {digest[:12]}… no longer have that sha256" in (result.output)


def _tamper_backup(archive: Path, out: Path, tmp_path: Path) -> None:
    """The archive with one kept content changed in its database, the manifest made to match
    (so only the record's own sha256 can tell)."""
    import json
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("MANIFEST.json"))
        db_file = tmp_path / "tampered.db"
        db_file.write_bytes(zf.read("commresp.db"))
        db = store.connect(db_file)
        with store.transaction(db):
            db.execute(
                "update blobs set data = ? where sha256 = "
                "(select sha256 from stored_files where path like '%letter.txt')",
                [b"tampered"],
            )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        data = db_file.read_bytes()
        for member in manifest["members"]:
            if member["name"] == "commresp.db":
                member["sha256"], member["size"] = _sha(data), len(data)
        with zipfile.ZipFile(out, "w") as new:
            for info in zf.infolist():
                if info.filename == "MANIFEST.json":
                    new.writestr(info.filename, json.dumps(manifest))
                elif info.filename == "commresp.db":
                    new.writestr(info.filename, data)
                else:
                    new.writestr(info, zf.read(info.filename))


@pytest.mark.sqlite_only("backups of the SQLite file")
def test_restore_verifies_every_sha256_of_the_record(rendered, tmp_path):
    archive = tmp_path / "backup.zip"
    rendered("backup", str(archive))
    target = tmp_path / "restored"
    rendered("restore", str(archive), str(target))
    named, kept = _record(target)
    assert set(named) == set(_record(rendered.root)[0])
    assert all(_sha(kept[named[p]]) == named[p] for p in named)
    tampered = tmp_path / "tampered.zip"
    _tamper_backup(archive, tampered, tmp_path)
    again = tmp_path / "again"
    result = rendered("restore", str(tampered), str(again), code=1)
    assert "do not have that sha256" in result.stderr and "nothing was restored" in result.stderr
    assert not again.exists()


def test_a_form_sent_from_one_folder_is_imported_in_the_other(rendered, colleague, tmp_path):
    # the form secret belongs to the record: the colleague's folder checks the token with it
    second = "AL BEL 2/2025"
    rendered(*REGISTER_AL_BEL_1_2025[:1], second, *REGISTER_AL_BEL_1_2025[2:])
    rendered("assign", second, "--agency", "myria", "--question", "Q?")
    colleague("fetch", second)
    form = colleague.root / "correspondence/AL-BEL-2-2025/enquiries/enquiry-myria.fr.docx"
    returned = fill_form(form, tmp_path / "back.docx", [[("", "Nothing known.", False)]])
    colleague("--actor", "bert", "answer", "import", str(returned))
    named, _kept = _record(rendered.root)
    assert "correspondence/AL-BEL-2-2025/answers/myria.r1.docx" in named


def test_demo_reply_plays_an_agency_asked_from_another_folder(rendered, colleague, tmp_path):
    second = tmp_path / "from-fps-justice"
    rendered("assign", REF, "--agency", "fps-justice", "--question", "Q?")
    played = colleague("demo", "reply", REF, "--agency", "fps-justice", "-o", str(second))
    returned = Path(played.stdout.strip())
    assert returned.parent == second and returned.is_file()
    colleague("--actor", "bert", "answer", "import", str(returned))
    assert "correspondence/AL-BEL-1-2025/answers/fps-justice.r1.docx" in _record(rendered.root)[0]


def test_the_letterhead_imported_in_one_folder_renders_the_other(rendered, colleague):
    from commresp.workspace import templates

    rendered("letterhead", "import", str(templates.packaged_dir() / "letterhead.docx"))
    imported = (rendered.root / "templates" / "letterhead.docx").read_bytes()
    colleague("--actor", "bert", "render", REF, "--lang", "fr")
    assert (colleague.root / "templates" / "letterhead.docx").read_bytes() == imported


def test_an_approver_in_another_folder_approves_the_recorded_files(rendered, colleague):
    rendered("render", REF)  # a new version, after the send of the fixture
    rendered("submit", REF)
    colleague("--actor", "ambassador", "approve", REF)  # their folder had none of the files
    approved = sorted((colleague.root / FOLDER / "out").glob("*.v2.docx"))
    mine = sorted(p.name for p in (rendered.root / FOLDER / "out").glob("*.v2.docx"))
    assert [p.name for p in approved] == mine and "note_verbale.fr.v2.docx" in mine
    assert all(p.read_bytes() == (rendered.root / FOLDER / "out" / p.name).read_bytes()
               for p in approved)  # fmt: skip
    rendered("send", REF)
