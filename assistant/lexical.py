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
from functools import lru_cache
from pathlib import Path

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

    return frozenset(fold(word) for word in (*STOPWORDS_EN_PLUS, *STOPWORDS_FRENCH))


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("french")


def fold(text: str) -> str:
    """Lower case without accents: "Élysée" and "elysee" are one term."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    stop = _stopwords()
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

    def __len__(self) -> int:
        return len(self._ids)

    def build(self, ids: list[str], texts: list[str], generation: int) -> None:
        import bm25s

        corpus = [tokenize(text) for text in texts]
        model = bm25s.BM25(k1=1.2, b=0.75)
        if ids:
            model.index(corpus, show_progress=False)
        with self._lock:
            self._bm25 = model if ids else None
            self._ids = list(ids)
            self._row = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
            self.generation = generation

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
        tokens = tokenize(query)
        with self._lock:
            model = self._bm25
        if model is None or not tokens:
            return None
        known = [t for t in tokens if t in model.vocab_dict]
        if not known:
            return np.zeros(len(self._ids), dtype=np.float32)
        return np.asarray(model.get_scores(known), dtype=np.float32)
