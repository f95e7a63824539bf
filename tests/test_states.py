"""Every State in the three working languages: the table of States, the phrases built from it,
``init --state``, the checked profile, and the documents of ten States read back from Word."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import docx
import pytest

from commresp.cli import cli
from commresp.rules import wording
from commresp.workspace import packaged

# --- the table of States -----------------------------------------------------------------------


def test_the_table_covers_every_member_state_the_observers_and_oth():
    rows = packaged.states()
    assert len(rows) == 196
    status = [row["un_status"] for row in rows.values()]
    assert (status.count("member"), status.count("observer"), status.count("other")) == (193, 2, 1)
    assert {iso for iso, row in rows.items() if row["un_status"] == "observer"} == {"VAT", "PSE"}
    for iso, row in rows.items():
        assert row["note_verbale_lang"] in ("fr", "en", "es"), iso
        assert row["response_lang"] in ("fr", "en", "es"), iso
        assert row["holidays"] or iso == "OTH", iso
        assert row["source"], iso


# One State of every grammatical class, held to the phrases the UN writes (UNTERM).
CLASSES = [
    # code, (en subject + verb, of the Government), (fr …), (es …)
    ("BEL", "Belgium attaches", "of Belgium", "La Belgique attache", "de la Belgique",
     "Bélgica concede", "de Bélgica"),
    ("FRA", "France attaches", "of France", "La France attache", "de la France",
     "Francia concede", "de Francia"),
    ("CAN", "Canada attaches", "of Canada", "Le Canada attache", "du Canada",
     "El Canadá concede", "del Canadá"),
    ("ESP", "Spain attaches", "of Spain", "L'Espagne attache", "de l'Espagne",
     "España concede", "de España"),
    ("ISR", "Israel attaches", "of Israel", "Israël attache", "d'Israël",
     "Israel concede", "de Israel"),
    ("CUB", "Cuba attaches", "of Cuba", "Cuba attache", "de Cuba", "Cuba concede", "de Cuba"),
    ("HTI", "Haiti attaches", "of Haiti", "Haïti attache", "d'Haïti", "Haití concede", "de Haití"),
    ("USA", "The United States of America attaches", "of the United States of America",
     "Les États-Unis d'Amérique attachent", "des États-Unis d'Amérique",
     "Los Estados Unidos de América conceden", "de los Estados Unidos de América"),
    ("PHL", "The Philippines attaches", "of the Philippines", "Les Philippines attachent",
     "des Philippines", "Filipinas concede", "de Filipinas"),
    ("BHS", "The Bahamas attaches", "of the Bahamas", "Les Bahamas attachent", "des Bahamas",
     "Las Bahamas conceden", "de las Bahamas"),
    ("GBR", "The United Kingdom of Great Britain and Northern Ireland attaches",
     "of the United Kingdom of Great Britain and Northern Ireland",
     "Le Royaume-Uni de Grande-Bretagne et d'Irlande du Nord attache",
     "du Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
     "El Reino Unido de Gran Bretaña e Irlanda del Norte concede",
     "del Reino Unido de Gran Bretaña e Irlanda del Norte"),
    ("MEX", "Mexico attaches", "of Mexico", "Le Mexique attache", "du Mexique",
     "México concede", "de México"),
    ("PER", "Peru attaches", "of Peru", "Le Pérou attache", "du Pérou", "El Perú concede",
     "del Perú"),
    ("ARG", "Argentina attaches", "of Argentina", "L'Argentine attache", "de l'Argentine",
     "La Argentina concede", "de la Argentina"),
    ("CHE", "Switzerland attaches", "of Switzerland", "La Suisse attache", "de la Suisse",
     "Suiza concede", "de Suiza"),
    ("SLV", "El Salvador attaches", "of El Salvador", "El Salvador attache", "d'El Salvador",
     "El Salvador concede", "de El Salvador"),
    # the UN's running text turns the bracketed list form round: the formal name
    ("IRN", "The Islamic Republic of Iran attaches", "of the Islamic Republic of Iran",
     "La République islamique d'Iran attache", "de la République islamique d'Iran",
     "La República Islámica del Irán concede", "de la República Islámica del Irán"),
    ("NLD", "The Kingdom of the Netherlands attaches", "of the Kingdom of the Netherlands",
     "Le Royaume des Pays-Bas attache", "du Royaume des Pays-Bas",
     "El Reino de los Países Bajos concede", "del Reino de los Países Bajos"),
    ("BOL", "The Plurinational State of Bolivia attaches", "of the Plurinational State of Bolivia",
     "L'État plurinational de Bolivie attache", "de l'État plurinational de Bolivie",
     "El Estado Plurinacional de Bolivia concede", "del Estado Plurinacional de Bolivia"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "en", "en_of", "fr", "fr_of", "es", "es_of"), CLASSES)
def test_every_class_of_state_name(code, en, en_of, fr, fr_of, es, es_of):
    row = packaged.state(code)
    verbs = {"en": "attach", "fr": "attacher", "es": "conceder"}
    for lang, subject, of in (("en", en, en_of), ("fr", fr, fr_of), ("es", es, es_of)):
        name = wording.state_name(row, lang)
        said = f"{wording.state_subject(name, lang)} {wording.state_verb(name, lang, verbs[lang])}"
        assert said == subject
        assert wording.of_state(name, lang) == of
    assert wording.of_government(wording.state_name(row, "es"), "es") == f"del Gobierno {es_of}"


def test_observer_states_have_permanent_observer_missions():
    vat, pse = packaged.state("VAT"), packaged.state("PSE")
    holy_see = wording.mission_names(wording.state_name(vat, "en"), "en", observer=True)
    assert holy_see.full == (
        "Permanent Observer Mission of the Holy See to the United Nations Office and other "
        "international organizations in Geneva"
    )
    palestine = wording.mission_names(wording.state_name(pse, "fr"), "fr", observer=True)
    assert palestine.short == "Mission permanente d'observation de l'État de Palestine"
    spanish = wording.mission_names(wording.state_name(vat, "es"), "es", observer=True)
    assert spanish.short == "Misión Permanente de Observación de la Santa Sede"


def test_profile_overrides_change_every_phrase():
    row = packaged.state("PHL")
    singular = wording.state_name(row, "fr", {"number_fr": "s", "name_fr": "Philippines"})
    assert wording.state_verb(singular, "fr", "attacher") == "attache"
    renamed = wording.state_name(row, "en", {"name_en": "Republic of the Philippines"})
    assert wording.of_government(renamed, "en") == (
        "of the Government of the Republic of the Philippines"
    )


# --- init --state and the checked profile ------------------------------------------------------


def init(runner, root: Path, *args: str):
    return runner.invoke(cli, ["init", str(root), *args])


def test_init_state_writes_a_profile_correct_as_it_stands(runner, tmp_path):
    result = init(runner, tmp_path / "mx", "--state", "mex")
    assert result.exit_code == 0, result.output
    assert "Created workspace" in result.stdout and "for Mexico" in result.stdout
    checks = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert 4 <= len(checks) <= 7
    assert any('outgoing.prefix "MEX/GVA"' in line for line in checks)
    assert any("languages: note verbale es, response es" in line for line in checks)
    data = tomllib.loads((tmp_path / "mx" / "commresp.toml").read_text(encoding="utf-8"))
    assert data["state"] == {"code": "MEX", "holidays": "MX", "holidays_subdivision": ""}
    assert data["languages"] == {"note_verbale": "es", "response": "es"}
    assert data["outgoing"]["prefix"] == "MEX/GVA"
    assert (
        data["addressee"]["name_es"] == "Secretaría de la Subdivisión de Procedimientos Especiales"
    )
    from commresp.workspace.profile import load_profile

    profile = load_profile(tmp_path / "mx" / "commresp.toml")
    assert profile.mission_name("es").full == (
        "Misión Permanente de México ante la Oficina de las Naciones Unidas y otros organismos "
        "internacionales con sede en Ginebra"
    )
    assert profile.mission_name("fr").short == "Mission permanente du Mexique"
    assert profile.mission_name("en").short == "Permanent Mission of Mexico"
    # the letterhead of each document is in that document's language
    assert profile.letterhead("es") == ["Misión Permanente de México", "Ginebra"]
    assert profile.letterhead("fr") == ["Mission permanente du Mexique", "Genève"]
    assert profile.letterhead("en") == ["Permanent Mission of Mexico", "Geneva"]


def test_init_state_uses_the_formal_name_where_the_un_does(runner, tmp_path):
    assert init(runner, tmp_path / "ir", "--state", "IRN").exit_code == 0
    from commresp.workspace.profile import load_profile

    profile = load_profile(tmp_path / "ir" / "commresp.toml")
    assert profile.mission_name("fr").short == (
        "Mission permanente de la République islamique d'Iran"
    )
    assert profile.mission_name("en").short == "Permanent Mission of the Islamic Republic of Iran"
    assert profile.document_language("note_verbale") == "en"


def test_the_state_article_is_changed_in_one_place(runner, tmp_path):
    root = tmp_path / "ph"
    assert init(runner, root, "--state", "PHL").exit_code == 0
    path = root / "commresp.toml"
    text = path.read_text(encoding="utf-8")
    # a mission that wants the formal name writes it once, with its article and number
    text = text.replace('# name_fr = "Philippines"', 'name_fr = "République des Philippines"')
    text = text.replace('# article_fr = "les"', 'article_fr = "la"')
    text = text.replace('# number_fr = "p"', 'number_fr = "s"')
    path.write_text(text, encoding="utf-8")
    from commresp.workspace.profile import load_profile

    profile = load_profile(path)
    assert profile.mission_name("fr").short == "Mission permanente de la République des Philippines"
    assert profile.letterhead("fr")[0] == "Mission permanente de la République des Philippines"
    name = profile.state_name("fr")
    assert wording.state_verb(name, "fr", "attacher") == "attache"


BAD_PROFILES = [
    (
        'note_verbale = "fr"',
        'note_verbale = "de"',
        'Error: commresp.toml: languages.note_verbale = "de" is not a language commresp writes '
        'documents in; use "fr", "en" or "es"',
    ),
    (
        'prefix = "GP/CC"',
        "prefix = 2025",
        'Error: commresp.toml: outgoing.prefix must be text in quotes, e.g. prefix = "MEX/GVA"',
    ),
    (
        "[outgoing]",
        '[outgoing]\nprefx = "X"',
        "Error: commresp.toml: unknown key outgoing.prefx (did you mean outgoing.prefix?); "
        "rename or remove it",
    ),
    (
        "[actor]",
        "[actr]",
        "Error: commresp.toml: unknown section [actr] (did you mean actor?)",
    ),
    (
        'code = "BEL"',
        'code = "MXC"',
        'Error: commresp.toml: state.code = "MXC" is not a State in commresp\'s table of '
        "States; nearest: MEX (Mexico), MCO (Monaco)",
    ),
    (
        'Belgique"\narticle_fr = "la"',
        'Belgique"\narticle_fr = "el"',
        'Error: commresp.toml: mission.article_fr = "el" is not an article; use one of "", '
        '"le", "la", "l\'", "les"',
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_PROFILES)
def test_every_command_refuses_a_wrong_profile_before_writing(run, old, new, message):
    path = run.root / "commresp.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = _files(run.root)
    for args in (
        ["register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture"],
        ["list"],
    ):
        result = run(*args, code=1)
        assert result.stderr.strip().splitlines() == [message]
    assert _files(run.root) == before


def _files(root: Path) -> dict[str, bytes]:
    """Every file of a workspace and its bytes (nothing written means nothing changes here)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- the documents of ten States, in the three languages ---------------------------------------

LETTER = "2025-09-01"
DRAFTED = "2025-10-01"

# What a diplomat of each State expects to read (written here by hand, not computed): the
# response's opening in each language, and the note verbale's "reply of the Government".
TEN = {
    "FRA": ("France attaches", "La France attache", "Francia concede",
            "du Gouvernement de la France", "del Gobierno de Francia"),
    "CAN": ("Canada attaches", "Le Canada attache", "El Canadá concede",
            "du Gouvernement du Canada", "del Gobierno del Canadá"),
    "ESP": ("Spain attaches", "L'Espagne attache", "España concede",
            "du Gouvernement de l'Espagne", "del Gobierno de España"),
    "USA": ("The United States of America attaches", "Les États-Unis d'Amérique attachent",
            "Los Estados Unidos de América conceden",
            "du Gouvernement des États-Unis d'Amérique",
            "del Gobierno de los Estados Unidos de América"),
    "PHL": ("The Philippines attaches", "Les Philippines attachent", "Filipinas concede",
            "du Gouvernement des Philippines", "del Gobierno de Filipinas"),
    "ISR": ("Israel attaches", "Israël attache", "Israel concede", "du Gouvernement d'Israël",
            "del Gobierno de Israel"),
    "CHE": ("Switzerland attaches", "La Suisse attache", "Suiza concede",
            "du Gouvernement de la Suisse", "del Gobierno de Suiza"),
    "MEX": ("Mexico attaches", "Le Mexique attache", "México concede",
            "du Gouvernement du Mexique", "del Gobierno de México"),
    "PER": ("Peru attaches", "Le Pérou attache", "El Perú concede", "du Gouvernement du Pérou",
            "del Gobierno del Perú"),
    "ARG": ("Argentina attaches", "L'Argentine attache", "La Argentina concede",
            "du Gouvernement de l'Argentine", "del Gobierno de la Argentina"),
}  # fmt: skip

# Wrong forms that no document may contain, in any language.
WRONG = re.compile(
    r"\b(de le|à le|de les|à les|de el|a el)\b|de l'États|of (United|Philippines|Bahamas)"
    r"|\b(Les|les) Philippines attache\b|Los Estados Unidos de América concede\b",
)


def _text(path: Path) -> str:
    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            parts += [p.text for p in header.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    # references are written with non-breaking spaces (never broken across lines): read as spaces
    return "\n".join(parts).replace("\u00a0", " ")


@pytest.mark.slow
@pytest.mark.parametrize("code", list(TEN))
def test_ten_states_documents_and_forms_in_three_languages(runner, tmp_path, monkeypatch, code):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-03")
    root = tmp_path / code.lower()
    assert init(runner, root, "--state", code).exit_code == 0

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--workspace", str(root), *args])
        assert result.exit_code == 0, (args, result.output)
        return result.stdout

    ref = f"AL {code} 1/2025"
    run("register", ref, "--date", LETTER, "--mandate", "mercenaries", "--mandate",
        "trafficking:f", "--subject", "Alleged trafficking")  # fmt: skip
    for lang in ("fr", "en", "es"):
        run("agencies", "add", f"agency-{lang}", "--name-en", f"Agency {lang}", "--language", lang)
    run("assign", ref, *[a for lang in ("fr", "en", "es") for a in ("--agency", f"agency-{lang}")],
        "--question", "Findings?")  # fmt: skip
    run("answer", "add", ref, "--agency", "agency-en", "--text", "No trace was found.")
    run("draft", ref, "--date", DRAFTED, "--force")
    run("render", ref, "--lang", "fr,en,es")
    slug = f"AL-{code}-1-2025"
    out = root / "correspondence" / slug / "out"
    forms = root / "correspondence" / slug / "enquiries"
    en, fr, es, fr_gov, es_gov = TEN[code]
    texts = {}
    for kind in ("note_verbale", "response"):
        for lang in ("fr", "en", "es"):
            texts[kind, lang] = _text(out / f"{kind}.{lang}.v1.docx")
    for lang in ("fr", "en", "es"):
        texts["form", lang] = _text(forms / f"enquiry-agency-{lang}.{lang}.docx")
    for key, text in texts.items():
        assert not WRONG.search(text), (code, key, WRONG.search(text)[0])

    assert f"{en} great importance" in texts["response", "en"]
    assert f"{fr} une grande importance" in texts["response", "fr"]
    assert f"{es} gran importancia" in texts["response", "es"]
    assert fr_gov in texts["note_verbale", "fr"]
    assert es_gov in texts["note_verbale", "es"]
    spanish = texts["note_verbale", "es"]
    assert (
        "ante la Oficina de las Naciones Unidas y otros organismos internacionales con sede en "
        "Ginebra saluda atentamente a la Secretaría de la Subdivisión de Procedimientos "
        "Especiales y tiene el honor de referirse a la comunicación conjunta del Grupo de Trabajo"
    ) in spanish
    assert "y de la Relatora Especial sobre la trata de personas" in spanish
    assert f"de fecha 1 de septiembre de 2025 (ref. {ref})" in spanish
    assert "las seguridades de su más alta consideración" in spanish
    assert "Ginebra, 1 de octubre de 2025" in spanish
    assert "et de la Rapporteuse spéciale sur la traite" in texts["note_verbale", "fr"]
    assert "Fait à Genève, le 1er octobre 2025" in texts["note_verbale", "fr"]
    assert "Geneva, 1 October 2025" in texts["note_verbale", "en"]
    # forms: the mandates as the documents name them, the letterhead in the form's language
    assert "del Grupo de Trabajo sobre la utilización de mercenarios" in texts["form", "es"]
    assert "y de la Relatora Especial" in texts["form", "es"]
    assert "et de la Rapporteuse spéciale" in texts["form", "fr"]
    assert "and the Special Rapporteur on trafficking" in texts["form", "en"]
    mission_es = wording.mission_names(wording.state_name(packaged.state(code), "es"), "es")
    assert mission_es.short in texts["form", "es"]
    assert "Misión Permanente" not in texts["form", "fr"]


# --- the single country of the holidays package ------------------------------------------------


def test_only_the_missions_country_of_holidays_is_imported():
    code = (
        "import sys, datetime\n"
        "from commresp.workspace.holiday_calendars import HolidayCalendar\n"
        "assert datetime.date(2025, 9, 16) in HolidayCalendar('MX')\n"
        "assert datetime.date(2025, 8, 15) in HolidayCalendar('BE')\n"
        "print(sorted(m for m in sys.modules if m.startswith('holidays.countries')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['holidays.countries.belgium', 'holidays.countries.mexico']"


def test_holidays_of_a_state_match_the_package_itself():
    import datetime

    import holidays

    from commresp.workspace.holiday_calendars import HolidayCalendar

    for code in ("BE", "MX", "PH", "US", "AR"):
        mine = HolidayCalendar(code)
        theirs = holidays.country_holidays(code, years=2025)
        days = [datetime.date(2025, 1, 1) + datetime.timedelta(d) for d in range(365)]
        assert [d for d in days if d in mine] == [d for d in days if d in theirs], code


# --- a Mexican reply, end to end ----------------------------------------------------------------

MEXICAN_NOTE = [
    "Ref.: MEX/GVA 2025/1",
    "La Misión Permanente de México ante la Oficina de las Naciones Unidas y otros organismos "
    "internacionales con sede en Ginebra saluda atentamente a la Secretaría de la Subdivisión de "
    "Procedimientos Especiales y tiene el honor de referirse a la comunicación conjunta del "
    "Grupo de Trabajo sobre las Desapariciones Forzadas o Involuntarias y de la Relatora "
    "Especial sobre la violencia contra las mujeres y las niñas, sus causas y consecuencias, de "
    "fecha 1 de septiembre de 2025 (ref. AL MEX 7/2025).",
    "La Misión Permanente de México tiene el honor de transmitir adjunta la respuesta del "
    "Gobierno de México a dicha comunicación.",
    "La Misión Permanente de México agradecería a la Secretaría de la Subdivisión de "
    "Procedimientos Especiales que tuviera a bien acusar recibo de la presente.",
    "La Misión Permanente de México ante la Oficina de las Naciones Unidas y otros organismos "
    "internacionales con sede en Ginebra aprovecha la oportunidad para reiterar a la Secretaría "
    "de la Subdivisión de Procedimientos Especiales las seguridades de su más alta "
    "consideración.",
    "Ginebra, 1 de octubre de 2025",
    "Secretaría de la Subdivisión de Procedimientos Especiales\nohchr-registry@un.org",
]
MEXICAN_RESPONSE = [
    "Comunicación del Grupo de Trabajo sobre las Desapariciones Forzadas o Involuntarias y de "
    "la Relatora Especial sobre la violencia contra las mujeres y las niñas, sus causas y "
    "consecuencias",
    "REF.: AL MEX 7/2025 de fecha 1 de septiembre de 2025",
    "Respuesta de México",
    "México concede gran importancia a la promoción y la protección de los derechos humanos y "
    "toma nota de las preocupaciones expresadas en la comunicación AL MEX 7/2025.",
    "La Fiscalía Especializada en Investigación de los Delitos de Desaparición Forzada inició "
    "una carpeta de investigación el 2 de septiembre de 2025 y mantiene contacto con la familia.",
    "México agradece a los procedimientos especiales concernidos su comunicación y queda a su "
    "disposición para cualquier información adicional.",
]


def _paragraphs(path: Path) -> list[str]:
    """The paragraphs of a document, its references' non-breaking spaces read as spaces."""
    paragraphs = docx.Document(path).paragraphs
    return [p.text.replace("\u00a0", " ") for p in paragraphs if p.text.strip()]


def test_a_mexican_reply_from_init_to_render(runner, tmp_path, monkeypatch):
    root = tmp_path / "mision"
    monkeypatch.setenv("COMMRESP_TODAY", "2025-09-03")
    assert init(runner, root, "--state", "MEX").exit_code == 0

    def run(*args: str):
        result = runner.invoke(cli, ["--workspace", str(root), *args])
        assert result.exit_code == 0, (args, result.output)
        return result

    ref = "AL MEX 7/2025"
    subject = "Presunta desaparición forzada de una defensora de derechos humanos en Guerrero"
    run("register", ref, "--date", "2025-09-01", "--mandate", "enforced-disappearances",
        "--mandate", "violence-against-women:f", "--subject", subject)  # fmt: skip
    run("agencies", "add", "fgr", "--name-en", "Fiscalía General de la República",
        "--language", "es", "--email", "enlace@fgr.example")  # fmt: skip
    run("assign", ref, "--agency", "fgr", "--question",
        "¿Qué diligencias se han realizado para localizar a la persona desaparecida?")  # fmt: skip
    run("answer", "add", ref, "--agency", "fgr", "--text", MEXICAN_RESPONSE[4])
    monkeypatch.setenv("COMMRESP_TODAY", "2025-10-01")
    run("draft", ref, "--date", "2025-10-01")
    rendered = run("render", ref, "--json").stdout
    folder = root / "correspondence" / "AL-MEX-7-2025"
    # the reply goes out in Spanish only: that is what render makes by default
    assert sorted(p.name for p in (folder / "out").iterdir()) == [
        "note_verbale.es.v1.docx",
        "response.es.v1.docx",
    ], rendered
    assert _paragraphs(folder / "out" / "note_verbale.es.v1.docx") == MEXICAN_NOTE
    assert _paragraphs(folder / "out" / "response.es.v1.docx") == MEXICAN_RESPONSE
    header = docx.Document(folder / "out" / "note_verbale.es.v1.docx").sections[0]
    lines = [p.text for p in header.first_page_header.paragraphs if p.text]
    assert lines == ["Misión Permanente de México", "Ginebra"]
    # the agency's form and e-mail are in Spanish
    form = _text(folder / "enquiries" / "enquiry-fgr.es.docx")
    assert "Solicitud de información" in form and "Fecha límite de respuesta" in form
    assert "17 de octubre de 2025" in form
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(
        (folder / "enquiries" / "enquiry-fgr.eml").read_bytes()
    )
    assert message["Subject"] == (
        "AL MEX 7/2025 – Solicitud de información a Fiscalía General de la República "
        "(respuesta solicitada a más tardar el 17 de octubre de 2025)"
    )
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # SMTP lines
    assert body.startswith("Estimada señora, estimado señor:\n\nLa Misión Permanente de México ha")
    assert "A fin de preparar la respuesta de México," in body
    sent = run("send", ref).stdout.strip()
    reply = BytesParser(policy=policy.default).parsebytes(Path(sent.split()[-1]).read_bytes())
    assert reply["Subject"] == "AL MEX 7/2025 – Respuesta de México (MEX/GVA 2025/1)"
    names = [part.get_filename() for part in reply.iter_attachments()]
    assert names == ["note_verbale.es.v1.docx", "response.es.v1.docx"]


def test_a_profile_sending_the_note_verbale_in_spanish_works_end_to_end(run):
    path = run.root / "commresp.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('note_verbale = "fr"', 'note_verbale = "es"'),
        encoding="utf-8",
    )
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    run("render", "AL BEL 1/2025")
    out = run.root / "correspondence" / "AL-BEL-1-2025" / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "note_verbale.en.v1.docx",
        "note_verbale.es.v1.docx",
        "response.en.v1.docx",
        "response.es.v1.docx",
    ]
    note = _paragraphs(out / "note_verbale.es.v1.docx")
    assert note[1].startswith(
        "La Misión Permanente de Bélgica ante la Oficina de las Naciones Unidas y otros "
        "organismos internacionales con sede en Ginebra saluda atentamente a la Secretaría"
    )
    assert (
        "tiene el honor de referirse a la comunicación de la Relatora Especial sobre la trata"
        in (note[1])
    )
    assert note[-2] == "Ginebra, 31 de julio de 2025"
    sent = run("send", "AL BEL 1/2025").stdout.strip().split()[-1]
    from email import policy
    from email.parser import BytesParser

    reply = BytesParser(policy=policy.default).parsebytes(Path(sent).read_bytes())
    names = [part.get_filename() for part in reply.iter_attachments()]
    assert names == ["note_verbale.es.v1.docx", "response.en.v1.docx"]
    assert reply["Subject"] == "AL BEL 1/2025 – Respuesta de Bélgica (GP/CC 2025/1)"
