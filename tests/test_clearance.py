"""The clearance commands: submit, approve, return, and what send and render then refuse."""

from __future__ import annotations

import pytest

from tests.helpers import db_snapshot

REF = "AL BEL 1/2025"


@pytest.fixture
def rendered(registered):
    run = registered
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", "Myria found nothing.")
    with open(run.root / "commresp.toml", "a", encoding="utf-8") as f:
        f.write('\n[clearance]\nrequired = true\napprovers = ["ambassador"]\n')
    run("draft", REF, "--date", "2025-08-01")
    run("render", REF)
    return run


def test_submit_return_approve_send(rendered):
    run = rendered
    result = run("send", REF, code=1)
    assert result.stderr.strip().splitlines() == [
        "Error: AL BEL 1/2025 is drafted; it cannot become sent: it must be submitted and "
        "approved first ('commresp submit', 'commresp approve')"
    ]
    assert run("submit", REF, "--to", "Ambassador").stdout == (
        "AL BEL 1/2025 submitted for clearance to Ambassador\n"
    )
    before = db_snapshot(run.root)
    result = run("approve", REF, code=1)
    assert result.stderr == (
        "Error: test-diplomat may not approve replies (approvers: ambassador); see "
        "[clearance] approvers in commresp.toml\n"
    )
    assert db_snapshot(run.root) == before
    run("--actor", "ambassador", "return", REF, "--reason", "Shorten the Myria section")
    shown = run("show", REF).stdout
    assert run.json("show", REF)["status"] == "drafted"
    assert "comments: Shorten the Myria section" in shown
    assert "returned by ambassador" in shown

    run("render", REF)
    run("submit", REF)
    result = run("--actor", "ambassador", "approve", REF)
    assert result.stdout == "AL BEL 1/2025 approved by ambassador (4 files)\n"
    shown = run.json("show", REF)
    assert shown["status"] == "approved"
    assert [f["name"] for f in shown["clearance"]["files"]] == [
        "note_verbale.en.v2.docx",
        "note_verbale.fr.v2.docx",
        "response.en.v2.docx",
        "response.fr.v2.docx",
    ]
    run("send", REF)
    run("mark-sent", REF, "--on", "2025-08-01")
    result = run("mark-sent", REF, code=1)
    assert "Error: AL BEL 1/2025 is sent; it cannot become sent: it was already sent" in (
        result.stderr
    )
    result = run("render", REF, code=1)
    assert "add --force to render anyway" in result.stderr
    run("render", REF, "--lang", "en", "--force")


def test_render_after_approval_says_the_approval_is_void(rendered):
    run = rendered
    run("submit", REF)
    run("--actor", "ambassador", "approve", REF)
    result = run("render", REF, "--lang", "fr")
    assert (
        "AL BEL 1/2025: the approval is void (rendered again); submit the new files"
        in result.stderr
    )
    assert run.json("show", REF)["status"] == "drafted"
