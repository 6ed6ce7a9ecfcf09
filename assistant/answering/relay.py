"""A reply produced in a worker thread and waited for up to a deadline.

A blocked call gives no chance to look at the clock: a socket read that stalls, llama.cpp reading a long
prompt. Waiting on a queue instead lets the reader leave at the deadline, whatever the producer is doing.
The producer is told (``stop``) and ends at its next piece; one that may be blocked registers with
``stop.on_set`` what ends its wait (shutting its socket down, say), or it holds a thread, and a connection,
until its own timeout.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any


class Stop(threading.Event):
    """Set once the reader has gone. ``on_set(call)``: ``call()`` runs then, in the reader's thread, while the
    producer may be blocked in its own (at once, if the reader has gone already). It must not raise: it runs
    as the reader leaves, with the reader's own error under way."""

    def __init__(self) -> None:
        super().__init__()
        self._calls: list[Callable[[], None]] = []
        self._calls_lock = threading.Lock()  # a call registered as the reader leaves runs once, not never

    def on_set(self, call: Callable[[], None]) -> None:
        with self._calls_lock:
            if not self.is_set():
                self._calls.append(call)
                return
        call()

    def set(self) -> None:
        with self._calls_lock:
            super().set()
            calls, self._calls = self._calls, []
        for call in calls:
            call()


Produce = Callable[[Stop], Iterator[str]]


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def relay(produce: Produce, deadline: float, late: Callable[[], Exception], name: str) -> Iterator[str]:
    """The pieces of ``produce(stop)`` as they come; ``late()`` is raised when the deadline passes first.

    ``stop`` is set once the reader has gone (the deadline passed, or the reader closed this generator).
    """
    pieces: queue.Queue[Any] = queue.Queue()
    stop = Stop()

    def work() -> None:
        try:
            with closing(produce(stop)) as produced:
                for piece in produced:
                    if stop.is_set():
                        break
                    pieces.put(piece)
        except BaseException as error:  # raised in the reader's thread, which the answerer watches
            pieces.put(_Failed(error))
        finally:
            pieces.put(_DONE)

    # The caller's context (LangChain's callbacks and tracing live in context variables) goes along.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(work,), name=name, daemon=True).start()
    try:
        while True:
            try:
                item = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise late() from None
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
