"""mail: e-mail drafts (.eml) built from the wording templates, read back with the standard
library the way a mail client opens them."""

from __future__ import annotations

import pytest

from commresp import mail
from commresp.errors import TemplateError
from tests.helpers import read_eml

VALUES = {
    "reference": "AL BEL 1/2025",
    "agency": "Myria",
    "due_date": "1 September 2025",
    "subject": "Trafficking",
    "mission": "Permanent Mission of Belgium",
    "of_state": "of Belgium",
}


def test_fill_substitutes_placeholders_and_nothing_else():
    text = mail.fill("$reference for $agency by ${due_date}: 100$$", VALUES, "t.toml")
    assert text == "AL BEL 1/2025 for Myria by 1 September 2025: 100$"
    # a value is inserted as text, never read as a placeholder again
    assert mail.fill("$agency", {"agency": "$reference"}, "t.toml") == "$reference"


@pytest.mark.parametrize(
    "text, message",
    [
        ("Dear $name", "t.toml: unknown placeholder $name; use one of $agency, $due_date"),
        ("Costs $ 5", "t.toml: Invalid placeholder"),
    ],
)
def test_a_broken_template_is_a_template_error(text, message):
    with pytest.raises(TemplateError) as error:
        mail.fill(text, VALUES, "t.toml")
    assert str(error.value).startswith(message)


def test_draft_is_an_unsent_message_with_its_attachments(tmp_path):
    form = tmp_path / "enquiry-myria.fr.docx"
    form.write_bytes(b"PK\x03\x04 the form")
    note = tmp_path / "note.txt"
    note.write_text("a note", encoding="utf-8")
    message = mail.draft(
        to="contact@myria.example",
        sender="geneva@diplobel.example",
        subject="AL BEL 1/2025 – demande d'informations",
        body="Madame, Monsieur,\n\nVeuillez trouver ci-joint le formulaire.\n",
        attachments=[form, note],
    )
    path = tmp_path / "enquiry.eml"
    mail.save(message, path)
    assert not list(tmp_path.glob(".*"))  # written atomically: no temporary file left
    opened = read_eml(path)
    assert (opened["To"], opened["From"], opened["X-Unsent"]) == (
        "contact@myria.example",
        "geneva@diplobel.example",
        "1",
    )
    assert opened["Subject"] == "AL BEL 1/2025 – demande d'informations"
    assert opened["Message-ID"].endswith("@commresp.invalid>")
    assert "Veuillez trouver ci-joint le formulaire." in opened.get_body().get_content()
    attached = {
        a.get_filename(): (a.get_content_type(), a.get_payload(decode=True))
        for a in opened.iter_attachments()
    }
    assert attached == {
        "enquiry-myria.fr.docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 the form",
        ),
        "note.txt": ("text/plain", b"a note"),
    }


def test_a_draft_without_addresses_has_no_empty_headers(tmp_path):
    message = mail.draft(to="", sender="", subject="Reminder", body="Text")
    assert message["To"] is None and message["From"] is None
    assert list(message.iter_attachments()) == []


# --- e-mails received (issue 13, class 12) --------------------------------------------------


def test_read_received_refuses_by_size_before_reading(tmp_path):
    from commresp.errors import FormRejected

    big = tmp_path / "big.eml"
    with open(big, "wb") as handle:
        handle.truncate(mail.MAX_EMAIL_BYTES + 1)
    with pytest.raises(FormRejected, match="big.eml: the e-mail is 25.0 MB, more than"):
        mail.read_received(big)


def test_read_received_refuses_deep_nesting_and_reads_ordinary_mail(tmp_path):
    from commresp.errors import FormRejected

    def nested(depth: int) -> bytes:
        lines = ['Content-Type: multipart/mixed; boundary="b0"', ""]
        for i in range(depth):
            lines += [f"--b{i}", f'Content-Type: multipart/mixed; boundary="b{i + 1}"', ""]
        lines += [f"--b{depth}", "Content-Type: text/plain", "", "hello", f"--b{depth}--"]
        lines += [f"--b{i}--" for i in reversed(range(depth))]
        return "\r\n".join(lines).encode()

    (tmp_path / "ok.eml").write_bytes(nested(mail.MAX_NESTING - 1))
    message, data = mail.read_received(tmp_path / "ok.eml")
    assert message.is_multipart() and data == (tmp_path / "ok.eml").read_bytes()
    (tmp_path / "deep.eml").write_bytes(nested(mail.MAX_NESTING + 1))
    with pytest.raises(FormRejected, match="nested more than 40 levels deep"):
        mail.read_received(tmp_path / "deep.eml")
