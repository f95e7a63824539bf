"""The team's server beside the embedded record: the same commands on PostgreSQL and SQLite.

For each size N (default 10 000 and 100 000) a workspace is made and filled with N synthetic
communications with 2 enquiries and answers each (common.fill), and one communication of the
benchmark's own is registered, assigned and answered through commresp's command line.  A
fresh database on the server is then set up with ``commresp server init`` and the record is
copied into it with ``commresp server import`` (its time is printed); a second folder joins
that record (``init --database-url``).  Each command is timed as a whole process in both
folders, in rounds (SQLite, then PostgreSQL, for every command):

    list, list --all --json, status, show REF, search WORD, draft REF --force, render REF

and the ratio PostgreSQL / SQLite printed, against the aim of 1.5× for the listing commands.

It needs a PostgreSQL server on which it may create databases (a superuser URL, with the
``unaccent`` extension available):

    python benchmarks/bench_postgres.py --server postgresql://postgres@/postgres?host=/tmp/pg \
        [--sizes 10000,100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
from urllib.parse import urlsplit

import common

REF = "AL BEL 9501/2025"
AGENCIES = ("myria", "federal-police")
WORD = "investigation"
LISTING = ("list", "list --all --json", "status", "show REF", "search WORD")
AIM = 1.5


def _database_url(server: str, name: str) -> str:
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def _prepare(root, env) -> None:
    """The benchmark's own communication, answered, through commresp's command line."""
    run = [common.COMMRESP, "-w", str(root)]
    for args in (
        ["register", REF, "--date", "2025-11-03", "--mandate", "trafficking:f",
         "--subject", "Forced labour on the trawler Albatros"],
        ["assign", REF, *[a for agency in AGENCIES for a in ("--agency", agency)],
         "--question", "Are the persons named known to your services?"],
        *[["answer", "add", REF, "--agency", agency, "--text",
           "An investigation was opened by the labour auditorate."] for agency in AGENCIES],
        ["draft", REF, "--date", "2025-12-10"],
    ):  # fmt: skip
        subprocess.run([*run, *args], check=True, stdout=subprocess.DEVNULL, env=env)


def _commands(root, label: str) -> list[common.Command]:
    base = [common.COMMRESP, "-w", str(root)]
    argv = {
        "list": ["list"],
        "list --all --json": ["list", "--all", "--json"],
        "status": ["status"],
        "show REF": ["show", REF],
        "search WORD": ["search", WORD],
        "draft REF --force": ["draft", REF, "--date", "2025-12-10", "--force"],
        "render REF": ["render", REF],
    }
    return [common.Command(f"{name} [{label}]", [*base, *args]) for name, args in argv.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("COMMRESP_BENCH_DATABASE_URL"))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    common.add_common_options(parser)
    options = parser.parse_args()
    if not options.server:
        raise SystemExit(
            "give a PostgreSQL server with --server URL (or COMMRESP_BENCH_DATABASE_URL): a "
            "login that may create databases, e.g. postgresql://postgres@/postgres?host=/tmp/pg"
        )
    import psycopg

    print(common.describe_machine())
    admin = psycopg.connect(options.server, autocommit=True)
    summary = []
    for n in [int(size) for size in options.sizes.split(",")]:
        name = f"commresp_bench_{n}"
        with common.temp_dir(f"commresp-pg-{n}-", options.keep) as tmp:
            env = common.bench_env(tmp, as_is=options.as_is)
            env.pop("COMMRESP_DATABASE_URL", None)
            embedded = common.make_workspace(tmp / "embedded", env)
            stats = common.fill(embedded, n, enquiries_per=2)
            print(f"\nN = {n}: filled in {stats.seconds:.1f} s")
            _prepare(embedded, env)
            admin.execute(f"drop database if exists {name} with (force)")
            admin.execute(f"create database {name}")
            url = _database_url(options.server, name)
            seconds = common.run_once([common.COMMRESP, "server", "init", url], env=env)
            print(f"  server init          {seconds:6.1f} s")
            seconds = common.run_once(
                [common.COMMRESP, "-w", str(embedded), "server", "import", url], env=env
            )
            print(f"  server import        {seconds:6.1f} s")
            served = tmp / "served"
            common.run_once(
                [common.COMMRESP, "init", str(served), "--profile", "belgium",
                 "--database-url", url],
                env=env,
            )  # fmt: skip
            commands = []
            for mine, theirs in zip(
                _commands(embedded, "sqlite"), _commands(served, "postgresql"), strict=True
            ):
                commands += [mine, theirs]
            results = common.timeit_rounds(commands, options.repeat, env=env)
            common.print_results(f"N = {n}", list(results.values()))
            for label in {c.label.split(" [")[0]: None for c in commands}:
                lite, pg = results[f"{label} [sqlite]"], results[f"{label} [postgresql]"]
                summary.append((n, label, lite, pg))
        admin.execute(f"drop database if exists {name} with (force)")
    print("\nPostgreSQL / SQLite (best runs; medians in brackets)")
    for n, label, lite, pg in summary:
        ratio = pg.min / lite.min
        aim = f"  aim {AIM}×: {'PASS' if ratio <= AIM else 'FAIL'}" if label in LISTING else ""
        print(
            f"  N={n:<7} {label:<20} {lite.min * 1000:7.0f} ms  {pg.min * 1000:7.0f} ms  "
            f"{ratio:5.2f}× ({pg.median / lite.median:.2f}×){aim}"
        )


if __name__ == "__main__":
    main()
