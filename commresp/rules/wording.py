"""How documents, forms and e-mails name the State, the mission, the addressee and the mandates.

The one builder of these phrases: templates receive them ready-made and never write a State's
name or article themselves.  Inputs are plain values, so the rules stay pure: the State's row of
the packaged table of States (``commresp/data/states.csv``, read by
:mod:`commresp.workspace.packaged`) and the profile's overrides give a :class:`Name` per
language (:func:`state_name`); the mission's names are the profile's or :func:`mission_names`;
the communication's mandates are rows.  The grammar underneath (contraction and elision, list
joining, agreement of mandate titles, verbs) is :mod:`commresp.rules.language`.

Which name of the State a phrase uses: every phrase uses the State's name as the UN writes it
in running text.  That is the UNTERM short name ("Belgium", "the Philippines", "les États-Unis
d'Amérique", "el Perú"), except where the short name is a list form with the descriptor in
brackets ("Iran (Islamic Republic of)", "Bolivia (Plurinational State of)", "Netherlands
(Kingdom of the)"), which the UN turns round in running text: that is the formal name ("the
Islamic Republic of Iran", "la République islamique d'Iran", "la República Islámica del
Irán").  Belgium's published reply to AL BEL 1/2025 names its State the same way ("de la
Belgique", "Response of Belgium"), not by its formal name (Royaume de Belgique).

>>> of_state(Name("Belgique", "la"), "fr")
'de la Belgique'
>>> government_of(Name("Belgium"), "en", "of")
'of the Government of Belgium'
>>> state_verb(Name("Philippines", "les", plural=True), "fr", "attacher")
'attachent'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commresp.rules import language

# "of the State" in each language: de la Belgique, of Belgium, de México, van België.
_OF = {"fr": "de", "en": "of", "es": "de", "nl": "van"}

# "to the addressee": au Secrétariat …, to the Secretariat …, a la Secretaría …, aan het ….
_TO = {"fr": "à", "en": "to", "es": "a", "nl": "aan"}

# The Government, with its article: the head noun of "the reply of the Government of …".
_GOVERNMENT = {
    "fr": ("le", "Gouvernement"),
    "en": ("the", "Government"),
    "es": ("el", "Gobierno"),
    "nl": ("de", "regering"),
}

# The title of a response document: "Response of Belgium", "Réponse de la Belgique",
# "Respuesta de México".
_RESPONSE = {"fr": "Réponse", "en": "Response", "es": "Respuesta", "nl": "Antwoord"}

# The mission's default names when the profile gives none, built round the State's name:
# (head with its article, tail after the State).  One mission, one name per language, the
# three in parallel: "Misión Permanente de … ante la Oficina de las Naciones Unidas y otros
# organismos internacionales con sede en Ginebra" is the opening the issue of record asks for
# (design.md §12); the French and English follow it word for word.  A mission whose own name
# differs (Belgium's "Représentation permanente") writes it in the profile.
_MISSION = {
    "fr": (
        "la",
        "Mission permanente",
        "auprès de l'Office des Nations Unies et des autres organisations internationales à Genève",
    ),
    "en": (
        "the",
        "Permanent Mission",
        "to the United Nations Office and other international organizations in Geneva",
    ),
    "es": (
        "la",
        "Misión Permanente",
        "ante la Oficina de las Naciones Unidas y otros organismos internacionales con sede "
        "en Ginebra",
    ),
    "nl": ("de", "Permanente Vertegenwoordiging", ""),
}

# The two observer States (the Holy See, the State of Palestine) keep Permanent Observer
# Missions, as the UN's lists of missions in Geneva name them ("Permanent Observer Mission of
# the Holy See to the United Nations Office and other international organizations in Geneva";
# "Mission permanente d'observation", "Misión Permanente de Observación").
_OBSERVER_MISSION = {
    "fr": "Mission permanente d'observation",
    "en": "Permanent Observer Mission",
    "es": "Misión Permanente de Observación",
    "nl": "Permanente Waarnemersmissie",
}


@dataclass(frozen=True)
class Name:
    """A proper name in one language, the definite article it takes ("" for none), and whether
    a verb it is the subject of goes in the plural ("Les Philippines attachent").

    ``Name("Belgique", "la")``, ``Name("Belgium")``, ``Name("Netherlands", "the")``.
    """

    text: str
    article: str = ""
    plural: bool = False


@dataclass(frozen=True)
class MissionName:
    """The mission's names in one language: the full one, the short one, and their article."""

    full: str
    short: str
    article: str = ""


def state_name(
    row: Mapping[str, str], lang: str, overrides: Mapping[str, object] | None = None
) -> Name:
    """The State's name in ``lang`` from its row of the table of States, as the UN writes it in
    running text (see the module's docstring), with the profile's overrides (``name_fr``,
    ``article_fr``, ``number_fr`` = "s"/"p", …; ``article_en`` is "the" or "").

    >>> row = {"short_es": "Estados Unidos de América", "article_es": "los", "number_es": "p"}
    >>> state_name(row, "es")
    Name(text='Estados Unidos de América', article='los', plural=True)
    """
    lang = language.check_language(lang)
    overrides = overrides or {}
    if lang == "nl":
        # The table has no Dutch: the profile's name_nl, else the English name as it stands.
        english = state_name(row, "en", overrides)
        return Name(str(overrides.get("name_nl") or english.text))
    formal = "(" in str(row.get(f"short_{lang}", ""))
    key = "formal_" if formal else ""
    text = str(row.get(f"{'formal' if formal else 'short'}_{lang}", "") or "")
    if lang == "en":
        article = "the" if row.get(f"{key}the_en") == "yes" else ""
        number = "s"
    else:
        article = str(row.get(f"{key}article_{lang}", "") or "")
        number = str(row.get(f"{key}number_{lang}", "s") or "s")
    text = str(overrides.get(f"name_{lang}", text))
    article = str(overrides.get(f"article_{lang}", article))
    if lang == "en":
        plural = False  # English names of States take a singular verb: "the Philippines attaches"
    elif f"number_{lang}" in overrides:
        plural = overrides[f"number_{lang}"] == "p"  # the mission says how its verbs agree
    elif lang == "es":
        # Spanish agrees in the plural only with the article: "los Estados Unidos agradecen",
        # but "Filipinas agradece" (RAE, DPD "Estados Unidos").
        plural = number == "p" and article.lower() in ("los", "las")
    else:
        plural = number == "p"
    return Name(text, article, plural)


def mission_names(state: Name, lang: str, *, observer: bool = False) -> MissionName:
    """The mission's default names in ``lang``, built round the State's name; an
    ``observer`` State's mission is a Permanent Observer Mission.

    ``mission_names(Name("México"), "es").short`` → ``"Misión Permanente de México"``.
    """
    lang = language.check_language(lang)
    article, head, tail = _MISSION[lang]
    if observer:
        head = _OBSERVER_MISSION[lang]
    short = f"{head} {of_state(state, lang)}"
    return MissionName(f"{short} {tail}" if tail else short, short, article)


def letterhead(names: MissionName, city: str, address: Sequence[str] = ()) -> list[str]:
    """The lines at the top of a document: the mission's short name, the city, the address.

    ``letterhead(MissionName("…", "Misión Permanente de México"), "Ginebra")`` →
    ``["Misión Permanente de México", "Ginebra"]``.
    """
    return [capital(names.short), *([city] if city else []), *address]


def state_verb(state: Name, lang: str, verb: str) -> str:
    """A verb in the third person, agreeing with the State as its subject.

    ``state_verb(Name("Estados Unidos de América", "los", plural=True), "es", "agradecer")``
    → ``"agradecen"``.
    """
    return language.third_person(verb, lang, state.plural)


def capital(text: str) -> str:
    """The phrase starting a sentence: ``capital("la Belgique")`` → ``"La Belgique"``."""
    return text[:1].upper() + text[1:]


def phrase(name: Name, lang: str, preposition: str = "") -> str:
    """A name with its article after an optional preposition.

    ``phrase(Name("Canada", "le"), "fr", "de")`` → ``"du Canada"``;
    ``phrase(Name("Secretariat", "the"), "en", "to")`` → ``"to the Secretariat"``.
    """
    return language.state_phrase(name.text, name.article, lang, preposition)


def of(name: Name, lang: str) -> str:
    """A name after "of": ``of(Name("Canada", "le"), "fr")`` → ``"du Canada"``."""
    return phrase(name, lang, _OF[language.check_language(lang)])


def to(name: Name, lang: str) -> str:
    """A name after "to": ``to(Name("Secrétariat", "le"), "fr")`` → ``"au Secrétariat"``."""
    return phrase(name, lang, _TO[language.check_language(lang)])


def of_state(state: Name, lang: str) -> str:
    """ "Of the State": ``de la Belgique``, ``of Belgium``, ``van België``."""
    return of(state, lang)


def state_subject(state: Name, lang: str) -> str:
    """The State as the subject of a sentence: ``La Belgique``, ``Belgium``, ``The
    Philippines`` (its verb from :func:`state_verb`)."""
    return capital(phrase(state, lang))


def government_of(state: Name, lang: str, preposition: str = "") -> str:
    """ "The Government of …", after an optional preposition.

    ``government_of(Name("Belgique", "la"), "fr", "de")`` → ``"du Gouvernement de la Belgique"``.
    """
    article, noun = _GOVERNMENT[language.check_language(lang)]
    return phrase(Name(f"{noun} {of_state(state, lang)}", article), lang, preposition)


def of_government(state: Name, lang: str) -> str:
    """ "Of the Government of …": ``du Gouvernement de la Belgique``, ``of the Government of
    Belgium`` (the reply the note verbale transmits)."""
    return government_of(state, lang, _OF[language.check_language(lang)])


def response_of(state: Name, lang: str) -> str:
    """The title of the response: ``Réponse de la Belgique``, ``Response of Belgium``."""
    return f"{_RESPONSE[language.check_language(lang)]} {of_state(state, lang)}"


def mission(
    names: MissionName, lang: str, *, short: bool = False, article: bool = True, start: bool = False
) -> str:
    """The mission's name: full or short, with its article (or bare), capitalised at ``start``.

    ``mission(m, "fr", start=True)`` → ``"La Représentation permanente de la Belgique auprès …"``;
    ``mission(m, "en", short=True, article=False)`` → ``"Permanent Representation of Belgium"``.
    """
    text = names.short if short else names.full
    if article:
        text = phrase(Name(text, names.article), lang)
    return capital(text) if start else text


def mandates(rows: Sequence[Mapping[str, str | None]], lang: str) -> str:
    """The mandates that signed a communication, as every document, form and e-mail names them.

    Rows carry ``title_fr``, ``title_en``, ``title_es`` and ``holder_gender`` ("f", "m" or
    "" for a body) as the letter words them.  French and Spanish take the contracted
    preposition the title follows ("Communication du Groupe de travail …, du Rapporteur
    spécial … et de la Rapporteuse spéciale …"; "comunicación del Grupo de Trabajo … y de la
    Relatora Especial …"), the holder's gender deciding the title's; English the article ("the
    Working Group …, the Special Rapporteur …, and the …", after "from"); Dutch documents use
    the UN's English titles, joined.
    """
    lang = language.check_language(lang)
    if lang in ("fr", "es"):
        return language.mandates_phrase(
            [(m[f"title_{lang}"] or "", m.get("holder_gender") or None) for m in rows], lang, "de"
        )
    if lang == "en":
        return language.mandates_phrase([(m["title_en"] or "", None) for m in rows], "en")
    return language.join_list([m["title_en"] or "" for m in rows], lang)


# The word before a page number, as Word's own page-number building blocks write it in each
# language (Word's "Page X" gallery in the English, French, Spanish and Dutch editions).
PAGE_LABELS = {"en": "Page", "fr": "Page", "es": "Página", "nl": "Pagina"}


def page_label(lang: str) -> str:
    """The word before a page number in ``lang`` ("Page", "Página"…)."""
    return PAGE_LABELS.get(lang, PAGE_LABELS["en"])
