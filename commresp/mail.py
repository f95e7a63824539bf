"""E-mail drafts (.eml) ready to open in a mail client: enquiries, reminders, the reply.

Built with the standard library's ``email`` package; wording comes from the
``enquiry_email.<lang>.toml`` templates with ``$name`` placeholders (``string.Template``:
user-editable text that cannot reach Python attributes).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from string import Template

from commresp.errors import TemplateError
from commresp.workspace import files


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
    to: str,
    sender: str,
    subject: str,
    body: str,
    attachments: Sequence[Path] = (),
) -> EmailMessage:
    """An unsent message (X-Unsent: 1 makes Outlook and Thunderbird open it as a draft)."""
    message = EmailMessage()
    if to:
        message["To"] = to
    if sender:
        message["From"] = sender
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="commresp.invalid")
    message["X-Unsent"] = "1"
    message.set_content(body)
    for path in attachments:
        kind, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def save(message: EmailMessage, path: Path) -> None:
    """Write the message atomically."""
    files.write_bytes(path, message.as_bytes())
