"""The HTML report as a whole process: inline SVG charts against the matplotlib ones before.

A synthetic record (``common.fill``) is reported on for one year, each command a whole
process in rounds with its anchor in the same run:

- ``report --json``: the same figures, no page (the floor the page adds to);
- ``report --html``: the page, in English and in French;
- with ``--before REV``, the same ``report --html`` of a git revision of commresp (for
  instance the last one with matplotlib charts) run from an export of that revision.

Run:  python benchmarks/bench_report.py --communications 3000 --before d15a426
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LAUNCH = "import sys; sys.path.insert(0, {root!r}); from commresp.cli import cli; cli()"


def export_revision(rev: str, dest: Path) -> Path:
    """The package of git revision ``rev`` unpacked under ``dest``."""
    archive = dest / "before.tar"
    subprocess.run(
        ["git", "-C", str(REPO), "archive", "-o", str(archive), rev, "commresp", "templates"],
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(dest / "before", filter="data")
    return dest / "before"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communications", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also time this git revision")
    common.add_common_options(parser)
    args = parser.parse_args()
    print(common.describe_machine())
    with common.temp_dir("commresp-bench-report-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        root = common.make_workspace(tmp / "mission", env)
        stats = common.fill(root, args.communications, enquiries_per=3)
        year = str(common.AS_OF.year)
        print(f"{args.communications} communications ({stats})")
        ws = ["-w", str(root)]

        def launch(tree: Path, *argv: str) -> list[str]:
            return [common.PYTHON, "-c", LAUNCH.format(root=str(tree)), *ws, *argv]

        commands = [
            common.Command("report --json", launch(REPO, "report", "--year", year, "--json")),
            common.Command(
                "report --html (en)",
                launch(
                    REPO, "report", "--year", year, "--lang", "en", "--html", str(tmp / "en.html")
                ),
            ),
            common.Command(
                "report --html (fr)",
                launch(
                    REPO, "report", "--year", year, "--lang", "fr", "--html", str(tmp / "fr.html")
                ),
            ),
        ]
        if args.before:
            before = export_revision(args.before, tmp)
            commands.append(
                common.Command(
                    f"report --html at {args.before}",
                    launch(before, "report", "--year", year, "--html", str(tmp / "before.html")),
                )
            )
        results = common.timeit_rounds(commands, args.repeat, env=env)
        common.print_results(
            f"Whole process, year {year}", list(results.values()), baseline="report --json"
        )
        sizes = {p.name: p.stat().st_size for p in tmp.glob("*.html")}
        print("\n  page sizes: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
