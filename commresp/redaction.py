"""Publication copies: confidential terms hidden, and the output checked before it is kept.

OHCHR publishes a communication and the State's reply 60 days after the letter, so names of
victims, witnesses or officials, phone numbers and the like must be removable from the copy
that is published.  What is confidential is marked two ways:

* ``||text||`` in an answer or a draft marks ``text`` (a normal render shows ``text``
  without the bars);
* a per-communication list of terms, kept with ``commresp confidential REF --add TERM``.

Every occurrence of every term and of every marked text is hidden, matching without regard
to case or accents (``Siobhán`` also hides ``SIOBHAN``), wherever it occurs, as a whole word
or as part of one.  The replacement is done on the Markdown, the header lines and the
document properties *before* rendering, so nothing of a term reaches the file; then the
file itself is checked (every XML part of the .docx, every page, link and metadata field of
the PDF: the scans are :mod:`commresp.documents.leaks`) and a file in which anything survives
is refused.

The functions on text and files are pure (no database); the operations on the record
(``listing``, ``update_terms``, ``terms_for_render``) are at the end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from commresp.errors import BadInput, DocumentError, RedactionLeak
from commresp.rules import input_text
from commresp.rules.folding import fold, mixed_scripts, skeleton, skeleton_indexed

if TYPE_CHECKING:
    from commresp.documents.leaks import Leak
    from commresp.workspace.session import Session

STYLES = ("bar", "text")
#: A fixed length, so the bar does not tell how long the hidden name was.
BAR = "\u2588" * 8
LABEL = "[redacted]"
#: Shorter terms would hide parts of ordinary words ("Li" in "police", "public").
MIN_TERM_LENGTH = 3

# ``||text||``: the text starts and ends with a non-space and holds no "|" (so "| a || b |"
# in a table is not a marker) and no blank line (a marker never spans paragraphs).
MARKER = re.compile(r"\|\|([^|\s](?:(?:(?!\n[ \t]*\n)[^|])*?[^|\s])?)\|\|")
# What is left of a marker that was not closed in its paragraph: "||" touching a word.
_STRAY_MARKER = re.compile(r"(?<![\s|])\|\|(?!\|)|(?<!\|)\|\|(?=[^\s|])")
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")


def fold_term(term: str) -> str:
    """The folded form of a term, as stored for de-duplication (case and accents ignored)."""
    return fold(term).strip()


def match_key(term: str) -> str:
    """The form of a term as it is searched for: its skeleton (:func:`skeleton`), so that
    look-alike letters of other scripts and other groupings of a number match it too."""
    return skeleton(term).strip()


# --- what is marked ------------------------------------------------------------------------


def markers(text: str) -> list[str]:
    """The texts marked ``||like this||`` in ``text``, as terms (Markdown emphasis dropped)."""
    return [" ".join(re.sub(r"[*`]", "", m.group(1)).split()) for m in MARKER.finditer(text)]


def strip_markers(text: str) -> str:
    """``text`` with the ``||`` of every marker removed, the marked text kept."""
    return MARKER.sub(r"\1", text)


def check_markers(name: str, text: str) -> None:
    """Refuse a text with a ``||`` marker not closed in its paragraph: what it was meant to
    hide cannot be known, so a publication copy of it could show it."""
    rest = MARKER.sub(" ", text)
    stray = _STRAY_MARKER.search(rest)
    if stray is not None:
        near = " ".join(rest[max(stray.start() - 20, 0) : stray.end() + 20].split())
        raise DocumentError(
            f"{name} has a ||…|| marker that is not closed in its paragraph, near {near!r}: "
            "close it with || (an empty table cell is written | |); nothing was rendered"
        )


# A word: letters and the combining accents written after them.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")


def check_lookalikes(name: str, text: str, terms: Sequence[str]) -> None:
    """Refuse a text in which a word mixing scripts (a Latin name with a Cyrillic "о" in it)
    reads as a confidential term: such a spelling hides a name from a plain search, so it is
    shown to the drafter rather than silently hidden.  Text marked ``||…||`` is hidden anyway.
    """
    text = MARKER.sub(lambda m: " " * len(m.group()), text)
    mixed = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    mixed = [(start, end, word) for start, end, word in mixed if mixed_scripts(word)]
    if not mixed:
        return
    folded, where = skeleton_indexed(text)
    for term in terms:
        key = match_key(term)
        at = folded.find(key) if key else -1
        while at != -1:
            start, end = where[at], where[at + len(key) - 1] + 1
            for word_start, word_end, word in mixed:
                if word_start < end and start < word_end:
                    scripts = " and ".join(mixed_scripts(word))
                    raise DocumentError(
                        f"{name} writes {word!r}, which mixes {scripts} letters and reads as "
                        f"the confidential term {term!r}: write it in one script, as the term "
                        "is listed, or mark it ||…||; nothing was rendered"
                    )
            at = folded.find(key, at + 1)


def collect_terms(listed: Iterable[str], texts: Iterable[str]) -> list[str]:
    """Every term to hide: the listed ones and the texts marked in ``texts``.

    One entry per folded form, longest first (so a full name is hidden before a part of
    it).  Marked texts shorter than :data:`MIN_TERM_LENGTH` are hidden where they are
    marked but not searched for elsewhere.
    """
    chosen: dict[str, str] = {}
    for term in listed:
        key = fold_term(term)
        if key:
            chosen.setdefault(key, term.strip())
    for text in texts:
        for term in markers(text):
            key = fold_term(term)
            if len(key) >= MIN_TERM_LENGTH:
                chosen.setdefault(key, term)
    return [chosen[key] for key in sorted(chosen, key=lambda k: (-len(k), k))]


def check_term(term: str) -> str:
    """A term as typed, trimmed; refuses empty and too short ones (BadInput)."""
    cleaned = " ".join(input_text.single_line(term, "--add").replace("||", "").split())
    key = fold_term(cleaned)
    if not key:
        raise BadInput(f"{term!r} is not a term to hide: give a name, a number or a phrase")
    if len(key.replace(" ", "")) < MIN_TERM_LENGTH:
        raise BadInput(
            f"{cleaned!r} is too short to hide safely: it would hide parts of other words; "
            f"add it with what surrounds it (e.g. 'Mr {cleaned}') or mark each place "
            f"||{cleaned}|| in the draft"
        )
    return cleaned


# --- hiding --------------------------------------------------------------------------------


def _replacement(style: str, markdown: bool, following: str) -> str:
    if style == "bar":
        return BAR
    if style != "text":
        raise ValueError(f"redaction style {style!r}: expected one of {', '.join(STYLES)}")
    # "[redacted](…", "[redacted][…" or "[redacted]: …" would be read as a link in Markdown.
    if markdown and following[:1] in ("(", "[", ":"):
        return r"\[redacted\]"
    return LABEL


def _term_spans(text: str, folded_terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the terms (as :func:`match_key` gives them) occur, as merged
    (start, end) index pairs."""
    folded, where = skeleton_indexed(text)
    spans = []
    for term in folded_terms:
        at = folded.find(term)
        while at != -1:
            start, end = where[at], where[at + len(term) - 1] + 1
            # Take along the combining accents and invisible characters of the last letter.
            while end < len(text) and (
                unicodedata.combining(text[end]) or unicodedata.category(text[end]) == "Cf"
            ):
                end += 1
            spans.append((start, end))
            at = folded.find(term, at + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact_text(
    text: str, terms: Sequence[str], style: str = "bar", *, markdown: bool = False
) -> str:
    """``text`` with every ``||marked||`` text and every occurrence of ``terms`` hidden.

    ``style`` is ``bar`` (a black bar of fixed length) or ``text`` (``[redacted]``).  With
    ``markdown`` the replacement is kept from being read as Markdown syntax and footnote
    labels (``[^1]``, never shown in the document) are left alone so notes stay linked.
    """
    _replacement(style, markdown, "")  # check the style before touching anything

    def marked(match: re.Match) -> str:
        return _replacement(style, markdown, match.string[match.end() : match.end() + 1])

    text = MARKER.sub(marked, text)
    folded_terms = [t for t in (match_key(term) for term in terms) if t]
    spans = _term_spans(text, folded_terms)
    if markdown:
        labels = [m.span(1) for m in _FOOTNOTE_LABEL.finditer(text)]
        spans = [(s, e) for s, e in spans if not any(ls <= s and e <= le for ls, le in labels)]
    for start, end in reversed(spans):
        text = text[:start] + _replacement(style, markdown, text[end : end + 1]) + text[end:]
    return text


def redact_markdown(markdown: str, terms: Sequence[str], style: str = "bar") -> str:
    """A Markdown draft with everything confidential hidden (see :func:`redact_text`)."""
    return redact_text(markdown, terms, style, markdown=True)


def redact_properties(
    properties: Mapping[str, str], terms: Sequence[str], style: str = "bar"
) -> dict[str, str]:
    """Document properties (title, subject, keywords, comments…) with terms hidden."""
    return {
        key: value if key == "language" else redact_text(str(value), terms, style)
        for key, value in properties.items()
    }


# --- checking the output -------------------------------------------------------------------


def docx_leaks(path: Path, terms: Sequence[str]) -> list[Leak]:
    """Every term still present in any XML part of the .docx ``path`` (text or links)."""
    from commresp.documents import leaks

    return leaks.docx_leaks(path, terms, placeholder=LABEL)


def pdf_leaks(path: Path, terms: Sequence[str]) -> list[Leak]:
    """Every term still present in the PDF ``path``: page text, links, outline, metadata."""
    from commresp.documents import leaks

    return leaks.pdf_leaks(path, terms, placeholder=LABEL)


def verify(path: Path, terms: Sequence[str], *, name: str | None = None) -> None:
    """Refuse ``path`` (.docx or .pdf) if any term survives in it: delete it and raise.

    ``name`` is the file's name in messages, when ``path`` is a temporary one.
    """
    leaks = pdf_leaks(path, terms) if path.suffix == ".pdf" else docx_leaks(path, terms)
    if not leaks:
        return
    path.unlink(missing_ok=True)
    first = leaks[0]
    more = f" (and {len(leaks) - 1} more)" if len(leaks) > 1 else ""
    raise RedactionLeak(
        f"the redacted copy {name or path.name} still showed the confidential term {first.term!r} "
        f"in {first.where}{more}, so it was deleted and nothing was recorded; write the term "
        "in the draft as it appears in the document (no formatting or entity inside it) or "
        "mark that place with ||…||, then render again"
    )


# --- the record: listed terms and marked texts ----------------------------------------------


def marked_sources(session: Session, comm: Mapping) -> list[tuple[str, str]]:
    """(where, text) of everything of a communication that may hold ``||markers||``:
    every revision of every answer and every draft, in both languages."""
    from commresp import drafting, store

    sources = [
        (f"answer of {a['agency']} (revision {a['revision']})", a["text"] or "")
        for a in store.answers_for(session.db, comm["id"])
    ]
    for kind in drafting.KINDS:
        for lang in drafting.LANGUAGES:
            path = drafting.draft_path(session, comm["slug"], kind, lang)
            if path.exists():
                sources.append((f"drafts/{path.name}", drafting.read_draft(path)))
    return sources


def terms_for_render(session: Session, comm: Mapping) -> list[str]:
    """Every term of a communication: its list and its marked texts (may be empty)."""
    from commresp import store

    listed = [row["term"] for row in store.confidential_terms(session.db, comm["id"])]
    return collect_terms(listed, (text for _, text in marked_sources(session, comm)))


# --- terms travel with the text --------------------------------------------------------------

#: Two texts share a passage when they have this many words in a row in common (folded).
SHARED_WORDS = 10


def _passages(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", fold(strip_markers(text)))
    return {
        tuple(words[i : i + SHARED_WORDS]) for i in range(max(len(words) - SHARED_WORDS + 1, 0))
    }


def carry_terms(session: Session, comm: Mapping, sources: Sequence[Mapping]) -> dict[str, list]:
    """Put every term of each source communication (listed or marked) on ``comm``'s list,
    with the reference it came from; call inside the caller's transaction, which records
    the returned ``{source ref: [terms added]}`` in its audit event."""
    from commresp import store

    by_key = {fold_term(r["term"]) for r in store.confidential_terms(session.db, comm["id"])}
    carried: dict[str, list] = {}
    for ref in dict.fromkeys(s["ref"] for s in sources if s["id"] != comm["id"]):
        source = store.get_communication(session.db, ref)
        for term in terms_for_render(session, source):
            key = fold_term(term)
            if key in by_key:
                continue
            store.add_confidential_term(
                session.db, comm["id"], term, key, session.actor, store.now(), source["ref"]
            )
            by_key.add(key)
            carried.setdefault(source["ref"], []).append(term)
    return carried


def publication_terms(
    session: Session, comm: Mapping, texts: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Every term to hide in a publication copy of ``texts`` (the drafts of ``comm``), and
    the other communications whose terms are among them.

    Terms travel with the text: besides ``comm``'s own, the terms of every communication
    whose text the drafts contain, a passage of :data:`SHARED_WORDS` words in a row shared
    with its answers, subject, summary, rendered responses or drafts.  (Sentences every
    response has in common count too: this errs on the side of hiding.)
    """
    from commresp import store

    own = terms_for_render(session, comm)
    mine = set().union(*(_passages(t) for t in texts)) if texts else set()
    borrowed: list[str] = []
    sources: list[str] = []
    for other in store.communications_with_confidential_terms(session.db, comm["id"]):
        theirs = [other["subject"] or "", other["summary"] or ""]
        theirs += [a["text"] or "" for a in store.answers_for(session.db, other["id"])]
        theirs += store.paragraph_texts(session.db, other["id"])
        theirs += [text for _, text in marked_sources(session, other)]
        if any(mine & _passages(text) for text in theirs):
            borrowed += terms_for_render(session, other)
            sources.append(other["ref"])
    return collect_terms([*own, *borrowed], ()), sources


def listing(session: Session, ref_text: str) -> list[dict]:
    """The terms on a communication's list, then the texts marked ``||…||`` and where."""
    from commresp import communications, store

    comm = communications.get(session, ref_text)
    rows = [
        {
            "term": r["term"],
            "source": f"from {r['origin']}" if r["origin"] else "list",
            "actor": r["actor"],
            "added_at": r["created_at"],
        }
        for r in store.confidential_terms(session.db, comm["id"])
    ]
    seen = {fold_term(r["term"]) for r in rows}
    for where, text in marked_sources(session, comm):
        for term in markers(text):
            key = fold_term(term)
            if key and key not in seen:
                seen.add(key)
                rows.append({"term": term, "source": where, "actor": None, "added_at": None})
    return rows


@dataclass
class Change:
    """What :func:`update_terms` did."""

    ref: str
    added: list[str]
    removed: list[str]
    already_listed: list[str]


def update_terms(
    session: Session, ref_text: str, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> Change:
    """Put terms on a communication's list and take others off, in one audited change.

    A term already on the list is left as it is; a term to remove is matched without regard
    to case or accents, and one that is not on the list is refused (nothing is changed).
    """
    from commresp import communications, store

    comm = communications.get(session, ref_text)
    cleaned = [check_term(t) for t in add]  # all checked before anything is written
    change = Change(comm["ref"], [], [], [])
    with store.transaction(session.db):
        by_key = {fold_term(r["term"]): r for r in store.confidential_terms(session.db, comm["id"])}
        missing = [t for t in remove if fold_term(t) not in by_key]
        if missing:
            raise BadInput(
                f"{missing[0]!r} is not on the confidential list of {comm['ref']}; nothing "
                f"was changed (see 'commresp confidential \"{comm['ref']}\"')"
            )
        for term in remove:
            row = by_key.pop(fold_term(term), None)
            if row is not None:
                store.remove_confidential_term(session.db, row["id"])
                change.removed.append(row["term"])
        for term in cleaned:
            key = fold_term(term)
            if key in by_key:
                change.already_listed.append(by_key[key]["term"])
                continue
            store.add_confidential_term(
                session.db, comm["id"], term, key, session.actor, store.now()
            )
            by_key[key] = {"term": term}
            change.added.append(term)
        if change.added or change.removed:
            store.add_event(
                session.db,
                actor=session.actor,
                action="confidential",
                communication_id=comm["id"],
                details={"added": change.added, "removed": change.removed},
            )
    return change
