"""Special Procedures references (``AL BEL 1/2025``) and the mission's outgoing references.

Pure functions: no database, no configuration files.  Which letter types exist and which
addressee codes besides ISO 3166-1 alpha-3 are accepted come from the mission profile
(``[references]`` in ``commresp.toml``), because the research behind them is not settled
(``OL`` and ``OTH`` were not found in an official source).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from commresp.errors import BadReference
from commresp.rules.deadlines import FIRST_DAY

DEFAULT_TYPES = ("AL", "UA", "OL")
DEFAULT_OTHER_ADDRESSEES = ("OTH",)
# Accept any year from the first of the days commresp works with, and at most one year ahead
# of today.
FIRST_YEAR = FIRST_DAY.year

# Loose input: any mix of spaces, hyphens, underscores, dots or slashes between the parts,
# leading zeros in the number, any case: "al bel 1/2025", "AL-BEL-1-2025", "AL BEL 01/2025".
_LOOSE = re.compile(
    r"""^\s*(?P<type>[A-Za-z]{2,3})[\s_.\-/]*
        (?P<addressee>[A-Za-z]{3})[\s_.\-/]*
        (?P<number>\d{1,6})\s*[\s_.\-/]\s*
        (?P<year>\d{4})\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True, order=True)
class Reference:
    """A parsed communication reference; ``str()`` gives the canonical form."""

    type: str
    addressee: str
    number: int
    year: int

    def __str__(self) -> str:
        return f"{self.type} {self.addressee} {self.number}/{self.year}"

    @property
    def slug(self) -> str:
        """Folder and URL name: ``AL-BEL-1-2025``."""
        return f"{self.type}-{self.addressee}-{self.number}-{self.year}"


def is_iso3(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 country code such as ``BEL``."""
    import pycountry  # only the commands that parse references pay for the country table

    return pycountry.countries.get(alpha_3=code.upper()) is not None


def parse_reference(
    text: str,
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    other_addressees: Iterable[str] = DEFAULT_OTHER_ADDRESSEES,
    today: date | None = None,
) -> Reference:
    """Parse a loosely written reference; raise :class:`BadReference` saying what is wrong.

    >>> str(parse_reference("al-bel-01-2025"))
    'AL BEL 1/2025'
    """
    match = _LOOSE.match(text or "")
    if not match:
        raise BadReference(
            f"{text!r} is not a communication reference: write it like 'AL BEL 1/2025' "
            "(type, State code, number/year)"
        )
    kind = match["type"].upper()
    types = tuple(t.upper() for t in types)
    if kind not in types:
        raise BadReference(
            f"unknown letter type {kind!r} in {text!r}: use one of {', '.join(types)} "
            "(or add it under [references] types in commresp.toml)"
        )
    addressee = match["addressee"].upper()
    others = tuple(o.upper() for o in other_addressees)
    if addressee not in others and not is_iso3(addressee):
        raise BadReference(
            f"{addressee!r} in {text!r} is not an ISO 3166-1 alpha-3 country code "
            f"(e.g. BEL) nor one of {', '.join(others)}"
        )
    number = int(match["number"])
    if number < 1:
        raise BadReference(f"the number in {text!r} must be 1 or more")
    year = int(match["year"])
    last_year = (today or date.today()).year + 1
    if not FIRST_YEAR <= year <= last_year:
        raise BadReference(f"the year in {text!r} must be between {FIRST_YEAR} and {last_year}")
    return Reference(kind, addressee, number, year)


@dataclass(frozen=True)
class OutgoingReference:
    """The mission's own reference on a note verbale, e.g. ``GP/CC 2025/210``."""

    prefix: str
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}/{self.number}"


_OUTGOING = re.compile(r"^\s*(?P<prefix>.*?\S)\s+(?P<year>\d{4})\s*/\s*(?P<number>\d{1,6})\s*$")


def letter_date_fits(year: int, letter_date: date, received_on: date) -> bool:
    """Whether a letter's date fits the year of its reference (``N/YYYY``).

    OHCHR numbers a communication in the year it is sent, so the letter is dated in that year;
    one dated the year before is accepted only when it was registered (received) in January
    of the reference's year: a letter dated 30 December and numbered in the new year.
    """
    if letter_date.year == year:
        return True
    return letter_date.year == year - 1 and (received_on.year, received_on.month) == (year, 1)


def parse_outgoing(text: str) -> OutgoingReference:
    """Parse an outgoing reference such as ``GP/CC 2025/210``."""
    match = _OUTGOING.match(text or "")
    if not match or int(match["number"]) < 1:
        raise BadReference(
            f"{text!r} is not an outgoing reference: write it like 'GP/CC 2025/210' "
            "(prefix, year/number)"
        )
    return OutgoingReference(match["prefix"], int(match["year"]), int(match["number"]))
