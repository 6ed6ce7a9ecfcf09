"""Where indexing time goes, beside embedding: the work ours does that the plain LangChain recipe does not.

    python bench/index_cost.py                      # MiniLM (the model the plain recipe uses), ~1.3k chunks
    python bench/index_cost.py --model multilingual-e5-small

On the real-text corpus of bench/scale.py (PIAF + MultiHop-RAG + the sample, 800-character chunks) it
prints the texts embedded (chunks and their distinct sentences, with their word pieces where the model
has a tokenizer), the time the model takes on each, and the time of a second indexing run whose every
vector is already in the embedding cache, split by the profiler into named entities (spaCy), Chroma
writes and entity records. bench/scale.py gives the end-to-end ratio to the plain recipe.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    sys.path.insert(0, str(extra))

# Profiler entries (file fragment, function) summed into each bucket, by cumulative time.
BUCKETS = {
    "named entities (spaCy)": [("assistant/entities.py", "extract_mentions")],
    "Chroma chunk writes": [("assistant/store.py", "add_chunks")],
    "entity records": [("assistant/entities.py", "put_many")],
    "article records": [("assistant/store.py", "put_articles")],
    "loading files": [("assistant/loaders.py", "load_file")],
}


def texts_of(corpus: Path, chunk_size: int, overlap: int) -> tuple[list[str], list[str]]:
    from assistant.chunking import chunk_document, chunk_sentence_texts
    from assistant.loaders import load_file

    chunks, sentences = [], []
    for path in sorted(corpus.glob("*.txt")):
        for chunk in chunk_document(load_file(path), chunk_size, overlap):
            chunks.append(chunk.page_content)
            sentences.extend(chunk_sentence_texts(chunk))
    return chunks, list(dict.fromkeys(sentences))


def embed_seconds(model, texts: list[str], batch: int = 32) -> float:
    started = time.perf_counter()
    ordered = sorted(texts, key=len)  # as the embedding cache batches them
    for start in range(0, len(ordered), batch):
        model.embed_passages(ordered[start : start + batch])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--chunk-size", type=int, default=800)
    parser.add_argument("--overlap", type=int, default=100)
    args = parser.parse_args()

    from corpus import write_corpus

    from assistant import Assistant
    from assistant.embeddings import load_embeddings
    from assistant.entities import extract_mentions

    work = Path(tempfile.mkdtemp(prefix="index-cost-"))
    try:
        corpus = work / "corpus"
        files = write_corpus(corpus)
        chunks, sentences = texts_of(corpus, args.chunk_size, args.overlap)
        model = load_embeddings(args.model)
        model.embed_passages(["warm up"])
        tokenizer = getattr(getattr(model, "_model", None), "tokenizer", None)
        pieces = (lambda texts: f", {sum(len(tokenizer(t)['input_ids']) for t in texts):,} word pieces") \
            if tokenizer is not None else (lambda texts: "")
        print(f"corpus: {len(files)} files, model {model.model_id}")
        print(f"chunks:    {len(chunks):>6,} texts{pieces(chunks)}: embedded in {embed_seconds(model, chunks):.1f} s")
        print(f"sentences: {len(sentences):>6,} texts{pieces(sentences)}: embedded in "
              f"{embed_seconds(model, sentences):.1f} s")

        cache = work / "cache.sqlite"
        first = Assistant(work / "first", embedding_model=args.model, embedding_cache=cache)
        started = time.perf_counter()
        first.index([corpus])
        print(f"indexing, cold embedding cache: {time.perf_counter() - started:.1f} s")

        again = Assistant(work / "again", embedding_model=args.model, embedding_cache=cache)
        again.store  # noqa: B018
        extract_mentions("Emmanuel Macron était à Marseille.", "fr")
        extract_mentions("Joe Biden was in Washington.", "en")
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        again.index([corpus])
        profile.disable()
        print(f"indexing again, every vector cached: {time.perf_counter() - started:.1f} s, of which")
        stats = pstats.Stats(profile).stats  # (file, line, function) -> (calls, ..., total, cumulative, ...)
        for bucket, entries in BUCKETS.items():
            seconds = sum(value[3] for (file, _, function), value in stats.items()
                          for fragment, name in entries if file.endswith(fragment) and function == name)
            print(f"  {bucket:24} {seconds:5.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
