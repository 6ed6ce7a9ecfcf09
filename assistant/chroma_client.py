"""The Chroma client an index is kept by: on a server (its address, credentials and timeout; its network
failures made ``StoreUnreachableError``s), or embedded in the index folder (made, opened, and a fresh system
for a reader that follows other writers)."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .store_errors import StoreError, StoreStoppedError, becomes, reaching
from .urls import shown_url

log = logging.getLogger(__name__)


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
                with reaching(url), becomes(lambda error: _collection_gone(error, url)):
                    result = getattr(self._target, name)(*args, **kwargs)
            except StoreStoppedError as error:
                # The server lost the index and it was made again (an ingest run after a restart on an
                # empty --path): a client left open (a web app) follows it, as a fresh one would, instead
                # of failing on the ids of collections that are gone until restarted.
                if not self._found_again(error):
                    raise
                with reaching(url), becomes(lambda error: _collection_gone(error, url)):
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


def file_id(path: Path) -> tuple[int, int] | None:
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


def opening(index_dir: Path) -> AbstractContextManager[None]:
    """Chroma's own error for a folder it cannot open becomes a ``StoreError`` that says what to do."""
    return becomes(partial(_cannot_open, index_dir))


def _cannot_open(index_dir: Path, error: BaseException) -> StoreError:
    reason = " ".join(str(error).split())
    if "readonly" in reason or "Permission denied" in reason or isinstance(error, PermissionError):
        reason += " (the index folder and its files must be writable by this user, even to ask questions)"
    return StoreError(f"cannot open the index at {index_dir}: {reason}")


def fresh_embedded_client(index_dir: Path):
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


def shown_location(index_dir: Path, chroma_url: str | None, namespace: str = "") -> str:
    """Where an index is, as messages show it: its folder, or its server's address without a password."""
    location = shown_url(chroma_url) if chroma_url else str(index_dir)
    # A mistyped namespace is an empty index beside one that holds articles: said as the server (or the folder)
    # alone, "No articles are indexed yet in http://host:8000" sent the operator looking for the wrong thing.
    return f"{location} (namespace {namespace})" if namespace else location


def holds_index(index_dir: Path) -> bool:
    """Whether a folder holds an embedded index (what reading it needs; writing makes one)."""
    return (index_dir / "chroma" / "chroma.sqlite3").is_file()
