"""An analyst's questions on French economic and political news, replayed and judged by the passages quoted.

    python bench/analyst.py              # prints the score and every question judged wrong
    python bench/analyst.py --json OUT   # and every answer, judged, as JSON

tests/data/analyst-economy holds nine short articles a reviewer wrote for this project (rate decisions, a
by-election, a factory closure, drought restrictions, tariffs, unemployment, a court ruling) and
``questions.jsonl``: 60 questions, each with ``expect`` (``answer`` or ``refuse``), ``passage`` (a piece of
text one of the answer's quotes must hold, compared without case or accents, or ``unanswerable``) and the
questions asked before it (``history``). They are asked with the bundled sample indexed beside the articles,
with the default settings and the extractive answerer, through the public API.
"""

from __future__ import annotations

from pathlib import Path

from replay import fold, run

from assistant import Answer

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "analyst-economy"


def judge(row: dict, answer: Answer) -> bool:
    """Refused as expected, or answered with a quote that holds the expected passage."""
    if row["expect"] == "refuse":
        return not answer.answered
    return answer.answered and any(fold(row["passage"]) in fold(c.quote) for c in answer.citations)


def main() -> None:
    run("analyst", __doc__, [ARTICLES, ROOT / "samples"], judge, ("answer", "refuse"))


if __name__ == "__main__":
    main()
