"""E-mail: drafts (.eml) ready to open in a mail client, and e-mails received.

Built with the standard library's ``email`` package under its SMTP policy, so every line ends
in CRLF as RFC 5322 §2.1 requires, and headers are encoded (RFC 2047) where they are not
ASCII.  Drafts carry ``X-Unsent: 1``, which makes Outlook (and Thunderbird, which follows it)
open them as messages to send rather than as received mail.  The sender is the mission, by
name: ``"Permanent Representation of Belgium" <geneva@diplobel.fed.be>``.

Wording comes from the ``enquiry_email.<lang>.toml`` templates with ``$name`` placeholders
(``string.Template``: user-editable text that cannot reach Python attributes).

:func:`parse_address` is the one reader of an e-mail address typed by a person (agency
contacts, the profile's addresses): exactly one address, bare or ``Name <addr>``.

An e-mail received (an agency's reply with the form attached) comes from outside: it is
refused by its size before a byte is read, fed to the parser in pieces, and refused when its
parts are nested deeper than any mail client makes them (the standard parser recurses once
per level, and a thousand levels would end in a RecursionError) (:func:`read_received`).
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Mapping, Sequence
from email import policy
from email.feedparser import BytesFeedParser
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from commresp.errors import BadInput, FormRejected, TemplateError
from commresp.workspace import files

if TYPE_CHECKING:
    from commresp.workspace.profile import Profile

# RFC 5322 with CRLF line ends (the standard library's SMTP policy), 78-character lines.
POLICY = policy.SMTP

#: What mail servers accept (25 MB is the common limit); anything larger is not mail.
MAX_EMAIL_BYTES = 25 * 1024 * 1024
#: Parts inside parts: mail clients nest a handful (a forward of a reply with an attachment);
#: the standard parser needs a few stack frames per level.
MAX_NESTING = 40
_CHUNK = 64 * 1024

# An address commresp writes: an ASCII local part (RFC 5322 atext and dots) and a domain of
# LDH labels (RFC 1035; an internationalised domain is turned into its IDNA form first).
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}"
_ADDR_SPEC = re.compile(rf"(?P<local>{_LOCAL})@(?P<domain>{_DOMAIN})")
# "Name <addr>" or a bare address; the name may be quoted.
_MAILBOX = re.compile(r"(?:(?P<name>[^<>]*?)\s*<(?P<angle>[^<>]*)>|(?P<bare>[^<>\s]+))")
# Line breaks and other control characters have no place in a header (header injection).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def parse_address(text: str | Address, what: str = "e-mail address") -> Address:
    """One e-mail address, ``name@example.org`` or ``Name <name@example.org>``, as an
    :class:`email.headerregistry.Address` that keeps the display name.

    Anything else is refused with :class:`BadInput`: two addresses, a control character or
    line break, a missing or malformed domain.

    >>> str(parse_address("Federal Police <contact@police.example>"))
    'Federal Police <contact@police.example>'
    """
    if isinstance(text, Address):
        return text
    value = text.strip()
    hint = "write one address, like name@example.org or Name <name@example.org>"
    if not value:
        raise BadInput(f"the {what} is empty; {hint}")
    if _CONTROL.search(value):
        raise BadInput(f"the {what} {value!r} holds a line break or control character; {hint}")
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', "", value)
    if unquoted.count("@") > 1 and re.search(r"[,;]", unquoted):
        raise BadInput(f"{value!r} holds more than one address; {hint}")
    match = _MAILBOX.fullmatch(value)
    if match is None:
        raise BadInput(f"{value!r} is not an {what}; {hint}")
    name = (match["name"] or "").strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').strip()
    spec = (match["angle"] if match["angle"] is not None else match["bare"]).strip()
    local, at, domain = spec.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        domain = ""
    parsed = _ADDR_SPEC.fullmatch(f"{local}{at}{domain}")
    if parsed is None:
        if "," in spec or ";" in spec:
            raise BadInput(f"{value!r} holds more than one address; {hint}")
        raise BadInput(f"{value!r} is not an {what}; {hint}")
    return Address(display_name=name, username=parsed["local"], domain=parsed["domain"])


def mission_sender(profile: Profile, lang: str) -> Address | None:
    """The mission as the sender: its short name in ``lang`` and ``mission.email`` (None when
    the profile has no address); a name written in the profile's address wins."""
    from commresp.rules import wording

    text = str(profile.get("mission.email", "") or "")
    if not text.strip():
        return None
    address = parse_address(text, "mission.email in commresp.toml")
    if address.display_name:
        return address
    name = wording.mission(profile.mission_name(lang), lang, short=True, article=False)
    return Address(display_name=name, username=address.username, domain=address.domain)


def fill(text: str, values: Mapping[str, str], where: str) -> str:
    """Substitute ``$name`` placeholders; an unknown one is a template error, not a crash."""
    try:
        return Template(text).substitute(values)
    except KeyError as exc:
        raise TemplateError(
            f"{where}: unknown placeholder ${exc.args[0]}; use one of "
            + ", ".join(f"${k}" for k in sorted(values))
        ) from None
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from None


def draft(
    *,
    to: str | Address | None,
    sender: str | Address | None,
    subject: str,
    body: str,
    attachments: Sequence[Path | tuple[str, bytes]] = (),
) -> EmailMessage:
    """An unsent message (X-Unsent: 1 makes Outlook and Thunderbird open it as a draft).

    ``to`` and ``sender`` may be empty (the drafter fills them in the mail client); the
    subject is one line whatever the template gave.  Each attachment is a file, or a
    (name, bytes) pair for a file not yet in place.
    """
    message = EmailMessage(policy=POLICY)
    if to:
        message["To"] = parse_address(to, "recipient's address")
    if sender:
        message["From"] = parse_address(sender, "sender's address")
    message["Subject"] = " ".join(_CONTROL.sub(" ", subject).split())
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="commresp.invalid")
    message["X-Unsent"] = "1"
    # quoted-printable keeps every line short and 7-bit, whatever the language
    message.set_content(body, cte=None if body.isascii() else "quoted-printable")
    for item in attachments:
        name, data = (item.name, item.read_bytes()) if isinstance(item, Path) else item
        kind, _ = mimetypes.guess_type(name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def as_bytes(message: EmailMessage) -> bytes:
    """The message as it is saved: lines ending in CRLF."""
    return message.as_bytes(policy=POLICY)


def save(message: EmailMessage, path: Path) -> None:
    """Write the message atomically, lines ending in CRLF."""
    files.write_bytes(path, as_bytes(message))


def read_received(path: Path, *, max_bytes: int = MAX_EMAIL_BYTES) -> tuple[EmailMessage, bytes]:
    """An e-mail file as received: the parsed message and its bytes (to keep).

    Refuses (:class:`FormRejected`, one line) a file over ``max_bytes`` by its size on disk
    before reading it, one that grows while it is read, and one whose parts are nested more
    than :data:`MAX_NESTING` deep.
    """
    from commresp.documents.safety import megabytes

    name = path.name
    size = os.stat(path).st_size
    if size > max_bytes:
        raise FormRejected(
            f"{name}: the e-mail is {megabytes(size)}, more than the {megabytes(max_bytes)} a "
            "mail server accepts; save the form from the e-mail and import the .docx itself"
        )
    _check_nesting(path, name)
    parser = BytesFeedParser(policy=policy.default)
    pieces: list[bytes] = []
    read = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > max_bytes:
                raise FormRejected(
                    f"{name}: the e-mail grew past {megabytes(max_bytes)} while it was read; "
                    "save the form from the e-mail and import the .docx itself"
                )
            pieces.append(chunk)
            parser.feed(chunk)
    try:
        message = parser.close()
    except RecursionError:  # deeper than the check below could see (malformed boundaries)
        raise FormRejected(_too_deep(name)) from None
    return message, b"".join(pieces)


def _too_deep(name: str) -> str:
    return (
        f"{name}: the e-mail's parts are nested more than {MAX_NESTING} levels deep, which no "
        "mail client writes; save the form from the e-mail and import the .docx itself"
    )


def _check_nesting(path: Path, name: str) -> None:
    """Refuse an e-mail whose multiparts open more than :data:`MAX_NESTING` levels deep,
    read line by line before the parser sees it: each ``boundary=`` declared in a multipart
    header opens a level, its closing ``--boundary--`` line closes it."""
    import re

    declared = re.compile(rb'boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))', re.IGNORECASE)
    open_boundaries: list[bytes] = []
    with open(path, "rb") as handle:
        for line in handle:
            stripped = line.rstrip(b"\r\n")
            if stripped.startswith(b"--") and stripped.endswith(b"--"):
                closing = stripped[2:-2]
                if closing in open_boundaries:
                    del open_boundaries[open_boundaries.index(closing) :]
                    continue
            found = declared.search(line)
            if found is not None:
                open_boundaries.append(found.group(1) or found.group(2))
                if len(open_boundaries) > MAX_NESTING:
                    raise FormRejected(_too_deep(name))
