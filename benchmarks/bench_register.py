"""How long the register commands take as whole processes, on large synthetic registers.

For each size N a workspace is made in a temporary folder (``commresp init --profile
belgium``, then N communications written in bulk, see common.fill) and these are timed in one
run, in rounds (each command once per round), stdout to /dev/null:

    python -c pass                    interpreter start, the floor
    sqlite-utils tables commresp.db   the reference: a small click + sqlite-utils CLI
    commresp --help
    commresp list                     first page (50), newest letter first
    commresp status                   open communications, overdue first
    commresp list --json
    commresp list (terminal)          the same on a pseudo-terminal (rich table), for information

then the ratios to ``sqlite-utils tables`` against their targets, and at the largest N what
``commresp list`` spends importing (``python -X importtime -m commresp list``).

    python benchmarks/bench_register.py [--sizes 10000,100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

import common

TARGETS = (
    ("commresp list", 1.5),
    ("commresp status", 1.5),
    ("commresp --help", 1.2),
)
REFERENCE = "sqlite-utils tables"


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _check(ws: Path, env: dict[str, str], expected: int) -> None:
    """The workspace holds what was written (a wrong fill would make the figures meaningless)."""
    out = subprocess.run(
        [common.COMMRESP, "--workspace", str(ws), "list", "--json", "--limit", "1"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    total = json.loads(out)["total"]
    if total != expected:
        raise SystemExit(f"the workspace lists {total} communications, not {expected}")


def bench_size(
    n: int, repeat: int, enquiries: int, *, as_is: bool, keep: bool, show_imports: bool
) -> list[bool]:
    with common.temp_dir(f"commresp-bench-{n}-", keep) as tmp:
        env = common.bench_env(tmp, as_is=as_is)
        ws = common.make_workspace(tmp / "mission", env)
        stats = common.fill(ws, n, enquiries_per=enquiries)
        size_mb = (ws / "commresp.db").stat().st_size / 1e6
        print(
            f"\n=== N = {n:,} communications ({stats.mandate_rows:,} mandate rows, "
            f"{stats.enquiries:,} enquiries, {stats.answers:,} answers, {stats.open} open; "
            f"commresp.db {size_mb:.0f} MB, filled in {stats.seconds:.1f} s)"
        )
        _check(ws, env, n)
        w = ["--workspace", str(ws)]
        commands = [
            common.Command("python -c pass", [common.PYTHON, "-c", "pass"]),
            common.Command(REFERENCE, [common.SQLITE_UTILS, "tables", "commresp.db"]),
            common.Command("commresp --help", [common.COMMRESP, "--help"]),
            common.Command("commresp list", [common.COMMRESP, *w, "list"]),
            common.Command("commresp status", [common.COMMRESP, *w, "status"]),
            common.Command("commresp list --json", [common.COMMRESP, *w, "list", "--json"]),
            common.Command("commresp list (terminal)", [common.COMMRESP, *w, "list"], tty=True),
        ]
        results = common.timeit_rounds(commands, repeat, env=env, cwd=ws)
        common.print_results(
            f"Whole processes, N = {n:,} (best and median of {repeat} rounds after a warm-up)",
            list(results.values()),
            baseline=REFERENCE,
        )
        verdicts = common.print_ratios(
            [
                (f"{label} / {REFERENCE}", results[label], results[REFERENCE], target)
                for label, target in TARGETS
            ]
        )
        if show_imports:
            rows = common.importtime(["-m", "commresp", *w, "list"], env=env, cwd=ws)
            common.print_importtime(
                f"python -X importtime -m commresp list, N = {n:,}: top 10 by cumulative time "
                "(best of 3 runs per module)",
                rows,
            )
        return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[10_000, 100_000], help="e.g. 10000,100000")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds")
    parser.add_argument(
        "--enquiries", type=int, default=2, help="enquiries (and answers) per communication"
    )
    common.add_common_options(parser)
    args = parser.parse_args()
    print(common.describe_machine())
    verdicts = []
    for n in args.sizes:
        verdicts += bench_size(
            n,
            args.repeat,
            args.enquiries,
            as_is=args.as_is,
            keep=args.keep,
            show_imports=n == max(args.sizes),
        )
    print(f"\n{sum(verdicts)} of {len(verdicts)} targets met")
    print(f"load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
