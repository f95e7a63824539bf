"""The documents commresp writes, by kind, and how their files are named.

A kind names a template (``note_verbale.fr.md.j2``, ``enquiry_form.nl.toml``), a draft
(``drafts/note_verbale.fr.md``), a rendered file (``out/note_verbale.fr.v2.docx``) and a row of
the ``documents`` table.  The reply to a communication is two documents: the covering note
verbale and the response (design.md §2).
"""

from __future__ import annotations

NOTE_VERBALE = "note_verbale"
RESPONSE = "response"
ENQUIRY_FORM = "enquiry_form"
ENQUIRY_EMAIL = "enquiry_email"

# What `draft` writes and `render` renders, in this order.
REPLY = (NOTE_VERBALE, RESPONSE)

# The languages the reply is drafted in, always all three (the working languages of the
# Special Procedures); the profile says which goes out.
REPLY_LANGUAGES = ("fr", "en", "es")

# The languages an enquiry form and its e-mail may be in (an agency's working language: the
# packaged enquiry_form.LANG.toml), and so those of `assign --question-LANG`.
FORM_LANGUAGES = ("fr", "en", "es", "nl")
# Their names in English, for messages and help texts.
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "nl": "Dutch"}

# The language each document goes out in when neither the profile nor the table of States
# says (as Belgium's reply: the note verbale in French, the response in English).
DEFAULT_LANGUAGE = {NOTE_VERBALE: "fr", RESPONSE: "en"}

# The title in a rendered file's properties (what a file manager or a PDF reader shows).
TITLES = {NOTE_VERBALE: "Note verbale", RESPONSE: "Response"}
#: The same titles in each language of a reply (the document's title property).
LOCAL_TITLES = {
    "en": TITLES,
    "fr": {NOTE_VERBALE: "Note verbale", RESPONSE: "Réponse"},
    "es": {NOTE_VERBALE: "Nota verbal", RESPONSE: "Respuesta"},
    "nl": {NOTE_VERBALE: "Verbale nota", RESPONSE: "Antwoord"},
}


def title(kind: str, lang: str) -> str:
    """A document's title in ``lang`` ("Note verbale", "Réponse", "Nota verbal"…)."""
    return LOCAL_TITLES.get(lang, TITLES)[kind]


def template_name(kind: str, lang: str) -> str:
    """The Markdown template of a document: ``template_name("response", "en")``."""
    return f"{kind}.{lang}.md.j2"


def wording_name(kind: str, lang: str) -> str:
    """The TOML wording of a form or an e-mail: ``enquiry_form.fr.toml``."""
    return f"{kind}.{lang}.toml"


def draft_name(kind: str, lang: str) -> str:
    """The editable draft: ``draft_name("note_verbale", "fr")`` → ``"note_verbale.fr.md"``."""
    return f"{kind}.{lang}.md"


def rendered_name(kind: str, lang: str, version: int, redacted: bool = False) -> str:
    """A rendered version: ``rendered_name("response", "en", 2)`` → ``"response.en.v2.docx"``."""
    return f"{kind}.{lang}.v{version}{'.redacted' if redacted else ''}.docx"
