"""The record as files: the communications export (``commresp export``) and the report's CSV.

``export --format csv/json`` gives every communication with the columns of OHCHR's public
communications database, then ours (EXPORT_COLUMNS); ``--format ics`` is the calendar of
:mod:`commresp.reporting.calendar`.

``report --csv`` carries the same figures as ``--json``, as one long table with the columns
``section,key,measure,value``: the report's top-level values are section ``report`` with an
empty key; ``summary`` has an empty key too; ``by_type``/``by_mandate``/``by_month``/``agencies``
have the type, mandate slug, month (YYYY-MM) or agency slug as key; ``communications`` has the
reference as key.  Empty values (``null`` in JSON) are empty cells; booleans are
``true``/``false``.  Every CSV cell a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from commresp import store
from commresp.reporting.figures import days_between
from commresp.rules.cells import neutralise
from commresp.workspace.session import Session

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

# The columns of OHCHR's public communications database, then ours.
EXPORT_COLUMNS = (
    "reference",
    "date",
    "type",
    "mandates",
    "state_code",
    "state",
    "reply_dates",
    "status",
    "reply_due",
    "received_on",
    "outgoing_ref",
    "subject",
    "days_to_reply",
    "on_time",
)
REPORT_CSV_COLUMNS = ("section", "key", "measure", "value")


def cell(value: Any) -> str:
    """A value as a CSV cell: empty for None, true/false, text neutralised
    (:func:`commresp.rules.cells.neutralise`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV as spreadsheets and scripts both read it right.

    UTF-8 with a byte-order mark: Excel and LibreOffice's text import dialog take it as
    UTF-8 (without it both assume the system's code page, Windows-1252 in Western Europe);
    Python reads it with ``encoding="utf-8-sig"``.  Comma-separated (RFC 4180), CRLF lines,
    every field quoted, so that a reader set to ``;`` or tab does not split a cell at a
    separator it holds; every cell through :func:`cell`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def flatten(data: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """The report as ``(section, key, measure, value)`` rows (see the module docstring)."""
    for name, value in data.items():
        if not isinstance(value, Mapping | list):
            yield "report", "", name, value
    for name, value in data.items():
        if isinstance(value, list):
            for item in value:
                for measure, v in item.items():
                    if measure != "ref":
                        yield name, item["ref"], measure, v
        elif isinstance(value, Mapping):
            for key, v in value.items():
                if isinstance(v, Mapping):
                    for measure, inner in v.items():
                        yield name, key, measure, inner
                else:
                    yield name, "", key, v


def report_csv(data: Mapping[str, Any]) -> bytes:
    """The report (:func:`commresp.reporting.figures.report`) as CSV rows."""
    return csv_bytes(REPORT_CSV_COLUMNS, flatten(data))


@lru_cache(maxsize=512)
def state_name(code: str) -> str:
    """The English (ISO 3166) short name of an addressee code; non-State codes say so."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return country.name if country is not None else "Other addressee (not a State)"


def export_rows(db: sqlite_utils.Database, today: date) -> list[dict[str, Any]]:
    """Every communication, with the columns of OHCHR's database and ours (EXPORT_COLUMNS)."""
    rows: list[dict[str, Any]] = []
    current_id = None
    for r in store.query_export(db, today):
        if r["id"] == current_id:
            if r["mandate"]:
                rows[-1]["mandates"] += "; " + r["mandate"]
            continue
        current_id = r["id"]
        rows.append(
            {
                "reference": r["ref"],
                "date": r["letter_date"],
                "type": r["type"],
                "mandates": r["mandate"] or "",
                "state_code": r["addressee"],
                "state": state_name(r["addressee"]),
                "reply_dates": r["sent_on"],
                "status": r["status"],
                "reply_due": r["reply_due"],
                "received_on": r["received_on"],
                "outgoing_ref": r["outgoing_ref"],
                "subject": r["subject"],
                "days_to_reply": (
                    days_between(r["letter_date"], r["sent_on"]) if r["sent_on"] else None
                ),
                "on_time": {"on_time": True, "late": False, "late_unanswered": False}.get(
                    r["outcome"]
                ),
            }
        )
    return rows


def export_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Rows of :func:`export_rows` as CSV, in the order of EXPORT_COLUMNS."""
    return csv_bytes(EXPORT_COLUMNS, ([r[c] for c in EXPORT_COLUMNS] for r in rows))


def export_json(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Rows of :func:`export_rows` as a JSON list, text as it is (no neutralising)."""
    return (json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- .xlsx ----------------------------------------------------------------------------------

# The export's columns that hold dates, whole numbers and yes/no; the others are text.
DATE_COLUMNS = frozenset({"date", "reply_dates", "reply_due", "received_on"})
NUMBER_COLUMNS = frozenset({"days_to_reply"})
BOOLEAN_COLUMNS = frozenset({"on_time"})
# Column widths, in characters: wide enough for the header and most values, never wider.
MIN_WIDTH, MAX_WIDTH = 8, 60
# What an Excel cell can hold (Excel's specifications and limits).
MAX_CELL_CHARACTERS = 32_767


def xlsx_text(value: str) -> str:
    """Text an .xlsx cell can hold: XML-illegal control characters shown as U+FFFD, and at
    most Excel's 32 767 characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if len(value) > MAX_CELL_CHARACTERS:
        value = value[: MAX_CELL_CHARACTERS - 1] + "…"
    return value


def export_xlsx(rows: Sequence[Mapping[str, Any]], title: str = "Communications") -> bytes:
    """Rows of :func:`export_rows` as an Excel workbook: a bold header row, frozen; dates as
    real dates, numbers as numbers, yes/no as booleans; every other cell typed as text, so a
    cell is never a formula whatever it holds (no apostrophe needed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    widths = {c: len(c) for c in EXPORT_COLUMNS}
    for row in rows:
        for c in EXPORT_COLUMNS:
            if row[c] is not None and c not in DATE_COLUMNS:
                widths[c] = max(widths[c], len(str(row[c])))
    for i, c in enumerate(EXPORT_COLUMNS, start=1):
        width = 11 if c in DATE_COLUMNS else min(max(widths[c], MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=xlsx_text(value))
        cell.data_type = "s"  # openpyxl would take "=…" for a formula
        return cell

    header = []
    for c in EXPORT_COLUMNS:
        head = text(c)
        head.font = bold
        header.append(head)
    sheet.append(header)
    for row in rows:
        cells = []
        for c in EXPORT_COLUMNS:
            value = row[c]
            if value is None:
                cells.append(None)
            elif c in DATE_COLUMNS:
                day = WriteOnlyCell(sheet, value=date.fromisoformat(value))
                day.number_format = "yyyy-mm-dd"
                cells.append(day)
            elif c in NUMBER_COLUMNS or c in BOOLEAN_COLUMNS:
                cells.append(value)
            else:
                cells.append(text(str(value)))
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export(session: Session, fmt: str) -> bytes:
    """The record as ``csv``, ``xlsx``, ``json`` (communications) or ``ics`` (deadlines)."""
    if fmt == "ics":
        from commresp.reporting import calendar

        return calendar.calendar(session)
    rows = export_rows(session.db, session.today)
    if fmt == "xlsx":
        return export_xlsx(rows)
    return export_csv(rows) if fmt == "csv" else export_json(rows)
