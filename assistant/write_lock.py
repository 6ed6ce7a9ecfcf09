"""The index's write lock: the index folder's file lock, which keeps apart the writers of one machine, and on a
Chroma server its write lease, which keeps apart those of several (two web apps behind a load balancer, a cron
job on a third machine)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from .store import LEASE_SECONDS, make_index_folder

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)


class IndexBusyError(RuntimeError):
    """Another process is writing to this index."""


def _busy_advice(wait: bool, timeout: float) -> str:
    return (f"it still was after {timeout / 60:.0f} minutes of waiting; try again when it is done" if wait
            else "wait for it: --wait, or wait=True from Python")


@contextmanager
def write_lock(index_dir: Path, wait: bool = False, timeout: float = 600.0, store: Store | None = None):
    """The index folder's lock, and with ``store`` on a Chroma server, that server's write lease too: the
    folder's lock keeps apart the writers of one machine only."""
    make_index_folder(index_dir)
    lock = FileLock(str(index_dir / "write.lock"))
    try:
        lock.acquire(timeout=timeout if wait else 0)
    except Timeout as error:
        # Also another Assistant of this very process: each takes the lock as a process would.
        raise IndexBusyError(f"index busy: another writer (a process, or another Assistant) is writing to "
                             f"{index_dir} ({_busy_advice(wait, timeout)})") from error
    try:
        with server_lease(store, wait, timeout) if store is not None and store.remote else nullcontext():
            yield
    finally:
        lock.release()


# How often a writer waiting for a Chroma server's lease asks again, and renews the lease it holds.
LEASE_POLL_SECONDS = 2.0
LEASE_RENEW_SECONDS = LEASE_SECONDS / 6


@contextmanager
def server_lease(store: Store, wait: bool, timeout: float) -> Iterator[None]:
    """The Chroma server's write lease, held (and renewed) for the block; ``IndexBusyError`` naming the writer
    that holds it, at once or once ``timeout`` seconds of waiting are over."""
    deadline = time.monotonic() + timeout
    while (holder := store.take_lease()) is not None:
        if not wait or time.monotonic() >= deadline:
            raise IndexBusyError(
                f"index busy: another writer, {holder}, is writing to {store.location} (a writer that stopped "
                f"without a word holds it {LEASE_SECONDS / 60:.0f} minutes at most; {_busy_advice(wait, timeout)})")
        time.sleep(LEASE_POLL_SECONDS)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(LEASE_RENEW_SECONDS):
            try:
                store.renew_lease()
            except Exception:  # the server gone: the run itself says so at its next write
                log.debug("renewing the write lease of %s failed", store.location, exc_info=True)

    renewer = threading.Thread(target=renew, name="write-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        try:
            store.release_lease()
        except Exception:  # the server gone: the lease lapses on its own
            log.debug("releasing the write lease of %s failed", store.location, exc_info=True)
