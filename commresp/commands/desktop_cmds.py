"""open, doctor: working from a Windows, macOS or Linux desktop."""

from __future__ import annotations

import sys

import click

from commresp.commands import json_option, pass_session
from commresp.commands.completion import AGENCY, REF
from commresp.commands.output import clean, emit_json
from commresp.errors import ProblemsFound

KINDS = ("note_verbale", "response", "form")


def launch(path: str) -> int:
    """Open a file in the program the desktop uses for it (Word for .docx); 0 when done."""
    return click.launch(path)


def edit(path: str) -> None:
    """Open a file in ``$VISUAL``/``$EDITOR``, else the system's editor, and wait for it."""
    click.edit(filename=path)


@click.command(name="open")
@click.argument("ref", type=REF)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="response",
    show_default=True,
    help="Which document: the note verbale, the response, or an agency's enquiry form.",
)
@click.option(
    "--lang",
    metavar="LANG",
    help="Its language (default: the one it goes out in, from commresp.toml).",
)
@click.option(
    "--agency", type=AGENCY, metavar="SLUG", help="With --kind form: whose form (if several)."
)
@click.option(
    "--draft",
    is_flag=True,
    help="Open the Markdown draft in your editor instead, and say afterwards whether it changed.",
)
@click.option("--pdf", is_flag=True, help="Open the PDF rather than the .docx.")
@click.option("--redacted", is_flag=True, help="Open the publication copy (render --redacted).")
@pass_session
def open_document(session, ref, kind, lang, agency, draft, pdf, redacted):
    """Open the latest rendered document, or its draft, on this computer.

    The document opens in the program the desktop uses for it (Word or LibreOffice for a
    .docx). With --draft, the Markdown draft opens in $VISUAL or $EDITOR (else Notepad on
    Windows, an editor such as nano or vim elsewhere); commresp waits until you close it and
    says whether you changed it. Render again to see the change in the document.

    \b
    Example:
        commresp open "AL BEL 1/2025"
        commresp open "AL BEL 1/2025" --kind note_verbale --pdf
        commresp open "AL BEL 1/2025" --kind form --agency myria
        commresp open "AL BEL 1/2025" --draft --lang en
    """
    from commresp.workspace import files

    if agency and kind != "form":
        raise click.UsageError("--agency goes with --kind form")
    if kind == "form" and (lang or pdf or redacted or draft):
        raise click.UsageError(
            "a form is the .docx sent to the agency, in its language: "
            "--lang, --pdf, --redacted and --draft do not go with --kind form"
        )
    if draft and (pdf or redacted):
        raise click.UsageError("--pdf and --redacted open a rendered document, not the --draft")
    if draft:
        from commresp import drafting

        path = drafting.draft_to_open(session, ref, kind, lang)
        before = files.sha256_file(path)
        edit(str(path))
        changed = files.sha256_file(path) != before
        if changed:
            click.echo(f"{clean(path)} changed; render it with 'commresp render \"{clean(ref)}\"'")
        else:
            click.echo(f"{clean(path)} unchanged")
        return
    if kind == "form":
        from commresp import enquiries

        path = enquiries.form_to_open(session, ref, agency)
    else:
        from commresp import rendering

        path = rendering.document_to_open(
            session, ref, kind, lang, fmt="pdf" if pdf else "docx", redacted=redacted
        )
    if launch(str(path)) != 0:
        raise click.ClickException(
            f"no program on this computer opens {path.suffix} files; open {path} yourself"
        )
    click.echo(f"Opened {clean(path)}")


@click.command()
@json_option
@click.pass_obj
def doctor(obj, as_json):
    """Check that this computer has what commresp needs, one line per check.

    Python, the workspace, its profile, its database (sound, and not on a network share),
    LibreOffice (for PDFs), the console's encoding and the protection of the form secret.
    Exits with code 1 if any line says "problem"; a "warning" is something that works with a
    limit (no LibreOffice: no PDFs). Nothing is changed.

    \b
    Example:
        commresp doctor
        commresp -w missions/geneva doctor --json
    """
    from commresp.maintenance import doctor as checkup

    findings = checkup.run(obj["workspace"], checkup.Probes(encoding=sys.stdout.encoding))
    problems = checkup.failed(findings)
    if as_json:
        emit_json({"ok": not problems, "checks": [f.as_dict() for f in findings]})
    else:
        for finding in findings:
            click.echo(clean(finding.line()))
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        names = ", ".join(p.check for p in problems)
        raise ProblemsFound(f"{count} ({names}); fix each as its line says")
    if not as_json:
        click.echo("Everything commresp needs is in order")


COMMANDS = [open_document, doctor]
