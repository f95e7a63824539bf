"""Document rendering: Markdown and templates to .docx."""
