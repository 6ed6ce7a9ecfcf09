"""Calibrates the LLM answerer's citation check (``assistant.answering.llm.supports``).

A marker is kept when its passage supports the answer sentence it ends. Measured on pairs of a claim and
its true source sentence, against the same claim and the other sentences of the article:
- sample: English claims a model writes about the bundled French sample, each with its source sentence;
- piaf-en: PIAF's English questions (bench/data/piaf-en) with their gold answer, as a claim, against the
  French paragraph's sentence holding the answer; false: the other sentences of the article;
- multihop: MultiHop-RAG's English queries against their gold evidence facts (English); false: facts of
  other articles of the same category.

    python -m bench.support            # prints the rates at the chosen default and a few others
                                       # (bench/results/support.txt)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.llm import DEFAULT_MIN_SUPPORT, support_score  # noqa: E402
from assistant.embeddings import load_embeddings  # noqa: E402
from assistant.sentences import sentence_spans  # noqa: E402

SAMPLE_CLAIMS = [  # (claim, a piece of its source sentence)
    ("North Korea supplies 122mm and 152mm shells and Grad multiple rocket launchers.", "122mm et 152mm"),
    ("The weapons include 122mm and 152mm calibre shells.", "122mm et 152mm"),
    ("Grad rocket launchers were mentioned.", "lance-roquettes multiples Grad"),
    ("Kim Jong-un and Vladimir Putin met at the Vostochny cosmodrome.", "cosmodrome de Vostotchny"),
    ("The meeting raised international concern, notably in Ukraine and the United States.",
     "cosmodrome de Vostotchny"),
    ("Kim Jong-un visited Vladimir Putin, a sign of stronger ties between Russia and North Korea.",
     "La relation entre la Russie"),
    ("North Korea has already been supplying weapons to Russia for about six weeks.", "six semaines"),
    ("The Kremlin wants to obtain millions of munitions.", "Le Kremlin vise"),
    ("Kyrylo Budanov is the head of Ukrainian military intelligence.", "selon Kyrylo Boudanov"),
    ("North Korea's arms production capacity far exceeds what Russia could produce.", "capacité de production"),
    ("Russia cannot reach these volumes.", "pas en mesure d'atteindre"),
    ("Kim said he believes Russia will be victorious.", "sortira victorieuse"),
    ("Washington fears a massive transfer of weapons to support Russian operations in Ukraine.",
     "Washington craint"),
    ("Their last major exchange was at a meeting in 2019.", "2019"),
    ("It will have a negative effect on the war in Ukraine, the official said.", "effet négatif"),
    ("Ukraine suggested Pyongyang could supply Moscow with more arms and ammunition.", "Pyongyang pourrait"),
]


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, language="fr")]


def sample_pairs():
    text = (ROOT / "samples" / "russie-coree-du-nord.txt").read_text(encoding="utf-8")
    sentences = [s for s in sentences_of(text) if len(s.split()) >= 4]
    for claim, piece in SAMPLE_CLAIMS:
        true = [s for s in sentences if piece in s]
        assert true, piece
        yield claim, true[0], [s for s in sentences if s not in true]


def piaf_pairs():
    contexts = [json.loads(line) for line in open(ROOT / "bench/data/piaf-fr/contexts.jsonl", encoding="utf-8")]
    by_id = {c["context_id"]: c for c in contexts}
    by_title = defaultdict(list)
    for c in contexts:
        by_title[c["title"]].append(c)
    for line in open(ROOT / "bench/data/piaf-en/questions-dev.jsonl", encoding="utf-8"):
        q = json.loads(line)
        context = by_id[q["context_id"]]
        answer = q["answers"][0]
        sentences = [s for c in by_title[context["title"]] for s in sentences_of(c["context"])]
        true = [s for s in sentences_of(context["context"]) if answer in s]
        if not true:
            continue  # the answer spans two sentences
        yield f"{q['question']} {answer}", true[0], [s for s in sentences if answer not in s]


def multihop_pairs():
    facts = [json.loads(line) for line in open(ROOT / "bench/data/multihop-rag/evidence_facts.jsonl", encoding="utf-8")]
    by_category = defaultdict(list)
    for f in facts:
        by_category[f["category"]].append(f)
    rng = np.random.default_rng(0)
    for line in open(ROOT / "bench/data/multihop-rag/queries-dev.jsonl", encoding="utf-8"):
        q = json.loads(line)
        if not q["evidence_list"]:
            continue
        gold = q["evidence_list"][0]
        others = [f["fact"] for f in by_category[gold["category"]]
                  if f["title"] not in {e["title"] for e in q["evidence_list"]}]
        picked = [others[i] for i in rng.choice(len(others), size=min(10, len(others)), replace=False)]
        yield q["query"], gold["fact"], picked


def scores(embeddings, pairs):
    true_scores, false_scores = [], []
    for claim, true, false in pairs:
        vector = embeddings.embed_queries([claim])[0]
        sentences = [true, *false]
        vectors = embeddings.embed_passages(sentences)
        values = [support_score(claim, s, float(v @ vector)) for s, v in zip(sentences, vectors, strict=True)]
        true_scores.append(values[0])
        false_scores.extend(values[1:])
    return np.array(true_scores), np.array(false_scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()  # no options: "--help" printed nothing and ran the whole calibration
    embeddings = load_embeddings("multilingual-e5-small")
    for name, pairs in (("sample", sample_pairs()), ("piaf-en", piaf_pairs()), ("multihop", multihop_pairs())):
        true, false = scores(embeddings, list(pairs))
        print(f"{name}: {len(true)} true pairs, {len(false)} false pairs")
        for threshold in sorted({0.76, 0.78, 0.8, 0.82, 0.84, 0.86, DEFAULT_MIN_SUPPORT}):
            mark = " <- default" if threshold == DEFAULT_MIN_SUPPORT else ""
            print(f"  {threshold:.3f}: true kept {int((true >= threshold).sum())}/{len(true)} "
                  f"({(true >= threshold).mean():.1%}), false dropped {int((false < threshold).sum())}/{len(false)} "
                  f"({(false < threshold).mean():.1%}){mark}")


if __name__ == "__main__":
    main()
