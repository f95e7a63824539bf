"""The year's figures (``commresp report``) and the communications export (``commresp export``).

A reply is *on time* when it was sent on or before the reply date (``sent_on <= reply_due``);
a communication still open after its reply date is *late, unanswered*; one still open before
it is *pending*; a closed one needed no reply.  A communication belongs to the year of its
letter date (the ``date`` column of OHCHR's communications database).

The read-only SQL is in one section below: every figure comes from a handful of queries per
report (counts grouped in SQL, never a query per communication), so one year's report stays
well under a second at 100 000 communications.  Everything after that section is pure
functions over the rows those queries return.

``--json`` and ``--csv`` carry the same figures.  The CSV is one long table with the columns
``section,key,measure,value``: the report's top-level values are section ``report`` with an
empty key; ``summary`` has an empty key too; ``by_type``/``by_mandate``/``by_month``/``agencies``
have the type, mandate slug, month (YYYY-MM) or agency slug as key; ``communications`` has the
reference as key.  Empty values (``null`` in JSON) are empty cells; booleans are
``true``/``false``.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from commresp.workspace.session import Session

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

OUTCOMES = ("on_time", "late", "late_unanswered", "pending", "closed")
OUTCOME_LABELS = {
    "on_time": "Replied on time",
    "late": "Replied late",
    "late_unanswered": "Late, unanswered",
    "pending": "Open, not yet due",
    "closed": "Closed, no reply needed",
}

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


# === SQL: read-only queries (the only SQL of reports and exports) ===========================
#
# ``:today`` is the day the figures are seen from (COMMRESP_TODAY in tests and replays);
# ``:start``/``:end`` bound the letter dates of one year, so the letter_date index is used.

# The one place the on-time rule is written: every query classifies with this expression.
_OUTCOME_SQL = """case
    when c.status = 'closed' then 'closed'
    when c.sent_on is not null and c.sent_on <= c.reply_due then 'on_time'
    when c.sent_on is not null then 'late'
    when c.reply_due < :today then 'late_unanswered'
    else 'pending' end"""

_YEAR_SQL = "c.letter_date >= :start and c.letter_date < :end"

# What a count can be grouped by: the expression and the joins it needs (fixed strings only).
_GROUPS = {
    "type": ("c.type", "null", ""),
    "month": ("substr(c.letter_date, 1, 7)", "null", ""),
    "mandate": (
        "cm.mandate",
        "m.title_en",
        "join communication_mandates cm on cm.communication_id = c.id "
        "join mandates m on m.slug = cm.mandate",
    ),
}


def _year_params(year: int, today: date) -> dict[str, str]:
    return {
        "start": f"{year:04d}-01-01",
        "end": f"{year + 1:04d}-01-01",
        "today": today.isoformat(),
    }


def query_outcome_counts(
    db: sqlite_utils.Database, by: str, year: int, today: date
) -> list[dict[str, Any]]:
    """Communications of the year counted by ``by`` (type, month or mandate) and outcome."""
    key, label, joins = _GROUPS[by]
    return list(
        db.query(
            f"""select {key} as key, {label} as label, {_OUTCOME_SQL} as outcome, count(*) as n
                from communications c {joins}
                where {_YEAR_SQL}
                group by key, outcome
                order by key""",
            _year_params(year, today),
        )
    )


def query_communications(db: sqlite_utils.Database, year: int, today: date) -> list[dict]:
    """Each communication of the year with its outcome, in order of letter date."""
    return list(
        db.query(
            f"""select c.ref, c.type, c.letter_date, c.reply_due, c.sent_on, c.status,
                       {_OUTCOME_SQL} as outcome
                from communications c
                where {_YEAR_SQL}
                order by c.letter_date, c.id""",
            _year_params(year, today),
        )
    )


def query_agency_times(db: sqlite_utils.Database, year: int, today: date) -> list[dict]:
    """Per agency, the enquiries about the year's communications: counts, and the days from
    each enquiry to the first revision of its answer (comma-separated, for the median)."""
    return list(
        db.query(
            f"""select e.agency, ag.name_en as name,
                       count(*) as enquiries,
                       count(first.id) as answered,
                       sum(e.status = 'open') as open,
                       sum(e.status = 'open' and e.due_on < :today) as overdue,
                       group_concat(
                           cast(julianday(first.received_on) - julianday(e.sent_on) as integer)
                       ) as days
                from communications c
                join enquiries e on e.communication_id = c.id
                join agencies ag on ag.slug = e.agency
                left join answers first on first.enquiry_id = e.id
                    and first.revision = (select min(revision) from answers
                                          where enquiry_id = e.id)
                where {_YEAR_SQL}
                group by e.agency
                order by e.agency""",
            _year_params(year, today),
        )
    )


def query_export(db: sqlite_utils.Database, today: date) -> Iterator[dict]:
    """Every communication with its mandates' English titles as stored, one row per mandate
    (in the order of the letter), oldest letter first."""
    return db.query(
        f"""select c.id, c.ref, c.letter_date, c.type, c.addressee, c.sent_on, c.status,
                   c.reply_due, c.received_on, c.outgoing_ref, c.subject,
                   {_OUTCOME_SQL} as outcome, cm.title_en as mandate
            from communications c
            left join communication_mandates cm on cm.communication_id = c.id
            order by c.letter_date, c.id, cm.position""",
        {"today": today.isoformat()},
    )


# === figures: pure functions over rows =======================================================


def median(values: Sequence[int]) -> int | float | None:
    """The median, as a whole number when it is one; None for no values."""
    if not values:
        return None
    m = statistics.median(values)
    return int(m) if float(m).is_integer() else float(m)


def days_between(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def empty_counts() -> dict[str, int]:
    return {"communications": 0, **{o: 0 for o in OUTCOMES}}


def pivot_outcomes(rows: Iterable[Mapping], keys: Iterable[str] = ()) -> dict[str, dict]:
    """``(key, label, outcome, n)`` rows → ``{key: {communications, on_time, …}}`` (plus
    ``title`` when the rows carry a label); ``keys`` are included even without letters."""
    result: dict[str, dict] = {k: empty_counts() for k in keys}
    for row in rows:
        if row["key"] not in result:
            title = {"title": row["label"]} if row["label"] is not None else {}
            result[row["key"]] = {**title, **empty_counts()}
        entry = result[row["key"]]
        entry[row["outcome"]] += row["n"]
        entry["communications"] += row["n"]
    return result


def communication_figures(row: Mapping, today: date) -> dict[str, Any]:
    """One communication for the report: its reply period, and the days it took to reply
    (or has been waiting, while open)."""
    outcome = row["outcome"]
    waiting = outcome in ("late_unanswered", "pending")
    period = days_between(row["letter_date"], row["reply_due"])
    to_reply = days_between(row["letter_date"], row["sent_on"]) if row["sent_on"] else None
    days_waiting = (today - date.fromisoformat(row["letter_date"])).days if waiting else None
    if outcome == "late":
        days_late = days_between(row["reply_due"], row["sent_on"])
    elif outcome == "late_unanswered":
        days_late = (today - date.fromisoformat(row["reply_due"])).days
    else:
        days_late = None
    return {
        "ref": row["ref"],
        "type": row["type"],
        "letter_date": row["letter_date"],
        "reply_due": row["reply_due"],
        "reply_period_days": period,
        "sent_on": row["sent_on"],
        "status": row["status"],
        "outcome": outcome,
        "days_to_reply": to_reply,
        "days_waiting": days_waiting,
        "days_late": days_late,
    }


def agency_figures(row: Mapping) -> dict[str, Any]:
    """An agency's answer times (enquiry sent → first answer received) and open enquiries."""
    days = sorted(int(d) for d in row["days"].split(",")) if row["days"] else []
    return {
        "name": row["name"],
        "enquiries": row["enquiries"],
        "answered": row["answered"],
        "median_days": median(days),
        "worst_days": days[-1] if days else None,
        "open": row["open"] or 0,
        "overdue": row["overdue"] or 0,
    }


def summary(
    by_type: Mapping[str, Mapping[str, int]],
    communications: Sequence[Mapping],
    agencies: Mapping[str, Mapping],
) -> dict[str, Any]:
    """The headline figures: counts by outcome, share on time, days to reply."""
    totals = empty_counts()
    for counts in by_type.values():
        for key in totals:
            totals[key] += counts[key]
    due = totals["on_time"] + totals["late"] + totals["late_unanswered"]
    days = [c["days_to_reply"] for c in communications if c["days_to_reply"] is not None]
    return {
        **totals,
        "replied": totals["on_time"] + totals["late"],
        "due": due,
        "on_time_share": round(totals["on_time"] / due, 3) if due else None,
        "median_days_to_reply": median(days),
        "worst_days_to_reply": max(days) if days else None,
        "open_enquiries": sum(a["open"] for a in agencies.values()),
        "overdue_enquiries": sum(a["overdue"] for a in agencies.values()),
    }


def compute(
    db: sqlite_utils.Database,
    *,
    year: int,
    today: date,
    mission: str = "",
    types: Sequence[str] = ("AL", "UA", "OL"),
) -> dict[str, Any]:
    """The whole report for one year, as seen on ``today``; every letter type of ``types``
    and every month is there, with zeros when there was no such letter."""
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    by_type = pivot_outcomes(query_outcome_counts(db, "type", year, today), types)
    by_mandate = pivot_outcomes(query_outcome_counts(db, "mandate", year, today))
    # most letters first, then by slug
    by_mandate = dict(sorted(by_mandate.items(), key=lambda kv: (-kv[1]["communications"], kv[0])))
    by_month = pivot_outcomes(query_outcome_counts(db, "month", year, today), months)
    communications = [
        communication_figures(r, today) for r in query_communications(db, year, today)
    ]
    agencies = {r["agency"]: agency_figures(r) for r in query_agency_times(db, year, today)}
    return {
        "year": year,
        "as_of": today.isoformat(),
        "mission": mission,
        "summary": summary(by_type, communications, agencies),
        "by_type": by_type,
        "by_mandate": by_mandate,
        "by_month": by_month,
        "agencies": agencies,
        "communications": communications,
    }


def report(session: Session, year: int | None = None) -> dict[str, Any]:
    """The report of ``year`` (default: this year) for the workspace of ``session``."""
    return compute(
        session.db,
        year=year or session.today.year,
        today=session.today,
        mission=str(session.profile.get("mission.name_en", "")),
        types=session.profile.letter_types,
    )


# === CSV and JSON ===========================================================================

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
    for r in query_export(db, today):
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
    return csv_bytes(EXPORT_COLUMNS, ([r[c] for c in EXPORT_COLUMNS] for r in rows))


def export_json(rows: Sequence[Mapping[str, Any]]) -> bytes:
    return (json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def export(session: Session, fmt: str) -> bytes:
    """The record as ``csv``, ``json`` (communications) or ``ics`` (deadlines)."""
    if fmt == "ics":
        from commresp.reporting import calendar

        return calendar.calendar(session)
    rows = export_rows(session.db, session.today)
    return export_csv(rows) if fmt == "csv" else export_json(rows)
