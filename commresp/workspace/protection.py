"""Files only their owner may read (the form secret): mode bits on POSIX, an ACL on Windows.

On Linux and macOS the secret is created 0600 from its first byte. On Windows mode bits mean
nothing but "read-only", so the file's ACL is replaced with one entry, full control for the
current user, through ``icacls`` (shipped with every Windows since Vista):
``icacls FILE /inheritance:r /grant:r USER:F``; checking lists the ACL with ``icacls FILE``
and accepts only the user, SYSTEM and the Administrators group.

The Windows commands are run through an injectable ``run`` so that the parsing and the
decisions are tested here; they were not run on a real Windows machine.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from commresp.workspace.files import fsync_directory

Runner = Callable[[Sequence[str]], str]

# Principals that may hold rights on a protected file besides its owner.
_WINDOWS_TRUSTED = ("nt authority\\system", "builtin\\administrators", "system", "administrators")
# One entry as icacls prints it: "BUILTIN\\Users:(I)(RX)", "NT AUTHORITY\\SYSTEM:(F)".
_ACE = re.compile(r"(?P<who>[^:()]+?):(?P<rights>(?:\([^)]*\))+)")
# The first entry shares its line with the file's name: "C:\\ws\\.commresp-secret OFFICE\\ana:(F)".
_FIRST_PATH = re.compile(r"^(?:[A-Za-z]:|\\\\)\S*\s+")


class ProtectionError(OSError):
    """The file could not be restricted to its owner."""


def _icacls(args: Sequence[str]) -> str:  # pragma: no cover - Windows only
    import subprocess  # only on Windows, when the ACL is set or read

    done = subprocess.run(
        ["icacls", *args], capture_output=True, text=True, timeout=30, check=False
    )
    if done.returncode != 0:
        raise ProtectionError(done.stderr.strip() or done.stdout.strip() or "icacls failed")
    return done.stdout


def _is_windows(platform: str | None) -> bool:
    return (platform or sys.platform).startswith("win")


def current_user() -> str:
    """The login of the person running commresp (``DOMAIN\\user`` form not required)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def restrict_to_owner(
    path: Path, *, platform: str | None = None, run: Runner | None = None, user: str | None = None
) -> None:
    """Make ``path`` readable and writable by its owner only."""
    if _is_windows(platform):
        (run or _icacls)([str(path), "/inheritance:r", "/grant:r", f"{user or current_user()}:F"])
        return
    os.chmod(path, 0o600)


def create_private(
    path: Path, data: bytes, *, platform: str | None = None, run: Runner | None = None
) -> None:
    """Create ``path`` (it must not exist) holding ``data``, owner-only from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        if _is_windows(platform):
            # Restrict before any secret byte is written: the ACL, not the mode, protects it.
            restrict_to_owner(path, platform=platform, run=run)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if fd != -1:
            os.close(fd)
        path.unlink(missing_ok=True)  # never leave a secret half-written (or unprotected)
        raise
    fsync_directory(path.parent)


def windows_acl_problem(icacls_output: str, user: str, path: str | None = None) -> str | None:
    """What is wrong with a file's ACL as ``icacls FILE`` prints it, or None when owner-only.

    ``path`` is the file name icacls was given (it starts the first line, before the first
    entry); without it a name without spaces is assumed.  Deny entries grant nothing.
    """
    others = []
    me = user.lower()
    for index, raw in enumerate(icacls_output.splitlines()):
        line = raw.strip()
        if index == 0:
            if path and line.startswith(path):
                line = line[len(path) :].strip()
            else:
                line = _FIRST_PATH.sub("", line, count=1)
        match = _ACE.fullmatch(line)
        if match is None or match["rights"].upper().startswith("(DENY)"):
            continue
        who = match["who"].strip()
        folded = who.lower()
        if folded == me or folded.endswith("\\" + me) or folded in _WINDOWS_TRUSTED:
            continue
        others.append(who)
    if others:
        return "can also be read by " + ", ".join(dict.fromkeys(others))
    return None


def owner_only_problem(
    path: Path, *, platform: str | None = None, run: Runner | None = None, user: str | None = None
) -> str | None:
    """Why ``path`` is not owner-only (``"mode 0644"``, ``"can also be read by Everyone"``)."""
    if _is_windows(platform):
        output = (run or _icacls)([str(path)])
        return windows_acl_problem(output, user or current_user(), str(path))
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return f"can be read by other users (mode {mode:04o})"
    return None
