"""Copying a record between the embedded file and a team server, verified before it counts.

:func:`copy_record` copies every row of every table of a SQLite record into a PostgreSQL
record made by the same migrations, parents before children (their foreign keys), in one
transaction on the server; identity counters then continue after the highest id copied.
The search index on the server is built once from the rows (its triggers set aside meanwhile).
:func:`verify` compares the row counts of both and checks every stored file's bytes against
its sha256 on the server itself; :func:`import_into` does both into an empty server record,
committing only when they agree (``server import``, and ``restore --database-url``).

:func:`export_record` goes the other way: the server's record as of one moment (a REPEATABLE
READ, READ ONLY transaction) into a SQLite file made by the same migrations, streamed a batch
of rows at a time, SQLite's search index rebuilt once from the rows (its triggers set aside
meanwhile).  ``backup`` archives that file as it archives an embedded record, and ``browse``
serves it.  Why not ``pg_dump``: no PostgreSQL client of the server's major version is needed
on a mission's desktop, the archive stays the one format ``restore`` knows (``commresp.db``,
the files, ``MANIFEST.json``), and an archive made from a server restores as an embedded
workspace or into a server alike.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from commresp.errors import NotPermitted, WorkspaceError
from commresp.store import fulltext, fulltext_postgres

# Kept by the server's own triggers, or the migrations' bookkeeping: never copied.
_NOT_COPIED = {"_sqlite_migrations", "communication_search"}
# Rows copied per INSERT.
BATCH = 500


def copied_tables(source: Any, target: Any) -> list[str]:
    """The tables of ``source`` (a SQLite record) to copy into ``target``, each after those
    it refers to: those of both records (SQLite's full-text index tables are its own)."""
    theirs = set(target.table_names())
    names = [name for name in source.table_names() if name in theirs and name not in _NOT_COPIED]
    parents = {name: {fk.other_table for fk in source[name].foreign_keys} for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [
            n for n in names if n not in ordered and (parents[n] & set(names)) - {n} <= set(ordered)
        ]
        if not ready:  # a cycle: the rest in creation order (none in commresp's schema)
            ready = [n for n in names if n not in ordered]
        ordered += ready
    return ordered


@contextlib.contextmanager
def snapshot(source: Any) -> Iterator[None]:
    """Read ``source`` (SQLite, WAL) as of one moment: colleagues' writes meanwhile wait for
    the next copy, they do not tear this one."""
    source.execute("begin")
    try:
        yield
    finally:
        source.execute("rollback")


def record_size(db: Any) -> dict[str, int]:
    """How many communications and events a record holds (an empty one: both 0)."""
    return {
        table: db.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("communications", "events")
    }


def copy_record(source: Any, target: Any) -> dict[str, int]:
    """Copy every row of ``source`` into ``target`` (inside the caller's transaction on
    the server); the rows copied per table."""
    tables = copied_tables(source, target)
    # the catalogs the migrations seeded on the server give way to the workspace's own
    for table in reversed(tables):
        target.execute(f"delete from {table}")
    # the events keep their actors: the server's trigger would write the importer's login
    has_actor_trigger = target.execute(
        "select 1 from pg_trigger where tgname = 'events_actor'"
    ).fetchone()
    if has_actor_trigger:
        target.execute("alter table events disable trigger events_actor")
    suspended = fulltext_postgres.suspend_index(target)  # the index built once, at the end
    copied = {}
    for table in tables:
        rows = source.query(f"select * from {table}")  # read as they are sent: memory stays flat
        copied[table] = 0
        while batch := list(itertools.islice(rows, BATCH)):
            target[table].insert_all(batch)
            copied[table] += len(batch)
        if "id" in target[table].columns_dict:
            target.execute(
                f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((select max(id) from {table}), 0) + 1, false)"
            )
    fulltext_postgres.resume_index(target, suspended)
    if has_actor_trigger:
        target.execute("alter table events enable trigger events_actor")
    return copied


def verify(source: Any, target: Any) -> list[str]:
    """What differs between the two records (empty: the copy is faithful): the count of
    every table, and every stored file's sha256 recomputed by the server from its bytes."""
    problems = []
    for table in copied_tables(source, target):
        mine = source.execute(f"select count(*) from {table}").fetchone()[0]
        theirs = target.execute(f"select count(*) from {table}").fetchone()[0]
        if mine != theirs:
            problems.append(f"{table}: {mine} rows here, {theirs} on the server")
    if "blobs" in target.table_names():
        bad = target.execute(
            "select sha256 from blobs where encode(sha256(data), 'hex') != sha256"
        ).fetchall()
        problems += [f"the file {row[0][:12]}… does not match its sha256" for row in bad]
        mine = {r["sha256"] for r in source.query("select sha256 from blobs")}
        theirs = {r[0] for r in target.execute("select sha256 from blobs").fetchall()}
        if mine != theirs:
            problems.append(f"{len(mine ^ theirs)} stored files differ between the two records")
    return problems


def import_into(
    source: Any, target: Any, *, what: str = "server import", then: Any = None
) -> dict[str, int]:
    """Copy ``source`` (SQLite) into the empty server record ``target`` in one transaction,
    committed only once :func:`verify` finds nothing amiss (and ``then(target)``, run in
    that transaction, has run); the rows copied per table.  Only the database's owner may;
    a record that is not empty is refused, unchanged."""
    from commresp.store import postgres, postgres_roles

    database = postgres_roles.database_name(target)
    with postgres.transaction(target):
        if not postgres_roles.owns_database(target):
            raise NotPermitted(
                f"only the owner of {database} may copy a record into it; run "
                f"'commresp {what}' as the owner (nothing was copied)"
            )
        there = record_size(target)
        if any(there.values()):
            raise WorkspaceError(
                f"the server's record {database} is not empty ({there['communications']} "
                f"communications, {there['events']} events); {what} only goes into an empty "
                "one, and nothing was copied"
            )
        with snapshot(source):
            copied = copy_record(source, target)
            problems = verify(source, target)
        if problems:
            raise WorkspaceError(
                "the copy does not match the original, so nothing was kept on the server: "
                + "; ".join(problems[:3])
            )
        if then is not None:
            then(target)
    return copied


# --- from the server into a SQLite file -------------------------------------------------------

# Never exported for browsing unless asked for: the terms hidden from publication, and the
# files' bytes (letters and documents name the people the terms hide).
CONFIDENTIAL = ("confidential_terms", "blobs")


def readable_tables(server: Any, tables: list[str]) -> list[str]:
    """Those of ``tables`` this login may SELECT on the server."""
    return [
        name
        for name in tables
        if server.execute(
            "select has_table_privilege(current_user, ?, 'SELECT')", [f'"{name}"']
        ).fetchone()[0]
    ]


def export_record(server: Any, target: Any, *, tables: list[str] | None = None) -> dict[str, int]:
    """Copy the server's record into ``target`` (a SQLite record fresh from the migrations)
    inside the caller's :func:`commresp.store.postgres.read_snapshot`: every table of both
    (or only ``tables``; the others are left empty, their seeded rows removed), a batch of
    rows at a time.  Counts are verified against the snapshot; the rows copied per table."""
    every = copied_tables(target, server)
    wanted = every if tables is None else [t for t in every if t in set(tables)]
    conn = target.conn
    # the server enforced the foreign keys; a table left out (blobs) must not stop its
    # children (stored_files) from coming
    conn.execute("PRAGMA foreign_keys = OFF")
    copied: dict[str, int] = {}
    try:
        conn.execute("begin immediate")
        triggers = fulltext.suspend_index(target)  # the index rebuilt once, at the end
        for table in reversed(every):  # the catalogs the migrations seeded give way
            conn.execute(f"delete from [{table}]")
        for table in wanted:
            columns = [c for c in target[table].columns_dict if c in server[table].columns_dict]
            names = ", ".join(f'"{c}"' for c in columns)
            insert = f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})"
            order = ", ".join(f'"{c}"' for c in server[table].pks) or names
            count = 0
            for rows in server.stream(f'select {names} from "{table}" order by {order}'):
                conn.executemany(insert, rows)
                count += len(rows)
            copied[table] = count
        for table in wanted:
            theirs = server.execute(f'select count(*) from "{table}"').fetchone()[0]
            if copied[table] != theirs:
                raise WorkspaceError(
                    f"the snapshot's {table} has {copied[table]} rows, the server's {theirs}; "
                    "nothing was kept"
                )
        fulltext.resume_index(target, triggers)
        conn.execute("commit")
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return copied


def export_to_file(
    server: Any, path: Any, *, tables: Any = None, whole: bool = False
) -> tuple[str, dict[str, int]]:
    """Export the server's record as of now into the new SQLite file ``path``; (when the
    snapshot was taken, rows per table).  ``tables``: a filter of table names (only those
    this login may read are copied); ``whole``: every table or a refusal naming the first
    this login may not read (a backup is the whole record or nothing)."""
    from commresp.store import postgres, schema

    target = schema.connect(path, create=True)
    try:
        # a new file, thrown away if this fails: no journal on disk, no waiting for it
        target.conn.execute("PRAGMA journal_mode = MEMORY")
        target.conn.execute("PRAGMA synchronous = OFF")
        with postgres.read_snapshot(server) as taken:
            every = copied_tables(target, server)
            wanted = [t for t in every if tables is None or tables(t)]
            readable = readable_tables(server, wanted)
            if whole and readable != wanted:
                missing = next(t for t in wanted if t not in readable)
                raise NotPermitted(
                    f"{server.login or 'this login'} may not read the table {missing} on the "
                    "server, and a backup is the whole record; ask the team's admin to make it"
                )
            copied = export_record(server, target, tables=readable)
        target.conn.execute("PRAGMA journal_mode = DELETE")  # one file, as VACUUM INTO's
    finally:
        target.close()
    return taken, copied
