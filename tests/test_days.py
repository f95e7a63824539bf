"""Days in words everywhere ("437 days late"), warnings about dates already passed, and the
status line that adds up.  Today is 2025-08-01 (conftest) unless a test says otherwise."""

from __future__ import annotations

import re
from datetime import date

import pytest

from commresp.rules.deadlines import days_after, days_left_words
from tests.helpers import REGISTER_AL_BEL_1_2025


def test_days_left_in_words():
    assert [days_left_words(d) for d in (-437, -1, 0, 1, 50, None)] == [
        "437 days late",
        "1 day late",
        "due today",
        "1 day left",
        "50 days left",
        "",
    ]
    assert days_after(date(2026, 12, 22), date(2025, 9, 20)) == 458
    assert days_after(date(2025, 9, 1), date(2025, 9, 20)) == 0


@pytest.fixture
def late(run, monkeypatch):
    """AL BEL 1/2025 registered as a newcomer does on 1 December 2026, 437 days after its
    reply date (2025-09-20)."""
    monkeypatch.setenv("COMMRESP_TODAY", "2026-12-01")
    return run


def test_register_says_the_reply_date_has_passed(late):
    result = late(*REGISTER_AL_BEL_1_2025)
    assert result.stdout == "Registered AL BEL 1/2025: reply due 2025-09-20 (437 days late)\n"
    assert result.stderr == (
        "Warning: the reply date 2025-09-20 has already passed: the reply is 437 days late\n"
    )
    shown = late.json("show", "AL BEL 1/2025")
    assert (shown["days_left"], shown["deadline"]) == (-437, "437 days late")


def test_a_letter_not_yet_due_registers_without_a_warning(run):
    result = run(*REGISTER_AL_BEL_1_2025)
    assert "(50 days left)" in result.stdout
    assert result.stderr == ""


def test_every_command_says_days_late_the_same_way(late):
    late(*REGISTER_AL_BEL_1_2025)
    show = late("show", "AL BEL 1/2025").stdout
    assert "Reply due     2025-09-20 (437 days late)" in show
    for command in (["status"], ["list"]):
        text = late(*command).stdout
        assert "437 days late" in text, command
        assert "-437" not in text, command
    for command, key in ((["status"], "communications"), (["list"], "communications")):
        row = late.json(*command)[key][0]
        assert (row["days_left"], row["deadline"]) == (-437, "437 days late")


def test_assign_warns_when_agencies_are_due_after_the_reply_date(late):
    late(*REGISTER_AL_BEL_1_2025)
    result = late(
        "assign", "AL BEL 1/2025", "--agency", "myria", "--due-in", "15", "--question", "Q?"
    )
    # 15 working days from Tuesday 1 December 2026
    assert "due 2026-12-22" in result.stdout
    assert (
        "Warning: the answers are due 2026-12-22, 458 days after the reply date (2025-09-20)"
        in result.stderr
    )
    created = late.json(
        "assign", "AL BEL 1/2025", "--agency", "cic", "--due", "2026-12-10", "--question", "Q?"
    )
    assert created[0]["days_after_reply"] == 446 and created[0]["reply_due"] == "2025-09-20"


def test_assign_in_time_gives_no_warning(registered):
    result = registered(
        "assign", "AL BEL 1/2025", "--agency", "myria", "--due-in", "10", "--question", "Q?"
    )
    assert "Warning: the answers are due" not in result.stderr
    created = registered.json(
        "assign", "AL BEL 1/2025", "--agency", "cic", "--due-in", "10", "--question", "Q?"
    )
    assert created[0]["days_after_reply"] == 0


SUMMARY = re.compile(
    r"^(?P<total>\d+) communications? as of \d{4}-\d\d-\d\d: "
    r"(?:(?P<open>\d+) open \((?P<open_parts>[^)]*)\), (?:(?P<late>\d+) of them late|none late)"
    r"|none open)"
    r"; (?:(?P<done>\d+) done \((?P<done_parts>[^)]*)\)|none done)$"
)


def parse_summary(line: str) -> dict:
    match = SUMMARY.match(line)
    assert match, line

    def parts(text):
        return {s: int(n) for n, s in (p.split(" ") for p in text.split(", "))} if text else {}

    return {
        "total": int(match["total"]),
        "open": int(match["open"] or 0),
        "late": int(match["late"] or 0),
        "done": int(match["done"] or 0),
        "open_parts": parts(match["open_parts"]),
        "done_parts": parts(match["done_parts"]),
    }


def test_the_status_line_adds_up(run, monkeypatch):
    assert run("status").stdout.splitlines()[0] == (
        "No communication registered yet (as of 2025-08-01)"
    )
    run("register", "AL BEL 3/2024", "--date", "2024-03-01", "--mandate", "migrants")
    run(*REGISTER_AL_BEL_1_2025)
    run("register", "UA BEL 2/2025", "--date", "2025-07-30", "--mandate", "torture")
    run("register", "UA BEL 3/2025", "--date", "2025-07-30", "--mandate", "torture")
    run("assign", "UA BEL 2/2025", "--agency", "myria", "--question", "Q?")
    run("close", "UA BEL 3/2025", "--reason", "joined to UA BEL 2/2025")
    line = run("status").stdout.splitlines()[0]
    assert line == (
        "4 communications as of 2025-08-01: 3 open (2 received, 1 enquiring), 1 of them late; "
        "1 done (1 closed)"
    )
    summary = parse_summary(line)
    board = run.json("status")
    assert summary["open"] == sum(summary["open_parts"].values()) == board["open"]
    assert summary["done"] == sum(summary["done_parts"].values()) == board["done"]
    assert summary["open"] + summary["done"] == summary["total"] == board["total"]
    assert summary["late"] == board["overdue"] <= summary["open"]
    # the same sums when everything is late, or nothing is open
    monkeypatch.setenv("COMMRESP_TODAY", "2026-12-01")
    summary = parse_summary(run("status").stdout.splitlines()[0])
    assert summary["late"] == summary["open"] == 3
    for ref in ("AL BEL 3/2024", "AL BEL 1/2025", "UA BEL 2/2025"):
        run("close", ref, "--reason", "no reply needed")
    line = run("status").stdout.splitlines()[0]
    assert line == "4 communications as of 2026-12-01: none open; 4 done (4 closed)"
