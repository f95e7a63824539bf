"""Commands that fail half-way leave nothing stale behind for the next one to send or keep."""

from __future__ import annotations

from pathlib import Path

import docx

from commresp.documents import forms
from commresp.workspace import templates
from tests.helpers import db_snapshot, record, tree

REF = "AL BEL 1/2025"
ENQUIRIES = Path("correspondence/AL-BEL-1-2025/enquiries")


def _form_text(path: Path) -> str:
    document = docx.Document(path)
    cells = [
        p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_failed_assign_leaves_no_form_and_the_next_one_writes_a_fresh_one(run):
    run("register", REF, "--date", "2025-07-22", "--mandate", "trafficking:f")
    # a workspace's own e-mail wording with a mistake: the form is made, then the e-mail fails
    broken = run.root / "templates" / "enquiry_email.fr.toml"
    broken.parent.mkdir(exist_ok=True)
    packaged = templates.find("enquiry_email.fr.toml", None).read_text(encoding="utf-8")
    broken.write_text(
        packaged.replace("à $agency (réponse", "à $agence (réponse"), encoding="utf-8"
    )
    before = db_snapshot(run.root), tree(run.root)
    args = ["assign", REF, "--agency", "myria", "--agency", "federal-police"]
    failed = run(*args, "--question", "The old question?", "--due", "2025-09-01", code=1)
    assert failed.stderr.startswith("Error: enquiry_email.fr.toml: unknown placeholder $agence")
    assert (db_snapshot(run.root), tree(run.root)) == before
    assert not any((run.root / ENQUIRIES).glob("*"))
    # once the wording is mended, assign writes new forms: the new question, the new code
    broken.unlink()
    run(*args, "--question", "The new question?", "--due", "2025-09-05")
    db = record(run.root)
    ids = dict(db.execute("select agency, id from enquiries"))
    db.close()
    for agency, lang in (("myria", "fr"), ("federal-police", "fr")):
        form = run.root / ENQUIRIES / f"enquiry-{agency}.{lang}.docx"
        text = _form_text(form)
        assert "The new question?" in text and "The old question?" not in text
        assert forms.read_form(form).token.split(".")[2] == str(ids[agency])
    run("check")


def test_check_names_forms_and_e_mails_no_enquiry_records(run, monkeypatch):
    run("register", REF, "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", REF, "--agency", "myria", "--question", "Findings?", "--due", "2025-09-01")
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-02")  # Myria is late
    run("remind", REF)  # its e-mail is on record through the audit log
    folder = run.root / ENQUIRIES
    sent = folder / "enquiry-myria.fr.docx"
    (folder / "enquiry-cic.fr.docx").write_bytes(sent.read_bytes())
    (folder / "enquiry-cic.eml").write_bytes((folder / "enquiry-myria.eml").read_bytes())
    lines = run("check", code=1).stdout.splitlines()
    message = (
        "is not on record: no enquiry sent it (left by an assign that failed or was killed, "
        "or put there by hand); do not send it: delete it or move it out of enquiries/"
    )
    assert lines == [
        f"{ENQUIRIES}/enquiry-cic.eml: {message}",
        f"{ENQUIRIES}/enquiry-cic.fr.docx: {message}",
    ]
