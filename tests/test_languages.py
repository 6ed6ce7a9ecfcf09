"""Articles and questions in the languages a European collection mixes: French and English (fully
supported), German, Spanish and Italian (searched and quoted, replies in English)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant

LANGUAGES = Path(__file__).resolve().parent / "data" / "languages"


@pytest.fixture(scope="module")
def european(tmp_path_factory) -> Assistant:
    """An index of the six articles: fr, en, de, es, it, and a French one quoting English at length."""
    assistant = Assistant(tmp_path_factory.mktemp("languages-index"))
    report = assistant.index([LANGUAGES])
    assert not report.failed, report.failed
    yield assistant
    assistant.close()


def test_a_spanish_question_opening_with_its_inverted_mark_is_answered_from_the_spanish_article(european):
    """"¿Cuánto costará...": the word after "¿" was read as a name the articles never mention, and the
    question, which the Spanish article answers, was refused ("Ils ne mentionnent pas « Cuánto »")."""
    answer = european.ask("¿Cuánto costará el plan de vivienda?")
    assert answer.answered, answer.text
    assert any("7.000 millones" in c.quote for c in answer.citations)

