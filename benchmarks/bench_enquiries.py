"""How long enquiries take as whole processes: forms out (assign) and answers in (import).

In a temporary workspace holding a synthetic register (``--size`` communications, see
common.fill), times in one run, stdout to /dev/null:

    python -c pass            interpreter start, the floor
    commresp --version        commresp's own start-up
    commresp assign REF --agency A1 … --agency A5 --question … --question …
                              five agencies (three French-speaking, two Dutch-speaking), each
                              a .docx form and an .eml draft; one fresh communication per run
    commresp assign REF --agency A1 --question … --question …
                              the same with one agency: the difference is what each further
                              agency costs, the rest is start-up, imports and the due date
    commresp answer import f1.docx … f20.docx
                              20 forms returned filled in (4 communications × 5 agencies),
                              typed into with python-docx as an agency would: several
                              paragraphs, a bullet list, bold; one process per batch of 20
    the same 20 files again   every one recognised as already imported, nothing added

and the per-form cost of the import.

    python benchmarks/bench_enquiries.py [--size 10000] [--repeat 5] [--batches 3]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import common

# Three French-speaking agencies and two Dutch-speaking ones; FPS Justice's Flemish desk is
# set to Dutch in the benchmark workspace (the packaged catalog has only Payoke in Dutch).
AGENCIES = ("myria", "federal-police", "immigration-office", "payoke", "fps-justice")
MADE_DUTCH = {"fps-justice"}
QUESTIONS = (
    "Are the persons named in the letter known to your services?",
    "Which measures were taken to protect the persons concerned, and on what legal basis?",
)
FORMS_PER_BATCH = 20


def _prepare_agencies(ws: Path) -> None:
    """Contact addresses for the five agencies (the e-mail drafts get a To:), one made Dutch."""
    db = common.open_db(ws)
    try:
        with db.atomic():
            for slug in AGENCIES:
                changes = {"email": f"enquiries@{slug}.example"}
                if slug in MADE_DUTCH:
                    changes["language"] = "nl"
                db["agencies"].update(slug, changes)
    finally:
        db.close()


def _fresh_refs(ws: Path, count: int) -> list[str]:
    """Communications still in 'received', newest first: each can be assigned once."""
    db = common.open_db(ws)
    try:
        refs = [
            row["ref"]
            for row in db.query(
                "select ref from communications where status = 'received' "
                "order by letter_date desc, id desc limit ?",
                [count],
            )
        ]
    finally:
        db.close()
    if len(refs) < count:
        raise SystemExit(f"only {len(refs)} communications in 'received'; need {count}")
    return refs


def _assign_argv(ws: Path, ref: str, agencies: tuple[str, ...] = AGENCIES) -> list[str]:
    argv = [common.COMMRESP, "--workspace", str(ws), "assign", ref]
    for slug in agencies:
        argv += ["--agency", slug]
    for question in QUESTIONS:
        argv += ["--question", question]
    return argv


def _forms(ws: Path, refs: list[str]) -> list[tuple[str, str, Path]]:
    """(ref, agency, form path) of every enquiry of these communications."""
    db = common.open_db(ws)
    try:
        marks = ",".join("?" * len(refs))
        rows = db.query(
            "select c.ref, c.slug, e.agency, e.form_file from enquiries e "
            f"join communications c on c.id = e.communication_id where c.ref in ({marks}) "
            "order by c.id, e.id",
            refs,
        )
        folder = ws / "correspondence"
        return [
            (r["ref"], r["agency"], folder / r["slug"] / "enquiries" / r["form_file"]) for r in rows
        ]
    finally:
        db.close()


def _fill_form(src: Path, dest: Path, ref: str, agency: str) -> Path:
    """Type the answers into a form as a person at an agency would."""
    answers = [
        [
            (
                "",
                f"The services of {agency} searched their files for the persons named in {ref}.",
                False,
            ),
            (
                "",
                "Two of the persons are known: both were heard as witnesses in 2024 and were "
                "offered the protection status that the law provides for presumed victims.",
                False,
            ),
            ("", "The third person is not known to our services. Checks were made with:", False),
            ("List Bullet", "the federal police (central file)", False),
            ("List Bullet", "the immigration office (visa and residence records)", False),
            (
                "List Bullet",
                "the specialised reception centres in Antwerp, Brussels and Liège",
                False,
            ),
            ("", "We remain available for any further question.", False),
        ],
        [
            (
                "",
                "Important: victims receive a residence permit for the length of the "
                "proceedings (articles 61/2 to 61/5 of the Law of 15 December 1980).",
                True,
            ),
            ("", "Shelter, legal aid and medical care are provided by the three centres.", False),
        ],
    ]
    return common.fill_form(src, dest, answers)


def _statuses(ws: Path, refs: list[str]) -> dict[str, int]:
    db = common.open_db(ws)
    try:
        marks = ",".join("?" * len(refs))
        return {
            r["status"]: r["n"]
            for r in db.query(
                f"select status, count(*) as n from communications where ref in ({marks}) "
                "group by status",
                refs,
            )
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="communications in the register")
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed assigns of each kind (fresh each)"
    )
    parser.add_argument("--batches", type=int, default=3, help="timed imports of 20 new forms")
    common.add_common_options(parser)
    args = parser.parse_args()
    print(common.describe_machine())
    per_batch = FORMS_PER_BATCH // len(AGENCIES)

    with common.temp_dir("commresp-bench-enquiries-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        ws = common.make_workspace(tmp / "mission", env)
        stats = common.fill(ws, args.size, enquiries_per=2)
        _prepare_agencies(ws)
        print(
            f"Workspace: {stats.communications:,} communications, {stats.enquiries:,} "
            f"enquiries, {stats.answers:,} answers (filled in {stats.seconds:.1f} s)"
        )

        baselines = [
            common.Command("python -c pass", [common.PYTHON, "-c", "pass"]),
            common.Command("commresp --version", [common.COMMRESP, "--version"]),
        ]
        results = list(common.timeit_rounds(baselines, args.repeat, env=env).values())

        # assign: one untimed warm-up, then `repeat` timed runs with five agencies and
        # `repeat` with one (the difference is the cost of each further agency), then as many
        # more five-agency runs as the import batches need (untimed); every run on a
        # communication never assigned before
        needed = max(args.repeat, args.batches * per_batch)
        refs = _fresh_refs(ws, 1 + args.repeat + needed)
        common.run_once(_assign_argv(ws, refs[0]), env=env)
        singles, assigned = refs[1 : 1 + args.repeat], refs[1 + args.repeat :]
        times = [common.run_once(_assign_argv(ws, ref), env=env) for ref in assigned[: args.repeat]]
        assign = common.summarize(f"commresp assign ({len(AGENCIES)} agencies)", times)
        times = [common.run_once(_assign_argv(ws, ref, AGENCIES[:1]), env=env) for ref in singles]
        assign_one = common.summarize("commresp assign (1 agency)", times)
        results += [assign_one, assign]
        for ref in assigned[args.repeat :]:
            common.run_once(_assign_argv(ws, ref), env=env)

        # fill every batch's forms first, then import batch by batch (one process each)
        returned = tmp / "returned"
        returned.mkdir()
        batches: list[tuple[list[str], list[Path]]] = []
        for b in range(args.batches):
            batch_refs = assigned[b * per_batch : (b + 1) * per_batch]
            paths = [
                _fill_form(
                    form, returned / f"b{b}-{form.parent.parent.name}.{agency}.docx", ref, agency
                )
                for ref, agency, form in _forms(ws, batch_refs)
            ]
            if len(paths) != FORMS_PER_BATCH:
                raise SystemExit(f"batch {b}: {len(paths)} forms, expected {FORMS_PER_BATCH}")
            batches.append((batch_refs, paths))
        import_argv = [common.COMMRESP, "--workspace", str(ws), "answer", "import"]
        times = [common.run_once([*import_argv, *map(str, paths)], env=env) for _, paths in batches]
        imported = common.summarize(f"commresp answer import ({FORMS_PER_BATCH} forms)", times)
        results.append(imported)
        again = [
            common.run_once([*import_argv, *map(str, batches[0][1])], env=env)
            for _ in range(args.repeat)
        ]
        results.append(common.summarize(f"  the same {FORMS_PER_BATCH} again (no change)", again))

        common.print_results(
            f"Whole processes ({args.size:,} communications in the register; best and median)",
            results,
            baseline="commresp --version",
        )
        # derived figures from the best runs (other processes on the machine only add time)
        version = results[1].min
        extra = (assign.min - assign_one.min) / (len(AGENCIES) - 1)
        print(
            f"\n  assign, each further agency: {extra * 1000:6.1f} ms (one form and one e-mail; "
            f"fixed part of an assign {(assign_one.min - extra) * 1000:.0f} ms)"
        )
        for label, total, count in (
            ("assign, per agency", assign.min, len(AGENCIES)),
            ("answer import, per form", imported.min, FORMS_PER_BATCH),
            ("re-import, per form", min(again), FORMS_PER_BATCH),
        ):
            print(
                f"  {label + ':':<28} {total / count * 1000:6.1f} ms "
                f"({(total - version) / count * 1000:.1f} ms above commresp's start-up)"
            )
        states = _statuses(ws, [ref for refs_, _ in batches for ref in refs_])
        print(f"\n  communications of the imported batches now: {states}")
        print(f"  load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
