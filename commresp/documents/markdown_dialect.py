"""The Markdown commresp reads: the parser, the alignment markers and what counts as HTML.

Drafts are CommonMark with GFM tables and footnotes, parsed with markdown-it-py; typographic
replacements are off, so quotes, dashes and apostrophes are kept exactly as typed.  Two
conventions are commresp's own, and both are decided here (the renderer,
:mod:`commresp.documents.markdown_to_docx`, only maps the result to Word):

* an alignment marker — `` {.right}``, `` {.center}`` (or ``{.centre}``), `` {.left}``,
  `` {.justify}`` — at the end of a paragraph or heading, or alone on its last line
  (:func:`split_alignment_marker`); `` {.foot}`` places the paragraph at the foot of the
  page, bottom left (a note verbale's addressee block);
* only the tags of real HTML elements are markup (:func:`is_html_markup`,
  :func:`strip_html_elements`); anything else in angle brackets, e.g.
  ``<name of the mandate holder>``, is the author's text, although CommonMark would parse it
  as a tag.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.html_blocks import block_names
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

# The marker must be preceded by whitespace (or start its own text token, e.g. after
# ``**bold**`` or a line break) so "{.right}" inside a word is left alone.
_ALIGN_MARKER = re.compile(r"(?:^|[ \t]+)\{\.(left|center|centre|right|justify|foot)\}[ \t]*$")
#: A table cell's alignment, from the ``style`` markdown-it gives ``:--:`` columns.
CELL_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
#: The ``align`` attribute of an HTML block's first tag.
HTML_ALIGN = re.compile(r"""^\s*<\w+[^>]*\balign\s*=\s*["']?(left|center|right|justify)""", re.I)
#: An HTML comment (dropped from HTML blocks).
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: An inline ``<br>``: a line break.
HTML_BR = re.compile(r"<br\s*/?>\s*$", re.I)
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^>]*)?/?>")
_HTML_ELEMENTS = frozenset(block_names) | {
    "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn",
    "em", "font", "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
}  # fmt: skip


@cache
def markdown_parser() -> MarkdownIt:
    """The shared markdown-it parser (built once; ``parse`` keeps no state between calls)."""
    md = MarkdownIt("commonmark", {"typographer": False, "linkify": False})
    md.enable("table")
    # Already off in the commonmark preset; disabled explicitly so that a future preset
    # change can never start "smartening" quotes in a diplomatic text.
    md.disable(["replacements", "smartquotes"], ignoreInvalid=True)
    return md.use(footnote_plugin)


def strip_html_elements(text: str) -> str:
    """``text`` without the tags of real HTML elements (other angle-bracket text kept)."""
    return _HTML_TAG.sub(lambda m: "" if m.group(1).lower() in _HTML_ELEMENTS else m.group(0), text)


def is_html_markup(tag: str) -> bool:
    """Whether an inline HTML token is markup to drop (an element's tag or a comment)."""
    if tag.startswith(("<!", "<?")):
        return True  # comments, declarations, processing instructions, CDATA
    match = _HTML_TAG.fullmatch(tag.strip())
    return match is not None and match.group(1).lower() in _HTML_ELEMENTS


def split_alignment_marker(children: list[Token]) -> tuple[str | None, list[Token]]:
    """Split a trailing ``{.right}``-style marker off inline tokens.

    Returns the alignment ("left", "center", "centre", "right", "justify", "foot" — the
    block anchored at the foot of the page, see the renderer — or None) and the
    tokens without the marker.  The tokens are not modified in place: a footnote referenced
    twice is rendered from them twice.
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
