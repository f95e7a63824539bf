"""``commresp init``: a new workspace with its profile, database, secret and folders."""

from __future__ import annotations

import secrets
import tomllib
from pathlib import Path

from commresp import store, workspace
from commresp.errors import BadInput, WorkspaceError
from commresp.workspace import files, packaged, protection
from commresp.workspace.profile import PROFILES, check_profile, render_profile, values_for_state
from commresp.workspace.session import refuse_network_share


def create_workspace(
    root: Path, *, profile: str | None = None, state: str | None = None, actor: str | None = None
) -> workspace.Workspace:
    """Create a workspace in ``root``; refuse if one is there already."""
    if profile and state:
        raise BadInput("give either --profile or --state, not both")
    if profile:
        if profile not in PROFILES:
            raise BadInput(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
        values = PROFILES[profile]
    else:
        values = values_for_state(state or "BEL")
    text = render_profile(values)
    check_profile(tomllib.loads(text))  # what init writes, every command can read
    ws = workspace.Workspace(root.resolve())
    if ws.profile_path.exists() or ws.db_path.exists():
        raise WorkspaceError(
            f"{ws.root} already holds a commresp workspace; nothing was changed "
            "(use another folder, or delete it yourself to start over)"
        )
    refuse_network_share(ws.db_path)  # before anything is made there
    root.mkdir(parents=True, exist_ok=True)
    ws.correspondence.mkdir(exist_ok=True)
    try:
        # Per-workspace secret for form tokens (HMAC): readable by its owner only, from its
        # first byte (mode 0600 on POSIX, an owner-only ACL on Windows).
        protection.create_private(ws.secret_path, secrets.token_hex(32).encode("ascii"))
        db = store.connect(ws.db_path, create=True)
        with store.transaction(db):
            store.upsert_mandates(db, packaged.mandates())
            store.upsert_agencies(db, packaged.agencies(values.state_code))
            store.mark_intake_done(db, 0, store.now())  # a new record has no files to take in
            store.add_event(
                db,
                actor=workspace.actor(actor),
                action="init",
                details={"state": values.state_code, "profile": profile or ""},
            )
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
