"""The team's server: set up a PostgreSQL database as the record, and add its members.

``init`` is run once by whoever owns the database (a PostgreSQL superuser, or the owner the
server's administrator created it for): it builds the schema (the same numbered migrations
as a workspace's file), creates the five roles of :mod:`commresp.rules.roles` as PostgreSQL
group roles with their grants, and installs the rules the server enforces itself (the audit
log append-only, the actor of every event its login, approvals by approvers only).  Run again
after an upgrade, it migrates and grants the new tables.  ``add_user`` adds a member: a login
in one group.  The server, not the client, decides what a member may do.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from commresp.errors import BadInput, NotPermitted, WorkspaceError
from commresp.rules import roles


@dataclass
class Setup:
    database: str
    tables: list[str]
    groups: list[str]


@dataclass
class Member:
    name: str
    role: str
    password: str | None  # generated here, shown once; None when given or not wanted
    database: str


def _open(url: str):
    """The record at ``url``, migrated (a URL that is not PostgreSQL's: BadDatabaseUrl)."""
    from commresp import store

    return store.connect(Path("unused"), url=url)


def init(url: str) -> Setup:
    """Build (or upgrade) the record at ``url`` and (re)create its roles and grants; refused,
    before anything is tried, to a login that does not own the database."""
    from commresp import store
    from commresp.store import postgres, postgres_roles

    db = store.open_server(url)  # not migrated yet: who runs it is checked first
    try:
        if not postgres_roles.owns_database(db):
            raise NotPermitted(
                f"{postgres_roles.login_role(db)[0]} does not own the database "
                f"{postgres_roles.database_name(db)}; run 'commresp server init' as its "
                f"owner ({postgres_roles.database_owner(db)}) or a PostgreSQL superuser; "
                "nothing was changed"
            )
        store.migrate_server(db)
        with postgres.transaction(db):
            tables = postgres_roles.install(db)
            database = postgres_roles.database_name(db)
    finally:
        db.close()
    return Setup(database, tables, [postgres_roles.group(database, r) for r in roles.ROLES])


def add_user(url: str, name: str, role: str, *, password: str | None = None,
             generate: bool = True) -> Member:  # fmt: skip
    """Add the member ``name`` with ``role``; a password is generated unless one is given
    (or ``generate`` is False: the server authenticates them otherwise, e.g. by certificate)."""
    from commresp.store import postgres, postgres_roles

    try:
        roles.check_role(role)
        postgres_roles.check_name(name, "member name")
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    made = None
    if password is None and generate:
        password = made = secrets.token_urlsafe(18)
    db = _open(url)
    try:
        database = postgres_roles.database_name(db)
        if not postgres_roles.has_groups(db):
            raise WorkspaceError(
                f"the database {database} has no commresp roles yet; run "
                f"'commresp server init {postgres.shown_url(url)}' first"
            )
        try:
            with postgres.transaction(db):
                postgres_roles.create_member(db, name, role, password)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    finally:
        db.close()
    return Member(name, role, made, database)


def members(url: str) -> list[dict]:
    """The members of the record at ``url`` and their roles."""
    from commresp.store import postgres_roles

    db = _open(url)
    try:
        return postgres_roles.members(db)
    finally:
        db.close()


@dataclass
class Imported:
    database: str
    copied: dict[str, int]


def import_workspace(session, url: str) -> Imported:
    """Copy this workspace's record (its files' bytes included) into the empty record at
    ``url``, in one transaction that commits only once every count and sha256 agrees."""
    from commresp import enquiries, store
    from commresp.store import postgres_roles, transfer

    if session.database_url:
        raise BadInput(
            "this workspace's record is already on a server; server import copies an "
            "embedded one (commresp.db)"
        )
    target = _open(url)
    try:
        database = postgres_roles.database_name(target)
        # the forms this workspace already sent must still be accepted from the server
        secret = enquiries.form_secret(session)
        copied = transfer.import_into(
            session.db, target, then=lambda db: store.keep_form_secret(db, secret)
        )
    finally:
        target.close()
    return Imported(database, copied)
