"""Which offline language identifier tells a section's language: py3langid or lingua.

Usage::

    python benchmarks/bench_language_id.py

For each candidate, in the same run: the cost of importing it and making it ready (a whole
process, ``python -c``, paired with ``python -c pass`` and with the function-word counter of
``commresp.rules.text_language`` that commresp had before), then its accuracy, restricted to
English, French, Spanish and Dutch, on

* the worked example's texts: every paragraph of the five answers (English), the French and
  Spanish response templates' fixed sentences, and the questions of ``case.toml`` in each
  language;
* short paragraphs (one or two sentences, 8 to 25 words) in English, French and Spanish of the
  kind agencies write.

A paragraph is counted right when the identifier's first language is the one it is written in.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "correspondence" / "AL-BEL-1-2025"
RUNS = 7

SHORT = {
    "en": [
        "No record of the persons named was found in the national databases.",
        "The investigation is ongoing and the public prosecutor has been informed.",
        "The victims were granted a residence permit as victims of trafficking.",
        "Our services have no further information on this matter at this stage.",
        "Training on the identification of victims was given to 300 labour inspectors in 2024.",
        "The Federal Police opened a file on the recruitment agent in March.",
    ],
    "fr": [
        "Aucune trace des personnes citées n'a été trouvée dans les bases de données nationales.",
        "L'enquête est en cours et le procureur du Roi en a été informé.",
        "Les victimes ont obtenu un titre de séjour en tant que victimes de la traite.",
        "Nos services ne disposent pas d'autres informations à ce stade.",
        "En 2024, 300 inspecteurs du travail ont été formés à l'identification des victimes.",
        "La Police fédérale a ouvert un dossier sur l'agent de recrutement en mars.",
    ],
    "es": [
        "No se encontró ningún registro de las personas mencionadas en las bases de datos.",
        "La investigación sigue en curso y se ha informado a la fiscalía.",
        "Las víctimas obtuvieron un permiso de residencia como víctimas de trata.",
        "Nuestros servicios no disponen de más información sobre este asunto por ahora.",
        "En 2024 se formó a 300 inspectores de trabajo en la identificación de víctimas.",
        "La Policía Federal abrió un expediente sobre el agente de contratación en marzo.",
    ],
}

# Subjects of four words or fewer: why commresp does not let so few words overrule the
# language a text was declared in (rules.text_language.MIN_WORDS).
VERY_SHORT = {
    "en": ["Deportation of a journalist", "Torture in detention", "Arbitrary detention"],
    "fr": ["Expulsion d'un journaliste", "Torture en détention", "Détention arbitraire"],
    "es": ["Expulsión de un periodista", "Tortura en detención", "Detención arbitraria"],
}

LANGS = ("en", "fr", "es", "nl")

SETUP = {
    "py3langid": (
        "import py3langid.langid as l; m = l.LanguageIdentifier.from_model_file("
        "l.MODEL_FILE, norm_probs=True); m.set_languages(['en','fr','es','nl']); "
        "m.classify('Belgium attaches great importance')"
    ),
    "lingua": (
        "from lingua import Language as L, LanguageDetectorBuilder as B; "
        "d = B.from_languages(L.ENGLISH, L.FRENCH, L.SPANISH, L.DUTCH).build(); "
        "d.detect_language_of('Belgium attaches great importance')"
    ),
    "lingua (low accuracy)": (
        "from lingua import Language as L, LanguageDetectorBuilder as B; "
        "d = B.from_languages(L.ENGLISH, L.FRENCH, L.SPANISH, L.DUTCH)"
        ".with_low_accuracy_mode().build(); "
        "d.detect_language_of('Belgium attaches great importance')"
    ),
    "function words (before)": (
        "from commresp.rules.text_language import guess; guess('Belgium attaches great', 'fr')"
    ),
    "python -c pass": "pass",
}


def timed(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def samples() -> list[tuple[str, str, str]]:
    """(set, language, text) for every paragraph measured."""
    found = []
    for path in sorted((EXAMPLE / "answers").glob("*.md")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            block = block.strip().strip("*")
            if block and not block.startswith("[^"):
                found.append(("demo", "en", block))
    for lang in ("fr", "es"):
        template = (ROOT / "templates" / f"response.{lang}.md.j2").read_text(encoding="utf-8")
        for line in template.splitlines():
            if "{{ state.subject }}" in line:
                text = line.replace("{{ state.subject }}", "La Belgique" if lang == "fr" else "")
                text = text.replace("{{ ref }}", "AL BEL 1/2025")
                found.append(("demo", lang, _without_tags(text)))
    case = tomllib.loads((EXAMPLE / "case.toml").read_text(encoding="utf-8"))
    for question in case["enquiry"].get("question", []):
        for lang in ("en", "fr"):
            if lang in question:
                found.append(("demo", lang, question[lang]))
    for lang, texts in SHORT.items():
        found += [("short", lang, t) for t in texts]
    for lang, texts in VERY_SHORT.items():
        found += [("4 words or fewer", lang, t) for t in texts]
    return found


def _without_tags(text: str) -> str:
    import re

    return re.sub(r"\{\{[^}]*\}\}|\{%[^%]*%\}", "", text).strip()


def accuracy() -> dict[str, dict[str, tuple[int, int]]]:
    import py3langid.langid as pl
    from lingua import Language, LanguageDetectorBuilder

    from commresp.rules.text_language import guess

    model = pl.LanguageIdentifier.from_model_file(pl.MODEL_FILE, norm_probs=True)
    model.set_languages(list(LANGS))
    chosen = (Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.DUTCH)
    lingua_high = LanguageDetectorBuilder.from_languages(*chosen).build()
    lingua_low = LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()

    def by_lingua(detector):
        def detect(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else "?"

        return detect

    how = {
        "py3langid": lambda t: model.classify(t)[0],
        "lingua": by_lingua(lingua_high),
        "lingua (low accuracy)": by_lingua(lingua_low),
        "function words (before)": lambda t: guess(t, "?", LANGS),
    }
    result: dict[str, dict[str, tuple[int, int]]] = {}
    wrong: dict[str, list[str]] = {}
    for name, detect in how.items():
        for group, lang, text in samples():
            right, total = result.setdefault(name, {}).get(group, (0, 0))
            ok = detect(text) == lang
            result[name][group] = (right + ok, total + 1)
            if not ok:
                wrong.setdefault(name, []).append(f"{lang}: {text[:60]}")
    for name, misses in wrong.items():
        print(f"  {name} missed: " + " | ".join(misses))
    return result


def main() -> None:
    times = {name: [] for name in SETUP}
    for _ in range(RUNS):  # interleaved, so that a busy machine weighs on all alike
        for name, code in SETUP.items():
            times[name].append(timed(code))
    base = statistics.median(times["python -c pass"])
    print(f"whole process, median of {RUNS} (import, load the model, one call):")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"  {name:26} {median * 1000:7.0f} ms  (+{(median - base) * 1000:.0f} ms over pass)")
    print("accuracy (first language right / paragraphs):")
    for name, groups in accuracy().items():
        cells = ", ".join(f"{g} {r}/{t}" for g, (r, t) in groups.items())
        print(f"  {name:26} {cells}")


if __name__ == "__main__":
    main()
