"""The Chroma store: chunk vectors, and the article records that double as the index manifest.

Two collections: ``chunks`` (text, vector and offsets of every chunk, searched through langchain-chroma)
and ``articles`` (one record per source: full text, content hash, chunk ids). The chunks collection's
metadata records the embedding model, so an index is never searched with vectors of another model, and
a ``generation`` counter that tells readers (and the BM25 side) that the index changed.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from langchain_chroma import Chroma
from langchain_core.documents import Document

# A name imported "as" itself is re-exported: the modules and tests that import it from here did so before the
# errors and the client moved to modules of their own.
from .chroma_client import file_id, fresh_embedded_client, make_client, shown_location
from .chroma_client import holds_index as holds_index
from .chroma_client import make_index_folder as make_index_folder
from .chroma_client import opening as opening
from .embeddings import ModelEmbeddings
from .loaders import READER, RECORD
from .store_errors import ModelMismatchError as ModelMismatchError
from .store_errors import StoreError as StoreError
from .store_errors import StoreFullError as StoreFullError
from .store_errors import StoreStoppedError as StoreStoppedError
from .store_errors import StoreUnreachableError as StoreUnreachableError
from .store_errors import logged_anyway, reaching
from .store_errors import room as room

CHUNKS = "chunks"
ARTICLES = "articles"
WRITERS = "writers"  # a Chroma server's write lease (``Store.take_lease``)
SCHEMA = 1
_PAGE = 2000
# How widely Chroma's vector graph is searched. Its default, 100, missed 0.4 % of the 40 nearest chunks
# on PIAF (up to 3 of a question's 40), and which ones changed from one process to the next (the graph
# is rebuilt when an index is opened), so a question could rank its passages otherwise after a restart.
# 200 misses 0.01 %, in the same time at this size (bench/scale.py gives it at 100k).
EF_SEARCH = 200

log = logging.getLogger(__name__)


# A replaced Chroma system is stopped this long after its replacement, not at once: a search that began on
# it in another thread finishes first. Left to the garbage collector, each kept about 16 files open until a
# full collection, which a large process seldom runs: a web app following a cron job's reindexing gained 16
# open files at every run, until the system's limit (1,024 by default) refused it any more.
RETIRE_AFTER_S = 60.0
# Reopenings of a stale vector index (another process deleted chunks it lists) before a search gives up.
STALE_REOPENS = 3
# A Chroma server's write lease: how long it holds without being renewed (a writer that died keeps the index that
# long), and how long a writer that wrote it waits before it reads who holds it.
LEASE_SECONDS = 120.0
LEASE_SETTLE = 0.5
LEASE_ID = "lease"


@dataclass
class Article:
    """One indexed source, as the manifest knows it."""

    doc_id: str
    source: str
    title: str
    content_hash: str
    language: str
    published: str
    indexed_at: float
    chunk_ids: list[str]
    format: str = ""
    duplicate_of: str = ""
    # The file as it was when read: a reindex skips a file whose size and mtime still match without
    # reading it, and one whose bytes still hash the same without parsing it.
    file_size: int = -1
    file_mtime_ns: int = 0
    file_hash: str = ""
    checked_ns: int = 0  # when that stat was taken (an mtime this close to it is not trusted)
    author: str = ""  # as its byline or metadata names them; "" when it names none
    reader: int = 0  # the ``loaders.READER`` that read it; 0: a version from before the field
    url: str = ""  # where an article given in memory was published (``Assistant.index_records``), if it says

    @property
    def read_by_earlier_version(self) -> bool:
        """Read by an earlier version of the file reader: the next ``index`` reads its file again, once. An
        article given in memory has no file to read again: it is as it was given."""
        return self.reader < READER and self.format != RECORD

    @classmethod
    def from_record(cls, doc_id: str, meta: dict[str, Any]) -> Article:
        return cls(
            doc_id=doc_id,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            content_hash=str(meta.get("content_hash", "")),
            language=str(meta.get("language", "")),
            published=str(meta.get("published", "")),
            indexed_at=float(meta.get("indexed_at", 0.0)),
            chunk_ids=json.loads(str(meta.get("chunk_ids", "[]"))),
            format=str(meta.get("format", "")),
            duplicate_of=str(meta.get("duplicate_of", "")),
            file_size=int(meta.get("file_size", -1)),
            file_mtime_ns=int(meta.get("file_mtime_ns", 0)),
            file_hash=str(meta.get("file_hash", "")),
            checked_ns=int(meta.get("checked_ns", 0)),
            author=str(meta.get("author", "")),
            reader=int(meta.get("reader", 0)),
            url=str(meta.get("url", "")),
        )

    def to_metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "content_hash": self.content_hash,
            "language": self.language,
            "published": self.published,
            "indexed_at": self.indexed_at,
            "chunk_ids": json.dumps(self.chunk_ids),
            "n_chunks": len(self.chunk_ids),
            "format": self.format,
            "url": self.url,
            "duplicate_of": self.duplicate_of,
            "file_size": self.file_size,
            "file_mtime_ns": self.file_mtime_ns,
            "file_hash": self.file_hash,
            "checked_ns": self.checked_ns,
            "author": self.author,
            "reader": self.reader,
        }


class Store:
    """Chunks and articles in Chroma (embedded folder or server), for one embedding model."""

    def __init__(self, index_dir: Path, embeddings: ModelEmbeddings, chroma_url: str | None = None,
                 namespace: str = "", timeout: float = 60.0, token: str | None = None) -> None:
        self.index_dir = index_dir
        self.embeddings = embeddings
        self.location = shown_location(index_dir, chroma_url, namespace)
        self.disk = None if chroma_url else index_dir  # where a full disk is looked for
        self._private_system: Any = None  # the system of a reopened client: this store's alone to stop
        self._retired: list[tuple[float, Callable[[], None]]] = []  # (when, how to release) replaced clients
        self.client = make_client(index_dir, chroma_url, timeout, token)
        self._database = None if chroma_url else file_id(index_dir / "chroma" / "chroma.sqlite3")
        try:
            self._open(embeddings, chroma_url, namespace)
        except BaseException:
            self.close()
            raise

    def _open(self, embeddings: ModelEmbeddings, chroma_url: str | None, namespace: str) -> None:
        # A namespace lets several indexes share one Chroma server.
        prefix = self._prefix = f"{namespace}_" if namespace else ""
        self._chunks = self.client.get_or_create_collection(
            prefix + CHUNKS,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
            metadata={"embedding_model": embeddings.model_id, "dim": embeddings.dim, "schema": SCHEMA,
                      "generation": 0},
        )
        self._articles = self.client.get_or_create_collection(
            prefix + ARTICLES, embedding_function=None, configuration={"hnsw": {"space": "l2"}}
        )
        recorded = (self._chunks.metadata or {}).get("embedding_model")
        if recorded and recorded != embeddings.model_id:
            if self._chunks.count() or self._articles.count():
                raise ModelMismatchError(self.location, str(recorded), embeddings.model_id,
                                         server=chroma_url is not None)
            # Nothing indexed yet: the collection was only made by a reader (a web app started before the
            # first index run), and is the first writer's, whatever its model.
            self._chunks.modify(metadata={**(self._chunks.metadata or {}), "embedding_model": embeddings.model_id,
                                          "dim": embeddings.dim})
        with reaching(self.location) if chroma_url else nullcontext():
            self.vectorstore = Chroma(client=getattr(self.client, "_target", self.client),
                                      collection_name=prefix + CHUNKS, embedding_function=embeddings,
                                      create_collection_if_not_exists=False)
        self._embedded = chroma_url is None
        # Unknown: this process may have opened the folder before (Chroma keeps one system per folder),
        # and other processes may have written since; the first search reopens once to be sure.
        self._seen_generation = -1
        self._reopen_lock = threading.Lock()
        self._search_widely()

    # -- the write lease of a Chroma server: the index folder's file lock keeps apart the writers of one machine
    # only, and two web apps behind a load balancer (uploads), or a cron job on a third machine, wrote at once.
    # A record in a collection of its own says who writes and until when; a writer renews it while it runs, so
    # one that died holds the index LEASE_SECONDS at most.
    @property
    def remote(self) -> bool:
        return not self._embedded

    @cached_property
    def writer(self) -> str:
        """This store's name as a lease holder: the machine and process, as another writer's message shows it."""
        return f"{socket.gethostname()} (process {os.getpid()}, {uuid.uuid4().hex[:6]})"

    def take_lease(self) -> str | None:
        """Hold the server's write lease: None once held, else the writer that holds it (an embedded index
        needs none: its file lock is in the one folder every writer shares)."""
        if not self.remote:
            return None
        holder = self._lease_holder()
        if holder not in (None, self.writer):
            return holder
        self._write_lease()
        # Two writers that found it free at the same moment both wrote it: the one written last holds it, as
        # both read once the other has written.
        time.sleep(LEASE_SETTLE)
        holder = self._lease_holder()
        return None if holder in (None, self.writer) else holder

    def renew_lease(self) -> None:
        if self.remote and self._lease_holder() in (None, self.writer):
            self._write_lease()

    def release_lease(self) -> None:
        if self.remote and self._lease_holder() == self.writer:
            self._writers.delete(ids=[LEASE_ID])

    @cached_property
    def _writers(self) -> Any:
        return self.client.get_or_create_collection(self._prefix + WRITERS, embedding_function=None,
                                                    configuration={"hnsw": {"space": "l2"}})

    def _lease_holder(self) -> str | None:
        got = self._writers.get(ids=[LEASE_ID], include=["metadatas"])
        if not got["ids"]:
            return None
        lease = got["metadatas"][0] or {}
        return str(lease.get("holder")) if float(lease.get("until", 0)) > self._server_time() else None

    def _write_lease(self) -> None:
        self._writers.upsert(ids=[LEASE_ID], embeddings=[[1.0]], documents=[""],
                             metadatas=[{"holder": self.writer, "until": self._server_time() + LEASE_SECONDS}])

    def _server_time(self) -> float:
        """The Chroma server's clock (its heartbeat), in seconds: every writer reads the lease by the same clock,
        where each machine's own let one whose clock ran minutes ahead take a lease another still held."""
        return self.client.heartbeat() / 1e9

    def close(self) -> None:
        """Release the Chroma client (an embedded folder's system stops with its last client), and those it
        replaced."""
        self._retired.append((0.0, self._releaser()))
        self._release_retired(older_than=0.0)

    def _releaser(self) -> Callable[[], None]:
        """How to let go of the current client: a reopened one's system is stopped; the folder's shared
        system is released, and Chroma stops it with its last client in this process."""
        return self._private_system.stop if self._private_system is not None else self.client.close

    def _release_retired(self, older_than: float) -> None:
        now = time.monotonic()
        keep = []
        for since, release in self._retired:
            if now - since < older_than:
                keep.append((since, release))
                continue
            try:
                release()
            except Exception:  # a server gone, a system already stopped: nothing more to release
                log.debug("releasing a Chroma client of %s failed", self.location, exc_info=True)
        self._retired = keep

    def _search_widely(self) -> None:
        """An index made before ``EF_SEARCH`` was set gets it (once: it is stored with the collection)."""
        hnsw = (self._chunks.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search", EF_SEARCH) >= EF_SEARCH:
            return
        try:
            self._chunks.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        except Exception as error:  # a full disk, a server that refuses: the index still answers as it did
            log.warning("%s: could not widen the vector search (%s); searching as before", self.location, error)
            return
        # An embedded Chroma reads the setting when it opens the collection.
        self.follow_other_writers(force=True)

    def deleted(self) -> bool:
        """Whether the index folder was deleted (or deleted and made again) since this store opened it: Chroma
        goes on reading and writing the deleted files, where nothing will find them again."""
        return self._database is not None and file_id(self.index_dir / "chroma" / "chroma.sqlite3") != self._database

    def follow_other_writers(self, force: bool = False) -> None:
        """Reopen an embedded Chroma that another process has changed since it was opened.

        Chroma reads its vector index at open and does not see what another process writes later (its
        SQLite records it does see): a long-running reader would search stale vectors, and fail on the
        ids of deleted chunks, until restarted. Writers bump the generation when they commit, so a reader
        reopens once per commit (or when a search hits a deleted chunk: ``force``).
        """
        if not self._embedded or (not force and self.generation() == self._seen_generation):
            return
        with self._reopen_lock:
            generation = self.generation()
            if not force and generation == self._seen_generation:
                return
            client, system = fresh_embedded_client(self.index_dir)
            try:
                chunks = client.get_collection(self._chunks.name, embedding_function=None)
                articles = client.get_collection(self._articles.name, embedding_function=None)
                vectorstore = Chroma(client=client, collection_name=chunks.name, embedding_function=self.embeddings,
                                     create_collection_if_not_exists=False)
            except BaseException:
                system.stop()
                raise
            self._retired.append((time.monotonic(), self._releaser()))
            self.client, self._chunks, self._articles, self.vectorstore = client, chunks, articles, vectorstore
            self._private_system = system
            self._seen_generation = generation
            self._release_retired(older_than=RETIRE_AFTER_S)

    # -- generation: readers compare it to decide whether derived data (BM25) is stale
    def identity(self) -> str:
        """Which store this is (its chunk collection's id): derived data is also of one store."""
        return str(self._chunks.id)

    def generation(self) -> int:
        """The index's generation, read at every question; an index that another writer's embedding model took
        over since this store opened it (empty then: a web app started before the first ingest, which ran with
        another model) is refused here, as at opening: its questions were searched with vectors of the wrong
        model, and answered."""
        metadata = self.client.get_collection(self._chunks.name, embedding_function=None).metadata or {}
        recorded = metadata.get("embedding_model")
        if recorded and recorded != self.embeddings.model_id:
            raise ModelMismatchError(self.location, str(recorded), self.embeddings.model_id, server=self.remote)
        return int(metadata.get("generation", 0))

    def bump_generation(self) -> int:
        meta = dict(self.client.get_collection(self._chunks.name, embedding_function=None).metadata or {})
        meta["generation"] = int(meta.get("generation", 0)) + 1
        meta.pop("hnsw:space", None)
        self._chunks.modify(metadata=meta)
        self._seen_generation = meta["generation"]  # this process's own writes need no reopening
        return meta["generation"]

    # -- chunks
    def add_chunks(self, chunks: Sequence[Document], vectors: np.ndarray) -> None:
        for start in range(0, len(chunks), _PAGE):
            part = chunks[start : start + _PAGE]
            self._chunks.upsert(
                ids=[c.metadata["chunk_id"] for c in part],
                documents=[c.page_content for c in part],
                embeddings=vectors[start : start + _PAGE],
                metadatas=[_clean_metadata(c.metadata) for c in part],
            )

    def delete_chunks(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self._chunks.delete(ids=list(ids[start : start + _PAGE]))

    def chunk_ids_of(self, doc_id: str) -> list[str]:
        return list(self._chunks.get(where={"doc_id": doc_id}, include=[])["ids"])

    def count_chunks(self) -> int:
        return self._chunks.count()

    def count_articles(self) -> int:
        return self._articles.count()

    def any_chunk(self, where: dict) -> bool:
        """Whether some chunk matches this Chroma ``where`` (one id fetched, whatever the index size)."""
        return bool(self._chunks.get(where=where, limit=1, include=[])["ids"])

    def get_chunks(self, ids: Sequence[str], with_vectors: bool = False,
                   where: dict | None = None) -> list[tuple[Document, np.ndarray | None]]:
        """These chunks (those still stored and, with ``where``, matching it), in the order of ``ids``."""
        if not ids:
            return []
        got = self._get_chunk_records(list(ids), with_vectors, where)
        with_vectors = with_vectors and got.get("embeddings") is not None
        by_id = {}
        for i, chunk_id in enumerate(got["ids"]):
            vector = np.asarray(got["embeddings"][i], dtype=np.float32) if with_vectors else None
            by_id[chunk_id] = (Document(page_content=got["documents"][i], metadata=dict(got["metadatas"][i]),
                                        id=chunk_id), vector)
        return [by_id[i] for i in ids if i in by_id]

    def _get_chunk_records(self, ids: list[str], with_vectors: bool, where: dict | None) -> Any:
        """Chroma's records of these chunks; without their vectors when this process cannot read them yet.

        An embedded Chroma reads a chunk's vector from the vector index it loaded at open, and its other fields
        from SQLite: a chunk that another process wrote since (BM25, reloaded at its commit, found it) is in
        SQLite and not in that index, and asking for its vector failed the question with "Error finding id"
        (a reader during a cron's reindex). Reopening reads the new index; a writer still at work can get
        ahead of it again, and the chunk is then scored without its vector rather than failed.
        """
        from chromadb.errors import InternalError

        filters = {"where": where} if where else {}
        if not with_vectors:
            return self._chunks.get(ids=ids, include=["documents", "metadatas"], **filters)
        for attempt in range(STALE_REOPENS):
            try:
                return self._chunks.get(ids=ids, include=["documents", "metadatas", "embeddings"], **filters)
            except InternalError as error:
                if not self._embedded or "finding id" not in str(error):
                    raise
            time.sleep(0.05 * attempt)
            self.follow_other_writers(force=True)
        log.warning("the vector index is being rewritten by another process; some passages are scored without "
                    "their vectors")
        return self._chunks.get(ids=ids, include=["documents", "metadatas"], **filters)

    def iter_chunk_texts(self, where: dict | None = None) -> Iterator[tuple[list[str], list[str]]]:
        """All chunk ids and texts, a page at a time (memory stays bounded)."""
        for got in pages(self._chunks, ["documents"], where=where):
            yield list(got["ids"]), list(got["documents"])

    def chunk_languages(self, languages: Iterable[str]) -> dict[str, str]:
        """The ids of the chunks written in each of these languages, with their language: read by a filtered
        search of ids alone, where reading each chunk's metadata (its offsets, sentences and names besides
        the language) took three quarters of the time of reading all chunks."""
        found: dict[str, str] = {}
        for language in languages:
            for got in pages(self._chunks, [], where={"language": language}):
                found.update(dict.fromkeys(got["ids"], language))
        return found

    def iter_chunks(self) -> Iterator[Document]:
        """Every chunk, text and metadata, read a page at a time."""
        for got in pages(self._chunks, ["documents", "metadatas"]):
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield Document(page_content=text, metadata=dict(meta or {}), id=chunk_id)

    def iter_chunk_pages(self, ids: Sequence[str]) -> Iterator[tuple[list[str], list[str], list[str]]]:
        """The ids, texts and languages of these chunks (those still stored), a page at a time: what BM25 reads
        of the chunks added since its postings, each text in its article's language (a whole rebuild reads the
        texts alone, ``iter_chunk_texts``, and the languages apart, ``chunk_languages``)."""
        for start in range(0, len(ids), _PAGE):
            got = self._chunks.get(ids=list(ids[start : start + _PAGE]), include=["documents", "metadatas"])
            languages = [str((meta or {}).get("language", "")) for meta in got["metadatas"]]
            yield list(got["ids"]), list(got["documents"]), languages

    def chunk_owners(self) -> dict[str, str]:
        """Every chunk id with the ``doc_id`` of the article it was cut from."""
        owners: dict[str, str] = {}
        for got in pages(self._chunks, ["metadatas"]):
            pairs = zip(got["ids"], got["metadatas"], strict=True)
            owners.update((i, str((m or {}).get("doc_id", ""))) for i, m in pairs)
        return owners

    def all_chunk_ids(self) -> list[str]:
        return [i for got in pages(self._chunks, [], size=_PAGE * 5) for i in got["ids"]]

    def dense_search(self, vector: Sequence[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """``(chunk_id, cosine similarity)`` of the ``k`` nearest chunks."""
        from chromadb.errors import InternalError

        self.follow_other_writers()
        for attempt in range(STALE_REOPENS):
            try:
                found = self._nearest(vector, k, where)
                ids = [chunk_id for chunk_id, _ in found]
                stale = self._embedded and bool(ids) and len(self._chunks.get(ids=ids, include=[])["ids"]) < len(ids)
            except InternalError:  # "Error finding id"
                if not self._embedded:
                    raise
                stale = True
            if not stale:
                return found
            # The vector index read at open lists chunks that another process has deleted since: reopen. A
            # writer still at work can delete more before the reopened index is read: once was not always
            # enough (a reader's question failed with "Error finding id" during a long reindex), nor three
            # times at once on a loaded machine; the writer gets a moment between them.
            time.sleep(0.05 * (attempt + 1))
            self.follow_other_writers(force=True)
        try:
            return self._nearest(vector, k, where)
        except InternalError as error:
            if not self._embedded or "finding id" not in str(error):
                raise
            # Still out of date under a writer's deletions: this question is answered by its words (BM25)
            # alone rather than failed.
            log.warning("the vector index is being rewritten by another process; searching by words only")
            return []

    def _nearest(self, vector: Sequence[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        # No count() first: Chroma 1.x returns fewer than k (or none) by itself, and a count is one more
        # request per question to a server.
        query = [np.asarray(vector, dtype=np.float32).tolist()]
        got = self._chunks.query(query_embeddings=query, n_results=k, where=where, include=["distances"])
        if not got["ids"] or not got["ids"][0]:
            return []
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    # -- articles (the manifest)
    def put_article(self, article: Article, text: str) -> None:
        self.put_articles([(article, text)])

    def update_articles(self, articles: Sequence[Article]) -> None:
        """Rewrite the metadata of existing article records (their text stays)."""
        for start in range(0, len(articles), _PAGE):
            part = articles[start : start + _PAGE]
            self._articles.update(ids=[a.doc_id for a in part], metadatas=[a.to_metadata() for a in part])

    def put_articles(self, articles: Sequence[tuple[Article, str]]) -> None:
        """Many article records at once (bulk loads and benchmarks), a page per request.

        A failure says in ``error.written`` how many of the first records are written all the same.
        """
        for start in range(0, len(articles), _PAGE):
            part = articles[start : start + _PAGE]
            try:
                self._articles.upsert(ids=[a.doc_id for a, _ in part], documents=[text for _, text in part],
                                      embeddings=[[1.0]] * len(part),
                                      metadatas=[a.to_metadata() for a, _ in part])
            except Exception as error:
                error.written = start + (len(part) if logged_anyway(error) else 0)  # type: ignore[attr-defined]
                raise

    def delete_article(self, doc_id: str) -> None:
        self._articles.delete(ids=[doc_id])

    def get_articles(self, doc_ids: Sequence[str] | None = None) -> dict[str, Article]:
        articles: dict[str, Article] = {}
        if doc_ids is not None:
            if not doc_ids:
                return articles
            got = self._articles.get(ids=list(doc_ids), include=["metadatas"])
            return {i: Article.from_record(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)}
        for got in pages(self._articles, ["metadatas"]):
            articles.update((i, Article.from_record(i, m)) for i, m in zip(got["ids"], got["metadatas"], strict=True))
        return articles

    def article_text(self, doc_id: str) -> str | None:
        got = self._articles.get(ids=[doc_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None


def _clean_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    # Chroma takes str, int, float and bool values only.
    clean = {}
    for key, value in metadata.items():
        if value is None:
            continue
        if isinstance(value, str | int | float | bool):
            clean[key] = value
        elif isinstance(value, list) and value and all(isinstance(v, str | int | float | bool) for v in value):
            clean[key] = value  # Chroma arrays, filtered with $contains (the chunks' entity keys)
        else:
            clean[key] = json.dumps(value)
    return clean


def pages(collection: Any, include: list[str], where: dict | None = None, size: int = _PAGE) -> Iterator[Any]:
    """A collection's records, ``size`` at a time, until none is left (memory stays bounded)."""
    offset = 0
    while True:
        got = collection.get(include=include, limit=size, offset=offset, where=where)
        if not got["ids"]:
            return
        yield got
        offset += len(got["ids"])
