"""catalog: the workspace's mandates and agencies, looked up, added to and corrected (audited)."""

from __future__ import annotations

import pytest

from commresp import catalog
from commresp.errors import BadInput, UnknownAgency, UnknownMandate
from tests.helpers import events, refused, rows, the_new_event

HOME_OFFICE = {
    "name_en": "Home Office liaison",
    "language": "en",
    "email": "liaison@home-office.example",
}


def test_lookups_find_an_entry_or_suggest_one(session):
    assert catalog.agency(session.db, "myria")["language"] == "fr"
    assert catalog.mandate(session.db, "trafficking")["holder_type"] == "Special Rapporteur"
    with pytest.raises(UnknownAgency, match=r"unknown agency 'myra' \(did you mean myria\?\)"):
        catalog.agency(session.db, "myra")
    with pytest.raises(UnknownMandate, match="see 'commresp mandates WORDS'"):
        catalog.mandate(session.db, "nobody-at-all")


def test_search_ignores_accents_and_case(session):
    found = catalog.search(
        rows(session.db, "agencies"), "COORDINATION traite", catalog.AGENCY_SEARCH_FIELDS
    )
    assert [a["slug"] for a in found] == ["cic"]


def test_add_an_agency(session):
    since = len(events(session.db))
    added = catalog.add_entry(session, "agency", "home-office-uk", dict(HOME_OFFICE))
    assert added == {"slug": "home-office-uk", **HOME_OFFICE}
    stored = catalog.agency(session.db, "home-office-uk")
    assert {k: stored[k] for k in added} == added
    event = the_new_event(session.db, since, "agency-add")
    assert event["details"] == added
    assert event["communication_id"] is None


def test_edit_a_mandate_keeps_the_old_value_in_the_event(session):
    before = catalog.mandate(session.db, "torture")["holder_gender"]
    since = len(events(session.db))
    edited = catalog.edit_entry(
        session, "mandate", "torture", {"holder_gender": "f", "notes": None}
    )
    assert edited["holder_gender"] == "f"
    assert catalog.mandate(session.db, "torture")["holder_gender"] == "f"
    event = the_new_event(session.db, since, "mandate-edit")
    assert event["details"] == {
        "slug": "torture",
        "before": {"holder_gender": before},
        "after": {"holder_gender": "f"},
    }


@pytest.mark.parametrize(
    "slug, fields, message",
    [
        ("Home Office", HOME_OFFICE, "'Home Office' is not a valid slug"),
        ("myria", HOME_OFFICE, "agency 'myria' exists already"),
        ("home-office-uk", {**HOME_OFFICE, "language": "de"}, "--language must be one of"),
        ("home-office-uk", {**HOME_OFFICE, "email": "liaison at home"}, "is not an e-mail"),
        ("home-office-uk", {**HOME_OFFICE, "name_en": " "}, "--name-en cannot be empty"),
    ],
)
def test_bad_agencies_are_not_added(session, slug, fields, message):
    refused(session, BadInput, message, catalog.add_entry, "agency", slug, fields)


def test_bad_edits_change_nothing(session):
    refused(session, BadInput, "nothing to change", catalog.edit_entry, "mandate", "torture", {})
    refused(
        session,
        BadInput,
        "--holder-type must be one of",
        catalog.edit_entry,
        "mandate",
        "torture",
        {"holder_type": "Rapporteur"},
    )
    refused(
        session,
        UnknownMandate,
        "unknown mandate 'tortur'",
        catalog.edit_entry,
        "mandate",
        "tortur",
        {"notes": "x"},
    )


# --- holders by period -------------------------------------------------------------------------


def test_mandate_detail_gives_both_forms_of_each_title_and_the_holders(session):
    detail = catalog.mandate_detail(session.db, "country-hti")
    assert detail["titles"]["fr"]["f"].startswith("Experte désignée par le Haut-Commissaire")
    assert detail["titles"]["es"]["m"].startswith("Experto designado por el Alto Comisionado")
    assert detail["titles"]["en"]["f"] == detail["titles"]["en"]["m"] == detail["title_en"]
    assert [h["name"] for h in detail["holders"]] == ["William O'Neill"]
    body = catalog.mandate_detail(session.db, "mercenaries")
    assert body["holders"] == [] and body["titles"]["es"]["f"].startswith("Grupo de Trabajo")


def test_add_a_holder_is_one_audited_row(session):
    from datetime import date

    since = len(events(session.db))
    added = catalog.add_holder(
        session,
        "food",
        {"name": "Jane Example", "gender": "f", "start_on": date(2026, 5, 1), "source": "x"},
    )
    assert added["end_on"] is None and added["mandate"] == "food"
    assert rows(session.db, "mandate_holders", name="Jane Example")[0]["start_on"] == "2026-05-01"
    assert the_new_event(session.db, since, "mandate-holder-add")["details"]["name"] == (
        "Jane Example"
    )


@pytest.mark.parametrize(
    ("slug", "fields", "message"),
    [
        ("food", {"name": "", "gender": "f", "start_on": "d"}, "give the holder's name"),
        ("food", {"name": "X", "gender": "x", "start_on": "d"}, "--gender must be one of f, m"),
        ("food", {"name": "X", "gender": "f", "start_on": None}, "--from YYYY-MM-DD"),
        ("mercenaries", {"name": "X", "gender": "f"}, "it has no holder gender"),
    ],
)
def test_bad_holders_are_refused_and_change_nothing(session, slug, fields, message):
    refused(session, BadInput, message, catalog.add_holder, slug, fields)
