"""The text of an incoming letter (PDF, .docx, .txt or .md), read safely.

Letters come from outside the mission, so a file may be damaged, far too large or deliberately
hostile.  :func:`letter_text` refuses every problem with one :class:`~commresp.errors.BadInput`
line saying what is wrong and what to do; a .docx is opened with
:func:`~commresp.documents.safety.open_untrusted_docx` (zip bombs, macros, entity attacks and
remote content refused before anything is parsed), as returned enquiry forms are.  What the
text says (reference, date, mandates) is found by :mod:`commresp.rules.letter_facts`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from commresp.documents.ooxml import MC, W
from commresp.documents.safety import RefusalHints, SafeDocx, open_untrusted_docx
from commresp.errors import BadInput, FormRejected
from commresp.workspace import files

__all__ = ["MAX_BYTES", "letter_text"]

MAX_BYTES = 20 * 1024 * 1024
"""Letters are a few pages; anything bigger is the wrong file (or a scan, which has no text)."""

# A PDF page with fewer letters and digits than this has no usable text layer.
_MIN_TEXT_CHARS = 20


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
        files.raise_if_locked(exc, path)
        raise BadInput(
            f"{path}: cannot read the file ({exc.strerror}); check its permissions"
        ) from exc
    try:
        return files.decode_text(raw)
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


_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MC_FALLBACK = MC + "Fallback"
# A section's headers in the order they are read: first page, then the others.
_HEADER_TYPES = ("first", "default", "even")
# A letter's XML is a few hundred kilobytes; pictures are stored, not expanded.
_MAX_UNCOMPRESSED = 100 * 1024 * 1024
_LETTER_HINTS = RefusalHints(
    unsafe="ask for the letter as PDF, or give the facts with --date/--mandate instead",
    resave="open it in Word and save it again as .docx",
)


def _read_docx(path: Path) -> str:
    """Text of a .docx: headers (the letterhead), then body paragraphs and table cells in order.

    The file is opened with the safe reader of untrusted documents, and paragraphs are read
    straight from the XML, so merged cells are not repeated, and text in content controls and
    text boxes is not lost.
    """
    try:
        with open_untrusted_docx(
            path, max_bytes=MAX_BYTES, max_uncompressed=_MAX_UNCOMPRESSED, hints=_LETTER_HINTS
        ) as package:
            return _docx_text(package)
    except FormRejected as exc:
        # The refusal names the file first; say it the way every unreadable letter is said.
        reason = str(exc).removeprefix(f"{path.name or path}: ").removesuffix(".")
        raise BadInput(f"{path.name} is not a readable .docx: {reason}") from exc


def _docx_text(package: SafeDocx) -> str:
    body = package.xml("word/document.xml").find(W + "body")
    if body is None:
        raise package.reject(f"the document has no body; {package.hints.resave}")
    roots = []
    seen: set[str] = set()
    for section in body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W[1:-1]}):
        references = list(section.iterchildren(W + "headerReference"))
        for kind in _HEADER_TYPES:
            # A header linked to the previous section's has no reference of its own: its text
            # was read with the section it is linked to.
            reference = next((r for r in references if r.get(W + "type") == kind), None)
            key = package.part_by_id(reference.get(_R_ID) or "") if reference is not None else None
            if key is not None and key not in seen:
                seen.add(key)
                roots.append(package.xml(key))
    roots.append(body)

    lines = []
    for root in roots:
        for p in root.iter(W + "p"):
            # Text boxes are stored twice (DrawingML and a VML fallback): read only the first.
            if any(True for _ in p.iterancestors(_MC_FALLBACK)):
                continue
            lines.append(_docx_paragraph_text(p))
    return "\n".join(lines)


def _docx_paragraph_text(p: etree._Element) -> str:
    """Text of one ``w:p``, without nested paragraphs (text boxes are read on their own)."""
    out: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == W + "p" or tag == _MC_FALLBACK:
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
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
