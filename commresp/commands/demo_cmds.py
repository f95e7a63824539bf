"""``commresp demo``: the worked example, end to end."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument(
    "directory", default="commresp-demo", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--pdf/--no-pdf", default=None, help="Make PDFs (default: when LibreOffice is installed)."
)
def demo(directory: Path, pdf: bool | None) -> None:
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
    click.echo(f'\nTry: commresp -w {root} show "{result.ref}"')


COMMANDS = [demo]
