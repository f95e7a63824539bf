"""Build the neutral letterhead ``templates/letterhead.docx`` used by the Markdown renderer.

Usage::

    python templates/build_letterhead.py [OUT]

``OUT`` defaults to ``letterhead.docx`` beside this script.  The script starts from
python-docx's default template and makes it suitable for diplomatic correspondence:

* A4 page, 2.5 cm margins, header/footer 1.25 cm from the page edge;
* Arial 11 pt for body text (also for complex scripts and East Asian text, so Arabic
  or Cyrillic names do not fall back to a theme font), British English proofing;
* sober headings (Heading 1-3 bold, black, Arial, body size - no theme blue; Title 14 pt);
* styles the renderer relies on: "List Bullet", "List Number" (and their level-2
  variants), "Table Grid", "Title", "Heading 1".."Heading 3", "Footnote Text" (9 pt),
  "Footnote Reference" (superscript) and "Hyperlink";
* an empty first-page header (one empty "Header" paragraph: the mission's lines are
  written there at render time), an empty first-page footer, and on the other pages a
  footer holding a centred PAGE field (labelled "Page"/"Página"… at render time);
* an empty body;
* a footnotes part (``word/footnotes.xml``) holding Word's two separator notes
  (ids -1 and 0), referenced from ``w:settings/w:footnotePr``, so that the renderer
  only has to append notes.

The footnotes part and the blanking of the document properties are made by
:mod:`commresp.documents.docx_parts`, exactly as the renderer makes them, so run the script
where ``commresp`` is importable (an editable install of the checkout).
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle

from commresp.documents.docx_parts import footnotes_part, set_core_properties

FONT = "Arial"
LANGUAGE = "en-GB"
DEFAULT_OUT = Path(__file__).resolve().parent / "letterhead.docx"


def set_fonts(rpr_owner: BaseStyle, font: str = FONT) -> None:
    """Make every script slot of the style's ``w:rFonts`` use ``font``.

    python-docx's ``font.name`` only sets ``w:ascii``/``w:hAnsi`` and leaves the
    ``*Theme`` attributes, which take precedence in Word; so rewrite the element.
    """
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), font)


def set_default_fonts(document: DocxDocument) -> None:
    """Point the document defaults (``w:docDefaults``) at Arial 11 pt and en-GB."""
    styles_el = document.styles.element
    rpr = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:  # pragma: no cover - python-docx's template always has it
        return
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is not None:
        for attr in list(rfonts.attrib):
            del rfonts.attrib[attr]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{slot}"), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)


def sober_character(style: BaseStyle, *, size: float | None, bold: bool | None) -> None:
    """Strip theme colours/fonts and decorative spacing from a (linked) style's runs."""
    set_fonts(style)
    font = style.font
    font.color.rgb = None  # removes the theme blue entirely
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    font.italic = None
    if bold is not None:
        font.bold = bold
    if size is not None:
        set_size(style, size)


def set_size(style: BaseStyle, size: float) -> None:
    """Set the style's font size for Latin (``w:sz``) and complex scripts (``w:szCs``).

    python-docx only writes ``w:sz``; without ``w:szCs`` Arabic or Hebrew text in,
    say, a footnote would keep the 11 pt default.
    """
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    szcs = rpr.find(qn("w:szCs"))
    if szcs is None:
        szcs = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(szcs)
    szcs.set(qn("w:val"), str(round(size * 2)))


def style_body(document: DocxDocument) -> None:
    """Normal, headings, title, lists: Arial, black, modest spacing."""
    styles = document.styles
    normal = styles["Normal"]
    set_fonts(normal)
    set_size(normal, 11)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15

    # Body-size bold headings, as in Belgium's published response (not Word's 14 pt).
    for level, size, before, after in ((1, 11, 12, 6), (2, 11, 12, 6), (3, 11, 10, 4)):
        heading = styles[f"Heading {level}"]
        sober_character(heading, size=size, bold=True)
        fmt = heading.paragraph_format
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.keep_with_next = True
        linked = f"Heading {level} Char"
        if linked in styles:
            sober_character(styles[linked], size=size, bold=True)

    title = styles["Title"]
    sober_character(title, size=14, bold=True)
    ppr = title.element.get_or_add_pPr()
    for el in ppr.findall(qn("w:pBdr")):  # the default blue rule under the title
        ppr.remove(el)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.space_after = Pt(12)
    if "Title Char" in styles:
        sober_character(styles["Title Char"], size=14, bold=True)

    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2", "Table Grid"):
        _ = styles[name]  # fail loudly if python-docx ever drops one of them


def style_notes_and_links(document: DocxDocument) -> None:
    """Create "Footnote Text", "Footnote Reference" and "Hyperlink" if missing."""
    styles = document.styles
    if "Footnote Text" not in styles:
        note = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
        note.base_style = styles["Normal"]
    note = styles["Footnote Text"]
    set_size(note, 9)
    note.paragraph_format.space_before = Pt(0)
    note.paragraph_format.space_after = Pt(0)
    note.paragraph_format.line_spacing = 1.0

    if "Footnote Reference" not in styles:
        ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER, builtin=True)
        ref.base_style = styles["Default Paragraph Font"]
    styles["Footnote Reference"].font.superscript = True

    if "Hyperlink" not in styles:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
        link.base_style = styles["Default Paragraph Font"]
    link = styles["Hyperlink"]
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True

    for name in ("Footnote Text", "Footnote Reference", "Hyperlink"):
        styles[name].unhide_when_used = True
        styles[name].priority = 99


def set_tab_stops(style: BaseStyle, text_width_twips: int) -> None:
    """Re-centre the Header/Footer tab stops for the A4 text width (they assume Letter)."""
    ppr = style.element.get_or_add_pPr()
    for el in ppr.findall(qn("w:tabs")):
        ppr.remove(el)
    tabs = OxmlElement("w:tabs")
    for kind, pos in (("center", text_width_twips // 2), ("right", text_width_twips)):
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), kind)
        tab.set(qn("w:pos"), str(pos))
        tabs.append(tab)
    ppr.insert(0, tabs)


def page_field_runs() -> list:
    """Runs of a complex PAGE field (begin / instruction / separate / cached "1" / end)."""
    runs = []
    for kind, payload in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        r = OxmlElement("w:r")
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r.append(fld)
        elif payload == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = payload
            r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = payload
            r.append(t)
        runs.append(r)
    return runs


def layout_page(document: DocxDocument) -> None:
    """A4, 2.5 cm margins, empty headers (first page apart), page number in every footer."""
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    section.header_distance = Cm(1.25)
    section.footer_distance = Cm(1.25)
    section.gutter = Cm(0)

    text_width_twips = round((Mm(210) - 2 * Cm(2.5)) / 635)  # 1 twip = 635 EMU
    styles = document.styles
    for name, size in (("Header", 10), ("Footer", 9)):
        style = styles[name]
        set_tab_stops(style, text_width_twips)
        set_size(style, size)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # The mission's lines head the first page only, as on the mission's paper; later pages
    # have an empty header. Creating a header definition gives one empty "Header" paragraph,
    # which the renderer fills on the first page. The first page has an empty footer (a
    # one-page note carries no number); the others have their number, which the renderer
    # labels in the document's language ("Page 2", "Página 2").
    section.different_first_page_header_footer = True
    for header in (section.first_page_header, section.header):
        header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False
    footer = section.footer
    footer.is_linked_to_previous = False
    footer_p = footer.paragraphs[0]
    footer_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in page_field_runs():
        footer_p._p.append(run)


def add_footnotes_part(document: DocxDocument) -> None:
    """Add ``word/footnotes.xml`` with the separator notes and ``w:footnotePr`` in settings,
    exactly as the renderer adds them to a letterhead that lacks them."""
    footnotes_part(document)


def modernise_settings(document: DocxDocument) -> None:
    """Declare Word 2013+ compatibility so Word does not open it in "Compatibility Mode"."""
    compat = document.settings.element.find(qn("w:compat"))
    if compat is None:
        return
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def clean_metadata(document: DocxDocument) -> None:
    """Blank the template's core properties and drop its stale preview thumbnail."""
    # As the renderer does: every property blanked (only those holding something, so no
    # empty elements appear), the dates and revision reset.
    set_core_properties(document, {})
    # The default template ships a thumbnail of an unrelated page; Word regenerates one.
    package_rels = document.part.package.rels
    for rid in [rid for rid, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        package_rels.pop(rid)


def build_letterhead() -> DocxDocument:
    """Return the letterhead document (not yet saved)."""
    document = docx.Document()
    set_default_fonts(document)
    style_body(document)
    style_notes_and_links(document)
    layout_page(document)
    add_footnotes_part(document)
    modernise_settings(document)
    clean_metadata(document)
    # python-docx's template body holds only w:sectPr; keep it that way (no paragraphs).
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def main(argv: list[str] | None = None) -> int:
    """Entry point: build the letterhead and save it to ``argv[0]`` or the default path."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python templates/build_letterhead.py [OUT]", file=sys.stderr)
        return 2
    out = Path(args[0]) if args else DEFAULT_OUT
    build_letterhead().save(str(out))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
