"""A note verbale laid out as missions lay it out: every check reads the .docx back."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from commresp.documents.markdown_to_docx import render_markdown
from tests.helpers import first_page_header

LETTERHEAD = Path(__file__).resolve().parents[1] / "templates" / "letterhead.docx"
NOTE = (
    "Ref : GP/CC 2025/210\n\n"
    "La Représentation permanente se réfère à la communication (ref AL BEL 1/2025).\n\n"
    "Fait à Genève, le 10 octobre 2025\n\n"
    "Secrétariat du Service des procédures spéciales  \n"  # a hard line break
    "ohchr-registry@un.org {.foot}\n"
)


def rendered(tmp_path: Path, **kwargs) -> docx.document.Document:
    out = tmp_path / "note.docx"
    render_markdown(NOTE, out, letterhead=LETTERHEAD, **kwargs)
    return docx.Document(str(out))


def note(tmp_path: Path) -> docx.document.Document:
    return rendered(
        tmp_path,
        header_lines=["Mission permanente", "Genève"],
        justify=True,
        unbroken=["AL BEL 1/2025", "GP/CC 2025/210"],
        page_label="Página",
    )


def test_body_is_justified_and_kept_whole(tmp_path):
    paragraphs = note(tmp_path).paragraphs
    body = paragraphs[1]
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.keep_together is True
    assert body.paragraph_format.widow_control is True


def test_references_never_break(tmp_path):
    paragraphs = [p.text for p in note(tmp_path).paragraphs]
    assert paragraphs[0] == "Ref : GP/CC\u00a02025/210"
    assert "(ref AL\u00a0BEL\u00a01/2025)" in paragraphs[1]


def test_without_unbroken_the_spaces_stay(tmp_path):
    assert rendered(tmp_path).paragraphs[0].text == "Ref : GP/CC 2025/210"


def test_addressee_block_is_a_frame_at_the_foot_bottom_left(tmp_path):
    last = note(tmp_path).paragraphs[-1]
    assert last.text == "Secrétariat du Service des procédures spéciales\nohchr-registry@un.org"
    frame = last._p.pPr.find(qn("w:framePr"))
    assert frame is not None
    assert frame.get(qn("w:yAlign")) == "bottom"
    assert frame.get(qn("w:xAlign")) == "left"
    assert frame.get(qn("w:vAnchor")) == "margin"
    assert last.alignment is None  # left, not justified


def test_letterhead_block_then_a_clear_space(tmp_path):
    header = first_page_header(note(tmp_path))
    lines = [p for p in header.paragraphs if p.text]
    assert [p.text for p in lines] == ["Mission permanente", "Genève"]
    assert lines[-1].paragraph_format.space_after.pt == 24


def test_no_number_on_page_one_labelled_number_from_page_two(tmp_path):
    section = note(tmp_path).sections[0]
    assert section.different_first_page_header_footer
    first = section.first_page_footer._element
    assert not first.xpath(".//w:instrText") and not "".join(first.itertext()).strip()
    other = section.footer._element
    assert "PAGE" in "".join(t.text for t in other.iter(qn("w:instrText")))
    texts = "".join(t.text for t in other.iter(qn("w:t")))
    assert texts.startswith("Página ")


def test_language_is_set_in_styles_runs_footnotes_and_headers(tmp_path):
    import zipfile

    from lxml import etree

    out = tmp_path / "lang.docx"
    render_markdown(
        "Texte[^1].\n\n[^1]: Une note.\n",
        out,
        letterhead=LETTERHEAD,
        header_lines=["Mission permanente"],
        language="fr-CH",
        application="commresp 9.9",
    )
    with zipfile.ZipFile(out) as package:
        for name in ("word/styles.xml", "word/document.xml", "word/footnotes.xml"):
            root = etree.fromstring(package.read(name))
            langs = {el.get(qn("w:val")) for el in root.iter(qn("w:lang"))}
            assert langs == {"fr-CH"}, name
        app = package.read("docProps/app.xml").decode()
    assert "<Application>commresp 9.9</Application>" in app and "Template" not in app


def test_default_locales_follow_the_state():
    from commresp.rules.locales import default_locale

    assert default_locale("fr", "BEL") == "fr-BE"
    assert default_locale("fr", "CHE") == "fr-CH"
    assert default_locale("en", "BEL") == "en-GB"
    assert default_locale("es", "ESP") == "es-ES"
