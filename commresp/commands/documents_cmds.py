"""draft, render, send, mark-sent: from the answers to the documents that go out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from commresp.commands import DATE, ROW_ID, json_option, pass_session, warn
from commresp.commands.completion import REF, STATUS
from commresp.commands.output import emit_json
from commresp.rules.document_kinds import REPLY_LANGUAGES, draft_name


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    from commresp.documents.forms import read_answer_text

    return read_answer_text(path)


def _per_language(session, option: str, values: tuple[str, ...]) -> dict[str, str]:
    """``--closing FILE --closing fr=FILE``: the text of each file, by language (a file
    without ``LANG=`` is in the language the response goes out in)."""
    from commresp.rules.document_kinds import RESPONSE

    found: dict[str, str] = {}
    for value in values:
        lang, sep, name = value.partition("=")
        if not sep or lang not in REPLY_LANGUAGES:
            lang, name = session.profile.document_language(RESPONSE), value
        path = Path(name)
        if not path.is_file():
            raise click.BadParameter(f"{name!r}: no such file", param_hint=f"'{option}'")
        if lang in found:
            raise click.BadParameter(f"two files for {lang}", param_hint=f"'{option}'")
        found[lang] = _read(path)
    return found


@click.command()
@click.argument("ref", type=REF)
@click.option("--date", "on", type=DATE, help="Date of the note verbale (default: today).")
@click.option(
    "--outgoing-ref",
    metavar="REF",
    help="Use this outgoing reference (e.g. 'GP/CC 2025/210') instead of the next free number.",
)
@click.option(
    "--order", metavar="AGENCY,AGENCY,…", help="Order of the agencies' sections in the response."
)
@click.option(
    "--opening",
    multiple=True,
    metavar="[LANG=]FILE",
    help="Markdown file replacing the template's opening paragraph of the response (in the "
    "language it goes out in; fr=FILE, en=FILE, es=FILE for another). Repeatable.",
)
@click.option(
    "--closing",
    multiple=True,
    metavar="[LANG=]FILE",
    help="Markdown file replacing the template's closing paragraph, as --opening. Repeatable.",
)
@click.option(
    "--reuse",
    multiple=True,
    type=ROW_ID,
    metavar="ID",
    help="Add a paragraph of an earlier response (see 'commresp precedents'). Repeatable.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Draft even if some agencies have not answered, and over drafts edited by hand "
    "(they are kept as backups).",
)
@click.option(
    "--from-docx",
    "from_docx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read a rendered document edited in Word back into its Markdown draft "
    "(the previous draft is kept as <kind>.<lang>.vN.md).",
)
@click.option(
    "--kind",
    type=click.Choice(["note_verbale", "response"]),
    help="With --from-docx: which draft it replaces (default: from the file name).",
)
@click.option(
    "--lang",
    type=click.Choice(list(REPLY_LANGUAGES)),
    help="With --from-docx: the draft's language (default: from the file name).",
)
@click.option(
    "--accept-changes",
    is_flag=True,
    help="With --from-docx: accept the tracked changes left in the file (comments dropped).",
)
@json_option
@pass_session
def draft(
    session,
    ref,
    on,
    outgoing_ref,
    order,
    opening,
    closing,
    reuse,
    force,
    from_docx,
    kind,
    lang,
    accept_changes,
    as_json,
):
    """Write editable Markdown drafts of the note verbale and the response (FR and EN).

    The response gathers the latest answer of each agency; edit the drafts in
    correspondence/<REF>/drafts/, then run 'commresp render'.

    \b
    Example:
        commresp draft "AL BEL 1/2025" --date 2025-10-10 --outgoing-ref "GP/CC 2025/210" \\
            --order federal-police,cic,fps-justice,myria,fps-foreign-affairs
        commresp draft "AL BEL 1/2025" --closing closing.en.md --closing fr=closing.fr.md
        commresp draft "AL BEL 1/2025" --from-docx ~/Desktop/response.en.v1.docx
    """
    from commresp import drafting

    if from_docx is not None:
        others = [
            name
            for name, value in (
                ("--date", on),
                ("--outgoing-ref", outgoing_ref),
                ("--order", order),
                ("--opening", opening),
                ("--closing", closing),
                ("--reuse", reuse),
                ("--force", force),
            )
            if value
        ]
        if others:
            raise click.UsageError(f"--from-docx reads a document back; leave out {others[0]}")
        read = drafting.from_docx(
            session, ref, from_docx, kind=kind, lang=lang, accept_changes=accept_changes
        )
        if read.note:
            click.echo(read.note, err=True)
        if as_json:
            emit_json(
                {
                    "kind": read.draft.kind,
                    "language": read.draft.language,
                    "path": str(read.draft.path),
                    "backup": str(read.draft.backup) if read.draft.backup else None,
                    "accepted": read.accepted if accept_changes else [],
                }
            )
            return
        backup = f" (previous draft kept in {read.draft.backup.name})" if read.draft.backup else ""
        click.echo(f"{read.draft.path}{backup}")
        return
    if kind or lang or accept_changes:
        raise click.UsageError("--kind, --lang and --accept-changes go with --from-docx")

    agencies = [a.strip() for a in order.split(",") if a.strip()] if order else None
    drafts = drafting.draft(
        session,
        ref,
        on=on,
        outgoing_ref=outgoing_ref,
        order=agencies,
        opening=_per_language(session, "--opening", opening),
        closing=_per_language(session, "--closing", closing),
        reuse=reuse,
        force=force,
    )
    if as_json:
        emit_json(
            [
                {
                    "kind": d.kind,
                    "language": d.language,
                    "path": str(d.path),
                    "backup": str(d.backup) if d.backup else None,
                    "to_translate": [_marked_json(m) for m in d.to_translate],
                }
                for d in drafts
            ]
        )
        return
    for d in drafts:
        backup = f" (your edits kept in {d.backup.name})" if d.backup else ""
        click.echo(f"{d.path}{backup}")
    # the documents that go out: which of their sections are marked to translate
    sent = session.profile.sent_languages()
    for d in drafts:
        if d.to_translate and d.language in sent:
            pairs = sorted({f"{m.source} → {m.target}" for m in d.to_translate})
            warn(
                f"{d.path.name}: {len(d.to_translate)} section"
                f"{'s' if len(d.to_translate) != 1 else ''} marked to translate "
                f"({', '.join(pairs)}): {', '.join(m.section for m in d.to_translate)}"
            )


@click.command()
@click.argument("refs", nargs=-1, metavar="[REF]...", type=REF)
@click.option(
    "--status",
    type=STATUS,
    help="Also render every communication in this state (e.g. drafted), oldest first.",
)
@click.option(
    "--lang",
    metavar="LANGS",
    help=f"Languages to render, among {','.join(REPLY_LANGUAGES)} (default: those the reply "
    "goes out in, the profile's [languages]).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also make PDFs: LibreOffice started once for all, or the unoserver named by "
    "[pdf] server in commresp.toml.",
)
@click.option(
    "--redacted",
    is_flag=True,
    help="Make the publication copy (….redacted.docx): every confidential term and "
    "||marked|| text hidden, the file checked for leaks (see 'commresp confidential').",
)
@click.option(
    "--bar", "style", flag_value="bar", help="With --redacted: hide with a black bar (default)."
)
@click.option("--text", "style", flag_value="text", help="With --redacted: hide with [redacted].")
@click.option("--force", is_flag=True, help="Render a reply already sent (a new version; audited).")
@json_option
@pass_session
def render(session, refs, status, lang, pdf, redacted, style, force, as_json):
    """Render the drafts into new versions of the .docx (and PDF) documents.

    Each run makes a new version (note_verbale.fr.v2.docx…); none is overwritten.
    ||Marked|| text shows without its bars; --redacted hides it, for publication.
    Several references (or --status) render each in its own transaction, with a progress
    bar on a terminal; their PDFs are made in one LibreOffice run. A communication whose
    PDF fails is left as it was and named; the others are kept (exit code 1).
    With [pdf] server = "127.0.0.1:2003" in commresp.toml, a running unoserver makes the
    PDFs: start one with 'unoserver --interface 127.0.0.1 --port 2003' (pip install
    unoserver, in a Python with LibreOffice's uno module, e.g. Debian's python3-uno).

    \b
    Example:
        commresp render "AL BEL 1/2025" --pdf
        commresp render "AL BEL 1/2025" --lang fr
        commresp render "AL BEL 1/2025" --lang en --redacted --pdf
        commresp render "AL MEX 3/2025" --lang es,en
        commresp render "AL BEL 1/2025" "UA BEL 2/2025" --lang en
        commresp render --status drafted --pdf
    """
    from commresp import rendering

    if style and not redacted:
        raise click.UsageError(f"--{style} goes with --redacted")
    if not refs and not status:
        raise click.UsageError("name at least one REF, or --status (e.g. --status drafted)")
    chosen = list(refs) + (rendering.refs_with_status(session, status) if status else [])
    with click.progressbar(
        length=len(chosen),
        label="Rendering",
        file=sys.stderr,
        hidden=len(chosen) < 2 or not sys.stderr.isatty(),
    ) as bar:
        batch = rendering.render_many(
            session,
            chosen,
            langs=lang.split(",") if lang is not None else None,
            pdf=pdf,
            redacted=redacted,
            style=style or "bar",
            force=force,
            progress=lambda done, total: bar.update(1),
        )
    results = batch.rendered
    for note in dict.fromkeys(r.note for r in results if r.note):
        click.echo(note, err=True)
    if as_json:
        emit_json(
            [
                {
                    "kind": r.kind,
                    "language": r.language,
                    "version": r.version,
                    "docx": str(r.docx),
                    "pdf": str(r.pdf) if r.pdf else None,
                    "redacted": r.redacted,
                    "untranslated": [_marked_json(m) for m in r.untranslated],
                    "markers_left": [_marked_json(m) for m in r.marked if not m.untranslated],
                }
                for r in results
            ]
        )
    else:
        for r in results:
            click.echo(str(r.docx))
            if r.pdf:
                click.echo(str(r.pdf))
    # one line per marked section: what is still to translate, and markers no longer needed
    for r in results:
        for m in r.marked:
            where = f"drafts/{draft_name(r.kind, r.language)}"
            hint = f": translate it in {where}" if m.untranslated else ""
            warn(f"{r.docx.name}: {m.describe()}{hint}")
    if batch.failed:
        from commresp.errors import DocumentError

        for message in batch.failed[:-1]:
            click.echo(f"Error: {message}", err=True)
        raise DocumentError(batch.failed[-1])


def _marked_json(marked) -> dict:
    return {"section": marked.section, "from": marked.source, "to": marked.target}


@click.command()
@click.argument("ref", type=REF)
@click.option(
    "--allow-untranslated",
    is_flag=True,
    help="Attach documents that still have sections in another language (recorded).",
)
@pass_session
def send(session, ref, allow_untranslated):
    """Write the e-mail to the OHCHR registry with the latest documents attached.

    The .eml opens as a draft in your mail client; after sending it, run 'commresp
    mark-sent'. A document with sections not yet translated is refused (see 'render').

    \b
    Example:
        commresp send "AL BEL 1/2025"
    """
    from commresp import rendering

    click.echo(str(rendering.send(session, ref, allow_untranslated=allow_untranslated)))


@click.command(name="mark-sent")
@click.argument("ref", type=REF)
@click.option("--on", type=DATE, help="Date it was sent (default: today).")
@json_option
@pass_session
def mark_sent(session, ref, on, as_json):
    """Record that the reply was sent to the registry.

    \b
    Example:
        commresp mark-sent "AL BEL 1/2025" --on 2025-10-10
    """
    from commresp import rendering

    result = rendering.mark_sent(session, ref, on=on)
    if as_json:
        emit_json(result)
    else:
        click.echo(f"{result['ref']} sent on {result['sent_on']}")


@click.command(name="mark-published")
@click.argument("ref", type=REF)
@click.option("--on", type=DATE, help="Date OHCHR published it (default: today).")
@json_option
@pass_session
def mark_published(session, ref, on, as_json):
    """Record that OHCHR published the communication and the reply.

    \b
    Example:
        commresp mark-published "AL BEL 1/2025" --on 2025-11-20
    """
    from commresp import communications

    result = communications.mark_published(session, ref, on=on)
    if as_json:
        emit_json(result)
    else:
        click.echo(f"{result['ref']} published on {result['published_on']}")


COMMANDS = [draft, render, send, mark_sent, mark_published]
