"""``commresp mandates`` and ``commresp agencies``: the catalogs, searched and corrected."""

from __future__ import annotations

import click
from click_default_group import DefaultGroup

from commresp.commands import DATE, json_option, pass_session
from commresp.commands.completion import AGENCY, MANDATE
from commresp.commands.output import clean, emit_json, key_values, table


@click.group(cls=DefaultGroup, default="search", default_if_no_args=True)
def mandates():
    """Special Procedures mandates: search the catalog, see holders, add or correct entries.

    \b
    Example:
        commresp mandates traite
        commresp mandates show country-irn
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


@mandates.command(name="show")
@click.argument("slug")
@json_option
@pass_session
def mandates_show(session, slug, as_json):
    """One mandate: its titles in English, French and Spanish, and who held it when.

    The masculine and feminine forms of each title are the ones communications take for a
    male or a female holder; the holder in office on a letter's date decides by default.

    \b
    Example:
        commresp mandates show housing
    """
    from commresp import catalog

    row = catalog.mandate_detail(session.db, slug)
    if as_json:
        emit_json(row)
        return
    key_values(
        [
            ("Mandate", row["slug"]),
            ("Holder", row["holder_type"]),
            ("Kind", row["kind"] or "-"),
            ("Country", row["country"] or "-"),
            ("Verified", row["verified"] or "-"),
        ]
    )
    click.echo("\nTitles")
    for lang, forms in row["titles"].items():
        if not forms["m"]:
            click.echo(f"  {lang}: -")
        elif forms["f"] == forms["m"]:
            click.echo(f"  {lang}: {clean(forms['m'])}")
        else:
            click.echo(f"  {lang} (m): {clean(forms['m'])}")
            click.echo(f"  {lang} (f): {clean(forms['f'])}")
    if row["holders"]:
        click.echo("\nHolders")
        table(
            row["holders"],
            [
                ("name", "Name"),
                ("gender", "G"),
                ("start_on", "From"),
                ("end_on", "To"),
                ("verified", "Verified"),
            ],
        )
    elif row["holder_type"] in ("Working Group", "Expert Mechanism"):
        click.echo(f"\nA {row['holder_type']}: its members hold it together, with no gender.")
    else:
        click.echo("\nNo holder on record; add one with 'commresp mandates holder add'.")
    if row["notes"]:
        click.echo(f"\nNotes\n  {clean(row['notes'])}")
    if row["source"]:
        click.echo(f"\nSources\n  {clean(row['source'])}")


@mandates.group(name="holder")
def mandates_holder():
    """Who held a mandate when: add a holder the catalog lacks.

    \b
    Example:
        commresp mandates holder add food --name "Jane Example" --gender f --from 2026-05-01
    """


@mandates_holder.command(name="add")
@click.argument("slug")
@click.option("--name", required=True, help="The holder's name, as OHCHR writes it.")
@click.option("--gender", required=True, help="f or m: the titles agree with it.")
@click.option("--from", "start_on", type=DATE, required=True, help="Day the holder took office.")
@click.option("--to", "end_on", type=DATE, help="Last day in office (none: still in office).")
@click.option("--source", help="Where this comes from (an OHCHR page, a resolution).")
@json_option
@pass_session
def mandates_holder_add(session, slug, name, gender, start_on, end_on, source, as_json):
    """Record that someone held a mandate from one day (to another).

    Communications registered afterwards take this holder's gender when their letter falls in
    the period; those already registered keep theirs (correct one with 'commresp edit --gender').

    \b
    Example:
        commresp mandates holder add food --name "Jane Example" --gender f --from 2026-05-01
    """
    from commresp import catalog

    row = catalog.add_holder(
        session,
        slug,
        {
            "name": name,
            "gender": gender.strip().lower(),
            "start_on": start_on,
            "end_on": end_on,
            "source": source,
        },
    )
    if as_json:
        emit_json(row)
    else:
        click.echo(f"Added {row['name']} to {slug} from {row['start_on']}")


def _mandate_options(func):
    for decorator in reversed(
        [
            click.option(
                "--holder-type",
                help="Special Rapporteur, Independent Expert, Working Group or Expert Mechanism.",
            ),
            click.option("--title-en", help="English title, with the holder noun."),
            click.option("--title-fr", help="French title, with the holder noun (masculine)."),
            click.option("--title-es", help="Spanish title, with the holder noun (masculine)."),
            click.option("--kind", help="thematic or country."),
            click.option("--country", help="For a country mandate: the State's ISO3 code."),
            click.option(
                "--gender",
                "holder_gender",
                help="Default holder gender, f or m, for letters no holder on record covers.",
            ),
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
    values["kind"] = values["kind"] or ("country" if values["country"] else "thematic")
    row = catalog.add_entry(session, "mandate", slug, values)
    emit_json(row) if as_json else click.echo(f"Added mandate {slug}")


@mandates.command(name="edit")
@click.argument("slug", type=MANDATE)
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
@click.option(
    "--no-email",
    is_flag=True,
    help="Only agencies with no e-mail address on file (their e-mail drafts have no To:).",
)
@json_option
@pass_session
def agencies_search(session, words, no_email, as_json):
    """List agencies whose slug or names contain all WORDS (accents ignored).

    \b
    Example:
        commresp agencies police
        commresp agencies --no-email
    """
    from commresp import catalog, store

    rows = catalog.search(
        store.all_agencies(session.db), " ".join(words), catalog.AGENCY_SEARCH_FIELDS
    )
    if no_email:
        rows = [r for r in rows if not (r["email"] or "").strip()]
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
            click.option("--language", help="Working language of its forms: fr, nl, en or es."),
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
@click.argument("slug", type=AGENCY)
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
