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

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import Assistant  # noqa: E402

NEWSROOM = Path(__file__).resolve().parent.parent / "tests" / "data" / "newsroom"


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def judged(row: dict, answered: bool, text: str) -> bool:
    holds = all(any(fold(word) in fold(text) for word in alternatives) for alternatives in row.get("must", []))
    if row["expect"] == "refuse":
        return not answered
    if row["expect"] == "either":
        return not answered or holds
    return answered and holds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write every question, its answer and the judgement here")
    args = parser.parse_args()

    rows = [json.loads(line) for line in (NEWSROOM / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    with tempfile.TemporaryDirectory(prefix="newsroom-") as work:
        assistant = Assistant(Path(work) / "index")
        report = assistant.index([NEWSROOM])
        assert not report.failed, report.failed
        results = []
        started = time.perf_counter()
        for row in rows:
            history: list = []
            for earlier in row.get("history", []):
                history.append(assistant.ask(earlier, history=history or None))
            answer = assistant.ask(row["q"], history=history or None)
            results.append({**row, "answered": answer.answered, "answer": answer.text,
                            "right": judged(row, answer.answered, answer.text)})
        seconds = time.perf_counter() - started

    right = sum(r["right"] for r in results)
    by_kind = {kind: (sum(r["right"] for r in results if r["expect"] == kind),
                      sum(1 for r in results if r["expect"] == kind)) for kind in ("answer", "refuse", "either")}
    print(f"newsroom: {right} of {len(results)} judged right "
          + ", ".join(f"({kind}: {good} of {total})" for kind, (good, total) in by_kind.items())
          + f"; {seconds:.1f} s for the questions")
    for r in results:
        if not r["right"]:
            text = " ".join(r["answer"].split())
            print(f"  {r['id']:>3} expected {r['expect']:<6} | {r['q']} | {text[:140]}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
