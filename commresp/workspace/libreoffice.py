"""Finding LibreOffice (``soffice``) on Linux, Windows and macOS, for PDFs.

Where it is looked for, in order: the profile's ``[pdf] soffice``, then ``PATH``, then the places
the official installers use, which are not on ``PATH``:

- Windows: ``C:\\Program Files\\LibreOffice\\program\\soffice.exe`` (and ``Program Files (x86)``
  for a 32-bit install), found through the ``ProgramFiles`` / ``ProgramFiles(x86)`` /
  ``ProgramW6432`` environment variables;
- macOS: ``/Applications/LibreOffice.app/Contents/MacOS/soffice``, and the same under
  ``~/Applications``.

Everything the search depends on (platform, environment, ``which``, the file test) is a
parameter, so every branch is tested on any machine. The Windows and macOS branches were
exercised on laid-out folders, not on a real Windows or macOS machine.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

INSTALL_HINTS = {
    "linux": "install it with your package manager, e.g. 'sudo apt install "
    "libreoffice-writer' (Debian/Ubuntu), then run the command again",
    "win32": "install it from https://www.libreoffice.org/download/ (or 'winget install "
    "TheDocumentFoundation.LibreOffice'), or set [pdf] soffice in commresp.toml to the full "
    "path of soffice.exe",
    "darwin": "install it from https://www.libreoffice.org/download/ (or 'brew install --cask "
    "libreoffice'), or set [pdf] soffice in commresp.toml to the full path of soffice",
}


@dataclass(frozen=True)
class Found:
    """Where LibreOffice was found, and how (``profile``, ``PATH`` or ``standard place``)."""

    path: str
    how: str


def platform_key(platform: str | None = None) -> str:
    """``win32``, ``darwin`` or ``linux`` (every other POSIX system is treated as Linux)."""
    name = platform or sys.platform
    if name.startswith("win"):
        return "win32"
    if name == "darwin":
        return "darwin"
    return "linux"


def install_hint(platform: str | None = None) -> str:
    """How to install LibreOffice on this platform, as one clause of an error message."""
    return INSTALL_HINTS[platform_key(platform)]


def standard_places(
    platform: str | None = None, environ: Mapping[str, str] | None = None
) -> list[PurePath]:
    """Where the official installers put ``soffice`` on this platform, most likely first."""
    env = os.environ if environ is None else environ
    key = platform_key(platform)
    if key == "win32":
        roots = [env.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        roots = [r for r in roots if r] or [r"C:\Program Files", r"C:\Program Files (x86)"]
        unique = list(dict.fromkeys(roots))
        return [PureWindowsPath(root, "LibreOffice", "program", "soffice.exe") for root in unique]
    if key == "darwin":
        bundle = PurePath("LibreOffice.app", "Contents", "MacOS", "soffice")
        places = [PurePath("/Applications") / bundle]
        home = env.get("HOME")
        if home:
            places.append(PurePath(home, "Applications") / bundle)
        return places
    return [PurePath("/usr/bin/soffice"), PurePath("/usr/lib/libreoffice/program/soffice")]


def find_soffice(
    configured: str | None = None,
    *,
    platform: str | None = None,
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    is_file: Callable[[str], bool] = os.path.isfile,
) -> Found | None:
    """LibreOffice's ``soffice``, or None.

    ``find_soffice()`` → ``Found("/usr/bin/soffice", "PATH")`` on a Debian machine.

    A configured path that does not exist is not silently replaced by another one: it is
    returned as found ``profile (missing)`` so that the caller can say so.
    """
    if configured:
        path = os.path.expanduser(str(configured))
        return Found(path, "profile" if is_file(path) else "profile (missing)")
    for name in ("soffice", "libreoffice"):
        on_path = which(name)
        if on_path:
            return Found(on_path, "PATH")
    for place in standard_places(platform, environ):
        if is_file(str(place)):
            return Found(str(place), "standard place")
    return None
