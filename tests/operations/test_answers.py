"""answers: returned forms and e-mails imported, answers added by hand, every revision kept."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from commresp import answers, enquiries, store
from commresp.errors import BadInput, FormRejected
from commresp.workspace.files import sha256_file
from tests.helpers import (
    TYPED,
    TYPED_MARKDOWN,
    db_dump,
    events,
    fill_form,
    letter,
    refused,
    rows,
    the_new_event,
    write_docx,
)

REF = "AL BEL 1/2025"
QUESTIONS = [
    "Are the persons named in the letter known to your services?",
    "Which measures protect victims of trafficking?",
]
ANSWERS = Path("correspondence/AL-BEL-1-2025/answers")


@pytest.fixture
def assigned(al_bel_1):
    enquiries.assign(
        al_bel_1, REF, agencies=["myria", "payoke"], questions=QUESTIONS, due=date(2025, 9, 1)
    )
    return al_bel_1


def form_of(session, agency: str) -> Path:
    folder = session.workspace.root / "correspondence/AL-BEL-1-2025/enquiries"
    return next(folder.glob(f"enquiry-{agency}.*.docx"))


def test_a_returned_form_is_stored_as_revision_1(assigned, tmp_path):
    returned = fill_form(form_of(assigned, "myria"), tmp_path / "myria.docx", TYPED)
    since = len(events(assigned.db))
    (result,) = answers.import_files(assigned, [returned])
    assert (result.ref, result.agency, result.revision, result.added) == (REF, "myria", 1, True)
    assert result.message == "stored as revision 1"
    (stored,) = rows(assigned.db, "answers")
    assert (stored["revision"], stored["text"], stored["source_file"]) == (
        1,
        TYPED_MARKDOWN,
        "myria.docx",
    )
    kept = assigned.workspace.root / ANSWERS / stored["stored_file"]
    assert kept.name == "myria.r1.docx"
    assert kept.read_bytes() == returned.read_bytes()
    assert stored["sha256"] == sha256_file(returned)
    assert [e["status"] for e in rows(assigned.db, "enquiries")] == ["answered", "open"]
    assert rows(assigned.db, "communications")[0]["status"] == "enquiring"  # payoke to come
    event = the_new_event(assigned.db, since, "answer")
    assert event["details"] == {
        "agency": "myria",
        "revision": 1,
        "file": "myria.r1.docx",
        "sha256": stored["sha256"],
    }


def test_the_same_file_twice_adds_nothing(assigned, tmp_path):
    returned = fill_form(form_of(assigned, "myria"), tmp_path / "myria.docx", TYPED)
    answers.import_files(assigned, [returned])
    record = db_dump(assigned.db)
    (again,) = answers.import_files(assigned, [returned])
    assert (again.added, again.revision) == (False, 1)
    assert again.message == "already imported as revision 1; nothing added"
    assert db_dump(assigned.db) == record


def test_the_last_answer_moves_the_communication_to_answered(assigned, tmp_path):
    answers.import_files(
        assigned, [fill_form(form_of(assigned, "myria"), tmp_path / "m.docx", TYPED)]
    )
    since = len(events(assigned.db))
    result = answers.add(assigned, REF, agency="payoke", text="  **Geen** gegevens.  ")
    assert (result.revision, result.added, result.source) == (1, True, "(text)")
    event = the_new_event(assigned.db, since, "answer")
    assert event["details"]["communication"] == "answered"
    assert rows(assigned.db, "communications")[0]["status"] == "answered"
    listed = answers.list_answers(assigned, "al-bel-1-2025")
    assert (listed["ref"], listed["status"]) == (REF, "answered")
    assert [(e["agency"], e["status"]) for e in listed["enquiries"]] == [
        ("myria", "answered"),
        ("payoke", "answered"),
    ]
    assert listed["enquiries"][1]["revisions"][0]["text"] == "**Geen** gegevens."


def test_a_new_text_is_a_new_revision_and_the_first_is_kept(assigned, tmp_path):
    answers.add(assigned, REF, agency="myria", text="First answer.")
    note = tmp_path / "second.md"
    note.write_text("Second answer.\n", encoding="utf-8")
    result = answers.add(assigned, REF, agency="myria", file=note)
    assert (result.revision, result.source) == (2, "second.md")
    texts = [r["text"] for r in answers.list_answers(assigned, REF)["enquiries"][0]["revisions"]]
    assert texts == ["First answer.", "Second answer."]
    same = answers.add(assigned, REF, agency="myria", text="Second answer.")
    assert (same.added, same.message) == (False, "same answers as revision 2; nothing added")


def test_an_email_with_the_form_attached_keeps_the_email(assigned, tmp_path):
    returned = fill_form(form_of(assigned, "myria"), tmp_path / "myria.docx", TYPED)
    message = EmailMessage()
    message["Subject"] = "Re: AL BEL 1/2025"
    message.set_content("Please find our answers attached.")
    message.add_attachment(
        returned.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="myria.docx",
    )
    mail = tmp_path / "reply.eml"
    mail.write_bytes(message.as_bytes())
    (result,) = answers.import_files(assigned, [mail])
    assert (result.source, result.revision) == ("reply.eml:myria.docx", 1)
    kept = sorted(p.name for p in (assigned.workspace.root / ANSWERS).iterdir())
    assert kept == ["myria.r1.docx", "myria.r1.eml"]
    assert rows(assigned.db, "answers")[0]["text"] == TYPED_MARKDOWN


def test_forms_that_cannot_be_trusted_store_nothing(assigned, tmp_path):
    returned = fill_form(form_of(assigned, "myria"), tmp_path / "myria.docx", TYPED)
    refused(
        assigned,
        FormRejected,
        "this form was sent to myria, not payoke; nothing was stored",
        answers.import_files,
        [returned],
        agency="payoke",
    )
    not_a_form = write_docx(letter("en"), tmp_path / "letter.docx")
    refused(
        assigned,
        FormRejected,
        "letter.docx: no form code found",
        answers.import_files,
        [not_a_form],
    )
    # a secret that is not the one the forms were made with: every code is refused (on a
    # team's server the secret is the record's)
    if assigned.database_url:
        with store.transaction(assigned.db):
            store.set_form_secret(assigned.db, b"0" * 64)
    else:
        assigned.workspace.secret_path.write_text("0" * 64)
    refused(assigned, FormRejected, "does not check out", answers.import_files, [returned])


def test_bad_answers_added_by_hand_store_nothing(assigned, tmp_path):
    refused(assigned, BadInput, "give either --file or --text", answers.add, REF, agency="myria")
    refused(
        assigned,
        FormRejected,
        "cic was not asked about AL BEL 1/2025",
        answers.add,
        REF,
        agency="cic",
        text="x",
    )
    refused(
        assigned,
        FormRejected,
        "(text): no answer was typed in",
        answers.add,
        REF,
        agency="myria",
        text="  \n",
    )
    text = tmp_path / "answer.txt"
    text.write_text("An answer.")
    refused(
        assigned,
        BadInput,
        "answer.txt: a text answer has no form code; give --ref and --agency",
        answers.import_files,
        [text],
    )
    refused(assigned, BadInput, "does not exist", answers.import_files, [tmp_path / "missing.docx"])
