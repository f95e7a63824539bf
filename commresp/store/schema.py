"""The workspace database itself: connection, transactions and the numbered migrations.

Schema changes happen only through the numbered migrations below, applied by sqlite-utils'
``Migrations``; a database made by any earlier release opens and upgrades, one made by a newer
release is refused.  The same steps build a PostgreSQL record (``[database] url``): they
use the table API that :class:`commresp.store.postgres.Database` offers as well, and the two
steps that make the full-text index branch to :mod:`commresp.store.fulltext_postgres`.
:func:`connect` and :func:`transaction` choose the backend; the end of this module (integrity
checks, copies of the file) is SQLite-specific.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from commresp.errors import WorkspaceError
from commresp.store import fulltext_postgres, postgres, postgres_roles
from commresp.store.dialects import is_postgres

if TYPE_CHECKING:
    import sqlite_utils


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


@functools.cache
def _sqlite_utils():
    """sqlite-utils, imported on first use: the embedded record's connection and the
    migration runner need it, a server command that finds its record up to date does not
    (it costs ~35 ms of imports, a quarter of what the server mode adds to a command)."""
    return _import_sqlite_utils()[0]


# How long a writer waits for the others before giving up (milliseconds).  Writers queue
# (BEGIN IMMEDIATE) and SQLite's wait is not first come, first served: long enough for
# several colleagues' renders and drafts to pass first (eight processes at once on a loaded
# two-core machine waited over 15 s, tests/test_concurrency.py); an operation that still
# finds the database locked says so.
BUSY_TIMEOUT_MS = 60_000

# The steps, in the order they are registered (and applied), and their names: sqlite-utils'
# Migrations, which applies them, keeps its own list private.
_STEPS: list[Callable[[sqlite_utils.Database], None]] = []
_KNOWN: list[str] = []
# Where sqlite-utils' Migrations records the steps applied, and the name of commresp's set.
MIGRATIONS_TABLE = "_sqlite_migrations"
_MIGRATION_SET = "commresp"


def migration(step: Callable[[sqlite_utils.Database], None]) -> Callable:
    """Register ``step`` as the next numbered migration (append only: never renumber)."""
    _STEPS.append(step)
    _KNOWN.append(step.__name__)
    return step


@functools.cache
def _migrations():
    """sqlite-utils' ``Migrations`` with every step registered (imports sqlite-utils)."""
    migrations = _import_sqlite_utils()[1](_MIGRATION_SET)
    for step in _STEPS:
        migrations()(step)
    return migrations


@migration
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


@migration
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


@migration
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


@migration
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
    if is_postgres(db):  # tsvector + unaccent, indexed by expression
        for statement in fulltext_postgres.SETUP:
            db.execute(statement)
        return
    # SQLite-specific: FTS5 tables kept in step by triggers (PostgreSQL: tsvector + unaccent).
    tokenize = "unicode61 remove_diacritics 2"
    db["communications"].enable_fts(
        ["ref", "subject", "summary"], create_triggers=True, tokenize=tokenize
    )
    db["answers"].enable_fts(["text"], create_triggers=True, tokenize=tokenize)
    db["paragraphs"].enable_fts(["text"], create_triggers=True, tokenize=tokenize)


@migration
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


@migration
def m006_catalog_by_period(db: sqlite_utils.Database) -> None:
    """Spanish titles, country mandates and holders by period: a communication's holder gender
    follows the holder in office on the letter's date (holders change), and it records where
    the gender came from (given, the letter, the holder in office, the catalog's default)."""
    from commresp.rules.language import holder_title
    from commresp.store import seed

    added = ("kind", "country", "title_es", "established_on", "ended_on")
    for column in added:
        db["mandates"].add_column(column, str)
    for column in ("title_es", "gender_source", "holder_name"):
        db["communication_mandates"].add_column(column, str)
    db["mandate_holders"].create(
        {
            "id": int,
            "mandate": str,
            "name": str,
            "gender": str,
            "start_on": str,
            "end_on": str,
            "verified": str,
            "source": str,
        },
        pk="id",
        foreign_keys=[("mandate", "mandates", "slug")],
        not_null={"mandate", "name", "gender", "start_on"},
    )
    db["mandate_holders"].create_index(["mandate", "start_on"])
    # Seeded here, so that a new workspace and an upgraded one get the same catalog.
    seed.seed_catalog(db, seed.packaged_csv("mandates.csv"), seed.packaged_holders(), added)
    # Communications registered before have no Spanish title: the catalog's, agreeing with the
    # gender they were registered with.
    for slug, title_es in db.execute(
        "select slug, title_es from mandates where title_es is not null and title_es != ''"
    ).fetchall():
        for gender in ("f", "m", ""):
            db.execute(
                "update communication_mandates set title_es = ? "
                "where mandate = ? and coalesce(holder_gender, '') = ?",
                [holder_title(title_es, "es", gender or None), slug, gender],
            )


@migration
def m007_clearance(db: sqlite_utils.Database) -> None:
    """Clearance rounds of a reply: who it was submitted to, who approved or returned it, the
    reasons, and the sha256 of every file approved, so that what goes out is what was approved."""
    db["clearances"].create(
        {
            "id": int,
            "communication_id": int,
            "submitted_by": str,
            "submitted_to": str,
            "submitted_at": str,
            "outcome": str,
            "decided_by": str,
            "decided_at": str,
            "reason": str,
            "files": str,
        },
        pk="id",
        foreign_keys=[("communication_id", "communications", "id")],
        not_null={"communication_id", "submitted_by", "submitted_at", "outcome"},
    )
    db["clearances"].create_index(["communication_id"])


# What search sees of a communication: its own fields, the titles of its mandates as the
# letter words them (every language), and the text of its incoming letters.
_COMMUNICATION_TEXTS = """
create view communication_texts as
select c.id, c.ref, c.subject, c.summary,
       (select group_concat(m.title_en || ' ' || m.title_fr || ' ' || coalesce(m.title_es, ''), ' ')
        from communication_mandates m where m.communication_id = c.id) as mandates,
       (select group_concat(l.text, ' ') from letter_texts l
        where l.communication_id = c.id) as letter
from communications c
"""

# SQLite-specific: an external-content FTS5 table over that view (nothing stored twice), kept
# in step by triggers: before a change the row's indexed text is removed (read from the view
# while it still shows the old values), after it the new text is added.
_FTS_COLUMNS = "ref, subject, summary, mandates, letter"
_UNINDEX = (
    f"insert into communications_fts (communications_fts, rowid, {_FTS_COLUMNS}) "
    f"select 'delete', id, {_FTS_COLUMNS} from communication_texts where id = {{id}};"
)
_INDEX = (
    f"insert into communications_fts (rowid, {_FTS_COLUMNS}) "
    f"select id, {_FTS_COLUMNS} from communication_texts where id = {{id}};"
)


def _fts_triggers(table: str, id_column: str, columns: str = "") -> list[str]:
    """Triggers on ``table`` re-indexing the communication its ``id_column`` names: before
    a change, out of the index as it was; after it, back in as it is now.  Updates count only
    of ``columns`` when given (a change of state leaves the indexed text as it is)."""
    of = f" of {columns}" if columns else ""
    sql = []
    for name, event, row in (
        ("i", "insert", "new"),
        ("u", f"update{of}", ""),
        ("d", "delete", "old"),
    ):
        before, after = (row or "old"), (row or "new")
        sql.append(
            f"create trigger {table}_fts_b{name} before {event} on {table} begin "
            f"{_UNINDEX.format(id=f'{before}.{id_column}')} end"
        )
        sql.append(
            f"create trigger {table}_fts_a{name} after {event} on {table} begin "
            f"{_INDEX.format(id=f'{after}.{id_column}')} end"
        )
    return sql


@migration
def m008_letter_search(db: sqlite_utils.Database) -> None:
    """Search finds a communication by its mandates' titles and by its incoming letter's
    text, not only by its reference, subject and summary: one index of all it says."""
    db["letter_texts"].create(
        {"id": int, "communication_id": int, "file": str, "text": str},
        pk="id",
        foreign_keys=[("communication_id", "communications", "id")],
        not_null={"communication_id", "file", "text"},
    )
    db["letter_texts"].create_index(["communication_id", "file"], unique=True)
    if is_postgres(db):  # the same view, and its text kept in communication_search
        db.execute(fulltext_postgres.COMMUNICATION_TEXTS)
        for statement in fulltext_postgres.LETTER_SEARCH:
            db.execute(statement)
        return
    db["communications"].disable_fts()  # m004's index of ref, subject and summary
    db.execute(_COMMUNICATION_TEXTS)
    db.execute(
        f"create virtual table communications_fts using fts5({_FTS_COLUMNS}, "
        "content='communication_texts', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    # a word in the reference or the subject says more than one in a four-page letter
    db.execute(
        "insert into communications_fts (communications_fts, rank) "
        "values ('rank', 'bm25(10.0, 5.0, 3.0, 1.0, 1.0)')"
    )
    for table, column, columns in (
        ("communications", "id", "ref, subject, summary"),
        ("communication_mandates", "communication_id", ""),
        ("letter_texts", "communication_id", ""),
    ):
        for statement in _fts_triggers(table, column, columns):
            db.execute(statement)
    db.execute("insert into communications_fts (communications_fts) values ('rebuild')")


@migration
def m009_confidential_origin(db: sqlite_utils.Database) -> None:
    """Terms travel with reused text: a term copied from another communication (``draft
    --reuse``) keeps the reference it came from, so the list can say where it came from."""
    db["confidential_terms"].add_column("origin", str)


@migration
def m010_blobs(db: sqlite_utils.Database) -> None:
    """Every stored file is in the record (design.md §11): its bytes once per distinct content
    (``blobs``, by sha256), which file of the working copy holds which content
    (``stored_files``), and the version of each draft a working copy started from
    (``copy_bases``), so that a colleague's folder can be filled from the record and two
    members editing one draft are told apart.  The files already on disk are taken in by the
    first command that opens the workspace (``blob_intake`` says when), as a migration sees
    the database only, not the folder beside it."""
    db["blobs"].create(
        {"sha256": str, "size": int, "data": bytes},
        pk="sha256",
        not_null={"size", "data"},
    )
    db["stored_files"].create(
        {
            "path": str,
            "folder": str,
            "sha256": str,
            "editable": int,
            "actor": str,
            "updated_at": str,
        },
        pk="path",
        foreign_keys=[("sha256", "blobs", "sha256")],
        not_null={"folder", "sha256", "updated_at"},
        defaults={"editable": 0},
    )
    db["stored_files"].create_index(["folder"])
    db["copy_bases"].create(
        {"copy": str, "path": str, "sha256": str},
        pk=("copy", "path"),
        not_null={"sha256"},
    )
    db["blob_intake"].create({"id": int, "done_at": str, "files": int}, pk="id")


@migration
def m011_form_secret(db: sqlite_utils.Database) -> None:
    """On a team's server the form secret belongs to the record, not to one member's folder:
    a form one member sends is imported by another.  The embedded record keeps its secret in
    the owner-only ``.commresp-secret`` beside ``commresp.db``, as before."""
    if not is_postgres(db):
        return
    # PostgreSQL-specific: read by coordinators and above only (store/postgres_roles.py)
    db["form_secret"].create({"id": int, "secret": str}, pk="id", not_null={"secret"})
    db["form_secret"].insert({"id": 1, "secret": secrets.token_hex(32)})


def now() -> str:
    """The current time as stored in the database: UTC ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def connect(path: Path, *, create: bool = False, url: str | None = None) -> sqlite_utils.Database:
    """Open the workspace database with WAL, foreign keys and a busy timeout, migrated; or,
    given a PostgreSQL ``url``, the team's record on that server (``path`` is then unused).

    Where the disk refuses writes (read-only, full, no permission) the database is opened
    read-only, so that reading commands go on working; a command that writes then fails
    with the real cause (see :func:`transaction`).
    """
    if url is not None:
        return _connect_server(url)
    if not create and not path.exists():
        raise WorkspaceError(f"{path} is missing; run 'commresp init' to create the workspace")
    conn = None
    try:
        try:
            conn, cause = _open_read_write(path), None
        except sqlite3.OperationalError as exc:
            cause = None if create else disk_problem(path)
            if cause is None:
                raise
            conn = _open_read_only(path, cause, exc)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # no sqlite-utils plugins are used: skip their discovery (10-15 ms per command)
        db = _sqlite_utils().Database(conn, execute_plugins=False)
        # Refuse a newer database before writing anything: switching to WAL rewrites the header.
        applied = _refuse_newer(db)
        if cause is not None:
            pending = [name for name in _KNOWN if name not in applied]
            if pending:
                raise WorkspaceError(
                    f"{path.name} must be upgraded by this commresp ({', '.join(pending)}), "
                    f"which writes to it, but {cause}"
                )
            return db
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(db, applied)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise WorkspaceError(_cannot_open(path, exc)) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return db


# SQLite's primary result codes (https://sqlite.org/rescode.html) that concern the disk
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 3, 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26
_DISK_CODES = (_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN)
# Less free space than this, and a write of a few pages may fail: call the disk full.
LOW_SPACE_BYTES = 1 << 20


def _result_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def disk_problem(path: Path) -> str | None:
    """Why the disk will not take writes beside ``path`` (a file of the workspace): it is
    read-only, the user may not write there, or it is full; None when none of these."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"the disk holding {folder} is read-only"
    except (AttributeError, OSError):  # no statvfs on Windows
        pass
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"permission denied: you may not write in {folder}"
    try:
        if shutil.disk_usage(folder).free < LOW_SPACE_BYTES:
            return f"no space left on the disk holding {folder}"
    except OSError:
        pass
    return None


def _probe(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Read the schema: the first read opens the WAL index, where a full or read-only disk
    shows."""
    conn.execute("select count(*) from sqlite_master").fetchone()
    return conn


def _open_read_write(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (see transaction()), never implicit.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        return _probe(conn)
    except BaseException:
        conn.close()
        raise


def _open_read_only(path: Path, cause: str, exc: sqlite3.Error) -> sqlite3.Connection:
    """The database opened for reading only, on a disk that takes no writes.

    ``mode=ro`` still shares the WAL with other readers; where SQLite cannot even create its
    index beside the file, ``immutable=1`` reads the file alone, which is the whole record
    only when no changes wait in the ``-wal`` file.
    """
    uri = path.absolute().as_uri()
    try:
        return _read_only(sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None))
    except sqlite3.OperationalError:
        pass
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise WorkspaceError(
            f"{path.name} cannot be read: its latest changes are still in {wal.name}, which "
            f"SQLite reads only by writing beside it, and {cause}"
        ) from None
    try:
        return _read_only(sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None))
    except sqlite3.OperationalError:
        raise WorkspaceError(f"{path.name} cannot be read ({exc}): {cause}") from None


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is damaged or not a database (not the disk)."""
    return _result_code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _read_only(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Probed, and marked so that :func:`transaction` refuses to begin on it."""
    try:
        _probe(conn).execute("PRAGMA query_only = 1")
    except BaseException:
        conn.close()
        raise
    return conn


def _cannot_open(path: Path, exc: sqlite3.DatabaseError) -> str:
    """What to say when the database cannot be opened: damage only when it is damaged."""
    code = _result_code(exc)
    if code in _DISK_CODES:
        cause = disk_problem(path)
        if cause:
            return f"{path.name} cannot be opened: {cause}"
        if code == _SQLITE_IOERR:
            return (
                f"{path.name} could not be read ({exc}): the disk reported an error; check "
                "the disk, then run the command again"
            )
        return f"{path.name} cannot be opened ({exc})"
    return f"{path.name} cannot be opened as a commresp database ({exc}); restore it from a backup"


def _database_file(db: sqlite_utils.Database) -> Path | None:
    try:
        name = db.execute("PRAGMA database_list").fetchone()[2]
    except (sqlite3.Error, TypeError, IndexError):
        return None
    return Path(name) if name else None


def write_refused(db: sqlite_utils.Database, exc: sqlite3.Error) -> WorkspaceError | None:
    """The real cause of a write the disk refused (full, read-only, no permission), as a
    :class:`WorkspaceError`; None for any other error."""
    code = _result_code(exc)
    if code not in _DISK_CODES:
        return None
    path = _database_file(db)
    cause = disk_problem(path) if path else None
    if cause is None:
        where = f" holding {path.parent}" if path else ""
        if code == _SQLITE_FULL:
            cause = f"no space left on the disk{where}"
        elif code == _SQLITE_READONLY:
            cause = f"the database is read-only ({exc})"
        else:
            return None
    return WorkspaceError(f"{cause}; nothing was changed")


def _refuse_newer(db: sqlite_utils.Database) -> list[str]:
    """The migrations applied to ``db``; a :class:`WorkspaceError` if it has one this
    commresp does not know."""
    applied = applied_migrations(db)
    unknown = set(applied) - set(_KNOWN)
    if unknown:
        raise WorkspaceError(
            "this database was written by a newer commresp (unknown migrations: "
            f"{', '.join(sorted(unknown))}); upgrade commresp to open it"
        )
    return applied


def _migrate(db: sqlite_utils.Database, applied: list[str]) -> None:
    if set(applied) != set(_KNOWN):
        # All pending steps in one write transaction (each step nests as a savepoint), so two
        # processes opening an old database at once cannot both run the same step.
        with transaction(db):
            if _migrations().pending(db):
                _migrations().apply(db)


def _connect_server(url: str, *, migrate: bool = True) -> postgres.Database:
    db = postgres.open_connection(url)
    try:
        # one look at the applied steps: a record that is up to date costs two round trips
        applied = _refuse_newer(db)
        if migrate and set(applied) != set(_KNOWN):
            refuse_unowned_migration(db)
            migrate_server(db)
    except BaseException:
        db.close()
        raise
    return db


def open_server(url: str) -> postgres.Database:
    """The record at ``url`` as it is: a newer one refused, an older one not migrated (what
    ``server init`` opens, to check who runs it before it changes anything)."""
    return _connect_server(url, migrate=False)


def refuse_unowned_migration(db: postgres.Database) -> None:
    """A member who may not change the record's schema (its tables are the owner's) cannot
    migrate it: say which migration it is at and who must, before anything is tried."""
    if postgres_roles.may_migrate(db):
        return
    applied = applied_migrations(db)
    at = f"is at migration {applied[-1]}" if applied else "has no tables yet"
    raise WorkspaceError(
        f"the server's record {at}, this commresp needs {_KNOWN[-1]}; ask the record's "
        f"owner ({postgres_roles.database_owner(db)}) to run 'commresp server init URL' "
        "with their login; nothing was changed"
    )


def migrate_server(db: postgres.Database, *, stop_before: str | None = None) -> None:
    """Apply the pending migrations to a server's record (all, or those before
    ``stop_before``: how the tests make an older record), in one transaction."""
    with postgres.transaction(db):
        # one process migrates; another opening the record meanwhile waits, then finds
        # nothing pending
        db.execute("select pg_advisory_xact_lock(hashtext('commresp migrations'))")
        if _migrations().pending(db):
            _create_unaccent(db)
            _migrations().apply(db, stop_before=stop_before)


def _create_unaccent(db: postgres.Database) -> None:
    """The extension search needs, created in the record if the server has it."""
    if db.execute("select 1 from pg_extension where extname = 'unaccent'").fetchone():
        return
    db.execute("savepoint unaccent")
    try:
        db.execute("create extension unaccent")
    except (sqlite3.OperationalError, postgres.ServerRefused) as exc:
        db.execute("rollback to savepoint unaccent")
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise WorkspaceError(fulltext_postgres.EXTENSION_MISSING.format(reason=reason)) from None
    db.execute("release savepoint unaccent")


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction per operation; BEGIN IMMEDIATE so writers queue, never deadlock.

    A write the disk refuses (full, read-only, no permission) is rolled back and raised as a
    :class:`WorkspaceError` naming the cause; on a database opened read-only (see
    :func:`connect`) the transaction does not begin.  On PostgreSQL: see
    :func:`commresp.store.postgres.transaction`."""
    if is_postgres(db):
        with postgres.transaction(db):
            yield db
        return
    if db.conn.execute("PRAGMA query_only").fetchone()[0]:
        path = _database_file(db)
        cause = (disk_problem(path) if path else None) or "the database was opened read-only"
        raise WorkspaceError(f"{cause}; nothing was changed")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise write_refused(db, exc) or exc from None
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException as exc:
        if db.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.conn.execute("ROLLBACK")
        refused = write_refused(db, exc) if isinstance(exc, sqlite3.OperationalError) else None
        if refused is not None:
            raise refused from None
        raise


def known_migrations() -> list[str]:
    """The migrations this version of commresp knows, in order."""
    return list(_KNOWN)


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    """The migrations recorded in the database, in the order they were applied (what
    sqlite-utils' ``Migrations.applied`` reads, asked without importing it)."""
    if not db[MIGRATIONS_TABLE].exists():
        return []
    order = "id" if is_postgres(db) else "rowid"
    rows = db.execute(
        f"select name from {MIGRATIONS_TABLE} where migration_set = ? order by {order}",
        [_MIGRATION_SET],
    ).fetchall()
    return [row[0] for row in rows]


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    """The known migrations the database has not had yet, in the order they would run."""
    applied = set(applied_migrations(db))
    return [name for name in _KNOWN if name not in applied]


def open_unmigrated(path: Path) -> sqlite_utils.Database:
    """Open the database to inspect it: no migration, no change of journal mode, no write.

    On a disk that takes no writes it is opened read-only (see :func:`connect`).  Raises
    ``sqlite3.DatabaseError`` when the file is not a readable SQLite database.
    """
    try:
        conn = _open_read_write(path)
    except sqlite3.OperationalError as exc:
        cause = disk_problem(path)
        if cause is None:
            raise
        try:
            conn = _open_read_only(path, cause, exc)
        except WorkspaceError as refused:
            raise sqlite3.OperationalError(str(refused)) from None
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return _sqlite_utils().Database(conn)


# --- SQLite-specific: the health and the copy of the database file ----------------------


def integrity_errors(db: sqlite_utils.Database, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong (empty when the database is sound; a
    PostgreSQL server keeps its own files sound, and says so by answering)."""
    if is_postgres(db):
        return []
    rows = [r[0] for r in db.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()]
    return [] if rows == ["ok"] else rows


def foreign_key_errors(db: sqlite_utils.Database) -> list[dict]:
    """Rows whose foreign key points at nothing: table, rowid, parent table (none on
    PostgreSQL, which refuses such a row when it is written)."""
    if is_postgres(db):
        return []
    return [
        {"table": r[0], "rowid": r[1], "parent": r[2]}
        for r in db.execute("PRAGMA foreign_key_check").fetchall()
    ]


def vacuum_into(db: sqlite_utils.Database, target: Path) -> None:
    """A transactionally consistent copy of the database (readers and writers go on)."""
    if is_postgres(db):
        # a server's record is copied by store.transfer.export_to_file (repeatable read)
        raise WorkspaceError("VACUUM INTO copies the embedded SQLite record only")
    db.execute("VACUUM INTO ?", [str(target)])
