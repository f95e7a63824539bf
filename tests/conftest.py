"""Shared fixtures: every test gets its own workspace under tmp_path and a fixed 'today'.

The plain helpers (constants, the invoker, snapshots, document builders) are in helpers.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from commresp import answers, communications, enquiries
from commresp.cli import cli
from commresp.workspace.create import create_workspace
from commresp.workspace.session import Session, open_session
from tests.helpers import REGISTER_AL_BEL_1_2025, TODAY, Invoker


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test touches a real workspace, and 'today' is fixed so day counts are stable."""
    monkeypatch.delenv("COMMRESP_WORKSPACE", raising=False)
    monkeypatch.setenv("COMMRESP_TODAY", TODAY)
    monkeypatch.setenv("COMMRESP_ACTOR", "test-diplomat")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def ws(runner, tmp_path) -> Path:
    """A Belgian workspace, freshly initialised."""
    root = tmp_path / "mission"
    result = runner.invoke(cli, ["init", str(root), "--profile", "belgium"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def run(runner, ws) -> Invoker:
    return Invoker(runner, ws)


@pytest.fixture
def registered(run) -> Invoker:
    run(*REGISTER_AL_BEL_1_2025)
    return run


# --- the operations without click --------------------------------------------------------


@pytest.fixture
def session(tmp_path) -> Iterator[Session]:
    """A Belgian workspace made by the library (no click), opened as 'test-diplomat'."""
    root = tmp_path / "mission"
    create_workspace(root, profile="belgium")
    opened = open_session(str(root), "test-diplomat")
    yield opened
    opened.db.close()


@pytest.fixture
def al_bel_1(session) -> Session:
    """The session with AL BEL 1/2025 registered as the worked example has it."""
    choice = communications.MandateChoice.parse
    communications.register(
        session,
        "AL BEL 1/2025",
        letter_date=date(2025, 7, 22),
        received_on=date(2025, 7, 24),
        mandates=[choice(m) for m in ("mercenaries", "minorities", "slavery", "trafficking:f")],
        subject="Trafficking of Sri Lankan nationals into the Russian armed forces",
    )
    return session


@pytest.fixture
def al_bel_1_answered(al_bel_1) -> Session:
    """AL BEL 1/2025 asked of two agencies, each of which answered (with a footnote)."""
    enquiries.assign(
        al_bel_1,
        "AL BEL 1/2025",
        agencies=["myria", "federal-police"],
        questions=["Findings?"],
        due=date(2025, 9, 1),
    )
    answers.add(
        al_bel_1,
        "AL BEL 1/2025",
        agency="myria",
        text="**Data collection**\n\nMyria publishes a report[^1] on Siobhán's & <partners> work "
        "(€2 million).\n\n[^1]: See myria.be.",
    )
    answers.add(
        al_bel_1,
        "AL BEL 1/2025",
        agency="federal-police",
        text="No information was found[^1].\n\n[^1]: Checks of 2025.",
    )
    return al_bel_1
