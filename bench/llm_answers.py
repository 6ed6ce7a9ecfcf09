"""The seed questions (bench/data/seed-dev.jsonl) answered by one answerer, with what each answer got right.

    python bench/llm_answers.py --answerer extractive
    python bench/llm_answers.py --answerer openai --base-url http://127.0.0.1:8080/v1
    python bench/llm_answers.py --answerer llamacpp --model-path model.gguf --chat-format gemma

A question counts as right when its answer (text or cited quotes) contains every `must_contain_all`
string, or, for an unanswerable one, when the answer says the articles do not answer it. Prints one line a
question and a summary; the index of samples/ is built in a temporary folder unless --index is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import Answer, Assistant  # noqa: E402


def right(answer: Answer, case: dict) -> bool:
    if not case["answerable"]:
        return not answer.answered
    seen = " ".join([answer.text] + [c.quote for c in answer.citations])
    return answer.answered and all(s in seen for s in case["must_contain_all"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answerer", default="extractive", choices=["extractive", "openai", "llamacpp"])
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--model-path")
    parser.add_argument("--chat-format")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--index", help="an index of samples/ (default: built in a temporary folder)")
    parser.add_argument("--questions", default=str(ROOT / "bench" / "data" / "seed-dev.jsonl"))
    args = parser.parse_args()
    cases = [json.loads(line) for line in Path(args.questions).read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(args.index or tmp)
        assistant = Assistant(index, answerer=args.answerer, llm_base_url=args.base_url, llm_model=args.model,
                              llm_model_path=args.model_path, llm_chat_format=args.chat_format,
                              llm_max_tokens=args.max_tokens)
        if assistant.store.count_chunks() == 0:
            assistant.index([ROOT / "samples"])
        scores, seconds = [], []
        for case in cases:
            started = time.perf_counter()
            answer = assistant.ask(case["question"])
            seconds.append(time.perf_counter() - started)
            scores.append(right(answer, case))
            flags = [name for name, on in (("unsupported", answer.unsupported), ("fallback", bool(answer.notice)),
                                           ("not-answered", not answer.answered)) if on]
            print(f"{case['id']} {'RIGHT' if scores[-1] else 'wrong'} {seconds[-1]:5.1f}s "
                  f"answerer={answer.answerer} citations={len(answer.citations)} {' '.join(flags)}")
            print("    " + " ".join(answer.text.split())[:300])
        print(f"{args.answerer}: {sum(scores)}/{len(cases)} right, {sum(seconds) / len(seconds):.1f} s a question")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
