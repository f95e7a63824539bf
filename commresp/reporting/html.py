"""The year's report as one self-contained HTML page for a head of mission.

Written from the Jinja template ``report.html.j2`` (sandboxed, every value escaped; a
workspace's own ``templates/report.html.j2`` wins) in the profile's language — English,
French or Spanish, worded by ``report.<lang>.toml`` — with the charts drawn as inline SVG
from the same figures (:mod:`commresp.reporting.charts`).  The page loads nothing from
anywhere and runs no script, so it can be e-mailed, archived, opened offline or printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from commresp import store
from commresp.documents import templating
from commresp.reporting import charts
from commresp.workspace import templates
from commresp.workspace.session import Session

# The languages the report is written in, and what a profile's language falls back to.
REPORT_LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"
# The late-replies table shows at most this many, the latest first.
LATE_ROWS = 15
# Past this many communications, the list of every one is left out (it is in --csv).
EVERY_ROWS = 500


def report_language(session: Session, lang: str | None = None) -> str:
    """``lang``, else the profile's ``[languages] report``, else the note verbale's language
    (the one the mission writes to OHCHR in) when the report is written in it, else English."""
    from commresp.errors import BadInput

    if lang is not None:
        if lang not in REPORT_LANGUAGES:
            raise BadInput(f"--lang {lang!r}: the report is written in en, fr or es")
        return lang
    chosen = str(session.profile.get("languages.report", "") or "")
    if chosen:
        return chosen if chosen in REPORT_LANGUAGES else DEFAULT_LANGUAGE
    fallback = session.profile.document_language("note_verbale")
    return fallback if fallback in REPORT_LANGUAGES else DEFAULT_LANGUAGE


def spelt_date(iso: str | None, lang: str) -> str:
    """A date written out in ``lang`` ("1er août 2025", "1 de agosto de 2025"); "–" for none."""
    if not iso:
        return "–"
    from commresp.rules import language

    day = date.fromisoformat(iso)
    try:
        return language.long_date(day, lang)
    except ValueError:  # a language the document rules do not write yet: CLDR's long form
        from babel.dates import format_date

        return format_date(day, "long", locale=lang)


def month_names(lang: str) -> list[str]:
    """Abbreviated month names in ``lang`` (CLDR), January first."""
    from babel.dates import get_month_names

    names = get_month_names("abbreviated", context="stand-alone", locale=lang)
    return [str(names[m]).rstrip(".").capitalize() for m in range(1, 13)]


def _n(value: Any) -> Any:
    return "–" if value is None else value


def _localised_names(session: Session, table: str, keys, column: str, lang: str) -> dict:
    """Catalog names in ``lang`` (``title_fr``, ``name_es``…) where the catalog has them."""
    names = {}
    for key in keys:
        entry = store.get_catalog_entry(session.db, table, key) or {}
        names[key] = entry.get(f"{column}_{lang}") or entry.get(f"{column}_en")
    return names


def page(
    report: Mapping[str, Any],
    t: Mapping[str, str],
    lang: str,
    *,
    mandate_titles: Mapping[str, str] | None = None,
    agency_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the template shows, from the figures and the wording of ``lang``."""
    s = report["summary"]
    comms = report["communications"]
    outcome_label = {o: t[o] for o in ("on_time", "late", "late_unanswered", "pending", "closed")}
    types = " · ".join(f"{k} {c['communications']}" for k, c in report["by_type"].items())
    share = t["share"].format(pct=round(s["on_time_share"] * 100), due=s["due"]) if s["due"] else ""
    tiles = [
        {"value": s["communications"], "label": t["received"], "note": types, "kind": ""},
        {"value": s["on_time"], "label": t["on_time"], "note": share, "kind": "good"},
        {
            "value": s["late"],
            "label": t["late"],
            "note": t["sent_after"],
            "kind": "bad" if s["late"] else "",
        },
        {
            "value": s["late_unanswered"],
            "label": t["late_unanswered"],
            "note": t["date_passed"],
            "kind": "bad" if s["late_unanswered"] else "",
        },
        {
            "value": _n(s["median_days_to_reply"]),
            "label": t["median_days"],
            "note": t["worst_days"].format(days=_n(s["worst_days_to_reply"]))
            if s["replied"]
            else t["no_reply"],
            "kind": "",
        },
        {
            "value": s["open_enquiries"],
            "label": t["enquiries_open"],
            "note": t["past_due"].format(n=s["overdue_enquiries"]),
            "kind": "bad" if s["overdue_enquiries"] else "",
        },
    ]
    months = month_names(lang)
    shown = [c for c in comms if c["outcome"] != "closed"]
    periods = {c["reply_period_days"] for c in shown}
    agency_names = agency_names or {}
    mandate_titles = mandate_titles or {}
    agencies = report["agencies"]
    late = sorted(
        (c for c in comms if c["outcome"] in ("late", "late_unanswered")),
        key=lambda c: -c["days_late"],
    )

    def counts(c: Mapping[str, int]) -> list[int]:
        keys = ("communications", "on_time", "late", "late_unanswered", "pending", "closed")
        return [c[k] for k in keys]

    return {
        "lang": lang,
        "as_of": spelt_date(report["as_of"], lang),
        "tiles": tiles,
        "colours": charts.COLOURS,
        "late_figures": 0 < len(shown) <= charts.LABELLED_BARS,
        "deadline_label": t["deadline_same"].format(days=next(iter(periods)))
        if len(periods) == 1
        else t["deadline_each"],
        "charts": {
            "replies": charts.replies(
                comms,
                axis_label=t["days_from_letter"],
                month_names=months,
                description=t["replies_description"],
            ),
            "months": charts.months(
                report["by_month"],
                axis_label=t["letters_axis"],
                month_names=months,
                description=t["months_description"],
            ),
            "agencies": charts.agencies(
                [(agency_names.get(k) or a["name"], a) for k, a in agencies.items()],
                axis_label=t["days_to_answer"],
                median_label=t["median"],
                worst_label=t["worst"],
                description=t["agencies_description"],
            ),
        },
        "late_total": len(late),
        "late_rows": [
            (
                c["ref"],
                spelt_date(c["letter_date"], lang),
                spelt_date(c["reply_due"], lang),
                spelt_date(c["sent_on"], lang) if c["sent_on"] else t["not_yet"],
                c["days_late"],
            )
            for c in late[:LATE_ROWS]
        ],
        "type_rows": [(t.get(k, k), *counts(c)) for k, c in report["by_type"].items()],
        "mandate_rows": [
            (mandate_titles.get(k) or c.get("title") or k, *counts(c))
            for k, c in report["by_mandate"].items()
        ],
        "agency_rows": [
            (
                agency_names.get(k) or a["name"],
                a["enquiries"],
                a["answered"],
                _n(a["median_days"]),
                _n(a["worst_days"]),
                a["open"],
                a["overdue"],
            )
            for k, a in agencies.items()
        ],
        "every_rows": [
            (
                c["ref"],
                c["letter_date"],
                c["reply_due"],
                c["sent_on"] or "–",
                _n(c["days_to_reply"]),
                outcome_label[c["outcome"]],
            )
            for c in comms
        ]
        if len(comms) <= EVERY_ROWS
        else [],
    }


def render(report: Mapping[str, Any], session: Session, lang: str | None = None) -> str:
    """The report as one HTML document (str), in ``lang`` or the profile's language."""
    lang = report_language(session, lang)
    name = f"report.{lang}.toml"
    # a workspace's wording overrides the packaged one key by key
    words = {**templates.load_toml(name, None), **templates.load_toml(name, session.workspace)}
    mandate_titles = _localised_names(session, "mandates", report["by_mandate"], "title", lang)
    agency_names = _localised_names(session, "agencies", report["agencies"], "name", lang)
    from commresp.rules import wording

    try:
        mission = wording.mission(session.profile.mission_name(lang), lang, article=False)
    except ValueError:  # a language the profile has no mission name in yet
        mission = report["mission"]
    context = {
        "report": {**report, "mission": mission},
        "t": words,
        "page": page(report, words, lang, mandate_titles=mandate_titles, agency_names=agency_names),
    }
    return templating.render(
        "report.html.j2", context, templates.search_path(session.workspace), html=True
    )
