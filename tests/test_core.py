"""The core promise: cited answers from the sample article, in English and French, or a clear refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, ROOT, SAMPLE, article_text
from corpus import write_news
from langchain_core.documents import Document
from langchain_core.runnables import Runnable

from assistant import Assistant, ModelMismatchError, QuestionError
from assistant.answering.extractive import ExtractiveAnswerer, ScoredSentence
from assistant.answering.grounding import absent_names, question_names
from assistant.embeddings import load_embeddings, resolve_precision
from assistant.evaluation import load_dataset
from assistant.loaders import load_file
from assistant.spelling import respelled

WEAPONS = "des obus de calibre 122mm et 152mm ainsi que des lance-roquettes multiples Grad"


def assert_citations_exact(assistant: Assistant, answer) -> None:
    for citation in answer.citations:
        text = article_text(assistant, citation.source)
        assert text[citation.start : citation.end] == citation.quote
        # and the stored text is the file's own text, so offsets hold in the file too
        assert load_file(citation.source).page_content[citation.start : citation.end] == citation.quote


@pytest.mark.parametrize("question", ["What weapons were mentioned?", "Quelles armes ont été mentionnées ?"])
def test_weapons_question_cites_the_passage(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.answered
    assert answer.citations
    cited = answer.text + " ".join(c.quote for c in answer.citations)
    for needle in ("122", "152", "Grad"):
        assert needle in cited
    assert any(WEAPONS in c.quote for c in answer.citations)
    assert_citations_exact(sample_assistant, answer)
    for citation in answer.citations:
        assert f"[{citation.marker}]" in answer.text
        assert citation.source == str(SAMPLE)
        assert citation.title


@pytest.mark.parametrize("question", ["Who won the 2022 football World Cup?",
                                      "Qui a remporté la Coupe du monde de football 2022 ?",
                                      # no name in them: refused by the score threshold alone
                                      "What is the price of bitcoin?", "Quel est le prix du pétrole ?"])
def test_unanswerable_question_is_refused_without_citations(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert not answer.answered
    assert answer.citations == []
    assert "do not answer" in answer.text or "ne répondent pas" in answer.text


@pytest.mark.parametrize("question,absent", [
    ("What did Zelensky say about the visit?", "“Zelensky”"),
    ("Qu'a déclaré Emmanuel Macron sur cette rencontre ?", "« Emmanuel Macron »"),
    ("Quelle est la position de la Chine ?", "« Chine »"),
    ("Did NATO react to the meeting?", "“NATO”"),
])
def test_question_about_a_name_the_articles_never_mention_is_refused(sample_assistant, question, absent):
    """On topic, so similar enough to pass the threshold, but about someone the article never names."""
    answer = sample_assistant.ask(question)
    assert not answer.answered and not answer.citations
    assert absent in answer.text


def test_names_a_question_asks_about():
    assert question_names("Did NATO react to the meeting?") == ["NATO"]  # not "Did NATO"
    assert question_names("Kim Jong-un a-t-il rencontré Poutine ?") == ["Jong-un", "Poutine"]
    assert question_names("What is China's position?") == ["China"]
    assert question_names("Quelles armes ? Et la vitamine D3, l'AC Milan, le XXème siècle ?") == ["AC Milan"]
    assert question_names("WHAT DID ZELENSKY SAY?") == [] == question_names("What Weapons Were Mentioned?")
    assert question_names("Who is Budanov?") == ["Budanov"]  # short: one capital after the first word is a name
    # English capitalises months and days: no thing an article must name ("16 août" in a French text).
    assert question_names("What is the battle of 16 August called?") == []
    assert question_names("What did Theresa May say on Monday?") == ["Theresa May"]
    # Spanish opens a question with "¿": its first word is capitalised whatever it is, as after a space.
    assert question_names("¿Cuánto costará el plan de vivienda?") == []
    assert question_names("¿Quién preside la Comisión Europea?") == ["Comisión Europea"]


def test_a_sentence_after_the_question_opens_with_a_capital_that_names_nothing(sample_assistant):
    # "What weapons were mentioned? Thanks!" was refused: "They do not mention “Thanks”"; and a question
    # saying "Please ..." twice listed “Please” twice.
    assert question_names("What weapons were mentioned? Thanks!") == []
    assert question_names("Quelles armes ont été mentionnées ? Merci de répondre brièvement.") == []
    assert question_names("What did Zelensky say? Please answer. Please be brief.") == ["Zelensky"]
    assert question_names("Who is Budanov? And what did Zelensky tell Budanov?") == ["Budanov", "Zelensky"]
    for question in ("What weapons were mentioned? Thanks!", "Quelles armes ont été mentionnées ? Merci !"):
        answer = sample_assistant.ask(question)
        assert answer.answered and "arme" in answer.text, answer.text


def test_a_sentence_from_an_article_that_never_names_the_asked_thing_scores_less():
    """"What is the capital of Australia?" over an article on Italy and one that names Australia: the
    Italian sentence loses UNNAMED_PENALTY and falls behind; a question naming nothing changes nothing."""
    italy = Document(page_content="Rome est la capitale de l'Italie depuis 1871.", metadata={"doc_id": "it"})
    australia = Document(page_content="L'Australie a gagné le match à Sydney.", metadata={"doc_id": "au"})

    def scored() -> list[ScoredSentence]:
        return [ScoredSentence(italy, 0, 44, italy.page_content, 0.90, 0.93),
                ScoredSentence(australia, 0, 38, australia.page_content, 0.90, 0.92)]

    answerer = ExtractiveAnswerer(None, None, unnamed_penalty=0.02)
    ranked = answerer.discount_unnamed("What is the capital of Australia?", [italy, australia], scored())
    assert [s.chunk.metadata["doc_id"] for s in ranked] == ["au", "it"]
    assert ranked[0].score == pytest.approx(0.92) and ranked[1].score == pytest.approx(0.91)
    unchanged = answerer.discount_unnamed("What is the capital?", [italy, australia], scored())
    assert [(s.chunk.metadata["doc_id"], s.score) for s in unchanged] == [("it", 0.93), ("au", 0.92)]


@pytest.mark.parametrize("question,answered", [
    ("What is the capital of Australia?", None),
    ("Quelle est la capitale de l'Australie ?", None),
    ("What is the capital of Italy?", "Rome est la capitale de l'Italie"),
    ("Who did Australia beat?", "L'Australie a battu la France"),
])
def test_a_question_is_not_answered_from_an_article_that_never_names_what_it_asks_about(
        tmp_path_factory, question, answered):
    """Two articles, one on Rome, one on a rugby match in Sydney: Rome's sentence is as like "the capital
    of Australia" as a true answer, but its article never names Australia, and the other one does."""
    index = tmp_path_factory.getbasetemp() / "rome-and-sydney"
    assistant = Assistant(index / "index")
    if not (index / "articles").exists():
        (index / "articles").mkdir(parents=True)
        (index / "articles" / "italie.txt").write_text(
            "Rome, capitale de l'Italie\n\nRome est la capitale de l'Italie depuis 1871. La ville compte près "
            "de trois millions d'habitants et accueille le Parlement italien.\n", encoding="utf-8")
        (index / "articles" / "rugby.txt").write_text(
            "Rugby : l'Australie bat la France\n\nL'Australie a battu la France au rugby samedi à Sydney, "
            "devant quarante mille spectateurs. Les Wallabies ont marqué trois essais.\n", encoding="utf-8")
        assistant.index([index / "articles"], wait=True)
    answer = assistant.ask(question)
    if answered is None:
        assert not answer.answered and not answer.citations
    else:
        assert answer.answered and answered in " ".join(c.quote for c in answer.citations)


@pytest.mark.parametrize("question,expected", [
    ("Why does North Korea support Russia according to Budanov?", "Corée du Nord"),  # EN names, FR article
    ("Did Kim Jong-un visit Vladimir Putin?", "Vladimir Poutine"),  # Putin / Poutine
    ("What do the United States fear?", "Washington craint"),  # United States / États-Unis
    ("What Weapons Were Mentioned?", "Grad"),  # capitals on every word say nothing of names
    ("Who is Budanov?", "Kyrylo Boudanov, le chef du renseignement"),  # the name, spelled otherwise, is shared
])
def test_names_written_otherwise_in_the_article_still_count(sample_assistant, question, expected):
    answer = sample_assistant.ask(question)
    assert answer.answered and expected in " ".join(c.quote for c in answer.citations)


@pytest.mark.parametrize("question,passage", [
    ("Which laws govern a Muslim native who has the rights of a French citizen?",
     "L'indigène musulman qui a les droits du citoyen français est régi par les lois civiles."),
    ("What are the colours of the Brazilian flag?", "Les couleurs du drapeau brésilien : jaune, bleu et vert."),
    ("What legal status did the Caribbean have in 1776?", "En 1776, les Caraïbes sont des colonies."),
    ("How many English schools are in the top 100?", "Dix-huit écoles anglaises sont dans le top 100."),
])
def test_adjectives_and_regions_an_article_writes_in_french_are_not_absent_names(question, passage):
    """English capitalises nationalities, languages, faiths and regions that a French article writes its
    own way: they are not names it lacks (PIAF in English: 16 of 156 answerable questions were refused)."""
    docs = [Document(page_content=passage, metadata={"title": "Article"})]
    assert question_names(question) and absent_names(question, docs, None) == []
    elsewhere = [Document(page_content="Le Kremlin cherche des munitions.", metadata={"title": "Article"})]
    assert absent_names(question, elsewhere, None) == question_names(question)


@pytest.mark.parametrize("question,passage", [
    ("What is the new retirement age in Beijing?",
     "À Pékin, les autorités ont relevé l'âge de départ à la retraite à 63 ans pour les hommes."),
    ("What did the ICJ in The Hague rule?",
     "La Cour internationale de justice, qui siège à La Haye, a rendu son avis sur l'occupation."),
    ("What happened in Munich?", "À Munich, la conférence sur la sécurité s'est ouverte vendredi."),
    ("What did Scotland's first minister say?", "La Première ministre d'Écosse a annoncé un référendum."),
    ("How many homes lost power in Brittany?", "En Bretagne, 780 000 foyers ont été privés d'électricité."),
    ("What happened in Wales?", "Au pays de Galles, les mineurs manifestent."),
])
def test_a_city_region_or_court_an_article_names_in_its_own_language_is_not_absent(question, passage):
    # e5 rates "Beijing" / "Pékin" (0.79) below "Beijing" / "Tokyo" (0.82): the article was said not to
    # mention Beijing, and the question was refused.
    docs = [Document(page_content=passage, metadata={"title": "Tour du monde"})]
    assert question_names(question) and absent_names(question, docs, None) == []
    assert absent_names("What did the mayor of Tokyo announce?", docs, None) == ["Tokyo"]


@pytest.mark.parametrize("question", ["What is China's position on the meeting?",
                                      "Quelle est la position de la Chine sur cette rencontre ?"])
def test_a_country_an_english_article_never_names_is_absent_in_either_language(question):
    """A country's names in both languages are known: "Chine" is not a near spelling of "chief", and
    e5's likeness of two country names ("China", "North Korea") does not stand for a mention."""
    text = (ROOT / "bench" / "data" / "sample-en" / "north-korea-russia.txt").read_text(encoding="utf-8")
    docs = [Document(page_content=text, metadata={"title": "North Korea and Russia", "entities": [
        "north korea", "russia", "ukraine", "pyongyang", "moscow", "washington", "kim jong un"]})]
    assert absent_names(question, docs, load_embeddings("multilingual-e5-small")) == question_names(question)
    russian = [Document(page_content="Les forces russes avancent vers le sud.", metadata={"title": "Front"})]
    assert absent_names("What is Russia's aim?", russian, None) == []  # "russes": its adjective


def test_a_question_typed_in_capitals_is_answered_as_typed_in_lower_case(sample_assistant):
    # "WHAT WEAPONS WERE MENTIONED?" was refused, while "What weapons were mentioned?" is answered: e5
    # reads capitals as other words.
    for shouted, plain in [("WHAT WEAPONS WERE MENTIONED?", "What weapons were mentioned?"),
                           ("QUELLES ARMES ONT ÉTÉ MENTIONNÉES ?", "Quelles armes ont été mentionnées ?")]:
        answer = sample_assistant.ask(shouted)
        assert answer.citations == sample_assistant.ask(plain).citations != [], answer.text
        assert answer.question == shouted  # as the user typed it, in the chat and in to_dict()
    # A conversation typed in capitals: the follow-up borrows the earlier question as it is read.
    shouted = sample_assistant.ask("AND WHO SUPPLIES THEM?", history=[("WHAT WEAPONS WERE MENTIONED?", "…")])
    plain = sample_assistant.ask("And who supplies them?", history=[("What weapons were mentioned?", "…")])
    assert shouted.citations == plain.citations != [], shouted.text


def test_a_typo_in_a_word_is_read_as_the_word_it_misspells(sample_assistant):
    # "What waepons were mentioned?" was refused while "What weapons were mentioned?" is answered: e5 reads
    # the misspelt word as other words. A word no article uses and no dictionary knows, one edit from one
    # they know, is read as that word, in English and in French (the articles' own word: "armse").
    for typo, plain in [("What waepons were mentioned?", "What weapons were mentioned?"),
                        ("Quelles armse ont été mentionnées ?", "Quelles armes ont été mentionnées ?")]:
        answer = sample_assistant.ask(typo)
        assert answer.citations == sample_assistant.ask(plain).citations != [], answer.text
        assert answer.question == typo  # as the user typed it
    # A follow-up borrows the earlier question as it is read: "And who supplies them?" quoted other sentences.
    typed = sample_assistant.ask("And who supplies them?", history=[("What waepons were mentioned?", "…")])
    plain = sample_assistant.ask("And who supplies them?", history=[("What weapons were mentioned?", "…")])
    assert typed.citations == plain.citations != [], typed.text
    # Names, real words and short words are left as typed: "Zelenski" is no typo to mend into a word.
    frequency = sample_assistant.retriever.lexical.fresh().frequency
    assert respelled("What did Zelenski say about the sanctions?", frequency) == (
        "What did Zelenski say about the sanctions?")
    assert respelled("Why was Roger hospitalised? Whta favours it?", frequency) == (
        "Why was Roger hospitalised? Whta favours it?")
    assert respelled("Quel est le taux de unemploymnet ?", frequency) == "Quel est le taux de unemployment ?"


def test_refusal_speaks_the_question_language(sample_assistant):
    assert "ne répondent pas" in sample_assistant.ask("Qui a remporté la Coupe du monde de football 2022 ?").text
    assert "do not answer" in sample_assistant.ask("Who won the 2022 football World Cup?").text


@pytest.mark.parametrize(("question", "reply"), [
    ("Qui est le cousin de Harry ?", "ne répondent pas"),  # lingua alone: English
    ("Quelle est la taille d'Edward Dickinson Baker ?", "ne répondent pas"),  # lingua alone: English
    ("Where did Françoise and Madame de Montespan meet?", "do not answer"),  # lingua alone: French
])
def test_the_reply_language_follows_the_question_grammar_not_its_names(sample_assistant, question, reply):
    assert reply in sample_assistant.ask(question).text


def test_meeting_place_cross_lingual(sample_assistant):
    answer = sample_assistant.ask("Where did Kim Jong-un and Vladimir Putin meet?")
    cited = answer.text + " ".join(c.passage for c in answer.citations)
    assert "Vostotchny" in cited


def test_retrieve_returns_documents_with_metadata(sample_assistant):
    docs = sample_assistant.retrieve("Quelles armes ont été mentionnées ?", k=3)
    assert 1 <= len(docs) <= 3
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)
    text = article_text(sample_assistant, str(SAMPLE))
    for doc in docs:
        for key in ("source", "title", "start", "end", "score"):
            assert key in doc.metadata
        assert text[doc.metadata["start"] : doc.metadata["end"]] == doc.page_content
    assert WEAPONS in docs[0].page_content


def test_chain_is_a_runnable(sample_assistant):
    assert isinstance(sample_assistant.chain, Runnable)
    answer = sample_assistant.chain.invoke("Quelles armes ont été mentionnées ?")
    assert any(WEAPONS in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000, "?", "a", "..."])
def test_bad_questions_get_a_clear_error(sample_assistant, question):
    with pytest.raises(QuestionError):
        sample_assistant.ask(question)


def test_a_question_that_is_not_text_is_named_so(sample_assistant):
    with pytest.raises(QuestionError, match="must be text, not int"):
        sample_assistant.ask(123)


def test_empty_index_says_so(tmp_path):
    answer = Assistant(tmp_path / "empty").ask("What weapons were mentioned?")
    assert not answer.answered and not answer.citations
    assert "No articles" in answer.text


def test_other_embedding_model_is_refused(sample_index, tmp_path):
    with pytest.raises(ModelMismatchError, match="open it with --model multilingual-e5-small"):
        Assistant(sample_index, embedding_model="all-MiniLM-L6-v2").store  # noqa: B018
    # The name it says for MiniLM is one the settings load (it said "sentence-transformers:all-minilm-l6-v2").
    minilm = Assistant(tmp_path / "minilm", embedding_model="all-MiniLM-L6-v2")
    minilm.index([SAMPLE])
    with pytest.raises(ModelMismatchError, match="--model all-minilm-l6-v2") as refused:
        Assistant(tmp_path / "minilm").store  # noqa: B018
    name = str(refused.value).split("--model ")[1].split(" ")[0]
    reopened = Assistant(tmp_path / "minilm", embedding_model=name)
    assert WEAPONS in reopened.retrieve("lance-roquettes Grad")[0].page_content
    # An index nothing was written to is the first writer's: a reader (a web app started before the
    # first index run) made it for the default model, and MiniLM was then refused.
    assert Assistant(tmp_path / "fresh").ask("What weapons were mentioned?").text.startswith("No articles")
    assert Assistant(tmp_path / "fresh", embedding_model="all-MiniLM-L6-v2").index([SAMPLE]).added


def test_minilm_is_usable_as_an_alternative(tmp_path):
    assistant = Assistant(tmp_path / "minilm", embedding_model="all-MiniLM-L6-v2")
    assistant.index([SAMPLE])
    docs = assistant.retrieve("lance-roquettes Grad", k=2)
    assert WEAPONS in docs[0].page_content
    assert assistant.stats()["embedding_model"].endswith("all-minilm-l6-v2")


def test_bfloat16_embeddings_match_float32_and_share_the_index(tmp_path):
    """Precision is a speed setting, not another model: one model id, vectors within 1e-3 of float32."""
    texts = ["Les lance-roquettes Grad et des obus de 122 mm ont été livrés.", "Dock workers went on strike."]
    exact = load_embeddings("minilm", "float32")
    fast = load_embeddings("minilm", "bfloat16")
    assert (exact.precision, fast.precision) == ("float32", "bfloat16")
    assert load_embeddings("minilm", "auto") is load_embeddings("minilm", resolve_precision("auto"))  # one instance
    assert exact.model_id == fast.model_id
    cosines = (exact.embed_passages(texts) * fast.embed_passages(texts)).sum(axis=1)
    assert cosines.min() > 0.999 and not np.allclose(cosines, 1.0, atol=1e-7)  # close, and really bfloat16
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16):  # its weights are kept cast: the same products
        autocast = exact._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert np.array_equal(fast.embed_passages(texts), autocast)
    assistant = Assistant(tmp_path / "index", embedding_model="minilm", embedding_precision="float32")
    assert assistant.embeddings is exact
    assistant.index([SAMPLE])
    fast_reader = Assistant(tmp_path / "index", embedding_model="minilm", embedding_precision="bfloat16")
    assert WEAPONS in fast_reader.retrieve("lance-roquettes Grad", k=2)[0].page_content


def strike_article(tmp_path, name: str, head: str, tail: str = "") -> Path:
    """A folder holding one short English news file: ``head``, the two sentences on the strike, ``tail``."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / name).write_text(f"{head}Dock workers in Le Havre went on strike on Monday over pension reform. "
                               f"The strike stopped container traffic for three days.{tail}\n", encoding="utf-8")
    return folder


def test_metadata_lines_and_heading_marks_are_never_quoted(tmp_path):
    """A file's "Date:" and "Source:" lines state no fact; a headline is quoted without its "#"."""
    assistant = Assistant(tmp_path / "index")
    assistant.index([strike_article(tmp_path, "strike.md", "# Dock strike in Le Havre\n\nDate: 2024-03-01\n"
                                    "Source: Reuters\n\n", "\n\n© 2024 Reuters. All rights reserved.")])
    quoted = []
    for question in ("What did Reuters report on 2024-03-01?", "Which source reported the dock strike, and when?",
                     "Why did dock workers in Le Havre strike?", "Who holds the rights to the Reuters report?"):
        answer = assistant.ask(question)
        assert_citations_exact(assistant, answer)
        quoted += [c.quote for c in answer.citations]
    assert not [q for q in quoted if q.startswith(("Date:", "Source:", "#", "©"))]
    assert "Dock workers in Le Havre went on strike on Monday over pension reform." in quoted


def test_refusal_thresholds_follow_the_embedding_model(tmp_path):
    """MiniLM's similarities run lower than e5's: with e5's threshold it would refuse every question."""
    minilm = Assistant(tmp_path / "minilm", embedding_model="minilm")
    minilm.index([strike_article(tmp_path, "strike.txt", "Port strike in Le Havre\n\n",
                                 " The union said that 4,000 workers took part in the strike.")])
    assert minilm.answerer.min_score < 0.7  # calibrated for MiniLM, not e5's 0.925
    answered = minilm.ask("How many workers took part in the strike?")
    assert answered.answered and "4,000" in answered.text and answered.citations
    assert not minilm.ask("What is the price of bitcoin?").answered  # no name: the threshold refuses
    assert Assistant(tmp_path / "e5").answerer.min_score == pytest.approx(0.925)
    assert Assistant(tmp_path / "e5", min_answer_score=0.5).answerer.min_score == 0.5  # a setting wins


def test_refusal_reads_how_far_the_question_stands_out_in_the_corpus(tmp_path):
    """The retriever says how far the question's nearest chunk stands above its 40th (``dense_spread``);
    e5's refusal threshold drops for a question that stands out and rises for one close to everything."""
    folder = strike_article(tmp_path, "strike.txt", "Port strike in Le Havre\n\n")
    towns = ["Lyon", "Nantes", "Lille", "Rennes", "Brest", "Dijon", "Nice", "Metz", "Caen", "Tours"]
    topics = ["a new tram line", "school meals", "a cycling lane", "the public library's hours"]
    for number in range(44):
        town, topic = towns[number % len(towns)], topics[number % len(topics)]
        (folder / f"council-{number}.txt").write_text(
            f"The council of {town} voted on {topic} at its meeting number {number}.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([folder])
    question = "How long did the strike stop container traffic in Le Havre?"
    spreads = {doc.metadata["dense_spread"] for doc in assistant.retrieve(question)}
    assert len(spreads) == 1 and next(iter(spreads)) > 0.05  # one value per search: the question's
    # Filtered to one article, the search sees too few chunks to tell: no spread, no move.
    only = assistant.retrieve(question, filters={"source": "strike.txt"})
    assert only and only[0].metadata["dense_spread"] is None
    answerer = assistant.answerer
    plain = answerer.threshold("en", "en")
    assert answerer.threshold("en", "en", None) == plain == pytest.approx(0.925)
    assert answerer.threshold("en", "en", 0.10) < plain < answerer.threshold("en", "en", 0.02)
    answer = assistant.ask(question)
    assert answer.answered and "three days" in answer.text
    # MiniLM's similarities are not calibrated for it: its threshold stays where it is.
    minilm = Assistant(tmp_path / "minilm", embedding_model="minilm").answerer
    assert minilm.threshold("en", "en", 0.10) == minilm.threshold("en", "en", 0.02) == minilm.min_score


def test_module_level_answer_uses_the_default_index(sample_index, monkeypatch):
    import assistant.api as api

    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(sample_index))
    monkeypatch.setattr(api, "_default", None)
    from assistant import answer

    result = answer("Quelles armes ont été mentionnées ?")
    assert any(WEAPONS in c.quote for c in result.citations)


def run_cli(*args: str, index_dir) -> subprocess.CompletedProcess:
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(index_dir))
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_cli_ask_json(sample_index):
    result = run_cli("ask", "What weapons were mentioned?", "--json", index_dir=sample_index)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    quotes = " ".join(c["quote"] for c in payload["citations"])
    for needle in ("122", "152", "Grad"):
        assert needle in payload["text"] + quotes
    text = SAMPLE.read_text(encoding="utf-8")
    for c in payload["citations"]:
        assert text[c["start"] : c["end"]] == c["quote"]


def test_cli_common_options_also_follow_the_command(sample_index, tmp_path):
    # `assistant ask "..." --index idx` said "unrecognized arguments: --index idx": only before the command.
    result = run_cli("ask", "What weapons were mentioned?", "--json", "--index", str(sample_index),
                     "--answerer", "extractive", index_dir=tmp_path / "elsewhere")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answered"]
    assert not (tmp_path / "elsewhere").exists()
    result = run_cli("--index", str(sample_index), "stats", "--json", index_dir=tmp_path / "elsewhere")
    assert result.returncode == 0 and json.loads(result.stdout)["index"] == str(sample_index)


def test_cli_index_reports_bad_files_and_goes_on(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("Le ministre a annoncé un plan de relance de dix milliards d'euros.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    result = run_cli("index", str(folder), index_dir=tmp_path / "index")
    assert result.returncode == 1
    assert "empty.txt: empty file" in result.stderr
    assert "binary.txt: binary content" in result.stderr
    assert "1 added" in result.stdout
    stats = run_cli("stats", "--json", index_dir=tmp_path / "index")
    assert json.loads(stats.stdout)["articles"] == 1


def test_cli_empty_question_is_an_error(sample_index):
    result = run_cli("ask", "  ", index_dir=sample_index)
    assert result.returncode == 2
    assert "question is empty" in result.stderr


ASKED = "What weapons were mentioned?"


def test_cli_chat_answers_follow_ups_from_a_pipe_and_starts_over_on_new(sample_index, sample_assistant):
    # A terminal user had `assistant ask` alone: each question on its own, "And who supplies them?" asked of
    # nothing. A file of questions goes through too: comments and blank lines passed over, a bad line named.
    follow_up = "And who supplies them?"
    first = sample_assistant.ask(ASKED)
    questions = "\n".join([ASKED, "", "# the supplier", follow_up, "x" * 2100, "/new", follow_up, ""])
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(sample_index))
    result = subprocess.run([sys.executable, "-m", "assistant", "chat", "--json"], input=questions,
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == [ASKED, follow_up, follow_up]
    assert answers[0]["text"] == first.text
    assert answers[1]["text"] == sample_assistant.ask(follow_up, history=[first]).text
    assert answers[2]["text"] == sample_assistant.ask(follow_up).text != answers[1]["text"]
    assert "error: the question is too long" in result.stderr and "(a new conversation)" in result.stderr
    # as text, each answer under its question, with its sources
    result = subprocess.run([sys.executable, "-m", "assistant", "chat"], input=f"{ASKED}\n/quit\n{follow_up}\n",
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"> {ASKED}\n{first.text}\n\nSources:\n[1] ")
    assert follow_up not in result.stdout  # after /quit


def test_cli_answers_as_markdown_for_notes(sample_index, sample_assistant):
    result = run_cli("ask", ASKED, "--markdown", index_dir=sample_index)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"## {ASKED}\n\n{sample_assistant.ask(ASKED).to_markdown()}\n"
    assert "> Ces armements, selon Kyrylo Boudanov" in result.stdout
    result = run_cli("ask", ASKED, "--markdown", "--json", index_dir=sample_index)
    assert result.returncode == 2 and "--json and --markdown cannot be given together" in result.stderr

def test_cli_chat_typed_at_a_prompt_ends_with_ctrl_d(sample_index):
    import pty

    leader, follower = pty.openpty()
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(sample_index))
    chat = subprocess.Popen([sys.executable, "-m", "assistant", "chat"], stdin=follower, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    os.close(follower)
    os.write(leader, f"{ASKED}\n".encode())
    os.write(leader, b"\x04")  # Ctrl-D at the next prompt
    out, err = chat.communicate(timeout=300)
    os.close(leader)
    assert chat.returncode == 0, err
    assert "/new starts a new conversation" in err
    assert "Grad" in out and "Sources:" in out and f"> {ASKED}" not in out  # typed: not echoed again

def test_bm25_weighs_less_when_the_question_and_passages_differ_in_language(sample_assistant, monkeypatch):
    """An English question shares names and numbers with a French article, few other words: BM25 then
    gets ``lexical_weight_cross`` (PIAF in English: MRR@10 0.779 -> 0.798)."""
    from assistant import retrieval

    used: list[tuple[float, float]] = []
    real = retrieval.fuse

    def spy(candidates, dense_weight, sentence_weight=0.0):
        used.append((round(dense_weight, 4), round(sentence_weight, 4)))
        return real(candidates, dense_weight, sentence_weight)

    monkeypatch.setattr(retrieval, "fuse", spy)
    retriever = sample_assistant.retriever
    english = retriever.search("What weapons were mentioned?")
    french = retriever.search("Quelles armes ont été mentionnées ?")
    told = retriever.search("What weapons were mentioned?", language="fr")
    assert used == [(0.45, 0.45), (0.35, 0.35), (0.35, 0.35)]
    assert WEAPONS in " ".join(d.page_content for d in english) and french and told


def test_a_new_question_in_a_conversation_is_not_searched_with_the_previous_one(sample_assistant):
    history = [("Comment les États-Unis ont-ils réagi ?", "…")]
    answer = sample_assistant.ask("What did Budanov say?", history=history)
    assert answer.citations and all("Boudanov" in c.passage for c in answer.citations[:1]), answer.text
    follow_up = sample_assistant.ask("And who supplies them?",
                                     history=[("What weapons were mentioned?", "…")])
    assert "fournit" in " ".join(c.passage for c in follow_up.citations), follow_up.text


def test_a_follow_up_to_a_question_on_a_name_the_articles_never_mention_is_refused_too(sample_assistant):
    # "Why?" after "What did Zelensky say about the visit?" (refused: no article mentions Zelensky) was
    # answered with two quoted sentences, as if they said why Zelensky said it.
    refused = sample_assistant.ask("What did Zelensky say about the visit?")
    assert not refused.answered
    for follow_up in ("Why?", "And who supplies them?", "Pourquoi ?"):
        answer = sample_assistant.ask(follow_up, history=[refused])
        assert not answer.answered and not answer.citations and "Zelensky" in answer.text, (follow_up, answer.text)
    # A follow-up with a name of its own is asked about it: "And Budanov?" is "What did Budanov say ...".
    assert "Zelensky" not in sample_assistant.ask("And Budanov?", history=[refused]).text
    # One whose earlier question names what the articles mention is answered as before.
    weapons = sample_assistant.ask("What weapons did Budanov mention?")
    assert sample_assistant.ask("And who supplies them?", history=[weapons]).answered


def test_a_follow_up_to_a_follow_up_keeps_the_topic():
    from assistant.chain import search_query

    history = [("Where is Chile's lithium exported?", "…"), ("And who signed the agreement?", "…")]
    # It borrowed "And who signed the agreement?" only, which names nothing, and the answer came from
    # another article.
    assert search_query("Et jusqu'à quand ?", history) == (
        "Where is Chile's lithium exported? And who signed the agreement? Et jusqu'à quand ?")
    assert search_query("Et jusqu'à quand ?", history[:1]) == "Where is Chile's lithium exported? Et jusqu'à quand ?"
    assert search_query("What did Budanov say?", history) == "What did Budanov say?"  # a new question


def test_a_continuation_with_a_subject_of_its_own_answers_that_subject(sample_assistant):
    from assistant.chain import new_subject

    assert new_subject("And unemployment?") == "unemployment"
    assert new_subject("Et le chômage ?") == "le chômage"
    assert new_subject("And who supplies them?") is None  # it points back: the earlier subject stays
    assert new_subject("What did Budanov say?") is None  # not a continuation
    # The earlier question outweighed it: the answer was the meeting again.
    answer = sample_assistant.ask("And what did Washington fear?", history=[("Where did Kim and Putin meet?", "…")])
    assert answer.citations and answer.citations[0].quote.startswith("Washington craint"), answer.text


_ECONOMY = """L'économie espagnole résiste

Madrid, le 3 mars 2025 — L'Institut national de la statistique a publié ses chiffres mardi.

Le taux d'inflation a atteint 2,8 % sur un an en février, porté par les prix de l'énergie. Les prix de \
l'alimentation ont ralenti.

Le taux de chômage est tombé à 11,2 % au quatrième trimestre, son plus bas niveau depuis 2008. Le chômage \
des jeunes reste supérieur à 25 %.

La croissance du produit intérieur brut a atteint 3,2 % en 2024. Le tourisme a battu un record avec \
94 millions de visiteurs.
"""


def test_a_conversation_that_changes_subject_follows_it_and_a_dateline_lead_comes_second(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "economie.txt").write_text(_ECONOMY, encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assert len(assistant.index([folder]).added) == 1
    first = assistant.ask("What is the inflation rate?")
    # The dateline's paragraph came first, in reading order, before the sentence that answers.
    assert first.citations[0].quote.startswith("Le taux d'inflation"), first.text
    for follow_up, expected in [("And unemployment?", "Le taux de chômage"), ("Et le chômage ?", "Le taux de chômage"),
                                ("What about tourism?", "Le tourisme")]:
        answer = assistant.ask(follow_up, history=[first])
        assert answer.citations and answer.citations[0].quote.startswith(expected), (follow_up, answer.text)
    # After "Et le chômage ?", "Et la croissance ?" is about growth: it led with unemployment.
    growth = assistant.ask("Et la croissance ?", history=[first, assistant.ask("Et le chômage ?", history=[first])])
    assert growth.citations and growth.citations[0].quote.startswith("La croissance"), growth.text


# Four short articles a reviewer wrote to hold conversations with (2026-12-06): French economy and cycling,
# English war and health news.
CONVERSATION = Path(__file__).parent / "data" / "conversation"


@pytest.fixture(scope="module")
def conversation_assistant(tmp_path_factory) -> Assistant:
    assistant = Assistant(tmp_path_factory.mktemp("conversation") / "index")
    assert len(assistant.index([CONVERSATION]).added) == 4
    return assistant


def test_a_continuation_on_a_subject_the_articles_do_not_cover_is_refused(conversation_assistant):
    # Searched with the earlier question, "Et le déficit public ?" found the inflation sentences near enough
    # to clear the bar, and quoted them as its answer.
    assistant = conversation_assistant
    first = assistant.ask("Quel est le taux d'inflation en France ?")
    assert first.answered, first.text
    for follow_up in ("Et le déficit public ?", "Et les exportations ?"):
        answer = assistant.ask(follow_up, history=[first])
        assert not answer.answered and not answer.citations, (follow_up, answer.text)
    answer = assistant.ask("Et chez les jeunes ?", history=[first])
    assert answer.citations and "18,9 %" in answer.citations[0].quote, answer.text


def test_a_follow_up_that_points_back_with_a_word_of_its_own_finds_it(conversation_assistant):
    # "What did they say about famine?" after a question on the Tour de France quoted the stage's winner: the
    # earlier question outweighed the word it asks about.
    first = conversation_assistant.ask("Qui a gagné l'étape à Hautacam ?")
    answer = conversation_assistant.ask("What did they say about famine?", history=[first])
    assert answer.citations and "famine" in answer.citations[0].quote, answer.text


def test_asking_for_more_quotes_what_the_earlier_answers_left_out(conversation_assistant):
    # "Tell me more" after a question on the Jeddah talks was searched alone and quoted the inflation article;
    # "Dis-m'en plus" after the Hautacam stage quoted the answer's two sentences again. It is the earlier
    # question, answered with the sentences its answers did not quote.
    for question, more in [("Why did the Jeddah talks fail?", ["Tell me more", "Dis-m'en plus"]),
                           ("Qui a gagné l'étape à Hautacam ?", ["Dis-m'en plus", "Go on"])]:
        history = [conversation_assistant.ask(question)]
        source = history[0].citations[0].source
        for follow_up in more:
            answer = conversation_assistant.ask(follow_up, history=history)
            quoted = {c.quote for turn in history for c in turn.citations}
            assert answer.citations, (follow_up, answer.text)
            assert all(c.source == source and c.quote not in quoted for c in answer.citations), (follow_up, answer.text)
            history.append(answer)
    # A subject of its own is a new question, not a request for more.
    from assistant.chain import asks_for_more
    assert asks_for_more("Can you tell me more?") and asks_for_more("Plus de détails ?")
    assert not asks_for_more("Tell me more about the drought") and not asks_for_more("Why?")


def test_asking_for_more_after_an_answer_in_other_words_leaves_out_what_it_cited(conversation_assistant):
    # A model's answer puts the sentences it cites in its own words: "Tell me more" looked for them in its text,
    # found none, and quoted them again. The answer kept in the history (an Answer, its dict, its message)
    # tells what it cited.
    from dataclasses import replace

    question = "Why did the Jeddah talks fail?"
    quoted = conversation_assistant.ask(question)
    reworded = replace(quoted, text="The talks broke down over the sequencing of a ceasefire [1].", answerer="openai")
    cited = {(c.doc_id, c.start) for c in reworded.citations}
    for history in ([reworded], [reworded.to_dict()], [("human", question), reworded.to_message()]):
        more = conversation_assistant.ask("Tell me more", history=history)
        assert more.citations, more.text
        assert cited.isdisjoint((c.doc_id, c.start) for c in more.citations), (history[-1], more.text)


def test_requests_for_more_in_a_row_search_the_question_that_set_the_topic():
    # Each "Dis-m'en plus" lent its words to the next: the third searched "... Dis-m'en plus Dis-m'en plus" and
    # quoted another article, the fourth only "Dis-m'en plus" three times, refused ("Ils ne mentionnent pas
    # « Dis-m'en »").
    from assistant.chain import search_query

    question = "Qui a gagné l'étape à Hautacam ?"
    history = [(question, "…")]
    for _ in range(4):
        assert search_query("Dis-m'en plus", history) == question
        history.append(("Dis-m'en plus", "…"))
    assert search_query("Et Vingegaard ?", history) == f"{question} Et Vingegaard ?"


def test_asking_for_more_once_all_is_quoted_says_so_rather_than_that_nothing_answers(conversation_assistant):
    # At the end of the sentences on the question, "Tell me more" answered "The indexed articles do not answer
    # this question.", which denied the answers just given.
    for question, more, said in [
            ("Why did the Jeddah talks fail?", "Tell me more",
             "The answers above quoted all that the indexed articles say on this question."),
            ("Qui a gagné l'étape à Hautacam ?", "Dis-m'en plus",
             "Les réponses ci-dessus ont cité tout ce que les articles indexés disent sur cette question.")]:
        history = [conversation_assistant.ask(question)]
        while (answer := conversation_assistant.ask(more, history=history)).answered:
            history.append(answer)
            assert len(history) < 12, answer.text
        assert answer.text == said and not answer.citations
    # After a refusal, nothing was quoted "above": the refusal stands.
    from assistant.answering.messages import not_answered_text
    from assistant.chain import _nothing_more
    from assistant.types import Answer

    refused = not_answered_text("en")
    kept = _nothing_more(Answer(text=refused, answered=False), {"said": [refused], "language": "en"})
    assert kept.text == refused


def test_a_continuation_borrows_the_frame_and_a_possessive_points_back():
    from assistant.chain import is_follow_up, search_query

    history = [("Quel est le taux d'inflation ?", "…"), ("Et le chômage ?", "…")]
    assert search_query("And growth?", history) == "Quel est le taux d'inflation ? And growth?"
    assert search_query("Qui l'a annoncé ?", history) == (
        "Quel est le taux d'inflation ? Et le chômage ? Qui l'a annoncé ?")
    # "son âge" is the age of whom the previous question was about: it was searched alone.
    assert is_follow_up("Quel est son âge ?") and is_follow_up("Quelle est sa nationalité ?")
    # "le" after "est" is an article: this question stands alone ("Qui les fournit ?" does not).
    assert not is_follow_up("Quel est le taux d'inflation ?") and is_follow_up("Qui les fournit ?")



@pytest.mark.parametrize(("question", "label"), [("Which trade unions were mentioned?", "Trade unions mentioned:"),
                                               ("Quels syndicats ont été cités ?", "Syndicats mentionnés :")])
def test_the_unions_mentioned_are_the_organisations_that_are_unions(newsroom, question, label):
    # A reviewer's question: refused in English, answered in French with the SNCF strike's lead
    answer = newsroom.ask(question)
    assert answer.answered and answer.text.startswith(label), answer.text
    assert [c.quote for c in answer.citations] == ["CGT", "CGT-Cheminots", "IG Metall", "SUD-Rail"], answer.text
    assert "IG Metall" in answer.citations[2].passage  # "Trade union IG Metall said it would seek guarantees"
    parties = newsroom.ask("Which parties were mentioned?")
    assert "Socialist Party" in parties.text and "CGT" not in parties.text and "SNCF" not in parties.text


@pytest.mark.parametrize(("question", "label"), [("Which companies were mentioned?", "Companies mentioned:"),
                                               ("Quelles entreprises sont citées ?", "Entreprises mentionnées :")])
def test_the_companies_mentioned_are_the_organisations_that_are_companies(newsroom, question, label):
    # An analyst's list question (2026-12-07): it listed every organisation, the CGT, the Insee, the AFAD and the
    # Champions League among them, 21 of 25 names no company.
    answer = newsroom.ask(question)
    assert answer.answered and answer.text.startswith(label), answer.text
    # "battery manufacturer Nordlys Energy", "Veltrix AG", "La start-up Carbios", "Le PDG de TotalEnergies", "la
    # direction de la SNCF" ("l'entreprise de travaux publics Garonne BTP" is tagged the place "Garonne")
    for company in ("Nordlys", "Veltrix", "Carbios", "TotalEnergies", "SNCF"):
        assert company in answer.text, answer.text
    for other in ("CGT", "Insee", "AFAD", "Champions League", "European Commission", "Socialist Party", "OFCE"):
        assert other not in answer.text, answer.text


def test_a_company_question_on_articles_that_call_no_name_a_company_lists_their_organisations(tmp_path):
    # MultiHop-RAG's "Which company, discussed in articles from The Verge, TechCrunch, and Fortune, ...?" was
    # refused once companies had to be called so ("mention no name of the kind company"): its tech news name
    # Google and Alameda Research without a word saying what they are.
    news = tmp_path / "news"
    news.mkdir()
    (news / "verge.txt").write_text(
        "Search deals under scrutiny\n\nThe European Commission said on Tuesday that Google enforced uniform terms on "
        "developers through its Play Store, according to documents seen by The Verge. Microsoft and Apple declined "
        "to comment.\n",
        encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([news])
    answer = assistant.ask("Which company, discussed by The Verge, enforced uniform terms on developers?")
    assert answer.answered, answer.text
    assert answer.text.startswith("Organisations mentioned") and "Google" in answer.text, answer.text


@pytest.mark.parametrize("question", ["Who was quoted?", "Which people were quoted?", "Qui s'est exprimé ?"])
def test_who_was_quoted_lists_the_people_quoted_not_every_name(newsroom, question):
    # An analyst's list question (2026-12-07): "Who was quoted?" listed every person, bylines, scorers and a
    # player named inside another's quote, and its 25 names left out eleven of the people quoted.
    answer = newsroom.ask(question)
    assert answer.answered, answer.text
    for speaker in ("Thierry Nier", "Patrick Pouyanné", "Mikel Arteta", "Vincent Kompany", "Ugo Mola", "O'Gara",
                    "Isabelle André", "Mehmet Kaya", "Seddar Yavuz", "Luís Montenegro", "Kari Haugen", "Mathieu Plane"):
        assert speaker in answer.text, answer.text
    # bylines, scorers, a name inside someone else's quote ("même sans Antoine Dupont », s'est félicité ...")
    for named in ("Claire Vasseur", "Daniel Harper", "Harry Kane", "Antoine Dupont", "Dayot Upamecano"):
        assert named not in answer.text, answer.text
    cited = {c.quote for c in answer.citations}
    assert "Thierry Nier" in cited and all(c.passage for c in answer.citations)


@pytest.mark.parametrize(("question", "named", "others"), [
    ("Which ministers were mentioned?", ["Ali Yerlikaya", "Philippe Tabarot", "Éric Lombard"],
     ["Thierry Nier", "Kane"]),
    ("Quels entraîneurs ont été cités ?", ["Mikel Arteta", "Vincent Kompany", "Ugo Mola"], ["Saka", "Thomas Ramos"]),
    ("Which coaches were quoted?", ["Mikel Arteta", "Vincent Kompany", "Ugo Mola"], ["Thierry Nier", "Éric Sellini"]),
])
def test_the_people_of_a_role_are_those_the_articles_call_so(newsroom, question, named, others):
    # An analyst's list questions (2026-12-07): "Which ministers were mentioned?" was refused, and "Which coaches
    # were quoted?" quoted the CGT-Cheminots' leader and left out Arteta and Mola.
    answer = newsroom.ask(question)
    assert answer.answered and answer.answerer == "entity index", answer.text
    for name in named:
        assert name in answer.text, answer.text
    for name in others:
        assert name not in answer.text, answer.text


def test_the_articles_about_a_subject_are_all_those_about_it_and_only_those(newsroom):
    # "les articles sur la grève" listed only the refinery strike's people: its title holds "la grève", and a
    # title taken as naming the article left out "Grève à la SNCF". "l'élection au Portugal" listed Benin's
    # candidates too: that article is as near the scope (0.849 against 0.855) and never names Portugal.
    strikes = newsroom.ask("Qui est mentionné dans les articles sur la grève ?")
    assert {Path(c.source).name for c in strikes.citations} == {"fr-greve-sncf.txt", "fr-greve-raffineries.txt"}
    portugal = newsroom.ask("Quelles personnes sont citées dans les articles sur l'élection au Portugal ?")
    assert {Path(c.source).name for c in portugal.citations} == {"en-election-portugal.txt"}, portugal.text
    assert "Luís Montenegro" in portugal.text and "Wadagni" not in portugal.text


@pytest.mark.parametrize("question", ["What is the ECB's deposit rate?", "Quel est le taux de dépôt de la BCE ?"])
def test_an_acronym_is_mentioned_by_an_article_that_writes_it_out(newsroom, question):
    # The article writes "La Banque centrale européenne": both were refused as "They do not mention “ECB”".
    answer = newsroom.ask(question)
    assert answer.answered and "Banque centrale européenne" in answer.citations[0].quote, answer.text
    assert "2,75 %" in answer.citations[0].quote


@pytest.mark.parametrize(("question", "answer_opens"), [
    ("Quand aura lieu la prochaine réunion entre la direction de la SNCF et les syndicats ?",
     "Une nouvelle réunion est prévue le 18 mars."),
    ("Quand Romuald Wadagni prendra-t-il ses fonctions ?",
     "Ancien ministre de l'Économie et des Finances, il succédera le 23 mai"),
])
def test_a_question_on_what_is_to_come_is_answered_by_the_later_date_not_the_dateline_lead(
        newsroom, question, answer_opens):
    # A reviewer's questions: both answered with the story's dateline lead ("Paris, le 12 mars 2025 — La grève
    # lancée mardi soir..."), which e5 rates above the sentence that names the day ahead.
    answer = newsroom.ask(question)
    assert answer.answered and answer.citations[0].quote.startswith(answer_opens), answer.text
    # What happened is still answered by the lead: the boost is for questions on the future only.
    past = newsroom.ask("Quand la grève à la SNCF a-t-elle commencé ?")
    assert past.answered and past.citations[0].quote.startswith("Paris, le 12 mars 2025"), past.text


def test_questions_on_the_future_and_sentences_that_name_a_time_ahead():
    from assistant.answering.dates import asks_about_future, names_future_time

    for question in ["Quand aura lieu la prochaine réunion ?", "Le procès reprendra quand ?",
                     "Quand Romuald Wadagni prendra-t-il ses fonctions ?", "When will the trial resume?",
                     "And when is the next hearing?", "À quelle date le texte doit-il être voté ?"]:
        assert asks_about_future(question), question
    for question in ["Quand a eu lieu la bataille ?", "Quand la guerre a-t-elle commencé ?", "When did it start?",
                     "Quand le front a-t-il cédé ?", "Quand l'opéra a-t-il ouvert ?", "When does Amara appear?",
                     "Did they change their advice when they later saw the defence, due to injuries?",
                     "What will the new company be called?"]:
        assert not asks_about_future(question), question
    published = "2025-03-12"
    for text in ["Une nouvelle réunion est prévue le 18 mars.", "The vote is set for April 2.",
                 "La décision sera rendue la semaine prochaine.", "The plant will open in 2027.",
                 "Le verdict est attendu en juin 2025.", "Talks resume tomorrow."]:
        assert names_future_time(text, published), text
    for text in ["Paris, le 12 mars 2025 — La grève lancée mardi soir a perturbé le trafic.",
                 "L'élection du 2 mars a été contestée.", "It was founded in 1998.", "Le 12 mars, rien."]:
        assert not names_future_time(text, published), text
    # A date without its year is read in the year published, or the next at the turn of the year.
    assert names_future_time("L'audience reprendra le 5 janvier.", "2025-12-20")
    assert not names_future_time("Le texte avait été voté le 5 juin.", "2025-12-20")
    # Undated: only a time ahead in words counts, a date cannot be placed.
    assert names_future_time("Rendez-vous demain.", "") and not names_future_time("le 18 mars", "")


def test_a_continuation_in_english_on_a_french_article_quotes_its_own_subject(newsroom):
    # "And growth?" after the inflation rate quoted the inflation lead again: retrieval ranks passages by the
    # earlier question's words (no English word is found in a French article), and each passage's retrieval
    # score lifted its sentences, the lead's most.
    first = newsroom.ask("What is the inflation rate in France?")
    assert first.citations and "1,7 %" in first.citations[0].quote, first.text
    growth = newsroom.ask("And growth?", history=[first])
    assert growth.citations and growth.citations[0].quote.startswith("La croissance"), growth.text


def test_a_continuation_is_asked_of_what_the_earlier_question_named(newsroom):
    # "And wages?" after the Portuguese election was answered with the railway and refinery strikes' wages (and
    # the diesel price): articles that never name Portugal. The Portuguese article says nothing of wages.
    first = newsroom.ask("Who won the election in Portugal?")
    assert first.answered, first.text
    for follow_up in ("And wages?", "Et les salaires ?"):
        answer = newsroom.ask(follow_up, history=[first])
        assert not answer.answered and not answer.citations, (follow_up, answer.text)
    turnout = newsroom.ask("And the turnout?", history=[first])
    assert any("66.2%" in c.quote for c in turnout.citations), turnout.text


def test_a_full_question_opening_with_and_stands_alone(newsroom):
    # "And how many people died in the earthquake in Turkey?" asks in full, but its "And" made it a follow-up:
    # searched with the questions before it, and the "Why?" after it borrowed back to the railway strike's
    # question and quoted the strike.
    from assistant.chain import is_follow_up, search_query

    history = [("Pourquoi les cheminots font-ils grève ?", "…"),
               ("And how many people died in the earthquake in Turkey?", "…")]
    assert search_query(history[1][0], history[:1]) == history[1][0]
    assert search_query("Et qui a gagné l'élection présidentielle au Bénin ?", history) == (
        "Et qui a gagné l'élection présidentielle au Bénin ?")
    why = newsroom.ask("Why?", history=history)
    assert all("sncf" not in c.source for c in why.citations), why.text
    # Those that lean on the one before still follow it: a pronoun, few words of their own, no question asked.
    assert is_follow_up("And who supplies them?") and is_follow_up("And what did Washington fear?")
    assert is_follow_up("And according to Kessar Watch?") and is_follow_up("Et combien d'employés ?")
    assert is_follow_up("And what did the minister say about the strike?")  # the strike talked about


def test_the_acronyms_a_text_spells_out():
    from assistant.answering.grounding import spelled_out

    found = spelled_out("La Banque centrale européenne et la Société nationale des chemins de fer français.")
    assert {"bce", "sncf"} <= found and "lbce" not in found  # "La" opens no name
    assert "cgt" in spelled_out("selon la Confédération générale du travail")
    assert not spelled_out("sans majuscule ni sigle")


def test_a_continuation_that_only_names_another_thing_asks_the_earlier_question_about_it(newsroom):
    # "Et au Bénin ?" after the Portuguese election's winner quoted only the Beninese loser's score: blended
    # with the earlier question, it leaned to any sentence on Benin.
    from assistant.chain import substituted

    for first, then in [("Qui a gagné les élections au Portugal ?", "Et au Bénin ?"),
                        ("Who won the election in Portugal?", "And in Benin?")]:
        answer = newsroom.ask(then, history=[newsroom.ask(first)])
        assert answer.answered and any("Wadagni, a remporté" in c.quote for c in answer.citations), answer.text
    assert substituted("Et Scholz ?", [("Que pense Emmanuel Macron de la Russie ?", "…")]) \
        == "Que pense Scholz de la Russie ?"
    assert substituted("Et en Corée du Nord ?", [("Quelle est la position de la Chine ?", "…")]) \
        == "Quelle est la position de la Corée du Nord ?"
    # Nothing of the kind to replace, or no name at all: the earlier question lends its words, as before.
    assert substituted("And China?", [("What weapons were mentioned?", "…")]) is None
    assert substituted("Et le chômage ?", [("Quel est le taux de chômage en France ?", "…")]) is None


@pytest.mark.parametrize("question", ["Quel est le dernier bilan du séisme en Turquie ?",
                                      "What is the latest death toll of the earthquake in Turkey?"])
def test_the_latest_figures_come_first(newsroom, question):
    # Two articles on one earthquake, two days apart: the first toll (142 dead) was quoted before the latest.
    answer = newsroom.ask(question)
    assert [c.published for c in answer.citations][:2] == ["2026-02-05", "2026-02-03"], answer.text


@pytest.mark.parametrize("question", ["What weapons were mentioned?", "Quelles armes ont été mentionnées ?"])
def test_a_question_asking_for_a_list_quotes_each_article_that_answers_it(tmp_path_factory, question):
    # With a second article on the war, the answer quoted two sentences of the sample and left out the
    # drones and missiles of the other (a web reviewer, 2026-12-06): its sentence scored just under the bar,
    # and in French its passage was not among the five retrieved.
    index = tmp_path_factory.getbasetemp() / "weapons-lists"
    assistant = Assistant(index / "index")
    if not (index / "done").exists():
        assert len(assistant.index([SAMPLE, Path(__file__).parent / "data" / "web-review"]).added) == 3
        (index / "done").touch()
    answer = assistant.ask(question)
    sources = [Path(c.source).name for c in answer.citations]
    assert "russie-coree-du-nord.txt" in sources and "drones-kharkiv.md" in sources, answer.text
    assert any("Iskander-M" in c.quote for c in answer.citations) and any(WEAPONS in c.quote for c in answer.citations)
    assert len(answer.citations) <= 5
    # Any other question keeps its two sentences at most.
    assert len(assistant.ask("Which weapons does North Korea supply?").citations) <= 2


def test_a_list_question_quotes_another_articles_item_that_stands_out_under_the_bar(tmp_path_factory):
    # An analyst's list question (2026-12-07): beside the sample and an article on a defence fair, "Germany will send
    # Ukraine three more Patriot air-defence batteries and a further batch of IRIS-T missiles" scored 0.912 against a
    # bar of 0.925 and was left out; the article's other sentences score 0.87 and under. The wildfire's
    # firefighters and water-bombing aircraft (0.845) are no weapons, and stay out.
    index = tmp_path_factory.getbasetemp() / "list-review"
    assistant = Assistant(index / "index")
    if not (index / "done").exists():
        assert len(assistant.index([SAMPLE, DATA / "list-review"]).added) == 4
        (index / "done").touch()
    answer = assistant.ask("What weapons were mentioned?")
    sources = [Path(c.source).name for c in answer.citations]
    assert "en-air-defence-berlin.txt" in sources and "russie-coree-du-nord.txt" in sources, answer.text
    assert any("IRIS-T" in c.quote for c in answer.citations), answer.text
    assert "en-wildfire-marseille.txt" not in sources, answer.text
    assert len(answer.citations) <= 5


@pytest.mark.parametrize("question,day", [
    ("What was the death toll of the Turkey earthquake on February 5?", "2026-02-05"),
    ("Quel était le bilan du séisme le 3 février ?", "2026-02-03")])
def test_the_article_published_on_the_day_asked_comes_first(newsroom, question, day):
    # "on February 5" quoted the toll of the 3rd first (a reviewer): English writes the month first, and the
    # day named was not read at all.
    from assistant.answering.extractive import dates_asked

    answer = newsroom.ask(question)
    assert answer.citations and answer.citations[0].published == day, answer.text
    assert dates_asked("What happened on Feb. 5 and on March 3, 2024?") == ["2024-03-03", "--02-05"]
    assert dates_asked("Who won in 2022?") == []  # a year names no day of publication


DAY_ARTICLES = {
    "lyon-floods.txt": "Floods in Lyon's old town\nPublished: 2024-06-08\n\nHeavy rain flooded the old town of Lyon "
                       "on Saturday. Firefighters evacuated 300 residents from the banks of the Saône, and the metro "
                       "closed four stations.\n",
    "council.txt": "City council sets its calendar\nPublished: 2024-05-20\n\nThe city council of Grenoble will "
                   "debate the new tram line on June 8. The mayor said the vote on the budget comes later in the "
                   "summer.\n",
    "festival.txt": "Music festival announced\nPublished: 2024-04-02\n\nThe Nuits de Fourvière festival opens on "
                    "June 8 with a concert by an orchestra from Vienna. Tickets go on sale next week.\n",
    "tennis.txt": "Tennis final\nPublished: 2024-06-09\n\nThe final of the tournament was played on Sunday in "
                  "Paris before 15,000 spectators. The Spanish player won in four sets.\n",
}


@pytest.mark.parametrize("question,expected", [
    ("What happened on June 8, 2024?", {"lyon-floods.txt"}),
    ("Que s'est-il passé le 8 juin ?", {"lyon-floods.txt"}),
    ("What happened in June 2024?", {"lyon-floods.txt", "tennis.txt"})])
def test_what_happened_on_a_day_quotes_the_articles_published_that_day(tmp_path_factory, question, expected):
    # The article published on June 8 says "on Saturday": it was neither retrieved nor near enough to the
    # question to clear the bar, and "What happened on June 8?" quoted only the articles that name the date.
    from assistant.answering.extractive import asks_for_day_events

    folder = tmp_path_factory.getbasetemp() / "day-news"
    if not folder.exists():
        folder.mkdir()
        for name, text in DAY_ARTICLES.items():
            (folder / name).write_text(text, encoding="utf-8")
    assistant = Assistant(folder.parent / "day-index", k=2)
    assistant.index([folder])
    answer = assistant.ask(question)
    sources = [Path(c.source).name for c in answer.citations]
    assert expected <= set(sources) and set(sources[: len(expected)]) == expected, answer.text
    assert len(sources) <= 5
    # A question about something else on that day is asked as it is.
    assert not asks_for_day_events("What happened to the Lyon metro on June 8?")
    assert not asks_for_day_events("What happened on that day?")


def test_a_sentence_two_articles_share_is_quoted_once(tmp_path):
    body = ("Le gouvernement a présenté mardi une réforme des retraites. La réforme repousse l'âge légal de départ "
            "à 64 ans. Les syndicats appellent à une grève générale le 19 janvier.\n")
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "agence.txt").write_text("Retraites : la réforme présentée\n\n" + body, encoding="utf-8")
    (folder / "reprise.txt").write_text("Réforme des retraites (reprise)\n\n" + body, encoding="utf-8")
    write_news(folder, ["pont.txt", "port.txt", "rougeole.md"])  # other candidates: the two copies rank alike
    assistant = Assistant(tmp_path / "index")
    assert len(assistant.index([folder]).added) == 5
    answer = assistant.ask("Quand les syndicats appellent-ils à la grève ?")
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert answer.answered and any("19 janvier" in q for q in quotes), answer.text
    assert len(quotes) == len(set(quotes)), quotes


# PIAF dev paragraphs (MIT, bench/data/piaf-fr) whose answer sentence is less like the question than a
# sentence beside it, and answers it once read with its neighbours.
_CONTEXT_CASES = [
    ("a104_p02", "Quel titre a été en tête du classement quotidien des téléchargements de Recochoku ?",
     "Kuro Neko-Adult Black Cat"),
    ("a006_p00", "Comment s’appelle le premier élément de la 8eme colonne du tableau périodique des éléments ?",
     "ununennium"),
    ("a007_p01", "De quel côté du Dniestr est située la Transnistrie ?", "rive gauche"),
    ("a037_p00", "Où est située la faculté de lettres ?", "à côté de la faculté de droit"),
]


@pytest.fixture(scope="module")
def piaf_paragraphs(tmp_path_factory) -> Assistant:
    folder = tmp_path_factory.mktemp("piaf-paragraphs")
    documents = load_dataset("piaf").documents
    (folder / "articles").mkdir()
    for context_id, _, _ in _CONTEXT_CASES:
        name = f"{context_id}.txt"
        (folder / "articles" / name).write_text(documents[name], encoding="utf-8")
    assistant = Assistant(folder / "index")
    assistant.index([folder / "articles"], wait=True)
    return assistant


@pytest.mark.parametrize("context_id,question,gold", _CONTEXT_CASES)
def test_the_answer_sentence_is_chosen_with_the_sentences_around_it(piaf_paragraphs, context_id, question, gold):
    answer = piaf_paragraphs.ask(question)
    assert answer.answered and gold in " ".join(c.quote for c in answer.citations)
    assert {c.source.rsplit("/", 1)[-1] for c in answer.citations} == {f"{context_id}.txt"}


def test_whether_to_answer_is_decided_on_the_sentence_alone_and_which_sentence_with_its_context():
    """``rank`` orders the sentences; the refusal threshold looks at the best ``score``."""
    passage = Document(page_content="Un. Deux. Trois.", metadata={"doc_id": "d", "language": "fr"})
    alone_best = ScoredSentence(passage, 0, 3, "Un.", 0.90, 0.93, rank=0.90)
    in_context_best = ScoredSentence(passage, 4, 9, "Deux.", 0.89, 0.91, rank=0.95)
    answerer = ExtractiveAnswerer(None, None, min_score=0.92, margin=0.01)
    ranked = sorted([alone_best, in_context_best], key=lambda s: -s.rank)
    assert [s.text for s in answerer.select(ranked, "fr")] == ["Deux."]
    answerer.min_score = 0.94
    assert answerer.select(ranked, "fr") == []


def test_a_sentence_under_the_bar_of_its_own_language_pair_does_not_open_the_answer():
    # An English question; an English sentence (0.907, under the bar of one language, 0.925) ranked above a
    # French one (0.90, above the cross-language bar, 0.885): the English one was quoted first, and the
    # question asked of the English article alone was refused.
    english = Document(page_content="…", metadata={"doc_id": "e", "language": "en"})
    french = Document(page_content="…", metadata={"doc_id": "f", "language": "fr"})
    drones = ScoredSentence(english, 0, 1, "Russia launched drones.", 0.907, 0.907)
    shells = ScoredSentence(french, 0, 1, "La Russie reçoit des obus.", 0.90, 0.90)
    answerer = ExtractiveAnswerer(None, None, min_score=0.925, min_score_cross=0.885, margin=0.07)
    assert [s.text for s in answerer.select([drones, shells], "en")] == ["La Russie reçoit des obus."]
    assert answerer.select([drones], "en") == []


def test_a_third_sentence_is_quoted_only_in_a_near_tie_with_the_best():
    """The second sentence may score up to ``margin`` under the best; a third only ``further_margin``: when the
    best three are that close, the scores cannot tell which answers, and quoting the three beats guessing
    (PIAF: answers holding a gold span 0.690 -> 0.699, 1.88 -> 1.95 sentences)."""
    passage = Document(page_content="…", metadata={"doc_id": "d", "language": "fr"})
    answerer = ExtractiveAnswerer(None, None, min_score=0.9, margin=0.07)  # further_margin: its default, 0.01

    def chosen(*ranks: float) -> list[str]:
        texts = ["Le maire a signé.", "Le conseil a voté le budget.", "La séance a duré deux heures.",
                 "Les travaux commencent en mai."]
        ranked = [ScoredSentence(passage, 40 * i, 40 * i + 1, texts[i], rank, rank) for i, rank in enumerate(ranks)]
        return [s.text for s in answerer.select(ranked, "fr")]

    assert len(chosen(0.95, 0.945, 0.942, 0.941)) == 3  # a near-tie: three, never more
    assert len(chosen(0.95, 0.945, 0.935)) == 2  # the third within the margin, not in the tie
    assert len(chosen(0.95, 0.87, 0.869)) == 1  # the second too far: the best alone


def test_a_sentence_that_only_repeats_a_quoted_one_is_not_quoted_again():
    """MultiHop-RAG's facts hold the same sentence with and without an index before it; said once."""
    passage = Document(page_content="…", metadata={"doc_id": "d", "language": "en"})
    first = "-- After missing last week's game, Tyreek Hill now needs to average almost 153 yards per game."
    copy = "152.67 -- After missing last week's game, Tyreek Hill now needs to average almost 153 yards per game."
    other = "Hill has 1,542 receiving yards this season."
    more = first[:-1] + ", which no one has done."
    answerer = ExtractiveAnswerer(None, None, min_score=0.5, margin=0.1)

    def chosen(*texts: str) -> list[str]:
        ranked = [ScoredSentence(passage, i, i + 1, text, 0.9, 0.9 - i / 100) for i, text in enumerate(texts)]
        return [s.text for s in answerer.select(ranked, "en")]

    assert chosen(first, copy, other) == [first, other]
    assert chosen(copy, first, other) == [copy, other]  # its words inside the quoted one's
    assert chosen(first, more) == [first, more]  # four words more say something new
    assert chosen(first, other) == [first, other]


def ask_about(tmp_path, name: str, text: str, question: str):
    """A fresh index of one article, ``name`` holding ``text``, asked ``question``: (assistant, answer)."""
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / name).write_text(text, encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([tmp_path / "news"], wait=True)
    return assistant, assistant.ask(question)


_RHETORICAL = """Munitions : l'armée russe tiendra-t-elle ?

L'armée russe tire chaque jour des dizaines de milliers d'obus en Ukraine. Ses stocks suffiront-ils à tenir \
jusqu'à l'été ? Selon l'institut RUSI, la production des usines russes couvre désormais les deux tiers de la \
consommation du front. Le reste vient de Corée du Nord, qui a livré plus d'un million d'obus depuis septembre.
"""


@pytest.mark.parametrize("question", ["Les stocks russes suffiront-ils à tenir jusqu'à l'été ?",
                                      "Will Russia's shell stocks last until summer?"])
def test_a_headline_or_a_rhetorical_question_is_not_quoted_as_the_answer(tmp_path, question):
    # Both questions in the article are the sentences most like the question, and answer nothing.
    _, answer = ask_about(tmp_path, "munitions.txt", _RHETORICAL, question)
    quotes = [c.quote for c in answer.citations]
    assert answer.answered and any("RUSI" in q for q in quotes), answer.text
    assert not any(q.rstrip(" »").endswith("?") for q in quotes), answer.text


_KYIV = """# Drone attacks on Kyiv

Russia launched a wave of Shahed drones and Kh-101 cruise missiles against Kyiv overnight, Ukraine's air force \
said on Tuesday.

Air defence systems, including Patriot batteries supplied by the United States, shot down most of the drones. \
Mayor Vitali Klitschko said two people were injured by falling debris.
"""


@pytest.mark.parametrize("question", ["What weapons were mentioned?", "Quelles armes ont été mentionnées ?"])
def test_an_article_in_another_language_does_not_make_the_question_unanswered(writable_index, question):
    # BM25 matches no word across languages: beside an English article, the French sample's passages rank
    # lower on an English question, and their sentences lost the bonus the refusal threshold counts on,
    # while the English ones stay under the higher bar of one language. Both were refused.
    news = writable_index.parent / "news"
    news.mkdir()
    (news / "kyiv.md").write_text(_KYIV, encoding="utf-8")
    assistant = Assistant(writable_index)
    assistant.index([news], wait=True)
    answer = assistant.ask(question)
    assert answer.answered, answer.text
    assert any(word in answer.text for word in ("missiles", "Patriot", "obus", "lance-roquettes")), answer.text


def test_a_headline_is_not_quoted_before_the_sentences_that_answer(tmp_path):
    _, answer = ask_about(tmp_path, "kyiv.md", _KYIV, "Who is the mayor of Kyiv?")
    quotes = [c.quote for c in answer.citations]
    assert answer.answered and any("Klitschko" in q for q in quotes), answer.text
    assert "Drone attacks on Kyiv" not in quotes, answer.text


def test_a_quoted_sentence_is_quoted_with_its_closing_mark(tmp_path):
    # The splitter ends "« Ce câble est stratégique. »" before its "»": answers quoted the opening mark alone.
    (tmp_path / "cable.txt").write_text(
        "Un câble sous-marin relie la Bretagne à l'Irlande\n\nLe ministre de la Mer a déclaré : « Ce câble est "
        "stratégique pour l'Europe. » Il a ajouté que les travaux dureront deux ans et coûteront 900 millions "
        "d'euros.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([tmp_path / "cable.txt"], wait=True)
    answer = assistant.ask("Qu'a déclaré le ministre de la Mer sur le câble ?")
    assert answer.answered and answer.citations[0].quote.endswith("stratégique pour l'Europe. »"), answer.text
    assert_citations_exact(assistant, answer)

    from assistant.answering.extractive import trim_span

    for text, quoted in [("Il a dit : « Non. » Puis il est parti.", "Il a dit : « Non. »"),
                         ("He said: “No.” Then he left.", "He said: “No.”"),
                         ("« Non », a-t-il dit. Puis il est parti.", "« Non », a-t-il dit."),
                         ("« Non. Jamais. » Puis.", "« Non.")]:  # the quotation goes on: nothing to take back
        end = text.index(".") + 1 if quoted != "« Non », a-t-il dit." else text.index("dit.") + 4
        start, stop = trim_span(text, 0, end)
        assert text[start:stop] == quoted, (text, text[start:stop])


def test_a_rule_or_markup_is_never_a_sentence_of_the_answer(tmp_path):
    # "---" (front matter, a section break) has no words and embeds close to everything: it made an
    # unrelated question count as answered, with the next sentences quoted.
    news = tmp_path / "news"
    news.mkdir()
    (news / "floods.txt").write_text(
        "Floods in Valencia kill dozens\n\nTorrential rain caused flash floods in the Valencia region of Spain on "
        "Tuesday, killing at least 95 people, according to the regional government.\n\n* * *\n\nRescue teams were "
        "searching for missing residents in the town of Paiporta.\n", encoding="utf-8")
    (news / "sante.md").write_text(
        "---\ntitle: Grippe\ndate: 2025-01-10\n---\n\n# Grippe : les urgences saturées\n\n"
        "> « Les urgences sont saturées dans plusieurs régions », a déclaré le ministre Yannick Neuder.\n\n"
        "| Région | Taux d'hospitalisation |\n|---|---|\n| Bretagne | 12 % |\n\n"
        "- Le pic de l'épidémie est attendu la semaine prochaine.\n", encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([news], wait=True)
    assert not assistant.ask("Who won the football match?").answered
    answer = assistant.ask("What did the health minister say?")
    quotes = [c.quote for c in answer.citations]
    assert answer.answered and quotes[0].startswith("« Les urgences"), answer.text
    assert not any(q.startswith(("|", ">", "-", "*")) or not any(ch.isalnum() for ch in q) for q in quotes), quotes
    text = assistant.article_text(str(news / "sante.md"))
    assert all(text[c.start : c.end] == c.quote for c in answer.citations)


_AI_ACT = """# EU adopts the AI Act

The European Parliament approved the Artificial Intelligence Act on Wednesday by a large majority.

## What the law bans

The regulation forbids several uses of artificial intelligence considered too dangerous:

- social scoring systems run by public authorities;
- emotion recognition in workplaces and schools;
- untargeted scraping of facial images from the internet.

Companies that break the rules face fines of up to 7% of their global turnover.
"""


@pytest.mark.parametrize("question", ["What does the AI Act ban?", "Quelles utilisations de l'IA sont interdites ?"])
def test_a_sentence_that_announces_a_list_is_quoted_with_its_items(tmp_path, question):
    # The items are the answer, and each alone scores below the sentence that names the topic: the
    # answer quoted "...considered too dangerous:" and stopped there.
    assistant, answer = ask_about(tmp_path, "ai-act.md", _AI_ACT, question)
    quotes = [c.quote for c in answer.citations]
    assert "The regulation forbids several uses of artificial intelligence considered too dangerous:" in quotes
    lead = quotes.index("The regulation forbids several uses of artificial intelligence considered too dangerous:")
    assert quotes[lead + 1 : lead + 4] == ["social scoring systems run by public authorities;",
                                           "emotion recognition in workplaces and schools;",
                                           "untargeted scraping of facial images from the internet."], quotes
    assert "fines" not in answer.text  # the list ends where the paragraph after it starts
    text = assistant.article_text(str(tmp_path / "news" / "ai-act.md"))
    assert all(text[c.start : c.end] == c.quote for c in answer.citations)


@pytest.mark.parametrize(("question", "refusal"), [
    ("What weapons did North Korea supply in 2015?", "They do not mention “2015”."),
    ("Quelles armes la Corée du Nord a-t-elle fournies en 2015 ?", "Ils ne mentionnent pas « 2015 »."),
])
def test_a_year_the_passages_never_write_is_not_answered(sample_assistant, question, refusal):
    # Answered with the sentences about today's deliveries: as close to the question as a true answer.
    answer = sample_assistant.ask(question)
    assert not answer.answered and answer.text.endswith(refusal), answer.text
    written = sample_assistant.ask("What did North Korea and Russia do in 2019?")  # the sample writes 2019
    assert written.answered and "2019" in written.text, written.text


def test_a_byline_is_not_a_sentence_that_answers(tmp_path):
    # "Par Julien Moreau | Publié le ..." scored 0.94 against a question about a recipe: it was the only
    # sentence above the bar, so the question counted as answered, with two unrelated sentences quoted.
    from assistant.loaders import METADATA_LINE

    for line in ("Par Julien Moreau | Publié le 20 novembre 2024", "By Sarah Kim", "Publié le 5 mars 2024 à 10h32"):
        assert METADATA_LINE.match(line), line
    for line in ("Par ailleurs, le ministre a parlé.", "By Tuesday, the talks had failed."):
        assert not METADATA_LINE.match(line), line
    _, answer = ask_about(tmp_path, "cop29.txt", "COP29 : un accord décevant\nPar Julien Moreau | Publié le 24 "
                          "novembre 2024\n\nLa COP29 s'est achevée dimanche sur un accord de 300 milliards de dollars "
                          "par an.\n", "Quelle est la recette de la tarte Tatin ?")
    assert not answer.answered, answer.text


_ECB_FR = """La BCE baisse ses taux

Francfort, le 12 décembre 2024 — Le gouvernement prévoit une croissance de 1,1 % en 2024 pour la France, et \
l'Insee a confirmé une hausse de 0,4 % du PIB au troisième trimestre. La Banque centrale européenne a abaissé \
son taux de dépôt à 3 %.
"""
_ECB_EN = """ECB cuts rates again

FRANKFURT, Dec 12 (Reuters) - The European Central Bank cut its deposit rate to 3% on Thursday. The bank's \
staff now expect growth of 0.8% in 2025, down from a forecast of 1.3% made in September.
"""


def test_a_sentence_in_another_language_than_the_question_is_ranked_by_its_own_bar(tmp_path):
    # e5 rates a sentence in the question's language higher: a French question whose answer is in the
    # English article was answered with the French article's sentences on growth in 2024.
    news = tmp_path / "news"
    news.mkdir()
    (news / "bce.txt").write_text(_ECB_FR, encoding="utf-8")
    (news / "ecb.txt").write_text(_ECB_EN, encoding="utf-8")
    assistant = Assistant(tmp_path / "index")
    assistant.index([news])
    # Two articles, one per language: the English one's only passage was the worse candidate, and lost the
    # passage bonus, as if it were the worst of its own language too.
    answer = assistant.ask("Quelle croissance la BCE prévoit-elle pour 2025 ?")
    assert answer.answered and any("0.8% in 2025" in c.quote for c in answer.citations), answer.text


def test_seas_and_the_channel_are_named_in_both_languages():
    # "Combien de personnes ont traversé la Manche ?" was refused: "They do not mention « Manche »".
    from assistant.answering.grounding import _alias_mentioned, text_words

    assert _alias_mentioned(text_words("Some 45,755 people crossed the Channel in small boats in 2022."), "Manche")
    assert _alias_mentioned(text_words("Des navires russes croisent en mer Noire."), "Black Sea")
    assert not _alias_mentioned(text_words("Des navires russes croisent en mer Baltique."), "Black Sea")


def test_a_statement_that_ends_on_a_rhetorical_question_is_not_taken_for_one(tmp_path):
    # The column's lead "...a £34 million multi-storey car park on Canal Street will be approved next week,
    # and almost nobody seems to be asking the obvious question: why?" lost 0.2 as a question, and "How
    # much will the car park cost?" got "£37,800 per space" (a reviewer).
    from assistant.answering.extractive import asks

    column = Path(__file__).parent / "data" / "analyst-review" / "en-opinion-car-parks.txt"
    assistant = Assistant(tmp_path / "index")
    assert assistant.index([column]).added
    answer = assistant.ask("How much will the Canal Street car park cost?")
    assert answer.citations and "£34 million" in answer.citations[0].quote, answer.text
    assert not asks("Il a marqué 24 points contre Limoges samedi soir, non ?")
    assert asks("What does it mean for the city, for its budget, and buses?") and asks("Pourquoi ?")
    assert asks("La question reste entière : qui paiera la facture du nouveau stade ?")


@pytest.mark.parametrize("question,answer", [
    ("Quels services d'urgences fermeront la nuit en Dordogne ?", "Trois sur sept : Sarlat, Nontron et Ribérac."),
    ("What should patients in Dordogne do at night when the emergency department is closed?",
     "Appeler le 15 avant de se déplacer.")])
def test_an_interview_answer_is_read_with_the_question_asked_before_it(tmp_path_factory, question, answer):
    # Each of the interviewer's questions is a paragraph of its own: read alone, "Trois sur sept : Sarlat,
    # Nontron et Ribérac." names nothing the question asks about, and the introduction was quoted instead
    # (one of five questions on the interview answered, a reviewer).
    folder = tmp_path_factory.getbasetemp() / "interview"
    assistant = Assistant(folder / "index")
    if not (folder / "done").exists():
        assert assistant.index([Path(__file__).parent / "data" / "analyst-review" / "fr-entretien-urgences.txt"]).added
        (folder / "done").touch()
    reply = assistant.ask(question)
    assert reply.citations and reply.citations[0].quote == answer, reply.text


def test_a_continuation_with_a_possessive_asks_about_its_own_subject(tmp_path):
    # "And its net debt?" after the revenue question quoted the revenue again: "its" made it a mere pointer
    # at the earlier question, and its own subject weighed half (a reviewer).
    from assistant.chain import new_subject, substituted

    assistant = Assistant(tmp_path / "index")
    assert assistant.index([Path(__file__).parent / "data" / "analyst-review" / "fr-resultats-ardelys.txt"]).added
    first = assistant.ask("What was Ardelys's third-quarter revenue?")
    answer = assistant.ask("And its net debt?", history=[first])
    assert answer.citations and "1,35 milliard" in answer.citations[0].quote, answer.text
    assert new_subject("Et sa dette ?") == "dette" and new_subject("And who supplies them?") is None
    assert substituted("Et celle de Thermalis ?", [("Quelle est la marge opérationnelle d'Ardelys ?", "")]) == (
        "Quelle est la marge opérationnelle de Thermalis ?")


@pytest.fixture(scope="module")
def court_and_sport(tmp_path_factory) -> Assistant:
    """Four of the newsroom articles (a rugby match, a corruption trial, a merger, an election), indexed once."""
    from conftest import NEWSROOM

    assistant = Assistant(tmp_path_factory.mktemp("court-and-sport") / "index")
    names = ["fr-rugby-top14.txt", "fr-proces-maire.txt", "en-merger.txt", "fr-election-benin.txt"]
    assert len(assistant.index([NEWSROOM / name for name in names]).added) == 4
    return assistant


def test_a_question_on_a_detail_the_article_names_about_another_fact_is_refused(court_and_sport):
    # A reporter's near miss: Thomas Ramos's 11 points were scored against La Rochelle; Clermont is the next
    # match, named at the article's end. "against Clermont" was answered with the La Rochelle points.
    refused = court_and_sport.ask("How many points did Thomas Ramos score against Clermont?")
    assert not refused.answered and not refused.citations, refused.text
    asked = court_and_sport.ask("How many points did Thomas Ramos score against La Rochelle?")
    assert asked.answered and "11 points" in asked.citations[0].quote, asked.text
    # A yes-or-no question may be answered from two paragraphs: Dupont's injury, Clermont's date.
    whether = court_and_sport.ask("Est-ce que Antoine Dupont jouera contre Clermont ?")
    assert whether.answered and any("six semaines" in c.quote for c in whether.citations), whether.text
    # A year is such a detail: 2021 is the previous election, named beside the turnout, not beside Talon.
    talon = court_and_sport.ask("Quel score a fait Patrice Talon en 2021 ?")
    assert not talon.answered and not talon.citations, talon.text
    wadagni = court_and_sport.ask("Quel score a obtenu Romuald Wadagni en 2026 ?")
    assert wadagni.answered and "62,4 %" in wadagni.citations[0].quote, wadagni.text


def test_questions_answered_yes_or_no():
    from assistant.answering.extractive import asks_whether

    for question in ["Est-ce que Antoine Dupont jouera contre Clermont ?", "Did Veltrix shares rise?",
                     "Bernard Castex a-t-il été déclaré inéligible ?", "Will Bernard Castex appeal the verdict?"]:
        assert asks_whether(question), question
    for question in ["De combien l'action Veltrix a-t-elle progressé ?", "In which countries does it have factories?",
                     "Combien de morts y a-t-il eu ?", "Qu'a dit Patrick Pouyanné ?", "Who scored for Toulouse?"]:
        assert not asks_whether(question), question
