"""Build the two sample incoming letters of the README's tour, as OHCHR-style PDFs.

Usage::

    python correspondence/letters/build_letters.py [FOLDER]

``FOLDER`` defaults to this script's folder.  The PDFs are committed (reportlab is only a test
dependency) and shipped in the package; ``commresp demo letters`` copies them out, and
``commresp demo`` registers the first one with the worked example.

* ``AL-BEL-1-2025.pdf`` — the letter of 22 July 2025 behind the worked example, in French. It
  is a *reconstruction*, not the text OHCHR sent: the mandates and their titles are those the
  published reply quotes (``case.toml``), the facts are those the reply answers (three Sri
  Lankan nationals allegedly trafficked and recruited into the Russian armed forces, family in
  Belgium, a recruitment agent living in Belgium, an annex on international law), and the
  formulas are the usual ones of Special Procedures letters.  Victims are not named.
* ``AL-BEL-2-2026.pdf`` — a fictitious letter in English, so that the tour has a second
  communication on trafficking to reuse the first reply for.  Dated November 2026, it comes
  from the mandate that replaced the two Special Rapporteurs on slavery and on trafficking
  (Human Rights Council resolution 60/25 of October 2025, as the mandates catalog records it).

Layout, as in the letters published on OHCHR's communications site: the letterhead on the
first page, the mandates that sign, the reference and the date, "Excellency," and the body,
the questions, the publication notice, the closing formula and the signatures; page numbers
on the later pages; each page says at its foot that it is a specimen.  ``invariant=1`` makes the build reproducible (no creation date, fixed file id).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

HERE = Path(__file__).resolve().parent

# The titles as the letter (and Belgium's note verbale) words them: case.toml.
FR = {
    "mercenaries": "Groupe de travail sur la question de l'utilisation des mercenaires comme moyen "
    "de violer les droits de l'homme et d'empêcher l'exercice du droit des peuples à disposer "
    "d'eux-mêmes",
    "minorities": "Rapporteur spécial sur les questions relatives aux minorités",
    "slavery": "Rapporteur spécial sur les formes contemporaines d'esclavage, y compris leurs "
    "causes et leurs conséquences",
    "trafficking": "Rapporteuse spéciale sur la traite des êtres humains, en particulier des "
    "femmes et des enfants",
}

# The mandate that took over both in 2026 (HRC res. 60/25; commresp/data/mandates.csv, where
# its row says what is confirmed): one holder, so the letter says "I".
EN = "Special Rapporteur on contemporary forms of slavery and trafficking in persons"

AL_BEL_1_2025 = {
    "file": "AL-BEL-1-2025.pdf",
    "letterhead": [
        "HAUT-COMMISSARIAT DES NATIONS UNIES AUX DROITS DE L'HOMME",
        "PROCÉDURES SPÉCIALES DU CONSEIL DES DROITS DE L'HOMME",
        "PALAIS DES NATIONS • 1211 GENÈVE 10, SUISSE",
    ],
    "specimen": "Spécimen produit par commresp pour sa visite guidée : une reconstitution à "
    "partir de la réponse publiée de la Belgique, non le texte de la lettre envoyée.",
    "mandates": f"Mandats du {FR['mercenaries']}; du {FR['minorities']}; du {FR['slavery']} et "
    f"de la {FR['trafficking']}",
    "reference": "RÉFÉRENCE : AL BEL 1/2025",
    "date": "22 juillet 2025",
    "salutation": "Excellence,",
    "body": [
        "Nous avons l'honneur de vous adresser cette communication en notre qualité de "
        f"{FR['mercenaries']}, de {FR['minorities']}, de {FR['slavery']} et de "
        f"{FR['trafficking']}, conformément aux résolutions du Conseil des droits de l'homme "
        "qui établissent nos mandats.",
        "À cet égard, nous souhaiterions attirer l'attention du Gouvernement de votre "
        "Excellence sur des informations que nous avons reçues concernant trois ressortissants "
        "sri-lankais qui auraient été victimes de la traite des êtres humains et recrutés de "
        "force dans les forces armées russes.",
        "Selon les informations reçues, les trois hommes auraient été approchés par des agents "
        "de recrutement leur promettant un emploi bien rémunéré en Europe. Arrivés à Moscou, "
        "leurs passeports leur auraient été retirés et ils auraient été contraints de signer un "
        "contrat d'engagement dans les forces armées russes, rédigé dans une langue qu'ils ne "
        "comprennent pas, puis envoyés au front après quelques jours d'entraînement.",
        "Certaines des victimes auraient de la famille en Belgique, et l'un des agents de "
        "recrutement résiderait légalement en Belgique.",
        "Sans préjuger de l'exactitude de ces allégations, nous exprimons notre vive "
        "préoccupation quant à la traite des êtres humains aux fins de recrutement dans des "
        "forces armées étrangères, et quant au sort des personnes concernées.",
        "Nous vous renvoyons à l'annexe ci-jointe, qui énonce les instruments et normes "
        "internationaux relatifs aux droits de l'homme applicables aux allégations "
        "susmentionnées.",
        "Comme il est de notre responsabilité, en vertu des mandats qui nous ont été confiés "
        "par le Conseil des droits de l'homme, de chercher à clarifier toutes les allégations "
        "portées à notre attention, nous serions reconnaissants au Gouvernement de votre "
        "Excellence de ses observations sur les points suivants :",
        "1. Veuillez fournir toute information ou tout commentaire complémentaire en relation "
        "avec les allégations susmentionnées.",
        "2. Veuillez indiquer si les personnes concernées, ou l'agent de recrutement présumé, "
        "sont connus des autorités belges, et décrire les enquêtes menées.",
        "3. Veuillez indiquer les mesures prises pour prévenir la traite des êtres humains aux "
        "fins de recrutement dans des forces armées, et pour identifier et protéger les "
        "victimes.",
        "Cette communication, ainsi que toute réponse reçue du Gouvernement de votre "
        "Excellence, seront rendues publiques sur le site internet rapportant les "
        "communications dans un délai de 60 jours. Elles seront également disponibles par la "
        "suite dans le rapport habituel présenté au Conseil des droits de l'homme.",
    ],
    "closing": "Veuillez agréer, Excellence, l'assurance de notre haute considération.",
    "signatures": [
        f"Président-Rapporteur du {FR['mercenaries']}",
        FR["minorities"],
        FR["slavery"],
        FR["trafficking"],
    ],
}

AL_BEL_2_2026 = {
    "file": "AL-BEL-2-2026.pdf",
    "letterhead": [
        "UNITED NATIONS HUMAN RIGHTS OFFICE OF THE HIGH COMMISSIONER",
        "SPECIAL PROCEDURES OF THE HUMAN RIGHTS COUNCIL",
        "PALAIS DES NATIONS • 1211 GENEVA 10, SWITZERLAND",
    ],
    "specimen": "Specimen made by commresp for its tour: a fictitious letter.",
    "mandates": f"Mandate of the {EN}",
    "reference": "REFERENCE: AL BEL 2/2026",
    "date": "2 November 2026",
    "salutation": "Excellency,",
    "body": [
        f"I have the honour to address you in my capacity as {EN}, pursuant to the Human "
        "Rights Council resolution that establishes the mandate.",
        "In this connection, I would like to bring to the attention of your Excellency's "
        "Government information I have received concerning the alleged trafficking in "
        "persons for labour exploitation of seasonal workers in the agricultural sector.",
        "According to the information received, workers recruited abroad through intermediaries "
        "would have paid recruitment fees, had their identity documents withheld and been "
        "housed by their employers in conditions they could not leave.",
        "Without prejudging the accuracy of these allegations, I express my concern about "
        "the identification and protection of victims of trafficking in human beings, and "
        "about the national action plan against trafficking beyond 2025.",
        "I would be grateful for your observations on the following matters:",
        "1. Please provide any additional information and any comment you may have on the "
        "above-mentioned allegations.",
        "2. Please provide information on the measures taken to identify, refer and protect "
        "victims of trafficking for labour exploitation.",
        "This communication and any response received from your Excellency's Government will "
        "be made public via the communications reporting website within 60 days. They will "
        "also subsequently be made available in the usual report to be presented to the Human "
        "Rights Council.",
    ],
    "closing": "Please accept, Excellency, the assurances of my highest consideration.",
    "signatures": [EN],
}

LETTERS = [AL_BEL_1_2025, AL_BEL_2_2026]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(letter: dict, folder: Path) -> Path:
    """Write one letter as a PDF in ``folder``."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontSize=10.5, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12)
    right = ParagraphStyle("right", parent=body, alignment=2)

    def later_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 1.5 * cm, str(doc.page))
        canvas.setFont("Helvetica-Oblique", 7.5)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, letter["specimen"])
        canvas.restoreState()

    def first_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        for i, line in enumerate(letter["letterhead"]):
            canvas.drawCentredString(A4[0] / 2, A4[1] - 1.5 * cm - 11 * i, line)
        canvas.setFont("Helvetica-Oblique", 7.5)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, letter["specimen"])
        canvas.restoreState()

    flow = [Paragraph(_escaped(letter["mandates"]), small), Spacer(1, 10)]
    flow += [Paragraph(_escaped(letter["reference"]), small), Spacer(1, 4)]
    flow += [Paragraph(_escaped(letter["date"]), right), Spacer(1, 12)]
    flow += [Paragraph(_escaped(letter["salutation"]), body), Spacer(1, 8)]
    for text in letter["body"]:
        flow += [Paragraph(_escaped(text), body), Spacer(1, 7)]
    flow += [Paragraph(_escaped(letter["closing"]), body), Spacer(1, 18)]
    for title in letter["signatures"]:
        flow += [Paragraph(_escaped(title), small), Spacer(1, 10)]
    target = folder / letter["file"]
    doc = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=3 * cm,
        bottomMargin=2.2 * cm,
        invariant=1,
        title=letter["reference"].split(":")[-1].strip(),
        author="commresp (specimen)",
        creator="commresp correspondence/letters/build_letters.py",
    )
    doc.build(flow, onFirstPage=first_page, onLaterPages=later_page)
    return target


def main(argv: list[str]) -> None:
    folder = Path(argv[1]) if len(argv) > 1 else HERE
    for letter in LETTERS:
        print(build(letter, folder))


if __name__ == "__main__":
    main(sys.argv)
