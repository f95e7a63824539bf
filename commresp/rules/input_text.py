"""What a user may type into a field: checked once, here, for every command that takes it.

Names, titles, subjects, questions, reasons and the actor are *single-line* fields: they go
into e-mail headers, form headings, table cells and the audit log, where a line break starts
a new header ("Bcc: …") or a new row, and a control character recolours a terminal.  They
are refused, with one line saying what and where, when they hold:

- a line break of any kind (CR, LF, NEL U+0085, LINE/PARAGRAPH SEPARATOR U+2028/U+2029);
- any other control character (C0, DEL, C1), except a tab: it is white space in an e-mail
  header, shown as a space in a table and quoted in a CSV, and text pasted from a spreadsheet
  holds some;
- a bidi embedding or override (U+202A–U+202E), which reorders what a reader sees
  ("Trojan Source"); the marks Arabic and Hebrew text need (U+200E, U+200F) and the isolates
  (U+2066–U+2069) are accepted;
- a lone surrogate, what Python makes of bytes that are not text in the locale's encoding.

*Multi-line* fields (a summary, notes, an answer typed with ``--text``) may hold line breaks
(CR LF and CR become LF) too, and nothing else of the above.

E-mail addresses are read by :func:`commresp.mail.parse_address` (one address, ``Name <addr>``
keeps its name).
"""

from __future__ import annotations

import re
import unicodedata

from commresp.errors import BadInput

_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\ud800-\udfff]")
_FORBIDDEN_MULTILINE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\ud800-\udfff]"
)


def describe(char: str) -> str:
    """A character as messages show it: ``describe("\\n")`` → ``"a line break (U+000A)"``."""
    code = f"U+{ord(char):04X}"
    if char in _LINE_BREAKS:
        return f"a line break ({code})"
    if "\ud800" <= char <= "\udfff":
        return f"bytes that are not text in this system's encoding ({code})"
    if "\u202a" <= char <= "\u202e":
        return f"a bidi override ({code}, {unicodedata.name(char, 'bidi control').lower()})"
    return f"a control character ({code})"


def problem(text: str, *, multi_line: bool = False) -> str | None:
    """What is wrong with ``text`` as a field (see the module), or None when nothing is."""
    found = (_FORBIDDEN_MULTILINE if multi_line else _FORBIDDEN).search(text)
    if found is None:
        return None
    return f"{describe(found.group())} at character {found.start() + 1}"


def single_line(text: str, what: str) -> str:
    """``text`` trimmed, or :class:`BadInput` naming ``what`` when it is not one clean line.

    ``single_line("Federal Police", "--name-en")`` → ``"Federal Police"``.
    """
    wrong = problem(text)
    if wrong:
        raise BadInput(f"{what} must be one line of text; it holds {wrong}: remove it")
    return text.strip()


def multi_line(text: str, what: str) -> str:
    """``text`` with its line ends as LF, trimmed, or :class:`BadInput` naming ``what`` when
    it holds a control character other than a line break or a tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    wrong = problem(text, multi_line=True)
    if wrong:
        raise BadInput(f"{what} holds {wrong}: remove it")
    return text.strip()
