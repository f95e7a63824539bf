"""The files of one operation: written first, shown under their final names in a safe order.

An operation that writes files and records them in one database transaction opens both
with :func:`transaction`, which yields a :class:`Staging`:

- :meth:`Staging.create` writes a *new* file (a stored answer, the backup of a hand-edited
  draft) under a free name, synced to disk, without ever replacing a file; its name is final
  at once, so the transaction can record it;
- :meth:`Staging.replace` writes the next content of a file (a draft, an enquiry form) to a
  temporary name beside it, synced; :meth:`Staging.publish` moves it into place, once the
  transaction has committed (forms and e-mails), or as the transaction's last step with the
  replaced files kept aside until the commit (drafts: a draft open in another program must
  not leave the record ahead of the disk).

If the operation fails before the commit (an error, a full disk, a rollback), what this
operation created and its temporary files are removed, files it replaced are put back, and
nothing else is touched: every file that was there before is as it was.  A process killed
half-way leaves at most temporary files named like :func:`files.atomic_writer`'s
(``.<name>.<random>.tmp``), which ``commresp check`` reports.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from commresp import store
from commresp.workspace import files

if TYPE_CHECKING:
    import sqlite_utils


@contextlib.contextmanager
def transaction(
    db: sqlite_utils.Database, record: Callable[[Path, bytes], None] | None = None
) -> Iterator[Staging]:
    """One write transaction and the files it records: staged files are moved into place
    after the commit; on any failure before it, what was written is removed.

    ``record(path, data)`` is called, inside the transaction, for each file staged
    (:class:`commresp.workspace.working_copy.Recorder` keeps its bytes in the record)."""
    staged = Staging(record)
    try:
        with store.transaction(db):
            yield staged
    except BaseException:
        staged.discard()
        raise
    staged.committed()
    staged.publish()


class Staging:
    """Files written for one operation; see the module's docstring for the order."""

    def __init__(self, record: Callable[[Path, bytes], None] | None = None) -> None:
        self._record = record
        self._created: list[Path] = []
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final)
        # files replaced before the commit, and how to put each back if it fails
        self._kept: list[tuple[Path, Path | bytes | None]] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()

    # --- writing ---------------------------------------------------------------------------

    def create(self, folder: Path, name: str, data: bytes) -> Path:
        """Write ``data`` as a new file ``folder/name`` (or ``stem-2.ext``… if taken), synced;
        an existing file is never replaced, even one that appears meanwhile."""
        folder.mkdir(parents=True, exist_ok=True)
        tmp = _temporary(folder / name)
        try:
            _write(tmp, folder / name, data)
            path = _link_new(tmp, folder, name)
        finally:
            tmp.unlink(missing_ok=True)
        self._created.append(path)
        files.fsync_directory(folder)
        if self._record is not None:
            self._record(path, data)
        return path

    def replace(self, path: Path, data: bytes) -> Path:
        """Stage ``data`` as the next content of ``path``; returns the temporary file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temporary(path)
        self._pending.append((tmp, path))
        _write(tmp, path, data)
        if self._record is not None:
            self._record(path, data)
        return tmp

    def replace_with(self, path: Path, write: Callable[[Path], None]) -> Path:
        """Stage the next content of ``path``, written by ``write(temporary_path)`` (a writer
        of its own, such as the .docx builders); returns the temporary file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temporary(path)
        self._pending.append((tmp, path))
        try:
            write(tmp)
            if os.name != "nt":  # Windows mode bits only mean "read-only"
                os.chmod(tmp, files.mode_for(path))
            with open(tmp, "rb+") as handle:  # whatever wrote it, it is on disk before use
                os.fsync(handle.fileno())
        except OSError as exc:
            raise _with_name(exc, path) from None
        if self._record is not None:
            self._record(path, tmp.read_bytes())
        return tmp

    # --- finishing -------------------------------------------------------------------------

    def publish(self, *, before_commit: bool = False) -> list[Path]:
        """Move every staged file into place.

        After the commit (what :func:`transaction` does) a file that cannot be moved leaves
        the record ahead of the disk.  ``before_commit``, called as the last step inside the
        transaction, is for files that must not be: each file replaced is kept under a
        temporary name until the commit, and a failure (a file locked by another program)
        puts every one back as it was, so the transaction can roll back with nothing
        changed.
        """
        if not before_commit:
            self._created = []  # recorded and committed: the workspace's to keep
        done = []
        try:
            while self._pending:
                tmp, path = self._pending[0]
                kept = _keep(path) if before_commit else None
                try:
                    _move(tmp, path)
                except BaseException:
                    if isinstance(kept, Path):
                        kept.unlink(missing_ok=True)
                    raise
                if before_commit:
                    self._kept.append((path, kept))
                self._pending.pop(0)
                done.append(path)
        except BaseException:
            # before the commit: everything back as it was; after it: the temporary files
            # not moved are removed
            self.discard()
            raise
        for folder in {path.parent for path in done}:
            files.fsync_directory(folder)
        return done

    def committed(self) -> None:
        """The transaction has committed: what was replaced before it stays replaced."""
        for _path, kept in self._kept:
            if isinstance(kept, Path):
                kept.unlink(missing_ok=True)
        self._kept = []
        self._created = []

    def discard(self) -> None:
        """Undo what this operation wrote and did not commit; touch nothing else."""
        for path, kept in reversed(self._kept):
            if isinstance(kept, Path):
                os.replace(kept, path)
            elif kept is None:
                path.unlink(missing_ok=True)
            else:
                files.write_bytes(path, kept)
        for tmp, _path in self._pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        for path in self._created:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._kept = []
        self._pending = []
        self._created = []


def _move(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except PermissionError as exc:
        files.raise_if_locked(exc, path, replacing=True)  # open in Word, say
        raise _with_name(exc, path) from None
    except OSError as exc:
        raise _with_name(exc, path) from None


def _keep(path: Path) -> Path | bytes | None:
    """How to put ``path`` back: a hard link to it under a temporary name, else its bytes;
    None when there is no such file."""
    if not path.exists():
        return None
    kept = _temporary(path)
    kept.unlink()
    try:
        os.link(path, kept)
    except OSError:  # no hard links on this file system
        return path.read_bytes()
    return kept


def _temporary(path: Path) -> Path:
    """A new empty file ``.<name>.<random>.tmp`` beside ``path``, owner-only until written."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _with_name(exc, path) from None
    os.close(fd)
    return Path(name)


def _write(tmp: Path, path: Path, data: bytes) -> None:
    """``data`` into ``tmp``, flushed and synced, with the mode ``path`` is to have."""
    try:
        with open(tmp, "wb") as handle:
            if os.name != "nt" and hasattr(os, "fchmod"):  # none on Windows before 3.13
                os.fchmod(handle.fileno(), files.mode_for(path))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise _with_name(exc, path) from None


def _link_new(tmp: Path, folder: Path, name: str) -> Path:
    """Give the complete file ``tmp`` the first free name of ``name``, ``stem-2.ext``…"""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 1
    while True:
        candidate = folder / (name if n == 1 else f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
        try:
            os.link(tmp, candidate)
            return candidate
        except FileExistsError:
            n += 1
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise _with_name(exc, candidate) from None
            # no hard links on this file system: claim the name, then fill it
            try:
                os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                n += 1
                continue
            os.replace(tmp, candidate)
            return candidate


def _with_name(exc: OSError, path: Path) -> OSError:
    """The error naming the file the user knows (not its temporary name)."""
    exc.filename = str(path)
    exc.filename2 = None
    return exc
