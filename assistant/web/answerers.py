"""One ``Assistant`` per answerer a user picks in the settings, all sharing the same index and models."""

from __future__ import annotations

import threading
from importlib.util import find_spec
from typing import get_args

from ..api import Assistant
from ..settings import Settings

ANSWERERS: tuple[str, ...] = tuple(get_args(Settings.model_fields["answerer"].annotation)) or ("extractive",)
# What a variant borrows from the app's assistant: one Chroma client, one BM25 index, one model in memory.
_SHARED_PARTS = ("embeddings", "store", "cache", "lexical", "retriever", "indexer")


def unavailable(name: str, settings: Settings) -> str | None:
    """Why the ``name`` answerer cannot work here, as an i18n key (``settings.needs.*``: the variable or the
    package it lacks), or None when it may. Checked without building it: a model is not loaded to find out."""
    if name == "openai":
        if find_spec("langchain_openai") is None:
            return "settings.needs.llm_package"
        if not settings.llm_base_url and not (settings.llm_api_key and settings.llm_model):
            return "settings.needs.openai"
    elif name == "llamacpp":
        if find_spec("llama_cpp") is None:
            return "settings.needs.llamacpp_package"
        if settings.llm_model_path is None or not settings.llm_model_path.is_file():
            return "settings.needs.llamacpp"
    return None


class AnswererPool:
    def __init__(self, assistant: Assistant) -> None:
        self.base = assistant
        self._variants: dict[str, Assistant] = {assistant.settings.answerer: assistant}
        self._lock = threading.Lock()

    @property
    def default(self) -> str:
        return self.base.settings.answerer

    def available(self) -> list[str]:
        """The answerers a user may pick: the app's own, and those whose settings are there."""
        return [name for name in ANSWERERS if name == self.default or unavailable(name, self.base.settings) is None]

    def missing(self) -> dict[str, str]:
        """The others, each with the i18n key of what it lacks."""
        return {name: key for name in ANSWERERS if name != self.default
                and (key := unavailable(name, self.base.settings)) is not None}

    def get(self, name: str | None) -> Assistant:
        """The assistant answering with ``name``; raises with the backend's reason when it cannot be built."""
        name = name or self.default
        with self._lock:
            variant = self._variants.get(name)
            if variant is None:
                if name not in ANSWERERS:
                    raise ValueError(f"unknown answerer {name!r}")
                variant = Assistant(settings=self.base.settings.with_overrides(answerer=name))
                for part in _SHARED_PARTS:
                    # the parts are cached properties: setting one makes the variant use the base's instance
                    setattr(variant, part, getattr(self.base, part))
                variant.answerer  # noqa: B018  (build it now, so a missing model or server is reported at once)
                self._variants[name] = variant
            return variant
