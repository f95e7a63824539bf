"""Clearance: the reply is submitted, approved (or returned) before it goes out.

A real mission sends no note verbale the head of mission (or the capital) has not approved in
its exact text.  ``approve`` records the approver, the time and the sha256 of every rendered
file it approves; ``rendering.send`` attaches only files byte for byte those, and a new
``render`` voids the approval (:func:`void`).  The profile says whether clearance is
required and who may approve (``[clearance] required``, ``approvers``).
"""

from __future__ import annotations

from commresp import communications, store
from commresp.errors import BadInput, DocumentError, NotPermitted
from commresp.rules import states
from commresp.workspace import working_copy
from commresp.workspace.files import sha256_file
from commresp.workspace.session import Session


def submit(session: Session, ref_text: str, *, to: str | None = None) -> dict:
    """Submit the rendered reply for clearance (drafted → for clearance)."""
    comm = communications.get(session, ref_text)
    to = (to or "").strip() or None
    states.check_move(comm["ref"], comm["status"], "for_clearance")
    if not store.count_rendered(session.db, comm["id"]):
        raise DocumentError(
            f"{comm['ref']} has no rendered document to clear; run "
            f"'commresp render \"{comm['ref']}\"' first"
        )
    with store.transaction(session.db):
        round_id = store.add_clearance(session.db, comm["id"], by=session.actor, to=to)
        communications.move(
            session, comm, "for_clearance", "submit", {"to": to, "clearance": round_id}
        )
    return communications.show(session, comm["ref"])


def approve(session: Session, ref_text: str) -> dict:
    """Approve the reply as rendered: the approver, the time and each file's sha256."""
    comm = communications.get(session, ref_text)
    approvers = session.profile.approvers
    if approvers and session.actor not in approvers:
        raise NotPermitted(
            f"{session.actor} may not approve replies (approvers: {', '.join(approvers)}); "
            "see [clearance] approvers in commresp.toml"
        )
    states.check_move(comm["ref"], comm["status"], "approved")
    files = []
    for doc in store.latest_documents_of(session.db, comm["id"]):
        # the record's bytes, when this folder lacks the file (an approver elsewhere)
        path = working_copy.ensure(session, session.workspace.root / doc["path"])
        if not path.exists() or sha256_file(path) != doc["sha256"]:
            raise DocumentError(
                f"{path.name} is missing or changed since it was rendered; render again "
                "and submit the new files"
            )
        files.append({"name": path.name, "path": doc["path"], "sha256": doc["sha256"]})
    round_ = store.latest_clearance(session.db, comm["id"])
    with store.transaction(session.db):
        store.decide_clearance(
            session.db, round_["id"], outcome="approved", by=session.actor, files=files
        )
        communications.move(
            session, comm, "approved", "approve", {"clearance": round_["id"], "files": files}
        )
    return communications.show(session, comm["ref"])


def return_for_changes(session: Session, ref_text: str, *, reason: str) -> dict:
    """Send the reply back to drafted with the approver's comments."""
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("say what to change with --reason (e.g. --reason 'shorten §2')")
    comm = communications.get(session, ref_text)
    if comm["status"] not in states.IN_CLEARANCE:
        raise BadInput(
            f"{comm['ref']} is {states.label(comm['status'])}, not in clearance: only a "
            "submitted reply can be returned"
        )
    round_ = store.latest_clearance(session.db, comm["id"])
    with store.transaction(session.db):
        store.decide_clearance(
            session.db, round_["id"], outcome="returned", by=session.actor, reason=reason
        )
        communications.move(
            session, comm, "drafted", "return", {"clearance": round_["id"], "reason": reason}
        )
    return communications.show(session, comm["ref"])


def void(session: Session, comm: dict, because: str = "rendered again") -> str | None:
    """Inside the caller's transaction (a render, a draft read back from Word): a reply in
    clearance has its round voided, the caller moving it back to drafted; returns the
    sentence that says so (None when nothing was in clearance)."""
    if comm["status"] not in states.IN_CLEARANCE:
        return None
    round_ = store.latest_clearance(session.db, comm["id"])
    if round_ is not None:
        store.decide_clearance(
            session.db,
            round_["id"],
            outcome="voided",
            by=session.actor,
            reason=because,
        )
    was = "approval" if comm["status"] == "approved" else "submission for clearance"
    then = "submit the new files" if because == "rendered again" else "render and submit again"
    return f"{comm['ref']}: the {was} is void ({because}); {then}"


def check_attachments(session: Session, comm: dict, attachments: list) -> None:
    """Refuse to send unless every attached file is byte for byte an approved one (when
    clearance is required, or whenever the reply was approved)."""
    round_ = store.latest_clearance(session.db, comm["id"])
    if round_ is not None and round_["outcome"] == "approved":
        approved = {f["sha256"] for f in round_["files"]}
        changed = [p.name for p in attachments if sha256_file(p) not in approved]
        if changed:
            raise DocumentError(
                f"not the approved files: {', '.join(changed)}; render, submit and approve again"
            )
    elif session.profile.clearance_required:
        raise DocumentError(
            f"{comm['ref']} is {states.label(comm['status'])}, not approved: clearance is "
            "required ('commresp submit', then 'commresp approve')"
        )
