"""Rendering the drafts into the documents that go out, and sending them.

``render`` turns each Markdown draft into a new version of ``out/<kind>.<lang>.vN.docx`` on the
letterhead (never overwriting an earlier version), optionally a PDF through LibreOffice, and
records each file with its sha256.  ``render_many`` does it for several communications, their
PDFs made in one LibreOffice run (or by a running unoserver, ``[pdf] server``).  ``send``
writes the e-mail to the registry with the latest documents attached; ``mark_sent`` records
that it went.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from commresp import __version__, clearance, communications, drafting, store
from commresp.errors import BadInput, DocumentError, InvalidTransition
from commresp.rules import document_kinds, states, text_language, wording
from commresp.workspace import OUT, files, libreoffice, records, working_copy
from commresp.workspace.profile import Profile
from commresp.workspace.session import Session

PDF_TIMEOUT_S = 120


@dataclass
class Rendered:
    kind: str
    language: str
    version: int
    docx: Path
    pdf: Path | None = None
    redacted: bool = False
    # what the render changed besides the files (an approval voided), to tell the user
    note: str | None = None
    # the draft's sections marked as in another language (rules.text_language.Marked):
    # those still untranslated, and those translated with their marker left in place
    marked: list = field(default_factory=list)

    @property
    def untranslated(self) -> list:
        return [m for m in self.marked if m.untranslated]


def soffice(profile: Profile | None = None) -> str | None:
    """The LibreOffice executable, if found: the profile's ``[pdf] soffice``, then ``PATH``,
    then where the installers put it on Windows and macOS (:mod:`workspace.libreoffice`)."""
    found = libreoffice.find_soffice(configured_soffice(profile))
    return found.path if found is not None and found.how != "profile (missing)" else None


def configured_soffice(profile: Profile | None) -> str | None:
    """The profile's ``[pdf] soffice``, if set."""
    value = profile.get("pdf.soffice", "") if profile is not None else ""
    return str(value) if value else None


def require_soffice(profile: Profile | None) -> str:
    """:func:`soffice`, or a :class:`DocumentError` saying how to install it on this platform."""
    found = libreoffice.find_soffice(configured_soffice(profile))
    if found is None:
        raise DocumentError(
            f"LibreOffice is needed for PDFs and was not found: {libreoffice.install_hint()}; "
            "or leave out --pdf"
        )
    if found.how == "profile (missing)":
        raise DocumentError(
            f"[pdf] soffice in commresp.toml is {found.path!r}, which does not exist; correct "
            "it (or remove it to let commresp look for LibreOffice), or leave out --pdf"
        )
    return found.path


def check_languages(langs: Sequence[str]) -> list[str]:
    chosen = [lang.strip().lower() for lang in langs if lang.strip()]
    bad = [lang for lang in chosen if lang not in document_kinds.REPLY_LANGUAGES]
    if bad or not chosen:
        raise BadInput(
            f"--lang takes {', '.join(document_kinds.REPLY_LANGUAGES)} or several of them "
            f"joined by commas, e.g. fr,en (got {','.join(langs)!r})"
        )
    return list(dict.fromkeys(chosen))


@dataclass(frozen=True)
class Converter:
    """What makes the PDFs of a render: LibreOffice started once for all its files
    (``soffice``), or a running unoserver (``server``, host and port)."""

    soffice: str | None = None
    server: tuple[str, int] | None = None

    def convert(self, sources: Sequence[Path], outdir: Path) -> dict[Path, str | None]:
        """Each source's PDF as ``outdir/<stem>.pdf``; for each, None or why it failed."""
        if self.server is not None:
            host, port = self.server
            return libreoffice.convert_with_server(
                host, port, sources, outdir, timeout=PDF_TIMEOUT_S
            )
        # LibreOffice's start-up (about 1 s) is paid once; each file then takes ~70 ms
        timeout = PDF_TIMEOUT_S + 2 * len(sources)
        return libreoffice.convert_with_soffice(self.soffice, sources, outdir, timeout=timeout)


def pdf_converter(profile: Profile | None) -> Converter:
    """The profile's ``[pdf] server`` if it names one (checked to answer), else LibreOffice
    (:func:`require_soffice`); a :class:`DocumentError` says what to do when neither works."""
    server = profile.get("pdf.server", "") if profile is not None else ""
    if server:
        host, port = libreoffice.parse_server(server)
        libreoffice.check_server(host, port)
        return Converter(server=(host, port))
    return Converter(soffice=require_soffice(profile))


@dataclass
class Batch:
    """What a render of several communications made, and the communications it could not
    make (each message names the communication and the file)."""

    rendered: list[Rendered]
    failed: list[str]


@dataclass
class _Plan:
    """One communication to render, checked before anything is written."""

    comm: dict
    drafts: list[tuple[str, str, Path]]  # kind, language, draft
    redacted: bool
    after_sending: bool
    terms: list[str]
    terms_from: list[str]
    edited_here: list  # drafts edited in this copy, uploaded to the record with the render


@dataclass
class _Staged:
    """One document rendered in the scratch folder, not yet in ``out/`` nor on record."""

    kind: str
    language: str
    docx: Path
    paragraphs: list[str] | None  # a response's precedents
    marked: list  # its sections marked as in another language (rules.text_language)
    pdf: Path | None = None
    pdf_failed: str | None = None


def render(
    session: Session,
    ref_text: str,
    *,
    langs: Sequence[str] | None = None,
    pdf: bool = False,
    redacted: bool = False,
    style: str = "bar",
    force: bool = False,
) -> list[Rendered]:
    """Render the drafts of a communication into new versions of its documents.

    With ``redacted``, a publication copy (``<kind>.<lang>.vN.redacted.docx``) in which every
    confidential term and ``||marked||`` text is hidden (``style`` ``bar`` or ``text``), each
    file checked for leaks before it is kept; otherwise ``||`` markers are simply dropped.
    After sending, a new version of what went out needs ``force`` (and the event says so);
    a reply in clearance goes back to drafted, its approval void.
    ``langs`` defaults to the languages the reply goes out in (the profile's ``[languages]``).
    """
    batch = render_many(
        session, [ref_text], langs=langs, pdf=pdf, redacted=redacted, style=style, force=force
    )
    if batch.failed:
        raise DocumentError(batch.failed[0])
    return batch.rendered


def render_many(
    session: Session,
    refs: Sequence[str],
    *,
    langs: Sequence[str] | None = None,
    pdf: bool = False,
    redacted: bool = False,
    style: str = "bar",
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Batch:
    """:func:`render` for several communications, each in its own transaction with one audit
    event, its documents and their PDFs all on record or none of them.

    Every communication is checked before anything is written (a bad reference or a missing
    draft changes nothing).  With ``pdf``, the .docx of every communication are rendered into
    a scratch folder, converted in ONE LibreOffice run (or by the profile's unoserver), and
    only then put into ``out/`` and recorded, communication by communication: one whose PDF
    could not be made is left as it was and named in ``failed``, the others are kept.
    ``progress(done, total)`` is told after each communication's documents are rendered.
    """
    try:
        return _render_many(session, refs, langs, pdf, redacted, style, force, progress)
    finally:
        gc.unfreeze()  # what _release froze is collectable again


def _release() -> None:
    """Free what the documents of one communication held, before the next.

    python-docx's Documents hold their lxml trees in reference cycles; a tree's memory is C
    memory, unseen by the collector's thresholds, so without this the trees pile up until a
    full collection (peak RSS 58 MiB for 1 communication, 134 MiB for 50).  What survives is
    frozen, so the next collection looks only at what the next communication makes (some
    20 ms a collection otherwise)."""
    gc.collect()
    gc.freeze()


def _render_many(session, refs, langs, pdf, redacted, style, force, progress) -> Batch:
    langs = check_languages(session.profile.sent_languages() if langs is None else langs)
    if redacted and style not in _redaction().STYLES:
        raise BadInput(f"redaction style {style!r}: expected bar or text")
    plans: dict[int, _Plan] = {}
    for ref_text in refs:
        plan = _plan(session, ref_text, langs, redacted=redacted, force=force)
        plans.setdefault(plan.comm["id"], plan)  # the same communication named twice: once
    converter = pdf_converter(session.profile) if pdf else None
    batch = Batch([], [])
    total = len(plans)
    # the scratch folder is in the workspace, so its files only need a link into out/
    with tempfile.TemporaryDirectory(
        prefix=".render-", suffix=".tmp", dir=session.workspace.root
    ) as scratch:
        staged: list[tuple[_Plan, list[_Staged]]] = []
        for done, plan in enumerate(plans.values(), 1):
            documents = _render_docx(session, plan, Path(scratch, plan.comm["slug"]), style)
            if converter is None:  # nothing to wait for: on record at once, scratch emptied
                batch.rendered += _commit(session, plan, documents, redacted, style)
                for document in documents:
                    document.docx.unlink(missing_ok=True)
            else:
                staged.append((plan, documents))
            _release()
            if progress is not None:
                progress(done, total)
        if converter is not None:
            _convert(converter, staged, Path(scratch, "pdf"), redacted)
            for plan, documents in staged:
                failed = [d for d in documents if d.pdf_failed]
                if failed:
                    batch.failed.append(
                        f"{plan.comm['ref']}: no PDF of {failed[0].docx.name} "
                        f"({failed[0].pdf_failed}); nothing of {plan.comm['ref']} was recorded, "
                        "render it again"
                    )
                    continue
                batch.rendered += _commit(session, plan, documents, redacted, style)
    return batch


def refs_with_status(session: Session, status: str) -> list[str]:
    """The references of every communication in ``status``, oldest first (``render
    --status drafted``); a :class:`BadInput` for an unknown state."""
    rows, _ = communications.list_page(session, status=status, limit=None)
    return [row["ref"] for row in reversed(rows)]


def _redaction():
    from commresp import redaction

    return redaction


def _plan(session: Session, ref_text: str, langs: list[str], *, redacted: bool, force: bool):
    """Check one communication can be rendered (state, drafts, redaction) and say what to
    render; nothing is written."""
    comm = communications.get(session, ref_text)
    after_sending = comm["status"] in states.AFTER_SENDING and not redacted
    if after_sending and not force:
        raise InvalidTransition(
            f"{comm['ref']} was sent on {comm['sent_on'] or '(date not recorded)'}: a new "
            "render would no longer be what went out; add --force to render anyway "
            "(or --redacted for the publication copy)"
        )
    wanted = [
        drafting.draft_path(session, comm["slug"], kind, lang)
        for kind in document_kinds.REPLY
        for lang in langs
    ]
    # this copy's drafts in step with the record: filled if missing or behind, refused if
    # edited here and by someone else; the ones edited here are uploaded when it is recorded
    edited_here = working_copy.sync_drafts(session, wanted)
    drafts = []
    for kind in document_kinds.REPLY:
        for lang in langs:
            path = drafting.draft_path(session, comm["slug"], kind, lang)
            if not path.exists():
                raise DocumentError(
                    f"no draft {path.name} for {comm['ref']}: run "
                    f"'commresp draft \"{comm['ref']}\"' first"
                )
            drafts.append((kind, lang, path))
    terms: list[str] = []
    terms_from: list[str] = []
    if redacted:
        redaction = _redaction()
        texts = [(kind, lang, drafting.read_draft(path)) for kind, lang, path in drafts]
        for kind, lang, text in texts:
            redaction.check_markers(f"{kind}.{lang}.md", text)
        terms, terms_from = redaction.publication_terms(session, comm, [t for *_, t in texts])
        if not terms:
            raise DocumentError(
                f"nothing is marked confidential in {comm['ref']}: add terms with "
                f"'commresp confidential \"{comm['ref']}\" --add TERM' or mark text ||like "
                "this|| in the drafts; nothing was rendered"
            )
        for kind, lang, text in texts:
            redaction.check_lookalikes(f"{kind}.{lang}.md", text, terms)
        for line in session.profile.get("mission.letterhead", []):
            redaction.check_lookalikes("the letterhead lines of commresp.toml", line, terms)
    return _Plan(comm, drafts, redacted, after_sending, terms, terms_from, edited_here)


def _render_docx(session: Session, plan: _Plan, folder: Path, style: str) -> list[_Staged]:
    """Render one communication's drafts into ``folder`` (scratch, outside the workspace),
    under the names they will most likely have; a publication copy is checked for leaks
    there, so no unchecked copy is ever in ``out/``."""
    from commresp.documents.markdown_to_docx import render_markdown
    from commresp.workspace import templates

    redaction = _redaction()
    # the mission's imported letterhead, from the record when this folder lacks it
    working_copy.ensure(session, session.workspace.templates / "letterhead.docx")
    comm, redacted, terms = plan.comm, plan.redacted, plan.terms
    letterhead = templates.find("letterhead.docx", session.workspace)
    # The profile's lines make the letterhead on commresp's own, neutral one; a mission's own
    # letterhead ('commresp letterhead import') carries its own.
    own = letterhead.parent == templates.packaged_dir()
    # A response goes out without letterhead (as Belgium's published one) unless the profile
    # asks for one ([documents] response_letterhead = true).
    bare = not session.profile.get("documents.response_letterhead", False)
    plain = templates.packaged_dir() / "letterhead.docx"
    folder.mkdir(parents=True, exist_ok=True)
    documents = []
    for kind, lang, path in plan.drafts:
        text = drafting.read_draft(path)
        version = records.next_version(session, comm["id"], kind, lang, "docx", redacted)
        target = folder / document_kinds.rendered_name(kind, lang, version, redacted)
        properties = _authorship(session, lang) | _properties(comm, kind, lang)
        # the profile's lines, in the document's language, on commresp's own letterhead
        header = session.profile.letterhead(lang) if own else []
        if redacted:  # hidden before rendering, so no trace of a term is in the file
            body = redaction.redact_markdown(text, terms, style)
            lines = [redaction.redact_text(line, terms, style) for line in header]
            properties = redaction.redact_properties(properties, terms, style)
        else:
            body = redaction.strip_markers(text)
            lines = [redaction.strip_markers(line) for line in header]
            properties = {k: redaction.strip_markers(v) for k, v in properties.items()}
        without = bare and kind == document_kinds.RESPONSE
        try:
            render_markdown(
                body,
                target,
                letterhead=plain if without else letterhead,
                header_lines=[] if without else lines,
                properties=properties,
                # a note verbale's body is justified, its paragraphs kept whole
                justify=kind == document_kinds.NOTE_VERBALE,
                unbroken=[r for r in (comm["ref"], comm["outgoing_ref"]) if r],
                page_label=wording.page_label(lang),
                language=session.profile.locale(lang),
                application=f"commresp {__version__}",
            )
        except ValueError as exc:
            raise DocumentError(f"{kind}.{lang}.md could not be rendered: {exc}") from None
        if redacted:
            redaction.verify(target, terms, name=target.name)
        response = kind == document_kinds.RESPONSE and not redacted
        paragraphs = reusable_paragraphs(text) if response else None
        documents.append(
            _Staged(kind, lang, target, paragraphs, text_language.marked_sections(text))
        )
    return documents


def _convert(
    converter: Converter, staged: list[tuple[_Plan, list[_Staged]]], outdir: Path, redacted: bool
) -> None:
    """Every staged .docx to PDF in one conversion; each document learns its PDF or why it
    has none (a publication copy's PDF is checked for leaks here)."""
    # one folder for LibreOffice's output: each file under a name unique in the batch
    sources: dict[Path, _Staged] = {}
    links = outdir.parent / "sources"
    links.mkdir(parents=True, exist_ok=True)
    for plan, documents in staged:
        for document in documents:
            source = links / f"{plan.comm['slug']}.{document.docx.name}"
            try:
                os.link(document.docx, source)
            except OSError:
                shutil.copyfile(document.docx, source)
            sources[source] = document
    outcome = converter.convert(list(sources), outdir) if sources else {}
    for source, document in sources.items():
        document.pdf_failed = outcome.get(source, "not converted")
        if document.pdf_failed is None:
            document.pdf = outdir / f"{source.stem}.pdf"
    if redacted:
        redaction = _redaction()
        for plan, documents in staged:
            for document in documents:
                if document.pdf is not None:
                    name = document.docx.with_suffix(".pdf").name
                    redaction.verify(document.pdf, plan.terms, name=name)


def _commit(
    session: Session, plan: _Plan, documents: list[_Staged], redacted: bool, style: str
) -> list[Rendered]:
    """Put one communication's rendered documents into ``out/`` under their versions and
    record them, in one transaction with one audit event; on any failure, nothing of it
    stays (the files it placed are removed)."""
    comm = plan.comm
    out_dir = session.workspace.folder(comm["slug"], OUT)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    results: list[Rendered] = []
    try:
        with store.transaction(session.db):
            # the Markdown rendered from, as this copy has it, is the record's draft now
            uploaded = working_copy.upload(session, plan.edited_here)
            placed = []
            for d in documents:
                version = records.next_version(
                    session, comm["id"], d.kind, d.language, "docx", redacted
                )
                # a file left by a crash before it was recorded is kept: the next free version
                version = _free_version(out_dir, d.kind, d.language, version, redacted)
                target = out_dir / document_kinds.rendered_name(
                    d.kind, d.language, version, redacted
                )
                _place(d.docx, target)
                written.append(target)
                document_id = records.record_document(
                    session, comm["id"], d.kind, d.language, version, "docx", target, redacted
                )
                if d.paragraphs is not None:
                    store.replace_paragraphs(
                        session.db, comm["id"], document_id, d.language, d.paragraphs
                    )
                item = Rendered(d.kind, d.language, version, target, redacted=redacted)
                item.marked = d.marked
                placed.append((d, item))
            for d, item in placed:
                if d.pdf is not None:
                    item.pdf = item.docx.with_suffix(".pdf")
                    _place(d.pdf, item.pdf)
                    written.append(item.pdf)
                    records.record_document(
                        session,
                        comm["id"],
                        d.kind,
                        d.language,
                        item.version,
                        "pdf",
                        item.pdf,
                        redacted,
                    )
                results.append(item)
            files.fsync_directory(out_dir)  # the new names are on disk before the record
            details: dict = {"files": [p.name for p in written]}
            # what send checks: the sections each rendered document still has untranslated
            untranslated = {
                r.docx.stem: [_marked_words(m) for m in r.untranslated]
                for r in results
                if r.untranslated
            }
            if untranslated:
                details["untranslated"] = untranslated
            if uploaded:
                details["drafts_uploaded"] = uploaded
            if redacted:
                details |= {"redacted": True, "style": style, "terms": len(plan.terms)}
                if plan.terms_from:
                    details["terms_from"] = plan.terms_from
            if plan.after_sending:
                details["forced_after"] = comm["status"]
            note = None if redacted else clearance.void(session, comm)
            if note:
                details["voided"] = comm["status"]
                communications.move(session, comm, "drafted", "render", details)
                for r in results:
                    r.note = note
            else:
                store.add_event(
                    session.db,
                    actor=session.actor,
                    action="render",
                    communication_id=comm["id"],
                    details=details,
                )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return results


def _place(source: Path, target: Path) -> None:
    """Give a scratch file (complete and synced) its name in ``out/``: a hard link, which
    never replaces a file and copies nothing; else (another filesystem, or a PDF left by a
    crash under that name) an atomic copy.  The folder is synced by the caller."""
    with open(source, "rb") as made:  # LibreOffice's PDFs are not synced (a .docx already is)
        os.fsync(made.fileno())
    try:
        os.link(source, target)
    except OSError:
        with open(source, "rb") as src, files.atomic_writer(target) as out:
            shutil.copyfileobj(src, out)


def _marked_words(marked) -> str:
    return f"{marked.section} ({marked.source} → {marked.target})"


def untranslated_sections(session: Session, comm: dict, attachments: Sequence[Path]) -> dict:
    """For each file among ``attachments``, the sections its render recorded as still in
    another language than the document's (``federal-police (en → fr)``)."""
    import json

    wanted = {path.stem: path.name for path in attachments}
    found: dict[str, list[str]] = {}
    for event in store.events_for(session.db, comm["id"]):
        if event["action"] != "render" or not event["details"]:
            continue
        recorded = json.loads(event["details"]).get("untranslated", {})
        for stem, name in wanted.items():
            if stem in recorded:  # versions are never reused: one render made this file
                found[name] = recorded[stem]
    return found


def _properties(comm: dict, kind: str, lang: str) -> dict[str, str]:
    """The core properties of a rendered document (what a file manager or a PDF shows):
    title and subject in the document's language."""
    title = f"{document_kinds.title(kind, lang)} – {comm['ref']}"
    return {"title": title, "subject": comm["ref"]}


def _authorship(session: Session, lang: str) -> dict[str, str]:
    """The mission as author, and the document's proofing language."""
    author = wording.mission(session.profile.mission_name(lang), lang, short=False, article=False)
    return {"author": author, "last_modified_by": author, "language": session.profile.locale(lang)}


def _free_version(folder: Path, kind: str, lang: str, version: int, redacted: bool = False) -> int:
    while (folder / document_kinds.rendered_name(kind, lang, version, redacted)).exists():
        version += 1
    return version


def reusable_paragraphs(markdown: str) -> list[str]:
    """The body paragraphs of a response, as precedents: no headings, title lines or notes."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown) if b.strip()]
    return [
        re.sub(r"\[\^[^\]]+\]", "", b)
        for b in blocks
        if not b.startswith(("#", "**", "[^", "|", "- ", "* ")) and len(b) > 80
    ]


def latest_documents(session: Session, comm: dict) -> list[Path]:
    """The newest rendered file of each document in the language it goes out in."""
    chosen = []
    for kind in document_kinds.REPLY:
        lang = session.profile.document_language(kind)
        for fmt in ("pdf", "docx"):
            row = store.latest_document(session.db, comm["id"], kind, lang, fmt, False)
            if row:
                # from the record when this folder lacks it (or its bytes differ)
                chosen.append(working_copy.ensure(session, session.workspace.root / row["path"]))
                break
        else:
            raise DocumentError(
                f"{comm['ref']} has no rendered {kind.replace('_', ' ')} in "
                f"{lang}; run 'commresp render \"{comm['ref']}\"' first"
            )
    return chosen


def document_to_open(
    session: Session,
    ref_text: str,
    kind: str,
    lang: str | None = None,
    *,
    fmt: str = "docx",
    redacted: bool = False,
) -> Path:
    """The newest rendered file of one document (``commresp open``): by default in the
    language it goes out in, as .docx; a :class:`DocumentError` says what to run if none."""
    comm = communications.get(session, ref_text)
    if kind not in document_kinds.REPLY:
        raise BadInput(f"--kind {kind!r}: expected one of {', '.join(document_kinds.REPLY)}")
    lang = check_languages([lang])[0] if lang else session.profile.document_language(kind)
    row = store.latest_document(session.db, comm["id"], kind, lang, fmt, redacted)
    what = f"{'redacted ' if redacted else ''}{kind.replace('_', ' ')} in {lang}"
    if row is None:
        how = "--pdf " if fmt == "pdf" else ""
        flags = f"--lang {lang} {how}{'--redacted' if redacted else ''}".strip()
        raise DocumentError(
            f"{comm['ref']} has no rendered {what}{' as PDF' if fmt == 'pdf' else ''}; run "
            f"'commresp render \"{comm['ref']}\" {flags}' first"
        )
    path = working_copy.ensure(session, session.workspace.root / row["path"])
    if not path.is_file():
        raise DocumentError(
            f"{path.name} is recorded but missing; render a new version with "
            f"'commresp render \"{comm['ref']}\"' (see 'commresp check')"
        )
    return path


def send(session: Session, ref_text: str, *, allow_untranslated: bool = False) -> Path:
    """Write the e-mail to the registry with the latest documents attached (.eml draft).

    Refused while an attached document has sections still in another language than its own
    (marked by ``draft``, judged at ``render``), unless ``allow_untranslated`` (audited)."""
    from commresp import mail

    comm = communications.get(session, ref_text)
    if comm["status"] != "sent":  # the e-mail may be written again after sending
        states.check_move(
            comm["ref"], comm["status"], "sent", clearance=session.profile.clearance_required
        )
    attachments = latest_documents(session, comm)
    for path in attachments:
        if not path.exists():
            raise DocumentError(f"{path.name} is recorded but missing; render again")
    untranslated = untranslated_sections(session, comm, attachments)
    if untranslated and not allow_untranslated:
        listed = "; ".join(f"{name}: {', '.join(s)}" for name, s in untranslated.items())
        raise DocumentError(
            f"not sent: sections are not translated yet ({listed}); translate them in the "
            "drafts and render again, or use --allow-untranslated"
        )
    clearance.check_attachments(session, comm, attachments)
    p = session.profile
    lang = p.document_language(document_kinds.NOTE_VERBALE)
    mission = wording.mission(p.mission_name(lang), lang, short=True, article=False)
    of_state = wording.of_state(p.state_name(lang), lang)
    outgoing = comm["outgoing_ref"] or ""
    if lang == "fr":
        subject = f"{comm['ref']} – Réponse {of_state} ({outgoing})"
        body = (
            f"Madame, Monsieur,\n\nVeuillez trouver ci-joint la note verbale "
            f"{outgoing} et la réponse {of_state} à la "
            f"communication {comm['ref']}.\n\nAvec nos salutations distinguées,\n{mission}\n"
        )
    elif lang == "es":
        subject = f"{comm['ref']} – Respuesta {of_state} ({outgoing})"
        body = (
            f"Estimada señora, estimado señor:\n\nSírvase encontrar adjuntas la nota verbal "
            f"{outgoing} y la respuesta {of_state} a la comunicación {comm['ref']}."
            f"\n\nAtentamente,\n{mission}\n"
        )
    else:
        subject = f"{comm['ref']} – Reply {of_state} ({outgoing})"
        body = (
            f"Dear Madam or Sir,\n\nPlease find attached note verbale "
            f"{outgoing} and the reply {of_state} to "
            f"communication {comm['ref']}.\n\nYours faithfully,\n{mission}\n"
        )
    message = mail.draft(
        to=p.get("addressee.email", ""),
        sender=mail.mission_sender(p, lang),
        subject=subject.replace(" ()", ""),
        body=body,
        attachments=attachments,
    )
    out = files.new_path(session.workspace.folder(comm["slug"], OUT), f"reply-{comm['slug']}.eml")
    try:
        with store.transaction(session.db):
            mail.save(message, out)
            working_copy.keep(session.db, session.workspace, out, actor=session.actor)
            store.add_event(
                session.db,
                actor=session.actor,
                action="send-draft",
                communication_id=comm["id"],
                details={"email": out.name, "attachments": [a.name for a in attachments]}
                | ({"allowed_untranslated": untranslated} if untranslated else {}),
            )
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out


def mark_sent(session: Session, ref_text: str, *, on: date | None = None) -> dict:
    """Record that the reply went to the registry (status sent, date on record)."""
    comm = communications.get(session, ref_text)
    states.check_move(
        comm["ref"], comm["status"], "sent", clearance=session.profile.clearance_required
    )
    on = on or session.today
    if on < date.fromisoformat(comm["letter_date"]) or on > session.today:
        raise BadInput(f"--on {on} must be between the letter date {comm['letter_date']} and today")
    if not store.count_rendered(session.db, comm["id"]):
        raise DocumentError(f"{comm['ref']} has no rendered document; run 'commresp render' first")
    communications.move(
        session,
        comm,
        "sent",
        "mark-sent",
        {"on": on.isoformat()},
        changes={"sent_on": on.isoformat()},
    )
    return communications.show(session, comm["ref"])
