"""The evaluation: metrics computed right on a hand-made case, and real runs on a slice of each dev set."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from assistant.evaluation import (
    QuestionResult,
    answer_sentences,
    compute_metrics,
    contains_span,
    evaluate,
    format_table,
    load_dataset,
    pooled_refusals,
    prepare_index,
    retrieval_metrics,
)
from assistant.settings import Settings


def result(id: str, gold: list[str], ranked: list[str], *, answerable: bool = True, answered: bool = True,
           correct: bool | None = None, sentences: int = 1, marked: int = 1, citations: int = 1, exact: int = 1,
           seconds: float = 0.1) -> QuestionResult:
    return QuestionResult(id=id, answerable=answerable, language="fr", gold_docs=gold, ranked_docs=ranked,
                          answered=answered, correct=correct, sentences=sentences, marked_sentences=marked,
                          citations=citations, citations_exact=exact, seconds=seconds)


def hand_made() -> list[QuestionResult]:
    filler = [f"x{i}" for i in range(10)]
    return [
        result("q1", ["a"], ["a", *filler[:9]], correct=True, seconds=0.1),  # rank 1
        result("q2", ["c"], ["x", "y", "c", *filler[:7]], correct=False, sentences=2, marked=2, citations=2,
               exact=2, seconds=0.2),  # rank 3
        result("q3", ["d", "e"], [*filler[:6], "e", *filler[6:9]], correct=True, seconds=0.3),  # rank 7, d missing
        result("q4", ["f"], filler, answered=False, correct=False, sentences=0, marked=0, citations=0, exact=0,
               seconds=0.4),  # not retrieved, refused
        result("q5", [], filler[:3], answerable=False, answered=False, sentences=0, marked=0, citations=0,
               exact=0, seconds=0.5),  # rightly refused
        result("q6", [], filler[:3], answerable=False, answered=True, sentences=2, marked=1, citations=2,
               exact=1, seconds=0.6),  # answered what it should have refused, one quote wrong
    ]


def test_metrics_on_a_hand_made_case():
    metrics = compute_metrics(hand_made(), all_gold=True)
    assert metrics["questions"] == 6 and metrics["answerable"] == 4 and metrics["unanswerable"] == 2
    assert metrics["hit@1"] == 0.25
    assert metrics["hit@5"] == 0.5
    assert metrics["hit@10"] == 0.75
    assert metrics["mrr@10"] == round((1 + 1 / 3 + 1 / 7) / 4, 4)
    assert metrics["all_gold@10"] == 0.5  # q1 and q2 have all their gold; q3 lacks d, q4 everything
    assert metrics["answer_correct"] == 0.5  # q1, q3 of the four checkable
    assert metrics["answer_sentences_mean"] == 1.5  # answered: q1 1, q2 2, q3 1, q6 2
    assert metrics["citations_exact"] == round(5 / 6, 4)
    assert metrics["sentences_with_marker"] == round(5 / 6, 4)
    assert metrics["unanswerable_refused"] == 0.5
    assert metrics["answerable_refused"] == 0.25
    assert metrics["seconds_median"] == 0.35
    assert metrics["seconds_p95"] == 0.6


def test_mrr_counts_only_the_top_ten_and_questions_with_gold():
    assert retrieval_metrics([(["a"], [f"x{i}" for i in range(10)] + ["a"])])["mrr@10"] == 0.0
    assert retrieval_metrics([(["a"], ["b", "a"]), ([], ["a"])])["mrr@10"] == 0.5


def test_pooled_refusals_add_counts_not_shares():
    small = {"metrics": compute_metrics(hand_made()[4:5])}  # 1 unanswerable, refused
    large = {"metrics": compute_metrics(hand_made())}  # 2 unanswerable, 1 refused; 4 answerable, 1 refused
    pooled = pooled_refusals([small, large])
    assert pooled == {"unanswerable_refused": round(2 / 3, 4), "answerable_refused": 0.25}


def test_span_matching_ignores_case_spaces_apostrophes_and_markers():
    assert contains_span("La croissance est de 6,5 %  dans les années 1990. [1]", ["6,5 % dans"])
    assert contains_span("L’Ouganda [1]", ["l'ouganda"])
    assert not contains_span("rien à voir [1]", ["Ouganda", ""])


def test_answer_sentences_attach_markers_to_the_sentence_before():
    sentences = answer_sentences("Ces armes sont des obus. [1] Le Kremlin veut des munitions. [2]")
    assert len(sentences) == 2 and all("[" in s for s in sentences)
    sentences = answer_sentences("Une phrase sans marque. Une autre qui en a une [1].")
    assert len(sentences) == 2
    assert sum("[" in s for s in sentences) == 1
    # English answers are cut as English articles are ("Jan. 5" is no sentence end), markers kept
    sentences = answer_sentences("NATO Secretary General Jens Stoltenberg spoke on Jan. 5 in Brussels. [1] "
                                 "He asked for Patriot batteries. [2] Nothing cites this.")
    assert [s.endswith(("[1]", "[2]")) for s in sentences] == [True, True, False], sentences
    # A quote that ends with its closing mark is one sentence with its marker, not the mark cut off as one
    # more sentence (French, spaced), nor two sentences read as one (English, the marker's space left double).
    sentences = answer_sentences("Le ministre a déclaré : « Ce câble est stratégique pour l'Europe. » [1] "
                                 "Il a ajouté que les travaux dureront deux ans. [2]")
    assert len(sentences) == 2 and all("[" in s for s in sentences), sentences
    sentences = answer_sentences('He said: "We will not stop." [1] Then he left the room. [2]')
    assert len(sentences) == 2 and all("[" in s for s in sentences), sentences


def test_english_questions_on_piaf_ask_about_its_corpus_and_share_its_index(tmp_path):
    english, french = load_dataset("piaf-en"), load_dataset("piaf")
    assert english.documents == french.documents and english.corpus == "piaf"
    assert {q.language for q in english.questions} == {"en"}
    gold = {q.id: q for q in french.questions}
    translated = [q for q in english.questions if q.answerable]
    # Each translation keeps its French question's paragraph and gold spans.
    assert all(gold[q.id.removesuffix("-en")].answers == q.answers for q in translated)
    assert sum(not q.answerable for q in english.questions) == 40
    folder = prepare_index(english.subset(0, 1), Settings(), cache_dir=tmp_path).settings.index_dir.parent
    assert folder.name.startswith("piaf-")


def test_french_questions_on_english_text_keep_their_gold_and_share_the_corpus_index():
    """multihop-fr asks the MultiHop facts in French; seed-en asks the seed questions of an English copy of
    the sample: the other direction across languages than piaf-en."""
    french, english = load_dataset("multihop-fr"), load_dataset("multihop")
    assert french.documents == english.documents and french.corpus == "multihop"
    answerable = [q for q in french.questions if q.answerable]
    assert len(answerable) == 40 and len(french.questions) == 60 and {q.language for q in french.questions} == {"fr"}
    # Every gold span is in its fact, so "answer contains gold" can be reached.
    assert all(any(a in french.documents[f"{q.gold_docs[0]}.md"] for a in q.answers) for q in answerable)
    seed_en = load_dataset("seed-en")
    text = next(iter(seed_en.documents.values()))
    assert len(seed_en.questions) == len(load_dataset("seed").questions)
    assert all(term in text for q in seed_en.questions for term in q.must_contain)


@pytest.mark.parametrize("name,questions,distractors", [("piaf", 3, 3), ("piaf-en", 3, 3), ("multihop", 4, 4),
                                                        ("multihop-fr", 3, 3)])
def test_evaluation_on_a_slice(name, questions, distractors, tmp_path):
    dataset = load_dataset(name).subset(questions, distractors)
    assert len(dataset.questions) == questions
    assistant = prepare_index(dataset, Settings(), cache_dir=tmp_path)
    report = evaluate(dataset, assistant)
    metrics = report["metrics"]
    assert metrics["questions"] == questions
    # Every quote is the source text at its offsets, and every answer sentence carries its marker.
    assert sum(r["citations"] for r in report["results"]) > 0
    assert metrics["citations_exact"] == 1.0
    assert metrics["sentences_with_marker"] == 1.0
    # Each gold document is in a corpus this small, so it is found in the top 10.
    assert metrics["hit@10"] == 1.0
    assert format_table([report]).splitlines()[0].split() == [name]
    # The index is cached by content: asking for it again reuses the folder.
    again = prepare_index(dataset, Settings(), cache_dir=tmp_path)
    assert again.settings.index_dir == assistant.settings.index_dir
    assert (assistant.settings.index_dir.parent / "complete.json").exists()


def test_eval_command_on_the_seed_questions(tmp_path):
    out = tmp_path / "seed.json"
    env = dict(os.environ)
    env.pop("ASSISTANT_INDEX_DIR", None)
    result = subprocess.run([sys.executable, "-m", "assistant", "eval", "seed", "-q", "--out", str(out),
                             "--cache", str(tmp_path / "cache")], capture_output=True, text=True, cwd=ROOT,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "citations quote = source" in result.stdout and "unanswerable refused" in result.stdout
    report = json.loads(out.read_text())["datasets"][0]
    metrics = report["metrics"]
    assert metrics["citations_exact"] == 1.0
    # The English questions about the French article are answered like the French ones.
    assert metrics["answer_correct_by_language"] == {"en": 1.0, "fr": 1.0}
    assert metrics["unanswerable_refused"] == 1.0 and metrics["answerable_refused"] == 0.0


@pytest.mark.parametrize(("argv", "says"), [
    # `--limit 0` asked no question and wrote a report of none over bench/results/eval-seed-extractive.json;
    # `--limit -5` asked all but the last five, as a Python slice does.
    (["--limit", "0"], "argument --limit: must be 1 or more, not 0"),
    (["--limit", "-5"], "argument --limit: must be 1 or more, not -5"),
    (["--limit", "ten"], "argument --limit: not a whole number: 'ten'"),
])
def test_eval_refuses_a_limit_that_is_no_count_of_questions(argv, says, tmp_path, capsys):
    from assistant.cli import main

    out = tmp_path / "seed.json"
    with pytest.raises(SystemExit) as exit:
        main(["eval", "seed", "-q", "--out", str(out), "--cache", str(tmp_path / "cache"), *argv])
    assert exit.value.code == 2 and not out.exists()
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"assistant eval: error: {says}"


def test_eval_says_a_missing_dev_set_in_one_line(tmp_path, capsys):
    # `--data` naming a folder without the dev sets printed EvaluationError's traceback.
    from assistant.cli import main

    status = main(["eval", "seed", "-q", "--data", str(tmp_path), "--cache", str(tmp_path / "cache")])
    assert status == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {tmp_path / 'seed-dev.jsonl'}: no such file (the dev sets live in bench/data/)"]
