"""Drafting: the note verbale and the response as editable Markdown, from the record.

``draft`` fills the templates with the communication, its mandates (worded as the letter
words them, with French articles and gender), the mission profile and the latest answer of
each agency, and writes ``drafts/<kind>.<lang>.md`` in every reply language.  A draft edited by hand
is never overwritten silently: the sha256 of what commresp last wrote is on record, and a
draft that no longer matches it is kept unless ``--force`` (which backs it up first).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from commresp import communications, store
from commresp.errors import BadInput, DocumentError, InvalidTransition
from commresp.rules import document_kinds, states, text_language
from commresp.rules.references import OutgoingReference, parse_outgoing
from commresp.workspace import DRAFTS, files, records, staging, working_copy
from commresp.workspace.session import Session

# The documents of a reply and their languages (defined in rules.document_kinds).
KINDS = document_kinds.REPLY
LANGUAGES = document_kinds.REPLY_LANGUAGES


@dataclass
class Draft:
    kind: str
    language: str
    path: Path
    backup: Path | None = None
    # the sections marked as in another language than the document's (see text_language)
    to_translate: list[text_language.Marked] = field(default_factory=list)


def draft_path(session: Session, slug: str, kind: str, lang: str) -> Path:
    """Where the editable draft of a document lives: ``drafts/note_verbale.fr.md``."""
    return session.workspace.folder(slug, DRAFTS) / document_kinds.draft_name(kind, lang)


def draft_to_open(session: Session, ref_text: str, kind: str, lang: str | None = None) -> Path:
    """The draft of one document (``commresp open --draft``): by default in the language it
    goes out in; a :class:`DocumentError` if it has not been drafted yet."""
    comm = communications.get(session, ref_text)
    if kind not in KINDS:
        raise BadInput(f"--kind {kind!r}: a draft is one of {', '.join(KINDS)}")
    if lang is None:
        lang = session.profile.document_language(kind)
    lang = lang.strip().lower()
    if lang not in LANGUAGES:
        raise BadInput(f"--lang {lang!r}: drafts are in {', '.join(LANGUAGES)}")
    path = working_copy.ensure(session, draft_path(session, comm["slug"], kind, lang))
    if not path.is_file():
        raise DocumentError(
            f"{comm['ref']} has no draft {path.name}; run 'commresp draft \"{comm['ref']}\"' first"
        )
    return path


def read_draft(path: Path) -> str:
    """A draft's text as any editor may have saved it (BOM, CRLF: see :func:`files.read_text`)."""
    try:
        return files.read_text(path)
    except UnicodeDecodeError:
        raise DocumentError(
            f"{path.name} is not UTF-8 text; save it again as UTF-8 (Notepad: File, Save as, "
            "Encoding UTF-8) and try again"
        ) from None


# --- outgoing references ----------------------------------------------------------------


def allocate_outgoing(session: Session, comm: dict, year: int, override: str | None) -> str:
    """The mission's reference for this communication's note verbale; call in a transaction.

    Allocated once per communication from a per-year counter (the profile's first_number
    starts each year), so two drafters never get the same number.
    """
    reference, counter = _choose_outgoing(session, comm, year, override)
    if counter is not None:
        store.bump_outgoing_counter(session.db, *counter)
    return reference


def _choose_outgoing(
    session: Session, comm: dict, year: int, override: str | None
) -> tuple[str, tuple[int, int] | None]:
    """The reference :func:`allocate_outgoing` gives, and the (year, next number) the counter
    must move to (None: no move); reads only."""
    db = session.db
    prefix = str(session.profile.get("outgoing.prefix"))
    if override is not None:
        wanted = parse_outgoing(override)
        if wanted.prefix != prefix:
            raise BadInput(f"{override!r} does not start with the mission's prefix {prefix!r}")
        owner = store.outgoing_owner(db, str(wanted))
        if owner and owner != comm["ref"]:
            raise BadInput(
                f"{wanted} is already used for {owner}; choose another number "
                "or leave --outgoing-ref out to get the next free one"
            )
        return str(wanted), (wanted.year, wanted.number + 1)
    if comm["outgoing_ref"]:
        return comm["outgoing_ref"], None
    first = int(session.profile.get("outgoing.first_number", 1))
    number = store.next_outgoing_number(db, year) or first
    while store.outgoing_owner(db, str(OutgoingReference(prefix, year, number))):
        number += 1  # a number taken by hand with --outgoing-ref
    return str(OutgoingReference(prefix, year, number)), (year, number + 1)


# --- the template context ---------------------------------------------------------------


def _sections(session: Session, comm: dict, order: Sequence[str] | None) -> list[dict]:
    latest = store.latest_answers(session.db, comm["id"])
    by_agency = {a["agency"]: a for a in latest}
    if order:
        unknown = [a for a in order if a not in by_agency]
        if unknown:
            raise BadInput(
                f"--order names {', '.join(unknown)}, which gave no answer to "
                f"{comm['ref']}; answers came from {', '.join(by_agency) or 'none'}"
            )
        chosen = [by_agency[a] for a in order]
        chosen += [a for a in latest if a["agency"] not in order]
    else:
        chosen = latest
    # an answer is in its form's language unless the identifier is sure it is not (an
    # English answer typed into a French form)
    return [
        {
            "agency": a["agency"],
            "name": a["name_en"],
            "text": as_section(a["text"], a["agency"]),
            "language": text_language.identify(a["text"], a["language"]),
        }
        for a in chosen
    ]


def _reused(session: Session, ids: Sequence[int]) -> list[dict]:
    """Paragraphs of earlier responses chosen with ``--reuse``, in the order given (each
    with ``source``, the communication it comes from: its confidential terms come along)."""
    if not ids:
        return []
    found = {p["id"]: p for p in store.get_paragraphs(session.db, ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise BadInput(f"no paragraph {', '.join(missing)} to reuse; see 'commresp precedents'")
    return [
        {
            "agency": "",
            "name": f"from {found[i]['ref']}",
            "text": found[i]["text"],
            "language": text_language.identify(found[i]["text"], found[i]["language"]),
            "source": {"id": found[i]["communication_id"], "ref": found[i]["ref"]},
        }
        for i in ids
    ]


_BOLD_LINE = re.compile(r"^\*\*([^*\n]+)\*\*$")
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")


def as_section(text: str, agency: str) -> str:
    """An answer as a section of the response: a paragraph that is all bold is a heading,
    and footnote labels are prefixed with the agency so two answers' ``[^1]`` stay apart."""
    text = _FOOTNOTE_LABEL.sub(lambda m: f"[^{agency}-{m[1]}]", text.strip())
    blocks = re.split(r"\n\s*\n", text)
    out = []
    for block in blocks:
        match = _BOLD_LINE.match(block.strip())
        out.append(f"## {match[1].strip()}" if match else block)
    return "\n\n".join(out)


def template_context(
    session: Session,
    comm: dict,
    lang: str,
    *,
    on: date,
    outgoing_ref: str,
    sections: list[dict],
    opening: str = "",
    closing: str = "",
) -> dict:
    """Everything the templates may use, worded for ``lang``.

    Every phrase naming the State, the mission, the addressee or the mandates comes from
    :mod:`commresp.rules.wording`, so that templates never build a name or an article.
    """
    from commresp.rules import language as lx
    from commresp.rules import wording
    from commresp.workspace import packaged

    p = session.profile
    mandates = packaged.with_spanish_titles(store.communication_mandates(session.db, comm["id"]))
    letter_date = date.fromisoformat(comm["letter_date"])
    names = p.mission_name(lang)
    mission = {
        "full": wording.mission(names, lang, start=True),
        "short": wording.mission(names, lang, short=True, start=True),
        "city": p.city(lang),
    }
    the_addressee = p.addressee_name(lang)
    addressee = {
        "to": wording.to(the_addressee, lang),
        "the": wording.phrase(the_addressee, lang),
        "name": the_addressee.text,
        "email": p.get("addressee.email", ""),
    }
    the_state = p.state_name(lang)
    state = {
        "name": wording.phrase(the_state, lang),
        "subject": wording.state_subject(the_state, lang),
        "of": wording.of_state(the_state, lang),
        "government": wording.government_of(the_state, lang),
        "of_government": wording.of_government(the_state, lang),
        "response_of": wording.response_of(the_state, lang),
        "plural": the_state.plural,
        # the verbs the State is the subject of: {{ state.verb("attacher") }} → "attachent"
        "verb": lambda infinitive: wording.state_verb(the_state, lang, infinitive),
    }
    return {
        "ref": comm["ref"],
        "type": comm["type"],
        "addressee_code": comm["addressee"],
        "number": comm["number"],
        "year": comm["year"],
        "subject": comm["subject"] or "",
        "summary": comm["summary"] or "",
        "letter_date": lx.long_date(letter_date, lang),
        "date": lx.long_date(on, lang),
        "outgoing_ref": outgoing_ref,
        "kind": lx.communication_kind(len(mandates), lang),
        "mandates": wording.mandates(mandates, lang),
        "mission": mission,
        "addressee": addressee,
        "state": state,
        "sections": sections,
        "opening": opening.strip(),
        "closing": closing.strip(),
    }


# --- draft --------------------------------------------------------------------------------


def _edited_by_hand(session: Session, comm_id: int, path: Path, kind: str, lang: str) -> bool:
    if not path.exists():
        return False
    recorded = store.latest_document(session.db, comm_id, kind, lang, "md", False)
    return recorded is None or recorded["sha256"] != files.sha256_file(path)


def draft(
    session: Session,
    ref_text: str,
    *,
    on: date | None = None,
    outgoing_ref: str | None = None,
    order: Sequence[str] | None = None,
    opening: str | Mapping[str, str] = "",
    closing: str | Mapping[str, str] = "",
    reuse: Sequence[int] = (),
    force: bool = False,
) -> list[Draft]:
    """Write the Markdown drafts of both documents in every reply language (fr, en, es).

    ``opening`` and ``closing`` replace the response's template paragraphs: one text (for the
    language the response goes out in) or a text per language.  A section whose text is in
    another language than its document's is marked there (:func:`marked`).

    Everything is read and decided inside the write transaction, so two drafts of one
    communication run one after the other: the second waits, then reuses the outgoing number
    the first allocated.  The six texts are rendered first, outside it, from what the
    record says then; inside, they are rendered again only if the record changed meanwhile
    (another drafter took that number), so the lock is held for the writes, not for six
    templates.  The writes are ordered so that a failure at any point (a full disk) leaves
    every earlier file as it was: the copies of hand-edited drafts are written and synced
    first, as new files; the new drafts are written beside the old ones, and replace them as
    the transaction's last step (put back if one of them cannot be replaced).
    """
    from commresp import redaction

    on = on or session.today
    # a first reading, outside the lock; the transaction below decides
    early = _plan(session, ref_text, on, order, reuse, outgoing_ref)
    # this copy's drafts in step with the record (a draft edited here and by a colleague is
    # refused, both texts kept); one edited here is kept as a backup (recorded) with --force
    working_copy.sync_drafts(session, [path for _, _, path in early.targets])
    early_texts = _render_texts(session, early, on, opening, closing)
    result: list[Draft] = []
    with staging.transaction(session.db, working_copy.recorder(session)) as staged:
        plan = _plan(session, ref_text, on, order, reuse, outgoing_ref)
        comm, sections, targets = plan.comm, plan.sections, plan.targets
        states.check_move(comm["ref"], comm["status"], "drafted")
        asked = store.enquiries_for(session.db, comm["id"])
        waiting = [e["agency"] for e in asked if e["status"] == "open"]
        if waiting and not force:
            raise InvalidTransition(
                f"{len(waiting)} of {len(asked)} agencies have not answered: "
                f"{', '.join(waiting)}; use --force to draft anyway"
            )
        if on < date.fromisoformat(comm["letter_date"]):
            raise BadInput(f"the draft date {on} is before the letter's date {comm['letter_date']}")
        edited = [
            path
            for kind, lang, path in targets
            if _edited_by_hand(session, comm["id"], path, kind, lang)
        ]
        if edited and not force:
            raise DocumentError(
                f"{edited[0].name} was edited by hand since it was drafted; nothing was "
                "changed (use --force to draft again, keeping the edited file as a backup)"
            )
        outgoing = allocate_outgoing(session, comm, on.year, outgoing_ref)  # == plan.outgoing
        texts = early_texts if plan == early else _render_texts(session, plan, on, opening, closing)
        # terms travel with the text: a reused paragraph brings its case's terms along
        carried = redaction.carry_terms(
            session, comm, [s["source"] for s in sections if "source" in s]
        )
        if outgoing != comm["outgoing_ref"]:
            store.update_communication(session.db, comm["id"], {"outgoing_ref": outgoing})
        # 1. each hand-edited draft is copied to a new file, on disk before anything changes
        backups = {
            path: staged.create(path.parent, f"{kind}.{lang}.edited.md", path.read_bytes())
            for kind, lang, path in targets
            if path in edited
        }
        # 2. the new drafts are written beside the old ones, which are not touched yet
        for kind, lang, path in targets:
            staged_text = staged.replace(path, texts[(kind, lang)].encode("utf-8"))
            version = records.next_version(session, comm["id"], kind, lang, "md", False)
            records.record_document(
                session, comm["id"], kind, lang, version, "md", path, content=staged_text
            )
            marks = text_language.untranslated(texts[(kind, lang)])
            result.append(Draft(kind, lang, path, backups.get(path), marks))
        communications.move(
            session,
            comm,
            "drafted",
            "draft",
            {
                "date": on.isoformat(),
                "outgoing_ref": outgoing,
                "sections": [s["agency"] for s in sections],
                "backups": [d.backup.name for d in result if d.backup],
            }
            | ({"confidential_from": carried} if carried else {}),
        )
        # 3. last, still inside the transaction: a draft that cannot be replaced (open in
        # another program) puts the others back, and nothing is recorded
        staged.publish(before_commit=True)
    return result


@dataclass(frozen=True)
class _Plan:
    """What the drafts' texts are made from, as the record says at one moment."""

    comm: dict
    sections: list
    targets: list
    outgoing: str


def _plan(
    session: Session,
    ref_text: str,
    on: date,
    order: Sequence[str] | None,
    reuse: Sequence[int],
    outgoing_ref: str | None,
) -> _Plan:
    comm = communications.get(session, ref_text)
    targets = [
        (kind, lang, draft_path(session, comm["slug"], kind, lang))
        for kind in KINDS
        for lang in LANGUAGES
    ]
    return _Plan(
        comm=dict(comm),
        sections=_sections(session, comm, order) + _reused(session, reuse),
        targets=targets,
        outgoing=_choose_outgoing(session, comm, on.year, outgoing_ref)[0],
    )


def _render_texts(
    session: Session,
    plan: _Plan,
    on: date,
    opening: str | Mapping[str, str],
    closing: str | Mapping[str, str],
) -> dict[tuple[str, str], str]:
    from commresp.documents import templating
    from commresp.workspace import templates

    search = templates.search_path(session.workspace)
    openings = per_language(session, opening)
    closings = per_language(session, closing)
    texts = {}
    for kind, lang, _path in plan.targets:
        context = template_context(
            session,
            plan.comm,
            lang,
            on=on,
            outgoing_ref=plan.outgoing,
            sections=[marked(section, lang) for section in plan.sections],
            opening=openings.get(lang, ""),
            closing=closings.get(lang, ""),
        )
        text = templating.render(document_kinds.template_name(kind, lang), context, search)
        texts[(kind, lang)] = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return texts


def per_language(session: Session, text: str | Mapping[str, str]) -> dict[str, str]:
    """An opening or closing paragraph per language: a mapping as it is, and a single text as
    the one of the language the response goes out in (the profile's)."""
    if isinstance(text, str):
        lang = session.profile.document_language(document_kinds.RESPONSE)
        return {lang: text} if text.strip() else {}
    return {lang: value for lang, value in text.items() if value.strip()}


def marked(section: dict, lang: str) -> dict:
    """A section as it goes into a document in ``lang``: preceded by a marker line
    (``<!-- to translate: en → fr (federal-police) -->``) when its text is in another
    language, so that the drafter sees it, ``render`` lists it and ``send`` refuses it."""
    source = section.get("language") or lang
    if source == lang:
        return section
    line = text_language.marker(source, lang, section["agency"] or section["name"])
    return section | {"text": f"{line}\n\n{section['text']}", "translate_from": source}


_RENDERED_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<lang>[a-z]{2})\.")


@dataclass
class FromDocx:
    draft: Draft
    accepted: list[str]  # tracked changes and comments accepted with --accept-changes
    note: str | None = None  # a clearance voided


def from_docx(
    session: Session,
    ref_text: str,
    source: Path,
    *,
    kind: str | None = None,
    lang: str | None = None,
    accept_changes: bool = False,
) -> FromDocx:
    """Read a reply edited in Word back into its Markdown draft (the previous one kept as
    ``<kind>.<lang>.vN.md``); refused while tracked changes or comments remain, unless
    ``accept_changes``."""
    from commresp import clearance
    from commresp.documents.edited_reply import read_edited_reply

    comm = communications.get(session, ref_text)
    states.check_move(comm["ref"], comm["status"], "drafted")
    named = _RENDERED_NAME.match(Path(source).name)
    kind = kind or (named["kind"] if named else None)
    lang = (lang or (named["lang"] if named else "")).lower() or None
    if kind not in KINDS or lang not in LANGUAGES:
        raise BadInput(
            f"say which draft {Path(source).name} replaces with --kind "
            f"({' or '.join(KINDS)}) and --lang ({' or '.join(LANGUAGES)})"
        )
    edited = read_edited_reply(Path(source))
    if edited.pending and not accept_changes:
        raise DocumentError(
            f"{Path(source).name} still has {len(edited.pending)} tracked changes or comments "
            f"({'; '.join(edited.pending)}); accept or reject them in Word (Review), or "
            "use --accept-changes; nothing was changed"
        )
    path = draft_path(session, comm["slug"], kind, lang)
    previous = path.read_bytes() if path.exists() else None
    written: list[Path] = []
    try:
        with store.transaction(session.db):
            backup = None
            if path.exists():  # each earlier draft kept: .v1.md, .v2.md…
                number = len(list(path.parent.glob(f"{kind}.{lang}.v*.md"))) + 1
                backup = files.new_path(path.parent, f"{kind}.{lang}.v{number}.md")
                files.write_bytes(backup, path.read_bytes())
                written.append(backup)
                working_copy.keep(session.db, session.workspace, backup, actor=session.actor)
            # Not recorded as commresp's own draft: a later 'draft' sees it as edited by hand
            # and keeps it unless --force (which backs it up), so Word's edits are never lost.
            # Word keeps no HTML comment: the sections marked to translate stay marked
            markdown = edited.markdown
            if previous is not None:
                before = previous.decode("utf-8", errors="replace")
                markdown = text_language.carry_markers(before, markdown)
            files.write_text(path, markdown)
            working_copy.keep(session.db, session.workspace, path, actor=session.actor)
            note = clearance.void(session, comm, because="edited in Word")
            communications.move(
                session,
                comm,
                "drafted",
                "draft-from-docx",
                {
                    "file": Path(source).name,
                    "draft": path.name,
                    "backup": backup.name if backup else None,
                    "accepted": edited.pending if accept_changes else [],
                }
                | ({"voided": comm["status"]} if note else {}),
            )
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        if previous is not None:  # the draft as it was: nothing changed
            files.write_bytes(path, previous)
        else:
            path.unlink(missing_ok=True)
        raise
    return FromDocx(Draft(kind, lang, path, backup), edited.pending, note)
