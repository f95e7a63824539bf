"""Leak scans: every place a confidential term could survive in a .docx or a PDF.

A publication copy is checked after it is rendered (:func:`commresp.redaction.verify`): every
XML part of the .docx — text, footnotes, headers, comments, hyperlink targets, alt text, field
instructions, document properties — and every page, annotation, link, outline entry and
metadata field of the PDF.  Terms are compared as skeletons
(:func:`commresp.rules.folding.skeleton`: no case, no accents, look-alike letters of other
scripts as the Latin ones, numbers whatever their grouping) and found anywhere, also inside a
word or across the runs of one paragraph.  The .docx parts are parsed with the safe parser of
:mod:`commresp.documents.safety` (no entities, no DTD, no network), keeping comments and
processing instructions, which can hold text too.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from commresp.documents.ooxml import A, W
from commresp.documents.safety import safe_xml_parser
from commresp.rules.folding import skeleton

__all__ = ["Leak", "docx_leaks", "pdf_leaks"]


@dataclass(frozen=True)
class Leak:
    """A confidential term found in an output file."""

    term: str
    where: str


# Namespaces whose elements are told apart below; every other element separates text.
_TEXT_NAMESPACES = (W[1:-1], A[1:-1])
# Elements that separate text (paragraphs, cells, notes…); runs inside one paragraph are
# joined with nothing between them, so a term split across runs is still seen whole.
_BLOCKS = frozenset(
    "p tc tr tbl body document hdr ftr footnote footnotes endnote endnotes comment comments "
    "txbxContent sdt".split()
)
_SPACES = frozenset(["tab", "ptab", "br", "cr"])
# Attributes that can carry a document's own text (hyperlink targets, tooltips, alt text,
# field instructions, content-control names).  Others hold ids, sizes, colours, style and
# font names, where a partial match (an rsid "00ADA1F2" for "Ada") means nothing.
_CONTENT_ATTRIBUTES = frozenset(
    ["Target", "tooltip", "anchor", "descr", "title", "instr", "alias", "tag", "docLocation"]
)


def _local(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _part_strings(root: etree._Element) -> Iterator[tuple[str, str]]:
    """(what, text) pairs to search in one XML part: its text and its content attributes."""
    pieces: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = element.tag
        if not isinstance(tag, str):  # comment or processing instruction
            pieces.append(f"\n\n{element.text or ''}\n\n{element.tail or ''}")
            continue
        namespace, local = _local(tag)
        block = local in _BLOCKS if namespace in _TEXT_NAMESPACES else True
        if event == "start":
            if block:
                pieces.append("\n\n")
            elif local in _SPACES:
                pieces.append(" ")
            elif local == "noBreakHyphen":
                pieces.append("-")
            pieces.append(element.text or "")
            # An internal relationship names a part of the package ("footnotes.xml").
            internal = local == "Relationship" and element.get("TargetMode") != "External"
            for name, value in () if internal else element.attrib.items():
                attr_local = _local(name)[1]
                if attr_local in _CONTENT_ATTRIBUTES or local == "docVar":
                    yield f"attribute {attr_local}", value
                    yield f"attribute {attr_local}", unquote(value)
        else:
            if block:
                pieces.append("\n\n")
            pieces.append(element.tail or "")
    yield "text", "".join(pieces)


def _search(text: str, folded_terms: Mapping[str, str], placeholder: str | None) -> Iterator[str]:
    """The terms (as given) whose folded form occurs in ``text``.

    A ``placeholder`` (what stands in for hidden text) separates like a paragraph break, so a
    term never matches across it.
    """
    haystack = skeleton(text.replace(placeholder, "\n\n") if placeholder else text)
    for key, term in folded_terms.items():
        if key in haystack:
            yield term


def _folded(terms: Iterable[str]) -> dict[str, str]:
    """The terms by their skeleton (trimmed, as :func:`commresp.redaction.match_key`)."""
    return {key: term for term in terms if (key := skeleton(term).strip())}


def docx_leaks(path: Path, terms: Sequence[str], *, placeholder: str | None = None) -> list[Leak]:
    """Every term still present in any XML part of the .docx ``path`` (text or links).

    ``placeholder`` is the text that replaced hidden terms (e.g. "[redacted]"), never searched.
    """
    folded_terms = _folded(terms)
    parser = safe_xml_parser(keep_comments=True)
    leaks: list[Leak] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(archive.read(name), parser)
            for what, text in _part_strings(root):
                for term in _search(text, folded_terms, placeholder):
                    leak = Leak(term, f"{name} ({what})")
                    if leak not in leaks:
                        leaks.append(leak)
    return leaks


def pdf_leaks(path: Path, terms: Sequence[str], *, placeholder: str | None = None) -> list[Leak]:
    """Every term still present in the PDF ``path``: page text, links, outline, metadata.

    ``placeholder`` is the text that replaced hidden terms (e.g. "[redacted]"), never searched.
    """
    import pypdf

    folded_terms = _folded(terms)
    reader = pypdf.PdfReader(path)
    strings: list[tuple[str, str]] = []
    for number, page in enumerate(reader.pages, 1):
        strings.append((f"page {number}", page.extract_text() or ""))
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            for key in ("/Contents", "/T", "/TU"):
                if key in annotation:
                    strings.append((f"annotation on page {number}", str(annotation[key])))
            action = annotation.get("/A")
            if action is not None and "/URI" in action.get_object():
                uri = str(action.get_object()["/URI"])
                strings += [(f"link on page {number}", u) for u in (uri, unquote(uri))]
    for key, value in (reader.metadata or {}).items():
        strings.append((f"metadata {key}", str(value)))
    catalog = reader.trailer["/Root"]
    if "/Metadata" in catalog:
        xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8", "replace")
        strings.append(("XMP metadata", html.unescape(re.sub(r"<[^>]*>", "\n\n", xmp))))
    strings += [("outline", title) for title in _outline_titles(reader.outline)]
    leaks: list[Leak] = []
    for where, text in strings:
        for term in _search(text, folded_terms, placeholder):
            leak = Leak(term, where)
            if leak not in leaks:
                leaks.append(leak)
    return leaks


def _outline_titles(outline) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from _outline_titles(item)
        else:
            yield str(getattr(item, "title", "") or "")
