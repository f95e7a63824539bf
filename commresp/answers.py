"""Agencies' answers: returned forms in, checked, stored as revisions, never overwritten.

A returned .docx form is read safely (size, zip bomb, macros, entities: ``forms.read_form``),
its form code is checked against the workspace's secret, and its answers are stored as a new
revision with the file kept under ``answers/``.  The same file imported twice adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from commresp import catalog, communications, enquiries, store
from commresp.errors import BadInput, FormRejected
from commresp.rules import input_text
from commresp.workspace import ANSWERS, files, staging, working_copy
from commresp.workspace.session import Session

TEXT_SUFFIXES = (".md", ".txt")


@dataclass
class Imported:
    """What happened to one file."""

    source: str
    ref: str
    agency: str
    revision: int
    added: bool
    message: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def compose(questions: Sequence[str], answers: Sequence[str]) -> str:
    """One Markdown text from a form's answers (question lines only when there are several)."""
    parts = [a.strip() for a in answers]
    if len(parts) == 1:
        return parts[0]
    return "\n\n".join(
        f"**{i}. {q}**\n\n{a}" if a else f"**{i}. {q}**"
        for i, (q, a) in enumerate(zip(questions, parts, strict=False), 1)
    )


def _expect(session: Session, enquiry: dict, source: str, ref: str | None, agency: str | None):
    if ref is not None:
        expected = communications.parse_ref(session, ref)
        if str(expected) != enquiry["ref"]:
            raise FormRejected(
                f"{source}: this form is for {enquiry['ref']}, not {expected}; nothing was stored"
            )
    if agency is not None and agency != enquiry["agency"]:
        raise FormRejected(
            f"{source}: this form was sent to {enquiry['agency']}, not {agency}; nothing was stored"
        )


def _store(
    session: Session,
    enquiry: dict,
    text: str,
    data: bytes,
    source_name: str,
    extra: Sequence[tuple[str, bytes]] = (),
) -> Imported:
    """Add a revision unless this file (or this exact text) is already the latest answer.

    The revision number and the stored file's name are chosen inside the write transaction:
    of two imports at once, the second waits for the first and becomes the next revision."""
    if not text.strip():
        raise FormRejected(f"{source_name}: no answer was typed in; nothing was stored")
    digest = files.sha256_bytes(data)
    folder = session.workspace.folder(enquiry["slug"], ANSWERS)
    suffix = Path(files.safe_filename(source_name)).suffix.lower() or ".txt"
    with staging.transaction(session.db, working_copy.recorder(session)) as staged:
        previous = store.answers_for_enquiry(session.db, enquiry["id"])
        for answer in previous:
            if answer["sha256"] == digest:
                return Imported(
                    source_name,
                    enquiry["ref"],
                    enquiry["agency"],
                    answer["revision"],
                    False,
                    f"already imported as revision {answer['revision']}; nothing added",
                )
        if previous and previous[-1]["text"] == text:
            rev = previous[-1]["revision"]
            return Imported(
                source_name,
                enquiry["ref"],
                enquiry["agency"],
                rev,
                False,
                f"same answers as revision {rev}; nothing added",
            )
        revision = (previous[-1]["revision"] if previous else 0) + 1
        stored = staged.create(folder, f"{enquiry['agency']}.r{revision}{suffix}", data)
        for extra_name, extra_data in extra:
            staged.create(folder, f"{enquiry['agency']}.r{revision}.{extra_name}", extra_data)
        store.insert_answer(
            session.db,
            {
                "enquiry_id": enquiry["id"],
                "revision": revision,
                "received_on": session.today.isoformat(),
                "text": text,
                "source_file": source_name,
                "stored_file": stored.name,
                "sha256": digest,
                "actor": session.actor,
                "created_at": store.now(),
            },
        )
        store.update_enquiry(session.db, enquiry["id"], {"status": "answered"})
        details = {
            "agency": enquiry["agency"],
            "revision": revision,
            "file": stored.name,
            "sha256": digest,
        }
        comm = store.get_communication(session.db, enquiry["ref"])
        if _all_answered(session, comm):
            # the last answer moves the communication: the move writes the one event
            details["communication"] = "answered"
            communications.move(session, comm, "answered", "answer", details)
        else:
            store.add_event(
                session.db,
                actor=session.actor,
                action="answer",
                communication_id=enquiry["communication_id"],
                details=details,
            )
    return Imported(
        source_name,
        enquiry["ref"],
        enquiry["agency"],
        revision,
        True,
        f"stored as revision {revision}",
    )


def _all_answered(session: Session, comm: dict) -> bool:
    """Whether the communication, still enquiring, has now an answer from every agency asked."""
    if comm["status"] != "enquiring":
        return False
    return all(e["status"] == "answered" for e in store.enquiries_for(session.db, comm["id"]))


def _import_form(
    session: Session,
    data_path: Path,
    source_name: str,
    ref: str | None,
    agency: str | None,
    data: bytes | None = None,
    extra: Sequence[tuple[str, bytes]] = (),
) -> Imported:
    from commresp.documents import forms

    returned = forms.read_form(data_path)  # refuses oversized or hostile files first
    if data is None:
        data = data_path.read_bytes()
    enquiry = enquiries.check_token(session, returned.token, source_name)
    _expect(session, enquiry, source_name, ref, agency)
    questions = json.loads(enquiry["questions"])
    if len(returned.answers) != len(questions):
        raise FormRejected(
            f"{source_name}: the form has {len(returned.answers)} answer boxes for "
            f"{len(questions)} questions; was the form's layout changed?"
        )
    return _store(session, enquiry, compose(questions, returned.answers), data, source_name, extra)


def _import_email(session: Session, path: Path, ref: str | None, agency: str | None) -> Imported:
    import tempfile

    from commresp import mail

    message, data = mail.read_received(path)  # refused by size, or too deep, before parsing
    forms_attached = [
        part
        for part in message.iter_attachments()
        if (part.get_filename() or "").lower().endswith((".docx", ".docm"))
    ]
    if len(forms_attached) != 1:
        found = "no" if not forms_attached else str(len(forms_attached))
        raise FormRejected(
            f"{path.name}: {found} .docx form attached (expected one); "
            "save the form from the e-mail and import it directly"
        )
    part = forms_attached[0]
    content = part.get_payload(decode=True) or b""
    name = files.safe_filename(part.get_filename() or "form.docx", "form")
    with tempfile.TemporaryDirectory() as tmp:
        form_path = Path(tmp) / name
        form_path.write_bytes(content)
        return _import_form(
            session, form_path, f"{path.name}:{name}", ref, agency, content, extra=[("eml", data)]
        )


def import_files(
    session: Session, paths: Sequence[Path], *, ref: str | None = None, agency: str | None = None
) -> list[Imported]:
    """Import returned forms (.docx), e-mails with a form attached (.eml) or, with --ref and
    --agency, Markdown/text answers.  Each file is its own transaction; the first refused file
    stops the batch with its reason (the files before it stay imported)."""
    results = []
    for path in paths:
        if not path.is_file():
            raise BadInput(f"{path} does not exist")
        suffix = path.suffix.lower()
        if suffix == ".eml":
            results.append(_import_email(session, path, ref, agency))
        elif suffix in TEXT_SUFFIXES:
            if ref is None or agency is None:
                raise BadInput(
                    f"{path.name}: a text answer has no form code; give --ref and "
                    "--agency (or use 'commresp answer add')"
                )
            results.append(add(session, ref, agency=agency, file=path))
        else:
            results.append(_import_form(session, path, path.name, ref, agency))
    return results


def add(
    session: Session,
    ref_text: str,
    *,
    agency: str,
    file: Path | None = None,
    text: str | None = None,
) -> Imported:
    """An answer that came another way (a letter, a phone call): Markdown text or a file."""
    from commresp.documents import forms

    if (file is None) == (text is None):
        raise BadInput("give either --file or --text")
    comm = communications.get(session, ref_text)
    catalog.agency(session.db, agency)
    enquiry = next(
        (e for e in store.enquiries_for(session.db, comm["id"]) if e["agency"] == agency), None
    )
    if enquiry is None:
        raise FormRejected(
            f"{agency} was not asked about {comm['ref']}; assign it first "
            f"with 'commresp assign \"{comm['ref']}\" --agency {agency}'"
        )
    if file is not None:
        if file.suffix.lower() not in TEXT_SUFFIXES:
            raise BadInput(
                f"{file.name}: --file takes a .md or .txt answer; import returned "
                "forms with 'commresp answer import'"
            )
        body = forms.read_answer_text(file)
        data, source = file.read_bytes(), file.name
    else:
        body = input_text.multi_line(text or "", "--text")
        data, source = body.encode("utf-8"), "(text)"
    full = store.get_enquiry(session.db, enquiry["id"])
    return _store(session, full, body.strip(), data, source)


def list_answers(session: Session, ref_text: str) -> dict:
    """Every enquiry of a communication with every revision of its answer."""
    comm = communications.get(session, ref_text)
    result = []
    revisions = store.answers_for(session.db, comm["id"])
    for enquiry in store.enquiries_for(session.db, comm["id"]):
        result.append(
            {
                "agency": enquiry["agency"],
                "language": enquiry["language"],
                "due_on": enquiry["due_on"],
                "status": enquiry["status"],
                "reminders": enquiry["reminders"],
                "revisions": [
                    {
                        k: r[k]
                        for k in (
                            "revision",
                            "received_on",
                            "text",
                            "source_file",
                            "stored_file",
                            "sha256",
                            "actor",
                        )
                    }
                    for r in revisions
                    if r["agency"] == enquiry["agency"]
                ],
            }
        )
    return {"ref": comm["ref"], "status": comm["status"], "enquiries": result}
