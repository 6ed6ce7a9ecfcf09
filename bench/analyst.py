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

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import Assistant  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "analyst-economy"


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def judged(row: dict, answered: bool, quotes: list[str]) -> bool:
    if row["expect"] == "refuse":
        return not answered
    return answered and any(fold(row["passage"]) in fold(quote) for quote in quotes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write every question, its answer and the judgement here")
    args = parser.parse_args()

    rows = [json.loads(line) for line in (ARTICLES / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    with tempfile.TemporaryDirectory(prefix="analyst-") as work:
        assistant = Assistant(Path(work) / "index")
        report = assistant.index([ARTICLES, ROOT / "samples"])
        assert not report.failed, report.failed
        results = []
        started = time.perf_counter()
        for row in rows:
            history: list = []
            for earlier in row.get("history", []):
                history.append(assistant.ask(earlier, history=history or None))
            answer = assistant.ask(row["q"], history=history or None)
            quotes = [citation.quote for citation in answer.citations]
            results.append({**row, "answered": answer.answered, "answer": answer.text,
                            "right": judged(row, answer.answered, quotes)})
        seconds = time.perf_counter() - started

    right = sum(r["right"] for r in results)
    by_kind = {kind: (sum(r["right"] for r in results if r["expect"] == kind),
                      sum(1 for r in results if r["expect"] == kind)) for kind in ("answer", "refuse")}
    print(f"analyst: {right} of {len(results)} judged right "
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
