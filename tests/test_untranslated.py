"""Untranslated text is tracked: sections in another language than their document's are marked
by draft, listed by render, refused by send (unless allowed, and then recorded)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from docx2python import docx2python

from commresp.rules import text_language
from tests.helpers import Invoker, db_snapshot, events, read_eml, record, rows

REF = "AL BEL 1/2025"
POLICE_EN = (
    "Enquiries made after receiving the joint communication have not yielded any "
    "information about the persons mentioned."
)
POLICE_FR = (
    "Les recherches menées après réception de la communication conjointe n'ont donné aucune "
    "information sur les personnes mentionnées."
)
MYRIA_EN = (
    "Myria publishes an annual report on trafficking in human beings[^1].\n\n"
    "[^1]: Previous annual reports can be found on its website."
)
MYRIA_FR = (
    "Myria publie un rapport annuel sur la traite des êtres humains[^1].\n\n"
    "[^1]: Les rapports annuels précédents se trouvent sur son site internet."
)


@pytest.fixture
def answered(registered):
    """Two French-speaking agencies asked on French forms, both answering in English."""
    run = registered
    run("assign", REF, "--agency", "federal-police", "--agency", "myria", "--question-fr",
        "Les personnes citées sont-elles connues de vos services ?", "--question",
        "Are the persons named known to your services?")  # fmt: skip
    run("answer", "add", REF, "--agency", "federal-police", "--text", POLICE_EN)
    run("answer", "add", REF, "--agency", "myria", "--text", MYRIA_EN)
    return run


def _french_response(run):
    """The profile sends the response in French (as a mission replying in French would)."""
    profile = run.root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace('response = "en"', 'response = "fr"'), encoding="utf-8")


def draft_of(run, lang: str) -> str:
    return (run.root / f"correspondence/AL-BEL-1-2025/drafts/response.{lang}.md").read_text(
        encoding="utf-8"
    )


def test_draft_marks_each_english_section_of_the_french_response(answered):
    run = answered
    run("draft", REF, "--date", "2025-08-20")
    french = draft_of(run, "fr")
    lines = french.splitlines()
    marker = lines.index("<!-- to translate: en → fr (federal-police) -->")
    assert lines[marker + 1 : marker + 3] == ["", POLICE_EN]
    assert "<!-- to translate: en → fr (myria) -->" in lines
    # the English response is in the answers' language: nothing to mark
    assert "to translate" not in draft_of(run, "en")
    assert [(m.section, m.source, m.target) for m in text_language.untranslated(french)] == [
        ("federal-police", "en", "fr"),
        ("myria", "en", "fr"),
    ]


def test_render_lists_the_untranslated_sections_and_prints_no_marker(answered):
    run = answered
    run("draft", REF, "--date", "2025-08-20")
    result = run("render", REF, "--lang", "fr")
    assert result.stderr.splitlines() == [
        "Warning: response.fr.v1.docx: federal-police is still in English "
        "(en → fr): translate it in drafts/response.fr.md",
        "Warning: response.fr.v1.docx: myria is still in English "
        "(en → fr): translate it in drafts/response.fr.md",
    ]
    (note, response) = run.json("render", REF, "--lang", "fr")
    assert note["untranslated"] == []
    assert response["untranslated"] == [
        {"section": "federal-police", "from": "en", "to": "fr"},
        {"section": "myria", "from": "en", "to": "fr"},
    ]
    with docx2python(response["docx"]) as read:
        assert "to translate" not in read.text and "<!--" not in read.text
        assert POLICE_EN in read.text


def test_send_refuses_english_sections_until_they_are_translated(answered):
    run = answered
    _french_response(run)
    run("draft", REF, "--date", "2025-08-20")
    run("render", REF)
    out = run.root / "correspondence/AL-BEL-1-2025/out"
    before = sorted(p.name for p in out.iterdir())
    result = run("send", REF, code=1)
    assert result.stderr.splitlines() == [
        "Error: not sent: sections are not translated yet (response.fr.v1.docx: "
        "federal-police (en → fr), myria (en → fr)); translate them in the drafts and render "
        "again, or use --allow-untranslated"
    ]
    assert sorted(p.name for p in out.iterdir()) == before  # no e-mail written
    # the drafter translates both sections, leaving one marker in place
    path = run.root / "correspondence/AL-BEL-1-2025/drafts/response.fr.md"
    text = draft_of(run, "fr").replace(POLICE_EN, POLICE_FR)
    # the footnote is the section's own ([^myria-1]: draft keeps two answers' notes apart)
    text = text.replace(
        MYRIA_EN.replace("[^1]", "[^myria-1]"), MYRIA_FR.replace("[^1]", "[^myria-1]")
    )
    text = text.replace("<!-- to translate: en → fr (myria) -->\n\n", "")
    path.write_text(text, encoding="utf-8")
    result = run("render", REF)
    assert result.stderr.splitlines() == [
        "Warning: response.fr.v2.docx: federal-police: marker left in place but the text is "
        "now in French",
    ]
    email = Path(run("send", REF).stdout.strip())
    names = [part.get_filename() for part in read_eml(email).iter_attachments()]
    assert names == ["note_verbale.fr.v2.docx", "response.fr.v2.docx"]
    assert "allowed_untranslated" not in events(run_db(run))[-1]["details"]


def test_allow_untranslated_sends_and_is_recorded(answered):
    run = answered
    _french_response(run)
    run("draft", REF, "--date", "2025-08-20")
    run("render", REF)
    run("send", REF, "--allow-untranslated")
    last = events(run_db(run))[-1]
    assert last["action"] == "send-draft"
    assert last["details"]["allowed_untranslated"] == {
        "response.fr.v1.docx": ["federal-police (en → fr)", "myria (en → fr)"]
    }


def test_a_short_answer_is_taken_in_its_forms_language(registered):
    run = registered
    run("assign", REF, "--agency", "myria", "--question", "Findings?")
    run("answer", "add", REF, "--agency", "myria", "--text", "Nothing found.")
    run("draft", REF, "--date", "2025-08-20")
    assert "to translate" not in draft_of(run, "fr")  # two words say too little


def run_db(run):
    return record(run.root)  # the SQLite file or the server's database


def test_identify_prefers_the_declared_language_unless_sure():
    assert text_language.identify(POLICE_EN, "fr") == "en"
    assert text_language.identify(POLICE_FR, "en") == "fr"
    assert text_language.identify("Deportation of a journalist", "fr") == "fr"
    spanish = "La investigación sigue en curso y se ha informado a la fiscalía."
    assert text_language.identify(spanish, "en") == "es"


def test_a_marker_is_one_comment_line():
    line = text_language.marker("en", "fr", "federal-police")
    assert line == "<!-- to translate: en → fr (federal-police) -->"
    assert re.fullmatch(text_language.MARKER, line)
    assert json.dumps(line)  # plain text, no control characters


QUESTION_EN = "Are the persons named known to your services?"
QUESTION_FR = "Les personnes citées sont-elles connues de vos services ?"


def test_assign_warns_for_an_english_question_on_a_french_form(registered):
    run = registered
    result = run("assign", REF, "--agency", "federal-police", "--question", QUESTION_EN)
    assert (
        f"Warning: federal-police: the question {QUESTION_EN!r} is in English, and the form in "
        "French; give its French wording with --question-fr"
    ) in result.stderr.splitlines()
    assert result.exit_code == 0  # a warning, not a failure
    (enquiry,) = rows(run_db(run), "enquiries")
    assert json.loads(enquiry["questions"]) == [QUESTION_EN]


def test_question_fr_is_asked_on_french_forms_and_silences_the_warning(registered):
    run = registered
    result = run(
        "assign", REF, "--agency", "federal-police", "--agency", "nsso",
        "--question", QUESTION_EN, "--question-fr", QUESTION_FR,
    )  # fmt: skip
    assert "the question" not in result.stderr
    asked = {e["agency"]: json.loads(e["questions"]) for e in rows(run_db(run), "enquiries")}
    assert asked == {"federal-police": [QUESTION_FR], "nsso": [QUESTION_FR]}
    form = run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-federal-police.fr.docx"
    with docx2python(form) as read:
        assert QUESTION_FR in read.text and QUESTION_EN not in read.text
    assign = [e for e in events(run_db(run)) if e["action"] == "assign"][0]
    assert assign["details"]["translations"] == {"fr": [QUESTION_FR]}


def test_assign_warns_for_a_subject_in_another_language(run):
    run(
        "register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking",
        "--subject", "Trafficking of three Sri Lankan nationals into the Russian armed forces",
    )  # fmt: skip
    result = run("assign", REF, "--agency", "myria", "--question-fr", QUESTION_FR)
    assert result.stderr.splitlines()[-1] == (
        "Warning: myria: the subject 'Trafficking of three Sri Lankan nationals into the "
        "Russian armed forces' is in English, and the form in French; the form prints it as "
        "recorded (see 'commresp edit REF --subject')"
    )


def test_a_form_without_questions_in_its_language_is_refused(registered):
    run = registered
    before = db_snapshot(run.root)
    result = run("assign", REF, "--agency", "payoke", "--question-fr", QUESTION_FR, code=2)
    assert result.stderr == (
        "Error: no questions for the form of payoke, which is in nl: give --question, "
        "or --question-nl\n"
    )
    assert db_snapshot(run.root) == before


def test_the_closing_paragraph_is_given_per_language(answered, tmp_path):
    run = answered
    english, french = tmp_path / "closing.en.md", tmp_path / "closing.fr.md"
    english.write_text("Belgium thanks the Special Procedures for their attention.\n", "utf-8")
    french.write_text("La Belgique remercie les procédures spéciales de leur attention.\n", "utf-8")
    run("draft", REF, "--date", "2025-08-20", "--closing", str(english), "--closing",
        f"fr={french}")  # fmt: skip
    assert draft_of(run, "en").rstrip().endswith("for their attention.")
    assert draft_of(run, "fr").rstrip().endswith("de leur attention.")
    # a language without its own closing keeps the template's, in that language
    assert draft_of(run, "es").rstrip().endswith("cualquier información adicional.")
    result = run("draft", REF, "--force", "--closing", "fr=missing.md", code=2)
    assert "Error: Invalid value for '--closing': 'missing.md': no such file" in result.stderr


def test_the_demo_lists_the_english_sections_of_its_french_response(runner, tmp_path):
    from commresp.cli import cli
    from commresp.demo import example_dir

    root = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "run", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    agencies = ["federal-police", "cic", "fps-justice", "myria", "fps-foreign-affairs"]
    assert [
        line.strip() for line in result.stdout.splitlines() if "is still in English" in line
    ] == [f"response.fr.v1.docx: {a} is still in English (en → fr)" for a in agencies]
    run = Invoker(runner, root)
    result = run("render", REF, "--lang", "fr", "--force")
    assert [line for line in result.stderr.splitlines() if line.startswith("Warning:")] == [
        f"Warning: response.fr.v2.docx: {a} is still in English (en → fr): translate it in "
        "drafts/response.fr.md"
        for a in agencies
    ]
    # each agency was asked, in French, the question its answer answers
    case = tomllib.loads((example_dir() / "case.toml").read_text("utf-8"))
    wording = {q["id"]: q["fr"] for q in case["enquiry"]["question"]}
    expected = {
        a["agency"]: [wording[q] for q in a["questions"]] for a in case["enquiry"]["answers"]
    }
    asked = {e["agency"]: json.loads(e["questions"]) for e in rows(run_db(run), "enquiries")}
    assert asked == expected
    assert asked["federal-police"] != asked["myria"]
    # the French response ends with the case's French closing, the English with Belgium's
    closing_fr = (example_dir() / "closing.fr.md").read_text("utf-8").strip()
    assert draft_of(run, "fr").rstrip().endswith(closing_fr)


def test_draft_says_which_drafts_have_sections_to_translate(answered):
    run = answered
    result = run("draft", REF, "--date", "2025-08-20")
    # Belgium sends the note verbale in French and the response in English: the French
    # response is drafted too, and its two English sections are said (the Spanish one is not)
    assert [line for line in result.stderr.splitlines() if "to translate" in line] == [
        "Warning: response.fr.md: 2 sections marked to translate (en → fr): federal-police, myria"
    ]
    drafts = run.json("draft", REF, "--date", "2025-08-20", "--force")
    by_name = {Path(d["path"]).name: d["to_translate"] for d in drafts}
    assert by_name["response.fr.md"] == [
        {"section": "federal-police", "from": "en", "to": "fr"},
        {"section": "myria", "from": "en", "to": "fr"},
    ]
    assert by_name["response.en.md"] == [] and by_name["note_verbale.fr.md"] == []


def test_markers_survive_a_round_trip_through_word(answered, tmp_path):
    import docx

    run = answered
    run("draft", REF, "--date", "2025-08-20")
    (_, response) = run.json("render", REF, "--lang", "fr")
    # the head of mission translates the police's paragraph in Word, and leaves Myria's
    document = docx.Document(response["docx"])
    paragraph = next(p for p in document.paragraphs if p.text == POLICE_EN)
    for extra in paragraph.runs[1:]:
        extra.text = ""
    paragraph.runs[0].text = POLICE_FR
    edited = tmp_path / "response.fr.v1.docx"
    document.save(edited)
    run("draft", REF, "--from-docx", str(edited))
    french = draft_of(run, "fr")
    assert "<!-- to translate: en → fr (myria) -->" in french
    assert "(federal-police)" not in french  # nothing of it was left in English
    assert [m.section for m in text_language.untranslated(french)] == ["myria"]
    result = run("render", REF, "--lang", "fr")
    assert [line for line in result.stderr.splitlines() if "English" in line] == [
        "Warning: response.fr.v2.docx: myria is still in English (en → fr): translate it in "
        "drafts/response.fr.md"
    ]
