"""The real-text benchmark corpus: PIAF paragraphs and MultiHop-RAG facts grouped back into articles.

PIAF paragraphs of one Wikipedia article become one file, MultiHop facts of one news article become one
file (title first, then the text), and the bundled sample is added: news-like files of a few thousand
characters, so indexing works file by file as it would on a newsroom's folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SAMPLE = ROOT / "samples" / "russie-coree-du-nord.txt"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def articles() -> list[tuple[str, str]]:
    """``(title, text)`` of every article of the corpus, in a stable order."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in _rows(DATA / "piaf-fr" / "contexts.jsonl"):
        grouped[f"piaf:{row['title']}"].append(row["context"])
    for row in _rows(DATA / "multihop-rag" / "evidence_facts.jsonl"):
        grouped[f"multihop:{row['title']}"].append(row["fact"])
    result = [(key.split(":", 1)[1], "\n\n".join(dict.fromkeys(parts))) for key, parts in grouped.items()]
    result.append(("sample", SAMPLE.read_text(encoding="utf-8")))
    return result


def write_corpus(folder: Path) -> list[Path]:
    """One .txt file per article under ``folder`` (emptied first); returns the files."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = []
    for title, text in articles():
        if title == "sample":
            target = folder / SAMPLE.name
            shutil.copyfile(SAMPLE, target)
        else:
            name = hashlib.sha1(title.encode()).hexdigest()[:12]
            target = folder / f"{name}.txt"
            target.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        files.append(target)
    return files


def questions() -> list[str]:
    """Real questions of the bench sets: PIAF (French), MultiHop (English), the seed questions."""
    piaf = [row["question"] for row in _rows(DATA / "piaf-fr" / "questions-dev.jsonl")]
    multihop = [row["query"] for row in _rows(DATA / "multihop-rag" / "queries-dev.jsonl")]
    seed = [row["question"] for row in _rows(DATA / "seed-dev.jsonl")]
    # interleave so any prefix mixes languages and kinds
    mixed: list[str] = []
    for i in range(max(len(piaf), len(multihop))):
        mixed.extend(x[i] for x in (piaf, multihop) if i < len(x))
    return seed + mixed
