"""Is a folder on a network filesystem? The embedded SQLite record must never be.

SQLite's WAL mode "does not work over a network filesystem" (https://www.sqlite.org/wal.html),
and its locking is unreliable on NFS and SMB (https://www.sqlite.org/lockingv3.html §6), so a
workspace whose database sits on a share is refused and pointed at the team server instead.

How the filesystem type is read, per platform:

- Linux: the mount table (``/proc/self/mounts``), longest mount point that holds the path;
- macOS: the output of ``mount`` (``/dev/… on /Volumes/Share (smbfs, …)``);
- Windows: a UNC path (``\\\\server\\share``) or ``GetDriveTypeW`` = ``DRIVE_REMOTE`` for a
  mapped drive letter.

The probes are parameters, so each branch is tested here with laid-out inputs; the macOS and
Windows probes themselves were not run on a real macOS or Windows machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

# Filesystem types that reach another machine (Linux names, macOS names, FUSE variants).
NETWORK_TYPES = frozenset(
    {
        "9p",
        "afpfs",
        "afs",
        "ceph",
        "cifs",
        "coda",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.sshfs",
        "gfs2",
        "glusterfs",
        "gpfs",
        "lustre",
        "ncpfs",
        "nfs",
        "nfs4",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "webdav",
    }
)

DRIVE_REMOTE = 4  # GetDriveTypeW: "The drive is a remote (network) drive."


def _unescape_mount(field: str) -> str:
    """``/proc/mounts`` writes spaces and tabs in paths as octal escapes (``\\040``)."""
    return (field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")).replace(
        "\\134", "\\"
    )


def linux_type(path: Path, mounts_text: str) -> str | None:
    """The type of the filesystem holding ``path``, from the text of ``/proc/self/mounts``."""
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape_mount(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type


def macos_type(path: Path, mount_output: str) -> str | None:
    """The type of the filesystem holding ``path``, from the output of macOS ``mount``."""
    best, best_type = "", None
    target = str(path)
    for line in mount_output.splitlines():
        if " on " not in line or " (" not in line:
            continue
        _, _, rest = line.partition(" on ")
        point, _, options = rest.rpartition(" (")
        fstype = options.split(",")[0].strip(" )")
        inside = target == point or target.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type


def windows_type(path: Path, drive_type: Callable[[str], int]) -> str | None:
    """``"unc"`` or ``"remote drive"`` for a share, else ``"local"``."""
    text = str(path)
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return "unc"
    drive = os.path.splitdrive(text)[0] or text[:2]
    if drive and drive_type(drive + "\\") == DRIVE_REMOTE:
        return "remote drive"
    return "local"


def read_linux_mounts() -> str:
    """The text of this process's mount table (Linux), or "" where there is none."""
    for name in ("/proc/self/mounts", "/proc/mounts"):
        try:
            with open(name, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            continue
    return ""


def run_macos_mount() -> str:
    """The output of macOS ``mount`` ("" where it cannot be run)."""
    import subprocess  # here only: every command probes, and only macOS runs mount

    try:
        done = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def windows_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    """``GetDriveTypeW(root)``: 4 (``DRIVE_REMOTE``) for a mapped network drive."""
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))


def filesystem_type(
    path: Path,
    *,
    platform: str | None = None,
    read_mounts: Callable[[], str] | None = None,
    run_mount: Callable[[], str] | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """The filesystem type of the folder holding ``path`` (``ext4``, ``nfs4``, ``smbfs``…).

    A probe not given is this module's own (looked up when called, so that a test can
    replace ``read_linux_mounts`` for a whole command).
    """
    name = platform or sys.platform
    resolved = Path(os.path.abspath(path))
    if name.startswith("win"):
        return windows_type(resolved, drive_type or windows_drive_type)
    if name == "darwin":
        return macos_type(resolved, (run_mount or run_macos_mount)())
    return linux_type(resolved, (read_mounts or read_linux_mounts)())


def network_filesystem(path: Path, **probes) -> str | None:
    """The network filesystem type holding ``path`` (``"nfs4"``, ``"unc"``…), or None if local."""
    fstype = filesystem_type(path, **probes)
    if fstype is None:
        return None
    if fstype in ("unc", "remote drive") or fstype.lower() in NETWORK_TYPES:
        return fstype
    return None
