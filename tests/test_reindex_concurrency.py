"""Readers keep answering, with exact citations, while another process reindexes under them."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time

from conftest import SAMPLE
from corpus import NEWS, ROOT, cli, write_news, write_piaf

import assistant.store as store_module
from assistant import Assistant

QUESTIONS = {
    "pont": "Combien ont coûté les travaux de la passerelle de Lyon ?",  # in the article being rewritten
    "piaf": "Quelle est l'oeuvre de François Vallée ?",  # in an article left as it is
}
V1 = NEWS["pont.txt"]
V2 = "Mise à jour du 14 mars : la passerelle a rouvert après des essais de charge.\n\n" + V1


def wait_for(condition, errors: list[str], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out; reader errors: {errors[-3:]}"
        time.sleep(0.2)


def test_readers_keep_answering_while_another_process_reindexes(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    write_piaf(folder, 400, 6)
    pont = folder / "pont.txt"
    pont.write_text(V1, encoding="utf-8")
    assert Assistant(index_dir).index([folder]).ok

    log: list[tuple[float, float, str, object]] = []
    errors: list[str] = []
    stop = threading.Event()

    def read() -> None:
        reader = Assistant(index_dir)  # its own store and BM25, as another app would have
        while not stop.is_set():
            for name, question in QUESTIONS.items():
                started = time.monotonic()
                try:
                    answer = reader.ask(question)
                except Exception as error:  # any error fails the test below
                    errors.append(f"{name}: {error!r}")
                    continue
                log.append((started, time.monotonic(), name, answer))
                time.sleep(0.1)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        wait_for(lambda: len(log) >= 2, errors)
        pont.write_text(V2, encoding="utf-8")  # the article moves under the readers...
        write_piaf(folder, 410, 10)  # ...in a run long enough to ask many times during it
        run_started = time.monotonic()
        writer = cli("index", str(folder), "-q", index_dir=index_dir)
        _, stderr = writer.communicate(timeout=600)
        run_ended = time.monotonic()
        assert writer.returncode == 0, stderr
        wait_for(lambda: sum(1 for entry in log if entry[0] > run_ended and entry[2] == "pont") >= 2, errors)
    finally:
        stop.set()
        for thread in readers:
            thread.join(120)

    assert not errors

    during = [entry for entry in log if entry[0] >= run_started and entry[1] <= run_ended]
    assert {name for *_, name, _ in during} == set(QUESTIONS)  # both asked while the run wrote
    for _, _, name, answer in log:
        assert answer.answered, (name, answer.text)
        for citation in answer.citations:
            versions = [V1, V2] if citation.source == str(pont) else [open(citation.source).read()]
            assert any(text[citation.start : citation.end] == citation.quote for text in versions)
        if name == "pont":
            assert any(citation.source == str(pont) for citation in answer.citations)

    # Once the run is over, the readers (in another process than the writer) follow it: the rewritten
    # article is cited at its new offsets.
    last = [answer for started, _, name, answer in log if name == "pont" and started > run_ended][-1]
    cited = next(c for c in last.citations if c.source == str(pont))
    assert V2[cited.start : cited.end] == cited.quote != V1[cited.start : cited.end]


def test_a_reader_survives_chunks_deleted_by_another_process(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    paths = write_news(folder, ["pont.txt", "port.txt"])
    reader = Assistant(index_dir)
    reader.index([folder])
    assert reader.retrieve("passerelle piétonne sur le Rhône", k=1)[0].metadata["source"] == str(paths["pont.txt"])

    # Another process deletes an article's chunks and says nothing (a run killed before its commit ends):
    # this process's Chroma still has their vectors, and its search would fail on their ids.
    script = (
        "import sys; from assistant import Assistant; from assistant.loaders import doc_id_for\n"
        "store = Assistant(sys.argv[1]).store\n"
        "store.delete_chunks(store.chunk_ids_of(doc_id_for(sys.argv[2])))\n"
    )
    subprocess.run([sys.executable, "-c", script, str(index_dir), str(paths["pont.txt"])], cwd=ROOT, check=True)

    docs = reader.retrieve("passerelle piétonne sur le Rhône", k=2)
    assert [d.metadata["source"] for d in docs] == [str(paths["port.txt"])]
    assert reader.ask("Combien de tonnes le port de Marseille a-t-il traitées ?").answered


def test_a_vector_index_still_stale_after_its_reopenings_answers_by_words(tmp_path, monkeypatch):
    # A reader's question failed with "Error finding id" when three reopenings in a row still met a writer's
    # deletions (the test above, once, in a loaded full run): the question is answered by BM25 instead.
    from chromadb.errors import InternalError

    from assistant.store import Store

    assistant = Assistant(tmp_path / "index")
    assistant.index([SAMPLE])

    def deleted_under_it(self, vector, k, where):
        raise InternalError("Error executing plan: Internal error: Error finding id")

    monkeypatch.setattr(Store, "_nearest", deleted_under_it)
    answer = assistant.ask("Quelles armes ont été mentionnées ?")
    assert answer.answered and answer.citations, answer.text


def test_a_reader_reads_the_vectors_of_chunks_another_process_wrote_since(writable_index):
    # BM25, reloaded at another process's commit, proposes its new chunks; their vectors were read from the
    # vector index this process loaded before, and the question failed with "Error finding id" (a reader during
    # a cron's reindex, in the test above under load).
    reader = Assistant(writable_index)
    try:
        assert reader.retrieve("lance-roquettes", k=1)  # its vector index is loaded
        vector = [1.0] + [0.0] * (reader.store.embeddings.dim - 1)
        script = (
            "import sys, chromadb\n"
            "client = chromadb.PersistentClient(sys.argv[1])\n"
            "client.get_collection('chunks').add(ids=['written-since'], embeddings=[[float(v) for v in sys.argv[2:]]],"
            " documents=['Un pont neuf.'], metadatas=[{'doc_id': 'other'}])\n"
        )
        subprocess.run([sys.executable, "-c", script, str(writable_index / "chroma"), *map(str, vector)], cwd=ROOT,
                       check=True)
        [(doc, found)] = reader.store.get_chunks(["written-since"], with_vectors=True)
        assert doc.page_content == "Un pont neuf." and found is not None and found.tolist() == vector
    finally:
        reader.close()


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_following_another_writer_keeps_no_replaced_index_open(writable_index, monkeypatch):
    # A web app reopens its index whenever a cron job has reindexed it. Each replaced Chroma system kept
    # about 16 files open until a full garbage collection, which a large process seldom runs: a newsroom's app
    # would have reached the limit of open files within a day.
    monkeypatch.setattr(store_module, "RETIRE_AFTER_S", 0.0)
    gc.disable()  # the leak hid behind collections that a long-running process does not make this often
    try:
        reader = Assistant(writable_index)
        assert reader.ask("Quelles armes ont été mentionnées ?").answered  # opens, and reopens once
        before = open_files()
        for _ in range(6):
            reader.store.follow_other_writers(force=True)
            assert reader.retrieve("lance-roquettes", k=1)
        assert open_files() <= before + 4, (before, open_files())
        reader.close()
        assert open_files() < before
    finally:
        gc.enable()


def test_a_store_that_reopens_leaves_the_other_stores_of_its_folder_working(writable_index):
    # Chroma keeps one system per folder and hands it to every client of that folder in the process: a
    # store stopping what it replaced must not stop the one another store of the folder still searches.
    first, second = Assistant(writable_index), Assistant(writable_index)
    assert first.ask("Quelles armes ont été mentionnées ?").answered
    first.store.follow_other_writers(force=True)
    first.close()
    third = Assistant(writable_index)  # opened after the first's reopening: on the folder's own system
    for reader in (second, third):
        answer = reader.ask("What weapons were mentioned?")
        assert answer.answered and answer.citations, answer.text
    second.close()
    assert third.retrieve("lance-roquettes", k=1)
