"""render --pdf over several communications: one LibreOffice run for all their documents, or a
running unoserver ([pdf] server); every PDF on record, all or nothing per communication.

LibreOffice is observed, not imitated: the profile's [pdf] soffice is a small script that logs
its command line and then runs the real soffice (or first deletes one communication's files,
as a file LibreOffice cannot read). The unoserver tests start the real unoserver (LibreOffice
through UNO) when a Python with both ``uno`` and ``unoserver`` is found (``.ci/run`` makes
``.ci-uno``); otherwise they are skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from commresp import rendering
from commresp.workspace.files import sha256_file
from tests.helpers import db_snapshot, events, record, rows, tree

REFS = ["AL BEL 1/2025", "UA BEL 2/2025", "AL BEL 3/2025"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
pytestmark = pytest.mark.slow


def set_pdf(root: Path, **values: str) -> None:
    """Write ``[pdf]`` keys into the workspace's commresp.toml."""
    profile = root / "commresp.toml"
    lines = "".join(f"{key} = '{value}'\n" for key, value in values.items())
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("[pdf]\n", f"[pdf]\n{lines}", 1), encoding="utf-8")


def logging_soffice(folder: Path, *, drop: str | None = None) -> tuple[Path, Path]:
    """A stand-in [pdf] soffice that appends its command line to a log, (with ``drop``,
    deletes the input files whose name contains it), then runs the real LibreOffice."""
    log = folder / "soffice.log"
    script = folder / "soffice"
    dropping = f'for a in "$@"; do case "$a" in *{drop}*) rm -f "$a";; esac; done\n' if drop else ""
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n{dropping}exec "{SOFFICE}" "$@"\n')
    script.chmod(0o755)
    return script, log


@pytest.fixture
def three_drafted(run):
    """Three communications, each asked of Myria, answered and drafted (state drafted)."""
    for n, ref in enumerate(REFS, 1):
        run("register", ref, "--date", "2025-07-22", "--mandate", "trafficking:f")
        run("assign", ref, "--agency", "myria", "--question", "Findings?")
        run("answer", "add", ref, "--agency", "myria", "--text", f"Answer {n} of Myria.")
        run("draft", ref, "--date", "2025-07-31")
    return run


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\xa0", " ")


def documents(run, fmt: str) -> list[dict]:
    with contextlib.closing(record(run.root)) as db:  # either backend
        return rows(db, "documents", format=fmt)


def renders(run) -> list[dict]:
    with contextlib.closing(record(run.root)) as db:  # either backend
        return [e for e in events(db) if e["action"] == "render"]


@needs_soffice
def test_a_batch_of_three_starts_libreoffice_once_and_records_every_pdf(three_drafted, tmp_path):
    run = three_drafted
    script, log = logging_soffice(tmp_path)
    set_pdf(run.root, soffice=str(script))
    results = run.json("render", "--status", "drafted", "--pdf")
    # three communications, four documents each (note verbale and response, fr and en)
    assert len(results) == 12 and all(r["pdf"] for r in results)
    started = log.read_text().splitlines()
    assert len(started) == 1  # ONE LibreOffice run for the twelve files
    assert started[0].count(".docx") == 12
    for r in results:  # each PDF reads back and names its own communication
        pdf = Path(r["pdf"])
        kind, state, n, year = pdf.parent.parent.name.split("-")  # correspondence/<slug>/out
        assert f"{kind} {state} {n}/{year}" in pdf_text(pdf)
    recorded = documents(run, "pdf")
    assert sorted(run.root / d["path"] for d in recorded) == sorted(Path(r["pdf"]) for r in results)
    assert all(d["sha256"] == sha256_file(run.root / d["path"]) for d in recorded)
    assert {d["version"] for d in recorded} == {1}
    # one audit event per communication, naming its 8 files (4 .docx, 4 PDFs)
    assert [len(e["details"]["files"]) for e in renders(run)] == [8, 8, 8]


@needs_soffice
def test_a_communication_whose_pdf_fails_is_named_and_left_as_it_was(three_drafted, tmp_path):
    run = three_drafted
    script, log = logging_soffice(tmp_path, drop="UA-BEL-2-2025.response.en")
    set_pdf(run.root, soffice=str(script))
    failed_case = run.root / "correspondence" / "UA-BEL-2-2025"
    before = tree(failed_case)
    result = run("render", *REFS, "--pdf", code=1)
    # (the other lines are the drafts' translation warnings)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(
        "Error: UA BEL 2/2025: no PDF of response.en.v1.docx (LibreOffice made no PDF of it"
    )
    assert errors[0].endswith("nothing of UA BEL 2/2025 was recorded, render it again")
    assert len(log.read_text().splitlines()) == 1
    # the other two are rendered and recorded, documents and PDFs
    printed = result.stdout.splitlines()
    assert len(printed) == 16 and not any("UA-BEL-2-2025" in line for line in printed)
    assert len(documents(run, "pdf")) == len(documents(run, "docx")) == 8
    # the failed one: no file, no record, no event
    assert tree(failed_case) == before
    assert not any(
        d["path"].startswith("correspondence/UA-BEL-2-2025") for d in documents(run, "docx")
    )
    assert len(renders(run)) == 2


def test_render_without_ref_or_status_is_a_usage_error(three_drafted):
    result = three_drafted("render", code=2)
    assert "name at least one REF, or --status (e.g. --status drafted)" in result.stderr


def test_a_bad_reference_in_a_batch_changes_nothing(three_drafted):
    before = db_snapshot(three_drafted.root), tree(three_drafted.root)
    result = three_drafted("render", "AL BEL 1/2025", "AL BEL 9/2025", code=1)
    assert result.stderr.startswith("Error: ")
    assert (db_snapshot(three_drafted.root), tree(three_drafted.root)) == before


# --- a running unoserver ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uno_python() -> str | None:
    """A Python that imports both LibreOffice's ``uno`` and ``unoserver`` (the server side)."""
    here = Path(__file__).resolve().parent.parent
    candidates = [os.environ.get("COMMRESP_UNOSERVER_PYTHON"), str(here / ".ci-uno/bin/python")]
    candidates += ["/usr/bin/python3"]
    for candidate in filter(None, candidates):
        if Path(candidate).exists():
            probe = subprocess.run(
                [candidate, "-c", "import uno, unoserver.server"], capture_output=True
            )
            if probe.returncode == 0:
                return candidate
    return None


@pytest.fixture
def unoserver(tmp_path):
    """The real unoserver on loopback, with its own LibreOffice profile; its address."""
    python = uno_python()
    if python is None or SOFFICE is None:
        pytest.skip("no Python with LibreOffice's uno and unoserver (see .ci/run)")
    pytest.importorskip("unoserver.client")
    port, uno_port = free_port(), free_port()
    server = subprocess.Popen(
        [python, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port", str(port)]
        + ["--uno-port", str(uno_port), "--user-installation", str(tmp_path / "uno-profile")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(600):  # LibreOffice's start-up: a few seconds
            try:
                from xmlrpc.client import ServerProxy

                ServerProxy(f"http://127.0.0.1:{port}").info()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("unoserver did not start in 60 s")
        yield f"127.0.0.1:{port}"
    finally:
        # unoserver may outlive SIGTERM (its LibreOffice already gone): then SIGKILL, the group
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def test_pdfs_through_a_running_unoserver_start_no_libreoffice(three_drafted, unoserver, tmp_path):
    run = three_drafted
    script, log = logging_soffice(tmp_path)
    set_pdf(run.root, soffice=str(script), server=unoserver)
    results = run.json("render", "AL BEL 1/2025", "UA BEL 2/2025", "--pdf", "--lang", "fr")
    assert len(results) == 4 and not log.exists()  # commresp started no soffice of its own
    for r in results:  # each PDF reads back and names its own communication
        kind, state, n, year = Path(r["pdf"]).parent.parent.name.split("-")
        assert f"{kind} {state} {n}/{year}" in pdf_text(Path(r["pdf"]))
    recorded = documents(run, "pdf")
    assert sorted(run.root / d["path"] for d in recorded) == sorted(Path(r["pdf"]) for r in results)
    assert all(d["sha256"] == sha256_file(run.root / d["path"]) for d in recorded)


def test_an_unreachable_unoserver_is_one_line_saying_how_to_start_one(three_drafted):
    run = three_drafted
    port = free_port()  # nothing listens there
    set_pdf(run.root, server=f"127.0.0.1:{port}")
    before = db_snapshot(run.root), tree(run.root)
    result = run("render", "AL BEL 1/2025", "--pdf", code=1)
    assert result.stderr == (
        f"Error: no PDF server answers at 127.0.0.1:{port} ([pdf] server in commresp.toml: "
        "Connection refused): start one with 'unoserver --interface 127.0.0.1 --port 2003' "
        "(pip install unoserver, in a Python that has LibreOffice's uno module: on Debian, "
        "/usr/bin/python3 with python3-uno); or remove [pdf] server to let commresp start "
        "LibreOffice itself\n"
    )
    assert (db_snapshot(run.root), tree(run.root)) == before


def test_a_malformed_server_address_is_bad_input(three_drafted):
    set_pdf(three_drafted.root, server="127.0.0.1:port")
    result = three_drafted("render", "AL BEL 1/2025", "--pdf", code=2)
    assert result.stderr == (
        "Error: [pdf] server in commresp.toml is '127.0.0.1:port': expected HOST:PORT, "
        'e.g. "127.0.0.1:2003"\n'
    )


def test_server_addresses():
    from commresp.workspace.libreoffice import parse_server

    assert parse_server("127.0.0.1:2003") == ("127.0.0.1", 2003)
    assert parse_server(" localhost ") == ("localhost", 2003)
    assert parse_server("[::1]:2004") == ("::1", 2004)
    assert rendering.pdf_converter  # the operation that reads [pdf] server
