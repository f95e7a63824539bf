"""check, backup, restore: keeping a workspace whole and safe."""

from __future__ import annotations

from pathlib import Path

import click

from commresp.commands import json_option, pass_session
from commresp.commands.output import clean, emit_json
from commresp.commands.progress import terminal_progress
from commresp.errors import ProblemsFound


def _report(problems, root: Path, as_json: bool, done: str, **extra) -> None:
    if as_json:
        emit_json({"workspace": str(root), "problems": [p.as_dict() for p in problems], **extra})
    else:
        for problem in problems:
            click.echo(clean(problem.line()))
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise ProblemsFound(f"{count} in {root}; fix each as its line says")
    if not as_json:
        click.echo(done)


@click.command()
@click.option(
    "--restore",
    is_flag=True,
    help="First put back, from the record, every file missing or differing from it "
    "(a draft edited here is kept).",
)
@json_option
@pass_session
def check(session, restore, as_json):
    """Verify the workspace: database, recorded files, stray files, the secret.

    Lists each problem on one line (where, what, what to do) and exits with code 1 if
    there is any. Nothing is changed, unless --restore: then each file of commresp's own
    that is missing or whose bytes differ from the record is first written back from the
    bytes the record keeps. A progress bar shows on a terminal.

    \b
    Example:
        commresp check
        commresp check --restore
        commresp -w missions/geneva check --json
    """
    from commresp.maintenance import checks

    root = session.workspace.root
    restored = checks.restore_from_record(session.workspace) if restore else []
    if not as_json:
        for item in restored:
            click.echo(clean(f"{item.path}: {item.was}; put back from the record"))
    with terminal_progress() as progress:
        problems = checks.run(session.workspace, progress)
    extra = {"restored": [r.path for r in restored]} if restore else {}
    _report(problems, root, as_json, f"{root}: all in order", **extra)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--compress",
    is_flag=True,
    help="Deflate the database too: an archive about 4× smaller, made about 3× slower.",
)
@json_option
@pass_session
def backup(session, file, compress, as_json):
    """Back up the workspace into one new .zip, even while others are working.

    The archive holds a consistent copy of the database, correspondence/, commresp.toml,
    templates/ and the secret, with MANIFEST.json (sha256 of every file). It is written
    under a temporary name and never replaces an existing file. The database is stored
    as it is unless --compress. A progress bar shows on a terminal.

    On a team server, the archive is the same: the server's record as of one moment,
    as a commresp.db, and every file it names, from the record itself.

    \b
    Example:
        commresp backup ~/backups/geneva-2025-10-10.zip
        commresp backup --compress /media/usb/geneva-2025-10-10.zip
    """
    from commresp.maintenance import backups

    with terminal_progress() as progress:
        result = backups.backup(session.workspace, session.db, file, progress, compress=compress)
    if as_json:
        emit_json(result.as_dict())
        return
    for relative in result.left_out:
        click.echo(
            f"Left out {clean(relative)}: not on record in the database (see 'commresp check')",
            err=True,
        )
    what = session.workspace.root
    if result.source:
        source = result.source
        what = f"the server's record {source['database']} (as of {source['taken_at']})"
    click.echo(
        f"Backed up {what} to {result.path}: {result.members} files, "
        f"{result.size:,} bytes, migrations up to {result.migrations[-1]}"
    )


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--database-url",
    metavar="URL",
    help="Restore the record into this empty PostgreSQL database (as its owner); "
    "DIRECTORY becomes a workspace on it.",
)
@json_option
def restore(file, directory, database_url, as_json):
    """Restore a backup into a new folder, after verifying every file it holds.

    DIRECTORY must not exist or be empty. A damaged or altered archive, or one with unsafe
    file names, is refused and nothing is written. The restored workspace is then checked.
    A progress bar shows on a terminal.

    With --database-url, the record goes into that server's empty database (its owner
    only; every count and sha256 verified before it commits; the team's roles set up as
    'server init' does). Without it, a server's archive restores as an embedded workspace.

    \b
    Example:
        commresp restore ~/backups/geneva-2025-10-10.zip missions/geneva-restored
        commresp restore geneva.zip ~/geneva --database-url postgresql://admin@db.mission/commresp
    """
    from commresp.maintenance import backups

    with terminal_progress() as progress:
        result = backups.restore(file, directory, progress, database_url=database_url)
    if not as_json:
        for leftover in result.leftovers:
            click.echo(
                f"Left by an interrupted restore: {clean(str(leftover))}; delete it "
                "(unless a restore is running right now)",
                err=True,
            )
        click.echo(f"Restored {file} into {result.path}: {result.members} files")
        if result.database:
            rows = sum(result.copied.values())
            click.echo(
                f"Copied {rows} rows of {len(result.copied)} tables into {result.database}, "
                "every count and sha256 verified; its roles and grants set up"
            )
            kept = ", ".join(f"{m['name']} ({m['role']})" for m in result.logins) or "none"
            click.echo(
                f"Members are logins of the server, not in the archive (in its groups now: "
                f"{kept}); add each with 'commresp server add-user NAME --role ROLE --url URL'"
            )
        elif result.url_dropped:
            click.echo(
                "Made from a server's record, restored as an embedded workspace (commresp.db): "
                "the [database] url of its commresp.toml was dropped"
            )
    _report(
        result.problems,
        result.path,
        as_json,
        f"{result.path}: all in order",
        leftovers=[str(p) for p in result.leftovers],
    )


COMMANDS = [check, backup, restore]
