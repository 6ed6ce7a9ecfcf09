"""A local GGUF model run in this process by ``llama-cpp-python`` (the optional ``llamacpp`` extra).

``llama_cpp`` is imported only when this backend is chosen, and the model is loaded on the first
question, so the default install and start-up stay light.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from ..settings import Settings
from .llm import LLMConfigError, Messages, ModelBusyError
from .relay import Stop, relay

logger = logging.getLogger(__name__)


class LlamaCppChat:
    name = "llamacpp"

    def __init__(self, model_path: Path, *, context_tokens: int, max_tokens: int, temperature: float,
                 timeout: float, chat_format: str | None = None) -> None:
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            raise LLMConfigError(
                "the llamacpp answerer needs llama-cpp-python: make llama (or pip install -e '.[llamacpp]') in the "
                "checkout"
            ) from None
        if not model_path.is_file():
            raise LLMConfigError(f"{model_path}: no such GGUF file (ASSISTANT_LLM_MODEL_PATH)")
        # Said now, once, rather than as a failed answer at every question (llama.cpp finds out when it
        # loads the model, and its list of formats was cut in the notice).
        try:
            with model_path.open("rb") as handle:
                magic = handle.read(4)
        except OSError as error:
            raise LLMConfigError(f"{model_path}: cannot be read ({error.strerror or error})") from None
        if magic != b"GGUF":
            raise LLMConfigError(f"{model_path}: not a GGUF model file (ASSISTANT_LLM_MODEL_PATH)")
        if chat_format:
            from llama_cpp.llama_chat_format import LlamaChatCompletionHandlerRegistry

            known = sorted(LlamaChatCompletionHandlerRegistry()._chat_handlers)
            if chat_format not in known:
                raise LLMConfigError(f"unknown chat format {chat_format!r} (ASSISTANT_LLM_CHAT_FORMAT): one of "
                                     f"{', '.join(known)}, or unset to read it from the model")
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
        self._given_up = threading.Event()  # set when the reader of the reply that has the model has gone
        self._abort_callback: Any = None

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
            self._allow_cancelling(self._llm)
            if not self.chat_format and not (getattr(self._llm, "metadata", None) or {}).get("tokenizer.chat_template"):
                # llama.cpp then writes the prompt in llama-2's format, and a model trained on another one
                # answers with the prompt's own words ("<<SYS>> You are a news assistant...").
                logger.warning("%s has no chat template: llama.cpp uses llama-2's format; set "
                               "ASSISTANT_LLM_CHAT_FORMAT to the model's (e.g. gemma, chatml, llama-3)",
                               self.model_path.name)
        return self._llm

    def _allow_cancelling(self, llm: Any) -> None:
        """Let a reply given up on stop inside llama.cpp's computation, not only at its next token.

        Reading a long prompt gives no token for minutes on a CPU with a large model: a reply given up on
        then held the model (and every question after it waited) until its first token. llama.cpp asks
        this callback between the steps of its computation and then ends ``llama_decode`` (llama-cpp-python
        raises ``RuntimeError``); the next question finds the model's cache as it was before the batch.
        The CPU backend asks it; a backend that does not (some GPU ones) runs the batch under way to its
        end first. Without the call
        (an older llama-cpp-python), a reply given up on ends at its first token, and questions that wait
        for the model longer than their timeout say that it is busy (``ModelBusyError``).
        """
        import llama_cpp

        set_callback = getattr(llama_cpp, "llama_set_abort_callback", None)
        context = getattr(getattr(llm, "_ctx", None), "ctx", None)
        if set_callback is None or context is None:
            return
        # Kept on self: ctypes frees a callback that nothing references, and llama.cpp would call freed memory.
        self._abort_callback = llama_cpp.ggml_abort_callback(lambda _data: self._given_up.is_set())
        set_callback(context, self._abort_callback, None)

    def stream(self, messages: Messages, timeout: float | None = None) -> Iterator[str]:
        """The reply's pieces, from a worker thread (``relay``): loading the model and reading the prompt
        give no piece to check the deadline on, so the wait for each piece is bounded there. A reply given
        up on stops at once (``_allow_cancelling``), which frees the model for the next question."""
        timeout = self.timeout if timeout is None else timeout
        has_model = threading.Event()

        def produce(stop: Stop) -> Iterator[str]:
            with self._lock:
                if stop.is_set():
                    return  # given up while another question had the model
                has_model.set()
                self._given_up = stop
                chunks = self.model().create_chat_completion(
                    messages=messages, stream=True, max_tokens=self.max_tokens, temperature=self.temperature)
                with closing(chunks):
                    for chunk in chunks:
                        piece = chunk["choices"][0].get("delta", {}).get("content")
                        if piece:
                            yield piece

        def late() -> Exception:
            if has_model.is_set():
                return TimeoutError(f"no reply in the {timeout:.3g} s left")
            return ModelBusyError(f"the model was busy with another question for {timeout:.3g} s")

        return relay(produce, time.monotonic() + timeout, late, "llamacpp-reply")


def make_llamacpp_chat(settings: Settings) -> LlamaCppChat:
    if settings.llm_model_path is None:
        raise LLMConfigError("the llamacpp answerer needs ASSISTANT_LLM_MODEL_PATH, the path of a .gguf file")
    return LlamaCppChat(settings.llm_model_path, context_tokens=settings.llm_context_tokens,
                        max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                        timeout=settings.llm_timeout, chat_format=settings.llm_chat_format)
