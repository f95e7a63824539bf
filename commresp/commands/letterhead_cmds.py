"""letterhead: the mission's own Word letterhead."""

from __future__ import annotations

from pathlib import Path

import click

from commresp.commands import pass_session


@click.group()
def letterhead():
    """The Word letterhead every document is written into.

    \b
    Example:
        commresp letterhead import "Papier à lettre RP Genève.docx"
    """


@letterhead.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_session
def import_(session, file):
    """Use the mission's own Word letterhead (.docx) for every document from now on.

    Its headers and footers (a coat of arms in the first-page header), pictures, fonts and
    styles are kept; its body text is dropped, the styles commresp needs are added where
    missing, and the file is checked like a returned form (no macros, no linked content). It
    is stored as the workspace's templates/letterhead.docx; the profile's letterhead lines
    are then no longer written.

    \b
    Example:
        commresp letterhead import "Papier à lettre RP Genève.docx"
        commresp render "AL BEL 1/2025" --pdf
    """
    from commresp.letterhead import import_letterhead

    target = import_letterhead(session, file)
    click.echo(f"Letterhead  {target.relative_to(session.workspace.root)}")


COMMANDS = [letterhead]
