"""The library tab's work: store uploads safely, index them, list and remove articles.

Uploads are copied into ``settings.data_dir / "uploads"`` under a sanitised name: no directory part
survives (no traversal), an existing file with other content is never overwritten (the new one gets
``name-2.txt``), and re-uploading the same bytes reuses the stored file, so the index reports it unchanged.
Files are only ever read by the loaders, never executed or served back.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..api import Assistant
from ..loaders import SUPPORTED_SUFFIXES
from ..store import Article
from ..types import IndexReport
from .i18n import t

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
MAX_STEM = 100


def safe_name(name: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no hidden files, no odd characters."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", stem)).strip(".-_") or "article"
    suffix = _UNSAFE.sub("", suffix).lower()
    return stem[:MAX_STEM] + (f".{suffix}" if suffix else "")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


@dataclass
class Upload:
    """One uploaded file: where it was stored, or why it was refused."""

    name: str  # as the user named it
    stored: Path | None = None
    reason: str = ""

    @property
    def renamed(self) -> bool:
        return self.stored is not None and self.stored.name != self.name


class UploadStore:
    def __init__(self, folder: Path, max_mb: float) -> None:
        self.folder = Path(folder).expanduser().resolve()
        self.max_mb = max_mb

    def contains(self, source: str) -> bool:
        path = Path(source)
        return path.parent == self.folder

    def save(self, temp_path: str | os.PathLike[str], original_name: str | None, lang: str) -> Upload:
        temp = Path(temp_path)
        name = Path(original_name or temp.name).name
        suffix = Path(safe_name(name)).suffix
        if suffix not in SUPPORTED_SUFFIXES:
            return Upload(name, reason=t(lang, "report.bad_type", suffix=suffix or "(none)"))
        try:
            size = temp.stat().st_size
        except OSError as error:
            return Upload(name, reason=t(lang, "report.unreadable", error=error.strerror or error))
        if size > self.max_mb * 1e6:
            return Upload(name, reason=t(lang, "report.too_large", size=size / 1e6, limit=self.max_mb))
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            return Upload(name, stored=self._place(temp, safe_name(name)))
        except OSError as error:
            return Upload(name, reason=t(lang, "report.unreadable", error=error.strerror or error))

    def discard_failed(self, saved: Sequence[Upload], report: IndexReport) -> None:
        """A file the index refused is not kept: the uploads folder holds indexed articles only."""
        for upload in saved:
            if upload.stored is not None and str(upload.stored) in report.failed and self.contains(str(upload.stored)):
                upload.stored.unlink(missing_ok=True)

    def _place(self, temp: Path, name: str) -> Path:
        stem, suffix = Path(name).stem, Path(name).suffix
        digest = None
        for n in range(1, 10_000):
            target = self.folder / (name if n == 1 else f"{stem}-{n}{suffix}")
            if target.resolve().parent != self.folder:  # belt and braces: safe_name already forbids this
                raise OSError(f"refused name {name!r}")
            try:
                # O_EXCL claims the name atomically: two sessions uploading "article.txt" never share a file.
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                digest = digest or _digest(temp)
                if target.is_file() and _digest(target) == digest:
                    return target
                continue
            with os.fdopen(fd, "wb") as out, temp.open("rb") as source:
                shutil.copyfileobj(source, out)
            return target
        raise OSError(f"too many files named {name}")


Progress = Callable[[int, int, str], None]


def index_uploads(assistant: Assistant, uploads: Sequence[Upload], progress: Progress | None = None,
                  embedding_progress: Progress | None = None) -> IndexReport:
    paths = [u.stored for u in uploads if u.stored is not None]
    if not paths:
        return IndexReport()
    return assistant.index(paths, wait=True, progress=progress, embedding_progress=embedding_progress)


def report_markdown(uploads: Sequence[Upload], report: IndexReport, lang: str) -> str:
    """One line per file: what became of it, and for a failure, why."""
    lines = []
    ok = 0
    for upload in uploads:
        name = f"`{upload.name}`"
        if upload.stored is None:
            lines.append(f"- ✗ {name}: **{t(lang, 'report.failed')}**: {upload.reason}")
            continue
        source = str(upload.stored)
        extra = f" ({t(lang, 'report.renamed', name=upload.stored.name)})" if upload.renamed else ""
        if source in report.failed:
            lines.append(f"- ✗ {name}: **{t(lang, 'report.failed')}**: {report.failed[source]}")
            continue
        ok += 1
        if source in report.duplicates:
            status = t(lang, "report.duplicate", twin=Path(report.duplicates[source]).name)
        elif source in report.added:
            status = t(lang, "report.added")
        elif source in report.updated:
            status = t(lang, "report.updated")
        else:
            status = t(lang, "report.unchanged")
        lines.append(f"- ✓ {name}: {status}{extra}")
    head = f"**{t(lang, 'report.summary', ok=ok, total=len(uploads))}**"
    return "\n".join([head, "", *lines])


def display_source(article: Article, uploads: UploadStore) -> str:
    if uploads.contains(article.source):
        return f"uploads/{Path(article.source).name}"
    return article.source


def article_rows(assistant: Assistant, uploads: UploadStore) -> list[list[object]]:
    rows = []
    for article in sorted(assistant.articles(), key=lambda a: a.indexed_at, reverse=True):
        chunks: object = len(article.chunk_ids) if not article.duplicate_of else f"= {Path(article.duplicate_of).name}"
        when = datetime.fromtimestamp(article.indexed_at).strftime("%Y-%m-%d %H:%M") if article.indexed_at else ""
        rows.append([article.title, display_source(article, uploads), article.language or "?", chunks, when])
    return rows


def table_headers(lang: str) -> list[str]:
    return [t(lang, f"library.col.{key}") for key in ("title", "source", "language", "chunks", "indexed")]


def remove_choices(assistant: Assistant, uploads: UploadStore) -> list[tuple[str, str]]:
    return [(f"{a.title} — {display_source(a, uploads)}", a.source)
            for a in sorted(assistant.articles(), key=lambda a: a.title.lower())]


def remove_article(assistant: Assistant, uploads: UploadStore, source: str) -> tuple[IndexReport, str]:
    """Remove from the index; an uploaded copy goes too (the user's own files elsewhere are never touched)."""
    title = next((a.title for a in assistant.articles() if a.source == source), Path(source).name)
    report = assistant.remove(source, wait=True)
    if report.removed and uploads.contains(source):
        Path(source).unlink(missing_ok=True)
    return report, title
