"""``commresp init``: a new workspace with its profile, database, secret and folders.

With a team server (``--database-url``, or ``COMMRESP_DATABASE_URL``) the record is the
server's: the first member's init creates its schema and seeds its catalogs; a member who
joins later gets a folder of their own on the same record, which init leaves as it is.
"""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

from commresp import store, workspace
from commresp.errors import BadInput, WorkspaceError
from commresp.workspace import files, packaged, protection, session
from commresp.workspace.profile import PROFILES, check_profile, render_profile, values_for_state
from commresp.workspace.session import refuse_network_share


def create_workspace(
    root: Path,
    *,
    profile: str | None = None,
    state: str | None = None,
    actor: str | None = None,
    server: str | None = None,
) -> workspace.Workspace:
    """Create a workspace in ``root``; refuse if one is there already.  ``server``: the team
    server's URL, written to the profile's ``[database] url``."""
    if profile and state:
        raise BadInput("give either --profile or --state, not both")
    if profile:
        if profile not in PROFILES:
            raise BadInput(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
        values = PROFILES[profile]
    else:
        values = values_for_state(state or "BEL")
    text = render_profile(values)
    if server:
        text += "\n# The team's record, on a PostgreSQL server (README: a team on one server)\n"
        text += f"[database]\nurl = {_toml_string(server)}\n"
    check_profile(tomllib.loads(text))  # what init writes, every command can read
    ws = workspace.Workspace(root.resolve())
    if ws.profile_path.exists() or ws.db_path.exists():
        raise WorkspaceError(
            f"{ws.root} already holds a commresp workspace; nothing was changed "
            "(use another folder, or delete it yourself to start over)"
        )
    url = server or session.database_url(None, ws.root)
    if url is None:
        refuse_network_share(ws.db_path)  # before anything is made there
    else:
        db = store.connect(ws.db_path, url=url)  # a server that refuses: nothing is made
        try:
            _join_or_seed(db, values.state_code, profile, actor)
        finally:
            db.close()
    root.mkdir(parents=True, exist_ok=True)
    ws.correspondence.mkdir(exist_ok=True)
    try:
        if url is None:
            # The secret for form tokens (HMAC), readable by its owner only from its first
            # byte (mode 0600 on POSIX, an owner-only ACL on Windows); on a team's server it
            # is the record's (m011_form_secret), so a member's folder has none.
            protection.create_private(ws.secret_path, secrets.token_hex(32).encode("ascii"))
            db = store.connect(ws.db_path, create=True)
            with store.transaction(db):
                _seed(db, values.state_code, profile, actor)
            db.close()
        files.write_text(ws.profile_path, text)
    except BaseException:
        for path in (
            ws.profile_path,
            ws.db_path,
            ws.secret_path,
            Path(f"{ws.db_path}-wal"),
            Path(f"{ws.db_path}-shm"),
        ):
            path.unlink(missing_ok=True)
        raise
    return ws


def _seed(db, state_code: str, profile: str | None, actor: str | None, **details) -> None:
    store.upsert_mandates(db, packaged.mandates())
    store.upsert_agencies(db, packaged.agencies(state_code))
    store.mark_intake_done(db, 0, store.now())  # a new record has no files to take in
    store.add_event(
        db,
        actor=workspace.actor(actor),
        action="init",
        details={"state": state_code, "profile": profile or "", **details},
    )


def _join_or_seed(db, state_code: str, profile: str | None, actor: str | None) -> None:
    """The server's record seeded by its first member; a later member joins it as it is,
    writing nothing there."""
    with store.transaction(db):
        first = store.first_event(db, "init")
        if first is None:
            _seed(db, state_code, profile, actor)
            return
        theirs = first["details"].get("state")
        if theirs and theirs != state_code:
            raise WorkspaceError(
                f"the server's record is the mission of {theirs}, not {state_code}; run "
                f"'commresp init --state {theirs}' (or the team's --profile) to join it"
            )
        # joining changes nothing on the record (a reader may join): the folder is the
        # member's own, and what they do from it is audited under their login


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
