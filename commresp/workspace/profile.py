"""Mission profiles written by ``commresp init``: a commented ``commresp.toml``.

``--profile belgium`` is the Permanent Representation of Belgium in Geneva, worded as in its
published reply to AL BEL 1/2025; ``--state ISO3`` starts any other mission with the State's
names from CLDR (through babel) for the drafter to check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from commresp.errors import BadInput


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

    country = pycountry.countries.get(alpha_3=code.upper())
    if country is None:
        raise BadInput(f"{code!r} is not an ISO 3166-1 alpha-3 country code (e.g. BEL, CAN, NLD)")
    alpha2 = country.alpha_2
    name_fr = Locale("fr").territories.get(alpha2, country.name)
    name_en = Locale("en").territories.get(alpha2, country.name)
    name_nl = Locale("nl").territories.get(alpha2, country.name)
    article_fr = _feminine_country_fr(name_fr)
    of_state_fr = {"l'": f"de l'{name_fr}", "les": f"des {name_fr}", "le": f"du {name_fr}"}.get(
        article_fr, f"de la {name_fr}"
    )
    return ProfileValues(
        state_code=country.alpha_3,
        state_name_fr=name_fr,
        state_article_fr=article_fr,
        state_name_en=name_en,
        state_article_en="the" if name_en.startswith(("United", "Netherlands")) else "",
        state_name_nl=name_nl,
        mission_name_fr=f"Mission permanente {of_state_fr} auprès de l'Office des Nations Unies "
        "à Genève",
        mission_short_fr=f"Mission permanente {of_state_fr}",
        mission_article_fr="la",
        mission_name_en=f"Permanent Mission of {name_en} to the United Nations Office at Geneva",
        mission_short_en=f"Permanent Mission of {name_en}",
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
# leaving the drafter time to assemble the answers.
agency_margin_working_days = 10

[references]
# Letter types and non-State addressee codes accepted in references (besides ISO alpha-3).
types = ["AL", "UA", "OL"]
other_addressees = ["OTH"]

[actor]
# Name written in the audit log when neither --actor nor COMMRESP_ACTOR is given
# ("" uses your login name).
name = ""
"""
