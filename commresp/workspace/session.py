"""What every operation needs: the workspace, its profile, its database, who acts, and today."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from commresp import store, workspace
from commresp.errors import WorkspaceError
from commresp.workspace.profile import Profile

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

ENV_TODAY = "COMMRESP_TODAY"


@dataclass
class Session:
    """An opened workspace; operations take one of these instead of globals."""

    workspace: workspace.Workspace
    profile: Profile
    actor: str
    today: date

    @cached_property
    def db(self) -> sqlite_utils.Database:
        return store.connect(self.workspace.db_path)


def today() -> date:
    """Today, or ``COMMRESP_TODAY`` (YYYY-MM-DD) to replay a case as of another day."""
    value = os.environ.get(ENV_TODAY)
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WorkspaceError(f"{ENV_TODAY}={value!r} is not a date like 2025-10-10") from None


def open_session(explicit_workspace: str | None = None, actor: str | None = None) -> Session:
    """Find the workspace, read its profile, and prepare (lazily) its database."""
    ws = workspace.find(explicit_workspace)
    profile = ws.profile()
    return Session(ws, profile, workspace.actor(actor, profile), today())
