"""Language rules for French, English, Spanish and Dutch: dates, lists, articles, titles, verbs.

Everything locale-specific that babel (CLDR) knows — month names, date patterns, list
conjunctions — comes from babel; this module only adds the grammar that CLDR does not cover:
French ``1er``, contraction and elision (``du``, ``d'Israël``); Spanish ``del``/``al`` and the
conjunction ``e`` before an /i/ sound; agreement of French and Spanish mandate titles with the
holder's gender (:func:`holder_title`); and the third person of the verbs a State is the
subject of ("Les Philippines attachent").
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from commresp.rules.folding import fold_char

# Documents, forms and e-mails: the three working languages of the Special Procedures, and
# Dutch for the forms and e-mails of Belgian agencies.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("fr", "en", "es", "nl")

# Straight apostrophe in output: one spelling everywhere keeps generated text diffable and
# searchable; documents that want typographic quotes can convert at render time.
_APOSTROPHES = ("'", "\u2019")

# Vowels after stripping accents. "y" is deliberately absent: French says "le Yémen", not
# "l'Yémen". "h" is treated as mute (l'homme, d'Haïti); aspirated h (la Hongrie) must be
# handled by passing the article explicitly.
_ELIDING_INITIALS = frozenset("aeiouhœæ")


def check_language(lang: str) -> str:
    """Validate and lower-case a language code: ``check_language("FR")`` → ``"fr"``."""
    code = lang.strip().lower() if isinstance(lang, str) else lang
    if code not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(SUPPORTED_LANGUAGES)}")
    return code


def long_date(d: datetime.date, lang: str) -> str:
    """Spell a date in full: ``long_date(date(2025, 10, 1), "fr")`` → ``"1er octobre 2025"``."""
    from babel.dates import format_date  # babel's CLDR tables: only documents pay for them

    lang = check_language(lang)
    if lang == "fr" and d.day == 1:
        # French writes the first day of a month as an ordinal (1er), which CLDR does not encode.
        return "1er " + format_date(d, "MMMM y", locale=lang)
    if lang == "es":
        # CLDR's long Spanish pattern, "d 'de' MMMM 'de' y": "1 de octubre de 2025" (no ordinal).
        return format_date(d, "long", locale=lang)
    return format_date(d, "d MMMM y", locale=lang)


def join_list(items: Sequence[str], lang: str) -> str:
    """Join items with a conjunction: ``join_list(["A", "B", "C"], "en")`` → ``"A, B, and C"``."""
    from babel.lists import format_list

    lang = check_language(lang)
    items = list(items)
    if lang == "es" and len(items) >= 2 and takes_e(items[-1]):
        # "y" becomes "e" before an /i/ sound (RAE, Ortografía 2010, §5.4.1.1.1): CLDR has one
        # pattern per position, not per following word, so its last link is changed here.
        from babel import Locale

        patterns = Locale.parse(lang).list_patterns["standard"]
        if len(items) == 2:
            return patterns["2"].replace(" y ", " e ").format(*items)
        joined = patterns["start"].format(items[0], items[1])
        for item in items[2:-1]:
            joined = patterns["middle"].format(joined, item)
        return patterns["end"].replace(" y ", " e ").format(joined, items[-1])
    # CLDR "en" (US-based) already uses the serial comma, and fr/es/nl use none, which is the
    # house style; tests pin this so a CLDR change would be noticed rather than silently shipped.
    return format_list(items, style="standard", locale=lang)


# After "hi", these vowels make a diphthong: the word starts with the semivowel /j/ ("hielo",
# "hiato"), which keeps "y": "agua y hielo" (RAE, Ortografía 2010).
_DIPHTHONG_AFTER_HI = frozenset("aeou")


def takes_e(word: str) -> bool:
    """Whether Spanish "y" becomes "e" before ``word``: an /i/ sound, written "i-" or "hi-"
    (not "hie-", "hia-"…, where the i is a semivowel; not "y-").

    >>> takes_e("Italia"), takes_e("Hispanoamérica"), takes_e("hierro"), takes_e("Yemen")
    (True, True, False, False)
    """
    folded = "".join(fold_char(c) for c in word.lstrip()[:3])
    if folded.startswith("i"):
        return True
    return folded.startswith("hi") and folded[2:3] not in _DIPHTHONG_AFTER_HI


def _elides(word: str) -> bool:
    """Whether French elides le/la/de before ``word``: ``_elides("Israël")`` → ``True``."""
    word = word.lstrip()
    return bool(word) and fold_char(word[0])[:1] in _ELIDING_INITIALS


def _normalise_article(article: str) -> str:
    """Canonical form of a French definite article: ``_normalise_article("L’")`` → ``"l'"``."""
    art = article.strip().lower()
    for apostrophe in _APOSTROPHES:
        art = art.replace(apostrophe, "'")
    if art == "l":
        art = "l'"
    if art not in ("", "le", "la", "l'", "les"):
        raise ValueError(f"unknown French article {article!r}: use le, la, l', les or ''")
    return art


def article_for(noun: str, gender: str) -> str:
    """French definite article for a noun phrase: ``article_for("Espagne", "f")`` → ``"l'"``."""
    if gender not in ("m", "f"):
        raise ValueError(f"unknown gender {gender!r}: use 'm' or 'f'")
    if _elides(noun):
        return "l'"
    return "le" if gender == "m" else "la"


def contract(preposition: str, article: str, noun: str) -> str:
    """French preposition + article + noun: ``contract("de", "le", "Canada")`` → ``"du Canada"``."""
    art = _normalise_article(article)
    prep = preposition.strip()
    # Keep a capitalised preposition capitalised (sentence start: "Du Canada", "D'Israël").
    capital = prep[:1].isupper()
    prep_key = prep.lower()

    if prep_key == "de" and art == "le":
        head = "du "
    elif prep_key == "de" and art == "les":
        head = "des "
    elif prep_key == "à" and art == "le":
        head = "au "
    elif prep_key == "à" and art == "les":
        head = "aux "
    elif prep_key == "de" and art == "" and _elides(noun):
        head = "d'"
    else:
        # No contraction: "de la", "à l'", "de Myria", or any other preposition ("par le").
        words = [w for w in (prep_key, art) if w]
        head = " ".join(words)
        if head and not head.endswith("'"):
            head += " "
    phrase = head + noun
    if capital:
        phrase = phrase[:1].upper() + phrase[1:]
    return phrase


_SPANISH_ARTICLES = ("", "el", "la", "los", "las")


def contract_es(preposition: str, article: str, noun: str) -> str:
    """Spanish preposition + article + noun: ``contract_es("de", "el", "Perú")`` → ``"del Perú"``.

    Only "de el" and "a el" contract (RAE, DPD "del", "al"); an article that is part of a
    proper name is not an article here: "de El Salvador" is ``contract_es("de", "", "El
    Salvador")``.
    """
    art = article.strip().lower()
    if art not in _SPANISH_ARTICLES:
        raise ValueError(f"unknown Spanish article {article!r}: use el, la, los, las or ''")
    prep = preposition.strip()
    capital = prep[:1].isupper()
    if prep.lower() in ("de", "a") and art == "el":
        head = [prep.lower() + "l"]
    else:
        head = [w for w in (prep.lower(), art) if w]
    phrase = " ".join([*head, noun]) if head else noun
    return phrase[:1].upper() + phrase[1:] if capital else phrase


# Agreement tables for the holder words at the start of mandate titles, per language, keyed by
# (gender, plural). Each family lists every form so any form can be recognised and re-inflected:
# the catalog keeps one (masculine) title, and every other form is derived from it by rule.
_Forms = dict[tuple[str, bool], str]


def _family(ms: str, fs: str, mp: str, fp: str) -> _Forms:
    """The four forms of a word: ``_family("expert", "experte", …)[("f", False)]`` → "experte"."""
    return {("m", False): ms, ("f", False): fs, ("m", True): mp, ("f", True): fp}


class _HolderWords(NamedTuple):
    """The words a language's mandate titles start with: the holder noun ("Rapporteur"), then
    at most one adjective ("spécial") and one participle ("chargé", "désigné"), which agree."""

    nouns: tuple[_Forms, ...]
    adjectives: tuple[_Forms, ...]
    participles: tuple[_Forms, ...]
    bodies: frozenset[str]  # heads that are masculine whoever sits on them (Groupe, Grupo)


_HOLDER_WORDS: dict[str, _HolderWords] = {
    "fr": _HolderWords(
        nouns=(
            _family("rapporteur", "rapporteuse", "rapporteurs", "rapporteuses"),
            _family("expert", "experte", "experts", "expertes"),
        ),
        adjectives=(
            _family("spécial", "spéciale", "spéciaux", "spéciales"),
            _family("indépendant", "indépendante", "indépendants", "indépendantes"),
        ),
        # "Expert indépendant chargé de …"; "Expert désigné par le Haut-Commissaire" (Haiti).
        participles=(
            _family("chargé", "chargée", "chargés", "chargées"),
            _family("désigné", "désignée", "désignés", "désignées"),
        ),
        bodies=frozenset({"groupe", "groupes", "mécanisme", "mécanismes"}),
    ),
    # Spanish: "Relator Especial" / "Relatora Especial", "Experto Independiente" / "Experta
    # Independiente" (especial, independiente do not change), "Experto designado" / "Experta
    # designada" (Haiti); "el Grupo de Trabajo" stays masculine.
    "es": _HolderWords(
        nouns=(
            _family("relator", "relatora", "relatores", "relatoras"),
            _family("experto", "experta", "expertos", "expertas"),
        ),
        adjectives=(
            _family("especial", "especial", "especiales", "especiales"),
            _family("independiente", "independiente", "independientes", "independientes"),
        ),
        participles=(
            _family("encargado", "encargada", "encargados", "encargadas"),
            _family("designado", "designada", "designados", "designadas"),
        ),
        bodies=frozenset({"grupo", "grupos", "mecanismo", "mecanismos"}),
    ),
}
# Languages whose mandate titles agree with the holder's gender; English titles never do.
GENDERED_TITLE_LANGUAGES: tuple[str, ...] = tuple(_HOLDER_WORDS)


def _index(families: tuple[_Forms, ...]) -> dict[str, tuple[_Forms, str, bool]]:
    """Map each form to (its family, gender, plural): ``_index(...)["experte"][1]`` → ``"f"``.

    A form shared by both genders ("especial") is indexed once, as masculine: it tells nothing
    about the holder, and the noun before it decides.
    """
    index: dict[str, tuple[_Forms, str, bool]] = {}
    for family in families:
        for (gender, plural), form in sorted(family.items(), key=lambda item: item[0][0] != "m"):
            index.setdefault(form, (family, gender, plural))
    return index


_INDEXES = {
    lang: (_index(words.nouns), _index(words.adjectives), _index(words.participles))
    for lang, words in _HOLDER_WORDS.items()
}

# Up to three leading words; (?!\w) is implicit because \w+ is greedy, so "Experts" is never
# read as "Expert" + "s".
_LEADING_WORDS = re.compile(r"(\s*)(\w+)(?:(\s+)(\w+))?(?:(\s+)(\w+))?")


class _Holder(NamedTuple):
    """The recognised holder words at the start of a title and where the rest begins."""

    words: list[tuple[str, str, _Forms]]  # (leading whitespace, word as written, its family)
    gender: str
    plural: bool
    end: int


def _key(word: str) -> str:
    """Lookup key for a word: ``_key("SPÉCIAL")`` → ``"spécial"``."""
    return unicodedata.normalize("NFC", word).lower()


def _parse_holder(title: str, lang: str = "fr") -> _Holder | None:
    """Leading holder words of a title: ``_parse_holder("Experte sur X").gender`` → ``"f"``."""
    if lang not in _INDEXES:
        return None
    nouns, adjectives, participles = _INDEXES[lang]
    match = _LEADING_WORDS.match(title)
    if match is None or _key(match.group(2)) not in nouns:
        return None
    family, gender, plural = nouns[_key(match.group(2))]
    words = [(match.group(1), match.group(2), family)]
    end = match.end(2)
    # The adjective and the participle agree with the noun, in that order, each at most once
    # ("Expert indépendant chargé de", "Expert désigné par"); stop at the first other word, so
    # nothing beyond the holder phrase is ever touched.
    allowed = [adjectives, participles]
    for group in (4, 6):
        word = match.group(group)
        found = next((i for i, index in enumerate(allowed) if word and _key(word) in index), None)
        if found is None:
            break
        words.append((match.group(group - 1), word, allowed[found][_key(word)][0]))
        end = match.end(group)
        allowed = allowed[found + 1 :]
    return _Holder(words, gender, plural, end)


def _match_case(template: str, word: str) -> str:
    """Copy the capitals of ``template``: ``_match_case("Expert", "experte")`` → ``"Experte"``."""
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _inflect_title(title: str, gender: str, lang: str = "fr") -> str:
    """Re-inflect the leading holder words of ``title`` for ``gender``, keeping number and case."""
    holder = _parse_holder(title, lang)
    if holder is None:
        return title
    head = "".join(
        space + _match_case(word, family[(gender, holder.plural)])
        for space, word, family in holder.words
    )
    return head + title[holder.end :]


def holder_title(title: str, lang: str, gender: str | None) -> str:
    """A mandate title agreeing with its holder: the one rule for every language.

    ``holder_title("Relator Especial sobre X", "es", "f")`` → ``"Relatora Especial sobre X"``;
    ``holder_title("Expert désigné par …", "fr", "f")`` → ``"Experte désignée par …"``. English
    titles, bodies ("Groupe de travail", "Grupo de Trabajo") and ``gender=None`` are unchanged.
    """
    lang = check_title_language(lang)
    _check_gender(gender)
    if gender is None:
        return title
    return _inflect_title(title, gender, lang)


def holder_gender_of_title(title: str, lang: str) -> str | None:
    """Gender a title gives its holder: ``("Relatora Especial sobre X", "es")`` → ``"f"``.

    "m" for a masculine head (Rapporteur, Relator, and bodies: Groupe, Grupo, Mécanisme), None
    when the title does not say (English, or an unknown head).
    """
    lang = check_title_language(lang)
    holder = _parse_holder(title, lang)
    if holder is not None:
        return holder.gender
    match = _LEADING_WORDS.match(title)
    words = _HOLDER_WORDS.get(lang)
    if match is not None and words is not None and _key(match.group(2)) in words.bodies:
        return "m"
    return None


def has_holder_noun(title: str, lang: str) -> bool:
    """Whether a title starts with a gendered holder noun (Rapporteur, Experta…), not a body."""
    return _parse_holder(title, check_title_language(lang)) is not None


def check_title_language(lang: str) -> str:
    """The languages of mandate titles: the three working languages of the Special Procedures."""
    code = lang.strip().lower() if isinstance(lang, str) else lang
    if code not in ("en", "fr", "es"):
        raise ValueError(f"unknown language of a mandate title {lang!r}: use en, fr or es")
    return code


def feminine_title_fr(title: str) -> str:
    """Feminine French title: ``"Rapporteur spécial sur X"`` → ``"Rapporteuse spéciale sur X"``."""
    return _inflect_title(title, "f")


def masculine_title_fr(title: str) -> str:
    """Masculine French title: ``"Experte indépendante sur X"`` → ``"Expert indépendant sur X"``."""
    return _inflect_title(title, "m")


def holder_gender_of_title_fr(title: str) -> str | None:
    """Gender of the head of a French mandate title: ``"Rapporteuse spéciale sur X"`` → ``"f"``."""
    return holder_gender_of_title(title, "fr")


def _check_gender(gender: str | None) -> None:
    """Reject anything but None, "m" or "f": ``_check_gender("x")`` raises ValueError."""
    if gender not in (None, "m", "f"):
        raise ValueError(f"unknown gender {gender!r}: use 'm', 'f' or None")


def _strip_leading(title: str, articles: tuple[str, ...]) -> tuple[str, str]:
    """Split off a leading article: ``_strip_leading("the X", ("the ",))`` → ``("the ", "X")``."""
    for article in articles:
        if title[: len(article)].lower() == article:
            return title[: len(article)], title[len(article) :]
    return "", title


def _words(*parts: str) -> str:
    """Join the non-empty parts with spaces: ``_words("of", "", "X")`` → ``"of X"``."""
    return " ".join(p for p in parts if p)


_ES_ARTICLES = {("m", False): "el", ("f", False): "la", ("m", True): "los", ("f", True): "las"}


def _mandate_phrase_es(title: str, gender: str | None, preposition: str) -> str:
    """``_mandate_phrase_es("Relator Especial sobre X", "f", "de")`` →
    ``"de la Relatora Especial sobre X"``: the holder words agree (:func:`holder_title`), the
    article follows the head, and "de"/"a" + "el" contract."""
    _, body = _strip_leading(title, ("los ", "las ", "el ", "la "))
    holder = _parse_holder(body, "es")
    if holder is not None:
        head_gender = "f" if gender == "f" else "m"
        body = _inflect_title(body, head_gender, "es")
        article = _ES_ARTICLES[(head_gender, holder.plural)]
    elif holder_gender_of_title(body, "es") == "m":
        # Grupo de Trabajo, Mecanismo de Expertos: masculine whoever sits on them.
        article = "el"
    else:
        article = _ES_ARTICLES[("f" if gender == "f" else "m", False)]
    return contract_es(preposition, article, body)


def mandate_phrase(title: str, lang: str, gender: str | None, preposition: str = "") -> str:
    """Title plus article: ``mandate_phrase("Groupe X", "fr", None, "de")`` → ``"du Groupe X"``."""
    lang = check_language(lang)
    _check_gender(gender)
    title = title.strip()

    if lang == "en":
        # English titles are not gendered; only avoid "the the" when the title carries its own.
        article, body = _strip_leading(title, ("the ",))
        return _words(preposition.strip(), article.strip() or "the", body)

    if lang == "nl":
        article, body = _strip_leading(title, ("de ", "het "))
        if not article:
            # Almost every head takes "de" (de Werkgroep, de Speciaal Rapporteur); the -mechanisme
            # compounds (het Expertmechanisme) are the neuter exception among mandate titles.
            first = body.split(maxsplit=1)[0].lower() if body else ""
            article = "het" if first.endswith("mechanisme") else "de"
        return _words(preposition.strip(), article.strip(), body)

    if lang == "es":
        return _mandate_phrase_es(title, gender, preposition)

    # French: drop any article the caller left on, then recompute it from the grammatical head.
    _, body = _strip_leading(title, ("les ", "le ", "la ", "l'", "l\u2019"))
    holder = _parse_holder(body)
    if holder is not None:
        # Rapporteur/Expert: the holder's gender decides, and the title must agree with it.
        head_gender = "f" if gender == "f" else "m"
        body = _inflect_title(body, head_gender)
        article = "les" if holder.plural else article_for(body, head_gender)
    elif holder_gender_of_title_fr(body) == "m":
        # Groupe de travail, Mécanisme d'experts: masculine nouns whoever sits on them.
        article = article_for(body, "m")
    else:
        # Unknown head: the caller's gender is the best information available.
        article = article_for(body, gender or "m")
    return contract(preposition, article, body)


def mandates_phrase(
    items: Sequence[tuple[str, str | None]], lang: str, preposition: str = ""
) -> str:
    """Titles with articles, joined: ``[("X", None), ("Y", "f")]`` (en) → ``"the X and the Y"``."""
    return join_list(
        [mandate_phrase(title, lang, gender, preposition) for title, gender in items], lang
    )


def communication_kind(n_mandates: int, lang: str) -> str:
    """Name of the letter: ``communication_kind(2, "fr")`` → ``"communication conjointe"``."""
    lang = check_language(lang)
    if n_mandates < 1:
        # A communication always comes from at least one mandate; zero means a data error upstream.
        raise ValueError(f"a communication needs at least one mandate, got {n_mandates}")
    joint = n_mandates >= 2
    if lang == "fr":
        return "communication conjointe" if joint else "communication"
    if lang == "en":
        return "joint communication" if joint else "communication"
    if lang == "es":
        return "comunicación conjunta" if joint else "comunicación"
    return "gezamenlijke mededeling" if joint else "mededeling"


def state_phrase(name: str, article: str, lang: str, preposition: str = "") -> str:
    """A State with its article: ``state_phrase("Canada", "le", "fr", "de")`` → ``"du Canada"``."""
    lang = check_language(lang)
    if lang == "fr":
        return contract(preposition, article, name)
    if lang == "es":
        return contract_es(preposition, article, name)
    # English and Dutch never contract: "of the Netherlands", "van het Koninkrijk".
    return _words(preposition.strip(), article.strip(), name)


# --- verbs a State is the subject of -----------------------------------------------------------

# Third person singular and plural of the irregular verbs templates use, by infinitive; regular
# verbs follow the rules in :func:`third_person` (Bescherelle; RAE, Nueva gramática §4).
_IRREGULAR: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {
        "être": ("est", "sont"),
        "avoir": ("a", "ont"),
        "faire": ("fait", "font"),
        "prendre": ("prend", "prennent"),
        "comprendre": ("comprend", "comprennent"),
        "tenir": ("tient", "tiennent"),
        "maintenir": ("maintient", "maintiennent"),
        "soutenir": ("soutient", "soutiennent"),
        "reconnaître": ("reconnaît", "reconnaissent"),
        "pouvoir": ("peut", "peuvent"),
        "vouloir": ("veut", "veulent"),
        "devoir": ("doit", "doivent"),
        "souhaiter": ("souhaite", "souhaitent"),
        "accueillir": ("accueille", "accueillent"),
        "renouveler": ("renouvelle", "renouvellent"),
        "rappeler": ("rappelle", "rappellent"),
    },
    "es": {
        "ser": ("es", "son"),
        "estar": ("está", "están"),
        "haber": ("ha", "han"),
        "ir": ("va", "van"),
        "dar": ("da", "dan"),
        "hacer": ("hace", "hacen"),
        "decir": ("dice", "dicen"),
        "tener": ("tiene", "tienen"),
        "mantener": ("mantiene", "mantienen"),
        "sostener": ("sostiene", "sostienen"),
        "atender": ("atiende", "atienden"),
        "entender": ("entiende", "entienden"),
        "poder": ("puede", "pueden"),
        "querer": ("quiere", "quieren"),
        "seguir": ("sigue", "siguen"),
        "sentir": ("siente", "sienten"),
    },
    "en": {
        "be": ("is", "are"),
        "have": ("has", "have"),
        "do": ("does", "do"),
        "go": ("goes", "go"),
    },
}
_FR_SECOND_GROUP = frozenset({"saisir", "réagir", "agir", "fournir", "réunir", "établir"})
_FR_OPEN_E = re.compile(r"é([^aeiouéèêy]+)er$")  # réitérer → réitère, considérer → considère


def third_person(verb: str, lang: str, plural: bool = False) -> str:
    """The present tense, third person, of ``verb`` (its infinitive, "se" first if reflexive):
    ``third_person("attacher", "fr", plural=True)`` → ``"attachent"``;
    ``third_person("se tenir", "fr")`` → ``"se tient"``; ``third_person("agradecer", "es",
    True)`` → ``"agradecen"``; ``third_person("thank", "en")`` → ``"thanks"``.

    A verb the rules cannot conjugate (an irregular one missing from the table) is a
    ValueError, so a template never prints a wrong form.
    """
    lang = check_language(lang)
    words = verb.strip().split()
    if not words:
        raise ValueError("no verb given")
    reflexive, infinitive, rest = "", words[0], words[1:]
    if infinitive.lower() in ("se", "s'") and rest:
        reflexive, infinitive, rest = infinitive + " ", rest[0], rest[1:]
    elif infinitive.lower().startswith("s'"):
        reflexive, infinitive = infinitive[:2], infinitive[2:]
    form = _conjugate(infinitive.lower(), lang, plural)
    return " ".join([reflexive + form, *rest])


def _conjugate(infinitive: str, lang: str, plural: bool) -> str:
    irregular = _IRREGULAR.get(lang, {})
    if infinitive in irregular:
        return irregular[infinitive][plural]
    if lang == "fr":
        if infinitive in _FR_SECOND_GROUP:
            return infinitive[:-1] + ("ssent" if plural else "t")
        if infinitive.endswith("er"):
            stem = _FR_OPEN_E.sub(lambda m: f"è{m[1]}er", infinitive)[:-2]
            return stem + ("ent" if plural else "e")
    elif lang == "es":
        if infinitive.endswith("ar"):
            return infinitive[:-2] + ("an" if plural else "a")
        if infinitive.endswith("uir") and not infinitive.endswith("guir"):
            # atribuir → atribuye, contribuir → contribuyen: a y between u and the ending
            return infinitive[:-2] + ("yen" if plural else "ye")
        if infinitive.endswith(("er", "ir")):
            return infinitive[:-2] + ("en" if plural else "e")
    elif lang == "en":
        if plural:
            return infinitive
        if infinitive.endswith(("s", "sh", "ch", "x", "z", "o")):
            return infinitive + "es"
        if infinitive.endswith("y") and infinitive[-2:-1] not in "aeiou":
            return infinitive[:-1] + "ies"
        return infinitive + "s"
    raise ValueError(
        f"cannot conjugate {infinitive!r} in {lang}: add it to the irregular verbs in "
        "commresp/rules/language.py, or write the phrase in the template"
    )
