"""Which catalog mandates a letter names, with their titles as the letter words them.

Letters word titles differently from the catalog (shorter, older or reworded), so titles are
not looked up verbatim. The text is cut into candidate phrases, each starting at a holder noun
("Special Rapporteur", "Groupe de travail" …) and ending at the next ``;``, ``:``, sentence end,
next holder noun or a phrase that never belongs to a title ("pursuant to", "REFERENCE", "de
conformidad con"). Each
phrase is scored against every catalog title by the overlap of significant words, weighted by
how rare each word is in the catalog, so that "mercenaries" counts for more than "human
rights", and "Iran" for more than "situation of human rights" (country mandates are catalog
mandates like the others). The mandates section at the top of the letter ("Mandates of …",
"Mandats du …", "Mandatos del …") and the sentence "in our capacity as …" ("en notre qualité
de", "en nuestra calidad de") are read first, because the rest of the letter repeats the
mandates in less predictable sentences. Letters are read in English, French and Spanish.

Pure text work (no I/O): :func:`find_mandates` is called by
:func:`commresp.rules.letter_facts.find_facts`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from commresp.rules.folding import fold_aligned, straight_apostrophes
from commresp.rules.holders import in_force, is_personal
from commresp.rules.language import holder_gender_of_title

__all__ = ["LANGUAGES", "FoundMandate", "find_mandates"]

# The working languages of the Special Procedures, in which their letters are written.
LANGUAGES = ("en", "fr", "es")


@dataclass
class FoundMandate:
    """A mandate found in a letter, with its title as the letter words it.

    Only the title in the letter's language is set; ``gender`` is ``'f'`` or ``'m'`` when the
    title says it (French "Rapporteuse spéciale"/"Rapporteur spécial", "Experte"/"Expert";
    Spanish "Relatora Especial"/"Relator Especial", "Experta"/"Experto"), else ``''``.
    """

    slug: str
    gender: str
    title_en: str | None
    title_fr: str | None
    title_es: str | None = None


_S = r"\s+"
# Holder nouns that start a mandate title, on folded text. Longer forms come first so that
# "International Independent Expert Mechanism" is not read as "Independent Expert". The experts
# the High Commissioner designates (Haiti, the Sudan) are "Expert on the situation of …",
# "Expert désigné …", "Experto designado …".
_HOLDERS: tuple[tuple[str, str, str], ...] = (
    ("international independent expert mechanism", "en", "Expert Mechanism"),
    ("expert mechanism", "en", "Expert Mechanism"),
    ("special rapporteurs?", "en", "Special Rapporteur"),
    ("independent experts?", "en", "Independent Expert"),
    ("working group", "en", "Working Group"),
    ("expert(?= on (?:the )?(?:situation of )?human rights)", "en", "Designated Expert"),
    ("mecanisme international d'experts independants", "fr", "Expert Mechanism"),
    ("mecanisme d'experts", "fr", "Expert Mechanism"),
    ("rapporteu(?:r|se)s? speci(?:al|ale|aux|ales)", "fr", "Special Rapporteur"),
    ("experte?s? independante?s?", "fr", "Independent Expert"),
    ("experte?s? designee?s?", "fr", "Designated Expert"),
    ("groupe de travail", "fr", "Working Group"),
    ("mecanismo internacional de expertos independientes", "es", "Expert Mechanism"),
    ("mecanismo de expertos", "es", "Expert Mechanism"),
    ("relator(?:a|es|as)? especial(?:es)?", "es", "Special Rapporteur"),
    ("expert(?:o|a|os|as) independientes?", "es", "Independent Expert"),
    ("expert(?:o|a|os|as) designad(?:o|a|os|as)", "es", "Designated Expert"),
    ("grupo de trabajo", "es", "Working Group"),
)
_HOLDER = re.compile(
    "|".join(rf"(?P<h{i}>\b{words.replace(' ', _S)}\b)" for i, (words, _, _) in enumerate(_HOLDERS))
)

# Where a mandate phrase certainly ends (folded text): punctuation titles never contain, a
# paragraph break, and words that follow the titles in OHCHR letters but are never part of one.
_PHRASE_END = re.compile(
    r"[;:.!?](?=\s|$)|\n[ \t]*\n"
    r"|\b(?:pursuant|conformement|en\s+vertu|references?|ref\b|excellenc[ey]|we\s+have\s+the"
    r"|nous\s+avons|please\s+accept|veuillez"
    r"|de\s+conformidad|en\s+virtud|referencias?|excelencia|tenemos\s+el|tengo\s+el|acepte)"
)
_MAX_PHRASE = 600

# Words that carry no meaning for telling titles apart (folded; one set for all languages,
# since no title needs any of them to be recognised).
_STOP_WORDS = frozenset(
    """the of on and or in to a an its their his her by for with as at from this that these
    those all any into while within le la les l de des du d et ou en dans sur au aux y qu que
    qui leur leurs ses son sa se s par pour avec un une ce cette ces tous toute toutes tout
    ainsi el los las del e o u sobre al su sus con por para unos unas como lo""".split()
)
# Words that, right after a title, show that the sentence has moved on ("… would like to").
_SENTENCE_WORDS = frozenset(
    """is are was were has have had would will shall should may might can could wishes wish
    notes expresses remains recalls requests urges also who which whose est sont ont souhaite
    souhaitent voudrait voudraient rappelle note exprime prie dont es son ha han desea desean
    quisiera quisieran recuerda expresa solicita insta cuyo cuya""".split()
)
# Words dropped from the end of a phrase: the links to the next title (", and the", " et de la",
# " y del").
_CONNECTORS = frozenset(
    "and the of et de du des la le les l d a au aux or ou y e del el los las al u o".split()
)
_TAIL_MAX_TOKENS = 6
_SINCE = frozenset({"since", "depuis", "desde"})

_HOLDER_MISMATCH = 0.85  # a mandate can change type (IE → SR); the wording still decides
_MIN_SCORE = 0.5  # weighted F1 between a phrase and a title
_MIN_PRECISION = 0.75  # … or nearly every word of the phrase in the title,
_MIN_RARITY = 0.65  # the rarest matching word weighs at least this share of a one-title word


def _stem(token: str) -> str:
    """Crude stem, enough to equate "minorities"/"minority": ``_stem("questions")`` → "questio"."""
    if len(token) > 3 and token[-1] in "sx":
        token = token[:-1]
    return token[:7]


_TOKEN = re.compile(r"[^\W_]+")


@dataclass
class _Title:
    """A catalog title reduced to what matching needs."""

    slug: str
    holder_type: str
    stems: frozenset[str]
    country: bool = False  # a country mandate: named only by a word of its own (its country)


@dataclass
class _Index:
    """The catalog titles of one language and the weight of each word stem in them."""

    titles: list[_Title]
    weights: dict[str, float]
    rarest: float  # the weight of a word found in one title only

    def weight(self, stem: str) -> float:
        # A word in no title counts half as much as the rarest: reworded titles ("on the
        # question of the use of mercenaries") are common, so such words must not sink a match.
        return self.weights.get(stem, self.rarest / 2)


def _topic_stems(folded: str) -> list[str]:
    """Stems of the significant words: ``_topic_stems("the use of mercenaries")`` → 2 stems."""
    return [_stem(t) for t in _TOKEN.findall(folded) if t not in _STOP_WORDS and not t.isdigit()]


def _build_index(rows: Sequence[dict], language: str) -> _Index:
    titles = []
    for row in rows:
        title = (row.get(f"title_{language}") or "").strip()
        if not title or not row.get("slug"):
            continue
        folded = fold_aligned(title)
        holder = _HOLDER.match(folded)
        holder_type = _holder_of(holder)[1] if holder else ""
        topic = folded[holder.end() :] if holder else folded
        titles.append(
            _Title(
                row["slug"],
                row.get("holder_type") or holder_type,
                frozenset(_topic_stems(topic)),
                country=row.get("kind") == "country" or bool(row.get("country")),
            )
        )
    counts: dict[str, int] = {}
    for title in titles:
        for stem in title.stems:
            counts[stem] = counts.get(stem, 0) + 1
    # Inverse document frequency: a word found in one title identifies it; one in every title
    # ("right") hardly helps.
    n = max(len(titles), 1)
    weights = {stem: math.log(1 + n / count) for stem, count in counts.items()}
    return _Index(titles, weights, math.log(1 + n))


def _holder_of(match: re.Match[str]) -> tuple[str, str]:
    """(language, holder type) of a holder-noun match."""
    index = int(match.lastgroup[1:])
    return _HOLDERS[index][1], _HOLDERS[index][2]


@dataclass
class _Token:
    stem: str | None  # None for stop words and numbers
    folded: str
    start: int
    end: int
    capital: bool
    digit: bool


@dataclass
class _Match:
    slug: str
    score: float
    start: int
    end: int


def _score(stems: set[str], title: _Title, index: _Index) -> tuple[float, float]:
    """(weighted F1, weighted precision) of a phrase's stems against a title's stems."""
    if not stems:
        return 0.0, 0.0
    common = sum(index.weight(s) for s in stems & title.stems)
    phrase = sum(index.weight(s) for s in stems)
    whole = sum(index.weight(s) for s in title.stems) or 1.0
    return 2 * common / (phrase + whole), common / phrase


def _acceptable(stems: set[str], title: _Title, index: _Index) -> bool:
    """Whether a phrase's stems are good enough to name this title.

    Either close overall (weighted F1), or a short form made of the title's own words
    ("Special Rapporteur on torture") that contains a word found in no other title. Either way
    a fairly rare word must match, so that common ones ("human rights") never decide alone; for
    a country mandate, a word of no other title (its country: "Iran", not "Republic"), since
    every country title shares "the situation of human rights in".
    """
    common = stems & title.stems
    if not common:
        return False
    f1, precision = _score(stems, title, index)
    rarest_common = max(index.weight(s) for s in common)
    if rarest_common < _MIN_RARITY * index.rarest:
        return False
    if title.country and rarest_common < index.rarest - 1e-9:
        return False
    return f1 >= _MIN_SCORE or (
        precision >= _MIN_PRECISION and rarest_common >= index.rarest - 1e-9
    )


def _match_phrase(
    text: str,
    folded: str,
    span: tuple[int, int, int],
    holder_type: str,
    index: _Index,
    *,
    trusted_end: bool,
) -> _Match | None:
    """Which catalog title the phrase ``text[start:end]`` names, and where its title ends.

    ``span`` is (start of the holder noun, start of the topic words, end of the phrase). The
    best prefix of the phrase decides the mandate, so trailing words that belong to the
    sentence or a signature's name do not count against it. Words after the last matching word
    ("… à l'autodétermination" where the catalog says "à disposer d'eux-mêmes") stay in the
    title while they look like part of it: no digit, no capital, no verb. With ``trusted_end``
    (the mandates heading, "in our capacity as …", where the phrase ends at ";", " and the …")
    they may run on up to the end; elsewhere a comma or a long run ends them.
    """
    start, topic_start, end = span
    tokens = []
    for m in _TOKEN.finditer(folded, topic_start, end):
        word = m[0]
        significant = word not in _STOP_WORDS and not word.isdigit()
        tokens.append(
            _Token(
                _stem(word) if significant else None,
                word,
                m.start(),
                m.end(),
                text[m.start()].isupper(),
                any(c.isdigit() for c in word),
            )
        )
    if not any(t.stem for t in tokens):
        return None

    best: tuple[float, _Title, int] | None = None  # (score, title, index of last token)
    for title in index.titles:
        factor = 1.0 if title.holder_type == holder_type else _HOLDER_MISMATCH
        stems: set[str] = set()
        for i, token in enumerate(tokens):
            if token.stem is None:
                continue
            stems.add(token.stem)
            if token.stem not in title.stems or not _acceptable(stems, title, index):
                continue
            f1, precision = _score(stems, title, index)
            score = max(f1, precision * _MIN_SCORE) * factor
            # On a tie for the same title the longer prefix wins, so repeated words stay in.
            if best is None or score > best[0] or (score == best[0] and best[1] is title):
                best = (score, title, i)
    if best is None:
        return None
    score, title, last = best

    tail_end = last
    for i in range(last + 1, len(tokens)):
        token, gap = tokens[i], folded[tokens[i - 1].end : tokens[i].start]
        # A number is a resolution or a date, not a title; except a year a title itself
        # names ("the Palestinian territories occupied since 1967").
        dated = token.digit and tokens[i - 1].folded in _SINCE
        if (token.digit and not dated) or token.capital or token.folded in _SENTENCE_WORDS:
            break
        if not trusted_end and any(c in gap for c in ",()[]"):
            break
        if not trusted_end and i - last > _TAIL_MAX_TOKENS:
            tail_end = last  # a long run of other words: the sentence went on, not the title
            break
        tail_end = i
    if tail_end > last:
        stems = {t.stem for t in tokens[: tail_end + 1] if t.stem}
        if stems - {t.stem for t in tokens[: last + 1]} and not _acceptable(stems, title, index):
            # The words that follow make it something else ("… rights of persons deprived of
            # liberty" is not "… rights of persons with disabilities"): not a catalog mandate.
            return None
    return _Match(title.slug, score, start, tokens[tail_end].end)


def _clean_title(phrase: str) -> str:
    """One line, without the links to the next title: ``"X on y, and the"`` → ``"X on y"``.

    Apostrophes become straight ones, the house style for generated text (see language.py).
    """
    words = straight_apostrophes(phrase).split()
    while words:
        last = words[-1].strip(",;:.-–—'’ ")
        if not last:
            words.pop()
        elif fold_aligned(last) in _CONNECTORS:
            words.pop()
        else:
            words[-1] = words[-1].rstrip(",;:.-–—")
            break
    title = " ".join(words)
    return title[:1].upper() + title[1:]


_SECTION_HEAD = re.compile(
    r"\bmandates?\s+of\b|\bmandats?\s+(?:du|de|des|d')|\bmandatos?\s+(?:del|de|de\s+la)\b"
)
_CAPACITY = re.compile(
    r"\bin\s+(?:our|my)\s+capacit(?:y|ies)\s+as\b|\ben\s+(?:notre|ma)\s+qualite\s+de\b"
    r"|\ben\s+(?:nuestra|mi)\s+calidad\s+de\b"
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _regions(folded: str, salutation: int | None) -> list[tuple[int, int]]:
    """Parts of the letter to read for mandates, most reliable first.

    The "Mandates of …" section (before "Excellency," or in the first 4000 characters), then the
    "in our capacity as …" sentence; the caller falls back on the whole text.
    """
    regions = []
    top = salutation if salutation is not None else min(len(folded), 4000)
    head = _SECTION_HEAD.search(folded, 0, top)
    if head:
        regions.append((head.end(), top))
    capacity = _CAPACITY.search(folded)
    if capacity:
        end = _SENTENCE_END.search(folded, capacity.end())
        regions.append((capacity.end(), end.end() if end else len(folded)))
    return regions


def _mandates_in(
    text: str,
    folded: str,
    region: tuple[int, int],
    languages: tuple[str, ...],
    indexes: dict[str, _Index],
    *,
    trusted_end: bool,
) -> list[tuple[_Match, str]]:
    """Mandates named in ``folded[region]``, in order: (match, phrase language)."""
    start, stop = region
    holders = list(_HOLDER.finditer(folded, start, stop))
    found = []
    for i, holder in enumerate(holders):
        language, holder_type = _holder_of(holder)
        if language not in languages:
            continue
        end = holders[i + 1].start() if i + 1 < len(holders) else stop
        end = min(end, holder.end() + _MAX_PHRASE)
        boundary = _PHRASE_END.search(folded, holder.end(), end)
        if boundary:
            end = boundary.start()
        match = _match_phrase(
            text,
            folded,
            (holder.start(), holder.end(), end),
            holder_type,
            indexes[language],
            trusted_end=trusted_end,
        )
        if match:
            found.append((match, language))
    return found


def find_mandates(
    text: str,
    folded: str,
    rows: Sequence[dict],
    language: str,
    salutation: int | None,
    on: date | None = None,
) -> list[FoundMandate]:
    """Mandates of a letter in order of first mention, each once; see the module docstring.

    ``folded`` is ``fold_aligned(text)``; ``rows`` are catalog rows (``slug``, ``holder_type``,
    ``title_en``, ``title_fr``, ``title_es``); ``language`` is the letter's ("en", "fr" or
    "es", read first); ``salutation`` is the offset of "Excellency," in the text, None if there
    is none; ``on`` is the day of the letter: mandates not in force that day are left out (the
    merged "Special Rapporteur on contemporary forms of slavery and trafficking in persons" did
    not write the letters of 2025).
    """
    if on is not None:
        rows = [row for row in rows if in_force(row, on)]
    indexes = {lang: _build_index(rows, lang) for lang in LANGUAGES}
    holder_types = {row.get("slug"): row.get("holder_type") for row in rows}

    matches: list[tuple[_Match, str]] = []
    # The letter's own language first; the others only if the letter named nothing in its own
    # (a wrong language guess must not lose the mandates).
    for languages in ((language,), *((lang,) for lang in LANGUAGES if lang != language)):
        for region in _regions(folded, salutation):
            matches += _mandates_in(text, folded, region, languages, indexes, trusted_end=True)
        if not matches:
            whole = (0, len(folded))
            matches = _mandates_in(text, folded, whole, languages, indexes, trusted_end=False)
        if matches:
            break

    # The body and the signatures repeat the mandates of the heading: each mandate is listed
    # once, where it is first named, with its best-matching wording (a heading whose PDF lost
    # a word, "… in the Islamic Republic of ;", is completed by the sentence that follows).
    best: dict[str, tuple[_Match, str]] = {}
    for match, phrase_language in matches:
        if match.slug not in best or match.score > best[match.slug][0].score:
            best[match.slug] = (match, phrase_language)
    found: list[FoundMandate] = []
    for slug in dict.fromkeys(match.slug for match, _ in matches):
        match, phrase_language = best[slug]
        title = _clean_title(text[match.start : match.end])
        gender = ""
        if phrase_language != "en" and is_personal(holder_types.get(match.slug)):
            holder = _HOLDER.match(folded, match.start)
            if holder and is_personal(_holder_of(holder)[1]):
                gender = holder_gender_of_title(title, phrase_language) or ""
        found.append(
            FoundMandate(
                slug=match.slug,
                gender=gender,
                title_en=title if phrase_language == "en" else None,
                title_fr=title if phrase_language == "fr" else None,
                title_es=title if phrase_language == "es" else None,
            )
        )
    return found
