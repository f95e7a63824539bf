"""What does ``commresp backup`` cost beside SQLite's own copy, and does its memory stay flat?

For each size N (default 10 000 and 100 000) a workspace is made in a temporary folder and
filled with N synthetic communications with 5 enquiries and answers each (common.fill), the
names of the files fill records but never writes cleared (common.forget_synthetic_files), so
that the backup copies the database and the few files that exist.  Then, in rounds (each
command once per round, round 0 an untimed warm-up), three whole processes are measured:

- ``commresp backup FILE``;
- the baseline: ``VACUUM INTO`` of the same database by a bare Python process (the consistent
  copy every backup starts with);
- for reference, ``VACUUM INTO`` followed by deflating the copy into a zip at the level the
  backup uses (what compressing the database alone costs).

Each process is timed wall-clock and its peak resident memory read from the kernel's
accounting of that child (``os.wait4``: ``ru_maxrss``), by a small launcher process.  The
script prints, per N, the best and median time, the ratio of the backup's best to the
baseline's best, the peak memory, and the sizes of the database and the archive; then the
backup's memory at the largest N beside the smallest.

    python benchmarks/bench_backup.py [--sizes 10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import common

VACUUM = "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('VACUUM INTO ?', [sys.argv[2]])"
VACUUM_AND_DEFLATE = """
import os, sqlite3, sys, zipfile
sqlite3.connect(sys.argv[1]).execute('VACUUM INTO ?', [sys.argv[2]])
level = int(sys.argv[3])
with zipfile.ZipFile(sys.argv[2] + '.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
    zf.write(sys.argv[2], 'commresp.db')
os.unlink(sys.argv[2])
"""


@dataclass
class Measure:
    seconds: float
    peak_mib: float


# A small launcher starts each measured process: a child's peak memory counts the pages of
# the process it was forked from, and this script holds the whole synthetic register.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
if code:
    sys.stderr.write(proc.stderr.read().decode()[-2000:])
    sys.exit(code)
print(elapsed, usage.ru_maxrss)
"""


def measure(argv: list[str], env: dict[str, str]) -> Measure:
    """One whole process: wall-clock seconds and peak resident memory (MiB)."""
    done = subprocess.run(
        [common.PYTHON, "-c", LAUNCHER, *argv], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr}")
    elapsed, peak = done.stdout.split()
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 / (1 << 20) if sys.platform == "darwin" else 1 / 1024
    return Measure(float(elapsed), int(peak) * scale)


def run_size(n: int, repeat: int, tmp: Path, env: dict[str, str]) -> dict:
    from commresp.maintenance import backups

    ws = common.make_workspace(tmp / f"ws-{n}", env)
    stats = common.fill(ws, n, enquiries_per=5)
    common.forget_synthetic_files(ws)
    db = ws / "commresp.db"
    conn = common.open_db(ws)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(
        f"N = {n:,}: {stats.communications:,} communications, {stats.enquiries:,} enquiries, "
        f"{stats.answers:,} answers; database {db.stat().st_size / 1e6:,.0f} MB",
        flush=True,
    )
    out = tmp / f"out-{n}"
    out.mkdir()
    commands = {
        "backup FILE": lambda i: [common.COMMRESP, "-w", str(ws), "backup", str(out / f"b{i}.zip")],
        "VACUUM INTO (baseline)": lambda i: [
            common.PYTHON,
            "-c",
            VACUUM,
            str(db),
            str(out / f"v{i}.db"),
        ],
        "VACUUM INTO + deflate": lambda i: [
            common.PYTHON,
            "-c",
            VACUUM_AND_DEFLATE,
            str(db),
            str(out / f"d{i}.db"),
            str(backups.COMPRESS_LEVEL),
        ],
    }
    results: dict[str, list[Measure]] = {label: [] for label in commands}
    sizes = {}
    for round_ in range(repeat + 1):
        for label, argv in commands.items():
            m = measure(argv(round_), env)
            if round_:
                results[label].append(m)
        sizes = {
            "archive": (out / f"b{round_}.zip").stat().st_size,
            "vacuum": (out / f"v{round_}.db").stat().st_size,
            "deflated": (out / f"d{round_}.db.zip").stat().st_size,
        }
        for produced in out.iterdir():
            produced.unlink()
    return {"n": n, "results": results, "sizes": sizes, "db": db.stat().st_size}


def report(run: dict) -> None:
    results = run["results"]
    base = min(m.seconds for m in results["VACUUM INTO (baseline)"])
    print(f"\nN = {run['n']:,} (best / median of {len(results['backup FILE'])} runs)")
    print(f"  {'command':<24} {'best s':>8} {'median s':>9} {'× baseline':>11} {'peak MiB':>9}")
    for label, measures in results.items():
        best = min(m.seconds for m in measures)
        median = statistics.median(m.seconds for m in measures)
        peak = max(m.peak_mib for m in measures)
        print(f"  {label:<24} {best:8.2f} {median:9.2f} {best / base:10.2f}× {peak:9.0f}")
    sizes = run["sizes"]
    print(
        f"  sizes: database {run['db'] / 1e6:,.0f} MB, VACUUM INTO copy "
        f"{sizes['vacuum'] / 1e6:,.0f} MB, backup archive {sizes['archive'] / 1e6:,.0f} MB, "
        f"deflated copy {sizes['deflated'] / 1e6:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    common.add_common_options(parser)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(common.describe_machine())
    with common.temp_dir("bench-backup-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        runs = [run_size(n, args.repeat, tmp, env) for n in sizes]
    for run in runs:
        report(run)
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        peak = {r["n"]: max(m.peak_mib for m in r["results"]["backup FILE"]) for r in (first, last)}
        print(
            f"\nbackup's peak memory: {peak[first['n']]:.0f} MiB at N = {first['n']:,}, "
            f"{peak[last['n']]:.0f} MiB at N = {last['n']:,} "
            f"({peak[last['n']] / peak[first['n']]:.2f}×)"
        )


if __name__ == "__main__":
    main()
