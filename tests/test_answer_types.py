"""Questions that ask for a number ("how many", "how much ... cost", "combien") are answered only by a
sentence that can hold one, and refused, saying what is missing, when none of the passages can."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_core import assert_citations_exact

from assistant import Assistant
from assistant.answering.answer_types import Expected, carries, expected_answer, names_counted


@pytest.mark.parametrize("question,expected", [
    ("How many North Korean soldiers has Pyongyang sent?", Expected("count", "soldiers")),
    ("How many people live in Pyongyang?", Expected("count", "people")),  # a verb after the noun
    ("Combien de soldats nord-coréens sont en Russie ?", Expected("count", "soldats")),
    ("Combien des personnes sont mortes ?", Expected("count", "personnes")),
    ("Combien d’obus la Russie a-t-elle reçus ?", Expected("count", "obus")),
    ("How much did Russia pay for the weapons?", Expected("money")),
    ("Combien la Russie a-t-elle payé ces armes ?", Expected("money")),
    ("Combien de fois a-t-il gagné le championnat ?", Expected("count", "fois")),  # counts, not money
    ("Combien de pays ont signé ?", Expected("count", "pays")),  # "pays" is no payment
    ("How old is Kim Jong-un?", Expected("number")),
    ("Combien d'argent possédait sa sœur ?", Expected("money")),
    ("What is the price of oil?", Expected("money")),  # a sum without "how much"
    ("By how much did lithium prices fall in 2023?", Expected("number")),  # a change: "about 80%"
    ("De combien les prix du lithium ont-ils baissé ?", Expected("number")),
    ("How much did the budget increase?", Expected("number")),
    # A raise or a cut is often a share ("2,5 % des salaires"): read as a sum for naming wages, it was refused.
    ("How much does the SNCF propose to raise wages?", Expected("number")),
    ("How much will wages be cut?", Expected("number")),
    ("By how much were salaries reduced?", Expected("number")),
    ("How much of a pay hike are the strikers demanding?", Expected("number")),
    ("De combien la direction veut-elle revaloriser les salaires ?", Expected("number")),
    ("How much money did the campaign raise?", Expected("money")),  # raised, not a raise
    ("Quel est le coût de la guerre ?", Expected("money")),
    ("What is the unemployment rate in Spain?", Expected("number")),
    ("Quel est le taux de chômage en Espagne ?", Expected("number")),
    ("What weapons were mentioned?", None),
    ("How long has North Korea been supplying weapons?", None),  # durations are not typed
    ("Depuis combien de temps la Corée du Nord fournit-elle des armes ?", None),
    ("When will the war end?", None),
    # A share, though the question names a budget (it was read as a sum and the "58 %" answer dropped).
    ("What percentage of French people think the budget is unfair?", Expected("number")),
    ("Quel pourcentage des Français juge le budget injuste ?", Expected("number")),
    ("Combien d'aide la France a-t-elle annoncée pour le Soudan ?", Expected("money")),  # not a count of "aide"
    ("How much aid did France announce for Sudan?", Expected("money")),
    ("How much money did the company lose?", Expected("money")),
    ("Quel est le salaire de la directrice ?", Expected("money")),
    ("Quel est le cours de l'action Carrefour ?", Expected("money")),
])
def test_the_kind_of_number_a_question_asks_for(question, expected):
    assert expected_answer(question) == expected


@pytest.mark.parametrize("text,holds", [
    ("Il y a 6 000 soldats nord-coréens en Russie.", True),
    ("Elle lui donne cent fils.", True),  # a count of something else may still answer ("how many children")
    ("Le Kremlin vise à obtenir des millions de munitions.", True),
    ("La Corée du Nord fournit des armes depuis environ six semaines.", False),  # a duration
    ("Leurs derniers grands échanges datent d'une réunion en 2019.", False),  # a date
    ("Le contrat s'élève à 3 milliards de dollars.", False),  # a sum
    ("Amazon tumbled 4 per cent after the complaint.", False),  # a share
    ("Kim Jong-un soutient ouvertement Poutine.", False),
    ("C'est chaque année 1400 vies humaines.", True),  # four digits, but no year: nothing says so
    ("Sous le règne de Knut IV (1080-1086).", False),
    ("New customers can get up to $1000 in bonus bets.", False),  # a sum, written before the number
    ("Ils comprennent des obus de calibre 122mm et 152mm.", False),  # a measure (a calibre), glued on
    ("Le réseau a une longueur totale de près de 8 775 kilomètres.", False),  # a distance
    ("The convoy stopped 12 km from the border.", False),
    ("Elle a livré 3 tonnes de munitions.", False),  # a weight
    ("Le mur fait 5 m de haut.", False),  # a unit symbol that is also an elision ("m'a dit")
    ("Le camion transportait 3 t de munitions.", False),
    ("Il a vendu 300 t-shirts.", True),  # a word that begins like a unit counts all the same
    ("The wall is 5 m high.", False),
    ("Deux m'ont dit qu'ils étaient soldats.", True),  # an elision, not metres
    # A dateline's day of the month counts nothing: it was quoted for "how many children took part?".
    ("Toulouse, le 13 décembre 2025 — Le Stade toulousain a battu Clermont.", False),
    ("Kyiv, March 5, 2024 — Russia launched drones overnight.", False),
    ("Le 1er mars, 9 800 enfants ont participé à l'essai.", True),
    ("Les résultats d'un essai clinique de phase 3 ont été publiés.", False),  # a number that names
    ("Un MiG-29 et un Airbus A320 ont été vus.", False),
])
def test_a_count_is_a_number_that_is_not_a_date_a_duration_a_sum_a_share_or_a_measure(text, holds):
    assert carries(Expected("count", "soldats"), text) is holds


def test_a_measure_still_answers_a_count_of_its_own_unit():
    weeks = Expected("count", "semaines")
    assert carries(weeks, "La Corée du Nord fournit des armes depuis environ six semaines.")
    assert not carries(Expected("count", "soldats"), "La Corée du Nord fournit des armes depuis environ six semaines.")
    # across languages the answerer's matcher decides (the model: "weeks" / "semaines")
    assert carries(Expected("count", "weeks"), "depuis six semaines", lambda noun, words: "semaines" in words)
    # "À combien de kilomètres de Paris se trouvent les Ulis ?"
    assert carries(Expected("count", "kilometres"), "implantée à vingt-quatre kilomètres au sud-ouest de Paris")


def test_a_sum_needs_a_currency():
    money = Expected("money")
    assert carries(money, "Le contrat s'élève à 3 milliards de dollars.")
    assert carries(money, "It cost $1000.")
    assert not carries(money, "Le Kremlin vise à obtenir des millions de munitions.")
    # A share is no sum, although "cent" is a coin: "per cent" and "pour cent" are read as "%".
    assert not carries(money, "Amazon tumbled 4 per cent after the complaint.")
    assert not carries(money, "Les prix ont augmenté de 4 pour cent.")
    assert carries(money, "It costs 40 cents, 4 per cent more.")


@pytest.mark.parametrize("question,missing", [
    ("How much did Russia pay for the weapons?", "None of the passages found gives a sum of money."),
    ("Combien la Russie a-t-elle payé pour ces armes ?", "Aucun des passages trouvés ne donne de somme d'argent."),
])
def test_a_number_question_the_article_cannot_answer_is_refused(sample_assistant, question, missing):
    """On topic, so similar enough to pass the threshold, but no passage holds a sum: it used to be
    answered with "...fournit déjà des armes à la Russie depuis environ six semaines"."""
    answer = sample_assistant.ask(question)
    assert not answer.answered and not answer.citations
    assert answer.text.endswith(missing)


@pytest.mark.parametrize("question,needle", [
    ("Combien de munitions le Kremlin veut-il obtenir ?", "millions de munitions"),
    ("How many munitions does the Kremlin want?", "millions de munitions"),
    ("How many weeks has North Korea been supplying weapons to Russia?", "six semaines"),
    ("What weapons were mentioned?", "122mm et 152mm"),  # untyped questions are answered as before
])
def test_a_number_question_the_article_answers_quotes_the_number(sample_assistant, question, needle):
    answer = sample_assistant.ask(question)
    assert answer.answered
    assert any(needle in c.quote for c in answer.citations)
    assert_citations_exact(sample_assistant, answer)


def test_the_counted_noun_is_recognised_across_languages_by_the_model(sample_assistant):
    """"six semaines" answers "how many weeks" (a duration, but of the unit asked for), not "how many
    soldiers": the answerer's matcher asks the bundled model when the spelling differs."""
    answerer = sample_assistant.answerer
    sentence = "La Corée du Nord fournit des armes depuis environ six semaines."
    weeks, soldiers = Expected("count", "weeks"), Expected("count", "soldiers")
    assert carries(weeks, sentence, answerer.counted_noun_matcher(weeks, [sentence]))
    assert not carries(soldiers, sentence, answerer.counted_noun_matcher(soldiers, [sentence]))
    assert not carries(weeks, sentence)  # spelling alone does not know "weeks" / "semaines"


def test_a_number_is_not_answered_by_a_date():
    # "How much is the fine ...?" asks for a number: "jusqu'au 31 août" and a dateline's "le 22 juillet 2025"
    # name days, and "Deux-Sèvres" a place; they were the quoted answer.
    number = Expected("number")
    assert not carries(number, "Les restrictions s'appliquent jusqu'au 31 août au moins.")
    assert not carries(number, "Poitiers, le 22 juillet 2025 — les préfets de la Vienne et des Deux-Sèvres ...")
    assert not carries(number, "Leurs derniers grands échanges datent d'une réunion en 2019.")
    assert carries(number, "Les contrevenants s'exposent à une amende pouvant atteindre 1 500 euros.")
    assert carries(number, "Il y a eu vingt-deux blessés, trente-et-un selon la mairie.")


def test_a_number_question_quotes_the_number_rather_than_a_date(tmp_path):
    drought = Path(__file__).parent / "data" / "analyst-economy" / "fr-secheresse.txt"
    assistant = Assistant(tmp_path / "index")
    assistant.index([drought])
    answer = assistant.ask("How much is the fine for breaking the water restrictions?")
    assert answer.citations and "1 500 euros" in answer.citations[0].quote, answer.text


def test_a_raise_asked_how_much_is_answered_by_its_share(newsroom):
    # A reviewer's question on the SNCF strike was refused: "raise wages" read as a sum for naming wages, the
    # sentence giving the offer, "une revalorisation de 2,5 % des salaires", holds no currency.
    answer = newsroom.ask("How much does the SNCF propose to raise wages?")
    assert answer.answered and "2,5 %" in answer.citations[0].quote, answer.text
    assert_citations_exact(newsroom, answer)


@pytest.mark.parametrize(("question", "needle"), [("How many tries did Toulouse score?", "quatre essais"),
                                                  ("How many rescuers were deployed?", "11 000 secouristes")])
def test_a_count_question_quotes_first_the_number_of_what_it_counts(newsroom, question, needle):
    # Across languages e5 ranked above the answer the match report's dateline lead ("31 à 19") and the French
    # firefighters' "80 sapeurs-pompiers": the sentence whose number is followed by the counted noun comes first.
    answer = newsroom.ask(question)
    assert answer.answered and needle in answer.citations[0].quote, answer.text


def test_the_counted_noun_after_a_number():
    tries = Expected("count", "essais")
    assert names_counted(tries, "Les Toulousains ont inscrit quatre essais, dont un doublé.")
    assert not names_counted(tries, "Le Stade toulousain a battu le Stade rochelais 31 à 19 samedi soir.")
    assert not names_counted(Expected("number"), "quatre essais")  # only a count names what it counts


def test_the_counted_noun_lifts_only_a_sentence_in_another_language_than_the_question():
    # Within one language the shared-term bonus and the model already read the noun: on PIAF the lift put first
    # another sentence counting clubs for "dans combien de clubs a joué martin ?" (4 gold spans lost, 1 won).
    from langchain_core.documents import Document

    from assistant.answering.answer_types import same_stem
    from assistant.answering.extractive import ScoredSentence, counted_noun_first

    def ranked(question_language: str) -> list[str]:
        texts = [("Toulouse a battu La Rochelle 31 à 19 samedi soir.", 0.93),
                 ("Les Toulousains ont inscrit quatre essais.", 0.92)]
        scored = [ScoredSentence(Document(page_content=text, metadata={"language": "fr"}), 0, len(text), text, score,
                                 score) for text, score in texts]
        return [s.text for s in counted_noun_first(Expected("count", "essais"), scored, same_stem, question_language)]

    assert ranked("fr")[0].startswith("Toulouse a battu")
    assert ranked("en")[0].startswith("Les Toulousains")
