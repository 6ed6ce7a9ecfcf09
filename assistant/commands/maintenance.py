"""watch, check."""

from __future__ import annotations

import argparse
import json
import sys
import time

from ..cli import arg, command
from ..types import IndexReport, one_line
from .core import run_lines


def seconds(text: str) -> float:
    """A duration: a number, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text}")
    return value


def print_report(report: IndexReport, stamp: bool = False) -> None:
    prefix = time.strftime("%H:%M:%S ") if stamp else ""
    for action in report.repaired:
        print(f"{prefix}repaired: {action}")
    for source, reason in report.failed.items():
        print(f"{prefix}failed: {one_line(source)}: {reason}", file=sys.stderr)
    for line in report.skipped_lines():
        print(f"{prefix}{line}", file=sys.stderr)
    for line in report.warning_lines():
        print(f"{prefix}{line}", file=sys.stderr)
    for line in run_lines(report):
        print(f"{prefix}{line}")
    for kind in ("added", "updated", "removed"):
        for source in getattr(report, kind):
            print(f"{prefix}{kind}: {one_line(source)}")
    print(prefix + report.summary(), flush=True)


@command("watch", "index folders, then follow them and reindex what changes, until Ctrl-C")
@arg("folders", nargs="+", help="folders to follow (recursively)")
@arg("--debounce", type=seconds, default=1.0, help="seconds of quiet before a batch of changes is indexed")
def watch(args: argparse.Namespace, assistant) -> int:
    from ..watcher import Watcher

    def failed(message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} error: {message} (will retry)", file=sys.stderr, flush=True)

    watcher = Watcher(assistant, args.folders, debounce=args.debounce,
                      on_report=lambda report: print_report(report, stamp=True), on_error=failed)
    watcher.check_folders()  # before saying that it watches them
    print(f"watching {', '.join(str(f) for f in watcher.folders)} (Ctrl-C to stop)", flush=True)
    try:
        watcher.run()
    except KeyboardInterrupt:
        # A run cut short here leaves its marker: the next run (or `assistant check --repair`) converges.
        print("stopped watching", file=sys.stderr)
    return 0


@command("check", "verify that the manifest and the store agree (orphan or missing chunks, duplicates, BM25)",
         reads_index=True)
@arg("--repair", action="store_true", help="fix what is found")
@arg("--wait", action="store_true", help="wait for a running writer instead of failing")
@arg("--json", action="store_true", help="print the report as JSON")
def check(args: argparse.Namespace, assistant) -> int:
    report = assistant.check(repair=args.repair, wait=args.wait)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.summary())
        if not report.ok and not args.repair:
            print("run `assistant check --repair` to fix it", file=sys.stderr)
    return 0 if report.ok else 1
