"""Who held a mandate when, and so which gender a communication's titles take.

The holder's gender belongs to the communication (holders change: in 2014 the housing and water
mandates were held by women and the health mandate by a man; by 2025 it was the other way
round). It is decided once, when the communication is registered, in this order:

1. ``given``: the user said so (``--mandate housing:f``, ``edit --gender``);
2. ``letter``: the letter says so (French "Rapporteuse spéciale", Spanish "Relatora Especial");
3. ``holder``: the holder in office on the letter's date, from the catalog's holders by period;
4. ``catalog``: else the catalog's default (its current holder), and the masculine form when it
   has none; ``show`` says so, because that is the one case that is a guess.

Bodies (working groups, expert mechanisms) have no holder gender at all: ``""``.

Pure rules: the holders come in as rows (``name``, ``gender``, ``start_on``, ``end_on``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

# The holder types of the catalog; the first three are held by one person, whose gender the
# French and Spanish titles agree with ("Rapporteuse spéciale", "Experta designada").
HOLDER_TYPES: tuple[str, ...] = (
    "Special Rapporteur",
    "Independent Expert",
    "Designated Expert",
    "Working Group",
    "Expert Mechanism",
)
PERSONAL_HOLDER_TYPES: frozenset[str] = frozenset(HOLDER_TYPES[:3])
GENDERS: tuple[str, ...] = ("f", "m")
GENDER_SOURCES: tuple[str, ...] = ("given", "letter", "holder", "catalog")


def is_personal(holder_type: str | None) -> bool:
    """Whether one person holds the mandate: ``is_personal("Working Group")`` → ``False``."""
    return holder_type in PERSONAL_HOLDER_TYPES


def in_force(mandate: Mapping, on: date) -> bool:
    """Whether a catalog mandate could write a letter on ``on``: established on or before it
    (``established_on``) and not ended before it (``ended_on``); unknown dates do not exclude.
    """
    start, end = _day(mandate.get("established_on")), _day(mandate.get("ended_on"))
    return (start is None or start <= on) and (end is None or on <= end)


def _day(value: object) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def holder_on(holders: Iterable[Mapping], on: date) -> Mapping | None:
    """The holder in office on ``on``: started on or before it, not ended before it.

    A change of holder is often dated by month only, so two periods may touch or overlap by a
    day; the one that started last wins.
    """
    current = None
    for row in holders:
        start, end = _day(row.get("start_on")), _day(row.get("end_on"))
        if start is None or start > on or (end is not None and end < on):
            continue
        if current is None or start > _day(current.get("start_on")):
            current = row
    return current


@dataclass(frozen=True)
class HolderGender:
    """The gender a communication's titles take for one mandate, and where it came from."""

    gender: str  # "f", "m", or "" for a body
    source: str  # one of GENDER_SOURCES, or "" for a body
    holder: str = ""  # the holder's name when source is "holder"


def decide_gender(
    holder_type: str | None,
    *,
    given: str | None = None,
    from_letter: str | None = None,
    holders: Iterable[Mapping] = (),
    on: date | None = None,
    catalog_default: str | None = None,
) -> HolderGender:
    """Apply the order of the module docstring: given, letter, holder in office, catalog.

    >>> decide_gender("Special Rapporteur", holders=[{"name": "A", "gender": "f",
    ...     "start_on": "2014-06-01", "end_on": "2020-04-30"}], on=date(2014, 9, 1))
    HolderGender(gender='f', source='holder', holder='A')
    """
    if not is_personal(holder_type):
        return HolderGender("", "")
    for value, source in ((given, "given"), (from_letter, "letter")):
        if value:
            _check(value)
            return HolderGender(value, source)
    if on is not None:
        current = holder_on(holders, on)
        if current is not None and current.get("gender") in GENDERS:
            return HolderGender(current["gender"], "holder", current.get("name") or "")
    default = catalog_default if catalog_default in GENDERS else "m"
    return HolderGender(default, "catalog")


def _check(gender: str) -> None:
    if gender not in GENDERS:
        raise ValueError(f"unknown gender {gender!r}: use 'f' or 'm'")


def describe_source(row: Mapping, letter_date: str) -> str:
    """Where a communication mandate's gender came from, in words, for ``show``.

    ``row`` has ``mandate``, ``holder_gender``, ``gender_source`` and ``holder_name``:
    ``{"gender_source": "holder", "holder_name": "Siobhán Mullally", …}`` →
    ``"holder in office: Siobhán Mullally"``.
    """
    source, holder = row.get("gender_source"), row.get("holder_name")
    if not row.get("holder_gender"):
        return ""
    if source == "given":
        return f"given with --mandate {row['mandate']}:{row['holder_gender']}"
    if source == "letter":
        return "letter"
    if source == "holder":
        return f"holder in office: {holder}" if holder else "holder in office"
    if source == "catalog":
        return f"catalog default (no holder on record for {letter_date})"
    return "not recorded (registered before commresp kept it)"
