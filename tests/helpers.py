"""Plain helpers shared by the test modules: constants, an in-process invoker, snapshots of a
workspace, builders of incoming letters and of returned enquiry forms.

``answer_boxes`` is the library's own (``commresp.documents.forms``), imported here so that
tests fill forms exactly as the reader finds the boxes.

Fixtures live in ``conftest.py``; test modules import what they need from here, never from
one another.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import click
import docx
import pytest
from click.testing import CliRunner

from commresp.cli import cli
from commresp.documents.forms import answer_boxes

# --- the day every test runs on, and the worked example ----------------------------------

TODAY = "2025-08-01"
# The PostgreSQL server the whole suite runs against, when set (see conftest.backend).
TEST_SERVER = os.environ.get("COMMRESP_TEST_DATABASE_URL", "")
"""``COMMRESP_TODAY`` in every test (``conftest.isolated``), so day counts are stable."""

REGISTER_AL_BEL_1_2025 = [
    "register",
    "AL BEL 1/2025",
    "--date",
    "2025-07-22",
    "--received",
    "2025-07-24",
    "--mandate",
    "mercenaries",
    "--mandate",
    "minorities",
    "--mandate",
    "slavery",
    "--mandate",
    "trafficking:f",
    "--subject",
    "Trafficking of Sri Lankan nationals into the Russian armed forces",
]
"""The command line that registers the worked example AL BEL 1/2025."""


# --- running the CLI in-process ------------------------------------------------------------


class Invoker:
    """Runs commresp in-process against one workspace; asserts the exit code."""

    def __init__(self, runner: CliRunner, root: Path) -> None:
        self.runner = runner
        self.root = root

    def __call__(self, *args: str, code: int = 0):
        """Run ``commresp --workspace ROOT *args`` and check it exits with ``code``."""
        result = self.runner.invoke(cli, ["--workspace", str(self.root), *args])
        assert result.exit_code == code, (result.exit_code, result.output, result.exception)
        if code == 0:
            assert result.exception is None or isinstance(result.exception, SystemExit)
        return result

    def json(self, *args: str):
        """Run a listing with ``--json`` and parse what it printed."""
        return json.loads(self(*args, "--json").stdout)


def second_folder(runner: CliRunner, first: Path, root: Path) -> Invoker:
    """A colleague's folder on the record of the folder ``first``: its profile names that
    folder's commresp.db (on a server, both folders have the server's URL already)."""
    result = runner.invoke(cli, ["init", str(root), "--profile", "belgium"])
    assert result.exit_code == 0, result.output
    profile = root / "commresp.toml"
    text = profile.read_text(encoding="utf-8")
    assert "\n[database]" not in text
    profile.write_text(
        text + f'\n[database]\npath = "{(first / "commresp.db").as_posix()}"\n',
        encoding="utf-8",
    )
    return Invoker(runner, root)


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every command of a click group, depth first, as (path of names, command)."""
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


# --- what a workspace holds ------------------------------------------------------------------


def record(root: Path):
    """The workspace's record, opened as commresp opens it (SQLite file or server database):
    ``execute``/``query``/``db["table"]`` work on both."""
    from commresp import store
    from commresp.workspace import session

    return store.connect(root / "commresp.db", url=session.database_url(None, root))


def db_snapshot(root: Path) -> bytes:
    """The database file's bytes after folding the WAL into it: equal bytes, equal record
    (on a server, every row of every table)."""
    if TEST_SERVER:
        db = record(root)
        try:
            return "\n".join(db_dump(db)).encode()
        finally:
            db.close()
    conn = sqlite3.connect(root / "commresp.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (root / "commresp.db").read_bytes()


def tree(root: Path) -> set[str]:
    """Every file under the workspace except SQLite's own side files."""
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def db_dump(db) -> list[str]:
    """The whole record as SQL statements, read through an open connection (a sqlite-utils
    ``Database``): equal dumps, equal record, without closing the session that holds it."""
    return list(db.conn.iterdump())


def events(db) -> list[dict]:
    """The audit log, oldest first, each event's ``details`` parsed from JSON."""
    rows = db.execute(
        "SELECT id, actor, action, communication_id, details FROM events ORDER BY id"
    ).fetchall()
    return [
        {
            "id": id_,
            "actor": actor,
            "action": action,
            "communication_id": comm_id,
            "details": json.loads(details or "{}"),
        }
        for id_, actor, action, comm_id, details in rows
    ]


def rows(db, table: str, **where) -> list[dict]:
    """The rows of ``table`` (every column) matching ``column=value`` pairs, by rowid."""
    clause = " AND ".join(f"{column} = ?" for column in where) or "1 = 1"
    order = ", ".join(db[table].pks) if TEST_SERVER else "rowid"  # insertion order
    query = f"SELECT * FROM {table} WHERE {clause} ORDER BY {order}"
    cursor = db.execute(query, list(where.values()))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Word documents ---------------------------------------------------------------------------


def first_page_header(document):
    """The header shown on page 1: letterheads have their own first-page header."""
    section = document.sections[0]
    return (
        section.first_page_header if section.different_first_page_header_footer else section.header
    )


def fill_form(src: Path, dest: Path, answers: list[list[tuple[str, str, bool]]]) -> Path:
    """Type into each answer box as a person would: (style, text, bold) per paragraph."""
    document = docx.Document(src)
    for cell, paragraphs in zip(answer_boxes(document), answers, strict=True):
        first = True
        for style, text, bold in paragraphs:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            if style:
                paragraph.style = document.styles[style]
            if bold and ":" in text:
                head, tail = text.split(":", 1)
                paragraph.add_run(head + ":").bold = True
                paragraph.add_run(tail)
            else:
                paragraph.add_run(text)
    document.save(dest)
    return dest


TYPED = [
    [
        ("", "None of the persons named is known to Myria & its partners.", False),
        (
            "",
            "Checks were made with Zoë Dubois and Siobhán Ní Bhriain: values < 5 were ignored.",
            False,
        ),
        ("List Bullet", "Payoke (Antwerp)", False),
        ("List Bullet", "PAG-ASA (Brussels)", False),
    ],
    [("", "Important: victims receive a residence permit.", True)],
]
"""What an agency types into a two-question form (for :func:`fill_form`)."""

TYPED_MARKDOWN = (
    "**1. Are the persons named in the letter known to your services?**\n\n"
    "None of the persons named is known to Myria & its partners.\n\n"
    "Checks were made with Zoë Dubois and Siobhán Ní Bhriain: values < 5 were ignored.\n\n"
    "- Payoke (Antwerp)\n- PAG-ASA (Brussels)\n\n"
    "**2. Which measures protect victims of trafficking?**\n\n"
    "**Important:** victims receive a residence permit."
)
"""The answer stored from :data:`TYPED`, for the two questions of the enquiry fixtures."""


# --- incoming letters, AL BEL 1/2025 in the OHCHR layout -------------------------------------

TITLES = {
    "en": {
        "mercenaries": "Working Group on the use of mercenaries as a means of violating human "
        "rights and impeding the exercise of the right of peoples to self-determination",
        "minorities": "Special Rapporteur on minority issues",
        "slavery": "Special Rapporteur on contemporary forms of slavery, including its causes "
        "and consequences",
        "trafficking": "Special Rapporteur on trafficking in persons, especially women and "
        "children",
    },
    # As the French letter words them: not the catalog's wording ("la question de
    # l'utilisation des mercenaires", "des femmes et des enfants"), and a female rapporteur.
    "fr": {
        "mercenaries": "Groupe de travail sur la question de l'utilisation des mercenaires comme "
        "moyen de violer les droits de l'homme et d'empêcher l'exercice du droit des peuples à "
        "disposer d'eux-mêmes",
        "minorities": "Rapporteur spécial sur les questions relatives aux minorités",
        "slavery": "Rapporteur spécial sur les formes contemporaines d'esclavage, y compris "
        "leurs causes et leurs conséquences",
        "trafficking": "Rapporteuse spéciale sur la traite des êtres humains, en particulier des "
        "femmes et des enfants",
    },
}
"""The mandate titles as the letter of AL BEL 1/2025 words them, by language and slug."""

SIGNATORIES = ["Ana Exemple", "Bruno Modèle", "Chen Muster", "Dana Voorbeeld"]
"""Invented names signing the generated letters."""


def letter(lang: str, *, reference: str | None = "AL BEL 1/2025", dated: bool = True) -> dict:
    """The parts of a letter in the OHCHR layout, for the writers below."""
    t = TITLES[lang]
    if lang == "en":
        mandates = (
            f"Mandates of the {t['mercenaries']}; the {t['minorities']}; "
            f"the {t['slavery']} and the {t['trafficking']}"
        )
        body = [
            "We have the honour to address you in our capacity as "
            f"{t['mercenaries']}; {t['minorities']}; {t['slavery']} and {t['trafficking']}, "
            "pursuant to Human Rights Council resolutions 51/13, 52/5, 51/15 and 53/9.",
            # The body repeats the mandates, shorter, in sentences that go on after them.
            "In this connection, the Special Rapporteur on contemporary forms of slavery "
            "would like to recall that on 3 March 2025 the Special Rapporteur on trafficking "
            "in persons expressed concern about the recruitment of foreign nationals.",
        ]
        return {
            "header": "PALAIS DES NATIONS • 1211 GENEVA 10, SWITZERLAND",
            "mandates": mandates,
            "reference": f"REFERENCE: {reference}" if reference else None,
            "date": "22 July 2025" if dated else None,
            "salutation": "Excellency,",
            "body": body,
            "closing": "Please accept, Excellency, the assurances of our highest consideration.",
            "signatures": [
                (SIGNATORIES[0], "Chair-Rapporteur of the " + t["mercenaries"]),
                (SIGNATORIES[1], t["minorities"]),
                (SIGNATORIES[2], t["slavery"]),
                (SIGNATORIES[3], t["trafficking"]),
            ],
        }
    mandates = (
        f"Mandats du {t['mercenaries']}; du {t['minorities']}; du {t['slavery']} et de la "
        f"{t['trafficking']}"
    )
    body = [
        "Nous avons l'honneur de vous adresser cette communication en notre qualité de "
        f"{t['mercenaries']}, de {t['minorities']}, de {t['slavery']} et de "
        f"{t['trafficking']}, conformément aux résolutions 51/13, 52/5, 51/15 et 53/9 du "
        "Conseil des droits de l'homme.",
        "À cet égard, la Rapporteuse spéciale sur la traite des êtres humains souhaite "
        "rappeler que le Groupe de travail a déjà exprimé sa préoccupation.",
    ]
    return {
        "header": "PALAIS DES NATIONS • 1211 GENÈVE 10, SUISSE",
        "mandates": mandates,
        "reference": f"RÉFÉRENCE : {reference}" if reference else None,
        "date": "22 juillet 2025" if dated else None,
        "salutation": "Excellence,",
        "body": body,
        "closing": "Veuillez agréer, Excellence, l'assurance de notre haute considération.",
        "signatures": [
            (SIGNATORIES[0], "Présidente-Rapporteuse du " + t["mercenaries"]),
            (SIGNATORIES[1], t["minorities"]),
            (SIGNATORIES[2], t["slavery"]),
            (SIGNATORIES[3], t["trafficking"]),
        ],
    }


def paragraphs(parts: dict) -> list[str]:
    """The letter as a list of paragraphs, top to bottom."""
    out = [parts["header"], parts["mandates"]]
    out += [p for p in (parts["reference"], parts["date"]) if p]
    out += [parts["salutation"], *parts["body"], parts["closing"]]
    for name, title in parts["signatures"]:
        out += [name, title]
    return out


def write_txt(parts: dict, path: Path) -> Path:
    """The letter as a UTF-8 text file, one blank line between paragraphs."""
    path.write_text("\n\n".join(paragraphs(parts)) + "\n", encoding="utf-8")
    return path


def write_docx(parts: dict, path: Path) -> Path:
    """Letterhead in the page header, reference and date side by side in a table."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = parts["header"]
    document.add_paragraph(parts["mandates"])
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = parts["reference"] or ""
    table.cell(0, 1).text = parts["date"] or ""
    document.add_paragraph(parts["salutation"])
    for text in parts["body"]:
        document.add_paragraph(text)
    document.add_paragraph(parts["closing"])
    signatures = document.add_table(rows=len(parts["signatures"]), cols=1)
    for row, (name, title) in zip(signatures.rows, parts["signatures"], strict=True):
        row.cells[0].text = name
        row.cells[0].add_paragraph(title)
    document.save(path)
    return path


def write_pdf(parts: dict, path: Path) -> Path:
    """A narrow column, so that long titles are broken over several lines."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    style = getSampleStyleSheet()["Normal"]

    def letterhead(canvas, _doc) -> None:
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(72, A4[1] - 40, parts["header"])

    flow = []
    for text in paragraphs(parts)[1:]:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        flow += [Paragraph(escaped, style), Spacer(1, 6)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=150, rightMargin=150)
    doc.build(flow, onFirstPage=letterhead)
    return path


def read_eml(path: Path):
    """A saved .eml message, parsed with the standard library's modern policy."""
    import email
    from email import policy

    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


# --- the operations without click ---------------------------------------------------------------


def the_new_event(db, since: int, action: str, actor: str = "test-diplomat") -> dict:
    """The one audit event written after the first ``since`` events: exactly one, of ``action``
    by ``actor`` (every operation writes one event, however many rows it touches)."""
    new = events(db)[since:]
    assert [(e["action"], e["actor"]) for e in new] == [(action, actor)], new
    return new[0]


def refused(session, error: type[Exception], message: str, operation, *args, **kwargs) -> str:
    """Run ``operation(session, *args, **kwargs)``, expecting ``error`` with ``message`` in its
    text, and check that it changed nothing: the same record, the same files."""
    record, files = db_dump(session.db), tree(session.workspace.root)
    with pytest.raises(error) as info:
        operation(session, *args, **kwargs)
    assert message in str(info.value)
    assert "\n" not in str(info.value)  # the CLI prints it as one line
    assert db_dump(session.db) == record
    assert tree(session.workspace.root) == files
    return str(info.value)
