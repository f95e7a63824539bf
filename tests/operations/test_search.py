"""search and precedents: full-text search of the record, earlier replies worth reusing."""

from __future__ import annotations

from datetime import date

import pytest

from commresp import answers, communications, drafting, enquiries, rendering, search
from commresp.errors import BadReference, UnknownReference
from tests.helpers import db_dump, refused

REF = "AL BEL 1/2025"
PLAN = (
    "The fourth National Action Plan against trafficking in human beings runs until 2027 and "
    "gives victims shelter, legal aid and a residence permit while the case is investigated."
)


@pytest.fixture
def record(al_bel_1):
    communications.edit(
        al_bel_1, REF, changes={"summary": "Allégations de traite des êtres humains"}
    )
    communications.register(
        al_bel_1,
        "AL BEL 2/2025",
        letter_date=date(2025, 7, 25),
        mandates=[communications.MandateChoice("trafficking", "f")],
        subject="Traité sur la traite: domestic workers",
    )
    enquiries.assign(al_bel_1, REF, agencies=["myria"], questions=["Q?"], due=date(2025, 9, 1))
    answers.add(al_bel_1, REF, agency="myria", text=PLAN)
    return al_bel_1


def test_search_finds_words_without_regard_to_accents(record):
    record_before = db_dump(record.db)
    found = {(r["ref"], r["kind"]) for r in search.search(record, "TRAITE")}
    assert found == {(REF, "communication"), ("AL BEL 2/2025", "communication")}
    # the exact phrase first, then the same answer again for the words apart
    found = search.search(record, "residence permit")
    assert {(r["ref"], r["kind"], r["agency"], r["revision"]) for r in found} == {
        (REF, "answer", "myria", 1)
    }
    assert "[residence permit]" in found[0]["snippet"]
    assert len(search.search(record, "traite", limit=1)) == 1
    assert db_dump(record.db) == record_before  # searching writes nothing


def test_typed_operators_and_punctuation_are_plain_words(record):
    assert search.search(record, "") == []
    assert search.search(record, '" * - ( ^') == []
    assert search.search(record, 'residence" OR permit*') == search.search(
        record, "residence OR permit"
    )
    assert search.search(record, "NOT residence") == []  # "not" is a word, not an operator


def test_precedents_are_paragraphs_of_earlier_responses_on_the_same_mandates(record):
    drafting.draft(record, REF, on=date(2025, 8, 1))
    rendering.render(record, REF, langs=["en"])
    communications.register(
        record,
        "AL BEL 3/2025",
        letter_date=date(2025, 7, 30),
        mandates=[communications.MandateChoice("trafficking", "f")],
        subject="Trafficking in human beings: national action plan and victims",
    )
    found = search.precedents(record, "AL BEL 3/2025")
    assert found and all(r["ref"] == REF for r in found)
    assert all(r["shared_mandates"] == ["trafficking"] for r in found)
    assert any(r["text"] == PLAN for r in found)
    assert len({r["text"] for r in found}) == len(found)
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True)
    # a communication is not its own precedent
    assert search.precedents(record, REF) == []


def test_precedents_of_a_bad_or_unknown_reference(record):
    refused(
        record,
        UnknownReference,
        "AL BEL 9/2025 is not registered",
        search.precedents,
        "AL BEL 9/2025",
    )
    refused(record, BadReference, "is not a communication reference", search.precedents, "BEL 9")
