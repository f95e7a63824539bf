"""The paragraph styles that mark the parts of an enquiry form.

:func:`commresp.documents.forms.write_form` gives the question headings, the answer labels, the
closing line and the form-code line these styles; :func:`commresp.documents.form_reading.read_form`
finds the answer boxes again by them after the agency's contact has typed into the form.  Word
and LibreOffice keep custom style names when they re-save a document, whereas they drop custom
XML attributes.  The names are identifiers, not wording: they must not be translated or changed.
"""

from __future__ import annotations

STYLE_QUESTION = "Commresp Question"
STYLE_ANSWER_LABEL = "Commresp Answer Label"
STYLE_CLOSING = "Commresp Closing"
STYLE_FORM_CODE = "Commresp Form Code"
