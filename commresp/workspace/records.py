"""The files of a communication on record: each draft and rendered document, by version.

``draft`` records the Markdown drafts it writes and ``render`` the .docx and .pdf files, each
with its sha256 (so a draft edited by hand, or a damaged file, can be seen) in the
``documents`` table, and its bytes in the record (:mod:`commresp.workspace.working_copy`).
Versions count per kind, language, format and redaction.
"""

from __future__ import annotations

from pathlib import Path

from commresp import store
from commresp.workspace import files, working_copy
from commresp.workspace.session import Session


def next_version(
    session: Session, comm_id: int, kind: str, lang: str, fmt: str, redacted: bool
) -> int:
    """The version number the next file of this kind, language and format gets (1 first)."""
    latest = store.latest_document(session.db, comm_id, kind, lang, fmt, redacted)
    return (latest["version"] if latest else 0) + 1


def record_document(
    session: Session,
    comm_id: int,
    kind: str,
    lang: str,
    version: int,
    fmt: str,
    path: Path,
    redacted: bool = False,
    *,
    content: Path | None = None,
) -> int:
    """Record a draft or rendered file with its sha256, so edits and damage can be seen.

    ``content`` is the file to hash when ``path``'s new content is still staged under a
    temporary name (see :mod:`commresp.workspace.staging`, which has kept its bytes in the
    record); otherwise the file's bytes are kept in the record here."""
    if content is None:
        digest = working_copy.keep(session.db, session.workspace, path, actor=session.actor)
    else:
        digest = files.sha256_file(content)
    return store.insert_document(
        session.db,
        {
            "communication_id": comm_id,
            "kind": kind,
            "language": lang,
            "version": version,
            "format": fmt,
            "path": str(path.relative_to(session.workspace.root)),
            "sha256": digest,
            "redacted": int(redacted),
            "actor": session.actor,
            "created_at": store.now(),
        },
    )
