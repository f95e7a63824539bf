"""report, export, browse: the record seen as figures, files and a read-only website."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from commresp.commands import YEAR, pass_session
from commresp.commands.output import clean, emit_json, table


@click.command()
@click.option(
    "--year",
    type=YEAR,
    help="Letters dated in this year (default: this year).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print the same figures as CSV rows: section,key,measure,value.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write a one-file HTML report with charts (no script, no external resources).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "fr", "es"]),
    help="Language of the HTML report (default: the profile's [languages] report, else the "
    "note verbale's language).",
)
@pass_session
def report(session, year, as_json, as_csv, html_file, lang):
    """The year's figures: letters by type and mandate, replies on time or late, agencies.

    A reply is on time when sent on or before the reply date; a communication still open
    after it is late, unanswered. Agencies' answer times run from the enquiry to the first
    revision of the answer.

    \b
    Example:
        commresp report --year 2025
        commresp report --year 2025 --json
        commresp report --year 2025 --csv > report-2025.csv
        commresp report --year 2025 --html report-2025.html
        commresp report --year 2025 --html rapport-2025.html --lang fr
    """
    if sum((as_json, as_csv, html_file is not None)) > 1:
        raise click.UsageError("choose one of --json, --csv and --html")
    from commresp.reporting import exports, figures
    from commresp.workspace import files

    data = figures.report(session, year)
    if as_json:
        emit_json(data)
    elif as_csv:
        click.echo(exports.report_csv(data), nl=False)
    elif html_file is not None:
        from commresp.reporting import html

        files.write_bytes(html_file, html.render(data, session, lang).encode("utf-8"))
        click.echo(f"Wrote {html_file}")
    else:
        _print_summary(data)


def _print_summary(data: dict) -> None:
    from commresp.reporting import figures
    from commresp.rules.language import long_date

    s = data["summary"]
    as_of = long_date(date.fromisoformat(data["as_of"]), "en")
    click.echo(f"Communications of {data['year']} (letter dates), as of {as_of}\n")
    types = ", ".join(f"{t} {c['communications']}" for t, c in data["by_type"].items())
    share = f"{round(s['on_time_share'] * 100)}% of the {s['due']} due" if s["due"] else "–"
    days = (
        f"median {s['median_days_to_reply']}, worst {s['worst_days_to_reply']}"
        if s["replied"]
        else "no reply sent yet"
    )
    lines = [
        ("Received", f"{s['communications']}" + (f" ({types})" if types else "")),
        *((figures.OUTCOME_LABELS[o], s[o]) for o in figures.OUTCOMES),
        ("On time", share),
        ("Days to reply", days),
        ("Agency enquiries open", f"{s['open_enquiries']} ({s['overdue_enquiries']} overdue)"),
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        click.echo(f"{key.ljust(width)}  {clean(value)}")
    late = [c for c in data["communications"] if c["days_late"]]
    if late:
        click.echo("\nLate")
        table(
            sorted(late, key=lambda c: -c["days_late"]),
            [
                ("ref", "Reference"),
                ("reply_due", "Reply date"),
                ("sent_on", "Sent"),
                ("days_late", "Days late"),
            ],
        )
    if data["by_mandate"]:
        click.echo("\nBy mandate")
        table(
            [{"slug": k, **v} for k, v in data["by_mandate"].items()],
            [
                ("slug", "Mandate"),
                ("communications", "Letters"),
                ("on_time", "On time"),
                ("late", "Late"),
                ("late_unanswered", figures.OUTCOME_LABELS["late_unanswered"]),
            ],
        )
    if data["agencies"]:
        click.echo("\nAgencies (days from enquiry to first answer)")
        table(
            [{"slug": k, **v} for k, v in data["agencies"].items()],
            [
                ("slug", "Agency"),
                ("enquiries", "Asked"),
                ("answered", "Answered"),
                ("median_days", "Median"),
                ("worst_days", "Worst"),
                ("open", "Open"),
                ("overdue", "Overdue"),
            ],
        )


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv", "json", "ics"]),
    required=True,
    help="xlsx (Excel, LibreOffice), csv (scripts), json: every communication with the "
    "columns of OHCHR's communications database and ours; ics: calendar of reply dates "
    "and agency due dates.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@pass_session
def export(session, fmt, output):
    """Export the record: communications as a spreadsheet, CSV or JSON, or a calendar.

    Open the .xlsx in Excel or LibreOffice: dates are dates, and no cell is ever a formula.
    The CSV (UTF-8 with BOM, every field quoted) is for scripts; text that a spreadsheet
    would run as a formula gets an apostrophe before it.

    \b
    Example:
        commresp export --format xlsx -o communications.xlsx
        commresp export --format csv -o communications.csv
        commresp export --format json > communications.json
        commresp export --format ics -o deadlines.ics
    """
    from commresp.reporting import exports
    from commresp.workspace import files

    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError("an .xlsx is not for a terminal: give -o FILE.xlsx")
    data = exports.export(session, fmt)
    if output is None:
        click.echo(data, nl=False)
    else:
        files.write_bytes(output, data)
        click.echo(f"Wrote {output}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port."
)
@click.option(
    "--include-confidential",
    is_flag=True,
    help="Also show the confidential terms (victims' names) and the audit log's details.",
)
@pass_session
def browse(session, host, port, include_confidential):
    """Browse and search the record read-only in a web browser (Datasette).

    Needs the optional extra: pip install 'commresp[browse]'. Datasette cannot change the
    database; colleagues keep working while it runs. On a team server it serves a snapshot
    of what your login may read, taken when browse starts (and removed when it stops).

    \b
    Example:
        commresp browse
        commresp browse --port 8080
    """
    from commresp.maintenance import browse as browsing

    ds = browsing.make_datasette(session.workspace, include_confidential=include_confidential)
    try:
        import uvicorn

        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(
                f"Warning: anyone who can reach {host}:{port} can read the whole record.",
                err=True,
            )
        snapshot = ds.commresp_snapshot
        what = session.workspace.db_path if snapshot is None else snapshot.database
        click.echo(f"Browsing {what} read-only at http://{host}:{port}/commresp")
        if snapshot is not None:
            click.echo(snapshot.line() + ".")
        click.echo("Press Ctrl+C to stop.")
        uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
    finally:
        browsing.close_snapshot(ds)


COMMANDS = [report, export, browse]
