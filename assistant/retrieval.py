"""Hybrid retrieval: dense search in Chroma and BM25, fused by normalised score on their candidates.

Three signals are fused per candidate chunk: the chunk vector's similarity to the question, the best
similarity of one of its sentences (the sentence vectors are cached at index time, so this costs a cache
lookup), and BM25. A question usually asks about one sentence of a passage: the sentence signal finds
the passage whose sentence answers it even when the rest of the passage is about something else.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .chunking import stored_sentences
from .embeddings import ModelEmbeddings
from .filters import check_chunk_where
from .language import crosses, question_language, written_in
from .lexical import LexicalIndex, term_languages
from .reranking import Reranker
from .settings import check_k
from .store import Store


class LexicalSide:
    """Keeps the BM25 index in step with the store, rebuilding or reloading it only when it moved."""

    def __init__(self, store: Store, index: LexicalIndex) -> None:
        self.store = store
        self.index = index
        self._lock = threading.Lock()

    def fresh(self) -> LexicalIndex:
        generation, identity = self.store.generation(), self.store.identity()

        def current() -> bool:
            return self.index.generation == generation and self.index.store == identity

        if current():
            return self.index
        with self._lock:
            if not current() and not (self.index.load() and current()):
                self.rebuild(generation)
        return self.index

    def rebuild(self, generation: int | None = None, save: bool = True) -> None:
        generation = self.store.generation() if generation is None else generation
        self.index = self.synced(generation)
        if save:
            try:
                self.index.save()
            except OSError:
                pass  # a read-only index folder still answers, it only rebuilds next start

    def synced(self, generation: int) -> LexicalIndex:
        """A new index of the store's chunks as they are now (the current one is left to its readers).

        From the last postings (in memory, else saved): only the chunks added since are read and
        tokenised; chunk ids are content-addressed, so a known id has the text it had. Without postings,
        every chunk text is read, page by page (a Chroma server too), tokenised and dropped.
        """
        base = self.index.postings()
        if base is None:
            fresh = self._built(generation)
        else:
            in_store = self.store.all_chunk_ids()
            known, stored = set(base.ids), set(in_store)
            added = [chunk_id for chunk_id in in_store if chunk_id not in known]
            postings = base.without(known - stored).plus(self.store.iter_chunk_pages(added)).compacted()
            fresh = LexicalIndex.of(self.index.folder, postings, generation)
        fresh.store = self.store.identity()
        return fresh

    def _built(self, generation: int) -> LexicalIndex:
        """Every chunk's terms, read from the store: the texts alone, page by page, and apart the ids of the
        chunks in a language with its own stemmer (the others are read alike)."""
        stemmed = [language for language in term_languages() if language]
        told = self.store.chunk_languages(stemmed)
        fresh = LexicalIndex(self.index.folder)
        fresh.build_pages(((ids, texts, [told.get(chunk_id, "") for chunk_id in ids])
                           for ids, texts in self.store.iter_chunk_texts()), generation)
        # A chunk another writer added meanwhile was read without its language: read again with it.
        late = [chunk_id for chunk_id, language in self.store.chunk_languages(stemmed).items()
                if told.get(chunk_id) != language]
        postings = fresh.postings()
        if not late or postings is None:
            return fresh
        return LexicalIndex.of(self.index.folder, postings.without(set(late)).plus(self.store.iter_chunk_pages(late))
                               .compacted(), generation)


@dataclass
class Candidate:
    chunk_id: str
    dense: float | None = None
    lexical: float | None = None
    sentence: float | None = None  # best similarity of one of the chunk's sentences
    fused: float = 0.0
    best_sentences: str | None = None  # the chunk's sentences most like the question, in reading order


def fuse(candidates: dict[str, Candidate], dense_weight: float, sentence_weight: float = 0.0) -> list[Candidate]:
    """Weighted sum of each signal's z-score over the candidate set; the rest of the weight goes to BM25.

    Z-scores put the signals on one scale without letting a single outlier squash the others, as min-max
    does; on the PIAF dev split they beat min-max and reciprocal rank fusion (see bench/retrieval.py).
    ``fused`` is then min-max scaled to [0, 1], best candidate 1.
    """
    values = list(candidates.values())
    lexical_weight = max(0.0, 1.0 - dense_weight - sentence_weight)
    fused = np.zeros(len(values))
    for weight, raw in ((dense_weight, [c.dense for c in values]), (sentence_weight, [c.sentence for c in values]),
                        (lexical_weight, [c.lexical for c in values])):
        if weight > 0:
            fused += weight * _zscore(np.array([v if v is not None else np.nan for v in raw], dtype=float))
    for candidate, score in zip(values, _minmax(fused), strict=True):
        candidate.fused = float(score)
    return sorted(values, key=lambda c: -c.fused)


def fuse_rerank(retrieval: Sequence[float], reranked: Sequence[float], weight: float) -> np.ndarray:
    """The retrieval score's z-score plus ``weight`` times the reranker's, over one question's candidates."""
    return _zscore(np.asarray(retrieval, dtype=float)) + weight * _zscore(np.asarray(reranked, dtype=float))


def _zscore(values: np.ndarray) -> np.ndarray:
    # A signal missing for a candidate counts as the lowest seen, not as the average.
    if not len(values) or np.isnan(values).all():
        return np.zeros(len(values))
    values = np.where(np.isnan(values), np.nanmin(values), values)
    spread = values.std()
    if spread < 1e-9:
        return np.zeros_like(values)
    return (values - values.mean()) / spread


def _minmax(values: np.ndarray) -> np.ndarray:
    if not len(values):
        return values
    low, high = values.min(), values.max()
    if high - low < 1e-9:
        return np.ones_like(values)
    return (values - low) / (high - low)


def sentence_texts(doc: Document) -> list[str]:
    """The texts of the chunk's sentences, from the spans the indexer stored in its metadata."""
    offset = int(doc.metadata.get("start", 0))
    texts = [doc.page_content[a - offset : b - offset] for a, b in stored_sentences(doc, split_if_missing=False)]
    return [text for text in texts if len(text) >= 3]


# The reranker reads this many of a chunk's sentences, those most like the question.
RERANK_SENTENCES = 2
# Up to this many chunks left by a filter are all scored exactly when the vector search returns fewer.
EXACT_FILTERED = 2000
# dense_spread compares the nearest chunk with this one (fixed: the refusal threshold is calibrated on it).
SPREAD_RANK = 40


# What ``invoke`` reads besides the question; ``query_vector`` and ``language`` are the chain's.
RETRIEVER_ARGUMENTS = ("k", "where", "query_vector", "language")


def _check_arguments(kwargs: dict[str, Any]) -> None:
    """``TypeError`` naming an argument the retriever does not read: ``filters={"lang": "en"}`` (ask's name)
    was dropped in silence, and the passages came back unfiltered."""
    for name in kwargs:
        if name not in RETRIEVER_ARGUMENTS:
            hint = " (friendly filters: where=assistant.where(filters))" if name == "filters" else ""
            raise TypeError(f"the retriever got an unknown argument {name!r}{hint}: it takes k=, where=")


class HybridRetriever(BaseRetriever):
    """LangChain retriever over the store; ``invoke(question)`` returns chunks best first.

    Each document's metadata has ``source``, ``title``, ``start``, ``end`` and ``score`` (fused), plus
    ``dense_score`` and ``lexical_score``. Chunks that the manifest does not list (left by an
    interrupted write) are never returned.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    lexical: LexicalSide
    embeddings: ModelEmbeddings
    k: int = 5
    fetch_k: int = 40
    dense_weight: float = 0.35
    sentence_weight: float = 0.35  # BM25 gets 1 - dense_weight - sentence_weight
    # BM25's weight when most candidates are in another language than the question (the others keep
    # their proportions): an English question shares few words with French passages but their names
    # and numbers. On PIAF asked in English, 0.1 instead of 0.3: hit@5 0.910 -> 0.923, MRR 0.779 -> 0.798.
    lexical_weight_cross: float = 0.1
    # texts -> their cached passage vectors (None where not cached); the indexer caches every sentence.
    # None: no sentence signal.
    sentence_vectors: Callable[[Sequence[str]], list[np.ndarray | None]] | None = None
    mode: str = "hybrid"  # or "dense", "lexical": for benchmarks and debugging
    where: dict[str, Any] | None = None
    # A second look at the best ``rerank_top`` candidates (reranking.py); None: the fused order stands.
    reranker: Reranker | None = None
    rerank_top: int = 10
    rerank_weight: float = 3.0

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None, **kwargs: Any
    ) -> list[Document]:
        if not isinstance(query, str) or not query.strip():
            raise ValueError(f"the retriever takes a question (text that is not empty), not {query!r:.40}")
        _check_arguments(kwargs)
        where = kwargs.get("where", self.where)
        check_chunk_where(where)
        return self.search(query, k=check_k(kwargs.get("k")) or self.k, where=where,
                           query_vector=kwargs.get("query_vector"), language=kwargs.get("language"))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun | None = None, **kwargs: Any
    ) -> list[Document]:
        # BaseRetriever's own takes no arguments: ``ainvoke(question, k=1)`` raised TypeError.
        return await asyncio.get_running_loop().run_in_executor(
            None, functools.partial(self._get_relevant_documents, query, **kwargs))

    def search(self, query: str, k: int | None = None, where: dict[str, Any] | None = None,
               query_vector: np.ndarray | None = None, language: str | None = None,
               _again: bool = False) -> list[Document]:
        """``language``: the question's ("en", "fr"), detected when not given."""
        k = k or self.k
        generation = self.store.generation()
        fetch_k = max(self.fetch_k, k)
        candidates: dict[str, Candidate] = {}
        if query_vector is None and self.mode != "lexical":
            query_vector = self.embeddings.embed_queries([query])[0]
        spread: float | None = None
        if self.mode in ("hybrid", "dense"):
            hits = self.store.dense_search(query_vector, fetch_k, where=where)
            for chunk_id, score in hits:
                candidates[chunk_id] = Candidate(chunk_id, dense=score)
            if len(hits) >= SPREAD_RANK:
                # How far the question's nearest chunk stands above its 40th: a question about something
                # the articles hold stands out; one they do not hold ("What is the price of oil?") sits
                # as close to many chunks. The answerer's refusal reads it (dense_spread).
                scores = sorted((score for _, score in hits), reverse=True)
                spread = scores[0] - scores[SPREAD_RANK - 1]
        allowed = self._allowed_ids(where) if where else None
        if (allowed is not None and self.mode in ("hybrid", "dense")
                and len(candidates) < min(fetch_k, len(allowed)) and len(allowed) <= EXACT_FILTERED):
            # Chroma's filtered vector search can come back short (an approximate graph walk that meets
            # too few of the allowed chunks: a one-article filter then missed its only chunk). A filter
            # that leaves few chunks gets them all, scored exactly from their stored vectors below.
            for chunk_id in allowed.difference(candidates):
                candidates[chunk_id] = Candidate(chunk_id)
        if self.mode in ("hybrid", "lexical"):
            lexical = self.lexical.fresh()
            hits = lexical.search(query, fetch_k if allowed is None else len(lexical))
            if allowed is not None:
                hits = [hit for hit in hits if hit[0] in allowed][:fetch_k]
            for chunk_id, score in hits:
                candidates.setdefault(chunk_id, Candidate(chunk_id)).lexical = score
            # Candidates only the dense side found get their exact BM25 score too, and vice versa.
            missing = [c.chunk_id for c in candidates.values() if c.lexical is None]
            for chunk_id, score in lexical.scores(query, missing).items():
                candidates[chunk_id].lexical = score
        if not candidates:
            return []
        need_vectors = self.mode == "hybrid" and any(c.dense is None for c in candidates.values())
        chunks = self.store.get_chunks(list(candidates), with_vectors=need_vectors)
        if need_vectors:
            for doc, vector in chunks:
                if candidates[doc.id].dense is None and vector is not None:
                    candidates[doc.id].dense = float(vector @ query_vector)
        sentence_weight = self.sentence_weight if self.mode == "hybrid" and self.sentence_vectors else 0.0
        if sentence_weight:
            self._score_sentences(candidates, [doc for doc, _ in chunks], query_vector)
        weights = {"hybrid": (self.dense_weight, sentence_weight), "dense": (1.0, 0.0), "lexical": (0.0, 0.0)}
        dense_weight, sentence_weight = weights[self.mode]
        asked_in = written_in(query, language or question_language(query))  # a German question's own: de
        if self.mode == "hybrid" and self._crosses(asked_in, [d for d, _ in chunks]):
            dense_weight, sentence_weight = self._cross_weights(dense_weight, sentence_weight)
        ranked = fuse(candidates, dense_weight, sentence_weight)
        documents = {doc.id: doc for doc, _ in chunks}
        listed = self._listed_in_manifest(list(documents.values()))
        # Read once: the web app turns a reranker that failed to load off while questions are searched.
        reranker = self.reranker
        wanted = max(k, self.rerank_top) if reranker is not None else k
        results: list[tuple[Document, Candidate]] = []
        skipped = False
        for candidate in ranked:
            doc = documents.get(candidate.chunk_id)
            if doc is None or doc.id not in listed:
                skipped = True
                continue
            doc.metadata.update(score=round(candidate.fused, 6), dense_score=candidate.dense or 0.0,
                                lexical_score=candidate.lexical or 0.0, sentence_score=candidate.sentence or 0.0,
                                dense_spread=None if spread is None else round(spread, 6))
            results.append((doc, candidate))
            if len(results) == wanted:
                break
        if skipped and not _again and self.store.generation() != generation:
            # A writer switched articles while this search ran (it bumps the generation before it does):
            # search again on the new state rather than answer without them.
            return self.search(query, k, where, query_vector, language, _again=True)
        if reranker is not None and len(results) > 1:
            results = self._rerank(reranker, query, results)
        return [doc for doc, _ in results[:k]]

    def _rerank(self, reranker: Reranker, query: str,
                results: list[tuple[Document, Candidate]]) -> list[tuple[Document, Candidate]]:
        """The candidates in the order of their retrieval and reranker scores fused (``rerank_score``).

        The reranker reads each chunk's sentences most like the question (two), not the whole chunk: half
        the text to read, for a ranking as good within a question on 41 PIAF questions (MRR 0.794 against
        0.807 for whole chunks, both reranked).
        """
        passages = [candidate.best_sentences or doc.page_content for doc, candidate in results]
        scores = reranker.scores(query, passages)
        combined = fuse_rerank([candidate.fused for _, candidate in results], scores, self.rerank_weight)
        for (doc, _), score in zip(results, combined, strict=True):
            doc.metadata["rerank_score"] = round(float(score), 6)
        order = np.argsort(-combined, kind="stable")
        return [results[i] for i in order]

    @staticmethod
    def _crosses(language: str, docs: Sequence[Document]) -> bool:
        """Whether most candidates whose language is known are in another language than the question."""
        known = [doc.metadata["language"] for doc in docs if doc.metadata.get("language")]
        return sum(crosses(language, other) for other in known) * 2 > len(known)

    def _cross_weights(self, dense_weight: float, sentence_weight: float) -> tuple[float, float]:
        semantic = dense_weight + sentence_weight
        if semantic <= 0 or 1 - semantic <= self.lexical_weight_cross:
            return dense_weight, sentence_weight  # BM25 already weighs no more than that
        scale = (1 - self.lexical_weight_cross) / semantic
        return dense_weight * scale, sentence_weight * scale

    def _score_sentences(self, candidates: dict[str, Candidate], docs: list[Document],
                         query_vector: np.ndarray) -> None:
        texts = [sentence_texts(doc) for doc in docs]
        vectors = self.sentence_vectors([text for group in texts for text in group])
        query_vector = np.asarray(query_vector, dtype=np.float32)
        position = 0
        for doc, group in zip(docs, texts, strict=True):
            found = [v for v in vectors[position : position + len(group)] if v is not None]
            position += len(group)
            candidate = candidates[doc.id]
            if found and len(found) == len(group):
                similarities = np.stack(found) @ query_vector
                candidate.sentence = float(similarities.max())
                if self.reranker is not None:
                    best = sorted(np.argsort(-similarities)[:RERANK_SENTENCES].tolist())
                    candidate.best_sentences = " ".join(group[i] for i in best)
            else:
                # Not cached (an index written with another cache): embedding them now would cost seconds,
                # so the chunk's own similarity stands in.
                candidate.sentence = candidate.dense

    def _listed_in_manifest(self, docs: list[Document]) -> set[str]:
        articles = self.store.get_articles(sorted({d.metadata.get("doc_id", "") for d in docs}))
        listed: set[str] = set()
        for article in articles.values():
            listed.update(article.chunk_ids)
        return listed

    def _allowed_ids(self, where: dict[str, Any]) -> set[str]:
        ids: set[str] = set()
        for page_ids, _ in self.store.iter_chunk_texts(where=where):
            ids.update(page_ids)
        return ids
