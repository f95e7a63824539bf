"""What an incoming letter says: its reference, date, language and mandates.

:func:`find_facts` reads the plain text of a letter (from
:func:`commresp.documents.letter_text.letter_text`) and finds the reference
(``AL BEL 1/2025``), the date of the letter, its language (English, French or Spanish) and the
mandates that sent it, with their titles as the letter words them and, in French and Spanish,
the holder's gender (the matching of mandate phrases against the catalog is
:mod:`commresp.rules.mandate_titles`).

Pure text work: nothing here reads files, the database or the command line; the caller shows
the facts, lets the user correct them (``--date``, ``--mandate``) and registers the
communication.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from commresp.errors import BadReference
from commresp.rules import text_language
from commresp.rules.folding import fold_aligned
from commresp.rules.mandate_titles import FoundMandate, find_mandates
from commresp.rules.references import (
    DEFAULT_OTHER_ADDRESSEES,
    DEFAULT_TYPES,
    FIRST_YEAR,
    parse_reference,
)

__all__ = ["FoundMandate", "LetterFacts", "find_facts"]


@dataclass
class LetterFacts:
    """What :func:`find_facts` found; ``missing`` names what it did not find, in words."""

    reference: str | None
    letter_date: date | None
    language: str
    mandates: list[FoundMandate] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def find_facts(
    text: str,
    mandates: Sequence[dict],
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    other_addressees: Iterable[str] = DEFAULT_OTHER_ADDRESSEES,
    today: date | None = None,
) -> LetterFacts:
    """Find the reference, date, language and mandates of a letter's text.

    ``mandates`` are catalog rows (dicts with ``slug``, ``holder_type``, ``title_en``,
    ``title_fr``, ``title_es``); ``types`` and ``other_addressees`` come from the mission
    profile, as for :func:`commresp.rules.references.parse_reference`. Dates after ``today``
    are ignored.

    >>> rows = [{"slug": "minorities", "holder_type": "Special Rapporteur",
    ...          "title_en": "Special Rapporteur on minority issues", "title_fr": None}]
    >>> facts = find_facts("Mandate of the Special Rapporteur on minority issues\\n"
    ...                    "REFERENCE: AL BEL 1/2025\\n22 July 2025\\nExcellency,", rows,
    ...                    today=date(2025, 8, 1))
    >>> facts.reference, facts.letter_date, facts.language, facts.missing
    ('AL BEL 1/2025', datetime.date(2025, 7, 22), 'en', [])
    >>> facts.mandates[0].title_en
    'Special Rapporteur on minority issues'
    """
    today = today or date.today()
    types = tuple(t.upper() for t in types)
    other_addressees = tuple(other_addressees)
    text = unicodedata.normalize("NFC", text or "")
    folded = fold_aligned(text)

    reference = _find_reference(text, folded, types, other_addressees, today)
    salutation = _salutation_start(folded)
    letter_date = _find_date(
        folded[:salutation] if salutation is not None else folded[:3000], today
    )
    language = _find_language(folded)
    # An undated letter is taken to be recent: the mandates in force today.
    found = find_mandates(text, folded, mandates, language, salutation, letter_date or today)

    missing = []
    if reference is None:
        missing.append("reference")
    if letter_date is None:
        missing.append("date")
    if not found:
        missing.append("mandates")
    return LetterFacts(reference, letter_date, language, found, missing)


# --- reference ---------------------------------------------------------------------------------

# "REFERENCE:", "Reference:", "RÉFÉRENCE :", "Réf. :", "Ref.", "Ref.:", "Referencia:" (folded).
_REFERENCE_LABEL = re.compile(r"\bref(?:erence|erencia)?s?\b\.?[ \t]*(?:no\.?|n°)?[ \t]*:?\s*")
_REFERENCE_TAIL = re.compile(r"\b([a-z]{3})\s+(\d{1,6})\s*/\s*(\d{4})\b")
# Old references put mandate file codes between the type and the State code:
# "UA G/SO 214 (53-24) SYR 3/2014". The longest example found (2014, five file codes) takes
# about 80 characters; this leaves room for more without reaching into the rest of the letter.
_OLD_STYLE_SPAN = 250


def _find_reference(
    text: str,
    folded: str,
    types: tuple[str, ...],
    other_addressees: tuple[str, ...],
    today: date,
) -> str | None:
    """Canonical reference from a "REFERENCE:" line, else the first bare one in the text.

    >>> _find_reference("x", fold_aligned("REFERENCE: UA G/SO 214 (53-24) SYR 3/2014"), ("UA",), (),
    ...                 date(2025, 1, 1))
    'UA SYR 3/2014'
    """
    if not types:
        return None
    alternatives = "|".join(re.escape(t.lower()) for t in sorted(types, key=len, reverse=True))
    type_word = re.compile(rf"(?:{alternatives})\b")

    def valid(kind: str, addressee: str, number: str, year: str) -> str | None:
        try:
            ref = parse_reference(
                f"{kind} {addressee} {number}/{year}",
                types=types,
                other_addressees=other_addressees,
                today=today,
            )
        except BadReference:
            return None
        return str(ref)

    for label in _REFERENCE_LABEL.finditer(folded):
        kind = type_word.match(folded, label.end())
        if kind is None:
            continue
        window_end = min(len(folded), kind.end() + _OLD_STYLE_SPAN)
        for tail in _REFERENCE_TAIL.finditer(folded, kind.end(), window_end):
            found = valid(kind[0], *tail.groups())
            if found:
                return found

    # No usable label: the first well-formed reference anywhere, in capitals as letters write it.
    bare = re.compile(
        rf"\b({'|'.join(map(re.escape, types))})\s+([A-Z]{{3}})\s+(\d{{1,6}})\s*/\s*(\d{{4}})\b"
    )
    for match in bare.finditer(text):
        found = valid(*match.groups())
        if found:
            return found
    return None


# --- date -----------------------------------------------------------------------------------------


@cache
def _month_numbers() -> dict[str, int]:
    """Folded month names and abbreviations in English and French, and Spanish month names:
    ``"aout"`` → 8, ``"abril"`` → 4."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale, widths in (("en", ("wide", "abbreviated")), ("fr", ("wide", "abbreviated"))):
        for width in widths:
            for number, name in get_month_names(width, locale=locale).items():
                names[fold_aligned(name).rstrip(".")] = number
    # Spanish: the full names only; the abbreviations would read English words ("ago") as months.
    for number, name in get_month_names("wide", locale="es").items():
        names[fold_aligned(name)] = number
    names["setiembre"] = 9  # the spelling of Peru and Uruguay (RAE accepts both)
    names["sept"] = 9  # "Sept. 22, 2025": common in English, not CLDR's abbreviation
    return names


@cache
def _date_pattern() -> re.Pattern[str]:
    months = "|".join(sorted(map(re.escape, _month_numbers()), key=len, reverse=True))
    return re.compile(
        rf"""\b(?P<d1>\d{{1,2}})(?:er|st|nd|rd|th|o)?\s+(?:of\s+|de\s+)?(?P<m1>{months})\b\.?,?\s+
                (?:de\s+|del\s+)?(?P<y1>\d{{4}})\b
           |\b(?P<m2>{months})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})\b
           |\b(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})\b""",
        re.VERBOSE,
    )


def _find_date(folded_top: str, today: date) -> date | None:
    """First real date in the (folded) top of a letter, not after ``today``.

    >>> _find_date("geneve, le 1er octobre 2025", date(2025, 12, 1))
    datetime.date(2025, 10, 1)
    """
    months = _month_numbers()
    for match in _date_pattern().finditer(folded_top):
        if match["y1"]:
            day, month, year = int(match["d1"]), months[match["m1"]], int(match["y1"])
        elif match["y2"]:
            day, month, year = int(match["d2"]), months[match["m2"]], int(match["y2"])
        else:
            day, month, year = int(match["d3"]), int(match["m3"]), int(match["y3"])
        try:
            found = date(year, month, day)
        except ValueError:
            continue  # "31 June": not a date, maybe the next one is
        if date(FIRST_YEAR, 1, 1) <= found <= today:
            return found
    return None


_SALUTATION_LINE = re.compile(
    r"(?m)^[ \t]*(?:your[ \t]+)?(?:excellenc[ey]|excelencia)[ \t]*[,:!]?[ \t]*$"
)
_SALUTATION_WORD = re.compile(r"\b(?:excellenc[ey]|excelencia)\b")


def _salutation_start(folded: str) -> int | None:
    """Offset of "Excellency,"/"Excellence,"/"Excelencia:" (the line if there is one, else the
    first word)."""
    match = _SALUTATION_LINE.search(folded) or _SALUTATION_WORD.search(folded)
    return match.start() if match else None


# --- language -------------------------------------------------------------------------------

_FRENCH_MARKERS = re.compile(
    r"\bexcellence\b|\brapporteu(?:r|se)s?\s+speci|\bgroupe\s+de\s+travail\b"
    r"|\bnous\s+avons\s+l'honneur\b|\bexperte?s?\s+independ|\bmandats?\s+d|\bveuillez\s+agreer\b"
)
_ENGLISH_MARKERS = re.compile(
    r"\bexcellency\b|\bspecial\s+rapporteur|\bworking\s+group\b|\bwe\s+have\s+the\s+honou?r\b"
    r"|\bindependent\s+expert|\bmandates?\s+of\b|\bplease\s+accept\b"
)
_SPANISH_MARKERS = re.compile(
    r"\bexcelencia\b|\brelator(?:a|es|as)?\s+especial|\bgrupo\s+de\s+trabajo\b"
    r"|\btenemos\s+el\s+honor\b|\bexpert(?:o|a|os|as)\s+independiente|\bmandatos?\s+de"
    r"|\bacepte\b"
)


def _find_language(folded: str) -> str:
    """The language whose letter formulas are the most frequent: ``'en'``, ``'fr'`` or ``'es'``
    (English on a tie, the commonest language of the letters).

    >>> _find_language("excellence, nous avons l'honneur")
    'fr'
    >>> _find_language("excelencia: tenemos el honor de dirigirnos a usted")
    'es'
    """
    counts = {
        "en": len(_ENGLISH_MARKERS.findall(folded)),
        "fr": len(_FRENCH_MARKERS.findall(folded)),
        "es": len(_SPANISH_MARKERS.findall(folded)),
    }
    if not any(counts.values()):
        # No letter formula at all (a fragment): fall back on the commonest small words.
        counts = text_language.counts(folded, ("en", "fr", "es"))
    best = max(counts.values())
    return next(lang for lang in ("en", "fr", "es") if counts[lang] == best)
