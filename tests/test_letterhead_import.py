"""letterhead import: the mission's own Word letterhead, with its coat of arms, is used."""

from __future__ import annotations

import contextlib
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from commresp.cli import cli
from tests.helpers import first_page_header, record

OUT = Path("correspondence/AL-BEL-1-2025/out")


def tiny_png(path: Path) -> Path:
    """A 2×2 red PNG, written by hand (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def mission_letterhead(tmp_path: Path) -> Path:
    """A letterhead as a mission makes it in Word: arms in the first-page header, some text."""
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.first_page_header.paragraphs[0]
    header.add_run().add_picture(str(tiny_png(tmp_path / "arms.png")), width=Cm(2))
    header.add_run("Mission permanente de Ruritanie")
    document.add_paragraph("Texte de modèle à ne pas garder")
    document.core_properties.author = "Secrétaire de la mission"
    document.core_properties.title = "Papier à lettre"
    path = tmp_path / "Papier à lettre.docx"
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("lh") / "ws"
    result = CliRunner().invoke(cli, ["demo", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    return root


def test_import_then_render_writes_into_the_mission_letterhead(demo, runner, tmp_path):
    source = mission_letterhead(tmp_path)
    result = runner.invoke(cli, ["-w", str(demo), "letterhead", "import", str(source)])
    assert result.exit_code == 0, result.output
    stored = demo / "templates" / "letterhead.docx"
    assert stored.exists()
    imported = docx.Document(str(stored))
    assert not [p for p in imported.paragraphs if p.text.strip()]  # the model text is gone
    assert imported.core_properties.author == "" and imported.core_properties.title == ""
    assert {"Heading 1", "Footnote Text", "Hyperlink"} <= {s.name for s in imported.styles}

    result = runner.invoke(
        cli, ["-w", str(demo), "render", "AL BEL 1/2025", "--lang", "fr", "--force"]
    )
    assert result.exit_code == 0, result.output
    note = docx.Document(str(demo / OUT / "note_verbale.fr.v2.docx"))
    header = first_page_header(note)
    blips = header._element.xpath(".//a:blip")
    assert len(blips) == 1
    image = header.part.related_parts[
        blips[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    ]
    assert image.blob == (tmp_path / "arms.png").read_bytes()
    assert header.paragraphs[0].text == "Mission permanente de Ruritanie"  # no profile lines
    body = [p.text for p in note.paragraphs if p.text.strip()]
    assert body[0].startswith("Ref : GP/CC")

    with contextlib.closing(record(demo)) as db:
        rows = db.execute(
            "SELECT details FROM events WHERE action = 'letterhead-import'"
        ).fetchall()
    assert len(rows) == 1 and "Papier à lettre.docx" in rows[0][0]


def test_a_macro_letterhead_is_refused_and_nothing_changes(demo, runner, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip at all")
    before = (
        sorted(p.name for p in (demo / "templates").glob("*"))
        if (demo / "templates").exists()
        else []
    )
    result = runner.invoke(cli, ["-w", str(demo), "letterhead", "import", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("Error: bad.docx: not a Word")
    after = (
        sorted(p.name for p in (demo / "templates").glob("*"))
        if (demo / "templates").exists()
        else []
    )
    assert after == before


def test_the_response_takes_the_letterhead_when_the_profile_asks(demo, runner, tmp_path):
    source = mission_letterhead(tmp_path)
    assert runner.invoke(cli, ["-w", str(demo), "letterhead", "import", str(source)]).exit_code == 0
    profile = demo / "commresp.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + "\n[documents]\nresponse_letterhead = true\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["-w", str(demo), "render", "AL BEL 1/2025", "--lang", "en", "--force"]
    )
    assert result.exit_code == 0, result.output
    response = sorted((demo / OUT).glob("response.en.v*.docx"))[-1]
    header = first_page_header(docx.Document(str(response)))
    assert header.paragraphs[0].text == "Mission permanente de Ruritanie"
    assert header._element.xpath(".//a:blip")
