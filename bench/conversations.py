"""Conversations of three or four turns, asked through the public API as the web chat asks them: each turn
with the answers before it as history, judged by its first quotes or its refusal.

    python bench/conversations.py      # prints every turn (ok / FAIL, answered / refused, its quotes) and the score

Written by a reviewer of follow-ups (2026-12-07): 19 conversations on the bundled sample and on the newsroom
articles (tests/data/newsroom), English and French, answerable and unanswerable continuations ("And wages?",
"Et en 2023 ?", "Why?"), and changes of topic. A turn expects a quote holding one of its strings, a refusal
(``REFUSE``), or either a refusal or a quote on the subject asked (``(0, [...])``: another article's sentence
on wages, never the earlier topic's).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from assistant import Answer, Assistant

ROOT = Path(__file__).resolve().parent.parent
REFUSE = None
# Refused, or another article's sentence on wages (the strikes'), never the earlier topic's.
OR_WAGES = (0, ["salaires", "salariale"])

SAMPLE = [
    [("What weapons were mentioned?", ["obus", "lance-roquettes"]),
     ("And who supplies them?", ["Corée du Nord", "Pyongyang"]),
     ("And wages?", REFUSE),
     ("Et les salaires ?", REFUSE)],
    [("Where did Kim and Putin meet?", ["Vostotchny"]),
     ("What about China?", REFUSE),
     ("Et la Chine ?", REFUSE),
     ("Why?", ["échanges d'armes", "armes", "soutien", "relation"])],
    [("What did Budanov say?", ["Kremlin", "Boudanov", "munitions", "obus"]),
     ("And the United States?", ["Washington", "États-Unis", "américains"]),
     ("And tourism?", REFUSE)],
]

NEWSROOM = [
    # The brief's case: a strike, then wages, in English and in French.
    [("Why are the railway workers on strike?", ["retraites", "salaires de 6 %"]),
     ("And wages?", ["salaires de 6 %", "revalorisation de 2,5 %"]),
     ("And housing?", REFUSE),
     ("When is the next meeting?", ["18 mars"])],
    [("Pourquoi les cheminots font-ils grève ?", ["retraites", "salaires de 6 %"]),
     ("Et les salaires ?", ["salaires de 6 %", "revalorisation de 2,5 %"]),
     ("Et le logement ?", REFUSE),
     ("Who won the election in Benin?", ["Wadagni"])],
    [("What is the inflation rate in France?", ["1,7 %"]),
     ("And unemployment?", ["7,6 %", "sans emploi"]),
     ("And wages?", OR_WAGES),
     ("What about housing prices?", REFUSE)],
    [("Quel est le taux d'inflation ?", ["1,7 %"]),
     ("Et le chômage ?", ["7,6 %"]),
     ("Et les salaires ?", OR_WAGES),
     ("Who commented on it?", ["Mathieu Plane"]),
     ("Et en 2023 ?", REFUSE)],
    [("What did Thierry Nier say?", ["lâcherons"]),
     ("Where did he say it?", ["gare de Lyon"]),
     ("Et combien de voyageurs ?", ["1,2 million"]),
     ("And who won the election in Portugal?", ["Democratic Alliance"])],
    [("Pourquoi les cheminots font-ils grève ?", ["retraites", "salaires de 6 %", "grève lancée"]),
     ("Et qui a gagné l'élection présidentielle au Bénin ?", ["Wadagni"]),
     ("And how many people died in the earthquake in Turkey?", ["142", "417"]),
     ("Why?", (0, ["séisme", "Séisme"]))],
    [("What is the inflation rate in France?", ["1,7 %"]),
     ("And the public deficit?", ["5,4 %"]),
     ("And growth?", ["0,1 %", "1,1 %", "croissance"]),
     ("And in 2023?", REFUSE)],
    [("What are the TotalEnergies strikers asking for?", ["10 %"]),
     ("And the management?", ["5 % d'augmentation", "prime"]),
     ("And the price of diesel?", ["2,11 euros"]),
     ("And the pensions?", (0, ["retraites"]))],
    [("Who is striking at TotalEnergies?", ["salariés de TotalEnergies", "grévistes", "CGT"]),
     ("What did Patrick Pouyanné say?", ["dialogue"]),
     ("Who is the union coordinator?", ["Sellini"]),
     ("Quel est le taux de chômage ?", ["7,6 %"])],
    [("Qui a gagné l'élection au Bénin ?", ["Wadagni"]),
     ("And the turnout?", ["58,3 %"]),
     ("Et au Portugal ?", ["Democratic Alliance", "32.1%"]),
     ("And the inflation?", (0, ["inflation"]))],
    [("Who won the election in Portugal?", ["Democratic Alliance"]),
     ("And the turnout?", ["66.2%"]),
     ("Et les salaires ?", OR_WAGES),
     ("And wages?", OR_WAGES)],
    [("Combien de morts a fait le séisme en Turquie ?", ["142", "417"]),
     ("And the injured?", ["870", "2 310"]),
     ("What about Germany?", ["Allemagne"]),
     ("And wages?", OR_WAGES)],
    [("Who scored for Arsenal?", ["Saka", "Rice", "Martinelli"]),
     ("Et la foule ?", ["60,104"]),
     ("Et les salaires ?", OR_WAGES),
     ("Qui a gagné entre Toulouse et La Rochelle ?", ["31 à 19", "Toulouse"])],
    [("Qui a été condamné pour corruption ?", ["Bernard Castex", "Castex"]),
     ("And his lawyer?", ["Berthet"]),
     ("What did he say?", ["disproportionnée", "appel"]),
     ("And wages?", OR_WAGES)],
    [("Which companies are merging?", ["Nordlys", "Veltrix"]),
     ("Et les économies ?", ["400 million"]),
     ("And the wages?", OR_WAGES),
     ("Et combien d'employés ?", ["14,000"])],
]


def judge(answer: Answer, expected) -> bool:
    """REFUSE: refused; a list: a quote holds one; (0, list): refused, or a quote holds one (another
    article's sentence on the asked subject, not the earlier topic's)."""
    if expected is REFUSE:
        return not answer.answered
    if isinstance(expected, tuple):
        return not answer.answered or judge(answer, expected[1])
    return answer.answered and any(e in c.quote for c in answer.citations for e in expected)


def run(name: str, assistant: Assistant, conversations) -> tuple[int, int]:
    right = wrong = 0
    for conversation in conversations:
        history: list[Answer] = []
        print(f"--- {name}")
        for question, expected in conversation:
            answer = assistant.ask(question, history=history)
            ok = judge(answer, expected)
            right += ok
            wrong += not ok
            quote = " | ".join(c.quote[:70] for c in answer.citations) if answer.citations else answer.text[:110]
            state = "answered" if answer.answered else "refused "
            want = "REFUSE" if expected is REFUSE else (
                "REFUSE or " + "/".join(expected[1]) if isinstance(expected, tuple) else "/".join(expected))
            print(f"{'ok  ' if ok else 'FAIL'} {state} {question!r:45} -> {quote!r}  [want {want}]")
            history.append(answer)
    return right, wrong


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sample = Assistant(Path(folder) / "sample")
        sample.index([ROOT / "samples" / "russie-coree-du-nord.txt"])
        newsroom = Assistant(Path(folder) / "newsroom")
        newsroom.index([ROOT / "tests" / "data" / "newsroom"])
        r1, w1 = run("sample", sample, SAMPLE)
        r2, w2 = run("newsroom", newsroom, NEWSROOM)
        sample.close()
        newsroom.close()
    print(f"\nsample: {r1} right, {w1} wrong; newsroom: {r2} right, {w2} wrong; "
          f"total {r1 + r2} / {r1 + r2 + w1 + w2}")


if __name__ == "__main__":
    main()
