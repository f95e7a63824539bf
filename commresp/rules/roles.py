"""Who may do what in a team's record on a PostgreSQL server.

Five roles, each able to do what the one before it can and more: a *reader* reads, a
*coordinator* logs communications and runs the enquiries, a *drafter* writes and sends the
reply, an *approver* clears it, an *admin* keeps the catalogs and the members.  On the server
they are PostgreSQL roles with grants (:mod:`commresp.store.postgres_roles`): the server
refuses what a member's role does not allow, whatever the client does.  An agency contact is
never a member: agencies answer by returning their form.
"""

from __future__ import annotations

ROLES = ("reader", "coordinator", "drafter", "approver", "admin")

# What each role adds to the one before it, for `server add-user --help` and the README.
MAY = {
    "reader": "read everything: list, status, show, search, answers, report, export, fetch",
    "coordinator": "register and edit communications, add agencies, assign, remind, import "
    "answers, mark confidential terms",
    "drafter": "draft, render, submit for clearance, send, mark sent and published",
    "approver": "approve a reply or return it with comments",
    "admin": "edit the catalog of mandates and their holders, add members (server add-user)",
}


def includes(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (the roles are ordered)."""
    return ROLES.index(role) >= ROLES.index(needed)


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`; raises ValueError naming them otherwise."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role
