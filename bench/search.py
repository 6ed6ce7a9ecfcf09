"""How long ``assistant search`` takes, by how many passages hold the words.

    python bench/search.py            # the real-text corpus of bench/scale.py (about 1.3k chunks)

The corpus is indexed once with MiniLM (search reads BM25's postings and the passages' texts, never a
vector: the model does not change its time) into ~/.cache/news-assistant/bench-search, then each query is
searched 20 times. Printed per query: the passages BM25 lists as holding every word (what search reads),
the sentences found, and the time p50/p95; then the time per thousand passages read, to scale from.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    sys.path.insert(0, str(extra))

from corpus import write_corpus  # noqa: E402

from assistant import Assistant  # noqa: E402

CACHE = Path.home() / ".cache" / "news-assistant" / "bench-search"
QUERIES = ["Boudanov", "Corée du Nord", '"deux TGV sur trois"', "Paris", "guerre", "France", "année", "the"]
ROUNDS = 20


def main() -> None:
    assistant = Assistant(CACHE / "index", embedding_model="all-minilm-l6-v2")
    if not assistant.stats()["chunks"]:
        print("indexing the corpus once (MiniLM)...", file=sys.stderr)
        assistant.index(write_corpus(CACHE / "files"))
    stats = assistant.stats()
    print(f"index: {stats['articles']} articles, {stats['chunks']} chunks")
    lexical = assistant.lexical.fresh()
    print("| words | passages read | sentences found | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    per_thousand = []
    from assistant.search import SearchError, parse_query

    for words in QUERIES:
        try:
            read = len(lexical.holding_each(parse_query(words).groups()))
        except SearchError:
            print(f"| {words} | - | refused: common words only | - | - |")
            continue
        times, found = [], 0
        for _ in range(ROUNDS):
            start = time.perf_counter()
            found = len(assistant.search(words))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        if read >= 50:
            per_thousand.append(p50 / read * 1000)
        print(f"| {words} | {read} | {found} | {p50:.1f} | {p95:.1f} |")
    if per_thousand:
        print(f"\ntime per 1,000 passages read (queries reading 50 or more): {statistics.median(per_thousand):.0f} ms")


if __name__ == "__main__":
    main()
