"""Publication copies: what is marked confidential never reaches the redacted files.

OHCHR publishes the reply 60 days after the letter, so a victim's name and a phone number
must be hidden in the copy that is published.  The files are read back the way a reader
would (docx2python, pypdf) and the way an attacker would (every XML part, raw).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx2python import docx2python

from commresp import redaction, rendering
from tests.helpers import db_snapshot, record, tree

REF = "AL BEL 1/2025"
OUT = Path("correspondence/AL-BEL-1-2025/out")
PHONE = "+32 470 12 34 56"
# The victim's name with accents, the same name as a clerk typed it (capitals, no accents),
# decomposed (a combining accent, as some mail clients send it), in a link target, in a
# footnote and a table cell; the phone number marked ||…|| in two places and not in a third.
ANSWER = (
    "**Hearing of Siobhán Ó Briain**\n\n"
    f"Ms Siobhán Ó Briain (telephone ||{PHONE}||) was heard by the Federal Police on "
    "3 July 2025[^1]; her file is kept by [the registry](mailto:siobhan@example.org).\n\n"
    "| Person | Telephone |\n"
    "|---|---|\n"
    f"| SIOBHAN O BRIAIN | ||{PHONE}|| |\n\n"
    f"[^1]: Minutes of the hearing of Siobha\u0301n ({PHONE}), kept by the police."
)
SUBJECT = "Trafficking case of Siobhán Ó Briain"
# Folded (no case, no accents) forms that must appear nowhere in a redacted copy.
SECRETS = ("siobhan", "o briain", "32 470 12 34 56", "470 12 34")
KEPT = (
    "was heard by the Federal Police on 3 July 2025",
    "kept by the police",
    "Telephone",
    "the registry",
    "Hearing of",
)


def folded(text: str) -> str:
    """Case and accents dropped, whitespace runs as one space: independent of the module."""
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def xml_parts(path: Path) -> dict[str, str]:
    """Every XML part of a .docx, entities decoded."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: html.unescape(archive.read(name).decode("utf-8"))
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def surviving(path: Path) -> list[tuple[str, str]]:
    """(part, secret) for every secret found in any XML part: in the raw XML (attributes,
    link targets, percent-encoded or not) or in the text with all tags removed, so that a
    name split across runs ("Sio" + "bhán") is read whole."""
    found = []
    for name, xml in xml_parts(path).items():
        runs_joined = re.sub(r"<[^>]+>", "", xml)
        for variant in (xml, unquote(xml), runs_joined):
            for secret in SECRETS:
                if secret in folded(variant) and (name, secret) not in found:
                    found.append((name, secret))
    return found


def read_back(path: Path) -> dict[str, str]:
    """What a reader sees: body, headers, footnotes, properties (docx2python)."""
    with docx2python(path) as extracted:
        return {
            "all": extracted.text,
            "body": "\n".join(_strings(extracted.body)),
            "header": "\n".join(_strings(extracted.header)),
            "footnotes": "\n".join(_strings(extracted.footnotes)),
            "properties": json.dumps(extracted.core_properties, ensure_ascii=False),
        }


def _strings(nested) -> list[str]:
    if isinstance(nested, str):
        return [nested]
    return [s for item in nested for s in _strings(item)]


@pytest.fixture
def marked(run, monkeypatch):
    """AL BEL 1/2025 with one answer naming the victim, the name on the confidential list,
    a duty officer's name in the letterhead lines and the case in the document properties."""
    profile = run.root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    last_line = '"www.diplomatie.be/geneva",'
    text = text.replace(last_line, f'{last_line}\n"Contact: SIOBHÁN",')
    # the response carries the letterhead here, so its redacted header is checked too
    profile.write_text(text + "\n[documents]\nresponse_letterhead = true\n")
    run("register", REF, "--date", "2025-07-22", "--mandate", "trafficking:f", "--subject", SUBJECT)
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", ANSWER)
    run("confidential", REF, "--add", "Siobhán", "--add", "Ó Briain")
    run("draft", REF, "--date", "2025-07-31")

    def properties(comm, kind, lang):
        return {
            "title": f"Response – {comm['subject']}",
            "subject": comm["subject"],
            "keywords": f"Siobhán Ó Briain; {PHONE}",
            "comments": "Case of SIOBHAN",
            "language": lang,
        }

    monkeypatch.setattr(rendering, "_properties", properties)
    return run


def _documents(root: Path) -> list[tuple]:
    return (
        record(root)
        .execute(
            "select kind, language, version, format, path, redacted from documents "
            "where format != 'md' order by id"
        )
        .fetchall()
    )


def test_redacted_copy_hides_every_term_everywhere(marked):
    result = marked.json("render", REF, "--lang", "en", "--redacted")
    assert [Path(r["docx"]).name for r in result] == [
        "note_verbale.en.v1.redacted.docx",
        "response.en.v1.redacted.docx",
    ]
    assert all(r["redacted"] for r in result)
    path = marked.root / OUT / "response.en.v1.redacted.docx"
    assert surviving(path) == []
    assert surviving(marked.root / OUT / "note_verbale.en.v1.redacted.docx") == []
    seen = read_back(path)
    for secret in SECRETS:
        for where, text in seen.items():
            assert secret not in folded(text), (secret, where)
    assert "||" not in seen["all"]
    bar = redaction.BAR
    assert f"Hearing of {bar} {bar}" in seen["body"]
    assert f"Ms {bar} {bar} (telephone {bar})" in seen["body"]
    assert f"{bar} {bar}\n{bar}" in seen["body"]  # the table row: name cell, phone cell
    assert f"Minutes of the hearing of {bar} ({bar}), kept by the police." in seen["footnotes"]
    assert f"Contact: {bar}" in seen["header"]
    assert "www.diplomatie.be/geneva" in seen["header"]
    for kept in KEPT:
        assert kept in seen["all"], kept
    core = xml_parts(path)["docProps/core.xml"]
    assert f"Response – Trafficking case of {bar} {bar}" in core
    assert f"Case of {bar}" in core
    rels = unquote(xml_parts(path)["word/_rels/document.xml.rels"])
    assert f"mailto:{bar}@example.org" in rels
    assert _documents(marked.root) == [
        ("note_verbale", "en", 1, "docx", str(OUT / "note_verbale.en.v1.redacted.docx"), 1),
        ("response", "en", 1, "docx", str(OUT / "response.en.v1.redacted.docx"), 1),
    ]
    events = marked.json("show", REF)["events"]
    assert events[-1]["action"] == "render"
    assert events[-1]["details"]["redacted"] is True
    assert events[-1]["details"]["style"] == "bar"
    assert not list((marked.root / OUT).glob(".*"))  # no unchecked copy left behind


def test_normal_render_shows_the_names_without_markers(marked):
    marked("render", REF, "--lang", "en")
    path = marked.root / OUT / "response.en.v1.docx"
    seen = read_back(path)
    assert f"Ms Siobhán Ó Briain (telephone {PHONE}) was heard" in seen["body"]
    assert f"SIOBHAN O BRIAIN\n{PHONE}" in seen["body"]
    assert PHONE in seen["footnotes"]
    assert "Contact: SIOBHÁN" in seen["header"]
    assert redaction.BAR not in seen["all"]
    assert all("||" not in xml for xml in xml_parts(path).values())
    assert {secret for _, secret in surviving(path)} == set(SECRETS)
    assert [row[-1] for row in _documents(marked.root)] == [0, 0]
    # the redacted copies are numbered on their own and never replace the documents sent
    marked("render", REF, "--lang", "en", "--redacted")
    marked("render", REF, "--lang", "en", "--redacted")
    names = sorted(p.name for p in (marked.root / OUT).iterdir())
    assert "response.en.v2.redacted.docx" in names and "response.en.v2.docx" not in names


def test_text_style_writes_redacted(marked):
    marked("render", REF, "--lang", "en", "--redacted", "--text")
    path = marked.root / OUT / "response.en.v1.redacted.docx"
    assert surviving(path) == []
    seen = read_back(path)
    assert "Ms [redacted] [redacted] (telephone [redacted]) was heard" in seen["body"]
    assert "Minutes of the hearing of [redacted] ([redacted])" in seen["footnotes"]
    assert redaction.BAR not in seen["all"]
    result = marked("render", REF, "--text", code=2)
    assert "--text goes with --redacted" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(rendering.soffice() is None, reason="LibreOffice is not installed")
def test_redacted_pdf_has_no_term_in_text_links_or_metadata(marked):
    from pypdf import PdfReader

    result = marked.json("render", REF, "--lang", "en", "--redacted", "--pdf")
    pdf = Path(result[1]["pdf"])
    assert pdf.name == "response.en.v1.redacted.pdf"
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    links = [
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
    ]
    for secret in SECRETS:
        assert secret not in folded(text)
        assert secret not in folded(metadata)
        assert all(secret not in folded(unquote(link)) for link in links)
    assert redaction.BAR in text
    assert "was heard by the federal police on 3 july 2025" in folded(text)
    assert [unquote(link) for link in links] == [f"mailto:{redaction.BAR}@example.org"]
    outline = [item.title for item in reader.outline]  # headings become PDF bookmarks
    assert outline == [f"Hearing of {redaction.BAR} {redaction.BAR}"]
    assert "Trafficking case of" in metadata
    assert {row[3] for row in _documents(marked.root)} == {"docx", "pdf"}
    # the same check finds the names in the normal PDF: it looks where it should
    marked("render", REF, "--lang", "en", "--pdf")
    leaks = redaction.pdf_leaks(marked.root / OUT / "response.en.v1.pdf", ["Siobhán", PHONE])
    assert {leak.term for leak in leaks} == {"Siobhán", PHONE}
    assert any(leak.where.startswith("metadata") for leak in leaks)


def _skipping_footnotes(monkeypatch):
    """A faulty replacement that forgets footnote definitions (markers dropped there)."""
    original = redaction.redact_markdown

    def faulty(markdown, terms, style="bar"):
        blocks = markdown.split("\n\n")
        return "\n\n".join(
            redaction.strip_markers(b) if b.startswith("[^") else original(b, terms, style)
            for b in blocks
        )

    monkeypatch.setattr(redaction, "redact_markdown", faulty)


def test_a_leak_is_caught_and_no_redacted_file_remains(marked, monkeypatch):
    marked("render", REF, "--lang", "en")
    _skipping_footnotes(monkeypatch)
    before, files_before = db_snapshot(marked.root), tree(marked.root)
    result = marked("render", REF, "--lang", "en", "--redacted", code=1)
    assert "Error: the redacted copy response.en.v1.redacted.docx still showed the " in (
        result.stderr
    )
    assert "word/footnotes.xml" in result.stderr
    assert "nothing was recorded" in result.stderr
    assert db_snapshot(marked.root) == before and tree(marked.root) == files_before
    assert not list((marked.root / OUT).glob("*.redacted.*"))


@pytest.mark.slow
@pytest.mark.skipif(rendering.soffice() is None, reason="LibreOffice is not installed")
def test_a_leak_only_in_the_pdf_is_caught_too(marked, monkeypatch):
    _skipping_footnotes(monkeypatch)
    monkeypatch.setattr(redaction, "docx_leaks", lambda path, terms: [])
    before, files_before = db_snapshot(marked.root), tree(marked.root)
    result = marked("render", REF, "--lang", "en", "--redacted", "--pdf", code=1)
    assert "response.en.v1.redacted.pdf still showed the confidential term" in result.stderr
    assert "page 1" in result.stderr
    assert db_snapshot(marked.root) == before and tree(marked.root) == files_before


def test_an_unclosed_marker_is_refused(marked):
    draft = marked.root / "correspondence/AL-BEL-1-2025/drafts/response.en.md"
    draft.write_text(draft.read_text() + "\nThe witness ||Jan Peeters asked not to be named.\n")
    before, files_before = db_snapshot(marked.root), tree(marked.root)
    result = marked("render", REF, "--lang", "en", "--redacted", code=1)
    assert "response.en.md has a ||…|| marker that is not closed in its paragraph, near " in (
        result.stderr
    )
    assert db_snapshot(marked.root) == before and tree(marked.root) == files_before


def test_refused_when_nothing_is_marked(registered):
    run = registered
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", "No victim was identified.")
    run("draft", REF, "--date", "2025-07-31")
    before, files_before = db_snapshot(run.root), tree(run.root)
    result = run("render", REF, "--redacted", code=1)
    assert result.stderr.startswith(
        "Error: nothing is marked confidential in AL BEL 1/2025: add terms with "
        "'commresp confidential \"AL BEL 1/2025\" --add TERM'"
    )
    assert db_snapshot(run.root) == before and tree(run.root) == files_before


def test_confidential_list_add_remove(registered):
    run = registered
    assert run.json("confidential", REF) == []
    result = run("confidential", REF, "--add", "Siobhán Ó Briain", "--add", "  +32 470  12 ")
    assert "added: Siobhán Ó Briain" in result.stderr
    result = run("confidential", "al-bel-1-2025", "--add", "SIOBHAN O BRIAIN")
    assert "already on the list: Siobhán Ó Briain" in result.stderr
    rows = run.json("confidential", REF)
    assert [(r["term"], r["source"], r["actor"]) for r in rows] == [
        ("Siobhán Ó Briain", "list", "test-diplomat"),
        ("+32 470 12", "list", "test-diplomat"),
    ]
    before = db_snapshot(run.root)
    result = run("confidential", REF, "--remove", "siobhan o briain", "--remove", "Nobody", code=2)
    assert "'Nobody' is not on the confidential list of AL BEL 1/2025; nothing was changed" in (
        result.stderr
    )
    result = run("confidential", REF, "--add", "Li", code=2)
    assert "'Li' is too short to hide safely" in result.stderr
    assert db_snapshot(run.root) == before
    run("confidential", REF, "--remove", "siobhan o briain")
    assert [r["term"] for r in run.json("confidential", REF)] == ["+32 470 12"]
    events = [e for e in run.json("show", REF)["events"] if e["action"] == "confidential"]
    assert [e["details"] for e in events] == [
        {"added": ["Siobhán Ó Briain", "+32 470 12"], "removed": []},
        {"added": [], "removed": ["Siobhán Ó Briain"]},
    ]
    # texts marked ||…|| in answers are listed with where they were marked
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", "Witness ||Jan Peeters|| was heard.")
    assert run.json("confidential", REF)[-1] == {
        "term": "Jan Peeters",
        "source": "answer of myria (revision 1)",
        "actor": None,
        "added_at": None,
    }


# --- the pure functions --------------------------------------------------------------------


def test_matching_ignores_case_accents_and_spacing_but_not_paragraphs():
    terms = ["Siobhán Ó Briain"]
    bar = redaction.BAR
    for text in (
        "SIOBHAN O BRIAIN",
        "siobha\u0301n o\u0301 briain",  # decomposed accents
        "Sio\u00adbhán Ó\nBriain",  # a soft hyphen, a line break
        "Siobhán\u00a0Ó  Briain",  # a no-break space, two spaces
    ):
        assert redaction.redact_text(text, terms) == bar, text
    assert redaction.redact_text("Siobhán Ó\n\nBriain", terms) == "Siobhán Ó\n\nBriain"
    # part of a word is hidden as marked, the rest of the word stays
    assert redaction.redact_text("Siobhán's and MacSiobhán", ["siobhan"]) == (
        f"{bar}'s and Mac{bar}"
    )
    assert redaction.redact_text("Łukasz and Lukasz", ["Lukasz"]) == f"{bar} and {bar}"


def test_markers_in_markdown():
    text = "| a | ||+32 470|| |\n|---|---|\n| x || y |\n\nCall ||Al|| or ||  no ||."
    assert redaction.markers(text) == ["+32 470", "Al"]
    assert redaction.strip_markers(text) == (
        "| a | +32 470 |\n|---|---|\n| x || y |\n\nCall Al or ||  no ||."
    )
    # a short marked text is hidden where marked, but not searched for everywhere
    assert redaction.collect_terms(["Ó Briain"], [text]) == ["Ó Briain", "+32 470"]
    redacted = redaction.redact_markdown("Call ||Jan||, not Jane.", [], "text")
    assert redacted == "Call [redacted], not Jane."


def test_markdown_stays_markdown():
    text = "Seen by Siobhán[^siobhan-1] (Siobhán(x)).\n\n[^siobhan-1]: Siobhán: a note."
    assert redaction.redact_markdown(text, ["Siobhán"], "text") == (
        "Seen by \\[redacted\\][^siobhan-1] (\\[redacted\\](x)).\n\n"
        "[^siobhan-1]: \\[redacted\\]: a note."
    )
    with pytest.raises(ValueError, match="redaction style 'grey'"):
        redaction.redact_text("x", ["x"], "grey")


def test_properties_are_redacted_but_not_the_language():
    props = {"title": "Case of Siobhán", "keywords": "SIOBHAN", "language": "en"}
    assert redaction.redact_properties(props, ["Siobhán"], "text") == {
        "title": "Case of [redacted]",
        "keywords": "[redacted]",
        "language": "en",
    }


def test_a_term_split_across_runs_is_found(tmp_path):
    import docx

    path = tmp_path / "split.docx"
    document = docx.Document()
    paragraph = document.add_paragraph("Heard: Sio")
    paragraph.add_run("bhán").bold = True
    paragraph.add_run(" Ó Briain.")
    document.add_paragraph("Briain")
    document.save(path)
    leaks = redaction.docx_leaks(path, ["Siobhán", "Ó Briain Briain"])
    assert [leak.term for leak in leaks] == ["Siobhán"]
    assert leaks[0].where == "word/document.xml (text)"


# --- look-alikes (issue 13, class 6) --------------------------------------------------------

CYRILLIC_O = "\u043e"  # CYRILLIC SMALL LETTER O, drawn like the Latin "o"


def test_a_name_written_with_a_cyrillic_letter_inside_is_refused(marked):
    """'Siоbhán' with a Cyrillic о reads as the listed name: the publication copy is refused,
    naming the term, and nothing is written or recorded."""
    draft = marked.root / "correspondence/AL-BEL-1-2025/drafts/response.en.md"
    lookalike = f"Si{CYRILLIC_O}bhán"
    draft.write_text(draft.read_text() + f"\nThe witness {lookalike} was heard again.\n")
    before, files_before = db_snapshot(marked.root), tree(marked.root)
    result = marked("render", REF, "--lang", "en", "--redacted", code=1)
    assert "response.en.md" in result.stderr
    assert "'Siobhán'" in result.stderr
    assert "Cyrillic" in result.stderr
    assert db_snapshot(marked.root) == before and tree(marked.root) == files_before


def test_a_phone_number_in_other_groupings_is_hidden(run):
    run("register", REF, "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    written = ["+32470123456", "+32.470.12.34.56", "+32-470-12-34-56", "+32 4701 23456"]
    text = "Telephones: " + "; ".join(written) + "."
    run("answer", "add", REF, "--agency", "myria", "--text", text)
    run("confidential", REF, "--add", PHONE)
    run("draft", REF, "--date", "2025-07-31")
    run("render", REF, "--lang", "en", "--redacted")
    seen = read_back(run.root / OUT / "response.en.v1.redacted.docx")["body"]
    bar = redaction.BAR
    assert f"Telephones: {bar}; {bar}; {bar}; {bar}." in seen


def test_a_lookalike_that_survives_in_a_file_is_caught(tmp_path):
    import docx

    path = tmp_path / "lookalike.docx"
    document = docx.Document()
    document.add_paragraph(f"Heard: Si{CYRILLIC_O}bhán, tel. +32.470.12.34.56")
    document.save(path)
    leaks = redaction.docx_leaks(path, ["Siobhán", PHONE])
    assert sorted(leak.term for leak in leaks) == sorted(["Siobhán", PHONE])


def test_skeleton_folds_confusables_and_digit_groupings():
    from commresp.rules.folding import mixed_scripts, skeleton

    assert skeleton(f"Si{CYRILLIC_O}bhán") == "siobhan"
    assert skeleton("\u0405\u0456\u043ebh\u0430n") == "siobhan"  # Ѕ, і, о and а are Cyrillic
    assert skeleton("+32 470 12 34 56") == skeleton("+32.470.12.34.56") == "+32470123456"
    assert skeleton("12 July\n\n2025") == "12 july\n2025"  # never across paragraphs
    assert skeleton("Rapporteuse Spéciale") == "rapporteuse speciale"
    assert skeleton("rn, l1, 0O") == "rn, l1, 0o"  # ASCII look-alikes stay apart
    assert mixed_scripts(f"Si{CYRILLIC_O}bhán") == ["Cyrillic", "Latin"]
    assert mixed_scripts("Siobhán") == []
    assert mixed_scripts("Москва") == []
    assert mixed_scripts("Ó'Briain-2") == []


# --- terms travel with reused text (issue 13, class 5) -----------------------------------

OTHER = "AL BEL 2/2025"
VICTIM_PARAGRAPH = (
    "Ms Siobhán Ó Briain was heard by the Federal Police on 3 July 2025 and her statement "
    "was passed to the public prosecutor of Antwerp, who opened an investigation."
)


@pytest.fixture
def precedent(run):
    """AL BEL 1/2025 answered and rendered, naming a victim on its confidential list; and a
    new communication, AL BEL 2/2025, whose own answer names no one."""
    run("register", REF, "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", VICTIM_PARAGRAPH)
    run("confidential", REF, "--add", "Siobhán", "--add", "Ó Briain")
    run("draft", REF, "--date", "2025-07-31")
    run("render", REF, "--lang", "en")
    run("register", OTHER, "--date", "2025-07-25", "--mandate", "trafficking:f")
    run("assign", OTHER, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", OTHER, "--agency", "myria", "--text", "No victim was identified.")
    return run


def _paragraph_id(root: Path, fragment: str) -> int:
    db = record(root)
    try:
        return db.execute(
            "select id from paragraphs where text like ? order by id", [f"%{fragment}%"]
        ).fetchone()[0]
    finally:
        db.close()


def test_reuse_brings_the_source_terms_along_and_the_copy_hides_them(precedent):
    run = precedent
    paragraph = _paragraph_id(run.root, "Siobhán")
    run("draft", OTHER, "--date", "2025-07-31", "--reuse", str(paragraph))
    rows = run.json("confidential", OTHER)
    assert sorted((r["term"], r["source"]) for r in rows) == [
        ("Siobhán", f"from {REF}"),
        ("Ó Briain", f"from {REF}"),
    ]
    draft_event = [e for e in run.json("show", OTHER)["events"] if e["action"] == "draft"][-1]
    assert sorted(draft_event["details"]["confidential_from"][REF]) == ["Siobhán", "Ó Briain"]
    run("render", OTHER, "--lang", "en", "--redacted")
    path = run.root / "correspondence/AL-BEL-2-2025/out/response.en.v1.redacted.docx"
    seen = read_back(path)["all"]
    assert "siobhan" not in folded(seen) and "briain" not in folded(seen)
    assert "public prosecutor of Antwerp" in seen


def test_text_copied_by_hand_from_another_case_is_checked_for_its_terms(precedent):
    run = precedent
    run("draft", OTHER, "--date", "2025-07-31")
    draft = run.root / "correspondence/AL-BEL-2-2025/drafts/response.en.md"
    draft.write_text(draft.read_text() + "\n" + VICTIM_PARAGRAPH + "\n")
    run("confidential", OTHER, "--add", "Jan Peeters")  # its own list names someone else
    run("render", OTHER, "--lang", "en", "--redacted")
    path = run.root / "correspondence/AL-BEL-2-2025/out/response.en.v1.redacted.docx"
    seen = read_back(path)["all"]
    assert "siobhan" not in folded(seen) and "briain" not in folded(seen)
    render_event = run.json("show", OTHER)["events"][-1]
    assert render_event["details"]["terms_from"] == [REF]
