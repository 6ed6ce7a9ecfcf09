"""What the command line writes to a terminal: the control characters of what it quotes shown, not obeyed.

An article, a file's name or a server's message may hold escape sequences (a terminal log pasted into a
story, a crafted file). Written as they are, they clear the screen, retitle the window, recolour or hide the
text after them, or move the cursor to write over a citation. At a terminal each is shown as its symbol
("␛", "␇"), as the web page shows them; a pipe or a file gets the text unchanged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# What the command line itself writes and a terminal may obey: line ends, tabs, the progress bar's carriage
# return and cursor-up, and the bold and plain of `search`'s matched words.
_OWN = ("\x1b[1m", "\x1b[0m", "\x1b[A")
_CONTROL = re.compile("|".join(map(re.escape, _OWN)) + r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """``text`` with each control character a terminal would obey, other than the command line's own, as its
    symbol: U+2400 + code for C0 ("␛"), "␡" for DEL, U+FFFD for C1 (CSI, OSC: what a UTF-8 terminal may also
    take as escapes)."""
    def symbol(match: re.Match[str]) -> str:
        found = match.group()
        if len(found) > 1:
            return found
        code = ord(found)
        return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"

    return _CONTROL.sub(symbol, text)


class TerminalStream:
    """A terminal's stream whose writes go through ``shown``; the rest (flush, fileno, isatty, encoding ...)
    is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(shown(text))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def safe_terminal() -> Iterator[None]:
    """Within it, ``sys.stdout`` and ``sys.stderr`` show control characters when they are a terminal."""
    saved = sys.stdout, sys.stderr
    try:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if not isinstance(stream, TerminalStream) and _is_terminal(stream):
                setattr(sys, name, TerminalStream(stream))
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False
