"""``commresp demo``: replay the worked example AL BEL 1/2025 from letter to reply.

Everything comes from ``commresp.example`` (the repository's ``correspondence/AL-BEL-1-2025``):
the facts of the letter, the agencies asked, their answers and the drafter's closing
paragraph.  Each step runs the same operations as the commands, on the day it happened, so
the timeline, due dates and documents are those of the real case.

The README's tour uses the same material by hand: :func:`write_letters` gives the sample
incoming letters (``correspondence/letters``, made by its ``build_letters.py``), and
:func:`agency_reply` plays an agency, filling in the form the tour's workspace sent it with
that agency's answer in the worked example, as a .docx or an e-mail with the form attached.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from commresp import answers, communications, drafting, enquiries, rendering
from commresp.workspace import create, files
from commresp.workspace.profile import Profile
from commresp.workspace.session import Session

CASE = "AL-BEL-1-2025"
# The sample incoming letters: the worked example's (French) and a later one (English).
LETTERS = ("AL-BEL-1-2025.pdf", "AL-BEL-2-2026.pdf")


def example_dir() -> Path:
    return Path(str(resources.files("commresp.example"))) / CASE


def letters_dir() -> Path:
    return Path(str(resources.files("commresp.example"))) / "letters"


def write_letters(folder: Path) -> list[Path]:
    """Copy the sample letters into ``folder``; refuse, writing nothing, if one is there."""
    from commresp.errors import BadInput
    from commresp.workspace import files

    targets = [folder / name for name in LETTERS]
    there = [t.name for t in targets if t.exists()]
    if there:
        raise BadInput(f"{', '.join(there)} already in {folder}; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    for target in targets:
        files.write_bytes(target, (letters_dir() / target.name).read_bytes())
    return targets


def agency_reply(
    session: Session, ref_text: str, agency: str, folder: Path, *, as_email: bool = False
) -> Path:
    """Play ``agency``: fill in the form this workspace sent it about the worked example with
    its answer in the worked example, and save the form (or an e-mail with the form
    attached) in ``folder``, as the agency would send it back."""
    from commresp import store
    from commresp.errors import BadInput
    from commresp.workspace import ENQUIRIES, files, working_copy

    case = tomllib.loads((example_dir() / "case.toml").read_text(encoding="utf-8"))
    comm = communications.get(session, ref_text)
    if comm["ref"] != case["communication"]["ref"]:
        raise BadInput(
            f"the worked example has answers about {case['communication']['ref']} only, "
            f"not {comm['ref']}"
        )
    replies = {r["agency"]: r for r in case["enquiry"]["answers"]}
    if agency not in replies:
        raise BadInput(
            f"the worked example has no answer from {agency}; it has answers from "
            + ", ".join(replies)
        )
    enquiry = next(
        (e for e in store.enquiries_for(session.db, comm["id"]) if e["agency"] == agency), None
    )
    if enquiry is None or not enquiry["form_file"]:
        raise BadInput(
            f"{agency} was not asked about {comm['ref']}; ask it first with "
            f"'commresp assign \"{comm['ref']}\" --agency {agency} --question …'"
        )
    form = session.workspace.folder(comm["slug"], ENQUIRIES) / enquiry["form_file"]
    working_copy.ensure(session, form)  # from the record when another member's folder sent it
    target = folder / (f"reply-from-{agency}.eml" if as_email else form.name)
    if target.exists():
        raise BadInput(f"{target} already exists; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    text = (example_dir() / replies[agency]["file"]).read_text(encoding="utf-8")
    if not as_email:
        with files.atomic_writer(target) as out:
            type_into_form(form, text, out)
        return target
    import tempfile
    from email.message import EmailMessage
    from email.utils import formatdate

    with tempfile.TemporaryDirectory() as tmp:
        filled = type_into_form(form, text, Path(tmp) / form.name)
        message = EmailMessage()
        message["From"] = enquiry["email"] or f"{agency}@agency.example"
        if session.profile.get("mission.email", ""):
            message["To"] = session.profile.get("mission.email")
        message["Subject"] = f"RE: {comm['ref']}"
        message["Date"] = formatdate(localtime=True)
        message.set_content(f"Please find our answer about {comm['ref']} in the attached form.")
        message.add_attachment(
            filled.read_bytes(),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
            filename=form.name,
        )
    files.write_bytes(target, message.as_bytes())
    return target


@dataclass
class DemoResult:
    root: Path
    ref: str
    forms: list[Path] = field(default_factory=list)
    returned: list[Path] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    email: Path | None = None
    # what render listed as still to translate: "response.fr.v1.docx: cic is still in English…"
    untranslated: list[str] = field(default_factory=list)


_NOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$", re.MULTILINE)
_NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
_LINK = re.compile(r"\[([^\]^][^\]]*)\]\((\S+?)\)")


def type_into_form(form: Path, markdown: str, out):
    """Fill a form's first answer box the way a person does in Word: one paragraph per
    paragraph, headings typed in bold, footnotes (``[^1]`` + ``[^1]: note``) inserted as
    real Word footnotes, links (``[text](https://…)``) as Word's hyperlinks.  ``out`` is a
    path or an open binary file."""
    import docx

    from commresp.documents.docx_parts import add_footnote, add_hyperlink
    from commresp.documents.forms import answer_boxes

    def type_text(paragraph, text: str, *, bold: bool = False, in_note: bool = False) -> None:
        pieces = _LINK.split(text)  # text, link text, target, text, …
        for at in range(0, len(pieces), 3):
            if pieces[at]:
                paragraph.add_run(pieces[at]).bold = bold or None
            if at + 2 < len(pieces):
                add_hyperlink(document, paragraph, pieces[at + 2], pieces[at + 1], in_note=in_note)

    document = docx.Document(form)
    box = answer_boxes(document)[0]
    notes = dict(_NOTE_DEFINITION.findall(markdown))
    body = _NOTE_DEFINITION.sub("", markdown)
    paragraphs = [p.strip() for p in body.strip().split("\n\n") if p.strip()]
    for i, text in enumerate(paragraphs):
        paragraph = box.paragraphs[0] if i == 0 else box.add_paragraph()
        bold = text.startswith("**") and text.endswith("**")
        if bold:
            text = text.strip("*")
        for number, piece in enumerate(_NOTE_REFERENCE.split(text)):
            if number % 2 == 0:
                type_text(paragraph, piece, bold=bold)
            elif piece in notes:
                note = add_footnote(document, paragraph.add_run())
                type_text(note, notes[piece].strip(), in_note=True)
    document.save(out)
    return out


def run(
    root: Path,
    *,
    pdf: bool | None = None,
    actor: str = "demo",
    progress: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Build a Belgian workspace in ``root`` and replay the case; return where things are."""
    source = example_dir()
    case = tomllib.loads(files.read_text(source / "case.toml"))
    ws = create.create_workspace(root, profile="belgium", actor=actor)
    profile: Profile = ws.profile()

    def on(day: date) -> Session:
        return Session(ws, profile, actor, day)

    facts = case["communication"]
    mandates = facts["mandates"]
    progress(f"Registering {facts['ref']} (letter of {facts['letter_date']})")
    registered = communications.register(
        on(facts["received_on"]),
        facts["ref"],
        letter_date=facts["letter_date"],
        received_on=facts["received_on"],
        mandates=[communications.MandateChoice(m["slug"], m.get("gender")) for m in mandates],
        titles_fr={m["slug"]: m["title_fr"] for m in mandates},
        titles_en={m["slug"]: m["title_en"] for m in mandates},
        subject=facts["subject"],
        summary=facts["summary"],
        letter=letters_dir() / LETTERS[0],
    )
    result = DemoResult(ws.root, registered["ref"])

    enquiry = case["enquiry"]
    replies = enquiry["answers"]
    progress(f"Asking {len(replies)} agencies for findings")
    # each agency is asked the questions its answer answers: one enquiry for each set of
    # questions, in the mission's English and in the forms' language
    by_id = {q["id"]: q for q in enquiry["question"]}
    asked: dict[tuple[str, ...], list[str]] = {}
    for reply in replies:
        asked.setdefault(tuple(reply["questions"]), []).append(reply["agency"])
    created = []
    for ids, agencies in asked.items():
        wording = [by_id[i] for i in ids]
        created += enquiries.assign(
            on(enquiry["sent_on"]),
            result.ref,
            agencies=agencies,
            questions=[q["en"] for q in wording],
            translations={
                lang: [q[lang] for q in wording]
                for lang in ("fr", "es", "nl")
                if all(lang in q for q in wording)
            },
            due_in=enquiry["due_in_working_days"],
        )
    result.forms = [Path(item["form"]) for item in created]
    forms_by_agency = {item["agency"]: Path(item["form"]) for item in created}
    inbox = ws.root / "inbox"
    inbox.mkdir(exist_ok=True)
    for reply in replies:
        text = files.read_text(source / reply["file"])
        session = on(reply["received_on"])
        progress(f"Answer from {reply['agency']} ({reply['how']})")
        if reply["how"] == "form":
            filled = type_into_form(
                forms_by_agency[reply["agency"]], text, inbox / f"{reply['agency']}-returned.docx"
            )
            result.returned.append(filled)
            answers.import_files(session, [filled])
        else:
            answers.add(session, result.ref, agency=reply["agency"], text=text)

    plan = case["draft"]
    # the drafter's closing paragraph in each language the case gives it in
    closing = {
        lang: files.read_text(source / name) for lang, name in plan.get("closing", {}).items()
    }
    progress(f"Drafting on {plan['date']} ({plan['outgoing_ref']})")
    drafts = drafting.draft(
        on(plan["date"]),
        result.ref,
        on=plan["date"],
        outgoing_ref=plan["outgoing_ref"],
        order=plan["order"],
        closing=closing,
    )
    result.drafts = [d.path for d in drafts]
    want_pdf = rendering.soffice(profile) is not None if pdf is None else pdf
    progress("Rendering the documents" + (" and PDFs" if want_pdf else ""))
    rendered = rendering.render(on(plan["date"]), result.ref, pdf=want_pdf)
    for item in rendered:
        result.documents.append(item.docx)
        result.untranslated += [f"{item.docx.name}: {m.describe()}" for m in item.untranslated]
        if item.pdf:
            result.documents.append(item.pdf)
    result.email = rendering.send(on(plan["date"]), result.ref)
    sent = case.get("sent", {}).get("on")
    if sent:
        progress(f"Recording the reply as sent on {sent}")
        rendering.mark_sent(on(sent), result.ref, on=sent)
    return result
