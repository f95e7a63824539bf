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


def table(rows: Sequence[dict], columns: Sequence[tuple[str, str]], *, title: str = "") -> None:
    """Rows as a table: rich on a terminal, plain aligned columns when piped."""
    if not rows:
        click.echo("(none)")
        return
    cells = [[clean(row.get(key)) for key, _ in columns] for row in rows]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        out = Table(title=title or None)
        for _, header in columns:
            out.add_column(header)
        for line in cells:
            # Text, not str: brackets in a subject are not rich markup.
            out.add_row(*(Text(c) for c in line))
        Console(highlight=False).print(out)
        return
    headers = [header for _, header in columns]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    if title:
        click.echo(title)
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for line in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def key_values(pairs: Sequence[tuple[str, Any]]) -> None:
    width = max(len(k) for k, _ in pairs)
    for key, value in pairs:
        click.echo(f"{key.ljust(width)}  {clean(value)}")
