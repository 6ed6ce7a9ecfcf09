"""List and roll-up questions over the newsroom articles: the items each finds and misses, and its quotes that
are no item of the list.

    python bench/list_questions.py              # prints each question's items found / missed / wrong, and the totals
    python bench/list_questions.py --json OUT   # and every answer, judged, as JSON

Written by a reviewer of list questions (2026-12-07): 14 questions over tests/data/newsroom ("Which countries are
mentioned?", "Who was quoted?", "Quelles entreprises sont citées ?", "Which players scored?"...), each with the
items an analyst expects, article by article (each item a list of spellings, compared without case or accents).
A citation whose quote holds none of the question's items, nor one of the names accepted beside them, is wrong.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import unicodedata
from pathlib import Path

from assistant import Assistant

ROOT = Path(__file__).resolve().parent.parent


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


# question -> {article: [items, each a list of alternatives]}
Q = {
 "Which countries are mentioned?": {
   "en-election-portugal": [["Portugal"]],
   "en-merger": [["Norway", "Norvège"], ["Germany", "Allemagne"], ["Poland", "Pologne"], ["Spain", "Espagne"]],
   "fr-election-benin": [["Bénin", "Benin"]], "fr-seisme-j1": [["Turquie", "Turkey"], ["Grèce", "Greece"], ["France"]],
   "fr-inflation-insee": [["France"]]},
 "Who was quoted?": {
   "en-election-portugal": [["Montenegro"], ["Ventura"]], "en-football": [["Arteta"], ["Kompany"]],
   "en-merger": [["Haugen"]], "fr-election-benin": [["Wadagni"]], "fr-greve-raffineries": [["Sellini"], ["Pouyanné"]],
   "fr-greve-sncf": [["Thierry Nier"]], "fr-inflation-insee": [["Mathieu Plane"], ["Lombard"]],
   "fr-proces-maire": [["Darrieux"]],
   "fr-rugby-top14": [["Mola"], ["O'Gara"]], "fr-science-plastique": [["Isabelle André"]],
   "fr-seisme-j1": [["Mehmet Kaya"]], "fr-seisme-j3": [["Yavuz"]]},
 "Quelles entreprises sont citées ?": {
   "fr-greve-raffineries": [["TotalEnergies"]], "fr-greve-sncf": [["SNCF"]], "fr-proces-maire": [["Garonne BTP"]],
   "en-merger": [["Nordlys"], ["Veltrix"]], "fr-science-plastique": [["Carbios"]]},
 "Which unions called strikes?": {
   "fr-greve-raffineries": [["CGT"]], "fr-greve-sncf": [["CGT-Cheminots"], ["SUD-Rail"]]},
 "Quels syndicats ont été cités ?": {
   "fr-greve-raffineries": [["CGT"]], "fr-greve-sncf": [["CGT-Cheminots"], ["SUD-Rail"]], "en-merger": [["IG Metall"]]},
 "List the dates of the meetings": {
   "fr-greve-sncf": [["18 mars"]], "fr-inflation-insee": [["6 mars"]]},
 "Which players scored?": {
   "en-football": [["Saka"], ["Rice"], ["Kane"], ["Martinelli"]],
   "fr-rugby-top14": [["Lebel"], ["Ramos"], ["Bourgarit"]]},
 "Which strikes were mentioned?": {
   "fr-greve-raffineries": [["TotalEnergies", "raffineries"]], "fr-greve-sncf": [["SNCF", "cheminots"]]},
 "What death tolls were mentioned?": {
   "fr-seisme-j1": [["142 morts"]], "fr-seisme-j3": [["417 morts"]]},
 "Which ministers were mentioned?": {
   "fr-seisme-j1": [["Yerlikaya"]], "fr-greve-sncf": [["Tabarot"]], "fr-inflation-insee": [["Lombard"]]},
 "Quels taux ont été mentionnés ?": {
   "fr-inflation-insee": [["1,7 %"], ["7,6 %"], ["2,75 %"]],
   "fr-election-benin": [["58,3 %"]], "en-election-portugal": [["66.2%"]]},
 "What election results were mentioned?": {
   "en-election-portugal": [["32.1%"]], "fr-election-benin": [["62,4 %"]]},
 "Which coaches were quoted?": {
   "en-football": [["Arteta"], ["Kompany"]], "fr-rugby-top14": [["Mola"], ["O'Gara"]]},
 "Quelles amendes ont été mentionnées ?": {
   "fr-proces-maire": [["80 000 euros"], ["150 000 euros"]]},
}

# Acceptable though not required: reported speech ("qui a précisé que", "said his party would"), a company's
# name as spaCy cut it ("Garonne" for Garonne BTP).
OK = {"Who was quoted?": ["Yerlikaya", "Pedro Nuno Santos", "Tabarot", "Berthet", "Pistorius"],
      "Quelles entreprises sont citées ?": ["Garonne", "Nordvel"]}

def judge(assistant: Assistant, question: str, gold: dict[str, list[list[str]]]) -> dict:
    answer = assistant.ask(question)
    text = fold(answer.text + " " + " ".join(c.quote for c in answer.citations))
    found, missed = [], []
    for article, items in gold.items():
        for spellings in items:
            (found if any(fold(s) in text for s in spellings) else missed).append(f"{article}:{spellings[0]}")
    accepted = [fold(s) for items in gold.values() for spellings in items for s in spellings]
    accepted += [fold(s) for s in OK.get(question, [])]
    wrong = [f"{Path(c.source).stem}:{c.quote[:60]}" for c in answer.citations
             if not any(s in fold(c.quote) for s in accepted)]
    return {"question": question, "answerer": answer.answerer, "answered": answer.answered,
            "cited": sorted({Path(c.source).stem for c in answer.citations}), "found": found, "missed": missed,
            "wrong": wrong, "text": answer.text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="OUT", help="write every answer, judged, as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Assistant(Path(folder) / "index") as assistant:
        assistant.index([ROOT / "tests" / "data" / "newsroom"])
        report = [judge(assistant, question, gold) for question, gold in Q.items()]
    for row in report:
        print(f"\nQ: {row['question']}  [{row['answerer']}, answered={row['answered']}]  "
              f"found {len(row['found'])}/{len(row['found']) + len(row['missed'])}, wrong {len(row['wrong'])}")
        print("  cited:", row["cited"])
        print("  missed:", row["missed"])
        print("  wrong:", row["wrong"])
    totals = {key: sum(len(row[key]) for row in report) for key in ("found", "missed", "wrong")}
    print(f"\nitems found {totals['found']} of {totals['found'] + totals['missed']}, quotes or names that are no "
          f"item {totals['wrong']} ({len(report)} questions)")
    if args.json:
        Path(args.json).write_text(json.dumps({"totals": totals, "questions": report}, ensure_ascii=False, indent=1),
                                   encoding="utf-8")


if __name__ == "__main__":
    main()
