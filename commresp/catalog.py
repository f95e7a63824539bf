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
from commresp.rules import holders as holder_rules
from commresp.rules import input_text
from commresp.rules.folding import fold
from commresp.rules.language import holder_title

if TYPE_CHECKING:  # only for annotations: the store imports sqlite-utils
    import sqlite_utils

HOLDER_TYPES = holder_rules.HOLDER_TYPES
GENDERS = ("f", "m", "")
MANDATE_KINDS = ("thematic", "country")
AGENCY_LANGUAGES = ("fr", "nl", "en", "es")
TITLE_LANGUAGES = ("en", "fr", "es")


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


MANDATE_SEARCH_FIELDS = ("slug", "holder_type", "country", "title_en", "title_fr", "title_es")
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


def _clean_text_fields(fields: dict, single: tuple[str, ...], multi: tuple[str, ...]) -> None:
    """Refuse line breaks and control characters at input (rules.input_text), in place."""
    for key in single + multi:
        if fields.get(key):
            check = input_text.single_line if key in single else input_text.multi_line
            fields[key] = check(str(fields[key]), f"--{key.replace('_', '-')}")


def _check_mandate_fields(fields: dict) -> None:
    _clean_text_fields(
        fields, ("holder_type", "title_en", "title_fr", "title_es", "source"), ("notes",)
    )
    if "holder_type" in fields:
        check_choice(fields["holder_type"], HOLDER_TYPES, "--holder-type")
    if "holder_gender" in fields:
        check_choice(fields["holder_gender"], GENDERS, "--gender")
    if fields.get("kind"):
        check_choice(fields["kind"], MANDATE_KINDS, "--kind")
    country = fields.get("country")
    if country:
        from commresp.workspace import packaged

        known = {row["iso3"] for row in packaged.data_csv("states.csv")} - {"OTH"}
        if country not in known:
            raise BadInput(
                f"--country {country!r} is not the ISO 3166-1 alpha-3 code of a State "
                "(e.g. IRN; see commresp/data/states.csv)"
            )
    for key in ("title_en", "title_fr"):
        if key in fields and not fields[key].strip():
            raise BadInput(f"--{key.replace('_', '-')} cannot be empty")


def mandate_detail(db: sqlite_utils.Database, slug: str) -> dict:
    """A mandate with its titles in every language and holder form, and its holders by period."""
    row = mandate(db, slug)
    personal = holder_rules.is_personal(row["holder_type"])
    titles = {}
    for lang in TITLE_LANGUAGES:
        title = row.get(f"title_{lang}") or ""
        titles[lang] = {
            "m": holder_title(title, lang, "m" if personal else None),
            "f": holder_title(title, lang, "f" if personal else None),
        }
    return {
        **row,
        "titles": titles,
        "holders": store.mandate_holders(db, [slug])[slug] if personal else [],
    }


def add_holder(session, slug: str, fields: dict) -> dict:
    """Record who held a mandate, from when to when (audited): the workspace's own knowledge
    of holders the packaged catalog lacks or has wrong."""
    from datetime import date

    db = session.db
    entry = mandate(db, slug)
    if not holder_rules.is_personal(entry["holder_type"]):
        raise BadInput(f"{slug} is a {entry['holder_type']}: it has no holder gender")
    _clean_text_fields(fields, ("name", "source"), ())
    name = (fields.get("name") or "").strip()
    if not name:
        raise BadInput("give the holder's name with --name")
    check_choice(fields.get("gender") or "", holder_rules.GENDERS, "--gender")
    start, end = fields.get("start_on"), fields.get("end_on")
    if not isinstance(start, date):
        raise BadInput("give the day the holder took office with --from YYYY-MM-DD")
    if end is not None and end < start:
        raise BadInput(f"--to {end} is before --from {start}")
    row = {
        "mandate": slug,
        "name": name,
        "gender": fields["gender"],
        "start_on": start.isoformat(),
        "end_on": end.isoformat() if end else None,
        "verified": fields.get("verified") or "",
        "source": (fields.get("source") or "").strip(),
    }
    with store.transaction(db):
        row["id"] = store.insert_mandate_holder(db, row)
        store.add_event(db, actor=session.actor, action="mandate-holder-add", details=row)
    return row


def _check_agency_fields(fields: dict) -> None:
    _clean_text_fields(fields, ("name_en", "name_fr", "name_nl", "language"), ("notes",))
    if "language" in fields:
        check_choice(fields["language"], AGENCY_LANGUAGES, "--language")
    if "name_en" in fields and not fields["name_en"].strip():
        raise BadInput("--name-en cannot be empty")
    email = fields.get("email")
    if email:
        from commresp import mail

        # one address, bare or "Name <addr>"; stored as written, display name kept
        fields["email"] = str(mail.parse_address(email, "e-mail address (--email)"))


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
