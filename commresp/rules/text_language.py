"""Which language a piece of text is written in: English, French, Dutch or Spanish.

A reply mixes languages: the French response carries an agency's answer in English until
someone translates it, so a paragraph's language is not its document's.  The guess counts the
small words each language uses all the time and the others do not (articles, prepositions,
auxiliaries); it is meant for paragraphs and letters, not for a few words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from commresp.rules.document_kinds import LANGUAGE_NAMES

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


# --- identification: lingua, the detector commresp chose ---------------------------------
#
# lingua-language-detector (benchmarks/bench_language_id.py compares it with py3langid): its
# models are compiled into its extension module, so building a detector reads no file; in
# low-accuracy mode (trigrams only) for four languages it costs about 45 ms in a whole
# process, where py3langid costs about 600 ms (numpy and its model), and both name the
# language of every paragraph of the worked example and of short EN/FR/ES paragraphs. It is
# imported on first use, never at start-up.

IDENTIFIED = ("en", "fr", "es", "nl")
# Fewer words than this say too little to overrule the language a text was declared in
# ("Deportation of a journalist" reads as French to every identifier measured).
MIN_WORDS = 5
# lingua's confidence (0..1) the first language must have to overrule the declared one.
MIN_CONFIDENCE = 0.8

_detector = None


def _scores(text: str) -> dict[str, float]:
    global _detector
    if _detector is None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        chosen = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in IDENTIFIED
        ]
        _detector = LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()
    return {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in _detector.compute_language_confidence_values(text)
    }


def identify(text: str, declared: str) -> str:
    """The language ``text`` is written in, among en, fr, es and nl: ``declared`` (the language
    it is said to be in, e.g. its form's) unless the identifier is sure of another one.

    >>> identify("The investigation is ongoing and the prosecutor has been informed.", "fr")
    'en'
    >>> identify("Torture in detention", "fr")  # too short to overrule what it was said to be
    'fr'
    """
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return declared
    scores = _scores(text)
    if not scores:
        return declared
    best = max(scores, key=scores.__getitem__)
    if best != declared and scores[best] >= MIN_CONFIDENCE:
        return best
    return declared


# --- translation markers in a draft -------------------------------------------------------
#
# A section of a draft in another language than its document's is preceded by one line
#     <!-- to translate: en → fr (federal-police) -->
# (an HTML comment: the Markdown → Word renderer drops it). The section runs to the next
# marker or the end of the draft; it still needs translating while one of its paragraphs
# reads as the source language.

MARKER = re.compile(
    r"^<!--\s*to translate:\s*(?P<source>[a-z]{2})\s*(?:→|->)\s*(?P<target>[a-z]{2})"
    r"\s*\((?P<section>[^)\n]*)\)\s*-->[ \t]*$",
    re.MULTILINE,
)


def marker(source: str, target: str, section: str) -> str:
    """The marker line put before a section in ``source`` in a document in ``target``."""
    return f"<!-- to translate: {source} → {target} ({section}) -->"


@dataclass(frozen=True)
class Marked:
    """A section a marker names, and whether its text still needs translating."""

    section: str  # the agency (or the precedent) the text comes from
    source: str
    target: str
    untranslated: bool

    def describe(self) -> str:
        """``federal-police is still in English (en → fr)``, or that it no longer is."""
        if self.untranslated:
            name = LANGUAGE_NAMES.get(self.source, self.source)
            return f"{self.section} is still in {name} ({self.source} → {self.target})"
        return (
            f"{self.section}: marker left in place but the text is now in "
            f"{LANGUAGE_NAMES.get(self.target, self.target)}"
        )


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:\s*")
_MARKUP = re.compile(r"\[\^[^\]]+\]|[*_#|>`]|<!--.*?-->")


def marked_sections(markdown: str) -> list[Marked]:
    """Every marked section of a draft, in order, each judged by its text now."""
    found = []
    matches = list(MARKER.finditer(markdown))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(markdown)
        source, target = match["source"], match["target"]
        blocks = re.split(r"\n\s*\n", markdown[match.end() : end])
        still = False
        for block in blocks:
            text = _MARKUP.sub("", _FOOTNOTE_DEFINITION.sub("", block.strip())).strip()
            if text and identify(text, target) == source:
                still = True
                break
        found.append(Marked(match["section"].strip(), source, target, still))
    return found


def untranslated(markdown: str) -> list[Marked]:
    """The marked sections of a draft whose text is still in its source language."""
    return [m for m in marked_sections(markdown) if m.untranslated]


def _words_of(block: str) -> str:
    text = _MARKUP.sub("", _FOOTNOTE_DEFINITION.sub("", block.strip()))
    return " ".join(_WORD.findall(text.casefold()))


def carry_markers(before: str, after: str) -> str:
    """``after`` (a draft read back from Word, where HTML comments do not survive) with the
    markers of ``before`` put back, each before the first paragraph of its section found
    unchanged in ``after``; a section whose every paragraph changed (translated in Word)
    loses its marker."""
    matches = list(MARKER.finditer(before))
    if not matches:
        return after
    blocks = re.split(r"\n\s*\n", after.strip())
    keys = [_words_of(b) for b in blocks]
    insert: dict[int, list[str]] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(before)
        for block in re.split(r"\n\s*\n", before[match.end() : end]):
            key = _words_of(block)
            if key and key in keys:
                insert.setdefault(keys.index(key), []).append(match.group().strip())
                break
    out = []
    for i, block in enumerate(blocks):
        out += insert.get(i, [])
        out.append(block)
    return "\n\n".join(out) + "\n"
