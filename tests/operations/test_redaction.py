"""redaction: the confidential list of a communication, what is marked ||…||, and the
publication copy rendered without any of it (checked in every XML part of the .docx)."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest

from commresp import answers, communications, drafting, redaction, rendering
from commresp.errors import BadInput, DocumentError, UnknownReference
from tests.helpers import db_dump, events, refused, rows, the_new_event

REF = "AL BEL 1/2025"
OUT = Path("correspondence/AL-BEL-1-2025/out")


def test_update_terms_adds_and_removes_in_one_audited_change(al_bel_1):
    since = len(events(al_bel_1.db))
    change = redaction.update_terms(al_bel_1, REF, add=["Siobhán Ó Briain", "  +32 470  12 "])
    assert (change.ref, change.added, change.removed) == (
        REF,
        ["Siobhán Ó Briain", "+32 470 12"],
        [],
    )
    event = the_new_event(al_bel_1.db, since, "confidential")
    assert event["details"] == {"added": ["Siobhán Ó Briain", "+32 470 12"], "removed": []}
    assert [r["term"] for r in rows(al_bel_1.db, "confidential_terms")] == [
        "Siobhán Ó Briain",
        "+32 470 12",
    ]
    # the same term written another way is already listed: nothing changes, no event
    record = db_dump(al_bel_1.db)
    again = redaction.update_terms(al_bel_1, "al-bel-1-2025", add=["SIOBHAN O BRIAIN"])
    assert (again.added, again.already_listed) == ([], ["Siobhán Ó Briain"])
    assert db_dump(al_bel_1.db) == record
    removed = redaction.update_terms(al_bel_1, REF, remove=["siobhan o briain"])
    assert removed.removed == ["Siobhán Ó Briain"]
    assert [r["term"] for r in redaction.listing(al_bel_1, REF)] == ["+32 470 12"]


def test_bad_term_changes_change_nothing(al_bel_1):
    redaction.update_terms(al_bel_1, REF, add=["Siobhán Ó Briain"])
    refused(
        al_bel_1,
        BadInput,
        "'Nobody' is not on the confidential list of AL BEL 1/2025; nothing was changed",
        redaction.update_terms,
        REF,
        remove=["siobhan o briain", "Nobody"],
    )
    refused(
        al_bel_1,
        BadInput,
        "'Li' is too short to hide safely",
        redaction.update_terms,
        REF,
        add=["Jan Peeters", "Li"],
    )
    refused(
        al_bel_1,
        UnknownReference,
        "AL BEL 7/2025 is not registered",
        redaction.update_terms,
        "AL BEL 7/2025",
        add=["Jan Peeters"],
    )


def test_listing_shows_marked_texts_and_where_they_are(al_bel_1_answered):
    session = al_bel_1_answered
    answers.add(session, REF, agency="myria", text="Witness ||Jan Peeters|| was heard.")
    redaction.update_terms(session, REF, add=["Siobhán"])
    assert redaction.listing(session, REF) == [
        {
            "term": "Siobhán",
            "source": "list",
            "actor": "test-diplomat",
            "added_at": rows(session.db, "confidential_terms")[0]["created_at"],
        },
        {
            "term": "Jan Peeters",
            "source": "answer of myria (revision 2)",
            "actor": None,
            "added_at": None,
        },
    ]
    assert sorted(redaction.terms_for_render(session, communications.get(session, REF))) == [
        "Jan Peeters",
        "Siobhán",
    ]


@pytest.fixture
def marked(al_bel_1_answered):
    session = al_bel_1_answered
    answers.add(session, REF, agency="myria", text="Witness ||Jan Peeters|| was heard.")
    redaction.update_terms(session, REF, add=["Siobhán"])
    drafting.draft(session, REF, on=date(2025, 8, 1))
    return session


def folded(text: str) -> str:
    """Case and accents dropped (independently of the module under test)."""
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in text if not unicodedata.combining(c))


def xml_text(path: Path) -> str:
    """Every XML part of a .docx, folded, tags left in: a term anywhere is found."""
    with zipfile.ZipFile(path) as archive:
        return folded(
            " ".join(
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith("xml")
            )
        )


def test_the_publication_copy_hides_every_term(marked):
    since = len(events(marked.db))
    rendered = rendering.render(marked, REF, langs=["en"], redacted=True)
    assert [r.docx.name for r in rendered] == [
        "note_verbale.en.v1.redacted.docx",
        "response.en.v1.redacted.docx",
    ]
    copy = xml_text(marked.workspace.root / OUT / "response.en.v1.redacted.docx")
    assert "siobhan" not in copy and "jan peeters" not in copy
    assert folded(redaction.BAR) in copy and "was heard" in copy
    event = the_new_event(marked.db, since, "render")
    assert (event["details"]["redacted"], event["details"]["terms"]) == (True, 2)
    assert [d["redacted"] for d in rows(marked.db, "documents", format="docx")] == [1, 1]
    # the documents that are sent keep the names, without the markers
    rendering.render(marked, REF, langs=["en"])
    sent = xml_text(marked.workspace.root / OUT / "response.en.v1.docx")
    assert "jan peeters" in sent and "||" not in sent


def test_a_copy_that_still_shows_a_term_is_deleted(marked, monkeypatch):
    # a renderer that forgets to hide: the check after rendering must catch it
    monkeypatch.setattr(redaction, "redact_markdown", lambda markdown, terms, style: markdown)
    refused(
        marked,
        DocumentError,
        "still showed the confidential term",
        rendering.render,
        REF,
        langs=["en"],
        redacted=True,
    )
    assert not list((marked.workspace.root / OUT).glob("*"))


def test_an_unknown_style_or_an_unclosed_marker_is_refused(marked):
    refused(
        marked,
        BadInput,
        "redaction style 'blur': expected bar or text",
        rendering.render,
        REF,
        redacted=True,
        style="blur",
    )
    draft = marked.workspace.root / "correspondence/AL-BEL-1-2025/drafts/response.en.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "\n\nCall ||Jan at home.\n")
    refused(
        marked,
        DocumentError,
        "response.en.md has a ||…|| marker that is not closed in its paragraph",
        rendering.render,
        REF,
        redacted=True,
    )
