"""Browse the record read-only with Datasette (the optional ``browse`` extra).

Colleagues keep writing to the workspace database while it is browsed, so it is neither
opened ``--immutable`` (Datasette would cache counts and miss their changes) nor writable:
every connection Datasette makes to it, including the one it would use for writes, is a
``file:…?mode=ro`` URI with ``PRAGMA query_only``, so SQLite itself refuses any write.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commresp import store
from commresp.errors import CommrespError
from commresp.rules import states
from commresp.workspace import Workspace, find
from commresp.workspace.session import ENV_TODAY

if TYPE_CHECKING:
    from datasette.app import Datasette

DATABASE = "commresp"
INSTALL_HINT = "pip install 'commresp[browse]'"


def _today_sql() -> str:
    """Today in SQL: COMMRESP_TODAY when set (replays and tests), else the local date."""
    value = os.environ.get(ENV_TODAY)
    if value:
        from datetime import date

        return f"'{date.fromisoformat(value).isoformat()}'"
    return "date('now', 'localtime')"


def canned_queries() -> dict[str, dict[str, str]]:
    """The questions people ask most, one click each in Datasette."""
    today = _today_sql()
    open_states = ", ".join(f"'{s}'" for s in states.OPEN_STATES)
    return {
        "overdue_enquiries": {
            "title": "Overdue enquiries",
            "description": "Agencies that have not answered by their due date: whom to chase.",
            "sql": f"""select c.ref, e.agency, a.name_en as agency_name, a.email, e.sent_on,
       e.due_on, cast(julianday({today}) - julianday(e.due_on) as integer) as days_late,
       e.reminders, e.last_reminded_on
from enquiries e
join communications c on c.id = e.communication_id
join agencies a on a.slug = e.agency
where e.status = 'open' and e.due_on < {today}
order by e.due_on, c.ref, e.agency""",
        },
        "open_communications": {
            "title": "Open communications by reply date",
            "description": "Communications still awaiting the mission's reply, most urgent first.",
            "sql": f"""select c.ref, c.status, c.letter_date, c.reply_due,
       cast(julianday(c.reply_due) - julianday({today}) as integer) as days_left,
       c.subject
from communications c
where c.status in ({open_states})
order by c.reply_due, c.ref""",
        },
        "answers_by_agency": {
            "title": "Answers by agency",
            "description": "Per agency: enquiries, answers, days from the enquiry to the first "
            "answer (average and worst), and enquiries still open.",
            "sql": """select e.agency, a.name_en as agency_name, count(*) as enquiries,
       count(f.id) as answered,
       round(avg(julianday(f.received_on) - julianday(e.sent_on)), 1) as average_days,
       cast(max(julianday(f.received_on) - julianday(e.sent_on)) as integer) as worst_days,
       sum(e.status = 'open') as open
from enquiries e
join agencies a on a.slug = e.agency
left join answers f on f.enquiry_id = e.id
    and f.revision = (select min(revision) from answers where enquiry_id = e.id)
group by e.agency
order by enquiries desc, e.agency""",
        },
        "late_replies": {
            "title": "Late replies",
            "description": "Replies sent after the reply date, and communications still open "
            "past it.",
            "sql": f"""select c.ref, c.letter_date, c.reply_due, c.sent_on, c.status,
       cast(julianday(coalesce(c.sent_on, {today})) - julianday(c.reply_due) as integer)
           as days_late
from communications c
where (c.sent_on is not null and c.sent_on > c.reply_due)
   or (c.sent_on is null and c.status in ({open_states}) and c.reply_due < {today})
order by days_late desc, c.ref""",
        },
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
