"""Text a spreadsheet would run as a formula, and how commresp keeps it text (CSV injection).

Excel and LibreOffice Calc read a CSV field that starts with ``=`` as a formula; Excel also
one that starts with ``+``, ``-`` or ``@`` (OWASP, "CSV Injection"), and a leading tab or
carriage return can hide any of them.  A field starts not only at the start of a cell: a
spreadsheet set to another separator than the file's (``;`` is the default in Belgium,
France and the Netherlands, tab in some) splits a cell at that separator, and a reader that
lost track of the quotes starts a new row at a line break inside a cell.  So a formula
character is neutralised wherever a field could begin: at the start of the cell and after
every ``,`` ``;`` tab ``|`` or line break, spaces and quotes skipped.

Neutralising puts an apostrophe before the formula character: Excel takes it as its
"this is text" prefix and does not show it; LibreOffice shows it.  Nothing else is touched:
ordinary text, names, dates, and plain numbers such as ``-3`` (which a spreadsheet reads as
the number, not a formula) are left as they are.  The .xlsx export needs none of this: its
text cells are typed as text.

>>> neutralise("=1+1")
"'=1+1"
>>> neutralise("Trafficking;=1+1;case")
"Trafficking;'=1+1;case"
>>> neutralise("-3")
'-3'
"""

from __future__ import annotations

import re

# What starts a formula in Excel or Calc.
FORMULA_CHARACTERS = "=+-@"
# Where a field may begin in some reader: a separator it may split on, or a line break.
FIELD_STARTS = ",;\t|\r\n"

_SPLIT = re.compile(r"([,;\t|\r\n])")
# A plain number: a spreadsheet reads it as the number, with no formula and no harm.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def _starts_formula(segment: str) -> bool:
    field = segment.lstrip(' "').rstrip()
    if not field or field[0] not in FORMULA_CHARACTERS:
        return False
    return not (_NUMBER.fullmatch(field) or field in ("-", "+"))


def neutralise(text: str) -> str:
    """``text`` with an apostrophe before every formula character that starts a field."""
    if not any(c in text for c in FORMULA_CHARACTERS + "\t\r"):
        return text
    parts = _SPLIT.split(text)  # segment, separator, segment, …
    for i in range(0, len(parts), 2):
        if _starts_formula(parts[i]):
            parts[i] = "'" + parts[i]
    if text[0] in "\t\r":  # a leading tab or CR hides what follows from some readers
        parts[0] = "'" + parts[0]
    return "".join(parts)


def is_risky(text: str) -> bool:
    """Whether some spreadsheet would read part of ``text`` as a formula."""
    return neutralise(text) != text
