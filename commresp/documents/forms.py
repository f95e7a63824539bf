"""Enquiry forms: the .docx a mission sends to a national agency, and the safe reader for replies.

The mission sends each agency (police, justice, immigration…) an enquiry form in the agency's
language.  The agency's contact, who never installs commresp, types the answers into boxes in
Word or LibreOffice and e-mails the file back; :func:`read_form` then extracts one Markdown
answer per box.

Writing (:func:`write_form`)
    All wording comes from ``enquiry_form.<lang>.toml`` (see :func:`form_wording`).  The form
    holds: the mission's lines in the page header, a title, a two-column table of case facts,
    the instructions, then for every question a heading, the question text, an answer label
    and a 1×1 bordered table whose single empty cell is the answer box; finally a closing line
    and a visible "Form code: <token>" line.  The token is also stored in the core properties
    (``keywords``).

    The answer boxes are found again after a Word or LibreOffice re-save by *paragraph styles*
    (``Commresp Question``, ``Commresp Answer Label``, ``Commresp Closing``,
    ``Commresp Form Code``): both programs keep custom style names, whereas they drop custom
    XML attributes.  If the styles were lost anyway (another editor), the reader falls back to
    the order of the single-column tables of the body.

Reading (:func:`read_form`)
    The file comes from outside, so :func:`read_form` checks the file itself (size, old .doc,
    not a ZIP) and opens it as a :class:`~commresp.docx_safety.SafeDocx`, which refuses zip
    bombs, macros, ActiveX controls, DOCTYPE/ENTITY declarations and external relationships
    other than hyperlinks before anything is parsed (see :mod:`commresp.docx_safety`).  Every
    problem becomes one :class:`FormRejected` line that says what is wrong and what to do; a
    bad file never produces a traceback.  The answers are then found from the marker styles
    (or the single-column tables), and the paragraphs of each answer, with the footnotes and
    endnotes typed in it, are turned into Markdown by :mod:`commresp.docx_markdown`, which also
    holds :func:`escape_markdown_line` (re-exported here) and describes the Markdown an answer
    becomes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.shared import Pt, Twips
from lxml import etree

from commresp.documents.docx_to_markdown import (
    _W,
    _blocks,
    _children,
    _flatten,
    _Reader,
    escape_markdown_line,
)
from commresp.documents.safety import _RESAVE_HINT, SafeDocx, _mb, _short
from commresp.errors import FormRejected, TemplateError
from commresp.workspace.files import atomic_writer

__all__ = [
    "FormSpec",
    "ReturnedForm",
    "escape_markdown_line",
    "form_wording",
    "read_answer_text",
    "read_form",
    "write_form",
]

# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormSpec:
    """Everything that goes into one enquiry form, already phrased in the form's language."""

    language: str  # fr | nl | en
    reference: str  # "AL BEL 1/2025"
    mandates: str  # already-phrased mandate list in that language
    subject: str
    agency_name: str  # the agency's name in its language
    due_date_text: str  # "10 septembre 2025", already formatted in that language
    questions: Sequence[str]
    token: str  # form code, opaque here
    header_lines: Sequence[str] = ()  # mission letterhead lines for the page header


@dataclass(frozen=True)
class ReturnedForm:
    """What :func:`read_form` found in a returned form."""

    token: str | None  # visible form code line, else core properties keywords, else None
    answers: list[str]  # one Markdown string per answer place, in order
    language: str | None


# XML namespaces, in lxml's {uri}tag form (w: itself is in commresp.docx_markdown).
_W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DC = "{http://purl.org/dc/elements/1.1/}"

# Style names are identifiers, not wording: they are how the reader finds the answer boxes
# after a re-save, so they must not be translated or changed.
STYLE_QUESTION = "Commresp Question"
STYLE_ANSWER_LABEL = "Commresp Answer Label"
STYLE_CLOSING = "Commresp Closing"
STYLE_FORM_CODE = "Commresp Form Code"

_REQUIRED_KEYS = ("title", "instructions", "closing", "form_code_line")
_REQUIRED_LABELS = (
    "reference",
    "communication_from",
    "subject",
    "agency",
    "due_date",
    "question",
    "answer",
    "form_code",
)

# --------------------------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------------------------


def form_wording(lang: str, templates_dirs: Sequence[Path]) -> dict[str, Any]:
    """Load the wording of the enquiry form in ``lang`` from ``enquiry_form.<lang>.toml``.

    ``templates_dirs`` is searched in order (a workspace override directory first, the
    packaged directory last); the first file found wins.  Raises :class:`TemplateError` if no
    directory has the file, if it is not valid TOML or if a required text is missing.
    """
    # The language code becomes part of a file name: keep it to a plain code so that a value
    # such as "../x" can never reach outside the templates directories.
    if not re.fullmatch(r"[a-z]{2,3}", lang or ""):
        raise TemplateError(f"Unknown form language {lang!r}: use a code such as fr, nl or en.")
    name = f"enquiry_form.{lang}.toml"
    for folder in templates_dirs:
        path = Path(folder) / name
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                wording = tomllib.load(handle)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise TemplateError(f"{path}: cannot be read as TOML ({exc}); fix the file.") from exc
        _check_wording(path, wording)
        return wording
    searched = ", ".join(str(d) for d in templates_dirs) or "(no directory)"
    raise TemplateError(f"No {name} found in {searched}: the form cannot be written in {lang!r}.")


def _check_wording(path: Path, wording: dict[str, Any]) -> None:
    """Raise :class:`TemplateError` unless every text the form needs is a non-empty string."""
    missing = [k for k in _REQUIRED_KEYS if not _nonempty_str(wording.get(k))]
    labels = wording.get("labels")
    if not isinstance(labels, dict):
        missing.append("[labels]")
    else:
        missing += [f"labels.{k}" for k in _REQUIRED_LABELS if not _nonempty_str(labels.get(k))]
    if missing:
        raise TemplateError(f"{path}: missing or empty {', '.join(missing)}; add them.")
    line = wording["form_code_line"]
    # The reader takes the form code after the first colon of that line.
    if "{token}" not in line or ":" not in line.split("{token}", 1)[0]:
        raise TemplateError(
            f"{path}: form_code_line must contain a colon followed by {{token}}, "
            'e.g. "{label}: {token}".'
        )


def _nonempty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold; text copied from PDFs sometimes carries form feeds and the like.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` with characters XML cannot store replaced by a space."""
    return _XML_INVALID.sub(" ", text)


def write_form(
    out_path: Path,
    spec: FormSpec,
    *,
    base: Path | None = None,
    templates_dirs: Sequence[Path],
) -> None:
    """Write the enquiry form described by ``spec`` to ``out_path`` (atomically).

    ``base`` is a letterhead .docx whose styles, page setup, header and footer are kept (its
    body is emptied: the letterhead belongs in the header); ``None`` uses python-docx's default
    template.  Raises :class:`TemplateError` if the wording or the letterhead cannot be loaded.
    """
    if not spec.questions:
        raise ValueError("An enquiry form needs at least one question.")
    if not spec.token or re.search(r"\s", spec.token):
        raise ValueError(f"Invalid form code {spec.token!r}: it must be non-empty, no spaces.")
    wording = form_wording(spec.language, templates_dirs)
    try:
        document = docx.Document(str(base) if base is not None else None)
    except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise TemplateError(f"Letterhead {base} cannot be opened as a .docx ({exc}).") from exc
    _build(document, spec, wording)
    with atomic_writer(Path(out_path)) as handle:
        document.save(handle)


def _build(document: Any, spec: FormSpec, wording: dict[str, Any]) -> None:
    """Fill the empty ``document`` with the form."""
    labels = wording["labels"]
    _clear_body(document)
    styles = _ensure_styles(document)
    _set_language(document, str(wording.get("spellcheck_language") or spec.language))
    section = document.sections[0]
    text_width = _text_width(section)

    if spec.header_lines:
        from commresp.documents.markdown_to_docx import write_header

        # the same place as on letters: the first page's header when the letterhead has one
        write_header(document, spec.header_lines)

    document.add_paragraph(_clean(wording["title"]), style=styles["title"])

    facts = [
        (labels["reference"], spec.reference),
        (labels["communication_from"], spec.mandates),
        (labels["subject"], spec.subject),
        (labels["agency"], spec.agency_name),
        (labels["due_date"], spec.due_date_text),
    ]
    table = document.add_table(rows=len(facts), cols=2)
    _boxed(document, table)
    label_width = min(int(text_width * 0.32), 2_700_000)  # EMU; about 7.5 cm at most
    for row, (label, value) in zip(table.rows, facts, strict=True):
        label_cell, value_cell = row.cells
        label_cell.width = label_width
        value_cell.width = text_width - label_width
        label_cell.paragraphs[0].add_run(_clean(label)).bold = True
        _set_multiline(value_cell.paragraphs[0], _clean(value))

    document.add_paragraph()
    document.add_paragraph(_clean(wording["instructions"]))

    for number, question in enumerate(spec.questions, start=1):
        document.add_paragraph(f"{_clean(labels['question'])} {number}", style=styles["question"])
        for line in _clean(question).strip().splitlines() or [""]:
            if line.strip():
                document.add_paragraph(line.strip())
        document.add_paragraph(f"{_clean(labels['answer'])} {number}", style=styles["label"])
        box = document.add_table(rows=1, cols=1)
        _boxed(document, box)
        box.rows[0].cells[0].width = text_width
        _min_row_height(box.rows[0], 1701)  # twips: 3 cm, so the box looks like a place to type

    closing = document.add_paragraph(_clean(wording["closing"]), style=styles["closing"])
    closing.paragraph_format.space_before = Pt(12)
    line = wording["form_code_line"].replace("{label}", _clean(labels["form_code"]))
    before, _, after = line.partition("{token}")
    code = document.add_paragraph(_clean(before), style=styles["code"])
    token_run = code.add_run(_clean(spec.token))
    token_run.font.no_proof = True  # no red squiggles or autocorrect on the code
    if after:
        code.add_run(_clean(after))

    props = document.core_properties
    props.title = _clean(f"{wording['title']} – {spec.reference}")[:255]
    props.subject = _clean(spec.subject)[:255]
    props.keywords = _clean(spec.token)
    props.language = str(wording.get("spellcheck_language") or spec.language)
    props.category = "commresp enquiry form"
    props.created = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.modified = props.created
    props.revision = 1
    # python-docx's default template says "python-docx" here: not something to send out.
    if props.author == "python-docx":
        props.author = ""
    if props.last_modified_by == "python-docx":
        props.last_modified_by = ""


def _set_multiline(paragraph: Any, text: str) -> None:
    """Write ``text`` into ``paragraph``, turning newlines into line breaks."""
    for index, line in enumerate(text.strip().splitlines()):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)


def _clear_body(document: Any) -> None:
    """Remove the body content of the base document, keeping its section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag != _W + "sectPr":
            body.remove(child)


def _style_or_none(document: Any, name: str) -> Any:
    try:
        return document.styles[name]
    except KeyError:
        return None


def _ensure_styles(document: Any) -> dict[str, Any]:
    """The paragraph styles the form uses, creating the commresp marker styles if needed."""

    def marker(name: str, base: str, *, bold: bool = False, keep: bool = False) -> Any:
        existing = _style_or_none(document, name)
        if existing is not None:
            return existing
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        based_on = _style_or_none(document, base) or _style_or_none(document, "Normal")
        if based_on is not None:
            style.base_style = based_on
        style.next_paragraph_style = _style_or_none(document, "Normal")
        if bold:
            style.font.bold = True
        if keep:
            style.paragraph_format.keep_with_next = True
        style.hidden = False
        style.quick_style = False
        return style

    return {
        "title": _style_or_none(document, "Title") or _style_or_none(document, "Heading 1"),
        "question": marker(STYLE_QUESTION, "Heading 2", bold=True, keep=True),
        "label": marker(STYLE_ANSWER_LABEL, "Normal", bold=True, keep=True),
        "closing": marker(STYLE_CLOSING, "Normal"),
        "code": marker(STYLE_FORM_CODE, "Normal"),
    }


def _set_language(document: Any, tag: str) -> None:
    """Make ``tag`` the proofing language, so Word spell-checks the answers in that language."""
    styles = document.styles.element
    defaults = styles.find(_W + "docDefaults")
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_W + "rPrDefault")
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_W + "rPr")
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    targets = [rpr]
    normal = _style_or_none(document, "Normal")
    if normal is not None:
        targets.append(normal.element.get_or_add_rPr())
    for target in targets:
        lang = target.find(_W + "lang")
        if lang is None:
            lang = OxmlElement("w:lang")
            target.append(lang)  # w:lang is late in CT_RPr's sequence; only a few follow it
            _reorder_rpr(target)
        lang.set(_W + "val", tag)


# Order of CT_RPr children after w:lang (schema order matters to Word).
_RPR_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


def _reorder_rpr(rpr: Any) -> None:
    lang = rpr.find(_W + "lang")
    for name in _RPR_AFTER_LANG:
        later = rpr.find(_W + name)
        if later is not None:
            later.addprevious(lang)
            return


def _text_width(section: Any) -> int:
    """Width (EMU) between the margins, with a sensible default for odd templates."""
    try:
        width = int(section.page_width - section.left_margin - section.right_margin)
    except TypeError:
        width = 0
    return width if width > 1_000_000 else 5_760_720  # 16 cm


# Children of w:tblPr that must come after w:tblBorders (schema order).
_TBLPR_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _boxed(document: Any, table: Any) -> None:
    """Give ``table`` visible borders: "Table Grid" if the template has it, else direct borders."""
    grid = _style_or_none(document, "Table Grid")
    if grid is not None:
        table.style = grid
        return
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(_W + "val", "single")
        line.set(_W + "sz", "4")
        line.set(_W + "space", "0")
        line.set(_W + "color", "auto")
        borders.append(line)
    for name in _TBLPR_AFTER_BORDERS:
        later = tbl_pr.find(_W + name)
        if later is not None:
            later.addprevious(borders)
            return
    tbl_pr.append(borders)


def _min_row_height(row: Any, twips: int) -> None:
    row.height = Twips(twips)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    path = Path(path)
    name = path.name or str(path)
    if not path.is_file():
        raise FormRejected(f"{name}: file not found; check the path and try again.")
    try:
        with open(path, "rb") as handle:
            size = _file_size(handle)
            if size > max_bytes:
                raise FormRejected(
                    f"{name}: the file is {_mb(size)}, more than the {_mb(max_bytes)} allowed; ask "
                    f"the sender to remove large pictures or attachments and resend it."
                )
            head = handle.read(8)
            handle.seek(0)
            if head == _OLE_MAGIC:
                raise FormRejected(
                    f"{name}: this is an old-format .doc or a password-protected document; ask "
                    f"the sender to save it as 'Word Document (.docx)' without a password."
                )
            if not zipfile.is_zipfile(handle):
                raise FormRejected(
                    f"{name}: not a Word .docx file (not a ZIP package); {_RESAVE_HINT}."
                )
            handle.seek(0)
            with zipfile.ZipFile(handle) as zf:
                package = SafeDocx(name, zf, max_uncompressed)
                package.check_directory()
                package.check_parts()
                return _extract(package)
    except FormRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise FormRejected(
            f"{name}: the file is damaged ({_short(str(exc))}); {_RESAVE_HINT}."
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:
        # zipfile: unsupported compression method or encryption.
        raise FormRejected(
            f"{name}: the file cannot be opened ({_short(str(exc))}); {_RESAVE_HINT}."
        ) from exc
    except OSError as exc:
        raise FormRejected(
            f"{name}: the file cannot be read ({_short(str(exc))}); check it and retry."
        ) from exc
    except (etree.LxmlError, ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        # Structures Word would never write; never let them surface as a traceback.
        raise FormRejected(
            f"{name}: the document has an unexpected structure ({type(exc).__name__}: "
            f"{_short(str(exc))}); {_RESAVE_HINT}."
        ) from exc


def _file_size(handle: Any) -> int:
    return os.fstat(handle.fileno()).st_size


# --------------------------------------------------------------------------------------------
# Reading: extraction
# --------------------------------------------------------------------------------------------


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
    reader = _Reader(package)
    root = package.xml("word/document.xml")
    if root.tag.startswith(_W_STRICT):
        raise package.reject(
            "the document was saved as 'Strict Open XML', which commresp does not read; ask the "
            "sender to save it as 'Word Document (.docx)' and resend it"
        )
    body = root.find(_W + "body")
    if body is None:
        raise package.reject(f"the document has no body; {_RESAVE_HINT}")
    blocks = _blocks(body)
    kinds = [
        _MARKERS.get(_style_key(reader.style_name(b))) if b.tag == _W + "p" else None
        for b in blocks
    ]

    if "label" in kinds or "question" in kinds:
        regions = _answer_regions(blocks, kinds)
    else:
        # Styles lost (an editor other than Word or LibreOffice): the answer boxes are the
        # single-column tables of the body, in order (the facts table has two columns).
        regions = [[b] for b in blocks if b.tag == _W + "tbl" and _single_column(b)]
    answers = [reader.answer(_flatten(r)) for r in regions]

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
            tables = [b for b in leading if b.tag == _W + "tbl"]
            if tables or not labels:
                regions.append(tables)
        for number, label in enumerate(labels):
            stop = labels[number + 1] if number + 1 < len(labels) else end
            regions.append(blocks[label + 1 : stop])
    return regions


def _single_column(table: etree._Element) -> bool:
    rows = list(_children(table, _W + "tr"))
    return bool(rows) and all(len(list(_children(r, _W + "tc"))) == 1 for r in rows)


def _plain_text(paragraph: etree._Element) -> str:
    parts: list[str] = []
    for t in paragraph.iter(_W + "t"):
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
    for key, tag in (("keywords", _CP + "keywords"), ("language", _DC + "language")):
        el = root.find(tag)
        if el is not None and el.text:
            found[key] = el.text
    return found


def _primary_language(tag: str | None) -> str | None:
    """``"fr-BE"`` → ``"fr"``; None for anything that is not a language tag."""
    match = re.fullmatch(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*", tag or "")
    return match.group(1).lower() if match else None


# --------------------------------------------------------------------------------------------
# Plain-text answers
# --------------------------------------------------------------------------------------------


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
        raise FormRejected(f"{name}: the file cannot be read ({_short(str(exc))}).") from exc
    if len(data) > max_bytes:
        raise FormRejected(
            f"{name}: the file is larger than {_mb(max_bytes)}; an answer should be plain text — "
            f"check that this is the right file."
        )
    if b"\x00" in data:
        raise FormRejected(
            f"{name}: this is not a text file (it contains binary data); give the answer as a "
            f".md or .txt file, or as the returned .docx form."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormRejected(
            f"{name}: the text is not UTF-8 (byte {exc.start}); save it as UTF-8 and try again."
        ) from exc
    if re.search("[\x01-\x08\x0e-\x1f\x7f]", text):
        raise FormRejected(
            f"{name}: the file contains control characters, so it is not plain text; save the "
            f"answer as a plain .md or .txt file and try again."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
