"""The progress bar of an indexing run: the command line's, and a Python caller's ``progress=True``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Progress = Callable[[int, int, str], None]


def progress_bar(unit: str = "file", notebook: bool = False) -> tuple[Progress, Progress, Callable[[], None]]:
    """A progress callback drawing a bar with rate and ETA on stderr, the embedding callback that keeps it
    moving, and its closer. ``notebook``: Jupyter's own bar where it can draw one (``tqdm.auto``)."""
    if notebook:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm

    state: dict[str, Any] = {}

    def bar(total: int | None):
        if "bar" not in state:
            state["bar"] = tqdm(total=total, unit=unit, desc="indexing", file=sys.stderr, dynamic_ncols=True)
        elif state["bar"].total is None:
            state["bar"].total = total
        return state["bar"]

    def progress(done: int, total: int, source: str) -> None:
        bar(total).set_postfix_str(source[-40:], refresh=False)
        bar(total).update(done - bar(total).n)

    def embedding(done: int, total: int, source: str) -> None:
        # The file count stands still while a batch of files is embedded: say that the work goes on.
        bar(None).set_postfix_str(f"embedding {done}/{total} texts")

    def close() -> None:
        if "bar" in state:
            state["bar"].close()

    progress.listed = lambda total: bar(total).refresh()  # type: ignore[attr-defined]  # the total at once
    return progress, embedding, close


@contextmanager
def drawn(
    progress: Progress | bool | None, embedding: Progress | None, unit: str
) -> Iterator[tuple[Progress | None, Progress | None]]:
    """The callbacks of a Python caller's run: ``progress=True`` draws the bar the command line draws (the
    callbacks alone left a notebook to write one), closed when the run ends, however it ends."""
    if progress is False or progress is None:
        yield None, embedding
        return
    if progress is not True:
        yield progress, embedding
        return
    told, embedded, close = progress_bar(unit, notebook=True)
    try:
        yield told, embedding or embedded
    finally:
        close()
