"""commresp draft --from-docx on the command line: what it prints and refuses."""

from __future__ import annotations

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from tests.helpers import db_snapshot

REF = "AL BEL 1/2025"
OUT = "correspondence/AL-BEL-1-2025/out"


def test_from_docx_reads_back_and_refuses_tracked_changes(registered, tmp_path):
    run = registered
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", "Myria found nothing.")
    run("draft", REF, "--date", "2025-08-01")
    run("render", REF, "--lang", "fr")
    document = docx.Document(run.root / OUT / "response.fr.v1.docx")
    p = next(p for p in document.paragraphs if p.text == "Myria found nothing.")
    p.runs[0].text = "Myria n'a rien trouvé."
    p._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="7" w:author="HoM"><w:r><w:t>!</w:t></w:r></w:ins>')
    )
    edited = tmp_path / "response.fr.v1.docx"
    document.save(edited)
    before = db_snapshot(run.root)
    result = run("draft", REF, "--from-docx", str(edited), code=1)
    assert result.stderr == (
        "Error: response.fr.v1.docx still has 1 tracked changes or comments (inserted “!” by "
        "HoM); accept or reject them in Word (Review), or use --accept-changes; nothing was "
        "changed\n"
    )
    assert db_snapshot(run.root) == before
    result = run("draft", REF, "--from-docx", str(edited), "--date", "2025-08-01", code=2)
    assert "--from-docx reads a document back; leave out --date" in result.stderr
    result = run("draft", REF, "--from-docx", str(edited), "--accept-changes")
    assert result.stdout.endswith("response.fr.md (previous draft kept in response.fr.v1.md)\n")
    draft = (run.root / "correspondence/AL-BEL-1-2025/drafts/response.fr.md").read_text("utf-8")
    assert "Myria n'a rien trouvé.!" in draft
