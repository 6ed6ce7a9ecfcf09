"""The query-likelihood reranker: the bundled Gemma 3 270M read by torch, over a real index."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant import Assistant, reranking
from assistant.cli import main as cli_main
from assistant.evaluation import load_dataset
from assistant.reranking import QueryLikelihoodReranker, RerankerError, default_cache_dir, load_causal_lm
from assistant.retrieval import fuse_rerank

WEAPONS = ("Ces armements comprennent des obus de calibre 122mm et 152mm ainsi que des lance-roquettes "
           "multiples Grad.")
OTHERS = [
    "La réaction internationale a été rapide, avec une attention particulière des États-Unis.",
    "Kim a exprimé sa conviction que la Russie sortira victorieuse de ses engagements actuels.",
    "Le stade municipal accueillera le concert de l'orchestre national samedi soir.",
]


@pytest.fixture(scope="module")
def reranker() -> QueryLikelihoodReranker:
    return QueryLikelihoodReranker()


@pytest.mark.parametrize("question,answer", [
    ("Quelles armes ont été mentionnées ?", WEAPONS),
    ("Qui sortira victorieuse selon Kim ?", OTHERS[1]),
    ("Où se jouera le concert de l'orchestre national ?", OTHERS[2]),
])
def test_the_passage_that_answers_the_question_scores_highest(reranker, question, answer):
    passages = [WEAPONS, *OTHERS]
    scores = reranker.scores(question, passages)
    assert len(scores) == len(passages)
    assert passages[max(range(len(passages)), key=scores.__getitem__)] == answer, scores
    # Scores depend on the passage alone, not on the others read with it (batching, padding) nor on
    # the order they come in; a question asked again is not read again, and gives the same scores.
    again = reranker.scores(question, passages[::-1])
    assert again == pytest.approx(scores[::-1], abs=0.05)
    alone = reranker.scores(question, [answer])
    assert alone[0] == pytest.approx(scores[passages.index(answer)], abs=0.05)


def test_the_bundled_model_is_converted_once_into_the_model_cache(reranker):
    folders = [p for p in default_cache_dir().iterdir() if p.name.startswith("gemma-3-270m")]
    assert len(folders) >= 1 and all((p / "config.json").is_file() for p in folders)
    assert not [p for p in default_cache_dir().iterdir() if p.name.startswith(".gemma-3-270m")]  # no half-written
    # Loaded once per process: a second reranker shares the model.
    assert load_causal_lm("gemma-3-270m", default_cache_dir())[1] is reranker.model


def test_fusion_of_retrieval_and_reranker_scores_is_by_z_score():
    combined = fuse_rerank([1.0, 0.0, 0.5], [0.0, 1.0, 0.5], weight=3.0)
    assert list(combined.argsort()[::-1]) == [1, 2, 0]
    assert list(fuse_rerank([1.0, 0.0, 0.5], [0.0, 1.0, 0.5], weight=0.0).argsort()[::-1]) == [0, 2, 1]
    assert list(fuse_rerank([1.0, 0.0], [3.0, 3.0], weight=3.0)) == [1.0, -1.0]  # a flat reranker says nothing


def test_a_reranked_search_keeps_the_answer_and_says_each_chunk_s_score(sample_index, reranker):
    assistant = Assistant(sample_index, reranker="query-likelihood")
    docs = assistant.retrieve("Quelles armes ont été mentionnées ?", k=3)
    assert len(docs) == 3
    scores = [doc.metadata["rerank_score"] for doc in docs]
    assert scores == sorted(scores, reverse=True)
    assert "Grad" in docs[0].page_content
    answer = assistant.ask("What weapons were mentioned?")
    assert answer.answered and "Grad" in " ".join(c.quote for c in answer.citations)
    # Off (the default), no chunk carries a reranker score.
    assert all("rerank_score" not in doc.metadata for doc in Assistant(sample_index).retrieve("armes", k=3))


def test_a_reranker_model_that_is_not_there_is_named(tmp_path):
    missing = QueryLikelihoodReranker(str(tmp_path / "nowhere.gguf"))  # the model is not read yet
    assert missing.readiness().state == "waiting"
    with pytest.raises(RerankerError, match="nowhere.gguf"):
        missing.prepare()
    assert missing.readiness().state == "failed" and "nowhere.gguf" in missing.readiness().error
    with pytest.raises(RerankerError, match="nowhere.gguf"):  # a question then says why, too
        missing.scores("Quelles armes ?", [WEAPONS])
    with pytest.raises(RerankerError, match="transformers causal language model"):
        QueryLikelihoodReranker(str(tmp_path / "no-folder")).prepare()


@pytest.fixture()
def slow_conversion(tmp_path, monkeypatch):
    """A GGUF file whose conversion (the one expensive step, replaced here) takes half a second and is
    counted; the locks around it are the real ones. Reading the folder made gives the bundled model."""
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF")
    calls: list[Path] = []

    def convert(gguf_path: Path, folder: Path) -> None:
        calls.append(folder)
        time.sleep(0.5)  # long enough for the other threads to come while it runs
        folder.mkdir()
        (folder / "config.json").write_text("{}", encoding="utf-8")

    bundled = load_causal_lm("gemma-3-270m", default_cache_dir())  # loaded before: reading is not under test
    monkeypatch.setattr(reranking, "_convert", convert)
    monkeypatch.setattr(reranking, "_read_folder", lambda folder: bundled)
    return gguf, tmp_path / "models", calls


def run_together(*targets) -> list[BaseException]:
    """Run the targets in threads started at once; the exceptions they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(targets))

    def run(target) -> None:
        start.wait()
        try:
            target()
        except BaseException as error:  # given back to the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "still running after a minute"
    return errors


def test_two_threads_preparing_a_reranker_at_once_convert_its_model_once(slow_conversion, reranker):
    gguf, cache, calls = slow_conversion
    # The web app prepares it in the background while a first question asks for it (``scores`` prepares).
    prepared = QueryLikelihoodReranker(str(gguf), cache_dir=cache)
    announced: list[str] = []
    seen: list[str] = []

    def watch() -> None:
        while not prepared.readiness().settled:
            seen.append(prepared.readiness().state)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert run_together(*[lambda: prepared.prepare(converting=lambda: announced.append("converting"))] * 2) == []
    watcher.join(timeout=10)
    assert len(calls) == 1 and announced == ["converting"]  # the second waited for the first's conversion
    assert "converting" in seen and prepared.readiness().state == "ready"
    scores = prepared.scores("Quelles armes ont été mentionnées ?", [WEAPONS, OTHERS[2]])
    assert scores[0] > scores[1]
    assert prepared.model is reranker.model  # the folder "made" above is read as the bundled model
    # Another reranker of the same model and cache, later: the folder is there, nothing is converted.
    QueryLikelihoodReranker(str(gguf), cache_dir=cache).prepare()
    assert len(calls) == 1


def test_two_processes_converting_one_model_at_once_convert_it_once(slow_conversion):
    gguf, cache, calls = slow_conversion
    # Below this process's own lock, as two processes would (the web app and `assistant ask`): the lock
    # file in the model cache keeps the second waiting, then it reads the folder the first made.
    folders: list[Path] = []
    assert run_together(*[lambda: folders.append(reranking._converted(gguf, cache)) for _ in range(3)]) == []
    assert len(calls) == 1
    assert len(folders) == 3 and len(set(folders)) == 1 and (folders[0] / "config.json").is_file()


def test_a_reranker_that_failed_to_prepare_says_why_and_is_not_tried_again(slow_conversion, monkeypatch):
    gguf, cache, calls = slow_conversion

    def broken(gguf_path: Path, folder: Path) -> None:
        calls.append(folder)
        raise RerankerError("reading tiny.gguf needs the rerank extra")

    monkeypatch.setattr(reranking, "_convert", broken)
    failing = QueryLikelihoodReranker(str(gguf), cache_dir=cache)
    for _ in range(2):
        with pytest.raises(RerankerError, match="rerank extra"):
            failing.prepare()
    assert len(calls) == 1  # a conversion that failed would fail again, a minute later
    assert failing.readiness().state == "failed" and "rerank extra" in failing.readiness().error


def test_ask_says_on_stderr_that_it_converts_the_reranker_model_first(slow_conversion, sample_index, monkeypatch,
                                                                      capsys):
    gguf, cache, calls = slow_conversion
    monkeypatch.setenv("ASSISTANT_RERANKER", "query-likelihood")
    monkeypatch.setenv("ASSISTANT_RERANKER_MODEL", str(gguf))
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE_DIR", str(cache))
    assert cli_main(["--index", str(sample_index), "ask", "Quelles armes ont été mentionnées ?"]) == 0
    out, err = capsys.readouterr()
    assert "Grad" in out and len(calls) == 1
    notes = [line for line in err.splitlines() if "converting the reranker model" in line]
    assert len(notes) == 1 and "about a minute" in notes[0]
    # Converted now: the next question waits for nothing, and says nothing of it.
    assert cli_main(["--index", str(sample_index), "ask", "Quelles armes ont été mentionnées ?"]) == 0
    assert "converting" not in capsys.readouterr().err and len(calls) == 1


def test_an_unknown_reranker_is_refused_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_RERANKER", "cross-encoder")
    assert cli_main(["stats"]) == 2
    assert "ASSISTANT_RERANKER='cross-encoder'" in capsys.readouterr().err


@pytest.mark.parametrize("question,gold,others", [
    # Fused similarities rank another paragraph of the article first: it shares the question's words
    # ("communauté juive", "années 80"; "l'île", "altitude") but not its answer.
    ("Qui a dirigé la communauté juive de France à la fin des années 80 ?", "a113_p01",
     ["a113_p02", "a113_p00", "a048_p07", "a123_p01"]),
    ("A quelle altitude l'île culmine-t-elle ?", "a008_p04", ["a123_p01", "a008_p00", "a113_p02", "a048_p07"]),
])
def test_the_reranker_puts_first_the_paragraph_that_answers(tmp_path, reranker, question, gold, others):
    documents = load_dataset("piaf").documents
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in [gold, *others]:
        (corpus / f"{name}.txt").write_text(documents[f"{name}.txt"], encoding="utf-8")
    Assistant(tmp_path / "index").index([corpus])

    def first(assistant: Assistant) -> str:
        return Path(assistant.retrieve(question, k=3)[0].metadata["source"]).stem

    assert first(Assistant(tmp_path / "index")) != gold
    assert first(Assistant(tmp_path / "index", reranker="query-likelihood")) == gold
