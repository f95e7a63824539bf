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
    The file comes from outside, so it is checked from the ZIP directory before anything is
    decompressed (size, zip bomb, macros, required parts), every XML part is read with a size
    cap and parsed without entity resolution or network access, documents with a DOCTYPE are
    refused, and so are external relationships other than hyperlinks (remote templates, OLE
    objects, frames, sub-documents).  Every problem becomes one :class:`FormRejected` line that
    says what is wrong and what to do; a bad file never produces a traceback.

Markdown produced for an answer
    Paragraphs become blocks separated by a blank line; list paragraphs become ``- item`` or
    ``1. item`` lines; bold and italic runs become ``**…**`` and ``*…*``; a line break inside
    a paragraph becomes two trailing spaces and a newline.  Plain text is escaped minimally
    (see :func:`escape_markdown_line`) so that ``commresp answers`` shows what the person typed
    and a CommonMark renderer gives back exactly the typed text.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import string
import tomllib
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.shared import Pt, Twips
from lxml import etree

from commresp.errors import FormRejected, TemplateError
from commresp.files import atomic_writer

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


# XML namespaces, in lxml's {uri}tag form.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
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
        from commresp.documents.markdown_docx import write_header

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
# Reading: safety checks
# --------------------------------------------------------------------------------------------

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_MAX_MEMBERS = 5000
# A member may expand this many times its compressed size before it is called a zip bomb;
# Word's XML typically compresses 5-20 times, a bomb 1000 times.
_MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # members smaller than this are never judged on their ratio

_UNSAFE_HINT = "ask the sender to type the answers into a fresh copy of the form"
_RESAVE_HINT = "ask the sender to save it again from Word as 'Word Document (.docx)' and resend it"

_ACTIVEX_MESSAGE = f"the document contains ActiveX controls — refused; {_UNSAFE_HINT}"
_MACRO_MESSAGE = (
    "the document contains macros (macro-enabled .docm or vbaProject.bin) — refused; ask the "
    "sender to save it as 'Word Document (.docx)', not 'Word Macro-Enabled Document', and resend it"
)


def _parser() -> etree.XMLParser:
    """An XML parser that resolves no entity, loads no DTD and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class _Package:
    """A .docx opened for reading with every safety check applied."""

    def __init__(self, name: str, zf: zipfile.ZipFile, max_uncompressed: int) -> None:
        self.name = name
        self.zf = zf
        self.budget = max_uncompressed
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.cache: dict[str, bytes] = {}

    def reject(self, what: str) -> FormRejected:
        return FormRejected(f"{self.name}: {what}.")

    def check_directory(self) -> None:
        """Checks made on the ZIP directory alone, before anything is decompressed."""
        infos = self.zf.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise self.reject(
                f"the archive holds {len(infos)} files, far more than any Word document — "
                f"refused as unsafe; {_UNSAFE_HINT}"
            )
        total = 0
        for info in infos:
            key = info.filename.replace("\\", "/").lstrip("/").lower()
            if key in self.members:
                raise self.reject(f"the archive lists {info.filename!r} twice; {_RESAVE_HINT}")
            self.members[key] = info
            if info.flag_bits & 0x1:
                raise self.reject(
                    "the document is encrypted or password-protected; ask the sender to remove "
                    "the password and send it again"
                )
            total += info.file_size
            if info.file_size > _RATIO_FLOOR and info.file_size > _MAX_RATIO * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise self.reject(
                    f"{info.filename} would expand {ratio} times its compressed size — refused "
                    f"as a possible zip bomb; {_UNSAFE_HINT}"
                )
        if total > self.budget:
            raise self.reject(
                f"the archive would expand to {_mb(total)} (limit {_mb(self.budget)}) — "
                f"refused as a possible zip bomb; ask the sender to remove large pictures or "
                f"attachments and resend it"
            )
        for key in self.members:
            base = PurePosixPath(key).name
            if base in ("vbaproject.bin", "vbadata.xml"):
                raise self.reject(_MACRO_MESSAGE)
            if key.startswith("word/activex/"):
                raise self.reject(_ACTIVEX_MESSAGE)
        for required in ("[content_types].xml", "word/document.xml"):
            if required not in self.members:
                raise self.reject(
                    f"not a Word document ({required.replace('content_types', 'Content_Types')} "
                    f"is missing); {_RESAVE_HINT}"
                )

    def read(self, key: str) -> bytes:
        """The bytes of member ``key`` (lower-case name), never more than the remaining budget."""
        if key in self.cache:
            return self.cache[key]
        info = self.members[key]
        # ZipExtFile stops at the declared size and checks the CRC, so a member that lies about
        # its size fails; the budget also caps the total over many "small" members.
        limit = min(info.file_size, self.budget)
        with self.zf.open(info) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise self.reject(
                f"{info.filename} expands beyond the allowed size — refused as a possible zip "
                f"bomb; {_UNSAFE_HINT}"
            )
        self.budget -= len(data)
        self.cache[key] = data
        return data

    def xml(self, key: str) -> etree._Element:
        """Member ``key`` parsed safely; DOCTYPE/ENTITY declarations and bad XML are refused."""
        data = self.read(key)
        part = self.members[key].filename
        if _has_doctype(data):
            raise self.reject(_doctype_message(part))
        try:
            tree = etree.parse(io.BytesIO(data), _parser())
        except etree.XMLSyntaxError as exc:
            raise self.reject(
                f"{part} is not well-formed XML ({_short(str(exc))}) — the file is damaged; "
                f"{_RESAVE_HINT}"
            ) from exc
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise self.reject(_doctype_message(part))
        return tree.getroot()

    def check_parts(self) -> None:
        """Content types (macros), DOCTYPEs in any XML part, and external relationships."""
        types = self.xml("[content_types].xml")
        main_type = None
        for entry in types:
            content_type = (entry.get("ContentType") or "").lower()
            if "macroenabled" in content_type or "vbaproject" in content_type:
                raise self.reject(_MACRO_MESSAGE)
            if "activex" in content_type:
                raise self.reject(_ACTIVEX_MESSAGE)
            if entry.tag == _CT + "Override":
                if (entry.get("PartName") or "").lower() == "/word/document.xml":
                    main_type = content_type
        if main_type not in (_DOCX_MAIN, _DOTX_MAIN):
            raise self.reject(
                f"not a Word .docx document (main part type {_short(str(main_type), 80)}); "
                f"{_RESAVE_HINT}"
            )
        for key in sorted(self.members):
            if key.endswith(".rels"):
                self.check_relationships(key)
            elif key.endswith(".xml"):
                # Every XML part is screened, even those the reader does not use: Word would
                # still parse them when someone opens the stored file later.
                if _has_doctype(self.read(key)):
                    raise self.reject(_doctype_message(self.members[key].filename))

    def check_relationships(self, key: str) -> None:
        """Refuse external targets other than hyperlinks (remote template, OLE, frame…)."""
        for rel in self.xml(key).iter(_REL + "Relationship"):
            if (rel.get("TargetMode") or "").lower() != "external":
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if kind == "hyperlink":
                continue
            target = _short(rel.get("Target") or "", 80)
            raise self.reject(
                f"the document loads an external {_short(kind, 40) or 'object'} from {target!r} "
                f"— refused as unsafe (this is how malicious documents fetch remote content); "
                f"{_UNSAFE_HINT}"
            )


_DOCTYPE_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _has_doctype(data: bytes) -> bool:
    """True if the XML bytes declare a DOCTYPE or ENTITY (also in UTF-16), which Word never does."""
    if _DOCTYPE_RE.search(data):
        return True
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00<" in data[:4] or b"<\x00" in data[:4]:
        for encoding in ("utf-16-le", "utf-16-be"):
            text = data.decode(encoding, errors="ignore")
            if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
                return True
    return False


def _doctype_message(part: str) -> str:
    return (
        f"{part} contains a DOCTYPE/ENTITY declaration, which Word never writes — refused as "
        f"unsafe (possible XML entity attack); {_UNSAFE_HINT}"
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _short(text: str, limit: int = 120) -> str:
    """``text`` on one line, printable only and cut to ``limit`` characters (for messages)."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
                package = _Package(name, zf, max_uncompressed)
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


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    italic: bool | None


@dataclass
class _Para:
    """One paragraph of an answer: formatted text segments and list information."""

    segments: list[tuple[str, bool, bool]]  # (text, bold, italic); text may contain "\n"
    list_kind: str | None  # None, "bullet" or "ordered"
    level: int


class _Reader:
    """Turns the parsed parts of a checked package into answers."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        self.styles: dict[str, _Style] = {}
        self.default_lang: str | None = None
        self.abstract_formats: dict[str, dict[int, str]] = {}
        self.nums: dict[str, tuple[str | None, dict[int, str]]] = {}
        if "word/styles.xml" in package.members:
            self._load_styles(package.xml("word/styles.xml"))
        if "word/numbering.xml" in package.members:
            self._load_numbering(package.xml("word/numbering.xml"))

    # -- styles and numbering -----------------------------------------------------------------

    def _load_styles(self, root: etree._Element) -> None:
        lang = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
        if lang is not None:
            self.default_lang = lang.get(_W + "val")
        for style in root.iter(_W + "style"):
            style_id = style.get(_W + "styleId")
            if not style_id:
                continue
            name_el = style.find(_W + "name")
            based = style.find(_W + "basedOn")
            num_id = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            ilvl = style.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
            rpr = style.find(_W + "rPr")
            self.styles[style_id] = _Style(
                name=(name_el.get(_W + "val") if name_el is not None else None) or style_id,
                based_on=based.get(_W + "val") if based is not None else None,
                num_id=num_id.get(_W + "val") if num_id is not None else None,
                ilvl=_int(ilvl.get(_W + "val")) if ilvl is not None else None,
                bold=_toggle(rpr, "b") if rpr is not None else None,
                italic=_toggle(rpr, "i") if rpr is not None else None,
            )

    def _load_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(_W + "abstractNum"):
            self.abstract_formats[abstract.get(_W + "abstractNumId") or ""] = _level_formats(
                abstract
            )
        for num in root.iter(_W + "num"):
            abstract_id = num.find(_W + "abstractNumId")
            overrides: dict[int, str] = {}
            for override in num.iter(_W + "lvlOverride"):
                overrides.update(_level_formats(override))
            self.nums[num.get(_W + "numId") or ""] = (
                abstract_id.get(_W + "val") if abstract_id is not None else None,
                overrides,
            )

    def _style_chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen and len(chain) < 32:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def style_name(self, paragraph: etree._Element) -> str:
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(_W + "val") if style is not None else None
        if not style_id:
            return ""
        return self.styles[style_id].name if style_id in self.styles else style_id

    def number_format(self, num_id: str, ilvl: int) -> str | None:
        abstract_id, overrides = self.nums.get(num_id, (None, {}))
        if ilvl in overrides:
            return overrides[ilvl]
        return self.abstract_formats.get(abstract_id or "", {}).get(ilvl)

    # -- paragraphs ---------------------------------------------------------------------------

    def paragraph(self, p: etree._Element) -> _Para:
        style_el = p.find(f"{_W}pPr/{_W}pStyle")
        style_id = style_el.get(_W + "val") if style_el is not None else None
        chain = self._style_chain(style_id)
        name = chain[0].name if chain else (style_id or "")
        num_el = p.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        ilvl_el = p.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
        num_id = num_el.get(_W + "val") if num_el is not None else None
        ilvl = _int(ilvl_el.get(_W + "val")) if ilvl_el is not None else None
        if num_id is None:
            num_id = next((s.num_id for s in chain if s.num_id is not None), None)
        if ilvl is None:
            ilvl = next((s.ilvl for s in chain if s.ilvl is not None), None)
        lowered = name.lower()
        if ilvl is None:
            # "List Bullet 2" carries its level in its name, not in w:ilvl.
            digit = re.search(r"(\d)$", lowered)
            ilvl = int(digit.group(1)) - 1 if digit and lowered.startswith("list ") else 0
        kind: str | None = None
        if num_id is not None and num_id != "0":  # numId 0 means "numbering removed"
            fmt = self.number_format(num_id, ilvl)
            if fmt is None:
                kind = "ordered" if lowered.startswith("list number") else "bullet"
            elif fmt != "none":
                kind = "bullet" if fmt == "bullet" else "ordered"
        elif num_id is None and lowered.startswith("list bullet"):
            kind = "bullet"
        elif num_id is None and lowered.startswith("list number"):
            kind = "ordered"
        segments: list[tuple[str, bool, bool]] = []
        self._inline(p, segments)
        return _Para(segments, kind, max(0, min(ilvl, 8)))

    def _inline(self, parent: etree._Element, out: list[tuple[str, bool, bool]]) -> None:
        """Collect the visible text of runs under ``parent`` (a paragraph or a container)."""
        for child in parent:
            tag = child.tag
            if tag == _W + "r":
                text = _run_text(child)
                if text:
                    bold, italic = self._run_format(child)
                    out.append((text, bold, italic))
            elif tag in _INLINE_CONTAINERS:
                self._inline(child, out)
            elif tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self._inline(content, out)
            elif tag in (_M + "oMath", _M + "oMathPara"):
                text = "".join(t.text or "" for t in child.iter(_M + "t"))
                if text:
                    out.append((text, False, False))
            # Deleted text (w:del, w:moveFrom), drawings and field codes are not visible text.

    def _run_format(self, run: etree._Element) -> tuple[bool, bool]:
        rpr = run.find(_W + "rPr")
        bold = _toggle(rpr, "b") if rpr is not None else None
        italic = _toggle(rpr, "i") if rpr is not None else None
        if rpr is not None and (bold is None or italic is None):
            style = rpr.find(_W + "rStyle")
            chain = self._style_chain(style.get(_W + "val") if style is not None else None)
            if bold is None:
                bold = next((s.bold for s in chain if s.bold is not None), None)
            if italic is None:
                italic = next((s.italic for s in chain if s.italic is not None), None)
        return bool(bold), bool(italic)


_INLINE_CONTAINERS = {
    _W + "hyperlink",
    _W + "ins",
    _W + "moveTo",
    _W + "smartTag",
    _W + "fldSimple",
    _W + "customXml",
    _W + "dir",
    _W + "bdo",
    _W + "sdtContent",
}


def _run_text(run: etree._Element) -> str:
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("\u2011")
        # w:softHyphen is invisible; w:sym is a font glyph (Wingdings…) with no text meaning.
    return "".join(parts)


def _toggle(rpr: etree._Element, name: str) -> bool | None:
    """The value of the on/off property ``name`` in ``rpr``, None when not set there."""
    el = rpr.find(_W + name)
    if el is None:
        return None
    return (el.get(_W + "val") or "true").lower() not in ("0", "false", "off")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _level_formats(parent: etree._Element) -> dict[int, str]:
    formats: dict[int, str] = {}
    for lvl in parent.iter(_W + "lvl"):
        level = _int(lvl.get(_W + "ilvl"))
        fmt = lvl.find(_W + "numFmt")
        if level is not None and fmt is not None:
            formats[level] = fmt.get(_W + "val") or "bullet"
    return formats


def _blocks(parent: etree._Element) -> list[etree._Element]:
    """Paragraphs and tables directly under ``parent``, looking through content controls."""
    out: list[etree._Element] = []
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            out.append(child)
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                out.extend(_blocks(content))
        elif child.tag in (_W + "customXml", _W + "ins", _W + "moveTo"):
            out.extend(_blocks(child))
    return out


def _cells(table: etree._Element) -> list[etree._Element]:
    """The cells of ``table`` in reading order (rows may sit in content controls)."""
    cells: list[etree._Element] = []
    for row in _children(table, _W + "tr"):
        cells.extend(_children(row, _W + "tc"))
    return cells


def _children(parent: etree._Element, tag: str) -> Iterable[etree._Element]:
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            inner = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if inner is not None:
                yield from _children(inner, tag)


def _flatten(blocks: Iterable[etree._Element]) -> list[etree._Element]:
    """Paragraphs of ``blocks`` in reading order, with tables (also nested) opened up."""
    out: list[etree._Element] = []
    for block in blocks:
        if block.tag == _W + "p":
            out.append(block)
        else:
            for cell in _cells(block):
                out.extend(_flatten(_blocks(cell)))
    return out


def _style_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


_MARKERS = {
    _style_key(STYLE_QUESTION): "question",
    _style_key(STYLE_ANSWER_LABEL): "label",
    _style_key(STYLE_CLOSING): "closing",
    _style_key(STYLE_FORM_CODE): "code",
}


def _extract(package: _Package) -> ReturnedForm:
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
    answers = [_markdown([reader.paragraph(p) for p in _flatten(r)]) for r in regions]

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


def _core_properties(package: _Package) -> dict[str, str]:
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
# Markdown
# --------------------------------------------------------------------------------------------

_ASCII_PUNCT = frozenset(string.punctuation)
# Whitespace as CommonMark (markdown-it) sees it around emphasis markers.
_MD_SPACE = frozenset("\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_EMAIL_AUTOLINK_RE = re.compile(
    r"<[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*>"
)
_ORDERED_START_RE = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")


def escape_markdown_line(text: str, *, line_start: bool = True) -> str:
    """Escape one line of plain text so that CommonMark renders exactly ``text``.

    Escaping is minimal so the Markdown still reads like what the person typed:

    * always escaped: ``*``, backtick, ``[`` and ``\\`` when it precedes ASCII punctuation or
      ends the text (else a backslash is literal in CommonMark);
    * ``_`` unless it sits between two letters or digits (``snake_case`` stays as is);
    * ``<`` only before a letter, ``/``, ``!`` or ``?`` (HTML tag, comment, autolink) or when
      it starts an e-mail autolink — ``a < b`` and ``<3`` stay as typed;
    * ``&`` only when it starts a character reference such as ``&amp;`` or ``&#38;`` —
      ``Smith & Co`` stays as typed;
    * ``~`` only when doubled (``~~`` is strikethrough in GitHub-flavoured renderers);
    * at the start of a line (``line_start``): ``#``, ``>``, ``+``/``-`` list markers,
      ``-``/``=`` lines (rules and setext underlines) and ``1.``/``1)`` list numbers.

    ``text`` must not contain a newline and should be trimmed (surrounding whitespace is not
    kept by Markdown).  The end of ``text`` is treated as a possible end of line, which is
    the safe assumption when the caller appends emphasis markers after it.
    """
    out: list[str] = []
    length = len(text)
    for index, ch in enumerate(text):
        prev = text[index - 1] if index else ""
        nxt = text[index + 1] if index + 1 < length else ""
        escape = False
        if ch in "*`[":
            escape = True
        elif ch == "_":
            escape = not (prev.isalnum() and nxt.isalnum())
        elif ch == "\\":
            escape = nxt == "" or nxt in _ASCII_PUNCT
        elif ch == "<":
            escape = (
                (nxt.isascii() and nxt.isalpha())
                or nxt in ("/", "!", "?")
                or bool(_EMAIL_AUTOLINK_RE.match(text, index))
            )
        elif ch == "&":
            escape = bool(_ENTITY_RE.match(text, index))
        elif ch == "~":
            escape = prev == "~" or nxt == "~"
        out.append("\\" + ch if escape else ch)
    escaped = "".join(out)
    if line_start and text:
        escaped = _escape_line_start(text, escaped)
    return escaped


def _escape_line_start(text: str, escaped: str) -> str:
    """Escape what would make a line a heading, quote, list item, rule or setext underline."""
    first = text[0]
    if first in "#>":
        return "\\" + escaped
    if first in "+-" and (len(text) == 1 or text[1] in " \t"):
        return "\\" + escaped
    if first in "-=" and not text.strip(first + " \t"):
        return "\\" + escaped
    match = _ORDERED_START_RE.match(text)
    if match:
        # Digits are never escaped, so the delimiter sits at the same place in ``escaped``.
        cut = match.end(1)
        return escaped[:cut] + "\\" + escaped[cut:]
    return escaped


def _is_md_punct(ch: str) -> bool:
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith(("P", "S"))


def _can_open(before: str, first: str) -> bool:
    """Whether a ``*`` run between ``before`` and ``first`` opens emphasis (CommonMark rule)."""
    return first not in _MD_SPACE and (
        not _is_md_punct(first) or before == "" or before in _MD_SPACE or _is_md_punct(before)
    )


def _can_close(last: str, after: str) -> bool:
    """Whether a ``*`` run between ``last`` and ``after`` closes emphasis (CommonMark rule)."""
    return last not in _MD_SPACE and (
        not _is_md_punct(last) or after == "" or after in _MD_SPACE or _is_md_punct(after)
    )


def _md_strip(text: str) -> tuple[str, str, str]:
    """Split ``text`` into leading whitespace, core, trailing whitespace (CommonMark spaces)."""
    start = 0
    while start < len(text) and text[start] in _MD_SPACE:
        start += 1
    end = len(text)
    while end > start and text[end - 1] in _MD_SPACE:
        end -= 1
    return text[:start], text[start:end], text[end:]


def _merge(segments: Iterable[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Join adjacent segments with the same formatting; whitespace-only ones become plain."""
    merged: list[tuple[str, bool, bool]] = []
    for text, bold, italic in segments:
        if not text:
            continue
        if not _md_strip(text)[1]:
            bold = italic = False
        if merged and merged[-1][1:] == (bold, italic):
            merged[-1] = (merged[-1][0] + text, bold, italic)
        else:
            merged.append((text, bold, italic))
    return merged


def _render_line(segments: list[tuple[str, bool, bool]]) -> str:
    """One line (no newline) of formatted segments as Markdown; "" if it has no text."""
    # Trim the line as a whole, then drop formatting where the markers would not be read as
    # emphasis (e.g. "a**(b)**"): plain text is better than stray asterisks.
    joined = "".join(text for text, _, _ in segments)
    lead = len(joined) - len(joined.lstrip())
    trail = len(joined.rstrip())
    trimmed: list[tuple[str, bool, bool]] = []
    position = 0
    for text, bold, italic in segments:
        start, end = position, position + len(text)
        position = end
        piece = text[max(lead, start) - start : max(min(trail, end) - start, 0)]
        if piece:
            trimmed.append((piece, bold, italic))
    segments = _merge(trimmed)
    changed = True
    while changed:
        changed = False
        for index, (text, bold, italic) in enumerate(segments):
            if not (bold or italic):
                continue
            head, core, tail = _md_strip(text)
            before = head[-1:] or _outer_last(segments, index)
            after = tail[:1] or _outer_first(segments, index)
            # Markers of two touching formatted segments would fuse into one delimiter run
            # ("**a***b*"), which CommonMark may read differently: keep only the first.
            touching = index > 0 and not head and _formatted_end(segments[index - 1])
            if touching or not (_can_open(before, core[0]) and _can_close(core[-1], after)):
                segments[index] = (text, False, False)
                segments = _merge(segments)
                changed = True
                break
    out: list[str] = []
    for index, (text, bold, italic) in enumerate(segments):
        if bold or italic:
            head, core, tail = _md_strip(text)
            marker = "***" if bold and italic else "**" if bold else "*"
            core_md = escape_markdown_line(core, line_start=False)
            out.append(f"{head}{marker}{core_md}{marker}{tail}")
        else:
            out.append(escape_markdown_line(text, line_start=index == 0))
    return "".join(out)


def _formatted_end(segment: tuple[str, bool, bool]) -> bool:
    """Whether ``segment`` ends with an emphasis marker (formatted, no trailing whitespace)."""
    text, bold, italic = segment
    return (bold or italic) and not _md_strip(text)[2]


def _outer_last(segments: list[tuple[str, bool, bool]], index: int) -> str:
    """The character Markdown will see just before segment ``index`` ("" = start of line)."""
    if index == 0:
        return ""
    text, bold, italic = segments[index - 1]
    return "*" if (bold or italic) and not _md_strip(text)[2] else text[-1]


def _outer_first(segments: list[tuple[str, bool, bool]], index: int) -> str:
    """The character Markdown will see just after segment ``index`` ("" = end of line)."""
    if index + 1 >= len(segments):
        return ""
    text, bold, italic = segments[index + 1]
    if (bold or italic) and not _md_strip(text)[0]:
        return "*"
    # A plain segment may start with an escaped character: its backslash is punctuation too.
    return "\\" if escape_markdown_line(text, line_start=False)[:1] == "\\" else text[0]


def _lines(segments: list[tuple[str, bool, bool]]) -> list[list[tuple[str, bool, bool]]]:
    """Split formatted segments at line breaks."""
    lines: list[list[tuple[str, bool, bool]]] = [[]]
    for text, bold, italic in segments:
        pieces = text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                lines.append([])
            if piece:
                lines[-1].append((piece, bold, italic))
    return lines


def _markdown(paragraphs: Sequence[_Para]) -> str:
    """The Markdown of an answer made of ``paragraphs``."""
    blocks: list[str] = []
    items: list[str] = []  # lines of the list being built
    indents: list[int] = []  # content column of the open list level at each depth
    counters: list[tuple[str, int]] = []  # (kind, last number) per open depth

    def close_list() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()
        indents.clear()
        counters.clear()

    for para in paragraphs:
        rendered = [_render_line(line) for line in _lines(para.segments)]
        if para.list_kind is None:
            close_list()
            # An empty line inside a paragraph (two line breaks) reads as a paragraph break.
            chunk: list[str] = []
            for line in [*rendered, ""]:
                if line:
                    chunk.append(line)
                elif chunk:
                    blocks.append("  \n".join(chunk))
                    chunk = []
            continue
        lines = [line for line in rendered if line]
        if not lines:
            continue
        depth = min(para.level, len(indents))
        del indents[depth:]
        del counters[depth + 1 :]
        if len(counters) > depth and counters[depth][0] == para.list_kind:
            number = counters[depth][1] + 1
        else:
            number = 1
        del counters[depth:]
        counters.append((para.list_kind, number))
        indent = indents[depth - 1] if depth else 0
        marker = f"{number}." if para.list_kind == "ordered" else "-"
        column = indent + len(marker) + 1
        indents.append(column)
        continuation = "".join(f"  \n{' ' * column}{line}" for line in lines[1:])
        items.append(f"{' ' * indent}{marker} {lines[0]}{continuation}")
    close_list()
    return "\n\n".join(blocks).strip()


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
