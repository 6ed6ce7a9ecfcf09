"""A fact-checker's verification questions on two stories told differently by several articles, replayed and
judged by the passages quoted.

    python bench/factcheck.py              # prints the score and every question judged wrong
    python bench/factcheck.py --json OUT   # and every answer, judged, as JSON

tests/data/factcheck holds eight short articles written for this project on two invented stories (an attack
on an army garrison, a fire at a chemical plant), French and English, whose figures and attributions differ
from one article to another (a ministry's toll and a monitoring group's; a prefect's quote that an English
wire gives to the mayor), and ``questions.jsonl``: 50 questions a fact-checker asks ("Is it true that ...?",
"Who said '...'?", "Combien de ... selon ... ?", "Do the articles agree on ...?"), each with ``expect``
(``answer`` or ``refuse``), ``passage`` (a piece of text one of the answer's quotes must hold, compared
without case or accents; a list when every piece must be quoted, as the two sides of a disagreement, an
inner list holding alternatives, one of which must be quoted; or ``unanswerable``) and the questions asked
before it (``history``). They are asked with the bundled sample indexed beside the articles, with the
default settings and the extractive answerer, through the public API.
"""

from __future__ import annotations

from pathlib import Path

from replay import fold, run

from assistant import Answer

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "factcheck"


def judge(row: dict, answer: Answer) -> bool:
    """Refused as expected, or answered with quotes that hold every expected passage."""
    if row["expect"] == "refuse":
        return not answer.answered
    expected = row["passage"] if isinstance(row["passage"], list) else [row["passage"]]
    quotes = [fold(c.quote) for c in answer.citations]
    alternatives = [piece if isinstance(piece, list) else [piece] for piece in expected]
    return answer.answered and all(any(fold(p) in q for p in pieces for q in quotes) for pieces in alternatives)


def main() -> None:
    run("factcheck", __doc__, [ARTICLES, ROOT / "samples"], judge, ("answer", "refuse"))


if __name__ == "__main__":
    main()
