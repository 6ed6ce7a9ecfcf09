"""What reindexing costs, on the PIAF paragraphs written as one file each.

    python bench/reindex.py [--files 761] [--workdir DIR] [--no-cli]

Phases, each timed in-process (a fresh ``Assistant`` calling ``index``) and, unless ``--no-cli``, as the
command ``python -m assistant index FOLDER`` (which adds starting Python and loading the model):

1. full index into a fresh index folder, with a fresh embedding cache (every chunk and sentence embedded);
2. no-op reindex of the unchanged folder (target: under 3 % of the full index);
3. reindex after 10 files were edited (target: under 5 %);
4. reindex after every file was touched (new mtime, same bytes: each file hashed, none parsed).

Prints a table, then checks that the index and its manifest agree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402

CONTEXTS = ROOT / "bench" / "data" / "piaf-fr" / "contexts.jsonl"


def write_corpus(folder: Path, limit: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with open(CONTEXTS, encoding="utf-8") as handle:
        for line in handle:
            if len(paths) == limit:
                break
            row = json.loads(line)
            path = folder / f"{row['context_id']}.txt"
            path.write_text(f"{row['title']}\n\n{row['context']}\n", encoding="utf-8")
            paths.append(path)
    return paths


def timed_index(index_dir: Path, folder: Path) -> tuple[float, str]:
    assistant = Assistant(index_dir)
    started = time.perf_counter()

    def progress(done: int, total: int, source: str) -> None:
        if done % 100 == 0:
            print(f"  {done}/{total} files, {time.perf_counter() - started:.0f}s", flush=True)

    report = assistant.index([folder], progress=progress)
    return time.perf_counter() - started, report.summary()


def timed_cli(index_dir: Path, folder: Path) -> float:
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(index_dir))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "index", str(folder), "-q"], cwd=ROOT, env=env,
                   check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=761)
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here (default: a temp folder)")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line timings")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-reindex-"))
    shutil.rmtree(work / "index", ignore_errors=True)
    folder, index_dir = work / "articles", work / "index"
    paths = write_corpus(folder, args.files)
    # Files written a moment ago have an mtime too recent to vouch for them (see indexer.RACY_NS); date
    # them back, as articles that sit in a folder are.
    old = time.time_ns() - 3600 * 10**9
    for path in paths:
        os.utime(path, ns=(old, old))
    rows: list[tuple[str, float, str]] = []
    print(f"{len(paths)} files in {folder}; index in {index_dir} (fresh, cold embedding cache)", flush=True)
    edited = paths[:: max(1, len(paths) // 10)][:10]

    def edit(words: str) -> None:
        for number, path in enumerate(edited):
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"{words} {number} : le texte a été corrigé par la rédaction.\n")

    full, summary = timed_index(index_dir, folder)
    rows.append(("full index", full, summary))
    print(f"full index: {full:.1f}s  {summary}", flush=True)
    rows.append(("no-op reindex", *timed_index(index_dir, folder)))
    edit("Mise à jour numéro")
    rows.append(("10 files changed", *timed_index(index_dir, folder)))
    for path in paths:
        os.utime(path)
    rows.append(("all files touched", *timed_index(index_dir, folder)))
    if not args.no_cli:
        rows.append(("no-op reindex, CLI", timed_cli(index_dir, folder), "whole command: start, model load"))
        edit("Seconde correction")
        rows.append(("10 files changed, CLI", timed_cli(index_dir, folder), "whole command: start, model load"))

    print()
    print(f"{'phase':<22} {'seconds':>9} {'% of full':>10}  report")
    for name, seconds, summary in rows:
        print(f"{name:<22} {seconds:9.2f} {100 * seconds / full:9.2f}%  {summary}")
    report = Assistant(index_dir).check()
    print()
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
