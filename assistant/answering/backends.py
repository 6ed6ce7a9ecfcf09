"""Choose the answerer named by the settings."""

from __future__ import annotations

from ..embeddings import EmbeddingCache, ModelEmbeddings
from ..settings import Settings
from .extractive import ExtractiveAnswerer


def make_extractive(
    settings: Settings, embeddings: ModelEmbeddings, cache: EmbeddingCache | None
) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(embeddings, cache, max_sentences=settings.max_answer_sentences,
                              min_score=settings.min_answer_score,
                              min_score_cross=settings.min_answer_score_cross, margin=settings.answer_margin)


def make_answerer(settings: Settings, embeddings: ModelEmbeddings, cache: EmbeddingCache | None):
    if settings.answerer == "extractive":
        return make_extractive(settings, embeddings, cache)
    # The LLM backends' packages are optional: imported only when chosen.
    from .llm import LLMAnswerer

    if settings.answerer == "openai":
        from .openai_backend import make_openai_chat

        backend = make_openai_chat(settings)
    elif settings.answerer == "llamacpp":
        from .llamacpp_backend import make_llamacpp_chat

        backend = make_llamacpp_chat(settings)
    else:
        raise ValueError(f"unknown answerer {settings.answerer!r}")
    return LLMAnswerer(backend, make_extractive(settings, embeddings, cache), embeddings, cache,
                       prompts_dir=settings.prompts_dir, min_support=settings.llm_min_support)
