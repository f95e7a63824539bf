"""Where a workspace lives, what is in it, and the mission profile (``commresp.toml``).

A workspace is found like git finds a repository: ``--workspace PATH``, else
``COMMRESP_WORKSPACE``, else the current directory and its parents.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commresp.errors import WorkspaceError

PROFILE_NAME = "commresp.toml"
DATABASE_NAME = "commresp.db"
SECRET_NAME = ".commresp-secret"
ENV_WORKSPACE = "COMMRESP_WORKSPACE"
ENV_ACTOR = "COMMRESP_ACTOR"

# What each communication folder holds (design.md §3).
SUBFOLDERS = ("incoming", "enquiries", "answers", "drafts", "out")


@dataclass(frozen=True)
class Profile:
    """The mission profile read from ``commresp.toml``; ``data`` is the parsed TOML."""

    data: Mapping[str, Any]
    path: Path

    def get(self, dotted: str, default: Any = ...) -> Any:
        """A value by dotted key (``"mission.name_fr"``); a missing required key is an error."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if default is not ...:
                    return default
                raise WorkspaceError(
                    f"{self.path.name}: missing '{dotted}'; add it (see 'commresp init --help' "
                    "for a complete profile)"
                )
            node = node[part]
        return node

    @property
    def state_code(self) -> str:
        return str(self.get("state.code")).upper()

    @property
    def letter_types(self) -> tuple[str, ...]:
        return tuple(self.get("references.types", ["AL", "UA", "OL"]))

    @property
    def other_addressees(self) -> tuple[str, ...]:
        return tuple(self.get("references.other_addressees", ["OTH"]))

    def reply_days(self, letter_type: str) -> int:
        """Days from the letter date to the reply date for a letter type (default 60)."""
        periods = self.get("deadlines.reply_days", {})
        value = periods.get(letter_type, periods.get("default", 60))
        if not isinstance(value, int) or value < 1:
            raise WorkspaceError(
                f"{self.path.name}: deadlines.reply_days.{letter_type} must be a whole number "
                "of days, e.g. 60"
            )
        return value


def load_profile(path: Path) -> Profile:
    """Read and check ``commresp.toml``; a corrupt file is one clear error, not a traceback."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkspaceError(f"{path} is missing; run 'commresp init' to create it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{path.name} is not valid TOML ({exc}); fix or restore it") from None
    profile = Profile(data, path)
    for key in ("state.code", "mission.name_fr", "mission.name_en"):
        value = profile.get(key)
        if not isinstance(value, str) or not value.strip():
            raise WorkspaceError(f"{path.name}: '{key}' must be a non-empty text")
    return profile


@dataclass(frozen=True)
class Workspace:
    """A mission's workspace folder and the paths inside it."""

    root: Path

    @property
    def profile_path(self) -> Path:
        return self.root / PROFILE_NAME

    @property
    def db_path(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def secret_path(self) -> Path:
        return self.root / SECRET_NAME

    @property
    def correspondence(self) -> Path:
        return self.root / "correspondence"

    @property
    def templates(self) -> Path:
        """Workspace overrides of the packaged templates (same file names)."""
        return self.root / "templates"

    def folder(self, slug: str, sub: str | None = None) -> Path:
        """``correspondence/<slug>[/<sub>]`` — not created."""
        path = self.correspondence / slug
        return path / sub if sub else path

    def profile(self) -> Profile:
        return load_profile(self.profile_path)


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
    if explicit:
        return explicit
    if os.environ.get(ENV_ACTOR):
        return os.environ[ENV_ACTOR]
    if profile is not None:
        name = profile.get("actor.name", "")
        if name:
            return str(name)
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the audit log still needs a value
        return "unknown"
