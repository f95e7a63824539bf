"""Render Markdown as a Word document built on a letterhead.

Entry point: :func:`render_markdown`.  The Markdown is parsed once with markdown-it-py
(CommonMark + GFM tables + footnotes, typographic replacements off so quotes, dashes and
apostrophes are kept exactly as typed) and the token stream is turned into WordprocessingML
on a copy of the letterhead.

What is supported, and how it maps to Word:

* paragraphs -> "Normal"; ``#``/``##``/``###`` -> "Heading 1".."Heading 3" (deeper
  levels use "Heading 3").  A heading keeps its text verbatim, so ``## 1. The plan``
  is a heading whose text is ``1. The plan`` (written without ``##`` it would be a list);
* ``**bold**``, ``*italic*``, ``***both***``, ```code``` (Courier New run);
* bullet / ordered lists -> "List Bullet" / "List Number", nested lists -> "List Bullet 2"
  / "List Number 2" ("... 3" beyond); every ordered list restarts at its own first number;
  further paragraphs of an item use "List Continue";
* GFM tables -> "Table Grid", header row bold and repeated on each page, column
  alignment from the ``:--:`` markers;
* links -> real ``w:hyperlink`` elements with an external relationship, "Hyperlink" style;
* hard breaks (two trailing spaces or a backslash) -> ``w:br``; soft breaks -> a space;
* ``---`` (thematic break) is ignored; fenced/indented code is written in Courier New;
* HTML is not rendered: an HTML block becomes one paragraph of its text (comments and the
  tags of real HTML elements dropped, the rest read as inline Markdown, a leading
  ``align="center"``-style attribute honoured); inline ``<br>`` is a line break and other
  inline HTML element tags are dropped.  Angle-bracketed text that is not an HTML element,
  e.g. ``<name of the mandate holder>``, is kept verbatim;
* text is written exactly as typed (no smart quotes or dashes); HTML entities such as
  ``&amp;`` are decoded as in any Markdown; control characters XML cannot hold are dropped;
* footnotes: ``text[^1]`` with ``[^1]: note text`` (and inline ``^[note text]``) become
  real Word footnotes in ``word/footnotes.xml``; Word numbers them itself.  A note
  referenced twice is written twice (Word has no shared footnotes).  A footnote reference
  inside a footnote cannot exist in Word and is written as its literal ``[^label]``.

Alignment convention: a paragraph or heading that ends with `` {.right}``,
`` {.center}`` (or ``{.centre}``), `` {.left}`` or `` {.justify}`` is aligned accordingly and
the marker is removed; the marker may also stand alone on the paragraph's last line::

    Fait à Genève, le 10 octobre 2025 {.right}

Header: ``header_lines`` go into the first section's header (the first-page header when
the letterhead has a distinct first page), one paragraph per line.  They fill the
header's first empty paragraph (the letterhead's placeholder) and the paragraphs inserted
after it copy its formatting; a header without an empty paragraph gets the lines appended.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from lxml.etree import SubElement
from markdown_it import MarkdownIt
from markdown_it.common.html_blocks import block_names
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

__all__ = ["CORE_PROPERTIES", "add_footnote", "footnotes_part", "render_markdown"]

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

CODE_FONT = "Courier New"

_W_R, _W_RPR, _W_T, _W_BR, _W_TAB = (qn(t) for t in ("w:r", "w:rPr", "w:t", "w:br", "w:tab"))
_W_RSTYLE, _W_RFONTS, _W_COLOR, _W_U = (qn(t) for t in ("w:rStyle", "w:rFonts", "w:color", "w:u"))
_W_B, _W_BCS, _W_I, _W_ICS = (qn(t) for t in ("w:b", "w:bCs", "w:i", "w:iCs"))
_W_VAL, _W_ID, _W_TBL = qn("w:val"), qn("w:id"), qn("w:tbl")
_W_FOOTNOTE_REF, _W_FOOTNOTE_MARK = qn("w:footnoteReference"), qn("w:footnoteRef")
_FONT_SLOTS = tuple(qn(f"w:{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs"))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_SPLIT = re.compile(r"(\n|\t)")
_LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)

_ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
# The marker must be preceded by whitespace (or start its own text token, e.g. after
# ``**bold**`` or a line break) so "{.right}" inside a word is left alone.
_ALIGN_MARKER = re.compile(r"(?:^|[ \t]+)\{\.(left|center|centre|right|justify)\}[ \t]*$")
_CELL_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
_HTML_ALIGN = re.compile(r"""^\s*<\w+[^>]*\balign\s*=\s*["']?(left|center|right|justify)""", re.I)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^>]*)?/?>")
_HTML_BR = re.compile(r"<br\s*/?>\s*$", re.I)
# Only real HTML elements are treated as markup and dropped.  Anything else in angle
# brackets - "<name of the Special Rapporteur>", "<outreach>" - is the author's text and
# is kept verbatim, although CommonMark would parse it as a tag.
_HTML_ELEMENTS = frozenset(block_names) | {
    "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn",
    "em", "font", "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip
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


@cache
def _parser() -> MarkdownIt:
    """The shared markdown-it parser (built once; ``parse`` keeps no state between calls)."""
    md = MarkdownIt("commonmark", {"typographer": False, "linkify": False})
    md.enable("table")
    # Already off in the commonmark preset; disabled explicitly so that a future preset
    # change can never start "smartening" quotes in a diplomatic text.
    md.disable(["replacements", "smartquotes"], ignoreInvalid=True)
    return md.use(footnote_plugin)


def render_markdown(
    markdown: str,
    out_path: Path,
    *,
    letterhead: Path,
    header_lines: Sequence[str] = (),
    properties: Mapping[str, str] | None = None,
) -> None:
    """Render ``markdown`` to the .docx file ``out_path`` on a copy of ``letterhead``.

    ``header_lines`` are written into the header, one paragraph each.  ``properties`` sets
    the core document properties (keys from :data:`CORE_PROPERTIES`, e.g. ``title``,
    ``subject``, ``author``, ``keywords``); every core property not given is blanked and
    the dates reset, so nothing of the letterhead's own metadata leaks into the output.

    The whole document is built in memory first, then saved atomically: a temporary file
    in ``out_path``'s folder (which must exist) is written, fsynced and renamed over
    ``out_path``.  If anything fails, ``out_path`` is untouched and no temporary file
    remains.  Raises ``ValueError`` for an unknown property key.
    """
    out_path = Path(out_path)
    props = dict(properties or {})
    unknown = sorted(set(props) - set(CORE_PROPERTIES))
    if unknown:
        raise ValueError(
            f"unknown document properties {', '.join(unknown)}; "
            f"expected some of {', '.join(CORE_PROPERTIES)}"
        )

    document = docx.Document(str(letterhead))
    _clear_empty_body(document)
    _DocxBuilder(document).render(_parser().parse(markdown))
    if header_lines:
        write_header(document, header_lines)
    _set_core_properties(document, props)
    _save_atomically(document, out_path)


# --------------------------------------------------------------------------- building


@dataclass
class _Story:
    """Where blocks go: the body (before its final ``w:sectPr``) or one footnote."""

    part: Part  # owner of the hyperlink relationships of this story
    container: BaseOxmlElement
    anchor: BaseOxmlElement | None = None  # insert before this element when set
    paragraph_style: str | None = None  # style id of plain paragraphs
    on_first_paragraph: Callable[[CT_P], None] | None = None  # footnoteRef prefix
    is_footnote: bool = False

    def append(self, element: BaseOxmlElement) -> None:
        if self.anchor is not None:
            self.anchor.addprevious(element)
        else:
            self.container.append(element)

    def last(self) -> BaseOxmlElement | None:
        """The block element most recently appended (None when the story is empty)."""
        if self.anchor is not None:
            return self.anchor.getprevious()
        return self.container[-1] if len(self.container) else None


@dataclass
class _ListLevel:
    """One open Markdown list."""

    ordered: bool
    num_id: int | None  # a restarting w:num for ordered lists, None for bullets
    item_has_paragraph: bool = False


class _DocxBuilder:
    """Turns a markdown-it token stream into body content, one method per token type."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        body = document.element.body
        self.body = _Story(part=document.part, container=body, anchor=body.sectPr)
        self.styles = _StyleIds(document)
        self.link_style = self.styles.find("hyperlink")
        self.block_width = _block_width(document)
        self.lists: list[_ListLevel] = []
        self.quote_depth = 0
        self.tokens: list[Token] = []
        self.footnote_ranges: dict[int, tuple[int, int]] = {}
        self._footnotes: _Footnotes | None = None  # created on the first reference
        self._block_handlers: dict[str, Callable[[int, _Story], int]] = {
            "paragraph_open": self._paragraph,
            "heading_open": self._heading,
            "bullet_list_open": self._list_open,
            "ordered_list_open": self._list_open,
            "bullet_list_close": self._list_close,
            "ordered_list_close": self._list_close,
            "list_item_open": self._list_item_open,
            "blockquote_open": self._blockquote_open,
            "blockquote_close": self._blockquote_close,
            "table_open": self._table,
            "code_block": self._code,
            "fence": self._code,
            "html_block": self._html_block,
        }

    # ----------------------------------------------------------------- block level

    def render(self, tokens: list[Token]) -> None:
        """Render the body; footnote definitions are only rendered where referenced."""
        self.tokens = tokens
        body_end = len(tokens)
        # The footnote plugin moves all definitions into one block at the very end.
        for index, token in enumerate(tokens):
            if token.type == "footnote_block_open":
                body_end = index
                break
        start, note = 0, None
        for index in range(body_end, len(tokens)):
            token = tokens[index]
            if token.type == "footnote_open":
                start, note = index + 1, token.meta["id"]
            elif token.type == "footnote_close" and note is not None:
                self.footnote_ranges[note] = (start, index)
                note = None
        self._blocks(0, body_end, self.body)

    def _blocks(self, start: int, end: int, story: _Story) -> None:
        index = start
        handlers = self._block_handlers
        while index < end:
            handler = handlers.get(self.tokens[index].type)
            # Tokens without a handler (hr, list_item_close, footnote_anchor...) emit nothing.
            index = handler(index, story) if handler else index + 1

    def _new_paragraph(self, story: _Story, style_id: str | None = None) -> CT_P:
        p: CT_P = OxmlElement("w:p")
        style_id = style_id or story.paragraph_style
        if style_id:
            p.get_or_add_pPr().style = style_id
        story.append(p)
        if story.on_first_paragraph is not None:
            prefix, story.on_first_paragraph = story.on_first_paragraph, None
            prefix(p)
        return p

    def _paragraph(self, index: int, story: _Story) -> int:
        style_id = None
        numbering: int | None = None
        if self.lists:
            level = self.lists[-1]
            depth = len(self.lists)
            if level.item_has_paragraph:
                style_id = self.styles.list_continue(depth)
            else:
                level.item_has_paragraph = True
                style_id = self.styles.list_style(level.ordered, depth)
                numbering = level.num_id
        p = self._new_paragraph(story, style_id)
        if numbering is not None:
            num_pr = p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = numbering
        if self.quote_depth:
            p.get_or_add_pPr().get_or_add_ind().left = Cm(1) * self.quote_depth
        self._inline_with_alignment(self.tokens[index + 1], p, story)
        return index + 3  # paragraph_open, inline, paragraph_close

    def _heading(self, index: int, story: _Story) -> int:
        level = int(self.tokens[index].tag[1:])
        p = self._new_paragraph(story, self.styles.heading(level))
        self._inline_with_alignment(self.tokens[index + 1], p, story)
        return index + 3

    def _list_open(self, index: int, story: _Story) -> int:
        token = self.tokens[index]
        ordered = token.type == "ordered_list_open"
        num_id = None
        if ordered:
            start = int(token.attrs.get("start", 1))
            num_id = self._restarting_num(self.styles.list_style(True, len(self.lists) + 1), start)
        self.lists.append(_ListLevel(ordered=ordered, num_id=num_id))
        return index + 1

    def _list_close(self, index: int, story: _Story) -> int:
        self.lists.pop()
        return index + 1

    def _list_item_open(self, index: int, story: _Story) -> int:
        self.lists[-1].item_has_paragraph = False
        return index + 1

    def _blockquote_open(self, index: int, story: _Story) -> int:
        self.quote_depth += 1
        return index + 1

    def _blockquote_close(self, index: int, story: _Story) -> int:
        self.quote_depth -= 1
        return index + 1

    def _code(self, index: int, story: _Story) -> int:
        p = self._new_paragraph(story)
        self._run(p, self.tokens[index].content.rstrip("\n"), code=True)  # lines -> w:br
        return index + 1

    def _html_block(self, index: int, story: _Story) -> int:
        """An HTML block becomes one paragraph of its text, HTML elements and comments removed.

        The remaining text is parsed as inline Markdown, so ``<div align="center">**Note**
        </div>`` gives a centred bold "Note" rather than literal asterisks; the ``align``
        attribute of the block's first tag is honoured.
        """
        source = _HTML_COMMENT.sub("", self.tokens[index].content)
        align = _HTML_ALIGN.match(source)
        lines = (_strip_html_elements(line).strip() for line in source.splitlines())
        text = "\n".join(line for line in lines if line)
        if text:
            p = self._new_paragraph(story)
            if align:
                p.get_or_add_pPr().jc_val = _ALIGNMENTS[align.group(1).lower()]
            inline = _parser().parseInline(text)
            self._inline(inline[0].children or [] if inline else [], p, story)
        return index + 1

    def _table(self, index: int, story: _Story) -> int:
        rows: list[list[tuple[Token, str | None]]] = []
        header_rows = 0
        index += 1
        in_head = False
        while self.tokens[index].type != "table_close":
            token = self.tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                rows.append([])
                header_rows += in_head
            elif token.type in ("th_open", "td_open"):
                align = _CELL_ALIGN.search(str(token.attrs.get("style", "")))
                rows[-1].append((self.tokens[index + 1], align.group(1) if align else None))
            index += 1
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return index + 1
        tbl = CT_Tbl.new_tbl(len(rows), columns, self.block_width)
        table_style = self.styles.find("table grid")
        if table_style:
            tbl.tblStyle_val = table_style
        previous = story.last()
        if previous is not None and previous.tag == _W_TBL:
            # Word fuses adjacent tables into one; an empty paragraph keeps them apart.
            self._new_paragraph(story)
        story.append(tbl)
        for row_number, (tr, cells) in enumerate(zip(tbl.tr_lst, rows, strict=True)):
            header = row_number < header_rows
            if header:
                # Repeat the header row at the top of each page the table spans.
                tr_pr = OxmlElement("w:trPr")
                tr_pr.append(OxmlElement("w:tblHeader"))
                tr.insert(0, tr_pr)
            for tc, (inline, align) in zip(tr.tc_lst, cells, strict=False):
                p = tc.p_lst[0]
                if align:
                    p.get_or_add_pPr().jc_val = _ALIGNMENTS[align]
                self._inline(inline.children or [], p, story, bold=header)
        return index + 1

    # ---------------------------------------------------------------- inline level

    def _inline_with_alignment(self, inline: Token, p: CT_P, story: _Story) -> None:
        alignment, children = _split_alignment_marker(inline.children or [])
        if alignment is not None:
            p.get_or_add_pPr().jc_val = _ALIGNMENTS[alignment]
        self._inline(children, p, story)

    def _inline(self, children: list[Token], p: CT_P, story: _Story, *, bold: bool = False) -> None:
        """Append the runs of one inline token's children to paragraph ``p``.

        Consecutive text with the same formatting is buffered into one run, so a
        paragraph with soft breaks stays a single run (simpler for later editing in Word).
        """
        container: BaseOxmlElement = p
        strong = 1 if bold else 0
        emphasis = 0
        in_link = False
        pending: list[str] = []

        def flush() -> None:
            text = "".join(pending)
            if text:
                self._run(container, text, bold=strong > 0, italic=emphasis > 0, link=in_link)
            pending.clear()

        for token in children:
            kind = token.type
            if kind == "text":
                if token.content:  # markdown-it leaves empty text tokens around emphasis
                    pending.append(token.content)
            elif kind == "softbreak":
                pending.append(" ")
            elif kind in ("strong_open", "strong_close", "em_open", "em_close"):
                flush()
                step = 1 if kind.endswith("_open") else -1
                if kind.startswith("strong"):
                    strong += step
                else:
                    emphasis += step
            elif kind == "hardbreak" or (kind == "html_inline" and _HTML_BR.match(token.content)):
                flush()
                self._run(container, "\n", bold=strong > 0, italic=emphasis > 0, link=in_link)
            elif kind == "code_inline":
                flush()
                self._run(
                    container,
                    token.content,
                    bold=strong > 0,
                    italic=emphasis > 0,
                    link=in_link,
                    code=True,
                )
            elif kind == "link_open":
                flush()
                container = self._hyperlink(p, story, str(token.attrs.get("href", "")))
                in_link = True
            elif kind == "link_close":
                flush()
                container = p
                in_link = False
            elif kind == "footnote_ref":
                flush()
                self._footnote_reference(container, token, story)
            elif kind == "image":
                pending.append(token.content)  # the alt text stands in for the picture
            elif kind == "html_inline":
                if not _is_html_markup(token.content):
                    pending.append(token.content)  # "<outreach>" is text, not a tag
            elif token.content:
                pending.append(token.content)
        flush()

    def _run(
        self,
        container: BaseOxmlElement,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        link: bool = False,
        code: bool = False,
        style: str | None = None,
    ) -> etree._Element:
        """Append a ``w:r`` holding ``text`` ("\n" -> ``w:br``, "\t" -> ``w:tab``).

        Built with plain lxml calls in schema order: python-docx's generic
        ``get_or_add_*`` helpers search for successors on every call and were most of
        the rendering time.
        """
        r = SubElement(container, _W_R)
        if link and not style:
            style = self.link_style
        if bold or italic or code or style or link:
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
            if link and not style:  # a letterhead without a "Hyperlink" style
                SubElement(rpr, _W_COLOR).set(_W_VAL, str(_LINK_COLOUR))
                SubElement(rpr, _W_U).set(_W_VAL, "single")
        if text:
            _append_text(r, _clean(text))
        return r

    def _hyperlink(self, p: CT_P, story: _Story, href: str) -> BaseOxmlElement:
        """Append a ``w:hyperlink`` to ``p`` and return it (runs go inside it)."""
        link = OxmlElement("w:hyperlink")
        if href.startswith("#"):
            link.set(qn("w:anchor"), href[1:])  # a bookmark in this document
        elif href:
            rid = story.part.relate_to(href, RT.HYPERLINK, is_external=True)
            link.set(qn("r:id"), rid)
        link.set(qn("w:history"), "1")
        p.append(link)
        return link

    # ------------------------------------------------------------------ footnotes

    def _footnote_reference(self, container: BaseOxmlElement, token: Token, story: _Story) -> None:
        note_range = self.footnote_ranges.get(token.meta["id"])
        if story.is_footnote or note_range is None:
            # Word cannot nest footnotes: keep the author's marker visible instead.
            label = token.meta.get("label")
            if label:
                self._run(container, f"[^{label}]")
            return
        notes = self._footnote_store()
        note_id, note = notes.new_footnote()
        ref_style = self.styles.find("footnote reference")

        def prefix(p: CT_P) -> None:
            # Word's own layout: the note's number (footnoteRef), a space, then the text.
            SubElement(self._run(p, "", style=ref_style), _W_FOOTNOTE_MARK)
            self._run(p, " ")

        note_story = _Story(
            part=notes.part,
            container=note,
            paragraph_style=self.styles.find("footnote text"),
            on_first_paragraph=prefix,
            is_footnote=True,
        )
        saved_lists, saved_quote = self.lists, self.quote_depth
        self.lists, self.quote_depth = [], 0  # the note's blocks do not inherit list state
        try:
            self._blocks(note_range[0], note_range[1], note_story)
        finally:
            self.lists, self.quote_depth = saved_lists, saved_quote
        if note_story.on_first_paragraph is not None:  # an empty note still needs its mark
            self._new_paragraph(note_story)

        reference = SubElement(self._run(container, "", style=ref_style), _W_FOOTNOTE_REF)
        reference.set(_W_ID, str(note_id))

    def _footnote_store(self) -> _Footnotes:
        if self._footnotes is None:
            self._footnotes = _Footnotes(self.document)
        return self._footnotes

    # ------------------------------------------------------------------ numbering

    def _restarting_num(self, style_id: str | None, start: int) -> int | None:
        """A new ``w:num`` that restarts the list style's numbering at ``start``.

        Without it every ordered list of the document would continue the previous
        one's numbers, since they all share the style's single numbering instance.
        """
        num_id = self.styles.num_id(style_id)
        if num_id is None:
            return None
        try:
            numbering = self.document.part.numbering_part.element
            abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
        except (KeyError, NotImplementedError):
            return None  # the style points at numbering the letterhead does not have
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId


class _StyleIds:
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
            link.font.color.rgb = _LINK_COLOUR
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


class _Footnotes:
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
    styles = _StyleIds(document)
    ref_style = styles.find("footnote reference")
    note_id, note = _Footnotes(document).new_footnote()
    p = SubElement(note, qn("w:p"))
    text_style = styles.find("footnote text")
    if text_style:
        SubElement(SubElement(p, qn("w:pPr")), qn("w:pStyle")).set(_W_VAL, text_style)
    mark = SubElement(p, _W_R)
    if ref_style:
        SubElement(SubElement(mark, _W_RPR), _W_RSTYLE).set(_W_VAL, ref_style)
    SubElement(mark, _W_FOOTNOTE_MARK)
    _append_text(SubElement(p, _W_R), " ")
    if ref_style:
        run._r.style = ref_style
    SubElement(run._r, _W_FOOTNOTE_REF).set(_W_ID, str(note_id))
    # The document part as parent, so that runs added to the note can name styles.
    return Paragraph(p, document.part)


# ------------------------------------------------------------------------ helpers


def _clean(text: str) -> str:
    """``text`` without the control characters XML cannot carry (everything else kept)."""
    return text.translate(_XML_ILLEGAL)


def _strip_html_elements(text: str) -> str:
    """``text`` without the tags of real HTML elements (other angle-bracket text kept)."""
    return _HTML_TAG.sub(lambda m: "" if m.group(1).lower() in _HTML_ELEMENTS else m.group(0), text)


def _is_html_markup(tag: str) -> bool:
    """Whether an inline HTML token is markup to drop (an element's tag or a comment)."""
    if tag.startswith(("<!", "<?")):
        return True  # comments, declarations, processing instructions, CDATA
    match = _HTML_TAG.fullmatch(tag.strip())
    return match is not None and match.group(1).lower() in _HTML_ELEMENTS


def _append_text(r: etree._Element, text: str) -> None:
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


def _split_alignment_marker(children: list[Token]) -> tuple[str | None, list[Token]]:
    """Split a trailing ``{.right}``-style marker off inline tokens.

    Returns the alignment (or None) and the tokens without the marker.  The tokens are
    not modified in place: a footnote referenced twice is rendered from them twice.
    """
    index = len(children) - 1
    while index >= 0 and children[index].type == "text" and not children[index].content:
        index -= 1  # markdown-it leaves empty text tokens around emphasis
    if index < 0 or children[index].type != "text":
        return None, children
    match = _ALIGN_MARKER.search(children[index].content)
    if match is None:
        return None, children
    kept = children[:index]
    remainder = children[index].content[: match.start()]
    if remainder:
        trimmed = children[index].copy()
        trimmed.content = remainder
        kept.append(trimmed)
    else:
        # A marker alone on the last line leaves the line break before it dangling.
        while kept and kept[-1].type in ("softbreak", "hardbreak"):
            kept.pop()
    return match.group(1), kept


def _block_width(document: DocxDocument) -> Length:
    """Text width of the last section (tables are created that wide)."""
    section = document.sections[-1]
    try:
        width = section.page_width - section.left_margin - section.right_margin
    except TypeError:  # a letterhead without explicit page size or margins
        return Cm(16)
    return Length(width) if width > 0 else Cm(16)


def _is_blank(p: BaseOxmlElement) -> bool:
    """Whether paragraph ``p`` shows nothing: no text, field, picture, symbol or break.

    Word often leaves empty runs, proofing marks or its ``_GoBack`` bookmark in an
    otherwise empty paragraph; those do not count as content.
    """
    return not p.xpath(
        ".//w:t[string-length(.) > 0] | .//w:drawing | .//w:pict | .//w:object | .//w:sym"
        " | .//w:fldSimple | .//w:fldChar | .//w:br | .//w:tab | .//w:sectPr"
    )


def _clear_empty_body(document: DocxDocument) -> None:
    """Drop the letterhead's blank body paragraphs (Word always saves at least one).

    Paragraphs with content and paragraphs carrying a section break are kept.
    """
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        if _is_blank(p):
            body.remove(p)


def write_header(document: DocxDocument, lines: Sequence[str]) -> None:
    """Write ``lines`` into the header shown on the first page (see module docstring)."""
    section = document.sections[0]
    header = (
        section.first_page_header if section.different_first_page_header_footer else section.header
    )
    if header.is_linked_to_previous:
        header.is_linked_to_previous = False  # give the section its own header part
    hdr = header.part.element
    placeholder = next((p for p in hdr.iterchildren(qn("w:p")) if _is_blank(p)), None)
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
            _append_text(r, _clean(line))
        previous = p


def _run_properties_from(mark_props: BaseOxmlElement) -> etree._Element:
    """A run's ``w:rPr`` copied from a paragraph mark's (minus revision-tracking marks)."""
    rpr = copy.deepcopy(mark_props)
    for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange"):
        for element in rpr.findall(qn(tag)):
            rpr.remove(element)
    return rpr


def _set_core_properties(document: DocxDocument, properties: Mapping[str, str]) -> None:
    """Write the given core properties and blank every other one, resetting the dates.

    Values are cut to 255 characters, the limit python-docx (and Word's dialog) enforce.
    """
    core = document.core_properties
    for name in CORE_PROPERTIES:
        raw = properties.get(name)
        value = _clean("" if raw is None else str(raw))[:255]
        # Only write blanks over fields that hold something, so no empty elements appear.
        if value or getattr(core, name):
            setattr(core, name, value)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    core.created = now
    core.modified = now
    core.revision = 1


def _save_atomically(document: DocxDocument, out_path: Path) -> None:
    """Save through a temporary file in the same folder, then rename it into place."""
    mode = _target_mode(out_path)
    tmp = tempfile.NamedTemporaryFile(  # closed by the ``with`` below, before the rename
        dir=out_path.parent, prefix=f"{out_path.name}.", suffix=".tmp", delete=False
    )
    try:
        with tmp:
            document.save(tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        # NamedTemporaryFile creates the file 0600; give it the mode a normal write would.
        os.chmod(tmp.name, mode)
        os.replace(tmp.name, out_path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp.name)
        raise
    _fsync_directory(out_path.parent)


def _target_mode(out_path: Path) -> int:
    """Permission bits for the output: the existing file's, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(out_path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)  # reading the umask means setting it; restore at once
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
