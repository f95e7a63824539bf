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
sub-documents: how malicious documents fetch remote content).  Optional parts the reader needs
(footnotes, endnotes) are found through the document's relationships
(:meth:`SafeDocx.related_part`) and read with the same size budget, checks and parser.  Every
problem is raised as one :class:`~commresp.errors.FormRejected` line that says what is wrong
and what to ask the sender, so a bad file never produces a traceback.  The checks on the file
itself (its size, an old .doc, not a ZIP) and the translation of low-level errors are in
:func:`commresp.forms.read_form`, which opens every returned form with this class.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import PurePosixPath

from lxml import etree

from commresp.errors import FormRejected

# XML namespaces, in lxml's {uri}tag form.
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

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


class SafeDocx:
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

    def related_part(self, kind: str) -> str | None:
        """The member key of the main document's internal part of relationship type ``kind``.

        ``kind`` is the last segment of the relationship type ("footnotes", "endnotes"…).  The
        part is found through ``word/_rels/document.xml.rels`` (read and parsed like any other
        part); a package without that file falls back to ``word/<kind>.xml``.  None when the
        document has no such part, or when the target is not a member of the package.
        """
        rels = "word/_rels/document.xml.rels"
        if rels not in self.members:
            key = f"word/{kind}.xml"
            return key if key in self.members else None
        for rel in self.xml(rels).iter(_REL + "Relationship"):
            if (rel.get("TargetMode") or "").lower() == "external":
                continue
            if (rel.get("Type") or "").rsplit("/", 1)[-1] != kind:
                continue
            target = (rel.get("Target") or "").replace("\\", "/")
            if target.startswith("/"):
                key = target.lstrip("/")
            else:
                key = posixpath.normpath(posixpath.join("word", target))
            key = key.lower()
            return key if key in self.members else None
        return None

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
