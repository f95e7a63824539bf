"""The parts of a .docx the renderer, the enquiry forms and the letterhead script share.

python-docx covers paragraphs, runs, tables and styles; what it lacks is here, written once:

* :func:`footnotes_part` and :func:`add_footnote` — real Word footnotes (python-docx has no
  footnotes part);
* :func:`write_header` — the mission's lines in the header shown on the first page;
* :func:`at_foot`, :func:`keep_whole` and :func:`label_page_numbers` — a note verbale's
  layout: the addressee block at the foot of the page, paragraphs kept whole, "Page 2"…;
* :func:`set_core_properties` and :data:`CORE_PROPERTIES` — the document properties, with
  nothing of the template's own metadata left;
* :class:`StyleIds` — style ids by (case-insensitive) name, adding the footnote and
  hyperlink styles a custom letterhead may lack;
* :func:`add_run`, :func:`append_text`, :func:`strip_xml_illegal`, :func:`is_blank_paragraph`,
  :func:`remove_blank_paragraphs` and :func:`text_width` — the small WordprocessingML helpers
  the others are built from.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping, Sequence

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from lxml.etree import SubElement

__all__ = [
    "CODE_FONT",
    "CORE_PROPERTIES",
    "LINK_COLOUR",
    "Footnotes",
    "StyleIds",
    "add_footnote",
    "add_run",
    "append_text",
    "at_foot",
    "footnotes_part",
    "is_blank_paragraph",
    "keep_whole",
    "label_page_numbers",
    "remove_blank_paragraphs",
    "set_app_properties",
    "set_core_properties",
    "set_language",
    "strip_xml_illegal",
    "text_width",
    "write_header",
]

#: Keys accepted in ``properties`` (python-docx ``CoreProperties`` attribute names).
CORE_PROPERTIES = (
    "author",
    "category",
    "comments",
    "content_status",
    "identifier",
    "keywords",
    "language",
    "last_modified_by",
    "subject",
    "title",
    "version",
)

#: The font of code runs.
CODE_FONT = "Courier New"
#: The colour of a link when the document has no "Hyperlink" style (Word's own blue).
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)

_W_R, _W_RPR, _W_T, _W_BR, _W_TAB = (qn(t) for t in ("w:r", "w:rPr", "w:t", "w:br", "w:tab"))
_W_RSTYLE, _W_RFONTS, _W_COLOR, _W_U = (qn(t) for t in ("w:rStyle", "w:rFonts", "w:color", "w:u"))
_W_B, _W_BCS, _W_I, _W_ICS = (qn(t) for t in ("w:b", "w:bCs", "w:i", "w:iCs"))
_W_VAL, _W_ID = qn("w:val"), qn("w:id")
_W_FOOTNOTE_REF, _W_FOOTNOTE_MARK = qn("w:footnoteReference"), qn("w:footnoteRef")
_FONT_SLOTS = tuple(qn(f"w:{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs"))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_SPLIT = re.compile(r"(\n|\t)")
# Characters XML 1.0 forbids; lxml refuses them, so drop them rather than crash.
_XML_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])

# Word's separator (-1) and continuation separator (0) notes: needed when we have to
# create a footnotes part for a letterhead that has none.
_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)
# Children of w:settings that come after w:footnotePr (schema order, ECMA-376 17.15.1.78).
_SETTINGS_AFTER_FOOTNOTEPR = (
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


# ------------------------------------------------------------------------ text


def strip_xml_illegal(text: str) -> str:
    """``text`` without the control characters XML cannot carry (everything else kept)."""
    return text.translate(_XML_ILLEGAL)


def append_text(r: etree._Element, text: str) -> None:
    """Append ``w:t`` (``w:br`` for "\n", ``w:tab`` for "\t") children to run ``r``."""
    for piece in _TEXT_SPLIT.split(text):
        if piece == "\n":
            SubElement(r, _W_BR)
        elif piece == "\t":
            SubElement(r, _W_TAB)
        elif piece:
            t = SubElement(r, _W_T)
            t.text = piece
            if piece[0] in " \u00a0" or piece[-1] in " \u00a0" or "  " in piece:
                t.set(_XML_SPACE, "preserve")  # otherwise Word may drop edge/double spaces


def add_run(
    container: BaseOxmlElement,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    code: bool = False,
    style: str | None = None,
    link_look: bool = False,
) -> etree._Element:
    """Append a ``w:r`` holding ``text`` ("\n" -> ``w:br``, "\t" -> ``w:tab``) to ``container``.

    ``style`` is a character style id; ``code`` sets :data:`CODE_FONT`; ``link_look`` gives
    the run a link's colour and underline directly (for a document without a "Hyperlink"
    style).  Built with plain lxml calls in schema order: python-docx's generic
    ``get_or_add_*`` helpers search for successors on every call and were most of the
    rendering time.
    """
    r = SubElement(container, _W_R)
    if bold or italic or code or style or link_look:
        rpr = SubElement(r, _W_RPR)
        if style:
            SubElement(rpr, _W_RSTYLE).set(_W_VAL, style)
        if code:
            fonts = SubElement(rpr, _W_RFONTS)
            for slot in _FONT_SLOTS:
                fonts.set(slot, CODE_FONT)
        # The *Cs twins make bold/italic also apply to Arabic and other complex scripts.
        if bold:
            SubElement(rpr, _W_B)
            SubElement(rpr, _W_BCS)
        if italic:
            SubElement(rpr, _W_I)
            SubElement(rpr, _W_ICS)
        if link_look:
            SubElement(rpr, _W_COLOR).set(_W_VAL, str(LINK_COLOUR))
            SubElement(rpr, _W_U).set(_W_VAL, "single")
    if text:
        append_text(r, strip_xml_illegal(text))
    return r


def is_blank_paragraph(p: BaseOxmlElement) -> bool:
    """Whether paragraph ``p`` shows nothing: no text, field, picture, symbol or break.

    Word often leaves empty runs, proofing marks or its ``_GoBack`` bookmark in an
    otherwise empty paragraph; those do not count as content.
    """
    return not p.xpath(
        ".//w:t[string-length(.) > 0] | .//w:drawing | .//w:pict | .//w:object | .//w:sym"
        " | .//w:fldSimple | .//w:fldChar | .//w:br | .//w:tab | .//w:sectPr"
    )


def remove_blank_paragraphs(document: DocxDocument) -> None:
    """Drop the letterhead's blank body paragraphs (Word always saves at least one).

    Paragraphs with content and paragraphs carrying a section break are kept.
    """
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        if is_blank_paragraph(p):
            body.remove(p)


def text_width(document: DocxDocument) -> Length:
    """Text width of the last section (tables are created that wide); 16 cm if unknown."""
    section = document.sections[-1]
    try:
        width = section.page_width - section.left_margin - section.right_margin
    except TypeError:  # a letterhead without explicit page size or margins
        return Cm(16)
    return Length(width) if width > 0 else Cm(16)


# ------------------------------------------------------------------------ styles


class StyleIds:
    """Style ids looked up by (case-insensitive) name, indexed once per render.

    Word writes some built-in names in lower case ("heading 1", "footnote text") while
    python-docx writes "Footnote Text"; matching case-insensitively accepts both.
    """

    def __init__(self, document: DocxDocument) -> None:
        self._document = document
        self._by_name: dict[str, BaseOxmlElement] = {}
        self._index()
        self._ensure_note_and_link_styles()

    def _index(self) -> None:
        self._by_name.clear()
        for style in self._document.styles.element.iterchildren(qn("w:style")):
            name = style.find(qn("w:name"))
            if name is not None:
                self._by_name.setdefault(name.get(qn("w:val"), "").lower(), style)

    def _ensure_note_and_link_styles(self) -> None:
        """Add the styles footnotes and links need when a custom letterhead lacks them."""
        styles = self._document.styles
        added = False
        if "footnote text" not in self._by_name:
            note = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            note.base_style = styles.default(WD_STYLE_TYPE.PARAGRAPH)
            note.font.size = Pt(9)
            note.paragraph_format.space_after = Pt(0)
            note.paragraph_format.line_spacing = 1.0
            added = True
        if "footnote reference" not in self._by_name:
            styles.add_style(
                "Footnote Reference", WD_STYLE_TYPE.CHARACTER, builtin=True
            ).font.superscript = True
            added = True
        if "hyperlink" not in self._by_name:
            link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
            link.font.color.rgb = LINK_COLOUR
            link.font.underline = True
            added = True
        if added:
            self._index()

    def find(self, name: str) -> str | None:
        """The style id of the style called ``name`` (lower case), or None."""
        style = self._by_name.get(name)
        return None if style is None else style.get(qn("w:styleId"))

    def heading(self, level: int) -> str | None:
        return self.find(f"heading {min(max(level, 1), 3)}")

    def list_style(self, ordered: bool, depth: int) -> str | None:
        base = "list number" if ordered else "list bullet"
        for level in range(min(depth, 3), 1, -1):
            found = self.find(f"{base} {level}")
            if found:
                return found
        return self.find(base)

    def list_continue(self, depth: int) -> str | None:
        for level in range(min(depth, 3), 1, -1):
            found = self.find(f"list continue {level}")
            if found:
                return found
        return self.find("list continue") or self.find("list paragraph")

    def num_id(self, style_id: str | None) -> int | None:
        """The ``w:numId`` a paragraph style's ``w:numPr`` points at, if any."""
        if style_id is None:
            return None
        for style in self._by_name.values():
            if style.get(qn("w:styleId")) == style_id:
                num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
                return None if num_id is None else int(num_id.get(qn("w:val")))
        return None


# --------------------------------------------------------------------- footnotes


class Footnotes:
    """The document's footnotes part, as an XML part the builder can append notes to."""

    def __init__(self, document: DocxDocument) -> None:
        self.part = footnotes_part(document)
        self.root = self.part.element
        ids = [int(note.get(qn("w:id"), 0)) for note in self.root.iterchildren(qn("w:footnote"))]
        self._next_id = max([0, *ids]) + 1

    def new_footnote(self) -> tuple[int, BaseOxmlElement]:
        note_id = self._next_id
        self._next_id += 1
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(note_id))
        self.root.append(note)
        return note_id, note


def footnotes_part(document: DocxDocument) -> XmlPart:
    """The footnotes part, loaded as XML, created (with separators) if missing.

    python-docx has no footnotes part class, so an existing part is loaded as an opaque
    ``Part``.  Rather than registering a global part class (which would change how other
    code in the process, e.g. docxtpl, sees footnotes), this document's relationship is
    re-pointed at an ``XmlPart`` parsed from the same bytes, keeping the part's own
    relationships.
    """
    doc_part = document.part
    package = doc_part.package
    for rid, rel in list(doc_part.rels.items()):
        if rel.reltype != RT.FOOTNOTES or rel.is_external:
            continue
        part = rel.target_part
        if isinstance(part, XmlPart):
            return part
        xml_part = XmlPart.load(part.partname, part.content_type, part.blob, package)
        for sub_rid, sub_rel in part.rels.items():
            target = sub_rel.target_ref if sub_rel.is_external else sub_rel.target_part
            xml_part.rels.add_relationship(sub_rel.reltype, target, sub_rid, sub_rel.is_external)
        doc_part.rels.add_relationship(RT.FOOTNOTES, xml_part, rid)  # replaces the entry
        return xml_part

    taken = {str(p.partname) for p in package.iter_parts()}
    partname = "/word/footnotes.xml"
    if partname in taken:
        partname = str(package.next_partname("/word/footnotes%d.xml"))
    xml_part = XmlPart(PackURI(partname), CT.WML_FOOTNOTES, parse_xml(_FOOTNOTES_XML), package)
    doc_part.relate_to(xml_part, RT.FOOTNOTES)
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        # Tell Word which notes are the separators, as Word itself writes it.
        footnote_pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        settings.insert_element_before(footnote_pr, *_SETTINGS_AFTER_FOOTNOTEPR)
    return xml_part


def add_footnote(document: DocxDocument, run: Run) -> Paragraph:
    """Make ``run`` the reference mark of a new footnote; return the note's paragraph to fill.

    As Word does it: ``run`` (usually a new, empty run) gets the "Footnote Reference" style
    and a ``w:footnoteReference``; the note, appended to the footnotes part (created if
    missing, see :func:`footnotes_part`), is one "Footnote Text" paragraph that starts with
    the note's number mark and a space.  Add the note's text to the returned paragraph with
    ``add_run`` (bold, italic…).  The footnote styles are added when the document lacks them.
    """
    styles = StyleIds(document)
    ref_style = styles.find("footnote reference")
    note_id, note = Footnotes(document).new_footnote()
    p = SubElement(note, qn("w:p"))
    text_style = styles.find("footnote text")
    if text_style:
        SubElement(SubElement(p, qn("w:pPr")), qn("w:pStyle")).set(_W_VAL, text_style)
    mark = SubElement(p, _W_R)
    if ref_style:
        SubElement(SubElement(mark, _W_RPR), _W_RSTYLE).set(_W_VAL, ref_style)
    SubElement(mark, _W_FOOTNOTE_MARK)
    append_text(SubElement(p, _W_R), " ")
    if ref_style:
        run._r.style = ref_style
    SubElement(run._r, _W_FOOTNOTE_REF).set(_W_ID, str(note_id))
    # The document part as parent, so that runs added to the note can name styles.
    return Paragraph(p, document.part)


def add_hyperlink(
    document: DocxDocument, paragraph: Paragraph, url: str, text: str, *, in_note: bool = False
) -> None:
    """Append a link to ``url`` showing ``text`` to ``paragraph``, as Word inserts one: a
    ``w:hyperlink`` whose external relationship belongs to the part the paragraph is in (the
    footnotes part when ``in_note``: a paragraph returned by :func:`add_footnote`)."""
    part = footnotes_part(document) if in_note else document.part
    link = SubElement(paragraph._p, qn("w:hyperlink"))
    link.set(qn("r:id"), part.relate_to(url, RT.HYPERLINK, is_external=True))
    link.set(qn("w:history"), "1")
    run = SubElement(link, _W_R)
    style = StyleIds(document).find("hyperlink")
    if style:
        SubElement(SubElement(run, _W_RPR), _W_RSTYLE).set(_W_VAL, style)
    append_text(run, text)


# ------------------------------------------------------- header and properties


def write_header(document: DocxDocument, lines: Sequence[str]) -> None:
    """Write ``lines`` into the header shown on the first page, one paragraph per line.

    That is the first section's first-page header when the document has a distinct first
    page, else its header.  The lines fill the header's first empty paragraph (the
    letterhead's placeholder) and the paragraphs inserted after it copy its formatting; a
    header without an empty paragraph gets the lines appended.
    """
    section = document.sections[0]
    header = (
        section.first_page_header if section.different_first_page_header_footer else section.header
    )
    if header.is_linked_to_previous:
        header.is_linked_to_previous = False  # give the section its own header part
    hdr = header.part.element
    placeholder = next((p for p in hdr.iterchildren(qn("w:p")) if is_blank_paragraph(p)), None)
    if placeholder is None:
        placeholder = hdr.add_p()
        style = document.styles.element.get_by_name("header")
        if style is not None:
            placeholder.get_or_add_pPr().style = style.styleId
    # Formatting given to the empty placeholder line in Word (stored as the paragraph
    # mark's properties, or on a leftover empty run) is applied to the mission's lines.
    run_props = placeholder.find(f"{qn('w:pPr')}/{_W_RPR}")
    if run_props is None:
        leftover_runs = placeholder.findall(f"{_W_R}/{_W_RPR}")
        run_props = leftover_runs[-1] if leftover_runs else None
    previous = placeholder
    for number, line in enumerate(lines):
        if number == 0:
            p = placeholder
        else:
            p = OxmlElement("w:p")
            if placeholder.pPr is not None:
                p.append(copy.deepcopy(placeholder.pPr))
            previous.addnext(p)
        if line:
            r = SubElement(p, _W_R)
            if run_props is not None:
                r.append(_run_properties_from(run_props))
            append_text(r, strip_xml_illegal(line))
        previous = p
    # A clear space between the letterhead block and the first line of the body.
    previous.get_or_add_pPr().spacing_after = Pt(24)


def _run_properties_from(mark_props: BaseOxmlElement) -> etree._Element:
    """A run's ``w:rPr`` copied from a paragraph mark's (minus revision-tracking marks)."""
    rpr = copy.deepcopy(mark_props)
    for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange"):
        for element in rpr.findall(qn(tag)):
            rpr.remove(element)
    return rpr


def set_core_properties(document: DocxDocument, properties: Mapping[str, str]) -> None:
    """Write the given core properties and blank every other one, resetting the dates.

    Values are cut to 255 characters, the limit python-docx (and Word's dialog) enforce.
    """
    core = document.core_properties
    for name in CORE_PROPERTIES:
        raw = properties.get(name)
        value = strip_xml_illegal("" if raw is None else str(raw))[:255]
        # Only write blanks over fields that hold something, so no empty elements appear.
        if value or getattr(core, name):
            setattr(core, name, value)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    core.created = now
    core.modified = now
    core.revision = 1


# ------------------------------------------------------------------------ layout

# Children of w:pPr that come after w:framePr (schema order, ECMA-376 17.3.1.26).
_PPR_AFTER_FRAMEPR = (
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def keep_whole(p: BaseOxmlElement) -> None:
    """Keep paragraph ``p`` on one page where it fits (``w:keepLines``, widow control)."""
    ppr = p.get_or_add_pPr()
    ppr.keepLines_val = True
    ppr.widowControl_val = True


def at_foot(p: BaseOxmlElement, width: Length) -> None:
    """Anchor paragraph ``p`` at the foot of its page, bottom left, ``width`` wide.

    A Word frame (``w:framePr``) positioned at the bottom of the text area: Word and
    LibreOffice both place it there on the page where the paragraph falls, and the text
    above flows as usual (``notBeside``: nothing runs beside it).  Consecutive paragraphs
    with the same frame form one block.
    """
    ppr = p.get_or_add_pPr()
    for old in ppr.findall(qn("w:framePr")):
        ppr.remove(old)
    frame = OxmlElement("w:framePr")
    for name, value in (
        ("w", str(round(width / 635))),  # EMU -> twips
        ("wrap", "notBeside"),
        ("vAnchor", "margin"),
        ("hAnchor", "margin"),
        ("xAlign", "left"),
        ("yAlign", "bottom"),
    ):
        frame.set(qn(f"w:{name}"), value)
    ppr.insert_element_before(frame, *_PPR_AFTER_FRAMEPR)
    ppr.jc_val = None  # left, as the block is set


def label_page_numbers(document: DocxDocument, label: str) -> None:
    """Write ``label`` and a space before the PAGE field of each section's default footer.

    The letterhead's first page has its own footer without a number, so "Page 2", "Página
    2"… appear from page two on and a one-page note carries none.  A footer that already
    has text of its own (a mission's letterhead) is left as it is.
    """
    for section in document.sections:
        footer = section.footer
        if footer.is_linked_to_previous:
            continue
        for p in footer.part.element.iterchildren(qn("w:p")):
            if "".join(t.text or "" for t in p.iter(_W_T)).strip(" 0123456789"):
                continue  # text of the letterhead's own, or a label already there
            begin = next(
                (
                    r
                    for r in p.iterchildren(_W_R)
                    if r.find(f"{qn('w:fldChar')}[@{qn('w:fldCharType')}='begin']") is not None
                ),
                None,
            )
            instr = "".join(t.text or "" for t in p.iter(qn("w:instrText")))
            if begin is None or "PAGE" not in instr.split():
                continue
            r = OxmlElement("w:r")
            rpr = begin.find(_W_RPR)
            if rpr is not None:
                r.append(copy.deepcopy(rpr))
            append_text(r, f"{strip_xml_illegal(label)} ")
            begin.addprevious(r)
            return


# ------------------------------------------------------------ language and application

# Children of w:rPr that come after w:lang (schema order, ECMA-376 17.3.2.28).
_RPR_AFTER_LANG = (qn("w:eastAsianLayout"), qn("w:specVanish"), qn("w:oMath"))
_W_LANG = qn("w:lang")
_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>{application}</Application><DocSecurity>0</DocSecurity>"
    "<Company>{company}</Company></Properties>"
)


def _set_lang(rpr: etree._Element, tag: str) -> None:
    lang = rpr.find(_W_LANG)
    if lang is None:
        lang = etree.Element(_W_LANG)
        following = next((c for c in rpr if c.tag in _RPR_AFTER_LANG), None)
        if following is None:
            rpr.append(lang)
        else:
            following.addprevious(lang)
    lang.set(_W_VAL, tag)


def _rpr_of(owner: etree._Element) -> etree._Element:
    """``owner``'s ``w:rPr`` (a run or a style), created in first place if missing."""
    rpr = owner.find(_W_RPR)
    if rpr is None:
        rpr = etree.Element(_W_RPR)
        if owner.tag == _W_R:
            owner.insert(0, rpr)
        else:  # a style: w:rPr comes after w:pPr, before w:tblPr… (keep it simple: after pPr)
            ppr = owner.find(qn("w:pPr"))
            if ppr is not None:
                ppr.addnext(rpr)
            else:
                following = next(
                    (c for c in owner if c.tag in (qn("w:tblPr"), qn("w:trPr"), qn("w:tcPr"))),
                    None,
                )
                if following is None:
                    owner.append(rpr)
                else:
                    following.addprevious(rpr)
    return rpr


def set_language(document: DocxDocument, tag: str) -> None:
    """Make ``tag`` (``fr-BE``, ``en-GB``…) the proofing language of the whole document.

    Set in the document defaults, in every style and in every run of the body, footnotes,
    headers and footers, so Word spell-checks the text in that language whatever style or
    direct formatting it carries (a run's own ``w:lang`` would otherwise win).
    """
    styles = document.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    if defaults is None:
        doc_defaults = styles.find(qn("w:docDefaults"))
        if doc_defaults is None:
            doc_defaults = etree.Element(qn("w:docDefaults"))
            styles.insert(0, doc_defaults)
        defaults = etree.Element(qn("w:rPrDefault"))
        doc_defaults.insert(0, defaults)
    _set_lang(_rpr_of(defaults), tag)
    for style in styles.iterchildren(qn("w:style")):
        if style.get(qn("w:type")) in ("paragraph", "character", "table"):
            _set_lang(_rpr_of(style), tag)
    roots = [document.element]
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart) and part is not document.part:
            if part.element.tag in (qn("w:hdr"), qn("w:ftr"), qn("w:footnotes")):
                roots.append(part.element)
    for root in roots:
        for r in root.iter(_W_R):
            _set_lang(_rpr_of(r), tag)


def set_app_properties(document: DocxDocument, application: str, company: str = "") -> None:
    """Rewrite ``docProps/app.xml``: ``application`` as the application, nothing else of the
    file the letterhead was made from (no "Microsoft Word", no ``Normal.dotm`` template)."""
    from xml.sax.saxutils import escape

    xml = _APP_XML.format(
        application=escape(strip_xml_illegal(application)),
        company=escape(strip_xml_illegal(company)),
    ).encode("utf-8")
    package = document.part.package
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = xml  # python-docx keeps the extended properties as an opaque part
            return
