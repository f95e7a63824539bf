"""Opening an untrusted .docx safely: the checks made before anything in it is read.

Returned enquiry forms come from outside the mission (an agency's contact e-mails them back), so
a file may be damaged, far too large or deliberately hostile, and nothing in it can be trusted.
:class:`SafeDocx` checks the ZIP directory before anything is decompressed (number of members,
duplicate names, encryption, total expanded size and compression ratio against zip bombs,
macros and ActiveX controls, the required parts); reads each member under a shrinking size
budget; parses XML with a hardened lxml parser that resolves no entity, loads no DTD and never
touches the network; refuses any XML part declaring a DOCTYPE or ENTITY (entity attacks); checks
the content types (no macro-enabled package, the main part must be a Word document); and
refuses external relationships other than hyperlinks (remote templates, OLE objects, frames,
sub-documents: how malicious documents fetch remote content); and refuses *live fields* that
reach outside the document (DDE/DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, LINK, IMPORT…), in
``w:fldSimple`` or in the ``w:instrText`` of ``w:fldChar`` runs, in any part (body, headers,
footers, footnotes, comments).  Such a file is refused, not cleaned: the stored copy is the
agency's file as received, with its sha256 on record, and a form with a DDE field in it is not
one to keep.  Optional parts the reader needs
(footnotes, endnotes) are found through the document's relationships
(:meth:`SafeDocx.related_part`) and read with the same size budget, checks and parser.  Every
problem is raised as one :class:`~commresp.errors.FormRejected` line that says what is wrong
and what to ask the sender (:class:`RefusalHints`), so a bad file never produces a traceback.

:func:`open_untrusted_docx` is the way in: it checks the file itself (its size, an old .doc,
not a ZIP), opens it as a :class:`SafeDocx` with every check applied, and translates low-level
errors into the same one-line refusal.  Returned enquiry forms
(:func:`commresp.documents.form_reading.read_form`) and incoming letters
(:func:`commresp.documents.letter_text.letter_text`) are both opened with it.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from commresp.documents.ooxml import CONTENT_TYPES, RELATIONSHIPS, W
from commresp.errors import FormRejected

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_RELS = "word/_rels/document.xml.rels"

_MAX_MEMBERS = 5000
# A member may expand this many times its compressed size before it is called a zip bomb;
# Word's XML typically compresses 5-20 times, a bomb 1000 times.
_MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # members smaller than this are never judged on their ratio

#: What to do about a returned form refused as unsafe.
UNSAFE_HINT = "ask the sender to type the answers into a fresh copy of the form"
#: What to do about a returned form that is damaged or not a plain .docx.
RESAVE_HINT = "ask the sender to save it again from Word as 'Word Document (.docx)' and resend it"


@dataclass(frozen=True)
class RefusalHints:
    """What a refusal tells the user to do, by kind of problem (the end of each message)."""

    unsafe: str  # the file is (or may be) hostile: macros, zip bomb, entities, remote content
    resave: str  # the file is damaged or not a plain .docx


#: The hints for returned enquiry forms (the sender is an agency's contact).
FORM_HINTS = RefusalHints(unsafe=UNSAFE_HINT, resave=RESAVE_HINT)

# Word fields that fetch, run or embed something outside the document when the file is opened
# or its fields are updated (Microsoft, "List of field codes in Word"): DDE and DDEAUTO talk to
# another program (the "DDE attack" runs a command); INCLUDE, INCLUDETEXT, INCLUDEPICTURE,
# IMPORT and RD read another file or URL; LINK embeds a linked OLE object; DATABASE queries an
# external database; MACROBUTTON runs a macro.  Ordinary fields (PAGE, REF, HYPERLINK, TOC…)
# stay inside the document and are accepted.
OUTWARD_FIELDS = frozenset(
    "DDE DDEAUTO INCLUDE INCLUDETEXT INCLUDEPICTURE IMPORT RD LINK DATABASE MACROBUTTON".split()
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_MESSAGE = (
    "the document contains macros (macro-enabled .docm or vbaProject.bin) — refused; ask the "
    "sender to save it as 'Word Document (.docx)', not 'Word Macro-Enabled Document', and resend it"
)


def safe_xml_parser(*, keep_comments: bool = False) -> etree.XMLParser:
    """An XML parser that resolves no entity, loads no DTD and never touches the network.

    Comments and processing instructions are dropped unless ``keep_comments`` (a leak scan
    must see everything a part holds).
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=not keep_comments,
        remove_pis=not keep_comments,
    )


class SafeDocx:
    """A .docx opened for reading with every safety check applied.

    Open one with :func:`open_untrusted_docx`; ``hints`` end the refusal messages.
    """

    def __init__(
        self,
        name: str,
        zf: zipfile.ZipFile,
        max_uncompressed: int,
        *,
        hints: RefusalHints = FORM_HINTS,
    ) -> None:
        self.name = name
        self.zf = zf
        self.budget = max_uncompressed
        self.hints = hints
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
                f"refused as unsafe; {self.hints.unsafe}"
            )
        total = 0
        for info in infos:
            key = info.filename.replace("\\", "/").lstrip("/").lower()
            if key in self.members:
                raise self.reject(f"the archive lists {info.filename!r} twice; {self.hints.resave}")
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
                    f"as a possible zip bomb; {self.hints.unsafe}"
                )
        if total > self.budget:
            raise self.reject(
                f"the archive would expand to {megabytes(total)} (limit "
                f"{megabytes(self.budget)}) — refused as a possible zip bomb; ask the sender to "
                f"remove large pictures or attachments and resend it"
            )
        for key in self.members:
            base = PurePosixPath(key).name
            if base in ("vbaproject.bin", "vbadata.xml"):
                raise self.reject(_MACRO_MESSAGE)
            if key.startswith("word/activex/"):
                raise self.reject(
                    f"the document contains ActiveX controls — refused; {self.hints.unsafe}"
                )
        for required in ("[content_types].xml", "word/document.xml"):
            if required not in self.members:
                raise self.reject(
                    f"not a Word document ({required.replace('content_types', 'Content_Types')} "
                    f"is missing); {self.hints.resave}"
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
                f"bomb; {self.hints.unsafe}"
            )
        self.budget -= len(data)
        self.cache[key] = data
        return data

    def xml(self, key: str) -> etree._Element:
        """Member ``key`` parsed safely; DOCTYPE/ENTITY declarations and bad XML are refused."""
        data = self.read(key)
        part = self.members[key].filename
        if _has_doctype(data):
            raise self.reject(self._doctype_message(part))
        try:
            tree = etree.parse(io.BytesIO(data), safe_xml_parser())
        except etree.XMLSyntaxError as exc:
            raise self.reject(
                f"{part} is not well-formed XML ({shorten(str(exc))}) — the file is damaged; "
                f"{self.hints.resave}"
            ) from exc
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise self.reject(self._doctype_message(part))
        return tree.getroot()

    def related_part(self, kind: str) -> str | None:
        """The member key of the main document's internal part of relationship type ``kind``.

        ``kind`` is the last segment of the relationship type ("footnotes", "endnotes"…).  The
        part is found through ``word/_rels/document.xml.rels`` (read and parsed like any other
        part); a package without that file falls back to ``word/<kind>.xml``.  None when the
        document has no such part, or when the target is not a member of the package.
        """
        if _DOCUMENT_RELS not in self.members:
            key = f"word/{kind}.xml"
            return key if key in self.members else None
        for rel, key in self._internal_relationships():
            if (rel.get("Type") or "").rsplit("/", 1)[-1] == kind:
                return key if key in self.members else None
        return None

    def part_by_id(self, rel_id: str) -> str | None:
        """The member key of the main document's internal part with relationship id ``rel_id``.

        How a ``w:headerReference`` (``r:id="rId8"``) finds its header part.  None when there is
        no such relationship, or when its target is not a member of the package.
        """
        if _DOCUMENT_RELS not in self.members:
            return None
        for rel, key in self._internal_relationships():
            if rel.get("Id") == rel_id:
                return key if key in self.members else None
        return None

    def hyperlinks(self, key: str) -> dict[str, str]:
        """The external hyperlink targets of part ``key`` (``word/footnotes.xml``) by
        relationship id, from the part's own ``.rels`` ({} when it has none)."""
        folder, name = posixpath.split(key)
        rels = posixpath.join(folder, "_rels", name + ".rels").lower()
        if rels not in self.members:
            return {}
        return {
            rel.get("Id") or "": rel.get("Target") or ""
            for rel in self.xml(rels).iter(RELATIONSHIPS + "Relationship")
            if (rel.get("TargetMode") or "").lower() == "external"
            and (rel.get("Type") or "").rsplit("/", 1)[-1] == "hyperlink"
        }

    def _internal_relationships(self) -> Iterator[tuple[etree._Element, str]]:
        """(relationship, member key of its target) for each internal one of the main part."""
        for rel in self.xml(_DOCUMENT_RELS).iter(RELATIONSHIPS + "Relationship"):
            if (rel.get("TargetMode") or "").lower() == "external":
                continue
            target = (rel.get("Target") or "").replace("\\", "/")
            if target.startswith("/"):
                key = target.lstrip("/")
            else:
                key = posixpath.normpath(posixpath.join("word", target))
            yield rel, key.lower()

    def check_parts(self) -> None:
        """Content types (macros), DOCTYPEs in any XML part, and external relationships."""
        types = self.xml("[content_types].xml")
        main_type = None
        for entry in types:
            content_type = (entry.get("ContentType") or "").lower()
            if "macroenabled" in content_type or "vbaproject" in content_type:
                raise self.reject(_MACRO_MESSAGE)
            if "activex" in content_type:
                raise self.reject(
                    f"the document contains ActiveX controls — refused; {self.hints.unsafe}"
                )
            if entry.tag == CONTENT_TYPES + "Override":
                if (entry.get("PartName") or "").lower() == "/word/document.xml":
                    main_type = content_type
        if main_type not in (_DOCX_MAIN, _DOTX_MAIN):
            raise self.reject(
                f"not a Word .docx document (main part type {shorten(str(main_type), 80)}); "
                f"{self.hints.resave}"
            )
        for key in sorted(self.members):
            if key.endswith(".rels"):
                self.check_relationships(key)
            elif key.endswith(".xml"):
                # Every XML part is screened, even those the reader does not use: Word would
                # still parse them when someone opens the stored file later.
                data = self.read(key)
                if _has_doctype(data):
                    raise self.reject(self._doctype_message(self.members[key].filename))
                if b"instrText" in data or b"fldSimple" in data:
                    self.check_fields(key)

    def check_fields(self, key: str) -> None:
        """Refuse a part holding a field that reaches outside the document (see
        :data:`OUTWARD_FIELDS`), whether simple or complex, nested or split across runs."""
        for instruction in field_instructions(self.xml(key)):
            words = instruction.split()
            name = words[0].upper() if words else ""
            if name in OUTWARD_FIELDS:
                raise self.reject(
                    f"{self.members[key].filename} holds a {name} field, which reaches outside "
                    f"the document (it fetches or runs something when the file is opened or "
                    f"updated) — refused as unsafe; {self.hints.unsafe}"
                )

    def _doctype_message(self, part: str) -> str:
        return (
            f"{part} contains a DOCTYPE/ENTITY declaration, which Word never writes — refused as "
            f"unsafe (possible XML entity attack); {self.hints.unsafe}"
        )

    def check_relationships(self, key: str) -> None:
        """Refuse external targets other than hyperlinks (remote template, OLE, frame…)."""
        for rel in self.xml(key).iter(RELATIONSHIPS + "Relationship"):
            if (rel.get("TargetMode") or "").lower() != "external":
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if kind == "hyperlink":
                continue
            target = shorten(rel.get("Target") or "", 80)
            raise self.reject(
                f"the document loads an external {shorten(kind, 40) or 'object'} from {target!r} "
                f"— refused as unsafe (this is how malicious documents fetch remote content); "
                f"{self.hints.unsafe}"
            )


def field_instructions(root: etree._Element) -> Iterator[str]:
    """The instruction of every field in an XML part, in document order: ``w:instr`` of each
    ``w:fldSimple``, and for each ``w:fldChar`` field the text of its ``w:instrText`` (and
    ``w:delInstrText``) runs joined, inner fields apart from the fields around them."""
    open_fields: list[list[str] | None] = []
    for element in root.iter(W + "fldSimple", W + "fldChar", W + "instrText", W + "delInstrText"):
        if element.tag == W + "fldSimple":
            yield element.get(W + "instr") or ""
        elif element.tag == W + "fldChar":
            kind = element.get(W + "fldCharType")
            if kind == "begin":
                open_fields.append([])
            elif kind in ("separate", "end") and open_fields:
                pieces = open_fields[-1]
                if pieces is not None:
                    yield "".join(pieces)
                if kind == "end":
                    open_fields.pop()
                else:
                    open_fields[-1] = None  # the result follows: no more instruction
        elif open_fields and (pieces := open_fields[-1]) is not None:
            pieces.append(element.text or "")
        else:
            yield element.text or ""  # an instruction outside any field: judge it anyway


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


def megabytes(size: int) -> str:
    """A size in bytes as messages show it: ``megabytes(5 * 1024 * 1024)`` → ``"5.0 MB"``."""
    return f"{size / (1024 * 1024):.1f} MB"


def shorten(text: str, limit: int = 120) -> str:
    """``text`` on one line, printable only and cut to ``limit`` characters (for messages)."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.contextmanager
def open_untrusted_docx(
    path: Path,
    *,
    max_bytes: int,
    max_uncompressed: int,
    hints: RefusalHints = FORM_HINTS,
) -> Iterator[SafeDocx]:
    """Open the untrusted .docx ``path`` as a checked :class:`SafeDocx`, for reading only.

    Refuses (:class:`FormRejected`, one line ending with ``hints``) a missing file, a file over
    ``max_bytes``, an old .doc, anything that is not a ZIP, and everything :class:`SafeDocx`
    checks (zip bombs beyond ``max_uncompressed`` bytes expanded, macros, ActiveX, entities,
    external content).  Low-level errors raised while the caller reads the package inside the
    ``with`` block (damaged ZIP or XML, structures Word never writes) become the same kind of
    refusal, so an untrusted file never produces a traceback.
    """
    path = Path(path)
    name = path.name or str(path)
    if not path.is_file():
        raise FormRejected(f"{name}: file not found; check the path and try again.")
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise FormRejected(
                    f"{name}: the file is {megabytes(size)}, more than the "
                    f"{megabytes(max_bytes)} allowed; ask the sender to remove large pictures or "
                    f"attachments and resend it."
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
                    f"{name}: not a Word .docx file (not a ZIP package); {hints.resave}."
                )
            handle.seek(0)
            with zipfile.ZipFile(handle) as zf:
                package = SafeDocx(name, zf, max_uncompressed, hints=hints)
                package.check_directory()
                package.check_parts()
                yield package
    except FormRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise FormRejected(
            f"{name}: the file is damaged ({shorten(str(exc))}); {hints.resave}."
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:
        # zipfile: unsupported compression method or encryption.
        raise FormRejected(
            f"{name}: the file cannot be opened ({shorten(str(exc))}); {hints.resave}."
        ) from exc
    except OSError as exc:
        raise FormRejected(
            f"{name}: the file cannot be read ({shorten(str(exc))}); check it and retry."
        ) from exc
    except (etree.LxmlError, ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        # Structures Word would never write; never let them surface as a traceback.
        raise FormRejected(
            f"{name}: the document has an unexpected structure ({type(exc).__name__}: "
            f"{shorten(str(exc))}); {hints.resave}."
        ) from exc
