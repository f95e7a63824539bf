"""The mission profile, ``commresp.toml``: read (:class:`Profile`) and written (``init``) here.

Reading: :func:`load_profile` parses and checks the file; :class:`Profile` answers by dotted
key and turns the profile's names into the plain values the wording rules take
(:mod:`commresp.rules.wording`).  Writing: ``--profile belgium`` is the Permanent
Representation of Belgium in Geneva, worded as in its published reply to AL BEL 1/2025;
``--state ISO3`` starts any other mission with the State's names from CLDR (through babel) for
the drafter to check.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commresp.errors import BadInput, WorkspaceError
from commresp.rules import deadlines, document_kinds, locales
from commresp.workspace.files import read_text

if TYPE_CHECKING:  # the wording rules load the grammar: only commands that write text need it
    from commresp.rules.wording import MissionName, Name

PROFILE_NAME = "commresp.toml"

# Days before a reply or due date that the exported calendar reminds (``[calendar]``).
ALARM_DAYS = 3


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
        """The language a document of the reply goes out in (``[languages]``)."""
        return str(self.get(f"languages.{kind}", document_kinds.DEFAULT_LANGUAGE[kind]))

    def locale(self, lang: str) -> str:
        """The proofing language of documents in ``lang`` (``[documents] locale_fr``…),
        by default the State's variety (:func:`commresp.rules.locales.default_locale`)."""
        return str(
            self.get(f"documents.locale_{lang}", locales.default_locale(lang, self.state_code))
        )

    def state_name(self, lang: str) -> Name:
        """The State's name and article in ``lang``, for :mod:`commresp.rules.wording`."""
        from commresp.rules import wording

        if lang == "fr":
            return wording.Name(self.get("state.name_fr"), self.get("state.article_fr"))
        if lang == "nl":
            return wording.Name(self.get("state.name_nl", self.get("state.name_en")))
        return wording.Name(self.get("state.name_en"), self.get("state.article_en", ""))

    def mission_name(self, lang: str) -> MissionName:
        """The mission's full and short names and their article in ``lang``.

        Dutch has only a short name (``short_name_nl``, else the English one), with "de".
        """
        from commresp.rules import wording

        if lang == "fr":
            return wording.MissionName(
                self.get("mission.name_fr"),
                self.get("mission.short_name_fr"),
                self.get("mission.article_fr"),
            )
        if lang == "nl":
            short = self.get("mission.short_name_nl", "") or self.get("mission.short_name_en")
            return wording.MissionName(short, short, "de")
        return wording.MissionName(
            self.get("mission.name_en"),
            self.get("mission.short_name_en"),
            self.get("mission.article_en", "the"),
        )

    def addressee_name(self, lang: str) -> Name:
        """Who notes verbales are addressed to, with the article, in ``lang``."""
        from commresp.rules import wording

        if lang == "fr":
            return wording.Name(self.get("addressee.name_fr"), self.get("addressee.article_fr"))
        return wording.Name(self.get("addressee.name_en"), self.get("addressee.article_en", "the"))


def load_profile(path: Path) -> Profile:
    """Read and check ``commresp.toml``; a corrupt file is one clear error, not a traceback."""
    try:
        data = tomllib.loads(read_text(path))
    except FileNotFoundError:
        raise WorkspaceError(f"{path} is missing; run 'commresp init' to create it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{path.name} is not valid TOML ({exc}); fix or restore it") from None
    profile = Profile(data, path)
    for key in ("state.code", "mission.name_fr", "mission.name_en"):
        value = profile.get(key)
        if not isinstance(value, str) or not value.strip():
            raise WorkspaceError(f"{path.name}: '{key}' must be a non-empty text")
    return profile


@dataclass
class ProfileValues:
    """The values a profile file is written from."""

    state_code: str
    state_name_fr: str
    state_article_fr: str
    state_name_en: str
    state_article_en: str
    state_name_nl: str
    mission_name_fr: str
    mission_short_fr: str
    mission_article_fr: str
    mission_name_en: str
    mission_short_en: str
    mission_article_en: str
    mission_short_nl: str = ""
    mission_email: str = ""
    city_fr: str = "Genève"
    city_en: str = "Geneva"
    letterhead: list[str] = field(default_factory=list)
    outgoing_prefix: str = "NV"
    outgoing_first_number: int = 1
    note_verbale_language: str = "fr"
    response_language: str = "en"
    holidays_subdivision: str = ""


BELGIUM = ProfileValues(
    state_code="BEL",
    state_name_fr="Belgique",
    state_article_fr="la",
    state_name_en="Belgium",
    state_article_en="",
    state_name_nl="België",
    mission_name_fr=(
        "Représentation permanente de la Belgique auprès des Nations-Unies et des autres "
        "organisations internationales à Genève"
    ),
    mission_short_fr="Représentation permanente de la Belgique",
    mission_article_fr="la",
    mission_name_en=(
        "Permanent Representation of Belgium to the United Nations and the other international "
        "organisations in Geneva"
    ),
    mission_short_en="Permanent Representation of Belgium",
    mission_article_en="the",
    mission_short_nl="Permanente Vertegenwoordiging van België",
    mission_email="geneva@diplobel.fed.be",
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
    outgoing_first_number=1,
)

PROFILES = {"belgium": BELGIUM}


def _feminine_country_fr(name: str) -> str:
    """A first guess at the French article of a country name; the profile says to check it."""
    if name[:1].lower() in "aeiouyéèêâîôh":
        return "l'"
    if name.endswith("s"):
        return "les"
    # Country names ending in -e are feminine except a handful (le Mexique, le Cambodge…).
    masculine_in_e = {"Mexique", "Cambodge", "Mozambique", "Zimbabwe", "Belize", "Suriname"}
    return "la" if name.endswith("e") and name not in masculine_in_e else "le"


def values_for_state(code: str) -> ProfileValues:
    """Profile values for any State, names from CLDR; articles are a guess to be checked."""
    import pycountry
    from babel import Locale

    from commresp.rules import wording

    country = pycountry.countries.get(alpha_3=code.upper())
    if country is None:
        raise BadInput(f"{code!r} is not an ISO 3166-1 alpha-3 country code (e.g. BEL, CAN, NLD)")
    alpha2 = country.alpha_2
    name_fr = Locale("fr").territories.get(alpha2, country.name)
    name_en = Locale("en").territories.get(alpha2, country.name)
    name_nl = Locale("nl").territories.get(alpha2, country.name)
    article_fr = _feminine_country_fr(name_fr)
    article_en = "the" if name_en.startswith(("United", "Netherlands")) else ""
    of_state_fr = wording.of_state(wording.Name(name_fr, article_fr), "fr")
    # The English names keep 0.1's wording ("of United States"): the table of States
    # (issue 11) gives every name its article.
    of_state_en = wording.of_state(wording.Name(name_en), "en")
    return ProfileValues(
        state_code=country.alpha_3,
        state_name_fr=name_fr,
        state_article_fr=article_fr,
        state_name_en=name_en,
        state_article_en=article_en,
        state_name_nl=name_nl,
        mission_name_fr=f"Mission permanente {of_state_fr} auprès de l'Office des Nations Unies "
        "à Genève",
        mission_short_fr=f"Mission permanente {of_state_fr}",
        mission_article_fr="la",
        mission_name_en=f"Permanent Mission {of_state_en} to the United Nations Office at Geneva",
        mission_short_en=f"Permanent Mission {of_state_en}",
        mission_article_en="the",
        letterhead=[f"Mission permanente {of_state_fr}", "Genève"],
    )


def _s(value: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def _list(values: list[str]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(f"    {_s(v)},\n" for v in values) + "]"


def render_profile(v: ProfileValues) -> str:
    """The text of a commented ``commresp.toml``."""
    return f"""\
# commresp mission profile. Every document commresp writes takes its wording from here.
# Edit freely; 'commresp status' tells you at once if something here cannot be read.

[state]
# The State the mission represents: ISO 3166-1 alpha-3 code and its names with the French
# definite article ("la" Belgique, "le" Canada, "les" Pays-Bas, "l'" Espagne; check it).
code = {_s(v.state_code)}
name_fr = {_s(v.state_name_fr)}
article_fr = {_s(v.state_article_fr)}
name_en = {_s(v.state_name_en)}
article_en = {_s(v.state_article_en)}   # "" for Belgium, "the" for the Netherlands
name_nl = {_s(v.state_name_nl)}
# Region for public holidays (the holidays package), "" for national holidays only.
holidays_subdivision = {_s(v.holidays_subdivision)}

[mission]
# The note verbale uses the full name in its first and last sentences, the short one between.
name_fr = {_s(v.mission_name_fr)}
short_name_fr = {_s(v.mission_short_fr)}
article_fr = {_s(v.mission_article_fr)}
name_en = {_s(v.mission_name_en)}
short_name_en = {_s(v.mission_short_en)}
article_en = {_s(v.mission_article_en)}
# Short name in Dutch, for e-mails and forms to Dutch-speaking agencies ("" uses English).
short_name_nl = {_s(v.mission_short_nl)}
# The mission's address: sender of e-mail drafts to agencies and to the registry.
email = {_s(v.mission_email)}
city_fr = {_s(v.city_fr)}
city_en = {_s(v.city_en)}
# Lines printed at the top of every page of letters and forms.
letterhead = {_list(v.letterhead)}

[outgoing]
# The mission's own reference on each note verbale: "<prefix> <year>/<number>".
# Numbers are allocated once per communication from a counter per year kept in the
# database; first_number is where the counter of a year starts.
prefix = {_s(v.outgoing_prefix)}
first_number = {v.outgoing_first_number}

[languages]
# Language each document goes out in ("fr" or "en"); both versions are always drafted.
note_verbale = {_s(v.note_verbale_language)}
response = {_s(v.response_language)}

[addressee]
# Who notes verbales are addressed to, with the French article, and where replies are sent.
name_fr = "Secrétariat du Service des procédures spéciales"
article_fr = "le"
name_en = "Secretariat of the Special Procedures Branch"
article_en = "the"
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
"""
