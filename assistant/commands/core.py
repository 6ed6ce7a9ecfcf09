"""index, ask, stats, list, remove."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..cli import arg, command, interrupted_status, raise_terminated, whole_number
from ..lexical import term_language
from ..reasons import SUPPORTED
from ..types import one_line
from .entities import add_filter_arguments, filters_from_args


def passage_count(text: str) -> int:
    """``-k``: within the bounds of ASSISTANT_K."""
    from ..settings import Settings

    low, high = Settings.bounds("k")
    return whole_number(text, low, high, f"between {low} and {high} (as ASSISTANT_K)")


@command("index", "index files and folders (only what changed is embedded)")
@arg("paths", nargs="+", help=f"files or folders ({SUPPORTED})")
@arg("--prune", action="store_true", help="remove articles whose files are gone from these folders")
@arg("--wait", action="store_true", help="wait for another writer instead of failing")
@arg("--json", action="store_true", help="print the report as JSON")
@arg("-q", "--quiet", action="store_true", help="no progress bar (none with --json or off a terminal either), and "
                                               "nothing printed when nothing changed or failed (a cron job)")
def index(args: argparse.Namespace, assistant) -> int:
    from ..indexer import IndexInterrupted
    from ..store import StoreStoppedError

    # No bar where no one watches it: in a cron or CI log, or under --json, it was lines of carriage returns.
    quiet = args.quiet or args.json or not sys.stderr.isatty()
    from ..progress import progress_bar

    progress, embedding, close = progress_bar() if not quiet else (None, None, lambda: None)
    try:
        with saying_when_stopped(close):
            report = assistant.index(args.paths, prune=args.prune, wait=args.wait, progress=progress,
                                     embedding_progress=embedding)
    except IndexInterrupted as interrupted:
        close()
        print_index_report(interrupted.report, args.json)
        print("interrupted: what is listed is indexed; the same command again finishes the rest",
              file=sys.stderr)
        return interrupted_status(interrupted.__cause__)
    except StoreStoppedError as error:
        # The run stopped part-way (a full disk, a lost server): what it did before is indexed, and said.
        close()
        if error.report is not None:
            print_index_report(error.report, args.json)
        raise
    finally:
        close()
    if args.quiet and not args.json and nothing_to_say(report):
        return 0
    print_index_report(report, args.json)
    if not args.json and (note := language_note(report, assistant)):
        print(note)
    return 0 if report.ok else 1


def nothing_to_say(report) -> bool:
    """A run that added, changed, repaired and failed nothing, with no file gone: ``-q`` prints nothing then,
    since cron mails whatever a job prints (its summary, every hour, said that nothing happened). Files skipped
    (a type it does not read, a link to a file indexed under its own name) count for nothing: they are skipped
    at every run, and their lines mailed every hour."""
    return not (report.added or report.updated or report.removed or report.failed or report.repaired
                or report.gone)


def language_note(report, assistant) -> str | None:
    """A line on the articles just written in a language other than French and English: nothing said so,
    and a German article's names came out as "Die Bundesregierung hat am", its dateline undated."""
    written = set(report.added) | set(report.updated)
    languages = [a.language for a in assistant.articles() if a.source in written and a.language not in ("", "fr", "en")]
    if not languages:
        return None
    count = f"{len(languages)} article{'s' if len(languages) > 1 else ''}"
    # German, Spanish... words have their own stemmer: saying "read as French" of them was wrong
    unstemmed = sorted({language for language in languages if not term_language(language)})
    words = f", and the words of {', '.join(unstemmed)} as French words" if unstemmed else ""
    return (f"note: {count} in {', '.join(sorted(set(languages)))}: searched and quoted; their sentences and names "
            f"are read by the French models{words} (see Languages in the README)")


@contextmanager
def saying_when_stopped(close_progress: Any) -> Iterator[None]:
    """Ctrl-C or SIGTERM during a run: said at once, since writing what is complete takes seconds (10 to 14 s
    were spent in silence, and a second Ctrl-C then printed a traceback). A second one cuts the writing short,
    and the next run repairs what it cut."""
    def stop(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, raise_terminated)
        close_progress()
        print("stopping: writing what is complete, a few seconds (the same command again finishes the rest)",
              file=sys.stderr, flush=True)
        if signum == signal.SIGTERM:
            raise_terminated(signum, frame)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def print_index_report(report, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for source, reason in report.failed.items():
        print(f"failed: {one_line(source)}: {reason}", file=sys.stderr)
    for line in report.skipped_lines():  # not indexed either, so beside the failures
        print(line, file=sys.stderr)
    for line in report.warning_lines():
        print(line, file=sys.stderr)
    for line in run_lines(report):
        print(line)
    print(report.summary())


def run_lines(report) -> list[str]:
    """The copies, the moves and the files gone of an ``index`` run, a line each."""
    from ..indexer import files_gone

    lines = [f"duplicate: {one_line(source)} has the same content as {one_line(twin)} (embedded once)"
             for source, twin in report.duplicates.items()]
    lines += [f"moved: {one_line(old)} is now {one_line(source)} (the same text: its article follows the file)"
              for source, old in report.moved.items()]
    if gone := report.gone:
        lines.append(f"note: {files_gone([one_line(source) for source in gone], 'under the folders given')} "
                     "(still answered from; --prune drops them)")
    return lines


def prepare_reranker(assistant) -> None:
    """The reranker's model made ready before the question; a terminal user is told why a first use waits."""
    if assistant.reranker is not None:
        assistant.reranker.prepare(converting=lambda: print(
            "note: converting the reranker model first (its first use on this machine: about a minute)",
            file=sys.stderr, flush=True))


def job_count(text: str) -> int:
    """``--jobs``: questions asked at once."""
    return whole_number(text, 1, 64)


@command("ask", "answer a question from the indexed articles, with its sources; or a file of them (--questions)",
         reads_index=True)
@arg("question", nargs="?", help="the question, in quotes (French or English)")
@arg("--questions", metavar="FILE",
     help="answer every question of FILE (- : standard input), each on its own: a question a line, JSON Lines "
          "({\"question\": ..., \"id\": ...}) or a .csv with a question column; a line that fails is said and the "
          "others are answered (exit status 1 if any failed)")
@arg("--jobs", type=job_count, default=1, help="with --questions: questions answered at once, in threads (1)")
@arg("-k", type=passage_count, default=None, help="number of passages to retrieve")
@arg("--json", action="store_true", help="print the Answer as JSON (with --questions: one line per question)")
@arg("--jsonl", action="store_true", help="print each Answer as one line of JSON (JSON Lines)")
@arg("--markdown", action="store_true", help="print the answer as Markdown: the question as a heading, each quote "
                                             "under its source")
@arg("-q", "--quiet", action="store_true", help="with --questions: no progress bar (there is none off a terminal)")
@add_filter_arguments
def ask(args: argparse.Namespace, assistant) -> int:
    one_format(args)
    if (args.question is None) == (args.questions is None):
        raise ValueError("give a question, or --questions FILE, not both" if args.question is not None
                         else "give a question (in quotes), or --questions FILE for a file of them")
    if args.questions is None and (args.jobs != 1 or args.quiet):
        # Taken and ignored, a script's `ask "..." --jobs 4` would read as if it did something.
        raise ValueError("--jobs and -q go with --questions FILE (a file of questions)")
    if args.questions is not None:
        from .ask_file import ask_file

        return ask_file(args, assistant)
    prepare_reranker(assistant)
    if streams_to_terminal(args, assistant):
        answer, shown = streamed_answer(assistant, args.question, k=args.k, filters=filters_from_args(args))
        print_answer(answer, args.question, shown=shown)
        return 0
    answer = assistant.ask(args.question, k=args.k, filters=filters_from_args(args))
    if args.json or args.jsonl:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=None if args.jsonl else 2))
    elif args.markdown:
        print(markdown_turn(answer), end="")
    else:
        print_answer(answer, args.question)
    return 0


def streams_to_terminal(args: argparse.Namespace, assistant) -> bool:
    """Whether the answer is printed as a model writes it: an LLM answerer, read at a terminal. A pipe, a file,
    ``--json`` and ``--markdown`` get the checked answer whole, as they always did."""
    return (assistant.settings.answerer != "extractive" and not args.json and not getattr(args, "jsonl", False)
            and not args.markdown and sys.stdout.isatty())


def streamed_answer(assistant, question: str, **options: Any) -> tuple[Any, str]:
    """The answer, its text printed as it comes (``Assistant.stream``), and what was printed of it. A model's
    answer took its whole time in silence. Ctrl-C stops the model's reply (the stream is closed) and is raised."""
    from ..types import Answer

    printed: list[str] = []
    pieces = assistant.stream(question, **options)
    try:
        for piece in pieces:
            if isinstance(piece, Answer):
                return piece, "".join(printed)
            if not "".join(printed):
                piece = piece.lstrip()
            printed.append(piece)
            print(piece, end="", flush=True)
    except BaseException:
        if "".join(printed).strip():
            print(flush=True)  # what follows ("(interrupted)", the prompt) on a line of its own
        raise
    finally:
        pieces.close()
    raise RuntimeError("the answer's stream ended without its Answer")


def one_format(args: argparse.Namespace) -> None:
    if (args.json or getattr(args, "jsonl", False)) and args.markdown:
        raise ValueError("--json and --markdown cannot be given together: choose one")


def markdown_turn(answer) -> str:
    """One question and its answer as a part of a Markdown document (``types.conversation_markdown``)."""
    from ..types import conversation_markdown

    return conversation_markdown([answer])


def print_answer(answer, question: str, shown: str = "") -> None:
    """An answer as a reader wants it in a terminal: its text, its warnings, then each source with its quote.
    ``shown``: what was printed of it as a model wrote it (``streamed_answer``); its checked text is printed
    again only where it differs, since its markers and sources are the checked ones."""
    if not shown.strip():
        print(answer.text)
    elif " ".join(shown.split()) == " ".join(answer.text.split()):
        print()
    else:
        # Given in the model's stead (it failed midway), the text is the extractive answer, not its own checked.
        said = INSTEAD if answer.answerer == "extractive" else CHECKED
        print(f"\n\n({said[language_of(question)]})\n{answer.text}")
    if answer.unsupported:
        from ..answering.messages import unsupported_text
        from ..language import question_language

        print(f"\n(warning: {unsupported_text(question_language(question))})")
    if answer.notice:
        print(f"\n({answer.notice})")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            dated = f", {c.published}" if c.published else ""
            print(f"[{c.marker}] {c.title}{dated} — {c.source} [{c.start}:{c.end}] (score {c.score:.3f})")
            if c.url and c.url != c.source:  # the page a saved file was read from
                print(f"    {c.url}")
            print(f"    « {c.quote} »")


# Said over the checked text printed after a streamed one that differs from it.
CHECKED = {"en": "as checked against its passages:", "fr": "telle que vérifiée sur ses passages :"}
INSTEAD = {"en": "in its stead, the extractive answer:", "fr": "à sa place, la réponse extractive :"}


def language_of(question: str) -> str:
    from ..language import question_language

    language = question_language(question)
    return language if language in CHECKED else "en"


@command("stats", "what the index holds", reads_index=True)
@arg("--json", action="store_true", help="print the numbers as JSON")
def stats(args: argparse.Namespace, assistant) -> int:
    numbers = assistant.stats()
    if args.json:
        print(json.dumps(numbers, ensure_ascii=False, indent=2))
    else:
        for key, value in numbers.items():
            if isinstance(value, dict):  # {"fr": 4, "en": 3} -> "fr 4, en 3"
                value = ", ".join(f"{name} {count}" for name, count in value.items())
            print(f"{key:16} {value}")
    return 0


def _passages(count: int) -> str:
    return f"{count} passage" if count == 1 else f"{count} passages"


@command("list", "the indexed articles: source, language, publication date, passages, title (tab-separated)",
         reads_index=True)
@arg("--json", action="store_true", help="one JSON object per article, in a list")
def list_articles(args: argparse.Namespace, assistant) -> int:
    articles = assistant.articles()
    if args.json:
        print(json.dumps([{"source": a.source, "title": a.title, "language": a.language, "published": a.published,
                           "author": a.author, "chunks": len(a.chunk_ids), "duplicate_of": a.duplicate_of or None,
                           "doc_id": a.doc_id}
                          for a in articles], ensure_ascii=False, indent=2))
        return 0
    for article in articles:
        extra = f" (duplicate of {one_line(article.duplicate_of)})" if article.duplicate_of else ""
        # The date a date filter reads ("-": the article states none, and --since/--until leave it out).
        print(f"{one_line(article.source)}\t{article.language}\t{article.published[:10] or '-'}\t"
              f"{_passages(len(article.chunk_ids))}\t{one_line(article.title)}{extra}")
    return 0


@command("remove", "remove articles from the index: a file, a folder (everything under it) or a doc id",
         reads_index=True)
@arg("sources", nargs="+", help="files, folders or doc ids, as `assistant list` shows them")
@arg("--wait", action="store_true", help="wait for another writer instead of failing")
@arg("--purge", action="store_true",
     help="then purge their text from the index's files (as `assistant purge`): for a takedown")
def remove(args: argparse.Namespace, assistant) -> int:
    status = 0
    for source in args.sources:
        report = assistant.remove(source, wait=args.wait)
        for failed, reason in report.failed.items():
            print(f"error: {one_line(failed)}: {reason}", file=sys.stderr)
            status = 1
        for removed in report.removed:
            print(f"removed {one_line(removed)}")
    if args.purge:
        print(assistant.purge(wait=args.wait).summary())
    return status


@command("purge", "purge removed and replaced articles' text from the index's files (Chroma's log and free "
         "pages, the embedding cache)", reads_index=True)
@arg("--wait", action="store_true", help="wait for another writer instead of failing")
def purge(args: argparse.Namespace, assistant) -> int:
    print(assistant.purge(wait=args.wait).summary())
    return 0


@command("purge-chroma", "purge a Chroma server's folder of removed articles' text, on the server's machine",
         needs_assistant=False)
@arg("folder", type=Path, help="the server's folder, as `chroma run --path` was given it")
def purge_chroma(args: argparse.Namespace, settings) -> int:
    from ..purge import purge_folder

    print(purge_folder(args.folder).summary())
    return 0
