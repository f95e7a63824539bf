"""``commresp demo``: the worked example, end to end, and the material to try it by hand."""

from __future__ import annotations

from pathlib import Path

import click
from click_default_group import DefaultGroup

from commresp.commands import pass_session
from commresp.commands.completion import AGENCY, REF


@click.group(cls=DefaultGroup, default="run", default_if_no_args=True)
def demo() -> None:
    """Replay AL BEL 1/2025 from letter to reply, or get its material to try commresp.

    'commresp demo' (or 'commresp demo run DIRECTORY') builds a Belgian workspace and
    replays the case; 'demo letters' writes two sample incoming letters, and 'demo reply'
    plays an agency answering, for the README's tour.

    \b
    Example:
        commresp demo
        commresp demo letters
        commresp demo reply "AL BEL 1/2025" --agency federal-police
    """


@demo.command(name="run")
@click.argument(
    "directory", default="commresp-demo", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--pdf/--no-pdf", default=None, help="Make PDFs (default: when LibreOffice is installed)."
)
def demo_run(directory: Path, pdf: bool | None) -> None:
    """Replay AL BEL 1/2025 from letter to reply in a new Belgian workspace.

    Registers the letter of 22 July 2025, asks five agencies, imports their returned forms,
    drafts the note verbale GP/CC 2025/210 of 10 October 2025 and the response, renders them,
    writes the e-mail to the registry, records the reply as sent, and prints where everything
    is.

    \b
    Example:
        commresp demo
        commresp demo /tmp/al-bel-1-2025 --no-pdf
    """
    from commresp import demo as demo_run

    result = demo_run.run(directory, pdf=pdf, progress=lambda m: click.echo(f"· {m}", err=True))
    root = result.root
    click.echo(f"\nWorkspace      {root}")
    click.echo(f"Letter         correspondence/{demo_run.CASE}/incoming/{demo_run.LETTERS[0]}")
    click.echo(f"Enquiry forms  {result.forms[0].parent.relative_to(root)}/")
    click.echo(
        f"Answers        {len(result.returned)} returned forms in "
        f"{result.returned[0].parent.relative_to(root)}/, stored under "
        f"correspondence/{demo_run.CASE}/answers/"
    )
    click.echo(f"Drafts         {result.drafts[0].parent.relative_to(root)}/")
    click.echo("Documents")
    for path in result.documents:
        click.echo(f"  {path.relative_to(root)}")
    click.echo(f"E-mail         {result.email.relative_to(root)}")
    if result.untranslated:  # the French response carries the agencies' English answers
        click.echo("To translate   (before these documents can be sent)")
        for line in result.untranslated:
            click.echo(f"  {line}")
    click.echo(f'\nTry: commresp -w {root} show "{result.ref}"')


@demo.command(name="letters")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def demo_letters(directory: Path) -> None:
    """Write two sample incoming letters to try commresp on (PDF, OHCHR's layout).

    AL-BEL-1-2025.pdf is the worked example's letter of 22 July 2025 (in French,
    reconstructed from Belgium's published reply); AL-BEL-2-2026.pdf is a fictitious later
    letter in English. Both say they are specimens. Nothing is overwritten.

    \b
    Example:
        commresp demo letters
        commresp register --from-letter AL-BEL-2-2026.pdf
    """
    from commresp import demo as demo_run

    for path in demo_run.write_letters(directory):
        click.echo(str(path))


@demo.command(name="reply")
@click.argument("ref", type=REF)
@click.option("--agency", required=True, type=AGENCY, help="The agency that answers.")
@click.option(
    "--email", "as_email", is_flag=True, help="Send it back in an e-mail, the form attached."
)
@click.option(
    "-o",
    "--output",
    "directory",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to save it in (default: the current folder).",
)
@pass_session
def demo_reply(session, ref, agency, as_email, directory) -> None:
    """Play an agency: fill in its form with its answer in the worked example.

    The form 'commresp assign' sent the agency about AL BEL 1/2025 is filled in as a person
    does in Word, with what that agency answered in Belgium's reply, and saved under the
    form's own name, or in reply-from-AGENCY.eml with --email: what the agency sends back,
    ready for 'commresp answer import'.

    \b
    Example:
        commresp demo reply "AL BEL 1/2025" --agency federal-police
        commresp demo reply "AL BEL 1/2025" --agency myria --email
    """
    from commresp import demo as demo_run

    click.echo(str(demo_run.agency_reply(session, ref, agency, directory, as_email=as_email)))


COMMANDS = [demo]
