"""The one accent-and-case fold: how commresp decides that two spellings are the same text.

Letter intake, catalog search, the leak check of redacted copies and French elision all compare
text this way: ``fold("Rapporteuse Spéciale")`` → ``"rapporteuse speciale"``. One character rule
(:func:`fold_char`) is the source of truth; the text views below only differ in what they keep
of the original's positions:

- :func:`fold` — for comparing: whitespace runs become one space (one newline for a blank line);
- :func:`fold_indexed` — the same, with the index in the original of every folded character,
  so a match can be cut from (or blacked out in) the original;
- :func:`fold_aligned` — one character for one, so offsets in the folded text are offsets in
  the original (a character whose fold is not one character is kept as it is).

For the leak check of publication copies the fold goes one step further, to a *skeleton*
(:func:`skeleton`, :func:`skeleton_indexed`): letters of other scripts drawn like Latin ones
(Cyrillic "о", Greek "ο"…) become those Latin letters, after Unicode's confusables (UTS #39,
through the ``confusable-homoglyphs`` package), and the spaces, dots, dashes, slashes and
brackets between two digits are dropped, so "+32 470 12 34 56", "+32470123456" and
"+32.470.12.34.56" are one number.  ASCII characters are never folded into each other ("l"
and "1", "0" and "O", "rn" and "m" stay apart), or ordinary words and numbers would match.
:func:`mixed_scripts` tells which scripts a word mixes ("Siоbhán" with a Cyrillic "о").
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Typed several ways, meant alike: apostrophes and dashes (before decomposition, since NFKD
# would turn the acute accent "´" into a space and a combining mark).
_BEFORE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)

# Letters that NFKD does not decompose, and the Markdown escape character (``O\'Brien`` is
# rendered ``O'Brien``).
_AFTER = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ł": "l",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "\\": "",
    }
)


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character folded: lower case, no accents; "" for invisible format characters.

    ``fold_char("É")`` → ``"e"``; ``fold_char("Œ")`` → ``"oe"``; ``fold_char("\\u200b")`` → ``""``.
    """
    if unicodedata.category(char) == "Cf":
        return ""  # soft hyphen, zero-width space, bidi marks: they hide nothing
    char = char.translate(_BEFORE)
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).translate(_AFTER)


def fold_indexed(text: str) -> tuple[str, list[int]]:
    """``text`` folded, and for each folded character the index it came from in ``text``.

    A run of whitespace becomes one space, or one newline when it holds a blank line (a
    paragraph break), so a term matches across a line break but never across paragraphs.
    """
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            sep = "\n" if text.count("\n", i, j) >= 2 else " "
            if out and out[-1] in " \n":  # spaces around an invisible character
                out[-1] = "\n" if "\n" in (sep, out[-1]) else " "
            else:
                out.append(sep)
                where.append(i)
            i = j
            continue
        for c in fold_char(char):
            out.append(c)
            where.append(i)
        i += 1
    return "".join(out), where


def fold(text: str) -> str:
    """``text`` as it is compared: ``fold("Traité  des\\nÊtres")`` → ``"traite des etres"``."""
    return fold_indexed(text)[0]


def fold_aligned(text: str) -> str:
    """``text`` folded one character for one: ``fold_aligned("l’Experte")`` → ``"l'experte"``.

    Offsets in the result are offsets in ``text``; a character whose fold is not exactly one
    character ("İ", "æ", an invisible mark) is kept as it is.
    """
    out = []
    for char in text:
        folded = fold_char(char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u2032\u00b4`", "'"))


def straight_apostrophes(text: str) -> str:
    """Every apostrophe as the straight one, the house style of generated text.

    ``straight_apostrophes("l’Experte")`` → ``"l'Experte"``.
    """
    return text.translate(_APOSTROPHES)


# --- look-alikes: the skeleton ---------------------------------------------------------------

# What people put between the digits of one number (after the fold: whitespace is " ").
_DIGIT_GAP = frozenset(" .-/()")


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Each non-ASCII character that Unicode's confusables draw like an ASCII letter or digit,
    with that ASCII look-alike (a letter rather than a digit, one character rather than two).

    Loaded on first use: the table is large and only the leak check needs it.
    """
    from confusable_homoglyphs import confusables

    table: dict[str, str] = {}
    for char, glyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        looks = [g["c"] for g in glyphs if g["c"].isascii() and g["c"].isalnum()]
        if looks:
            best = min(looks, key=lambda c: (len(c), not c.islower(), c.isdigit(), c))
            table[char] = best.lower()
    return table


def skeleton_indexed(text: str) -> tuple[str, list[int]]:
    """``text`` folded to its skeleton, with the index in ``text`` of every character.

    :func:`fold_indexed`, then look-alike letters as their ASCII twins, then no separator
    between two digits (never across a paragraph break).
    """
    folded, where = fold_indexed(text)
    prototypes = _prototypes()
    chars: list[str] = []
    index: list[int] = []
    for char, at in zip(folded, where, strict=True):
        for c in prototypes.get(char, char) if not char.isascii() else char:
            chars.append(c)
            index.append(at)
    out: list[str] = []
    kept: list[int] = []
    i, n = 0, len(chars)
    while i < n:
        if chars[i] in _DIGIT_GAP and out and out[-1].isdigit():
            j = i
            while j < n and chars[j] in _DIGIT_GAP:
                j += 1
            if j < n and chars[j].isdigit():
                i = j  # "470 12" → "47012"
                continue
        out.append(chars[i])
        kept.append(index[i])
        i += 1
    return "".join(out), kept


def skeleton(text: str) -> str:
    """``text`` as the leak check compares it: ``skeleton("Siоbhán")`` (Cyrillic о) →
    ``"siobhan"``; ``skeleton("+32 470 12 34 56")`` → ``"+32470123456"``."""
    return skeleton_indexed(text)[0]


def mixed_scripts(word: str) -> list[str]:
    """The scripts of the letters of ``word`` when it mixes several, else ``[]``.

    ``mixed_scripts("Siоbhán")`` (Cyrillic о) → ``["Cyrillic", "Latin"]``; digits,
    punctuation and combining accents belong to no script.
    """
    from confusable_homoglyphs import categories

    scripts = {categories.alias(char) for char in word if char.isalpha()}
    scripts -= {"COMMON", "INHERITED", "Unknown"}
    if len(scripts) < 2:
        return []
    return sorted(s.replace("_", " ").title() for s in scripts)
