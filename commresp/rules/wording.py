"""How documents, forms and e-mails name the State, the mission, the addressee and the mandates.

The one builder of these phrases: templates receive them ready-made and never write a State's
name or article themselves.  Inputs are plain values (what the mission profile holds, as
:class:`Name` and :class:`MissionName`; the communication's mandates as rows), so the rules stay
pure.  The grammar underneath (French contraction and elision, list joining, agreement of
mandate titles) is :mod:`commresp.rules.language`.

>>> of_state(Name("Belgique", "la"), "fr")
'de la Belgique'
>>> government_of(Name("Belgium"), "en", "of")
'of the Government of Belgium'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commresp.rules import language

# "of the State" in each language: de la Belgique, of Belgium, van België.
_OF = {"fr": "de", "en": "of", "nl": "van"}

# "to the addressee": au Secrétariat …, to the Secretariat …, aan het Secretariaat ….
_TO = {"fr": "à", "en": "to", "nl": "aan"}

# The Government, with its article: the head noun of "the reply of the Government of …".
_GOVERNMENT = {"fr": ("le", "Gouvernement"), "en": ("the", "Government"), "nl": ("de", "regering")}

# The title of a response document: "Response of Belgium", "Réponse de la Belgique".
_RESPONSE = {"fr": "Réponse", "en": "Response", "nl": "Antwoord"}


@dataclass(frozen=True)
class Name:
    """A proper name in one language and the definite article it takes ("" for none).

    ``Name("Belgique", "la")``, ``Name("Belgium")``, ``Name("Netherlands", "the")``.
    """

    text: str
    article: str = ""


@dataclass(frozen=True)
class MissionName:
    """The mission's names in one language: the full one, the short one, and their article."""

    full: str
    short: str
    article: str = ""


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
    """The State as the subject of a sentence: ``La Belgique``, ``Belgium``."""
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

    Rows carry ``title_fr``, ``title_en`` and ``holder_gender`` ("f", "m" or "" for a body) as
    the letter words them.  French takes the contracted preposition the title follows
    ("Communication du Groupe de travail …, du Rapporteur spécial … et de la Rapporteuse
    spéciale …"); English the article ("the Working Group …, the Special Rapporteur …, and the
    …", after "from"); Dutch documents use the UN's English titles, joined.
    """
    lang = language.check_language(lang)
    if lang == "fr":
        return language.mandates_phrase(
            [(m["title_fr"] or "", m.get("holder_gender") or None) for m in rows], "fr", "de"
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
