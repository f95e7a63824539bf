"""Tests for commresp.intake: reading incoming letters and finding reference, date and mandates.

The letters are generated here, in the OHCHR layout, as .docx (python-docx), PDF (reportlab,
narrow columns so that titles wrap over several lines) and .txt: no binary fixtures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from commresp.errors import BadInput
from commresp.intake import MAX_BYTES, LetterFacts, find_facts, letter_text
from commresp.workspace import packaged

TODAY = date(2025, 8, 1)
CATALOG = packaged.mandates()

# --- the worked example, AL BEL 1/2025, in both languages -----------------------------------

TITLES = {
    "en": {
        "mercenaries": "Working Group on the use of mercenaries as a means of violating human "
        "rights and impeding the exercise of the right of peoples to self-determination",
        "minorities": "Special Rapporteur on minority issues",
        "slavery": "Special Rapporteur on contemporary forms of slavery, including its causes "
        "and consequences",
        "trafficking": "Special Rapporteur on trafficking in persons, especially women and "
        "children",
    },
    # As the French letter words them: not the catalog's wording ("la question de
    # l'utilisation des mercenaires", "des femmes et des enfants"), and a female rapporteur.
    "fr": {
        "mercenaries": "Groupe de travail sur la question de l'utilisation des mercenaires comme "
        "moyen de violer les droits de l'homme et d'empêcher l'exercice du droit des peuples à "
        "disposer d'eux-mêmes",
        "minorities": "Rapporteur spécial sur les questions relatives aux minorités",
        "slavery": "Rapporteur spécial sur les formes contemporaines d'esclavage, y compris "
        "leurs causes et leurs conséquences",
        "trafficking": "Rapporteuse spéciale sur la traite des êtres humains, en particulier des "
        "femmes et des enfants",
    },
}
ORDER = ["mercenaries", "minorities", "slavery", "trafficking"]
SIGNATORIES = ["Ana Exemple", "Bruno Modèle", "Chen Muster", "Dana Voorbeeld"]


def letter(lang: str, *, reference: str | None = "AL BEL 1/2025", dated: bool = True) -> dict:
    """The parts of a letter in the OHCHR layout, for the writers below."""
    t = TITLES[lang]
    if lang == "en":
        mandates = (
            f"Mandates of the {t['mercenaries']}; the {t['minorities']}; "
            f"the {t['slavery']} and the {t['trafficking']}"
        )
        body = [
            "We have the honour to address you in our capacity as "
            f"{t['mercenaries']}; {t['minorities']}; {t['slavery']} and {t['trafficking']}, "
            "pursuant to Human Rights Council resolutions 51/13, 52/5, 51/15 and 53/9.",
            # The body repeats the mandates, shorter, in sentences that go on after them.
            "In this connection, the Special Rapporteur on contemporary forms of slavery "
            "would like to recall that on 3 March 2025 the Special Rapporteur on trafficking "
            "in persons expressed concern about the recruitment of foreign nationals.",
        ]
        return {
            "header": "PALAIS DES NATIONS • 1211 GENEVA 10, SWITZERLAND",
            "mandates": mandates,
            "reference": f"REFERENCE: {reference}" if reference else None,
            "date": "22 July 2025" if dated else None,
            "salutation": "Excellency,",
            "body": body,
            "closing": "Please accept, Excellency, the assurances of our highest consideration.",
            "signatures": [
                (SIGNATORIES[0], "Chair-Rapporteur of the " + t["mercenaries"]),
                (SIGNATORIES[1], t["minorities"]),
                (SIGNATORIES[2], t["slavery"]),
                (SIGNATORIES[3], t["trafficking"]),
            ],
        }
    mandates = (
        f"Mandats du {t['mercenaries']}; du {t['minorities']}; du {t['slavery']} et de la "
        f"{t['trafficking']}"
    )
    body = [
        "Nous avons l'honneur de vous adresser cette communication en notre qualité de "
        f"{t['mercenaries']}, de {t['minorities']}, de {t['slavery']} et de "
        f"{t['trafficking']}, conformément aux résolutions 51/13, 52/5, 51/15 et 53/9 du "
        "Conseil des droits de l'homme.",
        "À cet égard, la Rapporteuse spéciale sur la traite des êtres humains souhaite "
        "rappeler que le Groupe de travail a déjà exprimé sa préoccupation.",
    ]
    return {
        "header": "PALAIS DES NATIONS • 1211 GENÈVE 10, SUISSE",
        "mandates": mandates,
        "reference": f"RÉFÉRENCE : {reference}" if reference else None,
        "date": "22 juillet 2025" if dated else None,
        "salutation": "Excellence,",
        "body": body,
        "closing": "Veuillez agréer, Excellence, l'assurance de notre haute considération.",
        "signatures": [
            (SIGNATORIES[0], "Présidente-Rapporteuse du " + t["mercenaries"]),
            (SIGNATORIES[1], t["minorities"]),
            (SIGNATORIES[2], t["slavery"]),
            (SIGNATORIES[3], t["trafficking"]),
        ],
    }


def paragraphs(parts: dict) -> list[str]:
    """The letter as a list of paragraphs, top to bottom."""
    out = [parts["header"], parts["mandates"]]
    out += [p for p in (parts["reference"], parts["date"]) if p]
    out += [parts["salutation"], *parts["body"], parts["closing"]]
    for name, title in parts["signatures"]:
        out += [name, title]
    return out


def write_txt(parts: dict, path: Path) -> Path:
    path.write_text("\n\n".join(paragraphs(parts)) + "\n", encoding="utf-8")
    return path


def write_docx(parts: dict, path: Path) -> Path:
    """Letterhead in the page header, reference and date side by side in a table."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = parts["header"]
    document.add_paragraph(parts["mandates"])
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = parts["reference"] or ""
    table.cell(0, 1).text = parts["date"] or ""
    document.add_paragraph(parts["salutation"])
    for text in parts["body"]:
        document.add_paragraph(text)
    document.add_paragraph(parts["closing"])
    signatures = document.add_table(rows=len(parts["signatures"]), cols=1)
    for row, (name, title) in zip(signatures.rows, parts["signatures"], strict=True):
        row.cells[0].text = name
        row.cells[0].add_paragraph(title)
    document.save(path)
    return path


def write_pdf(parts: dict, path: Path) -> Path:
    """A narrow column, so that long titles are broken over several lines."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    style = getSampleStyleSheet()["Normal"]

    def letterhead(canvas, _doc) -> None:
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(72, A4[1] - 40, parts["header"])

    flow = []
    for text in paragraphs(parts)[1:]:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        flow += [Paragraph(escaped, style), Spacer(1, 6)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=150, rightMargin=150)
    doc.build(flow, onFirstPage=letterhead)
    return path


WRITERS = {"txt": write_txt, "docx": write_docx, "pdf": write_pdf}


def facts_of(path: Path) -> LetterFacts:
    return find_facts(letter_text(path), CATALOG, today=TODAY)


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_worked_example_in_every_format(tmp_path, lang, kind):
    path = WRITERS[kind](letter(lang), tmp_path / f"letter-{lang}.{kind}")
    facts = facts_of(path)

    assert facts.reference == "AL BEL 1/2025"
    assert facts.letter_date == date(2025, 7, 22)
    assert facts.language == lang
    assert facts.missing == []
    assert [m.slug for m in facts.mandates] == ORDER
    genders = {m.slug: m.gender for m in facts.mandates}
    if lang == "fr":
        assert genders == {"mercenaries": "", "minorities": "m", "slavery": "m", "trafficking": "f"}
    else:
        assert set(genders.values()) == {""}
    for mandate in facts.mandates:
        # The title as the letter words it, in the letter's language only.
        expected = TITLES[lang][mandate.slug]
        assert (mandate.title_en, mandate.title_fr) == (
            (expected, None) if lang == "en" else (None, expected)
        )


def test_pdf_titles_are_broken_over_lines_and_still_found(tmp_path):
    text = letter_text(write_pdf(letter("fr"), tmp_path / "letter.pdf"))
    title = TITLES["fr"]["trafficking"]
    assert title not in text  # the line breaks fall inside the title …
    assert title in " ".join(text.split())
    facts = find_facts(text, CATALOG, today=TODAY)
    trafficking = facts.mandates[-1]
    assert trafficking.title_fr == title  # … and the title comes back on one line
    assert trafficking.gender == "f"


def test_docx_header_and_table_cells_are_read(tmp_path):
    text = letter_text(write_docx(letter("en"), tmp_path / "letter.docx"))
    lines = text.splitlines()
    assert lines[0] == "PALAIS DES NATIONS • 1211 GENEVA 10, SWITZERLAND"
    assert "REFERENCE: AL BEL 1/2025" in lines
    assert "22 July 2025" in lines
    assert lines.count(SIGNATORIES[3]) == 1  # table cells are not repeated


def test_french_title_with_the_catalog_wording_still_differs_from_the_letter():
    # The catalog's French titles differ from the letter's; the letter's wording is kept.
    catalog = {row["slug"]: row for row in CATALOG}
    assert catalog["trafficking"]["title_fr"] != TITLES["fr"]["trafficking"]
    assert catalog["mercenaries"]["title_fr"] != TITLES["fr"]["mercenaries"]


# --- what is missing ------------------------------------------------------------------------


def test_letter_without_reference(tmp_path):
    facts = facts_of(write_txt(letter("en", reference=None), tmp_path / "letter.txt"))
    assert facts.reference is None
    assert facts.missing == ["reference"]
    assert [m.slug for m in facts.mandates] == ORDER


def test_letter_without_date(tmp_path):
    # The body mentions "3 March 2025", after "Excellency,": that is not the letter's date.
    facts = facts_of(write_txt(letter("en", dated=False), tmp_path / "letter.txt"))
    assert facts.letter_date is None
    assert facts.missing == ["date"]


def test_letter_without_mandates():
    facts = find_facts("REFERENCE: AL BEL 1/2025\n22 July 2025\nExcellency,", CATALOG, today=TODAY)
    assert facts.mandates == []
    assert facts.missing == ["mandates"]


def test_nothing_found_in_an_empty_text():
    facts = find_facts("", CATALOG, today=TODAY)
    assert facts == LetterFacts(None, None, "en", [], ["reference", "date", "mandates"])


# --- references --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("REFERENCE: UA G/SO 214 (53-24) SYR 3/2014", "UA SYR 3/2014"),
        (
            "REFERENCE: UA Housing (2000-9) Food (2000-9) Health (2002-7) G/SO 214 (53-24) "
            "Water (2008-1) SYR 3/2014",
            "UA SYR 3/2014",
        ),
        ("REFERENCE: UA G/SO 218/2 SAU 5/2014", "UA SAU 5/2014"),
        ("Reference: AL BEL 1/2025", "AL BEL 1/2025"),
        ("RÉFÉRENCE : OL BEL 2/2024", "OL BEL 2/2024"),
        ("Réf. : AL FRA 12/2023", "AL FRA 12/2023"),
        ("REFERENCE:\nAL BEL 01/2025", "AL BEL 1/2025"),
        # An invalid labelled reference falls back on a valid bare one elsewhere.
        ("REFERENCE: AL ZZZ 1/2025\nsee also AL BEL 4/2025", "AL BEL 4/2025"),
        ("Further to communication UA BEL 3/2024, we …", "UA BEL 3/2024"),
        ("Our ref: GP/CC 2025/210", None),
        ("REFERENCE: XX BEL 1/2025", None),
        ("REFERENCE: AL BEL 1/2031", None),
    ],
)
def test_references(line, expected):
    assert find_facts(line, CATALOG, today=TODAY).reference == expected


def test_reference_types_and_addressees_come_from_the_profile():
    text = "REFERENCE: JUA OTH 2/2024"
    assert find_facts(text, CATALOG, today=TODAY).reference is None
    facts = find_facts(text, CATALOG, types=("JUA",), other_addressees=("OTH",), today=TODAY)
    assert facts.reference == "JUA OTH 2/2024"


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, expected",
    [
        ("22 July 2025", date(2025, 7, 22)),
        ("July 22, 2025", date(2025, 7, 22)),
        ("Geneva, 1st July 2025", date(2025, 7, 1)),
        ("22 juillet 2025", date(2025, 7, 22)),
        ("Genève, le 1er août 2025", date(2025, 8, 1)),
        ("1ER AOUT 2025", date(2025, 8, 1)),
        ("2025-07-22", date(2025, 7, 22)),
        ("Sept. 3, 2024", date(2024, 9, 3)),
        ("31 June 2025", None),
        ("22 August 2025", None),  # after today: a typo or another date, not the letter's
    ],
)
def test_dates(written, expected):
    text = f"Mandate of the Special Rapporteur on minority issues\n{written}\nExcellency,"
    assert find_facts(text, CATALOG, today=TODAY).letter_date == expected


def test_only_dates_above_the_salutation_count():
    text = "REFERENCE: AL BEL 1/2025\nExcellency,\nOn 3 March 2025, the police …"
    assert find_facts(text, CATALOG, today=TODAY).letter_date is None


def test_first_date_wins():
    text = "22 July 2025\n2025-07-01\nExcellency,"
    assert find_facts(text, CATALOG, today=TODAY).letter_date == date(2025, 7, 22)


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Excellence,\nNous avons l'honneur de vous adresser", "fr"),
        ("Excellency,\nWe have the honour to address you", "en"),
        ("Le Groupe de travail et la Rapporteuse spéciale", "fr"),
        ("la question des droits de l'homme dans le pays", "fr"),
        ("the question of human rights in the country", "en"),
        ("", "en"),
    ],
)
def test_language(text, expected):
    assert find_facts(text, CATALOG, today=TODAY).language == expected


# --- mandates ---------------------------------------------------------------------------------


def slugs_and_titles(text: str) -> list[tuple[str, str | None]]:
    return [
        (m.slug, m.title_en or m.title_fr) for m in find_facts(text, CATALOG, today=TODAY).mandates
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_catalog_title_finds_itself(lang):
    head = "Mandates of the " if lang == "en" else "Mandats du "
    for row in CATALOG:
        title = row[f"title_{lang}"]
        assert slugs_and_titles(f"{head}{title}\nREFERENCE: AL BEL 1/2025") == [
            (row["slug"], title)
        ]


@pytest.mark.parametrize(
    "phrase, slug",
    [
        ("Special Rapporteur on torture", "torture"),
        ("Special Rapporteur on contemporary forms of slavery", "slavery"),
        ("Working Group on the question of the use of mercenaries", "mercenaries"),
        ("Special Rapporteur on freedom of expression", "freedom-expression"),
        ("Special Rapporteur on human rights defenders", "human-rights-defenders"),
        ("Special Rapporteur on the right to development", "development"),
        ("Expert Mechanism on the right to development", "right-to-development-mechanism"),
        ("Independent Expert in the field of cultural rights", "cultural-rights"),  # old title
        (
            "Special Rapporteur on violence against women, its causes and consequences",
            "violence-against-women",
        ),
        ("Special Rapporteur on the sale and sexual exploitation of children", "sale-of-children"),
        ("Rapporteur spécial sur la torture", "torture"),
        (
            "Groupe de travail sur l'utilisation de mercenaires comme moyen de violer les droits "
            "de l'homme et d'empêcher l'exercice du droit des peuples à l'autodétermination",
            "mercenaries",
        ),
        (
            "Groupe de travail chargé de la question de la discrimination à l'égard des femmes, "
            "dans la législation et dans la pratique",
            "discrimination-women-girls",
        ),
        (
            "Experte indépendante sur les droits de l'homme et la solidarité internationale",
            "international-solidarity",
        ),
    ],
)
def test_titles_worded_differently_from_the_catalog(phrase, slug):
    head = "Mandates of the " if phrase[0] in "SWEI" else "Mandats du "
    # The whole phrase is kept, even the words the catalog does not have.
    assert slugs_and_titles(f"{head}{phrase}\nREFERENCE: AL BEL 1/2025") == [(slug, phrase)]


@pytest.mark.parametrize(
    "phrase",
    [
        "Special Rapporteur on the situation of human rights in Belarus",
        "Independent Expert on the situation of human rights in Somalia",
        "Rapporteur spécial sur la situation des droits de l'homme au Bélarus",
        "Special Rapporteur on the rights of persons deprived of liberty",
        "Special Rapporteur on the use of force",
        "Special Rapporteur on human rights",
        "Special Rapporteur would like to draw the attention of your Excellency's Government",
    ],
)
def test_phrases_that_are_no_catalog_mandate(phrase):
    assert slugs_and_titles(f"Mandates of the {phrase}\nREFERENCE: AL BEL 1/2025") == []


def test_typographic_apostrophes_match_and_become_straight():
    text = "Mandats du Rapporteur spécial sur les formes contemporaines d’esclavage\nRÉFÉRENCE :"
    assert slugs_and_titles(text) == [
        ("slavery", "Rapporteur spécial sur les formes contemporaines d'esclavage")
    ]


def test_capacity_sentence_when_there_is_no_heading():
    text = (
        "Excellency,\nI have the honour to address you in my capacity as Special Rapporteur on "
        "the independence of judges and lawyers, pursuant to Human Rights Council resolution "
        "53/12. The Special Rapporteur on torture is also concerned."
    )
    # Only the capacity sentence counts: the second mention is not a sender of the letter.
    assert slugs_and_titles(text) == [
        ("judges-lawyers", "Special Rapporteur on the independence of judges and lawyers")
    ]


def test_signatures_are_the_last_resort():
    text = (
        "REFERENCE: AL BEL 1/2025\n22 July 2025\nExcellency,\nWe are concerned.\n\n"
        "Please accept, Excellency, the assurances of our highest consideration.\n\n"
        "Ana Exemple\nSpecial Rapporteur on minority issues\n\n"
        "Bruno Modèle\nSpecial Rapporteur on the right to food\nChen Muster\n"
        "Independent Expert on the enjoyment of human rights by persons with albinism\n"
    )
    assert slugs_and_titles(text) == [
        ("minorities", "Special Rapporteur on minority issues"),
        ("food", "Special Rapporteur on the right to food"),  # not "… food Chen Muster"
        (
            "albinism",
            "Independent Expert on the enjoyment of human rights by persons with albinism",
        ),
    ]


def test_body_sentences_do_not_run_into_titles():
    text = (
        "The Special Rapporteur on minority issues would like to recall the Declaration. "
        "The Working Group on Arbitrary Detention has expressed concern."
    )
    assert slugs_and_titles(text) == [
        ("minorities", "Special Rapporteur on minority issues"),
        ("arbitrary-detention", "Working Group on Arbitrary Detention"),
    ]


def test_a_mandate_is_listed_once_in_the_order_of_first_mention():
    text = (
        "Mandates of the Special Rapporteur on the right to food; the Special Rapporteur on "
        "the right to food and the Special Rapporteur on torture\nREFERENCE: AL BEL 1/2025"
    )
    assert [slug for slug, _ in slugs_and_titles(text)] == ["food", "torture"]


def test_english_holders_have_no_gender_and_french_bodies_neither():
    text = (
        "Mandats du Groupe de travail sur la détention arbitraire; de l'Experte indépendante "
        "sur l'exercice des droits de l'homme par les personnes atteintes d'albinisme et du "
        "Mécanisme d'experts sur le droit au développement\nRÉFÉRENCE : AL BEL 1/2025"
    )
    facts = find_facts(text, CATALOG, today=TODAY)
    assert [(m.slug, m.gender) for m in facts.mandates] == [
        ("arbitrary-detention", ""),
        ("albinism", "f"),
        ("right-to-development-mechanism", ""),
    ]
    assert facts.mandates[1].title_fr.startswith("Experte indépendante sur l'exercice")


def test_catalog_rows_without_a_french_title_are_skipped():
    rows = [{**row, "title_fr": None} for row in CATALOG]
    text = "Mandats du Rapporteur spécial sur la torture\nRÉFÉRENCE : AL BEL 1/2025"
    assert find_facts(text, rows, today=TODAY).mandates == []


# --- reading files ---------------------------------------------------------------------------


def test_text_files_with_bom_and_markdown(tmp_path):
    path = tmp_path / "letter.md"
    path.write_bytes("\ufeff# Letter\n\nREFERENCE:   AL BEL 1/2025  \n".encode())
    assert letter_text(path) == "# Letter\n\nREFERENCE: AL BEL 1/2025"


def test_utf16_text_file(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("Excellence,", encoding="utf-16")
    assert letter_text(path) == "Excellence,"


def test_pdf_hyphenation_at_line_ends_is_undone(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "hyphens.pdf"
    canvas = Canvas(str(path))
    lines = [
        "impeding the exer-",
        "cise of the right of peoples to self-",
        "determination and to dispose of them-",
        "selves; à disposer d'eux-",
        "mêmes",
    ]
    for i, line in enumerate(lines):
        canvas.drawString(72, 700 - 14 * i, line)
    canvas.save()
    text = letter_text(path)
    assert " ".join(text.split()) == (
        "impeding the exercise of the right of peoples to self-determination and to dispose "
        "of themselves; à disposer d'eux-mêmes"
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("letter.doc", b"\xd0\xcf\x11\xe0", "cannot read .doc files"),
        ("letter", b"text", "files without an extension"),
        ("letter.pdf", b"%PDF-1.4\nthis is not a pdf at all", "not a readable PDF"),
        ("letter.pdf", b"", "not a readable PDF"),
        ("letter.docx", b"PK\x03\x04 broken zip", "not a readable .docx"),
        ("letter.txt", b"caf\xe9 cr\xe8me", "is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput, match=message) as error:
        letter_text(path)
    assert "\n" not in str(error.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        letter_text(tmp_path / "nowhere.pdf")
    with pytest.raises(BadInput, match="is not a file"):
        letter_text(tmp_path)


def test_oversized_file(tmp_path):
    path = tmp_path / "letter.pdf"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(BadInput, match="more than a letter"):
        letter_text(path)


def test_scanned_pdf_without_text(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path))
    canvas.rect(72, 72, 300, 500, fill=1)
    canvas.save()
    with pytest.raises(BadInput, match=r"scanned\?.*--date/--mandate"):
        letter_text(path)


def test_encrypted_pdf(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "locked.pdf"
    canvas = Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=0))
    canvas.drawString(72, 700, "REFERENCE: AL BEL 1/2025")
    canvas.save()
    with pytest.raises(BadInput, match="encrypted PDF"):
        letter_text(path)


def test_pdf_restricted_but_without_an_opening_password_is_read(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "restricted.pdf"
    canvas = Canvas(str(path), encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    canvas.drawString(72, 700, "REFERENCE: AL BEL 1/2025 and more text")
    canvas.save()
    assert "REFERENCE: AL BEL 1/2025" in letter_text(path)
