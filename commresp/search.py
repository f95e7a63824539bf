"""Search the record, and find what earlier replies said that a new one can reuse.

Full-text search is SQLite FTS5 (accents and case ignored).  What a user types is never
passed to FTS5 as query syntax: it is split into words and each word is quoted, so ``AND``,
``"``, ``*`` or ``-`` are just text.  Exact phrases rank before the same words scattered.
"""

from __future__ import annotations

import re

from commresp import communications, store
from commresp.rules import text_language
from commresp.workspace.session import Session

# Words too common in these letters to say anything about a subject.
STOP_WORDS = set(
    """a an and are as at be by for from has have in is it its of on or that the their this to
    was were which with who whose been into other such these those
    au aux avec ce ces dans de des du elle en est et il ils la le les leur leurs par pour qui
    sa se ses sur un une à été""".split()
)


# Words in nearly every mandate title: they say nothing about what a letter is about.
TITLE_WORDS = set(
    """special rapporteur rapporteurs independent expert experts working group mechanism human
    rights right persons issue issues question promotion protection""".split()
)


def words(text: str) -> list[str]:
    """The words of ``text`` as FTS5's tokenizer sees them (letters and digits)."""
    return [w for w in re.findall(r"[^\W_]+", text or "") if w]


def quoted(word_list: list[str]) -> list[str]:
    return ['"' + w.replace('"', '""') + '"' for w in word_list]


def search(session: Session, query: str, *, limit: int = 20) -> list[dict]:
    """Communications, answers and response paragraphs matching every word of ``query``."""
    found = words(query)
    if not found:
        return []
    tiers = []
    if len(found) > 1:
        tiers.append('"' + " ".join(w.replace('"', '""') for w in found) + '"')
    tiers.append(" ".join(quoted(found)))
    results: list[dict] = []
    seen: set[tuple] = set()
    for match in tiers:
        tier = (
            store.search_communications(session.db, match, limit)
            + store.search_answers(session.db, match, limit)
            + store.search_paragraphs(session.db, match, limit)
        )
        for row in sorted(tier, key=lambda r: r["rank"]):
            # one hit per thing found: a communication or an answer revision matched as a
            # phrase is not shown again for its words; a response paragraph that reads the
            # same in both languages is shown once
            if row["kind"] == "response":
                key = (row["kind"], row["ref"], row["text"])
            else:
                key = (row["kind"], row["ref"], row.get("agency"), row.get("revision"))
            if key not in seen:
                seen.add(key)
                results.append(
                    {k: row.get(k) for k in ("ref", "kind", "agency", "revision", "id", "snippet")}
                )
    return results[:limit]


def precedents(session: Session, ref_text: str, *, limit: int = 10) -> list[dict]:
    """Paragraphs of earlier responses on the same mandates or subject, best first."""
    comm = communications.get(session, ref_text)
    mine = store.mandates_of(session.db, [comm["id"]]).get(comm["id"], set())
    terms = [
        w
        for w in words(f"{comm['subject']} {comm['summary']}")
        if w.casefold() not in STOP_WORDS and len(w) > 2
    ]
    for m in store.communication_mandates(session.db, comm["id"]):
        terms += [
            w
            for w in words(m["title_en"])
            if w.casefold() not in STOP_WORDS | TITLE_WORDS and len(w) > 3
        ]
    terms = list(dict.fromkeys(t.casefold() for t in terms))
    if not terms:
        return []
    rows = store.search_paragraphs(
        session.db, " OR ".join(quoted(terms)), limit * 5, exclude_communication=comm["id"]
    )
    if not rows:
        return []
    theirs = store.mandates_of(session.db, list({r["communication_id"] for r in rows}))
    for row in rows:
        shared = sorted(mine & theirs.get(row["communication_id"], set()))
        row["shared_mandates"] = shared
        # bm25 is negative (lower is better); each shared mandate counts like a strong match
        row["score"] = round(-row["rank"] + 2.0 * len(shared), 3)
    rows.sort(key=lambda r: r["score"], reverse=True)
    unique: dict[tuple[str, str], dict] = {}
    for row in rows:  # the same paragraph in both languages' responses is one precedent
        unique.setdefault((row["ref"], row["text"]), row)
    return [
        {
            "id": r["id"],
            "ref": r["ref"],
            # the paragraph's own language: a French response may quote an answer in English
            "language": text_language.guess(r["text"], r["language"]),
            "document_language": r["language"],
            "shared_mandates": r["shared_mandates"],
            "score": r["score"],
            "text": r["text"],
        }
        for r in list(unique.values())[:limit]
    ]
