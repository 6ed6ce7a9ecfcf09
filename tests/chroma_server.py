"""Start and stop a real ``chroma run`` server on 127.0.0.1 (for tests and benchmarks)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from servers import free_port, wait_ready

__all__ = ["ChromaServer", "chroma_executable", "free_port"]


def chroma_executable() -> str:
    # The CLI installed beside the running interpreter (the project's virtualenv), else one on PATH.
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise FileNotFoundError("the `chroma` command is not installed (pip install chromadb)")
    return found


class ChromaServer:
    """``chroma run --path PATH --host 127.0.0.1 --port FREE``, started and waited for."""

    def __init__(self, path: Path, port: int | None = None, log: Path | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.log = log or path.with_name(path.name + ".log")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [chroma_executable(), "run", "--path", str(self.path), "--host", "127.0.0.1",
                 "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        try:
            wait_ready(self.process, f"{self.url}/api/v2/heartbeat", self.log, "chroma run", timeout)
        except Exception:
            self.stop()
            raise
        return self

    def peak_rss_bytes(self) -> int:
        """The server's resident-memory high-water mark (Linux)."""
        if self.process is None:
            return 0
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
