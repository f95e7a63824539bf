"""server: the team's record on a PostgreSQL server, its roles and its members."""

from __future__ import annotations

from pathlib import Path

import click

from commresp.commands import pass_session
from commresp.rules.roles import MAY, ROLES


def _url(obj: dict, url: str | None) -> str:
    """``--url``, else the workspace's (``COMMRESP_DATABASE_URL`` or ``[database] url``)."""
    if url:
        return url
    from commresp.errors import WorkspaceError
    from commresp.workspace.session import open_session

    try:
        configured = open_session(obj["workspace"], obj["actor"]).database_url
    except WorkspaceError:  # no workspace here: say what to give instead
        configured = None
    if not configured:
        raise click.UsageError(
            "give the server's URL with --url (or set COMMRESP_DATABASE_URL, or [database] url "
            "in commresp.toml)"
        )
    return configured


_URL_OPTION = click.option(
    "--url",
    metavar="URL",
    help="The server's database (default: the workspace's [database] url, or "
    "COMMRESP_DATABASE_URL).",
)


@click.group()
def server():
    """The team's record on a PostgreSQL server: set it up, add members.

    \b
    Example:
        commresp server init postgresql://commresp@db.mission.example/commresp
        commresp server add-user marie_dupont --role drafter
    """


@server.command("init")
@click.argument("url")
def init(url):
    """Set up a PostgreSQL database as the team's record: schema, roles, grants.

    Run it once, as the database's owner, on an empty database created for commresp (the
    server's administrator makes it: 'createdb -O OWNER commresp'). It builds the schema, creates
    the five roles (reader, coordinator, drafter, approver, admin) as PostgreSQL group roles
    with their grants, and makes the server itself keep the audit log append-only, record each
    event under its member's login, and accept approvals from approvers only. Run it again
    after upgrading commresp: it migrates and grants the new tables.

    \b
    Example:
        commresp server init postgresql://commresp@db.mission.example/commresp
    """
    from commresp import server as team

    setup = team.init(url)
    click.echo(f"Record      {setup.database}: {len(setup.tables)} tables")
    click.echo(f"Roles       {', '.join(setup.groups)}")
    click.echo("Next: commresp server add-user NAME --role ROLE --url URL, for each member")


@server.command("add-user")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="What the member may do: "
    + "; ".join(f"{role}: {what}" for role, what in MAY.items())
    + " (each role may also do all the ones before it).",
)
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the member's password from this file (first line) instead of generating one.",
)
@click.option(
    "--no-password",
    is_flag=True,
    help="Create the login without a password (the server authenticates by certificate, "
    "Kerberos or its own rules).",
)
@_URL_OPTION
@click.pass_obj
def add_user(obj, name, role, password_file, no_password, url):
    """Add a member of the team: a PostgreSQL login with one role.

    A password is generated and shown once, unless given with --password-file. The member
    then sets [database] url in their own workspace's commresp.toml (or
    COMMRESP_DATABASE_URL) with their name and password. Agency contacts are never members:
    they answer by returning their form.

    \b
    Example:
        commresp server add-user marie_dupont --role drafter
        commresp server add-user hom --role approver --password-file hom.txt
    """
    from commresp import server as team
    from commresp.workspace.files import read_text

    if password_file and no_password:
        raise click.UsageError("give --password-file or --no-password, not both")
    password = None
    if password_file:
        password = (read_text(password_file).splitlines() or [""])[0].strip()
        if not password:
            raise click.BadParameter("the file's first line is empty", param_hint="--password-file")
    member = team.add_user(_url(obj, url), name, role, password=password, generate=not no_password)
    click.echo(f"Member      {member.name} ({member.role}) in {member.database}")
    if member.password:
        click.echo(f"Password    {member.password}   (shown once: give it to {member.name})")


@server.command("members")
@_URL_OPTION
@click.pass_obj
def members(obj, url):
    """List the team's members and their roles.

    \b
    Example:
        commresp server members
    """
    from commresp import server as team

    for member in team.members(_url(obj, url)):
        click.echo(f"{member['name']:<24} {member['role']}")


@server.command("import")
@click.argument("url")
@pass_session
def import_(session, url):
    """Copy this workspace's record into an empty team server, verified.

    Every row and every stored file's bytes are copied in one transaction on the server, which
    is committed only once each table's count and each file's sha256 agree; the workspace
    itself is left as it is. Run it as the database's owner, after 'commresp server init'. It
    refuses a server whose record is not empty (so running it twice changes nothing).

    \b
    Example:
        commresp server init postgresql://commresp@db.mission.example/commresp
        commresp server import postgresql://commresp@db.mission.example/commresp
    """
    from commresp import server as team

    imported = team.import_workspace(session, url)
    total = sum(imported.copied.values())
    tables = len(imported.copied)
    click.echo(f"Copied      {total} rows of {tables} tables into {imported.database}")
    for table, count in imported.copied.items():
        click.echo(f"  {table:<24} {count}")
    click.echo(
        "Verified    every count and sha256. Next: set [database] url in commresp.toml to "
        "the server (each member with their own login)"
    )


COMMANDS = [server]
