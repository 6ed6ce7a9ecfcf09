"""The ``assistant`` command (``python -m assistant`` too).

Sub-commands live in ``assistant/commands/``, one module per group; each registers itself with
``@command`` and declares its arguments with ``@arg``, so adding one touches no other file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import Settings, SettingsError, SettingsWarning, unknown_variables
from .settings import invalid_settings as settings_problems
from .terminal import safe_terminal

Handler = Callable[[argparse.Namespace, Any], int]


@dataclass
class Command:
    handler: Handler
    help: str
    arguments: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    needs_assistant: bool = True
    # Only reads an index: a folder that does not exist is a mistyped --index, not one to create empty.
    reads_index: bool = False


COMMANDS: dict[str, Command] = {}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt: systemd's stop, `kill` and `timeout` in a cron job
    ended a run at once, losing what it had read and embedded since its last commit, and printed no report."""


def raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


def stop_on_sigterm() -> None:
    """SIGTERM ends what runs as Ctrl-C does (``index`` keeps what is complete, the web app closes its server)."""
    if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
        signal.signal(signal.SIGTERM, raise_terminated)


def interrupted_status(interrupt: BaseException | None) -> int:
    """As a shell reports a process that these signals ended: 143 after SIGTERM, 130 after Ctrl-C."""
    return 128 + signal.SIGTERM if isinstance(interrupt, Terminated) else 130


def command(name: str, help: str, needs_assistant: bool = True, reads_index: bool = False):
    def wrap(handler: Handler) -> Handler:
        arguments = list(reversed(getattr(handler, "_cli_arguments", [])))
        COMMANDS[name] = Command(handler, help, arguments, needs_assistant, reads_index)
        return handler

    return wrap


def arg(*names: Any, **options: Any):
    """Declare an argument of a sub-command (as ``argparse.add_argument`` takes it)."""

    def wrap(handler: Handler) -> Handler:
        handler.__dict__.setdefault("_cli_arguments", []).append((names, options))
        return handler

    return wrap


def whole_number(text: str, low: int, high: int | None = None, rule: str = "") -> int:
    """An option's whole number within ``low``..``high``, or argparse's error saying ``rule`` (default: the bounds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f"{low} or more" if high is None else f"between {low} and {high}"
        raise argparse.ArgumentTypeError(f"must be {rule or bounds}, not {value}")
    return value


def _load_commands() -> None:
    from . import commands

    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}")


def build_parser() -> argparse.ArgumentParser:
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="assistant", description="Answer questions from your news articles, with the passages relied on.",
        epilog="Every setting is also an environment variable with the ASSISTANT_ prefix (README, 'Settings'); "
               "the generative answerers read ASSISTANT_LLM_BASE_URL, ASSISTANT_LLM_MODEL and ASSISTANT_LLM_API_KEY "
               "(openai), ASSISTANT_LLM_MODEL_PATH and ASSISTANT_LLM_CHAT_FORMAT (llamacpp). Exit status: 0 done (a "
               "question the articles do not answer too); 1 a file not indexed (index), a path not in the index "
               "(remove), a disagreement (check); 2 an error or a bad option; 130 interrupted (Ctrl-C), 143 by "
               "SIGTERM.",
    )
    _global_options(parser)
    # The same options after the command too (`assistant ask "..." --index idx`), where argparse said
    # "unrecognized arguments": not given there, they leave what was given before the command.
    after = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    _global_options(after, "common options (also accepted before the command)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, spec in COMMANDS.items():
        subparser = sub.add_parser(name, help=spec.help, description=spec.help, parents=[after])
        for names, options in spec.arguments:
            subparser.add_argument(*names, **options)
    return parser


def _global_options(parser: argparse.ArgumentParser, title: str | None = None) -> None:
    group = parser.add_argument_group(title) if title else parser
    group.add_argument("--index", dest="index_dir",
                       help="index folder (default: ASSISTANT_INDEX_DIR, else the checkout's index/, or "
                            "~/.local/share/news-assistant/index when installed)")
    group.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    group.add_argument("--chroma-namespace", help="one of several indexes on that server (letters, digits, - and _; "
                                                  "default: ASSISTANT_CHROMA_NAMESPACE, else the server's only one)")
    group.add_argument("--model", dest="embedding_model", help="embedding model (default multilingual-e5-small)")
    group.add_argument("--answerer", choices=["extractive", "openai", "llamacpp"],
                       help="who writes answers: extractive (default, offline: quotes the articles), openai (an "
                            "OpenAI-compatible server) or llamacpp (a local GGUF file); their settings: below")


# Fields that a global or sub-command option sets: a bad value is blamed on the option when it was given.
FLAGS = {"index_dir": "--index", "chroma_url": "--chroma-url", "chroma_namespace": "--chroma-namespace",
         "embedding_model": "--model", "answerer": "--answerer", "host": "--host", "port": "--port"}


def invalid_settings(error: Any, args: argparse.Namespace) -> list[str]:
    """``settings.invalid_settings`` as the command line says it: blaming the option when one gave the value."""
    given = {field: flag for field, flag in FLAGS.items() if getattr(args, field, None) is not None}
    return [f"error: {line}" for line in settings_problems(error, given)]


def _holds_other_files(index_dir: Path) -> bool:
    """A folder with no index in it but other files: most likely the articles' folder given to --index, where
    a reader made chroma/, the embedding cache and write.lock among the articles and said "0 articles"."""
    if not index_dir.is_dir() or (index_dir / "chroma").exists():
        return False
    try:
        return any(not name.startswith(".") for name in os.listdir(index_dir))  # a checkout's index/: .gitkeep
    except OSError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: what it writes to a terminal shows the control characters it quotes (``terminal``)."""
    with safe_terminal():
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    from .api import Assistant, QuestionError
    from .indexer import IndexBusyError
    from .reranking import RerankerError
    from .store import StoreError

    args = build_parser().parse_args(argv)
    stop_on_sigterm()
    overrides = {key: getattr(args, key) for key in ("index_dir", "chroma_url", "chroma_namespace", "embedding_model",
                                                     "answerer")}
    spec = COMMANDS[args.command]
    for warning in unknown_variables():
        print(f"warning: {warning}", file=sys.stderr)
    warnings.simplefilter("ignore", SettingsWarning)  # said above, once, as the command line says things
    try:
        # The options given, as arguments: each beats its variable, which is then not read (a bad
        # ASSISTANT_ANSWERER was refused before --answerer replaced it, and blamed on the option).
        settings = Settings(**{key: value for key, value in overrides.items() if value is not None})
        if spec.reads_index and not settings.chroma_url and not settings.index_dir.exists():
            raise StoreError(f"no index at {settings.index_dir}: index articles there first "
                             "(`assistant index PATH`), or give the right --index")
        if spec.reads_index and not settings.chroma_url and _holds_other_files(settings.index_dir):
            raise StoreError(f"no index at {settings.index_dir} (the folder holds other files: the articles'?): "
                             "give the index folder with --index")
        return spec.handler(args, Assistant(settings=settings) if spec.needs_assistant else settings)
    except BrokenPipeError:  # the reader went away (`| head`): not an error worth a message
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except SettingsError as error:
        for line in invalid_settings(error.validation, args) if error.validation else [f"error: {error}"]:
            print(line, file=sys.stderr)
        return 2
    except (QuestionError, IndexBusyError, StoreError, RerankerError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        print("interrupted", file=sys.stderr)
        return interrupted_status(interrupt)
