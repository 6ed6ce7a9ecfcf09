"""The Chroma store: chunk vectors, and the article records that double as the index manifest.

Two collections: ``chunks`` (text, vector and offsets of every chunk, searched through langchain-chroma)
and ``articles`` (one record per source: full text, content hash, chunk ids). The chunks collection's
metadata records the embedding model, so an index is never searched with vectors of another model, and
a ``generation`` counter that tells readers (and the BM25 side) that the index changed.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import numpy as np
from langchain_chroma import Chroma
from langchain_core.documents import Document

from .embeddings import ModelEmbeddings
from .loaders import READER, RECORD
from .urls import shown_url

if TYPE_CHECKING:
    from .types import IndexReport

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


class StoreError(Exception):
    """Base of the store's own errors."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again from its message and attributes, not by calling it with the message alone: those that take
        # a URL and a cause, or a folder and two models, could not be unpickled, and a process pool's worker
        # that raised one broke the pool ("BrokenProcessPool") instead of passing it on.
        return _unpickled, (type(self), self.args), self.__dict__


def _unpickled(kind: type[StoreError], args: tuple[Any, ...]) -> StoreError:
    error = Exception.__new__(kind)
    error.args = args
    return error


class StoreStoppedError(StoreError):
    """The store can take no more writes, whatever the file: a run it meets stops there.

    ``report``: for an indexing or removal run that it ended, the ``IndexReport`` of what the run did before:
    what it lists as added, updated, unchanged or removed is so in the index; the files it was writing
    are in ``failed``; files it had not reached yet are in no list. The next run finishes what was cut.
    """

    report: IndexReport | None = None
    brief = "the store can take no more writes"  # what each file the run cut short says


class StoreUnreachableError(StoreStoppedError):
    """The Chroma server cannot be reached (down, restarted, wrong address): nothing can be read or written."""

    def __init__(self, url: str, error: BaseException) -> None:
        import httpx

        reason = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, httpx.TimeoutException):
            reason = f"it did not answer in time ({reason}; ASSISTANT_CHROMA_TIMEOUT)"
        super().__init__(f"the Chroma server at {url} cannot be reached: {reason} "
                         "(is it running? ASSISTANT_CHROMA_URL / --chroma-url)")
        self.url = url
        self.brief = f"the Chroma server at {url} cannot be reached"


class StoreFullError(StoreStoppedError):
    """The disk that holds the index (or the Chroma server's) is full: nothing more can be written."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"the disk of the index at {where} is full ({reason}): free some space and index "
                         "again (what was indexed stays; the next run finishes what this one cut)")
        self.where = where
        self.brief = "the disk of the index is full"


_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")


def _causes(error: BaseException | None) -> Iterator[BaseException]:
    """``error`` and what it was raised from, a few levels down (Chroma wraps what it meets)."""
    for _ in range(5):
        if error is None:
            return
        yield error
        error = error.__cause__ or error.__context__


def disk_full(error: BaseException | None) -> str | None:
    """What says the disk is full in ``error`` or its causes: an OSError's errno, or the message of SQLite's
    error as Chroma (embedded or behind its server) and the embedding cache pass it on."""
    for cause in _causes(error):
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return cause.strerror or _FULL[1]
        said = next((words for words in _FULL if words in str(cause).lower()), None)
        if said is not None:
            return said
    return None


def logged_anyway(error: BaseException) -> bool:
    """Whether Chroma kept the write that raised ``error``: it logs a write, then applies the log to its
    segments, and a failure to apply it ("Error in compaction: Failed to apply logs to the metadata
    segment", met on a full disk) leaves the write in the log, applied when the index is next opened."""
    return any("error in compaction" in str(cause).lower() for cause in _causes(error))


def _transport_error(error: BaseException) -> BaseException | None:
    """The network failure behind ``error`` (httpx's, possibly wrapped by Chroma), if it is one."""
    import httpx

    return next((c for c in _causes(error) if isinstance(c, httpx.TransportError | ConnectionError)), None)


@contextmanager
def _becomes(translate: Callable[[BaseException], StoreError | None]) -> Iterator[None]:
    """An exception of the block that ``translate`` makes a store error of is raised as that error."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        translated = translate(error)
        if translated is None:
            raise
        raise translated from error


def room(where: str, disk: Path | None = None) -> AbstractContextManager[None]:
    """A full disk met in the block becomes a ``StoreFullError`` naming ``where``; ``disk``: the folder whose disk
    a Chroma error with no word of its own is measured on (none for a server's)."""
    return _becomes(lambda error: None if (reason := disk_full(error) or _no_room_left(error, disk)) is None
                    else StoreFullError(where, reason))


# Chroma's own engine reports some writes that a full disk stopped as a failure of its own ("Error in
# compaction: Failed to apply logs to the metadata segment", the disk's error left unsaid): a Chroma
# error with less than this left on the index's disk is that disk being full.
NO_ROOM_BYTES = 1 << 20


def _no_room_left(error: BaseException, disk: Path | None) -> str | None:
    if disk is None or not any(type(cause).__module__.startswith("chromadb") for cause in _causes(error)):
        return None
    try:
        free = shutil.disk_usage(disk).free
    except OSError:  # a folder that is gone
        return None
    return f"{free // 1024} KiB left" if free < NO_ROOM_BYTES else None


def reaching(url: str) -> AbstractContextManager[None]:
    """A failure to reach the server at ``url`` becomes a ``StoreUnreachableError`` naming it."""
    return _becomes(lambda error: None if (cause := _transport_error(error)) is None
                    else StoreUnreachableError(url, cause))


class _Guarded:
    """A Chroma client or collection on a server, whose network failures are ``StoreUnreachableError``.

    Every call goes through it (the store's own and those of the modules that use its collections), so
    no caller ever sees a bare ``httpx.ConnectError``; collections it returns are guarded in turn.
    """

    def __init__(self, target: Any, url: str, client: _Guarded | None = None) -> None:
        self._target = target
        self._url = url
        self._client = client  # a collection's: where a collection of its name is found again

    def __getattr__(self, name: str) -> Any:
        if not callable(getattr(self._target, name)):
            return getattr(self._target, name)
        url = self._url

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                with reaching(url), _becomes(lambda error: _collection_gone(error, url)):
                    result = getattr(self._target, name)(*args, **kwargs)
            except StoreStoppedError as error:
                # The server lost the index and it was made again (an ingest run after a restart on an
                # empty --path): a client left open (a web app) follows it, as a fresh one would, instead
                # of failing on the ids of collections that are gone until restarted.
                if not self._found_again(error):
                    raise
                with reaching(url), _becomes(lambda error: _collection_gone(error, url)):
                    result = getattr(self._target, name)(*args, **kwargs)
            if type(result).__name__ == "Collection":
                return _Guarded(result, url, client=self)
            return result

        return call

    def _found_again(self, error: StoreStoppedError) -> bool:
        if self._client is None or not isinstance(error.__cause__, Exception) \
                or _collection_gone(error.__cause__, self._url) is None:
            return False
        try:
            again = self._client._target.get_collection(self._target.name, embedding_function=None)
        except Exception:  # not made again (yet): the index is gone, as the error says
            return False
        # Made by a writer with another embedding model: its vectors are not this client's.
        model = (self._target.metadata or {}).get("embedding_model")
        if model and (again.metadata or {}).get("embedding_model") != model:
            return False
        self._target = again
        return True


def _collection_gone(error: BaseException, url: str) -> StoreError | None:
    """Chroma's "Collection [...] does not exist" from a server that lost the index under an open client."""
    if type(error).__name__ != "NotFoundError" or "does not exist" not in str(error):
        return None
    return StoreStoppedError(f"the Chroma server at {url} no longer has this index (restarted with another "
                             "--path, or its data removed?): index the articles again, or point "
                             "ASSISTANT_CHROMA_URL at the server that has them")


class ModelMismatchError(StoreError):
    def __init__(self, where: str, recorded: str, requested: str, server: bool = False) -> None:
        # The name the settings take for the recorded model ("all-minilm-l6-v2", not its id
        # "sentence-transformers:all-minilm-l6-v2", which no setting loads).
        name = recorded.split("@")[0].removeprefix("sentence-transformers:").removeprefix("intfloat/")
        elsewhere = "another Chroma server or namespace" if server else "another folder"
        super().__init__(
            f"the index at {where} was built with the embedding model {recorded!r}, not {requested!r}: "
            f"open it with --model {name} (ASSISTANT_EMBEDDING_MODEL={name}), or index into {elsewhere}"
        )
        self.recorded = recorded
        self.requested = requested


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


def server_base(chroma_url: str) -> str:
    """``scheme://host:port/path`` of a Chroma server's address, its port made explicit (8000, 443 for
    https) and any credentials, query or trailing slash dropped: what the API paths are appended to."""
    url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    port = url.port or (443 if url.scheme == "https" else 8000)
    host = url.hostname or "127.0.0.1"
    if ":" in host:  # IPv6, bracketed again in a URL
        host = f"[{host}]"
    return f"{url.scheme}://{host}:{port}{url.path.rstrip('/')}"


def credentials(chroma_url: str, token: str | None = None) -> dict[str, str]:
    """The ``Authorization`` header a Chroma server behind an authenticating proxy asks for: ``token`` as a
    bearer token (``ASSISTANT_CHROMA_TOKEN``), else the user and password of ``http://user:password@host``
    (HTTP Basic). They were dropped with the rest of the address's extras, and the proxy's 401 was said as
    "answers, but not as a Chroma server does"."""
    if token:
        return {"Authorization": f"Bearer {token}"}
    url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    if url.username is None:
        return {}
    import httpx

    pair = httpx.BasicAuth(unquote(url.username), unquote(url.password or ""))
    return {"Authorization": next(pair.auth_flow(httpx.Request("GET", "http://x"))).headers["Authorization"]}


def make_client(index_dir: Path, chroma_url: str | None, timeout: float = 60.0, token: str | None = None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        import httpx

        base = server_base(chroma_url)
        headers = credentials(chroma_url, token)
        limit = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        with reaching(shown_url(chroma_url)):
            # Asked first, within the timeout: Chroma's client asks the server at once and waits for ever.
            beat = httpx.get(f"{base}/api/v2/heartbeat", timeout=limit, headers=headers)
        if beat.status_code in (401, 403):
            given = ("ASSISTANT_CHROMA_TOKEN" if token else "the user and password of ASSISTANT_CHROMA_URL"
                     if headers else "none")
            raise StoreError(f"the Chroma server at {shown_url(chroma_url)} refused this client (HTTP "
                             f"{beat.status_code}): it asks for credentials (credentials given: {given}); set "
                             "ASSISTANT_CHROMA_TOKEN (sent as a bearer token), or a user and password in "
                             "ASSISTANT_CHROMA_URL (http://user:password@host:port)")
        if beat.status_code != 200 or "heartbeat" not in beat.text:
            raise StoreError(f"{shown_url(chroma_url)} answers, but not as a Chroma server does (HTTP "
                             f"{beat.status_code} for {urlparse(base).path}/api/v2/heartbeat): check "
                             "ASSISTANT_CHROMA_URL / --chroma-url")
        with reaching(shown_url(chroma_url)):
            # Given as a whole URL, Chroma's client keeps its path: a server behind a proxy at
            # https://host/chroma is asked at /chroma/api/v2/...
            client = chromadb.HttpClient(host=base, ssl=base.startswith("https:"), headers=headers,
                                         settings=chroma_settings)
        # Chroma's HTTP client waits for ever (httpx's timeout=None): a server that accepts and never
        # answers hung the command or the question, with nothing said.
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = limit
        return _Guarded(client, shown_url(chroma_url))
    make_index_folder(index_dir)
    folder = index_dir / "chroma"
    if not (folder / "chroma.sqlite3").exists():
        _forget_system(folder)
    with opening(index_dir):
        try:
            return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)
        except Exception:
            _forget_system(folder)  # half started: it would be handed to the next client of the folder
            raise


def _file_id(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` (device and inode), ``None`` when none is."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def make_index_folder(index_dir: Path) -> None:
    """The index folder, made if it is not there; a ``StoreError`` that names it and says what to do when it
    cannot be (``[Errno 13] Permission denied: '/srv/idx'`` said neither, and the web app printed a traceback)."""
    if index_dir.exists() and not index_dir.is_dir():
        raise StoreError(f"{index_dir} is a file, not an index folder")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise StoreError(f"cannot make the index folder {index_dir}: {reason} (give one this user can write: "
                         "--index or ASSISTANT_INDEX_DIR)") from error


def _forget_system(folder: Path) -> None:
    """Chroma keeps one system per folder for the life of the process, and hands it to every later client
    of that folder: once the folder is deleted (a test's temporary index, "start over"), that system
    answers for a database that is gone ("Collection [chunks] does not exist"); once an open failed (a
    read-only folder), it fails every later open, after the cause is mended too."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(folder), None)
    SharedSystemClient._identifier_to_refcount.pop(str(folder), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # its files are gone: nothing left to release cleanly
            log.debug("stopping the Chroma system of deleted %s failed", folder, exc_info=True)


@contextmanager
def opening(index_dir: Path) -> Iterator[None]:
    """Chroma's own error for a folder it cannot open becomes a ``StoreError`` that says what to do."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        reason = " ".join(str(error).split())
        if "readonly" in reason or "Permission denied" in reason or isinstance(error, PermissionError):
            reason += " (the index folder and its files must be writable by this user, even to ask questions)"
        raise StoreError(f"cannot open the index at {index_dir}: {reason}") from error


def _fresh_embedded_client(index_dir: Path):
    """A client on a new Chroma system for this folder, and that system, which is the caller's alone to stop.

    ``PersistentClient`` would return the folder's cached system. Chroma's ``from_system`` makes the new one
    the folder's cached system too, which would hand it to a later store of the folder in this process (one
    the caller may stop): the folder's own is put back, and the counts of its clients with it.
    """
    from chromadb.api import ServerAPI
    from chromadb.api.client import Client
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings
    from chromadb.config import System

    settings = ChromaSettings(anonymized_telemetry=False, is_persistent=True,
                              persist_directory=str(index_dir / "chroma"))
    with opening(index_dir):
        system = System(settings)
        system.instance(ServerAPI)
        system.start()
        identifier = str(index_dir / "chroma")
        shared = SharedSystemClient._identifier_to_system.get(identifier)
        try:
            client = Client.from_system(system)
        finally:
            if shared is None:
                SharedSystemClient._identifier_to_system.pop(identifier, None)
            else:
                SharedSystemClient._identifier_to_system[identifier] = shared
        for _ in range(2):  # the client and its admin client each counted one on the shared system
            SharedSystemClient._decrement_refcount(identifier)
        return client, system


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


def shown_location(index_dir: Path, chroma_url: str | None, namespace: str = "") -> str:
    """Where an index is, as messages show it: its folder, or its server's address without a password."""
    location = shown_url(chroma_url) if chroma_url else str(index_dir)
    # A mistyped namespace is an empty index beside one that holds articles: said as the server (or the folder)
    # alone, "No articles are indexed yet in http://host:8000" sent the operator looking for the wrong thing.
    return f"{location} (namespace {namespace})" if namespace else location


def holds_index(index_dir: Path) -> bool:
    """Whether a folder holds an embedded index (what reading it needs; writing makes one)."""
    return (index_dir / "chroma" / "chroma.sqlite3").is_file()


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
        self._database = None if chroma_url else _file_id(index_dir / "chroma" / "chroma.sqlite3")
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
        return self._database is not None and _file_id(self.index_dir / "chroma" / "chroma.sqlite3") != self._database

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
            client, system = _fresh_embedded_client(self.index_dir)
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
