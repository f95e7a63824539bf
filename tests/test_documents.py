"""draft, render, send, mark-sent: the drafter's work, and each way it can go wrong."""

from __future__ import annotations

import email
import json
import multiprocessing
from email import policy
from pathlib import Path

import docx
import pytest

from tests.helpers import db_snapshot, record, tree

DRAFTS = Path("correspondence/AL-BEL-1-2025/drafts")
OUT = Path("correspondence/AL-BEL-1-2025/out")


@pytest.fixture
def answered(registered):
    run = registered
    run(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--agency",
        "federal-police",
        "--question",
        "Findings?",
    )
    run(
        "answer",
        "add",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--text",
        "**Data collection**\n\nMyria publishes a report[^1] on Siobhán's & <partners> work "
        "(€2 million).\n\n[^1]: See myria.be.",
    )
    run(
        "answer",
        "add",
        "AL BEL 1/2025",
        "--agency",
        "federal-police",
        "--text",
        "No information was found[^1].\n\n[^1]: Checks of 2025.",
    )
    return run


def test_draft_writes_every_language_and_allocates_the_outgoing_reference(answered):
    result = answered.json("draft", "AL BEL 1/2025", "--date", "2025-10-01")
    assert sorted(Path(d["path"]).name for d in result) == [
        "note_verbale.en.md",
        "note_verbale.es.md",
        "note_verbale.fr.md",
        "response.en.md",
        "response.es.md",
        "response.fr.md",
    ]
    shown = answered.json("show", "AL BEL 1/2025")
    assert shown["outgoing_ref"] == "GP/CC 2025/1"
    assert shown["status"] == "drafted"
    note = (answered.root / DRAFTS / "note_verbale.fr.md").read_text()
    assert "Fait à Genève, le 1er octobre 2025" in note
    assert "Ref : GP/CC 2025/1" in note
    response = (answered.root / DRAFTS / "response.en.md").read_text()
    assert response.index("## Data collection") < response.index("No information was found")
    answered("draft", "AL BEL 1/2025", "--date", "2025-10-02", "--order", "federal-police,myria")
    response = (answered.root / DRAFTS / "response.en.md").read_text()
    assert response.index("No information was found") < response.index("## Data collection")
    # allocated once per communication
    assert answered.json("show", "AL BEL 1/2025")["outgoing_ref"] == "GP/CC 2025/1"


def test_single_mandate_is_not_conjointe(run):
    run("register", "UA BEL 2/2025", "--date", "2025-07-01", "--mandate", "torture")
    run("draft", "UA BEL 2/2025", "--date", "2025-07-30")
    note = (run.root / "correspondence/UA-BEL-2-2025/drafts/note_verbale.fr.md").read_text()
    # the holder in office on 1 July 2025 is a woman (Alice Jill Edwards, since August 2022)
    assert "se référer à la communication émanant de la Rapporteuse spéciale sur la torture" in note
    assert "conjointe" not in note
    assert "datée du 1er juillet 2025" in note
    english = (run.root / "correspondence/UA-BEL-2-2025/drafts/note_verbale.en.md").read_text()
    assert "refer to the communication from the Special Rapporteur on torture" in english


def test_render_makes_new_versions_and_records_them(answered):
    answered("draft", "AL BEL 1/2025", "--date", "2025-10-01")
    answered("render", "AL BEL 1/2025")
    answered("render", "AL BEL 1/2025", "--lang", "en")
    names = sorted(p.name for p in (answered.root / OUT).iterdir())
    assert names == [
        "note_verbale.en.v1.docx",
        "note_verbale.en.v2.docx",
        "note_verbale.fr.v1.docx",
        "response.en.v1.docx",
        "response.en.v2.docx",
        "response.fr.v1.docx",
    ]

    rows = (
        record(answered.root)
        .execute(
            "select kind, language, version, sha256 from documents where format = 'docx' "
            "order by id"
        )
        .fetchall()
    )
    assert len(rows) == 6
    assert all(len(sha) == 64 for *_, sha in rows)
    document = docx.Document(answered.root / OUT / "response.en.v2.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Myria publishes a report on Siobhán's & <partners> work (€2 million)." in text
    assert "[^" not in text


def test_two_agencies_footnotes_stay_apart(answered):
    import zipfile

    answered("draft", "AL BEL 1/2025", "--date", "2025-10-01")
    answered("render", "AL BEL 1/2025", "--lang", "en")
    with zipfile.ZipFile(answered.root / OUT / "response.en.v1.docx") as archive:
        notes = archive.read("word/footnotes.xml").decode()
        body = archive.read("word/document.xml").decode()
    assert "See myria.be." in notes and "Checks of 2025." in notes
    assert body.count("<w:footnoteReference") == 2


def test_hand_edited_draft_is_not_overwritten_without_force(answered):
    answered("draft", "AL BEL 1/2025", "--date", "2025-10-01")
    draft = answered.root / DRAFTS / "response.en.md"
    edited = draft.read_text().replace("Belgium thanks", "Belgium warmly thanks")
    draft.write_text(edited)
    before, files_before = db_snapshot(answered.root), tree(answered.root)
    result = answered("draft", "AL BEL 1/2025", code=1)
    assert "response.en.md was edited by hand" in result.stderr
    assert db_snapshot(answered.root) == before and tree(answered.root) == files_before
    assert draft.read_text() == edited
    answered("draft", "AL BEL 1/2025", "--force")
    assert (answered.root / DRAFTS / "response.en.edited.md").read_text() == edited
    assert "warmly" not in draft.read_text()
    # the edited draft is what gets rendered when the drafter does not re-draft
    draft.write_text(edited)
    answered("render", "AL BEL 1/2025", "--lang", "en")
    text = "\n".join(
        p.text for p in docx.Document(answered.root / OUT / "response.en.v1.docx").paragraphs
    )
    assert "Belgium warmly thanks" in text


def test_bad_templates_are_clear_errors(answered):
    overrides = answered.root / "templates"
    overrides.mkdir()
    for content, message in (
        ("{% if %}\n", "template note_verbale.fr.md.j2, line 1: "),
        (
            "Ref : {{ outgoing_ref }}\n{{ mission.nickname }}\n",
            "template note_verbale.fr.md.j2, line 2: 'dict object' has no attribute 'nickname'",
        ),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", "refused by the sandbox"),
    ):
        (overrides / "note_verbale.fr.md.j2").write_text(content)
        before, files_before = db_snapshot(answered.root), tree(answered.root)
        result = answered("draft", "AL BEL 1/2025", code=1)
        assert message in result.stderr, result.stderr
        assert db_snapshot(answered.root) == before and tree(answered.root) == files_before


def test_workspace_template_overrides_the_packaged_one(answered):
    (answered.root / "templates").mkdir()
    (answered.root / "templates" / "note_verbale.en.md.j2").write_text(
        "Our own note {{ outgoing_ref }} on {{ ref }}.\n"
    )
    answered("draft", "AL BEL 1/2025", "--date", "2025-10-01")
    assert (answered.root / DRAFTS / "note_verbale.en.md").read_text() == (
        "Our own note GP/CC 2025/1 on AL BEL 1/2025.\n"
    )


def test_render_before_draft_and_bad_languages(answered):
    before, files_before = db_snapshot(answered.root), tree(answered.root)
    result = answered("render", "AL BEL 1/2025", code=1)
    assert "no draft note_verbale.fr.md for AL BEL 1/2025: run 'commresp draft" in result.stderr
    result = answered("render", "AL BEL 1/2025", "--lang", "de", code=2)
    assert "--lang takes fr, en, es or several of them joined by commas" in result.stderr
    assert db_snapshot(answered.root) == before and tree(answered.root) == files_before


def test_outgoing_reference_override_already_used(answered):
    answered("draft", "AL BEL 1/2025", "--date", "2025-10-01", "--outgoing-ref", "GP/CC 2025/210")
    answered("register", "AL BEL 2/2025", "--date", "2025-07-23", "--mandate", "torture")
    before, files_before = db_snapshot(answered.root), tree(answered.root)
    result = answered("draft", "AL BEL 2/2025", "--outgoing-ref", "GP/CC 2025/210", code=2)
    assert "GP/CC 2025/210 is already used for AL BEL 1/2025" in result.stderr
    assert db_snapshot(answered.root) == before and tree(answered.root) == files_before
    answered("draft", "AL BEL 2/2025", "--date", "2025-07-30")
    assert answered.json("show", "AL BEL 2/2025")["outgoing_ref"] == "GP/CC 2025/211"


def _draft_in_process(root: str, ref: str, queue) -> None:
    from click.testing import CliRunner

    from commresp.cli import cli

    result = CliRunner().invoke(cli, ["-w", root, "draft", ref, "--date", "2025-07-31"])
    queue.put((ref, result.exit_code, result.output))


@pytest.mark.slow
def test_concurrent_drafts_get_distinct_outgoing_numbers(run):
    refs = [f"AL BEL {n}/2025" for n in range(1, 7)]
    for ref in refs:
        run("register", ref, "--date", "2025-07-22", "--mandate", "torture")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_draft_in_process, args=(str(run.root), ref, queue)) for ref in refs
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    outcomes = [queue.get(timeout=5) for _ in refs]
    assert all(code == 0 for _, code, _ in outcomes), outcomes
    numbers = [run.json("show", ref)["outgoing_ref"] for ref in refs]
    assert sorted(numbers) == sorted({f"GP/CC 2025/{n}" for n in range(1, 7)})


def test_send_and_mark_sent(answered):
    result = answered("send", "AL BEL 1/2025", code=1)
    assert (
        "AL BEL 1/2025 is answered; it cannot become sent: render the documents first"
        in result.stderr
    )
    answered("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    result = answered("send", "AL BEL 1/2025", code=1)
    assert "has no rendered note verbale in fr" in result.stderr
    answered("render", "AL BEL 1/2025")
    path = Path(answered("send", "AL BEL 1/2025").stdout.strip())
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "ohchr-registry@un.org"
    assert "AL BEL 1/2025" in message["Subject"]
    assert [a.get_filename() for a in message.iter_attachments()] == [
        "note_verbale.fr.v1.docx",
        "response.en.v1.docx",
    ]
    result = answered("mark-sent", "AL BEL 1/2025", "--on", "2025-09-01", code=2)
    assert "must be between the letter date 2025-07-22 and today" in result.stderr
    answered("mark-sent", "AL BEL 1/2025", "--on", "2025-07-31")
    shown = answered.json("show", "AL BEL 1/2025")
    assert (shown["status"], shown["sent_on"]) == ("sent", "2025-07-31")
    assert shown["days_left"] is None
    result = answered("draft", "AL BEL 1/2025", code=1)
    assert "AL BEL 1/2025 is sent; it cannot become drafted" in result.stderr
    json.loads(answered("status", "--json").stdout)


def test_pdf_without_libreoffice_says_how_to_install(answered, monkeypatch):

    answered("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    from commresp.workspace import libreoffice

    monkeypatch.setenv("PATH", str(answered.root))  # no soffice on PATH
    monkeypatch.setattr(libreoffice, "standard_places", lambda *args: [])
    before, files_before = db_snapshot(answered.root), tree(answered.root)
    result = answered("render", "AL BEL 1/2025", "--pdf", code=1)
    assert "LibreOffice is needed for PDFs and was not found: install it" in result.stderr
    assert "sudo apt install libreoffice-writer" in result.stderr
    assert db_snapshot(answered.root) == before and tree(answered.root) == files_before


def test_batch_render_of_several_communications(run):
    refs = [f"AL BEL {n}/2025" for n in (1, 2, 3)]
    for ref in refs:
        run("register", ref, "--date", "2025-07-22", "--mandate", "torture")
        run("draft", ref, "--date", "2025-07-31")
    rendered = run.json("render", *refs, "--lang", "en")
    assert len(rendered) == 6
    assert {Path(r["docx"]).parent.parent.name for r in rendered} == {
        "AL-BEL-1-2025",
        "AL-BEL-2-2025",
        "AL-BEL-3-2025",
    }


def test_draft_says_which_agencies_have_not_answered(registered):
    registered(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--agency",
        "cic",
        "--agency",
        "federal-police",
        "--question",
        "Q?",
    )
    registered("answer", "add", "AL BEL 1/2025", "--agency", "cic", "--text", "Nothing.")
    before, files_before = db_snapshot(registered.root), tree(registered.root)
    result = registered("draft", "AL BEL 1/2025", code=1)
    assert result.stderr.strip() == (
        "Error: 2 of 3 agencies have not answered: myria, federal-police; use --force to "
        "draft anyway"
    )
    assert db_snapshot(registered.root) == before and tree(registered.root) == files_before
    registered("draft", "AL BEL 1/2025", "--force")
    assert registered.json("show", "AL BEL 1/2025")["status"] == "drafted"


def test_mark_published_after_sent(answered):
    result = answered("mark-published", "AL BEL 1/2025", code=1)
    assert (
        "AL BEL 1/2025 is answered; it cannot become published: record the sending first"
        in result.stderr
    )
    answered("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    answered("render", "AL BEL 1/2025", "--lang", "en")
    answered("mark-sent", "AL BEL 1/2025", "--on", "2025-07-31")
    result = answered("mark-published", "AL BEL 1/2025", "--on", "2025-07-30", code=2)
    assert "must be between the day the reply was sent (2025-07-31) and today" in result.stderr
    answered("mark-published", "AL BEL 1/2025", "--on", "2025-08-01")
    shown = answered.json("show", "AL BEL 1/2025")
    assert (shown["status"], shown["published_on"]) == ("published", "2025-08-01")
    assert shown["events"][-1]["action"] == "mark-published"
