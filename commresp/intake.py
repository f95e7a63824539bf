"""Read an incoming Special Procedures letter and find what to register.

Two steps, kept apart so each can be tested and reused on its own:

* :func:`letter_text` (:mod:`commresp.documents.letter_text`) turns a letter file (PDF, .docx,
  .txt or .md) into plain text, opening a .docx with the safe reader of untrusted documents, or
  refuses it with one line saying what is wrong and what to do;
* :func:`find_facts` (:mod:`commresp.rules.letter_facts`) reads that text and finds the
  reference (``AL BEL 1/2025``), the date of the letter, its language and the mandates that
  sent it, with their titles as the letter words them and, in French and Spanish, the
  holder's gender.

:func:`read_letter` does both.  Nothing here touches the database or the command line: the
caller shows the facts, lets the user correct them (``--date``, ``--mandate``) and registers
the communication.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from commresp.documents.letter_text import MAX_BYTES, letter_text
from commresp.rules.letter_facts import FoundMandate, LetterFacts, find_facts
from commresp.rules.references import DEFAULT_OTHER_ADDRESSEES, DEFAULT_TYPES

__all__ = ["MAX_BYTES", "FoundMandate", "LetterFacts", "find_facts", "letter_text", "read_letter"]


def read_letter(
    path: Path,
    mandates: Sequence[dict],
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    other_addressees: Iterable[str] = DEFAULT_OTHER_ADDRESSEES,
    today: date | None = None,
) -> LetterFacts:
    """The facts of the letter file ``path``: :func:`find_facts` of its :func:`letter_text`.

    ``mandates`` are catalog rows; ``types``, ``other_addressees`` and ``today`` are passed to
    :func:`find_facts`.  Raises :class:`~commresp.errors.BadInput` for a file that cannot be read.
    """
    return find_facts(
        letter_text(path),
        mandates,
        types=types,
        other_addressees=other_addressees,
        today=today,
    )
