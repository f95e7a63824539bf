"""assign, answer import/add, answers, overdue, remind: enquiries and their answers."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click

from commresp.commands import DATE, WORKING_DAYS, json_option, pass_session, warn
from commresp.commands.completion import AGENCY, REF
from commresp.commands.output import clean, emit_json, table
from commresp.rules.document_kinds import FORM_LANGUAGES, LANGUAGE_NAMES


def warn_no_address(agencies: list[str]) -> None:
    """One line for all the e-mail drafts of a command that have no To: address."""
    if len(agencies) == 1:
        warn(
            f"the e-mail draft to {agencies[0]} has no To: address (no e-mail on file): "
            "address it in your mail client, or set one with "
            f"'commresp agencies edit {agencies[0]} --email …'"
        )
    elif agencies:
        warn(
            f"{len(agencies)} e-mail drafts have no To: address (no e-mail on file for "
            f"{', '.join(agencies)}): address them in your mail client, or set one for each "
            "with 'commresp agencies edit SLUG --email …' (see 'commresp agencies --no-email')"
        )


def question_options(func: Callable) -> Callable:
    """``--question-fr``, ``--question-en``…: one option per language a form may be in
    (``FORM_LANGUAGES``), handed to the command as ``translations`` ({language: questions},
    the languages given only)."""

    @functools.wraps(func)
    def gather(*args, **kwargs):
        given = {lang: list(kwargs.pop(f"questions_{lang}")) for lang in FORM_LANGUAGES}
        return func(*args, translations={k: v for k, v in given.items() if v}, **kwargs)

    for lang in reversed(FORM_LANGUAGES):  # click lists them in the order written: fr first
        name = LANGUAGE_NAMES[lang]
        gather = click.option(
            f"--question-{lang}",
            f"questions_{lang}",
            multiple=True,
            metavar="TEXT",
            help=f"A question in {name}, asked on the {name} forms instead of --question. "
            "Repeatable.",
        )(gather)
    return gather


@click.command()
@click.argument("ref", type=REF)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    required=True,
    type=AGENCY,
    metavar="SLUG",
    help="An agency to ask (see 'commresp agencies'). Repeat for each.",
)
@click.option("--due", type=DATE, help="Due date for the answers.")
@click.option(
    "--due-in",
    type=WORKING_DAYS,
    metavar="N",
    help="Due in N working days of the mission's State (weekends and public holidays skipped).",
)
@click.option(
    "--question",
    "questions",
    multiple=True,
    metavar="TEXT",
    help="A question to the agencies. Repeat for each.",
)
@click.option(
    "--questions",
    "questions_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A text file of questions, one per line.",
)
@question_options
@json_option
@pass_session
def assign(
    session,
    ref,
    agencies,
    due,
    due_in,
    questions,
    questions_file,
    translations,
    as_json,
):
    """Ask agencies for findings: a .docx form and an e-mail draft for each.

    Without --due or --due-in the answers are due a margin of working days before the
    reply date (deadlines.agency_margin_working_days in commresp.toml). Each form is in its
    agency's language: a question (or the subject) in another language is warned about,
    and --question-fr, --question-en… give the wording for the forms in that language.

    \b
    Example:
        commresp assign "AL BEL 1/2025" --agency federal-police --agency myria \\
            --due-in 10 --question "Are the persons named known to your services?" \\
            --question-fr "Les personnes citées sont-elles connues de vos services ?"
    """
    from commresp import enquiries

    asked = list(questions)
    if questions_file is not None:
        asked += enquiries.read_questions(questions_file)
    created = enquiries.assign(
        session,
        ref,
        agencies=agencies,
        questions=asked,
        translations=translations,
        due=due,
        due_in=due_in,
    )
    if as_json:
        emit_json(created)
        return
    for item in created:
        to = item["to"] or "(no address)"
        click.echo(f"{item['agency']} ({item['language']}), due {item['due_on']}, to {to}")
        click.echo(f"  form   {item['form']}")
        click.echo(f"  e-mail {item['email']}")
    late = created[0]["days_after_reply"] if created else 0
    if late:
        warn(
            f"the answers are due {created[0]['due_on']}, {late} day{'s' if late != 1 else ''} "
            f"after the reply date ({created[0]['reply_due']}); give --due or a shorter "
            "--due-in to have them in time"
        )
    warn_no_address([item["agency"] for item in created if not item["to"]])
    # the same wording on several forms is said once, naming every agency it concerns
    said: dict[str, list[str]] = {}
    for item in created:
        for line in item["language_warnings"]:
            said.setdefault(line, []).append(item["agency"])
    for line, slugs in said.items():
        warn(f"{', '.join(slugs)}: {line}")


@click.group()
def answer():
    """Take in agencies' answers: returned forms, e-mails, or text.

    \b
    Example:
        commresp answer import ~/Downloads/enquiry-myria.fr.docx
        commresp answer add "AL BEL 1/2025" --agency myria --text "No record found."
    """


@answer.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ref", type=REF, help="Refuse forms that are not for this communication.")
@click.option("--agency", type=AGENCY, help="Refuse forms that were not sent to this agency.")
@json_option
@pass_session
def answer_import(session, paths, ref, agency, as_json):
    """Import returned forms (.docx), e-mails with the form attached (.eml), or text.

    Each form's code is checked: it must have been made by this workspace for one agency
    and one communication. Every import is a new revision; nothing is overwritten, and the
    same file twice adds nothing.

    \b
    Example:
        commresp answer import returned/*.docx
        commresp answer import reply.eml --ref "AL BEL 1/2025" --agency myria
    """
    from commresp import answers

    if len(paths) > 1 and not as_json:
        results = _with_progress(session, answers, paths, ref, agency)
    else:
        results = answers.import_files(session, list(paths), ref=ref, agency=agency)
    if as_json:
        emit_json([r.as_dict() for r in results])
        return
    for r in results:
        click.echo(f"{clean(r.source)}: {r.ref}, {r.agency}: {r.message}")


def _with_progress(session, answers, paths, ref, agency):
    with click.progressbar(
        paths, label="Importing", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        results = []
        for path in bar:
            results += answers.import_files(session, [path], ref=ref, agency=agency)
    return results


@answer.command(name="add")
@click.argument("ref", type=REF)
@click.option("--agency", type=AGENCY, required=True, help="The agency that answered.")
@click.option(
    "--file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The answer as Markdown or text (.md, .txt).",
)
@click.option("--text", help="The answer itself.")
@json_option
@pass_session
def answer_add(session, ref, agency, file, text, as_json):
    """Record an answer that came another way (letter, phone call, meeting).

    \b
    Example:
        commresp answer add "AL BEL 1/2025" --agency federal-police --file police.md
    """
    from commresp import answers

    result = answers.add(session, ref, agency=agency, file=file, text=text)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(f"{result.ref}, {result.agency}: {result.message}")


@click.command(name="answers")
@click.argument("ref", type=REF)
@json_option
@pass_session
def answers_(session, ref, as_json):
    """Every agency asked about a communication, with every revision of its answer.

    \b
    Example:
        commresp answers "AL BEL 1/2025" --json
    """
    from commresp import answers

    result = answers.list_answers(session, ref)
    if as_json:
        emit_json(result)
        return
    click.echo(f"{result['ref']} ({result['status']})")
    for enquiry in result["enquiries"]:
        click.echo(
            f"\n{enquiry['agency']} ({enquiry['language']}): {enquiry['status']}, due "
            f"{enquiry['due_on']}, {len(enquiry['revisions'])} revision(s)"
        )
        for rev in enquiry["revisions"]:
            click.echo(
                f"  revision {rev['revision']}, received {rev['received_on']} from "
                f"{clean(rev['source_file'])}"
            )
            for line in rev["text"].splitlines():
                click.echo(f"    {clean(line)}")


@click.command()
@json_option
@pass_session
def overdue(session, as_json):
    """Enquiries past their due date, with days late and whom to chase.

    These are the agencies 'commresp remind REF' writes to.

    \b
    Example:
        commresp overdue --json
    """
    from commresp import enquiries

    rows = enquiries.overdue(session)
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            [
                ("ref", "Reference"),
                ("agency", "Agency"),
                ("due_on", "Due"),
                ("days_late", "Days late"),
                ("reminders", "Reminders"),
                ("email", "Contact"),
            ],
            keep=("ref", "agency", "days_late"),
        )


@click.command()
@click.argument("ref", type=REF)
@click.option(
    "--agency",
    type=AGENCY,
    help="Only this agency (default: every agency past its due date without answering).",
)
@click.option("--dry-run", is_flag=True, help="List the reminders it would write; write nothing.")
@json_option
@pass_session
def remind(session, ref, agency, dry_run, as_json):
    """Write reminder e-mails, with the form attached again, to agencies that are late.

    An agency is late when it has not answered by its due date: the ones 'commresp overdue'
    lists. Nothing is written when none is.

    \b
    Example:
        commresp remind "AL BEL 1/2025" --dry-run
        commresp remind "AL BEL 1/2025" --agency federal-police
    """
    from commresp import enquiries

    result = enquiries.remind(session, ref, agency=agency, dry_run=dry_run)
    if as_json:
        emit_json(result)
        return
    if not result:
        from commresp.communications import parse_ref

        click.echo(
            f"No reminder due: no agency asked about {parse_ref(session, ref)} is past its due "
            "date without an answer"
        )
        return
    for item in result:
        late = f"{item['days_late']} day{'s' if item['days_late'] != 1 else ''} late"
        where = "would be written" if dry_run else f"in {item['email']}"
        to = item["to"] or "(no address)"
        click.echo(f"{item['agency']} ({late}): reminder {item['reminder']} to {to} {where}")
    warn_no_address([item["agency"] for item in result if not item["to"]])


COMMANDS = [assign, answer, answers_, overdue, remind]
