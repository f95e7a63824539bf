"""Tests for commresp.documents.markdown_docx: every check reads the .docx back."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx2python import docx2python
from lxml import etree

from commresp.documents import docx_parts, markdown_to_docx
from commresp.documents.markdown_to_docx import render_markdown
from tests.helpers import first_page_header

REPO = Path(__file__).resolve().parents[1]
LETTERHEAD = REPO / "templates" / "letterhead.docx"
BUILD_SCRIPT = REPO / "templates" / "build_letterhead.py"

# Everything here must come out exactly as typed: no smart quotes, no entity games.
SPECIAL = (
    'AT&T x < y > z "straight" “typographic” ‘single’ it\'s -- ... (c) € Siobhán Ñ Пётр Ильич محمد'
)


def render(tmp_path: Path, markdown: str, name: str = "out.docx", **kwargs) -> Path:
    out = tmp_path / name
    kwargs.setdefault("letterhead", LETTERHEAD)
    render_markdown(markdown, out, **kwargs)
    return out


def body_paragraphs(path: Path) -> list:
    return docx.Document(str(path)).paragraphs


def footnotes_root(document) -> etree._Element:
    """The parsed word/footnotes.xml of an opened document."""
    part = document.part.part_related_by(RT.FOOTNOTES)
    return etree.fromstring(part.blob)


def real_footnotes(document) -> dict[int, etree._Element]:
    """Footnotes by id, without Word's separator notes (ids -1 and 0)."""
    notes = {}
    for note in footnotes_root(document).iterchildren(qn("w:footnote")):
        note_id = int(note.get(qn("w:id")))
        if note_id > 0:
            notes[note_id] = note
    return notes


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def flatten(nested) -> list[str]:
    """The strings of docx2python's nested lists (tables > rows > cells > paragraphs)."""
    if isinstance(nested, str):
        return [nested]
    return [text for item in nested for text in flatten(item)]


def reference_ids(document) -> list[int]:
    body = document.element.body
    return [int(ref.get(qn("w:id"))) for ref in body.iter(qn("w:footnoteReference"))]


# ---------------------------------------------------------------- block elements


def test_headings_have_heading_styles_and_exact_text(tmp_path):
    out = render(
        tmp_path,
        "# Response of Belgium\n\n## 1. The Belgian National Action Plan\n\n### 1.1 Budget\n",
    )
    paragraphs = body_paragraphs(out)
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Heading 1", "Response of Belgium"),
        ("Heading 2", "1. The Belgian National Action Plan"),
        ("Heading 3", "1.1 Budget"),
    ]


def test_body_starts_with_content_not_an_empty_paragraph(tmp_path):
    out = render(tmp_path, "First paragraph.\n\nSecond paragraph.\n")
    assert [p.text for p in body_paragraphs(out)] == ["First paragraph.", "Second paragraph."]


def test_bold_italic_both_and_code_runs(tmp_path):
    out = render(tmp_path, "Plain **bold** *italic* ***both*** `code`.\n")
    (paragraph,) = body_paragraphs(out)
    runs = {run.text: run for run in paragraph.runs if run.text.strip()}
    assert runs["bold"].bold and not runs["bold"].italic
    assert runs["italic"].italic and not runs["italic"].bold
    assert runs["both"].bold and runs["both"].italic
    assert runs["code"].font.name == docx_parts.CODE_FONT
    assert not runs["Plain "].bold and not runs["Plain "].italic
    assert paragraph.text == "Plain bold italic both code."


def test_bullet_and_numbered_lists_use_list_styles(tmp_path):
    markdown = (
        "- apple\n- pear\n  - nested pear\n\nBetween.\n\n1. one\n2. two\n   1. two-a\n3. three\n"
    )
    out = render(tmp_path, markdown)
    styles = [(p.style.name, p.text) for p in body_paragraphs(out)]
    assert styles == [
        ("List Bullet", "apple"),
        ("List Bullet", "pear"),
        ("List Bullet 2", "nested pear"),
        ("Normal", "Between."),
        ("List Number", "one"),
        ("List Number", "two"),
        ("List Number 2", "two-a"),
        ("List Number", "three"),
    ]


def test_each_ordered_list_restarts_its_numbering(tmp_path):
    out = render(tmp_path, "1. a\n2. b\n\nText.\n\n5. e\n6. f\n")
    document = docx.Document(str(out))
    num_ids = [
        p._p.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Number"
    ]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    numbering = document.part.numbering_part.element
    starts = []
    for num_id in (num_ids[0], num_ids[2]):
        num = numbering.num_having_numId(num_id)
        (override,) = num.findall(qn("w:lvlOverride") + "/" + qn("w:startOverride"))
        starts.append(int(override.get(qn("w:val"))))
    assert starts == [1, 5]


def test_table_cells_header_and_alignment(tmp_path):
    markdown = "| Year | Budget (€) |\n|---|--:|\n| 2024 | 1 000 |\n| 2025 | 2 500 |\n"
    out = render(tmp_path, markdown)
    document = docx.Document(str(out))
    (table,) = document.tables
    assert table.style.name == "Table Grid"
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Year", "Budget (€)"],
        ["2024", "1 000"],
        ["2025", "2 500"],
    ]
    header_runs = [run for cell in table.rows[0].cells for run in cell.paragraphs[0].runs]
    assert header_runs and all(run.bold for run in header_runs)
    assert not any(run.bold for run in table.rows[1].cells[0].paragraphs[0].runs)
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert document.paragraphs == []  # the table is not doubled as text


def test_link_is_a_hyperlink_with_external_relationship(tmp_path):
    url = "https://www.ohchr.org/en/special-procedures?a=1&b=2"
    out = render(tmp_path, f"See [the OHCHR page]({url}) now.\n")
    document = docx.Document(str(out))
    (paragraph,) = document.paragraphs
    (hyperlink,) = paragraph._p.findall(qn("w:hyperlink"))
    rel = document.part.rels[hyperlink.get(qn("r:id"))]
    assert rel.is_external
    assert rel.reltype == RT.HYPERLINK
    assert rel.target_ref == url
    assert text_of(hyperlink) == "the OHCHR page"
    assert paragraph.text == "See the OHCHR page now."
    (link_run,) = hyperlink.findall(qn("w:r"))
    assert link_run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "Hyperlink"


def test_hard_break_is_a_w_br_and_soft_break_a_space(tmp_path):
    out = render(tmp_path, "first line  \nsecond line\\\nthird line\nsame line\n")
    (paragraph,) = body_paragraphs(out)
    assert len(paragraph._p.findall(f"{qn('w:r')}/{qn('w:br')}")) == 2
    assert paragraph.text == "first line\nsecond line\nthird line same line"


def test_horizontal_rule_is_ignored(tmp_path):
    out = render(tmp_path, "Before.\n\n---\n\nAfter.\n")
    assert [p.text for p in body_paragraphs(out)] == ["Before.", "After."]


def test_html_is_written_as_plain_text(tmp_path):
    markdown = (
        '<div align="center">\n**Note** &amp; annex\n</div>\n\n'
        "<!-- drafting note: not for the Special Rapporteur -->\n\n"
        "Dear <name of the mandate holder>, see <outreach> plan.<br>Next line.\n"
    )
    out = render(tmp_path, markdown)
    paragraphs = body_paragraphs(out)
    assert [p.text for p in paragraphs] == [
        "Note & annex",
        "Dear <name of the mandate holder>, see <outreach> plan.\nNext line.",
    ]
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


@pytest.mark.parametrize(
    ("marker", "expected"),
    [("right", WD_ALIGN_PARAGRAPH.RIGHT), ("center", WD_ALIGN_PARAGRAPH.CENTER)],
)
def test_alignment_marker(tmp_path, marker, expected):
    out = render(tmp_path, f"Fait à Genève, le 10 octobre 2025 {{.{marker}}}\n\nNext.\n")
    first, second = body_paragraphs(out)
    assert first.text == "Fait à Genève, le 10 octobre 2025"
    assert first.alignment == expected
    assert second.alignment is None


def test_alignment_marker_on_its_own_last_line_and_after_bold(tmp_path):
    out = render(tmp_path, "Fait à Genève\n{.right}\n\n**Signed** {.right}\n\nA {.left} B\n")
    first, second, third = body_paragraphs(out)
    assert (first.text, first.alignment) == ("Fait à Genève", WD_ALIGN_PARAGRAPH.RIGHT)
    assert (second.text, second.alignment) == ("Signed", WD_ALIGN_PARAGRAPH.RIGHT)
    assert (third.text, third.alignment) == ("A {.left} B", None)  # only a trailing marker


# ------------------------------------------------------------------- footnotes


def test_footnote_is_a_real_word_footnote(tmp_path):
    markdown = (
        "The plan was adopted.[^1] It is public.\n\n"
        "[^1]: Council of Ministers, *decision* of 3 May 2024.\n"
    )
    out = render(tmp_path, markdown)
    document = docx.Document(str(out))
    notes = real_footnotes(document)
    (note_id,) = notes
    assert reference_ids(document) == [note_id]

    note = notes[note_id]
    assert text_of(note) == " Council of Ministers, decision of 3 May 2024."
    (note_paragraph,) = note.findall(qn("w:p"))
    assert note_paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == (
        "FootnoteText"
    )
    first_run = note_paragraph.find(qn("w:r"))
    assert first_run.find(qn("w:footnoteRef")) is not None
    assert first_run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == (
        "FootnoteReference"
    )
    italic_tag = f"{qn('w:rPr')}/{qn('w:i')}"
    italic = [r for r in note_paragraph.iter(qn("w:r")) if r.find(italic_tag) is not None]
    assert [text_of(r) for r in italic] == ["decision"]

    body_text = "\n".join(p.text for p in document.paragraphs)
    assert body_text == "The plan was adopted. It is public."  # no marker, no note text
    assert "[^1]" not in body_text and "Council" not in body_text
    ref = next(document.element.body.iter(qn("w:footnoteReference")))
    ref_run = ref.getparent()
    assert ref_run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "FootnoteReference"
    assert document.styles["Footnote Reference"].font.superscript
    assert document.styles["Footnote Text"].font.size.pt == 9


def test_two_footnotes_get_two_ids_in_order(tmp_path):
    markdown = "One.[^a] Two.[^b]\n\n[^b]: Second note.\n[^a]: First note.\n"
    document = docx.Document(str(render(tmp_path, markdown)))
    ids = reference_ids(document)
    assert len(ids) == 2 and ids[0] != ids[1]
    notes = real_footnotes(document)
    assert text_of(notes[ids[0]]).strip() == "First note."
    assert text_of(notes[ids[1]]).strip() == "Second note."


def test_footnote_link_is_related_from_the_footnotes_part(tmp_path):
    markdown = "Text.[^1]\n\n[^1]: See [A/HRC/58/1](https://undocs.org/A/HRC/58/1).\n"
    document = docx.Document(str(render(tmp_path, markdown)))
    part = document.part.part_related_by(RT.FOOTNOTES)
    (note,) = real_footnotes(document).values()
    (hyperlink,) = note.iter(qn("w:hyperlink"))
    rel = part.rels[hyperlink.get(qn("r:id"))]
    assert rel.is_external and rel.target_ref == "https://undocs.org/A/HRC/58/1"


def test_footnotes_are_read_by_docx2python(tmp_path):
    out = render(tmp_path, "Body.[^1]\n\n[^1]: The note.\n")
    with docx2python(out) as content:
        assert "The note." in "".join(flatten(content.footnotes))
        assert "The note." not in "".join(flatten(content.body))


def test_letterhead_without_footnotes_part_gets_one(tmp_path):
    bare = tmp_path / "bare.docx"
    docx.Document().save(str(bare))  # python-docx's template: no footnotes, no styles for them
    out = render(tmp_path, "Body.[^1]\n\n[^1]: Created note.\n", letterhead=bare)
    document = docx.Document(str(out))
    notes = real_footnotes(document)
    assert [text_of(n).strip() for n in notes.values()] == ["Created note."]
    assert reference_ids(document) == list(notes)
    ids = {int(n.get(qn("w:id"))) for n in footnotes_root(document)}
    assert {-1, 0} <= ids  # separators were created too
    settings = document.settings.element
    assert settings.find(qn("w:footnotePr")) is not None
    assert document.styles["Footnote Reference"].font.superscript


# ---------------------------------------------------------- text fidelity, header


def test_special_characters_survive_in_body_table_and_footnote(tmp_path):
    markdown = f"{SPECIAL}[^1]\n\n| Name |\n|---|\n| {SPECIAL} |\n\n[^1]: {SPECIAL}\n"
    out = render(tmp_path, markdown)
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == SPECIAL
    assert document.tables[0].rows[1].cells[0].text == SPECIAL
    (note,) = real_footnotes(document).values()
    assert text_of(note) == " " + SPECIAL
    with docx2python(out) as content:
        assert content.text.count(SPECIAL) == 3


def test_entities_are_decoded_like_markdown(tmp_path):
    out = render(tmp_path, "Smith &amp; Sons &eacute; &#8364;\n")
    assert body_paragraphs(out)[0].text == "Smith & Sons é €"


def test_header_lines_fill_the_header(tmp_path):
    lines = [
        "Permanent Mission of Belgium",
        "to the United Nations Office at Geneva",
        "geneva.pm@diplobel.fed.be",
    ]
    out = render(tmp_path, "Body.\n", header_lines=lines)
    document = docx.Document(str(out))
    header = first_page_header(document)
    assert [p.text for p in header.paragraphs] == lines
    assert all(p.style.name == "Header" for p in header.paragraphs)
    with docx2python(out) as content:
        assert all(line in content.text for line in lines)


def test_no_header_lines_leave_the_letterhead_header_alone(tmp_path):
    document = docx.Document(str(render(tmp_path, "Body.\n")))
    assert [p.text for p in first_page_header(document).paragraphs] == [""]


def test_core_properties_are_set_and_the_letterhead_does_not_leak(tmp_path):
    leaky = tmp_path / "leaky.docx"
    template = docx.Document(str(LETTERHEAD))
    template.core_properties.author = "Template Author"
    template.core_properties.last_modified_by = "Template Editor"
    template.core_properties.comments = "internal draft"
    template.core_properties.title = "Old title"
    template.save(str(leaky))

    out = render(
        tmp_path,
        "Body.\n",
        letterhead=leaky,
        properties={"title": "Réponse — AL BEL 1/2025", "subject": "Reply", "keywords": "HRC"},
    )
    props = docx.Document(str(out)).core_properties
    assert props.title == "Réponse — AL BEL 1/2025"
    assert props.subject == "Reply"
    assert props.keywords == "HRC"
    assert props.author == ""
    assert props.last_modified_by == ""
    assert props.comments == ""


def test_author_is_written_when_given(tmp_path):
    out = render(tmp_path, "Body.\n", properties={"author": "Mission", "last_modified_by": "M"})
    props = docx.Document(str(out)).core_properties
    assert (props.author, props.last_modified_by) == ("Mission", "M")


def test_unknown_property_is_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match="colour"):
        render(tmp_path, "Body.\n", properties={"colour": "blue"})
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ atomic write


def test_failure_while_saving_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken_save(self, stream):
        stream.write(b"PK half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        render(tmp_path, "Body.\n")
    assert os.listdir(tmp_path) == []


def test_failure_while_building_keeps_the_previous_file(tmp_path, monkeypatch):
    out = render(tmp_path, "Version one.\n")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(markdown_to_docx._DocxBuilder, "_heading", broken)
    with pytest.raises(RuntimeError):
        render(tmp_path, "# Version two\n")
    assert os.listdir(tmp_path) == ["out.docx"]
    assert body_paragraphs(out)[0].text == "Version one."


def test_output_has_ordinary_file_permissions(tmp_path):
    out = render(tmp_path, "Body.\n")
    umask = os.umask(0)
    os.umask(umask)
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# ------------------------------------------------------------------- letterhead


def footer_has_page_field(document) -> bool:
    footer = document.sections[0].footer._element
    instructions = [el.text or "" for el in footer.iter(qn("w:instrText"))]
    instructions += [el.get(qn("w:instr"), "") for el in footer.iter(qn("w:fldSimple"))]
    return any(instr.split()[:1] == ["PAGE"] for instr in instructions)


def test_rendered_document_keeps_the_page_field_and_reopens(tmp_path):
    out = render(tmp_path, "# Title\n\nBody.[^1]\n\n[^1]: Note.\n")
    document = docx.Document(str(out))
    assert footer_has_page_field(document)
    with docx2python(out) as content:
        assert "Body." in content.text


def letterhead_structure(path: Path) -> dict:
    """What the renderer relies on in a letterhead, in comparable form."""
    document = docx.Document(str(path))
    section = document.sections[0]
    notes = footnotes_root(document)
    package = document.part.package
    return {
        "styles": sorted(style.name for style in document.styles),
        "parts": sorted(str(part.partname) for part in package.iter_parts()),
        "page": (section.page_width, section.page_height),
        "margins": (
            section.left_margin,
            section.right_margin,
            section.top_margin,
            section.bottom_margin,
        ),
        "normal_font": (document.styles["Normal"].font.name, document.styles["Normal"].font.size),
        "header": [p.text for p in first_page_header(document).paragraphs],
        "later_pages_header": [p.text for p in section.header.paragraphs],
        "footer_page_field": footer_has_page_field(document),
        "body_paragraphs": len(document.paragraphs),
        "footnote_ids": sorted(int(n.get(qn("w:id"))) for n in notes),
        "footnote_pr": document.settings.element.find(qn("w:footnotePr")) is not None,
        "author": document.core_properties.author,
    }


def test_letterhead_script_matches_the_committed_letterhead(tmp_path):
    built = tmp_path / "letterhead.docx"
    subprocess.run([sys.executable, str(BUILD_SCRIPT), str(built)], check=True, timeout=120)
    assert letterhead_structure(built) == letterhead_structure(LETTERHEAD)


def test_committed_letterhead_has_what_the_renderer_needs():
    structure = letterhead_structure(LETTERHEAD)
    for name in (
        "Normal",
        "Title",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "List Bullet",
        "List Bullet 2",
        "List Number",
        "List Number 2",
        "Table Grid",
        "Footnote Text",
        "Footnote Reference",
        "Hyperlink",
    ):
        assert name in structure["styles"]
    assert "/word/footnotes.xml" in structure["parts"]
    assert structure["footnote_ids"] == [-1, 0]
    assert structure["footnote_pr"]
    assert structure["footer_page_field"]
    assert structure["header"] == [""]
    assert structure["later_pages_header"] == [""]
    assert structure["body_paragraphs"] == 0
    assert structure["author"] == ""
    assert structure["normal_font"][0] == "Arial"
    assert structure["normal_font"][1].pt == 11
    width, height = structure["page"]
    assert (round(width.mm), round(height.mm)) == (210, 297)
    assert all(round(margin.cm, 2) == 2.5 for margin in structure["margins"])
    document = docx.Document(str(LETTERHEAD))
    for level in (1, 2, 3):
        heading = document.styles[f"Heading {level}"]
        assert heading.font.bold
        assert heading.font.color.rgb is None and heading.font.color.theme_color is None


def test_committed_letterhead_lists_footnotes_in_content_types():
    with zipfile.ZipFile(LETTERHEAD) as archive:
        content_types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in content_types
    assert "wordprocessingml.footnotes+xml" in content_types
    assert RT.FOOTNOTES in rels
