"""Reading a returned enquiry form: the form code and one Markdown answer per box.

The agency's contact, who never installs commresp, types the answers into the boxes of the form
(:mod:`commresp.documents.forms`) in Word or LibreOffice and e-mails the file back.  The file
comes from outside, so :func:`read_form` opens it with
:func:`~commresp.documents.safety.open_untrusted_docx`, which checks the file itself (size, old
.doc, not a ZIP) and refuses zip bombs, macros, ActiveX controls, DOCTYPE/ENTITY declarations
and external relationships other than hyperlinks before anything is parsed.  Every problem
becomes one :class:`~commresp.errors.FormRejected` line that says what is wrong and what to do;
a bad file never produces a traceback.

The answers are then found from the marker styles (:mod:`commresp.documents.form_styles`) or,
if the styles were lost (an editor other than Word or LibreOffice), from the order of the
single-column tables of the body; the paragraphs of each answer, with the footnotes and
endnotes typed in it, are turned into Markdown by
:class:`~commresp.documents.docx_to_markdown.WordReader`.

Answers given as plain text files (.md, .txt) are read by :func:`read_answer_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from commresp.documents.docx_to_markdown import WordReader
from commresp.documents.form_styles import (
    STYLE_ANSWER_LABEL,
    STYLE_CLOSING,
    STYLE_FORM_CODE,
    STYLE_QUESTION,
)
from commresp.documents.ooxml import (
    CORE_PROPERTIES,
    DUBLIN_CORE,
    W_STRICT,
    W,
    block_elements,
    child_elements,
    paragraphs_in,
)
from commresp.documents.safety import (
    SafeDocx,
    megabytes,
    open_untrusted_docx,
    shorten,
)
from commresp.errors import FormRejected
from commresp.workspace.files import decode_text, raise_if_locked

__all__ = ["ReturnedForm", "read_answer_text", "read_form"]


@dataclass(frozen=True)
class ReturnedForm:
    """What :func:`read_form` found in a returned form."""

    token: str | None  # visible form code line, else core properties keywords, else None
    answers: list[str]  # one Markdown string per answer place, in order
    language: str | None


def read_form(
    path: Path,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    max_uncompressed: int = 50 * 1024 * 1024,
) -> ReturnedForm:
    """Read a returned enquiry form safely and extract the form code and the answers.

    Raises :class:`FormRejected` (one line: what is wrong and what to do) for a missing file,
    a file over ``max_bytes``, anything that is not a .docx, a macro-enabled document, a zip
    bomb (more than ``max_uncompressed`` bytes once expanded, or an absurd compression ratio),
    damaged XML, a DOCTYPE/ENTITY declaration, or an external relationship other than a
    hyperlink.
    """
    with open_untrusted_docx(
        path, max_bytes=max_bytes, max_uncompressed=max_uncompressed
    ) as package:
        return _extract(package)


# ------------------------------------------------------------------------ extraction


def _style_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


_MARKERS = {
    _style_key(STYLE_QUESTION): "question",
    _style_key(STYLE_ANSWER_LABEL): "label",
    _style_key(STYLE_CLOSING): "closing",
    _style_key(STYLE_FORM_CODE): "code",
}


def _extract(package: SafeDocx) -> ReturnedForm:
    """Find the form code, the language and the answers in a checked package."""
    reader = WordReader(package)
    root = package.xml("word/document.xml")
    if root.tag.startswith(W_STRICT):
        raise package.reject(
            "the document was saved as 'Strict Open XML', which commresp does not read; ask the "
            "sender to save it as 'Word Document (.docx)' and resend it"
        )
    body = root.find(W + "body")
    if body is None:
        raise package.reject(f"the document has no body; {package.hints.resave}")
    blocks = block_elements(body)
    kinds = [
        _MARKERS.get(_style_key(reader.style_name(b))) if b.tag == W + "p" else None for b in blocks
    ]

    if "label" in kinds or "question" in kinds:
        regions = _answer_regions(blocks, kinds)
    else:
        # Styles lost (an editor other than Word or LibreOffice): the answer boxes are the
        # single-column tables of the body, in order (the facts table has two columns).
        regions = [[b] for b in blocks if b.tag == W + "tbl" and _single_column(b)]
    answers = [reader.answer(paragraphs_in(r)) for r in regions]

    token = None
    for block, kind in zip(blocks, kinds, strict=True):
        if kind == "code":
            token = _token_from_line(_plain_text(block)) or token
    core = _core_properties(package)
    if token is None:
        keywords = (core.get("keywords") or "").strip()
        token = keywords if keywords and not re.search(r"\s", keywords) else None
    language = _primary_language(core.get("language")) or _primary_language(reader.default_lang)
    return ReturnedForm(token=token, answers=answers, language=language)


def _answer_regions(
    blocks: list[etree._Element], kinds: list[str | None]
) -> list[list[etree._Element]]:
    """The blocks holding each answer, found from the marker paragraphs.

    An answer is everything between an answer label and the next marker paragraph: the box,
    plus anything typed next to it by mistake (below the box, or in rows added with Tab).  A
    box whose label was deleted still counts as an answer (its tables only, since the text
    around it is the question), and so does a question whose label and box are both gone.
    """
    regions: list[list[etree._Element]] = []
    # Sections run from one question heading to the next (or to the closing lines); the part
    # before the first question only counts if it holds a label (heading deleted).
    starts = [i for i, kind in enumerate(kinds) if kind == "question"]
    ends = [i for i, kind in enumerate(kinds) if kind in ("question", "closing", "code")]
    sections = [(0, starts[0] if starts else len(blocks), False)]
    for start in starts:
        end = next((j for j in ends if j > start), len(blocks))
        sections.append((start + 1, end, True))
    for start, end, is_question in sections:
        labels = [i for i in range(start, end) if kinds[i] == "label"]
        if is_question:
            # Boxes before the first label (or in a section without one) lost their label.
            leading = blocks[start : labels[0] if labels else end]
            tables = [b for b in leading if b.tag == W + "tbl"]
            if tables or not labels:
                regions.append(tables)
        for number, label in enumerate(labels):
            stop = labels[number + 1] if number + 1 < len(labels) else end
            regions.append(blocks[label + 1 : stop])
    return regions


def _single_column(table: etree._Element) -> bool:
    rows = list(child_elements(table, W + "tr"))
    return bool(rows) and all(len(list(child_elements(r, W + "tc"))) == 1 for r in rows)


def _plain_text(paragraph: etree._Element) -> str:
    parts: list[str] = []
    for t in paragraph.iter(W + "t"):
        parts.append(t.text or "")
    return "".join(parts)


def _token_from_line(text: str) -> str | None:
    """The form code after the first colon of the form code line, if it is one word."""
    _, colon, rest = text.partition(":")
    rest = rest.strip()
    if colon and rest and not re.search(r"\s", rest):
        return rest
    return None


def _core_properties(package: SafeDocx) -> dict[str, str]:
    if "docprops/core.xml" not in package.members:
        return {}
    root = package.xml("docprops/core.xml")
    found: dict[str, str] = {}
    for key, tag in (
        ("keywords", CORE_PROPERTIES + "keywords"),
        ("language", DUBLIN_CORE + "language"),
    ):
        el = root.find(tag)
        if el is not None and el.text:
            found[key] = el.text
    return found


def _primary_language(tag: str | None) -> str | None:
    """``"fr-BE"`` → ``"fr"``; None for anything that is not a language tag."""
    match = re.fullmatch(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*", tag or "")
    return match.group(1).lower() if match else None


# ------------------------------------------------------------------------ plain-text answers


def read_answer_text(path: Path, *, max_bytes: int = 1024 * 1024) -> str:
    """Read an answer given as a .md or .txt file: UTF-8 (a BOM is allowed), at most ``max_bytes``.

    Raises :class:`FormRejected` for a missing or oversized file, binary content (NUL bytes
    or other control characters) and text that is not UTF-8.  Line ends are normalised to
    ``\\n`` and surrounding blank space is trimmed.
    """
    path = Path(path)
    name = path.name or str(path)
    if not path.is_file():
        raise FormRejected(f"{name}: file not found; check the path and try again.")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise_if_locked(exc, path)
        raise FormRejected(f"{name}: the file cannot be read ({shorten(str(exc))}).") from exc
    if len(data) > max_bytes:
        raise FormRejected(
            f"{name}: the file is larger than {megabytes(max_bytes)}; an answer should be plain "
            f"text — check that this is the right file."
        )
    binary = FormRejected(
        f"{name}: this is not a text file (it contains binary data); give the answer as a "
        f".md or .txt file, or as the returned .docx form."
    )
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Notepad's "Unicode": NULs are text
    if b"\x00" in data and not utf16:
        raise binary
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        raise FormRejected(
            f"{name}: the text is not UTF-8 (byte {exc.start}); save it as UTF-8 and try again."
        ) from exc
    if "\x00" in text:
        raise binary
    if re.search("[\x01-\x08\x0e-\x1f\x7f]", text):
        raise FormRejected(
            f"{name}: the file contains control characters, so it is not plain text; save the "
            f"answer as a plain .md or .txt file and try again."
        )
    return text.strip()
