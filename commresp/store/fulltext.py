"""SQLite-specific: full-text search (FTS5) over communications, answers and paragraphs.

The FTS5 tables are made by migration ``m004_search`` and kept in step by its triggers; this
module holds every ``MATCH``.  On a PostgreSQL record the same functions hand over to
:mod:`commresp.store.fulltext_postgres` (tsvector + unaccent), with the same semantics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from commresp.store import fulltext_postgres
from commresp.store.dialects import is_postgres

if TYPE_CHECKING:
    import sqlite_utils


# A word found in more rows than this is ranked among its newest SEARCH_WINDOW rows only:
# ranking half a million matches costs seconds and separates little, while recent answers and
# replies are the ones a drafter wants to see first.
SEARCH_WINDOW = 5000


def _window_floor(db: sqlite_utils.Database, fts: str, match: str) -> int:
    """The lowest rowid among the newest SEARCH_WINDOW matches (0 when there are fewer)."""
    row = db.execute(
        f"select rowid from {fts} where {fts} match ? order by rowid desc limit 1 offset ?",
        [match, SEARCH_WINDOW - 1],
    ).fetchone()
    return row[0] if row else 0


def _top(fts: str) -> str:
    """The best matches of an FTS table, ranked and cut before any join (cheap joins)."""
    return f"""with top as materialized (
                 select rowid, rank, snippet({fts}, -1, '[', ']', '…', 12) as snippet
                 from {fts} where {fts} match ? and rowid >= ? order by rank limit ?)"""


def search_communications(db: sqlite_utils.Database, match: str, limit: int) -> list[dict]:
    if is_postgres(db):
        return fulltext_postgres.search_communications(db, match, limit, SEARCH_WINDOW)
    floor = _window_floor(db, "communications_fts", match)
    return list(
        db.query(
            _top("communications_fts")
            + """ select c.ref, 'communication' as kind, null as agency, top.snippet, top.rank
                  from top join communications c on c.rowid = top.rowid order by top.rank""",
            [match, floor, limit],
        )
    )


def search_answers(db: sqlite_utils.Database, match: str, limit: int) -> list[dict]:
    if is_postgres(db):
        return fulltext_postgres.search_answers(db, match, limit, SEARCH_WINDOW)
    floor = _window_floor(db, "answers_fts", match)
    return list(
        db.query(
            _top("answers_fts")
            + """ select c.ref, 'answer' as kind, e.agency, a.revision, top.snippet, top.rank
                  from top
                  join answers a on a.rowid = top.rowid
                  join enquiries e on e.id = a.enquiry_id
                  join communications c on c.id = e.communication_id
                  order by top.rank""",
            [match, floor, limit],
        )
    )


def search_paragraphs(
    db: sqlite_utils.Database, match: str, limit: int, exclude_communication: int | None = None
) -> list[dict]:
    if is_postgres(db):
        return fulltext_postgres.search_paragraphs(
            db, match, limit, exclude_communication, SEARCH_WINDOW
        )
    floor = _window_floor(db, "paragraphs_fts", match)
    # room for the excluded communication's own paragraphs among the best matches
    return list(
        db.query(
            _top("paragraphs_fts")
            + """ select p.id, c.ref, 'response' as kind, null as agency, p.language, p.text,
                         c.id as communication_id, top.snippet, top.rank
                  from top
                  join paragraphs p on p.rowid = top.rowid
                  join communications c on c.id = p.communication_id
                  where c.id != ? order by top.rank limit ?""",
            [match, floor, limit + 200, exclude_communication or -1, limit],
        )
    )


# --- the paragraphs of rendered responses, indexed for search and reuse -----------------


def replace_paragraphs(
    db: sqlite_utils.Database, comm_id: int, document_id: int, language: str, texts: Sequence[str]
) -> None:
    """The paragraphs of a communication's latest rendered response in one language."""
    db.execute(
        "delete from paragraphs where communication_id = ? and language = ?", [comm_id, language]
    )
    db["paragraphs"].insert_all(
        {
            "communication_id": comm_id,
            "document_id": document_id,
            "language": language,
            "position": i,
            "text": t,
        }
        for i, t in enumerate(texts, 1)
    )


def paragraph_texts(db: sqlite_utils.Database, comm_id: int) -> list[str]:
    """The indexed paragraphs of a communication's rendered responses."""
    return [
        row[0]
        for row in db.execute(
            "select text from paragraphs where communication_id = ? order by id", [comm_id]
        ).fetchall()
    ]


def get_paragraphs(db: sqlite_utils.Database, ids: Sequence[int]) -> list[dict]:
    marks = ",".join("?" * len(ids))
    return list(
        db.query(
            f"""select p.id, p.text, p.language, c.ref, p.communication_id from paragraphs p
            join communications c on c.id = p.communication_id where p.id in ({marks})""",
            list(ids),
        )
    )


# --- the text of incoming letters, indexed with their communication ---------------------


def add_letter_text(db: sqlite_utils.Database, comm_id: int, file: str, text: str) -> None:
    """Keep the text of an incoming letter, so search finds the communication by it."""
    db["letter_texts"].insert({"communication_id": comm_id, "file": file, "text": text})


# SQLite-specific: the triggers that keep the FTS5 indexes in step, set aside while a whole
# record is copied in (store.transfer.export_record), then the indexes rebuilt from the rows
# once: about three times faster than re-indexing a communication at each of its rows.
def suspend_index(db: sqlite_utils.Database) -> list[str]:
    """Drop the search index's triggers (inside the caller's transaction); their SQL, for
    :func:`resume_index`."""
    triggers = db.execute(
        "select name, sql from sqlite_master where type = 'trigger' and sql is not null"
    ).fetchall()
    for name, _sql in triggers:
        db.execute(f"drop trigger [{name}]")
    return [sql for _name, sql in triggers]


def resume_index(db: sqlite_utils.Database, triggers: list[str]) -> None:
    """Put back the triggers :func:`suspend_index` dropped, and rebuild every FTS5 index
    from the rows now in the record."""
    for sql in triggers:
        db.execute(sql)
    indexes = db.execute(
        "select name from sqlite_master where type = 'table' and sql like 'CREATE VIRTUAL TABLE%'"
        " and lower(sql) like '%using fts5%'"
    ).fetchall()
    for (name,) in indexes:
        db.execute(f"insert into [{name}] ([{name}]) values ('rebuild')")
