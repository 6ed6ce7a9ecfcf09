"""Summary requests ("Résume l'article", "What is the article about?") answered with the articles' own sentences."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, article_text

from assistant.answering.summaries import SUMMARY, SummaryRequest, parse

LEAD = ("La relation entre la Russie et la Corée du Nord s'est renforcée en témoigne la récente visite de Kim "
        "Jong-un, le dirigeant nord-coréen, à Vladimir Poutine.")


@pytest.mark.parametrize("question", [
    "Résume l'article", "résumé", "Fais-moi un résumé de l'article", "What is the article about?",
    "De quoi parle l'article ?", "Summarize the articles", "Give me the key points", "Quels sont les points clés ?",
    "What does the article say?", "Can you summarise it?", "tl;dr", "resume l'article"])
def test_a_summary_of_the_sample_quotes_its_lead_and_central_sentences(sample_assistant, question):
    # Searched as a question, "Résume l'article" and "Quels sont les points clés ?" were refused, and "What is
    # the article about?" quoted two sentences on the war's effects.
    answer = sample_assistant.ask(question)
    assert answer.answered and answer.answerer == SUMMARY, answer.text
    assert [c.quote for c in answer.citations][0] == LEAD
    assert len(answer.citations) == 3
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)  # in reading order
    text = article_text(sample_assistant, answer.citations[0].source)
    for citation in answer.citations:
        assert text[citation.start:citation.end] == citation.quote
        assert f"{citation.quote} [{citation.marker}]" in answer.text


@pytest.mark.parametrize(("question", "expected"), [
    ("Summarize the war in Ukraine", None),  # a topic: searched
    ("What does the article say about weapons?", None),
    ("What is Hamas about?", None),
    ("Quelles armes ont été mentionnées ?", None),
    ("Résume l'article sur la grève", SummaryRequest("la grève", plural=False)),
    ("Summarize the articles about the earthquake", SummaryRequest("the earthquake", plural=True)),
    ("What is the article on the strike about?", SummaryRequest("the strike", plural=False)),
    ("Key points of fr-greve-sncf.txt", SummaryRequest("fr-greve-sncf.txt", plural=False)),
    ("Summarize it", SummaryRequest("", plural=False)),
    ("Résume cet article", SummaryRequest("", plural=False)),
])
def test_what_a_summary_request_asks_for(question, expected):
    assert parse(question) == expected


def test_the_articles_are_summed_up_one_lead_each_latest_first(newsroom):
    answer = newsroom.ask("Summarize the articles")
    assert answer.answered and len(answer.citations) == 5, answer.text
    dates = [c.published for c in answer.citations]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2026-04-14"
    assert answer.text.startswith("What the articles say, the latest first")
    assert answer.text.endswith("… and 7 more: ask for one by its subject (“Summarize the article about …”).")
    french = newsroom.ask("Résume les articles", filters={"lang": "en"})
    assert [c.source.rsplit("/", 1)[1] for c in french.citations] == [
        "en-merger.txt", "en-football.txt", "en-election-portugal.txt"]
    assert french.text.startswith("Ce que disent les articles") and "et 0 autres" not in french.text
    assert french.notice  # the filters are named


def test_the_article_asked_for_by_its_subject_or_name_is_summed_up(newsroom):
    strike = newsroom.ask("What is the article on the rail strike about?")
    title = "Grève à la SNCF : un trafic très perturbé sur les lignes TGV et TER"
    assert {c.title for c in strike.citations} == {title}
    assert strike.text.startswith(f"“{title}” (2025-03-12): ")
    named = newsroom.ask("Résume l'article fr-greve-raffineries.txt")
    assert {c.source.rsplit("/", 1)[1] for c in named.citations} == {"fr-greve-raffineries.txt"}
    both = newsroom.ask("Résume les articles sur la grève")
    assert {c.source.rsplit("/", 1)[1] for c in both.citations} == {"fr-greve-sncf.txt", "fr-greve-raffineries.txt"}
    quakes = newsroom.ask("Summarize the articles about the earthquake in Turkey")
    assert {c.source.rsplit("/", 1)[1] for c in quakes.citations} == {"fr-seisme-j1.txt", "fr-seisme-j3.txt"}
    # "mars" is March in French: the rail strike's "12 mars" is no article about Mars
    for question in ("Summarize the articles about Mars", "Résume l'article sur le Tour de France"):
        refused = newsroom.ask(question)
        assert not refused.answered and not refused.citations, refused.text


def test_summarize_it_after_a_question_sums_up_the_article_that_answered_it(newsroom):
    first = newsroom.ask("Combien de morts a fait le séisme selon le dernier bilan ?")
    cited = {c.source for c in first.citations}
    for follow_up in ("Summarize it", "Résume l'article"):
        summary = newsroom.ask(follow_up, history=[first])
        assert summary.answered and {c.source for c in summary.citations} <= cited, summary.text
        assert len(summary.citations) == 3
    # after "Tell me more", the article of the question that set the topic: "Tell me more" names none
    more = newsroom.ask("Tell me more", history=[first])
    assert more.answered, more.text
    summary = newsroom.ask("Summarize it", history=[first, more])
    assert summary.answered and {c.source for c in summary.citations} <= cited, summary.text


def test_summarize_the_article_after_the_sample_question_sums_up_the_sample(sample_assistant):
    # The web page's first example, then "Résume l'article": "No indexed article is about “What weapons were
    # mentioned?”", with the one article indexed, the one that had just answered it (a question is no subject:
    # its nearest sentence, 0.80, fell short of a subject's bar).
    first = sample_assistant.ask("What weapons were mentioned?")
    assert first.answered
    for follow_up in ("Résume l'article", "Summarize it"):
        summary = sample_assistant.ask(follow_up, history=[first])
        assert summary.answered and summary.answerer == SUMMARY, summary.text
        assert {c.source for c in summary.citations} == {str(SAMPLE)} and len(summary.citations) == 3


def test_tell_me_more_after_a_two_word_request_goes_on_with_it(sample_assistant):
    # "Résume l'article" and "Liste les articles" read as follow-ups (two words, one pointing back), so "Dis-m'en
    # plus" after them found no request to go on with: searched, it was refused ("Les articles indexés ne
    # répondent pas à cette question."), with the one article indexed.
    first = sample_assistant.ask("Résume l'article")
    more = sample_assistant.ask("Dis-m'en plus", history=[first])
    assert more.answered and more.answerer == SUMMARY, more.text
    assert {c.start for c in more.citations}.isdisjoint(c.start for c in first.citations)
    listed = sample_assistant.ask("Liste les articles")
    rest = sample_assistant.ask("Dis-m'en plus", history=[listed])
    assert rest.answerer == "article records", rest.text
    assert rest.text == "Les listes ci-dessus ont nommé tous les articles demandés."


def test_tell_me_more_after_a_summary_in_other_words_leaves_out_what_it_cited(sample_assistant):
    # An LLM answerer's summary puts the article's sentences in the model's words: "Dis-m'en plus" looked for them
    # in its text, found none, and quoted the two sentences nearest the article's mean again.
    from dataclasses import replace

    quoted = sample_assistant.ask("Résume l'article")
    reworded = replace(quoted, text="Kim Jong-un et Vladimir Poutine se rapprochent [1] [2] [3].", answerer="openai")
    for history in ([reworded], [reworded.to_dict()]):
        more = sample_assistant.ask("Dis-m'en plus", history=history)
        assert more.answered and more.answerer == SUMMARY, more.text
        assert {c.start for c in more.citations}.isdisjoint(c.start for c in quoted.citations), more.text


def test_tell_me_more_after_a_summary_goes_on_with_what_it_left_out(newsroom):
    # Searched, "Tell me more" after "Summarize the articles" quoted the sentences nearest those words.
    turns = []
    for question in ("Summarize the articles", "Tell me more", "Go on"):
        turns.append(newsroom.ask(question, history=turns))
    quoted = [c.doc_id for answer in turns for c in answer.citations]
    assert [len(answer.citations) for answer in turns] == [5, 5, 2] and len(set(quoted)) == 12
    assert turns[1].text.endswith("… and 2 more: ask for one by its subject (“Summarize the article about …”).")
    assert not newsroom.ask("Tell me more", history=turns).answered

    turns = [newsroom.ask("Résume l'article sur la grève à la SNCF")]
    while (more := newsroom.ask("Dis-m'en plus", history=turns)).answered:
        turns.append(more)
        assert len(turns) < 10
    assert more.text.startswith("Le résumé ci-dessus a cité tout ce qu'il y avait à citer de « Grève à la SNCF")
    quotes = [c.quote for answer in turns for c in answer.citations]
    assert len(quotes) == len(set(quotes)) > 6  # each sentence once
    assert {c.doc_id for answer in turns for c in answer.citations} == {turns[0].citations[0].doc_id}
