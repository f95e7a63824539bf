"""WordprocessingML names and walking: what every reader of raw .docx XML shares.

The readers of returned forms, incoming letters and leak scans work on the package's XML parts
as parsed by :class:`~commresp.documents.safety.SafeDocx` (plain lxml, no python-docx), so they
need the namespaces in lxml's ``{uri}tag`` form and a way to walk the body that looks through
the wrappers Word puts around paragraphs and tables (content controls, custom XML, tracked
insertions).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

#: WordprocessingML (transitional), the ``w:`` prefix.
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: WordprocessingML as saved in "Strict Open XML" format (not read by commresp).
W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
#: Office Math, the ``m:`` prefix.
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
#: DrawingML (text boxes, pictures' descriptions), the ``a:`` prefix.
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
#: Markup compatibility: ``mc:Fallback`` holds a second copy of text boxes (VML).
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: The package's ``[Content_Types].xml``.
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
#: Relationship parts (``*.rels``).
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Core properties (``docProps/core.xml``) and the Dublin Core elements it uses.
CORE_PROPERTIES = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"

# Wrappers that may hold blocks (paragraphs, tables) or rows and cells.
_CONTROL = W + "sdt"
_CONTROL_CONTENT = W + "sdtContent"
_CUSTOM_XML = W + "customXml"


def block_elements(parent: etree._Element) -> list[etree._Element]:
    """Paragraphs and tables directly under ``parent``, looking through content controls.

    Custom XML and tracked insertions (``w:ins``, ``w:moveTo``) around blocks are looked
    through too; nested tables stay inside their table.
    """
    out: list[etree._Element] = []
    for child in parent:
        if child.tag in (W + "p", W + "tbl"):
            out.append(child)
        elif child.tag == _CONTROL:
            content = child.find(_CONTROL_CONTENT)
            if content is not None:
                out.extend(block_elements(content))
        elif child.tag in (_CUSTOM_XML, W + "ins", W + "moveTo"):
            out.extend(block_elements(child))
    return out


def child_elements(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The children of ``parent`` with ``tag`` (e.g. a table's rows), through content controls."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_CONTROL, _CUSTOM_XML):
            inner = child.find(_CONTROL_CONTENT) if child.tag == _CONTROL else child
            if inner is not None:
                yield from child_elements(inner, tag)


def table_cells(table: etree._Element) -> list[etree._Element]:
    """The cells of ``table`` in reading order (rows may sit in content controls)."""
    cells: list[etree._Element] = []
    for row in child_elements(table, W + "tr"):
        cells.extend(child_elements(row, W + "tc"))
    return cells


def paragraphs_in(blocks: Iterable[etree._Element]) -> list[etree._Element]:
    """The paragraphs of ``blocks`` in reading order, with tables (also nested) opened up."""
    out: list[etree._Element] = []
    for block in blocks:
        if block.tag == W + "p":
            out.append(block)
        else:
            for cell in table_cells(block):
                out.extend(paragraphs_in(block_elements(cell)))
    return out
