"""The bytes of every stored file, in the record: content-addressed blobs and the files that
name them.

- ``blobs``: one row per distinct content, keyed by its sha256 (a BLOB column here, bytea on
  PostgreSQL); written in the same transaction as the row that names it, never changed.
- ``stored_files``: which content each file of a communication's folder holds
  (``correspondence/<slug>/…``, relative to the workspace), and whether it is the drafter's
  to edit (a Markdown draft) or commresp's own (a form, a rendered document, an answer).
- ``copy_bases``: per working copy (a member's folder), the content of each draft it was
  filled from or last wrote, so that a draft changed both in the record and here is seen.

The SQL is portable (SQLite ≥ 3.24 and PostgreSQL both take ``on conflict … do``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def put_blob(db: sqlite_utils.Database, sha256: str, data: bytes) -> None:
    """Keep ``data`` under its sha256 (nothing happens when that content is already kept)."""
    db.execute(
        "insert into blobs (sha256, size, data) values (?, ?, ?) on conflict (sha256) do nothing",
        [sha256, len(data), data],
    )


def get_blob(db: sqlite_utils.Database, sha256: str) -> bytes | None:
    """The bytes kept under ``sha256``, or None."""
    row = db.execute("select data from blobs where sha256 = ?", [sha256]).fetchone()
    return None if row is None else bytes(row[0])


def has_blob(db: sqlite_utils.Database, sha256: str) -> bool:
    return db.execute("select 1 from blobs where sha256 = ?", [sha256]).fetchone() is not None


def record_file(
    db: sqlite_utils.Database,
    *,
    path: str,
    folder: str,
    sha256: str,
    editable: bool,
    actor: str | None,
    at: str,
) -> None:
    """Say that the file ``path`` now holds the content ``sha256`` (kept by :func:`put_blob`)."""
    db.execute(
        """insert into stored_files (path, folder, sha256, editable, actor, updated_at)
           values (?, ?, ?, ?, ?, ?)
           on conflict (path) do update set sha256 = excluded.sha256,
               editable = excluded.editable, actor = excluded.actor,
               updated_at = excluded.updated_at""",
        [path, folder, sha256, int(editable), actor, at],
    )


def stored_file(db: sqlite_utils.Database, path: str) -> dict | None:
    """What the record says the file ``path`` holds: sha256, editable, actor, updated_at."""
    rows = list(db.query("select * from stored_files where path = ?", [path]))
    return rows[0] if rows else None


def stored_files_in(db: sqlite_utils.Database, folder: str) -> list[dict]:
    """Every file on record in one communication's folder (``folder``: its slug), by path."""
    return list(db.query("select * from stored_files where folder = ? order by path", [folder]))


def all_stored_files(db: sqlite_utils.Database) -> list[dict]:
    """Every file on record, by path."""
    return list(db.query("select * from stored_files order by path"))


def iter_stored_files(db: sqlite_utils.Database) -> Iterator[dict]:
    """Every file on record, by path, one at a time (memory stays flat), with its size."""
    yield from db.query(
        "select f.*, b.size from stored_files f join blobs b on b.sha256 = f.sha256 order by f.path"
    )


def stored_files_size(db: sqlite_utils.Database) -> int:
    """The bytes of every file on record, added up (a content held twice counts twice)."""
    return db.execute(
        "select coalesce(sum(b.size), 0) from stored_files f join blobs b on b.sha256 = f.sha256"
    ).fetchone()[0]


def iter_blobs(db: sqlite_utils.Database, chunk: int = 200) -> Iterator[tuple[str, bytes]]:
    """Every kept content as (sha256, bytes), a few at a time (so memory stays flat)."""
    last = ""
    while True:
        rows = db.execute(
            "select sha256, data from blobs where sha256 > ? order by sha256 limit ?",
            [last, chunk],
        ).fetchall()
        if not rows:
            return
        for sha256, data in rows:
            yield sha256, bytes(data)
        last = rows[-1][0]


def blob_totals(db: sqlite_utils.Database) -> tuple[int, int]:
    """How many contents are kept and their bytes in all."""
    count, size = db.execute("select count(*), coalesce(sum(size), 0) from blobs").fetchone()
    return int(count), int(size)


def missing_blobs(db: sqlite_utils.Database) -> list[str]:
    """Files on record whose content is not kept (none, in a sound record)."""
    return [
        r["path"]
        for r in db.query(
            """select f.path from stored_files f left join blobs b on b.sha256 = f.sha256
               where b.sha256 is null order by f.path"""
        )
    ]


def copy_base(db: sqlite_utils.Database, copy: str, path: str) -> str | None:
    """The content of the draft ``path`` this working copy started from, if known."""
    row = db.execute(
        'select sha256 from copy_bases where "copy" = ? and path = ?', [copy, path]
    ).fetchone()
    return None if row is None else row[0]


def set_copy_base(db: sqlite_utils.Database, copy: str, path: str, sha256: str) -> None:
    db.execute(
        """insert into copy_bases ("copy", path, sha256) values (?, ?, ?)
           on conflict ("copy", path) do update set sha256 = excluded.sha256""",
        [copy, path, sha256],
    )


def intake_done(db: sqlite_utils.Database) -> bool:
    """Whether the files on disk when the record learnt to keep bytes have been taken in."""
    return db.execute("select 1 from blob_intake").fetchone() is not None


def mark_intake_done(db: sqlite_utils.Database, files: int, at: str) -> None:
    db.execute("insert into blob_intake (id, done_at, files) values (1, ?, ?)", [at, files])


def known_letter_files(db: sqlite_utils.Database) -> list[dict]:
    """Incoming letters as 'register' recorded them: slug, file name, sha256 (or None)."""
    import json

    found = []
    for row in db.query(
        """select c.slug, ev.details from events ev
           join communications c on c.id = ev.communication_id
           where ev.action = 'register' order by ev.id"""
    ):
        details = json.loads(row["details"] or "{}")
        if details.get("letter"):
            found.append(
                {
                    "slug": row["slug"],
                    "name": details["letter"],
                    "sha256": details.get("letter_sha256"),
                }
            )
    return found


def communication_slugs(db: sqlite_utils.Database) -> list[str]:
    """The folder name of every communication on record."""
    return [r[0] for r in db.execute("select slug from communications order by id").fetchall()]


def paths_with_sha(db: sqlite_utils.Database, paths: Sequence[str]) -> dict[str, str]:
    """The recorded content of each of ``paths`` that is on record."""
    found: dict[str, str] = {}
    for start in range(0, len(paths), 500):
        part = list(paths[start : start + 500])
        marks = ", ".join("?" for _ in part)
        for row in db.execute(
            f"select path, sha256 from stored_files where path in ({marks})", part
        ).fetchall():
            found[row[0]] = row[1]
    return found
