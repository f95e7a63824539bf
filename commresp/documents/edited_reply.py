"""A reply edited in Word, read back into Markdown (``commresp draft --from-docx``).

The head of mission often corrects the .docx itself.  The file is opened with
:func:`~commresp.documents.safety.open_untrusted_docx` (the checks returned forms get: zip
bombs, macros, entities, external content refused) and read with
:meth:`~commresp.documents.docx_to_markdown.WordReader.document`.  Tracked changes and comments
still in the file are listed (:attr:`EditedReply.pending`): the caller refuses them unless the
user accepts the changes, in which case insertions are kept and deletions left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from commresp.documents.docx_to_markdown import WordReader
from commresp.documents.ooxml import W, block_elements
from commresp.documents.safety import RefusalHints, open_untrusted_docx

__all__ = ["EditedReply", "read_edited_reply"]

MAX_BYTES = 20 * 1024 * 1024
_MAX_UNCOMPRESSED = 200 * 1024 * 1024
_HINTS = RefusalHints(
    unsafe="save it again from Word as 'Word Document (.docx)' and try again",
    resave="save it again from Word as 'Word Document (.docx)' and try again",
)
_CHANGES = {
    W + "ins": "inserted",
    W + "del": "deleted",
    W + "moveFrom": "moved",
    W + "moveTo": "moved",
    W + "rPrChange": "formatting changed",
    W + "pPrChange": "formatting changed",
}


@dataclass
class EditedReply:
    markdown: str
    pending: list[str]  # tracked changes and comments still in the file, one line each


def read_edited_reply(path: Path) -> EditedReply:
    """The Markdown of the edited reply ``path`` and what is still pending review in it."""
    with open_untrusted_docx(
        path, max_bytes=MAX_BYTES, max_uncompressed=_MAX_UNCOMPRESSED, hints=_HINTS
    ) as package:
        root = package.xml("word/document.xml")
        body = root.find(W + "body")
        if body is None:
            raise package.reject(f"the document has no body; {_HINTS.resave}")
        pending = _changes(root)
        for kind in ("footnotes", "endnotes"):
            key = package.related_part(kind)
            if key:
                pending += _changes(package.xml(key))
        key = package.related_part("comments")
        if key:
            pending += _comments(package.xml(key))
        markdown = WordReader(package).document(block_elements(body))
    return EditedReply(markdown=markdown.strip() + "\n", pending=pending)


def _text(element: etree._Element) -> str:
    text = "".join(t.text or "" for t in element.iter(W + "t", W + "delText"))
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "…"


def _changes(root: etree._Element) -> list[str]:
    found = []
    for element in root.iter(*_CHANGES):
        what = _CHANGES[element.tag]
        author = element.get(W + "author")
        text = _text(element) if element.tag in (W + "ins", W + "del", W + "moveTo") else ""
        if element.tag == W + "moveFrom":
            continue  # the move is listed once, where the text went
        found.append(
            f"{what}" + (f" “{text}”" if text else "") + (f" by {author}" if author else "")
        )
    return found


def _comments(root: etree._Element) -> list[str]:
    found = []
    for comment in root.iter(W + "comment"):
        author = comment.get(W + "author")
        found.append(f"comment “{_text(comment)}”" + (f" by {author}" if author else ""))
    return found
