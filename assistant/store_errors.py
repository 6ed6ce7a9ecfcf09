"""The store's errors, and how the failures Chroma, httpx and the disk raise become them: a full disk, a
server that cannot be reached, an index built with another embedding model."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .types import IndexReport


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
def becomes(translate: Callable[[BaseException], StoreError | None]) -> Iterator[None]:
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
    return becomes(lambda error: None if (reason := disk_full(error) or _no_room_left(error, disk)) is None
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
    return becomes(lambda error: None if (cause := _transport_error(error)) is None
                    else StoreUnreachableError(url, cause))


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
