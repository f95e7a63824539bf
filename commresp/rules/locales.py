"""The proofing language (BCP 47 tag, as Word's ``w:lang`` takes it) of a document.

A French note verbale of Belgium is checked as ``fr-BE``, of Switzerland as ``fr-CH``; a
profile may name its own (``[documents] locale_fr = "fr-BE"``).  Without a regional variant of
the State, the language's reference variety: ``en-GB``, since the United Nations spells
English the British (Oxford) way (UN Editorial Manual, "Spelling": Concise Oxford English
Dictionary), ``fr-FR``, ``es-ES``, ``nl-NL``.
"""

from __future__ import annotations

#: The reference variety of each language, when the State has no variant of its own.
DEFAULT = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES", "nl": "nl-NL"}

#: States (ISO 3166-1 alpha-3) whose own variety Word proofs, by language (the regional
#: tags of Word's proofing tools: fr-BE, fr-CH, fr-CA, fr-LU, nl-BE, en-US…).
REGIONAL = {
    ("fr", "BEL"): "fr-BE",
    ("fr", "CHE"): "fr-CH",
    ("fr", "CAN"): "fr-CA",
    ("fr", "LUX"): "fr-LU",
    ("fr", "MCO"): "fr-MC",
    ("nl", "BEL"): "nl-BE",
    ("en", "USA"): "en-US",
    ("en", "CAN"): "en-CA",
    ("en", "AUS"): "en-AU",
    ("en", "NZL"): "en-NZ",
    ("en", "IRL"): "en-IE",
    ("en", "IND"): "en-IN",
    ("en", "ZAF"): "en-ZA",
    ("es", "MEX"): "es-MX",
    ("es", "ARG"): "es-AR",
    ("es", "COL"): "es-CO",
    ("es", "CHL"): "es-CL",
    ("es", "PER"): "es-PE",
    ("es", "USA"): "es-US",
}


def default_locale(lang: str, state_code: str) -> str:
    """The proofing language of a document in ``lang`` from the State ``state_code`` (ISO3)."""
    return REGIONAL.get((lang, state_code.upper()), DEFAULT.get(lang, lang))
