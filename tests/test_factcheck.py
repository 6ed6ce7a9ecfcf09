"""A fact-checker's questions on articles whose figures and attributions differ (tests/data/factcheck):
what the answer must quote, and what it must refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answering.answer_types import Expected, carries, says_none_of, toll_asked
from assistant.answering.extractive import asked_source, asks_whether_they_agree
from assistant.answering.grounding import speaker_names

FACTCHECK = Path(__file__).parent / "data" / "factcheck"


@pytest.fixture(scope="module")
def factcheck(tmp_path_factory) -> Assistant:
    assistant = Assistant(tmp_path_factory.mktemp("factcheck") / "index")
    assert len(assistant.index([FACTCHECK]).added) == 8
    return assistant


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("What did the United Nations say about the Dravik attack?", ["United Nations"]),
        ("Did Amara Duval say the army would hunt down the attackers?", ["Amara Duval"]),
        ("Qu'a déclaré Jonas Keller sur l'attaque ?", ["Jonas Keller"]),
        ("Le président Sorel a-t-il dit cela ?", ["Sorel"]),
        ("Did President Sorel meet the families of the victims?", []),  # not a question on someone's words
        ("Who said the ministry is hiding the scale of the disaster?", []),
    ],
)
def test_the_one_whose_words_a_question_asks(question, speaker):
    assert speaker_names(question) == speaker


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("What did the United Nations say about the Dravik attack?", "“United Nations”"),
        ("What did Greenpeace say about the Chimex fire?", "“Greenpeace”"),
    ],
)
def test_words_of_someone_the_articles_never_name_are_refused(factcheck, question, absent):
    """The question names the story too ("Dravik", "Chimex"), so the check on every name let it through and a
    monitoring group's words were quoted as if the one asked about had said them."""
    answer = factcheck.ask(question)
    assert not answer.answered and not answer.citations, answer.text
    assert absent in answer.text


def test_words_of_someone_the_articles_name_are_quoted(factcheck):
    answer = factcheck.ask("What did Paul Arden say about Kessar Watch's figure?")
    assert answer.answered and any("propaganda that serves the terrorists" in c.quote for c in answer.citations)


def test_a_quotation_left_to_a_pronoun_is_quoted_with_the_sentence_that_names_the_speaker(factcheck):
    answer = factcheck.ask("Who said the ministry is hiding the scale of the disaster?")
    quotes = [c.quote for c in answer.citations]
    assert any("The ministry is hiding the scale of this disaster" in q for q in quotes), answer.text
    speaker = next(i for i, q in enumerate(quotes) if "Lena Vos" in q)
    said = next(i for i, q in enumerate(quotes) if "she said" in q)
    assert speaker == said - 1, answer.text  # in reading order, who before what


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("No deaths were reported.", True),
        ("No one was hurt.", True),
        ("Il n'y a pas eu de victime.", True),
        ("Aucun mort n'est à déplorer.", True),
        ("No toxic substance has been detected in the air.", False),  # "no" before any noun counts nothing
    ],
)
def test_a_count_of_nobody_is_a_count(text, holds):
    assert carries(Expected("count", "people"), text) is holds


def test_a_toll_question_is_answered_by_the_sentence_saying_no_one_was(tmp_path):
    """The sentence that says nobody was hurt holds no number: it was never a candidate, and the count of
    firefighters answered alone."""
    article = tmp_path / "articles" / "en-warehouse-fire.txt"
    article.parent.mkdir()
    article.write_text(
        "Warehouse fire in the port of Lyon\n\nBy Anna Roy | Published 2 May 2025\n\n"
        "Lyon, 2 May 2025 — A fire broke out on Tuesday at a warehouse in the port of Lyon, destroying stocks of "
        "paper. Forty firefighters fought the blaze for six hours.\n\n"
        "No one was injured in the fire, the fire service said.\n",
        encoding="utf-8",
    )
    assistant = Assistant(tmp_path / "index")
    assistant.index([article.parent])
    answer = assistant.ask("How many people were injured in the warehouse fire?")
    assert answer.answered and any("No one was injured" in c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize(
    ("question", "toll"),
    [
        ("How many people died in the Chimex fire?", "deaths"),
        ("Combien de personnes sont mortes dans l'incendie ?", "deaths"),
        ("Combien de soldats ont été tués ?", "deaths"),
        ("How many people were injured in the fire?", "injuries"),
        ("Combien de blessés ?", "injuries"),
        ("How many residents were evacuated?", ""),
    ],
)
def test_the_toll_a_count_question_asks(question, toll):
    assert toll_asked(question) == toll


@pytest.mark.parametrize(
    ("toll", "text", "says"),
    [
        ("deaths", "No deaths were reported.", True),
        ("deaths", "Aucun mort n'est à déplorer.", True),
        ("deaths", "No one was hurt.", False),  # nobody hurt says nothing of the dead
        ("injuries", "No one was injured in the fire, the fire service said.", True),
        ("injuries", "Quatorze personnes ont été légèrement blessées.", False),
    ],
)
def test_a_sentence_saying_nobody_counts_in_the_toll(toll, text, says):
    assert says_none_of(toll, text) is says


def test_a_toll_question_quotes_first_the_sentence_saying_nobody_died(factcheck):
    """The dateline lead names the fire and ranked 0.1 above "No deaths were reported.", the last sentence of its
    article: the answer quoted the lead and the mayor's count of people evacuated, never the toll."""
    answer = factcheck.ask("How many people died in the Chimex fire?")
    assert answer.answered and answer.citations[0].quote == "No deaths were reported.", answer.text


def test_the_sentence_saying_nobody_died_answers_the_toll_asked_in_another_language(factcheck):
    """Asked in French, "No deaths were reported." scores under the bar across languages, and the French article's
    sentences above the bar of one language kept it out of the answer: it quoted the mayor's count of people who
    had to leave their homes, as the dead."""
    answer = factcheck.ask("Combien de personnes sont mortes dans l'incendie de Chimex ?")
    assert answer.answered and answer.citations[0].quote == "No deaths were reported.", answer.text


def test_another_story_s_sentence_saying_nobody_died_is_not_put_first(factcheck):
    """"No deaths were reported." is the Chimex fire's toll, not the Dravik attack's."""
    answer = factcheck.ask("How many attackers were killed?")
    assert answer.answered and "Eleven attackers were killed" in answer.citations[0].quote, answer.text
    assert all("No deaths" not in c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize(
    ("question", "agree"),
    [
        ("Do the articles agree on the number of soldiers killed in Dravik?", True),
        ("Les articles sont-ils d'accord sur le nombre de soldats tués à Dravik ?", True),
        ("Do the figures differ?", True),
        ("Y a-t-il des divergences sur le bilan ?", True),
        ("How many soldiers were killed in Dravik?", False),
        ("Did the governor agree with the ministry?", False),
    ],
)
def test_questions_asking_whether_the_articles_agree(question, agree):
    assert asks_whether_they_agree(question) is agree


def test_whether_the_articles_agree_is_answered_with_each_article_s_figure(factcheck):
    """The English wire's 120 firefighters scored best and the French article's eighty were left out: the
    answer hid the disagreement it was asked about."""
    answer = factcheck.ask("Do the articles agree on how many firefighters were mobilised?")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "120 firefighters" in quotes and "Quatre-vingts pompiers" in quotes, answer.text


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("How many soldiers were killed in Dravik according to the defence ministry?", ["defence", "ministry"]),
        ("Combien d'habitants ont été évacués selon la préfecture ?", ["prefecture", "prefect", "prefet", "prefete"]),
        ("Et selon le maire ?", ["maire", "mayor"]),
        ("How many soldiers were killed in Dravik?", []),
    ],
)
def test_the_source_a_question_asks_about(question, source):
    assert asked_source(question) == source


def test_a_figure_asked_according_to_a_source_is_quoted_from_that_source(factcheck):
    """The monitoring group's 300 came second, within the margin, beside the ministry's 42, as if it were the
    ministry's figure."""
    answer = factcheck.ask("How many soldiers were killed in Dravik according to the defence ministry?")
    assert answer.answered and "ministry" in answer.citations[0].quote, answer.text
    assert not any("300" in c.quote for c in answer.citations), answer.text
