"""Browse the record read-only with Datasette (the optional ``browse`` extra).

Colleagues keep writing to the workspace database while it is browsed, so it is neither
opened ``--immutable`` (Datasette would cache counts and miss their changes) nor writable:
every connection Datasette makes to it, including the one it would use for writes, is a
``file:…?mode=ro`` URI with ``PRAGMA query_only``, so SQLite itself refuses any write.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commresp import store
from commresp.errors import CommrespError
from commresp.workspace import Workspace, find
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
    },
    "paragraphs": {
        "description": "Paragraphs of each communication's latest rendered response, for reuse.",
        "fts_table": "paragraphs_fts",
        "fts_pk": "id",
    },
    "events": {
        "description": "The audit log: who did what, when, on which communication.",
        "sort_desc": "id",
    },
    "outgoing_counters": {
        "description": "Next outgoing reference number (GP/CC year/number) per year.",
    },
    "_sqlite_migrations": {"hidden": True},
}


def metadata(title: str) -> dict[str, Any]:
    """Datasette metadata: title, table descriptions, full-text search and canned queries."""
    return {
        "title": title,
        "description": "The mission's record of communications from the UN Special "
        "Procedures, read-only. Written by commresp; change it with commresp commands.",
        "databases": {
            DATABASE: {
                "description": "Communications, enquiries to agencies, their answers, the "
                "documents sent and the audit log.",
                "tables": TABLES,
                "queries": canned_queries(),
            }
        },
    }


def _read_only_database_class():
    from datasette.database import Database

    class ReadOnlyDatabase(Database):
        """A file database every connection of which is read-only, the write one included."""

        def connect(self, write: bool = False):
            import sqlite3

            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA query_only = 1")
            conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")
            self._all_file_connections.append(conn)
            return conn

    return ReadOnlyDatabase


def make_datasette(workspace: Workspace | str | os.PathLike) -> Datasette:
    """A Datasette serving the workspace database read-only as ``/commresp``."""
    try:
        from datasette.app import Datasette
    except ImportError:
        raise CommrespError(f"Datasette is not installed: {INSTALL_HINT}") from None
    if not isinstance(workspace, Workspace):
        workspace = find(workspace)
    profile = workspace.profile()
    # Opening it the commresp way first checks it and brings its schema up to date.
    store.connect(workspace.db_path).close()
    title = (
        f"{profile.get('mission.short_name_en', profile.get('mission.name_en'))}: communications"
    )
    ds = Datasette(
        metadata=metadata(title),
        settings={"allow_download": False, "suggest_facets": False},
    )
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    ds.add_database(
        _read_only_database_class()(ds, path=str(workspace.db_path), is_mutable=True),
        name=DATABASE,
    )
    return ds
