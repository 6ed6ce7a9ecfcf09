"""Questions about the collection: which articles mention or are about something, how many, the latest."""

from __future__ import annotations

import pytest
from conftest import article_text

from assistant.answering.collection import COLLECTION, CollectionQuestion, parse


@pytest.mark.parametrize(("question", "expected"), [
    ("Which articles mention the CGT?", CollectionQuestion("list", "the CGT", mention=True)),
    ("Quels articles parlent de la grève ?", CollectionQuestion("list", "la grève")),
    ("How many articles are there?", CollectionQuestion("count")),
    ("Combien d'articles parlent du séisme ?", CollectionQuestion("count", "séisme")),
    ("Combien d'articles y a-t-il ?", CollectionQuestion("count")),
    ("List the articles", CollectionQuestion("list")),
    ("What articles do you have?", CollectionQuestion("list")),
    ("Quels articles as-tu ?", CollectionQuestion("list")),
    ("Liste les articles sur la grève", CollectionQuestion("list", "la grève")),
    ("Quel est l'article le plus récent ?", CollectionQuestion("latest")),
    ("What is the oldest article?", CollectionQuestion("oldest")),
    ("Which article is the most recent?", None),  # not said so; searched
    ("Which weapons were mentioned?", None),
    ("How many soldiers were killed?", None),
    ("What does the article say about the strike?", None),
])
def test_what_a_question_about_the_collection_asks(question, expected):
    assert parse(question) == expected


def test_which_articles_mention_a_name_lists_each_with_its_mention(newsroom):
    # Searched, it quoted two sentences of the rail strike: the refinery strike's article, which names the CGT
    # too, was not listed.
    answer = newsroom.ask("Which articles mention the CGT?")
    assert answer.answered and answer.answerer == COLLECTION
    assert answer.text.startswith("2 articles mention “CGT”, the latest first:\n- “Grève à la SNCF")
    assert [c.source.rsplit("/", 1)[1] for c in answer.citations] == ["fr-greve-sncf.txt", "fr-greve-raffineries.txt"]
    for citation in answer.citations:
        assert "CGT" in citation.quote
        assert article_text(newsroom, citation.source)[citation.start:citation.end] == citation.quote
    assert not newsroom.ask("How many articles mention Kim Jong-un?").answered


def test_the_articles_about_a_subject_are_found_by_its_words_and_its_meaning(newsroom):
    french = newsroom.ask("Quels articles parlent de la grève ?")
    assert french.text.startswith("2 articles parlent de « grève », du plus récent au plus ancien :")
    assert {c.source.rsplit("/", 1)[1] for c in french.citations} == {"fr-greve-sncf.txt", "fr-greve-raffineries.txt"}
    assert not any(c.quote == c.title for c in french.citations)  # a sentence of the text, not the headline
    english = newsroom.ask("Which articles talk about the earthquake?")  # the French articles, by meaning
    assert english.answered and {c.source.rsplit("/", 1)[1] for c in english.citations} <= {
        "fr-seisme-j1.txt", "fr-seisme-j3.txt"}
    count = newsroom.ask("Combien d'articles parlent du séisme ?")
    assert count.text.startswith("2 articles parlent de « séisme »")


def test_how_many_articles_and_which_is_the_latest_come_from_the_records(newsroom):
    # Both were refused ("Les articles indexés ne répondent pas à cette question.").
    count = newsroom.ask("How many articles are there?")
    assert count.text.startswith("12 articles are indexed, the latest first:") and len(count.citations) == 3
    english = newsroom.ask("Combien d'articles ?", filters={"lang": "en"})
    assert english.text.startswith("3 articles sont indexés") and english.notice
    latest = newsroom.ask("Quel est l'article le plus récent ?")
    assert latest.text.startswith("L'article le plus récent est « Présidentielle au Bénin")
    assert "(2026-04-14)" in latest.text and latest.citations[0].published == "2026-04-14"
    oldest = newsroom.ask("What is the oldest article?")
    assert oldest.citations[0].source.endswith("fr-greve-raffineries.txt")
    listed = newsroom.ask("List the articles")
    assert len(listed.citations) == 10 and listed.text.endswith("… and 2 more.")


def test_tell_me_more_after_a_list_names_the_articles_it_left_out(newsroom):
    # Searched, "Tell me more" after "List the articles" quoted the sentences nearest those words.
    turns = [newsroom.ask("List the articles")]
    turns.append(newsroom.ask("Tell me more", history=turns))
    assert turns[1].text.startswith("2 more, the latest first:") and len(turns[1].citations) == 2
    assert {c.doc_id for t in turns for c in t.citations} == {a.doc_id for a in newsroom.articles()}
    done = newsroom.ask("Dis-m'en plus", history=turns)
    assert not done.answered and done.text == "Les listes ci-dessus ont nommé tous les articles demandés."
