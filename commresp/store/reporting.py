"""The read-only SQL of reports, exports, the calendar and Datasette's canned queries.

Every figure of a report comes from a handful of queries (counts grouped in SQL, never a query
per communication), so one year's report stays well under a second at 100 000 communications.
What is late, overdue or on time is defined once, in the SQL fragments at the top of this
module, and every query of the store that counts, lists or classifies by lateness (status,
remind, report, export, browse) builds on them.  ``:today`` is the day the figures are seen from
(COMMRESP_TODAY in tests and replays); ``:start``/``:end`` bound the letter dates of one year,
so the letter_date index is used.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from commresp.rules import states
from commresp.store.dialects import dialect

if TYPE_CHECKING:
    import sqlite_utils


# --- late: the one definition ---------------------------------------------------------
#
# A reply is late when it was sent after the reply date (letter date + the reply period,
# design.md §2), and a communication is late, unanswered while it is still open past that
# date; an enquiry is overdue while its agency has not answered by its due date.  ``today``
# is an SQL expression: a placeholder (``?``, ``:today``) or a quoted date.

# The states still awaiting the mission's reply (rules.states), as an SQL list.
OPEN_STATES_SQL = "(" + ", ".join(f"'{s}'" for s in states.OPEN_STATES) + ")"


def reply_overdue(today: str, c: str = "c", open_states: str = OPEN_STATES_SQL) -> str:
    """SQL true when communication ``c`` is still open past its reply date."""
    return f"({c}.status in {open_states} and {c}.reply_due < {today})"


def replied_late(c: str = "c") -> str:
    """SQL true when communication ``c`` was replied to after its reply date."""
    return f"({c}.sent_on > {c}.reply_due)"


def enquiry_overdue(today: str, e: str = "e") -> str:
    """SQL true when enquiry ``e`` is still unanswered past its due date."""
    return f"({e}.status = 'open' and {e}.due_on < {today})"


def outcome(today: str, c: str = "c") -> str:
    """SQL for the outcome of communication ``c``: ``closed``, ``on_time``, ``late``,
    ``late_unanswered`` or ``pending`` (not yet due)."""
    return f"""case
    when {c}.status = 'closed' then 'closed'
    when {replied_late(c)} then 'late'
    when {c}.sent_on is not null then 'on_time'
    when {reply_overdue(today, c)} then 'late_unanswered'
    else 'pending' end"""


# --- SQLite-specific: dates (the canned queries of Datasette, which reads SQLite only; the
# store's own queries take theirs from store.dialects) --------------------------------------


def days_apart(start: str, end: str) -> str:
    """SQL for the days from date ``start`` to date ``end`` (a real number)."""
    return f"(julianday({end}) - julianday({start}))"


def whole_days(start: str, end: str) -> str:
    """SQL for the whole days from date ``start`` to date ``end``."""
    return f"cast({days_apart(start, end)} as integer)"


def today_sql(today: date | None) -> str:
    """Today as an SQL expression: ``today`` quoted, or the local date when it is None."""
    return f"'{today.isoformat()}'" if today is not None else "date('now', 'localtime')"


# --- reports ------------------------------------------------------------------------------

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
            f"""select {key} as key, {label} as label, {outcome(":today")} as outcome,
                       count(*) as n
                from communications c {joins}
                where {_YEAR_SQL}
                group by key, label, outcome
                order by key""",
            _year_params(year, today),
        )
    )


def query_communications(db: sqlite_utils.Database, year: int, today: date) -> list[dict]:
    """Each communication of the year with its outcome, in order of letter date."""
    return list(
        db.query(
            f"""select c.ref, c.type, c.letter_date, c.reply_due, c.sent_on, c.status,
                       {outcome(":today")} as outcome
                from communications c
                where {_YEAR_SQL}
                order by c.letter_date, c.id""",
            _year_params(year, today),
        )
    )


def query_agency_times(db: sqlite_utils.Database, year: int, today: date) -> list[dict]:
    """Per agency, the enquiries about the year's communications: counts, and the days from
    each enquiry to the first revision of its answer (comma-separated, for the median)."""
    sql = dialect(db)
    days = f"cast({sql.days_apart('e.sent_on', 'first.received_on')} as integer)"
    return list(
        db.query(
            f"""select e.agency, ag.name_en as name,
                       count(*) as enquiries,
                       count(first.id) as answered,
                       sum(case when e.status = 'open' then 1 else 0 end) as open,
                       sum(case when {enquiry_overdue(":today")} then 1 else 0 end) as overdue,
                       {sql.group_concat(days)} as days
                from communications c
                join enquiries e on e.communication_id = c.id
                join agencies ag on ag.slug = e.agency
                left join answers first on first.enquiry_id = e.id
                    and first.revision = (select min(revision) from answers
                                          where enquiry_id = e.id)
                where {_YEAR_SQL}
                group by e.agency, ag.name_en
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
                   {outcome(":today")} as outcome, cm.title_en as mandate
            from communications c
            left join communication_mandates cm on cm.communication_id = c.id
            order by c.letter_date, c.id, cm.position""",
        {"today": today.isoformat()},
    )


# --- the calendar -------------------------------------------------------------------------


def calendar_rows(db: sqlite_utils.Database, open_states: Sequence[str], since: date) -> list[dict]:
    """Reply dates of communications and due dates of their enquiries, for the calendar.

    Open ones always; closed, replied or answered ones from ``since`` on, marked
    ``cancelled`` so that a diary which imported them drops them.  ``sequence`` is the
    number of audit events of the communication: it grows with every change, as RFC 5545
    wants of an event's SEQUENCE.
    """
    marks = ",".join("?" * len(open_states))
    sequence = "(select count(*) from events ev where ev.communication_id = c.id)"
    return list(
        db.query(
            f"""select c.ref, c.slug, c.subject, c.status, c.reply_due as day,
                       null as agency, null as agency_name,
                       c.status not in ({marks}) as cancelled, {sequence} as sequence
                from communications c
                where c.status in ({marks}) or c.reply_due >= ?
                union all
                select c.ref, c.slug, c.subject, c.status, e.due_on as day,
                       e.agency, a.name_en as agency_name,
                       (e.status != 'open' or c.status not in ({marks})) as cancelled,
                       {sequence} as sequence
                from enquiries e
                join communications c on c.id = e.communication_id
                join agencies a on a.slug = e.agency
                where (e.status = 'open' and c.status in ({marks})) or e.due_on >= ?
                order by day, ref, agency""",
            [*open_states, *open_states, since.isoformat()] * 2,
        )
    )


# --- browse: Datasette's canned queries ---------------------------------------------------


def canned_query_sql(today: date | None) -> dict[str, str]:
    """The SQL of each canned query, seen from ``today`` (None: the local date)."""
    # SQLite-specific: sum() over a comparison (PostgreSQL: count(*) filter (where …))
    day = today_sql(today)
    return {
        "status": f"""select c.ref, c.status, c.reply_due,
       {whole_days(day, "c.reply_due")} as days_left,
       (select group_concat(e.agency, ', ') from enquiries e
        where e.communication_id = c.id and {enquiry_overdue(day)}) as late_agencies,
       c.subject
from communications c
where c.status in {OPEN_STATES_SQL}
order by {reply_overdue(day)} desc, c.reply_due, c.ref""",
        "overdue_enquiries": f"""select c.ref, e.agency, a.name_en as agency_name, a.email,
       e.sent_on, e.due_on, {whole_days("e.due_on", day)} as days_late,
       e.reminders, e.last_reminded_on
from enquiries e
join communications c on c.id = e.communication_id
join agencies a on a.slug = e.agency
where {enquiry_overdue(day)}
order by e.due_on, c.ref, e.agency""",
        "open_communications": f"""select c.ref, c.status, c.letter_date, c.reply_due,
       {whole_days(day, "c.reply_due")} as days_left,
       c.subject
from communications c
where c.status in {OPEN_STATES_SQL}
order by c.reply_due, c.ref""",
        "answers_by_agency": f"""select e.agency, a.name_en as agency_name, count(*) as enquiries,
       count(f.id) as answered,
       round(avg({days_apart("e.sent_on", "f.received_on")}), 1) as average_days,
       cast(max({days_apart("e.sent_on", "f.received_on")}) as integer) as worst_days,
       sum(e.status = 'open') as open
from enquiries e
join agencies a on a.slug = e.agency
left join answers f on f.enquiry_id = e.id
    and f.revision = (select min(revision) from answers where enquiry_id = e.id)
group by e.agency
order by enquiries desc, e.agency""",
        "late_replies": f"""select c.ref, c.letter_date, c.reply_due, c.sent_on, c.status,
       {whole_days("c.reply_due", f"coalesce(c.sent_on, {day})")} as days_late
from communications c
where {replied_late()} or {reply_overdue(day)}
order by days_late desc, c.ref""",
    }
