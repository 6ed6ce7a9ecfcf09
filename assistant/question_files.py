"""A file of questions for ``assistant ask --questions FILE``: text, JSON Lines or CSV, one question a line (a row).

Each line is read on its own, so that a line that cannot be read is said with its number and the others are
still asked: a batch of thousands answered overnight is not lost to one bad line.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO


class QuestionFileError(ValueError):
    """The file of questions cannot be read at all (missing, unreadable, a CSV with no ``question`` column)."""


@dataclass
class Asked:
    """One question of the file, with the line it is on (a CSV row: the line it ends on) and what came with it:
    its ``id``, given back beside its answer, and its own ``k`` and ``filters``; or ``error``, why the line could
    not be read as a question."""

    line: int
    question: str | None = None
    id: Any = None
    k: Any = None
    filters: Any = None
    error: str | None = None

    def as_input(self) -> dict[str, Any]:
        """What ``Assistant.ask_many`` takes for it."""
        given = {"question": self.question, "k": self.k, "filters": self.filters}
        return {key: value for key, value in given.items() if value is not None or key == "question"}


def read_questions(path: str) -> Iterator[Asked]:
    """The questions of ``path`` (``-``: standard input), as they are read. A ``.csv`` file has a header row with
    a ``question`` column (and optionally ``id``); any other file has a question a line, blank lines and ``#``
    comments passed over, where a line that opens with ``{`` is a JSON object (``question``, and optionally
    ``id``, ``k``, ``filters``) and one in double quotes a JSON string (JSON Lines, as a pipeline writes them).
    ``QuestionFileError`` when the file cannot be read at all."""
    if path == "-":
        return _lines(sys.stdin.buffer)
    file = Path(path)
    try:
        stream = file.open("rb")
    except OSError as error:
        raise QuestionFileError(f"{path}: {(error.strerror or str(error)).lower()}") from None
    if file.suffix.lower() == ".csv":
        with stream:
            return iter(list(_rows(stream, path)))
    return _closing_lines(stream)


def count_questions(path: str) -> int | None:
    """How many lines ``path`` holds, for a progress bar's total (``None`` for standard input, read as it comes)."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as file:
            lines = sum(1 for line in file if line.strip() and not line.lstrip().startswith(b"#"))
    except OSError:
        return None
    return max(lines - 1, 0) if Path(path).suffix.lower() == ".csv" else lines  # a CSV's header row


def _closing_lines(stream: BinaryIO) -> Iterator[Asked]:
    with stream:
        yield from _lines(stream)


def _lines(stream: BinaryIO) -> Iterator[Asked]:
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM, as Windows editors write it
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as error:
            yield Asked(number, error=f"not UTF-8 text (byte {error.start + 1} of the line)")
            continue
        if not line or line.startswith("#"):
            continue
        yield _parsed(number, line)


def _parsed(number: int, line: str) -> Asked:
    """One line: a JSON object or string, or the question as it is written."""
    if not line.startswith(("{", '"')):
        return Asked(number, line)
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        if line.startswith('"'):  # a question that opens with a quotation: "Quoi ?" demanda-t-il
            return Asked(number, line)
        return Asked(number, error=f"not a JSON object: {error.msg} (column {error.colno})")
    if isinstance(value, str):
        return Asked(number, value)
    if not isinstance(value, dict):
        return Asked(number, error=f"a JSON line must be an object with \"question\" or a string, not "
                                   f"{type(value).__name__}")
    if not isinstance(value.get("question"), str):
        keys = ", ".join(map(repr, value)) or "none"
        has = "has no \"question\"" if "question" not in value else "has a \"question\" that is no text"
        return Asked(number, id=value.get("id"), error=f"this JSON object {has} (its keys: {keys})")
    return Asked(number, value["question"], value.get("id"), value.get("k"), value.get("filters"))


def _dialect(header: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect its header row shows: a French Excel writes "id;question", a tab-separated export
    "id<TAB>question"; a header of one column is read as commas."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _rows(stream: BinaryIO, path: str) -> Iterator[Asked]:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuestionFileError(f"{path}: not UTF-8 text (byte {error.start + 1}): save it as UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text.partition("\n")[0]))
    header = [name.strip().lower() for name in next(reader, [])]
    if "question" not in header:
        raise QuestionFileError(f"{path}: its first row must name the columns, one of them \"question\" "
                                f"(it names {', '.join(map(repr, header)) or 'nothing'})")
    at, id_at = header.index("question"), header.index("id") if "id" in header else None
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        question = row[at] if at < len(row) else ""
        identifier = row[id_at] if id_at is not None and id_at < len(row) else None
        yield Asked(reader.line_num, question, identifier or None)
