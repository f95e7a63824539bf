"""Formatted Word text → Markdown: minimal escaping, emphasis that CommonMark reads back.

The reader of Word documents (:mod:`commresp.documents.docx_to_markdown`) turns each paragraph
into a :class:`FormattedParagraph` — text segments with their bold and italic, a list kind and
level — and :func:`paragraphs_to_markdown` writes them as Markdown:

* paragraphs become blocks separated by a blank line; list paragraphs become ``- item`` or
  ``1. item`` lines; bold and italic runs become ``**…**`` and ``*…*`` (dropped where the
  markers would not be read as emphasis: plain text is better than stray asterisks); a line
  break inside a paragraph becomes two trailing spaces and a newline;
* plain text is escaped minimally (:func:`escape_markdown_line`), so that ``commresp answers``
  shows what the person typed and a CommonMark renderer gives back exactly the typed text;
* a note reference travels through the segments as a marker (:func:`note_marker`) and is
  written ``[^label]``; :func:`note_definition` writes the note itself;
* a link's text travels between two markers (:func:`link_open`, :func:`link_close`, the
  second carrying the target) and is written ``[text](https://…)``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "FormattedParagraph",
    "escape_markdown_line",
    "link_close",
    "link_open",
    "note_definition",
    "note_marker",
    "paragraphs_to_markdown",
    "split_note_markers",
    "without_marker_characters",
]

# A note reference travels through the formatted segments as its label between two Unicode
# noncharacters (which are removed from the document's own text), so that it is never escaped
# and is written as ``[^label]`` when the line is rendered.
_MARK_OPEN, _MARK_CLOSE = "\ufdd0", "\ufdd1"
# A link: its text between a start marker and an end marker that carries the target.
_LINK_OPEN, _LINK_CLOSE = "\ufdd2", "\ufdd3"
_MARK_RE = re.compile(f"({_MARK_OPEN}[^{_MARK_CLOSE}]*{_MARK_CLOSE})")
_MARKERS_RE = re.compile(
    f"({_MARK_OPEN}[^{_MARK_CLOSE}]*{_MARK_CLOSE}|{_LINK_OPEN}|{_LINK_CLOSE}[^{_LINK_CLOSE}]*{_LINK_CLOSE})"
)
_NO_MARKS = str.maketrans("", "", _MARK_OPEN + _MARK_CLOSE + _LINK_OPEN + _LINK_CLOSE)
# What a link's target may not hold as it is in ``[text](target)``: percent-encoded.
_TARGET_ESCAPES = {ch: f"%{ord(ch):02X}" for ch in " ()<>\\"}


@dataclass
class FormattedParagraph:
    """One paragraph as read from Word: formatted text segments and list information."""

    segments: list[tuple[str, bool, bool]]  # (text, bold, italic); text may contain "\n"
    list_kind: str | None  # None, "bullet" or "ordered"
    level: int


def note_marker(label: str) -> str:
    """The stand-in for a note reference inside segment text, written ``[^label]``."""
    return _MARK_OPEN + label + _MARK_CLOSE


def link_open() -> str:
    """The marker that starts a link's text in segment text (written ``[``)."""
    return _LINK_OPEN


def link_close(target: str) -> str:
    """The marker that ends a link's text, carrying its target (written ``](target)``)."""
    return _LINK_CLOSE + without_marker_characters(target) + _LINK_CLOSE


def _link_target(target: str) -> str:
    return "".join(_TARGET_ESCAPES.get(ch, ch) for ch in target if ch >= " ")


def split_note_markers(text: str) -> list[str]:
    """``text`` cut around its note markers: the odd items are the markers."""
    return _MARK_RE.split(text)


def without_marker_characters(text: str) -> str:
    """A document's own text without the characters note markers are made of."""
    return text.translate(_NO_MARKS)


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
    """:func:`escape_markdown_line` for plain text that may hold note and link markers."""
    if _MARK_OPEN not in text and _LINK_OPEN not in text:
        return escape_markdown_line(text, line_start=line_start)
    out: list[str] = []
    parts = _MARKERS_RE.split(text)
    in_link = False
    for number, part in enumerate(parts):
        if number % 2 and part == _LINK_OPEN:
            if out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"  # "![" would start an image
            out.append("[")
            in_link = True
        elif number % 2 and part.startswith(_LINK_CLOSE):
            out.append(f"]({_link_target(part[1:-1])})")
            in_link = False
        elif number % 2:
            out.append(f"[^{part[1:-1]}]")
        elif part:
            escaped = escape_markdown_line(part, line_start=line_start and number == 0)
            after = parts[number - 1] if number else ""
            if in_link:
                escaped = escaped.replace("]", "\\]")  # would end the link's text
                if after == _LINK_OPEN and part[0] == "^":
                    escaped = "\\" + escaped  # "[^" would be a note reference
            # After a reference, "(" would make it a link ("[^1](x)") and, at the start of a
            # line, ":" a note definition ("[^1]: x").
            elif (
                number
                and after.startswith(_MARK_OPEN)
                and (part[0] == "(" or (part[0] == ":" and line_start and not parts[0]))
            ):
                escaped = "\\" + escaped
            out.append(escaped)
    return "".join(out)


def _visible(ch: str) -> str:
    """The character Markdown sees for ``ch`` ("[" and "]" for the ends of a note marker,
    "[" and ")" for those of a link)."""
    if ch in (_MARK_OPEN, _LINK_OPEN):
        return "["
    return "]" if ch == _MARK_CLOSE else ")" if ch == _LINK_CLOSE else ch


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


def note_definition(label: str, text: str) -> str:
    """``[^label]: text``, the note's further lines indented so they stay in the note."""
    first, *rest = text.split("\n")
    return "\n".join([f"[^{label}]: {first}", *(f"    {line}" if line else "" for line in rest)])


def paragraphs_to_markdown(paragraphs: Sequence[FormattedParagraph]) -> str:
    """The Markdown of ``paragraphs`` (an answer, or one note), without trailing blank lines."""
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
