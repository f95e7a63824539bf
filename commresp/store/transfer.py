"""Copying a workspace's embedded record into a team server's, verified before it counts.

:func:`copy_record` copies every row of every table of a SQLite record into a PostgreSQL
record made by the same migrations, parents before children (their foreign keys), in one
transaction on the server; identity counters then continue after the highest id copied.
The search index on the server is rebuilt by its own triggers as the rows arrive.
:func:`verify` compares the row counts of both and checks every stored file's bytes against
its sha256 on the server itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

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
    copied = {}
    for table in tables:
        rows = list(source.query(f"select * from {table}"))
        for start in range(0, len(rows), BATCH):
            target[table].insert_all(rows[start : start + BATCH])
        copied[table] = len(rows)
        if "id" in target[table].columns_dict:
            target.execute(
                f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((select max(id) from {table}), 0) + 1, false)"
            )
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
