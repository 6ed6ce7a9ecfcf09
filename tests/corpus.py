"""Small corpora for the reindexing tests: hand-written news items, and PIAF paragraphs as files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIAF = ROOT / "bench" / "data" / "piaf-fr"

NEWS = {
    "pont.txt": "Lyon inaugure une passerelle sur le Rhône\n\nLa mairie de Lyon a inauguré samedi une passerelle "
                "piétonne de 220 mètres au-dessus du Rhône. Les travaux ont coûté 18 millions d'euros.\n",
    "port.txt": "Le port de Marseille bat un record\n\nLe grand port maritime de Marseille a traité 81 millions de "
                "tonnes de marchandises en 2023, un record historique selon sa direction.\n",
    "rougeole.md": "# Measles campaign in the north\n\nThe health ministry launched a vaccination campaign against "
                   "measles in forty schools of the northern region on Monday.\n",
}


def write_news(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names or list(NEWS):
        paths[name] = folder / name
        paths[name].write_text(NEWS[name], encoding="utf-8")
    return paths


FIRST = ["Marie", "Jean", "Luc", "Anne", "Paul", "Claire", "Hugo", "Lea", "Louis", "Emma", "Yann", "Nadia",
         "Karim", "Sofia", "Pierre", "Julie", "Marc", "Ines", "Tom", "Chloe", "Omar", "Elise", "Theo", "Lina",
         "Victor", "Alice", "Samuel", "Camille", "Noah", "Zoe", "Adrien", "Manon", "Bruno", "Sarah", "Gilles",
         "Laura", "Denis", "Agathe", "Remi", "Celine", "Fabien", "Helene", "Xavier", "Nora", "Olivier", "Lucie",
         "Damien", "Oceane", "Florian", "Maeva"]
LAST = ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia",
        "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller",
        "Lefevre", "Faure", "Andre", "Mercier", "Blanc", "Guerin", "Boyer", "Garnier", "Chevalier", "Francois",
        "Legrand", "Gauthier", "Perrin", "Robin", "Clement", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
        "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noel", "Meyer"]
TOWNS = ["Brest", "Rennes", "Nantes", "Lorient", "Quimper", "Vannes", "Saint-Malo", "Lannion", "Morlaix", "Dinan"]
TOPICS = ["harbour", "school", "hospital", "railway", "market", "library", "bridge", "museum", "stadium", "ferry"]


def newsroom_library(folder: Path, count: int) -> list[Path]:
    """``count`` one-passage articles (``story-00000.txt``...), each naming its own person (2,500 distinct), a
    town and an organisation: a newsroom-sized library for the web page's tests and bench/library_payload.py."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        person = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}"
        town, topic = TOWNS[n % len(TOWNS)], TOPICS[(n // 7) % len(TOPICS)]
        path = folder / f"story-{n:05d}.txt"
        path.write_text(f"The {town} {topic} story number {n}\n\n{person} said on Monday in {town} that the "
                        f"{topic} would reopen next year, according to the Regional Council.\n", encoding="utf-8")
        paths.append(path)
    return paths


def piaf_paragraphs(start: int, count: int) -> list[dict]:
    rows = []
    with open(PIAF / "contexts.jsonl", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= start + count:
                break
            if number >= start:
                rows.append(json.loads(line))
    return rows


def piaf_text(row: dict) -> str:
    return f"{row['title']}\n\n{row['context']}\n"


def write_piaf(folder: Path, start: int, count: int) -> dict[str, Path]:
    """PIAF paragraphs ``start .. start+count`` as one .txt file each, named by context id."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for row in piaf_paragraphs(start, count):
        paths[row["context_id"]] = folder / f"{row['context_id']}.txt"
        paths[row["context_id"]].write_text(piaf_text(row), encoding="utf-8")
    return paths


def piaf_asked() -> set[str]:
    """The context ids that some PIAF question is about."""
    with open(PIAF / "questions-dev.jsonl", encoding="utf-8") as handle:
        return {json.loads(line)["context_id"] for line in handle}


def piaf_question(context_id: str) -> dict:
    with open(PIAF / "questions-dev.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["context_id"] == context_id:
                return row
    raise KeyError(context_id)


def cli(*args: str, index_dir: Path, env: dict | None = None, **popen) -> subprocess.Popen:
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(index_dir), **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def run_cli(*args: str, index_dir: Path, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(index_dir), **(env or {}))
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """``folder`` as a file system of its own (tmpfs) of ``size`` ("3m"), for a disk that fills up; the test
    is skipped, with the reason, where mounting is not allowed (it needs root)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"a small file system cannot be mounted here (it needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
