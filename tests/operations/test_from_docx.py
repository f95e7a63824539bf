"""draft --from-docx: a reply edited in Word comes back into its Markdown draft (the edit, a
new real footnote, headings and emphasis kept), never while tracked changes or comments
remain unless accepted, and the previous draft is kept."""

from __future__ import annotations

import copy
from datetime import date

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from commresp import drafting, rendering
from commresp.errors import BadInput, DocumentError
from tests.helpers import events, refused, the_new_event

REF = "AL BEL 1/2025"


@pytest.fixture
def rendered(al_bel_1_answered):
    drafting.draft(al_bel_1_answered, REF, on=date(2025, 8, 1))
    docs = rendering.render(al_bel_1_answered, REF, langs=["en"])
    return al_bel_1_answered, next(r.docx for r in docs if r.kind == "response")


def add_footnote(document, paragraph, text: str) -> None:
    """A real Word footnote at the end of ``paragraph``: a note in the footnotes part (which
    python-docx keeps as a plain Part, its XML in ``blob``) and a reference run."""
    part = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/footnotes")
    )
    root = etree.fromstring(part.blob)
    notes = root.findall(qn("w:footnote"))
    new_id = str(max(int(n.get(qn("w:id"))) for n in notes) + 1)
    note = copy.deepcopy(next(n for n in notes if n.get(qn("w:type")) is None))
    note.set(qn("w:id"), new_id)
    p = note.find(qn("w:p"))
    for r in p.findall(qn("w:r"))[1:]:  # keep the note's own reference mark
        p.remove(r)
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> {text}</w:t></w:r>'))
    root.append(note)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    paragraph.add_run()._r.append(
        parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{new_id}"/>')
    )


def test_an_edit_and_a_new_footnote_come_back_into_the_draft(rendered, tmp_path):
    session, response = rendered
    document = docx.Document(response)
    target = next(p for p in document.paragraphs if p.text.startswith("Myria publishes"))
    for run in target.runs[1:]:
        run._r.getparent().remove(run._r)
    target.runs[0].text = "Myria published its "
    target.add_run("annual report").italic = True
    target.add_run(" in June 2025.")
    add_footnote(document, target, "Myria, Annual report 2025, p. 12.")
    edited = tmp_path / "response.en.v1.docx"
    document.save(edited)

    draft = drafting.draft_path(session, "AL-BEL-1-2025", "response", "en")
    before = draft.read_text(encoding="utf-8")
    since = len(events(session.db))
    read = drafting.from_docx(session, REF, edited)
    text = draft.read_text(encoding="utf-8")
    assert "Myria published its *annual report* in June 2025.[^" in text  # emphasis kept
    assert "]: Myria, Annual report 2025, p. 12." in text
    assert "Myria publishes a report" not in text
    assert "## Data collection\n" in text  # the heading stays a heading
    assert "{.center}" in text  # the centred title lines stay centred
    assert read.draft.backup.name == "response.en.v1.md"
    assert read.draft.backup.read_text(encoding="utf-8") == before  # never lost
    event = the_new_event(session.db, since, "draft-from-docx")
    assert event["details"]["backup"] == "response.en.v1.md"
    # a later 'draft' does not overwrite Word's edits silently
    refused(session, DocumentError, "response.en.md was edited by hand", drafting.draft, REF)
    # and it renders again
    again = rendering.render(session, REF, langs=["en"])
    body = "\n".join(p.text for p in docx.Document(again[1].docx).paragraphs)
    assert "Myria published its annual report in June 2025." in body


def test_tracked_changes_and_comments_are_refused_unless_accepted(rendered, tmp_path):
    session, response = rendered
    document = docx.Document(response)
    target = next(p for p in document.paragraphs if p.text.startswith("Myria publishes"))
    target._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="90" w:author="Ambassador" w:date="2025-08-01T10:00:00Z">'
            '<w:r><w:t xml:space="preserve"> Figures for 2025 follow.</w:t></w:r></w:ins>'
        )
    )
    target._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="91" w:author="Ambassador" w:date="2025-08-01T10:00:00Z">'
            "<w:r><w:delText>obsolete words</w:delText></w:r></w:del>"
        )
    )
    edited = tmp_path / "response.en.v1.docx"
    document.save(edited)
    message = refused(
        session,
        DocumentError,
        "still has 2 tracked changes or comments",
        drafting.from_docx,
        REF,
        edited,
    )
    assert "inserted “Figures for 2025 follow.” by Ambassador" in message
    assert "deleted “obsolete words” by Ambassador" in message
    assert "--accept-changes" in message
    drafting.from_docx(session, REF, edited, accept_changes=True)
    text = drafting.draft_path(session, "AL-BEL-1-2025", "response", "en").read_text("utf-8")
    assert "Figures for 2025 follow." in text
    assert "obsolete words" not in text


def test_a_file_whose_name_says_nothing_needs_kind_and_lang(rendered, tmp_path):
    session, response = rendered
    other = tmp_path / "edited by HoM.docx"
    other.write_bytes(response.read_bytes())
    refused(
        session,
        BadInput,
        "say which draft edited by HoM.docx replaces",
        drafting.from_docx,
        REF,
        other,
    )
    read = drafting.from_docx(session, REF, other, kind="response", lang="en")
    assert read.draft.path.name == "response.en.md"
