"""What the public API returns: answers with their citations, and indexing reports."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Self, TypeVar

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage, BaseMessage

SKIPPED_LISTED = 10  # skipped files listed one by one; more are summed up by type
SKIPPED_NAMED = 3  # the names given with such a summary


def _checked_fields(cls: type, data: Any) -> dict[str, Any]:
    """``data`` as the keyword arguments of the dataclass ``cls``, or an error naming the field that is
    unknown or missing (a dict of another kind read as this one)."""
    name = f"{cls.__name__}.from_dict"
    if not isinstance(data, dict):
        raise TypeError(f"{name} takes a dict (what to_dict() gives, or its JSON parsed), not {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}
    for key in data:
        if key not in known:
            raise ValueError(f"{name}: unknown field {key!r} (the fields are {', '.join(known)})")
    for key, spec in known.items():
        if key not in data and spec.default is MISSING and spec.default_factory is MISSING:
            raise ValueError(f"{name}: missing field {key!r}")
    return dict(data)


def one_line(text: str) -> str:
    """A name as one field of one line: a file name may hold a newline or a tab ("a\\nb.txt")."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


@dataclass(frozen=True)
class Citation:
    """A quoted passage: ``quote == article_text[start:end]`` always holds. Frozen, so hashable:
    ``set(answer.citations)``, a citation as a dict key (``dataclasses.replace`` makes a changed one)."""

    marker: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    chunk_id: str = ""
    doc_id: str = ""
    # The retrieved chunk the quote was taken from, for context; left out of repr, which it made thousands of
    # characters long.
    passage: str = field(default="", repr=False)
    passage_start: int = 0
    passage_end: int = 0
    published: str = ""  # the date the article states (YYYY-MM-DD), "" when it states none
    url: str = ""  # the link of an article given in memory with one (``Assistant.index_records``)

    def to_dict(self) -> dict[str, Any]:
        """The citation as JSON-ready data (``Citation.from_dict`` reads it back)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The citation ``to_dict()`` gave (or its JSON, parsed)."""
        return cls(**_checked_fields(cls, data))


@dataclass
class Answer:
    """An answer: ``text`` with its citation markers ([1], [2]) and the ``citations`` they point to, or,
    when ``answered`` is False, why there is none (no citations then). ``to_dict()`` is JSON-ready, and
    ``Answer.from_dict`` reads it back."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    question: str = ""
    answered: bool = True  # False: the indexed articles do not answer the question
    unsupported: bool = False  # an LLM answer none of whose citations could be verified
    answerer: str = "extractive"
    notice: str = ""  # e.g. why a generative backend fell back to the extractive answer
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready data, what ``assistant ask --json`` prints (``Answer.from_dict`` reads it back)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The answer ``to_dict()`` gave (or its JSON, parsed, as ``assistant ask --json`` prints it), its
        citations ``Citation`` objects again: ``Answer.from_dict(answer.to_dict()) == answer``."""
        values = _checked_fields(cls, data)
        values["citations"] = [c if isinstance(c, Citation) else Citation.from_dict(c)
                               for c in values.get("citations") or []]
        values["timings"] = dict(values.get("timings") or {})
        return cls(**values)

    def to_message(self) -> AIMessage:
        """The answer as LangChain's ``AIMessage``: its text as content, the rest (citations, answered...) in
        ``response_metadata["answer"]``, so that a chat history keeps it whole (``news.chain | Answer.to_message``
        under ``RunnableWithMessageHistory``, which refused an ``Answer``), and ``Answer.from_message`` reads it
        back."""
        from langchain_core.messages import AIMessage

        data = {key: value for key, value in self.to_dict().items() if key != "text"}
        return AIMessage(content=self.text, response_metadata={"answer": data})

    @classmethod
    def from_message(cls, message: BaseMessage) -> Self:
        """The answer ``to_message()`` made (also after a chat history stored it as JSON and read it back)."""
        metadata = getattr(message, "response_metadata", None)
        data = metadata.get("answer") if isinstance(metadata, dict) else None
        if not isinstance(data, dict) or not isinstance(message.content, str):
            raise ValueError(f"Answer.from_message takes a message that Answer.to_message made, not "
                             f"{type(message).__name__} {str(getattr(message, 'content', message))!r:.60}")
        return cls.from_dict({**data, "text": message.content})

    def to_row(self) -> dict[str, Any]:
        """The answer as one flat row of a table, for many questions asked in a loop
        (``pandas.DataFrame([a.to_row() for a in answers])``, ``csv.DictWriter``): ``to_dict()`` nests the
        citations, each with its whole passage, in one cell. The citations' columns hold a line per citation,
        in marker order, so that a quote's line is its source's, title's, date's and link's."""
        lines = {
            "quotes": [f"[{c.marker}] {' '.join(c.quote.split())}" for c in self.citations],
            "sources": [c.source for c in self.citations],
            "titles": [c.title for c in self.citations],
            "published": [c.published for c in self.citations],
            "urls": [c.url for c in self.citations],
        }
        return {"question": self.question, "answer": self.text, "answered": self.answered,
                **{column: "\n".join(values) for column, values in lines.items()}, "notice": self.notice}

    def __str__(self) -> str:
        return self.text

    def to_markdown(self) -> str:
        """The answer as Markdown, to keep or share: its text, its notice, then each citation's marker, the
        article's title, date, file name and link, and the quote. An article's "*" or "<" stays as written."""
        parts = [_markdown_text(self.text)]
        if self.notice:
            parts.append(f"*{_markdown_text(self.notice)}*")
        parts.extend(_citation_markdown(citation) for citation in self.citations)
        return "\n\n".join(parts)

    def _repr_html_(self) -> str:
        """How a notebook shows an answer: its text, then each citation's marker, quote and source. The repr
        alone showed the dataclass's fields on one line. Everything is escaped: an article's text (scraped
        pages hold "<", "&", even tags) must show as written, not as markup."""
        parts = [f"<div class=\"assistant-answer\"><p>{_paragraphs(self.text)}</p>"]
        if self.notice:
            parts.append(f"<p><em>{html.escape(self.notice)}</em></p>")
        if self.citations:
            parts.append("<ol style=\"list-style: none; padding-left: 0\">")
            parts.extend(f"<li>{_citation_html(citation)}</li>" for citation in self.citations)
            parts.append("</ol>")
        parts.append("</div>")
        return "".join(parts)


def _paragraphs(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


# What would make an article's words markup in a Markdown file: emphasis, code, HTML, a heading or a quote
# at a line's start. The markers "[1]" stay as written: without a "(" after them they are no link.
_MARKUP = re.compile(r"([\\`*_<]|^[#>](?=\s|$))", re.M)


def _markdown_text(text: str) -> str:
    return _MARKUP.sub(r"\\\1", text)


def _citation_markdown(citation: Citation) -> str:
    """A citation in a Markdown file: "[1] title · date · file · link", then its quote as a block quote. The
    file by its name: a server's folders are not the reader's business."""
    name = PurePath(citation.source).name if not citation.source.startswith(("https://", "http://")) else ""
    about = [_markdown_text(part) for part in (citation.title, citation.published, name) if part]
    if citation.url.startswith(("https://", "http://")):
        about.append(f"<{citation.url}>")
    quote = "\n".join(f"> {_markdown_text(line)}".rstrip() for line in citation.quote.splitlines() or [""])
    return f"**[{citation.marker}]** {' · '.join(about)}\n{quote}"


def conversation_markdown(answers: Sequence[Answer], title: str = "") -> str:
    """Questions and their answers as one Markdown document: each question a heading, its answer under it
    with its sources (``Answer.to_markdown``). What the web chat's "Download" saves."""
    parts = [f"# {_markdown_text(title)}"] if title else []
    for answer in answers:
        parts.append(f"## {_markdown_text(' '.join(answer.question.split()))}")
        parts.append(answer.to_markdown())
    return "\n\n".join(parts) + "\n"


def _citation_html(citation: Citation) -> str:
    """A citation as a notebook shows it: [1] "quote" then the article's title, date and source."""
    linked = citation.url.startswith(("https://", "http://"))  # a "javascript:" link would run in the notebook
    shown = [citation.title, citation.published]
    if citation.source not in (citation.title, citation.url if linked else None):
        shown.append(citation.source)
    about = " · ".join(html.escape(part) for part in shown if part)
    if linked:
        link = html.escape(citation.url)
        about += f' · <a href="{link}" target="_blank">{link}</a>'
    return (f"<b>[{citation.marker}]</b> <q>{_paragraphs(citation.quote)}</q><br>"
            f"<small>{about}</small>")


@dataclass
class FileOutcome:
    source: str
    status: str  # added, updated, unchanged, removed, failed, duplicate
    reason: str = ""
    chunks: int = 0


@dataclass
class IndexReport:
    """What an indexing run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # source -> reason
    duplicates: dict[str, str] = field(default_factory=dict)  # source -> source with the same content
    # source -> why it was not read (a file of another type in a folder given): not a failure
    skipped: dict[str, str] = field(default_factory=dict)
    # source -> what was left out of its article, indexed all the same (an e-mail's attachment that cannot be read)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    chunks_added: int = 0  # chunks written for the articles added or updated
    texts_embedded: int = 0  # chunks and sentences the model embedded (the rest were in the embedding cache)
    seconds: float = 0.0
    repaired: list[str] = field(default_factory=list)  # what an interrupted earlier run had left, now fixed
    moved: dict[str, str] = field(default_factory=dict)  # source -> the gone source whose article it now is
    gone: list[str] = field(default_factory=list)  # indexed under the paths given, their file gone, kept

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}

    def summary(self) -> str:
        # The copies and the moves are among the added (and updated) files: said beside them, since after
        # "4 skipped" "1 of them a copy" read as one of the skipped (a reviewer).
        among = []
        if self.duplicates:
            count = len(self.duplicates)
            among.append(f"{count} {'a copy' if count == 1 else 'copies'} of another indexed article, not stored twice")
        if self.moved:  # counted as added (the new name) and removed (the old one)
            among.append(f"{len(self.moved)} moved")
        parts = [
            f"{len(self.added)} added" + (f" ({'; '.join(among)})" if among else ""),
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
            f"{len(self.failed)} failed",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.warnings:
            parts.append(f"{len(self.warnings)} with {'a warning' if len(self.warnings) == 1 else 'warnings'}")
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired after an interrupted run")
        return ", ".join(parts) + (f" ({self.chunks_added} chunks written, {self.texts_embedded} texts embedded, "
                                   f"{self.seconds:.1f}s)")

    def warning_lines(self) -> list[str]:
        """A line for each part of an indexed file that its article leaves out, naming the file and why."""
        return [f"warning: {one_line(source)}: {reason}" for source, reasons in self.warnings.items()
                for reason in reasons]

    def skipped_lines(self, limit: int = SKIPPED_LISTED) -> list[str]:
        """The files not read, a line each; beyond ``limit`` (a folder of photos, say), the count of each
        type and the first few names, so that the failures above stay readable."""
        if len(self.skipped) <= limit:
            return [f"skipped: {one_line(source)}: {reason}" for source, reason in self.skipped.items()]
        # Summed up by type: the files of another type; any other reason (a link to a file indexed under its
        # own name) keeps its line.
        unsupported = [source for source, reason in self.skipped.items() if reason.startswith("unsupported")]
        lines = [f"skipped: {one_line(source)}: {reason}" for source, reason in self.skipped.items()
                 if not reason.startswith("unsupported")]
        if len(unsupported) <= limit:
            return [f"skipped: {one_line(source)}: {self.skipped[source]}" for source in unsupported] + lines
        types = Counter(PurePath(source).suffix.lower() or "without suffix" for source in unsupported)
        counts = ", ".join(f"{count} {suffix}" for suffix, count in sorted(types.items(), key=lambda t: (-t[1], t[0])))
        first = unsupported[:SKIPPED_NAMED]
        return [f"skipped: {len(unsupported)} files of unsupported type ({counts}), not indexed",
                *(f"skipped: {one_line(source)}" for source in first),
                f"skipped: ... and {len(unsupported) - len(first)} more (--json lists them all)", *lines]


Item = TypeVar("Item")


def newest_published_first(items: Iterable[Item], published: Callable[[Item], str]) -> list[Item]:
    """``items`` of the most recently published first (``published``: a YYYY-MM-DD date, "" for none), the undated
    after the dated; items of one date keep their order."""
    items = list(items)
    dated = sorted((item for item in items if published(item)), key=published, reverse=True)  # stable, reversed too
    return dated + [item for item in items if not published(item)]
