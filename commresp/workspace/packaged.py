"""Reference data shipped inside the package (``commresp/data``): catalogs a workspace starts from.

Templates have their own lookup (``workspace.templates``), since a workspace may override them
file by file; these tables are copied into a new workspace's record instead, and corrected there.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

from commresp.store.seed import packaged_csv, packaged_holders
from commresp.workspace import files


def data_csv(name: str) -> list[dict]:
    """Rows of a packaged CSV file: ``data_csv("mandates.csv")[0]["slug"]`` → ``"trafficking"``.

    Read by :mod:`commresp.store.seed`, since the migrations seed the record from these files.
    """
    return packaged_csv(name)


def csv_rows(data: bytes) -> list[dict]:
    """Rows of a CSV file's bytes, read as :func:`files.decode_text` reads text (a catalog
    saved by Excel or Notepad has a BOM and CRLF line ends)."""
    return list(csv.DictReader(io.StringIO(files.decode_text(data), newline="")))


def mandates() -> list[dict]:
    """The mandate catalog shipped with commresp: thematic and country mandates, titles in
    English, French and Spanish (masculine forms; the feminine ones follow by rule)."""
    return data_csv("mandates.csv")


def mandate_holders() -> list[dict]:
    """Who held each packaged mandate, when: ``mandate``, ``name``, ``gender``, ``start_on``…"""
    return packaged_holders()


def agencies(state_code: str) -> list[dict]:
    """The agency catalog shipped for a State (``agencies_bel.csv``), or none."""
    name = f"agencies_{state_code.lower()}.csv"
    if not resources.files("commresp").joinpath("data", name).is_file():
        return []
    return data_csv(name)


@lru_cache(maxsize=1)
def states() -> dict[str, dict]:
    """The table of States (``states.csv``: UNTERM names in en/fr/es, articles, gender and
    number, holidays code, default languages; sources in ``states.SOURCES.md``), by ISO3.

    ``states()["MEX"]["short_es"]`` → ``"México"``.  Rows are shared: do not change them.
    """
    return {row["iso3"]: row for row in data_csv("states.csv")}


@lru_cache(maxsize=1)
def _states_text() -> str:
    return resources.files("commresp").joinpath("data", "states.csv").read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def state(code: str) -> dict | None:
    """The row of one State (or of ``OTH``) by ISO 3166-1 alpha-3, any case; None if unknown.

    Every command reads its profile's State: only the header and that State's line are parsed
    (the whole table takes a few milliseconds; one row of it, a few microseconds).
    """
    wanted = code.strip().upper() if isinstance(code, str) else ""
    text = _states_text()
    at = text.find(f"\n{wanted},") if len(wanted) == 3 and wanted.isalpha() else -1
    if at < 0:
        return None
    end = text.find("\n", at + 1)
    lines = text[: text.index("\n")] + text[at : end if end >= 0 else len(text)]
    return next(csv.DictReader(io.StringIO(lines)))


@lru_cache(maxsize=1)
def _spanish_titles() -> dict[str, str]:
    for name in ("mandates.csv", "mandates.new.csv"):
        if resources.files("commresp").joinpath("data", name).is_file():
            rows = data_csv(name)
            if rows and "title_es" in rows[0]:
                return {row["slug"]: row["title_es"] for row in rows if row.get("title_es")}
    return {}


def with_spanish_titles(rows: list[dict]) -> list[dict]:
    """A communication's mandate rows with a ``title_es``: the record's where it has one, else
    the packaged catalog's Spanish title of the mandate (masculine: the wording rules make it
    agree with the holder), else the English title (a mandate a workspace added in English
    only: the Spanish documents then name it in English rather than not at all).
    """
    titles = _spanish_titles()
    return [
        {**row, "title_es": row.get("title_es") or titles.get(row["mandate"]) or row["title_en"]}
        for row in rows
    ]
