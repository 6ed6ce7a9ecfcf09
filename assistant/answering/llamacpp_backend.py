"""A local GGUF model run in this process by ``llama-cpp-python`` (the optional ``llamacpp`` extra).

``llama_cpp`` is imported only when this backend is chosen, and the model is loaded on the first
question, so the default install and start-up stay light.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..settings import Settings
from .llm import LLMConfigError, Messages


class LlamaCppChat:
    name = "llamacpp"

    def __init__(self, model_path: Path, *, context_tokens: int, max_tokens: int, temperature: float,
                 timeout: float, chat_format: str | None = None) -> None:
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            raise LLMConfigError(
                "the llamacpp answerer needs llama-cpp-python: pip install 'news-assistant[llamacpp]'"
            ) from None
        if not model_path.is_file():
            raise LLMConfigError(f"{model_path}: no such GGUF file (ASSISTANT_LLM_MODEL_PATH)")
        self.model_path = model_path
        self.where = str(model_path)
        self.context_tokens = context_tokens
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.timeout = timeout
        self.chat_format = chat_format
        self._llm: Any = None
        self._failure = ""  # why the model could not be loaded: not tried again on every question
        # One model, one context: questions from several threads take turns.
        self._lock = threading.Lock()

    def model(self) -> Any:
        if self._failure:
            raise LLMConfigError(self._failure)
        if self._llm is None:
            from llama_cpp import Llama

            try:
                self._llm = Llama(model_path=str(self.model_path), n_ctx=self.context_tokens,
                                  chat_format=self.chat_format, verbose=False)
            except Exception as error:
                detail = " ".join(str(error).split())[:150]
                self._failure = f"{self.model_path.name} could not be loaded ({type(error).__name__}: {detail})"
                raise LLMConfigError(self._failure) from error
        return self._llm

    def stream(self, messages: Messages, timeout: float | None = None) -> Iterator[str]:
        """The reply's pieces, from a worker thread: loading the model and reading the prompt give no piece
        to check the deadline on (minutes for a large model on a CPU), so the wait for each piece is bounded
        here. A reply given up on stops at its next piece, which frees the model for the next question."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        pieces: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()

        def work() -> None:
            try:
                with self._lock:
                    if stop.is_set():
                        return  # given up while another question had the model
                    chunks = self.model().create_chat_completion(
                        messages=messages, stream=True, max_tokens=self.max_tokens, temperature=self.temperature)
                    for chunk in chunks:
                        if stop.is_set():
                            break
                        piece = chunk["choices"][0].get("delta", {}).get("content")
                        if piece:
                            pieces.put(piece)
            except BaseException as error:  # said by the caller's thread, which the answerer watches
                pieces.put(error)
            finally:
                pieces.put(_DONE)

        threading.Thread(target=work, name="llamacpp-reply", daemon=True).start()
        try:
            while True:
                try:
                    item = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise TimeoutError("no reply in time") from None
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()


_DONE = object()


def make_llamacpp_chat(settings: Settings) -> LlamaCppChat:
    if settings.llm_model_path is None:
        raise LLMConfigError("the llamacpp answerer needs ASSISTANT_LLM_MODEL_PATH, the path of a .gguf file")
    return LlamaCppChat(settings.llm_model_path, context_tokens=settings.llm_context_tokens,
                        max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                        timeout=settings.llm_timeout, chat_format=settings.llm_chat_format)
