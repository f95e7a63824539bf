"""`assign` to one agency before and after loading only the mission's country of `holidays`.

0.1 counted an enquiry's working days with ``holidays.country_holidays(code)``, which imports
``holidays.countries`` and with it the module of every country the package knows (~250);
commresp now loads the one module of the mission's State
(``commresp.workspace.holiday_calendars``).  In one run, rounds alternating so that the load
of a shared machine falls on both alike, whole processes, stdout to /dev/null:

    python -c pass                       interpreter start, the floor
    all countries   python -c "…; holidays.country_holidays('BE', years=2025)"
    one country     python -c "…; HolidayCalendar('BE')…"   the same days, one module loaded
                    (both after importing commresp.workspace, as assign does)
    assign, before  commresp assign REF --agency myria --question …  with the code of BASE
    assign, after   the same with this tree

"Before" runs the commit before the single-country loader was added (``--base`` to choose
another), extracted with ``git archive`` into the temporary folder and run with PYTHONPATH;
each version assigns in its own Belgian workspace, one fresh communication per run.

    python benchmarks/bench_holidays.py [--repeat 9] [--base COMMIT]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import common

ROOT = Path(__file__).resolve().parent.parent
LOADER = "commresp/workspace/holiday_calendars.py"
QUESTION = "Are the persons named in the letter known to your services?"

# Both import commresp's workspace layer first (as assign does), so that the difference is
# the loading of the calendar alone.
ALL_COUNTRIES = (
    "import datetime\n"
    "from commresp.workspace import holiday_calendars\n"
    "import holidays\n"
    "assert datetime.date(2025, 8, 15) in holidays.country_holidays('BE', years=2025)"
)
ONE_COUNTRY = (
    "import datetime\n"
    "from commresp.workspace import holiday_calendars\n"
    "assert datetime.date(2025, 8, 15) in holiday_calendars.HolidayCalendar('BE')"
)


def register(argv: list[str], ws: Path, env: dict[str, str], count: int) -> list[str]:
    """``count`` fresh communications, each to be assigned once."""
    refs = [f"AL BEL {n}/2025" for n in range(1, count + 1)]
    for ref in refs:
        common.run_once(
            [*argv, "--workspace", str(ws), "register", ref, "--date", "2025-11-20",
             "--mandate", "trafficking:f"],
            env=env,
        )  # fmt: skip
    return refs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed runs of each")
    parser.add_argument("--base", help="commit to compare with (default: before the loader)")
    common.add_common_options(parser)
    args = parser.parse_args()
    base = args.base or common.commit_before_added(LOADER)
    print(common.describe_machine())
    short = ["git", "-C", str(ROOT), "rev-parse", "--short", base]
    print(f"Before: {subprocess.check_output(short, text=True).strip()}")

    with common.temp_dir("commresp-bench-holidays-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        old_env = dict(env, PYTHONPATH=str(common.extract(base, tmp / "base")))
        new_argv, old_argv = [common.COMMRESP], [common.PYTHON, "-m", "commresp"]
        new_ws, old_ws = tmp / "after", tmp / "before"
        subprocess.run([*new_argv, "init", str(new_ws), "--profile", "belgium"], env=env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([*old_argv, "init", str(old_ws), "--profile", "belgium"], env=old_env,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        new_refs = register(new_argv, new_ws, env, args.repeat + 1)
        old_refs = register(old_argv, old_ws, old_env, args.repeat + 1)

        def assign(argv, ws, ref, run_env) -> float:
            return common.run_once(
                [*argv, "--workspace", str(ws), "assign", ref, "--agency", "myria",
                 "--question", QUESTION],
                env=run_env,
            )  # fmt: skip

        assign(new_argv, new_ws, new_refs[0], env)  # warm-up: bytecode caches of both trees
        assign(old_argv, old_ws, old_refs[0], old_env)
        floor = common.Command("python -c pass", [common.PYTHON, "-c", "pass"])
        every = common.Command("all countries (0.1)", [common.PYTHON, "-c", ALL_COUNTRIES])
        one = common.Command("one country (now)", [common.PYTHON, "-c", ONE_COUNTRY])
        loads = common.timeit_rounds([floor, every, one], args.repeat, env=env)
        before, after = [], []
        for new_ref, old_ref in zip(new_refs[1:], old_refs[1:], strict=True):
            before.append(assign(old_argv, old_ws, old_ref, old_env))
            after.append(assign(new_argv, new_ws, new_ref, env))
        results = [
            *loads.values(),
            common.summarize("assign, 1 agency, before", before),
            common.summarize("assign, 1 agency, after", after),
        ]
        common.print_results(
            "Whole processes (best and median)", results, baseline="assign, 1 agency, before"
        )
        saved = min(before) - min(after)
        loading = loads["all countries (0.1)"].min - loads["one country (now)"].min
        print(
            f"\n  assign is {saved * 1000:.0f} ms faster (best runs); loading the holidays "
            f"alone: {loading * 1000:.0f} ms saved"
        )
        print(f"  load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
