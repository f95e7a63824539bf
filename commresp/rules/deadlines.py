"""Dates that matter: the reply date of a communication and working-day due dates.

The reply period is per letter type in the mission profile (OHCHR publishes a communication
and any reply 60 days after the letter).  Agency deadlines count working days of the
mission's State: weekends and its public holidays, given as any container of dates (the
``holidays`` package's calendar of the State, loaded by
:mod:`commresp.workspace.holiday_calendars`); the default due date of an enquiry is
:func:`agency_due`, with its margin and notice from the profile (``[deadlines]`` in
``commresp.toml``).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

from commresp.errors import BadInput

# The days commresp works with: from the first year a reference may have (Special Procedures
# communications have been public since 2011; earlier references exist in archives) to the
# last one a report may ask for.  Every date typed or set (COMMRESP_TODAY) is inside, so that
# adding a reply period or counting working days never leaves what Python's dates can hold.
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2999, 12, 31)
#: The longest reply period or count of working days the profile may set.
MAX_PERIOD_DAYS = 366


def check_day(day: date, what: str) -> date:
    """``day``, or :class:`BadInput` when it is outside :data:`FIRST_DAY`..:data:`LAST_DAY`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadInput(f"{what} {day.isoformat()} must be between {FIRST_DAY} and {LAST_DAY}")
    return day


# The agency deadline rule's defaults, when the profile does not set them: answers are
# due 10 working days before the reply date (time for the drafter to assemble them), but an
# agency always gets at least 5 working days.
AGENCY_MARGIN_WORKING_DAYS = 10
AGENCY_NOTICE_WORKING_DAYS = 5


def reply_due(letter_date: date, reply_days: int) -> date:
    """The date by which the reply must reach the registry: letter date + reply period."""
    return letter_date + timedelta(days=reply_days)


def shift_working_days(start: date, days: int, holidays: Container[date]) -> date:
    """The date ``days`` working days after ``start`` (negative counts backwards): Monday to
    Friday and not in ``holidays``.

    >>> shift_working_days(date(2025, 8, 14), 1, {date(2025, 8, 15)})
    datetime.date(2025, 8, 18)
    """
    step = 1 if days >= 0 else -1
    current, left = start, abs(days)
    while left:
        current += timedelta(days=step)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def agency_due(
    reply_due: date,
    today: date,
    holidays: Container[date],
    *,
    margin: int = AGENCY_MARGIN_WORKING_DAYS,
    notice: int = AGENCY_NOTICE_WORKING_DAYS,
) -> date:
    """The default due date of an enquiry: ``margin`` working days before the reply date,
    leaving the drafter time to assemble the answers, but never less than ``notice`` working
    days from ``today``, so that an agency asked late still has time to answer.

    >>> agency_due(date(2025, 9, 20), date(2025, 8, 1), set(), margin=10, notice=5)
    datetime.date(2025, 9, 8)
    """
    due = shift_working_days(reply_due, -margin, holidays)
    earliest = shift_working_days(today, notice, holidays)
    return max(due, earliest)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def days_left_words(days_left: int | None) -> str:
    """How a reply date stands, in the words every command prints: ``12 days left``, ``due
    today``, ``437 days late``; empty once the reply is sent (``days_left`` is None).

    >>> days_left_words(-437), days_left_words(0), days_left_words(1)
    ('437 days late', 'due today', '1 day left')
    """
    if days_left is None:
        return ""
    if days_left == 0:
        return "due today"
    if days_left < 0:
        return f"{_days(-days_left)} late"
    return f"{_days(days_left)} left"


def days_after(day: date, deadline: date) -> int:
    """How many days ``day`` falls after ``deadline`` (0 when on or before it)."""
    return max(0, (day - deadline).days)
