"""Real servers for the tests and benchmarks: a free port on 127.0.0.1, a process started and waited for."""

from __future__ import annotations

import codecs
import signal
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


class ScriptedChat:
    """An OpenAI-compatible chat server on 127.0.0.1 that replies as told, for replies a real model cannot
    be made to write on demand: ``reply`` is the streamed text, or ``(status, content_type, body)``;
    ``delay`` seconds pass before the reply, ``pace`` before each piece of it; after ``hang_after`` pieces
    the server stops writing and holds the connection open (until ``close``, or until the client closes its
    end: ``hung_up`` counts those, during the delay too, and ``held`` says how long after its request arrived
each was closed: the time a client waited on the server, without what it did before it asked). ``requests``
keeps each request's JSON body.
    ``keep_alive``: HTTP/1.1, whose connections serve the next request after a reply given whole (a tuple);
    a streamed reply still ends its connection. ``thinking`` is streamed first as ``reasoning_content`` (a
    reasoning model's thoughts, as llama.cpp and vLLM send them), and ``finish`` is the last chunk's
    ``finish_reason`` ("length": the model ran out of tokens)."""

    def __init__(self, keep_alive: bool = False) -> None:
        import select
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.reply: str | tuple[int, str, str] = ""
        self.delay = 0.0
        self.pace = 0.0
        self.hang_after: int | None = None
        self.thinking = ""
        self.finish: str | None = None
        self.closed = threading.Event()
        self.hung_up: list[float] = []  # when a client closed a stalled reply's connection (monotonic)
        self.held: list[float] = []  # seconds from a request's arrival to its client closing the stalled reply
        self.hang_ups = threading.Condition()
        self.requests: list[dict] = []
        # What ``GET /v1/models`` lists (None: it answers 404), and each such request's Authorization header.
        self.models: list[str] | None = None
        self.model_lists: list[str] = []
        chat = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def log_message(self, *args) -> None:
                pass

            def hung_up_within(self, seconds: float) -> bool:
                until = time.monotonic() + seconds
                poller = select.poll()
                poller.register(self.connection, select.POLLIN)
                while not chat.closed.is_set() and time.monotonic() < until:
                    # The request was read whole: what is readable now is the client's end.
                    # poll, not select: late in a full run the process holds over 1,024 files, and select()
                    # cannot watch a descriptor numbered past that ("filedescriptor out of range").
                    if poller.poll(50):
                        with chat.hang_ups:
                            chat.hung_up.append(time.monotonic())
                            chat.held.append(chat.hung_up[-1] - self.arrived)
                            chat.hang_ups.notify_all()
                        return True
                return False

            def do_GET(self) -> None:
                import json

                chat.model_lists.append(self.headers.get("Authorization", ""))
                if chat.models is None or not self.path.endswith("/models"):
                    status, data = 404, b'{"error": {"message": "Not Found"}}'
                else:
                    listed = [{"id": name, "object": "model", "created": 0, "owned_by": "me"} for name in chat.models]
                    status, data = 200, json.dumps({"object": "list", "data": listed}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                import json

                self.arrived = time.monotonic()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                chat.requests.append(json.loads(body or b"{}"))
                if self.hung_up_within(chat.delay):
                    return
                reply = chat.reply
                try:
                    if isinstance(reply, tuple):
                        status, content_type, text = reply
                        data = text.encode()
                        self.send_response(status)
                        self.send_header("Content-Type", content_type)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")  # the stream's end is the connection's
                    self.end_headers()
                    def send(delta: dict, finish: str | None = None) -> None:
                        chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())

                    for i in range(0, len(chat.thinking), 8):
                        send({"reasoning_content": chat.thinking[i : i + 8]})
                    pieces = [reply[i : i + 8] for i in range(0, len(reply), 8)]
                    for number, piece in enumerate(pieces):
                        if number == chat.hang_after:
                            self.hung_up_within(float("inf"))
                            return
                        time.sleep(chat.pace)
                        send({"content": piece})
                    if chat.finish:
                        send({}, chat.finish)
                    self.wfile.write(b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_held(self, count: int, timeout: float = 30.0) -> list[float]:
        """``held``, once ``count`` clients have hung up (the server sees it up to 50 ms after the client has
        moved on), or as it is after ``timeout``."""
        with self.hang_ups:
            self.hang_ups.wait_for(lambda: len(self.held) >= count, timeout)
            return list(self.held)

    def close(self) -> None:
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()


class DroppingChat:
    """An OpenAI-compatible chat server on 127.0.0.1 that streams ``pieces`` and then drops the connection
    mid-reply, as a server that crashes or is restarted while it answers: HTTP/1.1 with chunked framing, so
    the client sees an unfinished body rather than a reply that ended."""

    def __init__(self, pieces: Sequence[str]) -> None:
        import json
        import threading

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"
        frames = []
        for piece in pieces:
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "dropping",
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            payload = f"data: {json.dumps(chunk)}\n\n".encode()
            frames.append(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

        def serve() -> None:
            while True:
                try:
                    connection, _ = self.listener.accept()
                except OSError:  # closed
                    return
                with connection:
                    request = b""
                    while b"\r\n\r\n" not in request:
                        request += connection.recv(65536)
                    head_part, body = request.split(b"\r\n\r\n", 1)
                    length = next((int(line.split(b":")[1]) for line in head_part.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    while len(body) < length:
                        body += connection.recv(65536)
                    connection.sendall(head + b"".join(frames))  # and no last chunk: the reply breaks off

        threading.Thread(target=serve, daemon=True).start()

    def close(self) -> None:
        self.listener.close()


class Terminal:
    """A command run with its output (stdout and stderr) on a pseudo-terminal, as a user at a terminal runs it;
    ``typed``: its input too (else a pipe, closed once ``stdin`` is written). ``output`` is all it printed."""

    def __init__(self, command: Sequence[str], env: dict[str, str], cwd: Path, typed: bool = False,
                 stdin: str = "") -> None:
        import os
        import pty

        self.master, slave = pty.openpty()
        # Ctrl-C as at a terminal: a shell starts background jobs (`make test &`, nohup) with SIGINT ignored,
        # and children inherit that (the chat's Ctrl-C test then waited out the model's timeout).
        self.process = subprocess.Popen(command, stdin=slave if typed else subprocess.PIPE, stdout=slave,
                                        stderr=slave, env=env, cwd=cwd, close_fds=True,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        os.close(slave)
        if not typed:
            self.process.stdin.write(stdin.encode())
            self.process.stdin.close()
        self.output = ""
        self.seen = 0  # where the text the last ``read_until`` waited for ends
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # a character split between reads

    def read_until(self, text: str, timeout: float = 300.0) -> str:
        """The output so far, once ``text`` is in it after the text the last call waited for; AssertionError
        otherwise."""
        import os
        import select

        begun = self.seen
        until = time.monotonic() + timeout
        # poll, not select: in a full run the test process holds over a thousand descriptors, and select()
        # refuses one numbered past 1023 ("filedescriptor out of range").
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        while text not in self.output[begun:]:
            left = until - time.monotonic()
            assert left > 0, f"{text!r} not printed; printed:\n{self.output}"
            if poller.poll(min(left, 1.0) * 1000):
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # the command ended and its terminal closed
                    data = b""
                if not data:
                    assert text in self.output[begun:], f"{text!r} not printed before the end:\n{self.output}"
                    break
                self.output += self.decoder.decode(data).replace("\r\n", "\n")
        self.seen = self.output.index(text, begun) + len(text)
        return self.output

    def write(self, text: str) -> None:
        import os

        os.write(self.master, text.encode())

    def close(self) -> int:
        import os

        try:
            status = self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self.master)
        return status
