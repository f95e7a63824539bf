"""Shared helpers for the commresp benchmarks: workspaces, bulk synthetic data, process timing.

Every figure is the wall-clock time of a whole process (interpreter start, imports, opening
the workspace, the query, printing), because that is what a diplomat waits for.

The synthetic register is written straight into ``commresp.db`` with sqlite-utils' bulk
inserts in one transaction (about 100 000 communications a few seconds), after a real
``commresp init --profile belgium``; the rows look like what ``commresp register``,
``assign`` and ``answer import`` would have written.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import io
import json
import os
import random
import shutil
import statistics
import struct
import subprocess
import sys
import tarfile
import tempfile
import termios
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
COMMRESP = str(BIN / "commresp")
SQLITE_UTILS = str(BIN / "sqlite-utils")

# The synthetic register is seen as of this day (COMMRESP_TODAY in every timed process), so
# that the open communications are recent and some of them overdue, whatever today is.
AS_OF = date(2025, 12, 15)
YEARS = range(2015, 2026)
TYPES = ("AL", "UA", "OL")
TYPE_WEIGHTS = (60, 28, 12)
# Real ISO 3166-1 alpha-3 codes; Belgium's own letters weigh more in a Belgian workspace.
ISO3 = (
    "BEL", "FRA", "NLD", "DEU", "LUX", "GBR", "ESP", "ITA", "PRT", "GRC",
    "POL", "HUN", "ROU", "BGR", "TUR", "RUS", "UKR", "BLR", "USA", "CAN",
    "MEX", "BRA", "COL", "VEN", "ARG", "CHL", "COD", "RWA", "NGA", "EGY",
    "MAR", "DZA", "ZAF", "ETH", "IND", "PAK", "CHN", "VNM", "PHL", "LKA",
)  # fmt: skip
ISO3_WEIGHTS = tuple(8 if code == "BEL" else 1 for code in ISO3)

SUBJECT_WHAT = (
    "Alleged arbitrary detention of",
    "Alleged ill-treatment of",
    "Deportation of",
    "Trafficking of",
    "Threats against",
    "Surveillance of",
    "Working conditions of",
    "Draft legislation affecting",
    "Pushbacks of",
    "Access to justice for",
)
SUBJECT_WHO = (
    "a human rights defender",
    "migrant workers",
    "asylum seekers",
    "Sri Lankan nationals",
    "journalists",
    "unaccompanied minors",
    "members of a religious minority",
    "domestic workers",
    "persons with disabilities",
    "environmental activists",
)
SENTENCES = (
    "The services concerned were consulted on the facts described in the letter.",
    "No record of the persons named was found in the national databases.",
    "An investigation was opened by the competent prosecutor's office.",
    "The persons concerned were informed of their rights in a language they understand.",
    "Victims are offered shelter in one of the three specialised reception centres.",
    "The legislation in force provides for a judicial review within five days.",
    "Statistics for the last three years are given in the annex.",
    "The labour inspectorate carried out checks at the sites mentioned.",
    "A residence permit may be granted for the duration of the proceedings.",
    "Training on the identification of victims is given to front-line services.",
    "The case is pending before the courts and cannot be commented on further.",
    "The authorities remain at the disposal of the mandate holders for any question.",
)
QUESTIONS = (
    "Are the persons named in the letter known to your services?",
    "Which measures were taken to protect the persons concerned?",
    "Has an investigation been opened, and with what result?",
    "What is the legal basis of the measures described?",
)
OPEN_STATES = ("received", "enquiring", "answered", "drafted")
OPEN_WEIGHTS = (35, 35, 20, 10)


# --- the machine ----------------------------------------------------------------------------


def add_common_options(parser) -> None:
    """The options every benchmark script takes: --as-is and --keep."""
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="keep the caller's environment (e.g. PYTHONDONTWRITEBYTECODE) instead of a "
        "bytecode cache in the temporary folder",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")


def describe_machine() -> str:
    """One line saying what the figures were measured on (load matters on a shared machine)."""
    import platform

    from commresp import __version__

    commit = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent.parent), "describe", "--always",
         "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()  # fmt: skip
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    # sqlite_utils.db imports pandas and numpy whenever they are installed: every process
    # that opens a database (sqlite-utils and commresp alike) pays for them.
    heavy = [name for name in ("numpy", "pandas") if importlib.util.find_spec(name)] or ["none"]
    return (
        f"commresp {__version__} ({commit or 'not a git checkout'}), Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, load average {load}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}\n"
        f"installed beside commresp (hidden from sqlite-utils at start-up): {', '.join(heavy)}"
    )


# --- the code before a change ---------------------------------------------------------------


def commit_before_added(path: str) -> str:
    """The parent of the commit that added ``path``: the code before that change, to compare
    with (``--base`` in the scripts that do)."""
    added = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not added:
        raise SystemExit(f"{path} is not committed yet: give --base COMMIT")
    return f"{added[-1]}^"


def extract(commit: str, dest: Path) -> Path:
    """The package of ``commit`` as an importable tree (its templates and example inside)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "commresp", "templates", "correspondence"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    # what setup.cfg's package_dir does for an installed commresp
    (dest / "commresp" / "templates").symlink_to(dest / "templates")
    (dest / "commresp" / "example").symlink_to(dest / "correspondence")
    return dest


# --- workspaces ---------------------------------------------------------------------------


@contextlib.contextmanager
def temp_dir(prefix: str, keep: bool = False) -> Iterator[Path]:
    """A temporary folder, removed afterwards unless ``keep``."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if keep:
            print(f"\n(kept {path})")
        else:
            shutil.rmtree(path, ignore_errors=True)


def bench_env(tmp: Path, *, as_is: bool = False) -> dict[str, str]:
    """The environment of every timed process.

    By default the compiled-bytecode cache is on and kept under ``tmp`` (PYTHONPYCACHEPREFIX):
    an installed commresp has its .pyc files, and the cache must not land in the source tree.
    ``as_is`` keeps the caller's environment (e.g. PYTHONDONTWRITEBYTECODE=1, under which
    the editable commresp is compiled from source at every start while the site-packages are
    not)."""
    env = dict(os.environ)
    env.pop("COMMRESP_WORKSPACE", None)
    env["COMMRESP_TODAY"] = AS_OF.isoformat()
    env["COMMRESP_ACTOR"] = "benchmark"
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment is ``env`` inside the block (fill() connects as commresp
    would in that environment), and what it was again after."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def database_url(server: str, name: str) -> str:
    """The URL of the database ``name`` on the server of the URL ``server``."""
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def make_workspace(root: Path, env: dict[str, str] | None = None) -> Path:
    """``commresp init ROOT --profile belgium``; returns the workspace folder."""
    subprocess.run(
        [COMMRESP, "init", str(root), "--profile", "belgium"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    return root


def connect(root: Path):
    """The workspace database through commresp's own connection (settings and migrations)."""
    from commresp import store
    from commresp.workspace import session

    # the team server's record when COMMRESP_DATABASE_URL names one (bench_server.py)
    return store.connect(root / "commresp.db", url=session.database_url(None, root))


def open_db(root: Path):
    """The workspace database without commresp's migration check: for the benchmarks' own
    reads and set-up once commresp processes have run (the tree may be newer than this
    process's import of commresp)."""
    import sqlite3

    import sqlite_utils

    conn = sqlite3.connect(root / "commresp.db", timeout=15, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


# --- synthetic register -------------------------------------------------------------------


@dataclass
class FillStats:
    communications: int
    mandate_rows: int
    enquiries: int
    answers: int
    events: int
    open: int
    seconds: float


def _stamp(day: date, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+00:00"


def _mandate_choices() -> list[dict]:
    """The packaged catalog as ``commresp register`` would copy it (gendered French and Spanish
    titles; the catalog's default gender, as for a letter no holder on record covers)."""
    from commresp.rules.holders import is_personal
    from commresp.rules.language import holder_title
    from commresp.workspace import packaged

    rows = []
    for m in packaged.mandates():
        gender = (m["holder_gender"] or "m") if is_personal(m["holder_type"]) else ""
        rows.append(
            {
                "mandate": m["slug"],
                "holder_gender": gender,
                "gender_source": "catalog" if gender else "",
                "title_en": m["title_en"],
                "title_fr": holder_title(m["title_fr"], "fr", gender or None),
                "title_es": holder_title(m["title_es"], "es", gender or None),
            }
        )
    return rows


def _letters(rng: random.Random, n: int) -> list[tuple[date, str, str, int, int]]:
    """(letter date, type, addressee, number, year), numbered 1… per type, State and year in
    the order of the letters, sorted by date."""
    buckets = Counter(
        zip(
            rng.choices(TYPES, weights=TYPE_WEIGHTS, k=n),
            rng.choices(ISO3, weights=ISO3_WEIGHTS, k=n),
            rng.choices(YEARS, k=n),
            strict=True,
        )
    )
    letters = []
    for (kind, addressee, year), count in buckets.items():
        first = date(year, 1, 2)
        span = (min(date(year, 12, 31), AS_OF - timedelta(days=3)) - first).days
        days = sorted(rng.randrange(span + 1) for _ in range(count))
        for number, offset in enumerate(days, 1):
            letters.append((first + timedelta(days=offset), kind, addressee, number, year))
    letters.sort()
    return letters


def fill(
    root: Path,
    n: int,
    *,
    enquiries_per: int = 0,
    open_count: int = 300,
    seed: int = 2025,
) -> FillStats:
    """Add ``n`` synthetic communications to the (fresh) workspace at ``root``.

    Most are sent or published, ``open_count`` of the last 120 days are still open (received,
    enquiring, answered, drafted; about half of them overdue), a few are closed.  Each has
    1–4 mandates and its audit event; with ``enquiries_per`` = K each communication past
    'received' was asked of K agencies of the Belgian catalog, and the agencies that answered
    have one revision.  Whatever triggers the schema has (full-text indexes) fire as usual.
    """
    from commresp import store
    from commresp.workspace import packaged

    started = time.perf_counter()
    rng = random.Random(seed)
    mandate_choices = _mandate_choices()
    agencies = packaged.agencies("BEL")
    letters = _letters(rng, n)

    recent = [i for i, letter in enumerate(letters) if letter[0] > AS_OF - timedelta(days=120)]
    open_ids = set(rng.sample(recent, min(open_count, len(recent))))

    comms, links, events, enquiries, answers = [], [], [], [], []
    outgoing: Counter[int] = Counter()
    enquiry_id = 0
    for index, (letter_date, kind, addressee, number, year) in enumerate(letters):
        comm_id = index + 1
        received = min(letter_date + timedelta(days=rng.randint(1, 6)), AS_OF)
        reply_due = letter_date + timedelta(days=60)
        sent_on = published_on = outgoing_ref = closed_reason = None
        if index in open_ids:
            status = rng.choices(OPEN_STATES, weights=OPEN_WEIGHTS)[0]
        elif rng.random() < 0.02:
            status, closed_reason = "closed", "joined to another communication"
        elif letter_date + timedelta(days=20) > AS_OF:
            # too recent to have been answered, and not among the open ones
            status, closed_reason = "closed", "addressed to another State; noted"
        else:
            sent = min(letter_date + timedelta(days=rng.randint(20, 80)), AS_OF)
            outgoing[sent.year] += 1
            outgoing_ref = f"GP/CC {sent.year}/{outgoing[sent.year]}"
            sent_on = sent.isoformat()
            published = max(reply_due, sent) + timedelta(days=rng.randint(0, 10))
            if published <= AS_OF and rng.random() < 0.97:
                status, published_on = "published", published.isoformat()
            else:
                status = "sent"
        ref = f"{kind} {addressee} {number}/{year}"
        chosen = rng.sample(mandate_choices, rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0])
        created = _stamp(received)
        comms.append(
            {
                "id": comm_id,
                "ref": ref,
                "slug": f"{kind}-{addressee}-{number}-{year}",
                "type": kind,
                "addressee": addressee,
                "number": number,
                "year": year,
                "letter_date": letter_date.isoformat(),
                "received_on": received.isoformat(),
                "subject": f"{rng.choice(SUBJECT_WHAT)} {rng.choice(SUBJECT_WHO)}",
                "summary": " ".join(rng.sample(SENTENCES, 2)) if rng.random() < 0.5 else "",
                "status": status,
                "reply_due": reply_due.isoformat(),
                "outgoing_ref": outgoing_ref,
                "sent_on": sent_on,
                "published_on": published_on,
                "closed_reason": closed_reason,
                "created_at": created,
                "updated_at": _stamp(received, 10) if status == "received" else _stamp(AS_OF),
            }
        )
        links.extend(
            {"communication_id": comm_id, "position": position, **m}
            for position, m in enumerate(chosen, 1)
        )
        events.append(
            {
                "at": created,
                "actor": "benchmark",
                "action": "register",
                "communication_id": comm_id,
                "details": json.dumps(
                    {"ref": ref, "mandates": [m["mandate"] for m in chosen]},
                    ensure_ascii=False,
                    sort_keys=True,
                ),
            }
        )
        if not enquiries_per or status in ("received", "closed"):
            continue
        sent_out = min(received + timedelta(days=rng.randint(1, 5)), AS_OF)
        due_on = max(reply_due - timedelta(days=14), sent_out + timedelta(days=5))
        questions = json.dumps(rng.sample(QUESTIONS, 2), ensure_ascii=False)
        for i, agency in enumerate(rng.sample(agencies, min(enquiries_per, len(agencies)))):
            enquiry_id += 1
            lang = agency["language"]
            answered = status != "enquiring" or (i < enquiries_per - 1 and rng.random() < 0.5)
            enquiries.append(
                {
                    "id": enquiry_id,
                    "communication_id": comm_id,
                    "agency": agency["slug"],
                    "language": lang,
                    "questions": questions,
                    "sent_on": sent_out.isoformat(),
                    "due_on": due_on.isoformat(),
                    "status": "answered" if answered else "open",
                    "form_file": f"enquiry-{agency['slug']}.{lang}.docx",
                    "email_file": f"enquiry-{agency['slug']}.eml",
                    "reminders": 0,
                    "last_reminded_on": None,
                    "created_at": _stamp(sent_out),
                }
            )
            if not answered:
                continue
            text = "\n\n".join(rng.sample(SENTENCES, rng.randint(3, 5)))
            answered_on = min(due_on - timedelta(days=rng.randint(0, 10)), AS_OF)
            answered_on = max(answered_on, sent_out)
            answers.append(
                {
                    "enquiry_id": enquiry_id,
                    "revision": 1,
                    "received_on": answered_on.isoformat(),
                    "text": text,
                    "source_file": f"enquiry-{agency['slug']}.{lang}.docx",
                    "stored_file": f"{agency['slug']}.r1.docx",
                    "sha256": hashlib.sha256(f"{enquiry_id}\n{text}".encode()).hexdigest(),
                    "actor": "benchmark",
                    "created_at": _stamp(answered_on, 15),
                }
            )

    db = connect(root)
    try:
        if db["communications"].count:
            raise SystemExit(f"{root} already has communications: fill() needs a fresh workspace")
        with store.transaction(db):
            # On a server, a communication's search document is rebuilt by a trigger at each
            # row naming it (the communication, then each of its mandates: ~3 times each);
            # built once per communication after the rows are in, the fill takes less than
            # half the time (10 000: 26 s -> 12 s), and the record is the same.
            server = getattr(db, "dialect", "sqlite") == "postgresql"
            indexed = ("communications", "communication_mandates")
            for table in indexed if server else ():
                db.execute(f"alter table {table} disable trigger user")
            db["communications"].insert_all(comms, batch_size=1000)
            db["communication_mandates"].insert_all(links, batch_size=1000)
            for table in indexed if server else ():
                db.execute(f"alter table {table} enable trigger user")
            if server:
                db.execute("select commresp_reindex(id) from communications")
            db["events"].insert_all(events, batch_size=1000)
            db["enquiries"].insert_all(enquiries, batch_size=1000)
            db["answers"].insert_all(answers, batch_size=1000)
            db["outgoing_counters"].insert_all(
                [{"year": y, "next_number": count + 1} for y, count in sorted(outgoing.items())],
                replace=True,
            )
    finally:
        db.close()
    return FillStats(
        communications=len(comms),
        mandate_rows=len(links),
        enquiries=len(enquiries),
        answers=len(answers),
        events=len(events),
        open=len(open_ids),
        seconds=time.perf_counter() - started,
    )


# --- timing -------------------------------------------------------------------------------


def _run_tty(argv: Sequence[str], env, cwd) -> int:
    """Run with stdout on a pseudo-terminal (120×50), as a person at a terminal sees it."""
    import pty

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
        )
        os.close(slave)
        slave = -1
        while True:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:  # EIO: the child closed the terminal
                break
        return proc.wait()
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)


def run_once(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    tty: bool = False,
) -> float:
    """Seconds one whole process takes; a failing process stops the benchmark."""
    started = time.perf_counter()
    if tty:
        code, stderr = _run_tty(argv, env, cwd), b""
    else:
        proc = subprocess.run(
            list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
        )
        code, stderr = proc.returncode, proc.stderr
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({code}): {stderr.decode()[-2000:]}")
    return elapsed


def timeit_process(
    argv: Sequence[str],
    repeat: int = 7,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    warmup: int = 1,
    tty: bool = False,
) -> tuple[float, float]:
    """Run a whole process ``repeat`` times (after ``warmup`` untimed runs, which also fill
    the bytecode cache); stdout goes to DEVNULL (or a pseudo-terminal with ``tty``).
    Returns (min, median) seconds."""
    for _ in range(warmup):
        run_once(argv, env=env, cwd=cwd, tty=tty)
    times = [run_once(argv, env=env, cwd=cwd, tty=tty) for _ in range(repeat)]
    return min(times), statistics.median(times)


@dataclass
class Command:
    label: str
    argv: Sequence[str]
    tty: bool = False


def timeit_rounds(
    commands: Sequence[Command],
    repeat: int = 7,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    warmup: int = 1,
) -> dict[str, Result]:
    """Like :func:`timeit_process` for several commands, run in rounds (each command once
    per round) so that a change of load on a shared machine falls on all of them alike."""
    for _ in range(warmup):
        for c in commands:
            run_once(c.argv, env=env, cwd=cwd, tty=c.tty)
    times: dict[str, list[float]] = {c.label: [] for c in commands}
    for _ in range(repeat):
        for c in commands:
            times[c.label].append(run_once(c.argv, env=env, cwd=cwd, tty=c.tty))
    return {label: summarize(label, t) for label, t in times.items()}


@dataclass
class Result:
    label: str
    min: float
    median: float
    runs: int


def summarize(label: str, times: Sequence[float]) -> Result:
    return Result(label, min(times), statistics.median(times), len(times))


def print_results(title: str, results: Sequence[Result], baseline: str | None = None) -> None:
    """A table of min/median milliseconds, each with its ratio to the baseline row."""
    base = next((r for r in results if r.label == baseline), None)
    width = max(len(r.label) for r in results)
    print(f"\n{title}")
    header = f"  {'command'.ljust(width)}  {'runs':>4}  {'min ms':>8}  {'median ms':>9}"
    if base:
        header += f"  {'× ' + baseline:>{12}}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for r in results:
        line = f"  {r.label.ljust(width)}  {r.runs:>4}  {r.min * 1000:8.1f}  {r.median * 1000:9.1f}"
        if base:
            line += f"  {r.min / base.min:>11.2f}×"
        print(line)
    if base:
        print(f"  (ratios: best run / best run of '{baseline}')")


def print_ratios(rows: Sequence[tuple[str, Result, Result, float]]) -> list[bool]:
    """Ratio of two results' mins (and medians) against a target, PASS or FAIL.

    The verdict is on the best runs: on a shared machine the other processes only ever add
    time, so the minimum is the closest to what the command itself costs."""
    width = max(len(label) for label, *_ in rows)
    print(f"\n  {'ratio'.ljust(width)}  {'min':>7}  {'median':>7}  {'target':>7}  verdict")
    verdicts = []
    for label, a, b, target in rows:
        ratio = a.min / b.min
        ok = ratio <= target
        verdicts.append(ok)
        print(
            f"  {label.ljust(width)}  {ratio:6.2f}×  {a.median / b.median:6.2f}×  "
            f"{target:6.2f}×  {'PASS' if ok else 'FAIL'}"
        )
    print("  (verdict on the ratio of the best runs; ratio of the medians for reference)")
    return verdicts


def importtime(
    argv: Sequence[str], *, env: dict[str, str], cwd: Path | None = None, runs: int = 3
) -> list[tuple[str, int, int, int]]:
    """``python -X importtime`` of a command: (module, depth, self µs, cumulative µs), the
    best of ``runs`` per module, largest cumulative first."""
    best: dict[str, tuple[int, int, int]] = {}
    order: list[str] = []
    for _ in range(runs):
        proc = subprocess.run(
            [PYTHON, "-X", "importtime", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            text=True,
            check=True,
        )
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative, name = line[len("import time:") :].split("|")
            depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
            key = name.strip()
            entry = (depth, int(self_us), int(cumulative))
            if key not in best:
                order.append(key)
                best[key] = entry
            elif entry[2] < best[key][2]:
                best[key] = entry
    rows = [(name, *best[name]) for name in order]
    return sorted(rows, key=lambda r: r[3], reverse=True)


def print_importtime(title: str, rows: Sequence[tuple[str, int, int, int]], top: int = 10):
    total = sum(r[3] for r in rows if r[1] == 0)
    print(f"\n{title}")
    print(f"  all imports: {total / 1000:.1f} ms cumulative over {len(rows)} modules")
    print(f"  {'cumul ms':>8}  {'self ms':>7}  module (indented by import depth)")
    for name, depth, self_us, cumulative in rows[:top]:
        print(f"  {cumulative / 1000:8.1f}  {self_us / 1000:7.1f}  {'  ' * depth}{name}")


# --- returned forms and file references -----------------------------------------------------


def fill_form(src: Path, dest: Path, answers: Sequence[Sequence[tuple[str, str, bool]]]) -> Path:
    """Type into each answer box of the form ``src`` as a person would, and save as ``dest``.

    ``answers`` has one entry per box: its paragraphs as (style, text, bold), where style is
    a paragraph style of the form ("" for the default, "List Bullet") and bold makes the
    text up to its first colon bold (a lead-in)."""
    import docx

    from commresp.documents.forms import answer_boxes

    document = docx.Document(src)
    boxes = answer_boxes(document)
    if len(boxes) != len(answers):
        raise SystemExit(f"{src.name}: {len(boxes)} answer boxes, {len(answers)} answers given")
    for cell, paragraphs in zip(boxes, answers, strict=True):
        for i, (style, text, bold) in enumerate(paragraphs):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            if style:
                paragraph.style = document.styles[style]
            head, colon, tail = text.partition(":")
            if bold and colon:
                paragraph.add_run(head + colon).bold = True
                paragraph.add_run(tail)
            else:
                paragraph.add_run(text)
    document.save(dest)
    return dest


def forget_synthetic_files(root: Path) -> float:
    """Clear the file names that :func:`fill` records but never writes (enquiry forms and
    e-mails, stored answers), so that ``commresp check`` and ``backup`` deal with the files
    that exist instead of reporting each synthetic one as missing.  Call it right after
    ``fill``: every enquiry and answer then is synthetic.  Returns the seconds it took (the
    answers' full-text triggers fire on the update)."""
    from commresp import store

    started = time.perf_counter()
    db = connect(root)
    try:
        with store.transaction(db):
            db.execute("update enquiries set form_file = null, email_file = null")
            db.execute("update answers set stored_file = null where stored_file is not null")
    finally:
        db.close()
    return time.perf_counter() - started
