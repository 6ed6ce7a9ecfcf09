"""Every sentence that mentions some words: ``assistant search`` and ``Assistant.search``.

``ask`` quotes the few sentences that best answer a question; a journalist checking a name or a figure
wants every place the articles write it. Words match as BM25 reads them (case and accents folded, French
inflections stemmed: "arme" finds "armes", "Coree" finds "Corée"), all of them in one sentence; a phrase in
quotes matches its words in a row, as a hyphenated word's ("Jong-un") and a number's ("6.3") parts do.
BM25's postings give the passages holding every word, so only those are read, whatever the size of the index.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from .chunking import stored_sentences
from .lexical import LexicalIndex, tokenize, word_terms
from .store import Store
from .types import newest_published_first

# "...", «...», “...”: a phrase; the rest are words.
_PHRASE = re.compile(r'"([^"]*)"|«([^»]*)»|“([^”]*)”')
# One word written in parts: a hyphenated name or compound ("Jong-un", "lance-roquettes") and a number with
# its separators ("6.3", "1,2", "14,000", "1 200"). Its parts must follow one another: "6.3" is not a 6 and a
# 3 anywhere in the sentence.
_JOINED = re.compile(r"\d+(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d+)+|\w+(?:[-\u2010\u2011]\w+)+")
_PAGE = 500  # chunks read at once


class SearchError(ValueError):
    """The search words cannot find anything specific (none given, or only common words)."""


@dataclass(frozen=True)
class Mention:
    """A sentence that holds the searched words: ``text == article_text[start:end]``; ``matches`` are the
    words found, as ``(start, end)`` offsets in the article."""

    source: str
    title: str
    text: str
    start: int
    end: int
    matches: tuple[tuple[int, int], ...]
    doc_id: str = ""
    chunk_id: str = ""
    published: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "matches": [list(span) for span in self.matches]}

    def pieces(self) -> list[tuple[str, bool]]:
        """The sentence cut at its matches, in order: ``(text, is_a_word_found)``, for showing them marked."""
        pieces, cursor = [], self.start
        for start, end in self.matches:
            pieces += [(self.text[cursor - self.start : start - self.start], False),
                       (self.text[start - self.start : end - self.start], True)]
            cursor = end
        return [*pieces, (self.text[cursor - self.start :], False)]


@dataclass(frozen=True)
class SearchQuery:
    """What ``parse_query`` read: the BM25 terms of the words given alone, each phrase as its folded words,
    and the common words left out."""

    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()
    ignored: tuple[str, ...] = field(default=())
    # Words written in parts, each part as ``_key`` reads it (inflections folded, as for a word alone).
    joined: tuple[tuple[str, ...], ...] = ()
    # Each word's English singular or plural, folded: the French stemmer, which BM25 reads all articles with,
    # leaves "shareholders" and "shareholder", "companies" and "company" apart. They are matched as written, not
    # stemmed: stemmed, "Germany"'s plural "germanies" would be "German".
    plurals: tuple[tuple[str, frozenset[str]], ...] = ()
    # Each word's terms with its spellings' in "œ" or "oe", "æ" or "ae": folding keeps the ligature, and a
    # keyboard seldom has it ("manoeuvre" for "manœuvre").
    spellings: tuple[tuple[str, frozenset[str]], ...] = ()

    def forms(self, word: str, english: bool) -> frozenset[str]:
        """The terms that may stand for ``word`` (a term of ``words``) in a sentence of that language (its
        English plural's or singular's stand for it only as written: ``stands_for``)."""
        spelled = self._spelled.get(word, frozenset({word}))
        return spelled | self._plural_terms.get(word, frozenset()) if english else spelled

    @cached_property
    def _spelled(self) -> dict[str, frozenset[str]]:
        return dict(self.spellings)

    @cached_property
    def _plural_terms(self) -> dict[str, frozenset[str]]:
        return {word: frozenset(tokenize(" ".join(forms))) for word, forms in self.plurals}

    @cached_property
    def _any_spelling(self) -> frozenset[str]:
        """Every term that stands for one of the words, in any spelling."""
        return frozenset().union(*(self._spelled.get(word, frozenset({word})) for word in self.words))

    def stands_for(self, folded: str, stem: str, english: bool) -> bool:
        """Whether a word of a sentence (folded, and its term) is one of the query's words."""
        return stem in self._any_spelling or (english and any(folded in forms for _, forms in self.plurals))

    def groups(self, english: bool = True) -> tuple[frozenset[str], ...]:
        """What a sentence must hold, one term of each group: every word's forms (in English ones too by
        default: what a passage of any language must hold), and each term of its phrases in either spelling."""
        return self._groups[english]

    @cached_property
    def _groups(self) -> dict[bool, tuple[frozenset[str], ...]]:
        # Asked for each sentence read: made once per query and language.
        phrased = tuple(frozenset({term, *_ligatures(term)}) for term in self.terms - self.words)
        return {english: (*(self.forms(word, english) for word in self.words), *phrased) for english in (False, True)}

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every term a matching sentence holds: its words' and its phrases' (their common words aside)."""
        phrased = ({stem for _, stem, _, _ in word_terms(" ".join(p))} - {""} for p in self.phrases)
        joined = ({key for key in parts if not key.startswith("=")} for parts in self.joined)
        return self.words.union(*phrased, *joined)

    def matches(self, text: str, english: bool = False) -> tuple[tuple[int, int], ...]:
        """Where ``text`` holds the query (offsets in it), or () when it lacks a word or a phrase;
        ``english``: the text is English, where a word's English singular or plural stands for it."""
        tokens = set(tokenize(text))
        if not all(group & tokens for group in self.groups(english)):  # most sentences read: the quick test first
            return ()
        words = word_terms(text)
        spans = [(start, end) for word, stem, start, end in words if stem and self.stands_for(word, stem, english)]
        found = {stem for word, stem, _, _ in words if stem and self.stands_for(word, stem, english)}
        if not all(self.forms(w, english) & found for w in self.words):  # "Germany" and "German"
            return ()
        folded = [_plain(w) for w, _, _, _ in words]
        keys = [_key(word, stem) for word, stem, _, _ in words]
        for run, sequence in [*((p, folded) for p in self.phrases), *((j, keys) for j in self.joined)]:
            found = [i for i in range(len(sequence) - len(run) + 1) if tuple(sequence[i : i + len(run)]) == run]
            if not found:
                return ()
            spans.extend((words[i][2], words[i + len(run) - 1][3]) for i in found)
        return _merged(spans)


def _key(word: str, stem: str) -> str:
    """A part of a word written in parts as matched: its BM25 term, or a common word as written ("un")."""
    return _plain(stem) if stem else f"={_plain(word)}"


def _plain(word: str) -> str:
    """A folded word with "œ", "æ" written "oe", "ae": how phrases and hyphenated words compare words."""
    return word.replace("œ", "oe").replace("æ", "ae")


def parse_query(query: str) -> SearchQuery:
    """The words and quoted phrases of ``query``; ``SearchError`` when nothing in it tells passages apart."""
    if not isinstance(query, str):
        raise SearchError(f"the search must be text, not {type(query).__name__}")
    phrases: list[tuple[str, ...]] = []
    terms: set[str] = set()
    ignored: list[str] = []
    for match in _PHRASE.finditer(query):
        words = word_terms(next(g for g in match.groups() if g is not None))
        if words:
            phrases.append(tuple(_plain(w) for w, _, _, _ in words))
    joined: list[tuple[str, ...]] = []
    rest = _PHRASE.sub(" ", query)
    for match in _JOINED.finditer(rest):
        parts = word_terms(match.group())
        if any(stem for _, stem, _, _ in parts):  # "a-t-il": only common words, left out as such
            joined.append(tuple(_key(word, stem) for word, stem, _, _ in parts))
            rest = rest[: match.start()] + " " * len(match.group()) + rest[match.end() :]
    plurals: dict[str, set[str]] = {}
    spellings: dict[str, set[str]] = {}
    for word, stem, _, _ in word_terms(rest):
        if stem:
            terms.add(stem)
            plurals.setdefault(stem, set()).update(_english_plurals(word))
            spellings.setdefault(stem, {stem}).update(t for t in tokenize(" ".join(_ligatures(word))) if t)
        elif word not in ignored:
            ignored.append(word)
    parsed = SearchQuery(frozenset(terms), tuple(phrases), tuple(ignored), tuple(joined),
                         tuple((stem, frozenset(forms)) for stem, forms in plurals.items()),
                         tuple((stem, frozenset(forms)) for stem, forms in spellings.items()))
    if not parsed.terms:
        said = f" (only common words: {', '.join(ignored)})" if ignored else ""
        raise SearchError(f"nothing to search for in {query.strip()!r}{said}: give a word that only some "
                          "sentences hold, a name, a number")
    return parsed


def _ligatures(word: str) -> list[str]:
    """A folded word spelled with "œ", "æ" for "oe", "ae", and the other way round."""
    swapped = [word.replace(a, b) for a, b in (("oe", "œ"), ("œ", "oe"), ("ae", "æ"), ("æ", "ae")) if a in word]
    return [w for w in swapped if w != word]


def _english_plurals(word: str) -> list[str]:
    """A folded word's English singular or plural ("companies" -> "company", "shareholder" ->
    "shareholders"), as a guess: only English sentences accept them."""
    if word.isdigit() or len(word) < 3:
        return []
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    if word.endswith("es"):
        return [word[:-2], word[:-1]]
    if word.endswith("s") and not word.endswith("ss"):
        return [word[:-1]]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + "es" if word.endswith(("s", "x", "ch", "sh")) else word + "s"]


def find_mentions(store: Store, lexical: LexicalIndex, query: SearchQuery,
                  where: dict[str, Any] | None = None) -> list[Mention]:
    """Every sentence holding the query, newest article first (undated ones last), in reading order."""
    ids = lexical.holding_each(query.groups())
    by_article: dict[str, list[Mention]] = {}
    for page in range(0, len(ids), _PAGE):
        for chunk, _ in store.get_chunks(ids[page : page + _PAGE], where=where):
            meta = chunk.metadata
            offset = int(meta.get("start", 0))
            for start, end in stored_sentences(chunk):
                text = chunk.page_content[start - offset : end - offset]
                spans = query.matches(text, english=meta.get("language") == "en")
                if spans:
                    doc_id = str(meta.get("doc_id", ""))
                    by_article.setdefault(doc_id, []).append(Mention(
                        source=str(meta.get("source", "")), title=str(meta.get("title", "")), text=text,
                        start=start, end=end, matches=tuple((start + a, start + b) for a, b in spans),
                        doc_id=doc_id, chunk_id=str(chunk.id or ""), published=str(meta.get("published") or ""),
                        url=str(meta.get("url") or "")))
    by_title = sorted(by_article.values(), key=lambda found: (found[0].title, found[0].source))
    articles = newest_published_first(by_title, lambda found: found[0].published)
    return [mention for found in articles for mention in _once(found)]


def _once(mentions: list[Mention]) -> list[Mention]:
    """An article's mentions in reading order, each sentence once: overlapping chunks hold a sentence twice,
    or cut it at different places (then the longer is kept)."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
