"""The catalog of mandates, dated: titles in three languages and both holder forms, holders by
period, the holder's gender of a communication and where it came from, country mandates, and
letter intake on real published letters (Spanish, and English of 2014 and 2021).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import docx
import pytest

from commresp import store
from commresp.intake import find_facts, letter_text
from commresp.rules.holders import (
    HOLDER_TYPES,
    PERSONAL_HOLDER_TYPES,
    decide_gender,
    holder_on,
    in_force,
    is_personal,
)
from commresp.rules.language import (
    has_holder_noun,
    holder_gender_of_title,
    holder_title,
)
from commresp.workspace import packaged
from tests.helpers import record

FIXTURES = Path(__file__).parent / "fixtures"
LETTERS = FIXTURES / "letters"
CATALOG = packaged.mandates()
HOLDERS = packaged.mandate_holders()
BY_SLUG = {row["slug"]: row for row in CATALOG}
REVIEWED = date(2026, 12, 1)  # when the catalog was last reviewed (mandates.SOURCES.md)


def old_catalog_slugs() -> set[str]:
    """The slugs of the catalog 0.1.0 shipped, as its workspace database holds them."""
    conn = sqlite3.connect(f"file:{FIXTURES / 'workspace-0.1.0.db'}?immutable=1", uri=True)
    try:
        return {row[0] for row in conn.execute("select slug from mandates")}
    finally:
        conn.close()


# --- the data -------------------------------------------------------------------------------


def test_the_catalog_keeps_every_slug_and_adds_the_country_mandates():
    slugs = [row["slug"] for row in CATALOG]
    assert len(slugs) == len(set(slugs)) == 64
    assert old_catalog_slugs() <= set(slugs)
    countries = [row for row in CATALOG if row["kind"] == "country"]
    assert len(countries) == 15
    states = {row["iso3"] for row in packaged.data_csv("states.csv")}
    for row in countries:
        assert row["country"] in states
        assert row["slug"] == f"country-{row['country'].lower()}"
    assert {row["kind"] for row in CATALOG} == {"thematic", "country"}
    assert all(not row["country"] for row in CATALOG if row["kind"] == "thematic")


def test_every_row_is_sourced_and_says_how_sure_it_is():
    for row in [*CATALOG, *HOLDERS]:
        assert row["verified"] in ("yes", "partial", "no"), row
        assert row["source"].strip(), row
    for row in CATALOG:
        assert row["holder_type"] in HOLDER_TYPES
        assert all(row[f"title_{lang}"].strip() for lang in ("en", "fr", "es")), row["slug"]


@pytest.mark.parametrize("row", CATALOG, ids=[row["slug"] for row in CATALOG])
def test_every_title_has_both_holder_forms_by_rule(row):
    personal = is_personal(row["holder_type"])
    for lang in ("en", "fr", "es"):
        title = row[f"title_{lang}"]
        masculine, feminine = holder_title(title, lang, "m"), holder_title(title, lang, "f")
        assert masculine == title, "the catalog keeps the masculine form"
        assert holder_title(feminine, lang, "m") == masculine
        assert holder_title(feminine, lang, "f") == feminine
        if lang == "en" or not personal:
            # English titles and bodies (Groupe de travail, Grupo de Trabajo) never change
            assert feminine == title
            continue
        assert has_holder_noun(title, lang), (lang, title)
        assert feminine != title
        assert holder_gender_of_title(feminine, lang) == "f"
        assert holder_gender_of_title(masculine, lang) == "m"
        # only the holder words at the start change (noun, adjective, participle)
        assert feminine.split()[3:] == title.split()[3:]


@pytest.mark.parametrize(
    ("slug", "lang", "feminine"),
    [
        ("trafficking", "fr", "Rapporteuse spéciale sur la traite des êtres humains"),
        ("trafficking", "es", "Relatora Especial sobre la trata de personas"),
        ("albinism", "es", "Experta Independiente sobre el disfrute"),
        ("albinism", "fr", "Experte indépendante sur l'exercice"),
        ("older-persons", "fr", "Experte indépendante chargée de promouvoir"),
        ("country-hti", "fr", "Experte désignée par le Haut-Commissaire"),
        ("country-hti", "es", "Experta designada por el Alto Comisionado"),
        ("country-sdn", "es", "Experta designada por el Alto Comisionado"),
        ("country-irn", "fr", "Rapporteuse spéciale sur la situation des droits de l'homme en"),
        ("country-irn", "es", "Relatora Especial sobre la situación de los derechos humanos en"),
    ],
)
def test_irregular_and_country_feminine_forms(slug, lang, feminine):
    assert holder_title(BY_SLUG[slug][f"title_{lang}"], lang, "f").startswith(feminine)


def test_bodies_keep_their_masculine_article_words():
    mercenaries = BY_SLUG["mercenaries"]
    assert holder_title(mercenaries["title_es"], "es", "f").startswith("Grupo de Trabajo")
    assert holder_gender_of_title(mercenaries["title_es"], "es") == "m"
    assert holder_gender_of_title("Relatoras Especiales sobre X", "es") == "f"
    assert holder_title("Relatores Especiales sobre X", "es", "f") == "Relatoras Especiales sobre X"
    assert holder_gender_of_title("Special Rapporteur on X", "en") is None
    with pytest.raises(ValueError):
        holder_title("X", "de", "f")


def test_holders_are_periods_of_catalog_mandates_without_overlaps():
    by_mandate: dict[str, list[dict]] = {}
    for h in HOLDERS:
        assert h["mandate"] in BY_SLUG
        assert is_personal(BY_SLUG[h["mandate"]]["holder_type"]), "a body has no holder"
        assert h["gender"] in ("f", "m")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", h["start_on"])
        assert h["end_on"] is None or h["start_on"] <= h["end_on"]
        by_mandate.setdefault(h["mandate"], []).append(h)
    for periods in by_mandate.values():
        periods.sort(key=lambda h: h["start_on"])
        for before, after in zip(periods, periods[1:], strict=False):
            assert before["end_on"] and before["end_on"] < after["start_on"], (before, after)
    # at least the current and the previous holder of the mandates held by a person, where known
    assert sum(len(p) >= 2 for p in by_mandate.values()) >= 45


def test_the_catalog_default_is_the_holder_in_office_when_it_was_reviewed():
    for row in CATALOG:
        current = holder_on([h for h in HOLDERS if h["mandate"] == row["slug"]], REVIEWED)
        expected = current["gender"] if current and is_personal(row["holder_type"]) else ""
        assert row["holder_gender"] == expected, row["slug"]


def test_2014_holders_of_housing_water_and_health():
    on = date(2014, 1, 31)

    def gender(slug):
        return holder_on([h for h in HOLDERS if h["mandate"] == slug], on)["gender"]

    assert (gender("housing"), gender("water-sanitation"), gender("health")) == ("f", "f", "m")


# --- the rule ---------------------------------------------------------------------------------

PERIODS = [
    {"name": "A", "gender": "f", "start_on": "2014-06-02", "end_on": "2020-04-30"},
    {"name": "B", "gender": "m", "start_on": "2020-05-01", "end_on": None},
]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"on": date(2015, 1, 1)}, ("f", "holder", "A")),
        ({"on": date(2020, 5, 1)}, ("m", "holder", "B")),
        ({"on": date(2010, 1, 1)}, ("m", "catalog", "")),
        ({"on": date(2010, 1, 1), "catalog_default": "f"}, ("f", "catalog", "")),
        ({"on": date(2015, 1, 1), "from_letter": "m"}, ("m", "letter", "")),
        ({"on": date(2015, 1, 1), "from_letter": "m", "given": "f"}, ("f", "given", "")),
    ],
)
def test_given_then_letter_then_holder_then_catalog(kwargs, expected):
    decided = decide_gender("Special Rapporteur", holders=PERIODS, **kwargs)
    assert (decided.gender, decided.source, decided.holder) == expected


def test_bodies_have_no_gender_and_personal_types_are_known():
    assert decide_gender("Working Group", given="f", holders=PERIODS).gender == ""
    assert PERSONAL_HOLDER_TYPES == {
        "Special Rapporteur",
        "Independent Expert",
        "Designated Expert",
    }


def test_a_mandate_in_force_only_when_its_dates_allow():
    merged = BY_SLUG["slavery-trafficking"]
    assert not in_force(merged, date(2025, 7, 22))
    assert in_force(merged, date(2026, 6, 1))
    assert in_force(BY_SLUG["slavery"], date(2025, 7, 22))
    assert not in_force(BY_SLUG["slavery"], date(2026, 6, 1))
    assert in_force(BY_SLUG["torture"], date(1990, 1, 1))  # unknown dates never exclude


# --- registering, by the letter's date ------------------------------------------------------


def mandates_of(run, ref):
    return {m["mandate"]: m for m in run.json("show", ref)["mandates"]}


def test_gender_follows_the_holder_in_office_on_the_letter_date(run):
    for ref, day in (("UA SYR 3/2014", "2014-01-31"), ("UA SYR 9/2025", "2025-07-01")):
        run("register", ref, "--date", day, "--mandate", "housing", "--mandate",
            "water-sanitation", "--mandate", "health", "--mandate", "mercenaries")  # fmt: skip
    old, new = mandates_of(run, "UA SYR 3/2014"), mandates_of(run, "UA SYR 9/2025")
    assert [old[s]["holder_gender"] for s in ("housing", "water-sanitation", "health")] == [
        "f",
        "f",
        "m",
    ]
    assert [new[s]["holder_gender"] for s in ("housing", "water-sanitation", "health")] == [
        "m",
        "m",
        "f",
    ]
    assert old["housing"]["gender_source"] == "holder"
    assert old["housing"]["holder_name"] == "Raquel Rolnik"
    assert old["housing"]["title_fr"].startswith("Rapporteuse spéciale sur le logement")
    assert old["housing"]["title_es"].startswith("Relatora Especial sobre una vivienda")
    assert new["health"]["title_es"].startswith("Relatora Especial sobre el derecho de toda")
    assert old["mercenaries"]["holder_gender"] == old["mercenaries"]["gender_source"] == ""
    shown = run("show", "UA SYR 3/2014").stdout
    assert "1. housing (f: holder in office: Raquel Rolnik)" in shown
    assert "3. health (m: holder in office: Anand Grover)" in shown
    assert "es: Relator Especial sobre el derecho de toda persona" in shown


def test_show_says_when_the_gender_is_only_the_catalog_default(run):
    # no holder of the right to food is on record before Olivier De Schutter (May 2008)
    run("register", "AL BEL 1/2005", "--date", "2005-03-01", "--mandate", "food")
    food = mandates_of(run, "AL BEL 1/2005")["food"]
    assert (food["holder_gender"], food["gender_source"]) == ("m", "catalog")
    assert (
        "1. food (m: catalog default (no holder on record for 2005-03-01))"
        in run("show", "AL BEL 1/2005").stdout
    )


def test_given_gender_wins_and_edit_re_inflects_the_titles(run):
    run("register", "AL BEL 2/2025", "--date", "2025-07-01", "--mandate", "torture:m")
    torture = mandates_of(run, "AL BEL 2/2025")["torture"]
    assert (torture["holder_gender"], torture["gender_source"]) == ("m", "given")
    assert torture["title_es"].startswith("Relator Especial sobre la tortura")
    assert "(m: given with --mandate torture:m)" in run("show", "AL BEL 2/2025").stdout
    run("edit", "AL BEL 2/2025", "--gender", "torture=f")
    torture = mandates_of(run, "AL BEL 2/2025")["torture"]
    assert (torture["holder_gender"], torture["gender_source"]) == ("f", "given")
    assert torture["title_fr"].startswith("Rapporteuse spéciale sur la torture")
    assert torture["title_es"].startswith("Relatora Especial sobre la tortura")
    result = run("edit", "AL BEL 2/2025", "--gender", "torture=x", code=2)
    assert result.stderr == "Error: gender for torture must be f or m\n"


def test_a_body_gets_no_gender_even_when_edited(run):
    run("register", "AL BEL 3/2025", "--date", "2025-07-01", "--mandate", "mercenaries")
    result = run("edit", "AL BEL 3/2025", "--gender", "mercenaries=f", code=2)
    assert result.stderr == "Error: mercenaries is a Working Group: it has no holder gender\n"


def test_a_country_mandate_registers_with_its_titles_in_three_languages(run):
    run("register", "AL IRN 5/2025", "--date", "2025-03-01", "--mandate", "country-irn")
    iran = mandates_of(run, "AL IRN 5/2025")["country-irn"]
    assert iran["kind"] == "country" and iran["country"] == "IRN"
    assert (iran["holder_gender"], iran["holder_name"]) == ("f", "Mai Sato")
    assert iran["title_en"] == (
        "Special Rapporteur on the situation of human rights in the Islamic Republic of Iran"
    )
    assert iran["title_fr"] == (
        "Rapporteuse spéciale sur la situation des droits de l'homme en République islamique d'Iran"
    )
    assert iran["title_es"] == (
        "Relatora Especial sobre la situación de los derechos humanos en la República Islámica "
        "del Irán"
    )
    run("register", "AL IRN 6/2023", "--date", "2023-03-01", "--mandate", "country-irn")
    earlier = mandates_of(run, "AL IRN 6/2023")["country-irn"]
    assert (earlier["holder_gender"], earlier["holder_name"]) == ("m", "Javaid Rehman")
    assert earlier["title_es"].startswith("Relator Especial sobre la situación")


def test_mandates_show_lists_titles_and_holders(run):
    out = run("mandates", "show", "country-hti").stdout
    assert "fr (f): Experte désignée par le Haut-Commissaire" in out
    assert "es (f): Experta designada por el Alto Comisionado" in out
    assert re.search(r"William O'Neill\s+m\s+2023-04-12", out)
    housing = run.json("mandates", "show", "housing")
    assert [h["name"] for h in housing["holders"]] == [
        "Raquel Rolnik",
        "Leilani Farha",
        "Balakrishnan Rajagopal",
    ]
    assert housing["titles"]["es"]["f"].startswith("Relatora Especial")
    assert "its members hold it together" in run("mandates", "show", "mercenaries").stdout
    assert run("mandates", "show", "housin", code=2).stderr.startswith(
        "Error: unknown mandate 'housin' (did you mean housing?)"
    )


def test_a_holder_the_catalog_lacks_can_be_added_and_is_used(run):
    # what the workspace knows better than the catalog: where periods overlap, the later wins
    run("mandates", "holder", "add", "food", "--name", "Jane Example", "--gender", "f",
        "--from", "2025-05-01", "--source", "test")  # fmt: skip
    run("register", "AL BEL 4/2025", "--date", "2025-07-01", "--mandate", "food")
    food = mandates_of(run, "AL BEL 4/2025")["food"]
    assert (food["holder_gender"], food["holder_name"]) == ("f", "Jane Example")
    db = record(run.root)
    actions = [r["action"] for r in db.query("select action from events order by id")]
    assert "mandate-holder-add" in actions
    bad = [
        (["--gender", "x", "--from", "2025-01-01"], "Error: --gender must be one of f, m\n"),
        (
            ["--gender", "f", "--from", "2025-01-01", "--to", "2024-01-01"],
            "Error: --to 2024-01-01 is before --from 2025-01-01\n",
        ),
    ]
    for args, message in bad:
        assert run("mandates", "holder", "add", "food", "--name", "X", *args, code=2).stderr == (
            message
        )
    body = run("mandates", "holder", "add", "mercenaries", "--name", "X", "--gender", "f",
               "--from", "2025-01-01", code=2)  # fmt: skip
    assert "has no holder gender" in body.stderr
    count = db.execute("select count(*) from mandate_holders where name = 'X'").fetchone()[0]
    assert count == 0


# --- real letters -----------------------------------------------------------------------------

TODAY = date(2026, 12, 1)


def facts_of(name: str):
    return find_facts(letter_text(LETTERS / name), CATALOG, today=TODAY)


def slugs_genders(facts) -> list[tuple[str, str]]:
    return [(m.slug, m.gender) for m in facts.mandates]


def test_a_real_spanish_letter_ol_esp_4_2024():
    facts = facts_of("OL-ESP-4-2024.es.txt")
    assert (facts.reference, facts.letter_date, facts.language) == (
        "OL ESP 4/2024",
        date(2024, 4, 30),
        "es",
    )
    assert slugs_genders(facts) == [
        ("truth-justice", "m"),
        ("enforced-disappearances", ""),
        ("executions", "m"),
    ]
    # the titles as the letter words them, across its line breaks
    assert facts.mandates[0].title_es == (
        "Relator Especial sobre la promoción de la verdad, la justicia, la reparación y las "
        "garantías de no repetición"
    )
    assert facts.mandates[1].title_es == (
        "Grupo de Trabajo sobre las Desapariciones Forzadas o Involuntarias"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "AL-SLV-2-2022.es.txt",
            [
                ("arbitrary-detention", ""),
                ("enforced-disappearances", ""),
                ("executions", "m"),
                ("health", "f"),
                ("judges-lawyers", "m"),
                ("counter-terrorism", "f"),
            ],
        ),
        (
            "AL-SLV-2-2023.es.txt",
            [
                ("judges-lawyers", "f"),
                ("arbitrary-detention", ""),
                ("executions", "m"),
                ("counter-terrorism", "f"),
            ],
        ),
    ],
)
def test_spanish_mandates_lines_with_the_holders_gender(name, expected):
    facts = facts_of(name)
    assert facts.language == "es"
    assert slugs_genders(facts) == expected
    assert facts.reference == name.split(".")[0].replace("-", " ", 2).replace("-", "/")


def test_what_spanish_letters_say_agrees_with_the_holders_on_record():
    # the letters are independent evidence for the holders by period
    for name, day in (
        ("AL-SLV-2-2022.es.txt", date(2022, 6, 1)),
        ("AL-SLV-2-2023.es.txt", date(2023, 5, 17)),
    ):
        for m in facts_of(name).mandates:
            if m.gender:
                current = holder_on([h for h in HOLDERS if h["mandate"] == m.slug], day)
                assert current["gender"] == m.gender, (name, m.slug, current)


def test_country_mandates_are_read_from_english_letters():
    facts = facts_of("AL-IRN-14-2021.en.txt")
    assert (facts.reference, facts.letter_date) == ("AL IRN 14/2021", date(2021, 5, 27))
    assert [m.slug for m in facts.mandates] == [
        "country-irn",
        "arbitrary-detention",
        "freedom-expression",
        "health",
        "human-rights-defenders",
        "torture",
        "violence-against-women",
    ]
    # the heading lost "Iran" in the PDF; the sentence that follows has the whole title
    assert facts.mandates[0].title_en == (
        "Special Rapporteur on the situation of human rights in the Islamic Republic of Iran"
    )
    iran_second = facts_of("AL-IRN-12-2021.en.txt")
    assert "country-irn" in [m.slug for m in iran_second.mandates]


@pytest.mark.parametrize(
    "phrase, slug",
    [
        (
            "Mandats du Rapporteur spécial sur la situation des droits de l'homme au Bélarus",
            "country-blr",
        ),
        (
            "Mandatos de la Relatora Especial sobre la situación de los derechos humanos en la "
            "República Islámica del Irán",
            "country-irn",
        ),
        (
            "Mandates of the Independent Expert on the situation of human rights in Somalia",
            "country-som",
        ),
        (
            "Mandates of the Special Rapporteur on the situation of human rights in Myanmar",
            "country-mmr",
        ),
    ],
)
def test_country_mandates_in_every_language(phrase, slug):
    facts = find_facts(phrase + "\nRef.: AL BEL 1/2025", CATALOG, today=TODAY)
    assert [m.slug for m in facts.mandates] == [slug]
    if "Relatora" in phrase:
        assert facts.mandates[0].gender == "f"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("30 de abril de 2024", date(2024, 4, 30)),
        ("1º de mayo de 2024", date(2024, 5, 1)),
        ("15 de setiembre de 2023", date(2023, 9, 15)),
        ("Ginebra, 2 de diciembre del 2024", date(2024, 12, 2)),
        ("REFERENCIA: UA MEX 3/2024", None),
    ],
)
def test_spanish_dates(written, expected):
    facts = find_facts(f"Mandatos del Relator Especial sobre la tortura\n{written}\nExcelencia:",
                       CATALOG, today=TODAY)  # fmt: skip
    assert facts.letter_date == expected
    assert facts.language == "es"


def test_register_from_a_real_spanish_letter(run, tmp_path):
    # as .docx, the way a letter is often forwarded
    document = docx.Document()
    for line in (LETTERS / "OL-ESP-4-2024.es.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "OL-ESP-4-2024.docx"
    document.save(path)
    run("register", "--from-letter", str(path), "--yes", "--received", "2024-05-02")
    shown = run.json("show", "OL ESP 4/2024")
    assert shown["letter_date"] == "2024-04-30"
    m = {x["mandate"]: x for x in shown["mandates"]}
    assert list(m) == ["truth-justice", "enforced-disappearances", "executions"]
    assert (m["truth-justice"]["holder_gender"], m["truth-justice"]["gender_source"]) == (
        "m",
        "letter",
    )
    assert m["truth-justice"]["title_es"].endswith("y las garantías de no repetición")
    # the other languages take the catalog's titles, agreeing with the gender the letter gave
    assert m["truth-justice"]["title_fr"].startswith("Rapporteur spécial sur la promotion")
    assert m["enforced-disappearances"]["gender_source"] == ""


def test_an_english_letter_of_2014_gets_the_holders_gender_as_of_2014(run, monkeypatch):
    run("register", "--from-letter", str(LETTERS / "UA-SYR-3-2014.en.txt"), "--yes",
        "--received", "2014-02-03")  # fmt: skip
    m = {x["mandate"]: x for x in run.json("show", "UA SYR 3/2014")["mandates"]}
    assert list(m) == ["housing", "food", "health", "torture", "water-sanitation"]
    assert {s: (x["holder_gender"], x["holder_name"]) for s, x in m.items()} == {
        "housing": ("f", "Raquel Rolnik"),
        "food": ("m", "Olivier De Schutter"),
        "health": ("m", "Anand Grover"),
        "torture": ("m", "Juan E. Méndez"),
        "water-sanitation": ("f", "Catarina de Albuquerque"),
    }
    assert all(x["gender_source"] == "holder" for x in m.values())
    # the English titles as the letter words them (2014: "human right", singular)
    assert m["water-sanitation"]["title_en"] == (
        "Special Rapporteur on the human right to safe drinking water and sanitation"
    )
    assert m["water-sanitation"]["title_fr"].startswith("Rapporteuse spéciale sur les droits")


# --- an older workspace ------------------------------------------------------------------------


@pytest.mark.sqlite_only("the 0.1.0 SQLite file")
def test_an_upgraded_0_1_0_workspace_gets_the_dated_catalog(run):
    import shutil

    path = run.root / "commresp.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(FIXTURES / "workspace-0.1.0.db", path)
    db = store.connect(path)
    assert db.execute("select count(*) from mandate_holders").fetchone()[0] == len(HOLDERS)
    assert db.execute("select count(*) from mandates").fetchone()[0] == 64
    iran = db.execute("select title_es, kind from mandates where slug = 'country-irn'").fetchone()
    assert iran == (BY_SLUG["country-irn"]["title_es"], "country")
    db.close()
    shown = run.json("show", "AL BEL 1/2025")
    trafficking = {m["mandate"]: m for m in shown["mandates"]}["trafficking"]
    assert trafficking["title_es"] == holder_title(BY_SLUG["trafficking"]["title_es"], "es", "f")
    assert trafficking["gender_source"] is None
    assert "not recorded" in trafficking["gender_from"]
    # and the upgraded workspace registers by the letter's date like a new one
    run("register", "UA SYR 3/2014", "--date", "2014-01-31", "--mandate", "housing")
    housing = mandates_of(run, "UA SYR 3/2014")["housing"]
    assert (housing["holder_gender"], housing["holder_name"]) == ("f", "Raquel Rolnik")


def write_pdf(text: str, path: Path) -> Path:
    """The letter's paragraphs in a narrow column, so that its titles wrap over lines."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    style = getSampleStyleSheet()["Normal"]
    flow = []
    for paragraph in text.split("\n\n"):
        escaped = paragraph.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        flow += [Paragraph(escaped.replace("\n", "<br/>"), style), Spacer(1, 6)]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=150, rightMargin=150).build(flow)
    return path


@pytest.mark.parametrize("name", ["UA-SYR-3-2014.en.txt", "OL-ESP-4-2024.es.txt"])
def test_real_letters_read_the_same_from_a_pdf(name, tmp_path):
    text = (LETTERS / name).read_text(encoding="utf-8")
    pdf = write_pdf(text, tmp_path / "letter.pdf")
    from_pdf = find_facts(letter_text(pdf), CATALOG, today=TODAY)
    from_text = facts_of(name)
    assert (from_pdf.reference, from_pdf.letter_date) == (
        from_text.reference,
        from_text.letter_date,
    )
    assert slugs_genders(from_pdf) == slugs_genders(from_text)


def test_a_workspace_adds_a_country_mandate_of_its_own(run):
    run("mandates", "add", "country-syr", "--holder-type", "Special Rapporteur",
        "--title-en", "Special Rapporteur on the situation of human rights in the Syrian Arab "
        "Republic", "--title-fr", "Rapporteur spécial sur la situation des droits de l'homme en "
        "République arabe syrienne", "--title-es", "Relator Especial sobre la situación de los "
        "derechos humanos en la República Árabe Siria", "--country", "SYR")  # fmt: skip
    added = run.json("mandates", "show", "country-syr")
    assert (added["kind"], added["country"]) == ("country", "SYR")
    assert added["titles"]["es"]["f"].startswith("Relatora Especial sobre la situación")
    bad = run("mandates", "add", "country-abc", "--holder-type", "Special Rapporteur",
              "--title-en", "X", "--title-fr", "Y", "--country", "ABC", code=2)  # fmt: skip
    assert bad.stderr.startswith("Error: --country 'ABC' is not the ISO 3166-1 alpha-3 code")
    assert run("mandates", "edit", "country-syr", "--kind", "regional", code=2).stderr == (
        "Error: --kind must be one of thematic, country\n"
    )
