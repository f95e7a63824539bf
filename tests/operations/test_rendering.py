"""rendering: drafts into versioned .docx (no PDF here: LibreOffice is for the slow tests),
the reply e-mail to the registry, and the record that it went."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from commresp import drafting, rendering
from commresp.errors import BadInput, DocumentError, InvalidTransition
from commresp.workspace.files import sha256_file
from tests.helpers import events, read_eml, refused, rows, the_new_event

REF = "AL BEL 1/2025"
OUT = Path("correspondence/AL-BEL-1-2025/out")


@pytest.fixture
def drafted(al_bel_1_answered):
    drafting.draft(al_bel_1_answered, REF, on=date(2025, 8, 1))
    return al_bel_1_answered


def text_of(path: Path) -> str:
    return "\n".join(p.text.replace("\u00a0", " ") for p in docx.Document(path).paragraphs)


def test_render_writes_version_1_of_each_document_and_records_it(drafted):
    since = len(events(drafted.db))
    rendered = rendering.render(drafted, REF)
    assert [(r.kind, r.language, r.version, r.docx.name, r.pdf) for r in rendered] == [
        ("note_verbale", "fr", 1, "note_verbale.fr.v1.docx", None),
        ("note_verbale", "en", 1, "note_verbale.en.v1.docx", None),
        ("response", "fr", 1, "response.fr.v1.docx", None),
        ("response", "en", 1, "response.en.v1.docx", None),
    ]
    response = text_of(drafted.workspace.root / OUT / "response.en.v1.docx")
    assert "Myria publishes a report on Siobhán's & <partners> work (€2 million)." in response
    assert "[^" not in response
    assert "GP/CC 2025/1" in text_of(drafted.workspace.root / OUT / "note_verbale.fr.v1.docx")
    recorded = rows(drafted.db, "documents", format="docx")
    assert [(d["kind"], d["language"], d["version"]) for d in recorded] == [
        (r.kind, r.language, 1) for r in rendered
    ]
    assert [d["sha256"] for d in recorded] == [sha256_file(r.docx) for r in rendered]
    event = the_new_event(drafted.db, since, "render")
    assert event["details"] == {
        "files": [r.docx.name for r in rendered],
        # Myria answered in English on its French form: the French response has it to translate
        "untranslated": {"response.fr.v1": ["myria (en → fr)"]},
    }
    # the response's paragraphs become precedents for later replies
    paragraphs = rows(drafted.db, "paragraphs")
    assert paragraphs and {p["language"] for p in paragraphs} <= {"fr", "en"}


def test_render_again_makes_version_2_and_keeps_version_1(drafted):
    first = rendering.render(drafted, REF, langs=["en"])
    again = rendering.render(drafted, REF, langs=[" EN "])
    assert [r.version for r in again] == [2, 2]
    assert all(r.docx.exists() for r in first + again)
    assert sorted(p.name for p in (drafted.workspace.root / OUT).iterdir()) == [
        "note_verbale.en.v1.docx",
        "note_verbale.en.v2.docx",
        "response.en.v1.docx",
        "response.en.v2.docx",
    ]


def test_bad_renders_write_nothing(al_bel_1_answered, monkeypatch):
    session = al_bel_1_answered
    refused(
        session,
        DocumentError,
        "no draft note_verbale.fr.md for AL BEL 1/2025: run 'commresp draft",
        rendering.render,
        REF,
    )
    drafting.draft(session, REF)
    refused(
        session,
        BadInput,
        "--lang takes fr, en, es or several of them joined by commas",
        rendering.render,
        REF,
        langs=["de"],
    )
    from commresp.workspace import libreoffice

    monkeypatch.setenv("PATH", str(session.workspace.root))  # no soffice on PATH
    monkeypatch.setattr(libreoffice, "standard_places", lambda *args: [])
    refused(
        session,
        DocumentError,
        "LibreOffice is needed for PDFs and was not found",
        rendering.render,
        REF,
        pdf=True,
    )
    refused(
        session,
        DocumentError,
        "nothing is marked confidential in AL BEL 1/2025",
        rendering.render,
        REF,
        redacted=True,
    )


def test_send_writes_the_email_with_the_documents_that_go_out(drafted):
    rendering.render(drafted, REF)
    since = len(events(drafted.db))
    path = rendering.send(drafted, REF)
    assert path == drafted.workspace.root / OUT / "reply-AL-BEL-1-2025.eml"
    message = read_eml(path)
    assert message["Subject"] == "AL BEL 1/2025 – Réponse de la Belgique (GP/CC 2025/1)"
    assert message["X-Unsent"] == "1"
    attached = {a.get_filename(): a.get_payload(decode=True) for a in message.iter_attachments()}
    # the languages the profile sends each document in: the note in French, the reply in English
    assert sorted(attached) == ["note_verbale.fr.v1.docx", "response.en.v1.docx"]
    assert (
        attached["response.en.v1.docx"]
        == (drafted.workspace.root / OUT / "response.en.v1.docx").read_bytes()
    )
    event = the_new_event(drafted.db, since, "send-draft")
    assert event["details"]["email"] == path.name
    assert rows(drafted.db, "communications")[0]["status"] == "drafted"  # not sent until marked


def test_mark_sent_records_the_day(drafted):
    rendering.render(drafted, REF)
    since = len(events(drafted.db))
    shown = rendering.mark_sent(drafted, REF, on=date(2025, 7, 31))
    assert (shown["status"], shown["sent_on"], shown["days_left"]) == ("sent", "2025-07-31", None)
    event = the_new_event(drafted.db, since, "mark-sent")
    assert event["details"] == {"from": "drafted", "on": "2025-07-31"}


def test_send_and_mark_sent_refuse_what_is_not_ready(drafted):
    refused(drafted, DocumentError, "has no rendered note verbale in fr", rendering.send, REF)
    refused(
        drafted,
        DocumentError,
        "AL BEL 1/2025 has no rendered document",
        rendering.mark_sent,
        REF,
    )
    rendering.render(drafted, REF)
    refused(
        drafted,
        BadInput,
        "--on 2025-07-01 must be between the letter date 2025-07-22 and today",
        rendering.mark_sent,
        REF,
        on=date(2025, 7, 1),
    )
    rendering.mark_sent(drafted, REF)
    refused(
        drafted,
        InvalidTransition,
        "AL BEL 1/2025 is sent; it cannot become drafted",
        drafting.draft,
        REF,
    )


def test_send_refuses_a_document_with_untranslated_sections_unless_allowed(drafted):
    from commresp.workspace.session import open_session

    profile = drafted.workspace.root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace('response = "en"', 'response = "fr"'), encoding="utf-8")
    session = open_session(str(drafted.workspace.root), "test-diplomat")
    (_, french) = rendering.render(session, REF)  # the reply now goes out in French alone
    assert [(m.section, m.source, m.target) for m in french.untranslated] == [
        ("myria", "en", "fr")  # the police's four words say too little to overrule the form
    ]
    message = refused(
        session, DocumentError, "not sent: sections are not translated yet", rendering.send, REF
    )
    assert "(response.fr.v1.docx: myria (en → fr))" in message
    since = len(events(session.db))
    email = rendering.send(session, REF, allow_untranslated=True)
    event = the_new_event(session.db, since, "send-draft")
    assert event["details"]["allowed_untranslated"] == {"response.fr.v1.docx": ["myria (en → fr)"]}
    assert email.is_file()
    session.db.close()
