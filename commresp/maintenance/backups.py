"""Backups: the whole workspace in one .zip with a manifest, and its safe restoration.

``backup`` copies the database with ``VACUUM INTO`` (a transactionally consistent snapshot,
taken while colleagues go on working), then the files, so every file the snapshot records is
in the archive: files are written before the transaction that records them commits (or, for
forms, moved into place right after it).  Files in ``out/``, ``answers/`` and ``enquiries/``
that the snapshot does not record (written after it, or strays that ``check`` reports) are
left out and listed.  Memory does not grow with the record: what is on record is asked of the
snapshot one communication folder at a time, and the manifest's entries wait in a file beside
the archive.  The database is stored as it is (deflating it costs about twice the copy
itself) unless ``compress``.  While it runs, a note in the workspace names the temporary
files, so that ``check`` can name them if the backup is killed.

The archive is a zip rather than a tar.gz: a mission's Windows desktop opens it without extra
software, members can be read (and verified) one by one without unpacking the rest, and a zip
member cannot be a symbolic link or a device that Python would create on extraction.
``MANIFEST.json`` lists every member with its sha256 and size, the commresp version and the
migrations applied.

``restore`` verifies every member against the manifest, and every member name, before writing
anything; it unpacks into a hidden owner-only folder next to DIR (the secret owner-only from
its first byte) and renames it into place at the end.  Such
folders left by a killed restore are named by the next restore beside them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import stat
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

from commresp import __version__, store
from commresp.errors import BackupRefused, BadInput
from commresp.maintenance import checks
from commresp.store.dialects import is_postgres
from commresp.workspace import (
    DATABASE_NAME,
    PROFILE_NAME,
    SECRET_NAME,
    Workspace,
    files,
    protection,
)
from commresp.workspace.session import refuse_network_share

if TYPE_CHECKING:
    import sqlite_utils

MANIFEST_NAME = "MANIFEST.json"
FORMAT = "commresp-backup"
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_SECRET_BYTES = 4096  # the secret is 64 hex digits; it is read whole when restored
# Top-level names a backup may hold; anything else in an archive is refused.
TOP_FILES = (DATABASE_NAME, PROFILE_NAME, SECRET_NAME)
TOP_FOLDERS = ("correspondence", "templates")
_CHUNK = 1 << 20
_BIG = 8 * _CHUNK  # hashed in a thread of its own beside the writing
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
# The folder a restore fills before renaming it into place: ".<target>.<8 hex>.restore".
_RESTORE_STAGING = re.compile(r"^\..+\.[0-9a-f]{8}\.restore$")


@dataclass
class BackupResult:
    path: Path
    members: int
    size: int
    migrations: list[str]
    left_out: list[str] = field(default_factory=list)
    # a server record's: {"kind": "server", "database": …, "taken_at": …}; None: the file's
    source: dict | None = None

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "members": self.members,
            "size": self.size,
            "migrations": self.migrations,
            "left_out": self.left_out,
            "source": self.source or {"kind": "embedded"},
        }


@dataclass
class RestoreResult:
    path: Path
    members: int
    problems: list[checks.Problem]
    # folders left beside the target by restores that were interrupted (killed)
    leftovers: list[Path] = field(default_factory=list)
    # where the archive's record came from (its manifest's "source"; None: an embedded one)
    source: dict | None = None
    # restored into a server: its database, the rows copied, the logins in its groups
    database: str | None = None
    copied: dict[str, int] = field(default_factory=dict)
    logins: list[dict] = field(default_factory=list)
    # an archive of a server record restored as an embedded workspace: its URL dropped
    url_dropped: bool = False

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "members": self.members,
            "problems": [p.as_dict() for p in self.problems],
            "leftovers": [str(p) for p in self.leftovers],
            "source": self.source or {"kind": "embedded"},
            "database": self.database,
            "copied": self.copied,
            "logins": self.logins,
            "url_dropped": self.url_dropped,
        }


# --- backup ---------------------------------------------------------------------------------


def backup(
    ws: Workspace,
    db: sqlite_utils.Database,
    target: Path,
    progress: checks.Progress = checks.no_progress,
    *,
    compress: bool = False,
) -> BackupResult:
    """Write the workspace to ``target`` (a new .zip), atomically; never overwrite a file.

    The database is stored as it is unless ``compress``: deflating it makes the archive about
    four times smaller and the backup about three times slower (benchmarks/bench_backup.py).
    """
    target = Path(os.path.abspath(target))
    if target.exists() or target.is_symlink():
        raise BadInput(f"{target} already exists; choose a new file name (nothing was written)")
    if not target.parent.is_dir():
        raise BadInput(f"{target.parent} is not a folder; create it first (nothing was written)")
    for folder in TOP_FOLDERS:
        if target.resolve().is_relative_to((ws.root / folder).resolve()):
            raise BadInput(
                f"{target} is inside the workspace's {folder}/ folder, which the backup copies; "
                "write it somewhere else"
            )
    # The note naming the temporary files is written before they exist: a backup killed
    # between making them and noting them would leave files beside the archive that nothing
    # names (the cause of test_killed_backups_lose_no_archive… failing now and then).
    tmp, snapshot_dir = _temporary_names(target)
    marker = _leave_marker(ws, target, tmp, snapshot_dir)
    made: list[Path] = []
    try:
        # owner-only, and never a file or folder that is already there (as mkstemp/mkdtemp)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(tmp, flags, 0o600)
            made.append(tmp)
            snapshot_dir.mkdir(mode=0o700)
            made.append(snapshot_dir)
        except FileExistsError:  # made by someone else in the instant since it was free
            raise BadInput(f"{target.parent} changed as the backup started; run it again") from None
        with os.fdopen(fd, "wb") as handle:
            write = _write_server_archive if is_postgres(db) else _write_archive
            result = write(ws, db, handle, snapshot_dir, progress, compress)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(tmp, target)
    finally:
        if tmp in made:
            tmp.unlink(missing_ok=True)
        if snapshot_dir in made:
            shutil.rmtree(snapshot_dir, ignore_errors=True)
        if marker is not None:
            marker.unlink(missing_ok=True)
    result.path = target
    result.size = target.stat().st_size
    return result


def _temporary_names(target: Path) -> tuple[Path, Path]:
    """Free names beside ``target`` for the archive being written and the scratch folder:
    ".<name>.<8 hex>.tmp" and ".<name>.<8 hex>.d"."""
    while True:
        token = secrets.token_hex(4)
        tmp = target.parent / f".{target.name}.{token}.tmp"
        scratch = target.parent / f".{target.name}.{token}.d"
        if not (os.path.lexists(tmp) or os.path.lexists(scratch)):
            return tmp, scratch


def _leave_marker(ws: Workspace, target: Path, tmp: Path, snapshot_dir: Path) -> Path | None:
    """A note in the workspace of where this backup writes its temporary files, so that
    ``check`` can name them if the backup is killed; none on a disk that takes no writes."""
    note = json.dumps(
        {"target": str(target), "temporary": [str(tmp), str(snapshot_dir)]}, ensure_ascii=False
    )
    path = ws.root / f"{checks.BACKUP_MARKER_PREFIX}{secrets.token_hex(4)}.tmp"
    try:
        files.write_text(path, note)
    except OSError:
        return None
    return path


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished archive into place, refusing (atomically) to replace a file."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise BadInput(
            f"{target} appeared while the backup was written; choose a new file name"
        ) from None
    except OSError:  # no hard links on this file system: check, then rename
        if target.exists():
            raise BadInput(f"{target} already exists; choose a new file name") from None
        os.replace(tmp, target)
    files.fsync_directory(target.parent)


def _write_archive(
    ws: Workspace,
    db: sqlite_utils.Database,
    handle: BinaryIO,
    scratch: Path,
    progress: checks.Progress = checks.no_progress,
    compress: bool = False,
) -> BackupResult:
    # 1. The database first: whatever it records is already on disk (files are written
    # before the transaction that records them commits, or moved into place just after).
    snapshot = scratch / DATABASE_NAME
    progress("Copying the database", 0, 1)
    store.vacuum_into(db, snapshot)
    progress("Copying the database", 1, 1)
    snap = store.open_unmigrated(snapshot)
    # The manifest's entries wait in a file, not in memory: one per file of the workspace.
    listing = scratch / "members.jsonl"
    count = 0
    left_out: list[str] = []
    try:
        migrations = store.applied_migrations(snap)
        # the bytes to write, for the progress bar: every file, counted without keeping them
        total = _size(snapshot) + sum(_size(ws.root / n) for n in (PROFILE_NAME, SECRET_NAME))
        total += sum(_size(p) for folder in TOP_FOLDERS for p in _walk(ws.root / folder))
        meter = _Meter("Archiving", total, progress)
        with (
            _new_archive(handle) as zf,
            open(listing, "w", encoding="utf-8") as entries,
        ):

            def add(path: Path, name: str, deflate: bool = True) -> None:
                nonlocal count
                entry = _add_file(zf, path, name, meter, deflate)
                entries.write(json.dumps(entry, ensure_ascii=False) + "\n")
                count += 1

            add(snapshot, DATABASE_NAME, compress)
            # 2. Then the files.
            for name in (PROFILE_NAME, SECRET_NAME):
                if (ws.root / name).is_file():
                    add(ws.root / name, name)
            for relative, path in _workspace_files(ws, snap, left_out):
                with contextlib.suppress(FileNotFoundError):  # removed by a rolled-back write
                    add(path, relative)
            entries.close()
            with zf.open(_zipinfo(MANIFEST_NAME, datetime.now()), "w") as manifest:
                _write_manifest(manifest, migrations, listing)
    finally:
        snap.close()
    return BackupResult(Path(), count + 1, 0, migrations, left_out)


def _write_server_archive(
    ws: Workspace,
    db,
    handle: BinaryIO,
    scratch: Path,
    progress: checks.Progress = checks.no_progress,
    compress: bool = False,
) -> BackupResult:
    """A server record's archive, in the same format: the record as of one moment exported
    into ``commresp.db`` (:func:`commresp.store.transfer.export_to_file`), and every file it
    names written from the bytes it keeps (on a server the record is the truth, not this
    member's working copy), the forms' secret the record's; the profile and the templates
    are this folder's.
    Files of the working copy the record does not name are listed in ``left_out``."""
    from commresp.store import postgres_roles, transfer

    snapshot = scratch / DATABASE_NAME
    progress("Copying the server's record", 0, 1)
    # the forms' secret is the record's on a server (a reader may not read it: refused here)
    secret = store.form_secret(db)
    taken, _copied = transfer.export_to_file(db, snapshot, whole=True)
    progress("Copying the server's record", 1, 1)
    source = {"kind": "server", "database": postgres_roles.database_name(db), "taken_at": taken}
    snap = store.open_unmigrated(snapshot)
    listing = scratch / "members.jsonl"
    count = 0
    left_out: list[str] = []
    try:
        migrations = store.applied_migrations(snap)
        on_record: set[str] = set()
        templates = [p for p in checks.walk(ws.root / "templates") if p.is_file()]
        total = _size(snapshot) + _size(ws.profile_path) + len(secret) + 1
        total += store.stored_files_size(snap) + sum(_size(p) for p in templates)
        meter = _Meter("Archiving", total, progress)
        with (
            _new_archive(handle) as zf,
            open(listing, "w", encoding="utf-8") as entries,
        ):

            def note(entry: dict) -> None:
                nonlocal count
                entries.write(json.dumps(entry, ensure_ascii=False) + "\n")
                count += 1

            note(_add_file(zf, snapshot, DATABASE_NAME, meter, compress))
            if ws.profile_path.is_file():
                note(_add_file(zf, ws.profile_path, PROFILE_NAME, meter))
            note(_add_bytes(zf, secret + b"\n", SECRET_NAME, taken, meter))
            for row in store.iter_stored_files(snap):
                if not _safe_name(row["path"]):  # a tampered record: never an unsafe member
                    continue
                data = store.get_blob(snap, row["sha256"]) or b""
                note(_add_bytes(zf, data, row["path"], row["updated_at"], meter))
                on_record.add(row["path"])
            # the folder's own templates the record does not hold (a letterhead not imported)
            for relative, path in _plain_files(ws, templates, left_out):
                if relative not in on_record:
                    with contextlib.suppress(FileNotFoundError):
                        note(_add_file(zf, path, relative, meter))
            # what this working copy holds that the record does not: named, not archived
            for relative, _path in _plain_files(ws, _walk(ws.correspondence), left_out):
                if relative not in on_record:
                    left_out.append(relative)
            entries.close()
            with zf.open(_zipinfo(MANIFEST_NAME, datetime.now()), "w") as manifest:
                _write_manifest(manifest, migrations, listing, source)
    finally:
        snap.close()
    return BackupResult(Path(), count + 1, 0, migrations, sorted(left_out), source)


def _add_bytes(zf: zipfile.ZipFile, data: bytes, name: str, when: str, meter: _Meter) -> dict:
    """One member from bytes in memory (a stored file, read from the record)."""
    try:
        moment = datetime.fromisoformat(when)
    except (TypeError, ValueError):
        moment = datetime.now()
    with zf.open(_zipinfo(name, moment), "w", force_zip64=len(data) > 1 << 30) as member:
        member.write(data)
    meter.add(len(data))
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _walk(folder: Path):
    """Every file under ``folder``, one at a time (no list of them all)."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            yield Path(dirpath, name)


def _workspace_files(ws: Workspace, snap, left_out: list[str]):
    """(relative name, path) of each file to copy, one folder at a time: the files on record
    are asked of the snapshot per communication, so memory does not grow with the record."""
    for folder in TOP_FOLDERS:
        root = ws.root / folder
        if folder != "correspondence":
            yield from _plain_files(ws, checks.walk(root), left_out)
            continue
        if not root.is_dir():
            continue
        with os.scandir(root) as cases:
            for case in cases:
                if not case.is_dir(follow_symlinks=False):
                    yield from _plain_files(ws, [Path(case.path)], left_out)
                    continue
                on_record = None
                for path in checks.walk(Path(case.path)):
                    relative = path.relative_to(ws.root).as_posix()
                    parts = relative.split("/")
                    if len(parts) >= 4 and parts[2] in checks.RECORDED_FOLDERS:
                        if on_record is None:
                            record = checks.read_record(snap, case.name, with_bytes=False)
                            on_record = (
                                checks.recorded_paths(record),
                                checks.answer_revisions(record),
                            )
                        if not checks.is_recorded(relative, *on_record):
                            if not checks.LEFTOVER.match(path.name):
                                left_out.append(relative)
                            continue
                    yield from _plain_files(ws, [path], left_out)


def _plain_files(ws: Workspace, paths, left_out: list[str]):
    for path in paths:
        relative = path.relative_to(ws.root).as_posix()
        if checks.LEFTOVER.match(path.name):  # a write in progress, or a crash's
            continue
        if path.is_symlink() or not path.is_file():
            left_out.append(relative)
            continue
        yield relative, path


def _write_manifest(
    out: BinaryIO, migrations: list[str], listing: Path, source: dict | None = None
) -> None:
    """MANIFEST.json, copied from the listing as it is read: one member per line.  A server
    record's archive says so in ``source`` (its database, when the snapshot was taken): a
    key older readers do not look at, so the format stays 1."""
    head = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "commresp_version": __version__,
        "created_at": store.now(),
        "migrations": migrations,
    }
    if source is not None:
        head["source"] = source
    out.write(json.dumps(head, ensure_ascii=False)[:-1].encode("utf-8") + b', "members": [')
    with open(listing, "rb") as entries:
        for i, line in enumerate(entries):
            out.write((b",\n" if i else b"\n") + line.rstrip(b"\n"))
    out.write(b"\n]}\n")


# Level 1: a 650 MB database compresses in 4 s instead of 19 s at the default level 6, for
# an archive about 15 % larger (measured by benchmarks/bench_scale.py).
COMPRESS_LEVEL = 1


def _new_archive(handle: BinaryIO) -> zipfile.ZipFile:
    """The archive being written to ``handle``: deflated at COMPRESS_LEVEL, Zip64 allowed."""
    return zipfile.ZipFile(
        handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL, allowZip64=True
    )


def _zipinfo(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_DEFLATED
    # ZipFile.open(info) ignores the archive's level; the attribute is what it reads
    # (``compress_level`` from Python 3.13, which keeps this name as an alias)
    info._compresslevel = COMPRESS_LEVEL
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    return info


class _Meter:
    """Counts the bytes of one step and tells ``progress`` how far it is."""

    def __init__(self, what: str, total: int, progress: checks.Progress) -> None:
        self.what, self.total, self.done, self.progress = what, total, 0, progress
        progress(what, 0, total)

    def add(self, size: int) -> None:
        self.done += size
        self.progress(self.what, min(self.done, self.total), self.total)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _add_file(
    zf: zipfile.ZipFile,
    path: Path,
    name: str,
    meter: _Meter | None = None,
    deflate: bool = True,
) -> dict:
    """Stream one file into the archive, hashing what is written.  A large file is hashed in
    a thread beside the writing (both let go of the interpreter while they work)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as source, contextlib.ExitStack() as stack:
        status = os.fstat(source.fileno())
        info = _zipinfo(name, datetime.fromtimestamp(status.st_mtime))
        if not deflate:
            info.compress_type = zipfile.ZIP_STORED
        hasher = stack.enter_context(ThreadPoolExecutor(1)) if status.st_size > _BIG else None
        hashing = None
        with zf.open(info, "w", force_zip64=status.st_size > 1 << 30) as member:
            for block in iter(lambda: source.read(_CHUNK), b""):
                if hasher is None:
                    digest.update(block)
                else:
                    if hashing is not None:
                        hashing.result()
                    hashing = hasher.submit(digest.update, block)
                size += len(block)
                member.write(block)
                if meter is not None:
                    meter.add(len(block))
            if hashing is not None:
                hashing.result()
    return {"name": name, "sha256": digest.hexdigest(), "size": size}


# --- restore --------------------------------------------------------------------------------


def restore(
    archive: Path,
    target: Path,
    progress: checks.Progress = checks.no_progress,
    *,
    database_url: str | None = None,
) -> RestoreResult:
    """Unpack a backup into ``target`` (new or empty) after verifying all of it; then check.

    With ``database_url``, the record goes into that server's empty database instead (as
    ``server import`` copies one: its owner only, one transaction, every count and sha256
    verified before it commits, the team's roles and grants installed in it), and ``target``
    becomes a workspace on that server whose working copy holds the archive's files.
    Without it, an archive of a server record restores as an embedded workspace: its
    profile's ``[database] url`` is dropped."""
    target = Path(os.path.abspath(target))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BadInput(f"{target} exists and is not an empty folder; restore into a new folder")
    if not archive.is_file():
        raise BadInput(f"{archive} does not exist")
    if database_url is None:
        refuse_network_share(target / DATABASE_NAME)
    else:
        _refuse_unless_owner(database_url)
    into: dict = {}
    try:
        with zipfile.ZipFile(archive) as zf:
            manifest = _read_manifest(zf, archive)
            members = manifest["members"]
            total = sum(m["size"] for m in members)
            # everything, before anything is written
            _verify(zf, archive, members, _Meter("Verifying", total, progress))
            target.parent.mkdir(parents=True, exist_ok=True)
            leftovers = sorted(p for p in target.parent.iterdir() if _RESTORE_STAGING.match(p.name))
            staging = target.parent / f".{target.name}.{secrets.token_hex(4)}.restore"
            # owner-only while it is filled: the record is confidential, the secret above all
            staging.mkdir(mode=0o700)
            try:
                meter = _Meter("Restoring", total, progress)
                for entry in members:
                    _extract(zf, archive, entry, staging)
                    meter.add(entry["size"])
                # the bytes of every stored file kept in the record, each by its sha256
                _verify_blobs(staging / DATABASE_NAME, archive, progress)
                source = manifest.get("source")
                source = source if isinstance(source, dict) else None
                if database_url is not None:
                    into = _into_server(staging, database_url, progress)
                    _set_url(staging, database_url)
                elif source is not None and source.get("kind") == "server":
                    into["url_dropped"] = _set_url(staging, None)
                os.chmod(staging, 0o777 & ~_umask())  # as a new folder would be
                if target.exists():
                    target.rmdir()  # empty, checked above
                os.replace(staging, target)
                files.fsync_directory(target.parent)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, struct.error) as exc:
        raise BackupRefused(f"{archive.name} is damaged ({exc}); nothing was restored") from None
    if database_url is None:
        # Open it as any command would (upgrading a backup made by an older commresp).
        store.connect(target / DATABASE_NAME).close()
    problems = checks.run(Workspace(target), progress)
    return RestoreResult(target, len(members) + 1, problems, leftovers, source, **into)


def _refuse_unless_owner(url: str) -> None:
    """Only the owner of the server's database restores into it: asked before anything
    is verified or written (a wrong URL, an unreachable server: one line, nothing written)."""
    from commresp.store import postgres, postgres_roles

    db = postgres.open_connection(url)
    try:
        if not postgres_roles.owns_database(db):
            raise BackupRefused(
                f"only the owner of {postgres_roles.database_name(db)} may restore a record "
                "into it; run 'commresp restore … --database-url' as the owner (nothing was "
                "restored)"
            )
    finally:
        db.close()


def _into_server(staging: Path, url: str, progress: checks.Progress) -> dict:
    """Copy the verified record unpacked in ``staging`` into the empty database at ``url``
    (committed only once every count and sha256 agrees), then install the team's roles and
    grants in it, as ``server init`` does; the staging folder then holds no commresp.db and
    no .commresp-secret (both are the server's now)."""
    from commresp.store import postgres_roles, transfer

    progress("Copying the record into the server", 0, 1)
    source = store.connect(staging / DATABASE_NAME)  # an older archive's record upgraded
    try:
        server = store.connect(staging / DATABASE_NAME, url=url)
        try:
            database = postgres_roles.database_name(server)
            # the forms already sent must still be accepted: the archive's secret is the record's
            secret = (staging / SECRET_NAME).read_bytes().strip()

            def then(db) -> None:
                postgres_roles.install(db)
                store.keep_form_secret(db, secret)

            copied = transfer.import_into(source, server, what="restore --database-url", then=then)
            logins = postgres_roles.members(server)
        finally:
            server.close()
    finally:
        source.close()
    for suffix in ("", "-wal", "-shm"):
        (staging / (DATABASE_NAME + suffix)).unlink(missing_ok=True)
    # the secret is the record's now: a copy in a member's folder would be one more to guard
    (staging / SECRET_NAME).unlink(missing_ok=True)
    progress("Copying the record into the server", 1, 1)
    return {"database": database, "copied": copied, "logins": logins}


def _set_url(staging: Path, url: str | None) -> bool:
    """Point the unpacked profile at ``url`` (None: drop its ``[database] url``); whether
    its text changed."""
    from commresp.workspace import profile

    path = staging / PROFILE_NAME
    text = files.read_text(path)
    changed = profile.with_database_url(text, url)
    if changed != text:
        files.write_text(path, changed)
    return changed != text


def _read_manifest(zf: zipfile.ZipFile, archive: Path) -> dict:
    not_ours = f"{archive.name} is not a commresp backup (no valid {MANIFEST_NAME})"
    try:
        info = zf.getinfo(MANIFEST_NAME)
    except KeyError:
        raise BackupRefused(f"{not_ours}; nothing was restored") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupRefused(f"{not_ours}; nothing was restored")
    try:
        with zf.open(info) as handle:
            manifest = json.loads(handle.read(MAX_MANIFEST_BYTES + 1))
    except (ValueError, UnicodeDecodeError):
        raise BackupRefused(f"{not_ours}; nothing was restored") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{not_ours}; nothing was restored")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            f"{archive.name} was written by a newer commresp (backup format "
            f"{manifest.get('format_version')}); upgrade commresp to restore it"
        )
    unknown = sorted(set(manifest.get("migrations") or []) - set(store.known_migrations()))
    if unknown:
        raise BackupRefused(
            f"{archive.name} holds a database of a newer commresp "
            f"({manifest.get('commresp_version')}; unknown migrations: {', '.join(unknown)}); "
            "upgrade commresp to restore it; nothing was restored"
        )
    members = manifest.get("members")
    if not isinstance(members, list) or not all(
        isinstance(m, dict)
        and isinstance(m.get("name"), str)
        and isinstance(m.get("sha256"), str)
        and isinstance(m.get("size"), int)
        and m["size"] >= 0
        for m in members
    ):
        raise BackupRefused(f"{not_ours}; nothing was restored")
    return manifest


def _safe_name(name: str) -> bool:
    """A relative POSIX path inside the workspace, under a name a backup may hold."""
    if not name or "\\" in name or "\x00" in name or _WINDOWS_DRIVE.match(name):
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        return False
    if len(path.parts) == 1:
        return name in TOP_FILES
    return path.parts[0] in TOP_FOLDERS


def _verify(
    zf: zipfile.ZipFile, archive: Path, members: list[dict], meter: _Meter | None = None
) -> None:
    refused = f"{archive.name} was refused, nothing was restored"
    listed = {m["name"] for m in members}
    if len(listed) != len(members):
        raise BackupRefused(f"{refused}: the manifest names a member twice")
    for name in (DATABASE_NAME, PROFILE_NAME, SECRET_NAME):
        if name not in listed:
            raise BackupRefused(f"{refused}: {name} is missing from the backup")
    if any(m["name"] == SECRET_NAME and m["size"] > MAX_SECRET_BYTES for m in members):
        raise BackupRefused(f"{refused}: its {SECRET_NAME} is too large to be a form secret")
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise BackupRefused(f"{refused}: a member appears twice in the archive")
    for info in infos:
        if info.filename == MANIFEST_NAME:
            continue
        if not _safe_name(info.filename):
            raise BackupRefused(f"{refused}: unsafe member name {info.filename!r}")
        if info.filename not in listed:
            raise BackupRefused(f"{refused}: {info.filename!r} is not in the manifest")
        if info.flag_bits & 0x1:
            raise BackupRefused(f"{refused}: {info.filename!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BackupRefused(f"{refused}: {info.filename!r} is compressed in an unknown way")
        kind = stat.S_IFMT(info.external_attr >> 16)
        if info.is_dir() or kind not in (0, stat.S_IFREG):
            raise BackupRefused(
                f"{refused}: {info.filename!r} is not a plain file (link, device or folder)"
            )
    present = set(names)
    for entry in members:
        if not _safe_name(entry["name"]):
            raise BackupRefused(f"{refused}: unsafe member name {entry['name']!r}")
        if entry["name"] not in present:
            raise BackupRefused(
                f"{refused}: {entry['name']} is in the manifest but not the archive"
            )
        digest = hashlib.sha256()
        for block in _read_member(zf, archive, entry):
            digest.update(block)
            if meter is not None:
                meter.add(len(block))
        if digest.hexdigest() != entry["sha256"]:
            raise BackupRefused(f"{refused}: {entry['name']} does not match its manifest sha256")


def _verify_blobs(db_path: Path, archive: Path, progress: checks.Progress) -> None:
    """Every content the record keeps hashes to its sha256, and every file on record has its
    content (a record from before m010_blobs keeps none: its files are taken in when it is
    first opened)."""
    refused = f"{archive.name} was refused, nothing was restored"
    try:
        db = store.open_unmigrated(db_path)
    except sqlite3.DatabaseError:
        return  # not a readable database: the check after restoring says so
    try:
        if "m010_blobs" not in store.applied_migrations(db):
            return
        count, _size = store.blob_totals(db)
        for done, (digest, data) in enumerate(store.iter_blobs(db), 1):
            if hashlib.sha256(data).hexdigest() != digest:
                raise BackupRefused(
                    f"{refused}: the bytes its record keeps as {digest[:12]}… do not have that "
                    "sha256"
                )
            progress("Verifying the record's files", done, count)
        missing = store.missing_blobs(db)
        if missing:
            raise BackupRefused(f"{refused}: the record has no bytes for {missing[0]}")
    finally:
        db.close()


def _read_member(zf: zipfile.ZipFile, archive: Path, entry: dict):
    """The member's bytes in blocks; no more than the manifest's size (a zip bomb stops)."""
    refused = f"{archive.name} was refused, nothing was restored"
    size = 0
    with zf.open(entry["name"]) as handle:
        while block := handle.read(_CHUNK):
            size += len(block)
            if size > entry["size"]:
                raise BackupRefused(f"{refused}: {entry['name']} is larger than its manifest says")
            yield block
    if size != entry["size"]:
        raise BackupRefused(f"{refused}: {entry['name']} is smaller than its manifest says")


def _umask() -> int:
    umask = os.umask(0o077)
    os.umask(umask)
    return umask


def _extract(zf: zipfile.ZipFile, archive: Path, entry: dict, staging: Path) -> None:
    path = staging.joinpath(*entry["name"].split("/"))
    if not path.resolve().is_relative_to(staging.resolve()):  # _safe_name already ensures it
        raise BackupRefused(f"{archive.name}: unsafe member name {entry['name']!r}")
    if entry["name"] == SECRET_NAME:
        # Owner-only from its first byte: never world-readable, even if restore is killed.
        data = b"".join(_read_member(zf, archive, entry))
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupRefused(
                f"{archive.name} changed while it was restored; nothing was restored"
            )
        protection.create_private(path, data)
        return
    digest = hashlib.sha256()
    with files.atomic_writer(path) as out:
        for block in _read_member(zf, archive, entry):
            digest.update(block)
            out.write(block)
        # read again from the archive: it must not have changed since it was verified
        if digest.hexdigest() != entry["sha256"]:
            raise BackupRefused(
                f"{archive.name} changed while it was restored; nothing was restored"
            )
