"""Real servers for the tests and benchmarks: a free port on 127.0.0.1, a process started and waited for."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class ServerError(RuntimeError):
    """The server exited or never answered; the message ends with its log's tail."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(process: subprocess.Popen, url: str, log: Path, name: str, timeout: float) -> None:
    """Return once ``url`` answers 200; raise ``ServerError`` if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServerError(f"{name} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ServerError(f"{name} did not answer on {url} within {timeout:.0f}s:\n{_tail(log)}")
        time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(command: Sequence[str], url: str, log: Path, name: str, timeout: float = 180.0,
            **popen) -> Iterator[subprocess.Popen]:
    """Run ``command`` (output to ``log``) until the block ends, once ``url`` answers."""
    with log.open("wb") as out:
        process = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, **popen)
    try:
        wait_ready(process, url, log, name, timeout)
        yield process
    finally:
        stop(process)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
