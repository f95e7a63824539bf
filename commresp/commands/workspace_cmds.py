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
    help="Start a profile for this State (ISO 3166-1 alpha-3, e.g. MEX): names, languages "
    "and holidays from commresp's table of States.",
)
@click.option(
    "--database-url",
    metavar="URL",
    help="Keep the record on the team's PostgreSQL server (postgresql://user@host/db), "
    "written to commresp.toml; the first member's init sets the server's record up, later "
    "members join it.",
)
@click.pass_obj
def init(
    obj: dict, directory: Path, profile: str | None, state: str | None, database_url: str | None
) -> None:
    """Create a workspace: commresp.toml, commresp.db and correspondence/.

    With --state, the profile is correct as it stands for that State (the mission's names in
    every language, the languages its documents go out in, its public holidays) and init
    says what the mission should still check. Refuses to touch a folder that already holds a
    workspace.

    \b
    Example:
        commresp init missions/geneva --profile belgium
        commresp init . --state MEX
        commresp init ~/geneva --profile belgium --database-url postgresql://ana@db.mission/commresp
    """
    from commresp.store import postgres
    from commresp.workspace import create, session
    from commresp.workspace.profile import checklist

    ws = create.create_workspace(
        directory, profile=profile, state=state, actor=obj["actor"], server=database_url
    )
    from commresp.rules import wording

    loaded = ws.profile()
    click.echo(f"Created workspace {ws.root} for {wording.phrase(loaded.state_name('en'), 'en')}")
    click.echo(f"  profile   {ws.profile_path.name}")
    url = session.database_url(loaded)
    click.echo(f"  database  {postgres.shown_url(url) if url else ws.db_path.name}")
    if not profile:
        click.echo(f"Check in {ws.profile_path.name}:")
        for line in checklist(loaded):
            click.echo(f"  - {line}")
    code = loaded.state_code
    click.echo(f'Next: commresp register "AL {code} 1/2025" --date 2025-07-22 --mandate SLUG …')


COMMANDS = [init]
