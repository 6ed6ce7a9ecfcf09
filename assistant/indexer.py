"""Incremental indexing: only what changed is embedded, and an interrupted run loses nothing.

A file is judged unchanged by the cheapest test that can tell: its size and mtime still match the
manifest (nothing read; an mtime that close to the moment it was taken is not trusted, as git does,
because a write within the same clock tick would leave it unchanged), else the SHA-256 of its bytes
still matches (nothing parsed), else the hash of its extracted text still matches (nothing embedded).

The order of writes: the new chunks of a batch of articles (content-addressed ids, so a retry rewrites
the same records), then the article records that list them, then removal of the chunks they no longer
list, then the generation bump that tells readers. Readers trust only chunks an article lists, so at
every point they see the old or the new version of each article. A batch is committed every
``COMMIT_FILES`` files or ``COMMIT_SECONDS``: readers in other processes, whose Chroma only shows them
vectors written before their last reopen (``Store.follow_other_writers``), never lose an article being
updated for longer than a commit takes.

A marker file says that a run is writing; the run that finds it left behind (the last one was killed)
first converges the index (``maintenance.repair``): orphan chunks deleted, duplicates settled, BM25
rebuilt. ``assistant check`` reports the same state, ``check --repair`` fixes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
from langchain_core.documents import Document

from .chunking import chunk_document, chunk_sentences
from .embed_ahead import embed_ahead
from .embeddings import EmbeddingCache, ModelEmbeddings
from .entities import EntityIndex, EntityRecords, prepare_article, remove_article
from .loaders import (
    READER,
    RECORD,
    LoadError,
    absolute,
    doc_id_for,
    is_html_document,
    iter_files,
    load_file,
    same_name,
)
from .reasons import Reason, read_reason
from .retrieval import LexicalSide
from .settings import Settings
from .store import Article, Store, StoreStoppedError, room
from .types import IndexReport

# A name imported "as" itself is re-exported: imported from here before the lock had a module of its own.
from .write_lock import IndexBusyError as IndexBusyError
from .write_lock import write_lock as write_lock

Progress = Callable[[int, int, str], None]  # (files begun, files in all, the file's path)
# A Progress with a ``listed(files in all)`` method is told the count once the paths are walked: the first
# file is begun only once its texts are embedded (minutes, for a long one), and a bar had no total until then.
# (texts embedded, texts to embed, the file waited for): embedding is nearly all the time a few files take
EmbeddingProgress = Callable[[int, int, str], None]

JOURNAL = "indexing.unfinished"
# Filesystems stamp mtimes from a coarse clock; an mtime less than this before the moment the file was
# read could be repeated by a later write of the same size, so such a file is hashed again next time.
RACY_NS = 2_000_000_000
# A long run switches what it has staged this often, so readers of other processes see progress and a
# killed run loses little.
COMMIT_FILES = 200
COMMIT_SECONDS = 30.0
# Formats whose file size is their text size: refused on their size before a byte is read.
PLAIN_TEXT = {".txt", ".md", ".markdown"}


def files_gone(sources: Sequence[str], where: str = "") -> str:
    """How ``check`` and ``index`` say which indexed articles have lost their file (``where``: "under ...")."""
    shown = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    return f"{len(sources)} indexed article(s) {where + ' ' if where else ''}whose file is gone: {shown}"


class IndexInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``index``: ``report`` says what was indexed before it (that stays)."""

    def __init__(self, report: IndexReport) -> None:
        super().__init__("indexing interrupted")
        self.report = report


def _megas(count: int) -> str:
    """Millions, as a limit's message says them: "5.2", and "0.015" rather than "0.0" under a small limit."""
    return f"{count / 1e6:.1f}" if count >= 1e5 else f"{count / 1e6:.2g}"


@dataclass(frozen=True)
class FileState:
    """A file as it was read: what the next run compares with before reading it again."""

    size: int = -1
    mtime_ns: int = 0
    digest: str = ""
    checked_ns: int = 0

    @classmethod
    def of(cls, article: Article) -> FileState:
        return cls(article.file_size, article.file_mtime_ns, article.file_hash, article.checked_ns)

    def stamp(self, article: Article) -> Article:
        article.file_size, article.file_mtime_ns = self.size, self.mtime_ns
        article.file_hash, article.checked_ns = self.digest, self.checked_ns
        return article


@dataclass
class Staged:
    """An article ready to be switched to: its chunks and entity records are written by ``commit``
    (for many articles at once), then its record."""

    article: Article
    text: str
    stale: list[str]  # chunk ids that its record will no longer list
    chunks: list[Document] = field(default_factory=list)
    vectors: np.ndarray | None = None
    entities: EntityRecords | None = None
    switched: bool = False  # its record is written: it is indexed, whatever happens to the run after


def stat_unchanged(article: Article, info: os.stat_result) -> bool:
    """True when the file's stat proves it is the one last read (see ``RACY_NS``)."""
    return (
        article.file_size == info.st_size
        and article.file_mtime_ns == info.st_mtime_ns
        and article.checked_ns - article.file_mtime_ns > RACY_NS
        and bool(article.file_hash)
        and not article.read_by_earlier_version
    )


class Indexer:
    def __init__(self, settings: Settings, store: Store, embeddings: ModelEmbeddings, cache: EmbeddingCache,
                 lexical: LexicalSide) -> None:
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.cache = cache
        self.lexical = lexical

    @property
    def journal(self) -> Path:
        return self.settings.index_dir / JOURNAL

    # -- public
    def index(self, paths: Iterable[str | os.PathLike[str]], *, prune: bool = False, wait: bool = False,
              progress: Progress | None = None, embedding_progress: EmbeddingProgress | None = None,
              deleted: Iterable[str | os.PathLike[str]] = ()) -> IndexReport:
        """Index files and folders; ``prune``: also remove articles whose files are gone from them.

        ``deleted``: paths known to be gone (a watcher's deletions); the articles at or under them are
        removed if their files are indeed missing.
        """
        started = time.perf_counter()
        report = IndexReport()
        paths = list(paths)
        for blank in (p for p in paths if not os.fspath(p).strip()):  # read as ".", it indexed the current folder
            report.failed[os.fspath(blank)] = Reason("empty_path")
        roots = [Path(p).expanduser() for p in paths if os.fspath(p).strip()]
        gone = [Path(p).expanduser() for p in deleted]
        with write_lock(self.settings.index_dir, wait=wait, store=self.store), self._run(report, started) as run:
            with run.interruptible():
                run.index_files(roots, progress, embedding_progress)
            if run.moves:
                # As the watcher's deletions are: the new names first, so that readers never miss the article.
                run.commit()
                run.prune([Path(source) for source in run.moves.values()])
                for source in run.link_names:  # still there through the link: not pruned, but taken over
                    if (article := run.manifest.get(doc_id_for(source))) is not None:
                        run.remove(article)
            if prune:
                # A folder that is not there (a typo, an unmounted disk) prunes nothing: `remove` does that.
                missing = [root for root in roots if not root.exists()]
                for root in missing:  # in place of the loader's "no such file or folder": one line, not two
                    report.failed[str(absolute(root))] = Reason("prune_missing")
                run.prune([root for root in roots if root.exists()])
            if gone:
                run.prune(gone)
            report.gone = run.gone_under(roots)
        return report

    def index_records(self, documents: Sequence[Document | LoadError], *, wait: bool = False,
                      progress: Progress | None = None) -> IndexReport:
        """Index articles given in memory, as ``records.load_record`` read them: each one is added, updated or
        unchanged by its source (its id), as a file is by its path; a ``LoadError`` is a failure."""
        started = time.perf_counter()
        report = IndexReport()
        with write_lock(self.settings.index_dir, wait=wait, store=self.store), self._run(report, started) as run:
            with run.interruptible():
                run.index_records(documents, progress)
        return report

    def remove(self, sources: Sequence[str], wait: bool = False) -> IndexReport:
        """Remove articles by source path, by folder (everything under it), or by doc id."""
        started = time.perf_counter()
        report = IndexReport()
        with write_lock(self.settings.index_dir, wait=wait, store=self.store), self._run(report, started) as run:
            for source in sources:
                if not source.strip():  # read as ".", `remove "$UNSET"` removed everything under the current folder
                    report.failed[source] = Reason("empty_path")
                    continue
                matches = _matching(run.manifest.values(), source)
                if not matches:
                    report.failed[source] = Reason("not_in_index")
                    continue
                for article in matches:
                    run.remove(article)
        return report

    @contextmanager
    def _run(self, report: IndexReport, started: float) -> Iterator[_Run]:
        """A write run, finished when the block ends. A run that the Chroma server's loss ends raises
        ``StoreUnreachableError`` carrying the report of what it did before (``error.report``), so that a
        Python caller learns what was indexed; so does a full disk (``StoreFullError``)."""
        run = _Run(self, report)
        embedded_before = self.cache.texts_embedded
        try:
            with room(self.store.location, self.store.disk):
                run.recover()
                yield run
                run.finish()
        except StoreStoppedError as error:
            run.stopped(error)
            error.report = report
            raise
        finally:
            report.seconds = time.perf_counter() - started
            report.texts_embedded = self.cache.texts_embedded - embedded_before

    def refresh(self) -> None:
        """Tell readers the index moved, and rebuild the BM25 side once for all of them.

        The new BM25 index is saved under the next generation before the store announces it, so that a
        reader (in this process or another) that sees the new generation finds it on disk.
        """
        fresh = self.lexical.synced(self.store.generation() + 1)
        try:
            fresh.save()
        except OSError:
            pass  # a read-only index folder still answers; readers rebuild it in memory
        self.store.bump_generation()
        self.lexical.index = fresh

    # -- writing, for this module and maintenance (the caller holds the write lock)
    def begin_writes(self) -> None:
        """Leave the marker that a write is under way (removed by ``end_writes``)."""
        if not self.journal.exists():
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            self.journal.write_text(json.dumps({"pid": os.getpid(), "started": time.time()}))

    def end_writes(self) -> None:
        self.journal.unlink(missing_ok=True)

    def stage(self, document: Document, state: FileState) -> Staged:
        """Chunk, embed and annotate an article; ``commit`` writes it (readers see nothing before)."""
        self.begin_writes()
        meta = document.metadata
        chunks = chunk_document(document, self.settings.chunk_size, self.settings.chunk_overlap)
        sentence_texts: list[str] = []
        for chunk in chunks:
            spans = chunk_sentences(chunk)
            chunk.metadata["sentences"] = json.dumps(spans)
            start = chunk.metadata["start"]
            sentence_texts.extend(chunk.page_content[a - start : b - start] for a, b in spans)
        vectors = self.cache.embed(self.embeddings, [c.page_content for c in chunks],
                                   batch_size=self.settings.embed_batch_size)
        # Sentence vectors are what the extractive answerer compares with the question: computing them
        # now keeps question time to one query embedding.
        if self.settings.index_sentence_vectors:
            self.cache.embed(self.embeddings, sentence_texts, batch_size=self.settings.embed_batch_size)
        existing = self.store.chunk_ids_of(meta["doc_id"])
        entities = prepare_article(self.settings, self.store, document, chunks, existing)  # + filter metadata
        new_ids = [c.metadata["chunk_id"] for c in chunks]
        stale = sorted(set(existing) - set(new_ids))
        return Staged(state.stamp(_article(document, new_ids)), document.page_content, stale, chunks, vectors,
                      entities)

    def stage_duplicate(self, document: Document, twin: str, state: FileState) -> Staged:
        """A source whose text another source already has: listed, not embedded again."""
        self.begin_writes()
        article = state.stamp(_article(document, [], duplicate_of=twin))
        remove_article(self.store, article.doc_id)  # its twin's entities stand for it
        return Staged(article, document.page_content, self.store.chunk_ids_of(article.doc_id))

    def commit(self, staged: Sequence[Staged], announce: bool = True) -> None:
        """Switch article records to their staged versions, then delete the chunks they no longer list.

        With ``announce``, readers are told twice: before the switch (the store then holds the old and the
        new chunks, so a reader that reopens finds whichever version the record lists) and after the
        deletions. A search that straddles the switch sees the generation move and searches again
        (``HybridRetriever.search``), so readers of other processes never miss an updated article.
        """
        if not staged:
            return
        # Chunks and entity records first, unlisted (readers do not see them yet), in a few large
        # requests: one Chroma write costs tens of milliseconds whatever its size, more than embedding
        # a short article's chunks.
        written = [item for item in staged if item.chunks]
        if written:
            self.store.add_chunks([c for item in written for c in item.chunks],
                                  np.concatenate([item.vectors for item in written]))
        EntityIndex.of(self.store).put_many([item.entities for item in staged if item.entities is not None])
        if announce:
            self.refresh()
        try:
            self.store.put_articles([(item.article, item.text) for item in staged])
        except Exception as error:
            # Records that Chroma kept in spite of the error are indexed: the report must say so.
            for item in staged[: getattr(error, "written", 0)]:
                item.switched = True
            raise
        for item in staged:
            item.switched = True
        self.store.delete_chunks(sorted({chunk_id for item in staged for chunk_id in item.stale}))
        if announce:
            self.refresh()

    def write(self, document: Document, state: FileState) -> Article:
        """Index one article now (readers see it at the next generation)."""
        staged = self.stage(document, state)
        self.commit([staged], announce=False)
        return staged.article

    def record_duplicate(self, document: Document, twin: str, state: FileState) -> Article:
        staged = self.stage_duplicate(document, twin, state)
        self.commit([staged], announce=False)
        return staged.article

    def delete(self, article: Article) -> None:
        self.begin_writes()
        self.store.delete_article(article.doc_id)
        remove_article(self.store, article.doc_id)
        self.store.delete_chunks(sorted(set(article.chunk_ids) | set(self.store.chunk_ids_of(article.doc_id))))

    def stored_document(self, article: Article) -> Document | None:
        """The article as indexed (its text is in the store): enough to index it again without its file."""
        text = self.store.article_text(article.doc_id)
        if text is None:
            return None
        return Document(page_content=text, metadata={
            "source": article.source, "doc_id": article.doc_id, "title": article.title,
            "content_hash": article.content_hash, "language": article.language,
            "published": article.published, "format": article.format, "author": article.author, "url": article.url,
        })

    def settle_duplicates(self, report: IndexReport | None = None) -> list[str]:
        """Point every duplicate at a live article with its text, or index it for real when none is left.

        A duplicate whose original was removed or edited must stay answerable: it is promoted (indexed
        from its stored text; the embedding cache makes that cheap).
        """
        actions: list[str] = []
        articles = self.store.get_articles()
        by_source = {a.source: a for a in articles.values()}
        primaries: dict[str, Article] = {}
        for article in sorted(articles.values(), key=lambda a: a.source):
            if not article.duplicate_of:
                primaries.setdefault(article.content_hash, article)
        for dup in sorted((a for a in articles.values() if a.duplicate_of), key=lambda a: a.source):
            twin = by_source.get(dup.duplicate_of)
            if twin is not None and not twin.duplicate_of and twin.content_hash == dup.content_hash:
                continue
            other = primaries.get(dup.content_hash)
            if other is not None:
                dup.duplicate_of = other.source
                self.begin_writes()
                self.store.update_articles([dup])
                actions.append(f"{dup.source}: now recorded as a duplicate of {other.source}")
                if report is not None:
                    report.duplicates[dup.source] = other.source
                continue
            document = self.stored_document(dup)
            if document is None:
                self.delete(dup)
                actions.append(f"{dup.source}: duplicate record without text removed (index its file again)")
                continue
            primaries[dup.content_hash] = self.write(document, FileState.of(dup))
            actions.append(f"{dup.source}: indexed in its own right (its original {dup.duplicate_of} is gone "
                           "or changed)")
            if report is not None:
                report.duplicates.pop(dup.source, None)
                if dup.source in report.unchanged:
                    report.unchanged.remove(dup.source)
                if dup.source not in report.updated and dup.source not in report.added:
                    report.updated.append(dup.source)
        return actions


class _Run:
    """One write run under the lock: the manifest as it was, and what the run did to it."""

    def __init__(self, indexer: Indexer, report: IndexReport) -> None:
        self.indexer = indexer
        self.store = indexer.store
        self.settings = indexer.settings
        self.report = report
        self.manifest: dict[str, Article] = {}
        self.by_source: dict[str, Article] = {}
        self.primaries: dict[str, str] = {}  # content hash -> source indexed with that text
        self.by_hash: dict[str, list[Article]] = {}
        self.roots: Sequence[Path] = ()
        self.moves: dict[str, str] = {}  # source -> the gone source whose article it takes over
        self.link_names: set[str] = set()  # of those, the link names of a file now indexed under its own
        self.seen: set[str] = set()
        self.restamped: list[Article] = []
        self.staged: list[Staged] = []
        self.last_commit = time.monotonic()
        self.changed = False
        self.unannounced = False  # written to the store, not yet announced to readers
        self.keep_journal = False
        self.writing = ""  # the file being indexed

    def recover(self) -> None:
        if self.indexer.journal.exists():
            from .maintenance import repair

            actions = repair(self.indexer)
            self.report.repaired.extend(actions or ["an interrupted run left nothing to repair"])
        self.manifest = self.store.get_articles()
        self.by_source = {a.source: a for a in self.manifest.values()}
        self.primaries = {a.content_hash: a.source for a in self.manifest.values() if not a.duplicate_of}
        for article in sorted(self.manifest.values(), key=lambda a: (bool(a.duplicate_of), a.source)):
            self.by_hash.setdefault(article.content_hash, []).append(article)  # the indexed one first

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Ctrl-C: switch in what is complete; the marker stays for what was cut in half."""
        try:
            yield
        except KeyboardInterrupt as interrupt:
            self.keep_journal = True
            self.finish()
            raise IndexInterrupted(self.report) from interrupt

    def index_records(self, documents: Sequence[Document | LoadError], progress: Progress | None) -> None:
        if (told := getattr(progress, "listed", None)) is not None:
            told(len(documents))
        for position, item in enumerate(documents, start=1):
            source = item.source if isinstance(item, LoadError) else item.metadata["source"]
            if progress:
                progress(position, len(documents), source)
            if isinstance(item, LoadError):  # a record that cannot be read: the one indexed under its id stays
                self.refuse(source, Reason.of(item.reason), self.by_source.get(source))
            elif source in self.seen:
                # Indexed twice in one run, its first version's chunks were left unlisted in the store.
                self.fail(source, Reason("record_twice"))
            else:
                self._index_one(source, partial(self.index_record, item, source))

    def index_files(self, roots: Sequence[Path], progress: Progress | None,
                    embedding_progress: EmbeddingProgress | None = None) -> None:
        # Texts of the coming files are embedded ahead in batches across files (assistant/embed_ahead.py).
        self.roots = roots
        # The index's own files are not articles left out: it may sit in the folder indexed (--index ~/articles/index).
        listed = list(iter_files(roots, skipped=self.report.skipped, leave=[self.indexer.settings.index_dir]))
        if (told := getattr(progress, "listed", None)) is not None:
            told(len(listed))

        def waiting(position: int, done: int, total: int) -> None:
            if embedding_progress:
                item = listed[position]
                embedding_progress(done, total, item.source if isinstance(item, LoadError) else str(item))

        files = embed_ahead(listed, self.indexer, self.manifest, skip=self.needs_no_embedding,
                            waiting=waiting if embedding_progress else None)
        try:
            self._index_listed(files, progress)
        finally:  # the run stopped early (store unreachable, Ctrl-C): stop embedding files ahead now
            close = getattr(files, "close", None)
            if close is not None:
                close()
        for source in self.report.failed:  # named outright and met in its folder too: its failure says it
            self.report.skipped.pop(source, None)

    def _index_listed(self, files: Sequence[Path | LoadError], progress: Progress | None) -> None:
        for position, item in enumerate(files, start=1):
            if progress:
                progress(position, len(files), item.source if isinstance(item, LoadError) else str(item))
            if isinstance(item, LoadError):
                self.report.failed[item.source] = item.reason
                continue
            self._index_one(str(item), partial(self.index_file, item, str(item)))

    def _index_one(self, source: str, index: Callable[[], None]) -> None:
        """Index one article, its failure the report's and not the run's."""
        self.seen.add(source)
        self.writing = source
        try:
            with room(self.store.location, self.store.disk):
                index()
        except StoreStoppedError:
            # Not this file's fault: every following one would fail the same way. What was committed
            # stays, the marker too (the next run repairs and finishes).
            self.keep_journal = True
            raise
        except Exception as error:  # one bad document must not end the batch
            self.report.failed[source] = Reason("index_failed", detail=error)
            self.clean_up(source)
        self.writing = ""
        if len(self.staged) >= COMMIT_FILES or time.monotonic() - self.last_commit >= COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        if self.staged:
            self.indexer.commit(self.staged)
            self.staged = []
            self.unannounced = False
        self.last_commit = time.monotonic()

    def clean_up(self, source: str) -> None:
        """Drop the chunks a failed write left that its article record does not list."""
        try:
            got = self.store.get_articles([doc_id_for(source)])
            listed = {i for a in got.values() for i in a.chunk_ids}
            self.store.delete_chunks(sorted(set(self.store.chunk_ids_of(doc_id_for(source))) - listed))
        except Exception:  # the store itself is failing: the marker stays, the next run repairs
            self.keep_journal = True

    def indexed_as_itself(self, path: Path, source: str) -> bool:
        """Whether ``path`` reaches, through a symbolic link on its way, a file indexed under its own name:
        a folder indexed, then the same folder through a link, made a second copy of every article, which
        went stale when the file changed (a reviewer). Said as skipped; an earlier record under the link's
        name goes (the file stays indexed under its own)."""
        known = self.by_source.get(source)
        if known is not None and not known.duplicate_of:
            return False  # indexed in its own right: the no-op run stays a stat per file, without a resolve
        try:
            real = str(path.resolve())
        except (OSError, RuntimeError):
            return False
        if real == source or real not in self.by_source or not os.path.exists(real):
            return False
        self.report.skipped[source] = Reason("same_file", twin=real)
        if known is not None:
            self.remove(known)
        return True

    def needs_no_embedding(self, path: Path) -> bool:
        """Files the embed-ahead thread leaves alone: unchanged on disk (the no-op run stays a stat per
        file) or too large to be indexed at all."""
        try:
            info = path.stat()
        except OSError:
            return True
        if not stat.S_ISREG(info.st_mode):
            return True  # a FIFO or device would block the reading thread forever
        old = self.by_source.get(str(path))
        if old is not None and (old.chunk_ids or old.duplicate_of) and stat_unchanged(old, info):
            return True
        # Refused unread (a plain text over ASSISTANT_MAX_TEXT_MB): a 5 MB text was embedded for minutes, the
        # whole run waiting, before it was refused.
        if self.refusal(path, info.st_size) is not None:
            return True
        return info.st_size > self.settings.max_text_mb * 4e6  # 4 bytes at most per character in UTF-8

    def index_file(self, path: Path, source: str) -> None:
        if self.indexed_as_itself(path, source):
            return
        old = self.by_source.get(source)
        # A copy of a file since gone is read again: it takes over the article.
        current = old is not None and (bool(old.chunk_ids) or bool(old.duplicate_of) and not self.orphaned(old))
        try:
            info = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                return self.fail(source, Reason("broken_link", target=os.readlink(path)))
            return self.vanished(source, old)
        except OSError as error:
            return self.refuse(source, read_reason(error), old)
        if not stat.S_ISREG(info.st_mode):
            return self.fail(source, Reason("not_regular"))
        if old is not None and current and stat_unchanged(old, info):
            self.report.unchanged.append(source)
            return None
        refusal = self.refusal(path, info.st_size)
        if refusal:  # grown past a limit: its earlier version stays searchable, and is said to
            return self.refuse(source, refusal, old)
        checked_ns = time.time_ns()
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return self.vanished(source, old)
        except OSError as error:  # made unreadable (chmod): what it said stays searchable, so say so
            return self.refuse(source, read_reason(error), old)
        state = FileState(info.st_size, info.st_mtime_ns, digest, checked_ns)
        if old is not None and current and old.file_hash == digest and not old.read_by_earlier_version:
            return self.unchanged(old, state)
        warnings: list[Reason] = []
        document = load_file(path, max_bytes=int(self.settings.max_file_mb * 1e6), warnings=warnings)
        if isinstance(document, LoadError):
            if getattr(document.reason, "code", "") == "disappeared":
                return self.vanished(source, old)
            # An article emptied or overwritten with junk: what it said stays searchable, so say so.
            return self.refuse(source, Reason.of(document.reason), old)
        self.take(document, source, old, current, state, path)
        # Said as its article is written (not when it is unchanged: the e-mail's text was read before).
        if warnings and (source in self.report.added or source in self.report.updated):
            self.report.warnings[source] = list(warnings)
        return None

    def index_record(self, document: Document, source: str) -> None:
        """An article given in memory: indexed as a file's text is, its id standing for the file's path."""
        old = self.by_source.get(source)
        current = old is not None and (bool(old.chunk_ids) or bool(old.duplicate_of) and not self.orphaned(old))
        return self.take(document, source, old, current, FileState(), None)

    def take(self, document: Document, source: str, old: Article | None, current: bool, state: FileState,
             path: Path | None) -> None:
        """Stage an article read (a file's at ``path``, or one given in memory), unless its text and byline are
        the ones indexed; ``current``: the indexed version ``old`` still stands."""
        text_limit = self.settings.max_text_mb * 1e6
        if len(document.page_content) > text_limit:
            return self.refuse(source, Reason("too_many_characters", size=_megas(len(document.page_content)),
                                              limit=f"{self.settings.max_text_mb:g}",
                                              setting=": ASSISTANT_MAX_TEXT_MB"), old)
        text_hash = document.metadata["content_hash"]
        # A title or author corrected (a front matter, a page's metadata) under the same text is an update:
        # kept "unchanged", the old byline went on answering "Who wrote ...?" and titling its passages.
        same_record = (old is not None and old.title == document.metadata["title"]
                       and old.author == document.metadata["author"] and old.url == document.metadata.get("url", ""))
        if old is not None and current and old.content_hash == text_hash and same_record:
            return self.unchanged(old, state)  # the bytes moved, not the text (line ends, markup)
        if old is not None and self.primaries.get(old.content_hash) == source:
            del self.primaries[old.content_hash]
        if path is not None and (gone := self.moved_here(text_hash, path)) is not None:
            self.moves[source] = gone.source
            self.report.moved[source] = gone.source
            if self.primaries.get(text_hash) == gone.source:
                del self.primaries[text_hash]  # this file is indexed in its place (its vectors are cached)
        twin = self.primaries.get(text_hash)
        if twin is not None and twin != source:
            self.staged.append(self.indexer.stage_duplicate(document, twin, state))
            self.report.duplicates[source] = twin
        else:
            self.staged.append(self.indexer.stage(document, state))
            self.report.chunks_added += len(self.staged[-1].article.chunk_ids)
            self.primaries[text_hash] = source
        (self.report.updated if old else self.report.added).append(source)
        self.changed = True
        return None

    def moved_here(self, text_hash: str, path: Path) -> Article | None:
        """The indexed article with this text whose file is gone (moved, or deleted beside a copy): the file
        just read takes it over, rather than become a copy of a path that answers cite and no one can open.
        So does the one indexed under a link's name for this very file (a folder indexed through a link,
        then by its own path): the file is indexed once, under its own name."""
        for article in self.by_hash.get(text_hash, []):
            if (article.source not in self.seen and article.source not in self.moves.values()
                    and article.doc_id in self.manifest):
                if self.file_gone(article.source):
                    return article
                if _same_file(article.source, path):
                    self.link_names.add(article.source)
                    return article
        return None

    def orphaned(self, duplicate: Article) -> bool:
        original = self.by_source.get(duplicate.duplicate_of)
        return original is not None and original.source not in self.seen and self.file_gone(original.source)

    def file_gone(self, source: str) -> bool:
        # On a Chroma server, an article may come from another machine's folders: only a path under the ones
        # given to this run is known to be gone from this one.
        if self.settings.chroma_url is not None and not _is_under(source, self.roots):
            return False
        if (article := self.by_source.get(source)) is not None and article.format == RECORD:
            return False  # given in memory: no file of it was ever there to be gone
        return _missing(source)

    def gone_under(self, roots: Sequence[Path]) -> list[str]:
        """The articles under ``roots`` (not named outright) whose file is gone, and that stay indexed."""
        folders = [root for root in roots if os.path.isdir(root)]
        return sorted(a.source for a in self.manifest.values()
                      if a.source not in self.seen and a.source not in self.report.failed and a.format != RECORD
                      and _is_under(a.source, folders) and _missing(a.source))

    def refusal(self, path: Path, size: int) -> Reason | None:
        if size > self.settings.max_file_mb * 1e6:
            return Reason("too_large", size=_megas(size), limit=f"{self.settings.max_file_mb:g}",
                          setting=": ASSISTANT_MAX_FILE_MB")
        if path.suffix.lower() in PLAIN_TEXT and size > self.settings.max_text_mb * 1e6 and not _saved_page(path):
            return Reason("text_too_long", size=_megas(size), limit=f"{self.settings.max_text_mb:g}",
                          setting=": ASSISTANT_MAX_TEXT_MB")
        return None

    def unchanged(self, old: Article, state: FileState) -> None:
        self.report.unchanged.append(old.source)
        if FileState.of(old) != state or old.read_by_earlier_version:
            old.reader = READER
            self.restamped.append(state.stamp(old))  # so that next time the stat alone says so

    def fail(self, source: str, reason: Reason) -> None:
        self.report.failed[source] = reason

    def refuse(self, source: str, reason: Reason, old: Article | None) -> None:
        """A failure that leaves an indexed version in place says so."""
        self.fail(source, reason.keeping() if old is not None else reason)

    def vanished(self, source: str, old: Article | None) -> None:
        if old is None:
            self.fail(source, Reason("vanished"))
        else:
            # Not removed here: a file being replaced (editors save through a rename) comes back;
            # --prune or the watcher removes it once it is really gone.
            self.fail(source, Reason("vanished_kept"))
            self.seen.discard(source)

    def prune(self, roots: Sequence[Path]) -> None:
        for article in list(self.manifest.values()):
            if article.source in self.seen or article.format == RECORD or not _is_under(article.source, roots):
                continue
            if not Path(article.source).exists():
                self.report.failed.pop(article.source, None)
                self.remove(article)

    def remove(self, article: Article) -> None:
        if article.doc_id not in self.manifest:
            return
        self.indexer.delete(article)
        del self.manifest[article.doc_id]
        self.by_source.pop(article.source, None)
        if self.primaries.get(article.content_hash) == article.source:
            del self.primaries[article.content_hash]
        self.report.removed.append(article.source)
        self.changed = self.unannounced = True

    def stopped(self, error: StoreStoppedError) -> None:
        """Make the report of a run that the store's loss (or a full disk) ended say what is indexed: the
        files staged but not switched to, and the one being indexed, are failures, not "added" or "updated"."""
        cut = [item for item in self.staged if not item.switched]
        for item in cut:
            source = item.article.source
            for listed in (self.report.added, self.report.updated):
                if source in listed:
                    listed.remove(source)
            self.report.duplicates.pop(source, None)
            self.report.warnings.pop(source, None)  # a failure now: its warning is no news
            self.report.moved.pop(source, None)
            self.moves.pop(source, None)
            self.report.chunks_added -= len(item.article.chunk_ids)
        for source in [item.article.source for item in cut] + ([self.writing] if self.writing else []):
            self.report.failed[source] = Reason("not_indexed", detail=error.brief)
            self.report.skipped.pop(source, None)

    def finish(self) -> None:
        if self.restamped:
            self.store.update_articles(self.restamped)
        self.commit()
        if self.changed and self.indexer.settle_duplicates(self.report):
            self.unannounced = True
        if self.unannounced:
            self.indexer.refresh()
        if not self.keep_journal:
            self.indexer.end_writes()


def _missing(source: str) -> bool:
    """Gone from the disk: not there. A file this user may no longer reach (a folder locked) is not gone."""
    try:
        os.lstat(source)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _same_file(source: str, path: Path) -> bool:
    """Whether ``source``, another name, reaches the file at ``path`` through a symbolic link."""
    try:
        return os.path.realpath(source) == str(path.resolve()) and os.path.exists(source)
    except (OSError, RuntimeError):
        return False


def _saved_page(path: Path) -> bool:
    """A page saved as .txt is read as HTML: its size is mostly markup and scripts, not its text."""
    try:
        with path.open("rb") as file:
            head = file.read(65536)
    except OSError:
        return False
    return is_html_document(head.decode("utf-8", errors="ignore"))


def _article(document: Document, chunk_ids: list[str], duplicate_of: str = "") -> Article:
    meta = document.metadata
    return Article(
        doc_id=meta["doc_id"], source=meta["source"], title=meta["title"], content_hash=meta["content_hash"],
        language=meta["language"], published=meta.get("published", ""), indexed_at=time.time(),
        chunk_ids=chunk_ids, format=meta.get("format", ""), duplicate_of=duplicate_of, author=meta.get("author", ""),
        reader=READER, url=meta.get("url", ""),
    )


def _matching(articles: Iterable[Article], wanted: str) -> list[Article]:
    """Articles named by a source path (as given or absolute), a doc id, or a folder above them."""
    path = absolute(wanted)
    names = {same_name(wanted), same_name(path)}
    articles = list(articles)
    exact = [a for a in articles if same_name(a.source) in names or a.doc_id == wanted]
    if exact:
        return exact
    return sorted((a for a in articles if _is_under(a.source, [path])), key=lambda a: a.source)


def _is_under(source: str, roots: Sequence[Path]) -> bool:
    path = Path(same_name(source))
    for root in roots:
        root = Path(same_name(absolute(root)))
        if path == root or root in path.parents:
            return True
    return False
