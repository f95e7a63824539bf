"""submit, approve, return: the reply cleared before it goes out."""

from __future__ import annotations

import click

from commresp.commands import json_option, pass_session
from commresp.commands.completion import REF
from commresp.commands.output import emit_json


def _report(result: dict, as_json: bool, line: str) -> None:
    if as_json:
        emit_json(result)
    else:
        click.echo(line)


@click.command()
@click.argument("ref", type=REF)
@click.option("--to", "to", metavar="NAME", help="Who is asked to clear it (e.g. the ambassador).")
@json_option
@pass_session
def submit(session, ref, to, as_json):
    """Submit the rendered reply for clearance (drafted → for clearance).

    \b
    Example:
        commresp submit "AL BEL 1/2025" --to "Ambassador"
    """
    from commresp import clearance

    result = clearance.submit(session, ref, to=to)
    _report(
        result, as_json, f"{result['ref']} submitted for clearance" + (f" to {to}" if to else "")
    )


@click.command()
@click.argument("ref", type=REF)
@json_option
@pass_session
def approve(session, ref, as_json):
    """Approve the reply as rendered: records you, the time and each file's sha256.

    Only these files, byte for byte, can then be sent; a new render voids the approval.
    Run it as the approver (COMMRESP_ACTOR or --actor before the command).

    \b
    Example:
        commresp approve "AL BEL 1/2025"
    """
    from commresp import clearance

    result = clearance.approve(session, ref)
    files = result["clearance"]["files"]
    _report(result, as_json, f"{result['ref']} approved by {session.actor} ({len(files)} files)")


@click.command(name="return")
@click.argument("ref", type=REF)
@click.option("--reason", required=True, metavar="TEXT", help="What to change (shown in 'show').")
@json_option
@pass_session
def return_(session, ref, reason, as_json):
    """Return the reply to the drafter with comments (back to drafted).

    \b
    Example:
        commresp return "AL BEL 1/2025" --reason "Shorten the Myria section"
    """
    from commresp import clearance

    result = clearance.return_for_changes(session, ref, reason=reason)
    _report(result, as_json, f"{result['ref']} returned to drafted: {reason.strip()}")


COMMANDS = [submit, approve, return_]
