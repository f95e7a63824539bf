"""Importing the mission's own Word letterhead into the workspace."""

from __future__ import annotations

import hashlib
from pathlib import Path

from commresp import store
from commresp.errors import BadInput, FormRejected
from commresp.workspace import files, working_copy
from commresp.workspace.session import Session

NAME = "letterhead.docx"


def import_letterhead(session: Session, source: Path) -> Path:
    """Check ``source``, make it ready (:func:`prepare_letterhead`) and store it as the
    workspace's ``templates/letterhead.docx`` (atomic write, one audit event).

    Every document rendered afterwards is written into it; the profile's letterhead lines
    are no longer added, since the mission's letterhead carries its own.
    """
    from commresp.documents.letterheads import prepare_letterhead

    try:
        data = prepare_letterhead(Path(source))
    except FormRejected as exc:  # the user's own file: bad input, exit 2
        raise BadInput(str(exc)) from None
    target = session.workspace.templates / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with store.transaction(session.db):
        with files.atomic_writer(target) as out:
            out.write(data)
        # in the record too: a colleague's folder renders on the same letterhead
        working_copy.keep(session.db, session.workspace, target, data, actor=session.actor)
        store.add_event(
            session.db,
            actor=session.actor,
            action="letterhead-import",
            details={"file": Path(source).name, "sha256": hashlib.sha256(data).hexdigest()},
        )
    return target
