"""What every operation needs: the workspace, its profile, its database, who acts, and today.

The embedded record (``commresp.db``, SQLite) is never opened on a network share: SQLite's
WAL "does not work over a network filesystem" (https://www.sqlite.org/wal.html) and its
locks are unreliable on NFS and SMB (https://www.sqlite.org/lockingv3.html, section 6), so
two people working on one shared file can corrupt the record.  There is no override.

A team keeps its record on a PostgreSQL server instead (design.md §11): ``[database] url`` in
``commresp.toml``, or ``COMMRESP_DATABASE_URL`` (which wins, so one shell can point elsewhere).
Without either, nothing changes: the embedded record, and psycopg is never imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from commresp import store, workspace
from commresp.errors import WorkspaceError
from commresp.workspace import filesystems
from commresp.workspace.profile import Profile

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

ENV_TODAY = "COMMRESP_TODAY"
ENV_DATABASE_URL = "COMMRESP_DATABASE_URL"


def database_url(profile: Profile | None, root: Path | None = None) -> str | None:
    """The team server's URL for the workspace at ``root`` (its ``profile``), from the
    environment or the profile; None for the embedded record."""
    url = os.environ.get(ENV_DATABASE_URL) or (
        profile.get("database.url", "") if profile is not None else ""
    )
    return str(url) if url else None


@dataclass
class Session:
    """An opened workspace; operations take one of these instead of globals."""

    workspace: workspace.Workspace
    profile: Profile
    actor: str
    today: date

    @cached_property
    def db(self) -> sqlite_utils.Database:
        url = database_url(self.profile, self.workspace.root)
        if url is not None:
            db = store.connect(self.workspace.db_path, url=url)
            # in a team set up with 'server init', who acts is who logged in (the server
            # writes it in every event); a record without roles keeps --actor
            if db.role:
                self.actor = db.login
            return db
        refuse_network_share(self.workspace.db_path)
        db = store.connect(self.workspace.db_path)
        if not store.intake_done(db) and not db.conn.execute("PRAGMA query_only").fetchone()[0]:
            # once, for a record made before it kept the files' bytes
            from commresp.workspace import working_copy

            working_copy.take_in(self.workspace, db)
        return db

    @property
    def database_url(self) -> str | None:
        """The team server's URL, or None when the record is the embedded commresp.db."""
        return database_url(self.profile, self.workspace.root)


def network_share_message(db_path: Path, fstype: str) -> str:
    """Why a database on a share is refused, and what to do, in one line."""
    return (
        f"{db_path.name} is on a network share ({fstype}, {db_path.parent}): SQLite cannot "
        "lock a file there safely, so the record could be corrupted; move the workspace to a "
        "folder on this computer (a team shares one server database, not a network folder)"
    )


def refuse_network_share(db_path: Path) -> None:
    """A :class:`WorkspaceError` if ``db_path`` would sit on a network filesystem."""
    fstype = filesystems.network_filesystem(db_path.parent)
    if fstype:
        raise WorkspaceError(network_share_message(db_path, fstype))


def today() -> date:
    """Today, or ``COMMRESP_TODAY`` (YYYY-MM-DD) to replay a case as of another day."""
    value = os.environ.get(ENV_TODAY)
    if not value:
        return date.today()
    from commresp.rules.deadlines import FIRST_DAY, LAST_DAY

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise WorkspaceError(f"{ENV_TODAY}={value!r} is not a date like 2025-10-10") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise WorkspaceError(
            f"{ENV_TODAY}={value} is outside the days commresp works with ({FIRST_DAY} to "
            f"{LAST_DAY}); unset it or give a date in between"
        )
    return day


def open_session(explicit_workspace: str | None = None, actor: str | None = None) -> Session:
    """Find the workspace, read its profile, and prepare (lazily) its database."""
    ws = workspace.find(explicit_workspace)
    profile = ws.profile()
    return Session(ws, profile, workspace.actor(actor, profile), today())
