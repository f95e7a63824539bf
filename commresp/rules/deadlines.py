"""Dates that matter: the reply date of a communication and working-day due dates.

The reply period is per letter type in the mission profile (OHCHR publishes a communication
and any reply 60 days after the letter).  Agency deadlines count working days of the
mission's State: weekends and its public holidays from the ``holidays`` package.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def reply_due(letter_date: date, reply_days: int) -> date:
    """The date by which the reply must reach the registry: letter date + reply period."""
    return letter_date + timedelta(days=reply_days)


@lru_cache(maxsize=32)
def _holidays(country_alpha3: str, subdivision: str, year: int):
    import holidays  # heavy-ish: only commands that count working days import it
    import pycountry

    country = pycountry.countries.get(alpha_3=country_alpha3)
    code = country.alpha_2 if country else country_alpha3
    try:
        return holidays.country_holidays(code, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        return {}  # no holiday calendar for this State: count weekends only


def is_working_day(day: date, country: str, subdivision: str = "") -> bool:
    """Monday to Friday and not a public holiday of ``country`` (ISO alpha-3)."""
    return day.weekday() < 5 and day not in _holidays(country, subdivision, day.year)


def add_working_days(start: date, days: int, country: str, subdivision: str = "") -> date:
    """The date ``days`` working days after ``start`` (negative counts backwards).

    >>> add_working_days(date(2025, 8, 8), 10, "BEL")  # skips 15 August
    datetime.date(2025, 8, 25)
    """
    step = 1 if days >= 0 else -1
    current, left = start, abs(days)
    while left:
        current += timedelta(days=step)
        if is_working_day(current, country, subdivision):
            left -= 1
    return current
