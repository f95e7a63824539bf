"""Reference data shipped inside the package (``commresp/data``): catalogs a workspace starts from.

Templates have their own lookup (``workspace.templates``), since a workspace may override them
file by file; these tables are copied into a new workspace's record instead, and corrected there.
"""

from __future__ import annotations

import csv
import io
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
