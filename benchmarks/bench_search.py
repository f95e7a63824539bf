"""How long search, precedents and the yearly report take on a large record.

A workspace is filled with ``--size`` synthetic communications (common.fill, 5 enquiries per
communication, the answers with text), and every sent or published communication gets a
rendered English response: a ``documents`` row and 2–5 paragraphs in ``paragraphs`` (what
``commresp render`` keeps for ``precedents``), written in one transaction, the FTS triggers
keeping ``paragraphs_fts`` in step. The paragraphs are built from a vocabulary of response
sentences, with the words of the communication's mandates, and a few rare place names that
each appear in a handful of paragraphs.

In-process (the Session opened once with ``open_session``, then each call timed many times):

    search  RARE              a place name in 5 paragraphs             target < 50 ms
    search  COMMON            a word in most paragraphs                target < 200 ms
    search  PHRASE            two words, in about 8 % of paragraphs as a phrase
    search  the               (for information) a word in nearly every row of all three tables
    precedents REF            an open communication on common mandates
    figures.report(session, 2025)

and as whole processes (stdout to /dev/null, in rounds): ``commresp search …``,
``commresp precedents REF`` and ``commresp report --year 2025 --json``, with ``python -c
pass`` and ``commresp --version`` as baselines.

    python benchmarks/bench_search.py [--size 100000] [--repeat 5] [--iterations 20]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import common

RARE = "Steenokkerzeel"
COMMON = "authorities"
PHRASE = "referral mechanism"
WORST = "the"
TARGETS_MS = {"rare": 50.0, "common": 200.0}
YEAR = 2025

# --- the responses' paragraphs ------------------------------------------------------------

# The rare words: names of places, each written into RARE_COUNT paragraphs and nowhere else.
RARE_WORDS = (RARE, "Merksplas", "Vottem", "Holsbeek", "Zelzate", "Kapellen", "Beveren")
RARE_COUNT = 5
SUBJECTS = (
    "The competent authorities",
    "The Belgian authorities",
    "The federal authorities",
    "The judicial authorities",
    "The Government",
    "The Federal Police",
    "The public prosecutor's office",
    "The labour inspectorate",
    "The Immigration Office",
    "The Federal Public Service Justice",
)
# The first sentence of most paragraphs names the authorities (COMMON).
AUTHORITY_SUBJECTS = SUBJECTS[:4]
VERBS = (
    "examined",
    "reviewed",
    "investigated",
    "monitored",
    "assessed",
    "documented",
    "followed up",
    "addressed",
    "clarified",
    "took note of",
)
OBJECTS = (
    "the situation of the persons concerned",
    "the allegations contained in the communication",
    "the conditions of detention in the centres concerned",
    "the identification of victims of trafficking in human beings",
    "the protection of human rights defenders and their families",
    "the rights of migrants during return procedures",
    "the freedom of expression of journalists covering demonstrations",
    "the access of asylum seekers to legal aid and interpretation",
    "the care of unaccompanied minors placed in reception facilities",
    "the prevention of torture and other ill-treatment in custody",
    "the working conditions of domestic workers employed by diplomats",
    "the reasonable accommodation of persons with disabilities",
)
CIRCUMSTANCES = (
    "in accordance with the law",
    "within the time limits set by law",
    "in close cooperation with civil society organisations",
    "under the supervision of an investigating judge",
    "in line with international human rights standards",
    "as part of the national action plan",
    "with the support of the specialised reception centres",
    "after consulting the Federal Migration Centre Myria",
    "on the basis of the information available at this stage",
    "in the framework of the European Union's legislation",
)
FACTS = (
    "Between {a} and {b}, {n} cases were referred to the prosecutor's office.",
    "In {b}, {n} persons received a residence permit as presumed victims.",
    "Training sessions were organised for {n} front-line officers in {b}.",
    "The budget of the programme was raised to EUR {n} million for {b}.",
    "An evaluation of the measures taken since {a} is under way.",
    "The legislation adopted in {a} was amended in {b} following an evaluation.",
)
REFERRAL = (
    "Presumed victims are directed to the specialised centres through the national "
    "referral mechanism, which the authorities revised in {b}."
)
REFERRAL_APART = (  # the two words of PHRASE, not as a phrase
    "A referral to the competent services takes place within 24 hours, and a monitoring "
    "mechanism follows each case.",
)
RARE_SENTENCE = "A visit to the closed centre of {place} took place in {b}."
MANDATE_SENTENCE = (
    "The authorities took due note of the concerns of the {title}, and wish to provide the "
    "following information."
)


def _sentence(rng: random.Random, subjects=SUBJECTS) -> str:
    return (
        f"{rng.choice(subjects)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(CIRCUMSTANCES)}."
    )


def _paragraph(rng: random.Random, year: int) -> str:
    parts = [_sentence(rng, AUTHORITY_SUBJECTS if rng.random() < 0.8 else SUBJECTS[4:])]
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.3:
            parts.append(rng.choice(FACTS).format(a=year - 3, b=year - 1, n=rng.randint(3, 400)))
        else:
            parts.append(_sentence(rng))
    if rng.random() < 0.08:
        parts.insert(rng.randint(1, len(parts)), REFERRAL.format(b=year - 1))
    elif rng.random() < 0.08:
        parts.insert(rng.randint(1, len(parts)), REFERRAL_APART[0])
    return " ".join(parts)


def add_responses(root: Path, seed: int = 2025) -> tuple[int, int, float]:
    """A rendered English response (a documents row and its paragraphs) for every sent or
    published communication; returns (responses, paragraphs, seconds)."""
    from commresp import store

    started = time.perf_counter()
    rng = random.Random(seed)
    db = common.connect(root)
    try:
        titles: dict[int, list[str]] = {}
        for row in db.query(
            "select communication_id, title_en from communication_mandates order by position"
        ):
            titles.setdefault(row["communication_id"], []).append(row["title_en"])
        sent = list(
            db.query(
                "select id, slug, sent_on from communications "
                "where status in ('sent', 'published') order by id"
            )
        )
        documents, paragraphs = [], []
        for document_id, comm in enumerate(sent, 1):
            year = int(comm["sent_on"][:4])
            documents.append(
                {
                    "id": document_id,
                    "communication_id": comm["id"],
                    "kind": "response",
                    "language": "en",
                    "version": 1,
                    "format": "docx",
                    "path": f"correspondence/{comm['slug']}/out/response.en.v1.docx",
                    "sha256": hashlib.sha256(comm["slug"].encode()).hexdigest(),
                    "redacted": 0,
                    "actor": "benchmark",
                    "created_at": f"{comm['sent_on']}T10:00:00+00:00",
                }
            )
            title = rng.choice(titles[comm["id"]])
            texts = [MANDATE_SENTENCE.format(title=title) + " " + _paragraph(rng, year)]
            texts += [_paragraph(rng, year) for _ in range(rng.randint(1, 4))]
            paragraphs.extend(
                {
                    "communication_id": comm["id"],
                    "document_id": document_id,
                    "language": "en",
                    "position": position,
                    "text": text,
                }
                for position, text in enumerate(texts, 1)
            )
        # the rare place names, each in a handful of paragraphs
        for place in RARE_WORDS:
            for p in rng.sample(paragraphs, RARE_COUNT):
                p["text"] += " " + RARE_SENTENCE.format(place=place, b=rng.randint(2015, 2025))
        with store.transaction(db):
            db["documents"].insert_all(documents, batch_size=1000)
            db["paragraphs"].insert_all(paragraphs, batch_size=1000)
    finally:
        db.close()
    return len(documents), len(paragraphs), time.perf_counter() - started


# --- helpers --------------------------------------------------------------------------------


def _precedent_ref(db) -> tuple[str, list[str]]:
    """The newest open communication on trafficking and at least one other mandate."""
    row = next(
        iter(
            db.query(
                """select c.id, c.ref from communications c
                   where c.status in ('answered', 'drafted', 'enquiring')
                     and exists (select 1 from communication_mandates m
                                 where m.communication_id = c.id and m.mandate = 'trafficking')
                     and (select count(*) from communication_mandates m
                          where m.communication_id = c.id) >= 2
                   order by c.letter_date desc, c.id desc limit 1"""
            )
        ),
        None,
    )
    if row is None:  # a small register: any open communication with mandates will do
        row = next(
            iter(
                db.query(
                    "select id, ref from communications where status in "
                    "('answered', 'drafted', 'enquiring') order by letter_date desc limit 1"
                )
            )
        )
    mandates = [
        r["mandate"]
        for r in db.query(
            "select mandate from communication_mandates where communication_id = ? "
            "order by position",
            [row["id"]],
        )
    ]
    return row["ref"], mandates


def _match_counts(db, query: str) -> dict[str, int]:
    """Rows of each full-text table that hold every word of ``query``."""
    from commresp import search

    match = " ".join(search.quoted(search.words(query)))
    return {
        table: db.execute(
            f"select count(*) from {table}_fts where {table}_fts match ?", [match]
        ).fetchone()[0]
        for table in ("communications", "answers", "paragraphs")
    }


def _time_calls(
    fn: Callable[[], object], iterations: int, budget_s: float = 20.0
) -> tuple[list[float], object]:
    """``fn`` once untimed, then up to ``iterations`` timed calls (at least 3, and no more
    once ``budget_s`` is spent)."""
    result = fn()
    times: list[float] = []
    spent = 0.0
    while len(times) < iterations and (len(times) < 3 or spent < budget_s):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return times, result


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="communications")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds of whole processes")
    parser.add_argument("--iterations", type=int, default=20, help="in-process calls of each")
    common.add_common_options(parser)
    args = parser.parse_args()
    print(common.describe_machine())

    with common.temp_dir("commresp-bench-search-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        ws = common.make_workspace(tmp / "mission", env)
        stats = common.fill(ws, args.size, enquiries_per=5)
        responses, paragraph_count, seconds = add_responses(ws)
        size_mb = (ws / "commresp.db").stat().st_size / 1e6
        print(
            f"Workspace: {stats.communications:,} communications, {stats.enquiries:,} enquiries, "
            f"{stats.answers:,} answers (filled in {stats.seconds:.1f} s); {responses:,} "
            f"responses with {paragraph_count:,} paragraphs (added in {seconds:.1f} s); "
            f"commresp.db {size_mb:.0f} MB"
        )

        from commresp import search, store
        from commresp.reporting import figures
        from commresp.workspace.session import open_session

        os.environ["COMMRESP_TODAY"] = common.AS_OF.isoformat()
        session = open_session(str(ws))
        ref, mandates = _precedent_ref(session.db)
        queries = [
            ("rare", f"search {RARE}", RARE),
            ("common", f"search {COMMON}", COMMON),
            ("phrase", f"search {PHRASE}", PHRASE),
            ("worst", f"search {WORST}", WORST),
        ]
        print("\nRows holding every word of each query (FTS5 match), of all rows:")
        totals = {
            t: session.db.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("communications", "answers", "paragraphs")
        }
        print(f"  {'query':<28} " + "  ".join(f"{t:>15}" for t in totals))
        print(f"  {'(all rows)':<28} " + "  ".join(f"{n:>15,}" for n in totals.values()))
        for _key, label, query in queries:
            counts = _match_counts(session.db, query)
            print(f"  {label:<28} " + "  ".join(f"{counts[t]:>15,}" for t in totals))

        results: list[common.Result] = []
        by_key: dict[str, common.Result] = {}
        found: dict[str, int] = {}
        for key, label, query in queries:
            times, rows = _time_calls(lambda q=query: search.search(session, q), args.iterations)
            by_key[key] = common.summarize(label, times)
            results.append(by_key[key])
            found[label] = len(rows)
            if key == "common":  # where a common word's time goes: one query per table
                match = " ".join(search.quoted(search.words(query)))
                for table, fn in (
                    ("communications", store.search_communications),
                    ("answers", store.search_answers),
                    ("paragraphs", store.search_paragraphs),
                ):
                    times, _ = _time_calls(
                        lambda f=fn, m=match: f(session.db, m, 20), args.iterations
                    )
                    results.append(common.summarize(f"  of which {table}", times))
        label = f"precedents {ref} ({', '.join(mandates)})"
        times, rows = _time_calls(lambda: search.precedents(session, ref), args.iterations)
        results.append(common.summarize(label, times))
        found[label] = len(rows)
        label = f"figures.report(session, {YEAR})"
        times, data = _time_calls(lambda: figures.report(session, YEAR), args.iterations)
        results.append(common.summarize(label, times))
        found[label] = len(data["communications"])
        common.print_results(
            f"In-process, N = {args.size:,} (one Session; best and median of the timed calls)",
            results,
        )
        print("  rows returned: " + "; ".join(f"{k.split(' (')[0]} {n}" for k, n in found.items()))
        print()
        verdicts = []
        for key, target in TARGETS_MS.items():
            r = by_key[key]
            ok = r.min * 1000 < target
            verdicts.append(ok)
            print(
                f"  {r.label:<28} best {r.min * 1000:7.1f} ms, median {r.median * 1000:7.1f} ms"
                f"  target < {target:.0f} ms  {'PASS' if ok else 'FAIL'}"
            )
        session.db.close()

        w = [common.COMMRESP, "--workspace", str(ws)]
        commands = [
            common.Command("python -c pass", [common.PYTHON, "-c", "pass"]),
            common.Command("commresp --version", [common.COMMRESP, "--version"]),
            common.Command(f"commresp search {RARE}", [*w, "search", RARE]),
            common.Command(f"commresp search {COMMON}", [*w, "search", COMMON]),
            common.Command(f"commresp search {PHRASE}", [*w, "search", *PHRASE.split()]),
            common.Command(f"commresp precedents {ref}", [*w, "precedents", ref]),
            common.Command(
                f"commresp report --year {YEAR} --json",
                [*w, "report", "--year", str(YEAR), "--json"],
            ),
        ]
        process = common.timeit_rounds(commands, args.repeat, env=env)
        common.print_results(
            f"Whole processes, N = {args.size:,} (best and median of {args.repeat} rounds after "
            "a warm-up)",
            list(process.values()),
            baseline="commresp --version",
        )
        print(f"\n{sum(verdicts)} of {len(verdicts)} targets met")
        print(f"load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
