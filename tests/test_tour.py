"""The README's tour, run as written: every command of its code blocks, in order, in a fresh
folder, each in its own shell (bash), as a newcomer would type them.

Only what a test cannot do by hand is replaced: ``$EDITOR`` is ``true`` (the editor opens and
closes), the desktop's launcher (``xdg-open``, which ``commresp open`` calls) only records what
it was asked to open, HOME is a temporary folder, and the one question commresp asks
(``register --from-letter`` on a terminal) is answered "y" on a pseudo-terminal.  "Today" is
fixed at the day the tour was last walked through, so that the day counts it prints are stable.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-01"

pytestmark = pytest.mark.slow


def tour_commands(readme: str) -> list[str]:
    """The shell commands of the code blocks between '## A tour' and the next section,
    continuation lines joined."""
    section = readme.split("\n## A tour\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"^```\n(.*?)^```$", section, flags=re.S | re.M):
        for command in re.sub(r"\\\n\s*", "", block).splitlines():
            if command.strip():
                commands.append(command.strip())
    return commands


def test_the_tour_commands_are_found():
    commands = tour_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands[:3] == [
        "commresp init mission --profile belgium      # or --state MEX for any other State",
        "cd mission",
        "commresp demo letters                        "
        "# AL-BEL-1-2025.pdf and AL-BEL-2-2026.pdf, to try it on",
    ]
    assert all(not c.endswith("\\") for c in commands)
    assert not any(re.search(r"--reuse \d", c) for c in commands)  # no hard-coded paragraph
    assert not any("~/Downloads" in c or "commresp-demo/" in c for c in commands)


def run_with_answer(command: str, cwd: Path, env: dict, answer: str):
    """Run ``command`` with a terminal as its standard input, ``answer`` typed in advance."""
    main, child = os.openpty()
    try:
        os.write(main, answer.encode())
        return subprocess.run(
            ["bash", "-c", command],
            cwd=cwd,
            env=env,
            stdin=child,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        os.close(child)
        os.close(main)


LAUNCHER = """#!/bin/sh
printf '%s\\n' "$@" >> "{log}"
"""


@pytest.fixture
def tour_env(tmp_path) -> dict:
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "xdg-open"
    launcher.write_text(LAUNCHER.format(log=tmp_path / "opened.log"))
    launcher.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMRESP_")}
    env.pop("VISUAL", None)
    env.update(
        HOME=str(home),
        EDITOR="true",
        COMMRESP_TODAY=TODAY,
        PATH=os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env["PATH"]]),
        COLUMNS="100",
    )
    return env


def test_the_tour_runs_as_written(tmp_path, tour_env):
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("the tour renders PDFs: it needs LibreOffice (installed by .ci/run)")
    commands = tour_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    start = tmp_path / "fresh"
    start.mkdir()
    cwd = start
    outputs: dict[str, str] = {}
    for command in commands:
        words = shlex.split(command, comments=True)
        if not words:  # a line that is only a comment
            continue
        if words[0] == "cd":
            cwd = (cwd / words[1]).resolve()
            assert cwd.is_dir(), command
            continue
        if "--from-letter" in words and "--yes" not in words:
            result = run_with_answer(command, cwd, tour_env, "y\n")
        else:
            result = subprocess.run(
                ["bash", "-c", command],
                cwd=cwd,
                env=tour_env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
            )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        outputs[command] = result.stdout + result.stderr

    def output(prefix: str) -> str:
        return next(text for command, text in outputs.items() if command.startswith(prefix))

    mission = start / "mission"
    # what the tour says it shows, it shows
    registered = output('commresp register "AL BEL 1/2025"')
    assert "reply due 2025-09-20 (437 days late)" in registered
    assert "Warning: the reply date 2025-09-20 has already passed" in registered
    assert "Registered AL BEL 2/2026" in output("commresp register --from-letter")
    assigned = output('commresp assign "AL BEL 1/2025"')
    assert "Warning: the answers are due 2026-12-22, 458 days after the reply date" in assigned
    assert assigned.count("no To: address") == 1  # said once, for myria and fps-justice
    assert "myria" in output("commresp agencies --no-email")
    assert "No reminder due" in output('commresp remind "AL BEL 1/2025" --dry-run')
    assert "[traite des êtres humains]" in output("commresp search traite")
    assert "(en;" in output('commresp precedents "AL BEL 2/2026"')
    letter = mission / "correspondence/AL-BEL-1-2025/incoming/AL-BEL-1-2025.pdf"
    assert letter.is_file()
    out = mission / "correspondence/AL-BEL-1-2025/out"
    assert {"response.en.v1.docx", "response.en.v1.pdf", "note_verbale.fr.v1.pdf"} <= {
        p.name for p in out.iterdir()
    }
    draft = (mission / "correspondence/AL-BEL-2-2026/drafts/response.en.md").read_text()
    assert "yielded any information" in draft or "trafficking" in draft.lower()
    assert (tmp_path / "home/backups/mission-2025-11-23.zip").is_file()
    # what 'commresp open' handed to the desktop, once the launcher has written it down
    for _ in range(100):
        opened = (tmp_path / "opened.log").read_text() if (tmp_path / "opened.log").exists() else ""
        if opened.count("\n") >= 2:
            break
        time.sleep(0.05)
    assert opened.splitlines() == [
        str(out / "response.en.v1.docx"),
        str(out / "note_verbale.fr.v1.pdf"),
    ]
    assert (start / "restored-mission/commresp.toml").is_file()
