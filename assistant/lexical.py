"""The BM25 side of hybrid retrieval: bm25s over accent-folded, stop-word-free, stemmed tokens.

The index is derived data, persisted beside the index so that neither a question nor a start rebuilds it.
When the store's generation moves, it follows the store's chunks: those added since are read and
tokenised, those removed are dropped from the saved postings, and the BM25 matrix is recomputed from
them (``LexicalSide.synced``); only an index without saved postings is built from every chunk text.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

    return frozenset(fold(word) for word in (*STOPWORDS_EN_PLUS, *STOPWORDS_FRENCH))


# Each article is stemmed by its own language's Snowball stemmer: the French one, which read every article
# before, left "strikes" and "striking" apart from "strike" and made "armée" and "armes" one term. French, and
# the languages without a stemmer here (Ukrainian, Chinese...) or unknown, keep bare terms as before; the
# others' terms are written "en:strike", so that a query word's stem in one language never matches a stem of
# another word in another language ("presid", English for "président", French for "présider").
_STEMMERS = {"fr": "french", "en": "english", "de": "german", "es": "spanish", "it": "italian",
             "pt": "portuguese", "nl": "dutch", "ru": "russian", "pl": "polish", "ar": "arabic"}
_STOPWORD_LISTS = {"de": "STOPWORDS_GERMAN", "es": "STOPWORDS_SPANISH", "it": "STOPWORDS_ITALIAN",
                   "pt": "STOPWORDS_PORTUGUESE", "nl": "STOPWORDS_DUTCH", "ru": "STOPWORDS_RUSSIAN"}
# Bump when the terms a text is read as change: a lexical index saved with others is rebuilt from the
# chunks' texts (the embeddings stay). 2: each article's own language's stemmer and stop words, "ß" as "ss".
TERMS_VERSION = 2


def term_language(language: str) -> str:
    """The language whose terms a text in ``language`` is read as: its own where it has a stemmer, else
    French ("", as the index's bare terms)."""
    return language if language in _STEMMERS and language != "fr" else ""


def term_languages() -> tuple[str, ...]:
    """Every language terms are read in ("" for French and the rest)."""
    return ("", *(code for code in _STEMMERS if code != "fr"))


@lru_cache(maxsize=16)
def _stopwords_in(language: str) -> frozenset[str]:
    """A language's stop words, with the French and English ones that every article is read without (names
    and quotations in them are everywhere)."""
    if language not in _STOPWORD_LISTS:
        return _stopwords()
    import bm25s.stopwords

    return _stopwords() | frozenset(fold(word) for word in getattr(bm25s.stopwords, _STOPWORD_LISTS[language]))


# Words that make a sentence a question but say nothing of its subject. They are kept in passages
# (where "quand" or "comment" can be content) and dropped from queries only: a rare "quel" in one passage
# would otherwise pull that passage up for every "Quel ... ?" question.
QUESTION_WORDS = frozenset(
    "quel quelle quels quelles lequel laquelle lesquels lesquelles combien quand comment pourquoi quoi "
    "cela ceci whose many much".split()
)


@lru_cache(maxsize=16)
def _query_stopwords(language: str = "") -> frozenset[str]:
    return _stopwords_in(language) | QUESTION_WORDS


@lru_cache(maxsize=16)
def _stemmer(language: str = ""):
    import Stemmer

    return Stemmer.Stemmer(_STEMMERS[language or "fr"])


def _terms(words: list[str], language: str) -> list[str]:
    stems = _stemmer(language).stemWords(words)
    return [f"{language}:{stem}" for stem in stems] if language else stems


def stop_words(query: bool = False) -> frozenset[str]:
    """French and English stop words (folded); with ``query``, question words such as "quel" too."""
    return _query_stopwords() if query else _stopwords()


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    return dict.fromkeys(code for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code)))


def fold(text: str) -> str:
    """Lower case without accents: "Élysée" and "elysee" are one term, "Straße" and "Strasse" too."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to decompose: most English text, and half the time of a BM25 build went here
        return lowered
    return unicodedata.normalize("NFKD", lowered).translate(_combining_marks()).replace("ß", "ss")


def tokenize(text: str, query: bool = False, language: str = "") -> list[str]:
    """The BM25 terms of ``text`` read as written in ``language`` (French by default: see ``term_language``)."""
    language = term_language(language)
    stop = _query_stopwords(language) if query else _stopwords_in(language)
    words = [w for w in _TOKEN.findall(fold(text)) if w not in stop and (len(w) > 1 or w.isdigit())]
    return _terms(words, language)


def query_terms(text: str) -> list[str]:
    """A query's terms in every language an article may be read in: a word finds its forms in the articles
    of each language ("strike" finds an English article's "striking", a French one's "strikes")."""
    # Each language's terms are its own ("en:strike"): a word repeated counts twice as before, no term twice
    # for two languages.
    return [term for language in term_languages() for term in tokenize(text, query=True, language=language)]


def word_terms(text: str, language: str = "") -> list[tuple[str, str, int, int]]:
    """Each word of ``text`` with its folded form, its BM25 term ("" for a stop word) and its offsets:
    what ``tokenize`` reads, word by word, so that a match can be shown where the text writes it."""
    language = term_language(language)
    stop = _stopwords_in(language)
    whole = fold(text)
    if len(whole) == len(text):  # nearly always: folded a character at a time, offsets stay as they were
        spans = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(whole)]
    else:  # a ligature ("ﬁ"), an "ß" or the like grew in folding: each word folded on its own
        spans = [(fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    kept = [w not in stop and (len(w) > 1 or w.isdigit()) for w, _, _ in spans]
    stems = iter(_terms([w for (w, _, _), keep in zip(spans, kept, strict=True) if keep], language))
    return [(w, next(stems) if keep else "", start, end) for (w, start, end), keep in zip(spans, kept, strict=True)]


# Chunks to index, a page at a time: their ids and texts, and their languages where known.
Page = tuple[list[str], list[str]] | tuple[list[str], list[str], list[str]]


@dataclass
class Postings:
    """What BM25 is computed from, one row per chunk: its distinct terms with their counts (CSR) and its
    length in terms, with the vocabulary. Kept beside the BM25 matrix so that an update tokenises only
    the chunks it adds: at 100k chunks tokenising is 10 of the 12 s that a build takes."""

    ids: list[str]
    row_ptr: np.ndarray  # int64, len(ids) + 1
    terms: np.ndarray  # int32 term ids, row after row
    counts: np.ndarray  # int32
    lengths: np.ndarray  # int32 terms per chunk, stop words excluded
    vocab: list[str]  # term id -> token

    @classmethod
    def empty(cls) -> Postings:
        return cls([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32),
                   np.zeros(0, np.int32), [])

    def without(self, removed: set[str]) -> Postings:
        if not removed:
            return self
        keep = np.fromiter((i not in removed for i in self.ids), dtype=bool, count=len(self.ids))
        entries = np.repeat(keep, np.diff(self.row_ptr))
        row_ptr = np.zeros(int(keep.sum()) + 1, np.int64)
        np.cumsum(np.diff(self.row_ptr)[keep], out=row_ptr[1:])
        ids = [i for i, kept in zip(self.ids, keep, strict=True) if kept]
        return Postings(ids, row_ptr, self.terms[entries], self.counts[entries], self.lengths[keep], self.vocab)

    def plus(self, pages: Iterable[Page]) -> Postings:
        """These postings and those of the pages' texts (tokenised page by page, texts then dropped); a
        page is ``(ids, texts)`` or ``(ids, texts, languages)``, each text read in its language."""
        vocab = {token: term for term, token in enumerate(self.vocab)}
        ids = list(self.ids)
        row_ptr, terms, counts, lengths = [self.row_ptr], [self.terms], [self.counts], [self.lengths]
        for page in pages:
            page_ids, page_texts = page[0], page[1]
            languages = page[2] if len(page) > 2 else [""] * len(page_texts)
            page_terms: list[int] = []
            page_rows: list[int] = []
            page_lengths = np.zeros(len(page_texts), dtype=np.int32)
            for offset, (text, language) in enumerate(zip(page_texts, languages, strict=True)):
                tokens = tokenize(text, language=language)
                page_lengths[offset] = len(tokens)
                page_terms.extend(vocab.setdefault(token, len(vocab)) for token in tokens)
                page_rows.extend([offset] * len(tokens))
            # One vectorised count per page: (row, term) pairs -> distinct pairs, in row order, with counts.
            keys = (np.asarray(page_rows, dtype=np.int64) << 32) | np.asarray(page_terms, dtype=np.int64)
            unique, freq = np.unique(keys, return_counts=True)
            per_row = np.bincount((unique >> 32).astype(np.int64), minlength=len(page_texts))
            row_ptr.append(row_ptr[-1][-1] + np.cumsum(per_row))
            terms.append((unique & 0xFFFFFFFF).astype(np.int32))
            counts.append(freq.astype(np.int32))
            lengths.append(page_lengths)
            ids.extend(page_ids)
        return Postings(ids, np.concatenate(row_ptr), np.concatenate(terms), np.concatenate(counts),
                        np.concatenate(lengths), list(vocab))  # ids were given in insertion order

    def compacted(self) -> Postings:
        """Without the terms that no chunk has any more (removals leave them), as a fresh build would be."""
        used = np.unique(self.terms)
        if len(used) == len(self.vocab):
            return self
        remap = np.full(len(self.vocab), -1, dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        return Postings(self.ids, self.row_ptr, remap[self.terms], self.counts, self.lengths,
                        [self.vocab[t] for t in used])

    def model(self):
        """A ``bm25s.BM25`` with bm25s's own Lucene formulas (k1=1.2, b=0.75); None when empty."""
        if not self.ids:
            return None
        return _bm25_from_postings(self.row_ptr, self.terms, self.counts.astype(np.float32), self.lengths,
                                   {token: term for term, token in enumerate(self.vocab)})

    def save(self, folder: Path) -> None:
        # The digests tie these arrays to the ids.json and vocab.json saved with them (see ``load``).
        np.savez(folder / "postings.npz", row_ptr=self.row_ptr, terms=self.terms, counts=self.counts,
                 lengths=self.lengths, ids_digest=np.array(_digest(self.ids)),
                 vocab_digest=np.array(_digest(self.vocab)))
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Postings | None:
        """The postings saved in ``folder`` with their ids, or None if missing, partial or inconsistent
        (another process may be swapping the folder: the ids and the vocabulary must be those the arrays
        were saved with)."""
        try:
            meta = json.loads((folder / "ids.json").read_text())
            if meta.get("terms", 1) != TERMS_VERSION:
                return None  # terms read otherwise: the chunks are all read again
            ids = meta["ids"]
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            with np.load(folder / "postings.npz") as arrays:
                if str(arrays["ids_digest"]) != _digest(ids) or str(arrays["vocab_digest"]) != _digest(vocab):
                    return None
                postings = cls(list(ids), arrays["row_ptr"], arrays["terms"], arrays["counts"],
                               arrays["lengths"], vocab)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        consistent = (len(postings.row_ptr) == len(ids) + 1 and len(postings.lengths) == len(ids)
                      and int(postings.row_ptr[-1]) == len(postings.terms) == len(postings.counts)
                      and (not len(postings.terms) or int(postings.terms.max()) < len(postings.vocab)))
        return postings if consistent else None


def _digest(ids: list[str]) -> str:
    return hashlib.sha1("\n".join(ids).encode()).hexdigest()


class LexicalIndex:
    """BM25 over chunk ids; ``scores`` gives every candidate's score, not only the top ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = -1
        # The store it was built from (its chunk collection's id): an index folder pointed at another store
        # (a Chroma server, one made anew) may find saved files of the same generation number.
        self.store = ""
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._bm25 = None
        # Held only until saved (they are on disk then, and only an update reads them again).
        self._postings: Postings | None = None
        self._lock = threading.Lock()
        # The retriever asks for the top hits and then for a few more chunks' scores with the same query:
        # the last query's scores are kept so the corpus is scored once per question.
        self._last: tuple[object, str, np.ndarray | None] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return self._ids

    def build(self, ids: list[str], texts: list[str], generation: int) -> None:
        self.build_pages([(ids, texts)], generation)

    def build_pages(self, pages: Iterable[Page], generation: int) -> None:
        """Build from ``(ids, texts)`` pages, keeping only token ids and counts, never the texts.

        Memory grows with the postings (distinct terms per chunk), not with the text, so the store can
        be paged through whatever its size. Scores are bm25s's (Lucene variant, k1=1.2, b=0.75), and the
        result is a plain ``bm25s.BM25`` that saves and loads as before.
        """
        self._install(Postings.empty().plus(pages), generation)

    def postings(self) -> Postings | None:
        """This index's postings, or the last saved ones (whatever their generation); None if neither."""
        return self._postings or Postings.load(self.folder)

    @classmethod
    def of(cls, folder: Path, postings: Postings, generation: int) -> LexicalIndex:
        index = cls(folder)
        index._install(postings, generation)
        return index

    def _install(self, postings: Postings, generation: int) -> None:
        model = postings.model()
        with self._lock:
            self._bm25 = model
            self._ids = postings.ids
            self._row = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
            self._postings = postings
            self.generation = generation
            self._last = None

    def save(self) -> None:
        # Readers rebuild and save too (after a writer's run, without its lock): each save writes a folder
        # of its own and swaps it in, so that no reader sees half a save nor two saves mixed.
        parent = self.folder.parent
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_saves(self.folder)
        tmp = Path(tempfile.mkdtemp(prefix=f"{self.folder.name}.tmp-", dir=parent))
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp / "bm25"))
            (tmp / "ids.json").write_text(json.dumps({"generation": self.generation, "store": self.store,
                                                      "terms": TERMS_VERSION, "ids": self._ids}))
            if self._postings is not None:
                self._postings.save(tmp)
            old = parent / f"{self.folder.name}.old-{tmp.name.rsplit('-', 1)[-1]}"
            if self.folder.exists():
                self.folder.rename(old)
            try:
                tmp.rename(self.folder)
            except OSError:
                if not self.folder.exists():
                    raise
                # Another save swapped its folder in meanwhile; it is as good as this one (or its
                # generation says it is not, and the next reader rebuilds).
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._postings = None

    def load(self) -> bool:
        import bm25s

        try:
            meta = json.loads((self.folder / "ids.json").read_text())
            if meta.get("terms", 1) != TERMS_VERSION:
                return False  # saved by a version that read terms otherwise: rebuilt from the chunks
            model = bm25s.BM25.load(str(self.folder / "bm25")) if meta["ids"] else None
        except (OSError, ValueError, KeyError):
            return False
        if model is not None and int(model.scores["num_docs"]) != len(meta["ids"]):
            return False  # files of two saves: scores would be read against the wrong chunks
        with self._lock:
            self._bm25 = model
            self._ids = meta["ids"]
            self._row = {chunk_id: row for row, chunk_id in enumerate(self._ids)}
            self._postings = None
            self.generation = int(meta["generation"])
            self.store = str(meta.get("store", ""))
            self._last = None
        return True

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        scores = self._all_scores(query)
        if scores is None or not len(scores):
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def scores(self, query: str, ids: list[str]) -> dict[str, float]:
        scores = self._all_scores(query)
        if scores is None:
            return {}
        return {i: float(scores[self._row[i]]) for i in ids if i in self._row}

    def frequency(self, word: str) -> int:
        """How many chunks hold ``word`` as BM25 reads it (folded and stemmed, in each chunk's language); 0
        for a stop word."""
        with self._lock:
            model = self._bm25
        if model is None:
            return 0
        indptr, held = model.scores["indptr"], 0
        for language in term_languages():  # a chunk has one language: its chunks are counted once
            terms = tokenize(word, language=language)
            if len(terms) == 1 and terms[0] in model.vocab_dict:
                term = model.vocab_dict[terms[0]]
                held += int(indptr[term + 1] - indptr[term])
        return held

    def holding_each(self, groups: Iterable[Iterable[str]]) -> list[str]:
        """The chunks that hold at least one term of every group (a word's forms: "shareholder", "sharehold"),
        in index order."""
        with self._lock:
            model, ids = self._bm25, self._ids
        groups = [set(group) & model.vocab_dict.keys() if model is not None else set() for group in groups]
        if model is None or not groups or not all(groups):
            return []
        indices, indptr = model.scores["indices"], model.scores["indptr"]
        rows = None
        for group in groups:
            held = np.unique(np.concatenate([indices[int(indptr[t]) : int(indptr[t + 1])]
                                             for t in (model.vocab_dict[term] for term in group)]))
            rows = held if rows is None else np.intersect1d(rows, held, assume_unique=True)
        return [ids[row] for row in np.sort(rows)]

    def _all_scores(self, query: str) -> np.ndarray | None:
        with self._lock:
            model, last = self._bm25, self._last
        if last is not None and last[0] is model and last[1] == query:
            return last[2]
        scores = _score(model, query_terms(query))
        with self._lock:
            if self._bm25 is model:
                self._last = (model, query, scores)
        return scores


# A save's own folders left by a process that stopped half-way are removed after this long.
STALE_SAVE_SECONDS = 3600.0


def _remove_stale_saves(folder: Path) -> None:
    for leftover in folder.parent.glob(f"{folder.name}.*"):
        if leftover.name.startswith((f"{folder.name}.tmp", f"{folder.name}.old")):
            try:
                if time.time() - leftover.stat().st_mtime > STALE_SAVE_SECONDS:
                    shutil.rmtree(leftover, ignore_errors=True)
            except OSError:
                pass


def _score(model, tokens: list[str]) -> np.ndarray | None:
    """Every chunk's BM25 score for the query terms (each occurrence counts, as in bm25s)."""
    if model is None or not tokens:
        return None
    n_docs = int(model.scores["num_docs"])
    term_ids = [model.vocab_dict[t] for t in tokens if t in model.vocab_dict]
    if not term_ids:
        return np.zeros(n_docs, dtype=np.float32)
    data, indices, indptr = model.scores["data"], model.scores["indices"], model.scores["indptr"]
    # bincount over the query terms' postings: what bm25s computes with np.add.at, many times faster
    # on large corpora where a common term has hundreds of thousands of postings.
    slices = [slice(int(indptr[t]), int(indptr[t + 1])) for t in term_ids]
    rows = np.concatenate([indices[s] for s in slices])
    weights = np.concatenate([data[s] for s in slices]).astype(np.float64)
    return np.bincount(rows, weights=weights, minlength=n_docs).astype(np.float32)


def _bm25_from_postings(row_ptr: np.ndarray, terms: np.ndarray, counts: np.ndarray, lengths: np.ndarray,
                        vocab: dict[str, int]):
    """A ``bm25s.BM25`` from chunk-by-chunk (CSR) postings, with bm25s's own Lucene formulas; it keeps
    ``vocab``."""
    import bm25s
    from scipy.sparse import csr_matrix

    model = bm25s.BM25(k1=1.2, b=0.75)
    n_docs, n_vocab = len(lengths), len(vocab)
    doc_freq = np.bincount(terms, minlength=n_vocab).astype(np.float64)
    idf = np.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))
    average = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
    rows = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(row_ptr))  # each posting's chunk
    norm = model.k1 * ((1 - model.b) + model.b * lengths[rows] / average)
    scores = (idf[terms] * (counts / (norm + counts))).astype(np.float32)
    # Postings arrive chunk by chunk (CSR); bm25s keeps them term by term (CSC).
    matrix = csr_matrix((scores, terms, row_ptr), shape=(n_docs, n_vocab)).tocsc()
    matrix.sort_indices()
    model.scores = {"data": matrix.data.astype(np.float32), "indices": matrix.indices.astype(np.int32),
                    "indptr": matrix.indptr.astype(np.int64), "num_docs": n_docs}
    model.vocab_dict = vocab
    model.unique_token_ids_set = set(vocab.values())
    model.nonoccurrence_array = None
    return model
