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

`` {.foot}`` anchors the paragraph at the foot of the page it falls on, bottom left, in a
Word frame (``w:framePr``, bottom of the text area): a note verbale's addressee block, with
the free space above it for the seal and initials.  Word and LibreOffice both lay it out so.

With ``justify``, every paragraph without a marker is justified and kept whole across a
page end (``w:keepLines``, widow control), as a note verbale's body is set.

How the Markdown is read (parser, markers, HTML) is in
:mod:`commresp.documents.markdown_dialect`; the header, footnotes part, styles and document
properties are written with :mod:`commresp.documents.docx_parts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm
from lxml import etree
from lxml.etree import SubElement
from markdown_it.token import Token

from commresp.documents.docx_parts import (
    CORE_PROPERTIES,
    Footnotes,
    StyleIds,
    add_run,
    at_foot,
    keep_whole,
    label_page_numbers,
    remove_blank_paragraphs,
    set_app_properties,
    set_core_properties,
    set_language,
    text_width,
    write_header,
)
from commresp.documents.markdown_dialect import (
    CELL_ALIGN,
    HTML_ALIGN,
    HTML_BR,
    HTML_COMMENT,
    is_html_markup,
    markdown_parser,
    split_alignment_marker,
    strip_html_elements,
)
from commresp.workspace.files import atomic_writer

__all__ = ["render_markdown"]

_W_ID, _W_TBL = qn("w:id"), qn("w:tbl")
_W_FOOTNOTE_REF, _W_FOOTNOTE_MARK = qn("w:footnoteReference"), qn("w:footnoteRef")

_ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def render_markdown(
    markdown: str,
    out_path: Path,
    *,
    letterhead: Path,
    header_lines: Sequence[str] = (),
    properties: Mapping[str, str] | None = None,
    justify: bool = False,
    unbroken: Sequence[str] = (),
    page_label: str = "",
    language: str = "",
    application: str = "",
) -> None:
    """Render ``markdown`` to the .docx file ``out_path`` on a copy of ``letterhead``.

    ``header_lines`` are written into the header, one paragraph each.  ``properties`` sets
    the core document properties (keys from :data:`CORE_PROPERTIES`, e.g. ``title``,
    ``subject``, ``author``, ``keywords``); every core property not given is blanked and
    the dates reset, so nothing of the letterhead's own metadata leaks into the output.
    ``unbroken`` are phrases (references such as ``AL BEL 1/2025``) whose spaces become
    non-breaking wherever they occur, so a line never breaks inside them.  ``page_label``
    ("Page", "Página"…) is written before the page number of the pages after the first.
    ``language`` (``fr-BE``…) becomes the proofing language of the styles and every run;
    ``application`` ("commresp 0.2.0") is written to ``docProps/app.xml`` in place of the
    letterhead's.

    The whole document is built in memory first, then saved atomically with
    :func:`commresp.workspace.files.atomic_writer`: a temporary file in ``out_path``'s folder
    is written, fsynced and renamed over ``out_path``.  If anything fails, ``out_path`` is
    untouched and no temporary file remains.  Raises ``ValueError`` for an unknown property key.
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
    remove_blank_paragraphs(document)
    builder = _DocxBuilder(document, justify=justify, unbroken=unbroken)
    builder.render(markdown_parser().parse(markdown))
    if header_lines:
        write_header(document, header_lines)
    if page_label:
        label_page_numbers(document, page_label)
    if language:
        set_language(document, language)
    if application:
        set_app_properties(document, application, props.get("author", ""))
    set_core_properties(document, props)
    with atomic_writer(out_path) as handle:
        document.save(handle)


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

    def __init__(
        self, document: DocxDocument, *, justify: bool = False, unbroken: Sequence[str] = ()
    ) -> None:
        self.document = document
        self.justify = justify
        # Longest first, so "AL BEL 1/2025" is replaced before a shorter phrase inside it.
        self.unbroken = sorted(
            (u for u in dict.fromkeys(unbroken) if " " in u), key=len, reverse=True
        )
        body = document.element.body
        self.body = _Story(part=document.part, container=body, anchor=body.sectPr)
        self.styles = StyleIds(document)
        self.link_style = self.styles.find("hyperlink")
        self.block_width = text_width(document)
        self.lists: list[_ListLevel] = []
        self.quote_depth = 0
        self.tokens: list[Token] = []
        self.footnote_ranges: dict[int, tuple[int, int]] = {}
        self._footnotes: Footnotes | None = None  # created on the first reference
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
        source = HTML_COMMENT.sub("", self.tokens[index].content)
        align = HTML_ALIGN.match(source)
        lines = (strip_html_elements(line).strip() for line in source.splitlines())
        text = "\n".join(line for line in lines if line)
        if text:
            p = self._new_paragraph(story)
            if align:
                p.get_or_add_pPr().jc_val = _ALIGNMENTS[align.group(1).lower()]
            inline = markdown_parser().parseInline(text)
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
                align = CELL_ALIGN.search(str(token.attrs.get("style", "")))
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
        alignment, children = split_alignment_marker(inline.children or [])
        if alignment == "foot":
            at_foot(p, self.block_width)
        elif alignment is not None:
            p.get_or_add_pPr().jc_val = _ALIGNMENTS[alignment]
        elif self.justify and not story.is_footnote and not self.lists:
            p.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.JUSTIFY
            keep_whole(p)
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
            elif kind == "hardbreak" or (kind == "html_inline" and HTML_BR.match(token.content)):
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
                if not is_html_markup(token.content):
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
        """Append a run (see :func:`add_run`); a link's run gets the "Hyperlink" style."""
        if link and not style:
            style = self.link_style
        link_look = link and not style  # a letterhead without a "Hyperlink" style
        for phrase in self.unbroken:
            if phrase in text:
                text = text.replace(phrase, phrase.replace(" ", "\u00a0"))
        return add_run(
            container, text, bold=bold, italic=italic, code=code, style=style, link_look=link_look
        )

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

    def _footnote_store(self) -> Footnotes:
        if self._footnotes is None:
            self._footnotes = Footnotes(self.document)
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


# ------------------------------------------------------------------------ helpers
