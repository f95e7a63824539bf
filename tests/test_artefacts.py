"""Artefacts opened in the tools a mission uses: e-mail drafts read by a strict parser, the
calendar by two validators, spreadsheets read back by LibreOffice Calc and openpyxl.

Each test opens the file the way the other tool does and looks at what it sees.
"""

from __future__ import annotations

import email
import io
from email import policy

import docx
import pytest

from commresp import mail
from commresp.errors import BadInput

ENQUIRIES = "correspondence/AL-BEL-1-2025/enquiries"
OUT = "correspondence/AL-BEL-1-2025/out"


def strict(path):
    """The message as a strict RFC 5322 parser reads it (any defect raises)."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.strict)
    assert not message.defects
    for part in message.walk():
        assert not part.defects
    for name, value in message.items():
        assert not getattr(value, "defects", ()), (name, value.defects)
    return message


def crlf_only(data: bytes) -> bool:
    """Every line ends in CRLF: no bare LF, no bare CR."""
    return data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r") and b"\r\n" in data


# --- e-mail drafts -------------------------------------------------------------------------


@pytest.fixture
def mailed(registered):
    """AL BEL 1/2025 asked of Myria, whose contact is written with a name, and of the
    Federal Police (bare address); both answered, the reply drafted, rendered and sent."""
    run = registered
    run("agencies", "edit", "myria", "--email", "Myria – Service juridique <legal@myria.example>")
    run("agencies", "edit", "federal-police", "--email", "contact@police.example")
    run(
        "assign",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--agency",
        "federal-police",
        "--due",
        "2025-08-20",
        "--question",
        "Are the persons named known to your services?",
    )
    return run


def test_enquiry_drafts_parse_strictly_with_crlf_and_names(mailed):
    path = mailed.root / ENQUIRIES / "enquiry-myria.eml"
    data = path.read_bytes()
    assert crlf_only(data)
    message = strict(path)
    assert message["X-Unsent"] == "1"  # opens as a draft in Outlook and Thunderbird
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Myria – Service juridique", "legal@myria.example")
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Représentation permanente de la Belgique",
        "geneva@diplobel.fed.be",
    )
    assert "AL BEL 1/2025" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "la réponse de la Belgique" in body
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "enquiry-myria.fr.docx"
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    docx.Document(io.BytesIO(attachment.get_content()))
    # no line longer than RFC 5322's 998 characters, none but ASCII in the headers
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    police = strict(mailed.root / ENQUIRIES / "enquiry-federal-police.eml")
    assert police["To"].addresses[0].display_name == ""
    assert police["To"].addresses[0].addr_spec == "contact@police.example"


def test_agency_list_keeps_the_display_name(mailed):
    agencies = {a["slug"]: a for a in mailed.json("agencies")}
    assert agencies["myria"]["email"] == "Myria – Service juridique <legal@myria.example>"


def test_reminders_parse_strictly(mailed):
    mailed("remind", "AL BEL 1/2025", "--agency", "myria")
    (reminder,) = (mailed.root / ENQUIRIES).glob("enquiry-myria.reminder-*.eml")
    assert crlf_only(reminder.read_bytes())
    message = strict(reminder)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].display_name == "Myria – Service juridique"


def test_reply_to_the_registry_parses_strictly(mailed):
    mailed("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "None is known.")
    mailed("answer", "add", "AL BEL 1/2025", "--agency", "federal-police", "--text", "No trace.")
    mailed("draft", "AL BEL 1/2025", "--date", "2025-08-01")
    mailed("render", "AL BEL 1/2025")
    mailed("send", "AL BEL 1/2025")
    (path,) = (mailed.root / OUT).glob("reply-*.eml")
    assert crlf_only(path.read_bytes())
    message = strict(path)
    assert message["X-Unsent"] == "1"
    (sender,) = message["From"].addresses
    # the note verbale's language (French for Belgium) names the mission
    assert (sender.display_name, sender.addr_spec) == (
        "Représentation permanente de la Belgique",
        "geneva@diplobel.fed.be",
    )
    assert message["To"].addresses[0].addr_spec == "ohchr-registry@un.org"
    names = sorted(a.get_filename() for a in message.iter_attachments())
    assert names == ["note_verbale.fr.v1.docx", "response.en.v1.docx"]
    for attachment in message.iter_attachments():
        docx.Document(io.BytesIO(attachment.get_content()))


@pytest.mark.parametrize(
    "text,name,spec",
    [
        ("contact@police.example", "", "contact@police.example"),
        ("Federal Police <contact@police.example>", "Federal Police", "contact@police.example"),
        ('"Police, federal" <contact@police.example>', "Police, federal", "contact@police.example"),
        ("  <contact@police.example> ", "", "contact@police.example"),
        ("Myria <info@exämple.be>", "Myria", "info@xn--exmple-cua.be"),
    ],
)
def test_parse_address_accepts_one_address(text, name, spec):
    address = mail.parse_address(text)
    assert (address.display_name, address.addr_spec) == (name, spec)


@pytest.mark.parametrize(
    "text,says",
    [
        ("a@police.example, b@police.example", "more than one address"),
        ("a@police.example;b@police.example", "more than one address"),
        ("A <a@police.example>, B <b@police.example>", "more than one address"),
        ("Police\r\nBcc: x@evil.example <a@police.example>", "line break or control"),
        ("contact@", "is not an e-mail address"),
        ("contact", "is not an e-mail address"),
        ("", "is empty"),
    ],
)
def test_parse_address_refuses_anything_else(text, says):
    with pytest.raises(BadInput, match=says):
        mail.parse_address(text)


def test_agency_address_refused_at_input_changes_nothing(registered):
    before = {a["slug"]: a["email"] for a in registered.json("agencies")}
    result = registered(
        "agencies", "edit", "myria", "--email", "a@myria.example, b@myria.example", code=2
    )
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "more than one address" in result.stderr
    assert {a["slug"]: a["email"] for a in registered.json("agencies")} == before
