"""Language detection with lingua, loaded once, restricted to the languages news arrives in."""

from __future__ import annotations

import re
from functools import lru_cache

_LANGUAGES = ("ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "RUSSIAN",
              "UKRAINIAN", "ARABIC", "CHINESE", "JAPANESE", "KOREAN", "POLISH")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


@lru_cache(maxsize=1)
def language_codes() -> tuple[str, ...]:
    """The ISO 639-1 codes an article's language can be recorded as (those of ``_LANGUAGES``)."""
    from lingua import Language

    return tuple(sorted(getattr(Language, name).iso_code_639_1.name.lower() for name in _LANGUAGES))


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """Each of those languages' code by its names in English, in French and in itself, lower case, with and
    without accents: "german", "allemand", "deutsch" and "espanol" name de and es."""
    from babel import Locale

    from .lexical import fold

    names: dict[str, str] = {}
    for code in language_codes():
        for locale in ("en", "fr", code):
            name = Locale(locale).languages[code].lower()
            names.update({name: code, fold(name): code})
    return names


def detect_language(text: str, default: str = "") -> str:
    """ISO 639-1 code (``fr``, ``en``...) of the text, or ``default`` when it cannot tell."""
    sample = text[:3000].strip()
    return (_language_of(sample) if sample else "") or default


# Quotations, which are in their speaker's language: a French article quoting an English speech at length
# was recorded as English, and so was a German one quoting it „...“ (German and Polish open low). Straight
# quotes pair within a line.
_QUOTATION = re.compile(r"«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"\n]*\"")
_MIN_OWN_TEXT = 200  # characters left once quotations are out: less says too little of the article's language


def article_language(text: str) -> str:
    """ISO 639-1 code of an article: that of its own words, its quotations left out where enough remains."""
    own = _QUOTATION.sub(" ", text[:3000])
    return detect_language(own if len(own.strip()) >= _MIN_OWN_TEXT else text)


# The indexer's embed-ahead thread loads a file, then the indexer loads it again: remembering the last
# files' answers makes the second detection (2.5 ms an article, the bulk of loading one) a lookup.
@lru_cache(maxsize=1024)
def _language_of(sample: str) -> str:
    language = _detector().detect_language_of(sample)
    return "" if language is None else language.iso_code_639_1.name.lower()


def language_confidence(text: str) -> float:
    """How sure the detector is of its best language for ``text`` (0 to 1): low for garbled text."""
    values = _detector().compute_language_confidence_values(text[:3000])
    return float(values[0].value) if values else 0.0


# Function words of one language and not the other. A question's grammar is in its own language while
# its names may be in any: lingua takes "Qui est le cousin de Harry ?" for English and 47 of PIAF's 1,551
# French questions for another language; counting these words errs on 2 (none of the English sets).
_FRENCH_WORDS = frozenset(
    "le la les des du de d l est sont qui que qu quel quelle quels quelles où combien comment pourquoi quand "
    "une un et dans sur pour par avec au aux ce cette ces il elle ils elles ont été était sa ses leur leurs "
    "lequel laquelle en ne pas".split())
_ENGLISH_WORDS = frozenset(
    "the of what which who whom whose where when why how is are was were did does do in at to for with by "
    "and an his her their its from that this these those has have had will would can".split())
_WORD = re.compile(r"[^\W\d_]+")


# How sure lingua must be that a question is in a third language for its reply to be in English: a
# Spanish or Italian question's "la", "de", "que" counted as French words, and one Spanish question was
# refused in French, the next in English. No French or English question of the evaluation sets reaches
# it ("Quelle est la position du FC Internazionale Milano ?": Italian at 0.85). Spanish's opening "¿" and
# "¡" say so on their own (lingua split "¿Cuál es la tasa de paro en Portugal?" between Spanish and
# Portuguese, 0.62 and 0.21).
OTHER_LANGUAGE_CONFIDENCE = 0.9


def question_language(question: str) -> str:
    """``fr`` or ``en`` (the languages replies are written in): by the function words the question uses
    more of, and by lingua when they tie; ``en`` for a question lingua is sure is in another language."""
    if _in_another_language(question):
        return "en"
    words = _WORD.findall(question.lower())
    french = sum(word in _FRENCH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    if french != english:
        return "fr" if french > english else "en"
    return "fr" if detect_language(question, default="en") == "fr" else "en"


def written_in(question: str, reply_language: str) -> str:
    """The language ``question`` is written in, for telling which passages are in another one: its reply
    language (``fr``, ``en``), or the third language it is in ("de", "es"). A German question was held as
    English: its German article's sentences to the cross-language bar with the cross-language lift, and
    the English article that answered it to the one-language bar, so the German article's nearest sentence
    was quoted for where the ships went (Rotterdam, in the English one)."""
    if not _in_another_language(question):
        return reply_language
    # Only Spanish opens with "¿" or "¡" (lingua splits such a question between Spanish and Portuguese).
    return surely_in(question) or ("es" if "¿" in question or "¡" in question else reply_language)


def _in_another_language(question: str) -> bool:
    if "¿" in question or "¡" in question:
        return True
    return surely_in(question) not in (None, "fr", "en")


@lru_cache(maxsize=256)  # asked several times of each question
def surely_in(question: str) -> str | None:
    """The question's language when lingua is sure of it (``de``), else ``None``."""
    values = _detector().compute_language_confidence_values(question[:3000])
    best = values[0] if values else None
    if best is None or best.value < OTHER_LANGUAGE_CONFIDENCE:
        return None
    return best.language.iso_code_639_1.name.lower()


def crosses(question_language: str, passage_language: str) -> bool:
    """Whether question and passage are in different languages (a passage of unknown language is not)."""
    return bool(passage_language) and passage_language != question_language


def in_latin_script(text: str) -> bool:
    """Whether most of the text's letters are Latin (English, French, and the names they write); a question
    in Chinese, Arabic or Russian is not."""
    letters = [ch for ch in text if ch.isalpha()]
    return not letters or sum(ch < "\u0250" for ch in letters) * 2 >= len(letters)
