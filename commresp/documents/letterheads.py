"""A mission's own Word letterhead, made ready for commresp to write its documents into.

:func:`prepare_letterhead` opens the file with the checks made on every untrusted .docx
(:func:`commresp.documents.safety.open_untrusted_docx`: no macros, ActiveX, zip bombs, entities
or remote content), then keeps its page setup, headers, footers and pictures, empties its body,
adds the styles the renderer needs where the letterhead lacks them, and blanks the document
properties it was saved with.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt

from commresp.documents.docx_parts import StyleIds, footnotes_part, set_core_properties
from commresp.documents.safety import RefusalHints, open_untrusted_docx

__all__ = ["LETTERHEAD_HINTS", "prepare_letterhead"]

#: What a refused letterhead tells the user (the file is the mission's own).
LETTERHEAD_HINTS = RefusalHints(
    unsafe="open it in Word, remove macros and linked content, save it as 'Word Document "
    "(.docx)' and import it again",
    resave="open it in Word, save it as 'Word Document (.docx)' and import it again",
)
MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024


def prepare_letterhead(path: Path) -> bytes:
    """The bytes of the letterhead ``path`` made ready for rendering (see the module doc).

    Raises :class:`~commresp.errors.FormRejected` (one line) for a file that is not a safe,
    plain .docx.
    """
    with open_untrusted_docx(
        path, max_bytes=MAX_BYTES, max_uncompressed=MAX_UNCOMPRESSED, hints=LETTERHEAD_HINTS
    ):
        data = Path(path).read_bytes()  # checked: now python-docx may read it
        document = docx.Document(io.BytesIO(data))
        _empty_body(document)
        _add_missing_styles(document)
        footnotes_part(document)
        set_core_properties(document, {})
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def _empty_body(document: DocxDocument) -> None:
    """Keep only the final section properties (page size, margins, headers, footers)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _add_missing_styles(document: DocxDocument) -> None:
    """Headings, title, lists and tables in the letterhead's own fonts, where missing."""
    StyleIds(document)  # adds "Footnote Text", "Footnote Reference" and "Hyperlink"
    styles = document.styles
    names = {s.name.lower() for s in styles if s.name}
    normal = styles.default(WD_STYLE_TYPE.PARAGRAPH)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        if name.lower() not in names:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            style.base_style = normal
            style.font.bold = True
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(12)
            style.paragraph_format.space_after = Pt(6)
    for name in ("List Bullet", "List Number", "List Continue"):
        if name.lower() not in names:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            style.base_style = normal
    if "table grid" not in names:
        styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE, builtin=True)
