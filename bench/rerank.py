"""What the query-likelihood reranker costs per question: retrieval latency with and without it.

    python bench/rerank.py                 # 60 PIAF dev questions over the cached PIAF index
    python bench/rerank.py --questions 200 --top 10 20

Quality is measured by ``assistant eval all --reranker query-likelihood`` (bench/results/
eval-all-extractive-reranked.json); this prints time only. The index is the evaluation's cached one
(``bench/.cache``, built on first use). Every question is new to the reranker (its score cache is
cleared), as a user's question is; the model is loaded before the clock starts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation import load_dataset, prepare_index  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.0f} / {p95 * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--top", type=int, nargs="+", default=[10], help="candidates the reranker reads")
    args = parser.parse_args()
    dataset = load_dataset("piaf")
    # Every 25th question: spread over the corpus's articles, not the first few.
    asked = [q.question for q in dataset.questions[::25]][: args.questions]
    rows = ["| configuration | retrieve p50 / p95 ms | ask p50 / p95 ms |", "|---|---|---|"]
    configurations = [("fused (default)", Settings())] + [
        (f"reranked, top {top}", Settings(reranker="query-likelihood", rerank_top=top)) for top in args.top]
    for label, settings in configurations:
        assistant = prepare_index(dataset, settings)
        assistant.ask(asked[0])  # models and caches loaded before the clock starts
        retrieve, ask = [], []
        for question in asked:
            if assistant.reranker is not None:
                assistant.reranker.forget()
            started = time.perf_counter()
            assistant.retrieve(question, k=5)
            retrieve.append(time.perf_counter() - started)
            if assistant.reranker is not None:
                assistant.reranker.forget()
            started = time.perf_counter()
            assistant.ask(question)
            ask.append(time.perf_counter() - started)
        rows.append(f"| {label} | {percentiles(retrieve)} | {percentiles(ask)} |")
        print(rows[-1], flush=True)
    print(f"\n$ python bench/rerank.py --questions {args.questions} --top {' '.join(map(str, args.top))}"
          f"   # {len(asked)} PIAF questions, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
