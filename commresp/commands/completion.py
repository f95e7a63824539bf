"""Shell completion of what the record knows: references, agencies, mandates, states.

Click completes commands and options by itself; the parameter types here add the values.
Each reads the workspace the command line names (``-w``, ``COMMRESP_WORKSPACE``, or the
folders above) without migrating or writing anything, and offers nothing rather than fail.
The values are not checked here: the operations parse and check them as before.

Enable it in the shell (``eval "$(_COMMRESP_COMPLETE=bash_source commresp)"``, see README).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import click
from click.shell_completion import BashComplete, CompletionItem


@contextlib.contextmanager
def _record(ctx: click.Context) -> Iterator[object | None]:
    """The workspace database, opened read-only in effect, or None."""
    from commresp import store, workspace
    from commresp.store import postgres
    from commresp.workspace import session

    db = None
    try:
        ws = workspace.find(ctx.find_root().params.get("workspace"))
        url = session.database_url(ws.profile(), ws.root)
        if url is not None:
            db = postgres.open_connection(url)
        elif ws.db_path.is_file():
            db = store.open_unmigrated(ws.db_path)
    except Exception:  # completion must never print a traceback in the middle of a line
        db = None
    try:
        yield db
    finally:
        if db is not None:
            db.close()


def _offer(ctx: click.Context, values: Callable[[object], list[str]], incomplete: str):
    with _record(ctx) as db:
        if db is None:
            return []
        try:
            found = values(db)
        except Exception:  # an old or damaged database: no values, no noise
            return []
    start = incomplete.casefold()
    return [CompletionItem(v) for v in found if v.casefold().startswith(start)]


class _Completing(click.ParamType):
    """A string, completed from the record."""

    def convert(self, value, param, ctx):
        return value


class ReferenceType(_Completing):
    """A communication's reference, written loosely; completes to the registered ones."""

    name = "ref"

    def shell_complete(self, ctx, param, incomplete):
        from commresp import store

        with _record(ctx) as db:
            if db is None:
                return []
            try:
                refs = store.references_starting(db, incomplete)
            except Exception:
                return []
        return [CompletionItem(r) for r in refs]


class AgencyType(_Completing):
    """An agency's slug; completes to the workspace's agencies."""

    name = "slug"

    def shell_complete(self, ctx, param, incomplete):
        from commresp import store

        return _offer(ctx, lambda db: [a["slug"] for a in store.all_agencies(db)], incomplete)


class MandateType(_Completing):
    """A mandate's slug (``trafficking``, or ``trafficking:f`` where a gender may follow)."""

    name = "slug"

    def shell_complete(self, ctx, param, incomplete):
        from commresp import store

        return _offer(ctx, lambda db: [m["slug"] for m in store.all_mandates(db)], incomplete)


class StatusType(_Completing):
    """A communication's state; completes to the states of the workflow."""

    name = "state"

    def shell_complete(self, ctx, param, incomplete):
        from commresp.rules.states import STATES

        return [CompletionItem(s) for s in STATES if s.startswith(incomplete.casefold())]


REF = ReferenceType()
AGENCY = AgencyType()
MANDATE = MandateType()
STATUS = StatusType()


class Bash(BashComplete):
    """Bash inserts a completion as it is: escape the spaces of ``AL BEL 1/2025`` so that it
    stays one argument."""

    def format_completion(self, item: CompletionItem) -> str:
        value = item.value.replace(" ", "\\ ") if item.type == "plain" else item.value
        return f"{item.type},{value}"
