"""A news agency fact-checker's questions (tests/data/agency: wire copy with datelines and several people quoted
in one paragraph): the sentence that answers opens the answer, and an agency's dateline is quoted with its lead."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant

AGENCY = Path(__file__).parent / "data" / "agency"


@pytest.fixture(scope="module")
def agency(tmp_path_factory) -> Assistant:
    assistant = Assistant(tmp_path_factory.mktemp("agency") / "index")
    assert len(assistant.index([AGENCY]).added) == 3
    return assistant


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # The president's words, in the same paragraph, came first in reading order: a quote put in the
        # wrong mouth.
        ("Who called the earthquake the worst event in 100 years?", "Martin Griffiths"),
        # The union head's quotation opens on "This", which was read as leaning on the dateline lead before it.
        ("How many drivers stopped work at the RATP on Tuesday?", "72% of drivers"),
        # The buildings' sentence follows the death toll in its paragraph.
        ("How many buildings collapsed in Turkey?", "160,000 buildings"),
    ],
)
def test_the_sentence_that_answers_opens_the_answer(agency, question, first):
    answer = agency.ask(question)
    assert answer.answered and first in answer.citations[0].quote, answer.text


def test_a_sentence_leaning_on_the_one_before_still_follows_it(agency):
    answer = agency.ask("Combien coûte chaque journée de grève à la SNCF ?")
    quotes = [c.quote for c in answer.citations]
    assert quotes[:2] == [
        "Le ministre des Transports, Philippe Tabarot, a jugé la grève « injustifiée », estimant que « le dialogue "
        "n'a jamais été rompu ».",
        "Il a indiqué que chaque journée de grève coûtait environ 20 millions d'euros à l'entreprise.",
    ], answer.text


def test_an_agency_dateline_is_quoted_with_its_lead(agency):
    answer = agency.ask("Combien de TGV seront annulés jeudi pendant la grève SNCF ?")
    assert answer.citations[0].quote.startswith("PARIS, 12 mars 2026 (AFP) - La direction de la SNCF"), answer.text
