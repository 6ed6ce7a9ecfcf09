"""What the public API returns: answers with their citations, and indexing reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Citation:
    """A quoted passage: ``quote == article_text[start:end]`` always holds."""

    marker: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    chunk_id: str = ""
    doc_id: str = ""
    passage: str = ""  # the retrieved chunk the quote was taken from, for context
    passage_start: int = 0
    passage_end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    question: str = ""
    answered: bool = True  # False: the indexed articles do not answer the question
    unsupported: bool = False  # an LLM answer none of whose citations could be verified
    answerer: str = "extractive"
    notice: str = ""  # e.g. why a generative backend fell back to the extractive answer
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return self.text


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
    chunks_added: int = 0
    seconds: float = 0.0
    repaired: list[str] = field(default_factory=list)  # what an interrupted earlier run had left, now fixed

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
            f"{len(self.failed)} failed",
        ]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate")
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired after an interrupted run")
        return ", ".join(parts) + f" ({self.chunks_added} chunks embedded, {self.seconds:.1f}s)"
