"""report and export: a year of letters replayed day by day, then its figures checked exactly."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from commresp.cli import cli
from tests.helpers import TODAY, Invoker

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """A Belgian workspace with the letters of early 2025, each step on its own day.

    AL 1 answered by two agencies and replied on day 35 (on time); UA 2 replied on day 70,
    ten days late; AL 3 replied on its very reply date (day 60: on time); OL 4 still open
    past its reply date, its agency not answering; UA 5 closed; AL 6 open, not yet due;
    AL 9/2024 belongs to the year before.
    """
    root = tmp_path_factory.mktemp("record") / "mission"
    runner = CliRunner()
    run = Invoker(runner, root)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("COMMRESP_WORKSPACE", raising=False)
        mp.setenv("COMMRESP_ACTOR", "test-diplomat")
        mp.setenv("COMMRESP_TODAY", "2025-01-06")
        result = runner.invoke(cli, ["init", str(root), "--profile", "belgium"])
        assert result.exit_code == 0, result.output

        def on(day: str, *args: str) -> None:
            mp.setenv("COMMRESP_TODAY", day)
            run(*args)

        def reply(day: str, ref: str) -> None:
            on(day, "draft", ref, "--date", day)
            on(day, "render", ref, "--lang", "en")
            on(day, "mark-sent", ref, "--on", day)

        on(
            "2025-01-06",
            "register",
            "AL BEL 9/2024",
            "--date",
            "2024-12-10",
            "--mandate",
            "torture",
        )
        on(
            "2025-02-05",
            "register",
            "AL BEL 1/2025",
            "--date",
            "2025-02-03",
            "--mandate",
            "trafficking:f",
            "--mandate",
            "slavery",
            "--subject",
            FORMULA,
        )
        on(
            "2025-02-05",
            "assign",
            "AL BEL 1/2025",
            "--agency",
            "myria",
            "--agency",
            "federal-police",
            "--due",
            "2025-02-28",
            "--question",
            "Are the persons named known to your services?",
        )
        answer = ("answer", "add", "AL BEL 1/2025", "--agency")
        on("2025-02-15", *answer, "myria", "--text", "None of them is known.")
        on("2025-02-25", *answer, "federal-police", "--text", "No record found.")
        # a second revision later does not change how long the agency took to answer
        on("2025-02-27", *answer, "myria", "--text", "Correction: one of them is known.")
        on(
            "2025-03-04",
            "register",
            "UA BEL 2/2025",
            "--date",
            "2025-03-03",
            "--mandate",
            "torture",
        )
        on(
            "2025-03-04",
            "assign",
            "UA BEL 2/2025",
            "--agency",
            "myria",
            "--due",
            "2025-03-20",
            "--question",
            "Findings?",
        )
        on("2025-03-07", "answer", "add", "UA BEL 2/2025", "--agency", "myria", "--text", "None.")
        reply("2025-03-10", "AL BEL 1/2025")
        on(
            "2025-04-11",
            "register",
            "AL BEL 3/2025",
            "--date",
            "2025-04-10",
            "--mandate",
            "torture",
            "--mandate",
            "migrants",
        )
        reply("2025-05-12", "UA BEL 2/2025")
        on(
            "2025-05-21",
            "register",
            "OL BEL 4/2025",
            "--date",
            "2025-05-20",
            "--mandate",
            "migrants",
        )
        on(
            "2025-05-21",
            "assign",
            "OL BEL 4/2025",
            "--agency",
            "federal-police",
            "--due",
            "2025-06-10",
            "--question",
            "Findings?",
        )
        on(
            "2025-06-03",
            "register",
            "UA BEL 5/2025",
            "--date",
            "2025-06-02",
            "--mandate",
            "torture",
        )
        on("2025-06-03", "close", "UA BEL 5/2025", "--reason", "joined to UA BEL 2/2025")
        reply("2025-06-09", "AL BEL 3/2025")
        on(
            "2025-07-16",
            "register",
            "AL BEL 6/2025",
            "--date",
            "2025-07-15",
            "--mandate",
            "trafficking:f",
        )
    return root


@pytest.fixture
def rec(runner, record) -> Invoker:
    """The record, seen on the fixed test day (2025-08-01)."""
    return Invoker(runner, record)


def counts(communications, on_time=0, late=0, late_unanswered=0, pending=0, closed=0):
    return {
        "communications": communications,
        "on_time": on_time,
        "late": late,
        "late_unanswered": late_unanswered,
        "pending": pending,
        "closed": closed,
    }


def test_report_figures(rec):
    report = rec.json("report", "--year", "2025")
    assert (report["year"], report["as_of"]) == (2025, TODAY)
    assert report["summary"] == {
        **counts(6, on_time=2, late=1, late_unanswered=1, pending=1, closed=1),
        "replied": 3,
        "due": 4,
        "on_time_share": 0.5,
        "median_days_to_reply": 60,
        "worst_days_to_reply": 70,
        "open_enquiries": 1,
        "overdue_enquiries": 1,
    }
    assert report["by_type"] == {
        "AL": counts(3, on_time=2, pending=1),
        "OL": counts(1, late_unanswered=1),
        "UA": counts(2, late=1, closed=1),
    }
    by_mandate = {
        k: {n: v for n, v in c.items() if n != "title"} for k, c in report["by_mandate"].items()
    }
    assert by_mandate == {
        "torture": counts(3, on_time=1, late=1, closed=1),
        "migrants": counts(2, on_time=1, late_unanswered=1),
        "trafficking": counts(2, on_time=1, pending=1),
        "slavery": counts(1, on_time=1),
    }
    assert list(by_mandate) == ["torture", "migrants", "trafficking", "slavery"]
    assert report["by_mandate"]["migrants"]["title"] == (
        "Special Rapporteur on the human rights of migrants"
    )
    months = report["by_month"]
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert months["2025-01"] == counts(0)
    assert months["2025-02"] == counts(1, on_time=1)
    assert months["2025-03"] == counts(1, late=1)
    assert months["2025-05"] == counts(1, late_unanswered=1)
    assert months["2025-07"] == counts(1, pending=1)
    assert report["agencies"] == {
        "federal-police": {
            "name": "Federal Police",
            "enquiries": 2,
            "answered": 1,
            "median_days": 20,
            "worst_days": 20,
            "open": 1,
            "overdue": 1,
        },
        "myria": {
            "name": "Myria, Federal Migration Centre",
            "enquiries": 2,
            "answered": 2,
            "median_days": 6.5,
            "worst_days": 10,
            "open": 0,
            "overdue": 0,
        },
    }
    rows = {c["ref"]: c for c in report["communications"]}
    assert [c["ref"] for c in report["communications"]] == [
        "AL BEL 1/2025",
        "UA BEL 2/2025",
        "AL BEL 3/2025",
        "OL BEL 4/2025",
        "UA BEL 5/2025",
        "AL BEL 6/2025",
    ]
    assert rows["AL BEL 1/2025"] == {
        "ref": "AL BEL 1/2025",
        "type": "AL",
        "letter_date": "2025-02-03",
        "reply_due": "2025-04-04",
        "reply_period_days": 60,
        "sent_on": "2025-03-10",
        "status": "sent",
        "outcome": "on_time",
        "days_to_reply": 35,
        "days_waiting": None,
        "days_late": None,
    }
    assert (rows["UA BEL 2/2025"]["days_to_reply"], rows["UA BEL 2/2025"]["days_late"]) == (70, 10)
    # sent on the reply date itself is on time
    assert rows["AL BEL 3/2025"]["sent_on"] == rows["AL BEL 3/2025"]["reply_due"]
    assert rows["AL BEL 3/2025"]["outcome"] == "on_time"
    assert (rows["OL BEL 4/2025"]["days_waiting"], rows["OL BEL 4/2025"]["days_late"]) == (73, 13)
    assert (rows["AL BEL 6/2025"]["outcome"], rows["AL BEL 6/2025"]["days_waiting"]) == (
        "pending",
        17,
    )
    assert rows["UA BEL 5/2025"]["days_waiting"] is None


def test_report_default_year_and_other_years(rec, monkeypatch):
    assert rec.json("report")["year"] == 2025
    earlier = rec.json("report", "--year", "2024")
    assert earlier["summary"]["communications"] == 1
    assert earlier["summary"]["late_unanswered"] == 1
    assert earlier["agencies"] == {}
    empty = rec.json("report", "--year", "2023")
    assert empty["summary"]["communications"] == 0
    assert empty["summary"]["on_time_share"] is None
    assert empty["summary"]["median_days_to_reply"] is None
    # later on, AL 6 has passed its reply date without a reply
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-20")
    later = rec.json("report", "--year", "2025")
    assert later["by_type"]["AL"] == counts(3, on_time=2, late_unanswered=1)
    assert later["summary"]["on_time_share"] == 0.4


def test_csv_carries_the_same_figures(rec):
    report = rec.json("report", "--year", "2025")
    data = rec("report", "--year", "2025", "--csv").stdout_bytes
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["section", "key", "measure", "value"]
    table = {(s, k, m): v for s, k, m, v in rows[1:]}
    assert len(table) == len(rows) - 1
    assert table[("summary", "", "on_time")] == "2"
    assert table[("summary", "", "on_time_share")] == "0.5"
    assert table[("summary", "", "median_days_to_reply")] == "60"
    assert table[("by_type", "UA", "late")] == "1"
    assert table[("by_mandate", "torture", "communications")] == "3"
    assert table[("by_month", "2025-03", "late")] == "1"
    assert table[("agencies", "myria", "median_days")] == "6.5"
    assert table[("agencies", "federal-police", "overdue")] == "1"
    assert table[("communications", "UA BEL 2/2025", "days_late")] == "10"
    assert table[("communications", "AL BEL 1/2025", "days_late")] == ""

    def as_cell(value):
        return "" if value is None else str(value)

    expected = {
        ("report", "", k): as_cell(v) for k, v in report.items() if not isinstance(v, dict | list)
    }
    expected |= {("summary", "", k): as_cell(v) for k, v in report["summary"].items()}
    for section in ("by_type", "by_mandate", "by_month", "agencies"):
        for key, figures in report[section].items():
            expected |= {(section, key, m): as_cell(v) for m, v in figures.items()}
    for c in report["communications"]:
        expected |= {
            ("communications", c["ref"], m): as_cell(v) for m, v in c.items() if m != "ref"
        }
    assert table == expected


@pytest.mark.slow
def test_html_report_is_one_self_contained_file(rec, tmp_path):
    out = tmp_path / "report-2025.html"
    result = rec("report", "--year", "2025", "--html", str(out), "--lang", "en")
    assert f"Wrote {out}" in result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    # three charts, drawn inline as SVG: no image, no script, nothing loaded from anywhere
    assert re.findall(r'<svg class="chart" id="chart-(\w+)"', html) == [
        "replies",
        "months",
        "agencies",
    ]
    assert "<img" not in html and "<script" not in html.lower()
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert not re.search(r'(src|href)="(?!data:)', html)
    assert "url(" not in html.replace("url(#hatch-", "") and "@import" not in html
    for text in (
        "AL BEL 1/2025",
        "OL BEL 4/2025",
        "Myria, Federal Migration Centre",
        "50% of the 4 due",
        "1 August 2025",
    ):
        assert text in html
    assert "Replies to Special Procedures communications, 2025" in html
    # a subject or name is text, never markup
    assert "&lt;" not in html or "<cmd" not in html


def test_report_takes_one_output_at_a_time(rec, tmp_path):
    result = rec("report", "--json", "--csv", code=2)
    assert "choose one of --json, --csv and --html" in result.stderr


def test_terminal_summary(rec):
    out = rec("report", "--year", "2025").output
    assert "Communications of 2025 (letter dates), as of 1 August 2025" in out
    assert re.search(r"Replied on time\s+2\n", out)
    assert re.search(r"Late, unanswered\s+1\n", out)
    assert "50% of the 4 due" in out
    assert "median 60, worst 70" in out
    assert re.search(r"UA BEL 2/2025\s+2025-05-02\s+2025-05-12\s+10", out)
    assert re.search(r"myria\s+2\s+2\s+6.5\s+10\s+0\s+0", out)


EXPORT_COLUMNS = [
    "reference",
    "date",
    "type",
    "mandates",
    "state_code",
    "state",
    "reply_dates",
    "status",
    "reply_due",
    "received_on",
    "outgoing_ref",
    "subject",
    "days_to_reply",
    "on_time",
]


def test_export_csv_columns_and_formula_neutralised(rec, tmp_path):
    out = tmp_path / "communications.csv"
    rec("export", "--format", "csv", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel and Calc read the accents right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == EXPORT_COLUMNS
    assert [r["reference"] for r in rows] == [
        "AL BEL 9/2024",
        "AL BEL 1/2025",
        "UA BEL 2/2025",
        "AL BEL 3/2025",
        "OL BEL 4/2025",
        "UA BEL 5/2025",
        "AL BEL 6/2025",
    ]
    first = rows[1]
    stored = [m["title_en"] for m in rec.json("show", "AL BEL 1/2025")["mandates"]]
    assert first == {
        "reference": "AL BEL 1/2025",
        "date": "2025-02-03",
        "type": "AL",
        "mandates": "; ".join(stored),
        "state_code": "BEL",
        "state": "Belgium",
        "reply_dates": "2025-03-10",
        "status": "sent",
        "reply_due": "2025-04-04",
        "received_on": "2025-02-05",
        "outgoing_ref": "GP/CC 2025/1",
        "subject": "'" + FORMULA,
        "days_to_reply": "35",
        "on_time": "true",
    }
    assert stored[0].startswith("Special Rapporteur on trafficking in persons")
    by_ref = {r["reference"]: r for r in rows}
    assert (by_ref["UA BEL 2/2025"]["on_time"], by_ref["UA BEL 2/2025"]["days_to_reply"]) == (
        "false",
        "70",
    )
    assert by_ref["OL BEL 4/2025"]["on_time"] == "false"  # past its reply date, no reply
    assert by_ref["AL BEL 6/2025"]["on_time"] == ""  # not yet due
    assert by_ref["UA BEL 5/2025"]["status"] == "closed"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    from commresp.reporting.exports import cell, neutralise

    assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert cell("Trafficking = slavery") == "Trafficking = slavery"
    assert cell(None) == "" and cell(True) == "true" and cell(-3) == "-3"


def test_export_json_equals_csv(rec):
    from commresp.reporting.exports import cell

    exported = json.loads(rec("export", "--format", "json").stdout)
    rows = list(
        csv.DictReader(
            io.StringIO(rec("export", "--format", "csv").stdout_bytes.decode("utf-8-sig"))
        )
    )
    assert [list(r) for r in exported] == [EXPORT_COLUMNS] * len(exported)
    assert [{k: cell(v) for k, v in r.items()} for r in exported] == rows
    first = exported[1]
    assert first["subject"] == FORMULA  # JSON keeps the text as it is
    assert (first["days_to_reply"], first["on_time"]) == (35, True)
    assert exported[-1]["on_time"] is None


def test_export_ics_still_works(rec, tmp_path):
    from icalendar import Calendar

    out = tmp_path / "deadlines.ics"
    rec("export", "--format", "ics", "-o", str(out))
    events = {str(e["uid"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert "AL-BEL-6-2025.reply@commresp" in events
    assert "OL-BEL-4-2025.federal-police.due@commresp" in events


def test_help_imports_neither_matplotlib_nor_datasette():
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from commresp.cli import cli\n"
        "for args in (['--help'], ['report', '--help'], ['browse', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'datasette', "
        "'numpy', 'uvicorn'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_report_json_does_not_import_matplotlib(record):
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from commresp.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['-w', {str(record)!r}, 'report', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
