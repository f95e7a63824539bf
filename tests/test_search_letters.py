"""search finds a communication by its mandates' titles and its letter's text, shows each
thing found once; precedents give each paragraph's own language."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from commresp.cli import cli
from commresp.demo import LETTERS, letters_dir
from commresp.rules.text_language import guess
from tests.helpers import REGISTER_AL_BEL_1_2025


def hits(run, *words) -> list[tuple[str, str, str | None]]:
    return [(h["ref"], h["kind"], h["agency"]) for h in run.json("search", *words)]


def test_a_phrase_match_is_not_shown_again_as_a_word_match(registered):
    run = registered
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?")
    run(
        "answer",
        "add",
        "AL BEL 1/2025",
        *("--agency", "myria", "--text", "The national action plan against trafficking."),
    )
    found = hits(run, "national", "action", "plan")
    assert found == [("AL BEL 1/2025", "answer", "myria")]
    rows = run.json("search", "national", "action", "plan")
    assert "[national action plan]" in rows[0]["snippet"]  # the phrase's snippet is kept
    # the communication: its French mandate title holds the phrase and the words
    assert hits(run, "traite", "des", "êtres", "humains") == [
        ("AL BEL 1/2025", "communication", None)
    ]
    text = run("search", "traite", "des", "êtres", "humains").stdout
    assert len(text.splitlines()) == 2  # the header and one line


def test_mandate_titles_are_searched_in_both_languages(registered):
    assert hits(registered, "mercenaires") == [("AL BEL 1/2025", "communication", None)]
    assert hits(registered, "minority", "issues") == [("AL BEL 1/2025", "communication", None)]
    registered("edit", "AL BEL 1/2025", "--title-en", "slavery=Special Rapporteur on zzyzx")
    assert hits(registered, "zzyzx") == [("AL BEL 1/2025", "communication", None)]


def test_the_letters_text_is_searched(run, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "REFERENCE: AL BEL 1/2025\n\nExcellency,\n\nThe Wagenstraat recruitment office.\n",
        encoding="utf-8",
    )
    run(*REGISTER_AL_BEL_1_2025, "--letter", str(letter))
    assert hits(run, "wagenstraat") == [("AL BEL 1/2025", "communication", None)]
    assert "[Wagenstraat]" in run.json("search", "wagenstraat")[0]["snippet"]


def test_a_letter_without_text_is_kept_and_said_unsearchable(run, tmp_path):
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = run(*REGISTER_AL_BEL_1_2025, "--letter", str(scan))
    assert result.stderr.startswith("Warning: the letter's text could not be read (")
    assert "search will not find it by its words" in result.stderr
    assert run.json("show", "AL BEL 1/2025")["letter_files"] == ["scan.png"]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-search") / "ws"
    result = CliRunner().invoke(cli, ["demo", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    return root


def test_in_the_demo_search_finds_the_letter_on_trafficking(demo_root, runner):
    result = runner.invoke(cli, ["-w", str(demo_root), "search", "traite des êtres humains"])
    assert result.exit_code == 0
    result = runner.invoke(
        cli, ["-w", str(demo_root), "search", "traite", "des", "êtres", "humains", "--json"]
    )
    rows = json.loads(result.stdout)
    assert ("AL BEL 1/2025", "communication") in {(r["ref"], r["kind"]) for r in rows}
    assert (demo_root / "correspondence/AL-BEL-1-2025/incoming" / LETTERS[0]).is_file()


def test_precedents_give_each_paragraph_its_own_language(demo_root, runner, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-11-03")

    def run(*args):
        result = runner.invoke(cli, ["-w", str(demo_root), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    run(
        "register",
        "AL BEL 5/2025",
        *("--date", "2025-10-20", "--mandate", "trafficking:f"),
        *("--subject", "Trafficking in human beings: national action plan"),
    )
    rows = json.loads(run("precedents", "AL BEL 5/2025", "--json"))
    # the demo's answers are in English, in the French response as in the English one
    assert rows and {r["language"] for r in rows} == {"en"}
    assert {r["document_language"] for r in rows} <= {"fr", "en"}
    text = run("precedents", "AL BEL 5/2025")
    assert "(fr;" not in text and "(en;" in text
    ids = run("precedents", "AL BEL 5/2025", "--ids", "--limit", "2").split()
    assert ids == [str(r["id"]) for r in rows[:2]]


def test_language_of_a_paragraph():
    assert guess("The Federal Police has no record of the persons named.", "fr") == "en"
    assert guess("La Police fédérale n'a aucune trace des personnes citées.", "en") == "fr"
    assert guess("De Federale Politie heeft geen gegevens over deze personen.", "en") == "nl"
    assert guess("La Policía Federal no tiene constancia de las personas.", "en") == "es"
    assert guess("AL BEL 1/2025", "fr") == "fr"  # nothing to go on: the document's language


def test_the_sample_letters_are_shipped():
    assert sorted(p.name for p in letters_dir().glob("*.pdf")) == sorted(LETTERS)
