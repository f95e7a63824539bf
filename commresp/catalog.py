"""Mandates and agencies: the catalogs shipped in the package and the workspace's own.

The packaged CSV files (``commresp/data``) seed a new workspace's database; from then on the
workspace adds to and corrects its copy (``commresp mandates add/edit``, ``agencies add/edit``),
and every such change is audited like any other.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from commresp import store
from commresp.errors import BadInput, UnknownAgency, UnknownMandate
from commresp.rules.folding import fold

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

HOLDER_TYPES = ("Special Rapporteur", "Independent Expert", "Working Group", "Expert Mechanism")
GENDERS = ("f", "m", "")
AGENCY_LANGUAGES = ("fr", "nl", "en")


def search(rows: list[dict], words: str, fields: tuple[str, ...]) -> list[dict]:
    """Rows whose fields contain every word (accent- and case-insensitive)."""
    wanted = fold(words).split()
    if not wanted:
        return rows
    return [
        row
        for row in rows
        if all(w in fold(" ".join(str(row.get(f) or "") for f in fields)) for w in wanted)
    ]


MANDATE_SEARCH_FIELDS = ("slug", "holder_type", "title_en", "title_fr")
AGENCY_SEARCH_FIELDS = ("slug", "name_en", "name_fr", "name_nl")


def _suggest(slug: str, known: list[str]) -> str:
    close = difflib.get_close_matches(slug, known, n=3, cutoff=0.75)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _lookup(db: sqlite_utils.Database, kind: str, slug: str) -> dict:
    """A catalog entry by slug, or the kind's Unknown… error with suggestions."""
    table, error, listing = _KINDS[kind]
    row = store.get_catalog_entry(db, table, slug)
    if row is None:
        known = [r["slug"] for r in store.all_catalog_entries(db, table)]
        raise error(
            f"unknown {kind} {slug!r}{_suggest(slug, known)}; "
            f"see 'commresp {listing}' or add it with 'commresp {table} add'"
        )
    return row


def mandate(db: sqlite_utils.Database, slug: str) -> dict:
    """A mandate by slug, or :class:`UnknownMandate` with suggestions."""
    return _lookup(db, "mandate", slug)


def agency(db: sqlite_utils.Database, slug: str) -> dict:
    """An agency by slug, or :class:`UnknownAgency` with suggestions."""
    return _lookup(db, "agency", slug)


def check_slug(slug: str) -> str:
    """Catalog slugs are lower-case words joined by hyphens: they become file names."""
    import re

    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug or "") or len(slug) > 60:
        raise BadInput(
            f"{slug!r} is not a valid slug: use lower-case letters, digits and hyphens "
            "(e.g. federal-police), at most 60 characters"
        )
    return slug


def check_choice(value: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise BadInput(f"{what} must be one of {', '.join(c or '(empty)' for c in choices)}")
    return value


# --- workspace changes to the catalogs (audited) -----------------------------------------


def _check_mandate_fields(fields: dict) -> None:
    if "holder_type" in fields:
        check_choice(fields["holder_type"], HOLDER_TYPES, "--holder-type")
    if "holder_gender" in fields:
        check_choice(fields["holder_gender"], GENDERS, "--gender")
    for key in ("title_en", "title_fr"):
        if key in fields and not fields[key].strip():
            raise BadInput(f"--{key.replace('_', '-')} cannot be empty")


def _check_agency_fields(fields: dict) -> None:
    if "language" in fields:
        check_choice(fields["language"], AGENCY_LANGUAGES, "--language")
    if "name_en" in fields and not fields["name_en"].strip():
        raise BadInput("--name-en cannot be empty")
    email = fields.get("email")
    if email:
        from email.utils import parseaddr

        if "@" not in parseaddr(email)[1] or any(c.isspace() for c in email.strip()):
            raise BadInput(f"{email!r} is not an e-mail address")


def add_entry(session, kind: str, slug: str, fields: dict) -> dict:
    """Add a mandate or an agency to the workspace's catalog."""
    db = session.db
    table = _KINDS[kind][0]
    check_slug(slug)
    _CHECKS[kind](fields)
    if store.get_catalog_entry(db, table, slug):
        raise BadInput(f"{kind} {slug!r} exists already; change it with '{table} edit'")
    row = {"slug": slug, **fields}
    with store.transaction(db):
        store.insert_catalog_entry(db, table, row)
        store.add_event(db, actor=session.actor, action=f"{kind}-add", details=row)
    return row


def edit_entry(session, kind: str, slug: str, fields: dict) -> dict:
    """Correct a mandate or an agency in the workspace's catalog."""
    db = session.db
    current = _lookup(db, kind, slug)
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields:
        raise BadInput("nothing to change: give at least one option")
    _CHECKS[kind](fields)
    with store.transaction(db):
        store.update_catalog_entry(db, _KINDS[kind][0], slug, fields)
        store.add_event(
            db,
            actor=session.actor,
            action=f"{kind}-edit",
            details={"slug": slug, "before": {k: current[k] for k in fields}, "after": fields},
        )
    return {**current, **fields}


# kind -> (table, error for an unknown slug, command that lists them)
_KINDS = {
    "mandate": ("mandates", UnknownMandate, "mandates WORDS"),
    "agency": ("agencies", UnknownAgency, "agencies"),
}
_CHECKS = {"mandate": _check_mandate_fields, "agency": _check_agency_fields}
