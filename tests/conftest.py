"""Shared fixtures: every test gets its own workspace under tmp_path and a fixed 'today'.

The plain helpers (constants, the invoker, snapshots, document builders) are in helpers.py.

The backend: with ``COMMRESP_TEST_DATABASE_URL`` set (a PostgreSQL server on which this user
may create databases, e.g. ``postgresql://postgres@/postgres?host=/tmp/pg&port=5432``), every
test runs against the server: each workspace a test makes gets a fresh database of its own,
copied from a template database migrated once per test process (``CREATE DATABASE … TEMPLATE``
takes milliseconds, a migration a second), and dropped after the test.  Tests of the embedded
file itself are marked ``sqlite_only`` and skipped there.  Without it, the embedded SQLite.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from commresp import answers, communications, enquiries
from commresp.cli import cli
from commresp.workspace import Workspace
from commresp.workspace import session as sessions
from commresp.workspace.create import create_workspace
from commresp.workspace.session import Session, open_session
from tests.helpers import REGISTER_AL_BEL_1_2025, TEST_SERVER, TODAY, Invoker


def _server_url(name: str) -> str:
    return urlsplit(TEST_SERVER)._replace(path=f"/{name}").geturl()


class _Databases:
    """Fresh databases for the tests of one process: made from a template migrated once,
    emptied after each test (TRUNCATE, the catalog rows the migrations seed put back) and
    used again; one a test changed the schema of is dropped.  Copying a template takes
    ~0.7 s, emptying one ~30 ms."""

    def __init__(self) -> None:
        import psycopg

        from commresp import store

        self.psycopg = psycopg
        self.admin = psycopg.connect(TEST_SERVER, autocommit=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"commresp_test_{worker}_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.admin.execute(f'drop database if exists "{self.template}"')
        self.admin.execute(f'create database "{self.template}"')
        store.connect(Path("unused"), url=_server_url(self.template)).close()  # migrated once
        with psycopg.connect(_server_url(self.template)) as conn:
            self.tables = [
                r[0]
                for r in conn.execute(
                    "select tablename from pg_tables where schemaname = 'public' "
                    "and tablename != '_sqlite_migrations'"
                )
            ]
            self.migrations = conn.execute("select count(*) from _sqlite_migrations").fetchone()
            self.seeded = {}
            for table in self.tables:
                cur = conn.execute(f'select * from "{table}"')
                rows = cur.fetchall()
                if rows:
                    self.seeded[table] = ([d.name for d in cur.description], rows)
        self.names = (f"{self.prefix}_{n}" for n in itertools.count())
        self.clean: list[str] = []
        self.made: list[str] = []

    def take(self) -> str:
        if self.clean:
            return _server_url(self.clean.pop())
        name = next(self.names)
        self.admin.execute(f'create database "{name}" template "{self.template}"')
        self.made.append(name)
        return _server_url(name)

    def give_back(self, url: str) -> None:
        name = urlsplit(url).path[1:]
        self.admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s",
            [name],
        )
        try:
            with self.psycopg.connect(url, autocommit=True) as conn:
                if conn.execute("select count(*) from _sqlite_migrations").fetchone() != (
                    self.migrations
                ) or sorted(
                    r[0]
                    for r in conn.execute(
                        "select tablename from pg_tables where schemaname = 'public' "
                        "and tablename != '_sqlite_migrations'"
                    )
                ) != sorted(self.tables):
                    raise LookupError("schema changed")
                with conn.transaction():
                    tables = ", ".join(f'"{t}"' for t in self.tables)
                    conn.execute(f"truncate {tables} restart identity cascade")
                    for table, (columns, rows) in self.seeded.items():
                        names = ", ".join(f'"{c}"' for c in columns)
                        marks = ", ".join(["%s"] * len(columns))
                        with conn.cursor() as cur:
                            cur.executemany(
                                f'insert into "{table}" ({names}) values ({marks})', rows
                            )
                        if "id" in columns:
                            conn.execute(
                                f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                                f'(select max(id) from "{table}"))'
                            )
        except (self.psycopg.Error, LookupError):
            self.admin.execute(f'drop database if exists "{name}" with (force)')
            return
        self.clean.append(name)

    def close(self) -> None:
        for name in [*self.made, self.template]:
            self.admin.execute(f'drop database if exists "{name}" with (force)')
        self.admin.close()


@pytest.fixture(scope="session")
def _server():
    """This process's databases on the test server, or None for the embedded SQLite.

    Which workspace uses which database is decided where commresp asks
    (``session.database_url``, patched for the whole session): a workspace under the test's
    own ``tmp_path`` gets the test's database (the first) or another fresh one, given back
    after the test; one made by a module's fixture (``tmp_path_factory``) keeps its database
    until the end.  Subprocesses see ``COMMRESP_DATABASE_URL``: the test's database."""
    if not TEST_SERVER:
        yield None
        return
    databases = _Databases()
    configured = sessions.database_url
    by_root: dict[Path, str] = {}
    state: dict = {"tmp": None, "defaults": set(), "owned": None}

    def database_url(profile, root=None):
        url = configured(profile, root)
        if url is None or url not in state["defaults"] or root is None:
            return url  # the embedded record, or a server a test chose itself
        key = Path(root).resolve()
        shared = Workspace(key).db_path.parent  # [database] path: another folder's record
        if shared != key and shared in by_root:
            return by_root[shared]
        if key not in by_root:
            mine = state["tmp"] is not None and key.is_relative_to(state["tmp"])
            if mine and url not in by_root.values():
                by_root[key] = url  # the test's own database, as its subprocesses see
            else:
                by_root[key] = databases.take()
            if mine:
                state["owned"].append(by_root[key])
        return by_root[key]

    patch = pytest.MonkeyPatch()
    patch.setattr(sessions, "database_url", database_url)
    fallback = databases.take()  # what a module's fixture sees before any test begins
    state["defaults"].add(fallback)
    patch.setenv(sessions.ENV_DATABASE_URL, fallback)

    def begin(tmp: Path, monkeypatch) -> None:
        url = databases.take()
        state.update(tmp=tmp.resolve(), owned=[url])
        state["defaults"].add(url)
        monkeypatch.setenv(sessions.ENV_DATABASE_URL, url)

    def clone(source: Path, target: Path) -> None:
        """``target`` (a copy of the workspace folder ``source``) gets a copy of its database."""
        url = database_url(None, source)
        name = next(databases.names)
        databases.admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s",
            [urlsplit(url).path[1:]],
        )
        databases.admin.execute(f'create database "{name}" template "{urlsplit(url).path[1:]}"')
        databases.made.append(name)
        by_root[Path(target).resolve()] = _server_url(name)
        state["owned"].append(_server_url(name))

    def end() -> None:
        for url in dict.fromkeys(state["owned"]):
            for root in [r for r, u in by_root.items() if u == url]:
                del by_root[root]
            state["defaults"].discard(url)
            databases.give_back(url)
        state.update(tmp=None, owned=None)

    yield begin, end, clone
    patch.undo()
    databases.close()


@pytest.fixture(autouse=True)
def backend(request, monkeypatch, tmp_path, _server) -> Iterator[str]:
    """'sqlite', or 'postgresql' with a fresh database per workspace (see ``_server``)."""
    if _server is None:
        yield "sqlite"
        return
    marker = request.node.get_closest_marker("sqlite_only")
    if marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else marker.kwargs}")
    begin, end, _clone = _server
    begin(tmp_path, monkeypatch)
    yield "postgresql"
    end()


@pytest.fixture
def copy_workspace(_server):
    """Copy a workspace folder and its record (on a server: its database too)."""

    def copy(source: Path, target: Path, **copytree) -> Path:
        shutil.copytree(source, target, **copytree)
        if _server is not None:
            _server[2](source, target)
        return target

    return copy


def pytest_runtest_setup(item):
    """Tests of the SQLite file itself are skipped on a server, before their fixtures run."""
    marker = item.get_closest_marker("sqlite_only")
    if TEST_SERVER and marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else marker.kwargs}")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test touches a real workspace, and 'today' is fixed so day counts are stable."""
    monkeypatch.delenv("COMMRESP_WORKSPACE", raising=False)
    monkeypatch.setenv("COMMRESP_TODAY", TODAY)
    monkeypatch.setenv("COMMRESP_ACTOR", "test-diplomat")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def ws(runner, tmp_path) -> Path:
    """A Belgian workspace, freshly initialised."""
    root = tmp_path / "mission"
    result = runner.invoke(cli, ["init", str(root), "--profile", "belgium"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def run(runner, ws) -> Invoker:
    return Invoker(runner, ws)


@pytest.fixture
def registered(run) -> Invoker:
    run(*REGISTER_AL_BEL_1_2025)
    return run


# --- the operations without click --------------------------------------------------------


@pytest.fixture
def session(tmp_path) -> Iterator[Session]:
    """A Belgian workspace made by the library (no click), opened as 'test-diplomat'."""
    root = tmp_path / "mission"
    create_workspace(root, profile="belgium")
    opened = open_session(str(root), "test-diplomat")
    yield opened
    opened.db.close()


@pytest.fixture
def al_bel_1(session) -> Session:
    """The session with AL BEL 1/2025 registered as the worked example has it."""
    choice = communications.MandateChoice.parse
    communications.register(
        session,
        "AL BEL 1/2025",
        letter_date=date(2025, 7, 22),
        received_on=date(2025, 7, 24),
        mandates=[choice(m) for m in ("mercenaries", "minorities", "slavery", "trafficking:f")],
        subject="Trafficking of Sri Lankan nationals into the Russian armed forces",
    )
    return session


@pytest.fixture
def al_bel_1_answered(al_bel_1) -> Session:
    """AL BEL 1/2025 asked of two agencies, each of which answered (with a footnote)."""
    enquiries.assign(
        al_bel_1,
        "AL BEL 1/2025",
        agencies=["myria", "federal-police"],
        questions=["Findings?"],
        due=date(2025, 9, 1),
    )
    answers.add(
        al_bel_1,
        "AL BEL 1/2025",
        agency="myria",
        text="**Data collection**\n\nMyria publishes a report[^1] on Siobhán's & <partners> work "
        "(€2 million).\n\n[^1]: See myria.be.",
    )
    answers.add(
        al_bel_1,
        "AL BEL 1/2025",
        agency="federal-police",
        text="No information was found[^1].\n\n[^1]: Checks of 2025.",
    )
    return al_bel_1
