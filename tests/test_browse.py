"""browse: Datasette over the workspace database, read-only, with search and canned queries."""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import pytest

pytest.importorskip("datasette")

from commresp.maintenance.browse import make_datasette  # noqa: E402
from tests.helpers import db_snapshot  # noqa: E402


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
