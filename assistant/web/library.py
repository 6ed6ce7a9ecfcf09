"""The library tab's work: store uploads safely, index them, list and remove articles.

Uploads are copied into ``settings.data_dir / "uploads"`` under a sanitised name: no directory part
survives (no traversal), and re-uploading the same bytes reuses the stored file, so the index reports it
unchanged. A file with the name of an earlier upload but other content is taken for its new version (the
user edited the article) and replaces it, so the index updates that article instead of holding both;
unless the user unticks that, or the name came twice in one batch: then it is kept beside, as
``name-2.txt``. A replaced file is kept aside until its successor is indexed: if the new version fails,
the old one comes back, and the article already indexed keeps its file.
Files are only ever read by the loaders, never executed or served back (Gradio's own copy of an upload, which
its file route serves, is deleted once the file is indexed: ``app.discard_browser_copies``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..api import Assistant
from ..lexical import fold
from ..loaders import SUPPORTED_SUFFIXES, unsupported_type
from ..reasons import Reason
from ..store import Article
from ..types import IndexReport, newest_published_first
from .i18n import STRINGS, normalize, t
from .render import code_span, escape_markdown, inline_markdown, public_error, public_path

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
MAX_STEM = 100  # characters of a stored name's stem
# ... and bytes: a file system takes 255 bytes in a name, which 100 Chinese characters (300 bytes) passed, and
# the stored name gets a "-2" or the hidden ".<name>.incoming" beside it around them.
MAX_STEM_BYTES = 150
# An uploaded file younger than this is never swept away unindexed: another app process sharing the data folder
# may have saved it and wait for the write lock to index it (this process's own are known to it).
SWEEP_MIN_AGE_S = 600.0


def browser_name(name: str) -> str:
    """The file's own name: browsers send a double quote, CR and LF in an upload's name as %22, %0D, %0A
    (HTML's form encoding), which Gradio keeps as they came."""
    return name.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")


def safe_name(name: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no hidden files, no odd characters."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", stem)).strip(".-_") or "article"
    suffix = _UNSAFE.sub("", suffix).lower()[:16]
    stem = stem[:MAX_STEM].encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(".-_") or "article"
    return stem + (f".{suffix}" if suffix else "")


def _same_form(source: str) -> str:
    return unicodedata.normalize("NFC", os.path.realpath(source))


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
    previous: Path | None = None  # the replaced version, set aside until this one is indexed

    @property
    def renamed(self) -> bool:
        return self.stored is not None and self.stored.name != self.name


class UploadStore:
    def __init__(self, folder: Path, max_mb: float) -> None:
        self.folder = Path(folder).expanduser().resolve()
        self.max_mb = max_mb
        self._pending: set[Path] = set()  # saved by this process, not yet settled: never swept
        self._seen: set[str] = set()  # the stored files seen indexed (at the last sweep, or indexed by this process)
        self._pending_lock = threading.Lock()

    def sweep(self, indexed_sources: Collection[str], min_age_s: float = SWEEP_MIN_AGE_S) -> list[Path]:
        """Delete the stored files whose articles this process saw indexed and that are gone from the index now;
        the files deleted.

        An article removed through another app, on another machine with its own data folder but the same Chroma
        server, left its file here, where a later ``assistant index`` of the folder added it again: a takedown
        undone. Only files seen indexed are candidates: another index's uploads in a shared data folder (a desk's
        app beside another's) were never in this one, and stay."""
        if not self.folder.is_dir():
            return []
        with self._pending_lock:
            pending = set(self._pending)
        names = {path.name for path in self.folder.iterdir()}
        # Compared as the indexer records a source, real and composed (NFC), and only for names found here.
        indexed = {_same_form(source) for source in indexed_sources if os.path.basename(source) in names}
        swept = []
        for path in self.folder.iterdir():
            # Hidden files are an upload being swapped in (``.NAME.incoming``) or its earlier version.
            if path.name.startswith(".") or path in pending:
                continue
            form = _same_form(str(path))
            if form in indexed or form not in self._seen:
                continue
            try:
                if not path.is_file() or time.time() - path.stat().st_mtime < min_age_s:
                    continue
                path.unlink()
            except OSError:  # gone meanwhile, or not ours to delete: the next sweep tries again
                continue
            swept.append(path)
        self._seen = indexed
        return swept

    def contains(self, source: str) -> bool:
        path = Path(source)
        return path.parent == self.folder

    def save_all(self, temp_paths: Sequence[str | os.PathLike[str]], lang: str, replace: bool = True) -> list[Upload]:
        """Store a batch; a name that comes twice in it never replaces its own batch's file."""
        saved: list[Upload] = []
        for temp in temp_paths:
            claimed = {u.stored for u in saved if u.stored is not None}
            ours = self.folder / safe_name(browser_name(Path(temp).name)) in claimed
            saved.append(self.save(temp, None, lang, replace=replace and not ours))
        with self._pending_lock:
            self._pending.update(u.stored for u in saved if u.stored is not None)
        return saved

    def _settled(self, saved: Sequence[Upload]) -> None:
        with self._pending_lock:
            self._pending.difference_update(u.stored for u in saved if u.stored is not None)
        self._seen.update(_same_form(str(u.stored)) for u in saved if u.stored is not None and u.stored.exists())

    def save(self, temp_path: str | os.PathLike[str], original_name: str | None, lang: str,
             replace: bool = False) -> Upload:
        temp = Path(temp_path)
        name = browser_name(Path(original_name or temp.name).name)
        suffix = Path(safe_name(name)).suffix
        if suffix not in SUPPORTED_SUFFIXES:
            return Upload(name, reason=reason_text(unsupported_type(suffix, named=True), lang))
        try:
            size = temp.stat().st_size
        except OSError as error:
            return Upload(name, reason=t(lang, "report.unreadable", error=error.strerror or error))
        if size > self.max_mb * 1e6:
            return Upload(name, reason=t(lang, "report.too_large", size=size / 1e6, limit=self.max_mb))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # ASSISTANT_DATA_DIR a file or read-only: raised, it was Gradio's bare "Error"
            return Upload(name, reason=t(lang, "report.no_folder", folder=self.folder, error=error.strerror or error))
        try:
            if replace:
                return self._replace(temp, name, safe_name(name))
            return Upload(name, stored=self._place(temp, safe_name(name)))
        except OSError as error:  # a full disk, most likely
            return Upload(name, reason=t(lang, "report.unsaved", error=error.strerror or error))

    def settle(self, saved: Sequence[Upload], report: IndexReport) -> None:
        """After indexing: a file the index refused is not kept (the uploads folder holds indexed articles
        only), and the version it replaced comes back; a replaced version whose successor is indexed goes."""
        for upload in saved:
            if upload.stored is None or not self.contains(str(upload.stored)):
                continue
            if str(upload.stored) in report.failed:
                if upload.previous is not None:
                    self._restore(upload)
                else:
                    upload.stored.unlink(missing_ok=True)
            elif upload.previous is not None:
                upload.previous.unlink(missing_ok=True)
        self._settled(saved)

    def restore_replaced(self, saved: Sequence[Upload]) -> None:
        """Indexing did not run (the index busy or broken): the indexed articles keep their files."""
        for upload in saved:
            if upload.previous is not None and upload.previous.exists():
                self._restore(upload)
                upload.previous = None
        self._settled(saved)

    def _replace(self, temp: Path, name: str, safe: str) -> Upload:
        target = self.folder / safe
        if not target.is_file():
            return Upload(name, stored=self._place(temp, safe))
        if _digest(target) == _digest(temp):
            return Upload(name, stored=target)  # the same bytes: the stored file is the upload
        # Written beside under a hidden name (the indexer and the folder watcher skip those), then swapped
        # in: a reader never sees half a file.
        previous = self.folder / f".{safe}.previous"
        incoming = self.folder / f".{safe}.incoming"
        try:
            shutil.copyfile(temp, incoming)
        except BaseException:
            incoming.unlink(missing_ok=True)
            raise
        os.replace(target, previous)
        os.replace(incoming, target)
        return Upload(name, stored=target, previous=previous)

    def _restore(self, upload: Upload) -> None:
        assert upload.stored is not None and upload.previous is not None
        os.replace(upload.previous, upload.stored)

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
            try:
                with os.fdopen(fd, "wb") as out, temp.open("rb") as source:
                    shutil.copyfileobj(source, out)
            except BaseException:
                target.unlink(missing_ok=True)  # half a file would be indexed as a whole article
                raise
            return target
        raise OSError(f"too many files named {name}")


Progress = Callable[[int, int, str], None]


def index_uploads(assistant: Assistant, uploads: Sequence[Upload], progress: Progress | None = None,
                  embedding_progress: Progress | None = None) -> IndexReport:
    paths = [u.stored for u in uploads if u.stored is not None]
    if not paths:
        return IndexReport()
    return assistant.index(paths, wait=True, progress=progress, embedding_progress=embedding_progress)


def reason_text(reason: str, lang: str) -> str:
    """Why a file failed, in the page's language: a ``Reason`` by its code, its technical detail (a PDF
    library's message, an encoding's name) kept as given; anything else as it came."""
    words = STRINGS.get(normalize(lang), {})
    key = f"reason.{getattr(reason, 'code', '')}"
    if not isinstance(reason, Reason) or lang == "en" or key not in words:
        return str(reason)
    values = dict(reason.values)
    if (inner := reason.inner()) is not None:  # an e-mail's attachment's reason, said in the same language
        values["detail"] = reason_text(inner, lang)
    if lang == "fr":  # 1,5 Mo ; « : » spaced
        values = {name: value.replace(".", ",") if name in ("size", "limit") else value
                  for name, value in values.items()}
        if values.get("setting", "").startswith(": "):
            values["setting"] = " " + values["setting"]
    return words[key].format(**values) + (words.get("reason.kept", "") if reason.kept else "")


def report_markdown(uploads: Sequence[Upload], report: IndexReport, lang: str) -> str:
    """One line per file: what became of it, and for a failure, why."""
    lines = []
    ok = unchanged = 0
    colon = t(lang, "punct.colon")  # "fichier.txt : indexé"
    for upload in uploads:
        # Everything here is shown as written: a file's name as the browser sent it (a line break in it ended
        # the list item and started Markdown of its own), a reason quoting a page's text (an image in it was
        # fetched from its server as the report was shown), a stored name's "_".
        name = code_span(upload.name)
        if upload.stored is None:
            lines.append(f"- ✗ {name}{colon}**{t(lang, 'report.failed')}**{colon}{inline_markdown(upload.reason)}")
            continue
        source = str(upload.stored)
        stored = escape_markdown(upload.stored.name)
        extra = f" ({t(lang, 'report.renamed', name=stored)})" if upload.renamed else ""
        if upload.previous is not None:
            extra = f" ({t(lang, 'report.replaced')})"
        if source in report.failed:
            reason = public_error(reason_text(report.failed[source], lang))
            lines.append(f"- ✗ {name}{colon}**{t(lang, 'report.failed')}**{colon}{inline_markdown(reason)}")
            continue
        ok += 1
        if source in report.duplicates:
            status = t(lang, "report.duplicate", twin=inline_markdown(Path(report.duplicates[source]).name))
        elif source in report.added:
            status = t(lang, "report.added")
        elif source in report.updated:
            status = t(lang, "report.updated")
        else:
            status = t(lang, "report.unchanged")
            unchanged += 1
        lines.append(f"- ✓ {name}{colon}{status}{extra}")
        # Indexed without a part of it (an e-mail's attachment that cannot be read): said under its line.
        lines += [f"  - ⚠ {inline_markdown(public_error(reason_text(warning, lang)))}"
                  for warning in report.warnings.get(source, [])]
    # Five files sent again unchanged read "Files indexed: 5 of 5", as if each had been read and embedded anew.
    if unchanged:
        key = "report.summary_unchanged_one" if unchanged == 1 else "report.summary_unchanged"
        head = f"**{t(lang, key, ok=ok, total=len(uploads), unchanged=unchanged)}**"
    else:
        head = f"**{t(lang, 'report.summary', ok=ok, total=len(uploads))}**"
    return "\n".join([head, "", *lines])


def display_source(article: Article, uploads: UploadStore) -> str:
    """Where an article comes from, without the server's folders (the page showed every visitor
    '/home/…/samples/russie-coree-du-nord.txt'): an upload by its file name, another file relative to the
    folder the server runs in, else by its folder's name and its own."""
    if uploads.contains(article.source):
        return Path(article.source).name
    return public_path(article.source)


def article_rows(assistant: Assistant, uploads: UploadStore,
                 articles: Sequence[Article] | None = None) -> list[list[object]]:
    rows = []
    articles = assistant.articles() if articles is None else articles
    for article in articles:  # in the order given (the listing's)
        source = display_source(article, uploads)
        if article.duplicate_of:  # the same text as another file, whose passages stand for it
            source += f" (= {Path(article.duplicate_of).name})"
        when = datetime.fromtimestamp(article.indexed_at).strftime("%Y-%m-%d %H:%M") if article.indexed_at else ""
        # Who wrote it beside its title, as a newspaper's table of contents has it (no column of its own:
        # the narrow screen has room for title and source only).
        title = f"{article.title} · {article.author}" if article.author else article.title
        rows.append([title, source, article.language or "?", article.published[:10] or "—", when])
    return rows


# Shares of the table's box, adding up to all of it: Gradio makes the table that wide. The page's CSS
# (assets.CSS) then sizes each column over these: the short ones hold their header's word ("Language",
# "Passages") and a date's day on one line, the title and the source share the rest.
COLUMN_WIDTHS = ["32%", "24%", "14.5%", "14%", "15.5%"]


def table_headers(lang: str) -> list[str]:
    return [t(lang, f"library.col.{key}") for key in ("title", "source", "language", "published", "indexed")]


def remove_choices(assistant: Assistant, uploads: UploadStore,
                   articles: Sequence[Article] | None = None) -> list[tuple[str, str]]:
    """(label, doc id) for each article: the browser is sent its id, never the file's place on the server (the
    absolute path was each choice's value)."""
    articles = assistant.articles() if articles is None else articles
    return [(f"{a.title} — {display_source(a, uploads)}", a.doc_id)
            for a in sorted(articles, key=lambda a: a.title.lower())]


# Rows the library tab shows at once: each page load sent every article's row and removal choice (600 kB at
# 2,500 articles); the search box finds the others.
LIBRARY_PAGE = 50


def matches(query: str, *fields: str) -> bool:
    """Whether every word of ``query`` is in one of ``fields``, accents and case ignored ("coree" finds
    "Corée"); an empty query matches everything."""
    words = fold(query).split()
    text = fold(" ".join(fields))
    return all(word in text for word in words)


@dataclass
class Listing:
    """What the library tab shows for a search: the table's rows and the removal choices, of the first
    ``LIBRARY_PAGE`` matching articles (in the order chosen), and how many match in all."""

    rows: list[list[object]]
    choices: list[tuple[str, str]]
    ids: list[str]  # the rows' doc ids, in the table's order: a click on a row picks its article
    total: int

    def as_state(self) -> list:
        return [self.rows, self.choices, self.ids, self.total]


# How the library can be listed: the newest indexed first (what was just added), the newest published first (the
# undated last), by title, by file.
ORDERS = ("indexed", "published", "title", "source")


def sorted_articles(articles: Sequence[Article], order: str, uploads: UploadStore) -> list[Article]:
    by_title = sorted(articles, key=lambda a: (fold(a.title), a.source))
    if order == "title":
        return by_title
    if order == "source":
        return sorted(by_title, key=lambda a: fold(display_source(a, uploads)))
    if order == "published":
        return newest_published_first(by_title, lambda a: a.published)
    return sorted(by_title, key=lambda a: a.indexed_at, reverse=True)


def library_listing(assistant: Assistant, uploads: UploadStore, query: str = "",
                    articles: Sequence[Article] | None = None, limit: int = LIBRARY_PAGE,
                    order: str = "indexed") -> Listing:
    """The articles matching ``query`` by title, author or file name, ``limit`` of them, in ``order`` (one of
    ``ORDERS``: the newest indexed first by default)."""
    articles = assistant.articles() if articles is None else articles
    found = [a for a in articles if matches(query, a.title, a.author or "", display_source(a, uploads))]
    shown = sorted_articles(found, order if order in ORDERS else "indexed", uploads)[:limit]
    return Listing(article_rows(assistant, uploads, shown), remove_choices(assistant, uploads, shown),
                   [a.doc_id for a in shown], len(found))


def listing_note(listing: Listing, query: str, lang: str) -> str:
    """The line under the table: what the search found, and how many it does not show."""
    if not listing.total:
        return t(lang, "library.no_match", query=inline_markdown(query.strip())) if query.strip() else ""
    hidden = listing.total - len(listing.ids)
    return t(lang, "library.more", shown=len(listing.ids), total=listing.total) if hidden > 0 else ""


def find_article(assistant: Assistant, doc_id: str | None) -> Article | None:
    # One record read by its id: listing every article (and sorting them) per click weighs on a large archive.
    return assistant.store.get_articles([doc_id]).get(doc_id) if doc_id else None


def sweep_uploads(assistant: Assistant, uploads: UploadStore) -> list[Path]:
    """Delete the uploaded files whose articles were removed elsewhere (another app of the same index)."""
    return uploads.sweep({article.source for article in assistant.store.get_articles().values()})


def remove_article(assistant: Assistant, uploads: UploadStore, article: Article) -> IndexReport:
    """Remove from the index; an uploaded copy goes too (the user's own files elsewhere are never touched)."""
    # By id: a source string would also name a folder, and remove everything under it.
    report = assistant.remove(article.doc_id, wait=True)
    if report.removed and uploads.contains(article.source):
        Path(article.source).unlink(missing_ok=True)
    return report
