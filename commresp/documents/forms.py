"""Enquiry forms: the .docx a mission sends to a national agency to ask for its findings.

The mission sends each agency (police, justice, immigration…) an enquiry form in the agency's
language.  The agency's contact, who never installs commresp, types the answers into boxes in
Word or LibreOffice and e-mails the file back; reading it is
:mod:`commresp.documents.form_reading` (:func:`read_form`, re-exported here).

Writing (:func:`write_form`)
    All wording comes from ``enquiry_form.<lang>.toml`` (see :func:`form_wording`).  The form
    holds: the mission's lines in the page header, a title, a two-column table of case facts,
    the instructions, then for every question a heading, the question text, an answer label
    and an *answer box* — a 1×1 bordered table whose single empty cell is where the answer is
    typed (:func:`answer_boxes` finds them); finally a closing line and a visible
    "Form code: <token>" line.  The token is also stored in the core properties
    (``keywords``).

    The answer boxes are found again after a Word or LibreOffice re-save by *paragraph styles*
    (:mod:`commresp.documents.form_styles`).  If the styles were lost anyway (another editor),
    the reader falls back to the order of the single-column tables of the body.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zipfile
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

from commresp.documents.docx_parts import write_header
from commresp.documents.form_reading import ReturnedForm, read_answer_text, read_form
from commresp.documents.form_styles import (
    STYLE_ANSWER_LABEL,
    STYLE_CLOSING,
    STYLE_FORM_CODE,
    STYLE_QUESTION,
)
from commresp.documents.markdown_escape import escape_markdown_line
from commresp.documents.ooxml import W
from commresp.errors import TemplateError
from commresp.workspace.files import atomic_writer, read_text

__all__ = [
    "STYLE_ANSWER_LABEL",
    "STYLE_CLOSING",
    "STYLE_FORM_CODE",
    "STYLE_QUESTION",
    "FormSpec",
    "ReturnedForm",
    "answer_boxes",
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
            wording = tomllib.loads(read_text(path))
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


def answer_boxes(document: Any) -> list[Any]:
    """The answer boxes of a form opened with python-docx: the cell of each 1×1 table, in order.

    An answer box is a one-cell table (the facts table has two columns), one per question.
    Typing into ``answer_boxes(document)[0]`` answers the first question as a person would in
    Word; :func:`read_form` reads it back.
    """
    return [t.cell(0, 0) for t in document.tables if len(t.rows) == 1 and len(t.columns) == 1]


def _build(document: Any, spec: FormSpec, wording: dict[str, Any]) -> None:
    """Fill the empty ``document`` with the form."""
    labels = wording["labels"]
    _clear_body(document)
    styles = _ensure_styles(document)
    _set_language(document, str(wording.get("spellcheck_language") or spec.language))
    section = document.sections[0]
    text_width = _text_width(section)

    if spec.header_lines:
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
        if child.tag != W + "sectPr":
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
    defaults = styles.find(W + "docDefaults")
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(W + "rPrDefault")
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(W + "rPr")
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    targets = [rpr]
    normal = _style_or_none(document, "Normal")
    if normal is not None:
        targets.append(normal.element.get_or_add_rPr())
    for target in targets:
        lang = target.find(W + "lang")
        if lang is None:
            lang = OxmlElement("w:lang")
            target.append(lang)  # w:lang is late in CT_RPr's sequence; only a few follow it
            _reorder_rpr(target)
        lang.set(W + "val", tag)


# Order of CT_RPr children after w:lang (schema order matters to Word).
_RPR_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


def _reorder_rpr(rpr: Any) -> None:
    lang = rpr.find(W + "lang")
    for name in _RPR_AFTER_LANG:
        later = rpr.find(W + name)
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
        line.set(W + "val", "single")
        line.set(W + "sz", "4")
        line.set(W + "space", "0")
        line.set(W + "color", "auto")
        borders.append(line)
    for name in _TBLPR_AFTER_BORDERS:
        later = tbl_pr.find(W + name)
        if later is not None:
            later.addprevious(borders)
            return
    tbl_pr.append(borders)


def _min_row_height(row: Any, twips: int) -> None:
    row.height = Twips(twips)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
