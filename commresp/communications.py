"""Registering communications, correcting them, closing them, and seeing where they stand.

Each operation is one database transaction with its audit event; files it copies into the
workspace are written atomically and removed again if the transaction fails.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from commresp import catalog, store
from commresp.errors import BadInput, DuplicateReference, UnknownReference
from commresp.rules import deadlines, input_text, states
from commresp.rules import holders as holder_rules
from commresp.rules.language import holder_title
from commresp.rules.references import Reference, letter_date_fits, parse_reference
from commresp.workspace import INCOMING, files, working_copy
from commresp.workspace.session import Session


@dataclass(frozen=True)
class MandateChoice:
    """A mandate named on the command line: ``trafficking:f`` → slug and holder gender.

    ``source`` says who gave the gender: ``"given"`` (the user, ``:f``) or ``"letter"`` (what
    ``register --from-letter`` read in a French or Spanish title); see
    :mod:`commresp.rules.holders`.
    """

    slug: str
    gender: str | None = None
    source: str = "given"

    @classmethod
    def parse(cls, text: str) -> MandateChoice:
        slug, _, gender = text.strip().partition(":")
        gender = gender.strip().lower() or None
        if gender not in (None, "f", "m"):
            raise BadInput(
                f"{text!r}: the holder's gender after ':' must be f or m (e.g. trafficking:f)"
            )
        return cls(slug.strip().lower(), gender)


def parse_ref(session: Session, text: str) -> Reference:
    """A reference checked against the letter types and addressee codes of the profile."""
    return parse_reference(
        text,
        types=session.profile.letter_types,
        other_addressees=session.profile.other_addressees,
        today=session.today,
    )


def get(session: Session, text: str) -> dict:
    """The communication row for a loosely written reference, or :class:`UnknownReference`."""
    ref = parse_ref(session, text)
    row = store.get_communication(session.db, str(ref))
    if row is None:
        raise UnknownReference(
            f"{ref} is not registered in this workspace; see 'commresp list' "
            f"or register it with 'commresp register \"{ref}\" --date …'"
        )
    return row


TITLE_LANGUAGES = ("en", "fr", "es")


def _mandate_rows(
    session: Session,
    choices: Sequence[MandateChoice],
    titles: Mapping[str, Mapping[str, str]],
    letter_date: date,
) -> list[dict]:
    """The rows of ``communication_mandates``: for each mandate its holder gender (given, read
    in the letter, the holder in office on ``letter_date``, or the catalog's default: see
    :mod:`commresp.rules.holders`) and its title in each language, as the letter or the user
    words it, else the catalog's, agreeing with that gender."""
    if not choices:
        raise BadInput("name at least one mandate with --mandate (see 'commresp mandates')")
    titles = {
        lang: {k: input_text.single_line(v, f"--title-{lang} {k}") for k, v in given.items()}
        for lang, given in titles.items()
    }
    slugs = [c.slug for c in choices]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise BadInput(f"mandate named twice: {', '.join(repeated)}")
    for lang, given in titles.items():
        for slug in given:
            if slug not in slugs:
                raise BadInput(f"--title-{lang} names {slug!r}, which is not among --mandate")
    entries = [catalog.mandate(session.db, choice.slug) for choice in choices]
    on_record = store.mandate_holders(session.db, slugs)
    rows = []
    for choice, entry in zip(choices, entries, strict=True):
        decided = holder_rules.decide_gender(
            entry["holder_type"],
            given=choice.gender if choice.source == "given" else None,
            from_letter=choice.gender if choice.source == "letter" else None,
            holders=on_record[choice.slug],
            on=letter_date,
            catalog_default=entry["holder_gender"],
        )
        row = {
            "mandate": choice.slug,
            "holder_gender": decided.gender,
            "gender_source": decided.source,
            "holder_name": decided.holder,
        }
        for lang in TITLE_LANGUAGES:
            worded = titles.get(lang, {}).get(choice.slug)
            row[f"title_{lang}"] = worded or holder_title(
                entry.get(f"title_{lang}") or "", lang, decided.gender or None
            )
        rows.append(row)
    return rows


def _check_dates(
    session: Session,
    letter_date: date,
    received_on: date,
    ref: str,
    year: int,
    force: bool,
) -> None:
    deadlines.check_day(letter_date, "the letter date")
    deadlines.check_day(received_on, "the date of receipt")
    if letter_date > session.today:
        raise BadInput(f"the letter date {letter_date} is in the future; check --date")
    if received_on < letter_date:
        raise BadInput(
            f"received on {received_on}, before the letter's date {letter_date}; check --received"
        )
    if not force and not letter_date_fits(year, letter_date, received_on):
        raise BadInput(
            f"the letter date {letter_date} is outside {year}, the year of {ref} (a letter "
            f"dated in {year - 1} is taken when registered in January {year}); check --date "
            "and the reference, or give --force if the letter really is dated so"
        )


def register(
    session: Session,
    ref_text: str,
    *,
    letter_date: date,
    received_on: date | None = None,
    mandates: Sequence[MandateChoice],
    titles_fr: Mapping[str, str] | None = None,
    titles_en: Mapping[str, str] | None = None,
    titles_es: Mapping[str, str] | None = None,
    subject: str = "",
    summary: str = "",
    letter: Path | None = None,
    force: bool = False,
) -> dict:
    """Log a new communication; returns it as :func:`show` does.

    ``titles_*`` map a mandate's slug to its title as the letter words it in that language.
    A letter dated outside its reference's year is refused unless ``force``
    (:func:`commresp.rules.references.letter_date_fits`).
    """
    subject = input_text.single_line(subject, "--subject")
    summary = input_text.multi_line(summary, "--summary")
    ref = parse_ref(session, ref_text)
    received_on = received_on or session.today
    _check_dates(session, letter_date, received_on, str(ref), ref.year, force)
    if letter is not None and not letter.is_file():
        raise BadInput(f"letter file {letter} does not exist")
    db = session.db
    if store.get_communication(db, str(ref)) is not None:
        raise DuplicateReference(f"{ref} is already registered; see 'commresp show \"{ref}\"'")
    titles = {"en": titles_en or {}, "fr": titles_fr or {}, "es": titles_es or {}}
    mandate_rows = _mandate_rows(session, mandates, titles, letter_date)
    due = deadlines.reply_due(letter_date, session.profile.reply_days(ref.type))
    warnings = []
    if due < session.today:
        late = deadlines.days_left_words((due - session.today).days)
        warnings.append(f"the reply date {due} has already passed: the reply is {late}")
    letter_words = None
    if letter is not None:
        letter_words, unreadable = _letter_words(letter)
        if unreadable:
            warnings.append(
                f"the letter's text could not be read ({unreadable}); it is kept in "
                "incoming/, but search will not find it by its words"
            )
    stamp = store.now()
    row = {
        "ref": str(ref),
        "slug": ref.slug,
        "type": ref.type,
        "addressee": ref.addressee,
        "number": ref.number,
        "year": ref.year,
        "letter_date": letter_date.isoformat(),
        "received_on": received_on.isoformat(),
        "subject": subject.strip(),
        "summary": summary.strip(),
        "status": "received",
        "reply_due": due.isoformat(),
        "created_at": stamp,
        "updated_at": stamp,
    }
    copied: Path | None = None
    try:
        with store.transaction(db):
            comm_id = store.insert_communication(db, row, mandate_rows)
            details = {"ref": str(ref), "mandates": [m["mandate"] for m in mandate_rows]}
            if letter is not None:
                incoming = session.workspace.folder(ref.slug, INCOMING)
                incoming.mkdir(parents=True, exist_ok=True)
                copied = files.new_path(incoming, files.safe_filename(letter.name, "letter"))
                with files.atomic_writer(copied) as out, open(letter, "rb") as src:
                    shutil.copyfileobj(src, out)
                details["letter"] = copied.name
                details["letter_sha256"] = working_copy.keep(
                    db, session.workspace, copied, actor=session.actor
                )
                if letter_words:
                    store.add_letter_text(db, comm_id, copied.name, letter_words)
            store.add_event(
                db,
                actor=session.actor,
                action="register",
                communication_id=comm_id,
                details=details,
            )
    except sqlite3.IntegrityError:
        if copied is not None:
            copied.unlink(missing_ok=True)
        # a colleague registered the same letter between our check and our write
        raise DuplicateReference(
            f"{ref} is already registered; see 'commresp show \"{ref}\"'"
        ) from None
    except BaseException:
        if copied is not None:
            copied.unlink(missing_ok=True)
        raise
    return {**show(session, str(ref)), "warnings": warnings}


def fetch(session: Session, ref_text: str) -> list[working_copy.Filled]:
    """Fill this folder's copy of one communication from the record, for reading: every file
    commresp stored for it, as recorded; a draft edited here is kept as it is."""
    comm = get(session, ref_text)
    return working_copy.fetch(session, comm["slug"])


def _letter_words(letter: Path) -> tuple[str | None, str | None]:
    """The text of a letter for search, or why it could not be read (a scan, a photo…)."""
    from commresp import intake
    from commresp.errors import CommrespError

    try:
        text = intake.letter_text(letter)
    except CommrespError as exc:
        return None, str(exc).removeprefix(f"{letter}: ").removeprefix(f"{letter.name}: ")
    return (text, None) if text.strip() else (None, "it has no text layer")


def show(session: Session, ref_text: str) -> dict:
    """Everything about one communication: fields, mandates, letter files, timeline."""
    import json

    row = get(session, ref_text)
    result = with_days_left(session, {k: v for k, v in row.items() if k != "id"})
    result["mandates"] = store.communication_mandates(session.db, row["id"])
    for m in result["mandates"]:
        m["gender_from"] = holder_rules.describe_source(m, row["letter_date"])
    incoming = session.workspace.folder(row["slug"], INCOMING)
    here = {p.name for p in incoming.glob("*")} if incoming.is_dir() else set()
    # and those in the record that this folder has not fetched yet
    in_record = {
        Path(f["path"]).name
        for f in store.stored_files_in(session.db, row["slug"])
        if Path(f["path"]).parent.name == INCOMING
    }
    result["letter_files"] = sorted(here | in_record)
    # the latest clearance round: submitted to whom, approved or returned (with the comments)
    result["clearance"] = store.latest_clearance(session.db, row["id"])
    result["events"] = [
        {**e, "details": json.loads(e["details"] or "{}")}
        for e in store.events_for(session.db, row["id"])
    ]
    return result


def days_left(session: Session, row: Mapping) -> int | None:
    """Days from today to the reply date; negative when overdue, None once answered."""
    if row["status"] not in states.OPEN_STATES:
        return None
    return (date.fromisoformat(row["reply_due"]) - session.today).days


def with_days_left(session: Session, row: dict) -> dict:
    """``row`` with its ``days_left`` and the same in words (``deadline``: "12 days left",
    "437 days late"), as every command prints it."""
    row["days_left"] = days_left(session, row)
    row["deadline"] = deadlines.days_left_words(row["days_left"])
    return row


def list_page(
    session: Session,
    *,
    status: str | None = None,
    year: int | None = None,
    mandate: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """One page of communications (newest first) and how many match in all."""
    if status is not None and status not in states.STATES:
        raise BadInput(f"unknown status {status!r}: use one of {', '.join(states.STATES)}")
    if mandate is not None:
        catalog.mandate(session.db, mandate)
    rows, total = store.list_communications(
        session.db, status=status, year=year, mandate=mandate, limit=limit, offset=offset
    )
    for r in rows:
        with_days_left(session, r)
        del r["id"]
    return rows, total


def dashboard(session: Session, *, limit: int | None = 50) -> dict:
    """Open communications by urgency (overdue first, then soonest reply date)."""
    rows, total = store.open_communications(session.db, states.OPEN_STATES, limit)
    today = session.today.isoformat()
    late = store.late_agencies(session.db, [r["id"] for r in rows], today)
    for r in rows:
        with_days_left(session, r)
        r["late_agencies"] = late.get(r["id"], [])
        del r["id"]
    counts = store.count_by_status(session.db)
    by_status = {s: counts.get(s, 0) for s in states.STATES}
    return {
        "today": today,
        "total": sum(by_status.values()),
        "open": total,
        "overdue": store.count_overdue(session.db, states.OPEN_STATES, today),
        "done": sum(n for s, n in by_status.items() if s not in states.OPEN_STATES),
        "by_status": by_status,
        "communications": rows,
    }


EDITABLE = ("letter_date", "received_on", "subject", "summary")


def edit(
    session: Session,
    ref_text: str,
    *,
    changes: Mapping[str, object],
    titles_fr: Mapping[str, str] | None = None,
    titles_en: Mapping[str, str] | None = None,
    titles_es: Mapping[str, str] | None = None,
    genders: Mapping[str, str] | None = None,
    force: bool = False,
) -> dict:
    """Correct fields of a communication; the audit event keeps the old and new values.

    A corrected gender is recorded as given, and the French and Spanish titles agree with it
    (unless a corrected title is given in the same edit)."""
    row = get(session, ref_text)
    updates: dict[str, object] = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise BadInput(f"{key} cannot be edited")
        if value is None:
            continue
        if isinstance(value, date):
            updates[key] = value.isoformat()
        elif key == "summary":
            updates[key] = input_text.multi_line(str(value), "--summary")
        else:
            updates[key] = input_text.single_line(str(value), f"--{key.replace('_', '-')}")
    letter_date = date.fromisoformat(str(updates.get("letter_date", row["letter_date"])))
    received = date.fromisoformat(str(updates.get("received_on", row["received_on"])))
    if "letter_date" in updates or "received_on" in updates:
        _check_dates(session, letter_date, received, row["ref"], row["year"], force)
    if "letter_date" in updates:
        updates["reply_due"] = deadlines.reply_due(
            letter_date, session.profile.reply_days(row["type"])
        ).isoformat()
    titles = {"en": titles_en or {}, "fr": titles_fr or {}, "es": titles_es or {}}
    mandate_changes = _mandate_changes(session, row, titles, genders or {})
    if not updates and not mandate_changes:
        raise BadInput("nothing to change: give at least one option (see 'commresp edit --help')")
    before = {k: row[k] for k in updates}
    with store.transaction(session.db):
        if updates:
            store.update_communication(session.db, row["id"], updates)
        for position, fields in mandate_changes.items():
            store.update_communication_mandate(session.db, row["id"], position, fields)
        store.add_event(
            session.db,
            actor=session.actor,
            action="edit",
            communication_id=row["id"],
            details={
                "before": before,
                "after": updates,
                "mandates": {str(k): v for k, v in mandate_changes.items()},
            },
        )
    return show(session, row["ref"])


def _mandate_changes(session, row, titles, genders) -> dict[int, dict]:
    current = {m["mandate"]: m for m in store.communication_mandates(session.db, row["id"])}
    changes: dict[int, dict] = {}
    for slug in [*genders, *(s for given in titles.values() for s in given)]:
        if slug not in current:
            raise BadInput(f"{slug!r} is not a mandate of {row['ref']}")
    for slug, gender in genders.items():
        mandate = current[slug]
        if gender not in ("f", "m"):
            raise BadInput(f"gender for {slug} must be f or m")
        if not holder_rules.is_personal(mandate["holder_type"]):
            raise BadInput(f"{slug} is a {mandate['holder_type']}: it has no holder gender")
        fields = changes.setdefault(mandate["position"], {})
        fields.update(holder_gender=gender, gender_source="given", holder_name="")
        for lang in ("fr", "es"):
            if mandate[f"title_{lang}"]:
                fields[f"title_{lang}"] = holder_title(mandate[f"title_{lang}"], lang, gender)
    for lang, given in titles.items():
        for slug, value in given.items():
            value = input_text.single_line(value, f"--title-{lang} {slug}")
            changes.setdefault(current[slug]["position"], {})[f"title_{lang}"] = value
    return changes


def move(
    session: Session,
    comm: Mapping,
    to_state: str,
    action: str,
    details: Mapping[str, object],
    *,
    changes: Mapping[str, object] | None = None,
) -> None:
    """Change a communication's state, as :mod:`commresp.rules.states` allows, and write the
    operation's one audit event (its ``details``, with the state it came ``from``).

    Every state change goes through here.  Inside the caller's transaction when there is one
    (``draft`` and ``assign`` write their files and rows in one), else in a transaction of its
    own.  ``changes`` are other fields written with the state (``sent_on``…); a move to the
    state the communication is already in writes only those, and the event.
    """
    states.check_move(
        comm["ref"], comm["status"], to_state, clearance=session.profile.clearance_required
    )
    updates = dict(changes or {})
    if to_state != comm["status"]:
        updates["status"] = to_state
    db = session.db
    with contextlib.nullcontext() if db.conn.in_transaction else store.transaction(db):
        if updates:
            store.update_communication(db, comm["id"], updates)
        store.add_event(
            db,
            actor=session.actor,
            action=action,
            communication_id=comm["id"],
            details={"from": comm["status"], **details},
        )


def close(session: Session, ref_text: str, *, reason: str) -> dict:
    """Close a communication that needs no reply, with the reason on record."""
    reason = input_text.single_line(reason, "--reason")
    if not reason:
        raise BadInput("say why with --reason (e.g. --reason 'addressed to another State')")
    row = get(session, ref_text)
    move(
        session,
        row,
        "closed",
        "close",
        {"reason": reason.strip()},
        changes={"closed_reason": reason.strip()},
    )
    return show(session, row["ref"])


def mark_published(session: Session, ref_text: str, *, on: date | None = None) -> dict:
    """Record that OHCHR published the communication and the reply."""
    row = get(session, ref_text)
    on = on or session.today
    if row["sent_on"] and on < date.fromisoformat(row["sent_on"]) or on > session.today:
        raise BadInput(
            f"--on {on} must be between the day the reply was sent "
            f"({row['sent_on'] or 'not yet'}) and today"
        )
    move(
        session,
        row,
        "published",
        "mark-published",
        {"on": on.isoformat()},
        changes={"published_on": on.isoformat()},
    )
    return show(session, row["ref"])


@dataclass
class LetterPlan:
    """What ``register --from-letter`` will register: the letter's facts, overridden by the
    options the user gave, and what is still missing."""

    ref: str | None
    letter_date: date | None
    mandates: list[MandateChoice]
    titles_fr: dict[str, str]
    titles_en: dict[str, str]
    titles_es: dict[str, str]
    language: str
    found: list[str]
    missing: list[str]


def plan_from_letter(
    session: Session,
    letter: Path,
    *,
    ref_text: str | None,
    letter_date: date | None,
    mandates: Sequence[MandateChoice],
) -> LetterPlan:
    """Read a letter and combine what it says with what the user gave (the user wins)."""
    from commresp import intake

    facts = intake.find_facts(
        intake.letter_text(letter),
        store.all_mandates(session.db),
        types=session.profile.letter_types,
        other_addressees=session.profile.other_addressees,
        today=session.today,
    )
    found = []
    if facts.reference:
        found.append(f"reference {facts.reference}")
    if facts.letter_date:
        found.append(f"date {facts.letter_date.isoformat()}")
    for m in facts.mandates:
        gender = f" ({m.gender}, from the letter)" if m.gender else ""
        found.append(f"mandate {m.slug}{gender}: {m.title_fr or m.title_es or m.title_en}")
    chosen = list(mandates) or [
        MandateChoice(m.slug, m.gender or None, "letter") for m in facts.mandates
    ]
    from_letter = not mandates
    plan = LetterPlan(
        ref=ref_text or facts.reference,
        letter_date=letter_date or facts.letter_date,
        mandates=chosen,
        titles_fr={m.slug: m.title_fr for m in facts.mandates if m.title_fr and from_letter},
        titles_en={m.slug: m.title_en for m in facts.mandates if m.title_en and from_letter},
        titles_es={m.slug: m.title_es for m in facts.mandates if m.title_es and from_letter},
        language=facts.language,
        found=found,
        missing=[],
    )
    if plan.ref is None:
        plan.missing.append("reference (give it as the REF argument)")
    if plan.letter_date is None:
        plan.missing.append("date of the letter (give it with --date YYYY-MM-DD)")
    if not plan.mandates:
        plan.missing.append("mandates (give each with --mandate SLUG[:f|:m])")
    return plan
