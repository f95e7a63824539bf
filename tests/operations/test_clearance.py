"""clearance: submit, approve, return; send attaches only what was approved, byte for byte;
the states refuse a second mark-sent, publishing before sending, rendering after sending."""

from __future__ import annotations

from datetime import date

import pytest

from commresp import clearance, communications, drafting, rendering
from commresp.errors import BadInput, InvalidTransition, NotPermitted
from commresp.workspace.files import sha256_file
from commresp.workspace.session import open_session
from tests.helpers import events, read_eml, refused, rows, the_new_event

REF = "AL BEL 1/2025"


@pytest.fixture
def drafted(al_bel_1_answered):
    drafting.draft(al_bel_1_answered, REF, on=date(2025, 8, 1))
    return al_bel_1_answered


@pytest.fixture
def cleared(drafted):
    """The workspace with clearance required and the ambassador as the only approver;
    returns a function opening a session as a given actor."""
    root = drafted.workspace.root
    with open(root / "commresp.toml", "a", encoding="utf-8") as f:
        f.write('\n[clearance]\nrequired = true\napprovers = ["ambassador"]\n')
    opened = []

    def as_actor(actor: str = "test-diplomat"):
        session = open_session(str(root), actor)
        opened.append(session)
        return session

    yield as_actor
    for session in opened:
        session.db.close()


def test_submit_approve_send_the_approved_files(cleared):
    drafter, ambassador = cleared(), cleared("ambassador")
    rendered = rendering.render(drafter, REF)
    refused(
        drafter, InvalidTransition, "it must be submitted and approved first", rendering.send, REF
    )
    refused(ambassador, InvalidTransition, "submit it for clearance first", clearance.approve, REF)

    since = len(events(drafter.db))
    shown = clearance.submit(drafter, REF, to="Ambassador")
    assert shown["status"] == "for_clearance"
    assert the_new_event(drafter.db, since, "submit")["details"]["to"] == "Ambassador"
    refused(drafter, InvalidTransition, "it awaits clearance", rendering.mark_sent, REF)

    refused(drafter, NotPermitted, "test-diplomat may not approve replies", clearance.approve, REF)
    since = len(events(ambassador.db))
    shown = ambassador_approves = clearance.approve(ambassador, REF)
    assert ambassador_approves["status"] == "approved"
    round_ = rows(ambassador.db, "clearances")[0]
    assert (round_["outcome"], round_["decided_by"]) == ("approved", "ambassador")
    assert round_["decided_at"] and round_["submitted_to"] == "Ambassador"
    # every rendered file, with the sha256 of its bytes on disk
    approved = {f["name"]: f["sha256"] for f in shown["clearance"]["files"]}
    assert approved == {r.docx.name: sha256_file(r.docx) for r in rendered}
    event = the_new_event(ambassador.db, since, "approve", actor="ambassador")
    assert event["details"]["from"] == "for_clearance"

    eml = rendering.send(drafter, REF)
    attached = [p.get_filename() for p in read_eml(eml).iter_attachments()]
    assert set(attached) <= set(approved)
    shown = rendering.mark_sent(drafter, REF, on=date(2025, 8, 1))
    assert shown["status"] == "sent"


def test_a_changed_file_is_put_back_as_approved_before_it_is_sent(cleared):
    # the rendered file is commresp's own: its bytes are in the record, and a copy touched
    # on disk is put back from the record, so the approved bytes are what goes out
    drafter = cleared()
    rendered = rendering.render(drafter, REF)
    clearance.submit(drafter, REF)
    clearance.approve(cleared("ambassador"), REF)
    note = next(r.docx for r in rendered if (r.kind, r.language) == ("note_verbale", "fr"))
    approved = note.read_bytes()
    note.write_bytes(approved + b"\0")  # someone touched the approved file
    sent = read_eml(rendering.send(drafter, REF))
    attached = {p.get_filename(): p.get_content() for p in sent.iter_attachments()}
    assert attached[note.name] == approved
    assert note.read_bytes() == approved


def test_render_after_approval_voids_it_and_says_so(cleared):
    drafter = cleared()
    rendering.render(drafter, REF)
    clearance.submit(drafter, REF)
    clearance.approve(cleared("ambassador"), REF)
    since = len(events(drafter.db))
    again = rendering.render(drafter, REF, langs=["fr"])
    assert (
        again[0].note
        == "AL BEL 1/2025: the approval is void (rendered again); submit the new files"
    )
    event = the_new_event(drafter.db, since, "render")
    assert (event["details"]["from"], event["details"]["voided"]) == ("approved", "approved")
    assert communications.get(drafter, REF)["status"] == "drafted"
    assert rows(drafter.db, "clearances")[0]["outcome"] == "voided"
    refused(
        drafter, InvalidTransition, "it must be submitted and approved first", rendering.send, REF
    )


def test_return_goes_back_to_drafted_with_the_comments(cleared):
    drafter = cleared()
    rendering.render(drafter, REF)
    refused(drafter, BadInput, "not in clearance", clearance.return_for_changes, REF, reason="x")
    clearance.submit(drafter, REF, to="Ambassador")
    ambassador = cleared("ambassador")
    refused(
        ambassador,
        BadInput,
        "say what to change with --reason",
        clearance.return_for_changes,
        REF,
        reason=" ",
    )
    since = len(events(ambassador.db))
    shown = clearance.return_for_changes(ambassador, REF, reason="Shorten the Myria section")
    assert shown["status"] == "drafted"
    assert shown["clearance"]["outcome"] == "returned"
    assert shown["clearance"]["reason"] == "Shorten the Myria section"
    event = the_new_event(ambassador.db, since, "return", actor="ambassador")
    assert event["details"]["reason"] == "Shorten the Myria section"
    # drafted again: it can be submitted again, a new round
    clearance.submit(drafter, REF)
    assert [r["outcome"] for r in rows(drafter.db, "clearances")] == ["returned", "pending"]


def test_without_clearance_render_then_send_still_works(drafted):
    rendering.render(drafted, REF)
    assert rendering.send(drafted, REF).exists()
    rendering.mark_sent(drafted, REF, on=date(2025, 8, 1))


def test_anyone_may_approve_when_no_approver_is_named(drafted):
    rendering.render(drafted, REF)
    clearance.submit(drafted, REF)
    assert clearance.approve(drafted, REF)["clearance"]["decided_by"] == "test-diplomat"


def test_mark_sent_twice_and_published_before_sent_are_refused(drafted):
    rendering.render(drafted, REF)
    refused(
        drafted,
        InvalidTransition,
        "AL BEL 1/2025 is drafted; it cannot become published: record the sending first",
        communications.mark_published,
        REF,
    )
    rendering.mark_sent(drafted, REF, on=date(2025, 8, 1))
    refused(
        drafted,
        InvalidTransition,
        "AL BEL 1/2025 is sent; it cannot become sent: it was already sent",
        rendering.mark_sent,
        REF,
    )


def test_render_after_sending_needs_force_and_is_audited(drafted):
    rendering.render(drafted, REF)
    rendering.mark_sent(drafted, REF, on=date(2025, 8, 1))
    refused(
        drafted,
        InvalidTransition,
        "AL BEL 1/2025 was sent on 2025-08-01: a new render would no longer be what went out; "
        "add --force",
        rendering.render,
        REF,
    )
    since = len(events(drafted.db))
    again = rendering.render(drafted, REF, langs=["en"], force=True)
    assert [r.version for r in again] == [2, 2]
    assert the_new_event(drafted.db, since, "render")["details"]["forced_after"] == "sent"
    assert communications.get(drafted, REF)["status"] == "sent"
