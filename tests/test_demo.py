"""The worked example: commresp demo must rebuild Belgium's real reply to AL BEL 1/2025.

The fixture ``fixtures/belgium-al-bel-1-2025.md`` is Belgium's published reply (see
``fixtures/README.md``); the generated documents are read back and compared with it
paragraph by paragraph.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from commresp.cli import cli
from commresp.demo import example_dir
from commresp.documents.forms import read_form
from tests.helpers import first_page_header

SEED = Path(__file__).parent / "fixtures" / "belgium-al-bel-1-2025.md"
OUT = Path("correspondence/AL-BEL-1-2025/out")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links → their text
    text = re.sub(r"<sup>\d+</sup>", "", text)  # footnote markers
    text = text.replace("**", "").removeprefix("## ").strip()
    return re.sub(r" {2,}\n", "\n", text)  # hard line breaks


def seed_parts() -> tuple[list[str], list[str], list[str], list[str]]:
    """(letterhead lines, note verbale paragraphs, response paragraphs, footnotes)."""
    text = SEED.read_text(encoding="utf-8")
    note, _, response = text.partition("**Communication from")
    response = "**Communication from" + response
    note_paragraphs = [_plain(p) for p in re.split(r"\n\s*\n", note) if p.strip()]
    ref_at = next(i for i, p in enumerate(note_paragraphs) if p.startswith("Ref :"))
    letterhead = [line for p in note_paragraphs[:ref_at] for line in p.splitlines()]
    body, _, notes = response.partition("\n---\n")
    paragraphs = [_plain(p) for p in re.split(r"\n\s*\n", body) if p.strip()]
    # The published text breaks one paragraph at a page end ("…Employment, the" / "Federal
    # Police, …"): it is one paragraph in the reply as written.
    joined: list[str] = []
    for p in paragraphs:
        if joined and joined[-1].endswith(" the"):
            joined[-1] = f"{joined[-1]} {p}"
        else:
            joined.append(p)
    footnotes = [_plain(p) for p in notes.strip().split("\n\n") if p.strip()]
    return letterhead, note_paragraphs[ref_at:], joined, footnotes


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("demo") / "ws"
    result = CliRunner().invoke(cli, ["demo", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    return root


def body_paragraphs(path: Path) -> list[str]:
    """The paragraphs' text; the references' non-breaking spaces read as the seed's spaces."""
    return [p.text.replace("\u00a0", " ") for p in docx.Document(path).paragraphs if p.text.strip()]


def test_note_verbale_fr_is_the_seed_paragraph_for_paragraph(demo_root):
    letterhead, paragraphs, _, _ = seed_parts()
    document = docx.Document(demo_root / OUT / "note_verbale.fr.v1.docx")
    header = [p.text for p in first_page_header(document).paragraphs if p.text.strip()]
    assert header == letterhead
    assert body_paragraphs(demo_root / OUT / "note_verbale.fr.v1.docx") == paragraphs
    assert paragraphs[0] == "Ref : GP/CC 2025/210"
    assert "de la Rapporteuse spéciale sur la traite" in paragraphs[1]
    assert paragraphs[-2] == "Fait à Genève, le 10 octobre 2025"


def test_response_en_has_the_seed_title_block_sections_and_paragraphs(demo_root):
    _, _, paragraphs, _ = seed_parts()
    path = demo_root / OUT / "response.en.v1.docx"
    document = docx.Document(path)
    texts = body_paragraphs(path)
    assert texts == paragraphs
    assert texts[:3] == [
        "Communication from the Working Group on the question of the use of mercenaries, the "
        "Special Rapporteur on minority issues, the Special Rapporteur on contemporary forms "
        "of slavery, and the Special Rapporteur on trafficking in human beings, especially "
        "women and children",
        "REF : AL BEL 1/2025 of 22 July 2025",
        "Response of Belgium",
    ]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. The Belgian National Action Plan to Combat Human Trafficking (2021-2025)" in headings
    assert "2. Bridging Belgium's internal measures with external action" in headings


def test_myria_footnote_is_a_real_word_footnote(demo_root):
    _, _, _, footnotes = seed_parts()
    path = demo_root / OUT / "response.en.v1.docx"
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    references = body.findall(f".//{W}footnoteReference")
    assert len(references) == 1
    note_id = references[0].get(f"{W}id")
    note = next(n for n in notes.findall(f"{W}footnote") if n.get(f"{W}id") == note_id)
    assert "".join(note.itertext()).strip() == footnotes[0]
    # "Publications | Myria" is a link, as in the published response
    (link,) = note.iter(f"{W}hyperlink")
    assert "".join(link.itertext()) == "Publications | Myria"
    with zipfile.ZipFile(path) as archive:
        rels = etree.fromstring(archive.read("word/_rels/footnotes.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    assert targets[link.get(f"{R}id")] == "https://www.myria.be/en/publications"
    paragraph = next(
        p for p in body.iter(f"{W}p") if p.find(f".//{W}footnoteReference") is not None
    )
    assert "publishes an annual Trafficking in Human Beings report" in "".join(paragraph.itertext())
    assert "[^" not in "".join(body.itertext())


def test_myria_returned_form_has_a_word_footnote_read_back_as_markdown(demo_root):
    form = demo_root / "inbox" / "myria-returned.docx"
    with zipfile.ZipFile(form) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    (reference,) = body.findall(f".//{W}tc//{W}footnoteReference")
    note = next(n for n in notes if n.get(f"{W}id") == reference.get(f"{W}id"))
    assert "".join(note.itertext()).strip() == (
        "Previous annual reports can be found on their website: Publications | Myria"
    )
    typed = example_dir() / "answers" / "myria.md"
    assert read_form(form).answers[0] == typed.read_text(encoding="utf-8").strip()


def test_french_response_and_english_note_read_naturally(demo_root):
    english = body_paragraphs(demo_root / OUT / "note_verbale.en.v1.docx")
    assert english[0] == "Ref: GP/CC 2025/210"
    assert english[1].startswith(
        "The Permanent Representation of Belgium to the United Nations and the other "
        "international organisations in Geneva presents its compliments to the Secretariat of "
        "the Special Procedures Branch and has the honour to refer to the joint communication "
        "from the Working Group on the question of the use of mercenaries, the Special "
        "Rapporteur on minority issues"
    )
    assert english[1].endswith("dated 22 July 2025 (ref AL BEL 1/2025).")
    assert "assurances of its highest consideration" in english[4]
    assert english[5] == "Geneva, 10 October 2025"
    french = body_paragraphs(demo_root / OUT / "response.fr.v1.docx")
    assert french[0].startswith("Communication du Groupe de travail sur la question")
    assert french[0].endswith(
        "et de la Rapporteuse spéciale sur la traite des êtres humains, "
        "en particulier des femmes et des enfants"
    )
    assert french[1] == "RÉF : AL BEL 1/2025 du 22 juillet 2025"
    assert french[2] == "Réponse de la Belgique"
    assert french[3].startswith("La Belgique attache une grande importance")


def test_demo_records_the_whole_story(demo_root, runner):
    import json

    shown = json.loads(
        runner.invoke(cli, ["-w", str(demo_root), "show", "AL BEL 1/2025", "--json"]).stdout
    )
    assert shown["status"] == "sent"
    assert shown["sent_on"] == "2025-10-10"
    assert shown["outgoing_ref"] == "GP/CC 2025/210"
    actions = [e["action"] for e in shown["events"]]
    assert actions[:2] == ["register", "assign"]
    assert actions.count("answer") == 5
    # All five agencies answered in the returned form (Myria's footnote is a Word footnote).
    stored = [e["details"]["file"] for e in shown["events"] if e["action"] == "answer"]
    assert stored == [
        "federal-police.r1.docx",
        "cic.r1.docx",
        "fps-justice.r1.docx",
        "myria.r1.docx",
        "fps-foreign-affairs.r1.docx",
    ]
    assert actions[-4:] == ["draft", "render", "send-draft", "mark-sent"]
    answers = json.loads(
        runner.invoke(cli, ["-w", str(demo_root), "answers", "AL BEL 1/2025", "--json"]).stdout
    )
    assert {e["agency"] for e in answers["enquiries"]} == {
        "federal-police",
        "cic",
        "fps-justice",
        "myria",
        "fps-foreign-affairs",
    }
    assert all(e["status"] == "answered" for e in answers["enquiries"])


def test_demo_refuses_an_existing_workspace(demo_root, runner):
    result = runner.invoke(cli, ["demo", str(demo_root)])
    assert result.exit_code == 1
    assert "already holds a commresp workspace" in result.stderr


@pytest.mark.slow
def test_demo_pdfs(tmp_path, runner):
    from pypdf import PdfReader

    from commresp.rendering import soffice

    if soffice() is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    root = tmp_path / "ws"
    result = runner.invoke(cli, ["demo", str(root), "--pdf"])
    assert result.exit_code == 0, result.output
    note = PdfReader(root / OUT / "note_verbale.fr.v1.pdf")
    assert len(note.pages) == 1
    page = note.pages[0]
    height = float(page.mediabox.height)
    lines: list[tuple[str, float]] = []  # (text, height above the page's foot / page height)

    def visit(text, cm, tm, font, size):
        if text.strip():
            lines.append((text.strip(), tm[5] / height))

    page.extract_text(visitor_text=visit)
    at = {text: y for text, y in reversed(lines)}  # the first occurrence of each text
    assert at["Représentation permanente du Royaume de Belgique"] > 0.8  # letterhead: top fifth
    assert at["www.diplomatie.be/geneva"] > 0.8
    assert at["ohchr-registry@un.org"] < 1 / 3  # addressee block: bottom third
    assert at["Secrétariat du Service des procédures spéciales"] < 1 / 3
    assert at["Fait à Genève, le 10 octobre 2025"] > 1 / 3  # place and date stay above
    assert not any(text.strip().isdigit() for text, _ in lines)  # no page number
    text = " ".join(page.extract_text().split())
    assert (
        "saisit cette opportunité pour renouveler au Secrétariat du Service des procédures "
        "spéciales les assurances de sa haute considération."
    ) in text
    response = PdfReader(root / OUT / "response.en.v1.pdf")
    whole = " ".join(" ".join(page.extract_text() for page in response.pages).split())
    assert "Previous annual reports can be found on their website: Publications | Myria" in whole


def test_french_documents_are_proofed_in_french_and_name_commresp(demo_root):
    import zipfile

    from commresp import __version__

    for name in ("note_verbale.fr.v1.docx", "response.fr.v1.docx"):
        with zipfile.ZipFile(demo_root / OUT / name) as package:
            styles = etree_of(package, "word/styles.xml")
            body = etree_of(package, "word/document.xml")
            app = package.read("docProps/app.xml").decode()
        langs = {el.get(f"{W}val") for el in styles.iter(f"{W}lang")}
        assert langs == {"fr-BE"}  # docDefaults and every style
        styles_with_lang = {
            s.get(f"{W}styleId")
            for s in styles.iter(f"{W}style")
            if s.find(f".//{W}lang") is not None
        }
        assert styles_with_lang == {
            s.get(f"{W}styleId")
            for s in styles.iter(f"{W}style")
            if s.get(f"{W}type") in ("paragraph", "character", "table")
        }
        runs = list(body.iter(f"{W}r"))
        assert runs and all(r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "fr-BE" for r in runs)
        assert f"<Application>commresp {__version__}</Application>" in app
        assert "Microsoft" not in app and "Normal.dotm" not in app
        core = docx.Document(demo_root / OUT / name).core_properties
        assert core.title.startswith(("Note verbale – AL BEL 1/2025", "Réponse – AL BEL 1/2025"))
        assert core.author.startswith("Représentation permanente de la Belgique")
        assert core.language == "fr-BE"
    english = docx.Document(demo_root / OUT / "response.en.v1.docx").core_properties
    assert english.title == "Response – AL BEL 1/2025" and english.language == "en-GB"


def etree_of(package, name):
    from lxml import etree

    return etree.fromstring(package.read(name))


def test_the_response_goes_out_without_letterhead_and_with_body_size_headings(demo_root):
    for name in ("response.en.v1.docx", "response.fr.v1.docx"):
        document = docx.Document(demo_root / OUT / name)
        assert not [p.text for p in first_page_header(document).paragraphs if p.text.strip()]
        body_size = document.styles["Normal"].font.size
        headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert headings
        for p in headings:
            assert p.style.font.size == body_size and p.style.font.bold is True
    note = docx.Document(demo_root / OUT / "note_verbale.fr.v1.docx")
    assert [p.text for p in first_page_header(note).paragraphs if p.text.strip()]
