"""A local GGUF model run in this process by ``llama-cpp-python`` (the optional ``llamacpp`` extra).

``llama_cpp`` is imported only when this backend is chosen, and the model is loaded on the first
question, so the default install and start-up stay light.
"""

from __future__ import annotations

import threading
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
        # In process, the deadline is checked as pieces arrive (``timeout`` is for a server's client): the
        # answerer closes this generator on its deadline, which ends the generation and frees the lock.
        with self._lock:
            chunks = self.model().create_chat_completion(messages=messages, stream=True, max_tokens=self.max_tokens,
                                                         temperature=self.temperature)
            for chunk in chunks:
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece


def make_llamacpp_chat(settings: Settings) -> LlamaCppChat:
    if settings.llm_model_path is None:
        raise LLMConfigError("the llamacpp answerer needs ASSISTANT_LLM_MODEL_PATH, the path of a .gguf file")
    return LlamaCppChat(settings.llm_model_path, context_tokens=settings.llm_context_tokens,
                        max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                        timeout=settings.llm_timeout, chat_format=settings.llm_chat_format)
