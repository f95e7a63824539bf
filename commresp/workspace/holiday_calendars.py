"""The public holidays of the mission's State, from the ``holidays`` package, one State loaded.

``holidays.country_holidays("BE")`` imports ``holidays.countries``, whose ``__init__`` imports
the module of every one of its ~250 countries (about 56 ms of an ``assign``).  A mission needs
one calendar: :func:`country_class` finds its module in the package's registry and loads that
file alone, under its own name, exactly as the package would.  A module that needs another
country (French overseas departments, U.S. territories: no UN Member State) or a package
whose layout changed falls back to ``holidays.country_holidays``, slower and identical.

The working-day arithmetic itself is pure and lives in :mod:`commresp.rules.deadlines`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Container
from datetime import date
from functools import lru_cache
from pathlib import Path

from commresp.rules import deadlines
from commresp.workspace import packaged


def country_class(code: str):
    """The ``holidays`` class of one country (``"BE"`` → ``Belgium``), its module loaded alone;
    None if the package has no calendar for ``code``."""
    import holidays  # the package's base classes and registry, none of its countries
    from holidays import registry

    found = next(((m, n) for m, n in registry.COUNTRIES.items() if code in n[1:]), None)
    if found is None:
        return None
    module, names = found
    name = f"holidays.countries.{module}"
    loaded = sys.modules.get(name)
    if loaded is None:
        path = Path(holidays.__file__).parent / "countries" / f"{module}.py"
        try:
            source = path.read_text(encoding="utf-8")
        except OSError:
            source = "holidays.countries"  # not where 0.109 keeps it: let the package load it
        if "holidays.countries" in source:
            return getattr(holidays, names[0], None)
        spec = importlib.util.spec_from_file_location(name, path)
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded  # as the import system does, before running the module
        try:
            spec.loader.exec_module(loaded)
        except Exception:
            del sys.modules[name]
            return getattr(holidays, names[0], None)
    return getattr(loaded, names[0], None)


@lru_cache(maxsize=32)
def _holidays(code: str, subdivision: str, year: int) -> Container[date]:
    cls = country_class(code) if code else None
    if cls is None:
        return frozenset()  # no holiday calendar for this State: count weekends only
    try:
        return cls(subdiv=subdivision or None, years=year)
    except NotImplementedError:
        return frozenset()


class HolidayCalendar(Container[date]):
    """The public holidays of a State (the ``holidays`` package's code, e.g. ``"BE"``) and
    region, every year."""

    def __init__(self, code: str, subdivision: str = "") -> None:
        self.code = code
        self.subdivision = subdivision

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return day in _holidays(self.code, self.subdivision, day.year)


def for_state(iso3: str, subdivision: str = "") -> HolidayCalendar:
    """The calendar of a State of the table of States by ISO3: ``for_state("BEL")``."""
    row = packaged.state(iso3) or {}
    return HolidayCalendar(row.get("holidays", ""), subdivision)


def add_working_days(start: date, days: int, iso3: str, subdivision: str = "") -> date:
    """The date ``days`` working days after ``start`` in the State ``iso3``.

    >>> add_working_days(date(2025, 8, 8), 10, "BEL")  # skips 15 August
    datetime.date(2025, 8, 25)
    """
    return deadlines.shift_working_days(start, days, for_state(iso3, subdivision))
