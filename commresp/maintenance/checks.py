"""``commresp check``: is the workspace whole? Database, recorded files, strays, the secret.

Each problem found is one :class:`Problem`: what is wrong, where, and what to do.  The
database is opened without migrating it or changing anything, so that checking a workspace
never alters it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from commresp import store
from commresp.store import dialects
from commresp.workspace import SECRET_NAME, Workspace, files, protection

# Folders of a communication where every file must be on record: a stray form in enquiries/
# (left by an assign that failed) would otherwise be taken for the one sent.
RECORDED_FOLDERS = ("out", "answers", "enquiries")
# What files.atomic_writer leaves behind when a write is interrupted: ".<name>.<random>.tmp".
LEFTOVER = re.compile(r"^\..+\.tmp$")
# The note a backup leaves in the workspace while it runs, naming its temporary files (which
# are beside the archive, outside the workspace): ".commresp-backup-<random>.tmp".
BACKUP_MARKER_PREFIX = ".commresp-backup-"
_MAX_MARKER_BYTES = 64 * 1024
# The e-mail an answer came in, kept next to its revision: "<agency>.r<N>.eml" (or "-2.eml").
_ANSWER_EMAIL = re.compile(r"^(?P<agency>.+)\.r(?P<revision>\d+)(?:-\d+)?\.eml$")
RESTORE_HINT = "copy it back from a backup (unpack one with 'commresp restore FILE NEW-DIR')"
# A file whose bytes are in the record (m010_blobs) is put back from it.
FROM_RECORD_HINT = "'commresp check --restore' puts back the bytes the record keeps"
DB_HINT = "restore the workspace from a backup ('commresp restore FILE NEW-DIR')"

# How long work reports how far it is: ``progress(what, done, total)`` (the command shows it
# on a terminal; ``total`` is in the unit of the step: files, bytes).
Progress = Callable[[str, int, int], None]


def no_progress(what: str, done: int, total: int) -> None:
    """A :data:`Progress` that shows nothing."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workspace: its kind, where (relative to the root), what to do."""

    kind: str  # database, storage, migrations, pending, missing, altered, unrecorded, leftover,
    # secret
    path: str
    message: str

    def line(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def run(ws: Workspace, progress: Progress = no_progress) -> list[Problem]:
    """Every problem found: the database, recorded files, strays, leftovers, the secret."""
    url = _server_url(ws)
    progress("Checking the database", 0, 1)
    problems, record = _check_database(ws, url)
    progress("Checking the database", 1, 1)
    correspondence = walk(ws.correspondence)  # once: it may hold thousands of folders
    if record is not None:
        problems += _check_recorded(ws, record, progress)
        problems += _check_stored(ws, record)
        problems += _check_unrecorded(ws, record, correspondence)
    problems += _check_leftovers(ws, correspondence)
    if url is None:  # on a team's server the secret is the record's
        problems += _check_secret(ws)
    return problems


def database_problems(ws: Workspace) -> list[Problem]:
    """What is wrong with the database alone: missing, unreadable, damaged, newer or not yet
    upgraded (kind ``pending``: any command that opens it upgrades it)."""
    return _check_database(ws, _server_url(ws))[0]


@dataclass
class Record:
    """What the database says should be on disk."""

    documents: list[dict]
    answers: list[dict]
    enquiries: list[dict]
    emails: list[dict]
    reminders: list[dict]
    # every file whose bytes the record keeps (m010_blobs): path → its row of stored_files
    stored: dict[str, dict] = field(default_factory=dict)


def _server_url(ws: Workspace) -> str | None:
    from commresp.errors import CommrespError
    from commresp.workspace import session

    try:
        profile = ws.profile()
    except CommrespError:
        profile = None
    return session.database_url(profile, ws.root)


def _check_server(url: str) -> tuple[list[Problem], Record | None]:
    """The team server's record: reachable, not newer, up to date (read only)."""
    from commresp.errors import CommrespError
    from commresp.store import postgres

    name = postgres.shown_url(url)
    try:
        db = postgres.open_connection(url)
    except CommrespError as exc:
        return [Problem("database", name, str(exc))], None
    try:
        return _inspect(db, name)
    except (sqlite3.DatabaseError, CommrespError) as exc:
        return [Problem("database", name, f"could not be read ({exc})")], None
    finally:
        db.close()


def _check_database(ws: Workspace, url: str | None) -> tuple[list[Problem], Record | None]:
    """The record's problems and what it says should be on disk: the team server's at
    ``url``, else the workspace's commresp.db."""
    if url is not None:
        return _check_server(url)
    name = ws.db_path.name
    if not ws.db_path.is_file():
        return [Problem("database", name, f"missing; {DB_HINT}")], None
    disk = _check_disk(ws)
    try:
        db = store.open_unmigrated(ws.db_path)
    except sqlite3.DatabaseError as exc:
        return disk or [_unreadable(name, exc, "cannot be opened")], None
    try:
        problems, record = _inspect(db, name)
        return disk + problems, record
    except sqlite3.DatabaseError as exc:
        return disk or [_unreadable(name, exc, "is damaged")], None
    finally:
        db.close()


def _check_disk(ws: Workspace) -> list[Problem]:
    """A full or read-only disk: reading works, but every command that writes will fail."""
    cause = store.disk_problem(ws.db_path)
    if cause is None:
        return []
    return [
        Problem(
            "storage",
            ws.db_path.name,
            f"{cause}; commands that change the record will fail until it takes writes "
            "(the record itself is not damaged)",
        )
    ]


def _unreadable(name: str, exc: sqlite3.DatabaseError, damaged: str) -> Problem:
    if store.is_damage(exc):
        return Problem("database", name, f"{damaged} ({exc}); {DB_HINT}")
    return Problem(
        "database",
        name,
        f"could not be read ({exc}); check the disk, then run 'commresp check' again",
    )


def _inspect(db, name: str) -> tuple[list[Problem], Record | None]:
    problems = []
    damaged = store.integrity_errors(db)
    if damaged:
        shown = "; ".join(damaged[:3]) + (
            f"; … ({len(damaged)} in all)" if len(damaged) > 3 else ""
        )
        problems.append(Problem("database", name, f"is damaged ({shown}); {DB_HINT}"))
        return problems, None
    for row in store.foreign_key_errors(db):
        problems.append(
            Problem(
                "database",
                name,
                f"row {row['rowid']} of {row['table']} points to a missing {row['parent']} "
                f"row; {DB_HINT}",
            )
        )
    known = set(store.known_migrations())
    unknown = [m for m in store.applied_migrations(db) if m not in known]
    if unknown:
        problems.append(
            Problem(
                "migrations",
                name,
                f"was written by a newer commresp (unknown migrations: {', '.join(unknown)}); "
                "upgrade commresp before using this workspace",
            )
        )
        return problems, None  # a newer schema: what it records is not ours to judge
    pending = store.pending_migrations(db)
    if pending:
        how = "any command that opens it upgrades it, e.g. 'commresp status'"
        if dialects.is_postgres(db):
            from commresp.store import postgres_roles

            if not postgres_roles.may_migrate(db):  # a member: the tables are the owner's
                how = (
                    f"only its owner ({postgres_roles.database_owner(db)}) can upgrade it: "
                    "ask them to run 'commresp server init URL'"
                )
        problems.append(
            Problem("pending", name, f"is not up to date (pending: {', '.join(pending)}); {how}")
        )
        if "m003_documents" in pending:  # older than the tables the file checks read
            return problems, None
    with_bytes = "m010_blobs" not in pending
    if with_bytes:
        problems += _check_blobs(db, name)
    return problems, read_record(db, with_bytes=with_bytes)


def _check_blobs(db, name: str) -> list[Problem]:
    """Every kept content still hashes to its sha256, and every file on record has one."""
    problems = [
        Problem("database", path, f"its bytes are missing from {name}; {DB_HINT}")
        for path in store.missing_blobs(db)
    ]
    for digest, data in store.iter_blobs(db):
        if files.sha256_bytes(data) != digest:
            problems.append(
                Problem(
                    "database",
                    name,
                    f"the bytes kept as {digest[:12]}… no longer have that sha256; {DB_HINT}",
                )
            )
    return problems


def read_record(db, slug: str | None = None, *, with_bytes: bool = True) -> Record:
    """The files the database records, read in one go: of every communication, or of the
    one whose folder is ``correspondence/<slug>``."""
    stored = []
    if with_bytes:
        stored = store.stored_files_in(db, slug) if slug else store.all_stored_files(db)
    return Record(
        documents=store.recorded_documents(db, slug),
        answers=store.recorded_answer_files(db, slug),
        enquiries=store.recorded_enquiry_files(db, slug),
        emails=store.recorded_reply_emails(db, slug),
        reminders=store.recorded_reminder_emails(db, slug),
        stored={r["path"]: r for r in stored} if with_bytes else {},
    )


def _inside(ws: Workspace, relative: str) -> Path | None:
    """``root/relative`` when it stays inside the workspace (a record can be tampered with)."""
    path = (ws.root / relative).resolve()
    return path if path.is_relative_to(ws.root.resolve()) else None


def _rel(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.root).as_posix()


def _check_recorded(
    ws: Workspace, record: Record, progress: Progress = no_progress
) -> list[Problem]:
    """Every file the database records exists; those with a sha256 still have it."""
    problems: list[Problem] = []
    seen: set[str] = set()
    step = "Checking the files on record"
    total = sum(
        (
            len(record.documents),
            len(record.answers),
            sum(bool(e["form_file"]) + bool(e["email_file"]) for e in record.enquiries),
            len(record.emails),
        )
    )
    done = 0

    def check(relative: str, sha256: str | None, what: str, fix: str = RESTORE_HINT) -> None:
        nonlocal done
        done += 1
        progress(step, done, total)
        if relative in seen:  # drafts: one file, a document row per version
            return
        seen.add(relative)
        path = _inside(ws, relative)
        if path is None:
            problems.append(
                Problem("database", relative, f"{what} is recorded outside the workspace")
            )
            return
        kept = record.stored.get(relative)
        if not path.is_file():
            if kept is not None and ws.shares_record:
                return  # a working copy of a shared record: filled when a command needs it
            if kept is not None:
                fix = fix.replace(RESTORE_HINT, FROM_RECORD_HINT)
            problems.append(Problem("missing", relative, f"{what} is recorded but missing; {fix}"))
            return
        if sha256 and files.sha256_file(path) != sha256:
            if kept is not None and kept["sha256"] == sha256:
                fix = fix.replace(RESTORE_HINT, FROM_RECORD_HINT)
            problems.append(
                Problem(
                    "altered",
                    relative,
                    f"{what} has changed since it was recorded (sha256 differs); {fix}",
                )
            )

    for doc in record.documents:
        if Path(doc["path"]).parent.name == "drafts":
            # Drafts are meant to be edited by hand: only their presence is checked.
            check(
                doc["path"],
                None,
                f"draft of {doc['ref']}",
                f"{RESTORE_HINT}, or draft again with 'commresp draft \"{doc['ref']}\"'",
            )
            continue
        check(
            doc["path"],
            doc["sha256"],
            f"{doc['kind'].replace('_', ' ')} v{doc['version']} of {doc['ref']}",
            f"{RESTORE_HINT}, or render a new version with 'commresp render \"{doc['ref']}\"'",
        )
    for answer in record.answers:
        relative = f"correspondence/{answer['slug']}/answers/{answer['stored_file']}"
        check(
            relative,
            answer["sha256"],
            f"answer of {answer['agency']} (revision {answer['revision']}) to {answer['ref']}",
        )
    for enquiry in record.enquiries:
        for column, what in (("form_file", "enquiry form"), ("email_file", "enquiry e-mail")):
            if enquiry[column]:
                check(
                    f"correspondence/{enquiry['slug']}/enquiries/{enquiry[column]}",
                    None,
                    f"{what} for {enquiry['agency']} on {enquiry['ref']}",
                    f"{RESTORE_HINT}; 'commresp remind' writes the form again when it chases "
                    f"{enquiry['agency']}",
                )
    for reminder in record.reminders:
        check(
            f"correspondence/{reminder['slug']}/enquiries/{reminder['email']}",
            None,
            f"reminder e-mail for {reminder['agency']} on {reminder['ref']}",
        )
    for email in record.emails:
        check(
            f"correspondence/{email['slug']}/out/{email['email']}",
            None,
            f"e-mail to the registry for {email['ref']}",
            f"{RESTORE_HINT}, or write it again with 'commresp send \"{email['ref']}\"'",
        )
    return problems


def _check_stored(ws: Workspace, record: Record) -> list[Problem]:
    """Files whose bytes the record keeps and that no other row names (incoming letters,
    backups of drafts, answers' e-mails…): commresp's own must match the record; drafts are
    the drafter's to edit."""
    named = recorded_paths(record) | {d["path"] for d in record.documents}
    problems = []
    for relative, row in record.stored.items():
        if relative in named or row["editable"]:
            continue
        path = _inside(ws, relative)
        if path is None:
            problems.append(Problem("database", relative, "is recorded outside the workspace"))
        elif not path.is_file():
            if not ws.shares_record:
                problems.append(
                    Problem(
                        "missing", relative, f"is in the record but missing; {FROM_RECORD_HINT}"
                    )
                )
        elif files.sha256_file(path) != row["sha256"]:
            problems.append(
                Problem(
                    "altered",
                    relative,
                    f"differs from the record (sha256 differs); {FROM_RECORD_HINT}",
                )
            )
    return problems


@dataclass(frozen=True)
class Restored:
    """A file put back from the record by :func:`restore_from_record`."""

    path: str
    was: str  # missing or altered


def restore_from_record(ws: Workspace) -> list[Restored]:
    """Put back, from the bytes the record keeps, every file of commresp's own that is
    missing or whose bytes differ from the record, and every missing draft (a draft edited
    here is the drafter's and is kept).  Only files change; the record (the embedded one,
    or the team server's) is read, not written."""
    url = _server_url(ws)
    if url is not None:
        from commresp.store import postgres

        db = postgres.open_connection(url)  # as check reads it: not migrated, not changed
    else:
        db = store.open_unmigrated(ws.db_path)
    try:
        if "m010_blobs" in store.pending_migrations(db):
            return []
        done = []
        for row in store.all_stored_files(db):
            path = _inside(ws, row["path"])
            if path is None:
                continue
            if path.is_file():
                if row["editable"] or files.sha256_file(path) == row["sha256"]:
                    continue
                was = "altered"
            else:
                was = "missing"
            data = store.get_blob(db, row["sha256"])
            if data is None or files.sha256_bytes(data) != row["sha256"]:
                continue  # check reports it: the record itself is damaged
            path.parent.mkdir(parents=True, exist_ok=True)
            files.write_bytes(path, data)
            done.append(Restored(row["path"], was))
        return done
    finally:
        db.close()


def recorded_paths(record: Record) -> set[str]:
    """Paths (relative to the root) of the files in the RECORDED_FOLDERS that are on record."""
    paths = {d["path"] for d in record.documents}
    paths |= {f"correspondence/{a['slug']}/answers/{a['stored_file']}" for a in record.answers}
    paths |= {f"correspondence/{e['slug']}/out/{e['email']}" for e in record.emails}
    paths |= {
        f"correspondence/{e['slug']}/enquiries/{e[column]}"
        for e in record.enquiries
        for column in ("form_file", "email_file")
        if e[column]
    }
    paths |= {f"correspondence/{r['slug']}/enquiries/{r['email']}" for r in record.reminders}
    return paths


def is_recorded(relative: str, recorded: set[str], revisions: set[tuple[str, str, int]]) -> bool:
    """On record, or the e-mail an answer revision came in (``<agency>.rN.eml``)."""
    if relative in recorded:
        return True
    parts = relative.split("/")
    if len(parts) == 4 and parts[0] == "correspondence" and parts[2] == "answers":
        match = _ANSWER_EMAIL.match(parts[3])
        if match:
            return (parts[1], match["agency"], int(match["revision"])) in revisions
    return False


def answer_revisions(record: Record) -> set[tuple[str, str, int]]:
    return {(a["slug"], a["agency"], a["revision"]) for a in record.answers}


_NOT_ON_RECORD = "is not on record (put there by hand, or left by an interrupted command); "
_UNRECORDED = {
    "out": _NOT_ON_RECORD + "move it out of out/",
    "answers": _NOT_ON_RECORD + "move it out of answers/, and import an agency's answer with "
    "'commresp answer import FILE'",
    "enquiries": "is not on record: no enquiry sent it (left by an assign that failed or was "
    "killed, or put there by hand); do not send it: delete it or move it out of enquiries/",
}


def _check_unrecorded(ws: Workspace, record: Record, correspondence: list[Path]) -> list[Problem]:
    """No file in out/ or answers/ that the database does not know about."""
    recorded = recorded_paths(record)
    revisions = answer_revisions(record)
    problems = []
    for path in correspondence:
        relative = _rel(ws, path)
        parts = relative.split("/")
        if len(parts) < 4 or parts[2] not in RECORDED_FOLDERS or LEFTOVER.match(path.name):
            continue
        if not is_recorded(relative, recorded, revisions):
            problems.append(Problem("unrecorded", relative, _UNRECORDED[parts[2]]))
    return problems


def _check_leftovers(ws: Workspace, correspondence: list[Path]) -> list[Problem]:
    """Temporary files of interrupted writes, anywhere commresp writes, and those of an
    interrupted backup beside its archive."""
    candidates = [p for p in ws.root.iterdir() if p.is_file()] if ws.root.is_dir() else []
    candidates += correspondence + walk(ws.templates)
    problems = []
    for path in candidates:
        if not LEFTOVER.match(path.name):
            continue
        if path.parent == ws.root and path.name.startswith(BACKUP_MARKER_PREFIX):
            problems += _interrupted_backup(ws, path)
            continue
        problems.append(
            Problem(
                "leftover",
                _rel(ws, path),
                "is a temporary file left by an interrupted write; delete it (unless a "
                "commresp command is running right now)",
            )
        )
    return problems


def _interrupted_backup(ws: Workspace, marker: Path) -> list[Problem]:
    """The marker of a backup that did not finish, and each temporary file it names."""
    try:
        with open(marker, "rb") as handle:
            note = json.loads(handle.read(_MAX_MARKER_BYTES))
        target = str(note["target"])
        temporary = [Path(str(p)) for p in note["temporary"]]
    except (OSError, ValueError, KeyError, TypeError):
        target, temporary = "an archive", []
    unless = "(unless a backup is running right now)"
    problems = [
        Problem(
            "leftover",
            str(path),
            f"is a temporary file of an interrupted backup to {target}; delete it {unless}",
        )
        for path in temporary
        if path.name.startswith(".") and path.suffix in (".tmp", ".d") and path.exists()
    ]
    problems.append(
        Problem(
            "leftover",
            _rel(ws, marker),
            f"notes a backup to {target} that did not finish; delete it {unless}, and make "
            "a new backup",
        )
    )
    return problems


def _check_secret(ws: Workspace) -> list[Problem]:
    return secret_problems(ws)


def secret_problems(ws: Workspace, **probes) -> list[Problem]:
    """The secret is there and only its owner can read it (mode 0600, or an owner-only ACL
    on Windows, read with ``icacls``); ``probes`` go to :func:`protection.owner_only_problem`."""
    path = ws.secret_path
    if not path.is_file():
        return [
            Problem(
                "secret",
                SECRET_NAME,
                "is missing: returned forms cannot be checked; "
                f"{RESTORE_HINT} (a new secret would not match the forms already sent)",
            )
        ]
    try:
        problem = protection.owner_only_problem(path, **probes)
    except OSError as exc:  # icacls missing or failing (Windows)
        return [Problem("secret", SECRET_NAME, f"its protection could not be checked ({exc})")]
    if problem is None:
        return []
    return [Problem("secret", SECRET_NAME, f"{problem}; {protect_hint(**probes)}")]


def protect_hint(*, platform: str | None = None, user: str | None = None, **_probes) -> str:
    """The command that makes the secret owner-only again, on this platform."""
    if (platform or sys.platform).startswith("win"):
        who = user or protection.current_user()
        return f"run 'icacls {SECRET_NAME} /inheritance:r /grant:r {who}:F' in the workspace"
    return f"run 'chmod 600 {SECRET_NAME}'"


def walk(folder: Path) -> list[Path]:
    """Files (and links to files) under ``folder``, sorted, without entering linked folders."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        found += [Path(dirpath, name) for name in sorted(filenames)]
    return found
