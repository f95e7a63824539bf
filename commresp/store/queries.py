"""The core queries: communications, mandates, enquiries, answers, documents, the audit log,
the catalogs, confidential terms and outgoing numbers.

The SQL here is portable (SQLite and PostgreSQL alike); the few fragments that differ come
from :mod:`commresp.store.dialects`.  What *late* means comes from
:mod:`commresp.store.reporting`, like every query of the store that counts or lists by lateness.

Counters (outgoing numbers, answer revisions, document versions) are read and advanced inside
the operation's write transaction.  On SQLite that transaction holds the one write lock; on
PostgreSQL, where writers run side by side, reading a communication inside a transaction locks
its row until the commit (``for no key update``), so that the revisions and versions of one
communication are allocated one writer after the other, and outgoing numbers are allocated
under a transaction lock per year.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from commresp.errors import WorkspaceError
from commresp.store.dialects import dialect, is_postgres
from commresp.store.reporting import enquiry_overdue, reply_overdue
from commresp.store.schema import now

if TYPE_CHECKING:
    import sqlite_utils


# --- the audit log --------------------------------------------------------------------


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


def update_catalog_entry(db: sqlite_utils.Database, table: str, slug: str, fields: dict) -> None:
    db[table].update(slug, fields)


def insert_catalog_entry(db: sqlite_utils.Database, table: str, row: dict) -> None:
    db[table].insert(row)


def mandate_holders(db: sqlite_utils.Database, slugs: Sequence[str]) -> dict[str, list[dict]]:
    """The holders by period of each of ``slugs``, in the order they took office."""
    result: dict[str, list[dict]] = {slug: [] for slug in slugs}
    if not slugs:
        return result
    marks = ",".join("?" * len(slugs))
    for row in db.query(
        f"""select id, mandate, name, gender, start_on, end_on, verified, source
            from mandate_holders where mandate in ({marks}) order by mandate, start_on, id""",
        list(slugs),
    ):
        result[row["mandate"]].append(row)
    return result


def insert_mandate_holder(db: sqlite_utils.Database, row: dict) -> int:
    table = db["mandate_holders"]
    table.insert(row)
    return table.last_pk


def update_mandate_holder(db: sqlite_utils.Database, holder_id: int, fields: dict) -> None:
    db["mandate_holders"].update(holder_id, fields)


# --- communications ---------------------------------------------------------------------


def insert_communication(db: sqlite_utils.Database, row: dict, mandates: Sequence[dict]) -> int:
    table = db["communications"]
    table.insert(row)
    comm_id = table.last_pk
    db["communication_mandates"].insert_all(
        [{"communication_id": comm_id, "position": i, **m} for i, m in enumerate(mandates, 1)]
    )
    return comm_id


def _locking(db: sqlite_utils.Database) -> str:
    """The clause that locks the rows a SELECT reads until the commit: inside a write
    transaction on PostgreSQL (SQLite's transaction already holds the write lock)."""
    return dialect(db).lock_row() if db.conn.in_transaction else ""


def _lock_communication(db: sqlite_utils.Database, comm_id: int) -> None:
    if is_postgres(db) and db.conn.in_transaction:
        db.execute(f"select id from communications where id = ?{_locking(db)}", [comm_id])


def get_communication(db: sqlite_utils.Database, ref: str) -> dict | None:
    """The communication ``ref``; inside a write transaction its row is locked (PostgreSQL)."""
    rows = list(db.query(f"select * from communications where ref = ?{_locking(db)}", [ref]))
    return rows[0] if rows else None


def references_starting(db: sqlite_utils.Database, text: str, limit: int = 50) -> list[str]:
    """References (or their slugs) starting with ``text``, any case, newest letter first: what
    shell completion offers."""
    prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [
        row[0]
        for row in db.execute(
            # lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not
            """select ref from communications
               where lower(ref) like lower(?) escape '\\'
                  or lower(slug) like lower(?) escape '\\'
               order by letter_date desc, id desc limit ?""",
            [prefix, prefix, limit],
        )
    ]


def update_communication(db: sqlite_utils.Database, comm_id: int, changes: dict) -> None:
    db["communications"].update(comm_id, {**changes, "updated_at": now()})


def communication_mandates(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    return list(
        db.query(
            """select cm.position, cm.mandate, cm.holder_gender, cm.gender_source,
                      cm.holder_name, cm.title_en, cm.title_fr, cm.title_es, m.holder_type,
                      m.kind, m.country
               from communication_mandates cm join mandates m on m.slug = cm.mandate
               where cm.communication_id = ? order by cm.position""",
            [comm_id],
        )
    )


def update_communication_mandate(
    db: sqlite_utils.Database, comm_id: int, position: int, fields: dict
) -> None:
    db["communication_mandates"].update((comm_id, position), fields)


def form_secret(db: sqlite_utils.Database) -> bytes:
    """The secret that signs enquiry forms, as a team's server keeps it (m011_form_secret)."""
    return db.execute("select secret from form_secret where id = 1").fetchone()[0].encode("ascii")


def set_form_secret(db: sqlite_utils.Database, secret: bytes) -> None:
    """Make ``secret`` the server's form secret (``server import`` brings the workspace's, so
    that the forms it already sent are still accepted)."""
    db.execute("update form_secret set secret = ? where id = 1", [secret.decode("ascii")])


def keep_form_secret(db: sqlite_utils.Database, secret: bytes) -> None:
    """Make ``secret`` the server's form secret and read it back (inside the transaction of
    a copy into the server: ``server import``, ``restore --database-url``)."""
    set_form_secret(db, secret)
    if form_secret(db) != secret:
        raise WorkspaceError(
            "the copy does not match the original, so nothing was kept on the server: the "
            "form secret differs"
        )


def first_event(db: sqlite_utils.Database, action: str) -> dict | None:
    """The oldest audit event of ``action`` (its details decoded), or None."""
    rows = list(db.query("select * from events where action = ? order by id limit 1", [action]))
    if not rows:
        return None
    return {**rows[0], "details": json.loads(rows[0]["details"] or "{}")}


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
    """Communications still open (in one of ``open_states``) past their reply date."""
    marks = "(" + ",".join("?" * len(open_states)) + ")"
    return db.execute(
        f"select count(*) from communications where {reply_overdue('?', 'communications', marks)}",
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
                where communication_id in ({marks}) and {enquiry_overdue("?", "enquiries")}
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


def overdue_enquiries(
    db: sqlite_utils.Database, today: str, communication_id: int | None = None
) -> list[dict]:
    """The enquiries due for a reminder (still unanswered past their due date), of every
    communication or of one: what ``overdue`` lists is what ``remind`` chases."""
    one = "" if communication_id is None else "and e.communication_id = ?"
    return list(
        db.query(
            f"""select e.*, c.ref, a.name_en, a.email
               from enquiries e
               join communications c on c.id = e.communication_id
               join agencies a on a.slug = e.agency
               where {enquiry_overdue("?")} {one}
               order by e.due_on, c.ref, e.agency""",
            [today] if communication_id is None else [today, communication_id],
        )
    )


def answers_for_enquiry(db: sqlite_utils.Database, enquiry_id: int) -> list[dict]:
    """The revisions of an enquiry's answer; in a write transaction, its communication is
    locked first, so the next revision is numbered by one writer at a time (PostgreSQL)."""
    if is_postgres(db) and db.conn.in_transaction:
        db.execute(
            "select id from communications where id = "
            f"(select communication_id from enquiries where id = ?){_locking(db)}",
            [enquiry_id],
        )
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
            """select e.agency, e.language, ag.name_en, ag.name_fr, a.revision, a.text
               from enquiries e
               join agencies ag on ag.slug = e.agency
               join answers a on a.enquiry_id = e.id
               where e.communication_id = ?
                 and a.revision = (select max(revision) from answers where enquiry_id = e.id)
               order by e.id""",
            [comm_id],
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


def _of_one(slug: str | None) -> tuple[str, list]:
    """The condition (and its parameter) that limits a files-on-record query to the
    communication ``slug``, or nothing for every communication."""
    return ("and c.slug = ?", [slug]) if slug is not None else ("", [])


def recorded_documents(db: sqlite_utils.Database, slug: str | None = None) -> list[dict]:
    """Every document file on record (path relative to the workspace root)."""
    where, params = _of_one(slug)
    return list(
        db.query(
            f"""select d.id, d.path, d.sha256, d.format, d.kind, d.language, d.version, c.ref
               from documents d join communications c on c.id = d.communication_id
               where 1 = 1 {where} order by d.id""",
            params,
        )
    )


def recorded_answer_files(db: sqlite_utils.Database, slug: str | None = None) -> list[dict]:
    """Every stored answer file (under correspondence/<slug>/answers/) with its sha256."""
    where, params = _of_one(slug)
    return list(
        db.query(
            f"""select c.ref, c.slug, e.agency, a.revision, a.stored_file, a.sha256
               from answers a join enquiries e on e.id = a.enquiry_id
               join communications c on c.id = e.communication_id
               where a.stored_file is not null {where} order by a.id""",
            params,
        )
    )


def recorded_enquiry_files(db: sqlite_utils.Database, slug: str | None = None) -> list[dict]:
    """Enquiry forms and their e-mail drafts (under correspondence/<slug>/enquiries/)."""
    where, params = _of_one(slug)
    return list(
        db.query(
            f"""select c.ref, c.slug, e.agency, e.form_file, e.email_file
               from enquiries e join communications c on c.id = e.communication_id
               where 1 = 1 {where} order by e.id""",
            params,
        )
    )


def recorded_reminder_emails(db: sqlite_utils.Database, slug: str | None = None) -> list[dict]:
    """Reminder e-mails written by 'remind' (under enquiries/), known from the audit log."""
    where, params = _of_one(slug)
    sql = dialect(db)
    email = sql.element_text("r", "email")
    return list(
        db.query(
            f"""select c.ref, c.slug, {sql.element_text("r", "agency")} as agency,
                      {email} as email
               from events ev join communications c on c.id = ev.communication_id,
                    {sql.json_elements("ev.details", "reminders", "r")}
               where ev.action = 'remind' and {email} is not null
                 {where}
               order by ev.id""",
            params,
        )
    )


def recorded_reply_emails(db: sqlite_utils.Database, slug: str | None = None) -> list[dict]:
    """E-mails to the registry written by 'send' (under out/), known from the audit log."""
    where, params = _of_one(slug)
    email = dialect(db).json_text("ev.details", "email")
    return list(
        db.query(
            f"""select c.ref, c.slug, {email} as email
               from events ev join communications c on c.id = ev.communication_id
               where ev.action = 'send-draft'
                 and {email} is not null {where}
               order by ev.id""",
            params,
        )
    )


# --- confidential terms -------------------------------------------------------------------


def confidential_terms(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    """The terms on a communication's confidential list, in the order they were added."""
    return list(
        db.query(
            """select id, term, folded, actor, created_at, origin from confidential_terms
               where communication_id = ? order by id""",
            [comm_id],
        )
    )


def add_confidential_term(
    db: sqlite_utils.Database,
    comm_id: int,
    term: str,
    folded: str,
    actor: str,
    at: str,
    origin: str | None = None,
) -> None:
    """A term on a communication's list; ``origin`` is the reference it was copied from."""
    db["confidential_terms"].insert(
        {
            "communication_id": comm_id,
            "term": term,
            "folded": folded,
            "actor": actor,
            "created_at": at,
            "origin": origin,
        }
    )


def communications_with_confidential_terms(
    db: sqlite_utils.Database, exclude: int | None = None
) -> list[dict]:
    """Every communication (but ``exclude``) with at least one term on its list."""
    return list(
        db.query(
            """select c.id, c.ref, c.slug, c.subject, c.summary from communications c
               where c.id != ? and exists
                 (select 1 from confidential_terms t where t.communication_id = c.id)
               order by c.id""",
            [exclude if exclude is not None else -1],
        )
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
    """The year's next outgoing number; in a write transaction on PostgreSQL the year is
    locked until the commit, so two drafters never take the same number."""
    if is_postgres(db) and db.conn.in_transaction:
        db.execute("select pg_advisory_xact_lock(hashtext('commresp outgoing'), ?)", [year])
    row = db.execute("select next_number from outgoing_counters where year = ?", [year]).fetchone()
    return row[0] if row else None


def bump_outgoing_counter(db: sqlite_utils.Database, year: int, next_number: int) -> None:
    """Move a year's counter forward (never back)."""
    db.execute(
        """insert into outgoing_counters (year, next_number) values (?, ?)
           on conflict(year) do update set next_number = case
             when excluded.next_number > outgoing_counters.next_number
             then excluded.next_number else outgoing_counters.next_number end""",
        [year, next_number],
    )


def insert_document(db: sqlite_utils.Database, row: dict) -> int:
    table = db["documents"]
    table.insert(row)
    return table.last_pk


def latest_document(
    db: sqlite_utils.Database, comm_id: int, kind: str, lang: str, fmt: str, redacted: bool
) -> dict | None:
    """The newest version; in a write transaction the communication is locked first, so the
    next version is numbered by one writer at a time (PostgreSQL)."""
    _lock_communication(db, comm_id)
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


# --- clearance rounds -----------------------------------------------------------------------


def add_clearance(db: sqlite_utils.Database, comm_id: int, *, by: str, to: str | None) -> int:
    """Open a clearance round (the reply submitted); its id."""
    return (
        db["clearances"]
        .insert(
            {
                "communication_id": comm_id,
                "submitted_by": by,
                "submitted_to": to,
                "submitted_at": now(),
                "outcome": "pending",
            }
        )
        .last_pk
    )


def latest_clearance(db: sqlite_utils.Database, comm_id: int) -> dict | None:
    """The newest clearance round of a communication, its files decoded."""
    rows = list(
        db.query(
            "select * from clearances where communication_id = ? order by id desc limit 1",
            [comm_id],
        )
    )
    if not rows:
        return None
    row = rows[0]
    row["files"] = json.loads(row["files"]) if row["files"] else []
    return row


def decide_clearance(
    db: sqlite_utils.Database,
    clearance_id: int,
    *,
    outcome: str,
    by: str,
    reason: str | None = None,
    files: list[dict] | None = None,
) -> None:
    """Record the outcome of a round: approved (with the files' sha256), returned or voided."""
    fields: dict[str, Any] = {"outcome": outcome, "decided_by": by, "decided_at": now()}
    if reason is not None:
        fields["reason"] = reason
    if files is not None:
        fields["files"] = json.dumps(files, ensure_ascii=False)
    db["clearances"].update(clearance_id, fields)


def latest_documents_of(db: sqlite_utils.Database, comm_id: int) -> list[dict]:
    """The newest version of each rendered document (kind, language, format), no copies."""
    return list(
        db.query(
            """select d.* from documents d
               where d.communication_id = ? and d.redacted = 0
                 and d.format in ('docx', 'pdf')
                 and d.version = (select max(version) from documents e
                                  where e.communication_id = d.communication_id
                                    and e.kind = d.kind and e.language = d.language
                                    and e.format = d.format and e.redacted = 0)
               order by d.kind, d.language, d.format""",
            [comm_id],
        )
    )
