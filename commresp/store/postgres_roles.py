"""PostgreSQL-specific: the team's roles as server roles, their grants, and the rules the server
itself enforces (whatever the client does).

Each role of :mod:`commresp.rules.roles` is a group role named after the database
(``commresp_reader`` … ``commresp_admin`` for a database called ``commresp``), each a member
of the one before it, so a drafter can do all a coordinator can.  A member is a login role
in one group.  Beyond the grants, triggers make the audit log append-only for everyone,
write the database login as the actor of every event, and let only an approver record an
approval.
"""

from __future__ import annotations

import re

from commresp.rules.roles import ROLES

# The tables each role may write, beyond what the roles before it write.  Every table of the
# schema is either here, append-only (:data:`APPEND_ONLY`), read by some only
# (:data:`PRIVATE`), or read-only for all (the migrations' own table); tests/test_server.py
# checks that against the real schema.
WRITES: dict[str, tuple[str, ...]] = {
    # which draft each member's folder was filled from: the folder's bookkeeping, written by
    # fetch, not the record's content
    "reader": ("copy_bases",),
    "coordinator": (
        "communications",
        "communication_mandates",
        "letter_texts",
        "paragraphs",
        "confidential_terms",
        "enquiries",
        "answers",
        "agencies",
        "communication_search",  # the search index, kept by triggers as the writer
        "blobs",  # the bytes of every stored file, and which file holds which
        "stored_files",
    ),
    "drafter": ("documents", "outgoing_counters", "clearances"),
    "approver": (),
    "admin": ("mandates", "mandate_holders", "blob_intake"),
}
# Inserted by every role that writes, never updated or deleted by anyone.
APPEND_ONLY: tuple[str, ...] = ("events",)
# Read only by this role and those after it, written by nobody (the owner sets it): the
# secret signing the forms, which would let a reader forge an agency's answer.
PRIVATE: dict[str, str] = {"form_secret": "coordinator"}

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_name(name: str, what: str = "name") -> str:
    """``name`` if it is a plain PostgreSQL identifier (lower case, digits, underscores)."""
    if not _NAME.match(name):
        raise ValueError(
            f"{what} {name!r} is not a plain PostgreSQL name: use lower-case letters, digits "
            "and underscores, starting with a letter (e.g. 'marie_dupont')"
        )
    return name


def group(database: str, role: str) -> str:
    """The group role of ``role`` in ``database`` (``commresp_drafter``)."""
    return check_name(f"{database}_{role}"[:63], "role")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def setup(database: str, tables: list[str]) -> list[str]:
    """The statements creating the groups of ``database`` (if missing), granting each its
    tables, and installing the server's own rules; safe to run again (after an upgrade)."""
    check_name(database, "database")
    sql = []
    for role in ROLES:
        name = group(database, role)
        sql.append(
            f"do $$ begin if not exists (select from pg_roles where rolname = {_quote(name)}) "
            f"then create role {name} nologin; end if; end $$"
        )
    for before, role in zip(ROLES, ROLES[1:], strict=False):
        sql.append(f"grant {group(database, before)} to {group(database, role)}")
    reader = group(database, "reader")
    sql += [
        f"revoke all on database {database} from public",
        f"grant connect on database {database} to {reader}",
        "revoke create on schema public from public",
        f"grant usage on schema public to {reader}",
        f"revoke all on all tables in schema public from {reader}",
        f"grant select on all tables in schema public to {reader}",
    ]
    for table, role in PRIVATE.items():
        if table in tables:
            sql += [f"revoke select on {table} from {reader}",
                    f"grant select on {table} to {group(database, role)}"]  # fmt: skip
    for role, writes in WRITES.items():
        name = group(database, role)
        for table in writes:
            if table in tables:
                sql.append(f"grant insert, update, delete on {table} to {name}")
        if role == "coordinator":
            for table in APPEND_ONLY:
                sql.append(f"grant insert on {table} to {name}")
            sql.append(f"grant usage on all sequences in schema public to {name}")
    approver = group(database, "approver")
    sql += [
        # the audit log: nobody changes or deletes an event, the owner included
        "create or replace function commresp_append_only() returns trigger language plpgsql "
        "as $$ begin raise exception 'the audit log is append-only: an event cannot be "
        "changed or deleted' using errcode = '42501'; end $$",
        "drop trigger if exists events_append_only on events",
        "create trigger events_append_only before update or delete on events "
        "for each row execute function commresp_append_only()",
        "drop trigger if exists events_no_truncate on events",
        "create trigger events_no_truncate before truncate on events "
        "for each statement execute function commresp_append_only()",
        # the actor of an event is who logged in, not what the client says
        "create or replace function commresp_event_actor() returns trigger language plpgsql "
        "as $$ begin new.actor := session_user; return new; end $$",
        "drop trigger if exists events_actor on events",
        "create trigger events_actor before insert on events "
        "for each row execute function commresp_event_actor()",
        # an approval is recorded by an approver only, under their own login
        "create or replace function commresp_approval() returns trigger language plpgsql as $$ "
        "begin "
        "if new.outcome = 'approved' and (tg_op = 'INSERT' or old.outcome is distinct from "
        "'approved') then "
        f"if not pg_has_role(session_user, {_quote(approver)}, 'MEMBER') then "
        "raise exception 'only an approver may approve a reply: % is not one', session_user "
        "using errcode = '42501'; end if; "
        "new.decided_by := session_user; end if; return new; end $$",
        "drop trigger if exists clearances_approval on clearances",
        "create trigger clearances_approval before insert or update on clearances "
        "for each row execute function commresp_approval()",
        "create or replace function commresp_approved_state() returns trigger "
        "language plpgsql as $$ begin "
        "if new.status = 'approved' and old.status is distinct from 'approved' and not "
        f"pg_has_role(session_user, {_quote(approver)}, 'MEMBER') then "
        "raise exception 'only an approver may approve a reply: % is not one', session_user "
        "using errcode = '42501'; end if; return new; end $$",
        "drop trigger if exists communications_approved on communications",
        "create trigger communications_approved before update of status on communications "
        "for each row execute function commresp_approved_state()",
    ]
    return sql


def add_user(database: str, name: str, role: str, password: str | None) -> list[str]:
    """The statements creating the login ``name`` in the group of ``role``."""
    check_name(name, "member name")
    login = f"create role {name} login" + (
        f" password {_quote(password)}" if password is not None else ""
    )
    sql = [login, f"grant {group(database, role)} to {name}"]
    if role == "admin":
        sql.append(f"alter role {name} createrole")  # to add the members who come next
    return sql


def role_of(database: str, memberships: list[str]) -> str | None:
    """The highest role of ``database`` among the group names a login is a member of."""
    held = [role for role in ROLES if group(database, role) in memberships]
    return held[-1] if held else None


# --- on a connected server ----------------------------------------------------------------


def database_name(db) -> str:
    return db.execute("select current_database()").fetchone()[0]


def install(db) -> list[str]:
    """Create the groups and grants of ``db``'s database and its rules; the tables granted."""
    database = database_name(db)
    tables = db.table_names()
    for statement in setup(database, tables):
        db.execute(statement)
    return tables


def create_member(db, name: str, role: str, password: str | None) -> None:
    """Add the login ``name`` to the group of ``role`` (one transaction)."""
    database = database_name(db)
    if db.execute("select 1 from pg_roles where rolname = ?", [name]).fetchone():
        raise ValueError(f"{name} is already a login on this server; choose another name")
    for statement in add_user(database, name, role, password):
        db.execute(statement)


def members(db) -> list[dict]:
    """Every login in one of the database's groups, with its highest role."""
    database = database_name(db)
    groups = [group(database, role) for role in ROLES]
    rows = db.execute(
        "select m.rolname, g.rolname from pg_auth_members a "
        "join pg_roles m on m.oid = a.member join pg_roles g on g.oid = a.roleid "
        "where m.rolcanlogin"
    ).fetchall()
    held: dict[str, list[str]] = {}
    for member, group_name in rows:
        if group_name in groups:
            held.setdefault(member, []).append(group_name)
    return [
        {"name": member, "role": role_of(database, names)} for member, names in sorted(held.items())
    ]


def login_role(db) -> tuple[str, str | None]:
    """The login of this connection and its role in the record (None: not a member)."""
    database = database_name(db)
    login = db.execute("select session_user").fetchone()[0]
    names = [
        name
        for (name,) in db.execute(
            "select rolname from pg_roles where pg_has_role(session_user, oid, 'MEMBER')"
        ).fetchall()
    ]
    return login, role_of(database, names)


def owns_database(db) -> bool:
    """Whether this login owns the database (or is a superuser): who may set it up."""
    return bool(
        db.execute(
            "select pg_has_role(session_user, d.datdba, 'MEMBER') from pg_database d "
            "where d.datname = current_database()"
        ).fetchone()[0]
    )


def may_migrate(db) -> bool:
    """Whether this login may change the record's schema: create in it, and own its tables
    (the migrations' own table stands for them; an empty record has none yet)."""
    create, owns = db.execute(
        "select has_schema_privilege('public', 'CREATE'), (select pg_has_role(session_user, "
        "c.relowner, 'MEMBER') from pg_class c "
        "where c.oid = to_regclass('public._sqlite_migrations'))"
    ).fetchone()
    return bool(create) and owns is not False


def database_owner(db) -> str:
    """The login (or role) that owns the database."""
    return db.execute(
        "select pg_get_userbyid(d.datdba) from pg_database d where d.datname = current_database()"
    ).fetchone()[0]


def has_groups(db) -> bool:
    """Whether ``server init`` made the database's groups."""
    names = [group(database_name(db), role) for role in ROLES]
    marks = ", ".join("?" * len(names))
    found = db.execute(f"select count(*) from pg_roles where rolname in ({marks})", names)
    return found.fetchone()[0] == len(names)
