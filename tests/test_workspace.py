"""commresp init and the mission profile."""

import os
import stat
import tomllib

import pytest

from commresp.cli import cli
from commresp.rules import wording
from commresp.workspace import packaged
from commresp.workspace.profile import load_profile
from tests.helpers import TEST_SERVER


def test_init_belgium_writes_the_profile_of_the_seed(ws):
    profile = tomllib.loads((ws / "commresp.toml").read_text())
    assert profile["mission"]["name_fr"] == (
        "Représentation permanente de la Belgique auprès des Nations-Unies et des autres "
        "organisations internationales à Genève"
    )
    assert profile["mission"]["short_name_fr"] == "Représentation permanente de la Belgique"
    assert profile["mission"]["letterhead"][0] == (
        "Représentation permanente du Royaume de Belgique"
    )
    assert "E-mail: geneva@diplobel.fed.be" in profile["mission"]["letterhead"]
    assert profile["outgoing"]["prefix"] == "GP/CC"
    assert profile["addressee"]["name_fr"] == "Secrétariat du Service des procédures spéciales"
    assert profile["addressee"]["email"] == "ohchr-registry@un.org"
    assert profile["deadlines"]["reply_days"] == {"AL": 60, "UA": 60, "OL": 60}
    # the record: commresp.db here, or the team server's database (nothing of it on disk)
    assert (ws / "commresp.db").is_file() is not bool(TEST_SERVER)
    assert (ws / "correspondence").is_dir()
    assert "# " in (ws / "commresp.toml").read_text()  # commented for the person editing it


@pytest.mark.sqlite_only("the form secret is a file of the embedded workspace")
def test_secret_is_private(ws):
    mode = stat.S_IMODE(os.stat(ws / ".commresp-secret").st_mode)
    assert mode == 0o600


def test_init_refuses_to_overwrite(runner, ws):
    before = (ws / "commresp.toml").read_bytes()
    result = runner.invoke(cli, ["init", str(ws), "--profile", "belgium"])
    assert result.exit_code == 1
    assert "already holds a commresp workspace" in result.stderr
    assert (ws / "commresp.toml").read_bytes() == before


def test_init_for_another_state(runner, tmp_path):
    result = runner.invoke(cli, ["init", str(tmp_path / "ca"), "--state", "can"])
    assert result.exit_code == 0, result.output
    profile = load_profile(tmp_path / "ca" / "commresp.toml")
    assert profile.get("state.code") == "CAN"
    assert profile.state_name("fr") == wording.Name("Canada", "le")
    assert profile.mission_name("fr").short == "Mission permanente du Canada"
    assert profile.mission_name("es").short == "Misión Permanente del Canadá"
    assert profile.holidays_code == "CA"
    assert profile.get("outgoing.prefix") == "CAN/GVA"


def test_init_bad_state_or_profile(runner, tmp_path):
    for args, message in (
        (["--state", "XYZ"], '--state "XYZ" is not a State in commresp\'s table of States'),
        (["--state", "MXC"], "nearest: MEX (Mexico)"),
        (["--state", "Philipines"], "nearest: PHL (Philippines)"),
        (["--state", "OTH"], "other addressees have no mission"),
        (["--profile", "atlantis"], "unknown profile 'atlantis'"),
    ):
        result = runner.invoke(cli, ["init", str(tmp_path / "x"), *args])
        assert result.exit_code == 2
        assert message in result.stderr
        assert not (tmp_path / "x" / "commresp.toml").exists()


def test_catalogs_are_seeded_and_extendable(run):
    mandates = run.json("mandates")
    assert len(mandates) == len(packaged.mandates()) == 64
    assert {"trafficking", "mercenaries", "minorities", "slavery"} <= {m["slug"] for m in mandates}
    assert [m["slug"] for m in run.json("mandates", "traite", "êtres")] == ["trafficking"]
    assert len(run.json("agencies")) == 17
    run(
        "mandates",
        "add",
        "sr-test",
        "--holder-type",
        "Independent Expert",
        "--title-en",
        "Independent Expert on tests",
        "--title-fr",
        "Expert indépendant sur les essais",
    )
    run("mandates", "edit", "trafficking", "--gender", "m")
    edited = [m for m in run.json("mandates", "trafficking") if m["slug"] == "trafficking"]
    assert [m["holder_gender"] for m in edited] == ["m"]
    run(
        "agencies",
        "add",
        "federal-police-2",
        "--name-en",
        "Police",
        "--language",
        "nl",
        "--email",
        "p@example.org",
    )
    run("agencies", "edit", "myria", "--email", "contact@myria.example")
    assert run.json("agencies", "myria")[0]["email"] == "contact@myria.example"
    result = run("agencies", "add", "BAD SLUG", "--name-en", "x", "--language", "fr", code=2)
    assert "not a valid slug" in result.stderr
    result = run("agencies", "edit", "myria", "--language", "de", code=2)
    assert "--language must be one of fr, nl, en" in result.stderr


def test_the_folders_of_a_communication_are_named_once(ws):
    import pytest

    from commresp import workspace

    found = workspace.find(str(ws))
    assert workspace.SUBFOLDERS == ("incoming", "enquiries", "answers", "drafts", "out")
    assert found.folder("AL-BEL-1-2025", workspace.OUT) == (
        ws.resolve() / "correspondence" / "AL-BEL-1-2025" / "out"
    )
    with pytest.raises(ValueError, match="not a folder of a communication"):
        found.folder("AL-BEL-1-2025", "outgoing")


def test_the_profile_gives_the_wording_its_names(ws):
    from commresp.rules import wording

    profile = load_profile(ws / "commresp.toml")
    assert wording.of_state(profile.state_name("fr"), "fr") == "de la Belgique"
    assert wording.response_of(profile.state_name("en"), "en") == "Response of Belgium"
    assert wording.of_state(profile.state_name("nl"), "nl") == "van België"
    assert wording.mission(profile.mission_name("fr"), "fr", short=True, start=True) == (
        "La Représentation permanente de la Belgique"
    )
    assert (profile.agency_margin, profile.agency_notice) == (10, 5)
    assert profile.document_language("note_verbale") == "fr"
