"""The team's server: roles and permissions, checked against PostgreSQL itself.

These tests need a PostgreSQL server on which the test user may create databases and roles
(``COMMRESP_TEST_DATABASE_URL``, which ``.ci/run`` sets for its PostgreSQL pass); without one
they are skipped.  Each gets a database of its own, set up with ``commresp server init``, and
members whose names start with that database's, all dropped at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import docx
import pytest

from commresp.rules.roles import ROLES
from commresp.store import postgres_roles
from commresp.workspace import session as sessions
from tests.helpers import REGISTER_AL_BEL_1_2025, fill_form

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
    others = set(postgres_roles.APPEND_ONLY) | set(postgres_roles.PRIVATE)
    assert tables - granted - others == {"_sqlite_migrations"}
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


def test_a_members_folder_holds_no_form_secret_the_records_is_used(team):
    """The form secret is the record's (m011): a member's folder has no copy to guard, and
    check and doctor do not ask for one."""
    team.add("marie", "coordinator")
    root = team.folder("marie")
    assert not (root / ".commresp-secret").exists()
    team.run("-w", str(root), "register", "AL BEL 9/2025", "--date", "2025-07-22",
             "--mandate", "torture")  # fmt: skip
    team.run("-w", str(root), "assign", "AL BEL 9/2025", "--agency", "myria", "--question", "?")
    assert not (root / ".commresp-secret").exists()
    assert team.run("-w", str(root), "check").exit_code == 0
    from commresp.cli import cli

    doctor = team.runner.invoke(cli, ["-w", str(root), "doctor", "--json"])  # exit: the rest
    [secret] = [f for f in json.loads(doctor.stdout)["checks"] if f["check"] == "secret"]
    assert secret["status"] == "ok" and "the team's record keeps it" in secret["detail"]


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
    # nor may a reader see the secret that signs the forms (they could forge an answer)
    with team.psycopg.connect(team.url("guest"), autocommit=True) as conn:
        with pytest.raises(team.psycopg.errors.InsufficientPrivilege):
            conn.execute("select secret from form_secret")
    with team.psycopg.connect(team.url("marie"), autocommit=True) as conn:
        assert conn.execute("select count(*) from form_secret").fetchone() == (1,)


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


def _setup_state(team) -> list:
    """What server init sets up: the migrations, the tables' grants, the team's roles and
    memberships, the triggers, and the audit log."""
    return [
        team.sql("select name from _sqlite_migrations order by id"),
        team.sql(
            "select relname, relacl::text from pg_class "
            "where relnamespace = 'public'::regnamespace order by relname"
        ),
        team.sql(
            "select m.rolname, g.rolname from pg_auth_members a join pg_roles m on "
            "m.oid = a.member join pg_roles g on g.oid = a.roleid "
            "where g.rolname like %s order by 1, 2",
            [team.database + "\\_%"],
        ),
        team.sql("select tgname from pg_trigger where not tgisinternal order by 1"),
        team.sql("select count(*) from events"),
    ]


def test_server_init_by_a_member_is_refused_in_one_line_and_changes_nothing(team):
    login = team.add("marie", "admin")  # even an admin: only the database's owner sets it up
    before = _setup_state(team)
    refused = team.run("server", "init", team.url("marie"), code=1)
    assert refused.stderr == (
        f"Error: {login} does not own the database {team.database}; run 'commresp server "
        "init' as its owner (postgres) or a PostgreSQL superuser; nothing was changed\n"
    )
    assert _setup_state(team) == before


def _older_team(runner, tmp_path) -> tuple[Team, str]:
    """A team's record made by the commresp before this one (every migration but the last),
    with its roles and a member, as 'server init' and 'add-user' left it then."""
    from commresp import store
    from commresp.store import postgres

    team = Team(runner, tmp_path)
    old = postgres.open_connection(team.owner_url)
    try:
        store.migrate_server(old, stop_before=store.known_migrations()[-1])
        with postgres.transaction(old):
            postgres_roles.install(old)
            postgres_roles.create_member(old, f"{team.database}_marie", "drafter", "pw-marie")
    finally:
        old.close()
    team.passwords["marie"] = "pw-marie"
    return team, f"{team.database}_marie"


def test_a_member_on_a_record_to_upgrade_is_told_whom_to_ask(runner, tmp_path, monkeypatch):
    from commresp import store

    monkeypatch.delenv(sessions.ENV_DATABASE_URL, raising=False)
    team, login = _older_team(runner, tmp_path)
    try:
        older, newest = store.known_migrations()[-2:]
        before = _setup_state(team)
        expected = (
            f"Error: the server's record is at migration {older}, this commresp needs "
            f"{newest}; ask the record's owner (postgres) to run 'commresp server init URL' "
            "with their login; nothing was changed\n"
        )
        folder = tmp_path / "marie"
        joined = team.run(
            "init", str(folder), "--profile", "belgium", "--database-url", team.url("marie"),
            code=1,
        )  # fmt: skip
        assert joined.stderr == expected
        assert not folder.exists()
        assert team.run("server", "members", "--url", team.url("marie"), code=1).stderr == expected
        # a folder of marie's pointed at the record (COMMRESP_DATABASE_URL wins over its own)
        mine = tmp_path / "marie-embedded"
        team.run("init", str(mine), "--profile", "belgium")
        monkeypatch.setenv(sessions.ENV_DATABASE_URL, team.url("marie"))
        assert team.run("-w", str(mine), "list", code=1).stderr == expected
        checked = team.run("-w", str(mine), "check", code=1).stdout.splitlines()
        assert checked[0].endswith(
            f"is not up to date (pending: {newest}); only its owner (postgres) can upgrade it: "
            "ask them to run 'commresp server init URL'"
        )
        monkeypatch.delenv(sessions.ENV_DATABASE_URL)
        # nor may the member run server init on it: they do not own it
        refused = team.run("server", "init", team.url("marie"), code=1).stderr
        assert refused.startswith(f"Error: {login} does not own the database {team.database}")
        assert _setup_state(team) == before
        # the owner upgrades it; the member then joins and works
        team.run("server", "init", team.owner_url)
        assert team.sql("select name from _sqlite_migrations order by id")[-1] == (newest,)
        owner = str(tmp_path / "owner")
        team.run("init", owner, "--profile", "belgium", "--database-url", team.owner_url)
        team.folder("marie")
        team.run(
            "-w", str(folder), "register", REF, "--date", "2025-07-22", "--mandate", "trafficking"
        )
        assert team.sql("select actor from events where action = 'register'") == [(login,)]
    finally:
        team.close()


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
        # the forms the workspace sent are still accepted: the server signs with its secret
        secret = (demo / ".commresp-secret").read_text().strip()
        assert team.sql("select secret from form_secret") == [(secret,)]
        # the next id continues after the copied ones
        assert team.sql("select count(*) from communications") == [(1,)]
        again = team.run("-w", str(demo), "server", "import", team.owner_url, code=1)
        assert "is not empty (1 communications" in again.stderr
        assert team.sql("select count(*) from communications") == [(1,)]
    finally:
        team.close()


# --- the scenario: two members, two folders, one server ------------------------------


@contextlib.contextmanager
def _away(folder: Path) -> Iterator[None]:
    """A member's folder out of reach (renamed) while another member works: nothing the other
    does can read it."""
    hidden = folder.with_name(folder.name + "-away")
    folder.rename(hidden)
    try:
        yield
    finally:
        hidden.rename(folder)


def test_two_members_two_folders_one_server(team, tmp_path, monkeypatch):
    """A registers and assigns; B imports the agencies' answers and drafts; A renders. An
    approver approves (B, a drafter, is refused by the server) and A sends. B opens A's
    rendered .docx from B's own folder, and 'show' names each step's login."""
    logins = {who: team.add(who, role) for who, role in
              (("ana", "drafter"), ("ben", "drafter"), ("hom", "approver"))}  # fmt: skip
    a, b, hom = team.folder("ana"), team.folder("ben"), team.folder("hom")
    for root in (a, b, hom):  # the mission's rule, in each member's profile: no reply unapproved
        with open(root / "commresp.toml", "a", encoding="utf-8") as f:
            f.write("\n[clearance]\nrequired = true\n")
    run = team.run

    # A: register and assign
    run("-w", str(a), *REGISTER_AL_BEL_1_2025)
    run("-w", str(a), "assign", REF, "--agency", "myria", "--question", "Findings?",
        "--question", "Measures?")  # fmt: skip
    form = a / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx"
    assert form.is_file()
    # the agency fills in the form it was e-mailed, and sends it back to B
    mailbox = tmp_path / "from-myria"
    mailbox.mkdir()
    returned = fill_form(form, mailbox / form.name, [
        [("", "Myria found none of the persons named.", False)],
        [("", "Victims receive a residence permit.", False)],
    ])  # fmt: skip

    # B, without A's folder: import the answer and draft
    with _away(a):
        run("-w", str(b), "answer", "import", str(returned))
        run("-w", str(b), "draft", REF, "--date", "2025-08-01")
    assert not (b / "correspondence/AL-BEL-1-2025/out").exists()

    # A renders (from the drafts B wrote, which A's folder fills from the record) and submits
    with _away(b):
        run("-w", str(a), "render", REF)
        run("-w", str(a), "submit", REF)
    response = "correspondence/AL-BEL-1-2025/out/response.en.v1.docx"
    assert (a / response).is_file()
    assert "Myria found none of the persons named." in "\n".join(
        p.text for p in docx.Document(a / response).paragraphs
    )

    # B is a drafter: the server refuses B's approval (the profile names no approvers, so the
    # client would have let it through), and nothing changes
    before = team.sql("select status from communications"), team.sql("select count(*) from events")
    refused = run("-w", str(b), "approve", REF, code=1)
    line = refused.stderr.strip()
    assert "\n" not in line and line.startswith("Error: ")
    assert f"only an approver may approve a reply: {logins['ben']} is not one" in line
    assert team.sql("select outcome, decided_by from clearances") == [("pending", None)]
    assert (team.sql("select status from communications"),
            team.sql("select count(*) from events")) == before  # fmt: skip

    # the approver approves from a folder of their own, and A sends
    with _away(a), _away(b):
        run("-w", str(hom), "approve", REF)
    run("-w", str(a), "send", REF)  # the e-mail to the registry, the approved files attached
    run("-w", str(a), "mark-sent", REF, "--on", "2025-08-01")
    assert team.sql("select status from communications") == [("sent",)]

    # B opens A's rendered .docx from B's own folder, A's out of reach
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "xdg-open").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "xdg-open").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with _away(a):
        opened = run("-w", str(b), "open", REF, "--lang", "en").stdout
    mine = b / response
    assert opened == f"Opened {mine}\n"
    recorded = team.sql(
        "select sha256 from documents where path = %s", [response]
    )  # fmt: skip
    assert recorded == [(hashlib.sha256(mine.read_bytes()).hexdigest(),)]
    assert mine.read_bytes() == (a / response).read_bytes()
    assert "Myria found none of the persons named." in "\n".join(
        p.text for p in docx.Document(mine).paragraphs
    )

    # show: who did what, by login
    shown = json.loads(run("-w", str(b), "show", REF, "--json").stdout)
    done = {}
    for event in shown["events"]:
        done.setdefault(event["action"], set()).add(event["actor"])
    expected = {
        "register": "ana", "assign": "ana", "answer": "ben", "draft": "ben",
        "render": "ana", "submit": "ana", "approve": "hom", "send-draft": "ana",
        "mark-sent": "ana",
    }  # fmt: skip
    assert {action: done.get(action) for action in expected} == {
        action: {logins[who]} for action, who in expected.items()
    }, shown["events"]
    assert shown["clearance"]["decided_by"] == logins["hom"]
    text = run("-w", str(b), "show", REF).stdout.split("\nTimeline\n")[1]
    timeline = [line.split()[1:3] for line in text.splitlines() if line.strip()]
    assert [logins["ana"], "register"] in timeline and [logins["hom"], "approve"] in timeline


# --- backup, restore and browse of a server's record -------------------------------------------


def _case(team, folder: Path, number: int, *, render: bool = False) -> str:
    ref = f"AL BEL {number}/2025"
    team.run("-w", str(folder), "register", ref, "--date", "2025-07-22", "--mandate", "torture")
    if render:
        team.run("-w", str(folder), "draft", ref, "--date", "2025-07-31", "--force")
        team.run("-w", str(folder), "render", ref)
    return ref


def _archive(path: Path) -> tuple[dict, dict[str, bytes], Path]:
    """The manifest, the members' bytes, and the archive's record unpacked beside it."""
    import json
    import zipfile

    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("MANIFEST.json"))
        members = {n: zf.read(n) for n in zf.namelist() if n != "MANIFEST.json"}
    record = path.with_suffix(".db")
    record.write_bytes(members["commresp.db"])
    return manifest, members, record


def _new_database(team, suffix: str) -> tuple[str, str]:
    """A second, empty database for a restore, dropped with the team's."""
    name = f"{team.database}_{suffix}"
    team.admin.execute(f"drop database if exists {name} with (force)")
    team.admin.execute(f"create database {name}")
    return name, _url(name)


def _drop_database(team, name: str) -> None:
    team.admin.execute(f"drop database if exists {name} with (force)")


def _sql(url: str, statement: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(statement).fetchall()


def test_a_backup_of_a_server_record_is_consistent_while_a_member_writes(team):
    import hashlib
    import sqlite3
    import subprocess
    import sys

    team.add("marie", "drafter")
    marie = team.folder("marie")
    _case(team, marie, 1, render=True)
    owner = team.tmp_path / "owner"
    # marie keeps registering (each with its letter's file) while the owner backs up
    writer = subprocess.Popen(
        [
            sys.executable, "-c",
            "import sys\nfrom click.testing import CliRunner\nfrom commresp.cli import cli\n"
            "for n in range(100, 160):\n"
            "    r = CliRunner().invoke(cli, ['-w', sys.argv[1], 'register', f'AL BEL {n}/2025',"
            " '--date', '2025-07-22', '--mandate', 'torture'])\n"
            "    assert r.exit_code == 0, r.output\n",
            str(marie),
        ],
    )  # fmt: skip
    archives = []
    try:
        while writer.poll() is None and team.sql("select count(*) from communications") < [(3,)]:
            time.sleep(0.05)  # the writer under way before the first backup
        while writer.poll() is None and len(archives) < 6:
            archives.append(team.tmp_path / f"b{len(archives)}.zip")
            team.run("-w", str(owner), "backup", str(archives[-1]))
    finally:
        assert writer.wait(timeout=300) == 0
    for path in archives:
        manifest, members, record = _archive(path)
        assert manifest["source"]["kind"] == "server"
        assert manifest["source"]["database"] == team.database
        listed = {m["name"]: m for m in manifest["members"]}
        assert set(listed) == set(members)
        snap = sqlite3.connect(record)
        # every file the snapshot names is in the archive, with the bytes it names
        for file, digest in snap.execute("select path, sha256 from stored_files"):
            assert hashlib.sha256(members[file]).hexdigest() == digest, file
        # one moment: every communication has its register event, and nothing more
        comms = snap.execute("select count(*) from communications").fetchone()[0]
        registers = snap.execute("select count(*) from events where action='register'")
        assert registers.fetchone()[0] == comms
        snap.close()
    # the last backup, after the writer: counts equal the server's
    team.run("-w", str(owner), "backup", str(team.tmp_path / "last.zip"))
    _, _, record = _archive(team.tmp_path / "last.zip")
    snap = sqlite3.connect(record)
    for table in ("communications", "events", "stored_files", "blobs", "mandates"):
        mine = snap.execute(f"select count(*) from {table}").fetchone()[0]
        assert team.sql(f"select count(*) from {table}") == [(mine,)], table
    assert snap.execute("select count(*) from communications").fetchone()[0] == 61


def test_restore_into_an_empty_server_database(team):
    team.add("marie", "drafter")
    marie = team.folder("marie")
    ref = _case(team, marie, 1, render=True)
    archive = team.tmp_path / "team.zip"
    team.run("-w", str(marie), "backup", str(archive))
    name, url = _new_database(team, "restored")
    try:
        # a member who does not own the database: refused, nothing written
        refused = team.run(
            "restore", str(archive), str(team.tmp_path / "no"), "--database-url",
            _url(name, f"{team.database}_marie", team.passwords["marie"]), code=1,
        )  # fmt: skip
        assert refused.stderr.startswith("Error: only the owner of")
        assert len(refused.stderr.splitlines()) == 1
        assert not (team.tmp_path / "no").exists()
        assert _sql(url, "select count(*) from pg_tables where schemaname = 'public'") == [(0,)]

        restored = team.tmp_path / "restored"
        out = team.run("restore", str(archive), str(restored), "--database-url", url).stdout
        assert "every count and sha256 verified" in out and "server add-user" in out
        assert not (restored / "commresp.db").exists()
        assert not (restored / ".commresp-secret").exists()  # the record keeps it
        for table in ("communications", "events", "documents", "stored_files", "mandates"):
            assert _sql(url, f"select count(*) from {table}") == team.sql(
                f"select count(*) from {table}"
            ), table
        blobs = "select sha256, encode(sha256(data), 'hex') from blobs order by sha256"
        assert _sql(url, blobs) == team.sql(blobs)
        assert all(a == b for a, b in _sql(url, blobs))
        actions = "select actor, action from events order by id"
        assert _sql(url, actions) == team.sql(actions)
        assert _sql(url, "select secret from form_secret") == team.sql(
            "select secret from form_secret"
        )
        assert (f"{team.database}_marie", "render") in _sql(url, actions)  # not the restorer
        # the team's roles are set up in it; the restored folder works on it
        groups = _sql(url, f"select count(*) from pg_roles where rolname like '{name}\\_%%'")
        assert groups == [(len(ROLES),)]
        shown = team.run("-w", str(restored), "show", ref).stdout
        assert f"{team.database}_marie" in shown and "render" in shown
        found = team.run("-w", str(restored), "search", "torture", "--json").stdout
        assert ref in found
        docx = next((restored / "correspondence").rglob("response.en.v1.docx"))
        docx.unlink()
        team.run("-w", str(restored), "fetch", ref)
        assert docx.is_file()
        team.run("-w", str(restored), "check")
        # into a record that is not empty: refused, unchanged
        before = _sql(url, "select count(*) from events")
        again = team.run(
            "restore", str(archive), str(team.tmp_path / "again"), "--database-url", url, code=1
        )
        assert "is not empty (1 communications" in again.stderr
        assert len(again.stderr.splitlines()) == 1
        assert _sql(url, "select count(*) from events") == before
        assert not (team.tmp_path / "again").exists()
    finally:
        _drop_database(team, name)
        for role in ROLES:
            team.admin.execute(f"drop role if exists {postgres_roles.group(name, role)}")


def test_a_server_archive_restores_as_an_embedded_workspace(team):
    import tomllib

    team.add("marie", "drafter")
    marie = team.folder("marie")
    ref = _case(team, marie, 1, render=True)
    archive = team.tmp_path / "team.zip"
    stray = next((marie / "correspondence").iterdir()) / "out" / "notes.docx"
    stray.write_bytes(b"a note of marie's own")
    out = team.run("-w", str(marie), "backup", str(archive), "--json").stdout
    # what her working copy holds that the record does not: named, not archived
    assert json.loads(out)["left_out"] == [stray.relative_to(marie).as_posix()]
    restored = team.tmp_path / "embedded"
    out = team.run("restore", str(archive), str(restored)).stdout
    assert "[database] url of its commresp.toml was dropped" in out
    profile = tomllib.loads((restored / "commresp.toml").read_text())
    assert "url" not in profile.get("database", {})
    assert (restored / "commresp.db").is_file()
    # the forms already sent still check out: the secret is the record's, not the folder's
    [(secret,)] = team.sql("select secret from form_secret")
    assert (restored / ".commresp-secret").read_bytes().strip() == secret.encode()
    team.run("-w", str(restored), "check")
    assert ref in team.run("-w", str(restored), "show", ref).stdout
    # the search index was rebuilt from the rows: the letter's mandate finds it
    assert ref in team.run("-w", str(restored), "search", "torture").stdout


def test_a_readers_backup_is_refused_in_one_line_as_it_may_not_read_the_forms_secret(team):
    team.add("guest", "reader")
    archive = team.tmp_path / "guest.zip"
    refused = team.run("-w", str(team.folder("guest")), "backup", str(archive), code=1)
    line = refused.stderr
    assert line.startswith("Error: the server refused this") and "is a reader" in line
    assert len(refused.stderr.splitlines()) == 1
    assert not archive.exists() and not [p for p in team.tmp_path.iterdir() if p.name[0] == "."]


def test_a_restore_into_an_unreachable_server_is_one_line_and_writes_nothing(team):
    team.add("marie", "drafter")
    archive = team.tmp_path / "team.zip"
    team.run("-w", str(team.folder("marie")), "backup", str(archive))
    target = team.tmp_path / "nowhere"
    refused = team.run(
        "restore", str(archive), str(target), "--database-url",
        "postgresql://ana@127.0.0.1:1/commresp", code=1,
    )  # fmt: skip
    assert refused.stderr.startswith("Error: cannot reach the database server")
    assert len(refused.stderr.splitlines()) == 1 and not target.exists()
    assert not [p for p in team.tmp_path.iterdir() if p.name.startswith(".nowhere")]


def _get(ds, path):
    import asyncio

    async def go():
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(go())


def test_browse_on_a_server_serves_a_snapshot_of_what_the_login_may_read(team):
    pytest.importorskip("datasette")
    from commresp.maintenance.browse import close_snapshot, make_datasette

    team.add("marie", "drafter")
    team.add("guest", "reader")
    marie = team.folder("marie")
    ref = _case(team, marie, 1, render=True)
    guest = team.folder("guest")
    ds = make_datasette(guest)
    snapshot = ds.commresp_snapshot
    try:
        assert snapshot.path.is_file() and snapshot.database == team.database
        assert oct(snapshot.path.parent.stat().st_mode & 0o777) == "0o700"
        # a colleague's later write is not in it: it is one moment's
        _case(team, marie, 2)
        rows = _get(ds, "/commresp/communications.json?_shape=array").json()
        assert [r["ref"] for r in rows] == [ref]
        found = _get(ds, "/commresp/communications.json?_shape=array&_search=torture").json()
        assert [r["ref"] for r in found] == [ref]
        # the files' bytes and the confidential terms are not even in the snapshot
        assert "blobs" not in snapshot.tables and "confidential_terms" not in snapshot.tables
        assert _get(ds, "/commresp/blobs.json").status_code == 403
        import sqlite3

        copied = sqlite3.connect(snapshot.path)
        assert copied.execute("select count(*) from blobs").fetchone()[0] == 0
        assert copied.execute("select count(*) from stored_files").fetchone()[0] > 0
        copied.close()
        meta = _get(ds, "/-/metadata.json").json()
        assert "A snapshot of the server's record" in meta["description"]
        assert "restart browse for a newer one" in meta["description"]
    finally:
        close_snapshot(ds)
    assert not snapshot.path.exists() and not snapshot.path.parent.exists()
    # with --include-confidential, what the login may read comes too (a reader may read all)
    ds = make_datasette(guest, include_confidential=True)
    try:
        assert "blobs" in ds.commresp_snapshot.tables
        rows = _get(ds, "/commresp/communications.json?_shape=array&_sort=ref").json()
        assert [r["ref"] for r in rows] == [ref, "AL BEL 2/2025"]
    finally:
        close_snapshot(ds)
