"""Retrieval benchmark: dense only, BM25 only and hybrid on the PIAF and MultiHop-RAG dev splits.

    python bench/retrieval.py                      # both sets, every question
    python bench/retrieval.py --limit 200 piaf     # a slice

Each corpus is indexed once (cached under bench/.cache, keyed by its content) through the public API;
every question is embedded once and searched with ``HybridRetriever.mode`` set to each mode in turn.
Prints hit@1/5/10 and MRR@10 (MultiHop: also the share of queries with all gold facts in the top 10)
and writes them to bench/results/retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation import (  # noqa: E402
    default_results_dir,
    document_name,
    load_dataset,
    prepare_index,
    retrieval_metrics,
)
from assistant.settings import Settings  # noqa: E402

MODES = ("dense", "lexical", "hybrid")


def bench(name: str, limit: int | None, settings: Settings) -> dict:
    dataset = load_dataset(name).limit(limit)
    assistant = prepare_index(dataset, settings)
    questions = [q for q in dataset.questions if q.answerable and q.gold_docs]
    started = time.perf_counter()
    vectors = assistant.embeddings.embed_queries([q.question for q in questions])
    embed_seconds = time.perf_counter() - started
    retriever = assistant.retriever
    rows = {}
    for mode in MODES:
        retriever.mode = mode
        started = time.perf_counter()
        pairs = []
        for question, vector in zip(questions, vectors, strict=True):
            docs = retriever.search(question.question, k=10, query_vector=vector)
            pairs.append((question.gold_docs, [document_name(str(d.metadata["source"])) for d in docs]))
        rows[mode] = retrieval_metrics(pairs, all_gold=name == "multihop")
        rows[mode]["ms_per_query"] = round(1000 * (time.perf_counter() - started) / max(1, len(questions)), 1)
    retriever.mode = "hybrid"
    return {"dataset": name, "questions": len(questions), "documents": len(dataset.documents),
            "embed_ms_per_query": round(1000 * embed_seconds / max(1, len(questions)), 1),
            "dense_weight": settings.dense_weight, "fetch_k": settings.fetch_k, "modes": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", help="piaf and/or multihop (default: both)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--out", type=Path, default=default_results_dir() / "retrieval.json")
    args = parser.parse_args(argv)
    settings = Settings()
    reports = [bench(name, args.limit, settings) for name in (args.datasets or ["piaf", "multihop"])]
    for report in reports:
        print(f"\n{report['dataset']}: {report['questions']} questions, {report['documents']} documents "
              f"(query embedding {report['embed_ms_per_query']} ms)")
        keys = [key for key in report["modes"]["hybrid"] if key != "ms_per_query"] + ["ms_per_query"]
        print(f"{'mode':10}" + "".join(f"{key:>14}" for key in keys))
        for mode, metrics in report["modes"].items():
            print(f"{mode:10}" + "".join(f"{metrics[key]:>14}" for key in keys))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(reports, indent=1))
    print(f"\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
