"""chat: questions asked in turn, each able to follow up the ones before, typed or piped in."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from ..cli import Terminated, arg, command
from .core import (
    markdown_turn,
    one_format,
    passage_count,
    prepare_reranker,
    print_answer,
    streamed_answer,
    streams_to_terminal,
)
from .entities import add_filter_arguments, filters_from_args

NEW = frozenset({"/new", "/reset"})
QUIT = frozenset({"/quit", "/exit", "/q"})
HELP = ("Ask about the indexed articles; a follow-up (\"And who supplies them?\", \"Tell me more\") knows the "
        "questions before it. /new starts a new conversation, Ctrl-D (or /quit) ends.")


def typed_questions() -> Iterator[str]:
    """Lines typed at a prompt, with line editing; Ctrl-C drops the line being typed, Ctrl-D ends."""
    try:
        import readline  # noqa: F401  (arrow keys and the earlier questions at input())
    except ImportError:  # Windows
        pass
    while True:
        try:
            yield input("> ")
        except EOFError:
            print(file=sys.stderr)
            return
        except Terminated:
            raise
        except KeyboardInterrupt:
            print(file=sys.stderr)


@command("chat", "ask questions in turn, each able to follow up the ones before (typed, or one per line from a "
                 "pipe)", reads_index=True)
@arg("-k", type=passage_count, default=None, help="number of passages to retrieve")
@arg("--json", action="store_true", help="print each Answer as one line of JSON (JSON Lines)")
@arg("--markdown", action="store_true", help="print the conversation as Markdown: each question a heading, each "
                                             "quote under its source (`> notes.md`)")
@add_filter_arguments
def chat(args: argparse.Namespace, assistant) -> int:
    from ..api import QuestionError

    one_format(args)
    filters = filters_from_args(args)
    prepare_reranker(assistant)
    typed = sys.stdin.isatty()
    stream = streams_to_terminal(args, assistant)  # a model's answer printed as it writes it
    if typed:
        print(HELP, file=sys.stderr)
    history: list = []
    # Piped in, a file of questions: one per line, blank lines and "#" comments passed over.
    for line in typed_questions() if typed else sys.stdin:
        question = line.strip()
        if not question or question.startswith("#"):
            continue
        if question.lower() in QUIT:
            break
        if question.lower() in NEW:
            history.clear()
            print("(a new conversation)", file=sys.stderr)
            continue
        shown = ""
        if stream and not typed:  # over its answer, which is printed as it comes
            print(f"> {question}", flush=True)
        try:
            if stream:
                answer, shown = streamed_answer(assistant, question, k=args.k, filters=filters, history=history)
            else:
                answer = assistant.ask(question, k=args.k, filters=filters, history=history)
        except QuestionError as error:  # one question too long: the others are still asked
            print(f"error: {error}", file=sys.stderr)
            continue
        except Terminated:
            raise
        except KeyboardInterrupt:
            if not typed:
                raise
            print("(interrupted)", file=sys.stderr)  # this answer only: the prompt comes back
            continue
        history.append(answer)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        elif args.markdown:
            print(markdown_turn(answer), flush=True)
        else:
            if not typed and not stream:  # the question over its answer, as it was when typed
                print(f"> {question}")
            print_answer(answer, question, shown=shown)
            print(flush=True)
    return 0
