"""Finding LibreOffice (``soffice``) on Linux, Windows and macOS, and running it for PDFs:
one ``soffice`` run for all the files of a render, or a running unoserver (``[pdf] server``).

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
import socket
import subprocess
import sys
import tempfile
import xmlrpc.client
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

from commresp.errors import BadInput, DocumentError

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


# --- converting to PDF: one LibreOffice run for many files, or a running unoserver ----------

# How to start a unoserver, said in the help, the README and the error when none answers.
# unoserver (PyPI) drives LibreOffice through UNO, which Debian ships for its own python3 only
# (python3-uno): the server runs under that Python; commresp only needs the client part.
SERVER_HINT = (
    "start one with 'unoserver --interface 127.0.0.1 --port 2003' (pip install unoserver, "
    "in a Python that has LibreOffice's uno module: on Debian, /usr/bin/python3 with "
    "python3-uno)"
)
DEFAULT_SERVER_PORT = 2003


def soffice_command(exe: str, user_installation: Path, outdir: Path, sources: Sequence[Path]):
    """The one ``soffice`` command line converting every file of ``sources`` into ``outdir``.

    ``user_installation`` is a private profile folder: LibreOffice refuses to run twice on one
    user profile, so a conversion never shares the user's own (an open LibreOffice window)."""
    return [
        exe,
        f"-env:UserInstallation={user_installation.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *(str(source) for source in sources),
    ]


def convert_with_soffice(
    exe: str, sources: Sequence[Path], outdir: Path, *, timeout: float
) -> dict[Path, str | None]:
    """Convert ``sources`` (.docx) to PDFs in ``outdir`` in ONE LibreOffice run (it starts in
    about a second, then takes some 70 ms a file); each source's PDF is ``outdir/<stem>.pdf``.

    Returns, for each source, None when its PDF was made, else the reason it was not: one
    file LibreOffice cannot read does not stop the others.  A run that fails as a whole (not
    started, timed out) raises :class:`DocumentError`."""
    outdir.mkdir(parents=True, exist_ok=True)
    names = ", ".join(source.name for source in sources[:3]) + (", …" if len(sources) > 3 else "")
    with tempfile.TemporaryDirectory(prefix="commresp-soffice-") as private:
        argv = soffice_command(exe, Path(private, "profile"), outdir, sources)
        try:
            run = subprocess.run(argv, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DocumentError(
                f"LibreOffice took over {timeout:.0f} s to convert {names}; try again"
            ) from None
        except OSError as exc:
            raise DocumentError(f"LibreOffice ({exe}) could not be started: {exc}") from None
    said = (run.stderr or b"").decode("utf-8", "replace").strip().splitlines()
    last = said[-1] if said else f"exit code {run.returncode}, no reason given"
    outcome: dict[Path, str | None] = {}
    for source in sources:
        if (outdir / f"{source.stem}.pdf").is_file():
            outcome[source] = None
        else:  # LibreOffice names the file it could not load on one stderr line, if at all
            mine = [line for line in said if source.name in line]
            outcome[source] = f"LibreOffice made no PDF of it ({(mine or [last])[-1]})"
    return outcome


def parse_server(text: str) -> tuple[str, int]:
    """``[pdf] server`` as host and port: ``"127.0.0.1:2003"``, ``"localhost"`` (port 2003),
    ``"[::1]:2003"``; a :class:`BadInput` for anything else."""
    value = str(text).strip()
    host, sep, port = value.rpartition(":")
    if not sep or "]" in port:  # no port given (or an IPv6 address without one)
        host, port = value, str(DEFAULT_SERVER_PORT)
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c in host for c in "/ "):
        raise BadInput(
            f"[pdf] server in commresp.toml is {value!r}: expected HOST:PORT, e.g. "
            f'"127.0.0.1:{DEFAULT_SERVER_PORT}"'
        )
    return host, int(port)


def check_server(host: str, port: int, *, timeout: float = 3.0) -> None:
    """A :class:`DocumentError` (one line, with :data:`SERVER_HINT`) unless something
    accepts connections at ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, TimeoutError | socket.timeout):
            reason = f"no answer in {timeout:.0f} s"
    raise DocumentError(
        f"no PDF server answers at {host}:{port} ([pdf] server in commresp.toml: {reason}): "
        f"{SERVER_HINT}; or remove [pdf] server to let commresp start LibreOffice itself"
    )


def convert_with_server(
    host: str, port: int, sources: Sequence[Path], outdir: Path, *, timeout: float
) -> dict[Path, str | None]:
    """Convert ``sources`` to PDFs in ``outdir`` through a running unoserver (its XML-RPC
    client, the ``unoserver`` extra), one request a file; same result as
    :func:`convert_with_soffice`.  Files are sent as bytes unless the server is on this
    machine's loopback, which then reads and writes the paths itself."""
    try:
        from unoserver.client import UnoClient
    except ImportError:
        raise DocumentError(
            "[pdf] server in commresp.toml needs the unoserver client: "
            "pip install 'commresp[unoserver]' (or remove [pdf] server)"
        ) from None
    check_server(host, port)
    outdir.mkdir(parents=True, exist_ok=True)
    local = host in ("127.0.0.1", "localhost", "::1")
    client = UnoClient(server=host, port=str(port), host_location="local" if local else "remote")
    outcome: dict[Path, str | None] = {}
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # xmlrpc's ServerProxy takes no timeout of its own
    try:
        for source in sources:
            try:
                client.convert(
                    inpath=str(source), outpath=str(outdir / f"{source.stem}.pdf"), convert_to="pdf"
                )
            except (OSError, xmlrpc.client.Error) as exc:
                outcome[source] = f"the PDF server at {host}:{port} did not convert it ({exc})"
            else:
                made = (outdir / f"{source.stem}.pdf").is_file()
                outcome[source] = None if made else f"the PDF server at {host}:{port} made no PDF"
    finally:
        socket.setdefaulttimeout(previous)
    return outcome
