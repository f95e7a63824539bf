"""PostgreSQL-specific: full-text search (``tsvector`` + ``unaccent``), beside FTS5's module.

The same semantics as :mod:`commresp.store.fulltext`: accents and case ignored, words split
where FTS5's ``unicode61`` tokenizer splits them (anything not a letter or a digit), a phrase
matches consecutive words of one field, and what the user typed never reaches the query
syntax (search builds the match from quoted words; :func:`tsquery` quotes every lexeme again).

- text is folded by ``commresp_search_text`` (ICU lower case, every run of non-alphanumerics
  one space) and parsed by the text search configuration ``commresp`` (``simple`` with the
  ``unaccent`` dictionary first: https://www.postgresql.org/docs/15/unaccent.html);
- answers and paragraphs are indexed by expression (GIN), nothing stored twice; a
  communication's text (``communication_texts``: reference, subject, summary, its mandates'
  titles, its letters) is kept in ``communication_search`` by triggers, weighted like FTS5's
  bm25 columns (reference A, subject B, summary C, mandates and letters D);
- ``rank`` is minus ``ts_rank``: lower is better, as FTS5's bm25 rank is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

EXTENSION_MISSING = (
    "the database server lacks the unaccent extension that search needs ({reason}); ask its "
    "administrator to install PostgreSQL's contrib modules (Debian: postgresql-contrib) and "
    "run 'create extension unaccent' in the database"
)

# m004/m008 on PostgreSQL: the configuration, the folding function, the indexes.
SETUP = [
    "create text search configuration commresp (copy = simple)",
    "alter text search configuration commresp alter mapping for "
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, "
    "hword_numpart with unaccent, simple",
    """create function commresp_search_text(value text) returns text
       language sql immutable parallel safe as
       $$ select lower(regexp_replace(coalesce(value, '') collate "und-x-icu",
                                      '[^[:alnum:]]+', ' ', 'g')) $$""",
    "create index answers_search on answers using gin "
    "(to_tsvector('commresp', commresp_search_text(text)))",
    "create index paragraphs_search on paragraphs using gin "
    "(to_tsvector('commresp', commresp_search_text(text)))",
]

_WEIGHTED = """setweight(to_tsvector('commresp', commresp_search_text(t.ref)), 'A')
    || setweight(to_tsvector('commresp', commresp_search_text(t.subject)), 'B')
    || setweight(to_tsvector('commresp', commresp_search_text(t.summary)), 'C')
    || setweight(to_tsvector('commresp', commresp_search_text(t.mandates)), 'D')
    || setweight(to_tsvector('commresp', commresp_search_text(t.letter)), 'D')"""

LETTER_SEARCH = [
    """create table communication_search (
         communication_id bigint primary key references communications (id) on delete cascade,
         document tsvector not null)""",
    "create index communication_search_document on communication_search using gin (document)",
    f"""create function commresp_reindex(communication bigint) returns void
        language sql as $$
          insert into communication_search (communication_id, document)
          select t.id, {_WEIGHTED} from communication_texts t where t.id = communication
          on conflict (communication_id) do update set document = excluded.document
        $$""",
    """create function commresp_reindex_row() returns trigger language plpgsql as $$
        begin
          if tg_table_name = 'communications' then
            if tg_op != 'DELETE' then perform commresp_reindex(new.id); end if;
          else
            if tg_op != 'INSERT' then perform commresp_reindex(old.communication_id); end if;
            if tg_op != 'DELETE' then perform commresp_reindex(new.communication_id); end if;
          end if;
          return null;
        end $$""",
    """create trigger communications_search after insert or update of ref, subject, summary
       on communications for each row execute function commresp_reindex_row()""",
    """create trigger communication_mandates_search after insert or update or delete
       on communication_mandates for each row execute function commresp_reindex_row()""",
    """create trigger letter_texts_search after insert or update or delete
       on letter_texts for each row execute function commresp_reindex_row()""",
    "select commresp_reindex(id) from communications",
]

# What a communication's text is made of (m008's view, with PostgreSQL's string_agg).
COMMUNICATION_TEXTS = """
create view communication_texts as
select c.id, c.ref, c.subject, c.summary,
       (select string_agg(m.title_en || ' ' || m.title_fr || ' ' || coalesce(m.title_es, ''), ' '
                          order by m.position)
        from communication_mandates m where m.communication_id = c.id) as mandates,
       (select string_agg(l.text, ' ' order by l.id) from letter_texts l
        where l.communication_id = c.id) as letter
from communications c
"""

_HEADLINE = "StartSel=[, StopSel=], MaxWords=12, MinWords=4, ShortWord=1, HighlightAll=false"


def tsquery(match: str) -> str:
    """FTS5's match (quoted phrases, ``OR``) as a tsquery text, every lexeme quoted."""
    groups: list[list[str]] = [[]]
    for phrase, operator in re.findall(r'"((?:[^"]|"")*)"|\b(OR)\b', match):
        if operator:
            groups.append([])
            continue
        words = re.findall(r"[^\W_]+", phrase.replace('""', '"'))
        if words:
            groups[-1].append(" <-> ".join(_lexeme(w) for w in words))
    alternatives = ["(" + " & ".join(f"({p})" for p in g) + ")" for g in groups if g]
    return " | ".join(alternatives)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


_QUERY = """to_tsquery('commresp', lower(cast(? as text) collate "und-x-icu"))"""


def _search(db: Any, sql: str, match: str, params: Sequence) -> list[dict]:
    text = tsquery(match)
    if not text:
        return []
    rows = list(db.query(sql.replace("{q}", _QUERY), [text, *params]))
    if "<->" in text:  # FTS5 marks a phrase once, not word by word: "[national action plan]"
        for row in rows:
            row["snippet"] = _ADJACENT.sub(r"\1", row["snippet"] or "")
    return rows


# two marked words with only spaces between them
_ADJACENT = re.compile(r"\]( +)\[")


def search_communications(db: Any, match: str, limit: int, window: int) -> list[dict]:
    return _search(
        db,
        f"""with q as (select {{q}} as q),
            hits as materialized (
              select s.communication_id as id, s.document from communication_search s, q
              where s.document @@ q.q order by s.communication_id desc limit ?),
            top as (select hits.id, ts_rank('{{0.1, 0.3, 0.5, 1.0}}', hits.document, q.q) as r
                    from hits, q order by r desc, hits.id limit ?)
            select t.ref, 'communication' as kind, null as agency,
                   ts_headline('commresp', concat_ws(' … ', t.ref, t.subject, t.summary,
                               t.mandates, t.letter), q.q, '{_HEADLINE}') as snippet,
                   -top.r as rank
            from top join communication_texts t on t.id = top.id, q
            order by top.r desc, top.id""",
        match,
        [window, limit],
    )


_ANSWER_DOC = "to_tsvector('commresp', commresp_search_text(a.text))"
_PARAGRAPH_DOC = "to_tsvector('commresp', commresp_search_text(p.text))"


def search_answers(db: Any, match: str, limit: int, window: int) -> list[dict]:
    return _search(
        db,
        f"""with q as (select {{q}} as q),
            hits as materialized (
              select a.id, a.text from answers a, q where {_ANSWER_DOC} @@ q.q
              order by a.id desc limit ?),
            top as (select a.id, a.text, ts_rank({_ANSWER_DOC}, q.q) as r
                    from hits a, q order by r desc, a.id limit ?)
            select c.ref, 'answer' as kind, e.agency, a.revision,
                   ts_headline('commresp', top.text, q.q, '{_HEADLINE}') as snippet,
                   -top.r as rank
            from top join answers a on a.id = top.id
            join enquiries e on e.id = a.enquiry_id
            join communications c on c.id = e.communication_id, q
            order by top.r desc, top.id""",
        match,
        [window, limit],
    )


def search_paragraphs(
    db: Any, match: str, limit: int, exclude_communication: int | None, window: int
) -> list[dict]:
    return _search(
        db,
        f"""with q as (select {{q}} as q),
            hits as materialized (
              select p.id, p.text from paragraphs p, q where {_PARAGRAPH_DOC} @@ q.q
              order by p.id desc limit ?),
            top as (select p.id, p.text, ts_rank({_PARAGRAPH_DOC}, q.q) as r
                    from hits p, q order by r desc, p.id limit ?)
            select p.id, c.ref, 'response' as kind, null as agency, p.language, p.text,
                   c.id as communication_id,
                   ts_headline('commresp', top.text, q.q, '{_HEADLINE}') as snippet,
                   -top.r as rank
            from top join paragraphs p on p.id = top.id
            join communications c on c.id = p.communication_id, q
            where c.id != ? order by top.r desc, top.id limit ?""",
        match,
        [window, limit + 200, exclude_communication or -1, limit],
    )


# The triggers that keep communication_search in step, row by row; set aside while a whole
# record is copied in (store.transfer.copy_record: only the owner may), then the index built
# once from the rows: a row's trigger re-reads its communication's whole text each time.
_INDEX_TRIGGERS = (
    ("communications", "communications_search"),
    ("communication_mandates", "communication_mandates_search"),
    ("letter_texts", "letter_texts_search"),
)


def suspend_index(db: Any) -> list[tuple[str, str]]:
    """Disable the search index's triggers (inside the caller's transaction); those that
    were there, for :func:`resume_index`."""
    present = {
        row[0]
        for row in db.execute(
            "select tgname from pg_trigger where not tgisinternal and tgname in (?, ?, ?)",
            [name for _table, name in _INDEX_TRIGGERS],
        ).fetchall()
    }
    suspended = [(t, n) for t, n in _INDEX_TRIGGERS if n in present]
    for table, name in suspended:
        db.execute(f"alter table {table} disable trigger {name}")
    return suspended


def resume_index(db: Any, suspended: list[tuple[str, str]]) -> None:
    """Enable the triggers again and index every communication in one statement."""
    for table, name in suspended:
        db.execute(f"alter table {table} enable trigger {name}")
    if suspended:
        db.execute(
            f"""insert into communication_search (communication_id, document)
                select t.id, {_WEIGHTED} from communication_texts t
                on conflict (communication_id) do update set document = excluded.document"""
        )
