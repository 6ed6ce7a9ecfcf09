"""Sentence boundaries with character offsets, from spaCy's French sentence recogniser.

The recogniser is statistical, so it copes with abbreviations, quotes and numbers ("122mm et 152mm")
that trip a regular expression; it also segments English well enough for choosing answer sentences.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_LINE = re.compile(r"[^\n]+")
_MAX_SENTENCE = 600  # characters; longer runs (tables, lists without stops) are cut at spaces
_NLP_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    nlp = spacy.load(
        "fr_core_news_sm",
        exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "morphologizer", "tok2vec"],
    )
    nlp.enable_pipe("senter")
    return nlp


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, shifted by ``offset``, whitespace trimmed.

    Lines are segmented separately: in news files a line break ends a title or a paragraph.
    """
    return [(offset + start, offset + end) for start, end in _spans(text)]


# The embed-ahead thread splits a chunk to embed its sentences, then the indexer splits the same chunk
# to store its spans: remembering the last few thousand texts makes the second a lookup.
@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group().strip()]
    with _NLP_LOCK:  # one pipeline shared by threads (the indexer and its embed-ahead thread)
        docs = list(_nlp().pipe(line for _, line in lines))
    spans: list[tuple[int, int]] = []
    for (line_start, line), doc in zip(lines, docs, strict=True):
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            while start < end and line[start].isspace():
                start += 1
            while end > start and line[end - 1].isspace():
                end -= 1
            for piece_start, piece_end in _cut_long(line, start, end):
                spans.append((line_start + piece_start, line_start + piece_end))
    return tuple(spans)


def _cut_long(line: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > _MAX_SENTENCE:
        cut = line.rfind(" ", start, start + _MAX_SENTENCE)
        if cut <= start:
            cut = start + _MAX_SENTENCE
        pieces.append((start, cut))
        start = cut
        while start < end and line[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces
