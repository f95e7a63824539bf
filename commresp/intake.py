"""Read an incoming Special Procedures letter and find what to register.

Two steps, kept apart so each can be tested and reused on its own:

* :func:`letter_text` turns a letter file (PDF, .docx, .txt or .md) into plain text, or refuses
  it with one line saying what is wrong and what to do;
* :func:`find_facts` reads that text and finds the reference (``AL BEL 1/2025``), the date of
  the letter, its language and the mandates that sent it, with their titles as the letter words
  them and, in French, the holder's gender.

Nothing here touches the database or the command line: the caller shows the facts, lets the user
correct them (``--date``, ``--mandate``) and registers the communication.

How mandates are found (see :func:`_find_mandates`): letters word titles differently from the
catalog (shorter, older or reworded), so titles are not looked up verbatim. The text is cut into
candidate phrases, each starting at a holder noun ("Special Rapporteur", "Groupe de travail" …)
and ending at the next ``;``, ``:``, sentence end, next holder noun or a phrase that never belongs
to a title ("pursuant to", "REFERENCE"). Each phrase is scored against every catalog title by
the overlap of significant words, weighted by how rare each word is in the catalog, so that
"mercenaries" counts for more than "human rights". The mandates section at the top of the letter
("Mandates of …", "Mandats du …") and the sentence "in our capacity as …" are read first, because
the rest of the letter repeats the mandates in less predictable sentences.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from commresp.errors import BadInput, BadReference
from commresp.rules.folding import fold_aligned, straight_apostrophes
from commresp.rules.language import holder_gender_of_title_fr
from commresp.rules.references import (
    DEFAULT_OTHER_ADDRESSEES,
    DEFAULT_TYPES,
    FIRST_YEAR,
    parse_reference,
)

MAX_BYTES = 20 * 1024 * 1024
"""Letters are a few pages; anything bigger is the wrong file (or a scan, which has no text)."""

# A PDF page with fewer letters and digits than this has no usable text layer.
_MIN_TEXT_CHARS = 20


# --- reading the file ---------------------------------------------------------------------


def letter_text(path: Path) -> str:
    """Plain text of a letter: ``.pdf``, ``.docx``, ``.txt`` or ``.md``.

    Whitespace runs within lines are collapsed, and in PDF and text files words hyphenated at a
    line end are joined again ("exer-\\ncise" → "exercise"), so that titles broken over two lines
    can still be recognised. Raises :class:`BadInput` for a missing, oversized, unsupported,
    corrupt or encrypted file, and for a PDF without a text layer.

    >>> letter_text(Path("letter.txt"))  # doctest: +SKIP
    'Mandates of the Special Rapporteur on minority issues\\nREFERENCE: AL BEL 1/2025\\n…'
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(f"{path}: no such file; check the path to the letter")
    if not path.is_file():
        raise BadInput(f"{path} is not a file; give the letter itself (PDF, .docx or .txt)")
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        kind = f"{suffix} files" if suffix else "files without an extension"
        raise BadInput(
            f"{path.name}: cannot read {kind}; save the letter as PDF, .docx, .txt or .md"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadInput(
            f"{path}: cannot read the file ({exc.strerror}); check its permissions"
        ) from exc
    if size > MAX_BYTES:
        raise BadInput(
            f"{path.name} is {size / 1024 / 1024:.0f} MB, more than a letter "
            f"({MAX_BYTES // 1024 // 1024} MB at most); give the letter without attachments"
        )
    text = reader(path)
    # Word processors never hyphenate into the text itself; PDFs and text copied out of them do.
    return _tidy(text, join_hyphens=suffix != ".docx")


def _read_text(path: Path) -> str:
    """A text file in UTF-8 (with or without BOM), or UTF-16 with a BOM (Windows Notepad)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"{path}: cannot read the file ({exc.strerror}); check its permissions"
        ) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise BadInput(
            f"{path.name} is not UTF-8 text; save it again as UTF-8 (or give the PDF or .docx)"
        ) from None


def _read_pdf(path: Path) -> str:
    """Text of every page of a PDF, joined (pypdf, imported only when a PDF is read)."""
    import pypdf

    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" only to restrict printing or copying, with an empty
            # password for opening them; only a real password stops us.
            try:
                opened = reader.decrypt("")
            except Exception:  # missing AES support, unknown security handler …
                opened = 0
            if not opened:
                raise BadInput(
                    f"{path.name} is an encrypted PDF; save a copy without a password "
                    "(or give the facts with --date/--mandate instead)"
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except BadInput:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors for damaged files
        raise BadInput(
            f"{path.name} is not a readable PDF ({type(exc).__name__}: {_first_line(exc)}); "
            "check the file or save the letter again as PDF"
        ) from exc
    text = "\n".join(pages)
    if sum(ch.isalnum() for ch in text) < _MIN_TEXT_CHARS:
        raise BadInput(
            f"{path.name} has no text to read (scanned?); "
            "give the facts with --date/--mandate instead"
        )
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _read_docx(path: Path) -> str:
    """Text of a .docx: headers (the letterhead), then body paragraphs and table cells in order.

    Paragraphs are read straight from the XML rather than through python-docx's tables, so
    merged cells are not repeated, and text in content controls and text boxes is not lost.
    """
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # not a zip, missing parts, broken XML …
        raise BadInput(
            f"{path.name} is not a readable .docx ({type(exc).__name__}: {_first_line(exc)}); "
            "open it in Word and save it again as .docx"
        ) from exc

    roots = []
    seen: set[int] = set()
    for section in document.sections:
        for header in (
            section.first_page_header,
            section.header,
            section.even_page_header,
        ):
            # A linked header has no part of its own (and asking for its element would add
            # one): its text was read with the section it is linked to.
            if header.is_linked_to_previous:
                continue
            element = header._element
            if id(element) not in seen:
                seen.add(id(element))
                roots.append(element)
    roots.append(document.element.body)

    lines = []
    for root in roots:
        for p in root.iter(f"{_W}p"):
            # Text boxes are stored twice (DrawingML and a VML fallback): read only the first.
            if any(True for _ in p.iterancestors(_MC_FALLBACK)):
                continue
            lines.append(_docx_paragraph_text(p))
    return "\n".join(lines)


def _docx_paragraph_text(p) -> str:
    """Text of one ``w:p``, without nested paragraphs (text boxes are read on their own)."""
    out: list[str] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}p" or tag == _MC_FALLBACK:
                continue
            if tag == f"{_W}t":
                out.append(child.text or "")
            elif tag == f"{_W}tab":
                out.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                out.append("-")
            else:
                # Runs, hyperlinks, insertions, smart tags, content controls: look inside.
                # Deleted text is w:delText and field codes w:instrText, so they are skipped.
                walk(child)

    walk(p)
    return "".join(out)


_READERS: dict[str, Callable[[Path], str]] = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".txt": _read_text,
    ".md": _read_text,
}


def _first_line(exc: Exception) -> str:
    """First line of an exception's message, so errors stay one line long."""
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else "no details"


# Invisible characters that break words apart when matching; removed outright.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\u2028\u2029\x85]")
_HYPHEN_AT_END = re.compile(r"(\w+)-[ \t]*\n[ \t]*(\w+)(\S*)")
# Left parts that keep their hyphen when a compound is split at a line end ("self-\ndetermination"
# is "self-determination", not "selfdetermination"), and right parts likewise ("eux-\nmêmes").
_KEEP_HYPHEN_LEFT = frozenset(
    "self non ex vice co anti cross well follow semi quasi long short full low high".split()
)
_KEEP_HYPHEN_RIGHT = frozenset("même mêmes là ci up based related".split())


def _tidy(text: str, *, join_hyphens: bool) -> str:
    """Normalise extracted text: NFKC, one space between words, at most one blank line.

    >>> _tidy("self-\\ndetermination and exer-\\n cise  of\\u00a0it", join_hyphens=True)
    'self-determination\\nand exercise\\nof it'
    """
    # NFKC turns ligatures (ﬁ), non-breaking spaces and superscripts (1ᵉʳ) into plain text.
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _LINE_BREAKS.sub("\n", text)
    if join_hyphens:
        text = _join_hyphenated(text)
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _join_hyphenated(text: str) -> str:
    """Join words split by a hyphen at a line end, keeping the hyphen of real compounds.

    The letter itself is the best dictionary: if the word appears elsewhere with a hyphen
    (titles are repeated in the body), the hyphen stays; if it appears without one, it goes.
    Otherwise a short list of compound parts decides, and the default is to drop the hyphen.
    """
    folded = text.casefold()

    def join(match: re.Match[str]) -> str:
        left, right = match[1], match[2]
        hyphenated, joined = f"{left}-{right}", left + right
        if right[:1].isupper():
            keep = True  # "Franco-\nBelgian", "non-\nState"
        elif hyphenated.casefold() in folded:
            keep = True
        elif re.search(rf"\b{re.escape(joined.casefold())}\b", folded):
            keep = False
        else:
            keep = left.casefold() in _KEEP_HYPHEN_LEFT or right.casefold() in _KEEP_HYPHEN_RIGHT
        # The line break moves after the rejoined word (and its punctuation), so that the
        # lines stay lines.
        return (hyphenated if keep else joined) + match[3] + "\n"

    return _HYPHEN_AT_END.sub(join, text)


# --- the facts ------------------------------------------------------------------------------


@dataclass
class FoundMandate:
    """A mandate found in a letter, with its title as the letter words it.

    Only the title in the letter's language is set; ``gender`` is ``'f'`` or ``'m'`` for a
    French "Rapporteuse spéciale"/"Rapporteur spécial" or "Experte"/"Expert", else ``''``.
    """

    slug: str
    gender: str
    title_en: str | None
    title_fr: str | None


@dataclass
class LetterFacts:
    """What :func:`find_facts` found; ``missing`` names what it did not find, in words."""

    reference: str | None
    letter_date: date | None
    language: str
    mandates: list[FoundMandate] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def find_facts(
    text: str,
    mandates: Sequence[dict],
    *,
    types: Iterable[str] = DEFAULT_TYPES,
    other_addressees: Iterable[str] = DEFAULT_OTHER_ADDRESSEES,
    today: date | None = None,
) -> LetterFacts:
    """Find the reference, date, language and mandates of a letter's text.

    ``mandates`` are catalog rows (dicts with ``slug``, ``holder_type``, ``title_en``,
    ``title_fr``); ``types`` and ``other_addressees`` come from the mission profile, as for
    :func:`commresp.references.parse_reference`. Dates after ``today`` are ignored.

    >>> rows = [{"slug": "minorities", "holder_type": "Special Rapporteur",
    ...          "title_en": "Special Rapporteur on minority issues", "title_fr": None}]
    >>> facts = find_facts("Mandate of the Special Rapporteur on minority issues\\n"
    ...                    "REFERENCE: AL BEL 1/2025\\n22 July 2025\\nExcellency,", rows,
    ...                    today=date(2025, 8, 1))
    >>> facts.reference, facts.letter_date, facts.language, facts.missing
    ('AL BEL 1/2025', datetime.date(2025, 7, 22), 'en', [])
    >>> facts.mandates[0].title_en
    'Special Rapporteur on minority issues'
    """
    today = today or date.today()
    types = tuple(t.upper() for t in types)
    other_addressees = tuple(other_addressees)
    text = unicodedata.normalize("NFC", text or "")
    folded = fold_aligned(text)

    reference = _find_reference(text, folded, types, other_addressees, today)
    salutation = _salutation_start(folded)
    letter_date = _find_date(
        folded[:salutation] if salutation is not None else folded[:3000], today
    )
    language = _find_language(folded)
    found = _find_mandates(text, folded, mandates, language, salutation)

    missing = []
    if reference is None:
        missing.append("reference")
    if letter_date is None:
        missing.append("date")
    if not found:
        missing.append("mandates")
    return LetterFacts(reference, letter_date, language, found, missing)


# --- reference ---------------------------------------------------------------------------------

# "REFERENCE:", "Reference:", "RÉFÉRENCE :", "Réf. :", "Ref." (on folded text).
_REFERENCE_LABEL = re.compile(r"\bref(?:erence)?s?\b\.?[ \t]*(?:no\.?|n°)?[ \t]*:?\s*")
_REFERENCE_TAIL = re.compile(r"\b([a-z]{3})\s+(\d{1,6})\s*/\s*(\d{4})\b")
# Old references put mandate file codes between the type and the State code:
# "UA G/SO 214 (53-24) SYR 3/2014". The longest example found (2014, five file codes) takes
# about 80 characters; this leaves room for more without reaching into the rest of the letter.
_OLD_STYLE_SPAN = 250


def _find_reference(
    text: str,
    folded: str,
    types: tuple[str, ...],
    other_addressees: tuple[str, ...],
    today: date,
) -> str | None:
    """Canonical reference from a "REFERENCE:" line, else the first bare one in the text.

    >>> _find_reference("x", fold_aligned("REFERENCE: UA G/SO 214 (53-24) SYR 3/2014"), ("UA",), (),
    ...                 date(2025, 1, 1))
    'UA SYR 3/2014'
    """
    if not types:
        return None
    alternatives = "|".join(re.escape(t.lower()) for t in sorted(types, key=len, reverse=True))
    type_word = re.compile(rf"(?:{alternatives})\b")

    def valid(kind: str, addressee: str, number: str, year: str) -> str | None:
        try:
            ref = parse_reference(
                f"{kind} {addressee} {number}/{year}",
                types=types,
                other_addressees=other_addressees,
                today=today,
            )
        except BadReference:
            return None
        return str(ref)

    for label in _REFERENCE_LABEL.finditer(folded):
        kind = type_word.match(folded, label.end())
        if kind is None:
            continue
        window_end = min(len(folded), kind.end() + _OLD_STYLE_SPAN)
        for tail in _REFERENCE_TAIL.finditer(folded, kind.end(), window_end):
            found = valid(kind[0], *tail.groups())
            if found:
                return found

    # No usable label: the first well-formed reference anywhere, in capitals as letters write it.
    bare = re.compile(
        rf"\b({'|'.join(map(re.escape, types))})\s+([A-Z]{{3}})\s+(\d{{1,6}})\s*/\s*(\d{{4}})\b"
    )
    for match in bare.finditer(text):
        found = valid(*match.groups())
        if found:
            return found
    return None


# --- date -----------------------------------------------------------------------------------------


@cache
def _month_numbers() -> dict[str, int]:
    """Folded month names and abbreviations in English and French: ``"aout"`` → 8."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in ("en", "fr"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[fold_aligned(name).rstrip(".")] = number
    names["sept"] = 9  # "Sept. 22, 2025": common in English, not CLDR's abbreviation
    return names


@cache
def _date_pattern() -> re.Pattern[str]:
    months = "|".join(sorted(map(re.escape, _month_numbers()), key=len, reverse=True))
    return re.compile(
        rf"""\b(?P<d1>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{months})\b\.?,?\s+
                (?P<y1>\d{{4}})\b
           |\b(?P<m2>{months})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})\b
           |\b(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})\b""",
        re.VERBOSE,
    )


def _find_date(folded_top: str, today: date) -> date | None:
    """First real date in the (folded) top of a letter, not after ``today``.

    >>> _find_date("geneve, le 1er octobre 2025", date(2025, 12, 1))
    datetime.date(2025, 10, 1)
    """
    months = _month_numbers()
    for match in _date_pattern().finditer(folded_top):
        if match["y1"]:
            day, month, year = int(match["d1"]), months[match["m1"]], int(match["y1"])
        elif match["y2"]:
            day, month, year = int(match["d2"]), months[match["m2"]], int(match["y2"])
        else:
            day, month, year = int(match["d3"]), int(match["m3"]), int(match["y3"])
        try:
            found = date(year, month, day)
        except ValueError:
            continue  # "31 June": not a date, maybe the next one is
        if date(FIRST_YEAR, 1, 1) <= found <= today:
            return found
    return None


_SALUTATION_LINE = re.compile(r"(?m)^[ \t]*(?:your[ \t]+)?excellenc[ey][ \t]*[,:!]?[ \t]*$")
_SALUTATION_WORD = re.compile(r"\bexcellenc[ey]\b")


def _salutation_start(folded: str) -> int | None:
    """Offset of "Excellency,"/"Excellence," (the line if there is one, else the first word)."""
    match = _SALUTATION_LINE.search(folded) or _SALUTATION_WORD.search(folded)
    return match.start() if match else None


# --- language -------------------------------------------------------------------------------

_FRENCH_MARKERS = re.compile(
    r"\bexcellence\b|\brapporteu(?:r|se)s?\s+speci|\bgroupe\s+de\s+travail\b"
    r"|\bnous\s+avons\s+l'honneur\b|\bexperte?s?\s+independ|\bmandats?\s+d|\bveuillez\s+agreer\b"
)
_ENGLISH_MARKERS = re.compile(
    r"\bexcellency\b|\bspecial\s+rapporteur|\bworking\s+group\b|\bwe\s+have\s+the\s+honou?r\b"
    r"|\bindependent\s+expert|\bmandates?\s+of\b|\bplease\s+accept\b"
)
_FRENCH_WORDS = re.compile(r"\b(?:le|la|les|des|du|et|est|une|pour|dans)\b")
_ENGLISH_WORDS = re.compile(r"\b(?:the|of|and|is|to|for|with|that|this)\b")


def _find_language(folded: str) -> str:
    """``'fr'`` if French markers outnumber English ones, else ``'en'``.

    >>> _find_language("excellence, nous avons l'honneur")
    'fr'
    """
    french, english = len(_FRENCH_MARKERS.findall(folded)), len(_ENGLISH_MARKERS.findall(folded))
    if french == english == 0:
        # No letter formula at all (a fragment): fall back on the commonest small words.
        french, english = len(_FRENCH_WORDS.findall(folded)), len(_ENGLISH_WORDS.findall(folded))
    return "fr" if french > english else "en"


# --- mandates ---------------------------------------------------------------------------------

_S = r"\s+"
# Holder nouns that start a mandate title, on folded text. Longer forms come first so that
# "International Independent Expert Mechanism" is not read as "Independent Expert".
_HOLDERS: tuple[tuple[str, str, str], ...] = (
    ("international independent expert mechanism", "en", "Expert Mechanism"),
    ("expert mechanism", "en", "Expert Mechanism"),
    ("special rapporteurs?", "en", "Special Rapporteur"),
    ("independent experts?", "en", "Independent Expert"),
    ("working group", "en", "Working Group"),
    ("mecanisme international d'experts independants", "fr", "Expert Mechanism"),
    ("mecanisme d'experts", "fr", "Expert Mechanism"),
    ("rapporteu(?:r|se)s? speci(?:al|ale|aux|ales)", "fr", "Special Rapporteur"),
    ("experte?s? independante?s?", "fr", "Independent Expert"),
    ("groupe de travail", "fr", "Working Group"),
)
_HOLDER = re.compile(
    "|".join(rf"(?P<h{i}>\b{words.replace(' ', _S)}\b)" for i, (words, _, _) in enumerate(_HOLDERS))
)

# Where a mandate phrase certainly ends (folded text): punctuation titles never contain, a
# paragraph break, and words that follow the titles in OHCHR letters but are never part of one.
_PHRASE_END = re.compile(
    r"[;:.!?](?=\s|$)|\n[ \t]*\n"
    r"|\b(?:pursuant|conformement|en\s+vertu|references?|ref\b|excellenc[ey]|we\s+have\s+the"
    r"|nous\s+avons|please\s+accept|veuillez)"
)
_MAX_PHRASE = 600

# Country mandates ("Special Rapporteur on the situation of human rights in Belarus") are not
# in the thematic catalog; without this they would pass for "… human rights defenders".
_COUNTRY_MANDATE = re.compile(
    r"\W*(?:on\s+)?(?:the\s+)?situation\s+of\s+human\s+rights\s+(?:in|on)\b"
    r"|\W*(?:sur\s+)?(?:la\s+)?situation\s+des\s+droits\s+(?:de\s+l'homme|humains)\s+"
    r"(?:en|au|aux|a|dans|dans\s+les?)\b"
)

# Words that carry no meaning for telling titles apart (folded; one set for both languages,
# since no title needs any of them to be recognised).
_STOP_WORDS = frozenset(
    """the of on and or in to a an its their his her by for with as at from this that these
    those all any into while within le la les l de des du d et ou en dans sur au aux y qu que
    qui leur leurs ses son sa se s par pour avec un une ce cette ces tous toute toutes tout
    ainsi""".split()
)
# Words that, right after a title, show that the sentence has moved on ("… would like to").
_SENTENCE_WORDS = frozenset(
    """is are was were has have had would will shall should may might can could wishes wish
    notes expresses remains recalls requests urges also who which whose est sont ont souhaite
    souhaitent voudrait voudraient rappelle note exprime prie dont""".split()
)
# Words dropped from the end of a phrase: the links to the next title (", and the", " et de la").
_CONNECTORS = frozenset("and the of et de du des la le les l d a au aux or ou".split())
_TAIL_MAX_TOKENS = 6

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
                row["slug"], row.get("holder_type") or holder_type, frozenset(_topic_stems(topic))
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
    a fairly rare word must match, so that common ones ("human rights") never decide alone.
    """
    common = stems & title.stems
    if not common:
        return False
    f1, precision = _score(stems, title, index)
    rarest_common = max(index.weight(s) for s in common)
    if rarest_common < _MIN_RARITY * index.rarest:
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
    if _COUNTRY_MANDATE.match(folded, topic_start, end):
        return None
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
        if token.digit or token.capital or token.folded in _SENTENCE_WORDS:
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


_SECTION_HEAD = re.compile(r"\bmandates?\s+of\b|\bmandats?\s+(?:du|de|des|d')")
_CAPACITY = re.compile(
    r"\bin\s+(?:our|my)\s+capacit(?:y|ies)\s+as\b|\ben\s+(?:notre|ma)\s+qualite\s+de\b"
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


def _find_mandates(
    text: str,
    folded: str,
    rows: Sequence[dict],
    language: str,
    salutation: int | None,
) -> list[FoundMandate]:
    """Mandates of a letter in order of first mention, each once; see the module docstring."""
    indexes = {lang: _build_index(rows, lang) for lang in ("en", "fr")}
    other = "fr" if language == "en" else "en"

    matches: list[tuple[_Match, str]] = []
    # The letter's own language first; the other only if the letter named nothing in its own
    # (a wrong language guess must not lose the mandates).
    for languages in ((language,), (other,)):
        for region in _regions(folded, salutation):
            matches += _mandates_in(text, folded, region, languages, indexes, trusted_end=True)
        if not matches:
            whole = (0, len(folded))
            matches = _mandates_in(text, folded, whole, languages, indexes, trusted_end=False)
        if matches:
            break

    found: list[FoundMandate] = []
    seen: set[str] = set()
    for match, phrase_language in matches:
        if match.slug in seen:
            continue  # the body and the signatures repeat the mandates of the heading
        seen.add(match.slug)
        title = _clean_title(text[match.start : match.end])
        gender = ""
        if phrase_language == "fr":
            holder = _HOLDER.match(folded, match.start)
            if holder and _holder_of(holder)[1] in ("Special Rapporteur", "Independent Expert"):
                gender = holder_gender_of_title_fr(title) or ""
        found.append(
            FoundMandate(
                slug=match.slug,
                gender=gender,
                title_en=title if phrase_language == "en" else None,
                title_fr=title if phrase_language == "fr" else None,
            )
        )
    return found
