"""The workspace database: connection settings, numbered migrations, and every SQL query.

All SQL lives here so that the rest of commresp deals in rows and dictionaries (and so that
another backend could be put behind the same functions).  Schema changes happen only through
the numbered migrations below, applied by sqlite-utils' ``Migrations``; a database made by any
earlier release opens and upgrades, one made by a newer release is refused.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from commresp.errors import WorkspaceError


def _import_sqlite_utils():
    """sqlite-utils imports numpy and pandas whenever they are installed, only to know their
    column types; commresp never stores them, and numpy alone adds ~55 ms to every command
    (matplotlib, for reports, installs it). Hide both while sqlite-utils is imported."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes 'import name' fail
    try:
        import sqlite_utils
        from sqlite_utils.migrations import Migrations
    finally:
        for name in hidden:
            del sys.modules[name]
    return sqlite_utils, Migrations


sqlite_utils, Migrations = _import_sqlite_utils()


# How long a writer waits for another one before giving up (milliseconds).  Long enough for a
# colleague's render to finish; an operation that still finds the database locked says so.
BUSY_TIMEOUT_MS = 15_000

migrations = Migrations("commresp")


@migrations()
def m001_register(db: sqlite_utils.Database) -> None:
    """The register: communications, their mandates, the catalogs and the audit log."""
    db["mandates"].create(
        {
            "slug": str,
            "holder_type": str,
            "title_en": str,
            "title_fr": str,
            "holder_gender": str,
            "verified": str,
            "notes": str,
            "source": str,
        },
        pk="slug",
        not_null={"holder_type", "title_en", "title_fr"},
    )
    db["agencies"].create(
        {
            "slug": str,
            "name_en": str,
            "name_fr": str,
            "name_nl": str,
            "language": str,
            "email": str,
            "notes": str,
            "source": str,
        },
        pk="slug",
        not_null={"name_en", "language"},
    )
    db["communications"].create(
        {
            "id": int,
            "ref": str,
            "slug": str,
            "type": str,
            "addressee": str,
            "number": int,
            "year": int,
            "letter_date": str,
            "received_on": str,
            "subject": str,
            "summary": str,
            "status": str,
            "reply_due": str,
            "outgoing_ref": str,
            "sent_on": str,
            "published_on": str,
            "closed_reason": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={
            "ref",
            "slug",
            "type",
            "addressee",
            "number",
            "year",
            "letter_date",
            "status",
            "reply_due",
            "created_at",
            "updated_at",
        },
    )
    db["communications"].create_index(["ref"], unique=True)
    db["communications"].create_index(["slug"], unique=True)
    db["communications"].create_index(["outgoing_ref"], unique=True)
    # list pages by letter date; status finds open ones by reply date.
    db["communications"].create_index(["letter_date"])
    db["communications"].create_index(["status", "reply_due"])
    db["communications"].create_index(["year"])
    db["communication_mandates"].create(
        {
            "communication_id": int,
            "position": int,
            "mandate": str,
            "holder_gender": str,
            "title_en": str,
            "title_fr": str,
        },
        pk=("communication_id", "position"),
        foreign_keys=[
            ("communication_id", "communications", "id"),
            ("mandate", "mandates", "slug"),
        ],
        not_null={"mandate", "title_en", "title_fr"},
    )
    db["communication_mandates"].create_index(["mandate"])
    db["events"].create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "communication_id": int,
            "details": str,
        },
        pk="id",
        foreign_keys=[("communication_id", "communications", "id")],
        not_null={"at", "actor", "action"},
    )
    db["events"].create_index(["communication_id"])


@migrations()
def m002_enquiries(db: sqlite_utils.Database) -> None:
    """Enquiries to agencies and their answers; answers are append-only revisions."""
    db["enquiries"].create(
        {
            "id": int,
            "communication_id": int,
            "agency": str,
            "language": str,
            "questions": str,
            "sent_on": str,
            "due_on": str,
            "status": str,
            "form_file": str,
            "email_file": str,
            "reminders": int,
            "last_reminded_on": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("communication_id", "communications", "id"), ("agency", "agencies", "slug")],
        not_null={
            "communication_id",
            "agency",
            "language",
            "questions",
            "sent_on",
            "due_on",
            "status",
            "created_at",
        },
        defaults={"reminders": 0},
    )
    # one enquiry per agency and communication: a second one is a reminder, not a new form
    db["enquiries"].create_index(["communication_id", "agency"], unique=True)
    db["enquiries"].create_index(["status", "due_on"])
    db["answers"].create(
        {
            "id": int,
            "enquiry_id": int,
            "revision": int,
            "received_on": str,
            "text": str,
            "source_file": str,
            "stored_file": str,
            "sha256": str,
            "actor": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("enquiry_id", "enquiries", "id")],
        not_null={"enquiry_id", "revision", "received_on", "text", "sha256", "created_at"},
    )
    db["answers"].create_index(["enquiry_id", "revision"], unique=True)
    db["answers"].create_index(["sha256"])


@migrations()
def m003_documents(db: sqlite_utils.Database) -> None:
    """Rendered documents (versioned, never overwritten) and the outgoing-reference counter."""
    db["documents"].create(
        {
            "id": int,
            "communication_id": int,
            "kind": str,
            "language": str,
            "version": int,
            "format": str,
            "path": str,
            "sha256": str,
            "redacted": int,
            "actor": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("communication_id", "communications", "id")],
        not_null={
            "communication_id",
            "kind",
            "language",
            "version",
            "format",
            "path",
            "sha256",
            "created_at",
        },
        defaults={"redacted": 0},
    )
    db["documents"].create_index(
        ["communication_id", "kind", "language", "version", "format", "redacted"], unique=True
    )
    # next outgoing number per year: allocated inside the writer's transaction, so two
    # drafters can never get the same GP/CC number
    db["outgoing_counters"].create(
        {"year": int, "next_number": int}, pk="year", not_null={"next_number"}
    )


@migrations()
def m004_search(db: sqlite_utils.Database) -> None:
    """Full-text search (FTS5, accents ignored) over communications, answers and the
    paragraphs of rendered responses, the latter kept so later replies can reuse them."""
    db["paragraphs"].create(
        {
            "id": int,
            "communication_id": int,
            "document_id": int,
            "language": str,
            "position": int,
            "text": str,
        },
        pk="id",
        foreign_keys=[
            ("communication_id", "communications", "id"),
            ("document_id", "documents", "id"),
        ],
        not_null={"communication_id", "document_id", "language", "position", "text"},
    )
    db["paragraphs"].create_index(["communication_id"])
    tokenize = "unicode61 remove_diacritics 2"
    db["communications"].enable_fts(
        ["ref", "subject", "summary"], create_triggers=True, tokenize=tokenize
    )
    db["answers"].enable_fts(["text"], create_triggers=True, tokenize=tokenize)
    db["paragraphs"].enable_fts(["text"], create_triggers=True, tokenize=tokenize)


@migrations()
def m005_confidential(db: sqlite_utils.Database) -> None:
    """Terms hidden in the published copy of a reply (OHCHR publishes replies 60 days after
    the letter): names of victims or officials, numbers, per communication."""
    db["confidential_terms"].create(
        {
            "id": int,
            "communication_id": int,
            "term": str,
            "folded": str,
            "actor": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("communication_id", "communications", "id")],
        not_null={"communication_id", "term", "folded", "created_at"},
    )
    # one entry per term as matched (case and accents ignored), so two adds cannot duplicate it
    db["confidential_terms"].create_index(["communication_id", "folded"], unique=True)


def now() -> str:
    """The current time as stored in the database: UTC ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def connect(path: Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open the workspace database with WAL, foreign keys and a busy timeout, migrated."""
    if not create and not path.exists():
        raise WorkspaceError(f"{path} is missing; run 'commresp init' to create the workspace")
    conn = None
    try:
        # isolation_level=None: transactions are explicit (see transaction()), never implicit.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # no sqlite-utils plugins are used: skip their discovery (10-15 ms per command)
        db = sqlite_utils.Database(conn, execute_plugins=False)
        # Refuse a newer database before writing anything: switching to WAL rewrites the header.
        _refuse_newer(db)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise WorkspaceError(
            f"{path.name} cannot be opened as a commresp database ({exc}); restore it from a backup"
        ) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return db


def _refuse_newer(db: sqlite_utils.Database) -> None:
    known = {m.name for m in migrations._migrations}
    unknown = {m.name for m in migrations.applied(db)} - known
    if unknown:
        raise WorkspaceError(
            "this database was written by a newer commresp (unknown migrations: "
            f"{', '.join(sorted(unknown))}); upgrade commresp to open it"
        )


def _migrate(db: sqlite_utils.Database) -> None:
    known = {m.name for m in migrations._migrations}
    applied = {m.name for m in migrations.applied(db)}
    if applied != known:
        # All pending steps in one write transaction (each step nests as a savepoint), so two
        # processes opening an old database at once cannot both run the same step.
        with transaction(db):
            if migrations.pending(db):
                migrations.apply(db)


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction per operation; BEGIN IMMEDIATE so writers queue, never deadlock."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def add_event(
    db: sqlite_utils.Database,
    *,
    actor: str,
    action: str,
    communication_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one audit event; the audit log is never updated or deleted."""
    db["events"].insert(
        {
            "at": now(),
            "actor": actor,
            "action": action,
            "communication_id": communication_id,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        }
    )


# --- catalogs ---------------------------------------------------------------------------


def upsert_mandates(db: sqlite_utils.Database, rows: Sequence[dict]) -> None:
    db["mandates"].upsert_all(rows, pk="slug")


def upsert_agencies(db: sqlite_utils.Database, rows: Sequence[dict]) -> None:
    db["agencies"].upsert_all(rows, pk="slug")


def get_catalog_entry(db: sqlite_utils.Database, table: str, slug: str) -> dict | None:
    """A row of ``mandates`` or ``agencies`` by slug."""
    assert table in ("mandates", "agencies")
    rows = list(db.query(f"select * from {table} where slug = ?", [slug]))
    return rows[0] if rows else None


def all_catalog_entries(db: sqlite_utils.Database, table: str) -> list[dict]:
    assert table in ("mandates", "agencies")
    return list(db.query(f"select * from {table} order by slug"))


def all_mandates(db: sqlite_utils.Database) -> list[dict]:
    return all_catalog_entries(db, "mandates")


def all_agencies(db: sqlite_utils.Database) -> list[dict]:
    return all_catalog_entries(db, "agencies")


# --- communications ---------------------------------------------------------------------


def insert_communication(db: sqlite_utils.Database, row: dict, mandates: Sequence[dict]) -> int:
    table = db["communications"]
    table.insert(row)
    comm_id = table.last_pk
    db["communication_mandates"].insert_all(
        [{"communication_id": comm_id, "position": i, **m} for i, m in enumerate(mandates, 1)]
    )
    return comm_id


def get_communication(db: sqlite_utils.Database, ref: str) -> dict | None:
    rows = list(db.query("select * from communications where ref = ?", [ref]))
    return rows[0] if rows else None


def update_communication(db: sqlite_utils.Database, comm_id: int, changes: dict) -> None:
    db["communications"].update(comm_id, {**changes, "updated_at": now()})


def communication_mandates(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    return list(
        db.query(
            """select cm.position, cm.mandate, cm.holder_gender, cm.title_en, cm.title_fr,
                      m.holder_type
               from communication_mandates cm join mandates m on m.slug = cm.mandate
               where cm.communication_id = ? order by cm.position""",
            [comm_id],
        )
    )


def events_for(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    return list(
        db.query(
            "select at, actor, action, details from events where communication_id = ? order by id",
            [comm_id],
        )
    )


_LIST_COLUMNS = """c.id, c.ref, c.slug, c.type, c.letter_date, c.received_on, c.subject,
    c.status, c.reply_due, c.outgoing_ref, c.sent_on"""


ID_CHUNK = 900


def _with_mandates(db: sqlite_utils.Database, rows: list[dict]) -> list[dict]:
    """Attach each row's mandate slugs with one query for the whole page (no N+1)."""
    if not rows:
        return rows
    ids = [r["id"] for r in rows]
    by_id: dict[int, list[str]] = {}
    # in chunks: SQLite builds may allow as few as 999 parameters per statement (list --all)
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        marks = ",".join("?" * len(chunk))
        for m in db.query(
            f"select communication_id, mandate from communication_mandates "
            f"where communication_id in ({marks}) order by communication_id, position",
            chunk,
        ):
            by_id.setdefault(m["communication_id"], []).append(m["mandate"])
    for r in rows:
        r["mandates"] = by_id.get(r["id"], [])
    return rows


def list_communications(
    db: sqlite_utils.Database,
    *,
    status: str | None = None,
    year: int | None = None,
    mandate: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """One page of communications, newest letter first, and the total that match."""
    where, params = [], []
    if status:
        where.append("c.status = ?")
        params.append(status)
    if year:
        where.append("c.year = ?")
        params.append(year)
    if mandate:
        where.append(
            "c.id in (select communication_id from communication_mandates where mandate = ?)"
        )
        params.append(mandate)
    clause = f"where {' and '.join(where)}" if where else ""
    total = db.execute(f"select count(*) from communications c {clause}", params).fetchone()[0]
    page = "" if limit is None else f"limit {int(limit)} offset {int(offset)}"
    rows = list(
        db.query(
            f"select {_LIST_COLUMNS} from communications c {clause} "
            f"order by c.letter_date desc, c.id desc {page}",
            params,
        )
    )
    return _with_mandates(db, rows), total


def open_communications(
    db: sqlite_utils.Database, open_states: Sequence[str], limit: int | None
) -> tuple[list[dict], int]:
    """Communications still awaiting a reply, most urgent (earliest reply date) first."""
    marks = ",".join("?" * len(open_states))
    total = db.execute(
        f"select count(*) from communications where status in ({marks})", list(open_states)
    ).fetchone()[0]
    page = "" if limit is None else f"limit {int(limit)}"
    rows = list(
        db.query(
            f"select {_LIST_COLUMNS} from communications c where c.status in ({marks}) "
            f"order by c.reply_due, c.id {page}",
            list(open_states),
        )
    )
    return _with_mandates(db, rows), total


def count_overdue(db: sqlite_utils.Database, open_states: Sequence[str], today: str) -> int:
    marks = ",".join("?" * len(open_states))
    return db.execute(
        f"select count(*) from communications where status in ({marks}) and reply_due < ?",
        [*open_states, today],
    ).fetchone()[0]


def late_agencies(
    db: sqlite_utils.Database, comm_ids: Sequence[int], today: str
) -> dict[int, list[str]]:
    """Agencies past their due date without an answer, for a page of communications."""
    result: dict[int, list[str]] = {}
    for start in range(0, len(comm_ids), ID_CHUNK):
        chunk = list(comm_ids[start : start + ID_CHUNK])
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"""select communication_id, agency from enquiries
                where communication_id in ({marks}) and status = 'open' and due_on < ?
                order by communication_id, id""",
            [*chunk, today],
        ):
            result.setdefault(row["communication_id"], []).append(row["agency"])
    return result


def count_by_status(db: sqlite_utils.Database) -> dict[str, int]:
    return {
        row["status"]: row["n"]
        for row in db.query("select status, count(*) as n from communications group by status")
    }


# --- enquiries and answers --------------------------------------------------------------


def insert_enquiry(db: sqlite_utils.Database, row: dict) -> int:
    table = db["enquiries"]
    table.insert(row)
    return table.last_pk


def update_enquiry(db: sqlite_utils.Database, enquiry_id: int, changes: dict) -> None:
    db["enquiries"].update(enquiry_id, changes)


def get_enquiry(db: sqlite_utils.Database, enquiry_id: int) -> dict | None:
    rows = list(
        db.query(
            """select e.*, c.slug, c.ref, c.status as communication_status
               from enquiries e join communications c on c.id = e.communication_id
               where e.id = ?""",
            [enquiry_id],
        )
    )
    return rows[0] if rows else None


def enquiry_agencies(db: sqlite_utils.Database, comm_id: int) -> set[str]:
    return {
        r["agency"]
        for r in db.query("select agency from enquiries where communication_id = ?", [comm_id])
    }


def enquiries_for(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    return list(
        db.query(
            """select e.*, a.email, a.name_en,
                      (select max(revision) from answers where enquiry_id = e.id) as revisions
               from enquiries e join agencies a on a.slug = e.agency
               where e.communication_id = ? order by e.id""",
            [comm_id],
        )
    )


def overdue_enquiries(db: sqlite_utils.Database, today: str) -> list[dict]:
    return list(
        db.query(
            """select c.ref, e.agency, a.name_en, a.email, e.sent_on, e.due_on, e.reminders,
                      e.last_reminded_on
               from enquiries e
               join communications c on c.id = e.communication_id
               join agencies a on a.slug = e.agency
               where e.status = 'open' and e.due_on < ?
               order by e.due_on, c.ref, e.agency""",
            [today],
        )
    )


def answers_for_enquiry(db: sqlite_utils.Database, enquiry_id: int) -> list[dict]:
    return list(
        db.query("select * from answers where enquiry_id = ? order by revision", [enquiry_id])
    )


def insert_answer(db: sqlite_utils.Database, row: dict) -> int:
    table = db["answers"]
    table.insert(row)
    return table.last_pk


def answers_for(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    return list(
        db.query(
            """select e.agency, e.language, e.due_on, e.status, a.revision, a.received_on,
                      a.text, a.source_file, a.stored_file, a.sha256, a.actor, a.created_at
               from answers a join enquiries e on e.id = a.enquiry_id
               where e.communication_id = ? order by e.id, a.revision""",
            [comm_id],
        )
    )


def latest_answers(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    """The newest revision of each agency's answer, in the order the agencies were asked."""
    return list(
        db.query(
            """select e.agency, ag.name_en, ag.name_fr, a.revision, a.text
               from enquiries e
               join agencies ag on ag.slug = e.agency
               join answers a on a.enquiry_id = e.id
               where e.communication_id = ?
                 and a.revision = (select max(revision) from answers where enquiry_id = e.id)
               order by e.id""",
            [comm_id],
        )
    )


def calendar_rows(db: sqlite_utils.Database, open_states: Sequence[str]) -> list[dict]:
    """Reply dates of open communications and due dates of their open enquiries."""
    marks = ",".join("?" * len(open_states))
    return list(
        db.query(
            f"""select c.ref, c.slug, c.subject, c.reply_due as day, null as agency,
                       null as agency_name
                from communications c where c.status in ({marks})
                union all
                select c.ref, c.slug, c.subject, e.due_on as day, e.agency, a.name_en
                from enquiries e
                join communications c on c.id = e.communication_id
                join agencies a on a.slug = e.agency
                where e.status = 'open' and c.status in ({marks})
                order by day""",
            [*open_states, *open_states],
        )
    )


# --- search -------------------------------------------------------------------------------


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


def get_paragraphs(db: sqlite_utils.Database, ids: Sequence[int]) -> list[dict]:
    marks = ",".join("?" * len(ids))
    return list(
        db.query(
            f"""select p.id, p.text, p.language, c.ref from paragraphs p
            join communications c on c.id = p.communication_id where p.id in ({marks})""",
            list(ids),
        )
    )


def mandates_of(db: sqlite_utils.Database, comm_ids: Sequence[int]) -> dict[int, set[str]]:
    marks = ",".join("?" * len(comm_ids))
    result: dict[int, set[str]] = {}
    for row in db.query(
        f"select communication_id, mandate from communication_mandates "
        f"where communication_id in ({marks})",
        list(comm_ids),
    ):
        result.setdefault(row["communication_id"], set()).add(row["mandate"])
    return result


# --- workspace checks -------------------------------------------------------------------


def known_migrations() -> list[str]:
    """The migrations this version of commresp knows, in order."""
    return [m.name for m in migrations._migrations]


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.applied(db)]


def open_unmigrated(path: Path) -> sqlite_utils.Database:
    """Open the database to inspect it: no migration, no change of journal mode, no write.

    Raises ``sqlite3.DatabaseError`` when the file is not a readable SQLite database.
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return sqlite_utils.Database(conn)


def integrity_errors(db: sqlite_utils.Database, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong (empty when the database is sound)."""
    rows = [r[0] for r in db.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()]
    return [] if rows == ["ok"] else rows


def foreign_key_errors(db: sqlite_utils.Database) -> list[dict]:
    """Rows whose foreign key points at nothing: table, rowid, parent table."""
    return [
        {"table": r[0], "rowid": r[1], "parent": r[2]}
        for r in db.execute("PRAGMA foreign_key_check").fetchall()
    ]


def recorded_documents(db: sqlite_utils.Database) -> list[dict]:
    """Every document file on record (path relative to the workspace root)."""
    return list(
        db.query(
            """select d.id, d.path, d.sha256, d.format, d.kind, d.language, d.version, c.ref
               from documents d join communications c on c.id = d.communication_id
               order by d.id"""
        )
    )


def recorded_answer_files(db: sqlite_utils.Database) -> list[dict]:
    """Every stored answer file (under correspondence/<slug>/answers/) with its sha256."""
    return list(
        db.query(
            """select c.ref, c.slug, e.agency, a.revision, a.stored_file, a.sha256
               from answers a join enquiries e on e.id = a.enquiry_id
               join communications c on c.id = e.communication_id
               where a.stored_file is not null order by a.id"""
        )
    )


def recorded_enquiry_files(db: sqlite_utils.Database) -> list[dict]:
    """Enquiry forms and their e-mail drafts (under correspondence/<slug>/enquiries/)."""
    return list(
        db.query(
            """select c.ref, c.slug, e.agency, e.form_file, e.email_file
               from enquiries e join communications c on c.id = e.communication_id
               order by e.id"""
        )
    )


def recorded_reply_emails(db: sqlite_utils.Database) -> list[dict]:
    """E-mails to the registry written by 'send' (under out/), known from the audit log."""
    return list(
        db.query(
            """select c.ref, c.slug, json_extract(ev.details, '$.email') as email
               from events ev join communications c on c.id = ev.communication_id
               where ev.action = 'send-draft'
                 and json_extract(ev.details, '$.email') is not null
               order by ev.id"""
        )
    )


def vacuum_into(db: sqlite_utils.Database, target: Path) -> None:
    """A transactionally consistent copy of the database (readers and writers go on)."""
    db.execute("VACUUM INTO ?", [str(target)])


# --- confidential terms -------------------------------------------------------------------


def confidential_terms(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    """The terms on a communication's confidential list, in the order they were added."""
    return list(
        db.query(
            """select id, term, folded, actor, created_at from confidential_terms
               where communication_id = ? order by id""",
            [comm_id],
        )
    )


def add_confidential_term(
    db: sqlite_utils.Database, comm_id: int, term: str, folded: str, actor: str, at: str
) -> None:
    db["confidential_terms"].insert(
        {
            "communication_id": comm_id,
            "term": term,
            "folded": folded,
            "actor": actor,
            "created_at": at,
        }
    )


def remove_confidential_term(db: sqlite_utils.Database, term_id: int) -> None:
    db.execute("delete from confidential_terms where id = ?", [term_id])


# --- outgoing references and documents ----------------------------------------------------


def outgoing_owner(db: sqlite_utils.Database, outgoing_ref: str) -> str | None:
    """The communication that already has this outgoing reference, if any."""
    row = db.execute(
        "select ref from communications where outgoing_ref = ?", [outgoing_ref]
    ).fetchone()
    return row[0] if row else None


def next_outgoing_number(db: sqlite_utils.Database, year: int) -> int | None:
    row = db.execute("select next_number from outgoing_counters where year = ?", [year]).fetchone()
    return row[0] if row else None


def bump_outgoing_counter(db: sqlite_utils.Database, year: int, next_number: int) -> None:
    """Move a year's counter forward (never back)."""
    db.execute(
        """insert into outgoing_counters (year, next_number) values (?, ?)
           on conflict(year) do update set next_number = max(next_number, excluded.next_number)""",
        [year, next_number],
    )


def insert_document(db: sqlite_utils.Database, row: dict) -> int:
    table = db["documents"]
    table.insert(row)
    return table.last_pk


def latest_document(
    db: sqlite_utils.Database, comm_id: int, kind: str, lang: str, fmt: str, redacted: bool
) -> dict | None:
    rows = list(
        db.query(
            """select * from documents where communication_id = ? and kind = ? and
               language = ? and format = ? and redacted = ? order by version desc limit 1""",
            [comm_id, kind, lang, fmt, int(redacted)],
        )
    )
    return rows[0] if rows else None


def count_rendered(db: sqlite_utils.Database, comm_id: int) -> int:
    """Rendered documents (not drafts, not publication copies) of a communication."""
    return db.execute(
        """select count(*) from documents where communication_id = ?
           and format in ('docx', 'pdf') and redacted = 0""",
        [comm_id],
    ).fetchone()[0]


def update_catalog_entry(db: sqlite_utils.Database, table: str, slug: str, fields: dict) -> None:
    db[table].update(slug, fields)


def insert_catalog_entry(db: sqlite_utils.Database, table: str, row: dict) -> None:
    db[table].insert(row)


def update_communication_mandate(
    db: sqlite_utils.Database, comm_id: int, position: int, fields: dict
) -> None:
    db["communication_mandates"].update((comm_id, position), fields)
