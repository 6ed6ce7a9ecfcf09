"""``assistant ask --questions FILE``: every question of a file answered on its own, a line of output each."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from ..question_files import Asked, count_questions, read_questions
from ..types import Answer
from .core import markdown_turn, prepare_reranker, print_answer
from .entities import filters_from_args


def ask_file(args: argparse.Namespace, assistant) -> int:
    """Answer the questions of ``args.questions``, printing each answer as it comes, in the file's order; a line
    that cannot be read or answered is said (on stderr, and as a JSON line's ``error``) and the others go on.
    Exit status 1 when any failed, 0 when every one was answered or refused."""
    lines = read_questions(args.questions)  # QuestionFileError (exit status 2) when the file cannot be read
    prepare_reranker(assistant)
    as_json = args.json or args.jsonl
    bar = _progress(args)
    failed = 0
    try:
        for asked, result in _answered(assistant, lines, filters_from_args(args), args):
            if isinstance(result, BaseException):
                failed += 1
                reason = _reason(result)
                print(f"error: {args.questions} line {asked.line}: {reason}", file=sys.stderr, flush=True)
                if as_json:
                    row = _failure_row(asked, reason, assistant.settings.answerer)
                    print(json.dumps(row, ensure_ascii=False), flush=True)
            elif as_json:
                row = {"line": asked.line, "id": asked.id, **result.to_dict(), "error": None}
                print(json.dumps(row, ensure_ascii=False), flush=True)
            elif args.markdown:
                print(markdown_turn(result), flush=True)
            else:
                print(f"> {result.question}")
                print_answer(result, result.question)
                print(flush=True)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return 1 if failed else 0


def _answered(assistant, lines: Iterator[Asked], filters: dict[str, Any] | None,
              args: argparse.Namespace) -> Iterator[tuple[Asked, Any]]:
    """Each line with its ``Answer``, or the exception that it raised (a line unread: a ``ValueError`` saying
    why), in the file's order; ``--jobs`` of them asked at once."""
    from collections import deque

    read: deque[Asked] = deque()  # the lines handed to ask_many and not yet answered, in its order

    def inputs() -> Iterator[dict[str, Any]]:
        for asked in lines:
            read.append(asked)
            # A line that could not be read keeps its place in the order; its question, empty, is refused.
            yield {"question": ""} if asked.error else asked.as_input()

    for result in assistant.ask_many(inputs(), k=args.k, filters=filters, jobs=args.jobs):
        asked = read.popleft()
        yield asked, (ValueError(asked.error) if asked.error else result)


def _reason(error: BaseException) -> str:
    """What went wrong, as one line: the assistant's own errors say it; anything else is named by its type."""
    from ..store import StoreError

    text = " ".join(str(error).split())
    if isinstance(error, ValueError | StoreError | TypeError) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _failure_row(asked: Asked, reason: str, answerer: str) -> dict[str, Any]:
    """A failed line as the answers' rows are, so that a table of them keeps one shape."""
    # The same keys in the same order as an answer's row: csv.DictWriter, given the first row's keys, failed on
    # the next answer's "notice" when the first line was one that failed.
    unanswered = Answer(text="", question=asked.question, answered=False, answerer=answerer)
    return {"line": asked.line, "id": asked.id, **unanswered.to_dict(), "error": reason}


def _progress(args: argparse.Namespace):
    """A bar on stderr where someone watches it: stderr a terminal, and the answers going elsewhere (a file, a
    pipe), since answers printed to the terminal would tear it."""
    if args.quiet or not sys.stderr.isatty() or sys.stdout.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=count_questions(args.questions), unit="question", desc="asking", file=sys.stderr,
                dynamic_ncols=True)
