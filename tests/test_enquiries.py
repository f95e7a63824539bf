"""Enquiries out, answers in: the round trip an agency makes, and every refusal."""

from __future__ import annotations

import email
import io
import json
import zipfile
from datetime import date
from email import policy
from pathlib import Path

import docx
import pytest
from icalendar import Calendar

from commresp.workspace.holiday_calendars import add_working_days
from tests.helpers import (
    TYPED,
    answer_boxes,
    db_snapshot,
    fill_form,
    first_page_header,
    tree,
)
from tests.helpers import TYPED_MARKDOWN as EXPECTED

ENQUIRIES = Path("correspondence/AL-BEL-1-2025/enquiries")
ANSWERS = Path("correspondence/AL-BEL-1-2025/answers")


@pytest.fixture
def assigned(registered):
    """AL BEL 1/2025 asked of three agencies, one per language."""
    run = registered
    run("agencies", "edit", "myria", "--email", "contact@myria.example")
    run("agencies", "edit", "payoke", "--email", "info@payoke.example")
    run(
        "agencies",
        "add",
        "home-office-uk",
        "--name-en",
        "Home Office liaison",
        "--language",
        "en",
        "--email",
        "liaison@home-office.example",
    )
    run(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--agency",
        "payoke",
        "--agency",
        "home-office-uk",
        "--due",
        "2025-09-01",
        "--question",
        "Are the persons named in the letter known to your services?",
        "--question",
        "Which measures protect victims of trafficking?",
    )
    return run


def test_assign_writes_a_form_and_an_email_per_agency_in_its_language(assigned):
    root = assigned.root
    names = sorted(p.name for p in (root / ENQUIRIES).iterdir())
    assert names == sorted(
        [
            "enquiry-home-office-uk.en.docx",
            "enquiry-home-office-uk.eml",
            "enquiry-myria.eml",
            "enquiry-myria.fr.docx",
            "enquiry-payoke.eml",
            "enquiry-payoke.nl.docx",
        ]
    )
    texts = {}
    for lang, name in (("fr", "myria.fr"), ("nl", "payoke.nl"), ("en", "home-office-uk.en")):
        document = docx.Document(root / ENQUIRIES / f"enquiry-{name}.docx")
        body = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        texts[lang] = body + "\n" + cells
        header = "\n".join(p.text for p in first_page_header(document).paragraphs)
        assert "Représentation permanente du Royaume de Belgique" in header
        assert "AL BEL 1/2025" in texts[lang]
        assert "Are the persons named in the letter known to your services?" in texts[lang]
        assert len(answer_boxes(document)) == 2
    assert "1er septembre 2025" in texts["fr"]
    assert "Rapporteuse spéciale sur la traite" in texts["fr"]
    assert "1 september 2025" in texts["nl"]
    assert "1 September 2025" in texts["en"]
    assert "Special Rapporteur on trafficking" in texts["en"]
    shown = assigned.json("show", "AL BEL 1/2025")
    assert shown["status"] == "enquiring"
    assign = [e for e in shown["events"] if e["action"] == "assign"]
    assert len(assign) == 1  # one event per operation
    assert [e["agency"] for e in assign[0]["details"]["enquiries"]] == [
        "myria",
        "payoke",
        "home-office-uk",
    ]


def test_form_code_is_on_the_form_but_the_secret_is_not(assigned):
    from commresp.enquiries import form_secret
    from commresp.workspace.session import open_session

    session = open_session(str(assigned.root))  # the workspace's file, or the server's record
    secret = form_secret(session).decode("ascii")
    session.db.close()
    for path in (assigned.root / ENQUIRIES).iterdir():
        data = path.read_bytes()
        if path.suffix == ".docx":
            text = "".join(
                zipfile.ZipFile(path).read(n).decode("utf-8", "replace")
                for n in zipfile.ZipFile(path).namelist()
                if n.endswith(".xml")
            )
            assert "AL-BEL-1-2025." in text
            assert secret not in text
        else:
            assert secret.encode() not in data


def test_email_drafts_parse_with_the_standard_library(assigned):
    path = assigned.root / ENQUIRIES / "enquiry-myria.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "contact@myria.example"
    (sender,) = message["From"].addresses  # the mission by name, in the agency's language
    assert (sender.display_name, sender.addr_spec) == (
        "Représentation permanente de la Belgique",
        "geneva@diplobel.fed.be",
    )
    assert "AL BEL 1/2025" in message["Subject"]
    assert "Demande d'informations" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "1er septembre 2025" in body
    assert "la réponse de la Belgique" in body
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["enquiry-myria.fr.docx"]
    docx.Document(io.BytesIO(attachments[0].get_payload(decode=True)))
    dutch = email.message_from_bytes(
        (assigned.root / ENQUIRIES / "enquiry-payoke.eml").read_bytes(), policy=policy.default
    )
    assert "Verzoek om informatie" in dutch["Subject"]
    assert "het antwoord van België" in dutch.get_body(("plain",)).get_content()


def test_round_trip_as_an_agency_would_do_it(assigned, tmp_path):
    root = assigned.root
    returned = fill_form(root / ENQUIRIES / "enquiry-myria.fr.docx", tmp_path / "myria.docx", TYPED)
    result = assigned("answer", "import", str(returned))
    assert "stored as revision 1" in result.output
    listed = assigned.json("answers", "AL BEL 1/2025")
    myria = next(e for e in listed["enquiries"] if e["agency"] == "myria")
    assert myria["status"] == "answered"
    assert [r["revision"] for r in myria["revisions"]] == [1]
    assert myria["revisions"][0]["text"] == EXPECTED
    # an edited form is revision 2, and both files are kept
    edited = [[("", "Update: one person is known to Myria.", False)], [("", "No change.", False)]]
    second = fill_form(
        root / ENQUIRIES / "enquiry-myria.fr.docx", tmp_path / "myria-2.docx", edited
    )
    assigned("answer", "import", str(second))
    myria = next(
        e for e in assigned.json("answers", "AL BEL 1/2025")["enquiries"] if e["agency"] == "myria"
    )
    assert [r["revision"] for r in myria["revisions"]] == [1, 2]
    assert myria["revisions"][1]["text"].endswith("No change.")
    kept = sorted(p.name for p in (root / ANSWERS).iterdir())
    assert kept == ["myria.r1.docx", "myria.r2.docx"]
    assert (root / ANSWERS / "myria.r1.docx").read_bytes() == returned.read_bytes()


def test_same_file_twice_adds_nothing(assigned, tmp_path):
    returned = fill_form(
        assigned.root / ENQUIRIES / "enquiry-payoke.nl.docx", tmp_path / "payoke.docx", TYPED
    )
    assigned("answer", "import", str(returned))
    before = db_snapshot(assigned.root)
    result = assigned("answer", "import", str(returned))
    assert "already imported as revision 1; nothing added" in result.output
    assert db_snapshot(assigned.root) == before


def test_every_agency_answering_moves_the_communication_to_answered(assigned, tmp_path):
    for name in ("myria.fr", "payoke.nl", "home-office-uk.en"):
        returned = fill_form(
            assigned.root / ENQUIRIES / f"enquiry-{name}.docx", tmp_path / f"{name}.docx", TYPED
        )
        assigned("answer", "import", str(returned))
    assert assigned.json("show", "AL BEL 1/2025")["status"] == "answered"


def test_answer_from_an_email_keeps_the_email(assigned, tmp_path):
    filled = fill_form(
        assigned.root / ENQUIRIES / "enquiry-myria.fr.docx", tmp_path / "myria.docx", TYPED
    )
    message = email.message.EmailMessage()
    message["From"] = "contact@myria.example"
    message["Subject"] = "RE: AL BEL 1/2025"
    message.set_content("Veuillez trouver notre réponse ci-jointe.")
    message.add_attachment(
        filled.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="enquiry-myria.fr.docx",
    )
    eml = tmp_path / "reply.eml"
    eml.write_bytes(message.as_bytes())
    assigned("answer", "import", str(eml))
    kept = sorted(p.name for p in (assigned.root / ANSWERS).iterdir())
    assert kept == ["myria.r1.docx", "myria.r1.eml"]


def test_answer_add_text_and_file(assigned, tmp_path):
    assigned(
        "answer",
        "add",
        "AL BEL 1/2025",
        "--agency",
        "payoke",
        "--text",
        "Payoke has no record of these persons.",
    )
    md = tmp_path / "payoke.md"
    md.write_text("Correction: **one** record found.\n", encoding="utf-8")
    assigned("answer", "add", "al-bel-1-2025", "--agency", "payoke", "--file", str(md))
    payoke = next(
        e for e in assigned.json("answers", "AL BEL 1/2025")["enquiries"] if e["agency"] == "payoke"
    )
    assert [r["text"] for r in payoke["revisions"]] == [
        "Payoke has no record of these persons.",
        "Correction: **one** record found.",
    ]


def _corrupt(path: Path, tmp_path: Path, name: str, change) -> Path:
    """A copy of a .docx with its document.xml changed by ``change``."""
    out = tmp_path / name
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data)
            dst.writestr(item, data)
    return out


def refusals(root: Path, tmp_path: Path) -> list[tuple[str, list[str], str]]:
    forms = root / ENQUIRIES
    myria = fill_form(forms / "enquiry-myria.fr.docx", tmp_path / "myria.docx", TYPED)
    token = docx.Document(myria).core_properties.keywords
    mac = token.rsplit(".", 1)[1]
    altered_mac = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(myria) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/media/padding.bin", b"\0" * (80 * 1024 * 1024))
    not_docx = tmp_path / "notes.docx"
    not_docx.write_text("I am a text file")
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(myria.read_bytes()[:2000])
    macro = tmp_path / "macro.docm"
    with zipfile.ZipFile(myria) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/vbaProject.bin", b'Attribute VB_Name = "x"')
    big = tmp_path / "big.docx"
    with zipfile.ZipFile(myria) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        import os

        dst.writestr("word/media/photo.bin", os.urandom(11 * 1024 * 1024))
    return [
        (
            "another communication",
            [str(myria), "--ref", "AL BEL 2/2025"],
            "this form is for AL BEL 1/2025, not AL BEL 2/2025",
        ),
        (
            "another agency",
            [str(myria), "--agency", "payoke"],
            "this form was sent to myria, not payoke",
        ),
        (
            "altered code",
            [
                str(
                    _corrupt(
                        myria,
                        tmp_path,
                        "altered.docx",
                        lambda d: d.replace(mac.encode(), altered_mac.encode()),
                    )
                )
            ],
            "the form code does not check out",
        ),
        (
            "code removed",
            [
                str(
                    _corrupt(
                        myria, tmp_path, "removed.docx", lambda d: d.replace(token.encode(), b"")
                    )
                )
            ],
            "no form code found",
        ),
        ("not a docx", [str(not_docx)], "notes.docx"),
        ("corrupt", [str(truncated)], "truncated.docx"),
        ("zip bomb", [str(bomb)], "bomb.docx"),
        ("too big", [str(big)], "big.docx"),
        ("macros", [str(macro)], "macro"),
    ]


def test_refused_forms_store_nothing(assigned, tmp_path):
    cases = refusals(assigned.root, tmp_path)
    # the code-removed form also loses the properties copy of the code
    removed = tmp_path / "removed.docx"
    document = docx.Document(removed)
    document.core_properties.keywords = ""
    document.save(removed)
    before, files_before = db_snapshot(assigned.root), tree(assigned.root)
    for label, args, message in cases:
        result = assigned("answer", "import", *args, code=1)
        assert message in result.stderr, (label, result.stderr)
        assert result.stderr.count("\n") == 1, (label, result.stderr)
        assert "Traceback" not in result.output
    assert db_snapshot(assigned.root) == before
    assert tree(assigned.root) == files_before
    assert not (assigned.root / ANSWERS).exists() or not any((assigned.root / ANSWERS).iterdir())


def test_answer_for_an_agency_not_assigned_is_refused(assigned):
    before = db_snapshot(assigned.root)
    result = assigned(
        "answer", "add", "AL BEL 1/2025", "--agency", "federal-police", "--text", "x", code=1
    )
    assert "federal-police was not asked about AL BEL 1/2025" in result.stderr
    assert db_snapshot(assigned.root) == before


def test_working_days_skip_weekends_and_belgian_holidays():
    # 2025-08-08 is a Friday; 15 August (Assumption) is a public holiday in Belgium
    assert add_working_days(date(2025, 8, 8), 10, "BEL") == date(2025, 8, 25)
    assert add_working_days(date(2025, 8, 14), 1, "BEL") == date(2025, 8, 18)
    # 1 November 2025 is a Saturday; 11 November (Armistice) a Tuesday
    assert add_working_days(date(2025, 11, 7), 3, "BEL") == date(2025, 11, 13)
    assert add_working_days(date(2025, 8, 25), -10, "BEL") == date(2025, 8, 8)


def test_due_in_working_days_and_default_due(registered):
    registered("assign", "AL BEL 1/2025", "--agency", "myria", "--due-in", "10", "--question", "Q?")
    # today is 2025-08-01 (a Friday): 10 working days, skipping 15 August
    assert registered.json("answers", "AL BEL 1/2025")["enquiries"][0]["due_on"] == "2025-08-18"
    registered("assign", "AL BEL 1/2025", "--agency", "payoke", "--question", "Q?")
    # reply due 2025-09-20 (Saturday) minus 10 working days
    assert registered.json("answers", "AL BEL 1/2025")["enquiries"][1]["due_on"] == "2025-09-08"


def test_overdue_remind_and_calendar(assigned, monkeypatch, tmp_path):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-05")
    late = assigned.json("overdue")
    assert [(r["agency"], r["days_late"]) for r in late] == [
        ("home-office-uk", 4),
        ("myria", 4),
        ("payoke", 4),
    ]
    assert late[1]["email"] == "contact@myria.example"
    board = assigned.json("status")["communications"][0]
    assert board["late_agencies"] == ["myria", "payoke", "home-office-uk"]
    assert "Late agencies" in assigned("status").output
    assigned("remind", "AL BEL 1/2025", "--agency", "myria")
    reminder = assigned.root / ENQUIRIES / "enquiry-myria.reminder-1.eml"
    message = email.message_from_bytes(reminder.read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Rappel : AL BEL 1/2025")
    assert message["To"] == "contact@myria.example"
    assert [a.get_filename() for a in message.iter_attachments()] == ["enquiry-myria.fr.docx"]
    assert assigned.json("overdue")[1]["reminders"] == 1
    out = tmp_path / "deadlines.ics"
    assigned("export", "--format", "ics", "-o", str(out))
    calendar = Calendar.from_ical(out.read_bytes())
    events = {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events["AL-BEL-1-2025.reply@commresp"] == date(2025, 9, 20)
    assert events["AL-BEL-1-2025.myria.due@commresp"] == date(2025, 9, 1)
    assert len(events) == 4


BAD_ASSIGN = [
    (["--agency", "polise", "--question", "Q?"], 2, "unknown agency 'polise'"),
    (["--agency", "myria"], 2, "give at least one --question"),
    (["--agency", "myria", "--question", "Q?", "--due", "2025-07-01"], 2, "is not after today"),
    (
        ["--agency", "myria", "--question", "Q?", "--due", "2025-09-01", "--due-in", "3"],
        2,
        "either --due or --due-in",
    ),
]


@pytest.mark.parametrize("args, code, message", BAD_ASSIGN)
def test_bad_assign_changes_nothing(registered, args, code, message):
    before, files_before = db_snapshot(registered.root), tree(registered.root)
    result = registered("assign", "AL BEL 1/2025", *args, code=code)
    assert message in result.stderr
    assert db_snapshot(registered.root) == before
    assert tree(registered.root) == files_before


def test_assigning_the_same_agency_twice_is_refused(assigned):
    result = assigned("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?", code=1)
    assert "myria already asked about AL BEL 1/2025" in result.stderr
    json.loads(assigned("answers", "AL BEL 1/2025", "--json").stdout)


def test_agency_due_is_a_margin_before_the_reply_date_with_a_minimum_notice():
    from commresp.rules.deadlines import agency_due

    assumption = {date(2025, 8, 15)}
    # reply due Saturday 20 September: 10 working days before is Monday 8 September
    assert agency_due(date(2025, 9, 20), date(2025, 8, 1), assumption) == date(2025, 9, 8)
    # asked late: never less than the notice (5 working days, skipping 15 August)
    assert agency_due(date(2025, 8, 20), date(2025, 8, 11), assumption) == date(2025, 8, 19)
    assert agency_due(date(2025, 9, 20), date(2025, 8, 1), set(), margin=3, notice=2) == date(
        2025, 9, 17
    )


def test_default_due_takes_margin_and_notice_from_the_profile(registered):
    profile = registered.root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    assert "agency_notice_working_days = 5" in text
    profile.write_text(
        text.replace("agency_notice_working_days = 5", "agency_notice_working_days = 40"),
        encoding="utf-8",
    )
    registered("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?")
    # 40 working days from Friday 1 August, skipping 15 August, is later than the margin's date
    due = registered.json("answers", "AL BEL 1/2025")["enquiries"][0]["due_on"]
    assert due == add_working_days(date(2025, 8, 1), 40, "BEL").isoformat() == "2025-09-29"


def test_french_form_names_the_mandates_with_their_contracted_articles(assigned):
    """One list builder for every document: the form reads as the note verbale does."""
    import re

    facts = {}
    for lang, name in (("fr", "myria.fr"), ("en", "home-office-uk.en")):
        document = docx.Document(assigned.root / ENQUIRIES / f"enquiry-{name}.docx")
        facts[lang] = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    french = facts["fr"]["Communication"]
    assert french.startswith("du Groupe de travail sur l'utilisation de mercenaires")
    assert ", du Rapporteur spécial sur les questions relatives aux minorités, " in french
    assert " et de la Rapporteuse spéciale sur la traite des êtres humains" in french
    assert not re.search(r"\bde le\b|\bde les\b|\bà le\b", "Communication " + french)
    assert "Communication de" not in facts["fr"]
    english = facts["en"]["Communication from"]
    assert english.startswith("the Working Group on")
    assert ", and the Special Rapporteur on trafficking" in english


def test_enquiry_emails_name_the_mission_and_the_state_from_the_profile(assigned):
    bodies = {}
    for agency in ("myria", "payoke", "home-office-uk"):
        path = assigned.root / ENQUIRIES / f"enquiry-{agency}.eml"
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        bodies[agency] = message.get_body(("plain",)).get_content()
    assert "La Représentation permanente de la Belgique a reçu" in bodies["myria"]
    assert "la réponse de la Belgique" in bodies["myria"]
    assert "De Permanente Vertegenwoordiging van België heeft" in bodies["payoke"]
    assert "het antwoord van België" in bodies["payoke"]
    assert "The Permanent Representation of Belgium has received" in bodies["home-office-uk"]
    assert "the reply of Belgium" in bodies["home-office-uk"]
    assert bodies["home-office-uk"].rstrip().endswith("\nPermanent Representation of Belgium")
