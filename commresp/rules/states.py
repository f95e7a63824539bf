"""The life of a communication: its states and which moves between them are allowed.

``received → enquiring → answered → drafted → sent → published``, and ``closed`` for a
communication that needs no reply (design.md §6).  When the profile requires clearance
(``[clearance] required = true``), the reply goes ``drafted → for_clearance → approved`` before
it may be sent: a mission sends nothing the head of mission (or the capital) has not approved.
Every state change in commresp goes through ``communications.move``, which asks
:func:`check_move`, so this table is the only place the rule lives.
"""

from __future__ import annotations

from commresp.errors import InvalidTransition

STATES = (
    "received",
    "enquiring",
    "answered",
    "drafted",
    "for_clearance",
    "approved",
    "sent",
    "published",
    "closed",
)

# Still waiting for the mission's reply: what `status` shows and deadlines apply to.
OPEN_STATES = ("received", "enquiring", "answered", "drafted", "for_clearance", "approved")

# The states in which the reply's text is being cleared: a new render voids the clearance
# (what was approved would no longer be what goes out) and takes the reply back to drafted.
IN_CLEARANCE = ("for_clearance", "approved")

# States after the reply went out: rendering again there needs --force (and is audited).
AFTER_SENDING = ("sent", "published")

# target state -> states it may be reached from
_MOVES: dict[str, tuple[str, ...]] = {
    # more enquiries may be sent at any time before the reply goes out
    "enquiring": ("received", "enquiring", "answered", "drafted"),
    "answered": ("enquiring", "answered", "drafted"),
    # drafting without enquiries is allowed (a reply from the mission's own knowledge);
    # a reply returned by the approver, or re-rendered in clearance, is drafted again
    "drafted": ("received", "enquiring", "answered", "drafted", "for_clearance", "approved"),
    "for_clearance": ("drafted",),
    "approved": ("for_clearance",),
    # once only: a second mark-sent is refused (its date is on record)
    "sent": ("drafted", "approved"),
    "published": ("sent",),
    "closed": ("received", "enquiring", "answered", "drafted"),
}

# with clearance required, nothing is sent that was not approved
_MOVES_CLEARED = {**_MOVES, "sent": ("approved",)}

_HOW = {
    "for_clearance": "render the drafts first ('commresp draft' then 'commresp render')",
    "approved": "submit it for clearance first ('commresp submit')",
    "published": "record the sending first ('commresp mark-sent')",
    "closed": "it is already finished",
}

_HOW_FROM = {
    ("sent", "sent"): "it was already sent",
    ("published", "sent"): "it was already sent",
    ("for_clearance", "sent"): "it awaits clearance ('commresp approve')",
    ("for_clearance", "for_clearance"): "it was already submitted",
    ("approved", "approved"): "it was already approved",
    ("approved", "for_clearance"): "it was already approved",
}


def check_move(ref: str, current: str, target: str, *, clearance: bool = False) -> None:
    """Raise :class:`InvalidTransition` unless ``current → target`` is allowed (with
    ``clearance``, a reply must be approved before it is sent)."""
    moves = _MOVES_CLEARED if clearance else _MOVES
    if current in moves.get(target, ()):
        return
    hint = _HOW_FROM.get((current, target))
    if hint is None and target == "sent":
        hint = (
            "it must be submitted and approved first ('commresp submit', 'commresp approve')"
            if clearance
            else "render the documents first ('commresp draft' then 'commresp render')"
        )
    hint = hint or _HOW.get(target, "")
    raise InvalidTransition(
        f"{ref} is {label(current)}; it cannot become {label(target)}"
        + (f": {hint}" if hint else "")
    )


def label(state: str) -> str:
    """A state as a sentence says it (``for_clearance`` → ``for clearance``)."""
    return state.replace("_", " ")
