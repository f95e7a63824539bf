"""Word paragraphs → Markdown: the text typed into an answer box, as the person typed it.

:class:`WordReader` loads the styles and numbering of a checked
:class:`~commresp.documents.safety.SafeDocx` and turns each ``w:p`` into a
:class:`~commresp.documents.markdown_escape.FormattedParagraph`: its visible text in runs
(bold and italic from direct formatting and character styles, web and e-mail links as
``[text](https://…)``, tabs and line breaks kept,
inserted and moved text of tracked changes included, deleted text left out) and its list kind
and level (from numbering formats, or from "List Bullet"/"List Number" style names).
:meth:`WordReader.answer` renders a sequence of paragraphs as one answer, its footnotes and
endnotes appended; the Markdown it becomes (blocks, lists, emphasis, minimal escaping) is
described in :mod:`commresp.documents.markdown_escape`.  Which paragraphs make up an answer is
decided by :mod:`commresp.documents.form_reading`.

Footnotes and endnotes
    A real Word footnote typed in an answer (a ``w:footnoteReference`` run, its text in the
    footnotes part) becomes ``[^1]``, ``[^2]``… numbered in order of appearance within that
    answer, and its text is appended at the end of the answer as a ``[^1]: text`` line, after
    a blank line (further paragraphs of a note are indented by four spaces).  Endnotes are
    read the same way and labelled ``[^e1]``, ``[^e2]``….  The note text is read like the body
    (bold, italic, links, the same escaping).  A reference whose note is missing or
    empty is dropped; references inside a note cannot exist in Word and are dropped too;
    separator notes (``w:type`` set) are never read.  Rendered with
    :func:`commresp.documents.markdown_to_docx.render_markdown`, the notes become real footnotes
    again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from commresp.documents.markdown_escape import (
    FormattedParagraph,
    link_close,
    link_open,
    note_definition,
    note_marker,
    paragraphs_to_markdown,
    split_note_markers,
    without_marker_characters,
)
from commresp.documents.ooxml import M, W, block_elements, child_elements, paragraphs_in
from commresp.documents.safety import SafeDocx

# Relationship ids (``r:id`` of a ``w:hyperlink``).
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# The targets a link read from Word keeps; any other (file:, javascript:…) keeps its text only.
_LINK_SCHEMES = ("http://", "https://", "mailto:")

__all__ = ["WordReader"]

# The notes parts: (relationship type, note element, reference element, label prefix).
_NOTE_KINDS = (
    ("footnotes", W + "footnote", W + "footnoteReference", ""),
    ("endnotes", W + "endnote", W + "endnoteReference", "e"),
)


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    italic: bool | None


class WordReader:
    """Turns the parsed parts of a checked package into answers."""

    def __init__(self, package: SafeDocx) -> None:
        self.package = package
        self.styles: dict[str, _Style] = {}
        self.default_lang: str | None = None
        self.abstract_formats: dict[str, dict[int, str]] = {}
        self.nums: dict[str, tuple[str | None, dict[int, str]]] = {}
        if "word/styles.xml" in package.members:
            self._load_styles(package.xml("word/styles.xml"))
        if "word/numbering.xml" in package.members:
            self._load_numbering(package.xml("word/numbering.xml"))
        # Footnotes and endnotes by reference tag, then by id: the paragraphs of each note.
        self.notes: dict[str, dict[str, list[etree._Element]]] = {}
        self.note_prefix: dict[str, str] = {}
        # External hyperlink targets by relationship id, of the body and of each notes part;
        # ``self.links`` are those of the part being read.
        self.body_links = package.hyperlinks("word/document.xml")
        self.note_links: dict[str, dict[str, str]] = {}
        for kind, note_tag, reference_tag, prefix in _NOTE_KINDS:
            self.note_prefix[reference_tag] = prefix
            key = package.related_part(kind)
            self.notes[reference_tag] = _load_notes(package.xml(key), note_tag) if key else {}
            self.note_links[reference_tag] = package.hyperlinks(key) if key else {}
        self.links = self.body_links
        # The notes of the answer being read: (reference tag, id) -> (label, Markdown).
        self._answer_notes: dict[tuple[str, str], tuple[str, str]] = {}
        self._in_note = False

    # -- styles and numbering -----------------------------------------------------------------

    def _load_styles(self, root: etree._Element) -> None:
        lang = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if lang is not None:
            self.default_lang = lang.get(W + "val")
        for style in root.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if not style_id:
                continue
            name_el = style.find(W + "name")
            based = style.find(W + "basedOn")
            num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
            ilvl = style.find(f"{W}pPr/{W}numPr/{W}ilvl")
            rpr = style.find(W + "rPr")
            self.styles[style_id] = _Style(
                name=(name_el.get(W + "val") if name_el is not None else None) or style_id,
                based_on=based.get(W + "val") if based is not None else None,
                num_id=num_id.get(W + "val") if num_id is not None else None,
                ilvl=_int(ilvl.get(W + "val")) if ilvl is not None else None,
                bold=_toggle(rpr, "b") if rpr is not None else None,
                italic=_toggle(rpr, "i") if rpr is not None else None,
            )

    def _load_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(W + "abstractNum"):
            self.abstract_formats[abstract.get(W + "abstractNumId") or ""] = _level_formats(
                abstract
            )
        for num in root.iter(W + "num"):
            abstract_id = num.find(W + "abstractNumId")
            overrides: dict[int, str] = {}
            for override in num.iter(W + "lvlOverride"):
                overrides.update(_level_formats(override))
            self.nums[num.get(W + "numId") or ""] = (
                abstract_id.get(W + "val") if abstract_id is not None else None,
                overrides,
            )

    def _style_chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen and len(chain) < 32:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def style_name(self, paragraph: etree._Element) -> str:
        """The name of ``paragraph``'s style as Word shows it ("" for the default style)."""
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(W + "val") if style is not None else None
        if not style_id:
            return ""
        return self.styles[style_id].name if style_id in self.styles else style_id

    def number_format(self, num_id: str, ilvl: int) -> str | None:
        """The ``w:numFmt`` ("bullet", "decimal"…) of level ``ilvl`` of numbering ``num_id``."""
        abstract_id, overrides = self.nums.get(num_id, (None, {}))
        if ilvl in overrides:
            return overrides[ilvl]
        return self.abstract_formats.get(abstract_id or "", {}).get(ilvl)

    # -- answers ------------------------------------------------------------------------------

    def answer(self, paragraphs: Iterable[etree._Element]) -> str:
        """The Markdown of one answer made of ``paragraphs``, its notes appended."""
        self._answer_notes = {}
        body = paragraphs_to_markdown([self.paragraph(p) for p in paragraphs])
        notes = [note_definition(label, text) for label, text in self._answer_notes.values()]
        self._answer_notes = {}
        return "\n\n".join(part for part in (body, "\n".join(notes)) if part)

    def document(self, blocks: Iterable[etree._Element]) -> str:
        """The Markdown of a whole document body (a reply edited in Word): headings (``#``…
        from "Heading N" styles), centred paragraphs (`` {.center}``, as commresp's drafts
        write them), lists, emphasis, tables as pipe tables, and every note appended."""
        self._answer_notes = {}
        out: list[str] = []
        plain: list[FormattedParagraph] = []

        def flush() -> None:
            text = paragraphs_to_markdown(plain)
            if text:
                out.append(text)
            plain.clear()

        for block in blocks:
            if block.tag == W + "tbl":
                flush()
                out.append(self._pipe_table(block))
                continue
            para = self.paragraph(block)
            level = _heading_level(self.style_name(block))
            jc = block.find(f"{W}pPr/{W}jc")
            centred = jc is not None and jc.get(W + "val") in ("center", "centre")
            if level or centred:
                flush()
                text = paragraphs_to_markdown([para]).strip()
                if text and level:
                    out.append(f"{'#' * level} {text}")
                elif text:
                    out.append(f"{text} {{.center}}")
            else:
                plain.append(para)
        flush()
        notes = [note_definition(label, text) for label, text in self._answer_notes.values()]
        self._answer_notes = {}
        return "\n\n".join(part for part in (*out, "\n".join(notes)) if part)

    def _pipe_table(self, table: etree._Element) -> str:
        rows = []
        for row in child_elements(table, W + "tr"):
            cells = []
            for cell in child_elements(row, W + "tc"):
                text = paragraphs_to_markdown(
                    [self.paragraph(p) for p in paragraphs_in(block_elements(cell))]
                )
                cells.append(" ".join(text.split()).replace("|", "\\|"))
            rows.append("| " + " | ".join(cells) + " |")
        if not rows:
            return ""
        width = rows[0].count(" | ") + 1
        return "\n".join([rows[0], "|" + " --- |" * width, *rows[1:]])

    def _reference(self, reference: etree._Element) -> str:
        """The marker of a footnote or endnote reference ("" to drop it), its note read."""
        if self._in_note:
            return ""  # Word cannot nest notes
        note_id = reference.get(W + "id") or ""
        key = (reference.tag, note_id)
        if key not in self._answer_notes:
            paragraphs = self.notes.get(reference.tag, {}).get(note_id)
            if paragraphs is None:
                return ""
            self._in_note, self.links = True, self.note_links[reference.tag]
            try:
                text = paragraphs_to_markdown([self.paragraph(p) for p in paragraphs])
            finally:
                self._in_note, self.links = False, self.body_links
            if not text:
                return ""
            number = 1 + sum(1 for tag, _ in self._answer_notes if tag == reference.tag)
            self._answer_notes[key] = (f"{self.note_prefix[reference.tag]}{number}", text)
        return note_marker(self._answer_notes[key][0])

    # -- paragraphs ---------------------------------------------------------------------------

    def paragraph(self, p: etree._Element) -> FormattedParagraph:
        """``p`` as formatted text segments with its list kind and level."""
        style_el = p.find(f"{W}pPr/{W}pStyle")
        style_id = style_el.get(W + "val") if style_el is not None else None
        chain = self._style_chain(style_id)
        name = chain[0].name if chain else (style_id or "")
        num_el = p.find(f"{W}pPr/{W}numPr/{W}numId")
        ilvl_el = p.find(f"{W}pPr/{W}numPr/{W}ilvl")
        num_id = num_el.get(W + "val") if num_el is not None else None
        ilvl = _int(ilvl_el.get(W + "val")) if ilvl_el is not None else None
        if num_id is None:
            num_id = next((s.num_id for s in chain if s.num_id is not None), None)
        if ilvl is None:
            ilvl = next((s.ilvl for s in chain if s.ilvl is not None), None)
        lowered = name.lower()
        if ilvl is None:
            # "List Bullet 2" carries its level in its name, not in w:ilvl.
            digit = re.search(r"(\d)$", lowered)
            ilvl = int(digit.group(1)) - 1 if digit and lowered.startswith("list ") else 0
        kind: str | None = None
        if num_id is not None and num_id != "0":  # numId 0 means "numbering removed"
            fmt = self.number_format(num_id, ilvl)
            if fmt is None:
                kind = "ordered" if lowered.startswith("list number") else "bullet"
            elif fmt != "none":
                kind = "bullet" if fmt == "bullet" else "ordered"
        elif num_id is None and lowered.startswith("list bullet"):
            kind = "bullet"
        elif num_id is None and lowered.startswith("list number"):
            kind = "ordered"
        segments: list[tuple[str, bool, bool]] = []
        self._inline(p, segments)
        return FormattedParagraph(segments, kind, max(0, min(ilvl, 8)))

    def _inline(self, parent: etree._Element, out: list[tuple[str, bool, bool]]) -> None:
        """Collect the visible text of runs under ``parent`` (a paragraph or a container)."""
        for child in parent:
            tag = child.tag
            if tag == W + "r":
                text = _run_text(child, self._reference)
                if text:
                    bold, italic = self._run_format(child)
                    for number, part in enumerate(split_note_markers(text)):
                        if part:  # odd parts are note markers, never formatted
                            out.append((part, False, False) if number % 2 else (part, bold, italic))
            elif tag == W + "hyperlink" and self._link_target(child):
                inner: list[tuple[str, bool, bool]] = []
                self._inline(child, inner)
                text = "".join(piece for piece, _, _ in inner).replace("\n", " ")
                if text.strip():  # a link's text is plain: emphasis inside it is dropped
                    out += [(link_open(), False, False), (text, False, False)]
                    out.append((link_close(self._link_target(child)), False, False))
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, out)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self._inline(content, out)
            elif tag in (M + "oMath", M + "oMathPara"):
                text = without_marker_characters("".join(t.text or "" for t in child.iter(M + "t")))
                if text:
                    out.append((text, False, False))
            # Deleted text (w:del, w:moveFrom), drawings and field codes are not visible text.

    def _link_target(self, link: etree._Element) -> str:
        """The web or e-mail address ``link`` points to ("" for a bookmark or another kind)."""
        target = self.links.get(link.get(_R + "id") or "", "").strip()
        return target if target.lower().startswith(_LINK_SCHEMES) else ""

    def _run_format(self, run: etree._Element) -> tuple[bool, bool]:
        rpr = run.find(W + "rPr")
        bold = _toggle(rpr, "b") if rpr is not None else None
        italic = _toggle(rpr, "i") if rpr is not None else None
        if rpr is not None and (bold is None or italic is None):
            style = rpr.find(W + "rStyle")
            chain = self._style_chain(style.get(W + "val") if style is not None else None)
            if bold is None:
                bold = next((s.bold for s in chain if s.bold is not None), None)
            if italic is None:
                italic = next((s.italic for s in chain if s.italic is not None), None)
        return bool(bold), bool(italic)


_INLINE_CONTAINERS = {
    W + "hyperlink",
    W + "ins",
    W + "moveTo",
    W + "smartTag",
    W + "fldSimple",
    W + "customXml",
    W + "dir",
    W + "bdo",
    W + "sdtContent",
}


def _run_text(run: etree._Element, reference: Callable[[etree._Element], str] | None = None) -> str:
    """The visible text of ``run``; note references become ``reference(element)``."""
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag == W + "t":
            parts.append(without_marker_characters(child.text or ""))
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("\u2011")
        elif reference is not None and tag in (W + "footnoteReference", W + "endnoteReference"):
            parts.append(reference(child))
        # w:softHyphen is invisible; w:sym is a font glyph (Wingdings…) with no text meaning.
    return "".join(parts)


def _toggle(rpr: etree._Element, name: str) -> bool | None:
    """The value of the on/off property ``name`` in ``rpr``, None when not set there."""
    el = rpr.find(W + name)
    if el is None:
        return None
    return (el.get(W + "val") or "true").lower() not in ("0", "false", "off")


def _heading_level(style_name: str) -> int:
    """1-6 for "Heading 1".."Heading 6" (and "Title" as 1), else 0."""
    lowered = style_name.lower()
    if lowered == "title":
        return 1
    match = re.fullmatch(r"heading ([1-6])", lowered)
    return int(match.group(1)) if match else 0


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _load_notes(root: etree._Element, note_tag: str) -> dict[str, list[etree._Element]]:
    """The paragraphs of each note of a footnotes or endnotes part, by id (separators left out)."""
    notes: dict[str, list[etree._Element]] = {}
    for note in root.iter(note_tag):
        # Only normal notes have no w:type: separator, continuationSeparator and
        # continuationNotice are Word's own lines between the text and the notes.
        if note.get(W + "type") not in (None, "normal"):
            continue
        notes.setdefault(note.get(W + "id") or "", paragraphs_in(block_elements(note)))
    return notes


def _level_formats(parent: etree._Element) -> dict[int, str]:
    formats: dict[int, str] = {}
    for lvl in parent.iter(W + "lvl"):
        level = _int(lvl.get(W + "ilvl"))
        fmt = lvl.find(W + "numFmt")
        if level is not None and fmt is not None:
            formats[level] = fmt.get(W + "val") or "bullet"
    return formats
