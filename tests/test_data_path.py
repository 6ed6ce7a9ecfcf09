"""The data path where a plausible slip went unnoticed by the rest of the suite (found by mutating the code by
hand, 2026-12-07): chunk offsets and ids, BM25 terms and hits, score fusion, the embedding cache."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SAMPLE
from corpus import write_news
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant import Assistant
from assistant.chunking import chunk_document, chunk_sentences, stored_sentences
from assistant.embeddings import EmbeddingCache, as_model, load_embeddings
from assistant.lexical import LexicalIndex, fold, tokenize
from assistant.loaders import load_file
from assistant.retrieval import Candidate, fuse, sentence_texts
from assistant.settings import Settings, SettingsError, check_k

# One paragraph of short sentences: the splitter cuts it between sentences, with overlap.
SHORT_SENTENCES = " ".join(f"La phrase {n} est courte." for n in range(40))


def document(text: str, doc_id: str = "d1") -> Document:
    return Document(page_content=text, metadata={"doc_id": doc_id, "language": "fr", "content_hash": "h"})


def test_a_paragraph_repeated_in_an_article_gives_chunks_in_reading_order():
    # Each chunk is looked for after the previous one: found from the top, the second copy took the first's
    # offsets and id, and the article's end was never cited.
    paragraph = "Le conseil municipal a voté le budget de la ville pour l'année prochaine."
    text = "\n\n".join([paragraph, "Une autre nouvelle du jour.", paragraph, paragraph])
    chunks = chunk_document(document(text), 100, 0)
    starts = [c.metadata["start"] for c in chunks]
    assert starts == sorted(set(starts)) and starts[-1] == text.rindex(paragraph)
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.metadata["chunk_index"] for c in chunks] == list(range(len(chunks)))
    assert all(text[c.metadata["start"] : c.metadata["end"]] == c.page_content for c in chunks)


def overlaps(chunks: list[Document]) -> list[int]:
    return [a.metadata["end"] - b.metadata["start"] for a, b in zip(chunks, chunks[1:], strict=False)]


def test_chunks_overlap_by_half_a_chunk_at_most():
    # More would make each chunk mostly its neighbour (settings.py lets chunk_overlap go up to chunk_size - 1).
    assert 0 < max(overlaps(chunk_document(document(SHORT_SENTENCES), 200, 190))) <= 100
    assert 0 < max(overlaps(chunk_document(document(SHORT_SENTENCES), 200, 60))) <= 60


def test_a_chunk_whose_text_changed_in_place_gets_a_new_id():
    # The ids are content-addressed: an edit that keeps every offset ("220 mètres" -> "440 mètres") must still
    # give the chunk a new id, or the store and BM25 keep the old text under it.
    before = chunk_document(document("Une passerelle de 220 mètres."), 800, 100)
    after = chunk_document(document("Une passerelle de 440 mètres."), 800, 100)
    again = chunk_document(document("Une passerelle de 220 mètres."), 800, 100)
    assert before[0].id != after[0].id and before[0].id == again[0].id
    assert "content_hash" not in before[0].metadata  # the article's, not the chunk's


def test_the_sentences_of_every_chunk_are_in_article_offsets():
    doc = load_file(SAMPLE)
    text = doc.page_content
    chunks = chunk_document(doc, 300, 50)
    assert len(chunks) > 3
    for chunk in chunks:
        start, end = chunk.metadata["start"], chunk.metadata["end"]
        spans = chunk_sentences(chunk)
        assert spans and all(start <= a < b <= end for a, b in spans), (start, end, spans)
        assert "".join(text[a:b] for a, b in spans).replace(" ", "") == chunk.page_content.replace(" ", "").replace(
            "\n", "")
        # What the indexer stores is read back as it was, and never split again when told not to.
        stored = Document(page_content=chunk.page_content, metadata=dict(chunk.metadata, sentences=json.dumps(spans)))
        assert stored_sentences(stored) == spans
        assert stored_sentences(chunk, split_if_missing=False) == []
        assert stored_sentences(chunk) == spans


def test_a_single_digit_is_a_term_a_single_letter_is_not_and_stop_words_are_neither():
    assert tokenize("Article 9 de la loi, alinéa b") == tokenize("article 9 loi alinéa")
    assert "9" in tokenize("Article 9") and tokenize("b") == [] and tokenize("le la les de") == []
    assert tokenize("Straße Élysée") == tokenize("STRASSE elysee") and fold("Straße") == "strasse"


def test_question_words_are_dropped_from_questions_only():
    # "quel" in one passage pulled it up for every "Quel ... ?" question; in a passage it can be content.
    assert tokenize("Quel pont ?", query=True) == tokenize("pont")
    assert len(tokenize("Quel pont ?")) == 2


def test_bm25_hits_are_the_k_best_chunks_that_hold_a_query_term(tmp_path):
    index = LexicalIndex(tmp_path / "bm25")
    texts = ["Le pont de Lyon.", "Le pont de Lyon et le pont de Vienne.", "Un pont neuf.", "Le port de Marseille.",
             "Un pont, un pont, encore un pont.", "Rien à voir."]
    index.build([f"c{i}" for i in range(len(texts))], texts, generation=1)
    hits = index.search("pont", 3)
    assert len(hits) == 3 and [score for _, score in hits] == sorted((s for _, s in hits), reverse=True)
    every = index.search("pont", 10)
    assert {chunk_id for chunk_id, _ in every} == {"c0", "c1", "c2", "c4"}  # none without the word, scored 0
    assert all(score > 0 for _, score in every) and hits == every[:3]
    assert index.search("aéroport", 5) == []


def test_bm25_scores_follow_the_index_rebuilt_under_them(tmp_path):
    # The last question's scores are kept for the retriever's second look: they belong to one index build.
    index = LexicalIndex(tmp_path / "bm25")
    index.build(["a", "b"], ["Le pont de Lyon.", "Le port de Marseille."], generation=1)
    assert [i for i, _ in index.search("pont", 5)] == ["a"]
    index.build(["c", "d"], ["Le port de Lyon.", "Un pont neuf à Marseille."], generation=2)
    assert [i for i, _ in index.search("pont", 5)] == ["d"]
    assert set(index.scores("pont", ["a", "c", "d"])) == {"c", "d"}


def candidates(**signals: tuple[float | None, float | None, float | None]) -> dict[str, Candidate]:
    return {name: Candidate(name, dense=d, sentence=s, lexical=lex) for name, (d, s, lex) in signals.items()}


def test_a_chunk_missing_a_signal_counts_as_the_lowest_seen_for_it():
    missing = fuse(candidates(a=(0.9, 0.8, None), b=(0.5, 0.6, 12.0), c=(0.4, 0.3, 3.0)), 0.35, 0.35)
    lowest = fuse(candidates(a=(0.9, 0.8, 3.0), b=(0.5, 0.6, 12.0), c=(0.4, 0.3, 3.0)), 0.35, 0.35)
    assert [(c.chunk_id, round(c.fused, 9)) for c in missing] == [(c.chunk_id, round(c.fused, 9)) for c in lowest]


def test_bm25_gets_the_weight_the_two_vector_signals_leave():
    # b holds the question's words, a is nearer in meaning: each side wins where it weighs.
    signals = {"a": (0.9, 0.9, 1.0), "b": (0.2, 0.2, 20.0), "c": (0.5, 0.5, 5.0)}
    assert [c.chunk_id for c in fuse(candidates(**signals), 0.5, 0.5)] == ["a", "c", "b"]
    assert [c.chunk_id for c in fuse(candidates(**signals), 0.0, 0.0)] == ["b", "c", "a"]
    # The vector signals weighing 1 together leave BM25 nothing: b's words do not lift it over a.
    close = {"a": (0.9, 0.9, 0.0), "b": (0.8, 0.8, 20.0), "c": (0.1, 0.1, 10.0)}
    assert [c.chunk_id for c in fuse(candidates(**close), 0.5, 0.5)] == ["a", "b", "c"]
    assert [c.chunk_id for c in fuse(candidates(**close), 0.3, 0.3)][0] == "b"
    ranked = fuse(candidates(**signals), 0.2, 0.2)
    assert ranked[0].chunk_id == "b" and ranked[0].fused == 1.0 and ranked[-1].fused == 0.0


class Letters(Embeddings):
    """Another model for the cache to keep apart from e5: a vector of letter counts, as long as e5's."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(text.lower().count(chr(97 + i % 26))) + 1.0 for i in range(384)] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def test_the_embedding_cache_keeps_each_model_s_vectors_for_each_exact_text(tmp_path):
    e5, letters = load_embeddings("multilingual-e5-small"), as_model(Letters())
    cache = EmbeddingCache(tmp_path / "vectors.sqlite")
    texts = ["Paris", "paris", "Paris ", "Paris"]
    vectors = cache.embed(e5, texts)
    assert cache.texts_embedded == 3  # the repeated text once
    assert np.allclose(vectors, e5.embed_passages(texts), atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1], atol=1e-3)  # case and spaces are other texts
    assert np.allclose(np.stack(cache.lookup(e5, texts)), vectors)
    # The same texts for another model are that model's vectors, embedded by it, never e5's.
    assert cache.lookup(letters, texts) == [None] * 4
    assert np.allclose(cache.embed(letters, texts), letters.embed_passages(texts))
    assert cache.texts_embedded == 6
    reopened = EmbeddingCache(tmp_path / "vectors.sqlite")
    assert np.allclose(reopened.embed(e5, texts), vectors) and reopened.texts_embedded == 0
    cache.close()
    reopened.close()


def test_each_passage_carries_its_exact_scores_and_its_sentence_vectors_are_cached_at_indexing(tmp_path):
    # Chunks the vector search found are given their BM25 score too: left without it, they counted as the
    # lowest BM25 of the candidates. Sentence vectors are cached at indexing: a sentence not cached makes the
    # retriever fall back on the chunk's own similarity.
    assistant = Assistant(tmp_path / "index")
    news = write_news(tmp_path / "news")
    assistant.index([*news.values(), SAMPLE])
    # A filter holds on BM25's side too: "Marseille" is the port article's word, not the bridge article's.
    filtered = assistant.retrieve("Marseille", k=5, filters={"source": str(news["pont.txt"])})
    assert filtered and {doc.metadata["source"] for doc in filtered} == {str(news["pont.txt"])}
    bm25 = assistant.lexical.fresh()
    question = "Lyon, Marseille et la Corée du Nord"
    docs = assistant.retrieve(question, k=5)
    assert len(docs) == 5
    exact = bm25.scores(question, [doc.id for doc in docs])
    assert [doc.metadata["lexical_score"] for doc in docs] == [pytest.approx(exact[doc.id], abs=1e-6) for doc in docs]
    assert sum(score > 0 for score in exact.values()) >= 2
    query = assistant.embeddings.embed_queries([question])[0]
    for doc in docs:
        vectors = assistant.cache.lookup(assistant.embeddings, sentence_texts(doc))
        assert vectors and all(vector is not None for vector in vectors), doc.page_content
        best = max(float(vector @ query) for vector in vectors)
        assert doc.metadata["sentence_score"] == pytest.approx(best, abs=1e-4)

    # A chunk only BM25 found gets its vector similarity from its stored vector, as the vector search gives it.
    everything = {doc.id: doc.metadata["dense_score"] for doc in assistant.retrieve("Grad 122mm", k=8)}
    nearest = max(everything, key=everything.get)
    [found] = Assistant(tmp_path / "index", fetch_k=1).retrieve("Grad 122mm", k=1)
    assert found.id != nearest and found.metadata["dense_score"] == pytest.approx(everything[found.id], abs=1e-5)


def test_settings_refuse_chunks_and_weights_the_data_path_cannot_use():
    for bad in ({"chunk_size": 99, "chunk_overlap": 0}, {"chunk_size": 300, "chunk_overlap": 300},
                {"dense_weight": 0.6, "sentence_weight": 0.5}, {"k": 0}):
        with pytest.raises(SettingsError):
            Settings(**bad)
    assert Settings(chunk_size=300, chunk_overlap=299).chunk_overlap == 299  # chunking uses half of it
    assert Settings(dense_weight=0.5, sentence_weight=0.5).sentence_weight == 0.5  # BM25 gets nothing
    assert Settings(k=3).with_overrides(k=None, fetch_k=50).k == 3  # an override left out keeps the value
    assert check_k("3") == 3 and check_k(None) is None
    for bad in (0, -1, True, 101, 2.5):
        with pytest.raises(ValueError, match="k must be a whole number"):
            check_k(bad)
