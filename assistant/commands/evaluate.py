"""eval: answer quality on the bundled dev sets (PIAF, PIAF asked in English, MultiHop-RAG, the seed questions)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import arg, command, whole_number
from ..settings import Settings
from .core import prepare_reranker


def _progress(label: str):
    from tqdm import tqdm

    state: dict = {}

    def update(done: int, total: int, *_: object) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, desc=label, file=sys.stderr, dynamic_ncols=True, leave=False)
        state["bar"].update(done - state["bar"].n)

    def close() -> None:
        if "bar" in state:
            state["bar"].close()

    return update, close


def question_count(text: str) -> int:
    """``--limit``: 1 or more (0 asked no question and wrote an empty report over the results; -5 all but the
    last five, as a slice does)."""
    return whole_number(text, 1)


@command("eval", "measure retrieval, answers, citations and refusals on a dev set", needs_assistant=False)
@arg("dataset", choices=["piaf", "piaf-en", "multihop", "multihop-fr", "seed", "seed-en", "all"],
     help="which dev set (all: every one)")
@arg("--limit", type=question_count, default=None,
     help="only the first N questions of each set (the corpus stays whole)")
@arg("--out", type=Path, default=None,
     help="JSON report path (default bench/results/eval-DATASET-ANSWERER[-reranked].json)")
@arg("--data", type=Path, default=None, help="folder of the dev sets (default bench/data)")
@arg("--cache", type=Path, default=None, help="folder of the cached corpus indexes (default bench/.cache)")
@arg("--reranker", choices=["none", "query-likelihood"], default=None,
     help="rerank the candidates (default: ASSISTANT_RERANKER, none); the report is named after it")
@arg("-q", "--quiet", action="store_true", help="no progress bars")
def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from .. import evaluation

    if args.reranker is not None:
        settings = settings.with_overrides(reranker=args.reranker)

    names = list(evaluation.DATASETS) if args.dataset == "all" else [args.dataset]
    reports = []
    for name in names:
        try:
            dataset = evaluation.load_dataset(name, args.data).limit(args.limit)
        except evaluation.EvaluationError as error:  # a dev set missing from --data: a traceback said it
            print(f"error: {error}", file=sys.stderr)
            return 2
        index_progress, close = _progress(f"indexing {name}") if not args.quiet else (None, lambda: None)
        try:
            assistant = evaluation.prepare_index(dataset, settings, args.cache, progress=index_progress)
        finally:
            close()
        prepare_reranker(assistant)  # before the bar: a first use converts the model, and says so
        ask_progress, close = _progress(f"asking {name}") if not args.quiet else (None, lambda: None)
        try:
            reports.append(evaluation.evaluate(dataset, assistant, progress=ask_progress))
        finally:
            close()
    reranked = "" if settings.reranker == "none" else "-reranked"
    out = args.out or evaluation.default_results_dir() / f"eval-{args.dataset}-{settings.answerer}{reranked}.json"
    evaluation.write_report(reports, out)
    print(evaluation.format_table(reports))
    print(f"\nJSON: {out}")
    return 0
