"""Any OpenAI-compatible chat endpoint (llama.cpp server, vLLM, Ollama, OpenAI) through ``langchain-openai``."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import closing
from typing import Any

from ..settings import Settings
from ..urls import shown_url
from .llm import LLMConfigError, Messages
from .relay import relay


class OpenAIChat:
    name = "openai"

    def __init__(self, *, base_url: str | None, model: str | None, api_key: str | None, timeout: float,
                 max_tokens: int, temperature: float, max_retries: int = 0,
                 extra_body: Mapping[str, Any] | None = None) -> None:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise LLMConfigError(
                "the openai answerer needs langchain-openai: pip install 'news-assistant[llm]'"
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
        # No retries: a retry would wait the timeout again, unseen (the answerer bounds the whole wait).
        self.llm = ChatOpenAI(
            # A llama.cpp server serves whatever model it loaded, whatever the request names.
            model=model or "default",
            base_url=base_url,
            api_key=api_key or "not-needed",  # local servers ignore it; the client insists on one
            timeout=timeout,
            max_retries=max_retries,
            max_tokens=max_tokens,
            temperature=temperature,
            extra_body=body or None,
        )

    def stream(self, messages: Messages, timeout: float | None = None) -> Iterator[str]:
        """The reply's pieces until ``timeout`` (the seconds left to the question) runs out.

        The client's timeout bounds each read, and is set once, when the request starts: a stream that
        stalls after some tokens would wait that long again. The reply is read in a worker thread instead,
        which the reader leaves at the deadline; a read stalled there ends at the client's timeout.
        """
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        return relay(lambda stop: self._pieces(messages, timeout), deadline,
                     lambda: TimeoutError(f"no complete reply in the {timeout:.3g} s left"), "openai-reply")

    def _pieces(self, messages: Messages, timeout: float) -> Iterator[str]:
        try:
            with closing(self.llm.stream(messages, timeout=timeout)) as chunks:  # closing ends the request
                for chunk in chunks:
                    content = chunk.content
                    if isinstance(content, list):  # content blocks, from some providers
                        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part)
                                          for part in content)
                    if content:
                        yield content
        except ValueError as error:
            # langchain's word for a stream with no chunk (an empty reply, or a page that is not a stream):
            # the answerer's "empty answer".
            if "No generation chunks" not in str(error):
                raise
        except Exception as error:
            if "NotFoundError" in {cls.__name__ for cls in type(error).__mro__} and not self.model_named:
                raise LLMConfigError(f"{' '.join(str(error).split())[:120]}; the request named the model "
                                     "'default': set ASSISTANT_LLM_MODEL to one the server serves") from error
            raise


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
