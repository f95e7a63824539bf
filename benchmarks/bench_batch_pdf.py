"""Batch rendering: PDFs of many communications in one LibreOffice run, and flat memory.

In one Belgian workspace (``commresp init --profile belgium``) holding N drafted
communications (each registered, asked of Myria, answered and drafted in-process through
commresp's own operations), measured in the same run:

1. **PDF, amortised.** ``commresp render REF… --pdf`` over 20 communications (80 files: the
   note verbale and the response, in French and English, as .docx and PDF) as a whole process,
   against LibreOffice alone converting the same 80 .docx files in ONE
   ``soffice --headless --convert-to pdf`` run (a fresh profile, as commresp gives it), in
   rounds (each once per round, best of the rounds). Target: within 1.3×. With ``--old``,
   also LibreOffice started once per communication (what render did before), for information.
2. **Memory, flat.** Peak RSS (``ru_maxrss`` of the child, from ``os.wait4``) of
   ``commresp render REF…`` (.docx only) over 10 and over 200 communications of the same
   workspace. Target: 200 within 1.2× of 10.

    python benchmarks/bench_batch_pdf.py [--rounds 3] [--batch 20] [--old] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import common

PDF_TARGET = 1.3
MEMORY_TARGET = 1.2
SMALL, LARGE = 10, 200


def refs(n: int) -> list[str]:
    return [f"AL BEL {k}/2025" for k in range(1, n + 1)]


def fill(root: Path, n: int) -> None:
    """N communications, each asked of Myria, answered and drafted: state drafted."""
    from commresp import answers, communications, drafting, enquiries
    from commresp.workspace.session import open_session

    session = open_session(str(root), "benchmark")
    try:
        choice = communications.MandateChoice.parse
        for k, ref in enumerate(refs(n), 1):
            communications.register(
                session,
                ref,
                letter_date=date(2025, 11, 20),
                received_on=date(2025, 11, 21),
                mandates=[choice("trafficking:f"), choice("slavery")],
                subject=f"Trafficking of migrant workers, case {k}",
            )
            enquiries.assign(
                session, ref, agencies=["myria"], questions=["Findings?"], due=date(2026, 1, 20)
            )
            answers.add(
                session,
                ref,
                agency="myria",
                text=f"**Data collection**\n\nMyria examined case {k}[^1] and the services "
                "concerned were consulted on the facts described in the letter.\n\n"
                "[^1]: See myria.be.",
            )
            drafting.draft(session, ref, on=common.AS_OF)
    finally:
        session.db.close()


def measured(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds of one whole process, and the CPU seconds (user + system) of it and
    of the processes it waited for (LibreOffice, for render --pdf): the CPU time is what a
    shared, loaded machine disturbs least."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{argv[:4]}… failed: {child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def soffice_alone(
    exe: str, docx_files: list[Path], tmp: Path, env: dict[str, str]
) -> tuple[float, float]:
    """LibreOffice converting ``docx_files`` in one process, on a fresh profile."""
    with tempfile.TemporaryDirectory(dir=tmp) as scratch:
        profile = Path(scratch, "profile").as_uri()
        argv = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        argv += ["--convert-to", "pdf", "--outdir", scratch, *map(str, docx_files)]
        return measured(argv, env)


def peak_rss_mib(argv: list[str], env: dict[str, str]) -> float:
    """The peak resident memory of one whole process, in MiB (Linux: ru_maxrss in KiB)."""
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{argv[:4]}… failed: {child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # macOS: bytes
    return kib / 1024


def latest_docx(root: Path, n: int) -> list[Path]:
    """The newest .docx of the first ``n`` communications (4 each)."""
    found = []
    for ref in refs(n):
        out = root / "correspondence" / ref.replace(" ", "-").replace("/", "-") / "out"
        files = sorted(out.glob("*.docx"), key=lambda p: p.stat().st_mtime)
        found += files[-4:]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20, help="communications with --pdf")
    parser.add_argument("--old", action="store_true", help="also one soffice per communication")
    parser.add_argument("--only", choices=("pdf", "memory"), help="measure only this part")
    parser.add_argument("--fill", nargs=2, metavar=("ROOT", "N"), help=argparse.SUPPRESS)
    common.add_common_options(parser)
    args = parser.parse_args()
    if args.fill:
        fill(Path(args.fill[0]), int(args.fill[1]))
        return 0
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    print(common.describe_machine())
    ok = []
    with common.temp_dir("commresp-bench-batch-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        root = common.make_workspace(tmp / "mission", env)
        started = time.perf_counter()
        n = args.batch if args.only == "pdf" else max(LARGE, args.batch)
        # in a process of its own: a child's peak RSS counts the pages of the parent it was
        # forked from, so the benchmark itself must stay small
        subprocess.run([sys.executable, __file__, "--fill", str(root), str(n)], env=env, check=True)
        print(f"\n{n} communications drafted in {time.perf_counter() - started:.1f} s")
        w = [common.COMMRESP, "--workspace", str(root)]

        # 1. PDFs of a batch against LibreOffice alone on the same files, in rounds
        if args.only == "memory":
            pass
        elif exe is None:
            print("\nLibreOffice is not installed: the PDF part is skipped")
        else:
            batch = refs(args.batch)
            render_pdf = [*w, "render", *batch, "--pdf"]
            common.run_once(render_pdf, env=env)  # warm-up: bytecode cache, LibreOffice files
            files = latest_docx(root, args.batch)
            soffice_alone(exe, files, tmp, env)
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(measured(render_pdf, env))
                files = latest_docx(root, args.batch)
                theirs.append(soffice_alone(exe, files, tmp, env))
            n = len(files)
            results = [
                common.summarize(f"soffice alone, {n} .docx in one run", [w for w, _ in theirs]),
                common.summarize(
                    f"commresp render --pdf, {args.batch} communications", [w for w, _ in ours]
                ),
            ]
            cpu_ours, cpu_theirs = min(c for _, c in ours), min(c for _, c in theirs)
            if args.old:
                each = []
                for k in range(args.batch):
                    each.append(soffice_alone(exe, files[4 * k : 4 * k + 4], tmp, env)[0])
                results.append(
                    common.summarize(f"  (before: soffice once per communication, ×{args.batch})",
                                     [sum(each)])
                )  # fmt: skip
            common.print_results(
                f"PDF: {n} documents of {args.batch} communications, best of {args.rounds}",
                results,
                baseline=results[0].label,
            )
            ratio = results[1].min / results[0].min
            ok.append(ratio <= PDF_TARGET)
            print(f"  render --pdf / soffice alone: {ratio:.2f}× (target ≤ {PDF_TARGET}×) "
                  f"{'PASS' if ok[-1] else 'FAIL'}")  # fmt: skip
            print(f"  CPU seconds (user + system, best run): render --pdf {cpu_ours:.1f} s, "
                  f"soffice alone {cpu_theirs:.1f} s: {cpu_ours / cpu_theirs:.2f}×")  # fmt: skip

        # 2. peak memory of a batch render (.docx only), small against large, in rounds
        small, large = [], []
        for _ in range(0 if args.only == "pdf" else max(1, args.rounds - 1)):
            small.append(peak_rss_mib([*w, "render", *refs(SMALL)], env))
            large.append(peak_rss_mib([*w, "render", *refs(LARGE)], env))
        if not small:
            return 0 if all(ok) else 1
        print(f"\nPeak RSS of 'commresp render REF…' (.docx only), min of {len(small)} runs")
        print(f"  {SMALL:>4} communications ({4 * SMALL} documents): {min(small):6.1f} MiB")
        print(f"  {LARGE:>4} communications ({4 * LARGE} documents): {min(large):6.1f} MiB")
        ratio = min(large) / min(small)
        ok.append(ratio <= MEMORY_TARGET)
        print(f"  {LARGE} / {SMALL}: {ratio:.2f}× (target ≤ {MEMORY_TARGET}×) "
              f"{'PASS' if ok[-1] else 'FAIL'}")  # fmt: skip
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
