"""Incremental indexing: only what changed is embedded, and an interrupted run loses nothing.

Per source, the order of writes is: new chunks (content-addressed ids, so a retry rewrites the same
records), then the article record that lists them, then removal of the chunks it no longer lists.
Readers trust only chunks their article lists, so at every point they see the old or the new version,
and the next run (or ``check --repair``) clears what an interrupted one left behind.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from langchain_core.documents import Document

from .chunking import chunk_document, chunk_sentences
from .embed_ahead import embed_ahead
from .embeddings import EmbeddingCache, ModelEmbeddings
from .loaders import LoadError, iter_files, load_file
from .retrieval import LexicalSide
from .settings import Settings
from .store import Article, Store
from .types import IndexReport

Progress = Callable[[int, int, str], None]


class IndexBusyError(RuntimeError):
    """Another process is writing to this index."""


@contextmanager
def write_lock(index_dir: Path, wait: bool = False, timeout: float = 600.0):
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / "write.lock"))
    try:
        lock.acquire(timeout=timeout if wait else 0)
    except Timeout as error:
        raise IndexBusyError(
            f"index busy: another process is writing to {index_dir} (wait for it, or use --wait)"
        ) from error
    try:
        yield
    finally:
        lock.release()


class Indexer:
    def __init__(self, settings: Settings, store: Store, embeddings: ModelEmbeddings, cache: EmbeddingCache,
                 lexical: LexicalSide) -> None:
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.cache = cache
        self.lexical = lexical

    def index(self, paths: Iterable[str | os.PathLike[str]], *, prune: bool = False, wait: bool = False,
              progress: Progress | None = None) -> IndexReport:
        started = time.perf_counter()
        report = IndexReport()
        paths = [Path(p).expanduser() for p in paths]
        with write_lock(self.settings.index_dir, wait=wait):
            manifest = self.store.get_articles()
            by_source = {a.source: a for a in manifest.values()}
            by_hash = {a.content_hash: a.source for a in manifest.values() if not a.duplicate_of}
            files = embed_ahead(list(iter_files(paths)), self, manifest)  # embeds coming files in batches
            seen: set[str] = set()
            changed = False
            for position, item in enumerate(files, start=1):
                if isinstance(item, LoadError):
                    report.failed[item.source] = item.reason
                    continue
                source = str(item)
                seen.add(source)
                if progress:
                    progress(position, len(files), source)
                document = load_file(item, max_bytes=int(self.settings.max_file_mb * 1e6))
                if isinstance(document, LoadError):
                    report.failed[document.source] = document.reason
                    continue
                old = by_source.get(source)
                digest = document.metadata["content_hash"]
                if old and old.content_hash == digest and self._complete(old):
                    report.unchanged.append(source)
                    continue
                twin = by_hash.get(digest)
                if twin and twin != source:
                    self._record_duplicate(document, twin)
                    report.duplicates[source] = twin
                    (report.updated if old else report.added).append(source)
                    changed = True
                    continue
                try:
                    report.chunks_added += self._write(document)
                except Exception as error:  # one bad document must not end the batch
                    report.failed[source] = f"indexing failed: {error}"
                    continue
                by_hash[digest] = source
                (report.updated if old else report.added).append(source)
                changed = True
            if prune:
                for article in list(manifest.values()):
                    if article.source in seen or not _is_under(article.source, paths):
                        continue
                    if not Path(article.source).exists():
                        self._remove(article)
                        report.removed.append(article.source)
                        changed = True
            if changed:
                self.refresh()
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, sources: Sequence[str], wait: bool = False) -> IndexReport:
        report = IndexReport()
        with write_lock(self.settings.index_dir, wait=wait):
            manifest = self.store.get_articles()
            for source in sources:
                wanted = {source, str(Path(source).expanduser().absolute())}
                matches = [a for a in manifest.values() if a.source in wanted]
                if not matches:
                    report.failed[source] = "not in the index"
                    continue
                for article in matches:
                    self._remove(article)
                    report.removed.append(article.source)
            if report.removed:
                self.refresh()
        return report

    def refresh(self) -> None:
        """Tell readers the index moved, and rebuild the BM25 side once for all of them."""
        generation = self.store.bump_generation()
        self.lexical.rebuild(generation)

    # -- internals
    def _complete(self, article: Article) -> bool:
        return bool(article.chunk_ids) or bool(article.duplicate_of)

    def _write(self, document: Document) -> int:
        meta = document.metadata
        chunks = chunk_document(document, self.settings.chunk_size, self.settings.chunk_overlap)
        sentence_texts: list[str] = []
        for chunk in chunks:
            spans = chunk_sentences(chunk)
            chunk.metadata["sentences"] = json.dumps(spans)
            start = chunk.metadata["start"]
            sentence_texts.extend(chunk.page_content[a - start : b - start] for a, b in spans)
        vectors = self.cache.embed(self.embeddings, [c.page_content for c in chunks],
                                   batch_size=self.settings.embed_batch_size)
        # Sentence vectors are what the extractive answerer compares with the question: computing them
        # now keeps question time to one query embedding.
        if self.settings.index_sentence_vectors:
            self.cache.embed(self.embeddings, sentence_texts, batch_size=self.settings.embed_batch_size)
        self.store.add_chunks(chunks, vectors)
        new_ids = [c.metadata["chunk_id"] for c in chunks]
        article = Article(
            doc_id=meta["doc_id"], source=meta["source"], title=meta["title"], content_hash=meta["content_hash"],
            language=meta["language"], published=meta.get("published", ""), indexed_at=time.time(),
            chunk_ids=new_ids, format=meta.get("format", ""),
        )
        self.store.put_article(article, document.page_content)
        stale = set(self.store.chunk_ids_of(meta["doc_id"])) - set(new_ids)
        self.store.delete_chunks(sorted(stale))
        return len(chunks)

    def _record_duplicate(self, document: Document, twin: str) -> None:
        meta = document.metadata
        article = Article(
            doc_id=meta["doc_id"], source=meta["source"], title=meta["title"], content_hash=meta["content_hash"],
            language=meta["language"], published=meta.get("published", ""), indexed_at=time.time(),
            chunk_ids=[], format=meta.get("format", ""), duplicate_of=twin,
        )
        self.store.put_article(article, document.page_content)
        self.store.delete_chunks(self.store.chunk_ids_of(meta["doc_id"]))

    def _remove(self, article: Article) -> None:
        self.store.delete_article(article.doc_id)
        self.store.delete_chunks(sorted(set(article.chunk_ids) | set(self.store.chunk_ids_of(article.doc_id))))


def _is_under(source: str, roots: Sequence[Path]) -> bool:
    path = Path(source)
    for root in roots:
        root = root.absolute()
        if path == root or root in path.parents:
            return True
    return False
