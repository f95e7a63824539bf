"""The catalogs shipped in the package (``commresp/data/*.csv``) and how the record is seeded
with them.

A new workspace and an upgraded one get the same rows: the migration that adds a catalog table
seeds it (``m006_catalog_by_period``: country mandates, Spanish titles, holders by period), so
no workspace is left with an empty table.  Seeding only adds: a mandate the workspace already
has keeps the values it has (it may have corrected them); only the columns the migration adds
are filled in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

# Columns of the mandates table, as the migrations define them (the CSV may carry more).
MANDATE_COLUMNS = (
    "slug",
    "kind",
    "country",
    "holder_type",
    "title_en",
    "title_fr",
    "title_es",
    "holder_gender",
    "established_on",
    "ended_on",
    "verified",
    "notes",
    "source",
)


def packaged_csv(name: str) -> list[dict]:
    """Rows of a packaged CSV file: ``packaged_csv("mandates.csv")[0]["slug"]`` → "trafficking"."""
    text = resources.files("commresp").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def packaged_holders() -> list[dict]:
    """Mandate holders by period as the record keeps them (``mandate``, ``start_on``, …)."""
    return [
        {
            "mandate": row["slug"],
            "name": row["name"],
            "gender": row["gender"],
            "start_on": row["start"],
            "end_on": row["end"] or None,
            "verified": row["verified"],
            "source": row["source"],
        }
        for row in packaged_csv("mandate_holders.csv")
    ]


def seed_catalog(
    db: sqlite_utils.Database,
    mandates: Sequence[dict],
    holders: Sequence[dict],
    fill: Sequence[str] = (),
) -> None:
    """Add the packaged mandates and holders the record lacks; of the mandates it has, fill
    only the columns ``fill`` (the ones a migration has just added) where they are empty."""
    existing = {row["slug"]: row for row in db.query("select * from mandates")}
    new, filled = [], []
    for row in mandates:
        row = {k: row.get(k) for k in MANDATE_COLUMNS if k in row}
        current = existing.get(row["slug"])
        if current is None:
            new.append(row)
            continue
        gaps = {k: v for k, v in row.items() if k in fill and v and not current.get(k)}
        if gaps:
            filled.append((row["slug"], gaps))
    db["mandates"].insert_all(new)
    for slug, gaps in filled:
        db["mandates"].update(slug, gaps)
    known = {
        (r["mandate"], r["name"], r["start_on"])
        for r in db.query("select mandate, name, start_on from mandate_holders")
    }
    slugs = set(existing) | {row["slug"] for row in new}
    db["mandate_holders"].insert_all(
        h
        for h in holders
        if h["mandate"] in slugs and (h["mandate"], h["name"], h["start_on"]) not in known
    )
