"""The material of the README's tour: the sample letters and the agencies played by commresp."""

from __future__ import annotations

import email
import tomllib
from datetime import date
from email import policy
from pathlib import Path

import pytest

from commresp import intake
from commresp.demo import LETTERS, example_dir, letters_dir
from commresp.workspace import packaged
from tests.helpers import db_snapshot, tree

CASE = tomllib.loads((example_dir() / "case.toml").read_text(encoding="utf-8"))


def test_demo_letters_writes_the_two_letters_and_never_overwrites(runner, tmp_path):
    from commresp.cli import cli

    result = runner.invoke(cli, ["demo", "letters", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == sorted(LETTERS)
    for name in LETTERS:
        assert (tmp_path / "in" / name).read_bytes() == (letters_dir() / name).read_bytes()
        assert (tmp_path / "in" / name).read_bytes().startswith(b"%PDF-")
    (tmp_path / "in" / LETTERS[0]).write_bytes(b"mine")
    again = runner.invoke(cli, ["demo", "letters", str(tmp_path / "in")])
    assert again.exit_code == 2
    assert again.stderr.startswith("Error: AL-BEL-1-2025.pdf, AL-BEL-2-2026.pdf already in ")
    assert (tmp_path / "in" / LETTERS[0]).read_bytes() == b"mine"


def test_the_worked_examples_letter_reads_as_case_toml_says():
    facts = intake.read_letter(
        letters_dir() / "AL-BEL-1-2025.pdf", packaged.mandates(), today=date(2026, 12, 1)
    )
    facts_expected = CASE["communication"]
    assert (facts.reference, facts.letter_date) == (
        facts_expected["ref"],
        facts_expected["letter_date"],
    )
    assert facts.language == "fr" and facts.missing == []
    assert [(m.slug, m.title_fr) for m in facts.mandates] == [
        (m["slug"], m["title_fr"]) for m in facts_expected["mandates"]
    ]
    genders = {m.slug: m.gender for m in facts.mandates}
    assert genders == {"mercenaries": "", "minorities": "m", "slavery": "m", "trafficking": "f"}
    text = " ".join(intake.letter_text(letters_dir() / "AL-BEL-1-2025.pdf").split())
    assert "Spécimen produit par commresp" in text  # it says what it is
    assert "seront rendues publiques" in text and "60 jours" in text


def test_the_second_letter_is_in_english_and_registers_from_itself(run, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2026-12-01")
    letter = letters_dir() / "AL-BEL-2-2026.pdf"
    result = run("register", "--from-letter", str(letter), "--yes")
    assert "Registered AL BEL 2/2026: reply due 2027-01-01 (31 days left)" in result.stdout
    shown = run.json("show", "AL BEL 2/2026")
    # by November 2026 one mandate has taken over from the Rapporteurs on slavery and trafficking
    assert [m["mandate"] for m in shown["mandates"]] == ["slavery-trafficking"]
    assert shown["letter_files"] == ["AL-BEL-2-2026.pdf"]
    assert "Specimen made by commresp" in intake.letter_text(letter)


@pytest.fixture
def asked(run, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-07-25")
    run(
        "register",
        "AL BEL 1/2025",
        *("--date", "2025-07-22", "--received", "2025-07-24"),
        *("--mandate", "trafficking:f", "--mandate", "slavery"),
        "--letter",
        str(letters_dir() / LETTERS[0]),
    )
    run(
        "assign",
        "AL BEL 1/2025",
        *("--agency", "federal-police", "--agency", "myria", "--agency", "payoke"),
        *("--question", "Are the persons named known to your services?"),
    )
    return run


def expected_answer(agency: str) -> str:
    entry = next(a for a in CASE["enquiry"]["answers"] if a["agency"] == agency)
    return (example_dir() / entry["file"]).read_text(encoding="utf-8").strip()


def test_demo_reply_fills_in_the_form_as_the_agency_would(asked, tmp_path):
    out = tmp_path / "downloads"
    result = asked("demo", "reply", "AL BEL 1/2025", "--agency", "federal-police", "-o", str(out))
    returned = out / "enquiry-federal-police.fr.docx"
    assert result.stdout.strip() == str(returned)
    result = asked("demo", "reply", "AL BEL 1/2025", "--agency", "myria", "--email", "-o", str(out))
    message = email.message_from_bytes(
        (out / "reply-from-myria.eml").read_bytes(), policy=policy.default
    )
    assert [a.get_filename() for a in message.iter_attachments()] == ["enquiry-myria.fr.docx"]
    imported = asked.json("answer", "import", str(returned), str(out / "reply-from-myria.eml"))
    assert [(r["agency"], r["revision"], r["added"]) for r in imported] == [
        ("federal-police", 1, True),
        ("myria", 1, True),
    ]
    answers = {
        e["agency"]: e["revisions"][0]["text"].strip()
        for e in asked.json("answers", "AL BEL 1/2025")["enquiries"]
        if e["revisions"]
    }
    assert answers["federal-police"] == expected_answer("federal-police")
    assert answers["myria"].split("[^1]")[0] == expected_answer("myria").split("[^1]")[0]


def test_demo_reply_refuses_what_the_example_cannot_answer(asked, tmp_path):
    before = db_snapshot(asked.root), tree(asked.root)
    out = str(tmp_path / "out")
    refused = [
        (["--agency", "payoke"], "the worked example has no answer from payoke"),
        (["--agency", "cic"], "cic was not asked about AL BEL 1/2025"),
    ]
    for args, message in refused:
        result = asked("demo", "reply", "AL BEL 1/2025", *args, "-o", out, code=2)
        assert message in result.stderr
    asked("register", "AL BEL 2/2025", "--date", "2025-07-23", "--mandate", "torture")
    result = asked("demo", "reply", "AL BEL 2/2025", "--agency", "myria", "-o", out, code=2)
    assert "answers about AL BEL 1/2025 only" in result.stderr
    assert not Path(out).exists()
    asked("demo", "reply", "AL BEL 1/2025", "--agency", "myria", "-o", out)
    result = asked("demo", "reply", "AL BEL 1/2025", "--agency", "myria", "-o", out, code=2)
    assert "already exists; nothing was written" in result.stderr
    assert tree(asked.root) - before[1] == set()
