"""search and precedents: accents ignored, phrases first, any typed text is safe."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commresp import search
from commresp.cli import cli
from commresp.workspace.session import open_session


@pytest.fixture
def record(registered):
    run = registered
    run("edit", "AL BEL 1/2025", "--summary", "Allégations de traite des êtres humains")
    run(
        "register",
        "AL BEL 2/2025",
        "--date",
        "2025-07-25",
        "--mandate",
        "trafficking:f",
        "--subject",
        "Traité sur la traite: domestic workers",
    )
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--agency", "cic", "--question", "Q?")
    run(
        "answer",
        "add",
        "AL BEL 1/2025",
        "--agency",
        "myria",
        "--text",
        "The national action plan against trafficking runs until 2025. Action was taken on a "
        "national plan.",
    )
    run(
        "answer",
        "add",
        "AL BEL 1/2025",
        "--agency",
        "cic",
        "--text",
        "A plan of national action exists; the plan is national.",
    )
    return run


def test_accents_are_ignored(record):
    refs = {(r["ref"], r["kind"]) for r in record.json("search", "traite")}
    assert ("AL BEL 1/2025", "communication") in refs  # summary says "traite"
    assert ("AL BEL 2/2025", "communication") in refs  # subject says "Traité"
    assert record.json("search", "ETRES", "humains")[0]["ref"] == "AL BEL 1/2025"


def test_exact_phrase_ranks_first(record):
    rows = record.json("search", "national", "action", "plan")
    assert [r["agency"] for r in rows[:2]] == ["myria", "cic"]
    assert "[national action plan]" in rows[0]["snippet"].lower()


def test_operators_are_plain_text(record):
    for query in [
        "AND",
        '"',
        "*",
        "-",
        "NOT national",
        "national*",
        "plan OR",
        "(",
        "NEAR(a b)",
        "^",
        "col:value",
        "''",
    ]:
        result = record("search", query)
        assert "Error" not in result.output


# words of the record mixed with what FTS5 would take as query syntax
TYPED_WORDS = ["national", "Plan", "traite", "Traité", "AND", "OR", "NOT", "*", '"', "-", "(", "^"]


@pytest.mark.slow
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(min_size=1, max_size=40)
    | st.lists(st.sampled_from(TYPED_WORDS), min_size=1, max_size=5).map(" ".join)
)
def test_any_text_returns_results_or_nothing(record, text):
    session = open_session(str(record.root))
    rows = search.search(session, text)
    found = search.words(text)
    # typed text is only ever words: operators and punctuation neither fail nor change the hits
    assert rows == search.search(session, " ".join(found))
    assert found or rows == []
    assert len(rows) <= 20
    for row in rows:
        assert row["ref"] in ("AL BEL 1/2025", "AL BEL 2/2025")
        assert row["kind"] in ("communication", "answer", "response")
        assert (row["agency"] is not None) == (row["kind"] == "answer")
    if found and {w.casefold() for w in found} <= {"national", "plan"}:
        assert {r["agency"] for r in rows if r["kind"] == "answer"} == {"myria", "cic"}


def test_cli_with_hostile_text(record):
    result = CliRunner().invoke(cli, ["-w", str(record.root), "search", "--", '"\x00;--'])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("precedents") / "ws"
    assert CliRunner().invoke(cli, ["demo", str(root), "--no-pdf"]).exit_code == 0
    return root


@pytest.mark.slow
def test_precedents_offer_earlier_paragraphs_and_draft_reuses_them(demo_root, runner, monkeypatch):
    monkeypatch.setenv("COMMRESP_TODAY", "2025-11-03")
    import json

    def run(*args):
        result = runner.invoke(cli, ["-w", str(demo_root), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    run(
        "register",
        "AL BEL 4/2025",
        "--date",
        "2025-10-20",
        "--mandate",
        "trafficking:f",
        "--subject",
        "Trafficking in human beings: national action plan and victims",
    )
    rows = json.loads(run("precedents", "AL BEL 4/2025", "--json"))
    assert rows and all(r["ref"] == "AL BEL 1/2025" for r in rows)
    assert all(r["shared_mandates"] == ["trafficking"] for r in rows)
    assert len({r["text"] for r in rows}) == len(rows)
    plan = next(r for r in rows if "fourth National Action Plan" in r["text"])
    run("draft", "AL BEL 4/2025", "--date", "2025-10-30", "--reuse", str(plan["id"]))
    draft = (demo_root / "correspondence/AL-BEL-4-2025/drafts/response.en.md").read_text()
    assert plan["text"] in draft
    result = runner.invoke(
        cli, ["-w", str(demo_root), "draft", "AL BEL 4/2025", "--force", "--reuse", "999999"]
    )
    assert result.exit_code == 2 and "no paragraph 999999 to reuse" in result.stderr


def test_a_very_common_word_is_ranked_among_its_newest_matches(record, monkeypatch):
    from commresp.store import fulltext

    monkeypatch.setattr(fulltext, "SEARCH_WINDOW", 2)
    record(
        "answer", "add", "AL BEL 1/2025", "--agency", "myria", "--text", "A newer national answer."
    )
    agencies = [
        (r["agency"], r["revision"])
        for r in record.json("search", "national")
        if r["kind"] == "answer"
    ]
    # three answers say "national"; the window keeps the two newest (cic r1, myria r2)
    assert sorted(agencies) == [("cic", 1), ("myria", 2)]
