"""overdue and remind agree (one definition of "due for a reminder"), remind --dry-run writes
nothing, and agencies without an e-mail are said once per command and can be listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from commresp import enquiries
from commresp.errors import InvalidTransition
from commresp.workspace.session import open_session
from tests.helpers import db_snapshot, tree

ENQUIRIES = Path("correspondence/AL-BEL-1-2025/enquiries")


@pytest.fixture
def asked(registered, monkeypatch):
    """Three agencies asked on 2025-08-01: myria due 2025-08-20, cic and payoke 2025-09-01;
    cic answers; only myria has an e-mail address."""
    run = registered
    run("agencies", "edit", "myria", "--email", "contact@myria.example")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--due", "2025-08-20", "--question", "Q?")
    run(
        "assign",
        "AL BEL 1/2025",
        *("--agency", "cic", "--agency", "payoke", "--due", "2025-09-01", "--question", "Q?"),
    )
    run("answer", "add", "AL BEL 1/2025", "--agency", "cic", "--text", "Nothing known.")
    return run


def due_for_reminder(run) -> set[tuple[str, str]]:
    return {(r["ref"], r["agency"]) for r in run.json("overdue")}


def test_overdue_and_remind_agree_on_every_day(asked, monkeypatch):
    for today in ("2025-08-10", "2025-08-25", "2025-09-05"):
        monkeypatch.setenv("COMMRESP_TODAY", today)
        listed = due_for_reminder(asked)
        planned = asked.json("remind", "AL BEL 1/2025", "--dry-run")
        assert {("AL BEL 1/2025", r["agency"]) for r in planned} == listed, today
        written = asked.json("remind", "AL BEL 1/2025")
        assert {("AL BEL 1/2025", r["agency"]) for r in written} == listed, today
        for item in written:
            assert Path(item["email"]).is_file()
    # cic answered: never late, never reminded; myria and payoke once each time they were late
    assert due_for_reminder(asked) == {("AL BEL 1/2025", "myria"), ("AL BEL 1/2025", "payoke")}
    names = sorted(p.name for p in (asked.root / ENQUIRIES).glob("*.reminder-*.eml"))
    assert names == [
        "enquiry-myria.reminder-1.eml",
        "enquiry-myria.reminder-2.eml",
        "enquiry-payoke.reminder-1.eml",
    ]


def test_nothing_late_means_no_reminder_and_says_so(asked):
    before = db_snapshot(asked.root), tree(asked.root)
    result = asked("remind", "AL BEL 1/2025")
    assert result.stdout == (
        "No reminder due: no agency asked about AL BEL 1/2025 is past its due date "
        "without an answer\n"
    )
    assert asked.json("remind", "AL BEL 1/2025") == []
    assert (db_snapshot(asked.root), tree(asked.root)) == before


def test_dry_run_lists_what_it_would_send_and_writes_nothing(asked, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-05")
    before = db_snapshot(asked.root), tree(asked.root)
    result = asked("remind", "AL BEL 1/2025", "--dry-run")
    assert result.stdout.splitlines() == [
        "myria (16 days late): reminder 1 to contact@myria.example would be written",
        "payoke (4 days late): reminder 1 to (no address) would be written",
    ]
    planned = asked.json("remind", "AL BEL 1/2025", "--dry-run")
    assert [(r["agency"], r["reminder"], r["email"]) for r in planned] == [
        ("myria", 1, None),
        ("payoke", 1, None),
    ]
    assert (db_snapshot(asked.root), tree(asked.root)) == before


def test_an_agency_named_that_is_not_late_is_refused(asked, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-08-25")
    before = db_snapshot(asked.root), tree(asked.root)
    result = asked("remind", "AL BEL 1/2025", "--agency", "payoke", code=1)
    assert result.stderr == (
        "Error: payoke is not late: its answers are due 2025-09-01; no reminder written "
        "(see 'commresp overdue')\n"
    )
    result = asked("remind", "AL BEL 1/2025", "--agency", "cic", code=1)
    assert "cic has answered" in result.stderr
    assert (db_snapshot(asked.root), tree(asked.root)) == before


def test_remind_without_click(asked, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-08-25")
    session = open_session(str(asked.root))
    assert [r["agency"] for r in enquiries.overdue(session)] == ["myria"]
    assert [r["agency"] for r in enquiries.remind(session, "AL BEL 1/2025", dry_run=True)] == [
        "myria"
    ]
    with pytest.raises(InvalidTransition, match="payoke is not late"):
        enquiries.remind(session, "AL BEL 1/2025", agency="payoke")


def test_agencies_without_an_email_said_once_and_listed(registered, monkeypatch):
    run = registered
    run("agencies", "edit", "myria", "--email", "contact@myria.example")
    result = run(
        "assign",
        "AL BEL 1/2025",
        *("--agency", "myria", "--agency", "cic", "--agency", "payoke", "--question", "Q?"),
    )
    warnings = [line for line in result.stderr.splitlines() if "no To: address" in line]
    assert warnings == [
        "Warning: 2 e-mail drafts have no To: address (no e-mail on file for cic, payoke): "
        "address them in your mail client, or set one for each with "
        "'commresp agencies edit SLUG --email …' (see 'commresp agencies --no-email')"
    ]
    assert "cic (fr), due 2025-09-08, to (no address)" in result.stdout
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-10")
    result = run("remind", "AL BEL 1/2025")
    assert result.stderr.count("no To: address") == 1
    listed = {a["slug"] for a in run.json("agencies", "--no-email")}
    assert {"cic", "payoke"} <= listed and "myria" not in listed
    assert all(not a["email"] for a in run.json("agencies", "--no-email"))
    assert [a["slug"] for a in run.json("agencies", "payoke", "--no-email")] == ["payoke"]
    run("agencies", "edit", "payoke", "--email", "info@payoke.example")
    result = run("remind", "AL BEL 1/2025", "--agency", "payoke")
    assert "no To: address" not in result.stderr
