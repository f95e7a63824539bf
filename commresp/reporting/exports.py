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


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a quote before it."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def cell(value: Any) -> str:
    """A value as a CSV cell: empty for None, true/false, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV (with BOM, so that Excel reads accents right), every cell through
    :func:`cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
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


def export(session: Session, fmt: str) -> bytes:
    """The record as ``csv``, ``json`` (communications) or ``ics`` (deadlines)."""
    if fmt == "ics":
        from commresp.reporting import calendar

        return calendar.calendar(session)
    rows = export_rows(session.db, session.today)
    return export_csv(rows) if fmt == "csv" else export_json(rows)
