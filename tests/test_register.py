"""The register: log a communication and see it, with every bad input refused cleanly."""

import re

import pytest

from commresp.cli import cli
from tests.helpers import REGISTER_AL_BEL_1_2025, db_snapshot, tree


def test_worked_example_is_registered_in_canonical_form(registered):
    shown = registered.json("show", "al-bel-1-2025")
    assert shown["ref"] == "AL BEL 1/2025"
    assert shown["slug"] == "AL-BEL-1-2025"
    assert shown["letter_date"] == "2025-07-22"
    assert shown["reply_due"] == "2025-09-20"
    assert shown["status"] == "received"
    assert [m["mandate"] for m in shown["mandates"]] == [
        "mercenaries",
        "minorities",
        "slavery",
        "trafficking",
    ]
    trafficking = shown["mandates"][3]
    assert trafficking["holder_gender"] == "f"
    assert trafficking["title_fr"].startswith("Rapporteuse spéciale sur la traite")
    assert trafficking["title_en"].startswith("Special Rapporteur on trafficking")
    assert shown["mandates"][0]["holder_gender"] == ""  # a working group has no gender
    assert [e["action"] for e in shown["events"]] == ["register"]
    assert shown["events"][0]["actor"] == "test-diplomat"


def test_titles_as_the_letter_words_them(run):
    run(
        *REGISTER_AL_BEL_1_2025[:-2],
        "--title-en",
        "slavery=Special Rapporteur on contemporary forms of slavery",
        "--title-fr",
        "trafficking=Rapporteuse spéciale sur la traite des êtres humains, en particulier "
        "des femmes et des enfants",
    )
    mandates = run.json("show", "AL BEL 1/2025")["mandates"]
    assert mandates[2]["title_en"] == "Special Rapporteur on contemporary forms of slavery"
    assert mandates[3]["title_fr"].endswith("en particulier des femmes et des enfants")


def test_letter_is_copied_to_incoming(run, tmp_path):
    letter = tmp_path / "AL BEL 1 2025.pdf"
    letter.write_bytes(b"%PDF-1.4 letter")
    run(*REGISTER_AL_BEL_1_2025, "--letter", str(letter))
    copied = run.root / "correspondence" / "AL-BEL-1-2025" / "incoming" / "AL BEL 1 2025.pdf"
    assert copied.read_bytes() == b"%PDF-1.4 letter"
    shown = run.json("show", "AL BEL 1/2025")
    assert shown["letter_files"] == ["AL BEL 1 2025.pdf"]
    assert shown["events"][0]["details"]["letter"] == "AL BEL 1 2025.pdf"


def test_list_filters_and_pages(run):
    run(*REGISTER_AL_BEL_1_2025)
    run("register", "UA BEL 2/2025", "--date", "2025-07-30", "--mandate", "torture")
    run("register", "AL BEL 3/2024", "--date", "2024-03-01", "--mandate", "migrants:m")
    listed = run.json("list")
    assert listed["total"] == 3
    assert [c["ref"] for c in listed["communications"]] == [
        "UA BEL 2/2025",
        "AL BEL 1/2025",
        "AL BEL 3/2024",
    ]
    assert [c["ref"] for c in run.json("list", "--year", "2024")["communications"]] == [
        "AL BEL 3/2024"
    ]
    by_mandate = run.json("list", "--mandate", "trafficking")["communications"]
    assert [c["ref"] for c in by_mandate] == ["AL BEL 1/2025"]
    page2 = run.json("list", "--limit", "2", "--page", "2")
    assert [c["ref"] for c in page2["communications"]] == ["AL BEL 3/2024"]
    text = run("list", "--limit", "2").output
    assert "1–2 of 3" in text


def test_status_puts_overdue_first(run):
    run("register", "AL BEL 3/2024", "--date", "2024-03-01", "--mandate", "migrants")
    run(*REGISTER_AL_BEL_1_2025)
    run("register", "UA BEL 2/2025", "--date", "2025-07-30", "--mandate", "torture")
    board = run.json("status")
    refs = [c["ref"] for c in board["communications"]]
    assert refs == ["AL BEL 3/2024", "AL BEL 1/2025", "UA BEL 2/2025"]
    # today is fixed at 2025-08-01 by the fixtures
    assert [c["days_left"] for c in board["communications"]] == [-458, 50, 58]
    assert board["overdue"] == 1
    assert board["open"] == 3
    assert run.json("status", "--limit", "1")["overdue"] == 1  # counted over all, not the page


def test_reply_period_per_letter_type_comes_from_the_profile(run):
    profile = run.root / "commresp.toml"
    profile.write_text(profile.read_text().replace("UA = 60", "UA = 30"))
    run("register", "UA BEL 2/2025", "--date", "2025-07-30", "--mandate", "torture")
    assert run.json("show", "UA BEL 2/2025")["reply_due"] == "2025-08-29"


def test_edit_and_close_are_audited(registered):
    registered(
        "edit",
        "AL BEL 1/2025",
        "--received",
        "2025-07-23",
        "--gender",
        "minorities=f",
        "--subject",
        "Recruitment into armed forces",
    )
    shown = registered.json("show", "AL BEL 1/2025")
    assert shown["received_on"] == "2025-07-23"
    assert shown["mandates"][1]["holder_gender"] == "f"
    edit = shown["events"][1]
    assert edit["action"] == "edit"
    assert edit["details"]["before"]["received_on"] == "2025-07-24"
    registered("edit", "AL BEL 1/2025", "--date", "2025-07-21")
    assert registered.json("show", "AL BEL 1/2025")["reply_due"] == "2025-09-19"
    registered("close", "AL BEL 1/2025", "--reason", "answered in person")
    shown = registered.json("show", "AL BEL 1/2025")
    assert shown["status"] == "closed"
    assert shown["closed_reason"] == "answered in person"
    assert [e["action"] for e in shown["events"]] == ["register", "edit", "edit", "close"]
    assert registered.json("status")["open"] == 0


BAD_REGISTRATIONS = [
    (
        ["register", "AL BEL 1 2025 x", "--date", "2025-07-22", "--mandate", "torture"],
        2,
        "is not a communication reference",
    ),
    (
        ["register", "AL ZZZ 1/2025", "--date", "2025-07-22", "--mandate", "torture"],
        2,
        "'ZZZ' in 'AL ZZZ 1/2025' is not an ISO 3166-1 alpha-3 country code",
    ),
    (
        ["register", "XY BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture"],
        2,
        "unknown letter type 'XY'",
    ),
    (
        ["register", "AL BEL 2/2025", "--date", "2025-02-30", "--mandate", "torture"],
        2,
        "'2025-02-30' is not a date",
    ),
    (
        ["register", "AL BEL 2/2025", "--date", "2026-01-01", "--mandate", "torture"],
        2,
        "is in the future",
    ),
    (
        [
            "register",
            "AL BEL 2/2025",
            "--date",
            "2025-07-22",
            "--received",
            "2025-07-01",
            "--mandate",
            "torture",
        ],
        2,
        "before the letter's date",
    ),
    (
        ["register", "AL BEL 2/2025", "--date", "2025-07-22", "--mandate", "trafficing"],
        2,
        "unknown mandate 'trafficing' (did you mean trafficking?)",
    ),
    (
        ["register", "AL BEL 2/2025", "--date", "2025-07-22", "--mandate", "torture:x"],
        2,
        "must be f or m",
    ),
    (
        [
            "register",
            "AL BEL 2/2025",
            "--date",
            "2025-07-22",
            "--mandate",
            "torture",
            "--mandate",
            "torture",
        ],
        2,
        "mandate named twice: torture",
    ),
    (
        [
            "register",
            "AL BEL 2/2025",
            "--date",
            "2025-07-22",
            "--mandate",
            "torture",
            "--title-fr",
            "food=Rapporteur",
        ],
        2,
        "which is not among --mandate",
    ),
    (
        [
            "register",
            "AL BEL 2/2025",
            "--date",
            "2025-07-22",
            "--mandate",
            "torture",
            "--letter",
            "/nonexistent/letter.pdf",
        ],
        2,
        "does not exist",
    ),
    (
        ["register", "al-bel-01-2025", "--date", "2025-07-22", "--mandate", "torture"],
        1,
        "AL BEL 1/2025 is already registered",
    ),
    (["show", "AL BEL 9/2025"], 1, "AL BEL 9/2025 is not registered in this workspace"),
    (["edit", "AL BEL 1/2025"], 2, "nothing to change"),
    (["edit", "AL BEL 1/2025", "--gender", "torture=f"], 2, "not a mandate of AL BEL 1/2025"),
    (["close", "AL BEL 1/2025", "--reason", " "], 2, "say why with --reason"),
    (["list", "--status", "lost"], 2, "unknown status 'lost'"),
    (["list", "--mandate", "nope"], 2, "unknown mandate 'nope'"),
]


@pytest.mark.parametrize(
    "args, code, message",
    BAD_REGISTRATIONS,
    ids=[" ".join(a[:2]) + f"-{i}" for i, (a, _, _) in enumerate(BAD_REGISTRATIONS)],
)
def test_bad_input_is_one_line_and_changes_nothing(registered, args, code, message):
    before, files_before = db_snapshot(registered.root), tree(registered.root)
    result = registered(*args, code=code)
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(error_lines) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(registered.root) == before
    assert tree(registered.root) == files_before


def test_outside_a_workspace(runner, tmp_path):
    result = runner.invoke(cli, ["status"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: not inside a commresp workspace (no commresp.toml here or in any parent); "
        "run 'commresp init' or pass --workspace PATH"
    )


def test_workspace_is_found_walking_up_and_from_the_environment(runner, ws, monkeypatch):
    deep = ws / "correspondence" / "somewhere"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert runner.invoke(cli, ["status"]).exit_code == 0
    monkeypatch.chdir(ws.parent)
    assert runner.invoke(cli, ["status"]).exit_code == 1
    monkeypatch.setenv("COMMRESP_WORKSPACE", str(ws))
    assert runner.invoke(cli, ["status"]).exit_code == 0


def test_corrupt_profile_is_one_line(run):
    before = db_snapshot(run.root)
    (run.root / "commresp.toml").write_text("[state\ncode = ")
    result = run("status", code=1)
    assert result.stderr.startswith("Error: commresp.toml is not valid TOML")
    assert len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(run.root) == before


@pytest.mark.sqlite_only("the damaged file is commresp.db")
def test_corrupt_database_is_one_line(run):
    (run.root / "commresp.db").write_bytes(b"this is not a database" * 100)
    for side in ("commresp.db-wal", "commresp.db-shm"):
        (run.root / side).unlink(missing_ok=True)
    result = run("status", code=1)
    assert "cannot be opened as a commresp database" in result.stderr


def test_json_of_every_listing_has_the_rows_the_table_shows(registered):
    """--json holds what the table shows: as many rows, in the same order, each cell of a
    table line among the values of its JSON row."""

    def shown(row: dict) -> set[str]:
        return {
            ", ".join(map(str, v)) if isinstance(v, list) else str(v)
            for v in row.values()
            if v not in (None, "", [])
        }

    for args, key in (
        (["list"], "communications"),
        (["status"], "communications"),
        (["mandates"], None),
        (["agencies"], None),
    ):
        data = registered.json(*args)
        rows = data[key] if key else data
        lines = registered(*args).stdout.splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith(("Reference", "Slug")))
        table = lines[header + 1 :]
        assert len(table) == len(rows) > 0, args
        for line, row in zip(table, rows, strict=True):
            assert set(re.split(r"\s{2,}", line.strip())) <= shown(row), (args, line)
    listed = registered.json("list")
    assert listed["total"] == 1
    assert [c["ref"] for c in listed["communications"]] == ["AL BEL 1/2025"]
    status = registered.json("status")
    assert (status["open"], status["overdue"], status["by_status"]["received"]) == (1, 0, 1)
    assert status["communications"][0]["days_left"] == 50
    one = registered.json("show", "AL BEL 1/2025")
    text = registered("show", "AL BEL 1/2025").stdout
    for label, key in (("Reference", "ref"), ("State", "status"), ("Letter date", "letter_date")):
        assert re.search(rf"^{label} +{re.escape(one[key])}$", text, re.M), label
    assert [m["mandate"] for m in one["mandates"]] == [
        "mercenaries",
        "minorities",
        "slavery",
        "trafficking",
    ]
    assert [m["mandate"] for m in one["mandates"]] == listed["communications"][0]["mandates"]
    assert [e["action"] for e in one["events"]] == ["register"]


# --- register --from-letter -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_register_from_letter(run, tmp_path, lang, kind):
    from tests.helpers import letter, write_docx, write_pdf

    pytest.importorskip("reportlab") if kind == "pdf" else None
    path = (write_docx if kind == "docx" else write_pdf)(letter(lang), tmp_path / f"l.{kind}")
    result = run("register", "--from-letter", str(path), "--yes", "--received", "2025-07-24")
    assert "Found in the letter:" in result.stderr
    assert "reference AL BEL 1/2025" in result.stderr
    shown = run.json("show", "AL BEL 1/2025")
    assert shown["letter_date"] == "2025-07-22"
    assert [m["mandate"] for m in shown["mandates"]] == [
        "mercenaries",
        "minorities",
        "slavery",
        "trafficking",
    ]
    assert shown["letter_files"] == [f"l.{kind}"]
    if lang == "fr":
        assert [m["holder_gender"] for m in shown["mandates"]] == ["", "m", "m", "f"]
        assert shown["mandates"][3]["title_fr"] == (
            "Rapporteuse spéciale sur la traite des êtres humains, en particulier des femmes et "
            "des enfants"
        )
    else:
        assert shown["mandates"][2]["title_en"].startswith(
            "Special Rapporteur on contemporary forms of slavery"
        )


@pytest.mark.parametrize(
    "missing, message",
    [
        ({"reference": None}, "could not find the reference (give it as the REF argument)"),
        ({"dated": False}, "could not find the date of the letter (give it with --date"),
    ],
)
def test_register_from_letter_never_guesses(run, tmp_path, missing, message):
    from tests.helpers import letter, write_docx

    path = write_docx(letter("en", **missing), tmp_path / "letter.docx")
    before, files_before = db_snapshot(run.root), tree(run.root)
    result = run("register", "--from-letter", str(path), "--yes", code=2)
    assert message in result.stderr
    assert "nothing was registered" in result.stderr
    assert db_snapshot(run.root) == before and tree(run.root) == files_before


def test_register_from_letter_without_a_terminal_asks_for_yes(run, tmp_path):
    from tests.helpers import letter, write_docx

    path = write_docx(letter("en"), tmp_path / "letter.docx")
    result = run("register", "--from-letter", str(path), code=2)
    assert "no terminal to confirm on: check the facts above and add --yes" in result.stderr
    result = run(
        "register", "AL BEL 7/2025", "--from-letter", str(path), "--date", "2025-07-23", "--yes"
    )
    shown = run.json("show", "AL BEL 7/2025")
    assert shown["letter_date"] == "2025-07-23"  # what the user gives wins


def test_list_all_beyond_the_sqlite_parameter_limit(run, monkeypatch):
    from commresp.store import queries

    monkeypatch.setattr(queries, "ID_CHUNK", 2)  # as if SQLite allowed 2 parameters
    for n in range(1, 6):
        run("register", f"AL BEL {n}/2025", "--date", "2025-07-22", "--mandate", "torture")
    listed = run.json("list", "--all")
    assert listed["total"] == 5
    assert all(c["mandates"] == ["torture"] for c in listed["communications"])


@pytest.mark.parametrize("answer, registered", [("y\n", True), ("n\n", False)])
def test_register_from_letter_asks_on_a_terminal(run, tmp_path, monkeypatch, answer, registered):
    from commresp.commands import communications_cmds
    from tests.helpers import letter, write_docx

    path = write_docx(letter("en"), tmp_path / "letter.docx")
    monkeypatch.setattr(communications_cmds, "stdin_is_terminal", lambda: True)
    result = run.runner.invoke(
        cli, ["-w", str(run.root), "register", "--from-letter", str(path)], input=answer
    )
    assert "Register AL BEL 1/2025 of 2025-07-22?" in result.output
    listed = run.json("list")["communications"]
    assert [c["ref"] for c in listed] == (["AL BEL 1/2025"] if registered else [])
    assert result.exit_code == (0 if registered else 1)


def test_show_timeline_says_what_each_event_did(registered):
    registered("edit", "AL BEL 1/2025", "--subject", "New subject")
    text = registered("show", "AL BEL 1/2025").output
    assert "register  mandates: mercenaries, minorities, slavery, trafficking" in text
    assert "test-diplomat  edit" in text


def test_every_state_change_goes_through_one_move(registered):
    """move() checks the transition, writes the state and the one event, and runs inside the
    caller's transaction when there is one (so a failure after it undoes it)."""
    from commresp import communications, store
    from commresp.errors import InvalidTransition
    from commresp.workspace.session import open_session

    session = open_session(str(registered.root))
    comm = communications.get(session, "AL BEL 1/2025")
    events = len(communications.show(session, comm["ref"])["events"])
    with pytest.raises(RuntimeError), store.transaction(session.db):
        communications.move(session, comm, "enquiring", "assign", {"questions": []})
        raise RuntimeError("the caller fails after the move")
    shown = communications.show(session, comm["ref"])
    assert shown["status"] == "received" and len(shown["events"]) == events
    with pytest.raises(InvalidTransition, match="it cannot become published"):
        communications.move(session, comm, "published", "mark-published", {})
    communications.move(
        session, comm, "closed", "close", {"reason": "r"}, changes={"closed_reason": "r"}
    )
    shown = communications.show(session, comm["ref"])
    assert (shown["status"], shown["closed_reason"]) == ("closed", "r")
    assert shown["events"][-1]["action"] == "close"
    assert shown["events"][-1]["details"] == {"from": "received", "reason": "r"}
    assert len(shown["events"]) == events + 1
