"""drafting: the Markdown drafts from the record (two documents in three languages), the
outgoing reference, hand edits kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from commresp import drafting
from commresp.errors import BadInput, BadReference, DocumentError, InvalidTransition
from commresp.workspace.files import sha256_file
from tests.helpers import events, refused, rows, the_new_event

REF = "AL BEL 1/2025"
DRAFTS = Path("correspondence/AL-BEL-1-2025/drafts")
NAMES = [
    "note_verbale.fr.md",
    "note_verbale.en.md",
    "note_verbale.es.md",
    "response.fr.md",
    "response.en.md",
    "response.es.md",
]


def test_draft_writes_six_drafts_and_allocates_the_outgoing_reference(al_bel_1_answered):
    session = al_bel_1_answered
    since = len(events(session.db))
    drafts = drafting.draft(session, REF, on=date(2025, 10, 1))
    assert [(d.kind, d.language, d.path.name, d.backup) for d in drafts] == [
        ("note_verbale", "fr", "note_verbale.fr.md", None),
        ("note_verbale", "en", "note_verbale.en.md", None),
        ("note_verbale", "es", "note_verbale.es.md", None),
        ("response", "fr", "response.fr.md", None),
        ("response", "en", "response.en.md", None),
        ("response", "es", "response.es.md", None),
    ]
    root = session.workspace.root
    note = (root / DRAFTS / "note_verbale.fr.md").read_text(encoding="utf-8")
    assert "Ref : GP/CC 2025/1" in note
    assert "Fait à Genève, le 1er octobre 2025" in note
    response = (root / DRAFTS / "response.en.md").read_text(encoding="utf-8")
    # a bold line of an answer becomes a heading; footnote labels carry the agency
    assert response.index("## Data collection") < response.index("No information was found")
    assert "[^myria-1]" in response and "[^federal-police-1]" in response
    (comm,) = rows(session.db, "communications")
    assert (comm["status"], comm["outgoing_ref"]) == ("drafted", "GP/CC 2025/1")
    recorded = rows(session.db, "documents")
    assert [(d["kind"], d["language"], d["format"], d["version"]) for d in recorded] == [
        (d.kind, d.language, "md", 1) for d in drafts
    ]
    assert [d["sha256"] for d in recorded] == [sha256_file(d.path) for d in drafts]
    event = the_new_event(session.db, since, "draft")
    assert event["details"]["outgoing_ref"] == "GP/CC 2025/1"
    assert event["details"]["sections"] == ["myria", "federal-police"]


def test_a_second_draft_keeps_the_reference_and_follows_the_order(al_bel_1_answered):
    session = al_bel_1_answered
    drafting.draft(session, REF, on=date(2025, 10, 1))
    drafting.draft(session, REF, on=date(2025, 10, 2), order=["federal-police"])
    response = (session.workspace.root / DRAFTS / "response.en.md").read_text(encoding="utf-8")
    assert response.index("No information was found") < response.index("## Data collection")
    assert rows(session.db, "communications")[0]["outgoing_ref"] == "GP/CC 2025/1"
    versions = [d["version"] for d in rows(session.db, "documents", kind="response", language="en")]
    assert versions == [1, 2]


def test_a_hand_edited_draft_is_kept_unless_forced(al_bel_1_answered):
    session = al_bel_1_answered
    drafting.draft(session, REF, on=date(2025, 10, 1))
    path = session.workspace.root / DRAFTS / "response.en.md"
    edited = path.read_text(encoding="utf-8").replace("Belgium thanks", "Belgium warmly thanks")
    path.write_text(edited, encoding="utf-8")
    refused(
        session,
        DocumentError,
        "response.en.md was edited by hand since it was drafted; nothing was changed",
        drafting.draft,
        REF,
    )
    forced = drafting.draft(session, REF, force=True)
    backup = next(d.backup for d in forced if d.path == path)
    assert backup.name == "response.en.edited.md"
    assert backup.read_text(encoding="utf-8") == edited
    assert "warmly" not in path.read_text(encoding="utf-8")


def test_draft_waits_for_every_agency_unless_forced(al_bel_1):
    from commresp import enquiries

    enquiries.assign(al_bel_1, REF, agencies=["myria"], questions=["Q?"], due=date(2025, 9, 1))
    refused(
        al_bel_1,
        InvalidTransition,
        "1 of 1 agencies have not answered: myria; use --force to draft anyway",
        drafting.draft,
        REF,
    )
    assert len(drafting.draft(al_bel_1, REF, force=True)) == 6


def test_bad_drafts_write_nothing(al_bel_1_answered):
    session = al_bel_1_answered
    refused(
        session,
        BadInput,
        "the draft date 2025-07-01 is before the letter's date 2025-07-22",
        drafting.draft,
        REF,
        on=date(2025, 7, 1),
    )
    refused(
        session,
        BadInput,
        "--order names cic, which gave no answer to AL BEL 1/2025",
        drafting.draft,
        REF,
        order=["cic"],
    )
    refused(
        session,
        BadInput,
        "does not start with the mission's prefix 'GP/CC'",
        drafting.draft,
        REF,
        outgoing_ref="XX 2025/7",
    )
    refused(
        session, BadReference, "is not an outgoing reference", drafting.draft, REF, outgoing_ref="7"
    )
    refused(session, BadInput, "no paragraph 999 to reuse", drafting.draft, REF, reuse=[999])


def test_an_outgoing_reference_given_by_hand_is_used_once(al_bel_1_answered):
    from commresp import communications

    session = al_bel_1_answered
    drafting.draft(session, REF, outgoing_ref="GP/CC 2025/40")
    assert rows(session.db, "communications")[0]["outgoing_ref"] == "GP/CC 2025/40"
    communications.register(
        session,
        "UA BEL 2/2025",
        letter_date=date(2025, 7, 1),
        mandates=[communications.MandateChoice("torture")],
    )
    refused(
        session,
        BadInput,
        "GP/CC 2025/40 is already used for AL BEL 1/2025",
        drafting.draft,
        "UA BEL 2/2025",
        outgoing_ref="GP/CC 2025/40",
    )
    drafting.draft(session, "UA BEL 2/2025")  # the next free number after the one taken
    refs = {r["ref"]: r["outgoing_ref"] for r in rows(session.db, "communications")}
    assert refs == {REF: "GP/CC 2025/40", "UA BEL 2/2025": "GP/CC 2025/41"}


def test_a_template_that_transforms_the_outgoing_reference_gets_the_real_one(al_bel_1_answered):
    session = al_bel_1_answered
    overrides = session.workspace.templates
    overrides.mkdir()
    (overrides / "note_verbale.en.md.j2").write_text(
        "Ours: {{ outgoing_ref | lower }} / {{ outgoing_ref }}\n", encoding="utf-8"
    )
    drafting.draft(session, REF, on=date(2025, 10, 1))
    text = (session.workspace.root / DRAFTS / "note_verbale.en.md").read_text(encoding="utf-8")
    assert text == "Ours: gp/cc 2025/1 / GP/CC 2025/1\n"


def test_each_section_knows_its_language_and_is_marked_in_other_documents(al_bel_1_answered):
    drafts = drafting.draft(al_bel_1_answered, "AL BEL 1/2025", on=date(2025, 8, 1))
    marks = {(d.kind, d.language): [(m.section, m.source) for m in d.to_translate] for d in drafts}
    # Myria answered in English on its French form; the police's four words stay French
    assert marks[("response", "fr")] == marks[("response", "es")] == [("myria", "en")]
    assert marks[("response", "en")] == [] and marks[("note_verbale", "fr")] == []
    section = {"agency": "", "name": "from AL BEL 1/2025", "text": "T", "language": "en"}
    assert drafting.marked(section, "fr")["text"] == (
        "<!-- to translate: en → fr (from AL BEL 1/2025) -->\n\nT"
    )
    assert drafting.marked(section, "en") is section
