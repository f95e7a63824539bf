"""Every byte of Word and PDF, behind public functions.

Writing: ``markdown_to_docx`` (a draft onto the letterhead, read as ``markdown_dialect`` says),
``forms`` (enquiry forms), ``docx_parts`` (footnotes, header, styles, properties they share),
``templating`` (the sandboxed Jinja templates).  Reading untrusted files: ``safety`` (opening a
.docx safely), ``form_reading`` with ``docx_to_markdown`` and ``markdown_escape`` (returned
forms), ``letter_text`` (incoming letters), ``leaks`` (scans of publication copies);
``ooxml`` holds the WordprocessingML names they share.
"""
