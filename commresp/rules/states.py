"""The life of a communication: its states and which moves between them are allowed.

``received → enquiring → answered → drafted → sent → published``, and ``closed`` for a
communication that needs no reply (design.md §6).  Every state change in commresp goes
through ``communications.move``, which asks :func:`check_move`, so this table is the only
place the rule lives.
"""

from __future__ import annotations

from commresp.errors import InvalidTransition

STATES = ("received", "enquiring", "answered", "drafted", "sent", "published", "closed")

# Still waiting for the mission's reply: what `status` shows and deadlines apply to.
OPEN_STATES = ("received", "enquiring", "answered", "drafted")

# target state -> states it may be reached from
_MOVES: dict[str, tuple[str, ...]] = {
    # more enquiries may be sent at any time before the reply goes out
    "enquiring": ("received", "enquiring", "answered", "drafted"),
    "answered": ("enquiring", "answered", "drafted"),
    # drafting without enquiries is allowed (a reply from the mission's own knowledge)
    "drafted": ("received", "enquiring", "answered", "drafted"),
    "sent": ("drafted", "sent"),
    "published": ("sent",),
    "closed": OPEN_STATES,
}

_HOW = {
    "sent": "render the documents first ('commresp draft' then 'commresp render')",
    "published": "record the sending first ('commresp mark-sent')",
    "closed": "it is already finished",
}


def check_move(ref: str, current: str, target: str) -> None:
    """Raise :class:`InvalidTransition` unless ``current → target`` is allowed."""
    if current not in _MOVES.get(target, ()):
        hint = _HOW.get(target, "")
        raise InvalidTransition(
            f"{ref} is {current}; it cannot become {target}" + (f": {hint}" if hint else "")
        )
