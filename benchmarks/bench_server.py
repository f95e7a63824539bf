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
the listing commands (≤ 1.5×) as verdict.

    python benchmarks/bench_server.py --server postgresql://postgres@/postgres?host=/tmp/pg \\
        [--sizes 10000,100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import common

# Above any number fill() gives (1… per type, State and year: at 100 000 communications
# Belgium's 2025 alerts reach AL BEL 908/2025, past the 900 used before).
REF = "AL BEL 900000/2025"
LISTING = ("list", "status", "show REF")


def _database_url(server: str, name: str) -> str:
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def prepare(root: Path, n: int, env: dict[str, str]) -> float:
    """A workspace with N communications and REF answered, ready to draft; fill seconds."""
    common.make_workspace(root, env)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # fill() connects as commresp would in this environment
    try:
        started = time.perf_counter()
        common.fill(root, n, enquiries_per=5)
        seconds = time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved)
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


def time_both(tmp: Path, envs: dict[str, dict[str, str]], repeat: int) -> list[common.Result]:
    """Each command on each backend, in rounds that alternate the backends (one untimed
    warm-up round), so that a change of load on a shared machine falls on both alike."""
    times: dict[str, list[float]] = {}
    for round_ in range(repeat + 1):
        for backend, env in envs.items():
            for c in commands(tmp / backend):
                seconds = common.run_once(c.argv, env=env)
                if round_:
                    times.setdefault(f"{c.label} [{backend}]", []).append(seconds)
    return [common.summarize(label, t) for label, t in times.items()]


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
                url = _database_url(args.server, name)
                envs = {
                    "sqlite": sqlite_env,
                    "server": {**sqlite_env, "COMMRESP_DATABASE_URL": url},
                }
                filled = {backend: prepare(tmp / backend, n, env) for backend, env in envs.items()}
                print(
                    f"\nN = {n}: filled in {filled['sqlite']:.1f} s (SQLite), "
                    f"{filled['server']:.1f} s (server)"
                )
                summary = time_both(tmp, envs, args.repeat)
                common.print_results(f"N = {n}, whole processes", summary)
                by_label = {r.label: r for r in summary}
                rows = [
                    (
                        f"{c.label}: server / SQLite",
                        by_label[f"{c.label} [server]"],
                        by_label[f"{c.label} [sqlite]"],
                        1.5 if c.label in LISTING else 3.0,
                    )
                    for c in commands(tmp / "sqlite")
                ]
                verdicts += common.print_ratios(rows)
        finally:
            admin.execute(f'drop database if exists "{name}" with (force)')
    admin.close()
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
