"""intake with a workspace: an incoming letter read against the workspace's own catalog and
profile, its facts registered, and unreadable letters refused before anything is written.

(The readers and the finding of facts on their own are tested in tests/test_intake.py.)
"""

from __future__ import annotations

from datetime import date

import pytest

from commresp import communications, intake
from commresp.errors import BadInput
from tests.helpers import TITLES, db_dump, letter, rows, write_docx, write_pdf, write_txt

ORDER = ["mercenaries", "minorities", "slavery", "trafficking"]


def facts(session, path):
    """What ``register --from-letter`` reads: the workspace's catalog and reference types."""
    return intake.find_facts(
        intake.letter_text(path),
        rows(session.db, "mandates"),
        types=session.profile.letter_types,
        other_addressees=session.profile.other_addressees,
        today=session.today,
    )


@pytest.mark.parametrize("writer", [write_docx, write_pdf, write_txt])
def test_a_french_letter_gives_what_to_register(session, tmp_path, writer):
    path = writer(letter("fr"), tmp_path / f"lettre.{writer.__name__[6:]}")
    record = db_dump(session.db)
    found = facts(session, path)
    assert db_dump(session.db) == record  # reading a letter writes nothing
    assert (found.reference, found.letter_date, found.language) == (
        "AL BEL 1/2025",
        date(2025, 7, 22),
        "fr",
    )
    assert [m.slug for m in found.mandates] == ORDER
    trafficking = found.mandates[3]
    assert (trafficking.gender, trafficking.title_fr) == ("f", TITLES["fr"]["trafficking"])


def test_the_facts_register_the_communication_as_the_letter_words_it(session, tmp_path):
    path = write_docx(letter("fr"), tmp_path / "lettre.docx")
    found = facts(session, path)
    shown = communications.register(
        session,
        found.reference,
        letter_date=found.letter_date,
        mandates=[communications.MandateChoice(m.slug, m.gender or None) for m in found.mandates],
        titles_fr={m.slug: m.title_fr for m in found.mandates if m.title_fr},
        letter=path,
    )
    assert shown["letter_files"] == ["lettre.docx"]
    titles = {m["mandate"]: m["title_fr"] for m in shown["mandates"]}
    assert titles == TITLES["fr"]
    assert [m["holder_gender"] for m in shown["mandates"]] == ["", "m", "m", "f"]


def test_a_reference_type_the_profile_does_not_know_is_not_taken(session, tmp_path):
    known = write_txt(letter("en", reference="OL BEL 4/2025"), tmp_path / "known.txt")
    assert facts(session, known).reference == "OL BEL 4/2025"
    unknown = write_txt(letter("en", reference="JAL BEL 4/2025"), tmp_path / "unknown.txt")
    assert "JAL" not in session.profile.letter_types
    assert facts(session, unknown).reference is None


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("letter.docx", b"PK\x03\x04 broken zip", "not a readable .docx"),
        ("letter.pdf", b"%PDF-1.4\nnot a pdf", "not a readable PDF"),
        ("letter.doc", b"\xd0\xcf\x11\xe0", "cannot read .doc files"),
    ],
)
def test_unreadable_letters_are_refused_and_nothing_is_written(
    session, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    record = db_dump(session.db)
    with pytest.raises(BadInput, match=message):
        facts(session, path)
    assert db_dump(session.db) == record
