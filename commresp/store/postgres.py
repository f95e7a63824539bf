"""PostgreSQL backend: the team's record on a server, spoken through the API the store uses.

The store is written against the small part of sqlite-utils' ``Database`` it needs
(``query``, ``execute``, ``db["t"].insert/insert_all/upsert_all/update/last_pk``, ``create``,
``add_column``, ``create_index``, ``conn.in_transaction``, ``atomic``).  :class:`Database`
offers the same subset over psycopg 3, so every portable query of the store and every
migration step is written once; only the dialect parts (full-text search, date arithmetic,
JSON, locking) have a PostgreSQL version, next to their SQLite one.

- ``?`` and ``:name`` placeholders are translated once per statement to ``%s`` and
  ``%(name)s`` (quoted strings and identifiers left alone), ``%`` doubled;
- rows come back as tuples from ``execute`` and as dicts from ``query``, as with SQLite;
- an integer primary key ``id`` is an identity column, and ``last_pk`` comes from
  ``RETURNING``; upserts are ``INSERT … ON CONFLICT … DO UPDATE``;
- the server's errors are raised as the DB-API classes the rest of commresp already handles
  (``sqlite3.IntegrityError`` for a constraint, ``sqlite3.OperationalError`` for the rest), and
  a lost or refused connection as one :class:`~commresp.errors.WorkspaceError` line.

psycopg is imported only when a database URL is configured: an embedded workspace never loads
it (``commresp[server]`` installs it).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import json
import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from commresp.errors import BadDatabaseUrl, NotPermitted, WorkspaceError

DIALECT = "postgresql"
URL_SCHEMES = ("postgresql://", "postgres://")
# How long a client waits for the server to answer a connection (seconds).
CONNECT_TIMEOUT = 10
# How long a writer waits for a colleague's lock before giving up (milliseconds), as on SQLite.
LOCK_TIMEOUT_MS = 60_000

_TYPES = {int: "bigint", str: "text", float: "double precision", bytes: "bytea", bool: "integer"}


class ServerIntegrityError(sqlite3.IntegrityError):
    """A constraint the server enforced (unique, foreign key, not null)."""


class ServerRefused(NotPermitted):
    """A permission the server refused; ``reason`` is the server's own first line."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ServerError(sqlite3.OperationalError):
    """Any other error the server reported."""


def is_url(value: str | None) -> bool:
    return bool(value) and value.startswith(URL_SCHEMES)


def _psycopg():
    """psycopg, imported on first use.

    ``import psycopg`` runs its whole package (every error class, the async connection and
    asyncio, the type adapters, importlib.metadata for its version): about 110 ms, and no part
    of it can be imported alone (each submodule runs the package first).  Its objects then cost
    a second time when the process ends: the collector's last passes walk every object still
    alive (~40 ms here).  Once imported, everything alive so far (modules, classes: they live
    as long as the process) is moved out of the collector's sight with ``gc.freeze()``, as the
    collector's documentation suggests for objects that live until the end."""
    loaded = sys.modules.get("psycopg")
    if loaded is not None:
        return loaded
    try:
        import psycopg
    except ImportError:
        raise WorkspaceError(
            "a PostgreSQL database is configured but its driver is not installed; run "
            "'pip install \"commresp[server]\"'"
        ) from None
    gc.freeze()
    return psycopg


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


# --- placeholders ------------------------------------------------------------------------

_TOKENS = re.compile(
    r"""('(?:[^']|'')*')        # a string literal
      | ("(?:[^"]|"")*")        # a quoted identifier
      | (--[^\n]*)              # a comment
      | (::)                    # a cast, not a named parameter
      | (\?)                    # a positional parameter
      | (?<![:\w]):([A-Za-z_]\w*)  # a named parameter
      | (%)""",
    re.VERBOSE,
)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite's ``?``/``:name`` placeholders as psycopg's ``%s``/``%(name)s``."""

    def replace(m: re.Match) -> str:
        literal, ident, comment, cast, positional, name, percent = m.groups()
        if literal is not None:
            return literal.replace("%", "%%")
        if ident is not None or cast is not None:
            return m.group(0)
        if comment is not None:
            return comment.replace("%", "%%")
        if positional is not None:
            return "%s"
        if name is not None:
            return f"%({name})s"
        return "%%"

    return _TOKENS.sub(replace, sql)


def _value(value: Any) -> Any:
    """A Python value as SQLite would store it (dates as ISO text, booleans as 0/1)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return value


def _params(params: Any) -> Any:
    if params is None:
        return ()
    if isinstance(params, dict):
        return {k: _value(v) for k, v in params.items()}
    return [_value(v) for v in params]


# --- errors ------------------------------------------------------------------------------

_LOST_STATES = ("57P01", "57P02", "57P03", "08000", "08003", "08006")


def connection_lost_message(url: str, exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"the connection to the database server was lost ({first}); nothing was changed; "
        f"run the command again once {shown_url(url)} is back"
    )


def connect_refused_message(url: str, exc: Exception) -> str:
    """One line for a connection the server or the network refused, naming the cause."""
    text = str(exc).strip()
    where = shown_url(url)
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        user = re.search(r'user "([^"]+)"', text)
        who = f" for {user.group(1)}" if user else ""
        return f"the database server {where} refused the password{who}; check the URL's password"
    role = re.search(r'role "([^"]+)" does not exist', text)
    if role:
        return (
            f"the database server {where} has no role {role.group(1)}; ask its administrator to "
            "create it, or correct the URL's user"
        )
    database = re.search(r'database "([^"]+)" does not exist', text)
    if database:
        return (
            f"the database server {where} has no database {database.group(1)}; create it "
            f"('createdb {database.group(1)}') or correct the URL"
        )
    if "no pg_hba.conf entry" in low:
        return f"the database server {where} does not accept connections from this computer"
    if "timeout" in low or "timed out" in low:
        return f"the database server {where} did not answer within {CONNECT_TIMEOUT} s"
    if "invalid" in low and ("value" in low or "option" in low):
        reason = text.splitlines()[0].removeprefix("connection is bad: ")
        return f"the database URL {where!r} is malformed ({reason})"
    reason = text.splitlines()[0] if text else type(exc).__name__
    reason = re.sub(r"^.* failed: ", "", reason)
    return f"cannot reach the database server {where} ({reason})"


# --- the connection ----------------------------------------------------------------------


class _Cursor:
    """What ``Database.execute`` returns: a cursor's rows as tuples, like sqlite3's."""

    def __init__(self, rows: list[tuple], description, rowcount: int) -> None:
        self._rows = rows
        self.description = description
        self.rowcount = rowcount

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class Connection:
    """``db.conn``: what callers ask of sqlite3's connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def in_transaction(self) -> bool:
        psycopg = _psycopg()
        status = self._db.raw.info.transaction_status
        return status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Any = None) -> _Cursor:
        return self._db.execute(sql, params)

    def iterdump(self) -> Iterator[str]:
        """Every row of every table, in key order, as text: equal dumps, equal record."""
        for table in self._db.table_names():
            order = ", ".join(self._db[table].pks) or "1"
            yield f"-- {table}"
            for row in self._db.execute(f'select * from "{table}" order by {order}'):
                yield f"INSERT INTO {table} VALUES{row!r};"

    def close(self) -> None:
        self._db.close()


class Database:
    """A PostgreSQL database offering the part of sqlite-utils' ``Database`` the store uses."""

    dialect = DIALECT

    def __init__(self, raw, url: str) -> None:
        self.raw = raw  # the psycopg connection (autocommit: transactions are explicit)
        self.url = url
        self.conn = Connection(self)
        self._pks: dict[str, list[str]] = {}
        self._columns: dict[str, dict[str, str]] = {}
        # The login and the commresp groups it is in, read when connecting (a refusal inside
        # a transaction cannot ask the server any more): what a "permission denied" names.
        self.login = ""
        self.groups: list[str] = []

    def read_login(self) -> None:
        """Learn this connection's login and its groups (one query, outside transactions)."""
        rows = self.execute(
            "select session_user, r.rolname from pg_roles r "
            "where pg_has_role(session_user, r.oid, 'MEMBER') and not r.rolcanlogin"
        ).fetchall()
        self.login = rows[0][0] if rows else self.raw.info.user
        self.groups = [row[1] for row in rows]

    def __repr__(self) -> str:
        return f"<postgresql {shown_url(self.url)}>"

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.raw.close()

    def _run(self, sql: str, params: Any, rows_as_dicts: bool):
        from psycopg.rows import dict_row, tuple_row

        with self._errors():
            with self.raw.cursor(row_factory=dict_row if rows_as_dicts else tuple_row) as cur:
                cur.execute(translate(sql), _params(params), prepare=False)
                rows = cur.fetchall() if cur.description is not None else []
                return rows, cur.description, cur.rowcount

    def execute_many(self, sql: str, rows: Sequence[Sequence]) -> None:
        """One statement for many rows, sent in one round trip."""
        with self._errors(), self.raw.cursor() as cur:
            cur.executemany(translate(sql), [_params(r) for r in rows])

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """The server's errors as the classes commresp handles (see the module's docstring)."""
        psycopg = _psycopg()
        try:
            yield
        except psycopg.errors.IntegrityError as exc:
            raise ServerIntegrityError(str(exc).strip()) from exc
        except psycopg.errors.InsufficientPrivilege as exc:
            reason = (str(exc).strip().splitlines() or ["permission denied"])[0]
            raise ServerRefused(self.refusal(reason), reason) from None
        except psycopg.errors.TransactionRollback as exc:  # deadlock, serialization
            raise ServerError(f"database is busy ({str(exc).strip()})") from exc
        except psycopg.errors.LockNotAvailable as exc:
            raise ServerError(f"database is locked ({str(exc).strip()})") from exc
        except psycopg.OperationalError as exc:
            if self.raw.closed or exc.sqlstate is None or exc.sqlstate in _LOST_STATES:
                raise WorkspaceError(connection_lost_message(self.url, exc)) from None
            raise ServerError(str(exc).strip()) from exc
        except psycopg.Error as exc:
            if self.raw.closed:
                raise WorkspaceError(connection_lost_message(self.url, exc)) from None
            raise ServerError(str(exc).strip()) from exc

    @property
    def role(self) -> str | None:
        """This login's role in the record's team (None: the record has no roles yet, or the
        login is in none of them)."""
        from commresp.store import postgres_roles

        return postgres_roles.role_of(self.raw.info.dbname, self.groups)

    def refusal(self, reason: str) -> str:
        """One line for what the server's permissions refused, naming the member's role."""

        database = self.raw.info.dbname
        role = self.role
        held = f"{self.login} is a {role}" if role else f"{self.login} has no commresp role"
        return (
            f"the server refused this ({reason}): {held} in {database}; ask the team's admin "
            "for another role ('commresp server add-user')"
        )

    def execute(self, sql: str, params: Any = None) -> _Cursor:
        rows, description, rowcount = self._run(sql, params, rows_as_dicts=False)
        return _Cursor(rows, description, rowcount)

    def query(self, sql: str, params: Any = None) -> Iterator[dict]:
        rows, _, _ = self._run(sql, params, rows_as_dicts=True)
        return iter(rows)

    def stream(self, sql: str, params: Any = None, batch: int = 500) -> Iterator[list[tuple]]:
        """The rows of ``sql`` as tuples, ``batch`` at a time through a server-side cursor
        (inside the caller's transaction), so that memory does not grow with the result."""
        with self._errors(), self.raw.cursor(name="commresp_stream") as cur:
            cur.execute(translate(sql), _params(params))
            while rows := cur.fetchmany(batch):
                yield rows

    def table_names(self) -> list[str]:
        return [
            r[0]
            for r in self.execute(
                "select tablename from pg_tables where schemaname = current_schema() "
                "order by tablename"
            )
        ]

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """A savepoint inside the transaction (sqlite-utils' ``atomic``)."""
        if not self.conn.in_transaction:
            with transaction(self):
                yield self
            return
        self.execute("savepoint commresp_atomic")
        try:
            yield self
        except BaseException:
            with contextlib.suppress(Exception):
                self.execute("rollback to savepoint commresp_atomic")
            raise
        self.execute("release savepoint commresp_atomic")

    # what sqlite-utils' Table.pks and columns_dict read, cached per connection
    def pks_of(self, table: str) -> list[str]:
        if table not in self._pks:
            self._pks[table] = [
                r[0]
                for r in self.execute(
                    """select a.attname from pg_index i
                       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                       where i.indrelid = to_regclass(?) and i.indisprimary
                       order by array_position(i.indkey, a.attnum)""",
                    [f'"{table}"'],
                )
            ]
        return self._pks[table]

    def columns_of(self, table: str) -> dict[str, str]:
        if table not in self._columns:
            self._columns[table] = {
                r[0]: r[1]
                for r in self.execute(
                    """select column_name, data_type from information_schema.columns
                       where table_schema = current_schema() and table_name = ?
                       order by ordinal_position""",
                    [table],
                )
            }
        return self._columns[table]

    def forget_schema(self, table: str) -> None:
        self._pks.pop(table, None)
        self._columns.pop(table, None)


class NotFoundError(KeyError):
    """No row has that primary key (sqlite-utils' ``NotFoundError``)."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Table:
    """``db["name"]``: the table operations the store and the migrations use."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.last_pk: Any = None

    # --- schema ---

    def exists(self) -> bool:
        found = self.db.execute("select to_regclass(?)", [_ident(self.name)]).fetchone()
        return found[0] is not None

    @property
    def pks(self) -> list[str]:
        return self.db.pks_of(self.name)

    @property
    def columns_dict(self) -> dict[str, str]:
        return self.db.columns_of(self.name)

    def create(
        self,
        columns: dict[str, type],
        pk: str | Sequence[str] | None = None,
        foreign_keys: Sequence[tuple[str, str, str]] = (),
        not_null: Iterable[str] = (),
        defaults: dict[str, Any] | None = None,
    ) -> Table:
        keys = [pk] if isinstance(pk, str) else list(pk or [])
        not_null = set(not_null)
        defaults = defaults or {}
        parts = []
        for column, kind in columns.items():
            sql_type = _TYPES[kind]
            part = f"{_ident(column)} {sql_type}"
            if keys == [column] and kind is int:
                # SQLite's INTEGER PRIMARY KEY: numbered by the database when not given
                part += " generated by default as identity"
            if column in not_null:
                part += " not null"
            if column in defaults:
                part += f" default {_literal(defaults[column])}"
            parts.append(part)
        if keys:
            parts.append(f"primary key ({', '.join(_ident(k) for k in keys)})")
        for column, other, other_column in foreign_keys:
            target = f"{_ident(other)} ({_ident(other_column)})"
            parts.append(f"foreign key ({_ident(column)}) references {target}")
        self.db.execute(f"create table {_ident(self.name)} ({', '.join(parts)})")
        self.db.forget_schema(self.name)
        return self

    def create_index(self, columns: Sequence[str], unique: bool = False, index_name=None) -> Table:
        name = index_name or f"idx_{self.name}_{'_'.join(columns)}"
        self.db.execute(
            f"create {'unique ' if unique else ''}index {_ident(name)} on {_ident(self.name)} "
            f"({', '.join(_ident(c) for c in columns)})"
        )
        return self

    def add_column(self, name: str, kind: type = str) -> Table:
        self.db.execute(f"alter table {_ident(self.name)} add column {_ident(name)} {_TYPES[kind]}")
        self.db.forget_schema(self.name)
        return self

    # --- rows ---

    def rows_where(self, where: str | None = None, params: Any = None, order_by=None):
        sql = f"select * from {_ident(self.name)}"
        if where:
            sql += f" where {where}"
        if order_by:
            sql += f" order by {'id' if order_by == 'rowid' else order_by}"
        return self.db.query(sql, params)

    @property
    def count(self) -> int:
        return self.db.execute(f"select count(*) from {_ident(self.name)}").fetchone()[0]

    def _insert_sql(self, keys: Sequence[str], conflict: str = "", returning: bool = True) -> str:
        columns = ", ".join(_ident(k) for k in keys)
        marks = ", ".join("?" for _ in keys)
        pks = self.pks if returning else []
        returning = f" returning {', '.join(_ident(k) for k in pks)}" if pks else ""
        return f"insert into {_ident(self.name)} ({columns}) values ({marks}){conflict}{returning}"

    def insert(self, row: dict, **_ignored) -> Table:
        keys = list(row)
        cursor = self.db.execute(self._insert_sql(keys), [row[k] for k in keys])
        returned = cursor.fetchone()
        if returned is not None:
            self.last_pk = returned[0] if len(returned) == 1 else tuple(returned)
        if "id" in row:
            self._follow_given_ids()
        return self

    def insert_all(self, rows: Iterable[dict], **_ignored) -> Table:
        self._many(rows, lambda keys: self._insert_sql(keys, returning=False))
        return self

    def upsert_all(self, rows: Iterable[dict], pk: str | Sequence[str] | None = None) -> Table:
        keys_of_pk = [pk] if isinstance(pk, str) else list(pk or self.pks)

        def sql(keys: Sequence[str]) -> str:
            updates = [k for k in keys if k not in keys_of_pk]
            action = (
                "do update set " + ", ".join(f"{_ident(k)} = excluded.{_ident(k)}" for k in updates)
                if updates
                else "do nothing"
            )
            conflict = f" on conflict ({', '.join(_ident(k) for k in keys_of_pk)}) {action}"
            return self._insert_sql(keys, conflict, returning=False)

        self._many(rows, sql)
        return self

    def _many(self, rows: Iterable[dict], sql_for) -> None:
        """Rows with the same columns sent together (one round trip per batch, in order)."""
        batch: list[dict] = []
        given_ids = False
        for row in [*rows, None]:
            if batch and (row is None or list(row) != list(batch[0])):
                keys = list(batch[0])
                self.db.execute_many(sql_for(keys), [[r[k] for k in keys] for r in batch])
                given_ids = given_ids or "id" in keys
                batch = []
            if row is not None:
                batch.append(row)
        if given_ids:
            self._follow_given_ids()

    def _follow_given_ids(self) -> None:
        """After rows inserted with their own ids, the next id the server gives is above them
        (as SQLite's rowid is)."""
        if self.pks == ["id"]:
            self.db.execute(
                "select setval(pg_get_serial_sequence(?, 'id'), "
                f"(select max(id) from {_ident(self.name)}))",
                [_ident(self.name)],
            )

    def upsert(self, row: dict, pk: str | Sequence[str] | None = None) -> Table:
        return self.upsert_all([row], pk=pk)

    def update(self, pk_values: Any, updates: dict | None = None, **_ignored) -> Table:
        values = list(pk_values) if isinstance(pk_values, list | tuple) else [pk_values]
        pks = self.pks
        where = " and ".join(f"{_ident(k)} = ?" for k in pks)
        if updates:
            sets = ", ".join(f"{_ident(k)} = ?" for k in updates)
            cursor = self.db.execute(
                f"update {_ident(self.name)} set {sets} where {where}",
                [*updates.values(), *values],
            )
            if cursor.rowcount == 0:
                raise NotFoundError(values)
        self.last_pk = values[0] if len(values) == 1 else tuple(values)
        return self


def _literal(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# --- opening, transactions ---------------------------------------------------------------


def check_url(url: str) -> dict:
    """The parts of a PostgreSQL URL; a :class:`WorkspaceError` for a malformed one."""
    if not is_url(url):
        raise BadDatabaseUrl(
            f"the database URL {shown_url(url)!r} is not a PostgreSQL URL; write it like "
            "postgresql://user@host/dbname"
        )
    from urllib.parse import urlsplit

    try:
        urlsplit(url).port  # noqa: B018  (raises for a port that is not a number)
    except ValueError as exc:
        raise BadDatabaseUrl(f"the database URL {shown_url(url)!r} is malformed ({exc})") from None
    psycopg = _psycopg()
    try:
        return psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0]
        shown = shown_url(url)
        raise BadDatabaseUrl(f"the database URL {shown!r} is malformed ({reason})") from None


def open_connection(url: str) -> Database:
    """Connect (no migration): the server's refusals as one line each."""
    given = check_url(url)
    psycopg = _psycopg()
    # the URL's own options (e.g. "-c role=commresp", the team's role) come after ours
    options = f"-c lock_timeout={LOCK_TIMEOUT_MS} -c TimeZone=UTC {given.get('options', '')}"
    try:
        raw = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=given.get("connect_timeout", CONNECT_TIMEOUT),
            application_name="commresp",
            options=options.strip(),
        )
    except psycopg.OperationalError as exc:
        line = connect_refused_message(url, exc)
        if "is malformed" in line:
            raise BadDatabaseUrl(line) from None
        raise WorkspaceError(line) from None
    except psycopg.Error as exc:
        shown = shown_url(url)
        raise BadDatabaseUrl(f"the database URL {shown!r} is malformed ({exc})") from None
    db = Database(raw, url)
    db.read_login()
    return db


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction (READ COMMITTED: what one operation reads and then
    changes is locked row by row, see :mod:`commresp.store.fulltext_postgres` and
    ``queries.get_communication``).  Anything raised rolls it back; a connection lost
    before the commit changes nothing, one lost during it is said to be uncertain."""
    db.execute("begin")
    try:
        yield db
    except BaseException:
        if not db.raw.closed:
            with contextlib.suppress(Exception):
                db.execute("rollback")
        raise
    try:
        db.execute("commit")
    except WorkspaceError:
        raise WorkspaceError(
            f"the connection to the database server {shown_url(db.url)} was lost while "
            "committing: the change may or may not be recorded; check with 'commresp show' "
            "once the server is back"
        ) from None


@contextlib.contextmanager
def read_snapshot(db: Database) -> Iterator[str]:
    """Read the record as of one moment (REPEATABLE READ, READ ONLY): colleagues go on
    writing and none of it shows in what is read here.  Yields when the snapshot was
    taken (UTC ISO 8601, to the second)."""
    db.execute("begin isolation level repeatable read read only")
    try:
        taken = db.execute(
            "select to_char(transaction_timestamp() at time zone 'UTC', "
            '\'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\')'
        ).fetchone()[0]
        yield taken
    finally:
        if not db.raw.closed:
            with contextlib.suppress(Exception):
                db.execute("rollback")
