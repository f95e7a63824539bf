"""How long the documents take: draft and render as whole processes, and the .docx renderer
against docxtpl in-process.

In a workspace built by ``commresp demo DIR --no-pdf`` (the worked example AL BEL 1/2025:
five agencies' answers, the note verbale and the response; the communication is then put back
from "sent" to "drafted", as it was before the demo recorded the sending), times in one run,
in rounds (each command once per round), stdout to /dev/null:

    python -c pass            interpreter start, the floor
    commresp --version        commresp's own start-up
    commresp draft "AL BEL 1/2025" --force --date 2025-10-10
                              both documents (note verbale, response), French and English
    commresp render "AL BEL 1/2025"
                              the four drafts to four new .docx versions on the letterhead
    commresp render "AL BEL 1/2025" --lang en
                              the two English documents

and their sum draft + render (per round) against the target: under 0.6 s. When LibreOffice
is installed, ``render --pdf`` is timed too (for information), with LibreOffice alone
converting the same four files. Then where the time goes: ``python -X importtime`` of draft
and render (and, with ``--profile`` or when the target is missed, their cProfile).

In-process, the demo's ``response.en.md`` rendered by ``render_markdown`` onto the letterhead,
against docxtpl rendering an equivalent .docx template (the same title block, opening,
sections as a ``{%p for s in sections %}`` loop of headings and paragraphs, closing and header
lines, the same text) with ``DocxTemplate(...).render(context, autoescape=True)`` and
``.save()``; both write to disk. docxtpl cannot make a real footnote: its copy has the
response's footnote as an ordinary paragraph.

    python benchmarks/bench_documents.py [--repeat 7] [--iterations 30] [--profile]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import pstats
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import common

REF = "AL BEL 1/2025"
SLUG = "AL-BEL-1-2025"
DRAFT_DATE = "2025-10-10"
TARGET_S = 0.6
DRAFT = "commresp draft"
RENDER = "commresp render"
SUM = "draft + render (sum per round)"
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- whole processes ------------------------------------------------------------------------


def _rounds(
    commands: list[tuple[common.Command, dict[str, str]]], repeat: int
) -> dict[str, list[float]]:
    """Each command (with its environment) once per round, after one warm-up round; every
    time of every command."""
    for c, env in commands:
        common.run_once(c.argv, env=env)
    times: dict[str, list[float]] = {c.label: [] for c, _ in commands}
    for _ in range(repeat):
        for c, env in commands:
            times[c.label].append(common.run_once(c.argv, env=env))
    return times


def _without_numpy(env: dict[str, str], tmp: Path) -> dict[str, str] | None:
    """The environment with numpy hidden (a stub package that raises ImportError, first on
    PYTHONPATH), as where numpy is not installed: sqlite_utils.db then skips it. None when
    numpy is not installed anyway."""
    if importlib.util.find_spec("numpy") is None:
        return None
    stub = tmp / "no-numpy" / "numpy"
    stub.mkdir(parents=True, exist_ok=True)
    (stub / "__init__.py").write_text('raise ImportError("numpy hidden by the benchmark")\n')
    return env | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(stub.parent), env.get("PYTHONPATH")]))
    }


def _soffice_alone(docx_files: list[Path], tmp: Path, env: dict[str, str]) -> float:
    """LibreOffice converting ``docx_files`` in one process, on a fresh profile (as commresp
    gives each conversion)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(dir=tmp) as scratch:
        profile = Path(scratch, "profile").as_uri()
        argv = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        argv += ["--convert-to", "pdf", "--outdir", scratch, *map(str, docx_files)]
        return common.run_once(argv, env=env)


def _pdf(ws: Path, tmp: Path, env: dict[str, str], repeat: int) -> list[common.Result]:
    """render --pdf as a whole process, and LibreOffice alone on the same four files: once per
    file (as render does) and all four in one process."""
    w = [common.COMMRESP, "--workspace", str(ws)]
    runs = max(1, min(3, repeat))
    best, median = common.timeit_process([*w, "render", REF, "--pdf"], runs, env=env)
    results = [common.Result("commresp render --pdf (4 .docx + 4 PDFs)", best, median, runs)]
    out = ws / "correspondence" / SLUG / "out"
    latest = sorted(out.glob("*.docx"), key=lambda p: p.stat().st_mtime)[-4:]
    each = [sum(_soffice_alone([f], tmp, env) for f in latest) for _ in range(runs)]
    results.append(common.summarize("  soffice, one process per file (4 processes)", each))
    together = [_soffice_alone(latest, tmp, env) for _ in range(runs)]
    results.append(common.summarize("  soffice, the 4 files in one process", together))
    return results


def _profile(argv: list[str], env: dict[str, str], tmp: Path, title: str, top: int = 12) -> None:
    """cProfile of a whole command: commresp's own functions by cumulative time (lazy imports
    inside them included), then every function by its own time (where the time is spent)."""
    out = tmp / "profile.out"
    subprocess.run(
        [common.PYTHON, "-m", "cProfile", "-o", str(out), *argv],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stats = pstats.Stats(str(out)).stats
    rows = [
        (cumtime, tottime, calls, _label(filename, line, name))
        for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.items()
    ]
    ours = [r for r in rows if r[3].startswith("commresp/") and "commands/" not in r[3]]
    ours = [r for r in ours if not r[3].endswith(("<module>", "cli.py:29 invoke"))]
    print(f"\n{title}: commresp's functions by cumulative time (lazy imports included)")
    print(f"  {'cumul ms':>8}  {'own ms':>7}  {'calls':>6}  function")
    for cumtime, tottime, calls, label in sorted(ours, reverse=True)[:top]:
        print(f"  {cumtime * 1000:8.1f}  {tottime * 1000:7.1f}  {calls:>6}  {label}")
    print(f"  … and all functions by own time (top {top})")
    for cumtime, tottime, calls, label in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        print(f"  {cumtime * 1000:8.1f}  {tottime * 1000:7.1f}  {calls:>6}  {label}")


def _label(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name  # a built-in, e.g. {built-in method posix.fsync}
    for marker in ("/site-packages/", "/commresp/", "/lib/python3.", "<frozen "):
        if marker in filename:
            tail = filename.split(marker, 1)[1]
            if marker == "/commresp/":
                tail = "commresp/" + tail
            elif marker == "/lib/python3.":
                tail = tail.split("/", 1)[-1]
            return f"{tail.rstrip('>')}:{line} {name}"
    return f"{filename}:{line} {name}"


def _back_to_drafted(ws: Path) -> None:
    """The demo ends by recording the reply as sent; put the communication back where it was
    just before (drafted, documents rendered), so that it can be drafted again."""
    db = common.open_db(ws)
    try:
        with db.atomic():
            db.execute(
                "update communications set status = 'drafted', sent_on = null where ref = ?",
                [REF],
            )
    finally:
        db.close()


# --- in-process: render_markdown against docxtpl ----------------------------------------------


def _structure(markdown: str) -> dict:
    """The response draft as a docxtpl context: title lines, opening, sections (heading and
    paragraphs), closing; the footnote definition becomes a paragraph where it stands."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown) if b.strip()]

    def plain(block: str) -> str:
        block = re.sub(r"\s*\{\.(left|center|centre|right|justify)\}$", "", block)
        block = re.sub(r"\[\^[^\]]+\]:\s*", "", block)  # a footnote definition: its text
        block = re.sub(r"\[\^[^\]]+\]", "", block)  # a footnote reference: dropped
        return block.replace("**", "").replace("\n", " ")

    title, opening, body, closing = blocks[:3], blocks[3], blocks[4:-1], blocks[-1]
    sections: list[dict] = [{"heading": "", "paragraphs": []}]
    for block in body:
        if block.startswith("#"):
            sections.append({"heading": block.lstrip("#").strip(), "paragraphs": []})
        else:
            sections[-1]["paragraphs"].append(plain(block))
    return {
        "title": [plain(t) for t in title],
        "opening": plain(opening),
        "sections": [s for s in sections if s["heading"] or s["paragraphs"]],
        "closing": plain(closing),
    }


def _build_template(letterhead: Path, path: Path) -> Path:
    """The docxtpl template equivalent to the response template, built with python-docx on
    the same letterhead."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document(str(letterhead))
    body = document.element.body
    for p in list(body.iterchildren(f"{W_NS}p")):
        if not "".join(p.itertext()).strip():
            body.remove(p)  # the letterhead's blank paragraph, as render_markdown drops it
    for i in range(3):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(f"{{{{ title[{i}] }}}}").bold = True
    document.add_paragraph("{{ opening }}")
    document.add_paragraph("{%p for s in sections %}")
    document.add_paragraph("{%p if s.heading %}")
    document.add_paragraph("{{ s.heading }}", style="Heading 2")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for text in s.paragraphs %}")
    document.add_paragraph("{{ text }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ closing }}")
    section = document.sections[0]
    header = (
        section.first_page_header if section.different_first_page_header_footer else section.header
    )
    placeholder = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    placeholder.text = "{%p for line in header_lines %}"
    header.add_paragraph("{{ line }}")
    header.add_paragraph("{%p endfor %}")
    document.save(str(path))
    return path


def _text_volume(path: Path) -> tuple[int, int, int, int]:
    """(body paragraphs with text, characters of body text, of footnotes, of headers)."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = z.namelist()

        def chars(name: str) -> tuple[int, int]:
            if name not in names:
                return 0, 0
            root = etree.fromstring(z.read(name))
            paragraphs = [
                "".join(t.text or "" for t in p.iter(f"{W_NS}t")) for p in root.iter(f"{W_NS}p")
            ]
            paragraphs = [t for t in paragraphs if t.strip()]
            return len(paragraphs), sum(len(t) for t in paragraphs)

        count, body = chars("word/document.xml")
        notes = chars("word/footnotes.xml")[1]
        headers = sum(chars(n)[1] for n in names if re.fullmatch(r"word/header\d*\.xml", n))
    return count, body, notes, headers


def _in_process(ws: Path, markdown: str, tmp: Path, iterations: int) -> None:
    import docx
    from docxtpl import DocxTemplate

    from commresp import rendering
    from commresp.documents.markdown_to_docx import render_markdown
    from commresp.workspace import templates
    from commresp.workspace.session import open_session

    session = open_session(str(ws))
    comm = {"ref": REF}
    letterhead = templates.find("letterhead.docx", session.workspace)
    header_lines = list(session.profile.get("mission.letterhead", []))
    properties = rendering._properties(comm, "response", "en")
    context = _structure(markdown) | {"header_lines": header_lines}
    template = _build_template(letterhead, tmp / "response-docxtpl-template.docx")
    out = tmp / "in-process"
    out.mkdir()
    ours, theirs = out / "response.en.commresp.docx", out / "response.en.docxtpl.docx"

    def commresp_render() -> None:
        render_markdown(
            markdown, ours, letterhead=letterhead, header_lines=header_lines, properties=properties
        )

    def docxtpl_render() -> None:
        tpl = DocxTemplate(str(template))
        tpl.render(context, autoescape=True)
        core = tpl.docx.core_properties  # not get_docx(): after render it reloads the template
        core.title = properties["title"]
        core.subject = properties["subject"]
        core.language = properties["language"]
        tpl.save(str(theirs))

    def letterhead_only() -> None:
        docx.Document(str(letterhead)).save(io.BytesIO())

    size = len(markdown.encode("utf-8"))

    def fsync_only() -> None:
        with open(out / "fsync.bin", "wb") as handle:
            handle.write(b"\0" * ours.stat().st_size)
            handle.flush()
            os.fsync(handle.fileno())

    commresp_render()
    docxtpl_render()  # warm-up (imports, caches), and the outputs exist for fsync_only
    jobs = [
        ("commresp render_markdown (+ fsync of file and folder)", commresp_render),
        ("docxtpl render + save (no fsync)", docxtpl_render),
        ("  python-docx: open the letterhead, save (no content)", letterhead_only),
        ("  write + fsync a file of the same size", fsync_only),
    ]
    times: dict[str, list[float]] = {label: [] for label, _ in jobs}
    for i in range(iterations):
        # alternate the order so that neither always runs right after the other
        for label, job in jobs if i % 2 == 0 else jobs[1::-1] + jobs[2:]:
            started = time.perf_counter()
            job()
            times[label].append(time.perf_counter() - started)
    results = [common.summarize(label, t) for label, t in times.items()]
    common.print_results(
        f"In-process: the demo's response.en.md ({size:,} bytes of Markdown) onto the "
        f"letterhead, to disk ({iterations} runs each, alternated)",
        results,
        baseline=jobs[1][0],
    )
    a, b = results[0], results[1]
    ratio, ratio_median = a.min / b.min, a.median / b.median
    verdict = "PASS" if ratio <= 1.0 else "FAIL"
    print(
        f"\n  commresp / docxtpl: {ratio:.2f}× (best runs), {ratio_median:.2f}× (medians); "
        f"target ≤ 1.00×  {verdict}"
    )
    for label, path in (("commresp", ours), ("docxtpl ", theirs)):
        count, body, notes, headers = _text_volume(path)
        print(
            f"  {label} output: {path.stat().st_size:,} bytes; {count} body paragraphs, "
            f"{body:,} characters of body text, {notes} in footnotes, {headers} in the header"
        )
    print(
        "  docxtpl cannot make a real Word footnote: in its copy the response's footnote is an "
        "ordinary paragraph\n  (commresp writes it into word/footnotes.xml). The docxtpl "
        "template is built with python-docx on the same\n  letterhead; commresp also sets all "
        "core properties and fsyncs the file and its folder (docxtpl's save does not)."
    )


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds of whole processes")
    parser.add_argument(
        "--iterations", type=int, default=30, help="in-process renders of each kind"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print the cProfile of draft and render"
    )
    common.add_common_options(parser)
    args = parser.parse_args()
    print(common.describe_machine())

    with common.temp_dir("commresp-bench-documents-", args.keep) as tmp:
        env = common.bench_env(tmp, as_is=args.as_is)
        ws = tmp / "demo"
        subprocess.run(
            [common.COMMRESP, "demo", str(ws), "--no-pdf"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _back_to_drafted(ws)
        drafts = ws / "correspondence" / SLUG / "drafts"
        # as the demo drafted it (with --order and its closing): the draft runs below rewrite it
        demo_response = (drafts / "response.en.md").read_text(encoding="utf-8")
        print(
            f"Workspace: commresp demo ({REF}); drafts "
            + ", ".join(f"{p.name} {p.stat().st_size:,} B" for p in sorted(drafts.glob("*.md")))
        )
        w = [common.COMMRESP, "--workspace", str(ws)]
        draft_argv = [*w, "draft", REF, "--force", "--date", DRAFT_DATE]
        render_argv = [*w, "render", REF]
        commands = [
            common.Command("python -c pass", [common.PYTHON, "-c", "pass"]),
            common.Command("commresp --version", [common.COMMRESP, "--version"]),
            common.Command(DRAFT, draft_argv),
            common.Command(RENDER, render_argv),
            common.Command("commresp render --lang en", [*render_argv, "--lang", "en"]),
        ]
        runs = [(c, env) for c in commands]
        hidden = _without_numpy(env, tmp)
        if hidden is not None:  # for information: what the same commands take without numpy
            runs += [
                (common.Command(f"{DRAFT} (numpy hidden)", draft_argv), hidden),
                (common.Command(f"{RENDER} (numpy hidden)", render_argv), hidden),
            ]
        times = _rounds(runs, args.repeat)
        times[SUM] = [a + b for a, b in zip(times[DRAFT], times[RENDER], strict=True)]
        if hidden is not None:
            times[f"{SUM}, numpy hidden"] = [
                a + b
                for a, b in zip(
                    times[f"{DRAFT} (numpy hidden)"], times[f"{RENDER} (numpy hidden)"], strict=True
                )
            ]
        results = [common.summarize(label, t) for label, t in times.items()]
        common.print_results(
            f"Whole processes, {REF} (best and median of {args.repeat} rounds after a warm-up; "
            "draft and render: both documents, fr and en)",
            results,
            baseline="commresp --version",
        )
        total = next(r for r in results if r.label == SUM)
        ok = total.min <= TARGET_S
        print(
            f"\n  target: draft + render under {TARGET_S * 1000:.0f} ms: best round "
            f"{total.min * 1000:.1f} ms, median {total.median * 1000:.1f} ms  "
            f"{'PASS' if ok else 'FAIL'}"
        )

        if shutil.which("soffice") or shutil.which("libreoffice"):
            common.print_results(
                "With PDFs (for information; LibreOffice on a fresh profile for each process)",
                _pdf(ws, tmp, env, args.repeat),
            )
        else:
            print("\n(LibreOffice is not installed: render --pdf not timed)")

        floor = results[0].min
        for label, argv in ((DRAFT, draft_argv), (RENDER, render_argv)):
            rows = common.importtime(["-m", "commresp", *argv[1:]], env=env)
            top_level = [r for r in rows if r[1] == 0]  # the rest is inside these
            common.print_importtime(
                f"python -X importtime -m commresp {label.split()[1]}: the 12 costliest top-level "
                "imports, cumulative (best of 3 runs per module)",
                top_level,
                top=12,
            )
            imports = sum(r[3] for r in rows if r[1] == 0) / 1e6
            best = next(r.min for r in results if r.label == label)
            print(
                f"  {label}: best {best * 1000:.0f} ms = interpreter {floor * 1000:.0f} + "
                f"imports {imports * 1000:.0f} + the rest {(best - floor - imports) * 1000:.0f} ms"
            )
        if args.profile or not ok:
            _profile(["-m", "commresp", *draft_argv[1:]], env, tmp, f"cProfile of {DRAFT}")
            _profile(["-m", "commresp", *render_argv[1:]], env, tmp, f"cProfile of {RENDER}")

        _in_process(ws, demo_response, tmp, args.iterations)
        print(f"\nload average now {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
