"""Does each command cost what its work costs, whatever the size of the record?

For each size N (default 1 000 and 100 000) a workspace is made in a temporary folder and
filled with N synthetic communications with 5 enquiries and answers each (common.fill); the
names of the files fill records but never writes are cleared (common.forget_synthetic_files),
so that check and backup deal with the files that exist. The communications that the commands
work on are then brought to the state each command needs through commresp's own command line,
run in-process so that preparing is quick (register, assign to 5 agencies, answer add ×5,
draft, render). They are identical at every N, so every timed command does the same work at
every N.

Every command is timed as a whole process, stdout to /dev/null, in rounds (each command once
per round; round 0 is an untimed warm-up that also measures the size of the output). A
command that changes the record gets a fresh target in every round. A command whose warm-up
took more than 2 s is timed in one round only.

    --help, list, list --all --json, status, show REF, register (new REF), edit, close,
    mandates WORDS, agencies, assign REF --agency ×5, answer add, answer import FORM,
    answers REF, overdue, remind REF, export --format ics|csv, search WORD (rare, common),
    precedents REF, draft REF, render REF, send REF, mark-sent REF, report --year 2025
    --json, check, backup FILE, confidential REF --add TERM

(browse, a server, and demo, which makes its own workspace, are left out). Then the batch:
--batch communications drafted in-process (commresp's Python API) and rendered by ONE
process, ``commresp render REF1 … REFn --lang en``.

It prints, per N, the best and median of each command, then the table of best times at the
smallest and largest N with their ratio. A ratio above 1.5× is flagged unless the command's
work grows with the record by nature (said in the table).

    python benchmarks/bench_scale.py [--sizes 1000,100000] [--repeat 3] [--batch 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import common

AGENCIES = ("myria", "federal-police", "immigration-office", "payoke", "fps-justice")
QUESTIONS = (
    "Are the persons named in the letter known to your services?",
    "Which measures were taken to protect the persons concerned, and on what legal basis?",
)
MANDATES = ("trafficking:f", "slavery", "migrants")
LETTER_DATE = "2025-11-03"  # reply due 2026-01-02: open, not overdue, as of common.AS_OF
RECEIVED = "2025-11-05"
DRAFT_ON = "2025-12-10"
SENT_ON = "2025-12-12"
SUBJECT = "Forced labour of fishermen on the trawler Albatros"
SUMMARY = (
    "Alleged trafficking of migrant fishermen recruited abroad and held on board the "
    "trawler Albatros in Belgian waters."
)
# References of the benchmark's own communications, the same at every N: above any number
# fill gives (at most about 910 AL BEL letters of 2025 at N = 100 000).
TARGETS_FROM = 5001
REGISTER_FROM = 9001
BATCH_FROM = 20001
RARE_WORD = "albatros"  # only in the benchmark's own communications and answers
# in a third of fill's answers: about 1 600 at N = 1 000, 160 000 at N = 100 000
COMMON_WORD = "investigation"
SLOW_S = 2.0
FLAG_RATIO = 1.5

# What the commands that change the record need their targets to be.
STAGES = ("registered", "assigned", "answered", "drafted", "rendered")
POOLS = {
    "edit": "registered",
    "close": "registered",
    "assign": "registered",
    "answer add": "assigned",
    "answer import": "assigned",
    "remind": "assigned",
    "draft": "answered",
    "render": "drafted",
    "send": "rendered",
    "mark-sent": "rendered",
    "confidential": "rendered",
}


def answer_text(agency: str) -> str:
    """An agency's answer as Markdown: a bold heading, paragraphs, a list and a footnote."""
    return (
        f"**Findings of {agency}**\n\n"
        f"The services of {agency} searched their files for the persons named in the letter "
        "about the trawler Albatros.[^1]\n\n"
        "Two of the persons are known: both were heard as witnesses in 2024 and were offered "
        "the protection status that the law provides for presumed victims of trafficking.\n\n"
        "Checks were made with:\n\n"
        "- the federal police (central file)\n"
        "- the immigration office (visa and residence records)\n"
        "- the specialised reception centres in Antwerp, Brussels and Liège\n\n"
        "An investigation was opened by the competent prosecutor's office, and the "
        "authorities remain at the disposal of the mandate holders for any question.\n\n"
        "[^1]: Search made in the national databases on 1 December 2025."
    )


RETURNED_FORM = [
    [
        ("", "The services searched their files for the crew of the trawler Albatros.", False),
        ("", "Two of the persons are known: both were heard as witnesses in 2024.", False),
        ("", "Checks were made with:", False),
        ("List Bullet", "the federal police (central file)", False),
        ("List Bullet", "the immigration office (visa and residence records)", False),
    ],
    [
        ("", "Important: victims receive a residence permit for the proceedings.", True),
        ("", "Shelter, legal aid and medical care are provided by the three centres.", False),
    ],
]


# --- preparing, in-process ------------------------------------------------------------------


def run_cli(ws: Path, *args: str) -> None:
    """One commresp command, in this process (no start-up), output discarded; any failure
    stops the benchmark."""
    from commresp.cli import cli

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["--workspace", str(ws), *args], prog_name="commresp", standalone_mode=False)


def _register_args(ref: str) -> list[str]:
    args = ["register", ref, "--date", LETTER_DATE, "--received", RECEIVED]
    for mandate in MANDATES:
        args += ["--mandate", mandate]
    return [*args, "--subject", SUBJECT, "--summary", SUMMARY]


def _assign_args(ref: str) -> list[str]:
    args = ["assign", ref]
    for slug in AGENCIES:
        args += ["--agency", slug]
    for question in QUESTIONS:
        args += ["--question", question]
    return args


def bring(ws: Path, ref: str, stage: str) -> None:
    """Register ``ref`` and take it, through the command line, up to ``stage``."""
    steps = [[_register_args(ref)], [_assign_args(ref)]]
    steps.append(
        [["answer", "add", ref, "--agency", a, "--text", answer_text(a)] for a in AGENCIES]
    )
    steps.append([["draft", ref, "--date", DRAFT_ON]])
    steps.append([["render", ref]])
    for commands in steps[: STAGES.index(stage) + 1]:
        for args in commands:
            run_cli(ws, *args)


@dataclass
class Targets:
    show: str  # rendered: read by show, answers, precedents
    pools: dict[str, list[str]] = field(default_factory=dict)
    forms: list[Path] = field(default_factory=list)  # returned forms, one per import target


def prepare(ws: Path, runs: int, returned: Path) -> Targets:
    """The communications the timed commands work on: one to read, and for each command that
    changes the record a fresh one per round (the warm-up's included)."""
    numbers = iter(range(TARGETS_FROM, REGISTER_FROM))
    targets = Targets(show=f"AL BEL {next(numbers)}/2025")
    bring(ws, targets.show, "rendered")
    for command, stage in POOLS.items():
        targets.pools[command] = [f"AL BEL {next(numbers)}/2025" for _ in range(runs + 1)]
        for ref in targets.pools[command]:
            bring(ws, ref, stage)
    returned.mkdir()
    db = common.open_db(ws)
    try:
        for ref in targets.pools["answer import"]:
            row = next(
                db.query(
                    "select c.slug, e.form_file from enquiries e join communications c "
                    "on c.id = e.communication_id where c.ref = ? and e.agency = ?",
                    [ref, AGENCIES[0]],
                )
            )
            form = ws / "correspondence" / row["slug"] / "enquiries" / row["form_file"]
            dest = returned / f"{row['slug']}.{AGENCIES[0]}.docx"
            targets.forms.append(common.fill_form(form, dest, RETURNED_FORM))
    finally:
        db.close()
    return targets


def prepare_batch(ws: Path, count: int) -> list[str]:
    """``count`` communications registered, answered by the 5 agencies and drafted, through
    commresp's Python API in this process.  The enquiries and answers are written as fill
    writes them (rows only: drafting reads the answers' text, never their files)."""
    from commresp import communications, drafting, store
    from commresp.workspace.session import open_session

    session = open_session(str(ws))
    refs = [f"AL BEL {BATCH_FROM + i}/2025" for i in range(count)]
    choices = [communications.MandateChoice.parse(m) for m in MANDATES]
    for ref in refs:
        communications.register(
            session,
            ref,
            letter_date=date.fromisoformat(LETTER_DATE),
            received_on=date.fromisoformat(RECEIVED),
            mandates=choices,
            subject=SUBJECT,
            summary=SUMMARY,
        )
    languages = {a["slug"]: a["language"] for a in store.all_agencies(session.db)}
    stamp = store.now()
    with store.transaction(session.db):
        for ref in refs:
            comm = store.get_communication(session.db, ref)
            for agency in AGENCIES:
                text = answer_text(agency)
                enquiry_id = store.insert_enquiry(
                    session.db,
                    {
                        "communication_id": comm["id"],
                        "agency": agency,
                        "language": languages[agency],
                        "questions": json.dumps(list(QUESTIONS), ensure_ascii=False),
                        "sent_on": "2025-11-10",
                        "due_on": "2025-12-01",
                        "status": "answered",
                        "form_file": None,
                        "email_file": None,
                        "reminders": 0,
                        "created_at": stamp,
                    },
                )
                store.insert_answer(
                    session.db,
                    {
                        "enquiry_id": enquiry_id,
                        "revision": 1,
                        "received_on": "2025-11-28",
                        "text": text,
                        "source_file": "(text)",
                        "stored_file": None,
                        "sha256": f"{comm['id']:032x}{enquiry_id:032x}",
                        "actor": "benchmark",
                        "created_at": stamp,
                    },
                )
            store.update_communication(session.db, comm["id"], {"status": "answered"})
    on = date.fromisoformat(DRAFT_ON)
    for ref in refs:
        drafting.draft(session, ref, on=on)
    session.db.close()
    return refs


# --- timing -----------------------------------------------------------------------------------


@dataclass
class Spec:
    """A timed command: its argv for each round (round 0 is the warm-up), what makes it grow
    with the record when it does, and what to do after each run."""

    label: str
    argvs: list[list[str]]
    nature: str = ""
    after: Callable[[int], None] | None = None


def commands(ws: Path, targets: Targets, runs: int, tmp: Path) -> list[Spec]:
    c = [common.COMMRESP, "--workspace", str(ws)]

    def same(*args: str) -> list[list[str]]:
        return [[*c, *args]] * (runs + 1)

    def fresh(pool: str, *args: str) -> list[list[str]]:
        """``args`` with {ref} and {i} filled in for each round's own target."""
        return [
            [*c, *(a.replace("{ref}", ref).replace("{i}", str(i)) for a in args)]
            for i, ref in enumerate(targets.pools[pool])
        ]

    backups = tmp / "backups"
    backups.mkdir(exist_ok=True)
    show = targets.show
    agencies = [x for a in AGENCIES for x in ("--agency", a)]
    questions = [x for q in QUESTIONS for x in ("--question", q)]
    return [
        Spec("--help", same("--help")),
        Spec("list", same("list")),
        Spec("list --all --json", same("list", "--all", "--json"), "prints every communication"),
        Spec("status", same("status")),
        Spec("show REF", same("show", show)),
        Spec(
            "register REF (new)",
            [[*c, *_register_args(f"AL BEL {REGISTER_FROM + i}/2025")] for i in range(runs + 1)],
        ),
        Spec("edit REF --subject", fresh("edit", "edit", "{ref}", "--subject", SUBJECT + " ({i})")),
        Spec(
            "close REF --reason", fresh("close", "close", "{ref}", "--reason", "joined to another")
        ),
        Spec("mandates traite", same("mandates", "traite")),
        Spec("agencies", same("agencies")),
        Spec("assign REF --agency ×5", fresh("assign", "assign", "{ref}", *agencies, *questions)),
        Spec(
            "answer add REF --text",
            fresh(
                "answer add",
                "answer",
                "add",
                "{ref}",
                "--agency",
                AGENCIES[0],
                "--text",
                answer_text(AGENCIES[0]),
            ),
        ),
        Spec(
            "answer import FORM (1)",
            [[*c, "answer", "import", str(form)] for form in targets.forms],
        ),
        Spec("answers REF", same("answers", show)),
        Spec("overdue", same("overdue"), "lists every overdue enquiry (the open set, see below)"),
        Spec("remind REF (5 agencies)", fresh("remind", "remind", "{ref}")),
        Spec(
            "export --format ics",
            same("export", "--format", "ics"),
            "a calendar of every open communication and enquiry (the open set, see below)",
        ),
        Spec("export --format csv", same("export", "--format", "csv"), "every communication"),
        Spec(f"search {RARE_WORD} (rare)", same("search", RARE_WORD)),
        Spec(
            f"search {COMMON_WORD} (common)",
            same("search", COMMON_WORD),
            "ranks its matches, at most the newest 5 000 per table (store.fulltext.SEARCH_WINDOW)",
        ),
        Spec("precedents REF", same("precedents", show)),
        Spec("draft REF", fresh("draft", "draft", "{ref}", "--date", DRAFT_ON)),
        Spec("render REF (fr+en, 4 .docx)", fresh("render", "render", "{ref}")),
        Spec("send REF", fresh("send", "send", "{ref}")),
        Spec("mark-sent REF", fresh("mark-sent", "mark-sent", "{ref}", "--on", SENT_ON)),
        Spec(
            "report --year 2025 --json",
            same("report", "--year", "2025", "--json"),
            "every communication of the year (about N/11)",
        ),
        Spec(
            "check",
            same("check"),
            "PRAGMA integrity_check reads the whole database",
        ),
        Spec(
            "backup FILE",
            [[*c, "backup", str(backups / f"backup-{i}.zip")] for i in range(runs + 1)],
            "copies and compresses the whole database",
            after=lambda i: (backups / f"backup-{i}.zip").unlink(),
        ),
        Spec(
            "confidential REF --add TERM",
            fresh("confidential", "confidential", "{ref}", "--add", "Albatros crew {i}"),
        ),
    ]


def _run(argv: list[str], env: dict[str, str], capture: bool = False) -> tuple[float, int]:
    """Seconds one process takes (and the bytes of its output when ``capture``)."""
    started = time.perf_counter()
    proc = subprocess.run(
        argv,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)[:300]} failed ({proc.returncode}): {proc.stderr[-2000:]}"
        )
    return elapsed, len(proc.stdout) if capture else 0


@dataclass
class Timed:
    result: common.Result
    output: int  # bytes on stdout (warm-up run)
    nature: str  # why it grows with the record, when it does


@dataclass
class Size:
    """One size's workspace, its commands, and what was measured on it."""

    n: int
    ws: Path
    env: dict[str, str]
    specs: list[Spec]
    open_set: str
    warm: dict[str, tuple[float, int]] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    batch_refs: list[str] = field(default_factory=list)
    batch_s: float = 0.0

    def timed(self) -> dict[str, Timed]:
        return {
            s.label: Timed(
                common.summarize(s.label, self.times[s.label]), self.warm[s.label][1], s.nature
            )
            for s in self.specs
        }


def open_set(ws: Path) -> str:
    db = common.open_db(ws)
    try:
        comms = db.execute(
            "select count(*) from communications where status in "
            "('received', 'enquiring', 'answered', 'drafted')"
        ).fetchone()[0]
        overdue = db.execute(
            "select count(*) from enquiries where status = 'open' and due_on < ?",
            [common.AS_OF.isoformat()],
        ).fetchone()[0]
    finally:
        db.close()
    return f"{comms} open communications, {overdue} overdue enquiries"


def set_up(n: int, runs: int, tmp: Path, *, as_is: bool) -> Size:
    """The workspace of size ``n``, filled, with the commands' targets prepared."""
    env = common.bench_env(tmp, as_is=as_is)
    ws = common.make_workspace(tmp / "mission", env)
    stats = common.fill(ws, n, enquiries_per=5)
    forget = common.forget_synthetic_files(ws)
    size_mb = (ws / "commresp.db").stat().st_size / 1e6
    print(
        f"\nN = {n:,}: {stats.enquiries:,} enquiries, {stats.answers:,} answers, commresp.db "
        f"{size_mb:.0f} MB (filled in {stats.seconds:.1f} s, synthetic file names cleared in "
        f"{forget:.1f} s)",
        flush=True,
    )
    started = time.perf_counter()
    targets = prepare(ws, runs, tmp / "returned")
    print(
        f"  {1 + len(POOLS) * (runs + 1)} communications prepared through the command line "
        f"(in-process) in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    # the open set as the timed commands see it (the batch comes after them)
    return Size(n, ws, env, commands(ws, targets, runs, tmp), open_set(ws))


def time_rounds(sizes: list[Size], runs: int) -> None:
    """Round 0 untimed (warm-up, output measured); then ``runs`` rounds. In each round every
    size runs every command once, so a change of load on a shared machine falls on all
    alike; a command slower than SLOW_S in its warm-up is timed in the first round only."""
    for size in sizes:
        size.times = {s.label: [] for s in size.specs}
    for round_ in range(runs + 1):
        started = time.perf_counter()
        for size in sizes:
            for spec in size.specs:
                if round_ > 1 and size.warm[spec.label][0] > SLOW_S:
                    continue
                seconds, output = _run(spec.argvs[round_], size.env, capture=round_ == 0)
                if round_ == 0:
                    size.warm[spec.label] = (seconds, output)
                else:
                    size.times[spec.label].append(seconds)
                if spec.after:
                    spec.after(round_)
        what = "warm-up" if round_ == 0 else f"round {round_}"
        print(f"  {what} took {time.perf_counter() - started:.0f} s", flush=True)


def time_batch(sizes: list[Size], count: int) -> None:
    """Draft ``count`` communications at every size, then render them in one process each."""
    for size in sizes:
        started = time.perf_counter()
        size.batch_refs = prepare_batch(size.ws, count)
        print(
            f"  N = {size.n:,}: {count:,} communications registered, answered and drafted "
            f"in-process in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    for size in sizes:
        argv = [common.COMMRESP, "--workspace", str(size.ws), "render", *size.batch_refs]
        size.batch_s, _ = _run([*argv, "--lang", "en"], size.env)
        print(
            f"  N = {size.n:,}: commresp render REF1 … REF{count} --lang en "
            f"({2 * count:,} .docx): {size.batch_s:.1f} s, "
            f"{size.batch_s / count * 1000:.1f} ms per communication",
            flush=True,
        )


def print_comparison(first: Size, last: Size) -> None:
    a, b = first.n, last.n
    timed_a, timed_b = first.timed(), last.timed()
    width = max(len(label) for label in timed_a) + 2
    print(f"\nBest times, N = {a:,} and N = {b:,} (ratio of the best runs)")
    header = f"  {'command'.ljust(width)}{f'ms {a:,}':>12}{f'ms {b:,}':>12}{'ratio':>8}  " + (
        f"{'out KB':>15}  note"
    )
    print(header)
    print("  " + "-" * (len(header) + 40))
    flagged = []
    for label, ta in timed_a.items():
        tb = timed_b[label]
        ratio = tb.result.min / ta.result.min
        if ta.nature:
            note = f"grows by nature: {ta.nature}"
        elif ratio > FLAG_RATIO:
            note = f"FLAG: {ratio:.2f}× for the same work"
            flagged.append(label)
        else:
            note = ""
        out = f"{ta.output / 1000:.1f} → {tb.output / 1000:.1f}"
        print(
            f"  {label.ljust(width)}{ta.result.min * 1000:12.0f}{tb.result.min * 1000:12.0f}"
            f"{ratio:7.2f}×  {out:>15}  {note}"
        )
    per_a = first.batch_s / len(first.batch_refs) * 1000
    per_b = last.batch_s / len(last.batch_refs) * 1000
    label = f"render {len(first.batch_refs):,} REFs --lang en"
    ratio = last.batch_s / first.batch_s
    note = f"one process; {per_a:.1f} → {per_b:.1f} ms per communication"
    if ratio > FLAG_RATIO:
        note = f"FLAG: {ratio:.2f}× for the same work; {note}"
        flagged.append(label)
    print(
        f"  {label.ljust(width)}{first.batch_s * 1000:12.0f}{last.batch_s * 1000:12.0f}"
        f"{ratio:7.2f}×  {'':>15}  {note}"
    )
    print(f"\n  open set: N = {a:,}: {first.open_set}; N = {b:,}: {last.open_set}")
    if flagged:
        print(
            f"  flagged (over {FLAG_RATIO}× for work that does not depend on N): "
            + ", ".join(flagged)
        )
    else:
        print(f"  nothing over {FLAG_RATIO}× among the commands whose work does not depend on N")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(p.replace("_", "")) for p in text.split(",") if p.strip()],
        default=[1_000, 100_000],
        help="communications in the register, e.g. 1000,100000",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds")
    parser.add_argument("--batch", type=int, default=1_000, help="communications rendered at once")
    common.add_common_options(parser)
    args = parser.parse_args()
    print(common.describe_machine())
    # the commands run in-process to prepare see the same day and actor as the timed ones
    os.environ["COMMRESP_TODAY"] = common.AS_OF.isoformat()
    os.environ["COMMRESP_ACTOR"] = "benchmark"
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        sizes = [
            set_up(
                n,
                args.repeat,
                stack.enter_context(common.temp_dir(f"commresp-bench-scale-{n}-", args.keep)),
                as_is=args.as_is,
            )
            for n in args.sizes
        ]
        print(f"\nTiming {len(sizes[0].specs)} commands at every size, in rounds", flush=True)
        time_rounds(sizes, args.repeat)
        for size in sizes:
            common.print_results(
                f"Whole processes, N = {size.n:,} (best and median of {args.repeat} rounds "
                f"after a warm-up; 1 round for a command slower than {SLOW_S:.0f} s)",
                [t.result for t in size.timed().values()],
                baseline="--help",
            )
        print(f"\nBatch render of {args.batch:,} communications", flush=True)
        time_batch(sizes, args.batch)
        if len(sizes) > 1:
            print_comparison(sizes[0], sizes[-1])
    print(
        f"\n  whole run {time.perf_counter() - started:.0f} s; load average now "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
