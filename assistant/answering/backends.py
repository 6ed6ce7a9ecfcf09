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
                              min_score_cross=settings.min_answer_score_cross)


def make_answerer(settings: Settings, embeddings: ModelEmbeddings, cache: EmbeddingCache | None):
    if settings.answerer == "extractive":
        return make_extractive(settings, embeddings, cache)
    raise NotImplementedError(f"answerer {settings.answerer!r} is not available yet")
