"""Tests of the enquiry form: writing, answering as a person would, and reading back safely."""

from __future__ import annotations

import copy
import html
import io
import re
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph
from docx2python import docx2python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from commresp.documents.docx_parts import add_footnote, add_hyperlink, footnotes_part
from commresp.documents.forms import (
    FormSpec,
    ReturnedForm,
    answer_boxes,
    escape_markdown_line,
    form_wording,
    read_answer_text,
    read_form,
    write_form,
)
from commresp.documents.markdown_to_docx import render_markdown
from commresp.errors import FormRejected, TemplateError
from tests.helpers import first_page_header

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATES_DIRS = [TEMPLATES]
TOKEN = "AL-BEL-1-2025.federal-police.3.9f2c41"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

SPECS = {
    "fr": FormSpec(
        language="fr",
        reference="AL BEL 1/2025",
        mandates="la Rapporteuse spéciale sur la situation des défenseurs des droits humains",
        subject="Allégations de détention arbitraire",
        agency_name="Police fédérale",
        due_date_text="10 septembre 2025",
        questions=[
            "Veuillez fournir des informations sur les faits allégués.",
            "Quelles mesures ont été prises ?",
            "Veuillez préciser la base légale.",
        ],
        token=TOKEN,
        header_lines=["Mission permanente de la Belgique", "auprès des Nations Unies à Genève"],
    ),
    "nl": FormSpec(
        language="nl",
        reference="AL BEL 1/2025",
        mandates="de speciale rapporteur inzake mensenrechtenverdedigers",
        subject="Beweerde willekeurige detentie",
        agency_name="Federale Politie",
        due_date_text="10 september 2025",
        questions=["Welke maatregelen werden genomen?", "Wat is de wettelijke basis?"],
        token=TOKEN,
    ),
    "en": FormSpec(
        language="en",
        reference="AL BEL 1/2025",
        mandates="the Special Rapporteur on the situation of human rights defenders",
        subject="Alleged arbitrary detention",
        agency_name="Federal Police",
        due_date_text="10 September 2025",
        questions=["Which measures were taken?", "What is the legal basis?"],
        token=TOKEN,
    ),
}


def make_form(tmp_path: Path, lang: str = "fr", name: str = "form.docx", **kw: object) -> Path:
    out = tmp_path / name
    write_form(out, SPECS[lang], templates_dirs=TEMPLATES_DIRS, **kw)
    return out


def rewrite_zip(
    src: Path,
    dst: Path,
    replace: dict[str, bytes | None] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """Copy the .docx ``src`` to ``dst`` with some members replaced (None = removed) or added."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    zout.writestr(info.filename, replace[info.filename])
            else:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def rejected(path: Path, **kw: object) -> str:
    with pytest.raises(FormRejected) as info:
        read_form(path, **kw)
    message = str(info.value)
    assert "\n" not in message
    return message


# ---------------------------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_wording_files_are_complete(lang: str) -> None:
    wording = form_wording(lang, TEMPLATES_DIRS)
    assert (
        wording["title"]
        == {
            "fr": "Demande d'informations",
            "nl": "Verzoek om informatie",
            "en": "Request for information",
        }[lang]
    )
    assert set(wording["labels"]) >= {
        "reference",
        "communication_from",
        "subject",
        "agency",
        "due_date",
        "question",
        "answer",
        "form_code",
    }
    assert ".docx" in wording["instructions"]


def test_wording_override_directory_comes_first(tmp_path: Path) -> None:
    override = tmp_path / "override"
    override.mkdir()
    text = (TEMPLATES / "enquiry_form.en.toml").read_text(encoding="utf-8")
    (override / "enquiry_form.en.toml").write_text(
        text.replace('title = "Request for information"', 'title = "Questions"'), encoding="utf-8"
    )
    assert form_wording("en", [override, TEMPLATES])["title"] == "Questions"
    assert form_wording("fr", [override, TEMPLATES])["title"] == "Demande d'informations"


def test_wording_missing_or_invalid(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="No enquiry_form.de.toml"):
        form_wording("de", [tmp_path])
    with pytest.raises(TemplateError, match="Unknown form language"):
        form_wording("../fr", TEMPLATES_DIRS)
    (tmp_path / "enquiry_form.en.toml").write_text("title = 'x\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot be read as TOML"):
        form_wording("en", [tmp_path, TEMPLATES])
    (tmp_path / "enquiry_form.en.toml").write_text('title = "x"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="labels"):
        form_wording("en", [tmp_path])


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_write_form_wording_and_token(tmp_path: Path, lang: str) -> None:
    path = make_form(tmp_path, lang)
    wording = form_wording(lang, TEMPLATES_DIRS)
    labels = wording["labels"]
    spec = SPECS[lang]
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]

    assert texts[0] == wording["title"]
    assert wording["instructions"] in texts
    assert wording["closing"] in texts
    code_line = wording["form_code_line"].replace("{label}", labels["form_code"])
    assert texts[-1] == code_line.replace("{token}", TOKEN)
    for number, question in enumerate(spec.questions, start=1):
        assert f"{labels['question']} {number}" in texts
        assert question in texts
        assert f"{labels['answer']} {number}" in texts

    facts = document.tables[0]
    assert [[c.text for c in row.cells] for row in facts.rows] == [
        [labels["reference"], spec.reference],
        [labels["communication_from"], spec.mandates],
        [labels["subject"], spec.subject],
        [labels["agency"], spec.agency_name],
        [labels["due_date"], spec.due_date_text],
    ]
    boxes = answer_boxes(document)
    assert len(boxes) == len(spec.questions)
    assert all(box.text == "" and len(box.paragraphs) == 1 for box in boxes)
    assert all(t.style.name == "Table Grid" for t in document.tables)

    props = document.core_properties
    assert props.keywords == TOKEN
    assert props.language.startswith(lang)
    assert props.author != "python-docx"
    header = [p.text for p in first_page_header(document).paragraphs]
    assert header == (list(spec.header_lines) or [""])

    # A second, independent reader sees the same text.
    with docx2python(path) as extracted:
        text = extracted.text
    assert wording["title"] in text and TOKEN in text and spec.questions[0] in text

    returned = read_form(path)
    assert returned == ReturnedForm(token=TOKEN, answers=[""] * len(spec.questions), language=lang)


def test_write_form_on_letterhead(tmp_path: Path) -> None:
    letterhead = TEMPLATES / "letterhead.docx"
    if not letterhead.exists():
        pytest.skip("no letterhead in templates/")
    path = make_form(tmp_path, "fr", base=letterhead)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "Demande d'informations"
    assert [p.text for p in first_page_header(document).paragraphs] == list(
        SPECS["fr"].header_lines
    )
    assert read_form(path).token == TOKEN


def test_write_form_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "form.docx"
    out.write_bytes(b"previous version")

    def broken_save(self: object, stream: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_form(out, SPECS["en"], templates_dirs=TEMPLATES_DIRS)
    assert out.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["form.docx"]


def test_write_form_unknown_language_writes_nothing(tmp_path: Path) -> None:
    spec = FormSpec(**{**SPECS["en"].__dict__, "language": "de"})
    with pytest.raises(TemplateError):
        write_form(tmp_path / "form.docx", spec, templates_dirs=TEMPLATES_DIRS)
    assert list(tmp_path.iterdir()) == []


def test_write_form_drops_characters_xml_cannot_hold(tmp_path: Path) -> None:
    spec = FormSpec(**{**SPECS["en"].__dict__, "subject": "Page\x0cbreak from a PDF"})
    path = tmp_path / "form.docx"
    write_form(path, spec, templates_dirs=TEMPLATES_DIRS)
    assert docx.Document(str(path)).tables[0].cell(2, 1).text == "Page break from a PDF"


# ---------------------------------------------------------------------------------------------
# A person answers the form
# ---------------------------------------------------------------------------------------------


def test_person_types_answers(tmp_path: Path) -> None:
    form = make_form(tmp_path, "fr")
    document = docx.Document(str(form))
    first, second, third = answer_boxes(document)

    p = first.paragraphs[0]
    p.add_run("Les faits ont été vérifiés par ")
    p.add_run("Siob").bold = True  # Word often splits a word over several runs
    p.add_run("hán Mullally").bold = True
    p.add_run(" et Zoë.")
    first.add_paragraph("")  # an empty paragraph is dropped
    first.add_paragraph("Coût : 5 € & frais <5 % — voir <b>note</b> & &amp; aussi")
    first.add_paragraph("premier point", style="List Bullet")
    first.add_paragraph("second point, *important*", style="List Bullet")
    last = first.add_paragraph("Dernier paragraphe ")
    last.add_run("en italique").italic = True
    last.add_run().add_break()
    last.add_run("suite_du texte.  ")

    third.paragraphs[0].text = "  # pas un titre"
    third.add_paragraph("1. pas une liste")
    third.add_paragraph("étape un", style="List Number")
    third.add_paragraph("étape deux", style="List Number")

    typed = tmp_path / "returned.docx"
    document.save(str(typed))
    returned = read_form(typed)

    assert returned.token == TOKEN
    assert returned.language == "fr"
    assert returned.answers == [
        "Les faits ont été vérifiés par **Siobhán Mullally** et Zoë.\n"
        "\n"
        "Coût : 5 € & frais <5 % — voir \\<b>note\\</b> & \\&amp; aussi\n"
        "\n"
        "- premier point\n"
        "- second point, \\*important\\*\n"
        "\n"
        "Dernier paragraphe *en italique*  \n"
        "suite_du texte.",
        "",
        "\\# pas un titre\n\n1\\. pas une liste\n\n1. étape un\n2. étape deux",
    ]
    rendered = MarkdownIt("commonmark").render(returned.answers[0])
    assert "<strong>Siobhán Mullally</strong>" in rendered
    assert "&lt;b&gt;note&lt;/b&gt; &amp; &amp;amp; aussi" in rendered
    assert "<li>second point, *important*</li>" in rendered


def test_nested_list_and_bold_italic(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    box = answer_boxes(document)[0]
    box.paragraphs[0].text = "Steps:"
    box.add_paragraph("one", style="List Number")
    box.add_paragraph("detail", style="List Bullet 2")
    box.add_paragraph("two", style="List Number")
    p = box.add_paragraph("A ")
    run = p.add_run("strong and slanted")
    run.bold = run.italic = True
    p.add_run(" word.")
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    assert read_form(typed).answers[0] == (
        "Steps:\n\n1. one\n   - detail\n2. two\n\nA ***strong and slanted*** word."
    )


def _w(xml: str) -> str:
    return f'<w:p xmlns:w="{W_NS}">{xml}</w:p>'


def test_word_markup_inside_an_answer(tmp_path: Path) -> None:
    """Hyperlinks, tracked changes and proofing marks as Word writes them."""
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    box = answer_boxes(document)[0]
    paragraph = parse_xml(
        _w(
            "<w:r><w:t xml:space='preserve'>See </w:t></w:r>"
            "<w:proofErr w:type='spellStart'/>"
            "<w:hyperlink><w:r><w:t>the report</w:t></w:r></w:hyperlink>"
            "<w:proofErr w:type='spellEnd'/>"
            "<w:del w:id='1' w:author='x'><w:r><w:delText> (old)</w:delText></w:r></w:del>"
            "<w:ins w:id='2' w:author='x'>"
            "<w:r><w:t xml:space='preserve'> of 2024</w:t></w:r></w:ins>"
            "<w:r><w:tab/><w:t>end</w:t></w:r>"
        )
    )
    box._tc.replace(box.paragraphs[0]._p, paragraph)
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    assert read_form(typed).answers[0] == "See the report of 2024\tend"


def test_text_typed_next_to_the_box_and_extra_rows(tmp_path: Path) -> None:
    """Tab in the last cell adds a row in Word; people also type below the box."""
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    tables = [t for t in document.tables if len(t.columns) == 1]
    tables[0].cell(0, 0).text = "Inside the box."
    tables[0].add_row().cells[0].text = "In a row added with Tab."
    outside = parse_xml(_w("<w:r><w:t>Below the box.</w:t></w:r>"))
    tables[1]._tbl.addnext(outside)
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    assert read_form(typed).answers == [
        "Inside the box.\n\nIn a row added with Tab.",
        "Below the box.",
    ]


def test_styles_lost_falls_back_to_single_column_tables(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    answer_boxes(document)[1].text = "Second answer"
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    xml = member(typed, "word/document.xml")
    stripped = re.sub(rb"<w:pStyle [^>]*/>", b"", xml)
    assert stripped != xml
    plain = rewrite_zip(typed, tmp_path / "plain.docx", {"word/document.xml": stripped})
    returned = read_form(plain)
    assert returned.answers == ["", "Second answer"]
    assert returned.token == TOKEN  # from the core properties


def test_form_code_line_deleted(tmp_path: Path) -> None:
    form = make_form(tmp_path, "nl")
    document = docx.Document(str(form))
    code = document.paragraphs[-1]
    assert TOKEN in code.text
    code._p.getparent().remove(code._p)
    no_line = tmp_path / "no-line.docx"
    document.save(str(no_line))
    # The line is gone: the keywords of the core properties still identify the form...
    assert read_form(no_line).token == TOKEN
    # ...and without them either, there is no form code at all.
    document.core_properties.keywords = ""
    nothing = tmp_path / "nothing.docx"
    document.save(str(nothing))
    returned = read_form(nothing)
    assert returned.token is None
    assert returned.answers == ["", ""]


def test_visible_form_code_wins_over_properties(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    document.core_properties.keywords = "something else"
    changed = tmp_path / "changed.docx"
    document.save(str(changed))
    assert read_form(changed).token == TOKEN


def test_hyperlinks_are_allowed(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    document.part.relate_to(
        "https://www.ohchr.org/", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True
    )
    linked = tmp_path / "linked.docx"
    document.save(str(linked))
    assert read_form(linked).token == TOKEN


# ---------------------------------------------------------------------------------------------
# Footnotes and endnotes typed in an answer
# ---------------------------------------------------------------------------------------------

W = f"{{{W_NS}}}"


def add_note(
    document: docx.document.Document, paragraph: Paragraph, *parts: tuple[str, bool]
) -> None:
    """Add a real Word footnote at the end of ``paragraph``: (text, bold) parts of its text."""
    note = add_footnote(document, paragraph.add_run())
    for text, bold in parts:
        note.add_run(text).bold = bold or None


def test_footnotes_in_an_answer_become_markdown_footnotes(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    box = answer_boxes(document)[0]
    paragraph = box.paragraphs[0]
    paragraph.add_run("Myria publishes a report")
    add_note(
        document,
        paragraph,
        ("Previous reports: ", False),
        ("Publications", True),
        (" | Myria & partners", False),
    )
    paragraph.add_run(". And more")
    add_note(document, paragraph, ("Second note.", False))
    paragraph.add_run(".")
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    # The note is a real one: in word/footnotes.xml, referenced from the answer box.
    notes = etree.fromstring(member(typed, "word/footnotes.xml"))
    assert [n.get(f"{W}id") for n in notes] == ["-1", "0", "1", "2"]
    assert b"w:footnoteReference" in member(typed, "word/document.xml")

    answers = read_form(typed).answers
    assert answers == [
        "Myria publishes a report[^1]. And more[^2].\n"
        "\n"
        "[^1]: Previous reports: **Publications** | Myria & partners\n"
        "[^2]: Second note.",
        "",
    ]


def test_footnotes_are_numbered_within_each_answer(tmp_path: Path) -> None:
    form = make_form(tmp_path, "fr")
    document = docx.Document(str(form))
    first, second, third = answer_boxes(document)
    first.paragraphs[0].add_run("Premier")
    add_note(document, first.paragraphs[0], ("Note du premier.", False))
    third.paragraphs[0].add_run("Troisième")
    add_note(document, third.paragraphs[0], ("Note du troisième.", False))
    third.add_paragraph("Encore")
    add_note(document, third.paragraphs[1], ("Autre note.", False))
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    assert read_form(typed).answers == [
        "Premier[^1]\n\n[^1]: Note du premier.",
        "",
        "Troisième[^1]\n\nEncore[^2]\n\n[^1]: Note du troisième.\n[^2]: Autre note.",
    ]


def test_footnote_references_without_a_note_are_dropped(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    box = answer_boxes(document)[0]
    box.paragraphs[0].add_run("Kept")
    add_note(document, box.paragraphs[0], ("The only note.", False))
    # References to an empty note, to notes that do not exist and to the separators.
    broken = box.add_paragraph("Dropped")
    add_note(document, broken)
    for note_id in ("99", "-1", "0", ""):
        broken._p.append(
            parse_xml(f'<w:r xmlns:w="{W_NS}"><w:footnoteReference w:id="{note_id}"/></w:r>')
        )
    broken.add_run(" references.")
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    expected = "Kept[^1]\n\nDropped references.\n\n[^1]: The only note."
    assert read_form(typed).answers[0] == expected

    # A document without any footnotes part: the references go, the text stays; also when
    # the relationship to the part is still there.
    rels = member(typed, "word/_rels/document.xml.rels")
    no_rel = re.sub(rb"<Relationship [^>]*footnotes[^>]*/>", b"", rels)
    assert no_rel != rels
    for changed in ({"word/_rels/document.xml.rels": no_rel}, {}):
        bare = rewrite_zip(typed, tmp_path / "bare.docx", {"word/footnotes.xml": None, **changed})
        assert read_form(bare).answers[0] == "Kept\n\nDropped references."


def test_note_text_markup_and_escaping(tmp_path: Path) -> None:
    """Links, nested references and a second paragraph in a note; Markdown around references."""
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    box = answer_boxes(document)[0]
    first = box.paragraphs[0]
    add_note(document, first, ("Starts the line.", False))
    first.add_run(": colon (and brackets)")
    second = box.add_paragraph("Bold ")
    second.add_run("word.").bold = True
    add_note(document, second, ("2 notes", False))
    second.add_run("(see *this*)")
    notes = footnotes_part(document).element
    note = notes[-1]
    note.append(
        parse_xml(
            f'<w:p xmlns:w="{W_NS}"><w:hyperlink><w:r><w:t>A link</w:t></w:r></w:hyperlink>'
            '<w:r><w:t xml:space="preserve"> and a nested </w:t></w:r>'
            '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>reference.</w:t></w:r></w:p>'
        )
    )
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    answer = read_form(typed).answers[0]
    assert answer == (
        "[^1]\\: colon (and brackets)\n"
        "\n"
        "Bold **word.**[^2]\\(see \\*this\\*)\n"
        "\n"
        "[^1]: Starts the line.\n"
        "[^2]: 2 notes\n"
        "\n"
        "    A link and a nested reference."
    )
    rendered = MarkdownIt("commonmark").use(footnote_plugin).render(answer)
    assert rendered.count('class="footnote-ref"') == 2
    assert "</sup>: colon (and brackets)</p>" in rendered
    assert "<strong>word.</strong><sup" in rendered and "(see *this*)</p>" in rendered
    assert "<p>A link and a nested reference." in rendered


def test_endnotes_become_labelled_footnotes(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    box = answer_boxes(document)[0]
    box.paragraphs[0].add_run("Foot")
    add_note(document, box.paragraphs[0], ("A footnote.", False))
    box.paragraphs[0].add_run(" and end")
    box.paragraphs[0]._p.append(
        parse_xml(f'<w:r xmlns:w="{W_NS}"><w:endnoteReference w:id="1"/></w:r>')
    )
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    endnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:endnotes xmlns:w="{W_NS}">'
        '<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote>'
        '<w:endnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:endnote>"
        '<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> An '
        "</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>endnote</w:t></w:r><w:r><w:t>.</w:t></w:r>"
        "</w:p></w:endnote></w:endnotes>"
    )
    rels = member(typed, "word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdEnd" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/endnotes" Target="endnotes.xml"/></Relationships>',
    )
    types = member(typed, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/word/endnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"/></Types>',
    )
    with_endnotes = rewrite_zip(
        typed,
        tmp_path / "endnotes.docx",
        {"word/_rels/document.xml.rels": rels, "[Content_Types].xml": types},
        add={"word/endnotes.xml": endnotes.encode()},
    )
    assert read_form(with_endnotes).answers[0] == (
        "Foot[^1] and end[^e1]\n\n[^1]: A footnote.\n[^e1]: An *endnote*."
    )


def test_refuses_doctype_in_the_footnotes_part(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    paragraph = answer_boxes(document)[0].paragraphs[0]
    paragraph.add_run("Text")
    add_note(document, paragraph, ("Note", False))
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    xxe = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE w:footnotes [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t>&x;</w:t></w:r>'
        "</w:p></w:footnote></w:footnotes>"
    )
    for data in (xxe.encode(), xxe.replace("UTF-8", "UTF-16").encode("utf-16")):
        hostile = rewrite_zip(typed, tmp_path / "hostile.docx", {"word/footnotes.xml": data})
        message = rejected(hostile)
        assert "word/footnotes.xml" in message and "DOCTYPE" in message
        assert "passwd" not in message
    broken = rewrite_zip(typed, tmp_path / "broken.docx", {"word/footnotes.xml": b"<w:footnotes"})
    assert "word/footnotes.xml is not well-formed XML" in rejected(broken)
    # The footnotes part counts against the same expansion budget as every other part.
    with zipfile.ZipFile(typed) as zf:
        total = sum(info.file_size for info in zf.infolist())
    padded = member(typed, "word/footnotes.xml").replace(
        b"</w:footnotes>", b"<!--" + b" " * total + b"--></w:footnotes>"
    )
    big = rewrite_zip(typed, tmp_path / "big.docx", {"word/footnotes.xml": padded})
    assert "zip bomb" in rejected(big, max_uncompressed=2 * total)


def test_footnoted_answer_renders_as_real_word_footnotes(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    paragraph = answer_boxes(document)[0].paragraphs[0]
    paragraph.add_run("Myria publishes a report")
    add_note(
        document,
        paragraph,
        ("Previous reports: ", False),
        ("Publications", True),
        (" | Myria & partners", False),
    )
    paragraph.add_run(".")
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    answer = read_form(typed).answers[0]

    out = tmp_path / "rendered.docx"
    render_markdown(answer, out, letterhead=TEMPLATES / "letterhead.docx")
    body = etree.fromstring(member(out, "word/document.xml"))
    notes = etree.fromstring(member(out, "word/footnotes.xml"))
    references = body.findall(f".//{W}footnoteReference")
    assert len(references) == 1
    note = next(n for n in notes if n.get(f"{W}id") == references[0].get(f"{W}id"))
    assert "".join(note.itertext()).strip() == "Previous reports: Publications | Myria & partners"
    bold = [r for r in note.iter(f"{W}r") if r.find(f"{W}rPr/{W}b") is not None]
    assert ["".join(r.itertext()) for r in bold] == ["Publications"]
    assert "".join(body.itertext()).strip() == "Myria publishes a report."


def test_links_in_an_answer_and_its_notes_are_kept(tmp_path: Path) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    paragraph = answer_boxes(document)[0].paragraphs[0]
    paragraph.add_run("See ")
    add_hyperlink(document, paragraph, "https://www.myria.be/en/publications", "Myria (2024)")
    paragraph.add_run(" and write to ")
    add_hyperlink(document, paragraph, "mailto:info@myria.be", "info@myria.be")
    note = add_footnote(document, paragraph.add_run())
    note.add_run("Previous annual reports can be found on their website: ")
    add_hyperlink(
        document, note, "https://www.myria.be/en/publications", "Publications | Myria", in_note=True
    )
    typed = tmp_path / "typed.docx"
    document.save(str(typed))

    answer = read_form(typed).answers[0]
    assert answer == (
        "See [Myria (2024)](https://www.myria.be/en/publications) and write to "
        "[info@myria.be](mailto:info@myria.be)[^1]\n"
        "\n"
        "[^1]: Previous annual reports can be found on their website: "
        "[Publications | Myria](https://www.myria.be/en/publications)"
    )
    # rendered again, both are real links, the note's in the footnotes part's relationships
    out = tmp_path / "rendered.docx"
    render_markdown(answer, out, letterhead=TEMPLATES / "letterhead.docx")
    rendered = docx.Document(str(out))
    body_targets = {r.target_ref for r in rendered.part.rels.values() if r.is_external}
    assert body_targets == {"https://www.myria.be/en/publications", "mailto:info@myria.be"}
    notes = footnotes_part(rendered)
    assert [r.target_ref for r in notes.rels.values() if r.is_external] == [
        "https://www.myria.be/en/publications"
    ]
    assert b"w:hyperlink" in member(out, "word/footnotes.xml")


@pytest.mark.parametrize(
    ("before", "url", "text", "markdown"),
    [
        ("", "javascript:alert(1)", "click", "click"),  # not a web or e-mail address
        ("", "file:///etc/passwd", "local", "local"),
        (
            "Wow!",
            "https://a.example/x y(1)",
            "a ] b",
            "Wow\\![a \\] b](https://a.example/x%20y%281%29)",
        ),
        ("", "https://a.example/", "^1", "[\\^1](https://a.example/)"),
        ("", "https://a.example/", "  ", ""),  # a link without text is dropped
    ],
)
def test_link_targets_and_text_are_written_safely(
    tmp_path: Path, before: str, url: str, text: str, markdown: str
) -> None:
    form = make_form(tmp_path, "en")
    document = docx.Document(str(form))
    paragraph = answer_boxes(document)[0].paragraphs[0]
    if before:
        paragraph.add_run(before)
    add_hyperlink(document, paragraph, url, text)
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    answer = read_form(typed).answers[0]
    assert answer == markdown
    if answer:  # CommonMark reads back exactly the typed text, the link only where kept
        html_out = MarkdownIt().render(answer)
        visible = re.sub(r"<[^>]+>", "", html_out).strip()
        assert html.unescape(visible) == (before + text).strip()
        assert ("<a href" in html_out) == url.startswith("https://")


# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------


def test_refuses_missing_file(tmp_path: Path) -> None:
    assert "file not found" in rejected(tmp_path / "absent.docx")


def test_refuses_text_file_named_docx(tmp_path: Path) -> None:
    fake = tmp_path / "answers.docx"
    fake.write_text("Here are our answers.", encoding="utf-8")
    assert "not a Word .docx file" in rejected(fake)


def test_refuses_old_doc_format(tmp_path: Path) -> None:
    old = tmp_path / "answers.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "old-format .doc" in rejected(old)


def test_refuses_truncated_zip(tmp_path: Path) -> None:
    data = make_form(tmp_path).read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    assert "not a Word .docx file" in rejected(truncated)


def test_refuses_corrupt_member(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    data = bytearray(form.read_bytes())
    with zipfile.ZipFile(form) as zf:
        info = zf.getinfo("word/document.xml")
    # Overwrite compressed bytes of document.xml, after its local header.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start : start + 40] = b"\xff" * 40
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(bytes(data))
    assert "damaged" in rejected(corrupt)


def test_refuses_zip_without_document(tmp_path: Path) -> None:
    hollow = rewrite_zip(make_form(tmp_path), tmp_path / "hollow.docx", {"word/document.xml": None})
    assert "word/document.xml is missing" in rejected(hollow)
    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "hello")
    assert "is missing" in rejected(other)


def test_refuses_file_over_max_bytes(tmp_path: Path) -> None:
    message = rejected(make_form(tmp_path), max_bytes=1000)
    assert "more than the" in message and "allowed" in message


def test_refuses_zip_bomb(tmp_path: Path) -> None:
    zeros = bytes(60 * 1024 * 1024)
    bomb = rewrite_zip(make_form(tmp_path), tmp_path / "bomb.docx", add={"word/media/x.bin": zeros})
    assert bomb.stat().st_size < 1024 * 1024
    assert "zip bomb" in rejected(bomb)


def test_refuses_too_much_content_in_total(tmp_path: Path) -> None:
    assert "zip bomb" in rejected(make_form(tmp_path), max_uncompressed=10_000)


def test_refuses_macro_enabled_content_type(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    types = member(form, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    docm = rewrite_zip(form, tmp_path / "form.docx.docm", {"[Content_Types].xml": types})
    assert "macros" in rejected(docm)


def test_refuses_vba_project(tmp_path: Path) -> None:
    vba = rewrite_zip(make_form(tmp_path), tmp_path / "vba.docx", add={"word/vbaProject.bin": b"x"})
    assert "macros" in rejected(vba)


XXE_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


def test_refuses_doctype_and_entities(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    xxe = rewrite_zip(form, tmp_path / "xxe.docx", {"word/document.xml": XXE_DOCUMENT.encode()})
    message = rejected(xxe)
    assert "DOCTYPE" in message and "passwd" not in message
    utf16 = XXE_DOCUMENT.replace("UTF-8", "UTF-16").encode("utf-16")
    xxe16 = rewrite_zip(form, tmp_path / "xxe16.docx", {"word/document.xml": utf16})
    assert "DOCTYPE" in rejected(xxe16)
    # Also in a part the reader itself would not need.
    in_settings = rewrite_zip(
        form, tmp_path / "settings.docx", {"word/settings.xml": XXE_DOCUMENT.encode()}
    )
    assert "word/settings.xml" in rejected(in_settings)


def test_refuses_invalid_xml(tmp_path: Path) -> None:
    broken = rewrite_zip(
        make_form(tmp_path), tmp_path / "broken.docx", {"word/document.xml": b"<w:document><a>"}
    )
    assert "not well-formed XML" in rejected(broken)


def test_refuses_remote_template(tmp_path: Path) -> None:
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/attachedTemplate" Target="http://203.0.113.9/t.dotm" '
        'TargetMode="External"/></Relationships>'
    )
    form = make_form(tmp_path)
    attached = rewrite_zip(
        form, tmp_path / "attached.docx", add={"word/_rels/settings.xml.rels": rels.encode()}
    )
    message = rejected(attached)
    assert "external attachedTemplate" in message and "203.0.113.9" in message


def test_refuses_external_ole_object(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    document = docx.Document(str(form))
    document.part.relate_to(
        "file://server/share/x.xls",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject",
        is_external=True,
    )
    ole = tmp_path / "ole.docx"
    document.save(str(ole))
    assert "external oleObject" in rejected(ole)


def test_refuses_strict_open_xml(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    xml = member(form, "word/document.xml").replace(
        W_NS.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    )
    strict = rewrite_zip(form, tmp_path / "strict.docx", {"word/document.xml": xml})
    assert "Strict Open XML" in rejected(strict)


def test_never_a_traceback_for_odd_zips(tmp_path: Path) -> None:
    form = make_form(tmp_path)
    for name, data in {
        "[Content_Types].xml": b"",
        "word/styles.xml": b"\x00\x01garbage",
        "docProps/core.xml": b"<x",
    }.items():
        odd = rewrite_zip(form, tmp_path / "odd.docx", {name: data})
        rejected(odd)


# ---------------------------------------------------------------------------------------------
# Plain-text answers
# ---------------------------------------------------------------------------------------------


def test_read_answer_text(tmp_path: Path) -> None:
    path = tmp_path / "answer.md"
    path.write_bytes("\ufeffRéponse de la **police** : 5 €\r\n\r\n- un\r\n".encode())
    assert read_answer_text(path) == "Réponse de la **police** : 5 €\n\n- un"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04\x00\x00binary", "binary"),
        ("Réponse".encode("latin-1"), "not UTF-8"),
        (b"text\x1b[31m", "control characters"),
        (b"x" * 2000, "larger than"),
    ],
)
def test_read_answer_text_refusals(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "answer.txt"
    path.write_bytes(data)
    with pytest.raises(FormRejected, match=expected):
        read_answer_text(path, max_bytes=1000)
    with pytest.raises(FormRejected, match="not found"):
        read_answer_text(tmp_path / "absent.txt")


# ---------------------------------------------------------------------------------------------
# Properties: the Markdown renders back to exactly what was typed
# ---------------------------------------------------------------------------------------------

# Printable text: no control, surrogate, unassigned, private-use or line/paragraph separators.
TYPED = st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp"))
MARKDOWN = MarkdownIt("commonmark")


def rendered_paragraphs(markdown: str) -> list[str]:
    """The text of each paragraph CommonMark renders from ``markdown`` (it must be only <p>)."""
    out = MARKDOWN.render(markdown)
    parts = re.findall(r"<p>(.*?)</p>\n", out, flags=re.DOTALL)
    assert "".join(f"<p>{p}</p>\n" for p in parts) == out, out
    assert all("<" not in p for p in parts), out
    return [html.unescape(p) for p in parts]


@pytest.mark.slow
@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(TYPED))
def test_escape_round_trips_through_commonmark(text: str) -> None:
    text = text.strip()
    assert rendered_paragraphs(escape_markdown_line(text)) == ([text] if text else [])


@pytest.mark.slow
@settings(max_examples=300)
@given(st.text(st.sampled_from(list("ab1 #>-+=.)*_`[]<&;~\\!/é€"))))
def test_escape_round_trips_markdown_punctuation(text: str) -> None:
    text = text.strip()
    assert rendered_paragraphs(escape_markdown_line(text)) == ([text] if text else [])


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("Smith & Co", "Smith & Co"),
        ("a < b, <3", "a < b, <3"),
        ("snake_case", "snake_case"),
        ("<b>", "\\<b>"),
        ("&amp;", "\\&amp;"),
        ("1. item", "1\\. item"),
        ("- item", "\\- item"),
        ("# title", "\\# title"),
        ("C:\\temp\\", "C:\\temp\\\\"),
    ],
)
def test_escape_is_minimal(text: str, markdown: str) -> None:
    assert escape_markdown_line(text) == markdown


@pytest.fixture(scope="module")
def blank_form(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("blank")
    path = folder / "form.docx"
    write_form(path, SPECS["en"], templates_dirs=TEMPLATES_DIRS)
    return path.read_bytes()


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.lists(st.text(TYPED, max_size=40), min_size=1, max_size=4))
def test_typed_paragraphs_round_trip(blank_form: bytes, paragraphs: list[str]) -> None:
    document = docx.Document(io.BytesIO(blank_form))
    box = answer_boxes(document)[0]
    box.paragraphs[0].text = paragraphs[0]
    for text in paragraphs[1:]:
        box.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    # read_form wants a path; hypothesis forbids function-scoped tmp_path fixtures.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "typed.docx"
        path.write_bytes(buffer.getvalue())
        answer = read_form(path).answers[0]
    expected = [t.strip() for t in paragraphs if t.strip()]
    assert rendered_paragraphs(answer) == expected


def test_writing_a_form_leaves_its_spec_as_it_was(tmp_path: Path) -> None:
    """SPECS are shared by every test: a form written from a spec leaves the spec unchanged,
    and two forms written from one spec read back alike (the code, one empty box a question)."""
    spec = SPECS["fr"]
    before = copy.deepcopy(spec)
    first = read_form(make_form(tmp_path, "fr", "first.docx"))
    second = read_form(make_form(tmp_path, "fr", "second.docx"))
    assert spec == before
    assert first == second
    assert (first.token, first.language) == (TOKEN, "fr")
    assert first.answers == [""] * len(spec.questions)


def test_deleted_label_or_heading_keeps_answers_in_place(tmp_path: Path) -> None:
    form = make_form(tmp_path, "fr")
    document = docx.Document(str(form))
    for number, box in enumerate(answer_boxes(document), start=1):
        box.text = f"Réponse {number}"
    label_2 = next(p for p in document.paragraphs if p.text == "Votre réponse 2")
    label_2._p.getparent().remove(label_2._p)
    heading_3 = next(p for p in document.paragraphs if p.text == "Question 3")
    heading_3._p.getparent().remove(heading_3._p)
    typed = tmp_path / "typed.docx"
    document.save(str(typed))
    assert read_form(typed).answers == ["Réponse 1", "Réponse 2", "Réponse 3"]
