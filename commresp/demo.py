"""``commresp demo``: replay the worked example AL BEL 1/2025 from letter to reply.

Everything comes from ``commresp.example`` (the repository's ``correspondence/AL-BEL-1-2025``):
the facts of the letter, the agencies asked, their answers and the drafter's closing
paragraph.  Each step runs the same operations as the commands, on the day it happened, so
the timeline, due dates and documents are those of the real case.
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


def example_dir() -> Path:
    return Path(str(resources.files("commresp.example"))) / CASE


@dataclass
class DemoResult:
    root: Path
    ref: str
    forms: list[Path] = field(default_factory=list)
    returned: list[Path] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    email: Path | None = None


_NOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$", re.MULTILINE)
_NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")


def type_into_form(form: Path, markdown: str, out: Path) -> Path:
    """Fill a form's first answer box the way a person does in Word: one paragraph per
    paragraph, headings typed in bold, footnotes (``[^1]`` + ``[^1]: note``) inserted as
    real Word footnotes."""
    import docx

    from commresp.documents.docx_parts import add_footnote
    from commresp.documents.forms import answer_boxes

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
                if piece:
                    paragraph.add_run(piece).bold = bold or None
            elif piece in notes:
                add_footnote(document, paragraph.add_run()).add_run(notes[piece].strip())
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
    )
    result = DemoResult(ws.root, registered["ref"])

    enquiry = case["enquiry"]
    replies = enquiry["answers"]
    progress(f"Asking {len(replies)} agencies for findings")
    created = enquiries.assign(
        on(enquiry["sent_on"]),
        result.ref,
        agencies=[a["agency"] for a in replies],
        questions=enquiry["questions"][:1],
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
    closing = files.read_text(source / plan["closing"]) if plan.get("closing") else ""
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
        if item.pdf:
            result.documents.append(item.pdf)
    result.email = rendering.send(on(plan["date"]), result.ref)
    sent = case.get("sent", {}).get("on")
    if sent:
        progress(f"Recording the reply as sent on {sent}")
        rendering.mark_sent(on(sent), result.ref, on=sent)
    return result
