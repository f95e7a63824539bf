"""search and precedents: find what the record already says."""

from __future__ import annotations

import click

from commresp.commands import json_option, pass_session
from commresp.commands.completion import REF
from commresp.commands.output import clean, emit_json, table


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@json_option
@pass_session
def search(session, query, limit, as_json):
    """Search communications, answers and sent responses (accents ignored).

    A communication is found by its reference, subject and summary, its mandates' titles
    and the text of its incoming letter. Every word must appear; exact phrases come first;
    each thing found is shown once, its matches [in brackets].

    \b
    Example:
        commresp search traite des êtres humains
        commresp search "national action plan" --json
    """
    from commresp import search as searching

    rows = searching.search(session, " ".join(query), limit=limit)
    if as_json:
        emit_json(rows)
    else:
        table(
            rows, [("ref", "Reference"), ("kind", "In"), ("agency", "Agency"), ("snippet", "Match")]
        )


@click.command()
@click.argument("ref", type=REF)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option(
    "--ids", is_flag=True, help="Print only the paragraphs' IDs, best first (for --reuse)."
)
@json_option
@pass_session
def precedents(session, ref, limit, ids, as_json):
    """Paragraphs of earlier responses on the same mandates or subject, best first.

    Each is shown with its ID and its own language; reuse one with 'commresp draft REF
    --reuse ID'.

    \b
    Example:
        commresp precedents "AL BEL 2/2026"
        commresp precedents "AL BEL 2/2026" --ids --limit 3
        commresp draft "AL BEL 2/2026" --reuse 12 --reuse 15
    """
    from commresp import search as searching

    rows = searching.precedents(session, ref, limit=limit)
    if as_json:
        emit_json(rows)
        return
    if ids:
        for row in rows:
            click.echo(row["id"])
        return
    if not rows:
        click.echo("(no earlier response on these mandates or this subject)")
    for row in rows:
        shared = ", ".join(row["shared_mandates"]) or "subject only"
        click.echo(
            f"#{row['id']}  from {row['ref']} ({row['language']}; {shared}; score {row['score']})"
        )
        click.echo(f"    {clean(row['text'])[:300]}")


COMMANDS = [search, precedents]
