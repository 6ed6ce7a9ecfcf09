"""A reviewer's newsroom questions, replayed: answered or refused as expected, with the facts expected.

    python bench/newsroom.py              # prints the score and every question judged wrong
    python bench/newsroom.py --json OUT   # and every answer, judged, as JSON

tests/data/newsroom holds twelve short articles a reviewer wrote to judge answers as an analyst would, and
``questions.jsonl``: 103 questions, each with what it should get (``expect``: ``answer``, ``refuse`` or
``either``), the words an answer must hold (``must``: each inner list is alternatives, one of which must
be there; compared without case or accents) and the questions asked before it (``history``). A question
expected to be answered is judged right when it is answered and holds every expected word; one expected to
be refused, when it is refused; ``either``, when refused or answered with its words.

The articles are indexed into a temporary index with the default settings and the extractive answerer;
the questions are asked through the public API, each after its history, as the web chat asks them.
"""

from __future__ import annotations

from pathlib import Path

from replay import fold, run

from assistant import Answer

NEWSROOM = Path(__file__).resolve().parent.parent / "tests" / "data" / "newsroom"


def judge(row: dict, answer: Answer) -> bool:
    """Answered with every expected word, refused, or either, as the row expects."""
    text = answer.text
    holds = all(any(fold(word) in fold(text) for word in alternatives) for alternatives in row.get("must", []))
    if row["expect"] == "refuse":
        return not answer.answered
    if row["expect"] == "either":
        return not answer.answered or holds
    return answer.answered and holds


def main() -> None:
    run("newsroom", __doc__, [NEWSROOM], judge, ("answer", "refuse", "either"))


if __name__ == "__main__":
    main()
