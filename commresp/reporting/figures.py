"""The year's figures (``commresp report``): pure computation over the rows the store returns.

A reply is *on time* when it was sent on or before the reply date (``sent_on <= reply_due``);
a communication still open after its reply date is *late, unanswered*; one still open before
it is *pending*; a closed one needed no reply.  A communication belongs to the year of its
letter date (the ``date`` column of OHCHR's communications database).  The SQL that
classifies and counts is in :mod:`commresp.store.reporting`; the CSV form of the report is in
:mod:`commresp.reporting.exports`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from commresp import store
from commresp.workspace.session import Session

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

# The values of the store's outcome (store.queries.outcome), and their one set of labels: the
# terminal summary and the HTML report both say these.
OUTCOMES = ("on_time", "late", "late_unanswered", "pending", "closed")
OUTCOME_LABELS = {
    "on_time": "Replied on time",
    "late": "Replied late",
    "late_unanswered": "Late, unanswered",
    "pending": "Open, not yet due",
    "closed": "Closed, no reply needed",
}


def median(values: Sequence[int]) -> int | float | None:
    """The median, as a whole number when it is one; None for no values."""
    if not values:
        return None
    m = statistics.median(values)
    return int(m) if float(m).is_integer() else float(m)


def days_between(start: str, end: str) -> int:
    """Days from one ISO date to another."""
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
    by_type = pivot_outcomes(store.query_outcome_counts(db, "type", year, today), types)
    by_mandate = pivot_outcomes(store.query_outcome_counts(db, "mandate", year, today))
    # most letters first, then by slug
    by_mandate = dict(sorted(by_mandate.items(), key=lambda kv: (-kv[1]["communications"], kv[0])))
    by_month = pivot_outcomes(store.query_outcome_counts(db, "month", year, today), months)
    communications = [
        communication_figures(r, today) for r in store.query_communications(db, year, today)
    ]
    agencies = {r["agency"]: agency_figures(r) for r in store.query_agency_times(db, year, today)}
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
        mission=session.profile.mission_name("en").full,
        types=session.profile.letter_types,
    )
