"""search: every sentence that mentions some words."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import arg, command
from ..search import Mention, parse_query
from .entities import add_filter_arguments, entity_count, filters_from_args

BOLD, PLAIN = "\033[1m", "\033[0m"


@command("search", "every sentence that mentions these words (or a \"phrase\"), newest article first",
         reads_index=True)
@arg("words", help="the words, in quotes; a phrase within them in double quotes: 'Kim \"obus de 152mm\"'")
@arg("--limit", type=entity_count, default=50, help="sentences printed (default 50; 0: all)")
@arg("--json", action="store_true", help="print the query and every mention as JSON")
@add_filter_arguments
def search(args: argparse.Namespace, assistant) -> int:
    query = parse_query(args.words)  # its error, before the index is opened
    filters = filters_from_args(args)
    mentions = assistant.search(args.words, filters=filters)
    if args.json:
        print(json.dumps({"query": args.words, "ignored": list(query.ignored), "count": len(mentions),
                          "mentions": [m.to_dict() for m in mentions]}, ensure_ascii=False, indent=2))
        return 0
    shown = mentions[: args.limit] if args.limit else mentions
    print(summary(args.words, mentions, query.ignored, bool(filters)))
    bold = sys.stdout.isatty()
    title = None
    for mention in shown:
        if (mention.doc_id, mention.title) != title:
            title = (mention.doc_id, mention.title)
            dated = f", {mention.published}" if mention.published else ""
            print(f"\n{mention.title}{dated} — {mention.source}")
        print(f"  [{mention.start}:{mention.end}] {marked(mention, bold)}")
    if len(shown) < len(mentions):
        print(f"\n... {len(mentions) - len(shown)} more (--limit 0 prints them all)")
    return 0


def summary(words: str, mentions: list[Mention], ignored: tuple[str, ...], filtered: bool) -> str:
    articles = len({m.doc_id for m in mentions})
    searched = f"“{words.strip()}”"
    notes = [f"common words left out: {', '.join(ignored)}"] * bool(ignored) + ["with the filters given"] * filtered
    noted = f" ({'; '.join(notes)})" if notes else ""
    if not mentions:
        return f"No sentence of the articles mentions {searched}{noted}."
    if len(mentions) == 1:
        return f"1 sentence mentions {searched}{noted}."
    where = "1 article" if articles == 1 else f"{articles} articles"
    return f"{len(mentions)} sentences in {where} mention {searched}{noted}."


def marked(mention: Mention, bold: bool) -> str:
    """The sentence on one line, the words found in bold on a terminal."""
    if not bold:
        return " ".join(mention.text.split())
    return " ".join("".join(f"{BOLD}{text}{PLAIN}" if found else text for text, found in mention.pieces()).split())
