"""What issue 15 changed in the operations, without click: register's warnings and letter
text, the dashboard's sums, assign's distance to the reply date, the demo's material,
precedents' languages."""

from __future__ import annotations

from datetime import date

from commresp import communications, demo, enquiries, search
from commresp.errors import BadInput
from commresp.workspace.session import Session
from tests.helpers import refused, rows

REF = "AL BEL 1/2025"


def late_session(session: Session) -> Session:
    return Session(session.workspace, session.profile, session.actor, date(2026, 12, 1))


def register(session: Session, **kwargs) -> dict:
    return communications.register(
        session,
        REF,
        letter_date=date(2025, 7, 22),
        received_on=date(2025, 7, 24),
        mandates=[communications.MandateChoice.parse(m) for m in ("slavery", "trafficking:f")],
        **kwargs,
    )


def test_register_warns_of_a_passed_reply_date_and_keeps_the_letters_text(session):
    session = late_session(session)
    shown = register(session, letter=demo.letters_dir() / demo.LETTERS[0])
    assert shown["warnings"] == [
        "the reply date 2025-09-20 has already passed: the reply is 437 days late"
    ]
    assert (shown["days_left"], shown["deadline"]) == (-437, "437 days late")
    (text,) = rows(session.db, "letter_texts")
    assert text["file"] == "AL-BEL-1-2025.pdf"
    assert "traite des êtres humains" in " ".join(text["text"].split())
    hits = search.search(session, "recrutés de force")
    assert [(h["ref"], h["kind"]) for h in hits] == [(REF, "communication")]


def test_the_dashboard_adds_up(al_bel_1):
    board = communications.dashboard(al_bel_1)
    assert board["total"] == board["open"] + board["done"] == sum(board["by_status"].values())
    assert (board["open"], board["done"], board["overdue"]) == (1, 0, 0)


def test_assign_says_how_far_after_the_reply_date_the_answers_are_due(al_bel_1):
    created = enquiries.assign(
        al_bel_1, REF, agencies=["myria"], questions=["Q?"], due=date(2025, 9, 25)
    )
    assert (created[0]["reply_due"], created[0]["days_after_reply"]) == ("2025-09-20", 5)


def test_demo_material_refuses_to_overwrite(session, tmp_path):
    written = demo.write_letters(tmp_path)
    assert [p.name for p in written] == list(demo.LETTERS)
    refused(session, BadInput, "already in", lambda _s: demo.write_letters(tmp_path))


def test_precedents_keep_the_documents_language_apart_from_the_paragraphs(tmp_path):
    result = demo.run(tmp_path / "ws", pdf=False)
    from commresp.workspace.session import open_session

    opened = open_session(str(result.root))
    opened = Session(opened.workspace, opened.profile, "t", date(2025, 11, 3))
    communications.register(
        opened,
        "AL BEL 5/2025",
        letter_date=date(2025, 10, 20),
        mandates=[communications.MandateChoice.parse("trafficking:f")],
        subject="Trafficking in human beings: national action plan",
    )
    found = search.precedents(opened, "AL BEL 5/2025")
    # the agencies answered in English: their paragraphs are English in the French response too
    assert {p["language"] for p in found} == {"en"}
    assert {p["document_language"] for p in found} == {"fr", "en"}
