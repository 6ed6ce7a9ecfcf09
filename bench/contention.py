"""How much the model's embedding slows down when another thread of the process is busy.

    python bench/contention.py                  # MiniLM on 600 real chunks, 1 and 2 torch threads
    python bench/contention.py --texts 300 --model multilingual-e5-small

Indexing runs the model in one thread while the indexer (spaCy's named entities, Chroma writes) works in
another. This measures the model alone, then beside a thread that keeps a core busy in Python (holding
the GIL, as spaCy and Chroma's client mostly do) or in C without the GIL (hashing), with torch on one
thread and on two. On this project's 2-core machine it explains why overlapping the two barely beats
running them one after the other: see the README, "Scaling out".
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    sys.path.insert(0, str(extra))


def _python_work(stop: threading.Event) -> None:
    total = 0
    while not stop.is_set():
        for i in range(10_000):
            total += i


def _c_work(stop: threading.Event) -> None:
    block = b"x" * 20_000_000
    while not stop.is_set():
        hashlib.sha256(block).digest()  # hashlib lets go of the GIL for large inputs


def measure(model, texts: list[str], neighbour) -> tuple[float, float]:
    """Seconds of embedding ``texts`` and the process's CPU seconds meanwhile."""
    from index_cost import embed_seconds

    stop = threading.Event()
    thread = threading.Thread(target=neighbour, args=(stop,), daemon=True) if neighbour else None
    if thread:
        thread.start()
    before = os.times()
    seconds = embed_seconds(model, texts)
    after = os.times()
    stop.set()
    if thread:
        thread.join()
    return seconds, (after.user + after.system) - (before.user + before.system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--texts", type=int, default=600, help="chunks of the real-text corpus to embed")
    args = parser.parse_args()

    import torch
    from corpus import write_corpus
    from index_cost import texts_of

    from assistant.embeddings import load_embeddings

    with tempfile.TemporaryDirectory(prefix="contention-") as work:
        write_corpus(Path(work) / "corpus")
        chunks, _ = texts_of(Path(work) / "corpus", 800, 100)
    texts = chunks[: args.texts]
    model = load_embeddings(args.model)
    model.embed_passages(["warm up"])
    wait = os.environ.get("OMP_WAIT_POLICY")
    print(f"{len(texts)} chunks, {args.model}, {os.cpu_count()} CPUs, OMP_WAIT_POLICY={wait}")
    print("| torch threads | beside the model | embedding s | process CPU s |")
    print("|---|---|---|---|")
    for threads in (2, 1):
        torch.set_num_threads(threads)
        for label, neighbour in (("nothing", None), ("a busy Python thread", _python_work),
                                 ("a busy thread without the GIL", _c_work)):
            seconds, cpu = measure(model, texts, neighbour)
            print(f"| {threads} | {label} | {seconds:.1f} | {cpu:.1f} |", flush=True)


if __name__ == "__main__":
    main()
