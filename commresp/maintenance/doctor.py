"""``commresp doctor``: does this machine have what a mission's work needs? One line per check.

What is checked, in order: the Python version; the workspace (found like every command finds
it); its profile; its database (sound and up to date) and where it lives (never a network
share); LibreOffice (for PDFs); the console's encoding; the secret that signs enquiry forms
(owner-only); and, when ``[database] url`` is set, the team server (reachable, its driver
installed).

Each check is a :class:`Finding` with a status: ``ok``; ``warning`` (works, with a limit
the line explains: no LibreOffice means no PDFs); ``problem`` (something to fix: the command
exits non-zero); ``skipped`` (it needs what an earlier check did not find).  Nothing is
changed: the database is opened without migrating it.  The platform probes (mount table,
``icacls``, where LibreOffice is) are parameters, as in the modules they come from; the
Windows and macOS answers were exercised with those parameters, not on a real Windows or Mac.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from commresp import workspace
from commresp.errors import CommrespError
from commresp.maintenance import checks
from commresp.workspace import filesystems, libreoffice
from commresp.workspace.profile import Profile

MINIMUM_PYTHON = (3, 11)  # setup.cfg python_requires
ENV_DATABASE_URL = "COMMRESP_DATABASE_URL"
# Names a mission's documents carry that a Western European code page cannot show.
SAMPLE_NAMES = "Łukasz, Дмитрий, Γιώργος"

OK, WARNING, PROBLEM, SKIPPED = "ok", "warning", "problem", "skipped"


@dataclass(frozen=True)
class Finding:
    """The result of one check: ``Finding("python", "ok", "3.11.7 (3.11 or later needed)")``."""

    check: str
    status: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<8} {self.check:<12} {self.detail}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Probes:
    """What the checks ask the machine; each can be replaced (tests, other platforms)."""

    python: tuple[int, ...] = tuple(sys.version_info[:3])
    encoding: str | None = None  # of stdout; None: this process's own
    environ: dict[str, str] | None = None
    find_soffice: Callable[..., libreoffice.Found | None] = libreoffice.find_soffice
    network_filesystem: Callable[[Path], str | None] = filesystems.network_filesystem
    filesystem_type: Callable[[Path], str | None] = filesystems.filesystem_type
    secret: dict[str, Any] | None = None  # keyword probes of protection.owner_only_problem


def run(explicit_workspace: str | None = None, probes: Probes | None = None) -> list[Finding]:
    """Every check, in order; the workspace is found as commands find it."""
    probes = probes or Probes()
    env = os.environ if probes.environ is None else probes.environ
    found = [python_version(probes.python)]
    try:
        ws = workspace.find(explicit_workspace)
    except CommrespError as exc:
        found.append(Finding("workspace", PROBLEM, str(exc)))
        return (
            found
            + [
                Finding(name, SKIPPED, "no workspace")
                for name in ("profile", "database", "location")
            ]
            + [libreoffice_finding(None, probes), console(probes.encoding)]
            + [Finding("secret", SKIPPED, "no workspace")]
        )
    found.append(Finding("workspace", OK, str(ws.root)))
    profile: Profile | None
    try:
        profile = ws.profile()
        found.append(profile_finding(profile))
    except CommrespError as exc:
        profile = None
        found.append(Finding("profile", PROBLEM, str(exc)))
    url = _url(profile, env)
    found.append(database(ws, url))
    found.append(location(ws, probes, url))
    found.append(libreoffice_finding(profile, probes))
    found.append(console(probes.encoding))
    found.append(secret(ws, probes, url))
    server = team_server(profile, env)
    if server is not None:
        found.append(server)
    return found


def failed(findings: list[Finding]) -> list[Finding]:
    """The findings that make ``doctor`` exit non-zero."""
    return [f for f in findings if f.status == PROBLEM]


def python_version(version: tuple[int, ...]) -> Finding:
    text = ".".join(str(part) for part in version)
    needed = ".".join(str(part) for part in MINIMUM_PYTHON)
    if tuple(version[:2]) < MINIMUM_PYTHON:
        return Finding("python", PROBLEM, f"{text}: commresp needs Python {needed} or later")
    return Finding("python", OK, f"{text} ({needed} or later needed)")


def profile_finding(profile: Profile) -> Finding:
    """The profile was read; its values that every document needs are usable."""
    from commresp.rules import document_kinds

    try:
        for letter_type in profile.letter_types:
            profile.reply_days(letter_type)
        for kind in document_kinds.REPLY:
            lang = profile.document_language(kind)
            if lang not in document_kinds.REPLY_LANGUAGES:
                raise CommrespError(
                    f"{profile.path.name}: languages.{kind} is {lang!r}; use one of "
                    f"{', '.join(document_kinds.REPLY_LANGUAGES)}"
                )
        name = profile.mission_name("en").short
        profile.get("outgoing.prefix")
    except CommrespError as exc:
        return Finding("profile", PROBLEM, str(exc))
    return Finding("profile", OK, f"{profile.path.name}: {profile.state_code}, {name}")


def _url(profile: Profile | None, env) -> str | None:
    return (
        env.get(ENV_DATABASE_URL)
        or (profile.get("database.url", "") if profile is not None else "")
        or None
    )


def database(ws: workspace.Workspace, url: str | None = None) -> Finding:
    problems = checks.database_problems(ws)
    if not problems:
        if url is not None:
            from commresp.store import postgres

            return Finding("database", OK, f"{postgres.shown_url(url)}: reachable, up to date")
        return Finding("database", OK, f"{ws.db_path.name}: sound and up to date")
    status = WARNING if all(p.kind == "pending" for p in problems) else PROBLEM
    return Finding("database", status, "; ".join(p.line() for p in problems))


def location(ws: workspace.Workspace, probes: Probes, url: str | None = None) -> Finding:
    """The database's folder is on this computer, not on a share (see workspace.session);
    with a team server the folder holds no record, and may be anywhere."""
    from commresp.workspace.session import network_share_message

    if url is not None:
        return Finding("location", OK, "the record is on the team server, not in this folder")
    share = probes.network_filesystem(ws.root)
    if share:
        return Finding("location", PROBLEM, network_share_message(ws.db_path, share))
    fstype = probes.filesystem_type(ws.root)
    return Finding("location", OK, f"on this computer ({fstype or 'local disk'})")


HOW_FOUND = {
    "profile": "from [pdf] soffice in commresp.toml",
    "PATH": "on PATH",
    "standard place": "where its installer puts it",
}


def libreoffice_finding(profile: Profile | None, probes: Probes) -> Finding:
    configured = profile.get("pdf.soffice", "") if profile is not None else ""
    found = probes.find_soffice(str(configured) if configured else None)
    if found is None:
        return Finding(
            "libreoffice",
            WARNING,
            f"not found, so no PDFs (render --pdf): {libreoffice.install_hint()}",
        )
    if found.how == "profile (missing)":
        return Finding(
            "libreoffice",
            PROBLEM,
            f"[pdf] soffice in commresp.toml is {found.path!r}, which does not exist; correct "
            "it, or remove it to let commresp look for LibreOffice",
        )
    return Finding("libreoffice", OK, f"{found.path} ({HOW_FOUND.get(found.how, found.how)})")


def console(encoding: str | None) -> Finding:
    """Can the console show every name? If not, commresp escapes what it cannot show."""
    name = encoding or getattr(sys.stdout, "encoding", None) or "unknown"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        codec = name
    if codec.startswith("utf"):
        return Finding("console", OK, f"{codec}: shows every name")
    try:
        SAMPLE_NAMES.encode(codec)
    except (UnicodeEncodeError, LookupError):
        return Finding(
            "console",
            WARNING,
            f"{codec}: Polish, Cyrillic or Greek letters print as \\u escapes (--json is "
            "exact); for UTF-8 set PYTHONUTF8=1, or use Windows Terminal",
        )
    return Finding("console", OK, f"{codec}")


def secret(ws: workspace.Workspace, probes: Probes, url: str | None = None) -> Finding:
    """The form secret: the workspace's owner-only file, or (``url``) the team's record's."""
    if url:
        return Finding("secret", OK, "the team's record keeps it (coordinators and above)")
    problems = checks.secret_problems(ws, **(probes.secret or {}))
    if problems:
        return Finding("secret", PROBLEM, "; ".join(p.line() for p in problems))
    return Finding("secret", OK, f"{ws.secret_path.name}: only you can read it")


def team_server(profile: Profile | None, env) -> Finding | None:
    """A ``[database] url`` (or ``COMMRESP_DATABASE_URL``) asks for the team server mode."""
    url = env.get(ENV_DATABASE_URL) or (
        profile.get("database.url", "") if profile is not None else ""
    )
    if not url:
        return None
    import importlib.util

    where = ENV_DATABASE_URL if env.get(ENV_DATABASE_URL) else "[database] url in commresp.toml"
    if importlib.util.find_spec("psycopg") is None:
        return Finding(
            "server",
            PROBLEM,
            f"{where} asks for the team server, whose driver is not installed: run "
            "'pip install \"commresp[server]\"'",
        )
    from commresp.store import postgres

    return Finding("server", OK, f"the team's record, from {where}: {postgres.shown_url(url)}")
