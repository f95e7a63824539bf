"""Browse the record read-only with Datasette (the optional ``browse`` extra).

Colleagues keep writing to the workspace database while it is browsed, so it is neither
opened ``--immutable`` (Datasette would cache counts and miss their changes) nor writable:
every connection Datasette makes to it, including the one it would use for writes, is a
``file:…?mode=ro`` URI with ``PRAGMA query_only``, so SQLite itself refuses any write.

What must stay confidential stays out of reach unless ``browse --include-confidential``:
the ``confidential_terms`` table (victims' and witnesses' names) and the ``blobs`` table
(the bytes of the letters and documents, which name them) are hidden and SQLite's
authorizer refuses to read them, by any page or SQL query; the audit log's ``details`` (which
name the terms added to and removed from that list) read as empty.

Every CSV Datasette sends (a table, a query, a canned query, all rows with ``_stream``) goes
through an ASGI wrapper registered in-process as a Datasette plugin: cells are neutralised
as in ``commresp export`` (:mod:`commresp.rules.cells`), every field quoted, UTF-8 with a
byte-order mark.  The home page opens on the status dashboard, a canned query.

On a team server (Datasette reads SQLite only), browse serves a snapshot: the server's record
as of one moment, exported into an owner-only temporary SQLite file
(:func:`commresp.store.transfer.export_to_file`): only the tables this login may read, and
never ``blobs`` or ``confidential_terms`` unless ``--include-confidential``.  The page and
the command say when it was taken; the file is removed when browse stops
(:func:`close_snapshot`).
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commresp import store
from commresp.errors import CommrespError
from commresp.workspace import Workspace, find, session
from commresp.workspace.session import ENV_TODAY

if TYPE_CHECKING:
    from datasette.app import Datasette

DATABASE = "commresp"
INSTALL_HINT = "pip install 'commresp[browse]'"


def _today() -> date | None:
    """COMMRESP_TODAY when set (replays and tests); None means the local date."""
    value = os.environ.get(ENV_TODAY)
    return date.fromisoformat(value) if value else None


# What each canned query is for; the SQL is the store's (store.canned_query_sql).
CANNED = {
    "status": (
        "Status dashboard",
        "Open communications, overdue first, then by reply date, with the agencies that "
        "are late in answering: what 'commresp status' shows.",
    ),
    "overdue_enquiries": (
        "Overdue enquiries",
        "Agencies that have not answered by their due date: whom to chase.",
    ),
    "open_communications": (
        "Open communications by reply date",
        "Communications still awaiting the mission's reply, most urgent first.",
    ),
    "answers_by_agency": (
        "Answers by agency",
        "Per agency: enquiries, answers, days from the enquiry to the first "
        "answer (average and worst), and enquiries still open.",
    ),
    "late_replies": (
        "Late replies",
        "Replies sent after the reply date, and communications still open past it.",
    ),
}


def canned_queries() -> dict[str, dict[str, str]]:
    """The questions people ask most, one click each in Datasette."""
    sql = store.canned_query_sql(_today())
    return {
        name: {"title": title, "description": description, "sql": sql[name]}
        for name, (title, description) in CANNED.items()
    }


TABLES: dict[str, dict[str, Any]] = {
    "communications": {
        "description": "Each letter from the Special Procedures: reference, dates, subject, "
        "status (received → enquiring → answered → drafted → sent → published, or closed) "
        "and the reply date. Search covers reference, subject and summary.",
        "fts_table": "communications_fts",
        "fts_pk": "id",
        "label_column": "ref",
        "sort_desc": "letter_date",
        "facets": ["status", "type", "year"],
        "columns": {
            "ref": "The letter's reference, e.g. AL BEL 1/2025",
            "type": "AL allegation letter, UA urgent appeal, OL other letter",
            "addressee": "ISO 3166-1 alpha-3 code of the State addressed (OTH: others)",
            "letter_date": "Date of the letter",
            "received_on": "Date the mission received it",
            "reply_due": "Reply date: the letter date plus the reply period of its type",
            "status": "Where it stands: received, enquiring, answered, drafted, sent, "
            "published or closed",
            "outgoing_ref": "The mission's reference of the note verbale (GP/CC 2025/210)",
            "sent_on": "Date the reply was sent to the registry",
            "published_on": "Date OHCHR published the communication and the reply",
        },
    },
    "communication_mandates": {
        "description": "The mandates that signed each communication, in the letter's order, "
        "with their titles as the letter gives them and the holder's gender.",
    },
    "mandates": {
        "description": "Catalog of Special Procedures mandates (English and French titles).",
        "label_column": "title_en",
    },
    "agencies": {
        "description": "National agencies asked for findings, with their working language.",
        "label_column": "name_en",
    },
    "enquiries": {
        "description": "One enquiry per agency and communication: questions, when sent, due "
        "date, open or answered, reminders.",
        "facets": ["status", "agency"],
        "columns": {
            "communication_id": "The communication asked about",
            "agency": "The agency asked (its slug)",
            "sent_on": "Date the enquiry was sent",
            "due_on": "Date the agency's answer is due",
            "status": "open (no answer yet) or answered",
            "reminders": "Reminders sent so far",
        },
    },
    "answers": {
        "description": "Agencies' answers; every import is a new revision, never overwritten. "
        "Search covers the text.",
        "fts_table": "answers_fts",
        "fts_pk": "id",
        "sort_desc": "received_on",
    },
    "documents": {
        "description": "Rendered note verbales and responses, versioned, with their SHA-256.",
        "label_column": "path",
    },
    "paragraphs": {
        "description": "Paragraphs of each communication's latest rendered response, for reuse.",
        "fts_table": "paragraphs_fts",
        "fts_pk": "id",
    },
    "events": {
        "description": "The audit log: who did what, when, on which communication.",
        "sort_desc": "id",
        "columns": {
            "actor": "Who acted",
            "action": "What was done",
            "communication_id": "On which communication",
            "details": "What changed (JSON); empty unless browsing with "
            "--include-confidential, as it names confidential terms",
        },
    },
    "confidential_terms": {
        "description": "Terms hidden from publication copies (names of victims, witnesses).",
    },
    "outgoing_counters": {
        "description": "Next outgoing reference number (GP/CC year/number) per year.",
    },
    "_sqlite_migrations": {"hidden": True},
    "blobs": {
        "description": "The bytes of every stored file (letters, forms, answers, drafts, "
        "documents), by sha256: they name victims and witnesses, so hidden unless browsing "
        "with --include-confidential.",
    },
    "stored_files": {
        "description": "Which file of each communication's folder holds which content.",
    },
    "copy_bases": {
        "hidden": True,
        "description": "Which version of each draft each member's folder started from.",
    },
    "blob_intake": {
        "hidden": True,
        "description": "When the files already on disk were taken into the record.",
    },
}


# Read by no page and no query unless browsing with --include-confidential: the terms, and
# the files themselves (letters and documents name the people the terms hide).
CONFIDENTIAL_TABLES = ("confidential_terms", "blobs")
CONFIDENTIAL_COLUMNS = (("events", "details"),)


def metadata(
    title: str, include_confidential: bool = False, snapshot: Snapshot | None = None
) -> dict[str, Any]:
    """Datasette metadata: title, table and column descriptions, full-text search, canned
    queries; the confidential tables hidden unless ``include_confidential``; on a server,
    when the ``snapshot`` served was taken."""
    tables = {name: dict(spec) for name, spec in TABLES.items()}
    if not include_confidential:
        for name in CONFIDENTIAL_TABLES:
            tables[name] = {**tables[name], "hidden": True, "allow": False}
    description = (
        "The mission's record of communications from the UN Special "
        "Procedures, read-only. Written by commresp; change it with commresp commands."
    )
    if snapshot is not None:
        description += " " + snapshot.line() + "."
    return {
        "title": title,
        "description": description,
        "databases": {
            DATABASE: {
                "description": "Communications, enquiries to agencies, their answers, the "
                "documents sent and the audit log.",
                "tables": tables,
                "queries": canned_queries(),
            }
        },
    }


def confidential_authorizer(action: int, table: str | None, column: str | None, *_) -> int:
    """SQLite authorizer: refuse reading a confidential table, blank a confidential column."""
    import sqlite3

    if action == sqlite3.SQLITE_READ:
        if table in CONFIDENTIAL_TABLES:
            return sqlite3.SQLITE_DENY
        if (table, column) in CONFIDENTIAL_COLUMNS:
            return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def _read_only_database_class(include_confidential: bool):
    from datasette.database import Database

    class ReadOnlyDatabase(Database):
        """A file database every connection of which is read-only, the write one included."""

        def connect(self, write: bool = False):
            import sqlite3

            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA query_only = 1")
            conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")
            if not include_confidential:
                conn.set_authorizer(confidential_authorizer)
            self._all_file_connections.append(conn)
            return conn

    return ReadOnlyDatabase


# --- Datasette's CSV, neutralised -----------------------------------------------------------


class CsvNeutraliser:
    """Rewrites a CSV response as it streams: each complete record is parsed, its cells
    neutralised (:func:`commresp.rules.cells.neutralise`) and written again, quoted."""

    def __init__(self) -> None:
        self.pending = ""
        self.started = False

    def feed(self, text: str, final: bool = False) -> str:
        import csv
        import io

        from commresp.rules.cells import neutralise

        self.pending += text
        # a record ends at a line break outside quotes: an even number of quotes before it
        end, quotes = -1, 0
        for i, ch in enumerate(self.pending):
            if ch == '"':
                quotes += 1
            elif ch == "\n" and quotes % 2 == 0:
                end = i
        if final:
            end = len(self.pending) - 1
        if end < 0:
            return ""
        complete, self.pending = self.pending[: end + 1], self.pending[end + 1 :]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        for row in csv.reader(io.StringIO(complete)):
            writer.writerow([neutralise(cell) for cell in row])
        prefix = "" if self.started else "\ufeff"
        self.started = True
        return prefix + out.getvalue()


def _is_csv(scope: dict) -> bool:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope.get("path", "").endswith(".csv") or "_format=csv" in query


def csv_and_home_wrapper(app, dashboard: str):
    """ASGI middleware: ``/`` goes to the dashboard; every CSV response is neutralised."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if scope.get("path") == "/" and not scope.get("query_string"):
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [(b"location", dashboard.encode())],
                }
            )
            return await send({"type": "http.response.body", "body": b""})
        if not _is_csv(scope):
            return await app(scope, receive, send)
        neutraliser = CsvNeutraliser()
        state = {"csv": False}

        async def send_neutralised(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                kind = headers.get(b"content-type", b"").decode("latin-1")
                state["csv"] = message["status"] == 200 and ("csv" in kind or "text/plain" in kind)
                if state["csv"]:
                    message = {
                        **message,
                        "headers": [
                            (k, v)
                            for k, v in message.get("headers") or []
                            if k.lower() != b"content-length"
                        ],
                    }
                return await send(message)
            if message["type"] == "http.response.body" and state["csv"]:
                more = message.get("more_body", False)
                text = neutraliser.feed(message.get("body", b"").decode("utf-8"), final=not more)
                message = {**message, "body": text.encode("utf-8")}
            return await send(message)

        return await app(scope, receive, send_neutralised)

    return wrapped


@functools.cache
def _datasette_class() -> type[Datasette]:
    """Datasette as commresp serves it, and (once per process, before any is made, since a
    Datasette builds its app when it is made) the plugin whose asgi_wrapper hook wraps it."""
    import types

    from datasette import hookimpl
    from datasette.app import Datasette
    from datasette.plugins import pm

    class CommrespDatasette(Datasette):
        """The Datasette of ``commresp browse``: the only one the plugin wraps."""

    @hookimpl
    def asgi_wrapper(datasette):
        if not isinstance(datasette, CommrespDatasette):
            return None
        return lambda app: csv_and_home_wrapper(app, f"/{DATABASE}/status")

    # Datasette lists plugins by module name: the plugin is a module made here
    plugin = types.ModuleType("commresp_datasette_plugin")
    plugin.asgi_wrapper = asgi_wrapper
    pm.register(plugin, name="commresp")
    return CommrespDatasette


@dataclass
class Snapshot:
    """What browse serves on a team server: a copy of the record as of ``taken_at``."""

    path: Path
    database: str
    taken_at: str  # UTC ISO 8601
    tables: list[str]  # those copied (this login may read them)
    folder: Path | None = None  # made for it, removed by close_snapshot

    def line(self) -> str:
        when = datetime.fromisoformat(self.taken_at)
        return (
            f"A snapshot of the server's record {self.database} taken at "
            f"{when:%H:%M} UTC on {when:%Y-%m-%d}; restart browse for a newer one"
        )


def take_snapshot(
    url: str, folder: Path | None = None, *, include_confidential: bool = False
) -> Snapshot:
    """Export what this login may read of the server's record at ``url`` into an
    owner-only SQLite file (in ``folder``, else a new temporary one)."""
    from commresp.store import postgres_roles, transfer

    made = None
    if folder is None:
        folder = made = Path(tempfile.mkdtemp(prefix="commresp-browse-"))  # owner-only
    path = folder / "commresp-snapshot.db"

    def wanted(table: str) -> bool:
        return include_confidential or table not in transfer.CONFIDENTIAL

    try:
        server = store.connect(path, url=url)
        try:
            taken, copied = transfer.export_to_file(server, path, tables=wanted)
            database = postgres_roles.database_name(server)
        finally:
            server.close()
    except BaseException:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        raise
    return Snapshot(path, database, taken, sorted(copied), made)


def close_snapshot(ds: Datasette) -> None:
    """Remove the snapshot a server's browse served (nothing for an embedded record)."""
    snapshot = getattr(ds, "commresp_snapshot", None)
    if snapshot is not None and snapshot.folder is not None:
        shutil.rmtree(snapshot.folder, ignore_errors=True)


def make_datasette(
    workspace: Workspace | str | os.PathLike,
    *,
    include_confidential: bool = False,
    snapshot_folder: Path | None = None,
) -> Datasette:
    """A Datasette serving the workspace database read-only as ``/commresp``; confidential
    terms only with ``include_confidential``.  On a team server it serves a snapshot
    (:func:`take_snapshot`, in ``snapshot_folder`` if given), kept as ``ds.commresp_snapshot``
    and removed by :func:`close_snapshot`."""
    try:
        import datasette.app  # noqa: F401  (the class below is made once, then cached)
    except ImportError:
        raise CommrespError(f"Datasette is not installed: {INSTALL_HINT}") from None
    Datasette = _datasette_class()
    if not isinstance(workspace, Workspace):
        workspace = find(workspace)
    profile = workspace.profile()
    url = session.database_url(profile, workspace.root)
    snapshot = None
    if url is not None:
        snapshot = take_snapshot(url, snapshot_folder, include_confidential=include_confidential)
        path = snapshot.path
    else:
        # Opening it the commresp way first checks it and brings its schema up to date.
        store.connect(workspace.db_path).close()
        path = workspace.db_path
    title = f"{profile.mission_name('en').short}: communications"
    ds = Datasette(
        metadata=metadata(title, include_confidential, snapshot),
        settings={"allow_download": False, "suggest_facets": False},
    )
    ds.commresp_snapshot = snapshot
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    ds.add_database(
        _read_only_database_class(include_confidential)(ds, path=str(path), is_mutable=True),
        name=DATABASE,
    )
    return ds
