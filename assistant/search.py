"""Every sentence that mentions some words: ``assistant search`` and ``Assistant.search``.

``ask`` quotes the few sentences that best answer a question; a journalist checking a name or a figure
wants every place the articles write it. Words match as BM25 reads them (case and accents folded, inflections
stemmed in each article's language: "arme" finds "armes", "Coree" finds "Corée", "strike" an English article's
"striking"), all of them in one sentence; a phrase in
quotes matches its words in a row, as a hyphenated word's ("Jong-un") and a number's ("6.3") parts do.
BM25's postings give the passages holding every word, so only those are read, whatever the size of the index.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from .chunking import stored_sentences
from .lexical import LexicalIndex, term_language, term_languages, tokenize, word_terms
from .store import Store
from .types import newest_published_first

# "...", «...», “...”: a phrase; the rest are words.
_PHRASE = re.compile(r'"([^"]*)"|«([^»]*)»|“([^”]*)”')
# One word written in parts: a hyphenated name or compound ("Jong-un", "lance-roquettes") and a number with
# its separators ("6.3", "1,2", "14,000", "1 200"). Its parts must follow one another: "6.3" is not a 6 and a
# 3 anywhere in the sentence. It starts where a number or a word does: tried from each letter of a long word without
# a hyphen, it read the rest of the word each time (31 s for a search of 20,000 letters).
_JOINED = re.compile(r"(?<!\d)\d+(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d+)+|(?<!\w)\w+(?:[-\u2010\u2011]\w+)+")
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
    """What ``parse_query`` read: the folded words given alone, each phrase as its folded words, each word
    written in parts as its folded parts, and the common words left out."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...] = ()
    ignored: tuple[str, ...] = field(default=())
    joined: tuple[tuple[str, ...], ...] = ()

    def groups(self, language: str = "") -> tuple[frozenset[str], ...]:
        """What a passage in ``language`` must hold, one term of each group: each word's terms in that
        language, in either spelling (a word the language leaves out as common, "die" in German, is not
        asked of it), then those of its phrases' and joined words' other words, which are matched word for
        word besides."""
        return self._groups[term_language(language)]

    @cached_property
    def _groups(self) -> dict[str, tuple[frozenset[str], ...]]:
        # Asked for each sentence read: made once per query and language.
        return {language: self._groups_in(language) for language in term_languages()}

    def _groups_in(self, language: str) -> tuple[frozenset[str], ...]:
        own = [forms for forms in (_forms(word, language) for word in self.words) if forms]
        others = {forms for parts in (*self.phrases, *self.joined) for word in parts
                  if (forms := _forms(word, language))}
        return tuple(dict.fromkeys([*own, *sorted(others - set(own), key=sorted)]))

    @cached_property
    def _wanted(self) -> dict[str, frozenset[str]]:
        """The terms marked in a sentence of each language: its words' (not its phrases', marked whole)."""
        return {language: frozenset().union(*(_forms(word, language) for word in self.words))
                for language in term_languages()}

    def findable(self) -> bool:
        """Whether a passage of some language can hold the query (not only common words)."""
        return any(self._groups.values())

    def matches(self, text: str, language: str = "") -> tuple[tuple[int, int], ...]:
        """Where ``text`` holds the query (offsets in it), or () when it lacks a word or a phrase; its words
        are read in ``language`` (the article's: "strikes" is "strike" in English, not in French)."""
        groups = self.groups(language)
        tokens = set(tokenize(text, language=language))
        if not groups or not all(group & tokens for group in groups):  # most sentences read: the quick test first
            return ()
        words = word_terms(text, language)
        wanted = self._wanted[term_language(language)]
        spans = [(start, end) for _, term, start, end in words if term in wanted]
        folded = [_plain(w) for w, _, _, _ in words]
        keys = [_key(word, term) for word, term, _, _ in words]
        runs = [*((p, folded) for p in self.phrases), *((j, keys) for j in _joined_keys(self.joined, language))]
        for run, sequence in runs:
            found = [i for i in range(len(sequence) - len(run) + 1) if tuple(sequence[i : i + len(run)]) == run]
            if not found:
                return ()
            spans.extend((words[i][2], words[i + len(run) - 1][3]) for i in found)
        return _merged(spans)


@lru_cache(maxsize=1024)
def _forms(word: str, language: str) -> frozenset[str]:
    """A folded word's terms in ``language`` (a term language), in its spellings in "œ" or "oe", "æ" or
    "ae": folding keeps the ligature, and a keyboard seldom has it ("manoeuvre" for "manœuvre")."""
    return frozenset(term for spelled in (word, *_ligatures(word)) for term in tokenize(spelled, language=language))


@lru_cache(maxsize=64)
def _joined_keys(joined: tuple[tuple[str, ...], ...], language: str) -> tuple[tuple[str, ...], ...]:
    """Each word written in parts as its parts' keys in ``language`` (inflections folded as for a word alone:
    "lance-roquette" finds "lance-roquettes")."""
    return tuple(tuple(_key(word, term) for word, term, _, _ in word_terms(" ".join(parts), language))
                 for parts in joined)


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
    words: list[str] = []
    ignored: list[str] = []
    for match in _PHRASE.finditer(query):
        phrase = word_terms(next(g for g in match.groups() if g is not None))
        if phrase:
            phrases.append(tuple(_plain(w) for w, _, _, _ in phrase))
    joined: list[tuple[str, ...]] = []
    rest = _PHRASE.sub(" ", query)
    for match in _JOINED.finditer(rest):
        parts = word_terms(match.group())
        if any(stem for _, stem, _, _ in parts):  # "a-t-il": only common words, left out as such
            joined.append(tuple(word for word, _, _, _ in parts))
            rest = rest[: match.start()] + " " * len(match.group()) + rest[match.end() :]
    for word, stem, _, _ in word_terms(rest):
        if stem and word not in words:
            words.append(word)
        elif not stem and word not in ignored:
            ignored.append(word)
    parsed = SearchQuery(tuple(words), tuple(phrases), tuple(ignored), tuple(joined))
    if not parsed.findable():
        said = f" (only common words: {', '.join(ignored)})" if ignored else ""
        raise SearchError(f"nothing to search for in {query.strip()!r}{said}: give a word that only some "
                          "sentences hold, a name, a number")
    return parsed


def _ligatures(word: str) -> list[str]:
    """A folded word spelled with "œ", "æ" for "oe", "ae", and the other way round."""
    swapped = [word.replace(a, b) for a, b in (("oe", "œ"), ("œ", "oe"), ("ae", "æ"), ("æ", "ae")) if a in word]
    return [w for w in swapped if w != word]


def find_mentions(store: Store, lexical: LexicalIndex, query: SearchQuery,
                  where: dict[str, Any] | None = None) -> list[Mention]:
    """Every sentence holding the query, newest article first (undated ones last), in reading order."""
    # Each language asks its own terms (a word common in one is not asked there); a chunk found through
    # another language's is read in its own below.
    ids = list(dict.fromkeys(chunk_id for language in term_languages()
                             for chunk_id in lexical.holding_each(query.groups(language))))
    by_article: dict[str, list[Mention]] = {}
    for page in range(0, len(ids), _PAGE):
        for chunk, _ in store.get_chunks(ids[page : page + _PAGE], where=where):
            meta = chunk.metadata
            offset = int(meta.get("start", 0))
            for start, end in stored_sentences(chunk):
                text = chunk.page_content[start - offset : end - offset]
                spans = query.matches(text, language=str(meta.get("language") or ""))
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
