"""Where a workspace lives and what is in it.

A workspace is found like git finds a repository: ``--workspace PATH``, else
``COMMRESP_WORKSPACE``, else the current directory and its parents.  The mission profile
(``commresp.toml``) is read and written in :mod:`commresp.workspace.profile` (its ``Profile``
and ``load_profile`` are reachable here too).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from commresp.errors import WorkspaceError
from commresp.workspace.profile import PROFILE_NAME, Profile, load_profile

DATABASE_NAME = "commresp.db"
SECRET_NAME = ".commresp-secret"
ENV_WORKSPACE = "COMMRESP_WORKSPACE"
ENV_ACTOR = "COMMRESP_ACTOR"
# The embedded record's file, when it is not commresp.db in the workspace: two folders (two
# working copies) may share one record this way on one machine.
ENV_DATABASE_PATH = "COMMRESP_DATABASE_PATH"

CORRESPONDENCE = "correspondence"

# What each communication folder holds (design.md §3): the letter as received, the enquiry
# forms and their e-mails, the agencies' answers (never overwritten), the editable drafts,
# and the rendered documents.
INCOMING = "incoming"
ENQUIRIES = "enquiries"
ANSWERS = "answers"
DRAFTS = "drafts"
OUT = "out"
SUBFOLDERS = (INCOMING, ENQUIRIES, ANSWERS, DRAFTS, OUT)


@dataclass(frozen=True)
class Workspace:
    """A mission's workspace folder and the paths inside it."""

    root: Path

    @property
    def profile_path(self) -> Path:
        return self.root / PROFILE_NAME

    @cached_property
    def db_path(self) -> Path:
        """The embedded record: ``COMMRESP_DATABASE_PATH``, else the profile's ``[database]
        path`` (relative to the workspace), else ``commresp.db`` in the workspace."""
        given = os.environ.get(ENV_DATABASE_PATH) or _database_path_in(self.profile_path)
        if given:
            return (self.root / Path(given).expanduser()).resolve()
        return self.root / DATABASE_NAME

    @property
    def shares_record(self) -> bool:
        """Whether the record is elsewhere than ``commresp.db`` in this folder."""
        return self.db_path != self.root / DATABASE_NAME

    @property
    def secret_path(self) -> Path:
        """The form secret.  It belongs to the record: a folder sharing another's record
        uses the secret beside that record (when there is one), so that a form sent from one
        folder is accepted when its answer is imported in the other."""
        if self.shares_record:
            beside = self.db_path.parent / SECRET_NAME
            if beside.is_file():
                return beside
        return self.root / SECRET_NAME

    @property
    def correspondence(self) -> Path:
        return self.root / CORRESPONDENCE

    @property
    def templates(self) -> Path:
        """Workspace overrides of the packaged templates (same file names)."""
        return self.root / "templates"

    def folder(self, slug: str, sub: str | None = None) -> Path:
        """``correspondence/<slug>[/<sub>]`` — not created; ``sub`` is one of SUBFOLDERS."""
        if sub is not None and sub not in SUBFOLDERS:
            raise ValueError(f"{sub!r} is not a folder of a communication: {SUBFOLDERS}")
        path = self.correspondence / slug
        return path / sub if sub else path

    def profile(self) -> Profile:
        return load_profile(self.profile_path)


def _database_path_in(profile_path: Path) -> str | None:
    """``[database] path`` of the profile, read alone (the whole profile is checked where it
    is loaded; a profile that cannot be read names no other path)."""
    import tomllib

    from commresp.workspace.files import read_text  # as the profile is read: BOM, UTF-16

    try:
        value = tomllib.loads(read_text(profile_path)).get("database", {}).get("path")
    except (OSError, ValueError, AttributeError):  # ValueError: not TOML, not text
        return None
    return value if isinstance(value, str) and value.strip() else None


def is_workspace(path: Path) -> bool:
    return (path / PROFILE_NAME).is_file()


def find(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Workspace:
    """The workspace to use: explicit path, ``COMMRESP_WORKSPACE``, or walk up from ``start``."""
    given = explicit or os.environ.get(ENV_WORKSPACE)
    if given:
        root = Path(given).expanduser().resolve()
        if not is_workspace(root):
            raise WorkspaceError(
                f"{root} is not a commresp workspace (no {PROFILE_NAME}); "
                "run 'commresp init' there first"
            )
        return Workspace(root)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if is_workspace(candidate):
            return Workspace(candidate)
    raise WorkspaceError(
        f"not inside a commresp workspace (no {PROFILE_NAME} here or in any parent); "
        "run 'commresp init' or pass --workspace PATH"
    )


def actor(explicit: str | None, profile: Profile | None = None) -> str:
    """Who is acting, for the audit log: --actor, COMMRESP_ACTOR, the profile, the login."""
    from commresp.rules.input_text import single_line

    if explicit:
        return single_line(explicit, "--actor")
    if os.environ.get(ENV_ACTOR):
        return single_line(os.environ[ENV_ACTOR], ENV_ACTOR)
    if profile is not None:
        name = profile.get("actor.name", "")
        if name:
            return single_line(str(name), "[actor] name in commresp.toml")
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the audit log still needs a value
        return "unknown"
