"""What keeping every stored file's bytes in the record costs: size and time, before and after.

Two workspaces of ``--size`` communications (10 000 by default) in one run:

- *before*: the commit before the record kept bytes (``--base`` to choose another), extracted
  with ``git archive`` and run with PYTHONPATH, as ``bench_holidays.py`` does;
- *after*: this tree's HEAD, whose record keeps the bytes of every stored file
  (``m010_blobs``), extracted and run the same way (commit your changes first).

Each gets the synthetic register of ``common.fill`` (with enquiries and answers).  The files
of one real communication (a letter, two agencies' forms and e-mails, their answers, the six
drafts, the four rendered .docx and the e-mail to the registry: made by the real commands
in a scratch workspace) are the model of every communication's files: in *after* their bytes
are put in the record for each communication, each made unique (so no two communications
share a content, the worst case for the record's size); on disk neither workspace holds the
synthetic communications' files (they are the same in both).  Then, in rounds, as whole
processes: register (with the letter) + assign (2 agencies) + answer add (2) + draft + render
of new communications, and ``list`` and ``status``.  Printed: the database's size with and
without the bytes, the per-communication time of the five commands and the listing times,
each with its ratio to *before*.

    python benchmarks/bench_blobs.py [--size 10000] [--repeat 5] [--base COMMIT]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import time
from pathlib import Path

import common

ROOT = Path(__file__).resolve().parent.parent
BLOBS = "commresp/store/blobs.py"
AGENCIES = ("myria", "federal-police")
LETTER = (
    "Excellency,\n\nWe have the honour to address you in our capacities as Special "
    "Rapporteurs, pursuant to Human Rights Council resolutions.\n\n" + "The facts. " * 400
)


def lifecycle(argv: list[str], ws: Path, env: dict, ref: str, letter: Path) -> list[list[str]]:
    """The five commands of one communication, from its letter to its rendered documents."""
    base = [*argv, "--workspace", str(ws)]
    commands = [
        [*base, "register", ref, "--date", "2025-11-03", "--received", "2025-11-05",
         "--mandate", "trafficking:f", "--subject", "Forced labour on a trawler",
         "--letter", str(letter)],
        [*base, "assign", ref, *sum((["--agency", a] for a in AGENCIES), []),
         "--question", "Are the persons named known to your services?"],
    ]  # fmt: skip
    commands += [
        [*base, "answer", "add", ref, "--agency", a, "--text", f"{a}: no record was found."]
        for a in AGENCIES
    ]
    commands += [[*base, "draft", ref, "--date", "2025-12-10"], [*base, "render", ref]]
    return commands


def model_files(env: dict, tmp: Path, letter: Path) -> dict[str, bytes]:
    """The files one communication has once rendered and sent, by their path in its folder."""
    ws = common.make_workspace(tmp / "model", env)
    ref = "AL BEL 900/2025"
    for command in lifecycle([common.COMMRESP], ws, env, ref, letter):
        common.run_once(command, env=env)
    common.run_once([common.COMMRESP, "--workspace", str(ws), "send", ref], env=env)
    folder = ws / "correspondence" / "AL-BEL-900-2025"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def keep_bytes(ws: Path, model: dict[str, bytes]) -> float:
    """Put in the record of ``ws`` the bytes of every synthetic communication's files, as the
    commands would have (a content of its own for each); returns the seconds it took."""
    from commresp import store

    started = time.perf_counter()
    db = common.connect(ws)
    try:
        slugs = store.communication_slugs(db)
        with store.transaction(db):
            for slug in slugs:
                for name, data in model.items():
                    unique = data + slug.encode()  # no two communications share a content
                    digest = hashlib.sha256(unique).hexdigest()
                    store.put_blob(db, digest, unique)
                    store.record_file(
                        db,
                        path=f"correspondence/{slug}/{name}",
                        folder=slug,
                        sha256=digest,
                        editable=name.startswith("drafts/") and name.endswith(".md"),
                        actor="benchmark",
                        at=store.now(),
                    )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return time.perf_counter() - started


def fill(ws: Path, size: int, env: dict) -> None:
    """``common.fill`` by the code of ``env`` (PYTHONPATH): 'before' must not be migrated by
    this tree's commresp, which would add tables its own code refuses."""
    here = Path(__file__).resolve().parent
    code = (
        f"import sys; sys.path.insert(0, {str(here)!r}); import common; from pathlib import Path; "
        f"common.fill(Path({str(ws)!r}), {size}, enquiries_per=2); "
        f"common.forget_synthetic_files(Path({str(ws)!r}))"
    )
    subprocess.run([common.PYTHON, "-c", code], env=env, check=True)


def db_size(ws: Path) -> int:
    return sum(
        os.path.getsize(p)
        for p in (ws / "commresp.db", ws / "commresp.db-wal")
        if os.path.exists(p)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="communications in each")
    parser.add_argument("--repeat", type=int, default=5, help="timed communications / runs")
    parser.add_argument("--base", help="commit to compare with (default: before the bytes)")
    common.add_common_options(parser)
    args = parser.parse_args()
    base = args.base or common.commit_before_added(BLOBS)
    print(common.describe_machine())
    short = ["git", "-C", str(ROOT), "rev-parse", "--short", base]
    print(f"Before: {subprocess.check_output(short, text=True).strip()}")

    with common.temp_dir("commresp-bench-blobs-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        # both sides started alike: 'python -m commresp' on a tree extracted from git
        old_env = dict(env, PYTHONPATH=str(common.extract(base, tmp / "base")))
        env = dict(env, PYTHONPATH=str(common.extract("HEAD", tmp / "head")))
        new_argv = old_argv = [common.PYTHON, "-m", "commresp"]
        letter = tmp / "letter.txt"
        letter.write_text(LETTER, encoding="utf-8")
        model = model_files(env, tmp, letter)
        per_comm = sum(len(d) for d in model.values())
        print(f"One communication's files: {len(model)}, {per_comm / 1024:.0f} KiB")

        new_ws, old_ws = tmp / "after", tmp / "before"
        common.run_once([*old_argv, "init", str(old_ws), "--profile", "belgium"], env=old_env)
        common.make_workspace(new_ws, env)
        for ws, run_env in ((old_ws, old_env), (new_ws, env)):
            fill(ws, args.size, run_env)
        seconds = keep_bytes(new_ws, model)
        print(f"Bytes of {args.size} communications put in the record in {seconds:.1f} s")
        sizes = {"before": db_size(old_ws), "after": db_size(new_ws)}

        # whole processes, in rounds: one new communication through its five commands each
        lives: dict[str, list[float]] = {"before": [], "after": []}
        for n in range(args.repeat + 1):  # the first is a warm-up (bytecode caches)
            for label, argv, ws, run_env in (
                ("before", old_argv, old_ws, old_env),
                ("after", new_argv, new_ws, env),
            ):
                ref = f"AL BEL {1000 + n}/2025"
                took = sum(
                    common.run_once(c, env=run_env)
                    for c in lifecycle(argv, ws, run_env, ref, letter)
                )
                if n:
                    lives[label].append(took)
        # in rounds, each side under its own code
        times: dict[str, list[float]] = {}
        for n in range(args.repeat + 1):
            for what in ("list", "status"):
                for label, argv, ws, run_env in (
                    ("before", old_argv, old_ws, old_env),
                    ("after", new_argv, new_ws, env),
                ):
                    took = common.run_once([*argv, "--workspace", str(ws), what], env=run_env)
                    if n:
                        times.setdefault(f"{what}, {label}", []).append(took)
        listing = {label: common.summarize(label, t) for label, t in times.items()}

        print(f"\nDatabase at {args.size} communications")
        for label, size in sizes.items():
            print(f"  {label:<7} {size / 2**20:9.1f} MiB")
        print(f"  after / before: {sizes['after'] / sizes['before']:.1f}×, "
              f"{(sizes['after'] - sizes['before']) / args.size / 1024:.0f} KiB more per "
              "communication")  # fmt: skip
        results = [
            common.summarize("register+assign+answer×2+draft+render, before", lives["before"]),
            common.summarize("register+assign+answer×2+draft+render, after", lives["after"]),
        ]
        common.print_results(
            "One communication, five commands (whole processes, sum per communication)",
            results,
            baseline=results[0].label,
        )
        for what in ("list", "status"):
            common.print_results(
                f"commresp {what} at {args.size}",
                [listing[f"{what}, before"], listing[f"{what}, after"]],
                baseline=f"{what}, before",
            )


if __name__ == "__main__":
    main()
