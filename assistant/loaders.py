"""Files to LangChain ``Document``s: one document per article, its full text and its metadata.

The files under the paths given are found here (``iter_files``), and each one's bytes are read by the reader of its
type in ``readers/`` (``read_data``). A file that cannot be read becomes a ``LoadError`` naming the file and the
reason; loading goes on.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from langchain_core.documents import Document

# A name imported "as" itself is re-exported: the modules and tests that import it from here did so before the
# readers moved to ``readers/``.
from .language import article_language
from .readers.failures import LoadFailure, collecting
from .readers.head import METADATA_LINE as METADATA_LINE
from .readers.head import author_name, date_in_text, first_line
from .readers.head import byline as byline
from .readers.head import is_byline as is_byline
from .readers.markdown import read_markdown
from .readers.pdf import read_pdf
from .readers.text import decode_text as decode_text
from .readers.text import is_html_document as is_html_document
from .readers.text import normalise_text, without_read_also
from .readers.web_page import page_url, read_html
from .reasons import Reason, os_reason

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".mhtml", ".mht", ".pdf", ".docx", ".doc", ".odt",
                      ".rtf", ".eml", ".msg", ".webarchive"}
# A file name in a question ("Who wrote greve.docx?", "Key points of greve.txt"): an article named by its file.
FILE_NAME = re.compile(rf"\.(?:{'|'.join(sorted(s[1:] for s in SUPPORTED_SUFFIXES))})\b", re.I)
# The version of what is read out of a file (its text, title, date, byline, format), kept in each article's
# record: the next `assistant index` reads again, once, the files an earlier one read, which its size and
# mtime alone would have kept as they were (an index from before dates and bylines were read kept none).
# Raise it when reading changes what an unchanged file gives; their vectors come from the embedding cache.
READER = 4  # 3: e-mail attachments; "Lire aussi" lines of .txt .md .docx .odt .pdf; print margins; PDF ligatures
# 4: an e-mail's winmail.dat (its attached files, its Rich Text body)


@dataclass(frozen=True)
class LoadError:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def content_hash(text: str, published: str = "") -> str:
    """What an article is: its text, and the date it states. The same story republished on another day is
    another article, not a copy of the first (a copy has no chunks of its own, and a date filter read the
    first one's date); a date changed under the same text reindexes it, so its passages carry the new one."""
    digest = hashlib.sha256(text.encode("utf-8"))
    if published:  # an undated article keeps the hash it had before dates were part of it
        digest.update(b"\0published:" + published.encode("utf-8"))
    return digest.hexdigest()


def doc_id_for(source: str) -> str:
    """Stable id of an article: derived from its path, so a changed file keeps its id. A file name that is
    not UTF-8 (Latin-1 "é" from an old archive) reaches Python with its bytes escaped: they hash as they are."""
    return hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def absolute(path: str | os.PathLike[str]) -> Path:
    """The path from the root, ``..`` and ``.`` folded in ("sub/../a.txt" is "a.txt": one article, not two),
    symbolic links kept (the path the user knows the file by)."""
    return Path(os.path.abspath(os.path.expanduser(path)))


def same_name(name: str | os.PathLike[str]) -> str:
    """A file name as compared with another: in NFC. macOS copies and zip files write "é" as "e" and a combining
    accent (NFD), which a name typed the usual way never matches; a source keeps its name as on disk (the one
    that opens the file), and comparisons go through this."""
    return unicodedata.normalize("NFC", os.fspath(name))


def iter_files(paths: Iterable[str | os.PathLike[str]], skipped: dict[str, str] | None = None,
               leave: Iterable[str | os.PathLike[str]] = ()) -> Iterator[Path | LoadError]:
    """Supported files under the given paths, recursively, each real file once (symlink loops end): by
    its own path where a folder holds both the file and a link to it.

    Files of another type met in a folder are not read but put in ``skipped`` (path -> reason): the
    user who gave the folder would otherwise never learn that they were left out; so are the other names
    of a file already listed (a symbolic link to it). Hidden files and folders (``.git``, ``.DS_Store``,
    editor swap files) are passed over in silence, as is Word's lock file beside a document it has open, and so
    are the folders in ``leave`` (the index's own)
    and a saved page's "Title_files" folder.
    """
    seen: dict[Path, Path] = {}  # real file -> the name it is listed by
    left_alone = {Path(folder).resolve() for folder in leave}

    def first_name(file: Path, real: Path) -> bool:
        listed = seen.setdefault(real, file)
        if listed is file:  # just put there: its first name (the same path met again is another object)
            return True
        if listed != file and skipped is not None:  # the same path given twice is no news
            skipped[str(file)] = Reason("same_file", twin=listed)
        return False

    for raw in paths:
        path = absolute(raw)
        try:
            if not path.exists():
                yield LoadError(str(path), Reason("no_path"))
                continue
            if path.is_file():
                real = path.resolve()
                if first_name(path, real):
                    yield path
                continue
            if not path.is_dir():  # named outright: a FIFO or a device gets its line, not silence
                yield LoadError(str(path), Reason("not_regular"))
                continue
        except OSError as error:  # e.g. inside a folder this user may not enter: this path fails alone
            yield LoadError(str(path), os_reason(error))
            continue
        visited_dirs: set[Path] = set()
        given = path.resolve()
        unreadable: list[OSError] = []
        links: list[tuple[Path, Path]] = []
        for root, dirs, files in _walk_links_last(path, unreadable.append):
            while unreadable:  # a subfolder that could not be listed gets its line; the walk goes on
                error = unreadable.pop(0)
                yield LoadError(str(error.filename or root), os_reason(error))
            real_root = Path(root).resolve()
            if real_root in visited_dirs:
                dirs[:] = []  # a symlink loop: this folder was walked already
                continue
            visited_dirs.add(real_root)
            # An index kept in its articles' folder (--index ~/articles/index); one that is the folder given holds
            # the articles themselves.
            if real_root in left_alone and real_root != given:
                dirs[:] = []
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not saved_page_files(Path(root, d)))
            for name in sorted(files):
                if name.startswith(".") or is_office_lock_file(name):
                    continue
                suffix = Path(name).suffix.lower()
                if suffix not in SUPPORTED_SUFFIXES:
                    if skipped is not None:
                        skipped[str(absolute(Path(root, name)))] = unsupported_type(suffix)
                    continue
                file = absolute(Path(root, name))
                try:
                    real = file.resolve()
                except (RuntimeError, OSError):  # a file symlink pointing (through others) to itself
                    yield LoadError(str(file), Reason("link_loop"))
                    continue
                if file.is_symlink():
                    links.append((file, real))  # after the files: the file itself may be further on
                elif first_name(file, real):
                    yield file
        for file, real in links:
            if first_name(file, real):
                yield file
        for error in unreadable:  # the last folders walked, or the given folder itself
            yield LoadError(str(error.filename or path), os_reason(error))


def _walk_links_last(top: Path, onerror: Callable[[OSError], object]) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` of ``top``, then of the links to folders met in it: a folder that a link also reaches is
    walked by its own path. Followed as met, a link sorted before its folder ("actuel" -> "zz-2024") gave the
    folder's files its name, and the folder itself was passed over as walked already."""
    pending = [top]
    while pending:
        for root, dirs, files in os.walk(pending.pop(0), onerror=onerror):
            yield root, dirs, files
            # After the caller pruned ``dirs`` (hidden folders, a folder walked already); not entered by os.walk.
            pending += [Path(root, name) for name in dirs if os.path.islink(os.path.join(root, name))]


def saved_page_files(folder: Path) -> bool:
    """Whether ``folder`` is the "Title_files" folder that a browser's "Web page, complete" writes beside
    "Title.html": the page's scripts, styles, images and frames (saved_resource.html: an advert, a share
    button), which are no articles. Indexed, each frame was an article or a failure, and each script a
    "skipped" line; the folder is passed over in silence, as a hidden one is."""
    stem = folder.name.removesuffix("_files")
    return bool(stem) and stem != folder.name and any(
        folder.parent.joinpath(stem + suffix).is_file() for suffix in (".html", ".htm"))


def is_office_lock_file(name: str) -> bool:
    """Whether ``name`` is the lock file Word writes beside a document it has open ("~$port.docx", a few bytes
    naming who has it open): no document, it failed as a damaged one in every run made while Word was open."""
    return name.startswith("~$")


# Types a journalist is sent that are not read, and the type their program saves them as, which is.
SAVE_AS = {".pages": ".docx", ".wps": ".rtf"}  # Apple Pages, Microsoft Works


def unsupported_type(suffix: str, named: bool = False) -> Reason:
    """Why a file of this type is not read: met in a folder, or ``named`` by the user (then saying which are)."""
    if suffix in SAVE_AS:
        return Reason("save_as", suffix=suffix, target=SAVE_AS[suffix])
    return Reason("bad_type" if named else "unsupported", suffix=suffix or "(none)")


def load_paths(
    paths: Iterable[str | os.PathLike[str]], max_bytes: int | None = None
) -> Iterator[Document | LoadError]:
    for item in iter_files(paths):
        if isinstance(item, LoadError):
            yield item
        else:
            yield load_file(item, max_bytes=max_bytes)


def load_file(path: str | os.PathLike[str], max_bytes: int | None = None,
              warnings: list[Reason] | None = None) -> Document | LoadError:
    """Load one file; never raises for bad input, returns a ``LoadError`` instead. What a file read leaves out
    (``left_out``) is appended to ``warnings``, when given."""
    with collecting() as said:
        loaded = _load_file(Path(path), max_bytes)
    if warnings is not None and not isinstance(loaded, LoadError):
        warnings.extend(said)
    return loaded


def _load_file(path: Path, max_bytes: int | None) -> Document | LoadError:
    source = str(absolute(path))
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        # Its bytes reach Python escaped, which Chroma cannot store (nor a terminal print): named with
        # them written out, and left out.
        shown = source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return LoadError(shown, Reason("bad_name"))
    try:
        return _load(path, source, max_bytes)
    except LoadFailure as failure:
        return LoadError(source, failure.reason)
    except FileNotFoundError:
        return LoadError(source, Reason("disappeared"))
    except PermissionError:
        return LoadError(source, Reason("permission"))
    except IsADirectoryError:
        return LoadError(source, Reason("is_folder"))
    except OSError as error:
        return LoadError(source, Reason("unreadable", detail=error.strerror or error))
    except RecursionError:  # an e-mail's parts nested thousands deep: the parsers recurse into each
        return LoadError(source, Reason("too_nested"))


# The formats whose readers import lxml, olefile or the e-mail parser (and read_data, for an e-mail's
# attachments): their module in ``readers``, and the reader there, imported when a file of the type is met.
_DOCUMENT_READERS = {".docx": ("office", "read_docx"), ".doc": ("office", "read_doc"), ".odt": ("office", "read_odt"),
                     ".rtf": ("office", "read_rtf"), ".eml": ("mail", "read_eml"), ".msg": ("mail", "read_msg"),
                     ".mhtml": ("saved_pages", "read_mhtml"), ".mht": ("saved_pages", "read_mhtml"),
                     ".webarchive": ("saved_pages", "read_webarchive")}

# Articles given in memory (``records.load_record``): their format, which tells them from files (no file on disk is
# ever missing for them).
RECORD = "record"


def _load(path: Path, source: str, max_bytes: int | None) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        refusal = unsupported_type(suffix, named=True)
        raise LoadFailure(refusal.code, **refusal.values)
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise LoadFailure("too_large", size=f"{size / 1e6:.1f}", limit=f"{max_bytes / 1e6:.1f}", setting="")
    data = path.read_bytes()
    if not data.strip():
        raise LoadFailure("empty")
    kind, text, title, published, author, url = read_data(data, suffix)
    if not text.strip():
        raise LoadFailure("no_text")
    return article_document(text, source, kind.lstrip("."), title or path.stem, published, author, url)


def article_document(text: str, source: str, kind: str, title: str, published: str | None, author: str | None,
                     url: str | None) -> Document:
    """An article read, from a file or a record, as the indexer takes it: its text and metadata; its author as
    given, else its byline."""
    return Document(
        page_content=text,
        metadata={
            "source": source,
            "doc_id": doc_id_for(source),
            "title": title,
            "content_hash": content_hash(text, published or ""),
            "language": article_language(text),
            "published": published or "",
            "format": kind,
            "author": author_name(author) or byline(text) or "",
            "url": url or "",
        },
    )


def read_data(data: bytes, suffix: str) -> tuple[str, str, str | None, str | None, str | None, str | None]:
    """A file's bytes read as its type (``suffix``) says, or as what they are: its format (the suffix it is read
    as), text, title, publication date, author and, for a saved page, the address it was read from. Also what an
    e-mail's attachments are read by."""
    kind = suffix
    url = None  # where the page was read from, as a saved page says it
    # A PDF saved under another name (a scraper naming a download after its URL, "report.txt") was read as
    # text: its title "%PDF-1.4", its passages the file's syntax. Read as the PDF it is.
    if suffix == ".pdf" or data.lstrip()[:5] == b"%PDF-":
        kind = ".pdf"
        text, title, published, author = read_pdf(data)
    elif suffix in {".mhtml", ".mht", ".webarchive"}:  # read as the page saved as .html is
        kind = ".html"
        text, title, published, author, url = _document_reader(suffix)(data)
    elif suffix in _DOCUMENT_READERS:
        text, title, published, author = _document_reader(suffix)(data)
    else:
        decoded = decode_text(data)
        if suffix not in {".html", ".htm"} and is_html_document(decoded):
            kind = ".html"
        if kind in {".html", ".htm"}:
            text, title, published, author = read_html(decoded)
            url = page_url(decoded)
        elif suffix in {".md", ".markdown"}:
            text, title, published, author = read_markdown(without_read_also(normalise_text(decoded)))
        else:
            text = without_read_also(normalise_text(decoded))
            title = first_line(text)
            published = date_in_text(text)
            author = None
    return kind, text, title, published, author, url


def _document_reader(suffix: str) -> Callable[[bytes], tuple]:
    module, reader = _DOCUMENT_READERS[suffix]
    return getattr(import_module(f".readers.{module}", __package__), reader)
