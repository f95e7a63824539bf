"""``commresp init``: create a workspace."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--profile",
    metavar="NAME",
    help="A ready mission profile: 'belgium' (Permanent Representation of Belgium, Geneva).",
)
@click.option(
    "--state",
    metavar="ISO3",
    help="Start a profile for this State (ISO 3166-1 alpha-3, e.g. CAN); check the "
    "names it writes.",
)
@click.pass_obj
def init(obj: dict, directory: Path, profile: str | None, state: str | None) -> None:
    """Create a workspace: commresp.toml, commresp.db and correspondence/.

    Refuses to touch a folder that already holds a workspace.

    \b
    Example:
        commresp init missions/geneva --profile belgium
        commresp init . --state CAN
    """
    from commresp.workspace import create

    ws = create.create_workspace(directory, profile=profile, state=state, actor=obj["actor"])
    click.echo(f"Created workspace {ws.root}")
    click.echo(f"  profile   {ws.profile_path.name}  (edit the mission's names and letterhead)")
    click.echo(f"  database  {ws.db_path.name}")
    click.echo('Next: commresp register "AL BEL 1/2025" --date 2025-07-22 --mandate SLUG …')


COMMANDS = [init]
