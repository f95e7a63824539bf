"""Files under the workspace: reading text as desktops write it, safe names, atomic writes.

Reading: every Markdown, TOML, CSV and text file commresp reads goes through
:func:`read_text` (or :func:`decode_text` for bytes already read), so that a file saved by
Windows Notepad (UTF-8 with a byte-order mark, CRLF line ends), by an old Mac editor (CR) or
by anything else (LF) reaches the rest of commresp as the same text: no BOM, LF line ends.

Writing: every file commresp writes goes to a temporary name in the same folder, is flushed
to disk, then renamed into place, and the folder itself is flushed where the platform allows
it (POSIX; Windows has no directory handle to flush, and NTFS journals the rename), so a
crash never leaves a half-written file under its final name.  Text is written as UTF-8
without BOM, with LF line ends, on every platform (see :func:`write_text`).

A file another program holds open (Word locks a .docx it has open on Windows, Excel a .csv)
cannot be replaced: that is a :class:`~commresp.errors.FileLocked`, one clear line, and the
temporary file is removed, so nothing is half-written.  The Windows error numbers were not
seen on a real Windows here: they are those documented for ``MoveFileEx`` and ``CreateFile``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from commresp.errors import FileLocked

MAX_NAME = 120
# Names Windows refuses whatever the extension; a workspace may be copied to Windows.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def safe_filename(name: str, default: str = "file") -> str:
    """A file name that cannot escape its folder: no separators, no '..', no reserved names.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    base = base.strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if stem.lower() in _RESERVED or not stem:
        stem = f"{default}-{stem}" if stem else default
    ext = ext[:16]
    stem = stem[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


# --- reading text ------------------------------------------------------------------------

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def normalise_newlines(text: str) -> str:
    """CRLF (Windows) and CR (classic Mac) line ends as LF: ``"a\\r\\nb\\rc"`` → ``"a\\nb\\nc"``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> str:
    """Text from the bytes of a file: UTF-8 with or without BOM, or UTF-16 with its BOM
    (Notepad's "Unicode"); line ends normalised to LF.  Raises ``UnicodeDecodeError``."""
    if data.startswith(_UTF16_BOMS):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8-sig")
    return normalise_newlines(text)


def read_text(path: Path) -> str:
    """The text of a file as :func:`decode_text` reads it: ``read_text(draft)`` → LF text.

    Raises ``OSError`` (e.g. ``FileNotFoundError``) and ``UnicodeDecodeError`` as
    ``Path.read_text`` does, so each caller words its own error; a file locked by another
    program is a :class:`~commresp.errors.FileLocked`.
    """
    try:
        data = Path(path).read_bytes()
    except PermissionError as exc:
        raise_if_locked(exc, Path(path))
        raise
    return decode_text(data)


# --- locked files (Windows) ----------------------------------------------------------------

# ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33): what CreateFile and MoveFileEx
# return for a file another program has open without sharing it; replacing a file that is
# open also gives ERROR_ACCESS_DENIED (5), as does a read-only file.
SHARING_VIOLATIONS = frozenset({32, 33})
ACCESS_DENIED = 5
_PROGRAMS = {
    ".docx": "Word",
    ".doc": "Word",
    ".rtf": "Word",
    ".csv": "Excel",
    ".xlsx": "Excel",
    ".pdf": "a PDF reader",
}


def is_locked(exc: BaseException, *, replacing: bool = False) -> bool:
    """Is this the error Windows gives for a file another program holds open?"""
    if not isinstance(exc, PermissionError):
        return False
    code = getattr(exc, "winerror", None)
    return code in SHARING_VIOLATIONS or (replacing and code == ACCESS_DENIED)


def raise_if_locked(exc: BaseException, path: Path, *, replacing: bool = False) -> None:
    """Turn the error for a file held open by another program into :class:`FileLocked`."""
    if is_locked(exc, replacing=replacing):
        raise FileLocked(locked_message(path, exc)) from None


def locked_message(path: Path, exc: BaseException | None = None) -> str:
    """``response.en.v2.docx is open in another program (Word?): close it and try again``."""
    program = _PROGRAMS.get(Path(path).suffix.lower())
    where = f"another program ({program}?)" if program else "another program"
    if getattr(exc, "winerror", None) == ACCESS_DENIED:
        return (
            f"{Path(path).name} is open in {where} or read-only: close it (or clear its "
            "read-only box) and try again; nothing was changed"
        )
    return f"{Path(path).name} is open in {where}: close it and try again; nothing was changed"


# --- writing -------------------------------------------------------------------------------


def fsync_directory(folder: Path, *, platform: str | None = None) -> None:
    """Flush a folder's entries (a rename, a new file) to disk, where the platform can.

    POSIX opens the folder and fsyncs it; Windows cannot open a folder as a file (and NTFS
    journals renames), so there it does nothing.  A filesystem that refuses to fsync a
    folder (some network or FUSE ones answer EINVAL) is not an error: the data itself is
    already flushed.
    """
    if (platform or sys.platform).startswith("win") or not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file that replaces it only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; give it the mode a plain open() would (or the mode of
        # the file it replaces), so documents and exports can be shared as usual.  Windows
        # has no os.fchmod before Python 3.13, and its mode bits only mean "read-only".
        if os.name != "nt" and hasattr(os, "fchmod"):
            os.fchmod(fd, mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise_if_locked(exc, path, replacing=True)
            raise
        fsync_directory(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def mode_for(path: Path) -> int:
    """The mode a new version of ``path`` gets: the mode of the file it replaces, or what a
    plain ``open()`` would give under the current umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    """Write text as UTF-8 without BOM and with LF line ends, on every platform.

    Always LF, not the platform's CRLF: the sha256 on record of a draft then means the same
    on every machine of a team (a draft is "edited by hand" only when its text changed), and
    Notepad (since Windows 10, 2018), TextEdit, Word and every programmer's editor read LF.
    What an editor saves back (BOM, CRLF) is normalised by :func:`read_text`.
    """
    write_bytes(path, normalise_newlines(text).encode("utf-8"))


def new_path(folder: Path, name: str) -> Path:
    """``folder/name`` if free, else ``stem-2.ext``, ``stem-3.ext``…: nothing is overwritten."""
    candidate = folder / name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while candidate.exists():
        candidate = folder / (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
        n += 1
    return candidate


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
