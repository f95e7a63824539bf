"""Enquiries to national agencies: forms out with a due date, reminders, what is late.

Each enquiry gets a .docx form in the agency's language and an .eml draft to its contact.
The form carries a *form code*: the communication, the agency, the enquiry number and an
HMAC of the three with the workspace's secret, so that a returned form can be traced to
exactly one enquiry and a forged or altered code is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from commresp import catalog, communications, mail, store
from commresp.errors import BadInput, DocumentError, FormRejected, InvalidTransition
from commresp.rules import deadlines, document_kinds, input_text, states
from commresp.workspace import ENQUIRIES, files, holiday_calendars, staging, working_copy
from commresp.workspace.session import Session

MAC_LENGTH = 24  # hex digits of the HMAC kept in the code: 96 bits, short enough to print
TOKEN = re.compile(
    r"(?P<slug>[A-Z]{2,3}-[A-Z]{3}-\d{1,6}-\d{4})\.(?P<agency>[a-z0-9]+(?:-[a-z0-9]+)*)"
    r"\.(?P<enquiry>\d{1,9})\.(?P<mac>[0-9a-f]{" + str(MAC_LENGTH) + "})"
)


def form_secret(session: Session) -> bytes:
    """The secret that signs this record's forms: on a team's server the record's own (so a
    form one member sent is accepted from another's folder), else the workspace's
    owner-only file beside ``commresp.db``."""
    if session.database_url:
        return store.form_secret(session.db)
    path = session.workspace.secret_path
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        from commresp.errors import WorkspaceError

        raise WorkspaceError(
            f"{path.name} is missing: form codes cannot be made or checked; restore it from "
            "a backup (a new secret would invalidate the forms already sent)"
        ) from None


def make_token(secret: bytes, slug: str, agency: str, enquiry_id: int) -> str:
    """The form code printed on a form: ``AL-BEL-1-2025.myria.3.<mac>``."""
    message = f"{slug}|{agency}|{enquiry_id}".encode()
    mac = hmac.new(secret, message, hashlib.sha256).hexdigest()[:MAC_LENGTH]
    return f"{slug}.{agency}.{enquiry_id}.{mac}"


def check_token(session: Session, token: str | None, source: str) -> dict:
    """The enquiry a form code belongs to; :class:`FormRejected` if absent, forged or stale."""
    if not token:
        raise FormRejected(
            f"{source}: no form code found; was it made by 'commresp assign'? An answer that "
            "came another way is added with 'commresp answer add REF --agency SLUG --file …'"
        )
    match = TOKEN.fullmatch(token.strip())
    if not match:
        raise FormRejected(
            f"{source}: the form code {token.strip()!r} is malformed; "
            "ask the agency to return the form as it was sent"
        )
    expected = make_token(
        form_secret(session), match["slug"], match["agency"], int(match["enquiry"])
    )
    if not hmac.compare_digest(expected, match.group()):
        raise FormRejected(
            f"{source}: the form code does not check out (altered or not made "
            "by this workspace); nothing was stored"
        )
    row = store.get_enquiry(session.db, int(match["enquiry"]))
    if row is None or row["slug"] != match["slug"] or row["agency"] != match["agency"]:
        raise FormRejected(
            f"{source}: the form code names an enquiry this workspace no longer "
            "has; nothing was stored"
        )
    return row


def form_to_open(session: Session, ref_text: str, agency: str | None = None) -> Path:
    """The enquiry form sent to an agency (``commresp open --kind form``); ``agency`` may be
    left out when only one agency was asked."""
    comm = communications.get(session, ref_text)
    asked = [e for e in store.enquiries_for(session.db, comm["id"]) if e["form_file"]]
    if not asked:
        raise DocumentError(
            f"no agency has been asked about {comm['ref']}; "
            f"'commresp assign \"{comm['ref']}\" --agency SLUG' writes the forms"
        )
    slugs = [e["agency"] for e in asked]
    if agency is None:
        if len(asked) > 1:
            raise BadInput(f"{comm['ref']} has several forms: add --agency {' or '.join(slugs)}")
        enquiry = asked[0]
    else:
        chosen = [e for e in asked if e["agency"] == agency.strip().lower()]
        if not chosen:
            raise BadInput(
                f"{agency} was not asked about {comm['ref']}; its forms are for {', '.join(slugs)}"
            )
        enquiry = chosen[-1]
    path = session.workspace.folder(comm["slug"], ENQUIRIES) / enquiry["form_file"]
    working_copy.ensure(session, path)  # from the record when this folder lacks it
    if not path.is_file():
        raise DocumentError(f"{path.name} is recorded but missing (see 'commresp check')")
    return path


def holidays(session: Session) -> holiday_calendars.HolidayCalendar:
    """The public holidays of the mission's State (and region, if the profile names one)."""
    return holiday_calendars.HolidayCalendar(
        session.profile.holidays_code, session.profile.holidays_subdivision
    )


def default_due(session: Session, reply_due: date) -> date:
    """Agency deadline when none is given: :func:`deadlines.agency_due` with the profile's
    margin and notice."""
    return deadlines.agency_due(
        reply_due,
        session.today,
        holidays(session),
        margin=session.profile.agency_margin,
        notice=session.profile.agency_notice,
    )


def read_questions(path: Path) -> list[str]:
    """Questions from a text file: one per line; list markers and blank lines ignored."""
    from commresp.documents.forms import read_answer_text

    text = read_answer_text(path)
    questions = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if line:
            questions.append(line)
    return questions


def _agency_name(agency: dict, lang: str) -> str:
    return agency.get(f"name_{lang}") or agency["name_en"]


def _email_values(session: Session, comm: dict, agency: dict, lang: str, due: date) -> dict:
    """The ``$placeholders`` of ``enquiry_email.<lang>.toml``."""
    from commresp.rules import language, wording

    mission = session.profile.mission_name(lang)
    return {
        "reference": comm["ref"],
        "agency": _agency_name(agency, lang),
        "due_date": language.long_date(due, lang),
        "subject": comm["subject"] or comm["ref"],
        "mission": wording.mission(mission, lang, short=True, article=False),
        "the_mission": wording.mission(mission, lang, short=True, start=True),
        "of_state": wording.of_state(session.profile.state_name(lang), lang),
    }


def _write_form_and_mail(
    session: Session,
    staged: staging.Staging,
    comm: dict,
    mandates: list[dict],
    agency: dict,
    enquiry: dict,
    *,
    reminder: int = 0,
) -> tuple[Path, Path, Path]:
    """Stage the enquiry's form (a fresh one for a new enquiry; for a reminder, only if the
    form sent is missing) and its e-mail; they are moved into place after the commit.

    Returns the form's and the e-mail's final paths, and the file holding the form's bytes
    now (its temporary name when it was written, else the form itself)."""
    from commresp.documents import forms
    from commresp.rules import language, wording
    from commresp.workspace import packaged, templates

    lang = enquiry["language"]
    due = date.fromisoformat(enquiry["due_on"])
    folder = session.workspace.folder(comm["slug"], ENQUIRIES)
    form_path = folder / (enquiry["form_file"] or f"enquiry-{agency['slug']}.{lang}.docx")
    form_now = form_path
    if reminder:  # the form sent, from the record when this folder lacks it
        working_copy.ensure(session, form_path)
    # a new enquiry always gets a new form: a file under its name can only be a stale one,
    # left by an assign that failed or was killed
    if not reminder or not form_path.exists():
        working_copy.ensure(session, session.workspace.templates / "letterhead.docx")
        spec = forms.FormSpec(
            language=lang,
            reference=comm["ref"],
            mandates=wording.mandates(packaged.with_spanish_titles(mandates), lang),
            subject=comm["subject"] or "",
            agency_name=_agency_name(agency, lang),
            due_date_text=language.long_date(due, lang),
            questions=json.loads(enquiry["questions"]),
            token=make_token(form_secret(session), comm["slug"], agency["slug"], enquiry["id"]),
            header_lines=session.profile.letterhead(lang),
        )
        form_now = staged.replace_with(
            form_path,
            lambda tmp: forms.write_form(
                tmp,
                spec,
                base=templates.find("letterhead.docx", session.workspace),
                templates_dirs=templates.search_path(session.workspace),
            ),
        )
    name = document_kinds.wording_name(document_kinds.ENQUIRY_EMAIL, lang)
    text = templates.load_toml(name, session.workspace)
    values = _email_values(session, comm, agency, lang, due)
    kind = "reminder_" if reminder else ""
    message = mail.draft(
        to=agency.get("email") or "",
        sender=mail.mission_sender(session.profile, lang),
        subject=mail.fill(text[f"{kind}subject"], values, name),
        body=mail.fill(text[f"{kind}body"], values, name),
        attachments=[(form_path.name, form_now.read_bytes())],
    )
    # the name is this enquiry's (or this reminder's) alone: a file under it is stale
    suffix = f".reminder-{reminder}" if reminder else ""
    mail_path = folder / f"enquiry-{agency['slug']}{suffix}.eml"
    staged.replace(mail_path, mail.as_bytes(message))
    return form_path, mail_path, form_now


def _askable(session: Session, ref_text: str, slugs: Sequence[str]) -> dict:
    """The communication, if it may be asked of these agencies (none of them asked yet)."""
    comm = communications.get(session, ref_text)
    states.check_move(comm["ref"], comm["status"], "enquiring")
    already = store.enquiry_agencies(session.db, comm["id"])
    twice = [s for s in slugs if s in already]
    if twice:
        raise InvalidTransition(
            f"{', '.join(twice)} already asked about {comm['ref']}; chase with "
            f"'commresp remind \"{comm['ref']}\" --agency {twice[0]}'"
        )
    return comm


def assign(
    session: Session,
    ref_text: str,
    *,
    agencies: Sequence[str],
    questions: Sequence[str],
    translations: Mapping[str, Sequence[str]] | None = None,
    due: date | None = None,
    due_in: int | None = None,
) -> list[dict]:
    """Ask agencies for findings: one enquiry, form and e-mail draft per agency.

    ``translations`` gives the questions in a language (``{"fr": [...]}``, from
    ``--question-fr``): a form in that language asks them instead of ``questions``.  Each
    item returned lists, in ``language_warnings``, the questions (and the subject) its form
    prints in another language than its own: a warning, not a failure."""
    if due is not None and due_in is not None:
        raise BadInput("give either --due or --due-in, not both")
    if not agencies:
        raise BadInput("name at least one agency with --agency (see 'commresp agencies')")
    questions = [input_text.single_line(q, "--question") for q in questions if q.strip()]
    translated = {
        lang.strip().lower(): [
            input_text.single_line(q, f"--question-{lang}") for q in texts if q.strip()
        ]
        for lang, texts in (translations or {}).items()
    }
    translated = {lang: texts for lang, texts in translated.items() if texts}
    unknown = [lang for lang in translated if lang not in document_kinds.FORM_LANGUAGES]
    if unknown:
        raise BadInput(
            f"--question-{unknown[0]}: forms are in {', '.join(document_kinds.FORM_LANGUAGES)}"
        )
    if not questions and not translated:
        raise BadInput("give at least one --question, or --questions FILE")
    slugs = list(dict.fromkeys(a.strip().lower() for a in agencies))
    rows = [catalog.agency(session.db, slug) for slug in slugs]
    missing = [a for a in rows if not questions and a["language"] not in translated]
    if missing:
        slug, lang = missing[0]["slug"], missing[0]["language"]
        raise BadInput(
            f"no questions for the form of {slug}, which is in {lang}: give --question, "
            f"or --question-{lang}"
        )
    comm = _askable(session, ref_text, slugs)
    if due_in is not None:
        if due_in < 1:
            raise BadInput("--due-in must be at least 1 working day")
        due = deadlines.shift_working_days(session.today, due_in, holidays(session))
    elif due is None:
        due = default_due(session, date.fromisoformat(comm["reply_due"]))
    if due <= session.today:
        raise BadInput(f"the due date {due} is not after today ({session.today})")
    # an agency due after the reply date is allowed (a late reply is still a reply): said
    after_reply = deadlines.days_after(due, date.fromisoformat(comm["reply_due"]))
    mandates = store.communication_mandates(session.db, comm["id"])
    created = []
    # the forms and e-mails are staged, and moved into place once the enquiries are recorded
    with staging.transaction(session.db, working_copy.recorder(session)) as staged:
        comm = _askable(session, ref_text, slugs)  # again, now that no one else is writing
        for agency in rows:
            asked = translated.get(agency["language"], questions)
            enquiry = {
                "communication_id": comm["id"],
                "agency": agency["slug"],
                "language": agency["language"],
                "questions": json.dumps(asked, ensure_ascii=False),
                "sent_on": session.today.isoformat(),
                "due_on": due.isoformat(),
                "status": "open",
                "form_file": None,
                "reminders": 0,
                "created_at": store.now(),
            }
            enquiry["id"] = store.insert_enquiry(session.db, enquiry)
            form_path, mail_path, form_now = _write_form_and_mail(
                session, staged, comm, mandates, agency, enquiry
            )
            store.update_enquiry(
                session.db,
                enquiry["id"],
                {"form_file": form_path.name, "email_file": mail_path.name},
            )
            created.append(
                {
                    "agency": agency["slug"],
                    "language": agency["language"],
                    "due_on": due.isoformat(),
                    "reply_due": comm["reply_due"],
                    "days_after_reply": after_reply,
                    "form": str(form_path),
                    "email": str(mail_path),
                    "to": agency.get("email") or "",
                    "form_sha256": files.sha256_file(form_now),
                    "language_warnings": language_warnings(
                        asked, comm["subject"] or "", agency["language"]
                    ),
                }
            )
        # one audit event per operation, however many agencies it asked
        communications.move(
            session,
            comm,
            "enquiring",
            "assign",
            {
                "due_on": due.isoformat(),
                "questions": questions,
                **({"translations": translated} if translated else {}),
                "enquiries": [
                    {
                        k: Path(v).name if k in ("form", "email") else v
                        for k, v in item.items()
                        if k not in ("to", "reply_due", "days_after_reply", "language_warnings")
                    }
                    for item in created
                ],
            },
        )
    return created


def language_warnings(questions: Sequence[str], subject: str, lang: str) -> list[str]:
    """What a form in ``lang`` would print in another language: each question, and the
    communication's subject, that the identifier is sure is not in ``lang``."""
    from commresp.rules.text_language import LANGUAGE_NAMES, identify

    found = []
    form = LANGUAGE_NAMES.get(lang, lang)
    for question in questions:
        other = identify(question, lang)
        if other != lang:
            found.append(
                f"the question {question!r} is in {LANGUAGE_NAMES.get(other, other)}, and the "
                f"form in {form}; give its {form} wording with --question-{lang}"
            )
    other = identify(subject, lang) if subject else lang
    if other != lang:
        found.append(
            f"the subject {subject!r} is in {LANGUAGE_NAMES.get(other, other)}, and the form "
            f"in {form}; the form prints it as recorded (see 'commresp edit REF --subject')"
        )
    return found


OVERDUE_FIELDS = (
    "ref",
    "agency",
    "name_en",
    "email",
    "sent_on",
    "due_on",
    "reminders",
    "last_reminded_on",
)


def overdue(session: Session) -> list[dict]:
    """Enquiries due for a reminder (unanswered past their due date), the longest late first:
    exactly those :func:`remind` chases."""
    rows = []
    for row in store.overdue_enquiries(session.db, session.today.isoformat()):
        rows.append({k: row[k] for k in OVERDUE_FIELDS})
        rows[-1]["days_late"] = (session.today - date.fromisoformat(row["due_on"])).days
    return rows


def _reminder(session: Session, enquiry: dict, mail_path: Path | None) -> dict:
    """One reminder, written to ``mail_path`` (None: only planned, with ``--dry-run``)."""
    return {
        "agency": enquiry["agency"],
        "reminder": enquiry["reminders"] + 1,
        "due_on": enquiry["due_on"],
        "days_late": (session.today - date.fromisoformat(enquiry["due_on"])).days,
        "to": enquiry["email"] or "",
        "email": str(mail_path) if mail_path else None,
    }


def remind(
    session: Session, ref_text: str, *, agency: str | None = None, dry_run: bool = False
) -> list[dict]:
    """Write reminder e-mails (form attached again) to the agencies due for one: those
    :func:`overdue` lists for this communication.  With ``dry_run``, say what would be sent
    and write nothing.  An empty list when agencies are waited for but none is late yet;
    :class:`InvalidTransition` when every agency asked has answered."""
    comm = communications.get(session, ref_text)
    today = session.today.isoformat()
    due = store.overdue_enquiries(session.db, today, communication_id=comm["id"])
    enquiries = store.enquiries_for(session.db, comm["id"])
    if agency is None and not any(e["status"] == "open" for e in enquiries):
        raise InvalidTransition(
            f"nothing to remind: every agency asked about {comm['ref']} has answered"
            if enquiries
            else f"nothing to remind: no agency was asked about {comm['ref']}"
        )
    if agency is not None:
        catalog.agency(session.db, agency)
        asked = [e for e in enquiries if e["agency"] == agency]
        if not asked:
            raise BadInput(
                f"{agency} was not asked about {comm['ref']}; "
                f"see 'commresp answers \"{comm['ref']}\"'"
            )
        due = [e for e in due if e["agency"] == agency]
        if not due:
            enquiry = asked[0]
            why = (
                "has answered"
                if enquiry["status"] != "open"
                else f"is not late: its answers are due {enquiry['due_on']}"
            )
            raise InvalidTransition(f"{agency} {why}; no reminder written (see 'commresp overdue')")
    if dry_run or not due:
        return [_reminder(session, e, None) for e in due]
    mandates = store.communication_mandates(session.db, comm["id"])
    result = []
    with staging.transaction(session.db, working_copy.recorder(session)) as staged:
        for enquiry in due:
            entry = catalog.agency(session.db, enquiry["agency"])
            count = enquiry["reminders"] + 1
            _, mail_path, _ = _write_form_and_mail(
                session, staged, comm, mandates, entry, enquiry, reminder=count
            )
            store.update_enquiry(
                session.db,
                enquiry["id"],
                {"reminders": count, "last_reminded_on": today},
            )
            result.append(_reminder(session, enquiry, mail_path))
        store.add_event(
            session.db,
            actor=session.actor,
            action="remind",
            communication_id=comm["id"],
            details={"reminders": [{**r, "email": Path(r["email"]).name} for r in result]},
        )
    return result
