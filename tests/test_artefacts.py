"""Artefacts opened in the tools a mission uses: e-mail drafts read by a strict parser, the
calendar by two validators, spreadsheets read back by LibreOffice Calc and openpyxl.

Each test opens the file the way the other tool does and looks at what it sees.
"""

from __future__ import annotations

import email
import io
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
