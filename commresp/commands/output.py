"""Printing results: JSON for scripts, aligned tables for people, on any console.

Text from the record (subjects, names) may contain control characters; they are shown
escaped so that nothing typed into a letter can move the cursor or recolour a terminal.

A Windows console or a redirected output may use a code page (cp1252, cp850) that cannot show
"Łukasz", "Дмитрий" or "Γιώργος": :func:`safe_streams` makes such characters print as visible
backslash escapes (``\\u0141ukasz``) instead of ending the command in a traceback.  JSON is
ASCII only (every other character, and every control character, as a ``\\uXXXX`` escape), so
it is printable on any console and parses back to exactly the text on record.  This was run
here with ``PYTHONIOENCODING=cp1252`` and ``cp850``, not in a real Windows console (which,
since Python 3.6, writes UTF-16 to the screen, so the code pages matter when output is
redirected to a file or a pipe).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

import click

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def safe_streams() -> None:
    """Make stdout and stderr print what their encoding cannot show as backslash escapes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream already written to in an odd state
                pass


def clean(value: Any) -> str:
    """A value as safe terminal text: control and bidi characters escaped."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = str(value).replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def to_json(data: Any) -> str:
    """JSON in ASCII: every non-ASCII and control character escaped (DEL too, which
    ``ensure_ascii`` leaves as it is), so it prints on any console and parses back exactly."""
    return json.dumps(data, indent=2, ensure_ascii=True, default=str).replace("\x7f", "\\u007f")


def emit_json(data: Any) -> None:
    """JSON on stdout, as :func:`to_json` writes it."""
    click.echo(to_json(data))


def table(
    rows: Sequence[dict],
    columns: Sequence[tuple[str, str]],
    *,
    title: str = "",
    keep: Sequence[str] = (),
    cut: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> None:
    """Rows as a table: rich on a terminal, plain aligned columns when piped.

    On a terminal too narrow for every column in full (see :func:`fit_columns`), the ``keep``
    columns stay whole, the ``cut`` ones are cut short with "…", the others wrap, and the
    ``optional`` ones are left out, first named first, when the rest would not fit.
    """
    if not rows:
        click.echo("(none)")
        return
    cells = [[clean(row.get(key)) for key, _ in columns] for row in rows]
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console(highlight=False)
        console.print(rich_table(cells, columns, console.width, title, keep, cut, optional))
        return
    headers = [header for _, header in columns]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    if title:
        click.echo(title)
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for line in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def fit_columns(
    cells: Sequence[Sequence[str]],
    columns: Sequence[tuple[str, str]],
    width: int,
    keep: Sequence[str] = (),
    cut: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> dict[str, int]:
    """The width of each column shown in a rich table ``width`` characters wide.

    ``keep`` columns get their longest cell; a wrapping column at least its longest word, a
    ``cut`` column at least 8 characters; ``optional`` columns are dropped, in order, while
    that does not fit.  What is left over goes to the columns that want more, in proportion.
    """
    natural, least = {}, {}
    for i, (key, header) in enumerate(columns):
        values = [row[i] for row in cells]
        natural[key] = max(len(header), *(len(v) for v in values))
        if key in keep:
            least[key] = natural[key]
        elif key in cut:
            least[key] = min(natural[key], max(len(header), 8))
        else:
            longest_word = max((len(w) for v in values for w in v.split()), default=0)
            least[key] = min(natural[key], max(len(header), longest_word))
    shown = [key for key, _ in columns]

    def room(keys: list[str]) -> int:
        # rich's box: a rule before each column and after the last, a space each side of a cell
        return width - (3 * len(keys) + 1)

    for key in [*(k for k in optional if k in shown), None]:
        if sum(least[k] for k in shown) <= room(shown) or key is None:
            break
        shown.remove(key)
    widths = {k: least[k] for k in shown}
    spare = room(shown) - sum(widths.values())
    wanting = {k: natural[k] - widths[k] for k in shown if natural[k] > widths[k]}
    total = sum(wanting.values())
    if spare > 0 and total:
        for k, more in wanting.items():
            widths[k] += min(more, spare * more // total)
        leftover = room(shown) - sum(widths.values())
        for k in wanting:  # what integer division left, to the first that still want it
            extra = min(leftover, natural[k] - widths[k])
            widths[k] += extra
            leftover -= extra
    return widths


def rich_table(cells, columns, width, title="", keep=(), cut=(), optional=()):
    """The rich ``Table`` of :func:`table`, laid out for a terminal ``width`` wide."""
    from rich.table import Table
    from rich.text import Text

    widths = fit_columns(cells, columns, width, keep, cut, optional)
    out = Table(title=title or None)
    for key, header in columns:
        if key in widths:
            whole = key in keep or key in cut
            out.add_column(
                header,
                width=widths[key],
                no_wrap=whole,
                overflow="ellipsis" if key in cut else "fold",
            )
    for line in cells:
        # Text, not str: brackets in a subject are not rich markup.
        out.add_row(*(Text(c) for (key, _), c in zip(columns, line, strict=True) if key in widths))
    return out


def key_values(pairs: Sequence[tuple[str, Any]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.ljust(width)}  {clean(value)}")
