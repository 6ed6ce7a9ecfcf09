"""Takedowns: once an article is removed and the index purged, nothing of its text can be read back from the
index folder (Chroma's log and free pages, the full-text index, BM25's files, the embedding cache)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from chroma_server import ChromaServer

from assistant import Assistant
from assistant.embeddings import EmbeddingCache
from assistant.purge import PurgeError, purge_folder
from assistant.retrieval import sentence_texts
from assistant.web.library import UploadStore, find_article, index_uploads, remove_article, sweep_uploads

KEPT = ("Budget vote in the city council\n\n"
        "The city council approved the annual budget on Tuesday after a long debate about school funding and "
        "road repairs. The mayor said the vote was a good sign for the coming year. Reporting by the city desk.\n")
TAKEN_DOWN = ("Zanzibarine smuggling ring exposed\n\n"
              "Investigators say the Quixotrelle shipping company moved counterfeit saffron through the port of "
              "Valdoria for six years. The Quixotrelle director, Maximilian Oberthwaite, denied the allegations on "
              "Friday. Reporting by the city desk.\n")
EDITED = """Zanzibarine smuggling ring exposed

Investigators say a shipping company moved counterfeit saffron through a port for six years.
"""
PHRASES = [b"quixotrelle", b"oberthwaite", b"valdoria", b"zanzibarine"]


def traces(folder: Path) -> dict[str, list[bytes]]:
    """Each file under the folder that holds one of the phrases, in any case, and which. Not Chroma's vector
    index files (``*.bin``): Chroma writes them with uninitialised memory, which can hold any record its process
    read lately (README, *Removing an article for good*); purging cannot reach that."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".bin":
            data = path.read_bytes().lower()
            hits = [phrase for phrase in PHRASES if phrase in data]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


@pytest.fixture()
def articles(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "kept.txt").write_text(KEPT)
    (folder / "taken-down.txt").write_text(TAKEN_DOWN)
    return folder


def test_a_removed_article_is_purged_from_every_file_of_the_index(articles, tmp_path):
    index = tmp_path / "index"
    assistant = Assistant(index)
    assert len(assistant.index([articles]).added) == 2
    removed_chunk = assistant.retrieve("Quixotrelle shipping company saffron Valdoria", k=1)[0].page_content
    assert "Quixotrelle" in removed_chunk

    assert assistant.remove(str(articles / "taken-down.txt")).removed
    report = assistant.purge()

    assert traces(index) == {}
    assert report.log_records_scrubbed > 0
    cache = EmbeddingCache(index / "embedding-cache.sqlite")
    try:
        assert cache.lookup(assistant.embeddings, [removed_chunk]) == [None]
        # The kept article's passage and sentences keep theirs, the sentence both articles write included.
        [kept_chunk] = [c for c, _ in assistant.store.get_chunks(list(assistant.articles()[0].chunk_ids))]
        kept_texts = [kept_chunk.page_content, *sentence_texts(kept_chunk)]
        assert "Reporting by the city desk." in kept_texts
        assert all(vector is not None for vector in cache.lookup(assistant.embeddings, kept_texts))
    finally:
        cache.close()
    # The kept article is answered, searched and listed as before, here and in a new process.
    assert [a.source for a in assistant.articles()] == [str(articles / "kept.txt")]
    assert "approved the annual budget" in assistant.ask("What did the city council approve?").text
    assert assistant.search("Quixotrelle") == []
    fresh = subprocess.run(
        [sys.executable, "-c", "import sys; from assistant import Assistant; a = Assistant(sys.argv[1]); "
         "print(a.ask('What did the city council approve?').text); print(len(a.store.chunk_owners()))", str(index)],
        capture_output=True, text=True, check=True)
    assert "approved the annual budget" in fresh.stdout and fresh.stdout.split()[-1] == "1", fresh.stdout


def test_an_edited_version_leaves_no_trace_of_the_first_once_purged(articles, tmp_path):
    index = tmp_path / "index"
    assistant = Assistant(index)
    assistant.index([articles])
    first_chunk = assistant.retrieve("Quixotrelle shipping company saffron Valdoria", k=1)[0].page_content
    (articles / "taken-down.txt").write_text(EDITED)
    assert assistant.index([articles]).updated == [str(articles / "taken-down.txt")]

    assistant.purge()

    # The title is the same in both versions, and still indexed; the names of the first are gone.
    assert all(hits == [b"zanzibarine"] for hits in traces(index).values()), traces(index)
    assert assistant.cache.lookup(assistant.embeddings, [first_chunk]) == [None]
    assert "counterfeit saffron" in assistant.article_text(str(articles / "taken-down.txt"))


def test_the_command_line_removes_and_purges_at_once(articles, tmp_path):
    index = tmp_path / "index"
    Assistant(index).index([articles])
    done = subprocess.run([sys.executable, "-m", "assistant", "remove", "--index", str(index), "--purge",
                           str(articles / "taken-down.txt")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout and "purged:" in done.stdout
    assert traces(index) == {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data") as running:
        yield running


def test_an_index_on_a_chroma_server_is_refused_with_the_reason(server, tmp_path):
    assistant = Assistant(tmp_path / "index", chroma_url=server.url, chroma_namespace="refused")
    with pytest.raises(PurgeError, match="Chroma server"):
        assistant.purge()


def test_a_chroma_servers_folder_is_purged_while_it_runs(server, articles, tmp_path):
    assistant = Assistant(tmp_path / "index", chroma_url=server.url, chroma_namespace="purged")
    assistant.index([articles])
    assert assistant.remove(str(articles / "taken-down.txt")).removed

    report = purge_folder(server.path)

    assert report.log_records_scrubbed > 0
    left = {name: [hit for hit in hits if hit != b"zanzibarine"] for name, hits in traces(server.path).items()}
    assert not any(left.values()), left  # (the title may be another test's edited version, still indexed)
    assert "approved the annual budget" in assistant.ask("What did the city council approve?").text
    fresh = Assistant(tmp_path / "other-index", chroma_url=server.url, chroma_namespace="purged")
    assert [a.source for a in fresh.articles()] == [str(articles / "kept.txt")]
    assert fresh.search("Quixotrelle") == [] and fresh.search("saffron") == []


def test_an_upload_removed_through_another_machines_app_is_not_indexed_again(server, articles, tmp_path):
    # Two app machines, each with its own index and data folders, one Chroma server.
    first, second = (Assistant(tmp_path / name / "index", chroma_url=server.url, chroma_namespace="two-apps",
                               data_dir=tmp_path / name / "data") for name in ("first", "second"))
    first_uploads, second_uploads = (UploadStore(a.settings.data_dir / "uploads", 25) for a in (first, second))
    kept = first_uploads.save_all([articles / "kept.txt"], "en")
    first_uploads.settle(kept, index_uploads(first, kept))
    saved = second_uploads.save_all([articles / "taken-down.txt"], "en")
    second_uploads.settle(saved, index_uploads(second, saved))
    stored = saved[0].stored
    assert stored is not None and stored.exists()

    [article] = [a for a in first.articles() if a.source == str(stored)]
    assert remove_article(first, first_uploads, find_article(first, article.doc_id)).removed
    (articles / "later.txt").write_text(EDITED)
    pending = second_uploads.save_all([articles / "later.txt"], "en")  # an upload waiting for the write lock
    other_desk = second_uploads.folder / "other-desk.txt"  # another index's upload, in a shared data folder
    other_desk.write_text(KEPT)
    old = time.time() - 3600  # older than an upload still waiting to be indexed
    for path in (stored, pending[0].stored, other_desk):
        os.utime(path, (old, old))

    assert sweep_uploads(second, second_uploads) == [stored]
    assert not stored.exists() and pending[0].stored.exists() and other_desk.exists()
    other_desk.unlink()
    assert second.index([second_uploads.folder]).added == [str(pending[0].stored)]


def test_the_library_purges_its_removals_and_replaced_uploads_when_set(articles, tmp_path):
    from test_web_parts import handler, upload_through_library

    from assistant.web.app import build_app

    index, data = tmp_path / "index", tmp_path / "data"
    assistant = Assistant(index, data_dir=data, purge_on_remove=True)
    demo = build_app(assistant, panels=[])
    upload_through_library(demo, [str(articles / "kept.txt"), str(articles / "taken-down.txt")], "en")
    edited = tmp_path / "edited" / "taken-down.txt"  # a correction, uploaded under the same name
    edited.parent.mkdir()
    edited.write_text(EDITED)

    replaced = upload_through_library(demo, [str(edited)], "en")
    assert "updated (replaced the earlier upload" in replaced and "purged" not in replaced, replaced
    # The title is the same in both versions, and still indexed; the names of the first are gone.
    assert all(hits == [b"zanzibarine"] for hits in traces(index).values()), traces(index)

    [article] = [a for a in assistant.articles() if a.source.endswith("taken-down.txt")]
    removed = handler(demo, "remove")(article.doc_id, "en")
    assert removed.startswith("Removed **Zanzibarine smuggling ring exposed**") and "purged" not in removed
    assert traces(index) == {} and traces(data) == {}
