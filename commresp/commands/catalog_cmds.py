"""``commresp mandates`` and ``commresp agencies``: the catalogs, searched and corrected."""

from __future__ import annotations

import click
from click_default_group import DefaultGroup

from commresp.commands import json_option, pass_session
from commresp.commands.output import emit_json, table


@click.group(cls=DefaultGroup, default="search", default_if_no_args=True)
def mandates():
    """Special Procedures mandates: search the catalog, add or correct entries.

    \b
    Example:
        commresp mandates traite
        commresp mandates add new-mandate --holder-type "Special Rapporteur" \\
            --title-en "Special Rapporteur on …" --title-fr "Rapporteur spécial sur …"
    """


@mandates.command(name="search")
@click.argument("words", nargs=-1)
@json_option
@pass_session
def mandates_search(session, words, as_json):
    """List mandates whose slug or titles contain all WORDS (accents ignored).

    \b
    Example:
        commresp mandates search slavery
    """
    from commresp import catalog, store

    rows = catalog.search(
        store.all_mandates(session.db), " ".join(words), catalog.MANDATE_SEARCH_FIELDS
    )
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [
                ("slug", "Slug"),
                ("holder_type", "Holder"),
                ("holder_gender", "G"),
                ("title_en", "Title (en)"),
                ("verified", "Verified"),
            ],
        )


def _mandate_options(func):
    for decorator in reversed(
        [
            click.option(
                "--holder-type",
                help="Special Rapporteur, Independent Expert, Working Group or Expert Mechanism.",
            ),
            click.option("--title-en", help="English title, with the holder noun."),
            click.option("--title-fr", help="French title, with the holder noun (masculine)."),
            click.option("--gender", "holder_gender", help="Current holder's gender: f or m."),
            click.option("--notes", help="Anything worth knowing."),
            click.option("--source", help="Where the titles come from."),
        ]
    ):
        func = decorator(func)
    return func


@mandates.command(name="add")
@click.argument("slug")
@_mandate_options
@json_option
@pass_session
def mandates_add(session, slug, as_json, **fields):
    """Add a mandate to this workspace's catalog.

    \b
    Example:
        commresp mandates add sr-example --holder-type "Special Rapporteur" \\
            --title-en "Special Rapporteur on an example" \\
            --title-fr "Rapporteur spécial sur un exemple"
    """
    from commresp import catalog

    missing = [k for k in ("holder_type", "title_en", "title_fr") if not fields.get(k)]
    if missing:
        raise click.UsageError("give " + ", ".join("--" + k.replace("_", "-") for k in missing))
    values = {k: (v or "") for k, v in fields.items()}
    row = catalog.add_entry(session, "mandate", slug, values)
    emit_json(row) if as_json else click.echo(f"Added mandate {slug}")


@mandates.command(name="edit")
@click.argument("slug")
@_mandate_options
@json_option
@pass_session
def mandates_edit(session, slug, as_json, **fields):
    """Correct a mandate of this workspace's catalog.

    \b
    Example:
        commresp mandates edit trafficking --gender f
    """
    from commresp import catalog

    row = catalog.edit_entry(session, "mandate", slug, fields)
    emit_json(row) if as_json else click.echo(f"Updated mandate {slug}")


@click.group(cls=DefaultGroup, default="search", default_if_no_args=True)
def agencies():
    """National agencies that enquiries go to: list, add, correct.

    \b
    Example:
        commresp agencies
        commresp agencies add federal-police --name-en "Federal Police" \\
            --name-fr "Police fédérale" --name-nl "Federale Politie" --language fr \\
            --email contact@police.example
    """


@agencies.command(name="search")
@click.argument("words", nargs=-1)
@json_option
@pass_session
def agencies_search(session, words, as_json):
    """List agencies whose slug or names contain all WORDS (accents ignored).

    \b
    Example:
        commresp agencies police
    """
    from commresp import catalog, store

    rows = catalog.search(
        store.all_agencies(session.db), " ".join(words), catalog.AGENCY_SEARCH_FIELDS
    )
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [("slug", "Slug"), ("language", "Lang"), ("name_en", "Name (en)"), ("email", "E-mail")],
        )


def _agency_options(func):
    for decorator in reversed(
        [
            click.option("--name-en", help="Name in English."),
            click.option("--name-fr", help="Name in French."),
            click.option("--name-nl", help="Name in Dutch."),
            click.option("--language", help="Working language of its forms: fr, nl or en."),
            click.option("--email", help="Contact address enquiries are sent to."),
            click.option("--notes", help="Anything worth knowing."),
        ]
    ):
        func = decorator(func)
    return func


@agencies.command(name="add")
@click.argument("slug")
@_agency_options
@json_option
@pass_session
def agencies_add(session, slug, as_json, **fields):
    """Add an agency to this workspace.

    \b
    Example:
        commresp agencies add payoke-antwerp --name-en Payoke --name-nl Payoke \\
            --language nl --email info@payoke.example
    """
    from commresp import catalog

    if not fields.get("name_en") or not fields.get("language"):
        raise click.UsageError("give at least --name-en and --language")
    values = {k: (v or "") for k, v in fields.items()}
    for key in ("name_fr", "name_nl"):
        values[key] = values[key] or values["name_en"]
    row = catalog.add_entry(session, "agency", slug, values)
    emit_json(row) if as_json else click.echo(f"Added agency {slug}")


@agencies.command(name="edit")
@click.argument("slug")
@_agency_options
@json_option
@pass_session
def agencies_edit(session, slug, as_json, **fields):
    """Correct an agency of this workspace.

    \b
    Example:
        commresp agencies edit myria --email contact@myria.example
    """
    from commresp import catalog

    row = catalog.edit_entry(session, "agency", slug, fields)
    emit_json(row) if as_json else click.echo(f"Updated agency {slug}")


COMMANDS = [mandates, agencies]
