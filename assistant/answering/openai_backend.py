"""Any OpenAI-compatible chat endpoint (llama.cpp server, vLLM, Ollama, OpenAI) through ``langchain-openai``."""

from __future__ import annotations

import contextvars
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import closing
from typing import Any

from ..settings import Settings
from ..urls import shown_url
from .llm import LLMConfigError, Messages, NoReplyError, ServerUnavailableError
from .relay import Stop, relay


class _Connection:
    """The socket one reply is read from, shut down when the reader gives up on the reply.

    A read stalled mid-stream would end only at the client's read timeout (the seconds left to the question
    when the request began): the worker thread and its connection outlived the question by as much, and
    piled up under many stalled ones. Closing the response from the reader's thread would not help: httpx's
    responses and pool are not made for two threads, and on Linux a socket closed in one thread stays open
    under a read blocked in another until that read times out. ``shutdown`` ends the read at once, as if the
    server had hung up; the worker, which owns the response, unwinds and closes it itself. The socket is
    taken as the reply's connection is made, which ends a wait for the response headers too (its read
    timeout starts with the read: a connection or a request slow to go out lets it outlast the question).
    A connection taken from the pool would tell its socket only with the headers: each request has its own
    (``OpenAIChat``). The lock and the trace of the response's closing make sure that only a socket this
    reply still reads from is shut down.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._given_up = False

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's ``trace`` extension, in the worker thread: it tells when the reply's connection is made
        (TCP, then TLS over it; to the server or to a proxy) and when its response is closing."""
        if event.endswith((".connect_tcp.complete", ".connect_unix_socket.complete", ".start_tls.complete")):
            with self._lock:
                self._socket = info["return_value"].get_extra_info("socket")
                if self._given_up:  # while the connection was being made (a wait this does not shorten)
                    self._shut_down()
        elif event == "http11.response_closed.started":
            with self._lock:
                self._socket = None

    def give_up(self) -> None:
        """The reader has gone (``Stop.on_set``, in the reader's thread)."""
        with self._lock:
            self._given_up = True
            self._shut_down()

    def _shut_down(self) -> None:
        if self._socket is None:
            return
        try:
            # socket.socket's own method: SSLSocket.shutdown would also drop its TLS state, which the worker
            # is using.
            socket.socket.shutdown(self._socket, socket.SHUT_RDWR)
        except OSError:
            pass  # closed or reset already: nothing is left to end


# The reply the current thread reads: the client's hooks are shared by every question's request.
_reading: contextvars.ContextVar[_Connection | None] = contextvars.ContextVar("reading", default=None)


def _trace_request(request: Any) -> None:
    connection = _reading.get()
    if connection is not None:
        request.extensions = {**request.extensions, "trace": connection.trace}


# Where questions go when ASSISTANT_LLM_BASE_URL is unset, named to the client: without it the openai client
# reads OPENAI_BASE_URL, which may be set for another tool, and the notices named a server never asked.
OPENAI_API = "https://api.openai.com/v1"


class OpenAIChat:
    name = "openai"

    def __init__(self, *, base_url: str | None, model: str | None, api_key: str | None, timeout: float,
                 max_tokens: int, temperature: float, max_retries: int = 0,
                 extra_body: Mapping[str, Any] | None = None) -> None:
        try:
            import openai
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise LLMConfigError(
                "the openai answerer needs langchain-openai: pip install -e '.[llm]' in the checkout"
            ) from None
        if not base_url and not api_key:
            raise LLMConfigError("the openai answerer needs ASSISTANT_LLM_BASE_URL (a local server) "
                                 "or ASSISTANT_LLM_API_KEY (OpenAI itself)")
        if not base_url and not model:
            raise LLMConfigError("the openai answerer needs ASSISTANT_LLM_MODEL, e.g. gpt-4o-mini")
        body = dict(extra_body or {})
        if base_url:
            # langchain-openai sends only `max_completion_tokens`, which llama-cpp-python's server (and
            # older vLLM/Ollama) ignore: without `max_tokens` a small model runs on to the context's end.
            body.setdefault("max_tokens", max_tokens)
        self.where = shown_url(base_url) if base_url else "api.openai.com"  # for notices: no password
        self.model_named = bool(model)
        self.timeout = timeout
        self.max_tokens = max_tokens
        # openai's defaults, with a hook that finds a reply's socket (``_Connection``); langchain's own client
        # adds TCP keep-alive probes, for silent peers, which the deadline deals with. HTTP/1.1 only (the
        # default): shutting down an HTTP/2 socket would end every request that shares it. `Connection: close`:
        # no connection is reused (``_Connection``). The cost, a handshake per request (TCP, and TLS to a
        # remote server), is mostly paid already: openai closes a streamed reply at its `[DONE]`, before the
        # body's end, which closes its connection; only one read whole (an error, say) left it to the next.
        hooks = {"request": [_trace_request]}
        # No retries: a retry would wait the timeout again, unseen (the answerer bounds the whole wait).
        self.llm = ChatOpenAI(
            # A llama.cpp server serves whatever model it loaded, whatever the request names.
            model=model or "default",
            base_url=base_url or OPENAI_API,
            api_key=api_key or "not-needed",  # local servers ignore it; the client insists on one
            timeout=timeout,
            max_retries=max_retries,
            max_tokens=max_tokens,
            temperature=temperature,
            extra_body=body or None,
            http_client=openai.DefaultHttpxClient(event_hooks=hooks, headers={"Connection": "close"}),
        )

    def stream(self, messages: Messages, timeout: float | None = None) -> Iterator[str]:
        """The reply's pieces until ``timeout`` (the seconds left to the question) runs out.

        The client's timeout bounds each read, and is set once, when the request starts: a stream that
        stalls after some tokens would wait that long again. The reply is read in a worker thread instead,
        which the reader leaves at the deadline; its socket is then shut down, which ends a read stalled
        there (``_Connection``).
        """
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        return relay(lambda stop: self._pieces(messages, timeout, stop), deadline,
                     lambda: TimeoutError(f"no complete reply in the {timeout:.3g} s left"), "openai-reply")

    def _pieces(self, messages: Messages, timeout: float, stop: Stop) -> Iterator[str]:
        started = time.monotonic()
        connection = _Connection()
        stop.on_set(connection.give_up)
        reading = _reading.set(connection)
        try:
            finish, wrote = None, False
            with closing(self.llm.stream(messages, timeout=timeout)) as chunks:  # closing ends the request
                for chunk in chunks:
                    finish = chunk.response_metadata.get("finish_reason") or finish
                    content = chunk.content
                    if isinstance(content, list):  # content blocks, from some providers
                        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part)
                                          for part in content)
                    if content:
                        wrote = True
                        yield content
            if finish == "length" and not wrote:
                # A reasoning model (its thoughts sent apart, as reasoning_content) can spend every token
                # thinking: "an empty answer" left the reader to guess at the model, the server or the setting.
                raise NoReplyError(f"it wrote no answer within its {self.max_tokens} tokens, which a reasoning "
                                   "model's thinking counts against: raise ASSISTANT_LLM_MAX_TOKENS")
        except ValueError as error:
            # langchain's word for a stream with no chunk (no event, or a page that is not a stream): the
            # answerer's "empty answer", with its likely cause.
            if "No generation chunks" not in str(error):
                raise
            # A model with nothing to say still sends chunks (its role, its end). None at all is what
            # llama-cpp-python's server sends for a prompt longer than its context, its error only in its log.
            raise NoReplyError("no reply at all: a server whose context the prompt exceeds may do that; start it "
                               "with a larger context (llama.cpp: --n_ctx), or ask for fewer passages "
                               "(ASSISTANT_K)") from None
        except Exception as error:
            names = {cls.__name__ for cls in type(error).__mro__}
            detail = " ".join(str(error).split())[:120]
            if "NotFoundError" in names:
                # A 404 is the model's name or the server's address: "http://host:8080" for ".../v1" too.
                address = "" if self.where.rstrip("/").endswith("/v1") or self.where == "api.openai.com" else (
                    f"; check ASSISTANT_LLM_BASE_URL ({self.where}): an OpenAI-compatible server's address "
                    "usually ends in /v1")
                model = ("; the request named the model 'default': set ASSISTANT_LLM_MODEL to one the server "
                         "serves") if not self.model_named else "; check ASSISTANT_LLM_MODEL"
                served = self.served_models(timeout - (time.monotonic() - started))
                raise LLMConfigError(f"{detail}{address}; {served}{model}") from error
            if "AuthenticationError" in names or "PermissionDeniedError" in names:
                raise LLMConfigError(f"{detail}; the server refused the key: check ASSISTANT_LLM_API_KEY") from error
            if getattr(error, "status_code", None) == 503:
                # llama.cpp's server while it loads its model (restarted mid-conversation), a busy vLLM: a wait.
                raise ServerUnavailableError(server_message(error) or detail) from error
            if getattr(error, "status_code", None) in (405, 501):  # a web server, not a chat API, at the address
                raise LLMConfigError(f"{detail}; check ASSISTANT_LLM_BASE_URL ({self.where}): it should be an "
                                     "OpenAI-compatible server's address, usually ending in /v1") from error
            raise
        finally:
            _reading.reset(reading)


    def served_models(self, left: float) -> str:
        """What the server says it serves (its ``/models``, one request with the same address and key, within
        ``left`` seconds of the question and at most ``MODELS_TIMEOUT``), said for a notice: a 404 for a
        model's name named none, and the reader had to ask the server by hand."""
        try:
            page = self.llm.root_client.models.list(timeout=max(0.1, min(left, MODELS_TIMEOUT)))
            names = [str(model.id) for model in page.data]
        except Exception as error:  # a notice's extra: whatever the server does, the 404 is said
            reason = " ".join(str(error).split())[:80] or type(error).__name__
            return f"its models could not be listed ({reason})"
        if not names:
            return "it lists no model"
        shown = ", ".join(names[:MODELS_NAMED])
        more = f" and {len(names) - MODELS_NAMED} more" if len(names) > MODELS_NAMED else ""
        return f"the server serves: {shown}{more}"


# The wait for a server's list of models after a 404, and how many of them a notice names.
MODELS_TIMEOUT = 5.0
MODELS_NAMED = 10


def server_message(error: Exception) -> str:
    """The message of a server's JSON error (``{"error": {"message": ...}}``, as the openai client keeps its
    body), or ""."""
    body = getattr(error, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    message = body.get("message") if isinstance(body, dict) else None
    return " ".join(message.split())[:120] if isinstance(message, str) else ""


def make_openai_chat(settings: Settings, **options: Any) -> OpenAIChat:
    return OpenAIChat(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout=settings.llm_timeout,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        extra_body=settings.llm_extra_body,
        **options,
    )
