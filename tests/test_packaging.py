"""commresp installs as a regular wheel with its templates and data, not only in a checkout."""

import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_templates_and_catalogs_found_in_this_install():
    templates = resources.files("commresp.templates")
    assert templates.joinpath("letterhead.docx").is_file()
    assert resources.files("commresp").joinpath("data", "mandates.csv").is_file()


@pytest.mark.slow
def test_wheel_ships_templates_and_they_are_found_at_run_time(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("commresp-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "commresp/templates/letterhead.docx" in names
    assert "commresp/data/mandates.csv" in names
    assert "commresp/example/AL-BEL-1-2025/case.toml" in names  # what 'commresp demo' replays
    assert "commresp/example/AL-BEL-1-2025/answers/myria.md" in names
    assert "commresp/example/letters/AL-BEL-1-2025.pdf" in names  # 'commresp demo letters'
    # every layer's folder, so that the installed command imports
    for package in ("commands", "maintenance", "reporting", "rules", "store", "workspace"):
        assert f"commresp/{package}/__init__.py" in names, package
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    probe = (
        "import commresp, importlib.resources as r;"
        "print(commresp.__file__);"
        "print(r.files('commresp.templates').joinpath('letterhead.docx').is_file());"
        "import commresp.cli"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    ).stdout.split()
    assert out[0].startswith(str(target))  # the wheel's copy, not the checkout
    assert out[1] == "True"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "commresp", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("commresp, version")
