"""``backup`` of a team server's record beside the same record's embedded backup.

For each size N (default 1 000 and 10 000) two workspaces are made in a temporary folder and
filled with the same N synthetic communications, 5 enquiries and answers each (common.fill,
same seed; the file names fill records but never writes cleared, common.forget_synthetic_files):
one on the embedded SQLite record, one on a fresh database of the PostgreSQL server that
``--server URL`` names (a URL on which this user may create databases; dropped at the end).
One more communication is brought to a rendered reply in both, so that the record holds files.

Timed in rounds (one untimed warm-up), the backends alternating, as whole processes with their
peak memory (bench_backup.measure):

- ``backup FILE`` on SQLite: ``VACUUM INTO`` of the file, then the files (the baseline);
- ``backup FILE`` on the server: the record read as of one moment (repeatable read) into a
  SQLite file made by the migrations, then the files from the record's bytes;
- ``restore ARCHIVE DIR --database-url URL`` of the server's archive into an empty database
  (once per round, a fresh database each time), and ``restore ARCHIVE DIR`` of it as an
  embedded workspace, both verified as they always are.

It prints best and median seconds, the server/SQLite ratio of the best backups, peak memory,
and the sizes of both archives.

    python benchmarks/bench_server_backup.py \\
        --server 'postgresql://postgres@/postgres?host=/tmp/pg' [--sizes 1000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

import bench_backup
import common

REF = "AL BEL 900/2025"


def prepare(root: Path, n: int, env: dict[str, str]) -> None:
    """A workspace with N communications and REF rendered."""
    common.make_workspace(root, env)
    with common.environment(env):
        common.fill(root, n, enquiries_per=5)
        common.forget_synthetic_files(root)
    for argv in (
        ["register", REF, "--date", "2025-11-03", "--mandate", "trafficking:f",
         "--subject", "Forced labour of fishermen on the trawler Albatros"],
        ["assign", REF, "--agency", "myria", "--question", "Findings?", "--due", "2025-12-20"],
        ["answer", "add", REF, "--agency", "myria", "--text", "Myria found no such case."],
        ["draft", REF, "--date", "2025-12-10", "--force"],
        ["render", REF, "--lang", "en"],
    ):  # fmt: skip
        common.run_once([common.COMMRESP, "-w", str(root), *argv], env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="admin URL of a PostgreSQL server")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    common.add_common_options(parser)
    args = parser.parse_args()
    import psycopg

    print(common.describe_machine())
    admin = psycopg.connect(args.server, autocommit=True)
    made: list[str] = []

    def fresh(name: str) -> str:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
        made.append(name)
        return common.database_url(args.server, name)

    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            with common.temp_dir("bench-server-backup", args.keep) as tmp:
                sqlite_env = common.bench_env(tmp, as_is=args.as_is)
                sqlite_env.pop("COMMRESP_DATABASE_URL", None)
                url = fresh(f"commresp_bench_backup_{os.getpid()}_{n}")
                envs = {
                    "sqlite": sqlite_env,
                    "server": {**sqlite_env, "COMMRESP_DATABASE_URL": url},
                }
                for backend, env in envs.items():
                    prepare(tmp / backend, n, env)
                out = tmp / "out"
                out.mkdir()
                times: dict[str, list[bench_backup.Measure]] = {}
                sizes: dict[str, int] = {}
                for round_ in range(args.repeat + 1):
                    for backend, env in envs.items():
                        archive = out / f"{backend}-{round_}.zip"
                        argv = [common.COMMRESP, "-w", str(tmp / backend), "backup", str(archive)]
                        m = bench_backup.measure(argv, env)
                        if round_:
                            times.setdefault(f"backup [{backend}]", []).append(m)
                        sizes[backend] = archive.stat().st_size
                    archive = out / f"server-{round_}.zip"
                    target = fresh(f"commresp_bench_restore_{os.getpid()}_{n}_{round_}")
                    restores = {
                        "restore --database-url [server archive]": [
                            common.COMMRESP, "restore", str(archive), str(out / f"r{round_}"),
                            "--database-url", target,
                        ],
                        "restore as embedded [server archive]": [
                            common.COMMRESP, "restore", str(archive), str(out / f"e{round_}"),
                        ],
                    }  # fmt: skip
                    for label, argv in restores.items():
                        m = bench_backup.measure(argv, sqlite_env)
                        if round_:
                            times.setdefault(label, []).append(m)
                    for produced in out.iterdir():
                        shutil.rmtree(produced) if produced.is_dir() else produced.unlink()
                    admin.execute(f'drop database if exists "{made.pop()}" with (force)')
                base = min(m.seconds for m in times["backup [sqlite]"])
                print(f"\nN = {n:,} (best / median of {args.repeat} runs)")
                print(f"  {'command':<42} {'best s':>7} {'median s':>9} {'× SQLite':>9} {'MiB':>5}")
                for label, measures in times.items():
                    best = min(m.seconds for m in measures)
                    median = statistics.median(m.seconds for m in measures)
                    peak = max(m.peak_mib for m in measures)
                    ratio = best / base
                    print(f"  {label:<42} {best:7.2f} {median:9.2f} {ratio:8.2f}× {peak:5.0f}")
                print(
                    f"  archives: SQLite {sizes['sqlite'] / 1e6:,.1f} MB, "
                    f"server {sizes['server'] / 1e6:,.1f} MB"
                )
    finally:
        for name in made:
            admin.execute(f'drop database if exists "{name}" with (force)')
        admin.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
