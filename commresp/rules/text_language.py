"""Which language a piece of text is written in: English, French, Dutch or Spanish.

A reply mixes languages: the French response carries an agency's answer in English until
someone translates it, so a paragraph's language is not its document's.  The guess counts the
small words each language uses all the time and the others do not (articles, prepositions,
auxiliaries); it is meant for paragraphs and letters, not for a few words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Words frequent in one of the languages and rare or absent in the other three.
FUNCTION_WORDS = {
    "en": set(
        "the of and to is that for with was were has have which this are by from been".split()
    ),
    "fr": set(
        "le les des du et est une pour dans qui sur aux été ete ont par cette sont au".split()
    ),
    "nl": set("het een van dat voor met zijn niet werd worden bij ook naar deze wordt op".split()),
    "es": set(
        "el los las del y por para con una fue sobre como sus está esta también tambien".split()
    ),
}

_WORD = re.compile(r"[^\W\d_]+")


def counts(text: str, languages: Sequence[str] = ("en", "fr", "nl", "es")) -> dict[str, int]:
    """How many of each language's function words ``text`` uses (accents may be folded)."""
    found = dict.fromkeys(languages, 0)
    for word in _WORD.findall(text.casefold()):
        for lang in languages:
            if word in FUNCTION_WORDS[lang]:
                found[lang] += 1
    return found


def guess(text: str, default: str, languages: Sequence[str] = ("en", "fr", "nl", "es")) -> str:
    """The language of ``languages`` whose function words ``text`` uses most; ``default``
    when none stands out (no such word at all, or a tie).

    >>> guess("Belgium attaches great importance to the protection of human rights.", "fr")
    'en'
    >>> guess("La Belgique attache une grande importance à la protection des droits.", "en")
    'fr'
    """
    ranked = sorted(counts(text, languages).items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return default
    return ranked[0][0]
