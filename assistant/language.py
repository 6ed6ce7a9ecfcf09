"""Language detection with lingua, loaded once, restricted to the languages news arrives in."""

from __future__ import annotations

from functools import lru_cache

_LANGUAGES = ("ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "RUSSIAN",
              "UKRAINIAN", "ARABIC", "CHINESE", "JAPANESE", "KOREAN", "POLISH")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, default: str = "") -> str:
    """ISO 639-1 code (``fr``, ``en``...) of the text, or ``default`` when it cannot tell."""
    sample = text[:3000].strip()
    if not sample:
        return default
    language = _detector().detect_language_of(sample)
    if language is None:
        return default
    return language.iso_code_639_1.name.lower()


def language_confidence(text: str) -> float:
    """How sure the detector is of its best language for ``text`` (0 to 1): low for garbled text."""
    values = _detector().compute_language_confidence_values(text[:3000])
    return float(values[0].value) if values else 0.0


def question_language(question: str) -> str:
    # Short questions are where detectors err; only French and English replies exist, so settle it there.
    return "fr" if detect_language(question, default="en") == "fr" else "en"


def crosses(question_language: str, passage_language: str) -> bool:
    """Whether question and passage are in different languages (a passage of unknown language is not)."""
    return bool(passage_language) and passage_language != question_language
