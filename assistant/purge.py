"""Purge what removed (or replaced) articles leave behind in an embedded index's files.

Removing an article deletes its records, but its text stays readable on disk until this runs:

- Chroma's write-ahead log (the ``embeddings_queue`` table of ``chroma.sqlite3``) keeps every write, full
  text included, until the vector index next saves itself (every 1,000 writes), so a removed article's
  text, title, source and names were live rows that any ``sqlite3`` reader could select;
- SQLite keeps deleted rows in free pages, and the full-text index (FTS5) their words, until VACUUM;
- the embedding cache keeps the vectors of the removed texts, by their SHA-1 (which tells that a given
  text was indexed).

The log rows that a later write of the same id made obsolete (a delete, or an upsert that replaced them)
are emptied of their metadata: Chroma's metadata segment has applied them already (its position in the
log is past them), and its vector segment, which replays the log at open, reads only their vectors.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .embeddings import EmbeddingCache
from .indexer import Indexer, write_lock
from .retrieval import sentence_texts
from .store import StoreError

DELETE_OPERATION = 3  # Chroma's log code for a delete
BUSY_TIMEOUT_MS = 30_000  # how long VACUUM waits for a reader's transaction (a question) to end


class PurgeError(StoreError):
    """The traces could not be purged: the index is on a Chroma server, or its files are in use."""


@dataclass
class PurgeReport:
    log_records_scrubbed: int = 0  # Chroma log rows emptied of the text they held
    cached_vectors_dropped: int = 0  # embedding-cache entries of removed texts
    bytes_before: int = 0  # chroma.sqlite3 and the cache, before and after compacting
    bytes_after: int = 0

    def summary(self) -> str:
        return (f"purged: {self.log_records_scrubbed} obsolete log records emptied, "
                f"{self.cached_vectors_dropped} cached vectors dropped; "
                f"{self.bytes_before:,} bytes -> {self.bytes_after:,} bytes")


def purge(indexer: Indexer, wait: bool = False) -> PurgeReport:
    """Empty the obsolete log rows, drop the removed texts' cached vectors, compact both SQLite files."""
    settings = indexer.settings
    store = indexer.store
    if store.remote:
        raise PurgeError(
            f"cannot purge {store.location}: its files (chroma.sqlite3) are on the Chroma server's machine; "
            "removed articles are gone from every answer, search and listing, but their text may stay in the "
            "server's files until they are purged: run `assistant purge-chroma PATH` on the server's machine, "
            "PATH being its `chroma run --path`")
    database = settings.index_dir / "chroma" / "chroma.sqlite3"
    cache_file = settings.embedding_cache or settings.index_dir / "embedding-cache.sqlite"
    report = PurgeReport()
    # The write lock: no run writes to the log while its rows are rewritten.
    with write_lock(settings.index_dir, wait=wait, store=store):
        report.bytes_before = _size(database) + _size(cache_file)
        removed_texts = _scrub_log(database, report)
        report.cached_vectors_dropped = _drop_cached(indexer.cache, removed_texts, _live_texts(indexer))
        _compact(database, full_text=True)
        _compact(cache_file, full_text=False)
        report.bytes_after = _size(database) + _size(cache_file)
    return report


def _scrub_log(database: Path, report: PurgeReport) -> list[str]:
    """Empty the log rows that a later write of their id made obsolete; the texts of those deleted for good."""
    removed: list[str] = []
    with _connect(database) as db:
        db.execute("BEGIN IMMEDIATE")  # no other process writes to the log between reading and rewriting it
        applied = _applied(db)
        rows = db.execute("SELECT seq_id, operation, topic, id, metadata FROM embeddings_queue").fetchall()
        last: dict[tuple[str, str], tuple[int, int]] = {}
        for seq_id, operation, topic, record_id, _ in rows:
            if seq_id > last.get((topic, record_id), (-1, 0))[0]:
                last[topic, record_id] = (seq_id, operation)
        obsolete = []
        for seq_id, _, topic, record_id, metadata in rows:
            final_seq, final_operation = last[topic, record_id]
            # Only rows the metadata segment has applied, with the later write that replaced them: it will
            # never read them again.
            if final_seq == seq_id or final_seq > applied.get(topic, -1) or metadata in (None, "{}"):
                continue
            obsolete.append(seq_id)
            if final_operation == DELETE_OPERATION:
                removed.extend(_chunk_texts(metadata))
        db.executemany("UPDATE embeddings_queue SET metadata = '{}' WHERE seq_id = ?", [(s,) for s in obsolete])
        db.execute("COMMIT")
        report.log_records_scrubbed = len(obsolete)
    return removed


def _applied(db: sqlite3.Connection) -> dict[str, int]:
    """How far each collection's metadata segment has read the log, by the log's topic for the collection."""
    rows = db.execute(
        "SELECT s.collection, m.seq_id FROM segments s JOIN max_seq_id m ON m.segment_id = s.id "
        "WHERE s.scope = 'METADATA'").fetchall()
    return {f"persistent://default/default/{collection}": int(seq_id) for collection, seq_id in rows}


def purge_folder(folder: Path) -> PurgeReport:
    """Purge a Chroma folder's own files (``chroma run --path FOLDER``), on the machine that holds them: the
    obsolete log rows and free pages. The clients' embedding caches are their own (``assistant purge`` there
    cannot tell the removed texts, which only this log held: their vectors stay, keyed by hash)."""
    database = Path(folder) / "chroma.sqlite3"
    if not database.is_file():
        raise PurgeError(f"cannot purge {folder}: no chroma.sqlite3 there (give the folder of `chroma run --path`)")
    report = PurgeReport(bytes_before=_size(database))
    _scrub_log(database, report)
    _compact(database, full_text=True)
    report.bytes_after = _size(database)
    return report


def _chunk_texts(metadata: str) -> list[str]:
    """A chunk record's text and its sentences' (the texts the cache holds vectors of); none for other records."""
    try:
        fields = json.loads(metadata)
        text = fields["chroma:document"]
        start = int(fields["start"])
        spans = json.loads(fields["sentences"])
    except (ValueError, KeyError, TypeError):
        return []
    return [text, *(text[a - start : b - start] for a, b in spans)]


def _live_texts(indexer: Indexer) -> Iterator[str]:
    """The texts whose vectors the index still reads: its chunks' and their sentences'."""
    for chunk in indexer.store.iter_chunks():
        yield chunk.page_content
        yield from sentence_texts(chunk)


def _drop_cached(cache: EmbeddingCache, texts: Sequence[str], live: Iterable[str]) -> int:
    if not texts:  # nothing removed since the last purge: no need to read every chunk
        return 0
    # A sentence that a kept article also writes keeps its vector: without it, that article's passage loses
    # its sentence score at every question.
    kept = {EmbeddingCache.digest(text) for text in live}
    # Every model's vector of the text: the cache may be shared by indexes of other models.
    return cache.forget([digest for digest in map(EmbeddingCache.digest, texts) if digest not in kept])


def _compact(path: Path, full_text: bool) -> None:
    """Rewrite the file without its free pages (and merge the full-text index, whose deleted words stay in
    its older segments), then empty its write-ahead log."""
    if not path.exists():
        return
    with _connect(path) as db:
        if full_text and db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'embedding_fulltext_search'").fetchone():
            db.execute("INSERT INTO embedding_fulltext_search(embedding_fulltext_search) VALUES ('optimize')")
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class _connect:
    """A connection to one of the index's SQLite files, its errors said as the file and the reason."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA secure_delete = ON")  # pages freed by this connection are zeroed
        except sqlite3.Error as error:
            self._close()
            raise PurgeError(f"cannot purge {self.path}: {error} (another process holds it: try again)") from error
        return self.db

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if isinstance(error, sqlite3.Error):
                raise PurgeError(f"cannot purge {self.path}: {error} (another process holds it: try again)") \
                    from error
        finally:
            self._close()

    def _close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return sum(p.stat().st_size for p in (path, wal) if p.exists())
