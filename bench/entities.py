"""Precision and recall of the extracted people and places, against hand annotations.

    python bench/entities.py                      # the configured pipelines, with the project's rules
    python bench/entities.py --fr-model fr_core_news_sm --raw   # another pipeline / the bare model

Gold: tests/data/entities-gold.json (the bundled sample and ten PIAF paragraphs, annotated by hand).
Entity-level scoring per paragraph: a predicted person or place is right when its normalised key is one of
the accepted spellings of a gold entity of the same kind; recall counts the gold entities found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.entities import (  # noqa: E402
    _LABELS,
    DEFAULT_MODELS,
    PERSON,
    PLACE,
    entity_key,
    extract_mentions,
    pipeline_for,
)

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "entities-gold.json"


def predict(text: str, language: str, models: dict[str, str], raw: bool) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {PERSON: set(), PLACE: set()}
    if raw:
        for ent in pipeline_for(language, models)(text).ents:
            kind = _LABELS.get(ent.label_)
            if kind in found:
                found[kind].add(entity_key(ent.text))
        return found
    for mention in extract_mentions(text, language, models):
        if mention.kind in found:
            found[mention.kind].add(mention.key)
    return found


def score(paragraphs: list[dict], models: dict[str, str], raw: bool) -> dict[str, dict[str, float]]:
    totals = {kind: {"tp_pred": 0, "pred": 0, "found": 0, "gold": 0} for kind in (PERSON, PLACE)}
    for paragraph in paragraphs:
        predicted = predict(paragraph["text"], paragraph["language"], models, raw)
        ignore = {entity_key(name) for name in paragraph.get("ignore", [])}
        for kind, field in ((PERSON, "people"), (PLACE, "places")):
            gold = [{entity_key(name) for name in names} for names in paragraph[field]]
            keys = predicted[kind] - ignore
            totals[kind]["pred"] += len(keys)
            totals[kind]["tp_pred"] += sum(1 for key in keys if any(key in g for g in gold))
            totals[kind]["gold"] += len(gold)
            totals[kind]["found"] += sum(1 for g in gold if g & keys)
    result = {}
    for kind, t in totals.items():
        precision = t["tp_pred"] / t["pred"] if t["pred"] else 1.0
        recall = t["found"] / t["gold"] if t["gold"] else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = {"precision": precision, "recall": recall, "f1": f1, "predicted": t["pred"], "gold": t["gold"]}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fr-model", default=DEFAULT_MODELS["fr"])
    parser.add_argument("--raw", action="store_true", help="the model's own spans and labels, without the rules")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    models = dict(DEFAULT_MODELS, fr=args.fr_model, other=args.fr_model)
    paragraphs = json.loads(GOLD.read_text(encoding="utf-8"))["paragraphs"]
    sets = {"sample": [p for p in paragraphs if p["id"] == "sample"],
            "piaf-10": [p for p in paragraphs if p["id"] != "sample"]}
    pipeline_for("fr", models)  # load outside the timing
    report = {}
    for name, subset in sets.items():
        started = time.perf_counter()
        report[name] = score(subset, models, args.raw)
        report[name]["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"pipeline {args.fr_model}{' (raw model output)' if args.raw else ' + rules'}")
    for name, result in report.items():
        for kind in (PERSON, PLACE):
            r = result[kind]
            print(f"{name:8} {kind:7} precision {r['precision']:.3f}  recall {r['recall']:.3f}  f1 {r['f1']:.3f}  "
                  f"({r['predicted']} predicted, {r['gold']} gold)")
        print(f"{name:8} extraction time {result['seconds']}s")


if __name__ == "__main__":
    main()
