"""enquiries: assign agencies with a form and an e-mail each, see what is overdue, remind."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from commresp import answers, catalog, enquiries
from commresp.documents.forms import read_form
from commresp.errors import BadInput, FormRejected, InvalidTransition, UnknownAgency
from commresp.workspace.files import sha256_file
from tests.helpers import events, read_eml, refused, rows, the_new_event

REF = "AL BEL 1/2025"
QUESTIONS = [
    "Are the persons named in the letter known to your services?",
    "Which measures protect victims of trafficking?",
]


def later(session, day: date):
    """The same workspace, opened on another day."""
    return dataclasses.replace(session, today=day)


@pytest.fixture
def assigned(al_bel_1):
    catalog.edit_entry(al_bel_1, "agency", "myria", {"email": "contact@myria.example"})
    enquiries.assign(
        al_bel_1,
        REF,
        agencies=["myria", "payoke"],
        questions=QUESTIONS,
        due=date(2025, 9, 1),
    )
    return al_bel_1


def test_assign_writes_one_enquiry_form_and_email_per_agency(al_bel_1):
    catalog.edit_entry(al_bel_1, "agency", "myria", {"email": "contact@myria.example"})
    since = len(events(al_bel_1.db))
    created = enquiries.assign(
        al_bel_1,
        "al bel 1/2025",
        agencies=["Myria", "payoke", "myria"],  # slugs folded, repeats dropped
        questions=[" " + QUESTIONS[0], "", QUESTIONS[1]],
        due=date(2025, 9, 1),
    )
    assert [(c["agency"], c["language"], c["due_on"], c["to"]) for c in created] == [
        ("myria", "fr", "2025-09-01", "contact@myria.example"),
        ("payoke", "nl", "2025-09-01", ""),
    ]
    folder = al_bel_1.workspace.root / "correspondence/AL-BEL-1-2025/enquiries"
    assert sorted(p.name for p in folder.iterdir()) == [
        "enquiry-myria.eml",
        "enquiry-myria.fr.docx",
        "enquiry-payoke.eml",
        "enquiry-payoke.nl.docx",
    ]
    for item in created:
        assert item["form_sha256"] == sha256_file(Path(item["form"]))
    stored = rows(al_bel_1.db, "enquiries")
    assert [(e["agency"], e["status"], e["form_file"]) for e in stored] == [
        ("myria", "open", "enquiry-myria.fr.docx"),
        ("payoke", "open", "enquiry-payoke.nl.docx"),
    ]
    assert json.loads(stored[0]["questions"]) == QUESTIONS
    assert rows(al_bel_1.db, "communications")[0]["status"] == "enquiring"
    event = the_new_event(al_bel_1.db, since, "assign")
    assert event["details"]["questions"] == QUESTIONS
    assert [e["form"] for e in event["details"]["enquiries"]] == [
        "enquiry-myria.fr.docx",
        "enquiry-payoke.nl.docx",
    ]
    # the form's code leads back to exactly its enquiry
    form = read_form(Path(created[0]["form"]))
    assert len(form.answers) == 2
    traced = enquiries.check_token(al_bel_1, form.token, "enquiry-myria.fr.docx")
    assert (traced["ref"], traced["agency"]) == (REF, "myria")
    message = read_eml(Path(created[0]["email"]))
    assert message["To"] == "contact@myria.example"
    assert message["X-Unsent"] == "1"
    assert [a.get_filename() for a in message.iter_attachments()] == ["enquiry-myria.fr.docx"]


def test_assign_with_a_due_date_in_working_days(al_bel_1):
    created = enquiries.assign(al_bel_1, REF, agencies=["cic"], questions=["Q?"], due_in=5)
    # 5 working days after Friday 1 August 2025
    assert created[0]["due_on"] == "2025-08-08"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"agencies": []}, BadInput, "name at least one agency with --agency"),
        ({"questions": [" ", ""]}, BadInput, "give at least one --question"),
        ({"due_in": 3}, BadInput, "give either --due or --due-in, not both"),
        ({"due": date(2025, 8, 1)}, BadInput, "the due date 2025-08-01 is not after today"),
        ({"agencies": ["myria", "myra"]}, UnknownAgency, "unknown agency 'myra'"),
    ],
)
def test_bad_assignments_write_nothing(al_bel_1, kwargs, error, message):
    arguments = {"agencies": ["myria"], "questions": ["Q?"], "due": date(2025, 9, 1), **kwargs}
    refused(al_bel_1, error, message, enquiries.assign, REF, **arguments)


def test_the_same_agency_is_not_asked_twice(assigned):
    refused(
        assigned,
        InvalidTransition,
        "myria already asked about AL BEL 1/2025",
        enquiries.assign,
        REF,
        agencies=["cic", "myria"],
        questions=["Q?"],
    )


def test_a_forged_or_missing_form_code_is_refused(assigned):
    token = read_form(
        assigned.workspace.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx"
    ).token
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    refused(assigned, FormRejected, "does not check out", enquiries.check_token, forged, "f.docx")
    refused(assigned, FormRejected, "no form code found", enquiries.check_token, None, "f.docx")
    refused(assigned, FormRejected, "is malformed", enquiries.check_token, "AL-BEL-1", "f.docx")


def test_overdue_lists_open_enquiries_past_their_date(assigned):
    assert enquiries.overdue(assigned) == []
    late = later(assigned, date(2025, 9, 4))
    answers.add(late, REF, agency="myria", text="Nothing known.")
    overdue = enquiries.overdue(late)
    assert [(r["agency"], r["days_late"]) for r in overdue] == [("payoke", 3)]


def test_remind_writes_a_new_email_to_who_has_not_answered(assigned):
    answers.add(assigned, REF, agency="myria", text="Nothing known.")
    since = len(events(assigned.db))
    reminded = enquiries.remind(later(assigned, date(2025, 9, 2)), REF)
    assert [(r["agency"], r["reminder"]) for r in reminded] == [("payoke", 1)]
    path = Path(reminded[0]["email"])
    assert path.name == "enquiry-payoke.reminder-1.eml"
    attached = [a.get_filename() for a in read_eml(path).iter_attachments()]
    assert attached == ["enquiry-payoke.nl.docx"]
    payoke = rows(assigned.db, "enquiries", agency="payoke")[0]
    assert (payoke["reminders"], payoke["last_reminded_on"]) == (1, "2025-09-02")
    event = the_new_event(assigned.db, since, "remind")
    assert event["details"]["reminders"][0]["email"] == "enquiry-payoke.reminder-1.eml"


def test_bad_reminders_write_nothing(assigned):
    refused(
        assigned,
        BadInput,
        "cic was not asked about AL BEL 1/2025",
        enquiries.remind,
        REF,
        agency="cic",
    )
    answers.add(assigned, REF, agency="myria", text="Nothing known.")
    answers.add(assigned, REF, agency="payoke", text="Niets bekend.")
    refused(
        assigned,
        InvalidTransition,
        "nothing to remind: every agency asked about AL BEL 1/2025 has answered",
        enquiries.remind,
        REF,
    )


def test_assign_asks_each_form_in_its_language_and_warns_of_the_others(al_bel_1):
    from commresp import enquiries

    created = enquiries.assign(
        al_bel_1,
        "AL BEL 1/2025",
        agencies=["myria", "payoke"],  # French and Dutch forms
        questions=["Are the persons named known to your services?"],
        translations={"fr": ["Les personnes citées sont-elles connues de vos services ?"]},
        due=date(2025, 9, 1),
    )
    warnings = {item["agency"]: item["language_warnings"] for item in created}
    assert warnings["myria"] == [
        "the subject 'Trafficking of Sri Lankan nationals into the Russian armed forces' is in "
        "English, and the form in French; the form prints it as recorded (see 'commresp edit "
        "REF --subject')"
    ]
    assert warnings["payoke"][0].startswith(
        "the question 'Are the persons named known to your services?' is in English, and the "
        "form in Dutch; give its Dutch wording with --question-nl"
    )
