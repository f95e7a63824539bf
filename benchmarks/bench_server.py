"""The team server beside the embedded record: the same commands on the same record.

For each size N (default 10 000) two workspaces are made in a temporary folder and filled
with the same N synthetic communications, 5 enquiries and answers each (common.fill, same
seed): one on the embedded SQLite record, one on a fresh database of the PostgreSQL server
that ``--server URL`` names (a URL on which this user may create databases; the database is
dropped at the end). One communication is then brought through register, assign, answer add
in both, identically.

Timed as whole processes, in rounds (common.timeit_rounds), both backends in the same run:

    list, status, show REF, search WORD (rare, common), draft REF, render REF --lang en

(draft and render write new versions on every run: the work is the same each time). It prints
the table per backend and the server/SQLite ratio of the best runs, with the issue's aim for
the listing commands (≤ 1.5×) as verdict; then, for reference, the same for the CPU time of
each commresp process (user + sys, ``os.wait4``), which the other processes of a shared
machine move far less than the wall-clock (the server's own work, in its backend, is not in
it: a few ms per listing command).

    python benchmarks/bench_server.py --server postgresql://postgres@/postgres?host=/tmp/pg \\
        [--sizes 10000,100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import common

# Above any number fill() gives (1… per type, State and year: at 100 000 communications
# Belgium's 2025 alerts reach AL BEL 908/2025, past the 900 used before).
REF = "AL BEL 900000/2025"
LISTING = ("list", "status", "show REF")


def prepare(root: Path, n: int, env: dict[str, str]) -> float:
    """A workspace with N communications and REF answered, ready to draft; fill seconds."""
    common.make_workspace(root, env)
    with common.environment(env):
        started = time.perf_counter()
        common.fill(root, n, enquiries_per=5)
        seconds = time.perf_counter() - started
    for argv in (
        [
            "register",
            REF,
            "--date",
            "2025-11-03",
            "--mandate",
            "trafficking:f",
            "--subject",
            "Forced labour of fishermen on the trawler Albatros",
        ],  # fmt: skip
        ["assign", REF, "--agency", "myria", "--question", "Findings?", "--due", "2025-12-20"],
        ["answer", "add", REF, "--agency", "myria", "--text", "Myria found no such case."],
    ):
        common.run_once([common.COMMRESP, "-w", str(root), *argv], env=env)
    return seconds


def commands(root: Path) -> list[common.Command]:
    w = [common.COMMRESP, "-w", str(root)]
    return [
        common.Command("list", [*w, "list"]),
        common.Command("status", [*w, "status"]),
        common.Command("show REF", [*w, "show", REF]),
        common.Command("search rare word", [*w, "search", "Albatros"]),
        common.Command("search common word", [*w, "search", "trafficking"]),
        common.Command("draft REF", [*w, "draft", REF, "--date", "2025-12-10", "--force"]),
        common.Command("render REF --lang en", [*w, "render", REF, "--lang", "en", "--force"]),
    ]


def run_cpu(argv, env: dict[str, str]) -> tuple[float, float]:
    """One whole process: wall-clock seconds and the CPU seconds it used (user + sys, from
    ``os.wait4``), which other processes' load moves far less than the wall-clock."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, argv))} failed: {stderr.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def time_both(
    tmp: Path, envs: dict[str, dict[str, str]], repeat: int
) -> tuple[list[common.Result], list[common.Result]]:
    """Each command on each backend, in rounds that alternate the backends (one untimed
    warm-up round), so that a change of load on a shared machine falls on both alike.
    Returns the wall-clock results and the CPU results of the commresp processes (the
    server's own work, in its backend process, is not in the latter)."""
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for round_ in range(repeat + 1):
        for backend, env in envs.items():
            for c in commands(tmp / backend):
                seconds, used = run_cpu(c.argv, env)
                if round_:
                    times.setdefault(f"{c.label} [{backend}]", []).append(seconds)
                    cpu.setdefault(f"{c.label} [{backend}]", []).append(used)
    return (
        [common.summarize(label, t) for label, t in times.items()],
        [common.summarize(label, t) for label, t in cpu.items()],
    )


def ratio_rows(tmp: Path, results: list[common.Result]):
    by_label = {r.label: r for r in results}
    return [
        (
            f"{c.label}: server / SQLite",
            by_label[f"{c.label} [server]"],
            by_label[f"{c.label} [sqlite]"],
            1.5 if c.label in LISTING else 3.0,
        )
        for c in commands(tmp / "sqlite")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="admin URL of a PostgreSQL server")
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=5)
    common.add_common_options(parser)
    args = parser.parse_args()
    import psycopg

    print(common.describe_machine())
    admin = psycopg.connect(args.server, autocommit=True)
    verdicts = []
    for n in [int(s) for s in args.sizes.split(",")]:
        name = f"commresp_bench_{os.getpid()}_{n}"
        admin.execute(f'drop database if exists "{name}"')
        admin.execute(f'create database "{name}"')
        try:
            with common.temp_dir("bench-server", args.keep) as tmp:
                sqlite_env = common.bench_env(tmp, as_is=args.as_is)
                sqlite_env.pop("COMMRESP_DATABASE_URL", None)
                url = common.database_url(args.server, name)
                envs = {
                    "sqlite": sqlite_env,
                    "server": {**sqlite_env, "COMMRESP_DATABASE_URL": url},
                }
                filled = {backend: prepare(tmp / backend, n, env) for backend, env in envs.items()}
                print(
                    f"\nN = {n}: filled in {filled['sqlite']:.1f} s (SQLite), "
                    f"{filled['server']:.1f} s (server)"
                )
                summary, cpu = time_both(tmp, envs, args.repeat)
                common.print_results(f"N = {n}, whole processes (wall-clock)", summary)
                verdicts += common.print_ratios(ratio_rows(tmp, summary))
                common.print_results(
                    f"N = {n}, CPU of the commresp process (user + sys; the server's work "
                    "is not in it)",
                    cpu,
                )
                print("\n  (CPU ratios, for reference: the verdict is on the wall-clock)")
                common.print_ratios(ratio_rows(tmp, cpu))
        finally:
            admin.execute(f'drop database if exists "{name}" with (force)')
    admin.close()
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
