"""One ``Assistant`` per answerer a user picks in the settings, all sharing the same index and models."""

from __future__ import annotations

import threading
from typing import get_args

from ..api import Assistant
from ..settings import Settings

ANSWERERS: tuple[str, ...] = tuple(get_args(Settings.model_fields["answerer"].annotation)) or ("extractive",)
# What a variant borrows from the app's assistant: one Chroma client, one BM25 index, one model in memory.
_SHARED_PARTS = ("embeddings", "store", "cache", "lexical", "retriever", "indexer")


class AnswererPool:
    def __init__(self, assistant: Assistant) -> None:
        self.base = assistant
        self._variants: dict[str, Assistant] = {assistant.settings.answerer: assistant}
        self._lock = threading.Lock()

    @property
    def default(self) -> str:
        return self.base.settings.answerer

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
