"""What a sentence-transformers model costs in each precision: CPU seconds, and how far its vectors move.

    python bench/precision.py                  # MiniLM on 256 PIAF paragraphs, batches of 32
    python bench/precision.py --texts 128 --rounds 3

Runs the bundled MiniLM in float32, in bfloat16 by autocast over float32 weights (what the assistant did
until 2026-12-07), and as the assistant now runs it in bfloat16 (``ASSISTANT_EMBEDDING_PRECISION=auto`` on
a CPU that multiplies bfloat16 natively): autocast, with the linear layers' weights stored cast. Prints the
process CPU seconds (steadier than wall time on a shared machine) of each, best of the rounds, the least
cosine of its vectors to float32's, and whether they are bit for bit those of autocast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    import torch
    from sentence_transformers import SentenceTransformer

    from assistant.embeddings import load_embeddings, native_bfloat16, resolve_model_path

    lines = (ROOT / "bench" / "data" / "piaf-fr" / "contexts.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["context"][:800] for line in lines[: args.texts]]
    plain = SentenceTransformer(str(resolve_model_path("minilm")), device="cpu", local_files_only=True)

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16)

    def timed(encode) -> tuple[float, np.ndarray]:
        encode(texts[:32])
        best, vectors = float("inf"), None
        for _ in range(args.rounds):
            start = time.process_time()
            vectors = encode(texts)
            best = min(best, time.process_time() - start)
        return best, vectors

    def plain_encode(context):
        def encode(batch):
            with context():
                return plain.encode(batch, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return encode

    exact_s, exact = timed(plain_encode(nullcontext))
    autocast_s, cast = timed(plain_encode(autocast))
    ours = load_embeddings("minilm", "bfloat16")
    ours_s, stored = timed(lambda batch: ours.embed_passages(batch))
    print(f"MiniLM, {len(texts)} PIAF paragraphs (800 characters at most), batches of 32, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, native bfloat16: {native_bfloat16()}")
    print("| precision | CPU s | vs float32 | least cosine to float32 | same vectors as autocast |")
    print("|---|---|---|---|---|")
    for label, seconds, vectors in (("float32", exact_s, exact), ("bfloat16 autocast (before)", autocast_s, cast),
                                    ("bfloat16, weights stored cast (now)", ours_s, stored)):
        cosine = float(np.min(np.sum(vectors * exact, axis=1)))
        print(f"| {label} | {seconds:.2f} | {exact_s / seconds:.2f}x | {cosine:.5f} | "
              f"{'yes' if np.array_equal(vectors, cast) else 'no'} |")


if __name__ == "__main__":
    main()
