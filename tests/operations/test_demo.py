"""demo.run: the worked example AL BEL 1/2025 replayed by the operations, day by day.

(The documents it makes are compared with Belgium's published reply in tests/test_demo.py.)
"""

from __future__ import annotations

import tomllib

import docx
import pytest

from commresp import demo
from commresp.errors import DocumentError, WorkspaceError
from commresp.workspace.session import open_session
from tests.helpers import db_dump, events, rows, tree

CASE = tomllib.loads((demo.example_dir() / "case.toml").read_text(encoding="utf-8"))


def test_the_demo_replays_the_case_from_letter_to_reply(tmp_path):
    messages: list[str] = []
    result = demo.run(tmp_path / "ws", pdf=False, progress=messages.append)
    assert (result.root, result.ref) == ((tmp_path / "ws").resolve(), "AL BEL 1/2025")
    agencies = [a["agency"] for a in CASE["enquiry"]["answers"]]
    assert len(result.forms) == len(result.returned) == len(agencies)
    assert [p.name for p in result.drafts] == [
        "note_verbale.fr.md",
        "note_verbale.en.md",
        "note_verbale.es.md",
        "response.fr.md",
        "response.en.md",
        "response.es.md",
    ]
    assert [p.name for p in result.documents] == [
        "note_verbale.fr.v1.docx",
        "note_verbale.en.v1.docx",
        "response.fr.v1.docx",
        "response.en.v1.docx",
    ]
    assert all(p.is_file() for p in [*result.forms, *result.documents, result.email])
    assert messages[0] == "Registering AL BEL 1/2025 (letter of 2025-07-22)"
    assert messages[-1] == "Recording the reply as sent on 2025-10-10"

    session = open_session(str(result.root), "someone")
    (comm,) = rows(session.db, "communications")
    assert (comm["status"], comm["outgoing_ref"], comm["sent_on"]) == (
        "sent",
        "GP/CC 2025/210",
        "2025-10-10",
    )
    # each answer on the day it came, in the order of the case
    received = {a["agency"]: str(a["received_on"]) for a in CASE["enquiry"]["answers"]}
    stored = rows(session.db, "answers")
    assert len(stored) == len(agencies)
    by_enquiry = {e["id"]: e["agency"] for e in rows(session.db, "enquiries")}
    assert {by_enquiry[a["enquiry_id"]]: a["received_on"] for a in stored} == received
    # one audit event per operation, by the demo's actor
    log = events(session.db)
    assert [e["action"] for e in log] == [
        "init",
        "register",
        # one enquiry per question asked (federal-police: the persons; the others: measures)
        *["assign"] * len({tuple(a["questions"]) for a in CASE["enquiry"]["answers"]}),
        *["answer"] * len(agencies),
        "draft",
        "render",
        "send-draft",
        "mark-sent",
    ]
    assert {e["actor"] for e in log} == {"demo"}
    note = docx.Document(result.root / "correspondence/AL-BEL-1-2025/out/note_verbale.fr.v1.docx")
    assert "Ref : GP/CC 2025/210" in [p.text.replace("\u00a0", " ") for p in note.paragraphs]
    session.db.close()


def test_the_demo_never_overwrites_a_workspace(al_bel_1):
    root = al_bel_1.workspace.root
    record, files = db_dump(al_bel_1.db), tree(root)
    with pytest.raises(WorkspaceError, match="already holds a commresp workspace; nothing was"):
        demo.run(root, pdf=False)
    assert db_dump(al_bel_1.db) == record
    assert tree(root) == files


@pytest.mark.slow
def test_pdfs_without_libreoffice_stop_before_rendering(tmp_path, monkeypatch):
    from commresp.workspace import libreoffice

    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    monkeypatch.setattr(libreoffice, "standard_places", lambda *args: [])
    with pytest.raises(DocumentError, match="LibreOffice is needed for PDFs and was not found"):
        demo.run(tmp_path / "ws", pdf=True)
    session = open_session(str(tmp_path / "ws"), "someone")
    assert rows(session.db, "communications")[0]["status"] == "drafted"
    assert rows(session.db, "documents", format="docx") == []
    out = tmp_path / "ws/correspondence/AL-BEL-1-2025/out"
    assert not out.exists() or not any(out.iterdir())
    session.db.close()
