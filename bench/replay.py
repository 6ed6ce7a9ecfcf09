"""What bench/newsroom.py, bench/analyst.py and bench/factcheck.py share: a reviewer's questions asked through the
public API, each after the questions asked before it, and the score printed with every question judged wrong."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import Answer, Assistant  # noqa: E402


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def read_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def replay(folders: Sequence[Path], rows: list[dict], judge: Callable[[dict, Answer], bool],
           prefix: str) -> tuple[list[dict], float]:
    """Index ``folders`` into a temporary index with the default settings, ask every row's ``q`` after its
    ``history``, and judge each answer; the results and the seconds the questions took."""
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        assistant = Assistant(Path(work) / "index")
        report = assistant.index(list(folders))
        assert not report.failed, report.failed
        results = []
        started = time.perf_counter()
        for row in rows:
            history: list = []
            for earlier in row.get("history", []):
                history.append(assistant.ask(earlier, history=history or None))
            answer = assistant.ask(row["q"], history=history or None)
            results.append({**row, "answered": answer.answered, "answer": answer.text, "right": judge(row, answer)})
        return results, time.perf_counter() - started


def print_score(name: str, results: list[dict], kinds: Sequence[str], seconds: float, json_out: Path | None) -> None:
    right = sum(r["right"] for r in results)
    by_kind = {kind: (sum(r["right"] for r in results if r["expect"] == kind),
                      sum(1 for r in results if r["expect"] == kind)) for kind in kinds}
    print(f"{name}: {right} of {len(results)} judged right "
          + ", ".join(f"({kind}: {good} of {total})" for kind, (good, total) in by_kind.items())
          + f"; {seconds:.1f} s for the questions")
    for r in results:
        if not r["right"]:
            text = " ".join(r["answer"].split())
            print(f"  {r['id']:>3} expected {r['expect']:<6} | {r['q']} | {text[:140]}")
    if json_out:
        json_out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def run(name: str, description: str | None, folders: Sequence[Path], judge: Callable[[dict, Answer], bool],
        kinds: Sequence[str]) -> None:
    """A bench's command line: ``questions.jsonl`` of the first folder replayed on them all, the score printed,
    and ``--json OUT`` written."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write every question, its answer and the judgement here")
    args = parser.parse_args()
    rows = read_questions(folders[0] / "questions.jsonl")
    results, seconds = replay(folders, rows, judge, f"{name}-")
    print_score(name, results, kinds, seconds, args.json)
