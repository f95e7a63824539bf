"""Register, show, list, status, edit, close: the register of communications."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from commresp.commands import DATE, PAGE, ROWS, YEAR, json_option, pairs_option, pass_session, warn
from commresp.commands.completion import MANDATE, REF, STATUS
from commresp.commands.output import clean, emit_json, key_values, table

LIST_COLUMNS = [
    ("ref", "Reference"),
    ("letter_date", "Letter"),
    ("status", "State"),
    ("reply_due", "Reply due"),
    ("deadline", "Days left"),
    ("mandates", "Mandates"),
    ("subject", "Subject"),
]
STATUS_COLUMNS = [*LIST_COLUMNS[:5], ("late_agencies", "Late agencies"), *LIST_COLUMNS[5:]]
# On a narrow terminal (80 columns): the reference, the state and the days left stay whole,
# the subject is cut short, and the letter date, the mandates, then the reply date give way.
NARROW = {
    "keep": ("ref", "status", "deadline"),
    "cut": ("subject",),
    "optional": ("letter_date", "mandates", "reply_due"),
}


@click.command()
@click.argument("ref", required=False, type=REF)
@click.option("--date", "letter_date", type=DATE, help="Date of the letter.")
@click.option("--received", type=DATE, help="Date the mission received it (default: today).")
@click.option(
    "--mandate",
    "mandates",
    multiple=True,
    type=MANDATE,
    metavar="SLUG[:f|:m]",
    help="A mandate that signed the letter, in the letter's order; ':f'/':m' is the "
    "holder's gender (default: the holder in office on the letter's date). Repeat for each.",
)
@pairs_option("--title-fr", "The mandate's French title as the letter words it.")
@pairs_option("--title-en", "The mandate's English title as the letter words it.")
@pairs_option("--title-es", "The mandate's Spanish title as the letter words it.")
@click.option("--subject", default="", help="What the letter is about, in a few words.")
@click.option("--summary", default="", help="A short summary of the allegations.")
@click.option(
    "--letter",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The letter as received (PDF, .docx, .txt); copied to incoming/.",
)
@click.option(
    "--from-letter",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the reference, date and mandates from the letter itself (PDF, .docx, .txt), "
    "show them and ask before registering; options given override what it finds.",
)
@click.option("--yes", is_flag=True, help="With --from-letter: register without asking.")
@click.option(
    "--force",
    is_flag=True,
    help="Register a letter dated outside its reference's year (or the year before, for a "
    "letter registered in January).",
)
@json_option
@pass_session
def register(
    session,
    ref,
    letter_date,
    received,
    mandates,
    title_fr,
    title_en,
    title_es,
    subject,
    summary,
    letter,
    from_letter,
    yes,
    force,
    as_json,
):
    """Log a communication received from the Special Procedures.

    REF is the letter's reference, written loosely if you like ("al bel 1/2025",
    "AL-BEL-1-2025"). The reply date is the letter date plus the reply period of its type.
    With --from-letter, commresp reads REF, the date and the mandates (with their titles as
    the letter words them) from the letter and asks you to confirm. Each holder's gender is
    the one you give (':f'), else the one a French or Spanish letter states ("Rapporteuse",
    "Relatora"), else that of the holder in office on the letter's date.

    \b
    Example:
        commresp register "AL BEL 1/2025" --date 2025-07-22 --received 2025-07-24 \\
            --mandate mercenaries --mandate minorities --mandate slavery \\
            --mandate trafficking:f --subject "Trafficking of Sri Lankan nationals" \\
            --letter AL-BEL-1-2025.pdf
        commresp register --from-letter ~/Downloads/AL-BEL-1-2025.pdf
    """
    from commresp import communications

    choices = [communications.MandateChoice.parse(m) for m in mandates]
    if from_letter is not None:
        if letter is not None:
            raise click.UsageError("--from-letter already keeps the letter; drop --letter")
        plan = communications.plan_from_letter(
            session, from_letter, ref_text=ref, letter_date=letter_date, mandates=choices
        )
        _confirm_plan(plan, yes)
        ref, letter_date, choices, letter = plan.ref, plan.letter_date, plan.mandates, from_letter
        title_fr, title_en = {**plan.titles_fr, **title_fr}, {**plan.titles_en, **title_en}
        title_es = {**plan.titles_es, **title_es}
    elif ref is None or letter_date is None or not choices:
        raise click.UsageError("give REF, --date and at least one --mandate, or --from-letter")
    result = communications.register(
        session,
        ref,
        letter_date=letter_date,
        received_on=received,
        mandates=choices,
        titles_fr=title_fr,
        titles_en=title_en,
        titles_es=title_es,
        subject=subject,
        summary=summary,
        letter=letter,
        force=force,
    )
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"Registered {result['ref']}: reply due {result['reply_due']} ({result['deadline']})"
    )
    for warning in result["warnings"]:
        warn(warning)


def stdin_is_terminal() -> bool:
    """Whether someone can answer a question (no standard input means no silent guess)."""
    return sys.stdin.isatty()


def _confirm_plan(plan, yes: bool) -> None:
    """Show what the letter says; refuse when something is missing; ask unless --yes."""
    click.echo("Found in the letter:", err=True)
    for line in plan.found or ["nothing"]:
        click.echo(f"  {clean(line)}", err=True)
    if plan.missing:
        raise click.UsageError(
            "could not find the " + "; the ".join(plan.missing) + "; nothing was registered"
        )
    if yes:
        return
    if not stdin_is_terminal():
        raise click.UsageError("no terminal to confirm on: check the facts above and add --yes")
    if not click.confirm(f"Register {plan.ref} of {plan.letter_date}?", default=True, err=True):
        raise click.Abort()


@click.command()
@click.argument("ref", type=REF)
@json_option
@pass_session
def show(session, ref, as_json):
    """Show everything about one communication, with its timeline.

    \b
    Example:
        commresp show al-bel-1-2025 --json
    """
    from commresp import communications

    result = communications.show(session, ref)
    if as_json:
        emit_json(result)
        return
    key_values(
        [
            ("Reference", result["ref"]),
            ("State", result["status"]),
            ("Letter date", result["letter_date"]),
            ("Received", result["received_on"]),
            (
                "Reply due",
                result["reply_due"] + (f" ({result['deadline']})" if result["deadline"] else ""),
            ),
            ("Subject", result["subject"]),
            ("Outgoing ref", result["outgoing_ref"] or "-"),
            ("Letter", result["letter_files"] or "-"),
        ]
    )
    click.echo("\nMandates")
    for m in result["mandates"]:
        gender = f" ({m['holder_gender']}: {clean(m['gender_from'])})" if m["holder_gender"] else ""
        click.echo(f"  {m['position']}. {clean(m['mandate'])}{gender}")
        for lang in ("en", "fr", "es"):
            if m[f"title_{lang}"]:
                click.echo(f"     {lang}: {clean(m[f'title_{lang}'])}")
    if result.get("summary"):
        click.echo(f"\nSummary\n  {clean(result['summary'])}")
    cleared = result.get("clearance")
    if cleared:
        to = f" to {clean(cleared['submitted_to'])}" if cleared["submitted_to"] else ""
        click.echo(
            f"\nClearance\n  submitted{to} by {clean(cleared['submitted_by'])} "
            f"at {cleared['submitted_at']}"
        )
        if cleared["outcome"] != "pending":
            click.echo(
                f"  {cleared['outcome']} by {clean(cleared['decided_by'])} "
                f"at {cleared['decided_at']}"
            )
        if cleared["reason"]:
            click.echo(f"  comments: {clean(cleared['reason'])}")
        for f in cleared["files"]:
            click.echo(f"  {clean(f['name'])}  sha256 {f['sha256']}")
    click.echo("\nTimeline")
    for e in result["events"]:
        summary = event_summary(e["details"])
        click.echo(
            f"  {e['at']}  {clean(e['actor'])}  {e['action']}"
            + (f"  {clean(summary)}" if summary else "")
        )


def event_summary(details: dict, width: int = 90) -> str:
    """The short facts of an audit event for the timeline (the full record is in --json)."""
    parts = []
    for key, value in details.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            names = [str(v.get("agency") or v.get("name") or "") for v in value]
            value = ", ".join(n for n in names if n)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, dict) or value in (None, "", []) or key.endswith("sha256"):
            continue
        parts.append(f"{key.replace('_', ' ')}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command(name="list")
@click.option("--status", type=STATUS, help="Only communications in this state (e.g. enquiring).")
@click.option("--year", type=YEAR, help="Only references of this year.")
@click.option("--mandate", type=MANDATE, help="Only communications signed by this mandate.")
@click.option("--limit", type=ROWS, default=50, show_default=True, help="Rows per page.")
@click.option("--page", type=PAGE, default=1, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Every row, no paging.")
@json_option
@pass_session
def list_(session, status, year, mandate, limit, page, show_all, as_json):
    """List communications, newest letter first, a page at a time.

    \b
    Example:
        commresp list --year 2025 --mandate trafficking
        commresp list --status enquiring --json
    """
    from commresp import communications

    rows, total = communications.list_page(
        session,
        status=status,
        year=year,
        mandate=mandate,
        limit=None if show_all else limit,
        offset=0 if show_all else (page - 1) * limit,
    )
    if as_json:
        emit_json({"total": total, "page": 1 if show_all else page, "communications": rows})
        return
    table(rows, LIST_COLUMNS, **NARROW)
    if not show_all and total > len(rows):
        first = (page - 1) * limit + 1
        click.echo(
            f"{first}–{first + len(rows) - 1} of {total}; --page {page + 1} for more, "
            "--all for everything"
        )


@click.command()
@click.option(
    "--limit",
    type=ROWS,
    default=50,
    show_default=True,
    help="Show at most this many open communications.",
)
@json_option
@pass_session
def status(session, limit, as_json):
    """The dashboard: open communications, overdue first, then by reply date.

    \b
    Example:
        commresp status
        commresp status --json
    """
    from commresp import communications

    result = communications.dashboard(session, limit=limit)
    if as_json:
        emit_json(result)
        return
    click.echo(summary_line(result))
    table(result["communications"], STATUS_COLUMNS, **NARROW)


def summary_line(board: dict) -> str:
    """What is open, what of it is late, and what is done, in numbers that add up: "3
    communications as of 2026-12-01: 2 open (1 received, 1 enquiring), 1 of them late; 1 done
    (1 sent)"."""
    from commresp.rules.states import OPEN_STATES

    if not board["total"]:
        return f"No communication registered yet (as of {board['today']})"

    def parts(is_open: bool) -> str:
        counts = [
            f"{n} {state}"
            for state, n in board["by_status"].items()
            if n and (state in OPEN_STATES) == is_open
        ]
        return f" ({', '.join(counts)})" if counts else ""

    noun = "communication" if board["total"] == 1 else "communications"
    line = f"{board['total']} {noun} as of {board['today']}: "
    line += f"{board['open']} open{parts(True)}" if board["open"] else "none open"
    if board["open"]:
        line += f", {board['overdue']} of them late" if board["overdue"] else ", none late"
    return line + (f"; {board['done']} done{parts(False)}" if board["done"] else "; none done")


@click.command()
@click.argument("ref", type=REF)
@click.option("--date", "letter_date", type=DATE, help="Correct the letter date.")
@click.option("--received", type=DATE, help="Correct the date of receipt.")
@click.option("--subject", help="New subject.")
@click.option("--summary", help="New summary.")
@pairs_option("--title-fr", "Correct a mandate's French title as the letter words it.")
@pairs_option("--title-en", "Correct a mandate's English title as the letter words it.")
@pairs_option("--title-es", "Correct a mandate's Spanish title as the letter words it.")
@pairs_option("--gender", "Correct a holder's gender: SLUG=f or SLUG=m.")
@click.option("--force", is_flag=True, help="Accept a letter date outside the reference's year.")
@json_option
@pass_session
def edit(
    session,
    ref,
    letter_date,
    received,
    subject,
    summary,
    title_fr,
    title_en,
    title_es,
    gender,
    force,
    as_json,
):
    """Correct a communication; the audit log keeps the old values.

    \b
    Example:
        commresp edit "AL BEL 1/2025" --received 2025-07-23 --gender trafficking=f
    """
    from commresp import communications

    result = communications.edit(
        session,
        ref,
        changes={
            "letter_date": letter_date,
            "received_on": received,
            "subject": subject,
            "summary": summary,
        },
        titles_fr=title_fr,
        titles_en=title_en,
        titles_es=title_es,
        genders=gender,
        force=force,
    )
    if as_json:
        emit_json(result)
    else:
        click.echo(f"Updated {result['ref']}")


@click.command()
@click.argument("ref", type=REF)
@click.option("--reason", required=True, help="Why no reply is needed.")
@json_option
@pass_session
def close(session, ref, reason, as_json):
    """Close a communication that needs no reply.

    \b
    Example:
        commresp close "UA BEL 3/2025" --reason "joined to AL BEL 1/2025"
    """
    from commresp import communications

    result = communications.close(session, ref, reason=reason)
    if as_json:
        emit_json(result)
    else:
        click.echo(f"Closed {result['ref']}")


@click.command()
@click.argument("ref", type=REF)
@json_option
@pass_session
def fetch(session, ref, as_json):
    """Fill this folder's copy of a communication from the record, for reading.

    Every file commresp stored for it (letters, forms, answers, drafts, documents,
    e-mails) is written as the record holds it; a draft you edited here is kept as it is.

    \b
    Example:
        commresp fetch "AL BEL 1/2025"
    """
    from commresp import communications

    filled = communications.fetch(session, ref)
    if as_json:
        emit_json(
            [
                {"file": f.path.relative_to(session.workspace.root).as_posix(), "action": f.action}
                for f in filled
            ]
        )
        return
    for f in filled:
        if f.action != "present":
            click.echo(clean(f.line))
    done = sum(f.action in ("written", "updated", "restored") for f in filled)
    click.echo(f"{len(filled)} files on record, {done} written from the record")


COMMANDS = [register, show, list_, status, edit, close, fetch]
