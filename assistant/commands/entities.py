"""entities: people, places, organisations, other names and dates across the indexed articles."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import arg, command, whole_number
from ..entities import KINDS
from ..entity_answers import merged_names


def filters_from_args(args: argparse.Namespace) -> dict[str, object] | None:
    """The friendly filters of ``assistant ask --source --lang --since --until --entity``."""
    filters = {key: getattr(args, key, None) for key in ("source", "lang", "since", "until", "entity")}
    filters = {key: value for key, value in filters.items() if value}
    return filters or None


def add_filter_arguments(handler):
    """The filter flags, for any command that asks or retrieves (reversed: the last declared is listed first)."""
    for names, options in reversed([
        (("--source",), {"action": "append", "help": "only this article (path, file name, doc id, or words of its "
                                                        "file name or title); repeatable"}),
        (("--lang",), {"action": "append", "help": "only articles in this language (fr, en, ... or its name: "
                                                      "French); repeatable"}),
        (("--since",), {"help": "only articles published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)"}),
        (("--until",), {"help": "only articles published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)"}),
        (("--entity",), {"action": "append", "help": "only articles mentioning this name (close spellings match); "
                                                        "repeatable: all are required"}),
    ]):
        handler = arg(*names, **options)(handler)
    return handler


def entity_count(text: str) -> int:
    """``--limit``: a count; -1 kept all but the last, as a Python slice does."""
    return whole_number(text, 0, rule="0 or more (0: all)")


@command("entities", "people, places, organisations and dates mentioned in the articles, with their mentions",
         reads_index=True)
@arg("--kind", choices=list(KINDS), help="only this kind")
@arg("--source", help="only this article (path, file name, doc id, or words of its file name or title)")
@arg("--mentions", action="store_true", help="print every mention with its passage and offsets")
@arg("--limit", type=entity_count, default=0, help="at most this many entities (0: all)")
@arg("--json", action="store_true", help="print the entities as JSON (mentions included)")
@arg("--rebuild", action="store_true",
     help="extract the entities of articles indexed without them (an index built before this feature)")
@arg("--rebuild-all", action="store_true",
     help="extract every article's entities again (after an upgrade of the rules or a change of spaCy model)")
def entities(args: argparse.Namespace, assistant) -> int:
    if args.rebuild or args.rebuild_all:
        from ..entities import rebuild
        from ..indexer import write_lock

        with write_lock(assistant.settings.index_dir, wait=True, store=assistant.store):
            done = rebuild(assistant.settings, assistant.store, only_missing=not args.rebuild_all)
            if done:
                assistant.indexer.refresh()
        print(f"entities extracted for {done} article(s)", file=sys.stderr)
        if not (args.kind or args.source or args.mentions or args.json):
            return 0  # a maintenance step: the whole list after it buried its one line (a reviewer)
    # A place named in two languages is one entry, as in answers and the web page ("Espagne (Spain)").
    found = merged_names(assistant.entities(kind=args.kind, source=args.source))
    if args.source and not found and not any(a for a in assistant.articles()):
        print("error: no articles are indexed", file=sys.stderr)
        return 1
    if args.limit:
        found = found[: args.limit]
    if args.json:
        print(json.dumps([e.to_dict() for e in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no entities found", file=sys.stderr)
        return 0
    for entity in found:
        print(f"{entity.kind:12} {entity.label:40} {entity.mention_count:4} mention(s) "
              f"{entity.article_count:4} article(s)")
        if args.mentions:
            for m in entity.mentions:
                before = m.passage[: m.start - m.passage_start]
                after = m.passage[m.end - m.passage_start :]
                print(f"    {m.source} [{m.start}:{m.end}] « {before}[{m.text}]{after} »")
    return 0
