"""The mission profile, ``commresp.toml``: read (:class:`Profile`), checked and written here.

Reading: :func:`load_profile` parses the file and checks every key against :data:`SCHEMA`
(an unknown key, a language commresp does not write, a prefix that is not text: one line
saying what to change, before any command writes anything).  :class:`Profile` answers by
dotted key and gives the wording rules (:mod:`commresp.rules.wording`) their plain values:
the State's names come from the packaged table of States (``commresp/data/states.csv``)
with the profile's overrides, the mission's names from the profile or built from the State's.

Writing: ``--state ISO3`` starts a profile for any State of the table, correct as it stands
(the generated names are shown, commented out, for the mission to override); ``--profile
belgium`` is the Permanent Representation of Belgium in Geneva, worded as in its published
reply to AL BEL 1/2025.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commresp.errors import BadInput, WorkspaceError
from commresp.rules import deadlines, document_kinds, locales
from commresp.workspace import packaged
from commresp.workspace.files import read_text

if TYPE_CHECKING:  # the wording rules load the grammar: only commands that write text need it
    from commresp.rules.wording import MissionName, Name

PROFILE_NAME = "commresp.toml"

# Days before a reply or due date that the exported calendar reminds (``[calendar]``).
ALARM_DAYS = 3

# Languages of names in the profile, and the languages documents go out in.
NAME_LANGUAGES = ("fr", "en", "es", "nl")
REPLY_LANGUAGES = document_kinds.REPLY_LANGUAGES

# Where the mission works from, when the profile does not say (mission.city_<lang>).
DEFAULT_CITY = {"fr": "Genève", "en": "Geneva", "es": "Ginebra", "nl": "Genève"}

# Who notes verbales are addressed to, when the profile does not say.  French: as in Belgium's
# reply to AL BEL 1/2025.  Spanish: "Subdivisión" is the UN's Spanish for a "Branch"; not
# confirmed from a published Spanish note (see templates/SOURCES.md).
DEFAULT_ADDRESSEE = {
    "fr": ("Secrétariat du Service des procédures spéciales", "le"),
    "en": ("Secretariat of the Special Procedures Branch", "the"),
    "es": ("Secretaría de la Subdivisión de Procedimientos Especiales", "la"),
}


def _per_language(kind: str, *names: str, langs: tuple[str, ...] = NAME_LANGUAGES) -> dict:
    return {f"{name}_{lang}": kind for name in names for lang in langs}


# Every key a profile may hold, and what its value must be.  A key not listed here is refused
# with its nearest spelling; add a line here when a feature reads a new key.
SCHEMA: dict[str, dict[str, str]] = {
    "state": {
        "code": "state",
        "holidays": "text",
        "holidays_subdivision": "text",
        "name_fr": "text",
        "name_en": "text",
        "name_es": "text",
        "name_nl": "text",
        "article_fr": "article",
        "article_en": "article",
        "article_es": "article",
        "number_fr": "number",
        "number_es": "number",
    },
    "mission": {
        **_per_language("text", "name", "short_name", "city"),
        **_per_language("article", "article"),
        **_per_language("lines", "letterhead"),
        "letterhead": "lines",
        "address": "lines",
        "email": "text",
    },
    "outgoing": {"prefix": "prefix", "first_number": "positive"},
    "languages": {"note_verbale": "language", "response": "language", "report": "language"},
    "addressee": {
        **_per_language("text", "name", langs=REPLY_LANGUAGES),
        **_per_language("article", "article", langs=REPLY_LANGUAGES),
        "email": "text",
    },
    # checked where they are read (Profile.reply_days, working_days), when the profile loads
    "deadlines": {
        "reply_days": "checked",
        "agency_margin_working_days": "checked",
        "agency_notice_working_days": "checked",
    },
    # the calendar export's reminders ('commresp export --format ics'), and whether a reply
    # is approved before it is sent, and by whom: their values are checked where they are read
    # (Profile.alarm_days, clearance_required, approvers)
    "calendar": {"alarm_days": "checked"},
    "clearance": {"required": "checked", "approvers": "checked"},
    # the documents' proofing languages (locale_fr = "fr-BE"…) and the response's letterhead
    "documents": {**_per_language("text", "locale"), "response_letterhead": "flag"},
    "references": {"types": "lines", "other_addressees": "lines"},
    "actor": {"name": "text"},
    # where LibreOffice is, when it is not found on PATH or where the installers put it; or
    # the running unoserver ("127.0.0.1:2003") that makes the PDFs instead
    "pdf": {"soffice": "text", "server": "text"},
    # the team server's record (design.md §11), read by 'commresp doctor'; path: the embedded
    # record's file when it is not commresp.db beside the profile (read by Workspace.db_path)
    "database": {"url": "text", "path": "text"},
}

_ARTICLES = {
    "article_fr": ("", "le", "la", "l'", "les"),
    "article_en": ("", "the"),
    "article_es": ("", "el", "la", "los", "las"),
}


@dataclass(frozen=True)
class Profile:
    """The mission profile read from ``commresp.toml``; ``data`` is the parsed TOML."""

    data: Mapping[str, Any]
    path: Path

    def get(self, dotted: str, default: Any = ...) -> Any:
        """A value by dotted key (``"mission.name_fr"``); a missing required key is an error."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if default is not ...:
                    return default
                raise WorkspaceError(
                    f"{self.path.name}: missing '{dotted}'; add it (see 'commresp init --help' "
                    "for a complete profile)"
                )
            node = node[part]
        return node

    @property
    def clearance_required(self) -> bool:
        """Whether a reply must be approved before it is sent (``[clearance] required``)."""
        value = self.get("clearance.required", False)
        if not isinstance(value, bool):
            raise WorkspaceError(f"{self.path.name}: [clearance] required must be true or false")
        return value

    @property
    def approvers(self) -> tuple[str, ...]:
        """Who may approve a reply (``[clearance] approvers``); empty: anyone."""
        value = self.get("clearance.approvers", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise WorkspaceError(
                f'{self.path.name}: [clearance] approvers must be a list of names (["…"])'
            )
        return tuple(v.strip() for v in value if v.strip())

    @property
    def state_code(self) -> str:
        return str(self.get("state.code")).upper()

    @cached_property
    def state_row(self) -> dict:
        """The State's row of the table of States (checked to exist when the profile loads)."""
        row = packaged.state(self.state_code)
        if row is None:
            raise WorkspaceError(
                f"{self.path.name}: state.code = {_unknown_state(self.state_code)}"
            )
        return row

    @property
    def observer(self) -> bool:
        """Whether the State is a UN observer State (its mission: a Permanent Observer Mission)."""
        return self.state_row.get("un_status") == "observer"

    @property
    def holidays_code(self) -> str:
        """The ``holidays`` package's code for the State's calendar ("" for none)."""
        return str(self.get("state.holidays", self.state_row.get("holidays", "")))

    @property
    def holidays_subdivision(self) -> str:
        """The region whose public holidays count (``state.holidays_subdivision``), or ""."""
        return str(self.get("state.holidays_subdivision", ""))

    @property
    def letter_types(self) -> tuple[str, ...]:
        return tuple(self.get("references.types", ["AL", "UA", "OL"]))

    @property
    def other_addressees(self) -> tuple[str, ...]:
        return tuple(self.get("references.other_addressees", ["OTH"]))

    def reply_days(self, letter_type: str) -> int:
        """Days from the letter date to the reply date for a letter type (default 60)."""
        periods = self.get("deadlines.reply_days", {})
        value = periods.get(letter_type, periods.get("default", 60))
        if not isinstance(value, int) or not 1 <= value <= deadlines.MAX_PERIOD_DAYS:
            raise WorkspaceError(
                f"{self.path.name}: deadlines.reply_days.{letter_type} must be a whole number "
                "of days, e.g. 60"
            )
        return value

    def working_days(self, key: str, default: int) -> int:
        """A number of working days under ``[deadlines]`` (``agency_margin_working_days``…)."""
        value = self.get(f"deadlines.{key}", default)
        try:
            days = int(value)
        except (TypeError, ValueError):
            days = -1
        if not 0 <= days <= deadlines.MAX_PERIOD_DAYS:
            raise WorkspaceError(
                f"{self.path.name}: deadlines.{key} must be a whole number of working days "
                f"from 0 to {deadlines.MAX_PERIOD_DAYS}, e.g. {default}"
            )
        return days

    @property
    def agency_margin(self) -> int:
        """Working days between an enquiry's default due date and the reply date."""
        return self.working_days("agency_margin_working_days", deadlines.AGENCY_MARGIN_WORKING_DAYS)

    @property
    def agency_notice(self) -> int:
        """Working days an agency gets at least, whatever the reply date."""
        return self.working_days("agency_notice_working_days", deadlines.AGENCY_NOTICE_WORKING_DAYS)

    @property
    def alarm_days(self) -> int:
        """Days before a deadline the calendar reminds (``[calendar] alarm_days``; 0: none)."""
        value = self.get("calendar.alarm_days", ALARM_DAYS)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
            raise WorkspaceError(
                f"{self.path.name}: calendar.alarm_days must be a whole number of days from "
                f"0 to 60, e.g. {ALARM_DAYS}"
            )
        return value

    def document_language(self, kind: str) -> str:
        """The language a document of the reply goes out in: ``[languages]``, else the
        State's usual language from the table (Mexico: es; Belgium: fr note, en response)."""
        column = {document_kinds.NOTE_VERBALE: "note_verbale_lang"}.get(kind, "response_lang")
        default = self.state_row.get(column) or document_kinds.DEFAULT_LANGUAGE[kind]
        return str(self.get(f"languages.{kind}", default))

    def sent_languages(self) -> list[str]:
        """The languages the reply goes out in, note verbale first: Belgium ``["fr", "en"]``."""
        return list(dict.fromkeys(self.document_language(k) for k in document_kinds.REPLY))

    def locale(self, lang: str) -> str:
        """The proofing language of documents in ``lang`` (``[documents] locale_fr``…),
        by default the State's variety (:func:`commresp.rules.locales.default_locale`)."""
        return str(
            self.get(f"documents.locale_{lang}", locales.default_locale(lang, self.state_code))
        )

    def state_name(self, lang: str) -> Name:
        """The State's name, article and number in ``lang``: the table's, or the profile's
        ``[state]`` overrides (``name_fr``, ``article_fr``…), for :mod:`commresp.rules.wording`."""
        from commresp.rules import wording

        return wording.state_name(self.state_row, lang, self.get("state", {}))

    def mission_name(self, lang: str) -> MissionName:
        """The mission's full and short names and their article in ``lang``: the profile's
        (``mission.name_<lang>``, ``short_name_<lang>``, ``article_<lang>``), else built from
        the State's name ("Misión Permanente de México ante la Oficina …").

        Dutch has only a short name; without ``short_name_nl`` the English one is used.
        """
        from commresp.rules import wording

        if lang == "nl" and not self.get("mission.short_name_nl", ""):
            english = self.mission_name("en")
            return wording.MissionName(english.short, english.short, "de")
        built = wording.mission_names(self.state_name(lang), lang, observer=self.observer)
        short = self.get(f"mission.short_name_{lang}", "") or built.short
        full = self.get(f"mission.name_{lang}", "") or (short if lang == "nl" else built.full)
        return wording.MissionName(full, short, self.get(f"mission.article_{lang}", built.article))

    def city(self, lang: str) -> str:
        """Where the mission writes from, in ``lang``: "Genève", "Geneva", "Ginebra"."""
        return str(self.get(f"mission.city_{lang}", "") or DEFAULT_CITY.get(lang, "Geneva"))

    def letterhead(self, lang: str) -> list[str]:
        """The lines at the top of a document in ``lang``: ``mission.letterhead_<lang>``, else
        ``mission.letterhead`` (one for every language, as Belgium's), else the mission's short
        name in ``lang``, the city and ``mission.address``."""
        from commresp.rules import wording

        for key in (f"mission.letterhead_{lang}", "mission.letterhead"):
            lines = self.get(key, None)
            if lines is not None:
                return list(lines)
        address = self.get("mission.address", [])
        return wording.letterhead(self.mission_name(lang), self.city(lang), address)

    def addressee_name(self, lang: str) -> Name:
        """Who notes verbales are addressed to, with the article, in ``lang``."""
        from commresp.rules import wording

        default_name, default_article = DEFAULT_ADDRESSEE.get(lang, DEFAULT_ADDRESSEE["en"])
        if lang not in DEFAULT_ADDRESSEE:
            lang = "en"
        return wording.Name(
            self.get(f"addressee.name_{lang}", default_name),
            self.get(f"addressee.article_{lang}", default_article),
        )


def load_profile(path: Path) -> Profile:
    """Read and check ``commresp.toml``; a corrupt or wrong file is one clear error."""
    try:
        data = tomllib.loads(read_text(path))
    except FileNotFoundError:
        raise WorkspaceError(f"{path} is missing; run 'commresp init' to create it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{path.name} is not valid TOML ({exc}); fix or restore it") from None
    check_profile(data, path.name)
    profile = Profile(data, path)
    # the values their readers check, checked now too: before any command writes anything
    profile.alarm_days, profile.clearance_required, profile.approvers  # noqa: B018
    profile.agency_margin, profile.agency_notice  # noqa: B018
    for letter_type in profile.letter_types:
        profile.reply_days(letter_type)
    return profile


# --- checking ---------------------------------------------------------------------------------


def check_profile(data: Mapping[str, Any], name: str = PROFILE_NAME) -> None:
    """Refuse a profile with an unknown key or a value of the wrong kind: one line, with the fix.

    >>> check_profile({"state": {"code": "MEX"}, "languages": {"note_verbale": "de"}})
    Traceback (most recent call last):
    ...
    commresp.errors.WorkspaceError: commresp.toml: languages.note_verbale = "de" is not a \
language commresp writes documents in; use "fr", "en" or "es"
    """
    known = [f"{s}.{k}" for s, keys in SCHEMA.items() for k in keys]
    for section, table in data.items():
        if section not in SCHEMA:
            raise WorkspaceError(f"{name}: unknown section [{section}]{_nearest(section, SCHEMA)}")
        if not isinstance(table, Mapping):
            raise WorkspaceError(f"{name}: '{section}' must be a section, written [{section}]")
        for key, value in table.items():
            dotted = f"{section}.{key}"
            kind = SCHEMA[section].get(key)
            if kind is None:
                raise WorkspaceError(
                    f"{name}: unknown key {dotted}{_nearest(dotted, known)}; rename or remove it"
                )
            problem = _check_value(kind, key, value)
            if problem:
                raise WorkspaceError(f"{name}: {dotted} {problem}")
    code = data.get("state", {}).get("code")
    if code is None:
        raise WorkspaceError(
            f'{name}: missing state.code; add it under [state], e.g. code = "MEX" (ISO 3166-1 '
            "alpha-3 of the State the mission represents)"
        )


def _nearest(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_value(kind: str, key: str, value: Any) -> str:
    """What is wrong with ``value`` for a key of this kind, or ""."""
    example = {"prefix": '"MEX/GVA"', "email": '"mission@example.org"'}.get(key, '"…"')
    if kind in ("text", "prefix", "state", "language", "number", "article"):
        if not isinstance(value, str):
            return f"must be text in quotes, e.g. {key} = {example}"
    if kind == "prefix" and not value.strip():
        return 'must not be empty: the mission\'s prefix of its references, e.g. "MEX/GVA"'
    if kind == "state" and (packaged.state(value) is None or value.strip().upper() == "OTH"):
        return f"= {_unknown_state(value)}"
    if kind == "language" and value not in REPLY_LANGUAGES and (key, value) != ("report", ""):
        choices = ", ".join(f'"{lang}"' for lang in REPLY_LANGUAGES)
        choices = choices.rsplit(", ", 1)[0] + " or " + choices.rsplit(", ", 1)[1]
        return (
            f"= {json.dumps(value)} is not a language commresp writes documents in; use {choices}"
        )
    if kind == "number" and value not in ("s", "p"):
        plural = '"p" for a plural verb ("les Philippines attachent")'
        return f'= {json.dumps(value)}: use "s", or {plural}'
    choices = _ARTICLES.get(key) if kind == "article" else None
    if choices and value.strip().lower().replace("\u2019", "'") not in choices:
        shown = ", ".join(f'"{c}"' for c in choices)
        return f"= {json.dumps(value)} is not an article; use one of {shown}"
    if kind == "lines" and (
        not isinstance(value, list) or not all(isinstance(v, str) for v in value)
    ):
        return f'must be a list of lines in quotes, e.g. {key} = ["…", "…"]'
    if kind == "flag" and not isinstance(value, bool):
        return f"must be true or false, without quotes, e.g. {key} = true"
    if kind in ("count", "positive"):
        low = 1 if kind == "positive" else 0
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return f"must be a whole number of at least {low}, without quotes"
    if kind == "days":
        if not isinstance(value, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value.values()
        ):
            return "must give whole numbers of days per letter type, e.g. { AL = 60, UA = 60 }"
    return ""


def _unknown_state(code: str) -> str:
    """``'"MXC" is not a State in commresp's table of States; nearest: MEX (Mexico), …'``."""
    rows = packaged.states()
    wanted = str(code).strip()
    if wanted.upper() == "OTH":
        return '"OTH" is not a State: other addressees have no mission; give the State\'s code'
    by_name = {row["short_en"].lower(): iso for iso, row in rows.items() if iso != "OTH"}
    codes = [iso for iso in rows if iso != "OTH"]
    near = difflib.get_close_matches(wanted.upper(), codes, n=3, cutoff=0.5)
    near += [
        by_name[n]
        for n in difflib.get_close_matches(wanted.lower(), list(by_name), n=3, cutoff=0.6)
        if by_name[n] not in near
    ]
    hint = (
        "nearest: " + ", ".join(f"{iso} ({rows[iso]['short_en']})" for iso in near[:3])
        if near
        else "use an ISO 3166-1 alpha-3 code such as BEL, MEX or PHL"
    )
    return f"{json.dumps(wanted)} is not a State in commresp's table of States; {hint}"


# --- writing ----------------------------------------------------------------------------------


@dataclass
class ProfileValues:
    """The values a profile file is written from: the State, and what the mission chose.

    ``state`` and ``mission`` hold keys written as such (the mission's own names, for
    Belgium); every other name is generated from the table and shown commented out.
    """

    state_code: str
    state: dict[str, str] = field(default_factory=dict)
    mission: dict[str, str] = field(default_factory=dict)
    email: str = ""
    address: list[str] = field(default_factory=list)
    letterhead: list[str] | None = None  # one letterhead for every language, as Belgium's
    outgoing_prefix: str = ""  # "" gives "<ISO3>/GVA"
    outgoing_first_number: int = 1
    holidays_subdivision: str = ""

    @property
    def prefix(self) -> str:
        # Not "NV" for everyone: the State's code and the city make a reference no other
        # mission's registry uses ("MEX/GVA 2025/1"); the mission puts its own.
        return self.outgoing_prefix or f"{self.state_code}/GVA"


BELGIUM = ProfileValues(
    state_code="BEL",
    state={"name_nl": "België"},
    mission={
        "name_fr": (
            "Représentation permanente de la Belgique auprès des Nations-Unies et des autres "
            "organisations internationales à Genève"
        ),
        "short_name_fr": "Représentation permanente de la Belgique",
        "article_fr": "la",
        "name_en": (
            "Permanent Representation of Belgium to the United Nations and the other "
            "international organisations in Geneva"
        ),
        "short_name_en": "Permanent Representation of Belgium",
        "article_en": "the",
        "short_name_nl": "Permanente Vertegenwoordiging van België",
    },
    email="geneva@diplobel.fed.be",
    letterhead=[
        "Représentation permanente du Royaume de Belgique",
        "à Genève",
        "Rue de Moillebeau, 58",
        "1209 GENEVE",
        "T +41 22 730 40 00",
        "F +41 22 730 40 20",
        "E-mail: geneva@diplobel.fed.be",
        "www.diplomatie.be/geneva",
    ],
    outgoing_prefix="GP/CC",
)

PROFILES = {"belgium": BELGIUM}


def values_for_state(code: str) -> ProfileValues:
    """Profile values for a State of the table; an unknown code names the nearest ones."""
    row = packaged.state(code or "")
    if row is None or row["iso3"] == "OTH":
        raise BadInput(f"--state {_unknown_state(code)}")
    return ProfileValues(state_code=row["iso3"])


def _s(value: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def _list(values: list[str]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(f"    {_s(v)},\n" for v in values) + "]"


def _key(key: str, value: str, given: Mapping[str, str]) -> str:
    """``key = "value"``, commented out when it only shows what the table gives."""
    if key in given:
        return f"{key} = {_s(given[key])}"
    return f"# {key} = {_s(value)}"


def render_profile(v: ProfileValues) -> str:
    """The text of a commented ``commresp.toml``."""
    from commresp.rules import wording

    row = packaged.state(v.state_code)
    names = {lang: wording.state_name(row, lang, v.state) for lang in ("fr", "en", "es")}
    observer = row.get("un_status") == "observer"
    state_keys = []
    for lang in ("en", "fr", "es"):
        name = names[lang]
        state_keys += [_key(f"name_{lang}", name.text, v.state)]
        state_keys += [_key(f"article_{lang}", name.article, v.state)]
        if lang != "en":
            state_keys += [_key(f"number_{lang}", "p" if name.plural else "s", v.state)]
    if "name_nl" in v.state:
        state_keys.append(_key("name_nl", "", v.state))
    mission_keys = []
    for lang in ("fr", "en", "es"):
        built = wording.mission_names(names[lang], lang, observer=observer)
        mission_keys += [
            _key(f"name_{lang}", built.full, v.mission),
            _key(f"short_name_{lang}", built.short, v.mission),
            _key(f"article_{lang}", built.article, v.mission),
        ]
    # Dutch: the short name in forms and e-mails to Dutch-speaking agencies (else English).
    mission_keys.append(_key("short_name_nl", "", v.mission))
    if v.letterhead is not None:
        letterhead = f"letterhead = {_list(v.letterhead)}"
    else:
        shown = []
        for lang in ("fr", "en", "es"):
            names_l = wording.MissionName(
                v.mission.get(f"name_{lang}", ""),
                v.mission.get(f"short_name_{lang}")
                or wording.mission_names(names[lang], lang, observer=observer).short,
            )
            lines = wording.letterhead(names_l, DEFAULT_CITY[lang], v.address)
            shown.append(f"# letterhead_{lang} = {json.dumps(lines, ensure_ascii=False)}")
        letterhead = (
            "# Lines under the mission's name at the top of letters and forms (street, phone,\n"
            "# e-mail); the letterhead of each document is in its language:\n"
            + "\n".join(shown)
            + f"\naddress = {_list(v.address)}"
        )
    state_lines = "\n".join(state_keys)
    shown_names = " / ".join(wording.phrase(names[lang], lang) for lang in ("en", "fr", "es"))
    mission_lines = "\n".join(mission_keys)
    note_lang = row["note_verbale_lang"] or document_kinds.DEFAULT_LANGUAGE["note_verbale"]
    response_lang = row["response_lang"] or document_kinds.DEFAULT_LANGUAGE["response"]
    return f"""\
# commresp mission profile. Every document commresp writes takes its wording from here.
# Edit freely; every command checks this file first and says what it cannot read.

[state]
# The State the mission represents (ISO 3166-1 alpha-3). Its names come from commresp's table
# of States (UNTERM): {shown_names}.
# Uncomment a line to change what the table gives; every phrase follows (article_fr: le, la,
# l', les or ""; article_es: el, la, los, las or ""; number: "s", or "p" for a plural verb).
code = {_s(v.state_code)}
{state_lines}
# Public holidays (the holidays package's calendar: working days of enquiries), and a region
# whose holidays count too ("" for national holidays only).
holidays = {_s(row["holidays"])}
holidays_subdivision = {_s(v.holidays_subdivision)}

[mission]
# The mission's names; the note verbale uses the full name in its first and last sentences,
# the short one between. Commented lines show the names built from the State's: uncomment
# one to change it.
{mission_lines}
# The mission's address: sender of e-mail drafts to agencies and to the registry.
email = {_s(v.email)}
city_fr = {_s(DEFAULT_CITY["fr"])}
city_en = {_s(DEFAULT_CITY["en"])}
city_es = {_s(DEFAULT_CITY["es"])}
{letterhead}

[outgoing]
# The mission's own reference on each note verbale: "<prefix> <year>/<number>".
# Numbers are allocated once per communication from a counter per year kept in the
# database; first_number is where the counter of a year starts.
prefix = {_s(v.prefix)}
first_number = {v.outgoing_first_number}

[languages]
# Language each document goes out in ("fr", "en" or "es"); every language is drafted.
note_verbale = {_s(note_lang)}
response = {_s(response_lang)}

[addressee]
# Who notes verbales are addressed to, with the article, and where replies are sent.
name_fr = {_s(DEFAULT_ADDRESSEE["fr"][0])}
article_fr = {_s(DEFAULT_ADDRESSEE["fr"][1])}
name_en = {_s(DEFAULT_ADDRESSEE["en"][0])}
article_en = {_s(DEFAULT_ADDRESSEE["en"][1])}
name_es = {_s(DEFAULT_ADDRESSEE["es"][0])}
article_es = {_s(DEFAULT_ADDRESSEE["es"][1])}
email = "ohchr-registry@un.org"

[deadlines]
# Days from the letter date to the reply date, by letter type. The communication and any
# reply are made public 60 days after the letter (OHCHR communications procedure); urgent
# appeals may call for a shorter period.
reply_days = {{ AL = 60, UA = 60, OL = 60 }}
# Default due date of enquiries to agencies: this many working days before the reply date,
# leaving the drafter time to assemble the answers...
agency_margin_working_days = {deadlines.AGENCY_MARGIN_WORKING_DAYS}
# ...but never fewer than this many working days from the day they are asked.
agency_notice_working_days = {deadlines.AGENCY_NOTICE_WORKING_DAYS}

[calendar]
# 'commresp export --format ics': the reminder comes this many days before each reply date
# and agency due date (0 for no reminder).
alarm_days = {ALARM_DAYS}

[references]
# Letter types and non-State addressee codes accepted in references (besides ISO alpha-3).
types = ["AL", "UA", "OL"]
other_addressees = ["OTH"]

[actor]
# Name written in the audit log when neither --actor nor COMMRESP_ACTOR is given
# ("" uses your login name).
name = ""

[pdf]
# LibreOffice makes the PDFs. commresp looks on PATH, then where the installers put it
# (Windows: Program Files; macOS: /Applications); 'commresp doctor' says what it found.
# Elsewhere, give the full path, e.g.:
# soffice = 'C:\\Program Files\\LibreOffice\\program\\soffice.exe'
# Or a running unoserver, which saves LibreOffice's start-up on every render; start one with
# 'unoserver --interface 127.0.0.1 --port 2003' (see the README):
# server = "127.0.0.1:2003"
"""


def checklist(profile: Profile) -> list[str]:
    """What a new mission should still check in its profile, one short line each."""
    from commresp.rules import wording

    row = profile.state_row
    state = wording.phrase(profile.state_name("en"), "en")
    names = profile.mission_name(profile.document_language(document_kinds.NOTE_VERBALE))
    lines = [
        f"the mission's names (\"{names.short} …\"), built from the UN's names of "
        f"{state}: uncomment a line in [mission] to use your own",
        f'outgoing.prefix "{profile.get("outgoing.prefix")}": your registry\'s own prefix',
    ]
    if not profile.get("mission.email", "") or not profile.get("mission.letterhead", None):
        lines.append("mission.email and mission.address: the sender of e-mails, the letterhead")
    lines.append(
        f"languages: note verbale {profile.document_language('note_verbale')}, response "
        f"{profile.document_language('response')} (the usual choice for {state})"
    )
    if row.get("verified") == "partial":
        lines.append(
            f"the table's names of {state} are partly unconfirmed: "
            f"{row['notes'].split(';')[0]} (commresp/data/states.SOURCES.md)"
        )
    holidays = profile.holidays_code or "none"
    lines.append(
        f"holidays: {holidays}, national only; set state.holidays_subdivision for a region"
    )
    return lines


_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]\s]+)\s*\]\s*(#.*)?$")
_URL_KEY = re.compile(r"^\s*url\s*=")
_DOTTED_URL_KEY = re.compile(r"^\s*database\s*\.\s*url\s*=")


def with_database_url(text: str, url: str | None) -> str:
    """The profile ``text`` with its ``[database] url`` set to ``url``, or dropped (None):
    how a restored workspace is pointed at a server, or made embedded again.  Everything
    else (comments included) is kept as written."""
    lines, table, header = [], "", None
    for line in text.splitlines(keepends=True):
        match = _TABLE_HEADER.match(line)
        if match:
            table = match.group(1)
            if table == "database":
                header = len(lines)
        elif (table == "database" and _URL_KEY.match(line)) or (
            table == "" and _DOTTED_URL_KEY.match(line)
        ):
            continue
        lines.append(line)
    if url is not None:
        entry = f"url = {json.dumps(url)}\n"
        if header is not None:
            lines.insert(header + 1, entry)
        else:
            if lines and not lines[-1].endswith("\n"):
                lines.append("\n")
            lines.append(f"\n[database]\n{entry}")
    result = "".join(lines)
    try:
        written = tomllib.loads(result).get("database", {}).get("url")
    except tomllib.TOMLDecodeError:
        written = ...
    if written != url:
        raise WorkspaceError(
            f"cannot set [database] url in {PROFILE_NAME}: edit it by hand (nothing was changed)"
        )
    return result
