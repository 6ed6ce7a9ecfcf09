"""What the web page and a question read from the index must not grow with the archive: a page load, a click in
the entities panel and a filtered question read what they show, not every article's text or record."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import gradio as gr
import pytest

from assistant import Assistant
from assistant.entities import KINDS, PERSON, EntityIndex
from assistant.web import build_app

OTHER = "Le port de Brest\n\nLe maire de Brest, Paul Kerjean, a inauguré lundi un nouveau quai.\n"


@pytest.fixture(scope="module")
def two_articles(sample_index, tmp_path_factory) -> Iterator[Assistant]:
    """The sample and another article, which names someone else."""
    base = tmp_path_factory.mktemp("two")
    shutil.copytree(sample_index, base / "index", ignore=shutil.ignore_patterns("write.lock"))
    (base / "brest.txt").write_text(OTHER, encoding="utf-8")
    assistant = Assistant(base / "index", data_dir=base / "data")
    assistant.index([base / "brest.txt"])
    yield assistant
    assistant.close()  # its Chroma files: the suite's later servers need descriptors under 1,024


def select_handler(demo: gr.Blocks, elem_id: str):
    """The Python function behind a select on the component ``elem_id``."""
    return next(block_fn.fn for block_fn in demo.fns.values()
                if block_fn.fn is not None and block_fn.fn.__name__ == "on_select"
                and getattr(block_fn.inputs[0], "elem_id", None) == elem_id)


def refresh_handler(demo: gr.Blocks):
    return next(block_fn.fn for block_fn in demo.fns.values() if block_fn.api_name == "refresh")


def spy_texts(monkeypatch) -> list[set[str]]:
    read: list[set[str]] = []
    texts = EntityIndex._texts

    def spied(self, doc_ids):
        read.append(set(doc_ids))
        return texts(self, doc_ids)

    monkeypatch.setattr(EntityIndex, "_texts", spied)
    return read


def test_the_entities_panel_lists_names_without_reading_every_article_text(two_articles, monkeypatch):
    # On 2,500 articles the panel's refresh, run at each page load, read every article's text to list names and
    # counts (9,718 article texts, 3.0 s), and the page was built the same way.
    read = spy_texts(monkeypatch)
    demo = build_app(two_articles)
    refresh_handler(demo)(*[None] * len(KINDS), {}, "en")
    assert read == []


def test_clicking_a_name_reads_the_texts_of_its_own_articles_only(two_articles, monkeypatch):
    # A click read every article's text twice (4,997 texts, 3.0 s on 2,500 articles) to show one name's mentions.
    demo = build_app(two_articles)
    person = next(e for e in two_articles.entities(kind=PERSON) if "Boudanov" in e.name)
    read = spy_texts(monkeypatch)
    state, status, mentions, *_ = select_handler(demo, f"entities-{PERSON}")(person.key, {}, "en")
    assert state == {"entity": person.key} and "Kyrylo Boudanov" in status
    assert "<mark>Kyrylo Boudanov</mark>" in mentions and "data-start='693' data-end='708'" in mentions
    assert read and all(ids <= {m.doc_id for m in person.mentions} for ids in read), read


def test_an_entity_filter_reads_the_entity_records_once_until_the_index_changes(writable_index, tmp_path,
                                                                               monkeypatch):
    # Each question filtered on a name read every entity record, and every article's record, twice: on 2,500
    # articles 2.1 s of `assistant ask --entity` took 2.6 s.
    assistant = Assistant(writable_index, data_dir=tmp_path / "data")
    reads: list[object] = []
    records = EntityIndex.records
    monkeypatch.setattr(EntityIndex, "records", lambda self, where=None: reads.append(where) or records(self, where))
    for _ in range(3):
        assert assistant.ask("Quelles armes ont été mentionnées ?", filters={"entity": "Boudanov"}).answered
    assert len(reads) <= 1, reads
    other = tmp_path / "brest.txt"
    other.write_text(OTHER, encoding="utf-8")
    assistant.index([other])
    answer = assistant.ask("Qui a inauguré un quai ?", filters={"entity": "Paul Kerjean"})
    assert answer.answered and answer.citations[0].source == str(other), answer
    assistant.close()


def test_a_page_load_reads_the_article_records_twice_at_most(two_articles, monkeypatch):
    # The library tab's refresh at each page load read every article record seven times (1.4 s on 2,500 articles):
    # twice for the table and the removal list, four times for the numbers, the placeholder and the examples.
    from assistant.store import Store

    demo = build_app(two_articles)
    library_view = next(block_fn.fn for block_fn in demo.fns.values()
                        if block_fn.fn is not None and block_fn.fn.__name__ == "library_view")
    reads: list[None] = []
    get_articles = Store.get_articles

    def spied(self, doc_ids=None):
        if doc_ids is None:
            reads.append(None)
        return get_articles(self, doc_ids)

    monkeypatch.setattr(Store, "get_articles", spied)
    table, choices, stats, *_ = library_view("en", None)
    assert len(table["value"]["data"]) == 2 and len(choices["choices"]) == 2 and "2 articles" in stats, stats
    assert len(reads) <= 2, reads
