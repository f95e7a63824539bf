"""A member's ``correspondence/`` folder is a working copy of the record (design.md §11).

Every file commresp stores (incoming letters, enquiry forms and their e-mails, returned
answers, drafts, rendered documents, e-mails to the registry) is kept in the record, its bytes
content-addressed by sha256 (:mod:`commresp.store.blobs`), in the transaction of the row that
names it (:func:`keep`; :mod:`~commresp.workspace.staging` calls it for every file it writes).
A folder is filled from the record when a command needs a file (:func:`ensure`) and by
``commresp fetch`` (:func:`fetch`), so a colleague on another machine opens every file.

Two kinds of file:

- commresp's own (a form, an answer as received, a rendered .docx): what is in the record is
  the file; a missing one is written back, one whose bytes differ is put back as recorded;
- a Markdown draft, the drafter's to edit: a hand-edited draft is never overwritten.  Each
  working copy remembers which version of each draft it was filled from or last wrote (its
  *base*, in ``copy_bases``, by the copy's id: :func:`copy_id`).  ``draft`` and
  ``render`` upload an edited draft (:func:`sync_drafts`); when the record holds a newer
  version than this copy's base *and* this copy was edited too, two members edited one
  draft: the command is refused, this copy's text is saved as a new file named in the error,
  and the draft is filled with the record's, so both texts are kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from commresp import store
from commresp.errors import DocumentError
from commresp.workspace import CORRESPONDENCE, DRAFTS, Workspace, files

TEMPLATES = "templates"  # Workspace.templates

if TYPE_CHECKING:
    import sqlite_utils

    from commresp.workspace.session import Session

# What an interrupted write leaves behind (files.atomic_writer, staging): never taken in.
_LEFTOVER = re.compile(r"^\..+\.tmp$")


# --- where a file sits -------------------------------------------------------------------


def relative(ws: Workspace, path: Path) -> str:
    """``path`` relative to the workspace, with forward slashes (the record's key)."""
    return Path(os.path.abspath(path)).relative_to(ws.root).as_posix()


def folder_of(rel: str) -> str:
    """The communication a file belongs to (its slug), or '' outside ``correspondence/``."""
    parts = PurePosixPath(rel).parts
    return parts[1] if len(parts) > 2 and parts[0] == CORRESPONDENCE else ""


def is_editable(rel: str) -> bool:
    """A Markdown draft (``drafts/*.md``) is the drafter's to edit, and so is a template of
    the workspace (``templates/``: the imported letterhead); every other file is commresp's
    own."""
    parts = PurePosixPath(rel).parts
    if parts and parts[0] == TEMPLATES:
        return True
    return len(parts) == 4 and parts[2] == DRAFTS and rel.endswith(".md")


def copy_id(ws: Workspace) -> str:
    """This folder's id as a working copy: the machine's name and the folder's path, hashed
    (no file to keep; a folder moved elsewhere is a new copy, whose drafts' base is then
    taken to be the record's)."""
    import hashlib
    import socket

    return hashlib.sha256(f"{socket.gethostname()}\0{ws.root}".encode()).hexdigest()[:32]


# --- into the record ------------------------------------------------------------------------


def keep(
    db: sqlite_utils.Database,
    ws: Workspace,
    path: Path,
    data: bytes | None = None,
    *,
    actor: str | None = None,
) -> str:
    """Put the bytes of ``path`` (``data``, or what is in the file) in the record under their
    sha256, and say that ``path`` holds them; call inside the transaction of the row that
    names the file.  For a draft, this copy's base becomes that version.  Returns the sha256."""
    if data is None:
        data = path.read_bytes()
    digest = files.sha256_bytes(data)
    rel = relative(ws, path)
    store.put_blob(db, digest, data)
    store.record_file(
        db,
        path=rel,
        folder=folder_of(rel),
        sha256=digest,
        editable=is_editable(rel),
        actor=actor,
        at=store.now(),
    )
    if is_editable(rel):
        store.set_copy_base(db, copy_id(ws), rel, digest)
    return digest


@dataclass
class Recorder:
    """What :mod:`~commresp.workspace.staging` calls for each file it writes, so that every
    staged file is kept in the record in the operation's transaction."""

    db: sqlite_utils.Database
    workspace: Workspace
    actor: str | None = None

    def __call__(self, path: Path, data: bytes) -> None:
        keep(self.db, self.workspace, path, data, actor=self.actor)


def recorder(session: Session) -> Recorder:
    return Recorder(session.db, session.workspace, session.actor)


# --- out of the record ----------------------------------------------------------------------


@dataclass
class Filled:
    """What :func:`fetch` or :func:`ensure` did with one file."""

    path: Path
    # present, written, updated (a draft behind the record), restored (commresp's own file
    # differed), kept (a draft edited here), missing (its bytes are not in the record)
    action: str

    @property
    def line(self) -> str:
        return {
            "present": f"{self.path.name}: up to date",
            "written": f"{self.path.name}: written from the record",
            "updated": f"{self.path.name}: brought up to date from the record",
            "restored": f"{self.path.name}: differed from the record; put back as recorded",
            "kept": f"{self.path.name}: edited here; kept as it is (the drafter's work)",
            "missing": f"{self.path.name}: its bytes are not in the record",
        }[self.action]


def _write_from_record(session: Session, row: dict, path: Path) -> bool:
    data = store.get_blob(session.db, row["sha256"])
    if data is None:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_bytes(path, data)
    return True


def _fill(session: Session, row: dict) -> Filled:
    ws = session.workspace
    path = ws.root / row["path"]
    if path.is_file():
        if files.sha256_file(path) == row["sha256"]:
            return Filled(path, "present")
        if not row["editable"]:
            written = _write_from_record(session, row, path)
            return Filled(path, "restored" if written else "missing")
        local = files.sha256_file(path)
        if store.copy_base(session.db, copy_id(ws), row["path"]) != local:
            return Filled(path, "kept")  # edited here: the drafter's work
        if not _write_from_record(session, row, path):  # behind the record: brought up
            return Filled(path, "missing")
        with store.transaction(session.db):
            store.set_copy_base(session.db, copy_id(ws), row["path"], row["sha256"])
        return Filled(path, "updated")
    if not _write_from_record(session, row, path):
        return Filled(path, "missing")
    if row["editable"]:
        with store.transaction(session.db):
            store.set_copy_base(session.db, copy_id(ws), row["path"], row["sha256"])
    return Filled(path, "written")


def ensure(session: Session, path: Path) -> Path:
    """``path`` as the record holds it, when a command needs it: written from the record if
    missing here, put back if it is commresp's own and its bytes differ (a hand-edited draft
    is kept).  A file the record does not know is left as it is."""
    row = store.stored_file(session.db, relative(session.workspace, path))
    if row is not None:
        _fill(session, row)
    return path


def ensure_all(session: Session, paths: list[Path]) -> list[Path]:
    for path in paths:
        ensure(session, path)
    return paths


def fetch(session: Session, slug: str) -> list[Filled]:
    """Fill one communication's folder from the record, for reading (see :class:`Filled`)."""
    return [_fill(session, row) for row in store.stored_files_in(session.db, slug)]


# --- drafts edited in two places ---------------------------------------------------------


def sync_drafts(session: Session, paths: list[Path]) -> list[tuple[Path, bytes]]:
    """Bring this copy's drafts in step with the record before ``draft`` or ``render``.

    A draft missing here, or not edited here while the record moved on, is filled from the
    record.  A draft edited here on top of the record's latest version is returned (path and
    bytes) for the command to upload in its transaction.  A draft edited both here and, since
    this copy took it, in the record, is refused: this copy's text is saved as a new file
    named in the error, the draft is filled with the record's, and nothing else changes.
    """
    ws = session.workspace
    db = session.db
    me = copy_id(ws)
    upload = []
    bases: list[tuple[str, str]] = []
    for path in paths:
        rel = relative(ws, path)
        row = store.stored_file(db, rel)
        here = path.read_bytes() if path.is_file() else None
        if row is None:  # never recorded (nothing drafted yet, or an old workspace)
            if here is not None:
                upload.append((path, here))
            continue
        local = files.sha256_bytes(here) if here is not None else None
        base = store.copy_base(db, me, rel)
        if local == row["sha256"]:
            if base != local:
                bases.append((rel, local))
            continue
        if here is None or (base is not None and base != row["sha256"] and local == base):
            _write_from_record(session, row, path)  # missing, or behind the record
            bases.append((rel, row["sha256"]))
            continue
        if base is None or base == row["sha256"]:
            upload.append((path, here))  # edited here, on top of the record's latest
            continue
        # edited here, and someone else's version reached the record since this copy took it
        saved = files.new_path(path.parent, f"{path.stem}.mine{path.suffix}")
        files.write_bytes(saved, here)
        _write_from_record(session, row, path)
        with store.transaction(db):
            store.set_copy_base(db, me, rel, row["sha256"])
        who = f" by {row['actor']}" if row["actor"] else ""
        raise DocumentError(
            f"{path.name} was changed in the record{who} ({row['updated_at']}) after this "
            f"copy took it, and was edited here too: your text is saved as {saved.name}, the "
            f"draft now holds theirs; merge the two into {path.name} and run the command "
            "again (nothing else was changed)"
        )
    if bases:
        with store.transaction(db):
            for rel, digest in bases:
                store.set_copy_base(db, me, rel, digest)
    return upload


def upload(session: Session, items: list[tuple[Path, bytes]]) -> dict[str, str]:
    """Keep drafts edited here in the record (inside the caller's transaction); returns
    each draft's name and sha256.  A colleague's version that reached the record since
    :func:`sync_drafts` looked is not overwritten: the operation is refused (nothing
    changed) and the next run sees both."""
    me = copy_id(session.workspace)
    for path, _data in items:
        rel = relative(session.workspace, path)
        row = store.stored_file(session.db, rel)
        base = store.copy_base(session.db, me, rel)
        if row is not None and base is not None and row["sha256"] != base:
            who = f" by {row['actor']}" if row["actor"] else ""
            raise DocumentError(
                f"{path.name} was changed in the record{who} a moment ago; nothing was "
                "changed: run the command again"
            )
    return {
        path.name: keep(session.db, session.workspace, path, data, actor=session.actor)
        for path, data in items
    }


# --- the files on disk before the record kept bytes --------------------------------------


def take_in(ws: Workspace, db: sqlite_utils.Database) -> int:
    """Keep in the record every file of the registered communications' folders (once, for a
    workspace made before the record kept bytes), each checked against the sha256 the record
    already has for it; a file that no longer matches is left out (``commresp check`` reports
    it).  Returns how many files were taken in."""
    with store.transaction(db):
        if store.intake_done(db):
            return 0
        expected = _recorded_hashes(db)
        count = 0
        for slug in store.communication_slugs(db):
            folder = ws.correspondence / slug
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                if not path.is_file() or path.is_symlink() or _LEFTOVER.match(path.name):
                    continue
                rel = relative(ws, path)
                data = path.read_bytes()
                want = expected.get(rel)
                if want and want != files.sha256_bytes(data) and not is_editable(rel):
                    continue  # damaged or replaced: not what the record names
                keep(db, ws, path, data)
                count += 1
        store.mark_intake_done(db, count, store.now())
    return count


def _recorded_hashes(db: sqlite_utils.Database) -> dict[str, str]:
    """The sha256 the record holds for files it names (documents, answers, letters)."""
    expected: dict[str, str] = {}
    for d in store.recorded_documents(db):
        expected[d["path"]] = d["sha256"]  # in order: a draft's latest version last
    for a in store.recorded_answer_files(db):
        expected[f"{CORRESPONDENCE}/{a['slug']}/answers/{a['stored_file']}"] = a["sha256"]
    for letter in store.known_letter_files(db):
        if letter["sha256"]:
            rel = f"{CORRESPONDENCE}/{letter['slug']}/incoming/{letter['name']}"
            expected[rel] = letter["sha256"]
    return expected
