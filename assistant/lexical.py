"""The BM25 side of hybrid retrieval: bm25s over accent-folded, stop-word-free, stemmed tokens.

The index is derived data: it is rebuilt from the store's chunk texts when the store's generation
moves, and persisted beside the index so that neither a question nor a start rebuilds it.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

    return frozenset(fold(word) for word in (*STOPWORDS_EN_PLUS, *STOPWORDS_FRENCH))


# Words that make a sentence a question but say nothing of its subject. They are kept in passages
# (where "quand" or "comment" can be content) and dropped from queries only: a rare "quel" in one passage
# would otherwise pull that passage up for every "Quel ... ?" question.
QUESTION_WORDS = frozenset(
    "quel quelle quels quelles lequel laquelle lesquels lesquelles combien quand comment pourquoi quoi "
    "cela ceci whose many much".split()
)


@lru_cache(maxsize=1)
def _query_stopwords() -> frozenset[str]:
    return _stopwords() | QUESTION_WORDS


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("french")


def stop_words(query: bool = False) -> frozenset[str]:
    """French and English stop words (folded); with ``query``, question words such as "quel" too."""
    return _query_stopwords() if query else _stopwords()


def fold(text: str) -> str:
    """Lower case without accents: "Élysée" and "elysee" are one term."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str, query: bool = False) -> list[str]:
    stop = _query_stopwords() if query else _stopwords()
    words = [w for w in _TOKEN.findall(fold(text)) if w not in stop and (len(w) > 1 or w.isdigit())]
    return _stemmer().stemWords(words)


class LexicalIndex:
    """BM25 over chunk ids; ``scores`` gives every candidate's score, not only the top ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = -1
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._bm25 = None
        self._lock = threading.Lock()
        # The retriever asks for the top hits and then for a few more chunks' scores with the same query:
        # the last query's scores are kept so the corpus is scored once per question.
        self._last: tuple[object, str, np.ndarray | None] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def build(self, ids: list[str], texts: list[str], generation: int) -> None:
        self.build_pages([(ids, texts)], generation)

    def build_pages(self, pages: Iterable[tuple[list[str], list[str]]], generation: int) -> None:
        """Build from ``(ids, texts)`` pages, keeping only token ids and counts, never the texts.

        Memory grows with the postings (distinct terms per chunk), not with the text, so the store can
        be paged through whatever its size. Scores are bm25s's (Lucene variant, k1=1.2, b=0.75), and the
        result is a plain ``bm25s.BM25`` that saves and loads as before.
        """
        vocab: dict[str, int] = {}
        ids: list[str] = []
        rows: list[np.ndarray] = []  # per page: the distinct terms of each chunk, chunk by chunk
        terms: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        for page_ids, page_texts in pages:
            first = len(ids)
            ids.extend(page_ids)
            page_terms: list[int] = []
            page_rows: list[int] = []
            page_lengths = np.zeros(len(page_texts), dtype=np.int32)
            for offset, text in enumerate(page_texts):
                tokens = tokenize(text)
                page_lengths[offset] = len(tokens)
                page_terms.extend(vocab.setdefault(token, len(vocab)) for token in tokens)
                page_rows.extend([first + offset] * len(tokens))
            # One vectorised count per page: (row, term) pairs -> distinct pairs with their frequency.
            keys = (np.asarray(page_rows, dtype=np.int64) << 32) | np.asarray(page_terms, dtype=np.int64)
            unique, freq = np.unique(keys, return_counts=True)
            rows.append((unique >> 32).astype(np.int32))
            terms.append((unique & 0xFFFFFFFF).astype(np.int32))
            counts.append(freq.astype(np.float32))
            lengths.append(page_lengths)
        model = _bm25_from_postings(
            np.concatenate(rows) if rows else np.zeros(0, np.int32),
            np.concatenate(terms) if terms else np.zeros(0, np.int32),
            np.concatenate(counts) if counts else np.zeros(0, np.float32),
            np.concatenate(lengths) if lengths else np.zeros(0, np.int32),
            vocab,
        ) if ids else None
        with self._lock:
            self._bm25 = model
            self._ids = ids
            self._row = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
            self.generation = generation
            self._last = None

    def save(self) -> None:
        tmp = self.folder.with_name(self.folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"))
        (tmp / "ids.json").write_text(json.dumps({"generation": self.generation, "ids": self._ids}))
        # Swap folders so that a reader never sees half a save.
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        tmp.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def load(self) -> bool:
        import bm25s

        try:
            meta = json.loads((self.folder / "ids.json").read_text())
            model = bm25s.BM25.load(str(self.folder / "bm25")) if meta["ids"] else None
        except (OSError, ValueError, KeyError):
            return False
        with self._lock:
            self._bm25 = model
            self._ids = meta["ids"]
            self._row = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
            self.generation = int(meta["generation"])
            self._last = None
        return True

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        scores = self._all_scores(query)
        if scores is None or not len(scores):
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def scores(self, query: str, ids: list[str]) -> dict[str, float]:
        scores = self._all_scores(query)
        if scores is None:
            return {}
        return {i: float(scores[self._row[i]]) for i in ids if i in self._row}

    def _all_scores(self, query: str) -> np.ndarray | None:
        with self._lock:
            model, last = self._bm25, self._last
        if last is not None and last[0] is model and last[1] == query:
            return last[2]
        scores = _score(model, tokenize(query, query=True))
        with self._lock:
            if self._bm25 is model:
                self._last = (model, query, scores)
        return scores


def _score(model, tokens: list[str]) -> np.ndarray | None:
    """Every chunk's BM25 score for the query terms (each occurrence counts, as in bm25s)."""
    if model is None or not tokens:
        return None
    n_docs = int(model.scores["num_docs"])
    term_ids = [model.vocab_dict[t] for t in tokens if t in model.vocab_dict]
    if not term_ids:
        return np.zeros(n_docs, dtype=np.float32)
    data, indices, indptr = model.scores["data"], model.scores["indices"], model.scores["indptr"]
    # bincount over the query terms' postings: what bm25s computes with np.add.at, many times faster
    # on large corpora where a common term has hundreds of thousands of postings.
    slices = [slice(int(indptr[t]), int(indptr[t + 1])) for t in term_ids]
    rows = np.concatenate([indices[s] for s in slices])
    weights = np.concatenate([data[s] for s in slices]).astype(np.float64)
    return np.bincount(rows, weights=weights, minlength=n_docs).astype(np.float32)


def _bm25_from_postings(rows: np.ndarray, terms: np.ndarray, counts: np.ndarray, lengths: np.ndarray,
                        vocab: dict[str, int]):
    """A ``bm25s.BM25`` from (chunk, term, frequency) postings, with bm25s's own Lucene formulas."""
    import bm25s
    from scipy.sparse import csr_matrix

    model = bm25s.BM25(k1=1.2, b=0.75)
    n_docs, n_vocab = len(lengths), len(vocab)
    doc_freq = np.bincount(terms, minlength=n_vocab).astype(np.float64)
    idf = np.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))
    average = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
    norm = model.k1 * ((1 - model.b) + model.b * lengths[rows] / average)
    scores = (idf[terms] * (counts / (norm + counts))).astype(np.float32)
    # Postings arrive chunk by chunk (CSR); bm25s keeps them term by term (CSC).
    row_ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=row_ptr[1:])
    matrix = csr_matrix((scores, terms, row_ptr), shape=(n_docs, n_vocab)).tocsc()
    matrix.sort_indices()
    model.scores = {"data": matrix.data.astype(np.float32), "indices": matrix.indices.astype(np.int32),
                    "indptr": matrix.indptr.astype(np.int64), "num_docs": n_docs}
    model.vocab_dict = dict(vocab)
    model.unique_token_ids_set = set(vocab.values())
    model.nonoccurrence_array = None
    return model
