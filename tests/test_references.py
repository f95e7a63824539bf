from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commresp.errors import BadReference
from commresp.rules.references import parse_outgoing, parse_reference


@pytest.mark.parametrize(
    "text",
    [
        "AL BEL 1/2025",
        "al bel 1/2025",
        "AL-BEL-1-2025",
        "AL BEL 01/2025",
        " al_bel_1_2025 ",
        "AL BEL 1 / 2025",
        "alBEL1/2025",
    ],
)
def test_loose_forms_give_the_canonical_reference(text):
    ref = parse_reference(text)
    assert str(ref) == "AL BEL 1/2025"
    assert ref.slug == "AL-BEL-1-2025"


@pytest.mark.parametrize(
    "text, message",
    [
        ("hello", "is not a communication reference"),
        ("XX BEL 1/2025", "unknown letter type 'XX'"),
        ("AL ZZZ 1/2025", "'ZZZ' in 'AL ZZZ 1/2025' is not an ISO 3166-1 alpha-3"),
        ("AL BEL 0/2025", "must be 1 or more"),
        ("AL BEL 1/1789", "must be between 1990 and 2026"),
        ("AL BEL 1/2031", "must be between 1990 and 2026"),
        ("", "is not a communication reference"),
    ],
)
def test_bad_references_say_what_is_wrong(text, message):
    with pytest.raises(BadReference, match=message.replace("(", r"\(")):
        parse_reference(text, today=date(2025, 8, 1))


def test_other_addressees_and_types_come_from_configuration():
    assert str(parse_reference("ol oth 3/2024")) == "OL OTH 3/2024"
    with pytest.raises(BadReference):
        parse_reference("OL OTH 3/2024", other_addressees=())
    assert str(parse_reference("JUA BEL 2/2024", types=("JUA",))) == "JUA BEL 2/2024"


ISO3 = st.sampled_from(["BEL", "FRA", "CAN", "NLD", "ESP", "USA", "RUS", "LKA", "OTH"])


@given(
    kind=st.sampled_from(["AL", "UA", "OL"]),
    addressee=ISO3,
    number=st.integers(1, 999_999),
    year=st.integers(1990, 2025),
    sep=st.sampled_from([" ", "-", "_", "  ", " - "]),
    zeros=st.integers(0, 3),
    lower=st.booleans(),
)
def test_parse_format_round_trip(kind, addressee, number, year, sep, zeros, lower):
    written = f"{kind}{sep}{addressee}{sep}{'0' * zeros}{number}/{year}"
    if len(f"{'0' * zeros}{number}") > 6:
        return
    written = written.lower() if lower else written
    ref = parse_reference(written, today=date(2025, 8, 1))
    assert (ref.type, ref.addressee, ref.number, ref.year) == (kind, addressee, number, year)
    assert parse_reference(str(ref), today=date(2025, 8, 1)) == ref
    assert parse_reference(ref.slug, today=date(2025, 8, 1)) == ref


def test_outgoing_reference():
    ref = parse_outgoing("GP/CC 2025/210")
    assert (ref.prefix, ref.year, ref.number) == ("GP/CC", 2025, 210)
    assert str(ref) == "GP/CC 2025/210"
    with pytest.raises(BadReference):
        parse_outgoing("2025/210")
