"""Incremental reindexing: only what changed is embedded; updates, removals, duplicates, check/repair, lock."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from corpus import NEWS, run_cli, write_news
from langchain_core.documents import Document

from assistant import Assistant
from assistant.indexer import IndexBusyError, IndexInterrupted, write_lock
from assistant.loaders import doc_id_for
from assistant.store import Article

HOUR_NS = 3600 * 10**9


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One embedding cache for the module: the same texts are embedded once across its tests."""
    return tmp_path_factory.mktemp("embedding-cache") / "vectors.sqlite"


def article(assistant: Assistant, path) -> Article:
    return assistant.store.get_articles([doc_id_for(str(path))])[doc_id_for(str(path))]


def top_source(assistant: Assistant, query: str) -> str:
    return assistant.retrieve(query, k=1)[0].metadata["source"]


def assert_consistent(assistant: Assistant) -> None:
    report = assistant.check()
    assert report.ok, report.summary()
    listed = {i for a in assistant.store.get_articles().values() for i in a.chunk_ids}
    assert set(assistant.store.all_chunk_ids()) == listed


def age(path, ns: int = HOUR_NS) -> None:
    """Date a file back, as a file written a while ago is."""
    mtime = path.stat().st_mtime_ns - ns
    os.utime(path, ns=(mtime, mtime))


def test_changed_files_replaced_unchanged_skipped_deleted_pruned(tmp_path, cache):
    paths = write_news(tmp_path / "news")
    (tmp_path / "elsewhere").mkdir()
    other = tmp_path / "elsewhere" / "greve.txt"
    other.write_text("Grève à la SNCF\n\nLes contrôleurs de la SNCF sont en grève ce week-end : deux TGV sur "
                     "trois circuleront entre Paris et Bordeaux.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)

    first = assistant.index([tmp_path / "news", other])
    assert sorted(first.added) == sorted(str(p) for p in [*paths.values(), other]) and first.ok
    assert first.chunks_added >= 4
    generation = assistant.store.generation()

    again = assistant.index([tmp_path / "news", other])
    assert len(again.unchanged) == 4 and not (again.added or again.updated or again.removed)
    assert again.chunks_added == 0
    assert assistant.store.generation() == generation  # readers are not even told to look again

    port = paths["port.txt"]
    old_chunks = article(assistant, port).chunk_ids
    port.write_text(NEWS["port.txt"] + "Le trafic de conteneurs a en revanche reculé de 5 %.\n", encoding="utf-8")
    update = assistant.index([tmp_path / "news"])
    assert update.updated == [str(port)] and len(update.unchanged) == 2
    # The report counts what the model embedded: the changed chunk and its new sentence, not the article.
    assert update.texts_embedded == 2, update  # its one chunk and the new sentence; its other sentences were cached
    assert f"{update.texts_embedded} texts embedded" in update.summary()
    record = article(assistant, port)
    assert set(assistant.store.chunk_ids_of(record.doc_id)) == set(record.chunk_ids) != set(old_chunks)
    assert "reculé de 5 %" in assistant.article_text(str(port))
    docs = assistant.retrieve("trafic de conteneurs en recul", k=1)
    assert docs[0].metadata["source"] == str(port) and "reculé de 5 %" in docs[0].page_content

    paths["rougeole.md"].unlink()
    kept = assistant.index([tmp_path / "news"])
    assert kept.removed == [] and str(paths["rougeole.md"]) in {a.source for a in assistant.articles()}
    pruned = assistant.index([tmp_path / "news"], prune=True)
    assert pruned.removed == [str(paths["rougeole.md"])]
    assert str(paths["rougeole.md"]) not in {a.source for a in assistant.articles()}
    assert assistant.store.chunk_ids_of(doc_id_for(str(paths["rougeole.md"]))) == []
    assert str(other) in {a.source for a in assistant.articles()}  # outside the pruned folder: kept
    assert top_source(assistant, "grève des contrôleurs TGV Bordeaux") == str(other)

    other.unlink()
    other.parent.rename(tmp_path / "unmounted")  # a folder that is not there prunes nothing
    missing = assistant.index([other.parent], prune=True)
    assert missing.removed == [] and "nothing under it was pruned" in missing.failed[str(other.parent)]
    assert str(other) in {a.source for a in assistant.articles()}
    assert_consistent(assistant)


def test_touched_or_reencoded_files_are_not_embedded_again(tmp_path, cache):
    path = write_news(tmp_path / "news", ["pont.txt"])["pont.txt"]
    age(path)
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([path])

    os.utime(path)  # touched: new mtime, same bytes
    touched = assistant.index([path])
    assert touched.unchanged == [str(path)] and touched.chunks_added == 0
    assert article(assistant, path).file_mtime_ns == path.stat().st_mtime_ns  # next time the stat suffices

    path.write_bytes(NEWS["pont.txt"].replace("\n", "\r\n").encode("utf-8"))  # other bytes, same text
    crlf = assistant.index([path])
    assert crlf.unchanged == [str(path)] and crlf.chunks_added == 0
    assert_consistent(assistant)


def test_a_title_or_author_corrected_in_the_front_matter_is_seen(tmp_path, cache):
    # The text is the same, its metadata not: the run said "unchanged" and the old author kept answering
    # "Who wrote ...?" (a reviewer corrected a byline in the front matter).
    path = tmp_path / "news" / "budget.md"
    path.parent.mkdir()
    body = ("\n\nLe conseil municipal de Lyon a adopté jeudi soir un budget de 1,2 milliard d'euros pour 2024, "
            "par 45 voix contre 20.\n")
    path.write_text("---\ntitle: Lyon vote son budget\nauthor: Claire Fontaine\n---" + body, encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([path])

    path.write_text("---\ntitle: Lyon adopte son budget 2024\nauthor: Marc Lévy\n---" + body, encoding="utf-8")
    report = assistant.index([path])
    assert report.updated == [str(path)] and report.texts_embedded <= 2
    assert (article(assistant, path).title, article(assistant, path).author) == ("Lyon adopte son budget 2024",
                                                                                 "Marc Lévy")
    assert {d.metadata["title"] for d in assistant.retrieve("budget de Lyon", k=1)} == {"Lyon adopte son budget 2024"}
    assert_consistent(assistant)


def test_same_size_edit_within_the_mtime_tick_is_seen(tmp_path, cache):
    path = write_news(tmp_path / "news", ["pont.txt"])["pont.txt"]
    # Read within the clock tick of the write: its mtime is too recent to vouch for the content. Dated ahead,
    # as "right after the write" was not on a loaded machine, where the first read came seconds later.
    ahead = time.time_ns() + 60 * 10**9
    os.utime(path, ns=(ahead, ahead))
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([path])
    recorded = article(assistant, path)
    path.write_text(NEWS["pont.txt"].replace("220 mètres", "440 mètres"), encoding="utf-8")
    os.utime(path, ns=(recorded.file_mtime_ns, recorded.file_mtime_ns))  # same size, same mtime
    report = assistant.index([path])
    assert report.updated == [str(path)]
    assert "440 mètres" in assistant.article_text(str(path))


def test_a_file_whose_stat_is_unchanged_is_not_read(tmp_path, cache):
    # The price of a no-op reindex that reads nothing (as make and rsync): an edit that keeps the size
    # and sets the old mtime back is not seen. Anything that writes a file moves its mtime.
    path = write_news(tmp_path / "news", ["pont.txt"])["pont.txt"]
    age(path)
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([path])
    recorded = article(assistant, path)
    path.write_text(NEWS["pont.txt"].replace("220 mètres", "440 mètres"), encoding="utf-8")
    os.utime(path, ns=(recorded.file_mtime_ns, recorded.file_mtime_ns))
    assert assistant.index([path]).unchanged == [str(path)]
    assert "220 mètres" in assistant.article_text(str(path))


def test_duplicates_embedded_once_and_kept_answerable_when_the_original_goes(tmp_path, cache):
    folder = tmp_path / "news"
    folder.mkdir()
    original, copy = folder / "a-pont.txt", folder / "b-pont.txt"
    original.write_text(NEWS["pont.txt"], encoding="utf-8")
    copy.write_bytes(NEWS["pont.txt"].replace("\n", "\r\n").encode("utf-8"))  # same text, other bytes
    write_news(folder, ["port.txt"])
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)

    report = assistant.index([folder])
    assert report.duplicates == {str(copy): str(original)}
    # "1 added, ..., 1 duplicate" read as two files; the copy is one of those added
    assert "3 added (1 a copy of another indexed article, not stored twice)" in report.summary(), report.summary()
    assert article(assistant, copy).chunk_ids == [] and article(assistant, copy).duplicate_of == str(original)
    assert assistant.store.chunk_ids_of(doc_id_for(str(copy))) == []
    assert assistant.stats()["duplicates"] == 1
    assert_consistent(assistant)

    # The original removed: the copy is indexed in its own right and still answers.
    removal = assistant.remove(original)
    assert removal.removed == [str(original)] and removal.updated == [str(copy)]
    assert article(assistant, copy).chunk_ids and not article(assistant, copy).duplicate_of
    assert top_source(assistant, "passerelle piétonne sur le Rhône") == str(copy)
    assert_consistent(assistant)

    # Back again, it is now the duplicate; then the copy (now the original) is edited: it is promoted.
    original.write_text(NEWS["pont.txt"], encoding="utf-8")
    assert assistant.index([folder]).duplicates == {str(original): str(copy)}
    copy.write_text(NEWS["pont.txt"] + "Elle sera éclairée la nuit.\n", encoding="utf-8")
    edit = assistant.index([folder])
    assert sorted(edit.updated) == [str(original), str(copy)]
    assert article(assistant, original).chunk_ids and article(assistant, copy).chunk_ids
    assert_consistent(assistant)

    # A rename is a new path with the text of a vanished one: pruned and promoted in one run.
    renamed = folder / "c-pont.txt"
    original.rename(renamed)
    rename = assistant.index([folder], prune=True)
    assert rename.removed == [str(original)] and str(renamed) in rename.added
    assert article(assistant, renamed).chunk_ids and not article(assistant, renamed).duplicate_of
    assert_consistent(assistant)


def test_a_file_renamed_without_prune_takes_its_article_along(tmp_path, cache, capsys):
    # `mv UPPER.TXT storm.txt; assistant index corpus` said "duplicate: storm.txt has the same content as UPPER.TXT",
    # and answers went on citing UPPER.TXT, a path that no longer exists.
    from assistant.cli import main
    from assistant.commands.core import print_index_report

    folder = tmp_path / "corpus"
    folder.mkdir()
    upper, storm = folder / "UPPER.TXT", folder / "storm.txt"
    upper.write_text(NEWS["pont.txt"], encoding="utf-8")
    write_news(folder, ["port.txt"])
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([folder])

    upper.rename(storm)
    moved = assistant.index([folder])
    assert moved.moved == {str(storm): str(upper)} and not moved.duplicates
    assert moved.added == [str(storm)] and moved.removed == [str(upper)] and moved.texts_embedded == 0
    assert article(assistant, storm).chunk_ids and not article(assistant, storm).duplicate_of
    assert sorted(a.source for a in assistant.articles()) == [str(folder / "port.txt"), str(storm)]
    assert top_source(assistant, "passerelle piétonne sur le Rhône") == str(storm)
    assert_consistent(assistant)

    # An index where the rename was already recorded as a duplicate of the gone file (as before this fix).
    copy = folder / "copy.txt"
    copy.write_text(NEWS["pont.txt"], encoding="utf-8")
    assert assistant.index([folder]).duplicates == {str(copy): str(storm)}
    storm.unlink()
    settled = assistant.index([folder])
    assert settled.moved == {str(copy): str(storm)} and settled.removed == [str(storm)], settled
    assert article(assistant, copy).chunk_ids and not article(assistant, copy).duplicate_of
    assert_consistent(assistant)

    # A file gone with no other name for its text: said (with what drops it), not removed without --prune.
    (folder / "port.txt").unlink()
    capsys.readouterr()
    assert main(["--index", str(tmp_path / "index"), "index", "-q", str(folder)]) == 0
    out = capsys.readouterr().out
    assert moved.to_dict()["moved"] == {str(storm): str(upper)}  # what --json prints
    print_index_report(moved, as_json=False)
    assert f"moved: {upper} is now {storm} (the same text: its article follows the file)\n" in capsys.readouterr().out
    assert (f"note: 1 indexed article(s) under the folders given whose file is gone: {folder / 'port.txt'} "
            "(still answered from; --prune drops them)") in out, out
    assert assistant.index([folder], prune=True).removed == [str(folder / "port.txt")]


def test_progress_tells_how_the_embedding_goes_before_the_files_are_written(tmp_path):
    # Embedding is nearly all of the work for a few files (an upload): a bar fed only as each file is
    # written stood still at its start all that time.
    paths = write_news(tmp_path / "news")
    events: list[tuple] = []
    assistant = Assistant(tmp_path / "index", embedding_cache=tmp_path / "fresh-cache.sqlite")
    report = assistant.index([tmp_path / "news"],
                             progress=lambda done, total, source: events.append(("file", done, total, source)),
                             embedding_progress=lambda done, total, source: events.append(("embedding", done, total,
                                                                                          source)))
    assert report.ok and len(report.added) == len(paths)
    first_file = next(i for i, event in enumerate(events) if event[0] == "file")
    before = events[:first_file]
    assert before and all(kind == "embedding" for kind, *_ in before)
    _, done, total, source = before[-1]
    assert done == total > 2 * len(paths)  # every chunk and sentence of the batch, counted as embedded
    assert source == events[first_file][3]  # the file waited for
    assert [e[1] for e in events if e[0] == "file"] == list(range(1, len(paths) + 1))

    again = assistant.index([tmp_path / "news"], embedding_progress=lambda *args: events.append(args))
    assert again.unchanged and events[-1][0] == "file"  # nothing to embed, nothing said


def test_the_progress_bar_has_its_total_of_files_while_the_first_ones_are_embedded(tmp_path, capsys):
    # "indexing: 0file [02:05, ?file/s, embedding 1152/1153 texts]" for two minutes: no total until a file was done.
    from assistant.progress import progress_bar

    write_news(tmp_path / "news")
    progress, embedding, close = progress_bar()
    events: list[tuple] = []

    def listed(total: int) -> None:
        events.append(("listed", total))
        progress.listed(total)

    def embedded(done: int, total: int, source: str) -> None:
        events.append(("embedding", done, total))
        embedding(done, total, source)

    def begun(done: int, total: int, source: str) -> None:
        events.append(("file", done, total))
        progress(done, total, source)

    begun.listed = listed
    assistant = Assistant(tmp_path / "index", embedding_cache=tmp_path / "fresh-cache.sqlite")
    assert assistant.index([tmp_path / "news"], progress=begun, embedding_progress=embedded).ok
    close()
    assert events[0] == ("listed", len(NEWS)) and events[1][0] == "embedding"
    frames = capsys.readouterr().err.split("\r")
    assert any(f"0/{len(NEWS)}" in frame and "embedding" in frame for frame in frames), frames


def test_remove_by_source_folder_or_doc_id(tmp_path, cache):
    paths = write_news(tmp_path / "news" / "sub", ["pont.txt", "port.txt"])
    other = write_news(tmp_path / "news", ["rougeole.md"])["rougeole.md"]
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([tmp_path / "news"])

    assert assistant.remove("/nowhere/missing.txt").failed == {"/nowhere/missing.txt": "not in the index"}
    assert assistant.remove(tmp_path / "news" / "sub").removed == sorted(str(p) for p in paths.values())
    assert assistant.remove(doc_id_for(str(other))).removed == [str(other)]
    assert assistant.articles() == [] and assistant.store.count_chunks() == 0
    assert_consistent(assistant)

    # Several at once, as index() and `assistant remove A B` take them: the list was one name, "['...', '...']",
    # "not in the index", and nothing was removed.
    assistant.index([tmp_path / "news"])
    both = assistant.remove([paths["pont.txt"], str(other)])
    assert sorted(both.removed) == sorted([str(paths["pont.txt"]), str(other)]) and not both.failed
    assert [a.source for a in assistant.articles()] == [str(paths["port.txt"])]


def test_a_file_name_in_decomposed_unicode_is_found_by_its_name_as_typed(tmp_path, cache):
    # macOS copies and zip files write "é" as "e" + U+0301: typed the usual way (NFC), the name was "not in the
    # index", and neither `entities --source` nor a source filter found the article.
    import unicodedata

    from assistant.filters import build_where

    folder = tmp_path / "Économie"
    typed = folder / "Économie café.md"
    on_disk = Path(unicodedata.normalize("NFD", str(typed)))
    on_disk.parent.mkdir()
    on_disk.write_text(NEWS["port.txt"], encoding="utf-8")
    assert unicodedata.normalize("NFD", str(typed)) != str(typed)
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([on_disk.parent])
    [indexed] = assistant.articles()
    assert indexed.source == str(on_disk)  # the real path, the one that opens the file

    for name in (str(typed), "Économie café.md", "Économie café", "économie"):
        assert build_where({"source": name}, assistant) == {"doc_id": indexed.doc_id}, name
    assert assistant.entities(source="Économie café.md")
    assert assistant.ask("Combien de tonnes le port de Marseille a-t-il traitées ?",
                         filters={"source": "Économie café.md"}).citations
    assert assistant.remove(folder).removed == [str(on_disk)]  # a folder named as typed
    assistant.index([on_disk.parent])
    assert assistant.remove(typed).removed == [str(on_disk)]
    assert assistant.articles() == []


def test_check_finds_each_disagreement_and_repair_fixes_it(tmp_path, cache):
    folder = tmp_path / "news"
    paths = write_news(folder)
    (folder / "z-copie.txt").write_text(NEWS["pont.txt"], encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([folder])
    assert_consistent(assistant)
    store = assistant.store

    ghost = Document("Un passage que plus aucun article ne cite.", metadata={
        "doc_id": "ghost", "chunk_id": "ghost-1", "source": "/gone.txt", "start": 0, "end": 42})
    store.add_chunks([ghost], np.ones((1, assistant.embeddings.dim), dtype=np.float32))
    port = article(assistant, paths["port.txt"])
    store.delete_chunks(port.chunk_ids[:1])
    dup = article(assistant, folder / "z-copie.txt")
    dup.duplicate_of = "/gone/original.txt"
    store.update_articles([dup])
    pont = article(assistant, paths["pont.txt"])
    twin = Article(doc_id=doc_id_for("/x/twin.txt"), source="/x/twin.txt", title="twin",
                   content_hash=pont.content_hash, language="fr", published="", indexed_at=0.0, chunk_ids=[])
    store.put_article(twin, assistant.article_text(str(paths["pont.txt"])))
    shutil.rmtree(tmp_path / "index" / "bm25")

    report = assistant.check()
    kinds = {p.kind for p in report.problems}
    assert {"orphan_chunks", "missing_chunks", "broken_duplicate", "duplicate_content", "stale_bm25"} <= kinds
    assert "ghost-1" in next(p for p in report.problems if p.kind == "orphan_chunks").ids

    fixed = assistant.check(repair=True)
    assert fixed.ok, fixed.summary()
    assert fixed.repaired
    assert_consistent(assistant)
    assert len(article(assistant, paths["port.txt"]).chunk_ids) == len(port.chunk_ids)
    docs = assistant.retrieve("port de Marseille record de tonnes", k=3)
    assert docs[0].metadata["source"] == str(paths["port.txt"])
    assert all(d.id != "ghost-1" for d in assistant.retrieve("passage que plus aucun article ne cite", k=5))


class Crash(BaseException):
    """Ends a run where it stands, as a kill would (no handler of the indexer runs)."""


@pytest.fixture
def news(tmp_path, cache) -> tuple[Path, Assistant]:
    """The three news files, and an empty index for them."""
    folder = tmp_path / "news"
    write_news(folder)
    return folder, Assistant(tmp_path / "index", embedding_cache=cache)


def assert_next_run_finishes(assistant: Assistant, folder: Path) -> None:
    resumed = assistant.index([folder])
    assert resumed.repaired and len(resumed.added) == 3
    assert_consistent(assistant)


def interrupt_at_the_third_file(assistant: Assistant, folder: Path, error: type[BaseException]) -> None:
    def stop(done: int, total: int, source: str) -> None:
        if done == 3:
            raise error

    with pytest.raises(error):
        assistant.index([folder], progress=stop)


def test_a_crashed_run_is_finished_by_the_next(news):
    folder, assistant = news
    interrupt_at_the_third_file(assistant, folder, Crash)
    # Chunks are written when a batch commits: two articles were staged, nothing of them was written.
    assert {p.kind for p in assistant.check().problems} == {"interrupted_run"}
    assert assistant.articles() == [] and assistant.store.all_chunk_ids() == []
    assert_next_run_finishes(assistant, folder)


def test_a_run_crashed_inside_a_commit_is_finished_by_the_next(news, monkeypatch):
    folder, assistant = news

    def crash(*args, **kwargs):
        raise Crash

    # Killed between writing the batch's chunks and listing them in the article records.
    monkeypatch.setattr(assistant.store, "put_articles", crash)
    with pytest.raises(Crash):
        assistant.index([folder])
    monkeypatch.undo()
    kinds = {p.kind for p in assistant.check().problems}
    assert {"interrupted_run", "orphan_chunks"} <= kinds  # three articles' chunks stored, never listed
    assert assistant.articles() == []
    assert not assistant.retrieve("port de Marseille record de tonnes", k=3)  # unlisted: never answered
    assert_next_run_finishes(assistant, folder)
    assert top_source(assistant, "port de Marseille record") == str(folder / "port.txt")


def test_ctrl_c_keeps_what_was_complete(news):
    folder, assistant = news
    def stop(done: int, total: int, source: str) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(IndexInterrupted) as interrupted:  # a KeyboardInterrupt that says what was kept
        assistant.index([folder], progress=stop)
    assert len(interrupted.value.report.added) == 2
    assert len(assistant.articles()) == 2
    assert top_source(assistant, "port de Marseille record") == str(folder / "port.txt")
    resumed = assistant.index([folder])
    assert len(resumed.unchanged) == 2 and len(resumed.added) == 1
    assert_consistent(assistant)


def test_second_writer_is_told_the_index_is_busy_or_waits(tmp_path, cache):
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt"])
    index_dir = tmp_path / "index"
    assistant = Assistant(index_dir, embedding_cache=cache)
    release = threading.Event()
    held = threading.Event()

    def hold() -> None:
        with write_lock(index_dir):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        with pytest.raises(IndexBusyError, match="index busy"):
            assistant.index([folder])
        with pytest.raises(IndexBusyError):
            assistant.remove(folder / "pont.txt")
        with pytest.raises(IndexBusyError, match="after 0 minutes of waiting") as waited:  # --wait gave up
            with write_lock(index_dir, wait=True, timeout=0.2):
                pass
        assert "use --wait" not in str(waited.value)
        result = run_cli("index", str(folder), "-q", index_dir=index_dir)
        assert result.returncode == 2 and "index busy" in result.stderr and "--wait" in result.stderr

        outcome: dict = {}
        waiter = threading.Thread(target=lambda: outcome.update(report=assistant.index([folder], wait=True)))
        waiter.start()
        waiter.join(1.0)
        assert waiter.is_alive() and not outcome  # blocked on the lock, not failed
    finally:
        release.set()
        holder.join()
    waiter.join(120)
    assert outcome["report"].added == [str(folder / "pont.txt")]


def test_cli_remove_and_check(tmp_path, cache):
    paths = write_news(tmp_path / "news")
    index_dir = tmp_path / "index"
    assistant = Assistant(index_dir, embedding_cache=cache)
    assistant.index([tmp_path / "news"])
    assistant.store.delete_chunks(article(assistant, paths["pont.txt"]).chunk_ids)

    env = {"ASSISTANT_EMBEDDING_CACHE": str(cache)}
    removed = run_cli("remove", str(paths["port.txt"]), "/nowhere.txt", index_dir=index_dir, env=env)
    assert removed.returncode == 1
    assert f"removed {paths['port.txt']}" in removed.stdout
    assert "/nowhere.txt: not in the index" in removed.stderr

    checked = run_cli("check", index_dir=index_dir, env=env)
    assert checked.returncode == 1 and "of its chunks are missing" in checked.stdout
    assert "assistant check --repair" in checked.stderr  # says how to fix it
    repaired = run_cli("check", "--repair", index_dir=index_dir, env=env)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "rebuilt from the stored text" in repaired.stdout and "ok:" in repaired.stdout
    assert_consistent(Assistant(index_dir, embedding_cache=cache))


def test_a_path_through_dot_dot_or_a_link_is_one_article_under_its_plain_name(tmp_path, cache):
    # "sub/../news/pont.txt" was stored as given (a second article beside "news/pont.txt", which prune and
    # remove of "news/" did not reach), and a link sorting before its file was indexed in its place.
    folder = tmp_path / "news"
    folder.mkdir()
    (tmp_path / "sub").mkdir()
    write_news(folder, ["pont.txt", "port.txt"])
    os.symlink(folder / "port.txt", folder / "a-link-to-port.txt")
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    report = assistant.index([tmp_path / "sub" / ".." / "news" / "pont.txt"])
    assert report.added == [str(folder / "pont.txt")], report
    report = assistant.index([folder])
    assert sorted(report.added) == [str(folder / "port.txt")] and report.unchanged == [str(folder / "pont.txt")], report
    # The link gets its line, as a copy does: it was neither indexed, nor reported, nor counted.
    assert list(report.skipped) == [str(folder / "a-link-to-port.txt")] and "1 skipped" in report.summary()
    assert sorted(a.source for a in assistant.articles()) == [str(folder / "pont.txt"), str(folder / "port.txt")]
    assert assistant.remove(tmp_path / "sub" / ".." / "news").removed == sorted(
        [str(folder / "pont.txt"), str(folder / "port.txt")])


def test_a_source_filter_names_a_duplicate_by_its_own_name_and_never_everything(tmp_path, cache):
    from assistant.filters import resolve_sources

    folder = tmp_path / "news"
    folder.mkdir()
    write_news(folder, ["pont.txt", "port.txt"])
    (folder / "copie.txt").write_text(NEWS["pont.txt"], encoding="utf-8")
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assistant.index([folder])
    articles = assistant.articles()
    # Files are indexed in name order: "copie.txt" first, "pont.txt" is its duplicate.
    assert article(assistant, folder / "pont.txt").duplicate_of == str(folder / "copie.txt")
    original = doc_id_for(str(folder / "copie.txt"))
    # The copy's passages are its original's: asked about by either name, they answer.
    assert resolve_sources(["copie.txt"], articles) == [original]
    assert resolve_sources(["pont.txt"], articles) == [original]
    answer = assistant.ask("Quelle ville a inauguré une passerelle ?", filters={"source": "copie.txt"})
    assert answer.answered, answer.text
    # Too short to name one article ("x", ".txt"): nothing, not every article.
    assert resolve_sources(["x"], articles) == [] and resolve_sources([".txt"], articles) == []
    assert resolve_sources(["x.txt"], articles) == []
    assert resolve_sources(["marseille"], articles) == [doc_id_for(str(folder / "port.txt"))]  # its title
    assert resolve_sources(["port"], articles) == [doc_id_for(str(folder / "port.txt"))]  # its file name


def test_the_command_line_says_what_an_interrupted_run_kept(news, monkeypatch, capsys):
    # It printed only "interrupted".
    from assistant.cli import main
    from assistant.types import IndexReport

    folder, assistant = news
    kept = IndexReport(added=[str(folder / "port.txt")])

    def interrupted(self, *args, **kwargs):
        raise IndexInterrupted(kept)

    monkeypatch.setattr(Assistant, "index", interrupted)
    status = main(["--index", str(assistant.settings.index_dir), "index", "-q", str(folder)])
    out, err = capsys.readouterr()
    assert status == 130 and kept.summary() in out
    assert "interrupted: what is listed is indexed; the same command again finishes the rest" in err


def test_check_notes_the_articles_whose_file_is_gone(news):
    # A renamed file stayed cited under its old path, and check said the index was ok without a word.
    folder, assistant = news
    assistant.index([folder])
    (folder / "port.txt").rename(folder / "port-renamed.txt")
    report = assistant.check()
    assert report.ok and report.notes == [
        f"1 indexed article(s) whose file is gone: {folder / 'port.txt'} (still answered from; "
        "`assistant index FOLDER --prune` or `assistant remove PATH` drops them)"]


def test_an_index_built_by_an_older_version_is_read_again_once(tmp_path, cache):
    # An index made before dates and bylines were read (commit cb15243 and earlier) kept its records without
    # them after an upgrade: every file was "unchanged" on its size and mtime, so `assistant index` never read
    # it again, and date filters, "latest" questions and "Who wrote ...?" went on missing those articles.
    folder = tmp_path / "articles"
    folder.mkdir()
    path = folder / "portugal.txt"
    shutil.copy(Path(__file__).parent / "data" / "newsroom" / "en-election-portugal.txt", path)
    assistant = Assistant(tmp_path / "index", embedding_cache=cache)
    assert assistant.index([folder]).added == [str(path)]
    fresh = article(assistant, path)
    assert fresh.published == "2025-03-11" and fresh.author == "Daniel Harper"
    text = assistant.store.article_text(fresh.doc_id)
    # the record as that version wrote it: no author, no date, its text hashed alone
    old = {key: value for key, value in fresh.to_metadata().items() if key not in ("author", "reader")}
    old.update(published="", content_hash=hashlib.sha256(text.encode()).hexdigest())
    assistant.store._articles.delete(ids=[fresh.doc_id])
    assistant.store._articles.add(ids=[fresh.doc_id], documents=[text], embeddings=[[1.0]], metadatas=[old])
    assistant.close()

    upgraded = Assistant(tmp_path / "index", embedding_cache=cache)
    before = upgraded.check()  # `assistant check` says so, for an operator who upgraded and ran no index
    assert before.ok and [n for n in before.notes if "read by an earlier version" in n] == [
        "1 indexed article(s) read by an earlier version of the assistant, without what this one reads (dates, "
        f"bylines): `assistant index` their files once (e.g. {path})"], before.notes
    report = upgraded.index([folder])
    assert report.updated == [str(path)] and report.texts_embedded == 0, report.summary()
    record = article(upgraded, path)
    assert (record.published, record.author) == ("2025-03-11", "Daniel Harper")
    found = upgraded.retrieve("Who won the election in Portugal?", k=1, filters={"since": "2025-03-01"})
    assert [d.metadata["source"] for d in found] == [str(path)]  # a date filter finds it
    assert upgraded.index([folder]).unchanged == [str(path)]  # once: the next run is a stat again
    assert not [n for n in upgraded.check().notes if "read by an earlier version" in n]
    assert_consistent(upgraded)


def test_a_quiet_run_that_changes_nothing_prints_nothing(tmp_path, cache, capsys):
    # `assistant index -q ~/articles` from cron printed "0 added, 0 updated, 12 unchanged, ..." every run, and
    # cron mails whatever a job prints: a mail an hour saying nothing happened.
    from assistant.cli import main

    folder = tmp_path / "articles"
    write_news(folder, ["pont.txt", "port.txt"])
    command = ["--index", str(tmp_path / "index"), "index", "-q", str(folder)]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ASSISTANT_EMBEDDING_CACHE", str(cache))
        assert main(command) == 0
        assert "2 added" in capsys.readouterr().out  # what changed is said
        assert main(command) == 0
        assert capsys.readouterr() == ("", "")  # nothing changed: nothing said
        assert main(command[:3] + [str(folder)]) == 0  # without -q, the summary as before
        assert "2 unchanged" in capsys.readouterr().out
        (folder / "pont.txt").write_text(NEWS["pont.txt"] + "\n\nMis à jour.", encoding="utf-8")
        assert main(command) == 0
        assert "1 updated" in capsys.readouterr().out
        # A file of a type it does not read is skipped at every run, as it was at the last: no news either (an
        # operator's folder of .docx files mailed "skipped: ...docx: unsupported" every hour; .docx is read now).
        (folder / "notes.pages").write_bytes(b"PK\x03\x04")
        assert main(command) == 0
        assert capsys.readouterr() == ("", "")
        assert main(command[:3] + [str(folder)]) == 0
        assert "notes.pages" in "".join(capsys.readouterr())  # said without -q
