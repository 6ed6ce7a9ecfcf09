"""How a reader says that a file cannot be read, or that part of it is left out of its article, and the
count of what one file may unpack to (a zip bomb fails before it is unpacked)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..reasons import Reason


class LoadFailure(Exception):
    """Raised inside a loader; becomes a ``LoadError`` for the report."""

    def __init__(self, code: str | Reason, **values: object) -> None:
        self.reason = code if isinstance(code, Reason) else Reason(code, **values)
        super().__init__(self.reason)


# What the file being read leaves out of its article, said by the reader that leaves it (``left_out``).
_LEFT_OUT: ContextVar[list[Reason] | None] = ContextVar("left_out", default=None)


def left_out(reason: Reason) -> None:
    """Say that a part of the file being read is left out of its article, which is read all the same (an e-mail's
    attachment that cannot be read, beside the e-mail's own text): ``load_file`` gives it to its caller."""
    if (said := _LEFT_OUT.get()) is not None:
        said.append(reason)


# What the parts of one file may unpack to, together (a .docx's XML, those of the .docx attached to an e-mail): a
# few kilobytes of zip unpack to gigabytes (a "zip bomb"). A 650 kB .docx whose text part unpacked to 190 MB took
# 2 GB of memory and 26 s to read, and an e-mail may attach a hundred such; the longest article's XML is a few MB.
MAX_UNPACKED_BYTES = 64_000_000
_UNPACKED: ContextVar[list[int] | None] = ContextVar("unpacked", default=None)


def unpacking(size: int, what: str) -> None:
    """Count ``size`` more bytes unpacked from the file being read (``what``: the part, for the reason); past
    ``MAX_UNPACKED_BYTES`` in all, the file fails before they are."""
    count = _UNPACKED.get() or [0]  # a reader called outside ``collecting``: the part alone is counted
    count[0] += size
    if count[0] > MAX_UNPACKED_BYTES:
        raise LoadFailure("unpacks_too_much", part=what, size=f"{count[0] / 1e6:.0f}",
                          limit=f"{MAX_UNPACKED_BYTES / 1e6:.0f}")


@contextmanager
def collecting() -> Iterator[list[Reason]]:
    """Read one file in the block: what its readers leave out (``left_out``) is put in the list given, and what
    they unpack is counted from nought (``unpacking``)."""
    said: list[Reason] = []
    token, unpacked = _LEFT_OUT.set(said), _UNPACKED.set([0])
    try:
        yield said
    finally:
        _LEFT_OUT.reset(token)
        _UNPACKED.reset(unpacked)
