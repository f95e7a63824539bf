"""The team's server: roles and permissions, checked against PostgreSQL itself.

These tests need a PostgreSQL server on which the test user may create databases and roles
(``COMMRESP_TEST_DATABASE_URL``, which ``.ci/run`` sets for its PostgreSQL pass); without one
they are skipped.  Each gets a database of its own, set up with ``commresp server init``, and
members whose names start with that database's, all dropped at the end.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from commresp.rules.roles import ROLES
from commresp.store import postgres_roles
from commresp.workspace import session as sessions

SERVER = os.environ.get("COMMRESP_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not SERVER, reason="needs COMMRESP_TEST_DATABASE_URL")

REF = "AL BEL 1/2025"
_numbers = itertools.count()


def _url(database: str, login: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(SERVER)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if login:
        netloc = f"{login}{':' + password if password else ''}@{netloc}"
    elif "@" in parts.netloc:
        netloc = parts.netloc
    return parts._replace(netloc=netloc, path=f"/{database}").geturl()


class Team:
    """A database set up by ``server init`` and a way to add members and their folders."""

    def __init__(self, runner, tmp_path: Path) -> None:
        import psycopg

        self.psycopg = psycopg
        self.runner, self.tmp_path = runner, tmp_path
        self.database = f"team_{os.getpid()}_{next(_numbers)}"
        self.admin = psycopg.connect(SERVER, autocommit=True)
        self.admin.execute(f"drop database if exists {self.database} with (force)")
        self.admin.execute(f"create database {self.database}")
        self.owner_url = _url(self.database)
        self.passwords: dict[str, str] = {}

    def run(self, *args: str, code: int = 0):
        from commresp.cli import cli

        result = self.runner.invoke(cli, list(args))
        assert result.exit_code == code, (args, result.output, result.exception)
        return result

    def add(self, name: str, role: str) -> str:
        login = f"{self.database}_{name}"
        out = self.run("server", "add-user", login, "--role", role, "--url", self.owner_url)
        password = out.stdout.split("Password")[1].split()[0]
        self.passwords[name] = password
        return login

    def url(self, name: str) -> str:
        return _url(self.database, f"{self.database}_{name}", self.passwords[name])

    def folder(self, name: str) -> Path:
        """A member's own workspace folder on the team's record."""
        root = self.tmp_path / name
        self.run("init", str(root), "--profile", "belgium", "--database-url", self.url(name))
        return root

    def sql(self, statement: str, params=()) -> list[tuple]:
        with self.psycopg.connect(self.owner_url, autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def close(self) -> None:
        self.admin.execute(f"drop database if exists {self.database} with (force)")
        logins = [
            r[0]
            for r in self.admin.execute(
                "select rolname from pg_roles where rolname like %s", [self.database + "\\_%"]
            )
        ]
        for login in sorted(logins, key=lambda n: n.endswith(ROLES)):  # members first
            self.admin.execute(f"drop role if exists {login}")
        self.admin.close()


@pytest.fixture
def team(runner, tmp_path, monkeypatch):
    monkeypatch.delenv(sessions.ENV_DATABASE_URL, raising=False)  # each folder says its own
    made = Team(runner, tmp_path)
    # the owner makes the record (the Belgian catalogs), then its roles
    made.run(
        "init", str(tmp_path / "owner"), "--profile", "belgium", "--database-url", made.owner_url
    )
    made.run("server", "init", made.owner_url)
    yield made
    made.close()


def test_init_makes_the_five_roles_and_grants_every_table(team):
    groups = {r[0] for r in team.sql("select rolname from pg_roles where rolname like 'team%%'")}
    assert {postgres_roles.group(team.database, role) for role in ROLES} <= groups
    tables = {r[0] for r in team.sql("select tablename from pg_tables where schemaname='public'")}
    granted = {t for writes in postgres_roles.WRITES.values() for t in writes}
    # every table is written by some role, read-only for all, or the migrations' own
    assert tables - granted - set(postgres_roles.APPEND_ONLY) == {"_sqlite_migrations"}
    # run again (after an upgrade): the same, nothing duplicated
    team.run("server", "init", team.owner_url)


def test_members_and_their_roles(team):
    team.add("marie", "drafter")
    team.add("hom", "approver")
    listed = team.run("server", "members", "--url", team.owner_url).stdout.split("\n")
    rows = [line.split() for line in listed if line.strip()]
    assert rows == [[f"{team.database}_hom", "approver"], [f"{team.database}_marie", "drafter"]]
    again = team.run(
        "server", "add-user", f"{team.database}_marie", "--role", "reader",
        "--url", team.owner_url, code=2,
    )  # fmt: skip
    assert again.stderr.strip().endswith("is already a login on this server; choose another name")


def test_a_reader_can_read_and_the_server_refuses_their_writes(team):
    team.add("marie", "drafter")
    team.add("guest", "reader")
    marie = team.folder("marie")
    team.run("-w", str(marie), "register", REF, "--date", "2025-07-22", "--mandate", "trafficking")
    guest = team.folder("guest")
    shown = team.run("-w", str(guest), "show", REF, "--json").stdout
    assert REF in shown
    before = team.sql("select count(*) from events")
    refused = team.run(
        "-w", str(guest), "register", "UA BEL 2/2025", "--date", "2025-07-22",
        "--mandate", "trafficking", code=1,
    )  # fmt: skip
    line = refused.stderr.strip()
    assert "\n" not in line and "Traceback" not in refused.output
    assert line.startswith("Error: the server refused") and "reader" in line
    assert team.sql("select ref from communications") == [(REF,)]
    assert team.sql("select count(*) from events") == before


def test_the_actor_is_the_login_whatever_the_client_says(team):
    team.add("marie", "drafter")
    marie = team.folder("marie")
    team.run(
        "-w", str(marie), "--actor", "someone-else", "register", REF, "--date", "2025-07-22",
        "--mandate", "trafficking",
    )  # fmt: skip
    actors = team.sql("select actor from events where action = 'register'")
    assert actors == [(f"{team.database}_marie",)]


def test_nobody_can_change_or_delete_an_event(team):
    team.add("marie", "drafter")
    marie = team.folder("marie")
    team.run("-w", str(marie), "register", REF, "--date", "2025-07-22", "--mandate", "trafficking")
    psycopg = team.psycopg
    for url in (team.url("marie"), team.owner_url):  # a member, and the owner itself
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in ("update events set actor = 'x'", "delete from events"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("truncate events")
    assert team.sql("select count(*) from events where actor = 'x'") == [(0,)]


def test_only_an_approver_can_approve(team):
    team.add("marie", "drafter")
    team.add("hom", "approver")
    marie = team.folder("marie")
    run = team.run
    run("-w", str(marie), "register", REF, "--date", "2025-07-22", "--mandate", "trafficking")
    run("-w", str(marie), "draft", REF, "--date", "2025-07-31", "--force")
    run("-w", str(marie), "render", REF)
    run("-w", str(marie), "submit", REF)
    # the profile names no approvers: the client would let marie approve; the server does not
    refused = run("-w", str(marie), "approve", REF, code=1)
    assert "only an approver may approve a reply" in refused.stderr
    assert team.sql("select status from communications") == [("for_clearance",)]
    with team.psycopg.connect(team.url("marie"), autocommit=True) as conn:
        with pytest.raises(team.psycopg.errors.InsufficientPrivilege):
            conn.execute("update clearances set outcome = 'approved'")
    hom = team.folder("hom")
    run("-w", str(hom), "approve", REF)
    assert team.sql("select decided_by, outcome from clearances") == [
        (f"{team.database}_hom", "approved")
    ]


def test_bad_member_names_and_roles_are_refused_before_the_server_is_asked(team):
    bad = team.run(
        "server", "add-user", "Robert'); drop table events;--", "--role", "drafter",
        "--url", team.owner_url, code=2,
    )  # fmt: skip
    assert "is not a plain PostgreSQL name" in bad.stderr
    assert team.sql("select count(*) from pg_roles where rolname like 'robert%%'") == [(0,)]


def test_server_import_of_the_demo_workspace(runner, tmp_path, monkeypatch):
    monkeypatch.delenv(sessions.ENV_DATABASE_URL, raising=False)
    team = Team(runner, tmp_path)
    try:
        demo = tmp_path / "demo"
        team.run("demo", str(demo), "--no-pdf")
        team.run("server", "init", team.owner_url)
        out = team.run("-w", str(demo), "server", "import", team.owner_url).stdout
        assert "Verified" in out
        import sqlite3

        local = sqlite3.connect(demo / "commresp.db")
        for table in ("communications", "events", "answers", "documents", "mandates"):
            mine = local.execute(f"select count(*) from {table}").fetchone()[0]
            assert team.sql(f"select count(*) from {table}") == [(mine,)], table
        ours = local.execute("select actor, action from events order by id").fetchall()
        assert [tuple(r) for r in team.sql("select actor, action from events order by id")] == ours
        # the next id continues after the copied ones
        assert team.sql("select count(*) from communications") == [(1,)]
        again = team.run("-w", str(demo), "server", "import", team.owner_url, code=1)
        assert "is not empty (1 communications" in again.stderr
        assert team.sql("select count(*) from communications") == [(1,)]
    finally:
        team.close()
