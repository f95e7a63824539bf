"""Word paragraphs → Markdown: the text typed into an answer box, as the person typed it.

:class:`_Reader` loads the styles and numbering of a checked
:class:`~commresp.docx_safety.SafeDocx` and turns each ``w:p`` into a :class:`_Para`: its
visible text in runs (bold and italic from direct formatting and character styles, tabs
and line breaks kept, inserted and moved text of tracked changes included, deleted text left
out) and its list kind and level (from numbering formats, or from "List Bullet"/"List Number"
style names).  :meth:`_Reader.answer` renders a sequence of paragraphs as one answer with
:func:`_markdown`, its footnotes and endnotes appended.  Which paragraphs make up an answer is
decided by :mod:`commresp.forms`.

Markdown produced for an answer
    Paragraphs become blocks separated by a blank line; list paragraphs become ``- item`` or
    ``1. item`` lines; bold and italic runs become ``**…**`` and ``*…*``; a line break inside
    a paragraph becomes two trailing spaces and a newline.  Plain text is escaped minimally
    (see :func:`escape_markdown_line`) so that ``commresp answers`` shows what the person typed
    and a CommonMark renderer gives back exactly the typed text.

Footnotes and endnotes
    A real Word footnote typed in an answer (a ``w:footnoteReference`` run, its text in the
    footnotes part) becomes ``[^1]``, ``[^2]``… numbered in order of appearance within that
    answer, and its text is appended at the end of the answer as a ``[^1]: text`` line, after
    a blank line (further paragraphs of a note are indented by four spaces).  Endnotes are
    read the same way and labelled ``[^e1]``, ``[^e2]``….  The note text is read like the body
    (bold, italic, links' text, the same escaping).  A reference whose note is missing or
    empty is dropped; references inside a note cannot exist in Word and are dropped too;
    separator notes (``w:type`` set) are never read.  Rendered with
    :func:`commresp.documents.markdown_to_docx.render_markdown`, the notes become real footnotes
    again.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from commresp.documents.safety import SafeDocx

# XML namespaces, in lxml's {uri}tag form.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

# A note reference travels through the formatted segments as its label between two Unicode
# noncharacters (which are removed from the document's own text), so that it is never escaped
# and is written as ``[^label]`` when the line is rendered.
_MARK_OPEN, _MARK_CLOSE = "\ufdd0", "\ufdd1"
_MARK_RE = re.compile(f"({_MARK_OPEN}[^{_MARK_CLOSE}]*{_MARK_CLOSE})")
_NO_MARKS = str.maketrans("", "", _MARK_OPEN + _MARK_CLOSE)
# The notes parts: (relationship type, note element, reference element, label prefix).
_NOTE_KINDS = (
    ("footnotes", _W + "footnote", _W + "footnoteReference", ""),
    ("endnotes", _W + "endnote", _W + "endnoteReference", "e"),
)

# --------------------------------------------------------------------------------------------
# Paragraphs and runs
# --------------------------------------------------------------------------------------------


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    italic: bool | None


@dataclass
class _Para:
    """One paragraph of an answer: formatted text segments and list information."""

    segments: list[tuple[str, bool, bool]]  # (text, bold, italic); text may contain "\n"
    list_kind: str | None  # None, "bullet" or "ordered"
    level: int


class _Reader:
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
        for kind, note_tag, reference_tag, prefix in _NOTE_KINDS:
            self.note_prefix[reference_tag] = prefix
            key = package.related_part(kind)
            self.notes[reference_tag] = _load_notes(package.xml(key), note_tag) if key else {}
        # The notes of the answer being read: (reference tag, id) -> (label, Markdown).
        self._answer_notes: dict[tuple[str, str], tuple[str, str]] = {}
        self._in_note = False

    # -- styles and numbering -----------------------------------------------------------------

    def _load_styles(self, root: etree._Element) -> None:
        lang = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
        if lang is not None:
            self.default_lang = lang.get(_W + "val")
        for style in root.iter(_W + "style"):
            style_id = style.get(_W + "styleId")
            if not style_id:
                continue
            name_el = style.find(_W + "name")
            based = style.find(_W + "basedOn")
            num_id = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            ilvl = style.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
            rpr = style.find(_W + "rPr")
            self.styles[style_id] = _Style(
                name=(name_el.get(_W + "val") if name_el is not None else None) or style_id,
                based_on=based.get(_W + "val") if based is not None else None,
                num_id=num_id.get(_W + "val") if num_id is not None else None,
                ilvl=_int(ilvl.get(_W + "val")) if ilvl is not None else None,
                bold=_toggle(rpr, "b") if rpr is not None else None,
                italic=_toggle(rpr, "i") if rpr is not None else None,
            )

    def _load_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(_W + "abstractNum"):
            self.abstract_formats[abstract.get(_W + "abstractNumId") or ""] = _level_formats(
                abstract
            )
        for num in root.iter(_W + "num"):
            abstract_id = num.find(_W + "abstractNumId")
            overrides: dict[int, str] = {}
            for override in num.iter(_W + "lvlOverride"):
                overrides.update(_level_formats(override))
            self.nums[num.get(_W + "numId") or ""] = (
                abstract_id.get(_W + "val") if abstract_id is not None else None,
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
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(_W + "val") if style is not None else None
        if not style_id:
            return ""
        return self.styles[style_id].name if style_id in self.styles else style_id

    def number_format(self, num_id: str, ilvl: int) -> str | None:
        abstract_id, overrides = self.nums.get(num_id, (None, {}))
        if ilvl in overrides:
            return overrides[ilvl]
        return self.abstract_formats.get(abstract_id or "", {}).get(ilvl)

    # -- answers ------------------------------------------------------------------------------

    def answer(self, paragraphs: Iterable[etree._Element]) -> str:
        """The Markdown of one answer made of ``paragraphs``, its notes appended."""
        self._answer_notes = {}
        body = _markdown([self.paragraph(p) for p in paragraphs])
        notes = [_note_definition(label, text) for label, text in self._answer_notes.values()]
        self._answer_notes = {}
        return "\n\n".join(part for part in (body, "\n".join(notes)) if part)

    def _reference(self, reference: etree._Element) -> str:
        """The marker of a footnote or endnote reference ("" to drop it), its note read."""
        if self._in_note:
            return ""  # Word cannot nest notes
        note_id = reference.get(_W + "id") or ""
        key = (reference.tag, note_id)
        if key not in self._answer_notes:
            paragraphs = self.notes.get(reference.tag, {}).get(note_id)
            if paragraphs is None:
                return ""
            self._in_note = True
            try:
                text = _markdown([self.paragraph(p) for p in paragraphs])
            finally:
                self._in_note = False
            if not text:
                return ""
            number = 1 + sum(1 for tag, _ in self._answer_notes if tag == reference.tag)
            self._answer_notes[key] = (f"{self.note_prefix[reference.tag]}{number}", text)
        return _MARK_OPEN + self._answer_notes[key][0] + _MARK_CLOSE

    # -- paragraphs ---------------------------------------------------------------------------

    def paragraph(self, p: etree._Element) -> _Para:
        style_el = p.find(f"{_W}pPr/{_W}pStyle")
        style_id = style_el.get(_W + "val") if style_el is not None else None
        chain = self._style_chain(style_id)
        name = chain[0].name if chain else (style_id or "")
        num_el = p.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        ilvl_el = p.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
        num_id = num_el.get(_W + "val") if num_el is not None else None
        ilvl = _int(ilvl_el.get(_W + "val")) if ilvl_el is not None else None
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
        return _Para(segments, kind, max(0, min(ilvl, 8)))

    def _inline(self, parent: etree._Element, out: list[tuple[str, bool, bool]]) -> None:
        """Collect the visible text of runs under ``parent`` (a paragraph or a container)."""
        for child in parent:
            tag = child.tag
            if tag == _W + "r":
                text = _run_text(child, self._reference)
                if text:
                    bold, italic = self._run_format(child)
                    for number, part in enumerate(_MARK_RE.split(text)):
                        if part:  # odd parts are note markers, never formatted
                            out.append((part, False, False) if number % 2 else (part, bold, italic))
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, out)
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self._inline(content, out)
            elif tag in (_M + "oMath", _M + "oMathPara"):
                text = "".join(t.text or "" for t in child.iter(_M + "t")).translate(_NO_MARKS)
                if text:
                    out.append((text, False, False))
            # Deleted text (w:del, w:moveFrom), drawings and field codes are not visible text.

    def _run_format(self, run: etree._Element) -> tuple[bool, bool]:
        rpr = run.find(_W + "rPr")
        bold = _toggle(rpr, "b") if rpr is not None else None
        italic = _toggle(rpr, "i") if rpr is not None else None
        if rpr is not None and (bold is None or italic is None):
            style = rpr.find(_W + "rStyle")
            chain = self._style_chain(style.get(_W + "val") if style is not None else None)
            if bold is None:
                bold = next((s.bold for s in chain if s.bold is not None), None)
            if italic is None:
                italic = next((s.italic for s in chain if s.italic is not None), None)
        return bool(bold), bool(italic)


_INLINE_CONTAINERS = {
    _W + "hyperlink",
    _W + "ins",
    _W + "moveTo",
    _W + "smartTag",
    _W + "fldSimple",
    _W + "customXml",
    _W + "dir",
    _W + "bdo",
    _W + "sdtContent",
}


def _run_text(run: etree._Element, reference: Callable[[etree._Element], str] | None = None) -> str:
    """The visible text of ``run``; note references become ``reference(element)``."""
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag == _W + "t":
            parts.append((child.text or "").translate(_NO_MARKS))
        elif tag in (_W + "tab", _W + "ptab"):
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("\u2011")
        elif reference is not None and tag in (_W + "footnoteReference", _W + "endnoteReference"):
            parts.append(reference(child))
        # w:softHyphen is invisible; w:sym is a font glyph (Wingdings…) with no text meaning.
    return "".join(parts)


def _toggle(rpr: etree._Element, name: str) -> bool | None:
    """The value of the on/off property ``name`` in ``rpr``, None when not set there."""
    el = rpr.find(_W + name)
    if el is None:
        return None
    return (el.get(_W + "val") or "true").lower() not in ("0", "false", "off")


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
        if note.get(_W + "type") not in (None, "normal"):
            continue
        notes.setdefault(note.get(_W + "id") or "", _flatten(_blocks(note)))
    return notes


def _blocks(parent: etree._Element) -> list[etree._Element]:
    """Paragraphs and tables directly under ``parent``, looking through content controls."""
    out: list[etree._Element] = []
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            out.append(child)
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                out.extend(_blocks(content))
        elif child.tag in (_W + "customXml", _W + "ins", _W + "moveTo"):
            out.extend(_blocks(child))
    return out


def _cells(table: etree._Element) -> list[etree._Element]:
    """The cells of ``table`` in reading order (rows may sit in content controls)."""
    cells: list[etree._Element] = []
    for row in _children(table, _W + "tr"):
        cells.extend(_children(row, _W + "tc"))
    return cells


def _children(parent: etree._Element, tag: str) -> Iterable[etree._Element]:
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            inner = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if inner is not None:
                yield from _children(inner, tag)


def _flatten(blocks: Iterable[etree._Element]) -> list[etree._Element]:
    """Paragraphs of ``blocks`` in reading order, with tables (also nested) opened up."""
    out: list[etree._Element] = []
    for block in blocks:
        if block.tag == _W + "p":
            out.append(block)
        else:
            for cell in _cells(block):
                out.extend(_flatten(_blocks(cell)))
    return out


def _level_formats(parent: etree._Element) -> dict[int, str]:
    formats: dict[int, str] = {}
    for lvl in parent.iter(_W + "lvl"):
        level = _int(lvl.get(_W + "ilvl"))
        fmt = lvl.find(_W + "numFmt")
        if level is not None and fmt is not None:
            formats[level] = fmt.get(_W + "val") or "bullet"
    return formats


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------

_ASCII_PUNCT = frozenset(string.punctuation)
# Whitespace as CommonMark (markdown-it) sees it around emphasis markers.
_MD_SPACE = frozenset("\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_EMAIL_AUTOLINK_RE = re.compile(
    r"<[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*>"
)
_ORDERED_START_RE = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")


def escape_markdown_line(text: str, *, line_start: bool = True) -> str:
    """Escape one line of plain text so that CommonMark renders exactly ``text``.

    Escaping is minimal so the Markdown still reads like what the person typed:

    * always escaped: ``*``, backtick, ``[`` and ``\\`` when it precedes ASCII punctuation or
      ends the text (else a backslash is literal in CommonMark);
    * ``_`` unless it sits between two letters or digits (``snake_case`` stays as is);
    * ``<`` only before a letter, ``/``, ``!`` or ``?`` (HTML tag, comment, autolink) or when
      it starts an e-mail autolink — ``a < b`` and ``<3`` stay as typed;
    * ``&`` only when it starts a character reference such as ``&amp;`` or ``&#38;`` —
      ``Smith & Co`` stays as typed;
    * ``~`` only when doubled (``~~`` is strikethrough in GitHub-flavoured renderers);
    * at the start of a line (``line_start``): ``#``, ``>``, ``+``/``-`` list markers,
      ``-``/``=`` lines (rules and setext underlines) and ``1.``/``1)`` list numbers.

    ``text`` must not contain a newline and should be trimmed (surrounding whitespace is not
    kept by Markdown).  The end of ``text`` is treated as a possible end of line, which is
    the safe assumption when the caller appends emphasis markers after it.
    """
    out: list[str] = []
    length = len(text)
    for index, ch in enumerate(text):
        prev = text[index - 1] if index else ""
        nxt = text[index + 1] if index + 1 < length else ""
        escape = False
        if ch in "*`[":
            escape = True
        elif ch == "_":
            escape = not (prev.isalnum() and nxt.isalnum())
        elif ch == "\\":
            escape = nxt == "" or nxt in _ASCII_PUNCT
        elif ch == "<":
            escape = (
                (nxt.isascii() and nxt.isalpha())
                or nxt in ("/", "!", "?")
                or bool(_EMAIL_AUTOLINK_RE.match(text, index))
            )
        elif ch == "&":
            escape = bool(_ENTITY_RE.match(text, index))
        elif ch == "~":
            escape = prev == "~" or nxt == "~"
        out.append("\\" + ch if escape else ch)
    escaped = "".join(out)
    if line_start and text:
        escaped = _escape_line_start(text, escaped)
    return escaped


def _escape_line_start(text: str, escaped: str) -> str:
    """Escape what would make a line a heading, quote, list item, rule or setext underline."""
    first = text[0]
    if first in "#>":
        return "\\" + escaped
    if first in "+-" and (len(text) == 1 or text[1] in " \t"):
        return "\\" + escaped
    if first in "-=" and not text.strip(first + " \t"):
        return "\\" + escaped
    match = _ORDERED_START_RE.match(text)
    if match:
        # Digits are never escaped, so the delimiter sits at the same place in ``escaped``.
        cut = match.end(1)
        return escaped[:cut] + "\\" + escaped[cut:]
    return escaped


def _is_md_punct(ch: str) -> bool:
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith(("P", "S"))


def _can_open(before: str, first: str) -> bool:
    """Whether a ``*`` run between ``before`` and ``first`` opens emphasis (CommonMark rule)."""
    return first not in _MD_SPACE and (
        not _is_md_punct(first) or before == "" or before in _MD_SPACE or _is_md_punct(before)
    )


def _can_close(last: str, after: str) -> bool:
    """Whether a ``*`` run between ``last`` and ``after`` closes emphasis (CommonMark rule)."""
    return last not in _MD_SPACE and (
        not _is_md_punct(last) or after == "" or after in _MD_SPACE or _is_md_punct(after)
    )


def _md_strip(text: str) -> tuple[str, str, str]:
    """Split ``text`` into leading whitespace, core, trailing whitespace (CommonMark spaces)."""
    start = 0
    while start < len(text) and text[start] in _MD_SPACE:
        start += 1
    end = len(text)
    while end > start and text[end - 1] in _MD_SPACE:
        end -= 1
    return text[:start], text[start:end], text[end:]


def _merge(segments: Iterable[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Join adjacent segments with the same formatting; whitespace-only ones become plain."""
    merged: list[tuple[str, bool, bool]] = []
    for text, bold, italic in segments:
        if not text:
            continue
        if not _md_strip(text)[1]:
            bold = italic = False
        if merged and merged[-1][1:] == (bold, italic):
            merged[-1] = (merged[-1][0] + text, bold, italic)
        else:
            merged.append((text, bold, italic))
    return merged


def _render_line(segments: list[tuple[str, bool, bool]]) -> str:
    """One line (no newline) of formatted segments as Markdown; "" if it has no text."""
    # Trim the line as a whole, then drop formatting where the markers would not be read as
    # emphasis (e.g. "a**(b)**"): plain text is better than stray asterisks.
    joined = "".join(text for text, _, _ in segments)
    lead = len(joined) - len(joined.lstrip())
    trail = len(joined.rstrip())
    trimmed: list[tuple[str, bool, bool]] = []
    position = 0
    for text, bold, italic in segments:
        start, end = position, position + len(text)
        position = end
        piece = text[max(lead, start) - start : max(min(trail, end) - start, 0)]
        if piece:
            trimmed.append((piece, bold, italic))
    segments = _merge(trimmed)
    changed = True
    while changed:
        changed = False
        for index, (text, bold, italic) in enumerate(segments):
            if not (bold or italic):
                continue
            head, core, tail = _md_strip(text)
            before = head[-1:] or _outer_last(segments, index)
            after = tail[:1] or _outer_first(segments, index)
            # Markers of two touching formatted segments would fuse into one delimiter run
            # ("**a***b*"), which CommonMark may read differently: keep only the first.
            touching = index > 0 and not head and _formatted_end(segments[index - 1])
            if touching or not (_can_open(before, core[0]) and _can_close(core[-1], after)):
                segments[index] = (text, False, False)
                segments = _merge(segments)
                changed = True
                break
    out: list[str] = []
    for index, (text, bold, italic) in enumerate(segments):
        if bold or italic:
            head, core, tail = _md_strip(text)
            marker = "***" if bold and italic else "**" if bold else "*"
            core_md = escape_markdown_line(core, line_start=False)
            out.append(f"{head}{marker}{core_md}{marker}{tail}")
        else:
            out.append(_escape_plain(text, line_start=index == 0))
    return "".join(out)


def _escape_plain(text: str, *, line_start: bool) -> str:
    """:func:`escape_markdown_line` for plain text that may hold note markers."""
    if _MARK_OPEN not in text:
        return escape_markdown_line(text, line_start=line_start)
    out: list[str] = []
    parts = _MARK_RE.split(text)
    for number, part in enumerate(parts):
        if number % 2:
            out.append(f"[^{part[1:-1]}]")
        elif part:
            escaped = escape_markdown_line(part, line_start=line_start and number == 0)
            # After a reference, "(" would make it a link ("[^1](x)") and, at the start of a
            # line, ":" a note definition ("[^1]: x").
            if number and (part[0] == "(" or (part[0] == ":" and line_start and not parts[0])):
                escaped = "\\" + escaped
            out.append(escaped)
    return "".join(out)


def _visible(ch: str) -> str:
    """The character Markdown sees for ``ch`` ("[" and "]" for the ends of a note marker)."""
    return "[" if ch == _MARK_OPEN else "]" if ch == _MARK_CLOSE else ch


def _formatted_end(segment: tuple[str, bool, bool]) -> bool:
    """Whether ``segment`` ends with an emphasis marker (formatted, no trailing whitespace)."""
    text, bold, italic = segment
    return (bold or italic) and not _md_strip(text)[2]


def _outer_last(segments: list[tuple[str, bool, bool]], index: int) -> str:
    """The character Markdown will see just before segment ``index`` ("" = start of line)."""
    if index == 0:
        return ""
    text, bold, italic = segments[index - 1]
    return "*" if (bold or italic) and not _md_strip(text)[2] else _visible(text[-1])


def _outer_first(segments: list[tuple[str, bool, bool]], index: int) -> str:
    """The character Markdown will see just after segment ``index`` ("" = end of line)."""
    if index + 1 >= len(segments):
        return ""
    text, bold, italic = segments[index + 1]
    if (bold or italic) and not _md_strip(text)[0]:
        return "*"
    # A plain segment may start with an escaped character: its backslash is punctuation too.
    return "\\" if escape_markdown_line(text, line_start=False)[:1] == "\\" else _visible(text[0])


def _lines(segments: list[tuple[str, bool, bool]]) -> list[list[tuple[str, bool, bool]]]:
    """Split formatted segments at line breaks."""
    lines: list[list[tuple[str, bool, bool]]] = [[]]
    for text, bold, italic in segments:
        pieces = text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                lines.append([])
            if piece:
                lines[-1].append((piece, bold, italic))
    return lines


def _note_definition(label: str, text: str) -> str:
    """``[^label]: text``, the note's further lines indented so they stay in the note."""
    first, *rest = text.split("\n")
    return "\n".join([f"[^{label}]: {first}", *(f"    {line}" if line else "" for line in rest)])


def _markdown(paragraphs: Sequence[_Para]) -> str:
    """The Markdown of an answer made of ``paragraphs``."""
    blocks: list[str] = []
    items: list[str] = []  # lines of the list being built
    indents: list[int] = []  # content column of the open list level at each depth
    counters: list[tuple[str, int]] = []  # (kind, last number) per open depth

    def close_list() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()
        indents.clear()
        counters.clear()

    for para in paragraphs:
        rendered = [_render_line(line) for line in _lines(para.segments)]
        if para.list_kind is None:
            close_list()
            # An empty line inside a paragraph (two line breaks) reads as a paragraph break.
            chunk: list[str] = []
            for line in [*rendered, ""]:
                if line:
                    chunk.append(line)
                elif chunk:
                    blocks.append("  \n".join(chunk))
                    chunk = []
            continue
        lines = [line for line in rendered if line]
        if not lines:
            continue
        depth = min(para.level, len(indents))
        del indents[depth:]
        del counters[depth + 1 :]
        if len(counters) > depth and counters[depth][0] == para.list_kind:
            number = counters[depth][1] + 1
        else:
            number = 1
        del counters[depth:]
        counters.append((para.list_kind, number))
        indent = indents[depth - 1] if depth else 0
        marker = f"{number}." if para.list_kind == "ordered" else "-"
        column = indent + len(marker) + 1
        indents.append(column)
        continuation = "".join(f"  \n{' ' * column}{line}" for line in lines[1:])
        items.append(f"{' ' * indent}{marker} {lines[0]}{continuation}")
    close_list()
    return "\n\n".join(blocks).strip()
