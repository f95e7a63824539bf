"""The ``commresp`` command line: parse, call the core, print.

Commands live in ``commresp/commands/`` by subject and are registered here.  No SQL, .docx
or business rules in the command layer; heavy modules are imported inside the commands
that need them, so ``commresp --help`` and ``commresp list`` start fast.
"""

from __future__ import annotations

import errno
import sqlite3
import sys

import click

from commresp import __version__
from commresp.errors import CommrespError


class _Failure(click.ClickException):
    """A :class:`CommrespError` shown as click shows errors: one line, right exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def undecodable(text: str) -> str | None:
    """``text`` shown with its undecodable bytes as ``\\xe9``, when it has any, else None.

    Python decodes the command line with the locale's encoding, turning each byte that is not
    text in it into a lone surrogate ("surrogateescape"): such an argument cannot be stored,
    printed or written into a document."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return None
    encoding = sys.getfilesystemencoding()
    raw = text.encode(encoding, "surrogateescape")
    return raw.decode(encoding, "backslashreplace")


class CommrespGroup(click.Group):
    """Turns commresp's own errors into one line on stderr instead of a traceback."""

    def main(self, *args, **kwargs):
        from commresp.commands.output import safe_streams

        safe_streams()  # a console that cannot show "Łukasz" shows "\u0141ukasz", no traceback
        return super().main(*args, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        # Every argument of every command passes here first: refuse, in one line, what the
        # locale could not decode (a Latin-1 terminal typing into a UTF-8 system).
        for arg in args:
            shown = undecodable(arg)
            if shown is not None:
                encoding = sys.getfilesystemencoding().upper().replace("UTF8", "UTF-8")
                raise _Failure(
                    f"the argument '{shown}' holds bytes that are not text in this system's "
                    f"encoding ({encoding}); type it again in {encoding} (for a file, rename it)",
                    2,
                )
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CommrespError as exc:
            raise _Failure(str(exc), exc.exit_code) from None
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _Failure(
                    "the workspace database is busy (another commresp is writing); "
                    "nothing was changed, try again",
                    1,
                ) from None
            raise _Failure(
                f"the workspace database reported an error ({exc}); see 'commresp check'", 1
            ) from None
        except ValueError as exc:
            # the operating system refuses a NUL in a file name before commresp can look at it
            if "null byte" in str(exc) or "NUL" in str(exc):
                raise _Failure("an argument contains a NUL character; remove it", 2) from None
            raise
        except OSError as exc:
            from commresp.workspace import files

            if exc.filename and files.is_locked(exc):  # Windows: open in Word, say
                raise _Failure(files.locked_message(exc.filename, exc), 1) from None
            raise _Failure(_os_error_line(exc), 1) from None


def _os_error_line(exc: OSError) -> str:
    """One line for a file the system refused, naming the real cause."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"no space left on the disk{where}; free some space, then run the command again"
    if exc.errno == errno.EROFS:
        return f"the disk is read-only{where}; commands that change the workspace cannot run"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied{where}"
    return f"{exc.strerror or exc}{where}"


@click.group(
    name="commresp",
    cls=CommrespGroup,
    # -h as well as --help, on every command, as git, gh and sqlite-utils accept it
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="commresp")
@click.option(
    "--workspace",
    "-w",
    metavar="PATH",
    envvar="COMMRESP_WORKSPACE",
    help="Workspace folder (default: the current folder or the nearest parent with "
    "commresp.toml; also COMMRESP_WORKSPACE).",
)
@click.option(
    "--actor",
    metavar="NAME",
    envvar="COMMRESP_ACTOR",
    help="Who is acting, for the audit log (default: the profile's [actor] name, or your "
    "login; also COMMRESP_ACTOR).",
)
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, actor: str | None) -> None:
    """Answer communications from UN human-rights Special Procedures.

    Log a letter, ask national agencies for findings, collect their answers, draft the
    note verbale and the response in French, English or Spanish, render and send them.

    \b
    Example:
        commresp init --profile belgium
        commresp register "AL BEL 1/2025" --date 2025-07-22 --mandate trafficking:f
        commresp status
    """
    ctx.obj = {"workspace": workspace, "actor": actor}


def _register_commands() -> None:
    from commresp.commands import (
        catalog_cmds,
        clearance_cmds,
        communications_cmds,
        confidential_cmds,
        demo_cmds,
        desktop_cmds,
        documents_cmds,
        enquiries_cmds,
        letterhead_cmds,
        maintenance_cmds,
        reports_cmds,
        search_cmds,
        server_cmds,
        workspace_cmds,
    )

    for module in (
        workspace_cmds,
        communications_cmds,
        enquiries_cmds,
        documents_cmds,
        desktop_cmds,
        clearance_cmds,
        letterhead_cmds,
        confidential_cmds,
        search_cmds,
        reports_cmds,
        catalog_cmds,
        demo_cmds,
        maintenance_cmds,
        server_cmds,
    ):
        for command in module.COMMANDS:
            cli.add_command(command)


def _register_completion() -> None:
    from click.shell_completion import add_completion_class

    from commresp.commands.completion import Bash

    add_completion_class(Bash, "bash")


_register_commands()
_register_completion()
