"""communications: register, show, list, status, edit, close, publish, and a plan from a letter."""

from __future__ import annotations

from datetime import date

import pytest

from commresp import communications
from commresp.errors import (
    BadInput,
    BadReference,
    DuplicateReference,
    InvalidTransition,
    UnknownMandate,
    UnknownReference,
)
from commresp.workspace.files import sha256_file
from tests.helpers import TITLES, events, letter, refused, rows, the_new_event, write_docx

REF = "AL BEL 1/2025"
MANDATES = ["mercenaries", "minorities", "slavery", "trafficking"]


def choices(*texts: str) -> list[communications.MandateChoice]:
    return [communications.MandateChoice.parse(t) for t in texts]


def test_register_writes_the_communication_its_mandates_and_one_event(session):
    since = len(events(session.db))
    shown = communications.register(
        session,
        "al-bel-1-2025",  # any loose form; stored canonical
        letter_date=date(2025, 7, 22),
        received_on=date(2025, 7, 24),
        mandates=choices("mercenaries", "minorities", "slavery", "trafficking:f"),
        subject="  Trafficking of Sri Lankan nationals  ",
    )
    assert (shown["ref"], shown["slug"], shown["status"]) == (REF, "AL-BEL-1-2025", "received")
    # 60 days from the letter (profile deadlines.reply_days), 50 left on 2025-08-01
    assert (shown["reply_due"], shown["days_left"]) == ("2025-09-20", 50)
    assert shown["subject"] == "Trafficking of Sri Lankan nationals"
    (row,) = rows(session.db, "communications")
    assert (row["ref"], row["type"], row["addressee"], row["number"], row["year"]) == (
        REF,
        "AL",
        "BEL",
        1,
        2025,
    )
    mandates = rows(session.db, "communication_mandates", communication_id=row["id"])
    assert [m["mandate"] for m in mandates] == MANDATES
    trafficking = mandates[3]
    assert trafficking["holder_gender"] == "f"
    assert trafficking["title_fr"].startswith("Rapporteuse spéciale")
    assert mandates[0]["holder_gender"] == ""  # a working group has no holder gender
    event = the_new_event(session.db, since, "register")
    assert event["communication_id"] == row["id"]
    assert event["details"] == {"ref": REF, "mandates": MANDATES}
    assert [e["action"] for e in shown["events"]] == ["register"]


def test_register_keeps_a_copy_of_the_letter(session, tmp_path):
    source = write_docx(letter("en"), tmp_path / "letter.docx")
    shown = communications.register(
        session,
        REF,
        letter_date=date(2025, 7, 22),
        mandates=choices("trafficking"),
        letter=source,
    )
    assert shown["received_on"] == "2025-08-01"  # today, when not given
    assert shown["letter_files"] == ["letter.docx"]
    kept = session.workspace.root / "correspondence/AL-BEL-1-2025/incoming/letter.docx"
    assert kept.read_bytes() == source.read_bytes()
    details = events(session.db)[-1]["details"]
    assert (details["letter"], details["letter_sha256"]) == ("letter.docx", sha256_file(source))


@pytest.mark.parametrize(
    "ref, kwargs, error, message",
    [
        ("AL 1/2025", {}, BadReference, "is not a communication reference"),
        (REF, {"letter_date": date(2025, 8, 2)}, BadInput, "the letter date 2025-08-02 is in"),
        (REF, {"received_on": date(2025, 7, 1)}, BadInput, "before the letter's date 2025-07-22"),
        (REF, {"mandates": []}, BadInput, "name at least one mandate with --mandate"),
        (REF, {"mandates": choices("trafficing")}, UnknownMandate, "did you mean trafficking?"),
        (REF, {"mandates": choices("torture", "torture")}, BadInput, "mandate named twice"),
        (REF, {"titles_fr": {"slavery": "x"}}, BadInput, "'slavery', which is not among"),
    ],
)
def test_bad_registrations_change_nothing(session, ref, kwargs, error, message):
    arguments = {"letter_date": date(2025, 7, 22), "mandates": choices("torture"), **kwargs}
    refused(session, error, message, communications.register, ref, **arguments)


def test_a_letter_file_that_does_not_exist_is_refused(session, tmp_path):
    missing = tmp_path / "nowhere.pdf"
    refused(
        session,
        BadInput,
        f"letter file {missing} does not exist",
        communications.register,
        REF,
        letter_date=date(2025, 7, 22),
        mandates=choices("torture"),
        letter=missing,
    )


def test_registering_twice_is_refused(al_bel_1):
    refused(
        al_bel_1,
        DuplicateReference,
        "AL BEL 1/2025 is already registered",
        communications.register,
        "AL-BEL-1-2025",
        letter_date=date(2025, 7, 22),
        mandates=choices("torture"),
    )


def test_show_of_an_unknown_or_malformed_reference(al_bel_1):
    refused(
        al_bel_1,
        UnknownReference,
        "AL BEL 9/2025 is not registered",
        communications.show,
        "AL BEL 9/2025",
    )
    refused(
        al_bel_1, BadReference, "'XX' is not a communication reference", communications.show, "XX"
    )


def test_list_page_and_dashboard(al_bel_1):
    communications.register(
        al_bel_1, "UA BEL 2/2025", letter_date=date(2025, 5, 1), mandates=choices("torture")
    )
    page, total = communications.list_page(al_bel_1)
    assert total == 2
    assert [r["ref"] for r in page] == [REF, "UA BEL 2/2025"]  # newest letter first
    assert page[0]["mandates"] == MANDATES
    assert "id" not in page[0]
    page, total = communications.list_page(al_bel_1, mandate="torture")
    assert (total, [r["ref"] for r in page]) == (1, ["UA BEL 2/2025"])
    page, total = communications.list_page(al_bel_1, limit=1, offset=1)
    assert (total, [r["ref"] for r in page]) == (2, ["UA BEL 2/2025"])
    board = communications.dashboard(al_bel_1)
    assert (board["today"], board["open"], board["overdue"]) == ("2025-08-01", 2, 1)
    assert board["by_status"]["received"] == 2
    # overdue first: UA BEL 2/2025 was due 60 days after 2025-05-01
    assert [(r["ref"], r["days_left"]) for r in board["communications"]] == [
        ("UA BEL 2/2025", -32),
        (REF, 50),
    ]


def test_list_page_refuses_an_unknown_status_or_mandate(al_bel_1):
    refused(al_bel_1, BadInput, "unknown status 'late'", communications.list_page, status="late")
    refused(
        al_bel_1,
        UnknownMandate,
        "unknown mandate 'nobody'",
        communications.list_page,
        mandate="nobody",
    )


def test_edit_records_the_old_and_new_values(al_bel_1):
    since = len(events(al_bel_1.db))
    shown = communications.edit(
        al_bel_1,
        REF,
        changes={"letter_date": date(2025, 7, 20), "summary": " Recruitment. "},
        genders={"minorities": "f"},
    )
    assert (shown["letter_date"], shown["reply_due"], shown["summary"]) == (
        "2025-07-20",
        "2025-09-18",
        "Recruitment.",
    )
    assert shown["mandates"][1]["holder_gender"] == "f"
    event = the_new_event(al_bel_1.db, since, "edit")
    assert event["details"]["before"] == {
        "letter_date": "2025-07-22",
        "summary": "",
        "reply_due": "2025-09-20",
    }
    assert event["details"]["after"] == {
        "letter_date": "2025-07-20",
        "summary": "Recruitment.",
        "reply_due": "2025-09-18",
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"changes": {"status": "sent"}}, "status cannot be edited"),
        ({"changes": {"subject": None}}, "nothing to change"),
        ({"changes": {"received_on": date(2025, 7, 1)}}, "before the letter's date"),
        (
            {"changes": {}, "genders": {"torture": "f"}},
            "'torture' is not a mandate of AL BEL 1/2025",
        ),
        ({"changes": {}, "genders": {"minorities": "x"}}, "gender for minorities must be f or m"),
    ],
)
def test_bad_edits_change_nothing(al_bel_1, kwargs, message):
    refused(al_bel_1, BadInput, message, communications.edit, REF, **kwargs)


def test_close_then_nothing_more_moves(al_bel_1):
    since = len(events(al_bel_1.db))
    shown = communications.close(al_bel_1, REF, reason=" addressed to another State ")
    assert (shown["status"], shown["closed_reason"], shown["days_left"]) == (
        "closed",
        "addressed to another State",
        None,
    )
    event = the_new_event(al_bel_1.db, since, "close")
    assert event["details"] == {"from": "received", "reason": "addressed to another State"}
    refused(
        al_bel_1,
        InvalidTransition,
        "AL BEL 1/2025 is closed; it cannot become closed",
        communications.close,
        REF,
        reason="again",
    )


def test_close_needs_a_reason_and_publishing_needs_a_sent_reply(al_bel_1):
    refused(al_bel_1, BadInput, "say why with --reason", communications.close, REF, reason=" ")
    refused(
        al_bel_1,
        InvalidTransition,
        "AL BEL 1/2025 is received; it cannot become published",
        communications.mark_published,
        REF,
    )
    refused(
        al_bel_1,
        BadInput,
        "--on 2025-08-02 must be between",
        communications.mark_published,
        REF,
        on=date(2025, 8, 2),
    )


def test_plan_from_letter_reads_the_letter_and_the_user_wins(session, tmp_path):
    path = write_docx(letter("fr"), tmp_path / "lettre.docx")
    since = len(events(session.db))
    plan = communications.plan_from_letter(
        session, path, ref_text=None, letter_date=None, mandates=()
    )
    assert (plan.ref, plan.letter_date, plan.language, plan.missing) == (
        REF,
        date(2025, 7, 22),
        "fr",
        [],
    )
    assert [(m.slug, m.gender) for m in plan.mandates] == [
        ("mercenaries", None),
        ("minorities", "m"),
        ("slavery", "m"),
        ("trafficking", "f"),
    ]
    assert plan.titles_fr["trafficking"] == TITLES["fr"]["trafficking"]
    given = communications.plan_from_letter(
        session,
        path,
        ref_text="UA BEL 3/2025",
        letter_date=date(2025, 7, 1),
        mandates=choices("torture"),
    )
    assert (given.ref, given.letter_date, [m.slug for m in given.mandates]) == (
        "UA BEL 3/2025",
        date(2025, 7, 1),
        ["torture"],
    )
    assert given.titles_fr == {}  # the letter's titles are for the letter's mandates only
    assert events(session.db)[since:] == []  # reading a letter records nothing


def test_plan_from_a_letter_without_reference_or_date_says_what_is_missing(session, tmp_path):
    path = write_docx(letter("en", reference=None, dated=False), tmp_path / "letter.docx")
    plan = communications.plan_from_letter(
        session, path, ref_text=None, letter_date=None, mandates=()
    )
    assert plan.missing == [
        "reference (give it as the REF argument)",
        "date of the letter (give it with --date YYYY-MM-DD)",
    ]
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    refused(
        session,
        BadInput,
        "broken.docx",
        communications.plan_from_letter,
        broken,
        ref_text=None,
        letter_date=None,
        mandates=(),
    )


# --- the holder's gender by the letter's date ----------------------------------------------------


def test_the_gender_follows_the_holder_in_office_and_says_where_it_came_from(session):
    shown = communications.register(
        session,
        "UA SYR 3/2014",
        letter_date=date(2014, 1, 31),
        mandates=choices("housing", "health", "food:f", "mercenaries"),
    )
    got = {
        m["mandate"]: (m["holder_gender"], m["gender_source"], m["holder_name"])
        for m in shown["mandates"]
    }
    assert got == {
        "housing": ("f", "holder", "Raquel Rolnik"),
        "health": ("m", "holder", "Anand Grover"),
        "food": ("f", "given", ""),
        "mercenaries": ("", "", ""),
    }
    by_slug = {m["mandate"]: m for m in shown["mandates"]}
    assert by_slug["housing"]["gender_from"] == "holder in office: Raquel Rolnik"
    assert by_slug["food"]["gender_from"] == "given with --mandate food:f"
    assert by_slug["food"]["title_es"].startswith("Relatora Especial sobre el derecho")


def test_a_gender_read_in_the_letter_wins_over_the_holder_in_office(session):
    letter = communications.MandateChoice("housing", "m", "letter")
    shown = communications.register(
        session, "UA SYR 4/2014", letter_date=date(2014, 1, 31), mandates=[letter]
    )
    housing = shown["mandates"][0]
    assert (housing["holder_gender"], housing["gender_source"]) == ("m", "letter")
    assert housing["gender_from"] == "letter"
    assert housing["title_fr"].startswith("Rapporteur spécial sur le logement")
