"""Tests for commresp.rules.language (dates, lists, French articles and mandate titles) and
commresp.rules.wording (the phrases naming the State, the mission and the mandates)."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pytest
from babel.dates import get_month_names
from hypothesis import assume, given
from hypothesis import strategies as st

from commresp.rules.language import (
    SUPPORTED_LANGUAGES,
    article_for,
    check_language,
    communication_kind,
    contract,
    contract_es,
    feminine_title_fr,
    holder_gender_of_title_fr,
    join_list,
    long_date,
    mandate_phrase,
    mandates_phrase,
    masculine_title_fr,
    state_phrase,
    takes_e,
    third_person,
)
from commresp.rules.wording import (
    MissionName,
    Name,
    government_of,
    mandates,
    mission,
    of_government,
    of_state,
    response_of,
    state_subject,
    to,
)

# The four mandates of the worked example, as the letter words them (no article).
MERCENARIES_FR = (
    "Groupe de travail sur la question de l'utilisation des mercenaires comme moyen de violer "
    "les droits de l'homme et d'empêcher l'exercice du droit des peuples à disposer d'eux-mêmes"
)
MINORITIES_FR = "Rapporteur spécial sur les questions relatives aux minorités"
SLAVERY_FR = (
    "Rapporteur spécial sur les formes contemporaines d'esclavage, "
    "y compris leurs causes et leurs conséquences"
)
TRAFFICKING_FR = (
    "Rapporteur spécial sur la traite des êtres humains, en particulier des femmes et des enfants"
)


# --- languages ---------------------------------------------------------------------------------


def test_supported_languages() -> None:
    assert SUPPORTED_LANGUAGES == ("fr", "en", "es", "nl")


@pytest.mark.parametrize(("given_lang", "expected"), [("fr", "fr"), ("EN", "en"), (" Nl ", "nl")])
def test_check_language_normalises(given_lang: str, expected: str) -> None:
    assert check_language(given_lang) == expected


@pytest.mark.parametrize("bad", ["de", "", "french", "fr-BE"])
def test_check_language_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match=r"unknown language .*: use one of fr, en, es, nl"):
        check_language(bad)


def test_check_language_message_is_exact() -> None:
    with pytest.raises(ValueError) as info:
        check_language("DE")
    assert str(info.value) == "unknown language 'DE': use one of fr, en, es, nl"


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (datetime.date(2025, 7, 22), "fr", "22 juillet 2025"),
        (datetime.date(2025, 10, 1), "fr", "1er octobre 2025"),
        (datetime.date(2025, 7, 22), "en", "22 July 2025"),
        (datetime.date(2025, 7, 22), "nl", "22 juli 2025"),
        (datetime.date(2025, 10, 1), "en", "1 October 2025"),
        (datetime.date(2025, 10, 1), "nl", "1 oktober 2025"),
        (datetime.date(2025, 10, 1), "es", "1 de octubre de 2025"),
        (datetime.date(2024, 4, 30), "es", "30 de abril de 2024"),
        (datetime.datetime(2025, 7, 22, 15, 30), "fr", "22 juillet 2025"),
    ],
)
def test_long_date_examples(d: datetime.date, lang: str, expected: str) -> None:
    assert long_date(d, lang) == expected


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("month", range(1, 13))
def test_long_date_uses_babel_month_names(lang: str, month: int) -> None:
    # The expected name comes from babel's CLDR data, not from a list written here.
    name = get_month_names("wide", context="format", locale=lang)[month]
    expected = f"15 de {name} de 2024" if lang == "es" else f"15 {name} 2024"
    assert long_date(datetime.date(2024, month, 15), lang) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_first_of_month_in_french_is_1er(month: int) -> None:
    name = get_month_names("wide", context="format", locale="fr")[month]
    assert long_date(datetime.date(2026, month, 1), "fr") == f"1er {name} 2026"


@pytest.mark.parametrize("lang", ["en", "es", "nl"])
def test_first_of_month_elsewhere_is_plain(lang: str) -> None:
    assert long_date(datetime.date(2026, 3, 1), lang).startswith("1 ")


def test_long_date_rejects_unknown_language() -> None:
    with pytest.raises(ValueError):
        long_date(datetime.date(2025, 1, 1), "de")


# --- lists -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "lang", "expected"),
    [
        (["A", "B", "C", "D"], "fr", "A, B, C et D"),
        (["A", "B", "C", "D"], "en", "A, B, C, and D"),
        (["A", "B", "C"], "nl", "A, B en C"),
        (["A", "B", "C"], "es", "A, B y C"),
        (["España", "Italia"], "es", "España e Italia"),
        (["Chile", "Hispanoamérica"], "es", "Chile e Hispanoamérica"),
        (["agua", "hielo"], "es", "agua y hielo"),
        (["cobre", "hierro"], "es", "cobre y hierro"),
        (["Francia", "Yemen"], "es", "Francia y Yemen"),
        (["A", "B", "Irán"], "es", "A, B e Irán"),
        (["A", "B"], "fr", "A et B"),
        (["A", "B"], "en", "A and B"),
        (["A", "B"], "nl", "A en B"),
        (["A"], "fr", "A"),
        (["A"], "en", "A"),
        ([], "fr", ""),
        ([], "en", ""),
        ([], "nl", ""),
        (("A", "B", "C"), "en", "A, B, and C"),
    ],
)
def test_join_list(items: list[str], lang: str, expected: str) -> None:
    assert join_list(items, lang) == expected


@given(
    items=st.lists(st.text(min_size=1, max_size=20), max_size=8),
    lang=st.sampled_from(SUPPORTED_LANGUAGES),
)
def test_join_list_contains_every_item_in_order(items: list[str], lang: str) -> None:
    joined = join_list(items, lang)
    position = 0
    for item in items:
        found = joined.find(item, position)
        assert found >= 0, (item, joined)
        position = found + len(item)


# --- articles and contraction -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preposition", "article", "noun", "expected"),
    [
        ("de", "le", "Canada", "du Canada"),
        ("de", "la", "Belgique", "de la Belgique"),
        ("de", "les", "Pays-Bas", "des Pays-Bas"),
        ("de", "l'", "Espagne", "de l'Espagne"),
        ("de", "l\u2019", "Espagne", "de l'Espagne"),
        ("à", "le", "Secrétariat", "au Secrétariat"),
        ("à", "les", "X", "aux X"),
        ("à", "la", "Y", "à la Y"),
        ("à", "l'", "Organisation", "à l'Organisation"),
        ("", "le", "Secrétariat", "le Secrétariat"),
        ("", "l'", "Espagne", "l'Espagne"),
        ("", "", "Myria", "Myria"),
        ("de", "", "Myria", "de Myria"),
        ("de", "", "Israël", "d'Israël"),
        ("de", "", "Haïti", "d'Haïti"),
        ("de", "", "Oman", "d'Oman"),
        ("à", "", "Israël", "à Israël"),
        ("De", "le", "Canada", "Du Canada"),
        ("À", "les", "X", "Aux X"),
        ("par", "le", "Secrétariat", "par le Secrétariat"),
    ],
)
def test_contract(preposition: str, article: str, noun: str, expected: str) -> None:
    assert contract(preposition, article, noun) == expected


def test_contract_rejects_unknown_article() -> None:
    with pytest.raises(ValueError):
        contract("de", "un", "Canada")


@pytest.mark.parametrize(
    ("noun", "gender", "expected"),
    [
        ("Canada", "m", "le"),
        ("Belgique", "f", "la"),
        ("Espagne", "f", "l'"),
        ("Équateur", "m", "l'"),
        ("égalité", "f", "l'"),
        ("à-propos", "m", "l'"),
        ("Organisation", "f", "l'"),
        ("homme", "m", "l'"),
        ("Haut-Commissariat", "m", "l'"),
        ("Yémen", "m", "le"),
        ("Œuvre", "f", "l'"),
        ("Groupe de travail", "m", "le"),
    ],
)
def test_article_for(noun: str, gender: str, expected: str) -> None:
    assert article_for(noun, gender) == expected


def test_article_for_rejects_unknown_gender() -> None:
    with pytest.raises(ValueError):
        article_for("Canada", "n")


# --- mandate titles: gender ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [
        (
            "Rapporteur spécial sur la traite des êtres humains",
            "Rapporteuse spéciale sur la traite des êtres humains",
        ),
        (
            "Expert indépendant sur la protection contre la violence",
            "Experte indépendante sur la protection contre la violence",
        ),
        (
            "Expert indépendant chargé de la question de la dette extérieure",
            "Experte indépendante chargée de la question de la dette extérieure",
        ),
        (
            "Rapporteur spécial chargé de la question des droits de l'homme et de la paix",
            "Rapporteuse spéciale chargée de la question des droits de l'homme et de la paix",
        ),
        ("Experts indépendants sur X", "Expertes indépendantes sur X"),
        ("Rapporteurs spéciaux sur X", "Rapporteuses spéciales sur X"),
        ("RAPPORTEUR SPÉCIAL SUR X", "RAPPORTEUSE SPÉCIALE SUR X"),
    ],
)
def test_title_gender_pairs(masculine: str, feminine: str) -> None:
    assert feminine_title_fr(masculine) == feminine
    assert feminine_title_fr(feminine) == feminine
    assert masculine_title_fr(feminine) == masculine
    assert masculine_title_fr(masculine) == masculine


@pytest.mark.parametrize(
    "title",
    [
        MERCENARIES_FR,
        "Mécanisme d'experts sur les droits des peuples autochtones",
        "Comité des droits de l'enfant",
        "",
    ],
)
def test_titles_without_holder_are_unchanged(title: str) -> None:
    assert feminine_title_fr(title) == title
    assert masculine_title_fr(title) == title


def test_only_leading_holder_words_change() -> None:
    # "chargé" and "spécial" later in the title belong to other nouns and must not move.
    title = "Rapporteur spécial sur le comité spécial chargé de l'expert indépendant"
    assert feminine_title_fr(title) == (
        "Rapporteuse spéciale sur le comité spécial chargé de l'expert indépendant"
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Rapporteuse spéciale sur X", "f"),
        ("Experte indépendante sur X", "f"),
        ("Expertes indépendantes sur X", "f"),
        ("Rapporteur spécial sur X", "m"),
        ("Expert indépendant chargé de X", "m"),
        (MERCENARIES_FR, "m"),
        ("Mécanisme d'experts sur les droits des peuples autochtones", "m"),
        ("Comité des droits de l'enfant", None),
        ("Special Rapporteur on X", None),
        ("", None),
    ],
)
def test_holder_gender_of_title_fr(title: str, expected: str | None) -> None:
    assert holder_gender_of_title_fr(title) == expected


# Random text, sometimes led by words the parser inspects, to exercise the holder-phrase boundary.
_tails = st.builds(
    str.__add__,
    st.sampled_from(["", "chargé ", "chargé de ", "sur ", "spécial ", "Expert ", "Rapporteuse "]),
    st.text(max_size=40),
)


def _first_word(text: str) -> str:
    """First word as the module reads it: ``_first_word("  CHARGÉ x")`` → ``"chargé"``."""
    match = re.match(r"\s*(\w+)", text)
    return unicodedata.normalize("NFC", match.group(1)).lower() if match else ""


@given(tail=_tails)
def test_feminine_and_masculine_are_idempotent(tail: str) -> None:
    title = "Rapporteur spécial " + tail
    once_f = feminine_title_fr(title)
    once_m = masculine_title_fr(title)
    assert feminine_title_fr(once_f) == once_f
    assert masculine_title_fr(once_m) == once_m


@given(tail=_tails)
def test_feminine_masculine_round_trip(tail: str) -> None:
    # "Rapporteur spécial chargée" is ungrammatical and has no single masculine twin, so a
    # participle that disagrees with the masculine singular noun is outside the property.
    first = _first_word(tail)
    assume(first not in {"chargée", "chargés", "chargées"})
    title = "Rapporteur spécial " + tail
    feminine = feminine_title_fr(title)
    assert feminine.startswith("Rapporteuse spéciale ")
    assert masculine_title_fr(feminine) == title
    # Nothing after the holder words is rewritten, except an agreeing "chargé".
    if first != "chargé":
        assert feminine == "Rapporteuse spéciale " + tail


# --- mandate phrases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "lang", "gender", "preposition", "expected"),
    [
        ("Groupe de travail sur X", "fr", None, "de", "du Groupe de travail sur X"),
        ("Groupe de travail sur X", "fr", "f", "de", "du Groupe de travail sur X"),
        ("Groupe de travail sur X", "fr", None, "", "le Groupe de travail sur X"),
        ("Groupe de travail sur X", "fr", None, "à", "au Groupe de travail sur X"),
        (
            "Rapporteur spécial sur la traite des êtres humains",
            "fr",
            "f",
            "de",
            "de la Rapporteuse spéciale sur la traite des êtres humains",
        ),
        (
            "Rapporteuse spéciale sur la traite des êtres humains",
            "fr",
            "m",
            "de",
            "du Rapporteur spécial sur la traite des êtres humains",
        ),
        ("Rapporteur spécial sur X", "fr", None, "de", "du Rapporteur spécial sur X"),
        ("Rapporteur spécial sur X", "fr", "f", "à", "à la Rapporteuse spéciale sur X"),
        ("Expert indépendant sur X", "fr", "f", "de", "de l'Experte indépendante sur X"),
        ("Expert indépendant sur X", "fr", "m", "", "l'Expert indépendant sur X"),
        ("Expert indépendant sur X", "fr", "m", "à", "à l'Expert indépendant sur X"),
        (
            "Expert indépendant chargé de X",
            "fr",
            "f",
            "de",
            "de l'Experte indépendante chargée de X",
        ),
        (
            "Mécanisme d'experts sur les droits des peuples autochtones",
            "fr",
            "f",
            "de",
            "du Mécanisme d'experts sur les droits des peuples autochtones",
        ),
        ("Rapporteurs spéciaux sur X", "fr", "f", "de", "des Rapporteuses spéciales sur X"),
        ("la Rapporteuse spéciale sur X", "fr", "f", "de", "de la Rapporteuse spéciale sur X"),
        ("Présidente-Rapporteuse", "fr", "f", "de", "de la Présidente-Rapporteuse"),
        (
            "Special Rapporteur on minority issues",
            "en",
            "f",
            "",
            "the Special Rapporteur on minority issues",
        ),
        (
            "Special Rapporteur on minority issues",
            "en",
            "m",
            "of",
            "of the Special Rapporteur on minority issues",
        ),
        (
            "the Special Rapporteur on minority issues",
            "en",
            None,
            "of",
            "of the Special Rapporteur on minority issues",
        ),
        ("The Working Group on X", "en", None, "", "The Working Group on X"),
        ("Speciaal Rapporteur inzake X", "nl", "f", "van", "van de Speciaal Rapporteur inzake X"),
        ("Expertmechanisme inzake X", "nl", None, "", "het Expertmechanisme inzake X"),
    ],
)
def test_mandate_phrase(
    title: str, lang: str, gender: str | None, preposition: str, expected: str
) -> None:
    assert mandate_phrase(title, lang, gender, preposition) == expected


def test_mandate_phrase_rejects_unknown_gender() -> None:
    with pytest.raises(ValueError):
        mandate_phrase("Rapporteur spécial sur X", "fr", "x")


def test_mandates_phrase_worked_example_fr() -> None:
    items = [(MERCENARIES_FR, None), (MINORITIES_FR, "m"), (SLAVERY_FR, "m"), (TRAFFICKING_FR, "f")]
    assert mandates_phrase(items, "fr", "de") == (
        "du Groupe de travail sur la question de l'utilisation des mercenaires comme moyen de "
        "violer les droits de l'homme et d'empêcher l'exercice du droit des peuples à disposer "
        "d'eux-mêmes, du Rapporteur spécial sur les questions relatives aux minorités, "
        "du Rapporteur spécial sur les formes contemporaines d'esclavage, y compris leurs causes "
        "et leurs conséquences et de la Rapporteuse spéciale sur la traite des êtres humains, "
        "en particulier des femmes et des enfants"
    )


def test_mandates_phrase_worked_example_en() -> None:
    items = [
        ("Working Group on the question of the use of mercenaries", None),
        ("Special Rapporteur on minority issues", "m"),
        ("Special Rapporteur on contemporary forms of slavery", "m"),
        ("Special Rapporteur on trafficking in human beings, especially women and children", "f"),
    ]
    assert mandates_phrase(items, "en") == (
        "the Working Group on the question of the use of mercenaries, the Special Rapporteur on "
        "minority issues, the Special Rapporteur on contemporary forms of slavery, and the "
        "Special Rapporteur on trafficking in human beings, especially women and children"
    )


def test_mandates_phrase_small() -> None:
    assert mandates_phrase([], "fr", "de") == ""
    assert mandates_phrase([("Expert indépendant sur X", "f")], "fr") == (
        "l'Experte indépendante sur X"
    )
    assert mandates_phrase([("X", None), ("Y", "f")], "en", "of") == "of the X and of the Y"


# --- communication kind and States --------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "lang", "expected"),
    [
        (1, "fr", "communication"),
        (2, "fr", "communication conjointe"),
        (4, "fr", "communication conjointe"),
        (1, "en", "communication"),
        (3, "en", "joint communication"),
        (1, "nl", "mededeling"),
        (2, "nl", "gezamenlijke mededeling"),
    ],
)
def test_communication_kind(n: int, lang: str, expected: str) -> None:
    assert communication_kind(n, lang) == expected


def test_communication_kind_needs_a_mandate() -> None:
    with pytest.raises(ValueError):
        communication_kind(0, "fr")


@pytest.mark.parametrize(
    ("name", "article", "lang", "preposition", "expected"),
    [
        ("Belgique", "la", "fr", "de", "de la Belgique"),
        ("Canada", "le", "fr", "de", "du Canada"),
        ("Pays-Bas", "les", "fr", "de", "des Pays-Bas"),
        ("Espagne", "l'", "fr", "de", "de l'Espagne"),
        ("Espagne", "l’", "fr", "", "l'Espagne"),
        ("Israël", "", "fr", "de", "d'Israël"),
        ("Canada", "le", "fr", "à", "au Canada"),
        ("Belgium", "", "en", "", "Belgium"),
        ("Belgium", "", "en", "of", "of Belgium"),
        ("Netherlands", "the", "en", "", "the Netherlands"),
        ("Netherlands", "the", "en", "of", "of the Netherlands"),
        ("België", "", "nl", "van", "van België"),
    ],
)
def test_state_phrase(name: str, article: str, lang: str, preposition: str, expected: str) -> None:
    assert state_phrase(name, article, lang, preposition) == expected


# --- wording: the one builder of State, mission and mandate phrases -----------------------------

BELGIUM = {"fr": Name("Belgique", "la"), "en": Name("Belgium"), "nl": Name("België")}


@pytest.mark.parametrize(
    ("lang", "of", "government", "response", "subject"),
    [
        (
            "fr",
            "de la Belgique",
            "du Gouvernement de la Belgique",
            "Réponse de la Belgique",
            "La Belgique",
        ),
        ("en", "of Belgium", "of the Government of Belgium", "Response of Belgium", "Belgium"),
        ("nl", "van België", "van de regering van België", "Antwoord van België", "België"),
    ],
)
def test_state_wording_of_belgium(lang, of, government, response, subject) -> None:
    state = BELGIUM[lang]
    assert of_state(state, lang) == of
    assert of_government(state, lang) == government
    assert response_of(state, lang) == response
    assert state_subject(state, lang) == subject


@pytest.mark.parametrize(
    ("state", "lang", "expected"),
    [
        (Name("Canada", "le"), "fr", "le Gouvernement du Canada"),
        (Name("États-Unis d'Amérique", "les"), "fr", "le Gouvernement des États-Unis d'Amérique"),
        (Name("Israël"), "fr", "le Gouvernement d'Israël"),
        (Name("Netherlands", "the"), "en", "the Government of the Netherlands"),
    ],
)
def test_government_of(state: Name, lang: str, expected: str) -> None:
    assert government_of(state, lang) == expected


def test_mission_wording() -> None:
    fr = MissionName(
        "Représentation permanente de la Belgique auprès de X",
        "Représentation permanente de la Belgique",
        "la",
    )
    assert (
        mission(fr, "fr", start=True) == "La Représentation permanente de la Belgique auprès de X"
    )
    assert mission(fr, "fr", short=True) == "la Représentation permanente de la Belgique"
    assert (
        mission(fr, "fr", short=True, article=False) == "Représentation permanente de la Belgique"
    )
    en = MissionName("Permanent Mission of Canada to X", "Permanent Mission of Canada", "the")
    assert mission(en, "en", short=True, start=True) == "The Permanent Mission of Canada"
    assert to(Name("Secrétariat du Service", "le"), "fr") == "au Secrétariat du Service"
    assert to(Name("Secretariat", "the"), "en") == "to the Secretariat"


def test_mandates_wording_is_one_list_per_language() -> None:
    rows = [
        {"title_fr": MERCENARIES_FR, "title_en": "Working Group on X", "holder_gender": ""},
        {"title_fr": MINORITIES_FR, "title_en": "Special Rapporteur on Y", "holder_gender": "m"},
        {
            "title_fr": "Rapporteuse spéciale sur la traite",
            "title_en": "Special Rapporteur on Z",
            "holder_gender": "f",
        },
    ]
    french = mandates(rows, "fr")
    assert french.startswith("du Groupe de travail sur la question")
    assert ", du Rapporteur spécial sur les questions relatives aux minorités et " in french
    assert french.endswith("et de la Rapporteuse spéciale sur la traite")
    assert not re.search(r"\bde le\b|\bde les\b", french)
    assert mandates(rows, "en") == (
        "the Working Group on X, the Special Rapporteur on Y, and the Special Rapporteur on Z"
    )
    assert mandates(rows, "nl") == (
        "Working Group on X, Special Rapporteur on Y en Special Rapporteur on Z"
    )


# --- Spanish -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preposition", "article", "noun", "expected"),
    [
        ("de", "el", "Perú", "del Perú"),
        ("a", "el", "Perú", "al Perú"),
        ("de", "la", "Argentina", "de la Argentina"),
        ("de", "los", "Estados Unidos de América", "de los Estados Unidos de América"),
        ("de", "", "México", "de México"),
        ("de", "", "El Salvador", "de El Salvador"),  # the article is part of the name
        ("De", "el", "Perú", "Del Perú"),
        ("", "el", "Perú", "el Perú"),
        ("a", "la", "Secretaría", "a la Secretaría"),
    ],
)
def test_contract_es(preposition, article, noun, expected) -> None:
    assert contract_es(preposition, article, noun) == expected


def test_contract_es_rejects_a_french_article() -> None:
    with pytest.raises(ValueError, match="unknown Spanish article 'le'"):
        contract_es("de", "le", "Perú")


@pytest.mark.parametrize(
    ("title", "gender", "preposition", "expected"),
    [
        (
            "Relator Especial sobre la tortura",
            "f",
            "de",
            "de la Relatora Especial sobre la tortura",
        ),
        ("Relator Especial sobre la tortura", "m", "de", "del Relator Especial sobre la tortura"),
        ("Relatora Especial sobre X", "m", "de", "del Relator Especial sobre X"),
        ("Relator Especial sobre X", None, "a", "al Relator Especial sobre X"),
        ("Experto Independiente sobre X", "f", "de", "de la Experta Independiente sobre X"),
        ("Grupo de Trabajo sobre X", "f", "de", "del Grupo de Trabajo sobre X"),
        ("el Grupo de Trabajo sobre X", None, "de", "del Grupo de Trabajo sobre X"),
        ("Mecanismo de Expertos sobre X", None, "", "el Mecanismo de Expertos sobre X"),
    ],
)
def test_spanish_mandate_phrase(title, gender, preposition, expected) -> None:
    assert mandate_phrase(title, "es", gender, preposition) == expected


def test_spanish_mandates_wording_and_kind() -> None:
    rows = [
        {
            "title_es": "Grupo de Trabajo sobre X",
            "title_fr": "",
            "title_en": "",
            "holder_gender": "",
        },
        {
            "title_es": "Relator Especial sobre Y",
            "title_fr": "",
            "title_en": "",
            "holder_gender": "m",
        },
        {
            "title_es": "Relator Especial sobre Z",
            "title_fr": "",
            "title_en": "",
            "holder_gender": "f",
        },
    ]
    assert mandates(rows, "es") == (
        "del Grupo de Trabajo sobre X, del Relator Especial sobre Y y de la Relatora Especial "
        "sobre Z"
    )
    assert communication_kind(1, "es") == "comunicación"
    assert communication_kind(3, "es") == "comunicación conjunta"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Italia", True),
        ("Irán", True),
        ("iglesia", True),
        ("hijos", True),
        ("Hispanoamérica", True),
        ("híbrido", True),
        ("hielo", False),
        ("hierro", False),
        ("hiato", False),
        ("Yemen", False),
        ("Uruguay", False),
        ("", False),
    ],
)
def test_spanish_y_becomes_e_before_an_i_sound(word, expected) -> None:
    assert takes_e(word) is expected


@pytest.mark.parametrize(
    ("verb", "lang", "plural", "expected"),
    [
        ("attacher", "fr", False, "attache"),
        ("attacher", "fr", True, "attachent"),
        ("remercier", "fr", True, "remercient"),
        ("prendre", "fr", True, "prennent"),
        ("se tenir", "fr", False, "se tient"),
        ("se tenir", "fr", True, "se tiennent"),
        ("réitérer", "fr", True, "réitèrent"),
        ("saisir", "fr", True, "saisissent"),
        ("agradecer", "es", False, "agradece"),
        ("agradecer", "es", True, "agradecen"),
        ("conceder", "es", True, "conceden"),
        ("quedar", "es", True, "quedan"),
        ("tomar", "es", True, "toman"),
        ("atribuir", "es", True, "atribuyen"),
        ("tener", "es", True, "tienen"),
        ("attach", "en", False, "attaches"),
        ("thank", "en", False, "thanks"),
        ("remain", "en", False, "remains"),
        ("comprehend", "en", False, "comprehends"),
        ("be", "en", False, "is"),
        ("deny", "en", False, "denies"),
    ],
)
def test_third_person(verb, lang, plural, expected) -> None:
    assert third_person(verb, lang, plural) == expected


def test_third_person_refuses_what_it_cannot_conjugate() -> None:
    with pytest.raises(ValueError, match="cannot conjugate 'croire' in fr"):
        third_person("croire", "fr", True)
