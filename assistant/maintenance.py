"""Does the manifest agree with the store? ``check`` says, ``repair`` makes it so.

The manifest (the ``articles`` collection) is the truth readers go by: an article lists its chunks,
and only listed chunks are ever returned. Whatever disagrees with it is a problem:

- orphan chunks: in the store, listed by no article (an interrupted write, a removed article);
- missing chunks: listed by an article, absent from the store (the article is partly unanswerable);
- duplicates: two records for one source, two articles embedding the same text, or a duplicate
  record whose original is gone or now says something else;
- BM25 out of step: the lexical index on disk is not the one for the store's current content;
- an interrupted run: the marker a writer leaves while it writes is still there.

Repair adds before it deletes (missing chunks are re-embedded from the article text the store keeps,
duplicates settled), then deletes orphans and rebuilds BM25, so it is itself safe to interrupt.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .indexer import FileState, Indexer, files_gone, write_lock
from .loaders import RECORD, doc_id_for
from .store import Article


@dataclass
class Problem:
    kind: str  # orphan_chunks, missing_chunks, duplicate_records, duplicate_content, broken_duplicate,
    #            stale_bm25, interrupted_run
    message: str
    ids: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    articles: int = 0
    duplicates: int = 0  # sources recorded as duplicates of another (expected, not a problem)
    chunks: int = 0
    generation: int = 0
    bm25_generation: int | None = None
    problems: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not wrong (the index is ok)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}

    def summary(self) -> str:
        lines = [f"{self.articles} articles ({self.duplicates} duplicates), {self.chunks} chunks, "
                 f"generation {self.generation}, BM25 generation "
                 f"{'none' if self.bm25_generation is None else self.bm25_generation}"]
        lines += [f"repaired: {action}" for action in self.repaired]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"problem: {problem.message}" for problem in self.problems]
        lines.append("ok: the manifest and the store agree" if self.ok else f"{len(self.problems)} problem(s)")
        return "\n".join(lines)


def check(indexer: Indexer, repair: bool = False, wait: bool = False) -> CheckReport:
    """Diagnose (and with ``repair``, fix) the index, holding the write lock so no run is half-seen."""
    with write_lock(indexer.settings.index_dir, wait=wait, store=indexer.store):
        if not repair:
            return diagnose(indexer)
        actions = _repair(indexer, diagnose(indexer))
        report = diagnose(indexer)
        report.repaired = actions
        return report


def repair(indexer: Indexer) -> list[str]:
    """Converge the index (the caller holds the write lock); what was done, one line each."""
    return _repair(indexer, diagnose(indexer))


def diagnose(indexer: Indexer) -> CheckReport:
    store = indexer.store
    articles = store.get_articles()
    owners = store.chunk_owners()
    report = CheckReport(articles=len(articles), chunks=len(owners), generation=store.generation(),
                         duplicates=sum(1 for a in articles.values() if a.duplicate_of))
    problems = report.problems

    listed: set[str] = set()
    missing: dict[str, list[str]] = {}
    for article in articles.values():
        listed.update(article.chunk_ids)
        absent = [i for i in article.chunk_ids if i not in owners]
        if absent or (not article.chunk_ids and not article.duplicate_of):
            missing[article.doc_id] = absent
    orphans = sorted(set(owners) - listed)
    if orphans:
        problems.append(Problem("orphan_chunks", f"{len(orphans)} chunks in the store are listed by no article",
                                orphans))
    for doc_id, absent in sorted(missing.items()):
        source = articles[doc_id].source
        what = f"{len(absent)} of its chunks are missing" if absent else "it lists no chunks"
        problems.append(Problem("missing_chunks", f"{source}: {what}", [doc_id]))

    by_source: dict[str, list[Article]] = defaultdict(list)
    by_text: dict[str, list[Article]] = defaultdict(list)
    for article in articles.values():
        by_source[article.source].append(article)
        if not article.duplicate_of:
            by_text[article.content_hash].append(article)
    for source, records in sorted(by_source.items()):
        if len(records) > 1:
            problems.append(Problem("duplicate_records", f"{source}: {len(records)} article records",
                                    [a.doc_id for a in records]))
    for records in by_text.values():
        if len(records) > 1:
            names = sorted(a.source for a in records)
            problems.append(Problem("duplicate_content", f"the same text is embedded {len(records)} times: "
                                    + ", ".join(names), [a.doc_id for a in records]))
    for article in sorted(articles.values(), key=lambda a: a.source):
        if not article.duplicate_of:
            continue
        twins = by_source.get(article.duplicate_of, [])
        if not any(not t.duplicate_of and t.content_hash == article.content_hash for t in twins):
            why = "is gone" if not twins else "no longer has the same text"
            problems.append(Problem("broken_duplicate", f"{article.source}: recorded as a duplicate of "
                                    f"{article.duplicate_of}, which {why}", [article.doc_id]))

    report.bm25_generation, bm25_ids = _bm25_on_disk(indexer)
    # On a Chroma server the BM25 index on disk is this client's own copy: one behind the store (or none
    # yet) is how a client that did not write finds it, and it catches up at its next question.
    follower = indexer.settings.chroma_url is not None
    if follower and (report.bm25_generation is None or report.bm25_generation < report.generation):
        at = "none yet" if report.bm25_generation is None else f"at generation {report.bm25_generation}"
        report.notes.append(f"this client's BM25 index is {at}, the server's store at {report.generation}: "
                            "it is brought up to date at the next question")
    elif report.bm25_generation is None:
        if owners:
            problems.append(Problem("stale_bm25", "no BM25 index on disk (readers build one in memory)"))
    elif report.bm25_generation != report.generation:
        problems.append(Problem("stale_bm25", f"the BM25 index is at generation {report.bm25_generation}, "
                                f"the store at {report.generation}"))
    elif bm25_ids != set(owners):
        absent, extra = len(set(owners) - bm25_ids), len(bm25_ids - set(owners))
        problems.append(Problem("stale_bm25", f"the BM25 index does not match the store ({absent} chunks "
                                f"missing from it, {extra} that the store no longer has)"))

    if note := read_by_an_earlier_version(articles.values()):
        report.notes.append(note)
    if indexer.journal.exists():
        problems.append(Problem("interrupted_run", "an indexing run was interrupted before it finished "
                                "(killed, crashed or Ctrl-C)"))
    # A renamed or deleted file stays indexed (and cited) until a run prunes it: worth saying, not wrong.
    # Not on a Chroma server, whose articles may come from other machines' folders.
    if not follower:
        gone = sorted(a.source for a in articles.values() if a.format != RECORD and not Path(a.source).exists())
        if gone:
            report.notes.append(files_gone(gone) + " (still answered from; `assistant index FOLDER --prune` or "
                                "`assistant remove PATH` drops them)")
    return report


def read_by_an_earlier_version(articles: Iterable[Article]) -> str | None:
    """An upgrade's note: articles whose files an earlier version read, until ``index`` reads them again."""
    stale = sorted(a.source for a in articles if a.read_by_earlier_version)
    if not stale:
        return None
    return (f"{len(stale)} indexed article(s) read by an earlier version of the assistant, without what this one "
            f"reads (dates, bylines): `assistant index` their files once (e.g. {stale[0]})")


def _repair(indexer: Indexer, report: CheckReport) -> list[str]:
    if report.ok:
        return []
    store = indexer.store
    actions: list[str] = []
    indexer.begin_writes()
    articles = store.get_articles()
    kinds = {p.kind for p in report.problems}

    # Two records for one source: keep the one whose id the path gives (the one runs update).
    for problem in report.problems:
        if problem.kind == "duplicate_records":
            records = [articles[i] for i in problem.ids if i in articles]
            keep = next((a for a in records if a.doc_id == doc_id_for(a.source)),
                        max(records, key=lambda a: a.indexed_at))
            for article in records:
                if article is not keep:
                    indexer.delete(article)
                    articles.pop(article.doc_id)
                    actions.append(f"{article.source}: extra record {article.doc_id} removed")

    # Missing chunks: re-embed from the text the store keeps (the embedding cache makes it cheap).
    for problem in report.problems:
        if problem.kind == "missing_chunks" and problem.ids[0] in articles:
            article = articles[problem.ids[0]]
            document = indexer.stored_document(article)
            if document is None:
                indexer.delete(article)
                articles.pop(article.doc_id)
                actions.append(f"{article.source}: record without text removed (index its file again)")
                continue
            articles[article.doc_id] = indexer.write(document, FileState.of(article))
            actions.append(f"{article.source}: its chunks were rebuilt from the stored text")

    # The same text embedded twice: keep the first source, record the others as its duplicates.
    for problem in report.problems:
        if problem.kind == "duplicate_content":
            records = sorted((articles[i] for i in problem.ids if i in articles), key=lambda a: a.source)
            for article in records[1:]:
                document = indexer.stored_document(article)
                if document is None:
                    continue
                indexer.record_duplicate(document, records[0].source, FileState.of(article))
                actions.append(f"{article.source}: recorded as a duplicate of {records[0].source}")

    actions += indexer.settle_duplicates()

    # Orphans last: whatever no article lists now, including what the steps above replaced.
    listed = {i for a in store.get_articles().values() for i in a.chunk_ids}
    orphans = sorted(set(store.chunk_owners()) - listed)
    if orphans:
        store.delete_chunks(orphans)
        actions.append(f"{len(orphans)} orphan chunks deleted")

    if actions or "stale_bm25" in kinds or "interrupted_run" in kinds:
        indexer.refresh()
        actions.append("BM25 index rebuilt, readers told the index moved")
    indexer.end_writes()
    return actions


def _bm25_on_disk(indexer: Indexer) -> tuple[int | None, set[str]]:
    # The format LexicalIndex.save writes: ids.json with the generation and the chunk ids, in order.
    path = indexer.lexical.index.folder / "ids.json"
    try:
        meta = json.loads(path.read_text())
        # Saved for another store (another namespace served from this folder, a server's index made anew):
        # not this one's, whose generation and ids it was compared with as if it were. Questions rebuild it.
        if meta.get("store") and meta["store"] != indexer.store.identity():
            return None, set()
        return int(meta["generation"]), set(meta["ids"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, set()
