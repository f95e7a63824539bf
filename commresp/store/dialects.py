"""The few SQL fragments that differ between SQLite and PostgreSQL, one class per backend.

Every query of the store is written once; where the two dialects disagree (aggregating text,
reading JSON, days between two ISO dates) the query asks ``dialect(db)`` for the fragment.
Full-text search, locking and the copies of the record differ more than a fragment: they have
a module per backend (``fulltext`` / ``fulltext_postgres``, ``schema`` / ``postgres``).
"""

from __future__ import annotations

from typing import Any


class SQLite:
    name = "sqlite"

    @staticmethod
    def group_concat(expr: str, sep: str = ",") -> str:
        return f"group_concat({expr}, '{sep}')"

    @staticmethod
    def json_text(column: str, key: str) -> str:
        """The text at ``key`` of the JSON object in ``column``."""
        return f"json_extract({column}, '$.{key}')"

    @staticmethod
    def json_elements(column: str, key: str, alias: str) -> str:
        """A FROM item: one row (``alias.value``) per element of the array at ``key``."""
        return f"json_each({column}, '$.{key}') {alias}"

    @staticmethod
    def element_text(alias: str, key: str) -> str:
        return f"json_extract({alias}.value, '$.{key}')"

    @staticmethod
    def days_apart(start: str, end: str) -> str:
        """Days from ISO date ``start`` to ISO date ``end`` (a real number)."""
        return f"(julianday({end}) - julianday({start}))"

    @staticmethod
    def lock_row() -> str:
        """What a SELECT adds to lock the rows it reads until the commit (SQLite: the
        transaction already holds the one write lock)."""
        return ""


class PostgreSQL:
    name = "postgresql"

    @staticmethod
    def group_concat(expr: str, sep: str = ",") -> str:
        return f"string_agg(cast({expr} as text), '{sep}')"

    @staticmethod
    def json_text(column: str, key: str) -> str:
        return f"(cast({column} as jsonb) ->> '{key}')"

    @staticmethod
    def json_elements(column: str, key: str, alias: str) -> str:
        return f"jsonb_array_elements(cast({column} as jsonb) -> '{key}') {alias}(value)"

    @staticmethod
    def element_text(alias: str, key: str) -> str:
        return f"({alias}.value ->> '{key}')"

    @staticmethod
    def days_apart(start: str, end: str) -> str:
        return f"(cast({end} as date) - cast({start} as date))"

    @staticmethod
    def lock_row() -> str:
        return " for update"


def is_postgres(db: Any) -> bool:
    """Whether ``db`` is the server's record (``store.postgres.Database``)."""
    return getattr(db, "dialect", "sqlite") == "postgresql"


def dialect(db: Any) -> type[SQLite] | type[PostgreSQL]:
    return PostgreSQL if is_postgres(db) else SQLite
