"""The schema, pinned: a change here must come with a new numbered migration."""

import pytest
import sqlite_utils

from commresp import store
from tests.helpers import TEST_SERVER, record

EXPECTED = {
    "mandates": {
        "slug": str,
        "holder_type": str,
        "title_en": str,
        "title_fr": str,
        "holder_gender": str,
        "verified": str,
        "notes": str,
        "source": str,
        "kind": str,
        "country": str,
        "title_es": str,
        "established_on": str,
        "ended_on": str,
    },
    "mandate_holders": {
        "id": int,
        "mandate": str,
        "name": str,
        "gender": str,
        "start_on": str,
        "end_on": str,
        "verified": str,
        "source": str,
    },
    "agencies": {
        "slug": str,
        "name_en": str,
        "name_fr": str,
        "name_nl": str,
        "language": str,
        "email": str,
        "notes": str,
        "source": str,
    },
    "communications": {
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
    "communication_mandates": {
        "communication_id": int,
        "position": int,
        "mandate": str,
        "holder_gender": str,
        "title_en": str,
        "title_fr": str,
        "title_es": str,
        "gender_source": str,
        "holder_name": str,
    },
    "events": {
        "id": int,
        "at": str,
        "actor": str,
        "action": str,
        "communication_id": int,
        "details": str,
    },
    "enquiries": {
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
    "answers": {
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
    "documents": {
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
    "outgoing_counters": {"year": int, "next_number": int},
    "paragraphs": {
        "id": int,
        "communication_id": int,
        "document_id": int,
        "language": str,
        "position": int,
        "text": str,
    },
    "confidential_terms": {
        "id": int,
        "communication_id": int,
        "term": str,
        "folded": str,
        "actor": str,
        "created_at": str,
        "origin": str,
    },
    "clearances": {
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
    "letter_texts": {"id": int, "communication_id": int, "file": str, "text": str},
    "blobs": {"sha256": str, "size": int, "data": bytes},
    "stored_files": {
        "path": str,
        "folder": str,
        "sha256": str,
        "editable": int,
        "actor": str,
        "updated_at": str,
    },
    "copy_bases": {"copy": str, "path": str, "sha256": str},
    "blob_intake": {"id": int, "done_at": str, "files": int},
}


@pytest.mark.sqlite_only("the SQLite columns (the server's: test_server_schema_is_pinned)")
def test_schema_is_pinned(ws):
    db = sqlite_utils.Database(ws / "commresp.db")
    actual = {
        t.name: t.columns_dict
        for t in db.tables
        if not t.name.startswith(("_", "sqlite_")) and "_fts" not in t.name
    }
    assert actual == EXPECTED


# PostgreSQL's types for the columns the migrations create with Python's (store.postgres)
SERVER_TYPES = {str: "text", int: "bigint", bytes: "bytea"}
# what the server adds for search: the text of each communication, indexed (FTS5: a view's
# external-content table, which the SQLite pin leaves out with the other *_fts tables)
# and the form secret, which on a team's server belongs to the record (m011_form_secret; the
# embedded record keeps it in the owner-only file beside commresp.db)
SERVER_ONLY = {
    "communication_search": {"communication_id": "bigint", "document": "tsvector"},
    "form_secret": {"id": "bigint", "secret": "text"},
}


@pytest.mark.skipif(not TEST_SERVER, reason="needs COMMRESP_TEST_DATABASE_URL")
def test_server_schema_is_pinned(ws):
    db = record(ws)
    actual = {t: db[t].columns_dict for t in db.table_names() if not t.startswith("_")}
    expected = {
        table: {column: SERVER_TYPES[kind] for column, kind in columns.items()}
        for table, columns in EXPECTED.items()
    }
    assert actual == {**expected, **SERVER_ONLY}
    # the same keys and indexes as on SQLite: ids numbered by the server, unique references
    assert db["communications"].pks == ["id"]
    assert db["communication_mandates"].pks == ["communication_id", "position"]
    assert db.execute(
        "select is_identity from information_schema.columns "
        "where table_name = 'communications' and column_name = 'id'"
    ).fetchone() == ("YES",)
    unique = {
        r[0]
        for r in db.execute("select indexname from pg_indexes where indexdef like 'CREATE UNIQUE%'")
    }
    assert {"idx_communications_ref", "idx_answers_enquiry_id_revision"} <= unique
    db.close()


@pytest.mark.sqlite_only("SQLite's pragmas")
def test_pragmas(ws):
    db = store.connect(ws / "commresp.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS


MIGRATIONS = [
    "m001_register",
    "m002_enquiries",
    "m003_documents",
    "m004_search",
    "m005_confidential",
    "m006_catalog_by_period",
    "m007_clearance",
    "m008_letter_search",
    "m009_confidential_origin",
    "m010_blobs",
    "m011_form_secret",
]


def test_every_migration_is_applied_once(ws):
    db = record(ws)  # the same steps, recorded the same way, on either backend
    names = [row["name"] for row in db.query("select name from _sqlite_migrations")]
    assert names == MIGRATIONS
    assert store.pending_migrations(db) == []
    assert store.applied_migrations(db) == MIGRATIONS


def test_known_migrations_are_the_ones_sqlite_utils_applies(tmp_path):
    # commresp's own list of steps and sqlite-utils' (read through its public pending())
    # must agree, in order, or a newer database could be mistaken for an older one
    fresh = store.open_unmigrated(tmp_path / "fresh.db")
    assert store.known_migrations() == MIGRATIONS
    assert store.pending_migrations(fresh) == MIGRATIONS
    fresh.close()


@pytest.mark.sqlite_only("a newer SQLite file (the server's: test_postgres.py)")
def test_database_from_a_newer_commresp_is_refused(ws):
    import pytest

    from commresp.errors import WorkspaceError

    db = sqlite_utils.Database(ws / "commresp.db")
    db["_sqlite_migrations"].insert(
        {"migration_set": "commresp", "name": "m999_future", "applied_at": "2030-01-01"}
    )
    db.close()
    with pytest.raises(WorkspaceError, match="written by a newer commresp"):
        store.connect(ws / "commresp.db")


@pytest.mark.sqlite_only("FTS5's tables")
def test_search_tables_ignore_accents(ws):
    db = store.connect(ws / "commresp.db")
    assert {"communications_fts", "answers_fts", "paragraphs_fts"} <= set(db.table_names())
    sql = db["answers_fts"].schema
    assert "remove_diacritics 2" in sql


@pytest.mark.sqlite_only("FTS5's tables (the server's: test_postgres.py)")
def test_search_index_follows_every_change_of_what_it_indexes(registered):
    """communications_fts indexes a view (nothing stored twice); its triggers keep it exact."""
    db = store.connect(registered.root / "commresp.db")

    def found(word: str) -> list[int]:
        return [
            r[0]
            for r in db.execute(
                "select rowid from communications_fts where communications_fts match ?", [word]
            )
        ]

    assert found("mercenaires") == [1]  # a mandate's French title
    registered("edit", "AL BEL 1/2025", "--subject", "Recrutement forcé")
    assert found("recrutement") == [1] and found("Lankan") == []  # the old subject is gone
    registered("edit", "AL BEL 1/2025", "--title-fr", "minorities=Rapporteur spécial zzyzx")
    assert found("zzyzx") == [1]
    registered("close", "AL BEL 1/2025", "--reason", "test")  # a change of state: same text
    assert found("zzyzx") == [1]
    db.execute("insert into communications_fts (communications_fts) values ('integrity-check')")


@pytest.mark.sqlite_only("the 0.1.0 SQLite file")
def test_an_older_database_indexes_its_mandates_titles_when_upgraded(ws, run):
    import shutil
    from pathlib import Path

    path = ws / "commresp.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(Path(__file__).parent / "fixtures" / "workspace-0.1.0.db", path)
    hits = run.json("search", "Rapporteuse", "traite")
    assert [(h["ref"], h["kind"]) for h in hits] == [("AL BEL 1/2025", "communication")]
