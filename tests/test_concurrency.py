"""Several colleagues at once, and laptops that die mid-command: nothing lost or duplicated."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from commresp import store
from tests.helpers import Invoker, record

WORKERS = 8
PER_WORKER = 50  # 400 communications in all
FULL_EVERY = 5  # every fifth one is also asked, answered, drafted and rendered


def _worker(root: str, worker: int, queue) -> None:
    """Register, assign, answer, draft and render through the CLI; report each outcome."""
    from click.testing import CliRunner

    from commresp.cli import cli

    runner = CliRunner()
    outcomes = []

    def run(*args):
        result = runner.invoke(cli, ["-w", root, *args])
        outcomes.append((args[0], result.exit_code, result.stderr, repr(result.exception)))
        return result.exit_code == 0

    for k in range(PER_WORKER):
        ref = f"AL BEL {worker * PER_WORKER + k + 1}/2025"
        if not run("register", ref, "--date", "2025-07-22", "--mandate", "trafficking:f"):
            continue
        if k % FULL_EVERY:
            continue
        run("assign", ref, "--agency", "myria", "--question", "Findings?")
        run("answer", "add", ref, "--agency", "myria", "--text", f"Answer for {ref}.")
        run("draft", ref, "--date", "2025-07-31")
        run("render", ref, "--lang", "en")
    queue.put(outcomes)


@pytest.mark.slow
def test_eight_processes_at_once(ws):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(str(ws), w, queue)) for w in range(WORKERS)]
    for p in processes:
        p.start()
    outcomes = [o for _ in processes for o in queue.get(timeout=600)]
    for p in processes:
        p.join(60)
    failures = [o for o in outcomes if o[1] != 0]
    # every operation either succeeded or said clearly why not; none escaped as a traceback
    for command, code, stderr, exception in failures:
        assert code in (1, 2) and stderr.startswith("Error: "), (command, code, stderr, exception)
        assert "locked" not in stderr
    assert not failures, failures[:5]
    db = record(ws)
    assert store.integrity_errors(db) == []  # the SQLite file's check (the server keeps its own)
    refs = [r[0] for r in db.execute("select ref from communications")]
    assert len(refs) == len(set(refs)) == WORKERS * PER_WORKER
    outgoing = [
        r[0]
        for r in db.execute(
            "select outgoing_ref from communications where outgoing_ref is not null"
        )
    ]
    full = WORKERS * PER_WORKER // FULL_EVERY
    assert len(outgoing) == len(set(outgoing)) == full
    assert sorted(int(o.rsplit("/", 1)[1]) for o in outgoing) == list(range(1, full + 1))
    assert db.execute("select count(*) from answers").fetchone()[0] == full
    assert (
        db.execute("select count(*) from documents where format = 'docx'").fetchone()[0] == 2 * full
    )
    # exactly one audit event per successful operation (plus the workspace's creation)
    succeeded = sum(1 for o in outcomes if o[1] == 0)
    assert db.execute("select count(*) from events").fetchone()[0] == succeeded + 1


def _complete(path: Path) -> bool:
    """A file under its final name is whole: a .docx is a valid zip, an .eml parses."""
    if path.suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None and "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
    if path.suffix == ".eml":
        return BytesParser(policy=policy.default).parsebytes(path.read_bytes()) is not None
    return True


def _kill_after(args: list[str], delay: float, env: dict) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "commresp", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    return proc.wait()


@pytest.mark.slow
def test_killed_commands_leave_no_partial_file_and_the_next_run_succeeds(run, tmp_path):
    from tests.helpers import TYPED, fill_form

    rng = random.Random(20251010)
    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Findings?")
    form = run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx"
    forms = []
    for i in range(12):
        answers = [[("", f"Answer number {i}.", False)]]
        forms.append(fill_form(form, tmp_path / f"returned-{i}.docx", answers))
    run("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "First answer.")
    run("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    # import time of python + commresp is ~0.3 s here: kill anywhere in the first second
    for i in range(12):
        _kill_after(
            ["register", f"AL BEL {100 + i}/2025", "--date", "2025-07-22", "--mandate", "torture"],
            rng.uniform(0.05, 1.0),
            env,
        )
        _kill_after(["answer", "import", str(forms[i])], rng.uniform(0.05, 1.0), env)
        _kill_after(["render", "AL BEL 1/2025", "--lang", "en"], rng.uniform(0.05, 1.0), env)
    db = record(run.root)
    assert store.integrity_errors(db) == []
    db.close()
    finals = [
        p
        for p in (run.root / "correspondence").rglob("*")
        if p.is_file() and not p.name.endswith(".tmp")
    ]
    assert all(_complete(p) for p in finals), [p for p in finals if not _complete(p)]
    # every communication that exists is whole: its mandates are there
    db = record(run.root)
    assert (
        db.execute("""select count(*) from communications c where not exists
        (select 1 from communication_mandates m where m.communication_id = c.id)""").fetchone()[0]
        == 0
    )
    db.close()
    # and the next run of each command succeeds
    run("register", "AL BEL 200/2025", "--date", "2025-07-22", "--mandate", "torture")
    run(
        "answer",
        "import",
        str(fill_form(form, tmp_path / "last.docx", [[("", "The last answer.", False)]])),
    )
    run("render", "AL BEL 1/2025", "--lang", "en")
    del TYPED


# --- the same enquiry, communication or workspace from several processes at once ------------

# Each process imports commresp first, says it is ready, and waits for the word to go, so that
# the commands really overlap (starting Python takes longer than the race they run).
_TOGETHER = """
import sys
from commresp.cli import cli
from commresp.documents import forms, templating  # noqa: F401  (imported before the start)
print("ready", file=sys.stderr, flush=True)
sys.stdin.readline()
cli(sys.argv[1:], prog_name="commresp")
"""


def together(commands: list[list[str]], env: dict) -> list[subprocess.CompletedProcess]:
    """Run each command in its own process, all starting at the same instant."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _TOGETHER, *command],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    for proc in procs:
        assert proc.stderr.readline() == "ready\n"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def _recorded_answer_files(root: Path) -> list[tuple[int, str]]:
    db = record(root)
    try:
        return db.execute("select revision, stored_file from answers order by revision").fetchall()
    finally:
        db.close()


@pytest.mark.slow
def test_two_forms_of_one_enquiry_imported_at_once_become_two_revisions(run, tmp_path):
    from tests.helpers import fill_form

    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Findings?")
    form = run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx"
    rounds = 6
    for i in range(rounds):
        returned = [
            fill_form(
                form, tmp_path / f"returned-{i}-{j}.docx", [[("", f"Answer {i}.{j}.", False)]]
            )
            for j in (1, 2)
        ]
        results = together([["answer", "import", str(path)] for path in returned], env)
        for result in results:
            assert result.returncode == 0, result.stderr
            assert result.stderr == ""
            assert result.stdout.count("stored as revision") == 1, result.stdout
        stored = sorted(int(r.stdout.split("stored as revision ")[1].split()[0]) for r in results)
        assert stored == [2 * i + 1, 2 * i + 2]
    recorded = _recorded_answer_files(run.root)
    assert [r for r, _ in recorded] == list(range(1, 2 * rounds + 1))
    answers = run.root / "correspondence/AL-BEL-1-2025/answers"
    assert all((answers / name).is_file() for _, name in recorded), recorded
    assert len({name for _, name in recorded}) == 2 * rounds
    run("check")


@pytest.mark.slow
def test_two_drafts_of_one_communication_at_once_share_one_outgoing_number(run):
    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    rounds = 4
    for i in range(1, rounds + 1):
        ref = f"AL BEL {i}/2025"
        run("register", ref, "--date", "2025-07-22", "--mandate", "trafficking:f")
        run("assign", ref, "--agency", "myria", "--question", "Findings?")
        run("answer", "add", ref, "--agency", "myria", "--text", f"Answer to {ref}.")
        results = together([["draft", ref, "--date", "2025-07-31"]] * 2, env)
        for result in results:
            assert result.returncode == 0, result.stderr
            assert result.stderr == ""
    db = record(run.root)
    outgoing = db.execute("select ref, outgoing_ref from communications order by id").fetchall()
    # gap-free: the i-th communication drafted has the i-th number of the year
    assert outgoing == [(f"AL BEL {i}/2025", f"GP/CC 2025/{i}") for i in range(1, rounds + 1)]
    assert db.execute("select next_number from outgoing_counters where year = 2025").fetchone() == (
        rounds + 1,
    )
    # one event per successful draft, each naming the number the communication kept
    drafts = [
        (kept, json.loads(details)["outgoing_ref"])
        for kept, details in db.execute(
            """select c.outgoing_ref, e.details
               from events e join communications c on c.id = e.communication_id
               where e.action = 'draft'"""
        ).fetchall()
    ]
    assert len(drafts) == 2 * rounds
    assert all(kept == logged for kept, logged in drafts), drafts
    db.close()
    run("check")


# --- SIGKILL loops: killed anywhere, nothing readable, stale or lost is left ------------------

KILLS = 22  # per command: at least 20, bounded so that the whole suite stays short


def _timed(args: list[str], env: dict) -> float:
    """How long the command takes to the end, to spread the kills over all of it."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "commresp", *args], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def _readable_secrets(folder: Path) -> list[str]:
    """Every copy of the form secret (temporary ones too) that others could read."""
    return [
        f"{p} {p.stat().st_mode & 0o777:04o}"
        for p in folder.rglob("*")
        if "commresp-secret" in p.name and p.is_file() and p.stat().st_mode & 0o077
    ]


@pytest.fixture
def big_workspace(run) -> Path:
    """A workspace with a case in progress and enough files (templates of its own) that a
    kill often lands in the middle of copying them."""
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Findings?")
    run("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "Nothing found.")
    run("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    notes = run.root / "templates" / "notes"
    notes.mkdir(parents=True)
    for i in range(150):
        (notes / f"note-{i:03d}.md").write_text(f"Note {i} of the mission's own wording.\n" * 20)
    return run.root


@pytest.mark.slow
@pytest.mark.sqlite_only("restore makes an embedded workspace from a backup of its file")
def test_killed_restores_never_leave_a_readable_secret(big_workspace, run, tmp_path):
    env = {**os.environ}
    env.pop("COMMRESP_WORKSPACE", None)
    archive = tmp_path / "backup.zip"
    run("backup", str(archive))
    restored = tmp_path / "restored"
    rng = random.Random(20251011)
    full = _timed(["restore", str(archive), str(tmp_path / "timed")], env)
    for i in range(KILLS):
        _kill_after(
            ["restore", str(archive), str(restored / f"copy-{i}")], rng.uniform(0.1, full), env
        )
        assert _readable_secrets(tmp_path) == []
    # the next restore beside them names every folder the killed ones left
    done = subprocess.run(
        [sys.executable, "-m", "commresp", "restore", str(archive), str(restored / "last")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    leftovers = sorted(restored.glob(".*.restore"))
    assert leftovers, "no restore was killed half-way"
    assert [p for p in leftovers if str(p) not in done.stderr] == []
    assert (restored / "last" / ".commresp-secret").stat().st_mode & 0o777 == 0o600
    assert _readable_secrets(tmp_path) == []


def _whole_archive(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return archive.testzip() is None and "MANIFEST.json" in archive.namelist()


@pytest.mark.slow
@pytest.mark.sqlite_only("backups of the SQLite file")
def test_killed_backups_lose_no_archive_and_check_names_their_leftovers(big_workspace, run):
    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    backups = run.root.parent / "backups"
    backups.mkdir()
    run("backup", str(backups / "before.zip"))
    rng = random.Random(20251012)
    full = _timed(["backup", str(backups / "timed.zip")], env)
    for i in range(KILLS):
        _kill_after(["backup", str(backups / f"b-{i}.zip")], rng.uniform(0.1, full), env)
        # an archive under its final name is whole; nothing written earlier was touched
        assert all(_whole_archive(p) for p in backups.glob("*.zip"))
        leftovers = sorted(backups.glob(".*"))
        markers = sorted(run.root.glob(".commresp-backup-*"))
        if leftovers or markers:
            lines = run("check", code=1).stdout
            assert all(str(p) in lines for p in leftovers), (leftovers, lines)
            assert all(p.name in lines for p in markers), (markers, lines)
    killed = sorted(backups.glob(".*"))
    assert killed, "no backup was killed half-way"
    # deleting what check names makes the workspace whole again
    for line in run("check", code=1).stdout.splitlines():
        path = Path(line.split(": ", 1)[0])
        path = path if path.is_absolute() else run.root / path
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert not list(backups.glob(".*"))
    run("check")
    restored = run.root.parent / "restored"
    run("restore", str(backups / "before.zip"), str(restored))


# --- eight colleagues on the same communications ---------------------------------------------

CASES = ("AL BEL 1/2025", "AL BEL 2/2025", "AL BEL 3/2025")
ASKED = ("myria", "federal-police")
EXTRA = (
    "cic",
    "fps-justice",
    "criminal-policy-service",
    "federal-prosecutor",
    "immigration-office",
    "nsso",
    "fedasil",
    "payoke",
)
MIXED_ROUNDS = 3


def _mixed_worker(root: str, worker: int, forms: list[str], queue) -> None:
    """Import a returned form, draft, render and (once) ask one more agency, on the cases
    every other worker works on too."""
    from click.testing import CliRunner

    from commresp.cli import cli

    runner = CliRunner()
    outcomes = []

    def run(*args):
        result = runner.invoke(cli, ["-w", root, *args])
        outcomes.append((args[0], result.exit_code, result.stderr, repr(result.exception)))

    for r in range(MIXED_ROUNDS):
        ref = CASES[(worker + r) % len(CASES)]
        run("answer", "import", forms[r])
        if r == 0:
            run("assign", ref, "--agency", EXTRA[worker], "--question", "Anything to add?")
        run("draft", ref, "--force", "--date", "2025-07-31")
        run("render", ref, "--lang", "en")
    queue.put(outcomes)


@pytest.mark.slow
def test_eight_processes_in_two_folders_mixing_imports_drafts_renders_and_assigns(
    run, runner, tmp_path
):
    """Eight colleagues, four in each of two folders on one record (design.md §11), work on
    the same three communications at once."""
    from tests.helpers import fill_form, second_folder

    for ref in CASES:
        run("register", ref, "--date", "2025-07-22", "--mandate", "trafficking:f")
        args = [a for agency in ASKED for a in ("--agency", agency)]
        run("assign", ref, *args, "--question", "Findings?", "--due", "2025-09-01")
        for agency in ASKED:
            run("answer", "add", ref, "--agency", agency, "--text", f"{agency} on {ref}.")
        run("draft", ref, "--date", "2025-07-31")
    db = record(run.root)
    events_before = db.execute("select count(*) from events").fetchone()[0]
    db.close()
    forms = {}
    for w in range(WORKERS):
        for r in range(MIXED_ROUNDS):
            ref = CASES[(w + r) % len(CASES)]
            agency = ASKED[(w + r) % 2]
            slug = ref.replace(" ", "-").replace("/", "-")
            form = run.root / f"correspondence/{slug}/enquiries/enquiry-{agency}.fr.docx"
            typed = [[("", f"Worker {w}, round {r}: {agency} on {ref}.", False)]]
            forms[w, r] = str(fill_form(form, tmp_path / f"form-{w}-{r}.docx", typed))
    folders = (run.root, second_folder(runner, run.root, tmp_path / "colleague").root)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(
            target=_mixed_worker,
            args=(str(folders[w % 2]), w, [forms[w, r] for r in range(MIXED_ROUNDS)], queue),
        )
        for w in range(WORKERS)
    ]
    for p in processes:
        p.start()
    outcomes = [o for _ in processes for o in queue.get(timeout=900)]
    for p in processes:
        p.join(60)
    # every operation succeeded: no traceback, no 'busy', no refusal
    assert [o for o in outcomes if o[1] != 0] == []
    assert [o for o in outcomes if "Traceback" in o[2] or "Error" in o[2]] == []
    db = record(run.root)
    # every revision once, none lost: 1..n for each enquiry, and every recorded file exists
    numbered: dict[int, list[int]] = {}
    for enquiry, revision in db.execute("select enquiry_id, revision from answers"):
        numbered.setdefault(enquiry, []).append(revision)
    revisions = [(e, len(n)) for e, n in numbered.items()]
    for numbers in numbered.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    imported = sum(1 for o in outcomes if o[0] == "answer")
    assert sum(r[1] for r in revisions) == len(CASES) * len(ASKED) + imported
    stored = db.execute(
        """select c.slug, a.stored_file from answers a join enquiries e on e.id = a.enquiry_id
           join communications c on c.id = e.communication_id"""
    ).fetchall()
    assert len(set(stored)) == len(stored)
    # each folder was working: answers were imported in both
    here = [
        [f for s, f in stored if (root / f"correspondence/{s}/answers/{f}").is_file()]
        for root in folders
    ]
    assert all(here) and len(here[0]) + len(here[1]) >= len(stored)
    # one outgoing number per case, gap-free, whatever the number of drafts
    outgoing = sorted(r[0] for r in db.execute("select outgoing_ref from communications"))
    assert outgoing == [f"GP/CC 2025/{i}" for i in range(1, len(CASES) + 1)]
    assert db.execute("select count(*) from enquiries").fetchone()[0] == len(CASES) * 2 + WORKERS
    # one audit event per successful operation
    events = db.execute("select count(*) from events").fetchone()[0]
    assert events == events_before + len(outcomes)
    db.close()
    # each folder gets every file of the record, and then finds nothing wrong
    for root in folders:
        member = Invoker(runner, root)
        for ref in CASES:
            member("fetch", ref)
        assert all((root / f"correspondence/{s}/answers/{f}").is_file() for s, f in stored)
        member("check")


def _check_lines(run) -> list[str]:
    """What check says is wrong, one line each (none when all is in order)."""
    from commresp.cli import cli

    result = run.runner.invoke(cli, ["-w", str(run.root), "check"])
    assert result.exit_code in (0, 1), result.output
    return [] if result.exit_code == 0 else result.stdout.splitlines()


def _named_by_check(run, paths) -> None:
    """check names each of these files (relative to the workspace)."""
    lines = "\n".join(_check_lines(run))
    missing = [p for p in paths if p.relative_to(run.root).as_posix() not in lines]
    assert missing == [], (missing, lines)


def _clear_leftovers(run) -> None:
    for line in _check_lines(run):
        path, message = line.split(": ", 1)
        if "temporary file" in message:
            (run.root / path).unlink()


@pytest.mark.slow
def test_killed_assigns_leave_no_stale_form(run):
    from commresp.documents import forms

    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    rng = random.Random(20251013)
    assign = ["--agency", "myria", "--agency", "cic", "--question", "Findings?"]
    run("register", "AL BEL 999/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    full = _timed(["assign", "AL BEL 999/2025", *assign], env)
    for i in range(1, KILLS + 1):
        ref, slug = f"AL BEL {i}/2025", f"AL-BEL-{i}-2025"
        run("register", ref, "--date", "2025-07-22", "--mandate", "trafficking:f")
        _kill_after(["assign", ref, *assign], rng.uniform(0.1, full), env)
        folder = run.root / "correspondence" / slug / "enquiries"
        db = record(run.root)
        recorded = {
            name
            for row in db.execute(
                "select e.form_file, e.email_file from enquiries e join communications c "
                "on c.id = e.communication_id where c.slug = ?",
                [slug],
            )
            for name in row
        }
        db.close()
        present = sorted(folder.glob("*")) if folder.is_dir() else []
        # no form or e-mail under its final name that no enquiry records
        stale = [p for p in present if not p.name.startswith(".") and p.name not in recorded]
        assert stale == [], stale
        _named_by_check(run, [p for p in present if p.name.startswith(".")])
        _clear_leftovers(run)
        if recorded:  # killed after the commit: the forms and e-mails not yet in place
            # come back from the record, which kept their bytes in that transaction
            if any(name and not (folder / name).exists() for name in recorded):
                run("check", "--restore")
        else:
            run("assign", ref, *assign)
        db = record(run.root)
        ids = dict(
            db.execute(
                "select e.agency, e.id from enquiries e join communications c "
                "on c.id = e.communication_id where c.slug = ?",
                [slug],
            )
        )
        db.close()
        for agency, enquiry_id in ids.items():
            token = forms.read_form(folder / f"enquiry-{agency}.fr.docx").token
            assert token.split(".")[2] == str(enquiry_id)
    assert _check_lines(run) == []
    assert _readable_secrets(run.root) == []


@pytest.mark.slow
def test_killed_drafts_lose_no_hand_edit(run):
    env = {**os.environ, "COMMRESP_WORKSPACE": str(run.root)}
    rng = random.Random(20251014)
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "trafficking:f")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Findings?")
    run("answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "Nothing found.")
    run("draft", "AL BEL 1/2025", "--date", "2025-07-31")
    drafts = run.root / "correspondence/AL-BEL-1-2025/drafts"
    edited = drafts / "response.en.md"
    redraft = ["draft", "AL BEL 1/2025", "--force", "--date", "2025-07-31"]
    full = _timed(redraft, env)
    for i in range(KILLS):
        edit = f"Hand edit number {i}."
        edited.write_text(edited.read_text() + f"\n{edit}\n")
        _kill_after(redraft, rng.uniform(0.1, full), env)
        kept = [p for p in drafts.glob("response.en*.md") if edit in p.read_text()]
        assert kept, f"{edit!r} was lost"
        _named_by_check(run, sorted(drafts.glob(".*")))
        _clear_leftovers(run)
    run(*redraft)
    db = record(run.root)
    assert db.execute("select outgoing_ref from communications").fetchall() == [("GP/CC 2025/1",)]
    assert db.execute("select next_number from outgoing_counters").fetchall() == [(2,)]
    db.close()
    assert _check_lines(run) == []
