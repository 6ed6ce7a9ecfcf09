"""The public Python API: ``Assistant`` and the module-level ``answer``."""

from __future__ import annotations

import asyncio
import difflib
import functools
import os
import re
import sqlite3
import threading
import time
import warnings
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from .answering.messages import (
    filtered_text,
    no_articles_text,
    no_match_text,
    other_script_text,
    under_filters,
)
from .chain import Answerer, asked_last, build_chain, build_retrieval_chain, conversation, stream_answer
from .embeddings import EmbeddingCache, ModelEmbeddings, as_model, load_embeddings
from .entities import Entity, EntityIndex
from .indexer import Indexer
from .language import in_latin_script, question_language
from .lexical import LexicalIndex
from .reranking import Reranker
from .retrieval import HybridRetriever, LexicalSide
from .search import Mention, find_mentions, parse_query
from .settings import Settings, SettingsWarning, check_k, unknown_variables
from .store import Article, Store, StoreError, holds_index, make_index_folder, opening, shown_location
from .types import Answer, IndexReport
from .urls import shown_url

if TYPE_CHECKING:
    from .maintenance import CheckReport
    from .purge import PurgeReport


class QuestionError(ValueError):
    """The question cannot be asked as it is (empty, too long). Its text is English, as the command line says
    it; ``code`` and ``values`` say the same for a page in another language (as ``reasons.Reason`` does for a
    file): ``not_text``, ``empty``, ``no_words``, ``too_long`` (``count``, ``limit``), ``other``."""

    def __init__(self, message: str, code: str = "other", **values: object) -> None:
        super().__init__(message)
        self.code = code
        self.values = {name: str(value) for name, value in values.items()}


class _part(cached_property):
    """A part of the assistant, built once even when two threads first ask for it at once (the web app
    prepares the reranker while a first question comes in): Python 3.12's ``cached_property`` no longer
    holds a lock while it builds, and two stores would be opened on one index."""

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        built = instance.__dict__.get(self.attrname, _part)
        if built is not _part:
            return built
        with instance._lock:
            return super().__get__(instance, owner)

    def __set__(self, instance, value) -> None:
        # A retriever or an answerer of one's own: the chain built before kept the one it was built with, and
        # went on answering with it after ``assistant.retriever = mine``.
        with instance._lock:
            if self.attrname == "embeddings":
                value = as_model(value)
                if value is not instance.__dict__.get("embeddings"):
                    instance.close()  # every other part was built on the model: the store, the cache, the chain
            instance.__dict__[self.attrname] = value
            instance._given.add(self.attrname)
            for name in _BUILT_FROM.get(self.attrname, ()):
                instance.__dict__.pop(name, None)


# The parts built from a part that may be set by hand: built again with the new one.
_BUILT_FROM = {"retriever": ("answering_chain", "retrieval_chain"), "answerer": ("answering_chain", "retrieval_chain"),
               "reranker": ("retriever", "answering_chain", "retrieval_chain")}


def _in_use(method: Callable[..., Any]) -> Callable[..., Any]:
    """A call that uses the index: counted while it runs, so that ``close()`` in another thread does not
    release the index under it, and on an index folder deleted since it was opened, opened anew."""

    @functools.wraps(method)
    def counted(self: Assistant, *args: Any, **kwargs: Any) -> Any:
        with self._using():
            return method(self, *args, **kwargs)

    return counted


class Assistant:
    """Index articles and answer questions about them with cited passages.

    >>> assistant = Assistant("index")             # or Assistant(k=8), Assistant(settings=Settings(...))
    >>> assistant.index(["samples/"]).summary()
    >>> answer = assistant.ask("What weapons were mentioned?")
    >>> answer.text, [c.quote for c in answer.citations]
    """

    def __init__(self, index_dir: str | os.PathLike[str] | None = None, *, settings: Settings | None = None,
                 embeddings: Embeddings | None = None, **overrides: Any) -> None:
        """``index_dir``: the index folder (made absolute now); ``overrides``: any ``Settings`` field
        (``k=8``, ``chroma_url=...``), which beats its ``ASSISTANT_*`` variable. A bad value raises
        ``SettingsError`` naming the argument or variable; a variable the settings do not read warns
        (``SettingsWarning``). ``embeddings``: a LangChain ``Embeddings`` of one's own, in place of the
        ``embedding_model`` setting's (``embeddings.LangChainEmbeddings``)."""
        for warning in unknown_variables():
            warnings.warn(warning, SettingsWarning, stacklevel=2)
        if settings is not None and not isinstance(settings, Settings):
            # A dict was taken, and the first question raised "'dict' object has no attribute 'index_dir'".
            raise TypeError(f"settings must be an assistant.Settings (Settings(k=8)), or keyword arguments "
                            f"(Assistant(k=8)), not {type(settings).__name__}")
        if index_dir is not None:
            overrides["index_dir"] = index_dir  # as given: Path("") would be ".", and "" is refused
        if settings is None:
            # The arguments as Settings' own: each beats its variable, which is then not read (a bad one
            # refused Assistant(answerer="extractive") though the argument replaced it).
            # SettingsError, naming each bad argument or variable.
            self.settings = Settings(**{key: value for key, value in overrides.items() if value is not None})
        else:
            self.settings = settings.with_overrides(**overrides) if overrides else settings
        self._lock = threading.RLock()  # the parts build one another
        self._calls = 0  # calls under way, in every thread (``_in_use``)
        self._released: list[Any] = []  # what close() let go of while calls were under way: closed after them
        # The parts set by hand (another assistant's store, shared): their owner's to close, not this one's.
        self._given: set[str] = set()
        if embeddings is not None:
            self.embeddings = embeddings  # type: ignore[assignment]  # wrapped as the assistant's model

    def close(self) -> None:
        """Release the index: the Chroma client and the embedding cache's database. The parts are built
        again if the assistant is used after this, the ones set by hand (``assistant.retriever = mine``) too,
        as the defaults: they may hold what was closed, so set them again. A store or cache set by hand
        (``mine.store = shared.store``) is left open: it is its owner's to close, and closing it here broke the
        assistant it was borrowed from. Also ``with Assistant(...) as assistant:``. Calls under way in other
        threads finish first, with what they use: it is released when the last one returns (closed under a
        question, Chroma's client crashed the process)."""
        with self._lock:
            for name in ("store", "cache"):
                part = self.__dict__.pop(name, None)
                if part is not None and name not in self._given:
                    self._released.append(part)
            for name in ("lexical", "retriever", "answering_chain", "retrieval_chain", "indexer", "entity_index",
                         "answerer"):
                self.__dict__.pop(name, None)  # they hold the store or the cache
            self._given.intersection_update({"embeddings", "reranker"})  # the parts kept; the others are built anew
            if not self._calls:
                self._close_released()

    def _close_released(self) -> None:
        parts, self._released = self._released, []
        for part in parts:
            part.close()

    @contextmanager
    def _using(self) -> Iterator[None]:
        with self._lock:
            self._reopen_if_deleted()
            self._calls += 1
        try:
            yield
        finally:
            with self._lock:
                self._calls -= 1
                if not self._calls:
                    self._close_released()

    def _reopen_if_deleted(self) -> None:
        """Let go of an index folder deleted since the parts opened it, so that they are built on the folder as
        it is now. A notebook's "start over" (``rm -rf index``, then the same assistant indexing again) said
        "1 unchanged" and wrote nothing: Chroma went on with the deleted files, which answered the questions
        until a restart found no article."""
        store = self.__dict__.get("store")
        if store is not None and store.deleted():
            self.close()

    def _no_index(self) -> bool:
        """Whether the index folder holds no index yet, and nothing has opened it: reading it must leave it as
        it is. ``Assistant("/tmp/typo").ask(...)`` said that nothing was indexed there, and left a new index
        folder behind (in a folder of articles given by mistake, too)."""
        folder, opened = self.settings.index_dir, "store" in self.__dict__
        # A file given as the folder is the store's to refuse, naming what it is.
        if self.settings.chroma_url or opened or holds_index(folder) or (folder.exists() and not folder.is_dir()):
            return False
        self.embeddings  # noqa: B018 -- a model that cannot be loaded is said now, not at the first indexing
        return True

    def _nothing_indexed(self, question: str, k: int | None = None, history: Sequence[Any] | None = None) -> Answer:
        """The reply of a question on an index folder that holds nothing, its ``k`` and ``history`` checked
        as a question's on an index are."""
        from .answering.small_talk import small_talk

        question = self.check_question(question)
        self.check_k(k)
        self.check_history(history)
        talk = small_talk(question)
        language = talk[1] if talk else question_language(question)
        return Answer(text=no_articles_text(language, self._unopened_location()), question=question, answered=False,
                      answerer=self._answerer_name())

    def _unopened_location(self) -> str:
        """Where the index folder is, as the store would say it, without opening it."""
        return shown_location(self.settings.index_dir, None, self.settings.chroma_namespace or "")

    def __repr__(self) -> str:
        # Said from the settings, opening nothing: the index folder, the Chroma server if any, the answerer.
        settings = self.settings
        parts = [repr(str(settings.index_dir))]
        if settings.chroma_url:  # its password masked: it is sent to the server, and a repr lands in logs
            parts.append(f"chroma_url={shown_url(settings.chroma_url)!r}")
        if settings.chroma_namespace:
            parts.append(f"chroma_namespace={settings.chroma_namespace!r}")
        parts.append(f"answerer={self._answerer_name()!r}")
        return f"Assistant({', '.join(parts)})"

    def _answerer_name(self) -> str:
        """The answerer set by hand, if any, else the setting's (not built for this: a GGUF model loads for
        minutes)."""
        return getattr(self.__dict__.get("answerer"), "name", None) or self.settings.answerer

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- parts, built on first use and shared by every thread
    @_part
    def embeddings(self) -> ModelEmbeddings:
        """The embedding model, a LangChain ``Embeddings`` (``embed_query``, ``embed_documents``)."""
        return load_embeddings(self.settings.embedding_model, self.settings.embedding_precision)

    @_part
    def store(self) -> Store:
        """The Chroma store of the passages and the articles (the index folder, or ``chroma_url``'s server)."""
        return Store(self.settings.index_dir, self.embeddings, chroma_url=self.settings.chroma_url,
                     namespace=self.settings.chroma_namespace or "", timeout=self.settings.chroma_timeout,
                     token=self.settings.chroma_token.get_secret_value() if self.settings.chroma_token else None)

    @_part
    def cache(self) -> EmbeddingCache:
        """The embedding cache (SQLite): no text is embedded twice, and the answerer reads sentence vectors."""
        if self.settings.embedding_cache is None:
            # In the index folder, and opened before the store by some paths (the web app's answerer): a folder
            # that cannot be made or written is said as the store says it, not as sqlite3's traceback.
            make_index_folder(self.settings.index_dir)
            with opening(self.settings.index_dir):
                return EmbeddingCache(self.settings.index_dir / "embedding-cache.sqlite")
        path = self.settings.embedding_cache
        try:
            return EmbeddingCache(path)
        except (OSError, sqlite3.Error) as error:  # a folder, a file under a file, a read-only place
            reason = f"{error.filename}: {error.strerror.lower()}" if getattr(error, "strerror", None) else error
            raise StoreError(f"cannot open the embedding cache {path} (ASSISTANT_EMBEDDING_CACHE): {reason} (it "
                             "must be a file this user can write, in a folder that exists or can be made)") from error

    @_part
    def lexical(self) -> LexicalSide:
        """The BM25 side of the retrieval, kept in step with the store."""
        return LexicalSide(self.store, LexicalIndex(self.settings.index_dir / "bm25"))

    @_part
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever, a LangChain ``BaseRetriever``: ``retriever.invoke(question, k=..., where=...)``
        gives ``Document``s with their offsets and scores in the metadata. Another ``BaseRetriever`` set here
        (``assistant.retriever = mine``) is the one ``ask`` and the chain search with from then on; it must
        return this retriever's ``Document``s (filtered, reordered), whose offsets the citations quote."""
        return HybridRetriever(store=self.store, lexical=self.lexical, embeddings=self.embeddings,
                               k=self.settings.k, fetch_k=self.settings.fetch_k,
                               dense_weight=self.settings.dense_weight,
                               sentence_weight=self.settings.sentence_weight,
                               lexical_weight_cross=self.settings.lexical_weight_cross,
                               sentence_vectors=lambda texts: self.cache.lookup(self.embeddings, texts),
                               reranker=self.reranker, rerank_top=self.settings.rerank_top,
                               rerank_weight=self.settings.rerank_weight)

    @_part
    def reranker(self) -> Reranker | None:
        """The reranker the ``reranker`` setting names, or ``None`` (README, *Reranking*)."""
        if self.settings.reranker == "none":
            return None
        from .reranking import QueryLikelihoodReranker

        # Without its model yet (a minute to convert on a first use): the first question loads it, or
        # ``reranker.prepare()`` before it, as the web app does in the background.
        return QueryLikelihoodReranker(self.settings.reranker_model, self.settings.model_cache_dir,
                                       self.settings.prompts_dir)

    @_part
    def answerer(self) -> Answerer:
        """What writes the answer from the retrieved passages (``answer(question, query_vector, docs,
        language)`` -> ``Answer``; ``chain.Answerer``): the extractive one, or an LLM backend's, as the
        ``answerer`` setting says. One of one's own may be set here (``assistant.answerer = mine``)."""
        from .answering.backends import make_answerer

        return make_answerer(self.settings, self.embeddings, self.cache)

    @_part
    def chain(self) -> Runnable:
        """The question-answering chain as a LangChain ``Runnable`` (``invoke``, ``batch``, ``ainvoke``):
        ``"question"`` or ``{"question", "k", "history", "filters", "where"}`` -> ``Answer``, as ``ask``
        answers (the entity index's lists, the filters' notice, the replies that need no search).

        Each run is counted as a call in use, as ``ask`` is, and runs the parts as they are at its start: a
        chain kept in a LangGraph node or a ``RunnableWithMessageHistory`` failed on Chroma's closed client
        ("'RustBindingsAPI' object has no attribute 'bindings'") once ``close()`` ran in another thread, or
        after it, and searched the deleted files of an index folder made again under it."""

        def counted(inputs: Any, config: RunnableConfig) -> Answer:
            with self._using():
                return self.answering_chain.invoke(inputs, config)

        async def acounted(inputs: Any, config: RunnableConfig) -> Answer:
            with self._using():
                chain = self.__dict__.get("answering_chain")
                if chain is None:
                    # Its first use opens the store (a Chroma server: up to its timeout) and loads the embedding
                    # model (seconds): not on the event loop, whose other tasks would all wait.
                    chain = await asyncio.get_running_loop().run_in_executor(None, lambda: self.answering_chain)
                return await chain.ainvoke(inputs, config)

        return RunnableLambda(counted, afunc=acounted, name="news-qa")

    @_part
    def answering_chain(self) -> Runnable:
        """The chain that ``chain`` runs, built on the parts as they are (again after ``close()``)."""
        return build_chain(self.retriever, self.embeddings, self.answerer, self.check_inputs,
                           before=self._before_search, after=self._noting_filters)

    @_part
    def entity_index(self) -> EntityIndex:
        """The people, places, organisations and dates of the indexed articles (``entities``)."""
        return EntityIndex.of(self.store)

    @_part
    def retrieval_chain(self) -> Runnable:
        """The chain up to the answer, from a state ``check_inputs`` made (``stream`` answers from it)."""
        return build_retrieval_chain(self.retriever, self.embeddings, self.answerer)

    @_part
    def indexer(self) -> Indexer:
        """What ``index``, ``remove`` and ``check`` write with."""
        return Indexer(self.settings, self.store, self.embeddings, self.cache, self.lexical)

    # -- writing
    @_in_use
    def index(self, paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, prune: bool = False,
              wait: bool = False, progress: Callable[[int, int, str], None] | bool | None = None,
              embedding_progress: Callable[[int, int, str], None] | None = None) -> IndexReport:
        """Index files and folders; unchanged files are skipped, changed ones replaced.

        ``prune``: also remove the indexed articles under the paths given whose files are gone. ``wait``: wait
        (up to 10 minutes) for another writer, a process or another ``Assistant``, instead of raising
        ``IndexBusyError`` at once.
        ``progress=True`` draws a progress bar (a notebook's own in Jupyter), or ``progress(files begun, files
        in all, path)`` is called as each file is reached;
        ``embedding_progress(texts embedded, texts to embed, path)`` while the embedding of the next files
        (most of the time) goes on. A Chroma server lost mid-run raises ``StoreUnreachableError``, and a
        full disk ``StoreFullError`` (both ``StoreStoppedError``), whose ``report`` says what was indexed.
        """
        from .progress import drawn

        paths = _path_list(paths, "index", "files and folders")
        with drawn(progress, embedding_progress, "file") as (progress, embedding_progress):
            return self.indexer.index(paths, prune=prune, wait=wait, progress=progress,
                                      embedding_progress=embedding_progress)

    @_in_use
    def index_records(self, records: Any, *, wait: bool = False,
                      progress: Callable[[int, int, str], None] | bool | None = None) -> IndexReport:
        """Index articles held in memory, with no file written: texts, dicts (``text``, and optionally ``id``,
        ``url``, ``title``, ``published`` or ``date``, ``author``), LangChain ``Document``s (the same keys in
        their metadata), a list of them or a pandas ``DataFrame`` of such columns; one record alone too.

        Each article is named by its ``id``, else its ``url``, else its metadata's ``source``, else its text:
        indexing a record again under that name updates it (or leaves it unchanged), ``remove(name)`` removes
        it, and citations give it as their ``source``. A record that cannot be read is in the report's
        ``failed``, named (or "record 3", its place in the batch) with the reason; the others are indexed.
        ``progress=True`` draws a progress bar, or ``progress(records begun, records in all, name)`` is called as
        each one is reached; ``wait``: as ``index``'s.
        """
        from .progress import drawn
        from .records import load_record

        documents = [load_record(record, position) for position, record in enumerate(_records(records), start=1)]
        with drawn(progress, None, "record") as (progress, _):
            return self.indexer.index_records(documents, wait=wait, progress=progress)

    @_in_use
    def remove(self, sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *,
               wait: bool = False) -> IndexReport:
        """Remove articles from the index: by source path, by folder (all under it) or by doc id; one or several.
        ``wait``: as ``index``'s. A name not in the index is in the report's ``failed``."""
        sources = _path_list(sources, "remove", "sources, folders or doc ids")
        # A list was once made one name of ("['a.txt', 'b.txt']"): "not in the index", nothing removed.
        return self.indexer.remove([str(source) for source in sources], wait=wait)

    @_in_use
    def purge(self, *, wait: bool = False) -> PurgeReport:
        """Purge what removed or replaced articles leave in the index's files (Chroma's log and free pages, the
        embedding cache): after it, their text cannot be read back from the index folder. An index on a Chroma
        server is refused (``PurgeError``): its files are on the server's machine."""
        from .purge import purge

        return purge(self.indexer, wait=wait)

    @_in_use
    def check(self, *, repair: bool = False, wait: bool = False) -> CheckReport:
        """Does the manifest agree with the store (and BM25 with both)? ``repair=True`` makes it so. The
        report: ``ok``, ``problems``, ``repaired``, ``summary()``."""
        from .maintenance import check

        return check(self.indexer, repair=repair, wait=wait)

    # -- reading
    @_in_use
    def retrieve(self, question: str, k: int | None = None, filters: dict[str, Any] | None = None) -> list[Document]:
        """The passages best matching the question, best first, with ``score`` in their metadata."""
        question = self.check_question(question)
        k = self.check_k(k)
        if self._no_index():
            return []
        return self.retriever.search(question, k=k or self.settings.k, where=self.where(filters))

    @_in_use
    def search(self, words: str, filters: dict[str, Any] | None = None) -> list[Mention]:
        """Every sentence of the articles that holds all these words, or a phrase given in quotes, newest
        article first, each as a ``Mention`` with its offsets and those of the words found. Words match with
        case and accents folded and inflections stemmed in each article's language ("arme" finds "Armes",
        "strike" an English article's "striking"); common words ("the", "de") are left out. ``SearchError``
        when no word is left to search for. ``filters`` as ``ask``'s."""
        query = parse_query(words)
        if self._no_index():
            return []
        return find_mentions(self.store, self.lexical.fresh(), query, self.where(filters))

    @_in_use
    def ask(self, question: str, k: int | None = None, filters: dict[str, Any] | None = None,
            history: Sequence[Any] | None = None) -> Answer:
        """Answer from the indexed articles only, with citations; or say that they do not answer.

        ``filters``: ``source``, ``lang``, ``since``, ``until``, ``entity`` (README, *Filters*), or a raw
        Chroma ``where``. ``history``: the earlier turns of a conversation, oldest first, as ``(question,
        answer_text)`` pairs, the earlier ``Answer`` objects, ``{"question", "answer"}`` dicts or LangChain
        messages, so that a follow-up ("and who supplies them?") is understood.
        """
        if self._no_index():
            return self._nothing_indexed(question, k, history)
        return self.chain.invoke({"question": question, "k": k, "filters": filters, "history": history})

    def ask_many(self, questions: Iterable[str | Mapping[str, Any]], *, k: int | None = None,
                 filters: dict[str, Any] | None = None, jobs: int = 1) -> Iterator[Answer | Exception]:
        """Answer questions that stand alone (no one a follow-up of another), yielding for each, in the order
        given, its ``Answer`` or the exception that it raised, so that one bad question does not stop the rest.
        A question is a text or a dict with ``"question"`` and optionally ``"k"`` and ``"filters"``, which beat
        the ``k`` and ``filters`` given here. ``jobs``: how many are asked at once, in threads (the assistant is
        shared); the answers are the same as asked one by one. Questions are read from ``questions`` as they are
        asked, a few ahead, so an endless generator or a file of millions is fine."""
        if isinstance(questions, str | Mapping):
            raise TypeError("ask_many takes several questions (a list or an iterable of them); ask takes one")
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
            raise ValueError(f"jobs must be a whole number of 1 or more, not {jobs!r}")
        return _in_order(lambda item: self._ask_one(item, k, filters), questions, jobs)

    def _ask_one(self, item: str | Mapping[str, Any], k: int | None,
                 filters: dict[str, Any] | None) -> Answer | Exception:
        try:
            if isinstance(item, Mapping):
                unknown = sorted(set(map(str, item)) - {"question", "k", "filters"})
                if unknown or "question" not in item:
                    raise QuestionError(f"a question given as a dict has 'question' and optionally 'k' and "
                                        f"'filters', not {unknown or sorted(map(str, item))}")
                return self.ask(item["question"], k=item.get("k", k), filters=item.get("filters", filters))
            return self.ask(item, k=k, filters=filters)
        except Exception as error:  # any failure is this question's; the others are still asked
            return error

    async def aask(self, question: str, k: int | None = None, filters: dict[str, Any] | None = None,
                   history: Sequence[Any] | None = None) -> Answer:
        """``ask`` for asyncio code (a notebook, a web server's handler): the chain's ``ainvoke``."""
        with self._using():
            # On a folder with no index yet (a service started before the first indexing), the first call loads
            # the embedding model to check that it can: seconds during which the loop's other tasks waited.
            unloaded = "embeddings" not in self.__dict__
            empty = await asyncio.get_running_loop().run_in_executor(None, self._no_index) if unloaded \
                else self._no_index()
            if empty:
                return self._nothing_indexed(question, k, history)
            return await self.chain.ainvoke({"question": question, "k": k, "filters": filters, "history": history})

    def stream(self, question: str, k: int | None = None, filters: dict[str, Any] | None = None,
               history: Sequence[Any] | None = None) -> Iterator[str | Answer]:
        """The answer's text as it is produced (``str`` pieces), then the complete ``Answer`` last.

        With an LLM answerer the pieces are the model's tokens; the final ``Answer`` is what counts (its
        citations checked, bad markers removed, or the extractive answer when the model failed).
        """
        with self._using():
            yield from self._stream(question, k, filters, history)

    def _stream(self, question: str, k: int | None, filters: dict[str, Any] | None,
                history: Sequence[Any] | None) -> Iterator[str | Answer]:
        # Nothing indexed (``ask`` says so without making the answerer, which would make the folder), or an
        # answerer that cannot stream: the whole answer, said as it would be streamed.
        if self._no_index() or not callable(getattr(self.answerer, "stream", None)):
            answer = self.ask(question, k=k, filters=filters, history=history)
            yield from _in_pieces(answer.text)
            yield answer
            return
        state = self.check_inputs({"question": question, "k": k, "filters": filters, "history": history})
        from .answering.summaries import SUMMARY

        before = self._before_search(state, write=False)
        if before is not None and before.answerer == SUMMARY:
            yield from self._summary_pieces(before, state)
            return
        if before is not None:
            if before.answered:  # a list of names, said as it would be streamed
                yield from _in_pieces(before.text)
            yield before
            return
        for piece in stream_answer(self.answerer, self.retrieval_chain.invoke(state)):
            yield self._noting_filters(piece, state) if isinstance(piece, Answer) else piece

    async def astream(self, question: str, k: int | None = None, filters: dict[str, Any] | None = None,
                      history: Sequence[Any] | None = None) -> AsyncIterator[str | Answer]:
        """``stream`` for asyncio code (``async for piece in assistant.astream(...)``): the same pieces, then the
        ``Answer``, each made in a worker thread, so that the event loop's other tasks go on meanwhile. Leaving
        the loop early stops the answer (at once with ``contextlib.aclosing``, else when the loop collects it)."""
        loop = asyncio.get_running_loop()
        pieces = self.stream(question, k=k, filters=filters, history=history)
        done = object()
        try:
            while (piece := await loop.run_in_executor(None, next, pieces, done)) is not done:
                yield piece  # type: ignore[misc]  # not ``done``
        finally:
            await loop.run_in_executor(None, pieces.close)  # a model's reply is stopped, not left running

    def _before_search(self, state: dict[str, Any], write: bool = True) -> Answer | None:
        """``_without_search``'s answer, timed when it quotes the articles: the page's footer says how long an
        answer took, and a list of names from the entity index said "in 0.0 s"."""
        started = time.perf_counter()
        answer = self._without_search(state, write)
        if answer is not None and answer.citations and not answer.timings:
            answer.timings = {"answer": round(time.perf_counter() - started, 4)}
        return answer

    def _without_search(self, state: dict[str, Any], write: bool = True) -> Answer | None:
        """The answer given without a search, if any: nothing indexed, another script, filters that leave
        no article (said before a list of names, which said "no person" for a date range that matched
        nothing), the entity index's list of the names asked for, an article's author, the articles asked for
        (which, how many, the latest), or a summary (``write``: as an LLM answerer writes it; else the
        extractive one, for ``_summary_pieces`` to stream)."""
        question, filters, where = state["question"], state.get("filters"), state.get("where")
        if (refused := self._refused_at_once(question)) is not None:
            return refused
        if (unmatched := self._unmatched(question, filters, where)) is not None:
            return unmatched
        from .entity_answers import answer_author_question, answer_entity_question

        language = question_language(question)
        named = answer_entity_question(self, question, language, filters)
        if named is not None:  # "who / which places are mentioned (in ...)?": from the entity index
            return self._noting_filters(named, state)
        written = answer_author_question(self, question, language, filters)
        if written is not None:  # "who wrote the article about ...?": from its byline or metadata
            return self._noting_filters(written, state)
        from .answering.collection import answer_collection_question
        from .answering.summaries import answer_summary_request

        listed = answer_collection_question(self, question, language, filters, state.get("history") or ())
        if listed is not None:  # "which articles mention ...?", "how many articles?": from the records and texts
            return self._noting_filters(listed, state)

        summary = answer_summary_request(self, question, language, filters, state.get("history") or ())
        if summary is not None and write:  # "Résume l'article", "What is this article about?"
            *_, summary = self._summary_pieces(summary, state)
        return summary

    def _summary_pieces(self, summary: Answer, state: dict[str, Any]) -> Iterator[str | Answer]:
        """The summary's text as it is said, then the ``Answer``: an LLM answerer writes one article's from the
        chunks of the sentences the extractive summary quotes (its citations checked as its answers' are);
        otherwise the extractive one (its own sentences)."""
        from .answering.summaries import passages_to_write_from

        write = getattr(self.answerer, "write_summary", None)
        passages = passages_to_write_from(self, state["question"], summary) if callable(write) else []
        if not passages:
            if summary.answered:
                yield from _in_pieces(summary.text)
            yield self._noting_filters(summary, state)
            return
        for piece in write(state["question"], passages, question_language(state["question"]), summary):
            yield self._noting_filters(replace(piece, question=summary.question), state) \
                if isinstance(piece, Answer) else piece

    def _refused_at_once(self, question: str) -> Answer | None:
        """The reply before any search: nothing is indexed, the question is in another script, or it is
        no question (thanks, a greeting, "what can you do?")."""
        from .answering.small_talk import small_talk, small_talk_text

        talk = small_talk(question)  # its language is its words' ("Merci !" is no English)
        if self.store.count_chunks() == 0:
            text = no_articles_text(talk[1] if talk else question_language(question), self.store.location)
        elif not in_latin_script(question):
            text = other_script_text()
        elif talk:
            text = small_talk_text(*talk)
        else:
            return None
        return Answer(text=text, question=question, answered=False, answerer=self.answerer.name)

    def _unmatched(self, question: str, filters: dict[str, Any] | None,
                   where: dict[str, Any] | None) -> Answer | None:
        """The refusal for filters that leave no passage at all, naming them (a plain "the articles do not
        answer" would blame the articles for what the filters did)."""
        if not filters or where is None or self.store.any_chunk(where):
            return None
        from .filters import describe_filters

        language = question_language(question)
        return Answer(text=no_match_text(language, describe_filters(filters, self, language)), question=question,
                      answered=False, answerer=self.answerer.name)

    def _noting_filters(self, answer: Answer, state: dict[str, Any]) -> Answer:
        """An answer under filters says so: a refusal in its text (the articles they leave out may answer: a
        name picked in the web app's entities panel filters the chat, and a later question was refused as
        if unanswerable), every answer in its notice (a list of the people mentioned, filtered to one
        article, read as the whole collection's)."""
        from .filters import describe_filters, is_friendly

        filters = state.get("filters")
        if not filters or not is_friendly(filters):
            return answer
        language = question_language(answer.question)
        described = describe_filters(filters, self, language)
        if not described:  # {"lang": None}, built in code: nothing filtered, so nothing to say ("...searched ().")
            return answer
        note = filtered_text(language, described)
        text = answer.text if answer.answered else under_filters(language, answer.text)
        return replace(answer, text=text, notice=f"{answer.notice} {note}".strip())

    @_in_use
    def articles(self) -> list[Article]:
        """The indexed articles: source, title, language, publication date, passages (``assistant list``)."""
        if self._no_index():
            return []
        return sorted(self.store.get_articles().values(), key=lambda a: a.source)

    @_in_use
    def article_text(self, source_or_id: str) -> str | None:
        """An article's text, named as a source filter names it: path, file name, doc id, or a piece of its
        file name or title that names that one article only."""
        if self._no_index():
            return None
        from .filters import resolve_sources

        articles = self.store.get_articles().values()
        for article in articles:
            if source_or_id in (article.doc_id, article.source):
                return self.store.article_text(article.doc_id)
        named = resolve_sources([source_or_id], articles)
        return self.store.article_text(named[0]) if len(named) == 1 else None

    @_in_use
    def entities(self, kind: str | None = None, source: str | None = None) -> list[Entity]:
        """People, places, organisations, other names and dates (``kind``), across the articles or in
        one (``source``: path, file name or doc id); each with its mentions as passages with offsets."""
        from .entities import KINDS
        from .filters import FilterError, resolve_sources

        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown entity kind {kind!r}: one of {', '.join(KINDS)}")
        if source is not None and not str(source).strip():  # "" listed every article's names, as if none was given
            raise FilterError("an empty source names no article")
        if self._no_index() and not source:
            return []
        doc_ids = resolve_sources([source], self.articles()) if source else None
        if source and not doc_ids:  # a typo listed nothing, as if the article named no one
            raise FilterError(f"{source}: no indexed article has this path, file name or title")
        return self.entity_index.entities(kind=kind, doc_ids=doc_ids)

    def where(self, filters: dict[str, Any] | None) -> dict[str, Any] | None:
        """The Chroma ``where`` for friendly ``filters`` (source, lang, since, until, entity); a raw
        Chroma filter is returned as it is."""
        from .filters import build_where

        return build_where(filters, self)

    @_in_use
    def stats(self) -> dict[str, Any]:
        """What the index holds: its location, the embedding model, counts of articles, copies and
        passages, the articles' languages, and the answerer (``assistant stats --json`` prints it)."""
        empty = self._no_index()  # said without making the folder
        articles = {} if empty else self.store.get_articles()
        return {
            "index": self._unopened_location() if empty else self.store.location,
            "embedding_model": self.embeddings.model_id,
            "articles": len(articles),
            "duplicates": sum(1 for a in articles.values() if a.duplicate_of),
            "chunks": 0 if empty else self.store.count_chunks(),
            "languages": _count(a.language or "?" for a in articles.values()),
            "answerer": self._answerer_name(),
        }

    def check_k(self, k: int | str | None) -> int | None:
        """The number of passages as an int (``"3"`` too, as ASSISTANT_K takes it), or ``ValueError`` for
        one that is not a whole number within the bounds of ASSISTANT_K."""
        return check_k(k)

    @staticmethod
    def check_history(history: Sequence[Any] | None) -> list[tuple[str, str]]:
        """The earlier turns as ``(question, answer text)`` pairs (``chain.conversation``), or ``ValueError``
        naming a turn that cannot be read."""
        return conversation(history)

    def check_inputs(self, inputs: Any) -> dict[str, Any]:
        """The chain's input as its state, checked as ``ask`` checks its arguments: a question, a dict
        with ``"question"`` and optionally ``"k"``, ``"history"``, ``"filters"`` (friendly) and ``"where"``
        (raw Chroma, or friendly keys too), or LangChain messages, the last the question."""
        if isinstance(inputs, BaseMessage) or (isinstance(inputs, list)
                                                and all(isinstance(message, BaseMessage) for message in inputs)):
            # What a LangChain chat pipeline hands on: a message, or the conversation with the question last.
            asked = asked_last([inputs] if isinstance(inputs, BaseMessage) else inputs)
            if asked is None:
                raise QuestionError("the chain was given messages, but the last message must be the user's question "
                                    "(a HumanMessage), the earlier ones the conversation")
            state: dict[str, Any] = {"question": asked[0], "history": asked[1]}
        elif isinstance(inputs, str):
            state = {"question": inputs}
        elif isinstance(inputs, dict) and "question" in inputs:
            state = dict(inputs)
            _check_keys(state)
        else:
            what = f"a dict of {sorted(map(str, inputs))}" if isinstance(inputs, dict) else type(inputs).__name__
            raise QuestionError(f"the chain takes a question (text) or a dict with 'question' (and 'k', 'history', "
                                f"'filters', 'where'), not {what}")
        state["question"] = self.check_question(state["question"])
        state["k"] = self.check_k(state.get("k"))
        state["history"] = self.check_history(state.get("history"))
        from .filters import FilterError, check_where

        if state.get("filters") is not None and not isinstance(state["filters"], Mapping):
            # A string's characters were read as filter names ("unknown filter 'f', 'r'").
            raise FilterError(f"filters must be a dict such as {{'lang': 'fr'}}, not {type(state['filters']).__name__}")

        # The friendly filters stay in the state: an answer under them says so (``_noting_filters``).
        clauses = [where for where in (check_where(state.get("where"), self), self.where(state.get("filters")))
                   if where]
        state["where"] = clauses[0] if len(clauses) == 1 else {"$and": clauses} if clauses else None
        return state

    def check_question(self, question: str) -> str:
        """The question stripped, or ``QuestionError`` saying why it cannot be asked."""
        if not isinstance(question, str):
            raise QuestionError(f"the question must be text, not {type(question).__name__}", "not_text")
        if not question.strip():
            raise QuestionError("the question is empty", "empty")
        from .answering.small_talk import without_courtesy

        question = without_courtesy(question.strip())
        if not re.search(r"[^\W_]{2}|\d", question):  # "?", "a", "..." : nothing to search for
            raise QuestionError("the question has no words to search for", "no_words")
        if len(question) > self.settings.max_question_chars:
            limit = self.settings.max_question_chars
            raise QuestionError(f"the question is too long ({len(question)} characters, at most {limit})",
                                "too_long", count=len(question), limit=limit)
        return question


def _in_order(work: Callable[[Any], Any], items: Iterable[Any], jobs: int) -> Iterator[Any]:
    """``work`` of each item, in the items' order, ``jobs`` at a time in threads; at most ``2 * jobs`` items are
    read ahead, so that a long input is neither read whole nor its results held until the end."""
    if jobs == 1:
        yield from map(work, items)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(jobs, thread_name_prefix="ask_many") as pool:
        pending: deque[Any] = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # the caller stopped early: the questions not begun are not asked
            for future in pending:
                future.cancel()


def _in_pieces(text: str) -> list[str]:
    """A whole answer's text in the pieces ``stream`` yields: each word with the spaces after it."""
    return re.findall(r"\S+\s*", text)


def _path_list(given: Any, method: str, what: str) -> list[str | os.PathLike[str]]:
    """One path or an iterable of them, as a list; ``TypeError`` naming the method and what it got (an int
    was "not iterable", None "expected str, bytes or os.PathLike object" from deep inside, bytes read as
    numbers)."""
    def refused(value: Any) -> TypeError:
        hint = "; articles held in memory go to index_records" if method == "index" and _is_records(value) else ""
        return TypeError(f"{method} takes {what} (a path or a list of them), not {type(value).__name__}{hint}")

    if isinstance(given, str | os.PathLike):
        return [given]
    if isinstance(given, bytes | bytearray) or not isinstance(given, Iterable) or _is_table(given):
        raise refused(given)  # a DataFrame's iteration gives its column names, each "no such file"
    paths = list(given)
    for path in paths:
        if not isinstance(path, str | os.PathLike):
            raise refused(path)
    return paths


def _records(given: Any) -> list[Any]:
    """Articles in memory as a list of records: one record alone (a text's characters were records, each
    refused) or a DataFrame, whose iteration gives its column names, as its rows."""
    from .records import is_row

    if isinstance(given, str | Mapping | Document) or is_row(given):
        return [given]
    if _is_table(given):
        return list(given.to_dict("records"))
    if isinstance(given, bytes | bytearray) or not isinstance(given, Iterable):
        raise TypeError(f"index_records takes articles (a text, a dict or a Document, or a list or DataFrame of "
                        f"them), not {type(given).__name__}")
    return list(given)


def _is_table(given: Any) -> bool:
    """A pandas DataFrame, or anything that gives its rows as one does."""
    return callable(getattr(given, "to_dict", None)) and hasattr(given, "columns")


def _is_records(given: Any) -> bool:
    return isinstance(given, Mapping | Document) or _is_table(given)


# The keys of the chain's input dict; "search_query" and "language" (the chain's own state) are taken too.
CHAIN_KEYS = ("question", "k", "history", "filters", "where")
_STATE_KEYS = frozenset({"search_query", "language"})


def _check_keys(inputs: dict[str, Any]) -> None:
    """``QuestionError`` naming a key the chain does not read: LangChain's "chat_history" or a typo ("filter")
    was ignored, and the follow-up answered without the conversation, the question without the filter."""
    for key in inputs:
        if key in CHAIN_KEYS or key in _STATE_KEYS:
            continue
        meant = difflib.get_close_matches(str(key), CHAIN_KEYS, n=1)
        hint = f" (did you mean {meant[0]!r}?)" if meant else ""
        raise QuestionError(f"the chain's input has an unknown key {key!r}{hint}: it reads "
                            f"{', '.join(map(repr, CHAIN_KEYS))}")


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


_default: Assistant | None = None
_default_environment: dict[str, str] = {}  # the ASSISTANT_* variables it was made under
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    """The assistant ``answer`` asks: made again when an ``ASSISTANT_*`` variable has changed since (a notebook's
    ``%env ASSISTANT_INDEX_DIR=...`` after a first ``answer()`` was not read, and the old folder kept answering).
    The one replaced is not closed: another thread may be asking it still."""
    global _default, _default_environment
    environment = {name: value for name, value in os.environ.items() if name.startswith("ASSISTANT_")}
    with _default_lock:
        if _default is None or environment != _default_environment:
            _default, _default_environment = Assistant(), environment
        return _default


def answer(question: str, **kwargs: Any) -> Answer:
    """Answer a question from the default index (``ASSISTANT_INDEX_DIR``, else ``index/``; the ``ASSISTANT_*``
    variables as they are at this call); ``kwargs`` are ``Assistant.ask``'s (``k``, ``filters``, ``history``)."""
    return default_assistant().ask(question, **kwargs)
