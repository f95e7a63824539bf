"""confidential: the terms hidden in the published copy of a reply."""

from __future__ import annotations

import click

from commresp.commands import json_option, pass_session
from commresp.commands.completion import REF
from commresp.commands.output import clean, emit_json, table


@click.command()
@click.argument("ref", type=REF)
@click.option(
    "--add",
    "added",
    multiple=True,
    metavar="TERM",
    help="Hide this term (a name, a number, a phrase) in the published copy. Repeatable.",
)
@click.option(
    "--remove",
    "removed",
    multiple=True,
    metavar="TERM",
    help="Take this term off the list (case and accents ignored). Repeatable.",
)
@json_option
@pass_session
def confidential(session, ref, added, removed, as_json):
    """List, add or remove the terms hidden when rendering with --redacted.

    Names of victims or officials, phone numbers…: OHCHR publishes the reply 60 days after
    the letter. Every occurrence is hidden, whatever its case or accents, as a whole word or
    part of one. Text marked ||like this|| in an answer or a draft is hidden too; the list
    shows it with where it was marked.

    \b
    Example:
        commresp confidential "AL BEL 1/2025" --add "Siobhán Murphy" --add "+32 470 12 34 56"
        commresp confidential "AL BEL 1/2025" --remove "siobhan murphy"
        commresp render "AL BEL 1/2025" --lang en --redacted --pdf
    """
    from commresp import redaction

    if added or removed:
        change = redaction.update_terms(session, ref, added, removed)
        if not as_json:
            for term in change.removed:
                click.echo(f"removed: {clean(term)}", err=True)
            for term in change.added:
                click.echo(f"added: {clean(term)}", err=True)
            for term in change.already_listed:
                click.echo(f"already on the list: {clean(term)}", err=True)
    rows = redaction.listing(session, ref)
    if as_json:
        emit_json(rows)
        return
    table(
        rows,
        [("term", "Term"), ("source", "Source"), ("actor", "Added by"), ("added_at", "Added")],
    )


COMMANDS = [confidential]
