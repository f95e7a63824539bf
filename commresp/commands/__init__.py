"""The commands of ``commresp``, one module per subject, and what they share."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import click

from commresp.rules.deadlines import FIRST_DAY, LAST_DAY


def pass_session(func: Callable) -> Callable:
    """Open the workspace (lazily) and pass it as the first argument."""

    @functools.wraps(func)
    @click.pass_obj
    def wrapper(obj: dict, *args, **kwargs):
        from commresp.workspace.session import open_session

        return func(open_session(obj["workspace"], obj["actor"]), *args, **kwargs)

    return wrapper


def warn(message: str) -> None:
    """One ``Warning: …`` line on stderr: something the user should know, nothing failed."""
    from commresp.commands.output import clean

    click.echo(f"Warning: {clean(message)}", err=True)


def json_option(func: Callable) -> Callable:
    """``--json``: the same data as the table, as JSON for scripts."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        func
    )


# Every number an option takes is bounded, so that no value reaches SQLite's integers or
# Python's dates out of range (one "Error:" line instead of a traceback).
#: Rows of a listing.
ROWS = click.IntRange(1, 100_000)
#: Pages of a listing (at most ROWS rows each: the offset stays far inside SQLite's integers).
PAGE = click.IntRange(1, 1_000_000_000)
#: A year of a reference or a report.
YEAR = click.IntRange(FIRST_DAY.year, LAST_DAY.year)
#: A number of working days (a year of them at most).
WORKING_DAYS = click.IntRange(1, 260)
#: The id of a row in the record (far inside SQLite's integers).
ROW_ID = click.IntRange(1, 999_999_999_999)


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD, within the days commresp works with."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-07-22", param, ctx
            )
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(f"{day} must be between {FIRST_DAY} and {LAST_DAY}", param, ctx)
        return day


DATE = DateType()


def pairs_option(name: str, help_text: str) -> Callable:
    """A repeatable ``SLUG=TEXT`` option collected into a dict."""

    def convert(ctx, param, values) -> dict[str, str]:
        result: dict[str, str] = {}
        for value in values:
            slug, sep, text = value.partition("=")
            if not sep or not slug.strip() or not text.strip():
                raise click.BadParameter(f"{value!r}: write SLUG=TEXT", ctx, param)
            result[slug.strip().lower()] = text.strip()
        return result

    return click.option(name, multiple=True, metavar="SLUG=TEXT", callback=convert, help=help_text)
