"""The team's record on a PostgreSQL server: choosing it, its faults, and what it must survive.

These run when the suite runs against a server (``COMMRESP_TEST_DATABASE_URL``, see
conftest.backend; ``.ci/run`` starts a throwaway cluster), against the server itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from commresp import store
from commresp.errors import WorkspaceError
from commresp.workspace import session as sessions
from tests.helpers import TEST_SERVER, record

server = pytest.mark.skipif(not TEST_SERVER, reason="needs COMMRESP_TEST_DATABASE_URL")


def _admin():
    import psycopg

    return psycopg.connect(TEST_SERVER, autocommit=True)


def _tcp_port() -> int:
    """The test server's port (its URL names it, or PostgreSQL's default)."""
    query = parse_qs(urlsplit(TEST_SERVER).query)
    return int(query.get("port", [urlsplit(TEST_SERVER).port or 5432])[0])


def _with(url: str, **parts) -> str:
    """The test server's URL with another database (``path``) or user."""
    split = urlsplit(url)
    netloc = split.netloc
    if "user" in parts:
        netloc = f"{parts['user']}@{netloc.rsplit('@', 1)[-1]}"
    return split._replace(netloc=netloc, path=parts.get("path", split.path)).geturl()


# --- choosing the backend ------------------------------------------------------------------


@pytest.mark.sqlite_only("what the embedded record loads")
def test_the_embedded_record_never_imports_psycopg(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != sessions.ENV_DATABASE_URL}
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from commresp.cli import cli\n"
        f"root = {str(tmp_path / 'mission')!r}\n"
        "r = CliRunner()\n"
        "assert r.invoke(cli, ['init', root, '--profile', 'belgium']).exit_code == 0\n"
        "assert r.invoke(cli, ['-w', root, 'list']).exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_binary')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@server
def test_the_profile_or_the_environment_chooses_the_server(run, backend):
    assert backend == "postgresql"
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    assert not (run.root / "commresp.db").exists()  # nothing of the record on this disk
    db = record(run.root)
    assert store.get_communication(db, "AL BEL 1/2025")["status"] == "received"
    assert db.dialect == "postgresql"


@server
def test_two_members_in_the_team_role_share_one_record(runner, tmp_path):
    """A role owning the database and every member's login in it (no roles per member:
    those come from 'server init', tests/test_server.py): the first member's init sets the
    empty database up, the second joins it."""
    from commresp.cli import cli

    pid = os.getpid()
    team, name = f"commresp_team_{pid}", f"commresp_team_{pid}"
    admin = _admin()
    for statement in (
        f'drop database if exists "{name}" with (force)',
        f"drop role if exists ana_{pid}",
        f"drop role if exists ben_{pid}",
        f"drop role if exists {team}",
        f"create role {team}",
        f"create role ana_{pid} login in role {team}",
        f"create role ben_{pid} login in role {team}",
        f"create database \"{name}\" owner {team} template template0 encoding 'UTF8' locale 'C'",
    ):
        admin.execute(statement)
    saved = os.environ.pop(sessions.ENV_DATABASE_URL)
    try:
        a, b = tmp_path / "ana", tmp_path / "ben"
        for root, who in ((a, f"ana_{pid}"), (b, f"ben_{pid}")):
            url = _with(_with(TEST_SERVER, path=f"/{name}"), user=who)
            url += f"&options=-c%20role%3D{team}"
            result = runner.invoke(
                cli, ["init", str(root), "--profile", "belgium", "--database-url", url]
            )
            assert result.exit_code == 0, result.output
            assert f'url = "{url}"' in (root / "commresp.toml").read_text()
            assert not (root / "commresp.db").exists()
        ok = runner.invoke(
            cli,
            [
                "-w",
                str(a),
                "register",
                "AL BEL 1/2025",
                "--date",
                "2025-07-22",
                "--mandate",
                "trafficking:f",
            ],  # fmt: skip
        )
        assert ok.exit_code == 0, ok.output
        ok = runner.invoke(
            cli,
            [
                "-w",
                str(b),
                "assign",
                "AL BEL 1/2025",
                "--agency",
                "myria",
                "--question",
                "Findings?",
            ],  # fmt: skip
        )
        assert ok.exit_code == 0, ok.output
        shown = runner.invoke(cli, ["-w", str(a), "show", "AL BEL 1/2025", "--json"])
        assert '"assign"' in shown.output
        other = runner.invoke(cli, ["init", str(tmp_path / "x"), "--state", "MEX",
                                    "--database-url", url])  # fmt: skip
        assert other.exit_code == 1
        assert other.stderr.startswith("Error: the server's record is the mission of BEL")
        assert not (tmp_path / "x").exists()
        import psycopg

        with psycopg.connect(_with(TEST_SERVER, path=f"/{name}")) as check:
            owners = check.execute(
                "select distinct tableowner from pg_tables where schemaname = 'public'"
            ).fetchall()
        assert owners == [(team,)]  # the team's, whoever ran the first init
        db = store.connect(Path("unused"), url=url)
        inits = list(db.query("select details from events where action = 'init' order by id"))
        db.close()
        assert len(inits) == 1  # joining writes nothing on the record (a reader may join)
    finally:
        os.environ[sessions.ENV_DATABASE_URL] = saved
        for statement in (
            f'drop database if exists "{name}" with (force)',
            f"drop role if exists ana_{pid}",
            f"drop role if exists ben_{pid}",
            f"drop role if exists {team}",
        ):
            admin.execute(statement)
        admin.close()


# --- bad input and faults: one line each, nothing changed ------------------------------------


def _run_with_url(run, url: str):
    env = {**os.environ, sessions.ENV_DATABASE_URL: url}
    return subprocess.run(
        [sys.executable, "-m", "commresp", "-w", str(run.root), "list"],
        env=env,
        capture_output=True,
        text=True,
    )


def _one_line(result, code: int, start: str) -> str:
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith(f"Error: {start}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


@server
@pytest.mark.parametrize(
    "url, code, start",
    [
        ("mysql://ana@db.mission/commresp", 2, "the database URL 'mysql://"),
        ("postgresql://ana@db.mission:port/commresp", 2, "the database URL "),
        ("postgresql://ana@/commresp?sslmode=sometimes", 2, "the database URL "),
        ("postgresql://ana@127.0.0.1:1/commresp", 1, "cannot reach the database server"),
        ("postgresql://ana@no-such-host.invalid/commresp", 1, "cannot reach the database server"),
    ],
)
def test_a_bad_url_or_an_unreachable_server_is_one_line(run, url, code, start):
    _one_line(_run_with_url(run, url), code, start)


@server
def test_a_missing_database_or_role_is_one_line(run):
    missing_db = _with(TEST_SERVER, path="/no_such_commresp_db")
    line = _one_line(_run_with_url(run, missing_db), 1, "the database server")
    assert "has no database no_such_commresp_db" in line
    missing_role = _with(TEST_SERVER, user="no_such_member")
    line = _one_line(_run_with_url(run, missing_role), 1, "the database server")
    assert "has no role no_such_member" in line


@server
def test_a_wrong_password_is_one_line_and_never_shown(run):
    admin = _admin()
    admin.execute("drop role if exists commresp_pw_test")
    admin.execute("create role commresp_pw_test login password 'right-one'")
    try:
        url = f"postgresql://commresp_pw_test:wrong-one@127.0.0.1:{_tcp_port()}/postgres"
        line = _one_line(_run_with_url(run, url), 1, "the database server")
        assert "refused the password for commresp_pw_test" in line
        assert "wrong-one" not in line
    finally:
        admin.execute("drop role if exists commresp_pw_test")
        admin.close()


@server
def test_a_server_without_unaccent_for_this_role_is_one_line_and_changes_nothing(run):
    """A role that may create tables but not the extension search needs: the migration
    stops before its first step, and the empty database stays empty."""
    admin = _admin()
    name = f"commresp_no_unaccent_{os.getpid()}"
    admin.execute(f'drop database if exists "{name}"')
    admin.execute("drop role if exists commresp_plain")
    admin.execute("create role commresp_plain login")
    admin.execute(f'create database "{name}"')
    import psycopg

    with psycopg.connect(_with(TEST_SERVER, path=f"/{name}"), autocommit=True) as owner:
        owner.execute("grant create on schema public to commresp_plain")
    try:
        url = _with(_with(TEST_SERVER, path=f"/{name}"), user="commresp_plain")
        line = _one_line(_run_with_url(run, url), 1, "the database server lacks the unaccent")
        assert "postgresql-contrib" in line
        with psycopg.connect(_with(TEST_SERVER, path=f"/{name}")) as check:
            tables = check.execute(
                "select count(*) from pg_tables where schemaname = 'public'"
            ).fetchone()[0]
        assert tables == 0
    finally:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute("drop role if exists commresp_plain")
        admin.close()


@server
@pytest.mark.slow
def test_a_server_lost_mid_operation_leaves_nothing_half_written(registered):
    """The audit log is locked from another connection, so the answer's rows and its stored
    file are written and the operation waits at its last insert; its connection is then
    terminated. Nothing of it stays; once the lock is gone the same command works."""
    run = registered
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Findings?")
    db = record(run.root)
    answers_before = db.execute("select count(*) from answers").fetchone()[0]
    events_before = db.execute("select count(*) from events").fetchone()[0]
    db.close()
    folder = run.root / "correspondence/AL-BEL-1-2025/answers"
    files_before = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    url = os.environ[sessions.ENV_DATABASE_URL]
    database = urlsplit(url).path[1:]

    import psycopg

    locker = psycopg.connect(url)
    locker.execute("lock table events in exclusive mode")
    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    args = [sys.executable, "-m", "commresp", "answer", "add", "AL BEL 1/2025"]
    args += ["--agency", "myria", "--text", "Myria found nothing."]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    admin = _admin()
    try:
        for _ in range(600):  # the command waiting for the lock, its rows written
            waiting = admin.execute(
                "select pid from pg_stat_activity where datname = %s and wait_event_type = "
                "'Lock' and application_name = 'commresp'",
                [database],
            ).fetchall()
            if waiting:
                break
            time.sleep(0.05)
        assert waiting, "the command never reached the locked table"
        assert any(folder.glob("myria.r1*"))  # its file was staged meanwhile
        admin.execute("select pg_terminate_backend(%s)", [waiting[0][0]])
        _, stderr = proc.communicate(timeout=60)
    finally:
        locker.rollback()
        locker.close()
        admin.close()
    stderr = stderr.decode()
    assert proc.returncode == 1, stderr
    assert stderr.startswith("Error: the connection to the database server was lost"), stderr
    assert "nothing was changed" in stderr and len(stderr.strip().splitlines()) == 1
    db = record(run.root)
    assert db.execute("select count(*) from answers").fetchone()[0] == answers_before
    assert db.execute("select count(*) from events").fetchone()[0] == events_before
    db.close()
    assert sorted(p.name for p in folder.glob("*")) == files_before
    run("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "Myria found nothing.")
    db = record(run.root)
    assert db.execute("select count(*) from answers").fetchone()[0] == answers_before + 1
    db.close()


@server
def test_backup_of_a_server_record_is_the_usual_archive_and_a_bad_restore_is_one_line(
    registered, tmp_path
):
    import json
    import zipfile

    archive = tmp_path / "b.zip"
    out = registered("backup", str(archive)).stdout
    assert out.startswith("Backed up the server's record")
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("MANIFEST.json"))
    assert manifest["format_version"] == 1 and manifest["source"]["kind"] == "server"
    # a restore into a server that cannot be reached: one line, nothing written
    result = registered(
        "restore", str(archive), str(tmp_path / "r"), "--database-url",
        "postgresql://ana@127.0.0.1:1/commresp", code=1,
    )  # fmt: skip
    assert result.stderr.startswith("Error: cannot reach the database server")
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "r").exists()
    assert registered("check").exit_code == 0  # check reads the server's record


# --- migrations on the server ----------------------------------------------------------------


def _empty_database(name: str) -> str:
    admin = _admin()
    admin.execute(f'drop database if exists "{name}" with (force)')
    admin.execute(f'create database "{name}"')
    admin.close()
    return _with(TEST_SERVER, path=f"/{name}")


def _drop(name: str) -> None:
    admin = _admin()
    admin.execute(f'drop database if exists "{name}" with (force)')
    admin.close()


@server
def test_an_older_server_record_upgrades(tmp_path):
    from commresp.store import postgres

    name = f"commresp_old_{os.getpid()}"
    url = _empty_database(name)
    try:
        old = postgres.open_connection(url)
        store.migrate_server(old, stop_before="m006_catalog_by_period")
        assert store.pending_migrations(old)[0] == "m006_catalog_by_period"
        with store.transaction(old):  # a communication as 0.1 recorded it
            old["mandates"].insert(
                {
                    "slug": "torture",
                    "holder_type": "sr",
                    "title_en": "Special Rapporteur on torture",
                    "title_fr": "Rapporteur spécial sur la torture",
                }  # fmt: skip
            )
            comm = (
                old["communications"]
                .insert(
                    {
                        "ref": "AL BEL 9/2024",
                        "slug": "AL-BEL-9-2024",
                        "type": "AL",
                        "addressee": "BEL",
                        "number": 9,
                        "year": 2024,
                        "letter_date": "2024-03-01",
                        "status": "received",
                        "reply_due": "2024-04-30",
                        "subject": "Détention",
                        "created_at": "2024-03-02",
                        "updated_at": "2024-03-02",
                    }  # fmt: skip
                )
                .last_pk
            )
            old["communication_mandates"].insert(
                {
                    "communication_id": comm,
                    "position": 1,
                    "mandate": "torture",
                    "title_en": "Special Rapporteur on torture",
                    "title_fr": "Rapporteur spécial sur la torture",
                }  # fmt: skip
            )
        old.close()
        db = store.connect(Path("unused"), url=url)
        assert store.pending_migrations(db) == []
        row = db.execute("select title_es from communication_mandates").fetchone()
        assert row[0]  # m006 filled the Spanish title in
        hits = store.search_communications(db, '"detention"', 10)  # m008 indexed it, accents off
        assert [h["ref"] for h in hits] == ["AL BEL 9/2024"]
        db.close()
    finally:
        _drop(name)


@server
def test_a_newer_server_record_is_refused_unchanged():
    name = f"commresp_newer_{os.getpid()}"
    url = _empty_database(name)
    try:
        store.connect(Path("unused"), url=url).close()
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "insert into _sqlite_migrations (migration_set, name, applied_at) "
                "values ('commresp', 'm999_future', '2030-01-01')"
            )
            before = conn.execute("select count(*), max(id) from _sqlite_migrations").fetchone()
        with pytest.raises(WorkspaceError, match="written by a newer commresp"):
            store.connect(Path("unused"), url=url)
        with psycopg.connect(url) as conn:
            after = conn.execute("select count(*), max(id) from _sqlite_migrations").fetchone()
        assert after == before
    finally:
        _drop(name)


@server
def test_the_search_index_follows_every_change_of_what_it_indexes(registered):
    db = record(registered.root)

    def found(word: str) -> list[str]:
        return [h["ref"] for h in store.search_communications(db, f'"{word}"', 10)]

    assert found("mercenaires") == ["AL BEL 1/2025"]  # a mandate's French title
    registered("edit", "AL BEL 1/2025", "--subject", "Recrutement forcé")
    assert found("recrutement") == ["AL BEL 1/2025"] and found("Lankan") == []
    registered("edit", "AL BEL 1/2025", "--title-fr", "minorities=Rapporteur spécial zzyzx")
    assert found("zzyzx") == ["AL BEL 1/2025"]
    registered("close", "AL BEL 1/2025", "--reason", "test")
    assert found("ZZYZX") == ["AL BEL 1/2025"]
    assert found("force") == ["AL BEL 1/2025"]  # accents ignored
    db.close()


# --- the same answers from both backends -----------------------------------------------------

QUERIES = [
    "trafficking",
    "traite des êtres humains",
    "ETRES humains",
    "Sri Lankan",
    "Russian armed forces",
    "national action plan",
    "Myria",
    "rapporteuse spéciale",
    "mercenaires",
    "AL BEL 1/2025",
    "victims identification",
    "nothing-like-this-anywhere",
    # hostile input: FTS5 and tsquery syntax, quotes, control characters, other scripts
    'AND OR NOT * " - ( ^',
    '"\x00;--',
    "traite' | 'x' & !",
    "a:* <-> b",
    "\\\\ '' \"\"",
    "Łukasz Ивана Γιώργος 北京",
    "é" * 50,
]


@server
@pytest.mark.slow
def test_search_finds_the_same_on_both_backends_in_the_demo(tmp_path, monkeypatch):
    from datetime import date

    from commresp import communications, demo, search
    from commresp.workspace.session import open_session

    monkeypatch.setenv("COMMRESP_TODAY", "2025-11-03")

    def build(root: Path):
        opened = open_session(str(demo.run(root, pdf=False).root))
        communications.register(  # a later letter, to which the demo's reply is a precedent
            opened,
            "AL BEL 5/2025",
            letter_date=date(2025, 10, 20),
            mandates=[communications.MandateChoice.parse("trafficking:f")],
            subject="Trafficking in human beings: national action plan",
        )
        return opened

    on_server = build(tmp_path / "server")
    url = os.environ.pop(sessions.ENV_DATABASE_URL)
    try:
        embedded = build(tmp_path / "embedded")
        assert not hasattr(embedded.db, "dialect")  # sqlite-utils' own Database
        expected = {q: search.search(embedded, q, limit=50) for q in QUERIES}
        expected_precedents = search.precedents(embedded, "AL BEL 5/2025", limit=50)
    finally:
        os.environ[sessions.ENV_DATABASE_URL] = url
    assert on_server.db.dialect == "postgresql"

    def found(rows: list[dict]) -> set[tuple]:
        return {(r["ref"], r["kind"], r["agency"], r["revision"]) for r in rows}

    hits = 0
    for query in QUERIES:
        got = search.search(on_server, query, limit=50)
        assert found(got) == found(expected[query]), query
        hits += len(got)
    assert hits > 20  # the comparison compared something
    precedents = search.precedents(on_server, "AL BEL 5/2025", limit=50)
    assert expected_precedents
    assert {(p["ref"], p["text"]) for p in precedents} == {
        (p["ref"], p["text"]) for p in expected_precedents
    }
