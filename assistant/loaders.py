"""Files to LangChain ``Document``s: one document per article, its full text and its metadata.

A file that cannot be read becomes a ``LoadError`` naming the file and the reason; loading goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from html import unescape as unescape_html
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.documents import Document

from .language import article_language, detect_language, language_confidence
from .page_head import READ_ALSO, page_head
from .reasons import Reason, os_reason

if TYPE_CHECKING:
    from pypdf import PageObject

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
_TITLE_MAX = 100
_DATE_LINE = re.compile(
    r"^\s*(?:(?:date|published|publication|date de publication)\s*[:=]"
    # "Publié le 5 mars 2024 à 10h32", as French news sites write it: no colon
    r"|(?:publié|publiée|mis en ligne|mise en ligne|published)(?: le| on)?\s*[:=]?)\s*(\S.*)$", re.I | re.M
)
# "2023-03-11T18:30:00+01:00" too (Hugo's front matter, a "Date:" line copied from a feed): the "T" left
# no word boundary and the article undated.
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:\b|(?=T\d))")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
# "Par Jean Dupont | Publié le 5 mars 2024", "Published: 5 March 2024 | 3 min read": a short line of the head.
_PUBLISHED_IN_LINE = re.compile(r"^(?=.{0,160}$).*?\b(?:publié|publiée|mis en ligne|mise en ligne|published|posted)"
                                r"(?: le| on)?\s*[:=]?\s*(\S.*)$", re.I | re.M)
# A dateline opens the story: "Dakar, le 25 mars 2024 — ...", "PARIS, 25 mars 2024 (AFP) - ...",
# "Kyiv, March 5, 2024 – ...", "Valence (Espagne), 30 oct. 2024 (AFP) - ..." (AFP names a foreign town's country).
# Also as German, Spanish, Italian and Portuguese write it: "Berlin, 5. Februar 2025 —", "Madrid, 20 de enero
# de 2025 —", "Roma, 10 aprile 2025 —" (such articles were undated, and left out by every date filter).
_DATELINE = re.compile(
    r"^[ \t]*[A-ZÀ-Ý][\w'’ .-]{1,40}(?:\([^)\n]{1,30}\))?,[ \t]+(?:(?:le|on)[ \t]+)?"
    r"(\d{1,2}(?:er|\.)?[ \t]+(?:de[ \t]+)?[^\W\d_]+\.?[ \t]+(?:de[ \t]+)?\d{4}"
    r"|[A-Z][a-z]+\.?[ \t]+\d{1,2},[ \t]+\d{4})"
    r"[ \t]*(?:\([^)\n]{1,20}\))?[ \t]*[—–-]", re.M)
# Their months, for publication dates only (the entities' dates stay French and English); and French ones as
# AFP shortens them ("5 févr. 2025"), which the entities' dates do not read.
_OTHER_MONTHS = {"jänner": 1, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7, "déc": 12} | {
    name: number for names in (
    "januar februar märz april mai juni juli august september oktober november dezember",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
) for number, name in enumerate(names.split(), start=1)}
_OTHER_DATE = re.compile(r"\b(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})\b")
# Article text has at least one sentence of prose: this many words, ended as sentences end. Menus
# ("Home | News | Contact"), breadcrumbs, footers ("© 2024 Example. All rights reserved.") and lists of
# headline links have none; the shortest news brief has one.
_PROSE_WORDS = 5
# Menus part their items with | · •. A sentence starts where a line, an item or the sentence before it ends: tried
# from every character of a long line without a stop, it read the rest of the line each time (47 s on 40 kB).
_SENTENCE = re.compile(r"(?<![^.!?…。！？|·•\n])[^.!?…。！？|·•\n]+[.!?…。！？]")
_WORD = re.compile(r"[^\W\d_]+")
# Chinese and Japanese put no space between words: there a sentence of prose is this many characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_UNSPACED_PROSE = 10
# Banners are written in sentences too, but say what they are about: a page whose only sentences speak
# of cookies or JavaScript is a consent banner or an empty app shell, not an article.
_BANNER = re.compile(r"cookie|javascript", re.I)
# A consent banner's other sentences ("En continuant votre navigation, vous acceptez notre politique de
# confidentialité.") do not name cookies: a line that names them and asks for consent is a banner as a
# whole, as is a paywall's line (no article follows it). "La CNIL a infligé une amende à Google pour ses
# cookies. L'entreprise a trois mois..." is an article.
# Its lookaheads are tried at the line's start only (``^``): from every character, they read a long line to its
# end each time.
_BANNER_LINE = re.compile(rf"^(?=.*(?:{_BANNER.pattern}))(?=.*(?:accept|consent|privacy|confidentialit|en continuant|"
                          r"en poursuivant|by continuing|param[eè]tr|settings|pr[eé]f[eé]rences))|r[eé]serv[eé] aux "
                          r"abonn[eé]s|abonnez-vous|subscribers only|subscribe to (?:read|continue)", re.I)
# "Save as single file" inlines images as data: URIs; lxml stops reading an attribute at 10 M characters,
# and the article after a large one was lost.
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{256,}")
# A page a browser saved as text (.txt, .md) holds its markup: read as such, it was titled
# "<html><head><title>..." and answers quoted its scripts and cookie banner. A document opens with a doctype,
# or with <html> and then has a head or a body; "<html> est la première balise..." is a text about HTML.
_HTML_DOCUMENT = re.compile(
    r"\A(?:\s|<\?xml[^>]*>|<!--.*?-->)*(?:<!doctype\s+html|<html[\s>](?=.*?<(?:head|body)[\s>]))", re.I | re.S)


class LoadFailure(Exception):
    """Raised inside a loader; becomes a ``LoadError`` for the report."""

    def __init__(self, code: str | Reason, **values: object) -> None:
        self.reason = code if isinstance(code, Reason) else Reason(code, **values)
        super().__init__(self.reason)


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


# What the file being read leaves out of its article, said by the reader that leaves it (``left_out``).
_LEFT_OUT: ContextVar[list[Reason] | None] = ContextVar("left_out", default=None)


def left_out(reason: Reason) -> None:
    """Say that a part of the file being read is left out of its article, which is read all the same (an e-mail's
    attachment that cannot be read, beside the e-mail's own text): ``load_file`` gives it to its caller."""
    if (said := _LEFT_OUT.get()) is not None:
        said.append(reason)


# What the parts of one file may unpack to, together (a .docx's XML, those of the .docx attached to an e-mail): a
# few kilobytes of zip unpack to gigabytes (a "zip bomb"). A 650 kB .docx whose text part unpacked to 190 MB took
# 2 GB of memory and 26 s to read, and an e-mail may attach a hundred such; the longest article's XML is a few MB.
MAX_UNPACKED_BYTES = 64_000_000
_UNPACKED: ContextVar[list[int] | None] = ContextVar("unpacked", default=None)


def unpacking(size: int, what: str) -> None:
    """Count ``size`` more bytes unpacked from the file being read (``what``: the part, for the reason); past
    ``MAX_UNPACKED_BYTES`` in all, the file fails before they are."""
    count = _UNPACKED.get() or [0]  # a reader called outside load_file: the part alone is counted
    count[0] += size
    if count[0] > MAX_UNPACKED_BYTES:
        raise LoadFailure("unpacks_too_much", part=what, size=f"{count[0] / 1e6:.0f}",
                          limit=f"{MAX_UNPACKED_BYTES / 1e6:.0f}")


def load_file(path: str | os.PathLike[str], max_bytes: int | None = None,
              warnings: list[Reason] | None = None) -> Document | LoadError:
    """Load one file; never raises for bad input, returns a ``LoadError`` instead. What a file read leaves out
    (``left_out``) is appended to ``warnings``, when given."""
    said: list[Reason] = []
    token, unpacked = _LEFT_OUT.set(said), _UNPACKED.set([0])
    try:
        loaded = _load_file(Path(path), max_bytes)
    finally:
        _LEFT_OUT.reset(token)
        _UNPACKED.reset(unpacked)
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


# Formats read by ``documents.py``: the name of each one's reader there.
_DOCUMENT_READERS = {".docx": "read_docx", ".doc": "read_doc", ".odt": "read_odt", ".rtf": "read_rtf",
                     ".eml": "read_eml", ".msg": "read_msg"}

# Articles given in memory (``Assistant.index_records``): their format, which tells them from files (no file
# on disk is ever missing for them), and the keys a dict record is read by, first found first.
RECORD = "record"
_RECORD_TEXT = ("text", "content", "page_content")
_RECORD_NAME = ("id", "url", "source")
_RECORD_DATE = ("published", "date")


def load_record(record: object, position: int) -> Document | LoadError:
    """An article held in memory as a ``Document`` like a file's: a text, a dict (``text``, and optionally
    ``id``, ``url``, ``title``, ``published`` or ``date``, ``author``; a pandas row as ``to_dict("records")``
    gives it), or a LangChain ``Document`` (the same keys in its metadata). Its source, by which it is cited,
    updated and removed, is its ``id``, else its ``url``, else its ``source``, else its text's hash; a record
    that cannot be read is a ``LoadError`` named by that, or by its place in the batch ("record 3")."""
    if isinstance(record, str):
        fields: dict[str, object] = {"text": record}
    elif isinstance(record, Document):
        # Its page_content is its text, whatever its metadata holds under "text" or "content".
        fields = {key: value for key, value in record.metadata.items() if key not in _RECORD_TEXT}
        fields["page_content"] = record.page_content
        if record.id and not any(_given(fields.get(key)) for key in _RECORD_NAME):
            fields["id"] = record.id
    elif isinstance(record, Mapping) or is_row(record):
        # A DataFrame's row as iterrows() or df.iloc[i] gives it (a pandas Series) was "not an article".
        items = record.items() if isinstance(record, Mapping) else record.to_dict().items()  # type: ignore[attr-defined]
        fields = {str(key): value for key, value in items}
    else:
        return LoadError(f"record {position}", Reason("record_type", kind=type(record).__name__))
    text = next((fields[key] for key in _RECORD_TEXT if _given(fields.get(key))), None)
    name = next((fields[key] for key in _RECORD_NAME if _given(fields.get(key))), None)
    if name is None and isinstance(text, str):
        name = "text:" + content_hash(text)[:16]  # the same text given again is the same article
    source = _record_name(name) if name is not None else f"record {position}"
    try:
        return _record_document(fields, text, source)
    except LoadFailure as failure:
        return LoadError(source, failure.reason)


def _record_name(value: object) -> str:
    """A record's id as text. A whole float is written as the int it is: a DataFrame's column of ids that
    misses one holds floats, and its rows came back as "12.0" where they had been "12", indexed twice."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_row(value: object) -> bool:
    """A table's row that is no dict: a pandas ``Series`` (``to_dict()`` and ``keys()``, no columns)."""
    return (callable(getattr(value, "to_dict", None)) and callable(getattr(value, "keys", None))
            and not hasattr(value, "columns"))


def _given(value: object) -> bool:
    """Whether a record's field holds a value: None, "" and a DataFrame's missing values (NaN, NaT, NA) do not."""
    try:
        if value is None or value != value:  # NaN is the one value unequal to itself
            return False
    except TypeError:  # pandas' NA, whose truth is undefined ("boolean value of NA is ambiguous")
        return False
    return not isinstance(value, str) or bool(value.strip())


def _record_document(fields: dict[str, object], text: object, source: str) -> Document:
    if text is None:
        raise LoadFailure("record_empty" if any(key in fields for key in _RECORD_TEXT) else "record_no_text")
    if not isinstance(text, str):
        raise LoadFailure("record_no_text")
    title, author, url = (_record_text(fields, key) for key in ("title", "author", "url"))
    published = _record_date(fields)
    text = normalise_text(text)
    if is_html_document(text):  # a scraper's raw page: read as a saved page is, menus and all left out
        text, page_title, page_date, page_author = _html(text)
        title, published, author = title or page_title, published or page_date, author or page_author
    if not text.strip():
        raise LoadFailure("record_empty")
    return article_document(text, source, RECORD, title or _first_line(text) or source,
                            published or _date_in_text(text), author, url)


def _record_text(fields: dict[str, object], key: str) -> str | None:
    value = fields.get(key)
    if not _given(value):
        return None
    if not isinstance(value, str):
        raise LoadFailure("record_field", field=key, kind=type(value).__name__)
    return " ".join(value.split())


def _record_date(fields: dict[str, object]) -> str | None:
    """A record's publication date as YYYY-MM-DD: a ``date``/``datetime`` (a pandas ``Timestamp`` is one) or
    a text that states one ("2025-03-12", "2025-03-12T10:32:00Z", "12 mars 2025")."""
    key = next((key for key in _RECORD_DATE if _given(fields.get(key))), None)
    if key is None:
        return None
    value = fields[key]
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()[:10]
    stated = _stated_date(value, value) if isinstance(value, str) else None
    if stated is None:
        raise LoadFailure("record_date", field=key, value=value)
    return stated


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
            "author": _author(author) or byline(text) or "",
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
        text, title, published, author = _pdf(data)
    elif suffix in {".mhtml", ".mht"}:  # read as the page saved as .html is
        from .documents import read_mhtml

        kind = ".html"
        text, title, published, author, url = read_mhtml(data)
    elif suffix == ".webarchive":  # Safari's: read as the page saved as .html is
        from .documents import read_webarchive

        kind = ".html"
        text, title, published, author, url = read_webarchive(data)
    elif suffix in _DOCUMENT_READERS:
        from . import documents

        text, title, published, author = getattr(documents, _DOCUMENT_READERS[suffix])(data)
    else:
        decoded = decode_text(data)
        if suffix not in {".html", ".htm"} and is_html_document(decoded):
            kind = ".html"
        if kind in {".html", ".htm"}:
            text, title, published, author = _html(decoded)
            url = page_url(decoded)
        elif suffix in {".md", ".markdown"}:
            text, title, published, author = _markdown(without_read_also(normalise_text(decoded)))
        else:
            text = without_read_also(normalise_text(decoded))
            title = _first_line(text)
            published = _date_in_text(text)
            author = None
    return kind, text, title, published, author, url


def without_read_also(text: str) -> str:
    """The text without its lines that link to another article ("Lire aussi : ...", "Read more: ..."): a saved page
    keeps them inside its story, and so does the story copied from it into a text file."""
    return "\n".join(line for line in text.split("\n") if not READ_ALSO.match(line))


# A saved page's own address: its canonical link, else its Open Graph one (news sites write both). A tag's attributes
# end at the next "<" and are bounded: a head of 19 kB of "<link rel=canonical " without a ">" took 90 s (hours
# at 100 kB), each tag's attributes read anew from each "rel=" after it.
_ATTRIBUTES = r"[^<>]{0,1000}"
_PAGE_URL = [re.compile(pattern.replace("ATTRIBUTES", _ATTRIBUTES), re.I) for pattern in (
    r"<link\bATTRIBUTES\brel=[\"']?canonical\bATTRIBUTES\bhref=[\"']?(https?://[^\"'\s<>]+)",
    r"<link\bATTRIBUTES\bhref=[\"']?(https?://[^\"'\s<>]+)ATTRIBUTES\brel=[\"']?canonical\b",
    r"<meta\bATTRIBUTES\bproperty=[\"']?og:url[\"']?ATTRIBUTES\bcontent=[\"']?(https?://[^\"'\s<>]+)",
    r"<meta\bATTRIBUTES\bcontent=[\"']?(https?://[^\"'\s<>]+)ATTRIBUTES\bproperty=[\"']?og:url\b",
)]


def page_url(html: str) -> str | None:
    """The address a saved web page was read from (``<link rel="canonical">`` or ``og:url``), for a citation's
    link to the original; None when the page names none. Only http(s): a citation's link is opened."""
    end = html.lower().find("</head>")
    head = html if end < 0 else html[:end]  # not a link to another page in the story
    for pattern in _PAGE_URL:
        if match := pattern.search(head):
            return unescape_html(match.group(1))
    return None


# Who wrote it, as its head says: "Par Claire Fontaine | Publié le ...", "*By James Whitmore, Kyiv — March 4*",
# "Auteur : Jean Martin". Up to four capitalised words; "et"/"and" joins a second author.
_NAME = r"(?-i:[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:de |d['’]|van |von )?[A-ZÀ-Ý][\w'’.-]*){0,3})"
# "De notre correspondant à Moscou, Pierre Dupont": the name after the post.
_POST = r"(?:not(?:re|er)\s+(?:correspondante?|envoyée?\s+spéciale?)(?:\s+(?:à|au|aux|en|dans)\s+[^,]{1,40})?,\s*)?"
_BYLINE = re.compile(
    rf"^[\W_]*(?:(?:par|by|de)\s+{_POST}|(?:auteur|auteure|author|autrice)s?\s*:\s*)(?P<name>{_NAME}"
    rf"(?:\s+(?:et|and|&)\s+{_NAME})?)\s*(?:$|[,|—–•·*_(]|\s-\s)", re.I)
_HEAD_LINES = 8


def is_byline(line: str) -> bool:
    return _BYLINE.match(line.strip()) is not None


def byline(text: str) -> str | None:
    """The author a text's byline names in its first lines, if any."""
    for line in text.splitlines()[:_HEAD_LINES]:
        if match := _BYLINE.match(line.strip()):
            return match.group("name").strip()
    return None


def _author(value: str | None) -> str | None:
    """An author as metadata gives it: "Claire Fontaine", "Par Claire Fontaine", "A; B" -> "A, B"."""
    if not value:
        return None
    value = re.sub(r"^\s*(?:par|by)\s+", "", " ".join(str(value).split()), flags=re.I)
    names = [name.strip() for name in re.split(r"\s*;\s*", value) if name.strip()]
    return ", ".join(dict.fromkeys(names))[:200] or None


def is_html_document(text: str) -> bool:
    """Does this text (a file's, or its first kilobytes) open as an HTML document, whatever its file's name?"""
    return _HTML_DOCUMENT.match(text.lstrip("\ufeff")) is not None


# Characters that are no part of the words they sit in: a soft hyphen ("Zelen\u00adsky", as CMS exports
# write long words) split a name in two for the search and the entities; zero-width spaces and joiners
# likewise, and a NUL byte (damage further into a file than ``decode_text`` looks). A page's HTML parser
# already drops them.
_INVISIBLE = dict.fromkeys(map(ord, "\x00\ufeff\u00ad\u200b\u2060"))


def normalise_text(text: str) -> str:
    # Offsets are given in this normalised text, so every step here must be deterministic. Unicode's line
    # and paragraph separators end lines as "\n" does (a dateline after one was not read as a line's start).
    return (text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
            .translate(_INVISIBLE))


def decode_text(data: bytes) -> str:
    """Bytes to text: UTF-8 when it is, otherwise the detected encoding (cp1252, latin-1, ...)."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _utf16_without_bom(data)
        except LoadFailure:
            return _without_nuls(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    sample = text[:2_000_000]
    damaged = sample.count("\ufffd")
    if sum(1 for ch in sample if ord(ch) > 127) - damaged >= max(3, 2 * damaged):
        # UTF-8 with a few bad bytes (a cut download, a careless edit): keep its text, the damage marked
        # with U+FFFD, rather than read all of it in a code page it is not in.
        return text
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:2_000_000])
    if matches.best() is None:
        raise LoadFailure("binary")
    # charset-normalizer often takes Western text for a Baltic or Central European code page ("Déją");
    # the decoding in which the language detector is most confident is the one a reader would see.
    candidates = list(dict.fromkeys([m.encoding for m in list(matches)[:3]] + ["cp1252", "latin-1"]))
    best_text, best_rank = None, (-(10**9), -1.0)
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _looks_like_text(text):
            continue
        # C1 control characters (U+0080-U+009F) are what latin-1 makes of cp1252's quotes and dashes: no
        # real text has them, and the language detector does not see them, so they decide first.
        controls = sum(1 for ch in text[:200_000] if "\x80" <= ch <= "\x9f")
        rank = (-controls, language_confidence(text) * _plausible_letters(text))
        if rank > best_rank:
            best_text, best_rank = text, rank
    if best_text is None:
        raise LoadFailure("encoding", detail=matches.best().encoding)
    return best_text


def _without_nuls(data: bytes) -> str:
    """A text with NUL bytes that is not UTF-16: a stray one a tool left, or the padding of a file cut by a
    crash or a download. Each made the whole article "binary"; its text is read without them. Binary data
    is no text once they are gone either (control characters, or no encoding at all)."""
    try:
        text = decode_text(data.replace(b"\x00", b""))
    except LoadFailure:
        raise LoadFailure("binary_not_text") from None
    if not _looks_like_text(text):
        raise LoadFailure("binary_not_text")
    return text


# UTF-16 written without a byte order mark (as some Windows tools write it): every character below
# U+0100 (spaces, digits, punctuation, Latin letters) has a NUL high byte, so the NULs of the text fall
# on one side of its byte pairs, in Cyrillic or Greek text too (their spaces and punctuation). Binary
# data has NULs on both sides.
_UTF16_MIN_NULS = 0.10  # pairs with a NUL on the text's side, at least (a share of all pairs)
_UTF16_MAX_STRAY = 0.05  # NULs on the other side, at most (a share of those): U+0100, U+0400 ...


def _utf16_without_bom(data: bytes) -> str:
    head = data[:8192]
    pairs = len(head) // 2
    low, high = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    for encoding, nuls, stray in (("utf-16-le", high, low), ("utf-16-be", low, high)):
        if nuls >= _UTF16_MIN_NULS * pairs and stray <= _UTF16_MAX_STRAY * nuls:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:  # an odd length, a lone surrogate: not UTF-16 after all
                break
            if _looks_like_text(text):
                return text
            break
    raise LoadFailure("binary_not_text")


# The non-ASCII letters each language writes. The detector is as sure that "prťsentť" is
# French as "présenté" (the rest of the text decides), so the letters break the tie between decodings.
_LETTERS = {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüß", "es": "áéíñóúü", "it": "àèéìíîòóùú", "pt": "ãõáâàçéêíóôú",
    "nl": "áéèëíïóöúü", "en": "àáçéèêëïñöü", "pl": "ąćęłńóśźż",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
}


def _plausible_letters(text: str) -> float:
    """Share of the non-ASCII letters of ``text`` that its language writes (1.0: no opinion)."""
    expected = _LETTERS.get(detect_language(text))
    letters = [ch.lower() for ch in text[:20000] if ch.isalpha() and not ch.isascii()]
    if expected is None or not letters:
        return 1.0
    return sum(1 for ch in letters if ch in expected) / len(letters)


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control / len(sample) < 0.01


# A file's metadata lines ("Date: 2024-03-01", "Source: Reuters") state no fact: neither a title nor an
# answer (the extractive answerer never quotes them).
METADATA_LINE = re.compile(
    r"\s*(?:date|dates|source|sources|author|authors|auteur|auteurs|by|published|publié le|publication|"
    r"updated|mis à jour|url|link|lien|tags|mots-clés|keywords|title|titre|language|langue)\s*:"
    # A site's footer ("© 2024 Lyon Daily", "Copyright 2024 ...") is no answer either; "Copyright law ..." may be.
    r"|\s*(?:©|\(c\)\s|copyright\s+(?:©\s*|\(c\)\s*)?\d{4})"
    # A byline ("Par Julien Moreau | Publié le 20 novembre 2024", "By Sarah Kim") or a "Publié le ..." line:
    # it embeds close to any question (0.94 to a recipe's), and let unrelated questions count as answered.
    r"|\s*(?:par|by)\s+(?-i:(?:[A-ZÀ-Ý][\w'’.-]*\s*){1,4})(?:\||$|[—–]\s)"
    # "De notre correspondant à Moscou, Pierre Dupont", alone on its line
    r"|\W*(?:de|par)\s+not(?:re|er)\s+(?:correspondante?|envoyée?\s+spéciale?)\b[^.!?]{0,80}$"
    r"|\s*(?:publié|publiée|mis en ligne|mise en ligne|mis à jour|published|updated|posted)(?:\s+(?:le|on))?\s+\d",
    re.I,
)
_TITLE_LINE = re.compile(r"\s*(?:title|titre)\s*:\s*(\S.*)", re.I)


_BARE_URL = re.compile(r"<?(?:https?://|www\.)\S+>?")


def _first_line(text: str) -> str | None:
    """The title of a plain text: its "Title:" line, else its first line that is not metadata."""
    for line in text.splitlines()[:40]:
        if (named := _TITLE_LINE.match(line)) is not None:
            return _shorten(named.group(1).strip())
    for line in text.splitlines():
        line = line.strip()
        # A bare link (where the text was copied from) is no title.
        if line and not METADATA_LINE.match(line) and not _DATE_LINE.match(line) and not _BARE_URL.fullmatch(line):
            return _shorten(line)
    return None


def _shorten(line: str) -> str:
    if len(line) <= _TITLE_MAX:
        return line
    cut = line.rfind(" ", 0, _TITLE_MAX)
    return line[: cut if cut > 0 else _TITLE_MAX].rstrip(" ,;:") + "…"


# Markdown is read as what it says: an article's text without its markup. Its marks were indexed and
# quoted ("**Vilnius**", "[le communiqué](https://...)"), a front matter was article text, and spaCy read
# "Vilnius](https://example.com" and "Pays | Dépenses" as names.
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# One key a line: "\s*" let an empty "title:" take the next line ("date: 2024-05-02") for its value. The
# indented lines after a key are its YAML list ("  - Jean Dupont") or folded text ("title: >").
_FRONT_FIELD = re.compile(r"^(title|date|author)[ \t]*[:=][ \t]*(.*?)[ \t]*$((?:\n[ \t]+\S.*)*)", re.I | re.M)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$\n?", re.M | re.S)  # code is not prose
_SETEXT_RULE = re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_QUOTE_MARK = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$")
# A mark's text ends at the next bracket, and is bounded: tried from each "[" of "[[[[...", one read the rest of the
# text each time (2.5 s at 10 kB, hours at a megabyte). No link's words run to 1,000 characters, nor hold brackets.
_INLINE = [
    # a notes app's [[page]] or [[page|text]]
    (re.compile(r"\[\[(?:[^\[\]|\n]{0,300}\|)?([^\[\]\n]{1,300})\]\]"), r"\1"),
    (re.compile(r"!\[[^\[\]]{0,1000}\]\([^()]{0,2000}\)"), ""),  # an image
    (re.compile(r"\[([^\[\]]{1,1000})\]\((?:[^()]|\([^()]{0,500}\)){0,2000}\)"), r"\1"),  # [text](url "title")
    (re.compile(r"\[([^\[\]]{1,1000})\]\[[^\[\]]{0,1000}\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML (<br>, <em>)
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).){1,2000}?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]
# An escaped mark ("\*absurde\*") is the character itself: kept aside (in the private-use area) while the
# marks are read.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_ASIDE = 0xF0000


def _markdown(text: str) -> tuple[str, str | None, str | None, str | None]:
    """The text of a Markdown article, its title (the front matter's, else its first heading, else its first
    line) and its date (the front matter's, else as a text states it)."""
    fields: dict[str, str] = {}
    if front := _FRONT_MATTER.match(text):
        for name, value, block in _FRONT_FIELD.findall(front.group(1)):
            if block and (not value or value in (">", "|", ">-", "|-")):
                lines = [line.strip() for line in block.splitlines() if line.strip()]
                items = [line[1:].strip().strip("\"'") for line in lines if line.startswith("-")]
                value = "; ".join(items) if items else " ".join(lines)
            elif value.startswith("[") and value.endswith("]"):
                value = "; ".join(item.strip().strip("\"'") for item in value[1:-1].split(","))
            if value := value.strip().strip("\"'").strip():
                fields.setdefault(name.lower(), value)
        text = text[front.end() :]
    text = _ESCAPED.sub(lambda mark: chr(_ASIDE + ord(mark.group(1))), _FENCE.sub("", text))
    lines, heading = [], None
    for line in text.split("\n"):
        if _SETEXT_RULE.match(line) and lines and lines[-1].strip():
            heading = heading or lines[-1].strip()  # "Séisme au Maroc" over "====="
            continue
        if _TABLE_RULE.match(line) and "-" in line or _LINK_DEFINITION.match(line):
            continue
        line = _QUOTE_MARK.sub("", line)  # "> « Nous ne céderons pas »": the quotation, not its mark
        if match := _HEADING.match(line):
            line = match.group(1)
            heading = heading or line.strip()
        elif line.lstrip().startswith("|") or line.count("|") >= 2:
            line = "; ".join(cell.strip() for cell in line.strip().strip("|").split("|"))  # a table row
        lines.append(line)
    plain = re.sub(r"\n{3,}", "\n\n", _without_marks("\n".join(lines))).strip("\n")
    # The heading as the text reads it: "# 3 TGV sur 5 <b>supprimés</b>" was titled with its marks.
    title = fields.get("title") or (_without_marks(heading) if heading else None) or _first_line(plain)
    published = _stated_date(fields["date"], plain) if "date" in fields else None
    return plain, _shorten(title) if title else None, published or _date_in_text(plain), fields.get("author")


def _without_marks(text: str) -> str:
    """Markdown's inline marks taken off (links, emphasis, inline HTML), escaped characters put back."""
    for pattern, replacement in _INLINE:  # on the whole text: a link's words may wrap over two lines
        text = pattern.sub(replacement, text)
    return re.sub(r"[\U000F0000-\U000F00FF]", lambda aside: chr(ord(aside.group(0)) - _ASIDE), text)


def _date_in_text(text: str) -> str | None:
    """A publication date the file states in its first lines: a ``Date:`` or "Publié le" line (also after a
    byline: "Par Jean Dupont | Publié le 5 mars 2024"), a dateline ("Dakar, le 25 mars 2024 — ..."), or a
    byline's date ("By James Whitmore, Kyiv — March 4, 2025")."""
    head = text[:1500]
    lines = [match.group(1) for match in _DATE_LINE.finditer(head)]
    lines += [match.group(1) for match in _PUBLISHED_IN_LINE.finditer("\n".join(head.splitlines()[:8]))]
    lines += [match.group(1) for match in _DATELINE.finditer(head[:800])]
    # A byline that dates the story after its author: "*By James Whitmore, Kyiv — March 4, 2025*".
    lines += [line for line in head.splitlines()[:_HEAD_LINES] if is_byline(line)]
    for words in lines:
        if found := _stated_date(words, head):
            return found
    return None


def _stated_date(words: str, head: str) -> str | None:
    """The first full date written in ``words`` ("05 mars 2024 à 10h32, modifié le 06 mars": the 5th).
    A relative one ("il y a 3 heures", "hier", "2 days ago") or a year alone is no publication day: read
    against the clock, it dated the article on the day it was indexed, or on the 1st of this month."""
    if iso := _ISO_DATE.search(words):
        return _valid_date(*iso.groups())
    if numeric := _NUMERIC_DATE.search(words):
        first, second, year = numeric.groups()
        # 05/03/2024 is the 5th of March in French (and most of the world), the 3rd of May in English.
        day, month = (second, first) if detect_language(head) == "en" else (first, second)
        return _valid_date(year, month, day)
    from .entities import extract_dates

    for mention in sorted(extract_dates(words), key=lambda mention: mention.start):
        if len(mention.key) == 10 and not mention.key.startswith("-"):
            return _valid_date(*mention.key.split("-"))
    for day, month, year in _OTHER_DATE.findall(words):
        if month.lower() in _OTHER_MONTHS:
            return _valid_date(year, str(_OTHER_MONTHS[month.lower()]), day)
    return None


def _valid_date(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _html(html: str) -> tuple[str, str | None, str | None, str | None]:
    import trafilatura

    html = _without_layout_tables(_DATA_URI.sub("data:,", html))

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
    )
    if not text or not _has_prose(text):
        # Very short pages fall under trafilatura's precision heuristics: retry favouring recall.
        text = trafilatura.extract(html, include_comments=False, favor_recall=True) or text
    if not text or not text.strip():
        raise LoadFailure("html_empty")
    if not _has_prose(text):
        # What is left when a page has no article is its chrome: indexed, it would be an article "Home".
        seen = _shorten(" / ".join(line.strip() for line in text.splitlines() if line.strip()))
        raise LoadFailure("html_boilerplate", detail=f'"{seen}"')
    text = _LAYOUT_ROW.sub(lambda row: row.group(1).replace("\\|", "|"), text)
    text = without_read_also(text)
    meta = trafilatura.extract_metadata(html, date_config=_MARKED_DATES)
    title = meta.title if meta and meta.title else _first_line(text)
    head = page_head(html, text, title)
    if head.standfirst:
        text = f"{head.standfirst}\n{text}"
    head_text = "\n".join(head.lines)
    published = (meta.date if meta and meta.date else None) or _date_in_text(text) or _date_in_text(head_text)
    # Structured data, meta tags or the byline element: the byline itself is not in the main text.
    author = meta.author if meta and meta.author and "://" not in meta.author else None
    # Some sites name themselves as every page's author (<meta name="author" content="Le Quotidien">): the
    # "Par ..." line above the story names who wrote it.
    if author is None or (meta.sitename and author.casefold() == meta.sitename.casefold()):
        author = byline(head_text) or author
    return normalise_text(text), title, published, author


def _without_layout_tables(html: str) -> str:
    """The page with its layout tables taken apart: an old site sets its menu and its story side by side in
    the cells of a table, which came out as one Markdown row, "| Accueil Région Sport | Saint-Malo : le port
    ... couleurs Après trois années ... |", the menu and the headline glued to the first sentence and the
    story's <br> lost. A table that sets cells side by side (or frames another), one of which holds prose set
    out in lines or paragraphs, is layout: its cells become blocks, which the extractor reads as any page's
    (a menu left out, a <br> a line's end). A data table's cells hold no such text, and it stays a table; a
    table of one column is left to ``_LAYOUT_ROW``."""
    if not _TABLE_CELL.search(html):
        return html
    import lxml.html
    from lxml import etree

    try:
        page = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    layout = [table for table in page.iter("table") if _side_by_side(table) and any(map(_prose_cell, _cells(table)))]
    if not layout:
        return html
    for table in layout:
        for cell in _cells(table):
            cell.tag = "div"
        for part in table.xpath("./tr | ./*/tr | ./thead | ./tbody | ./tfoot"):
            part.drop_tag()
        table.tag = "div"
    return lxml.html.tostring(page, encoding="unicode")


_TABLE_CELL = re.compile(r"<t[dh][\s>]", re.I)
_BLOCK_IN_CELL = "br p div h1 h2 h3 h4 h5 h6".split()


def _side_by_side(table) -> bool:
    """Whether a table sets cells side by side, or holds another table (a newsletter's frame around its columns)."""
    return (any(len(_cells(row)) > 1 for row in table.xpath("./tr | ./*/tr"))
            or any(next(cell.iter("table"), None) is not None for cell in _cells(table)))


def _cells(element) -> list:
    """The cells of a table, or of a row."""
    return element.xpath("./td | ./th | ./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th")


def _prose_cell(cell) -> bool:
    """A cell that holds a story: prose, set out in lines or paragraphs."""
    return next(cell.iter(*_BLOCK_IN_CELL), None) is not None and _has_prose(cell.text_content())


# A table row of one cell is page layout (an old site set out in a <table>), not data: its text without the
# Markdown table's pipes. Rows of several cells stay a table.
_LAYOUT_ROW = re.compile(r"^\|\s*((?:[^|\\\n]|\\.)*?)\s*\|[ \t]*$", re.M)


# A page's date from its markup only (meta tags, <time>, structured data), then our "Published on" lines:
# htmldate's extensive search took a footer's "© 2024" for 1 January 2024, and date filters then kept or
# dropped archived stories by a year that is only the site's.
_MARKED_DATES = {"extensive_search": False, "original_date": True}


def _has_prose(text: str) -> bool:
    return any((len(_WORD.findall(sentence)) >= _PROSE_WORDS or len(_UNSPACED.findall(sentence)) >= _UNSPACED_PROSE)
               and not _BANNER.search(sentence)
               for line in text.splitlines() if not _BANNER_LINE.search(line) for sentence in _SENTENCE.findall(line))


def _pdf(data: bytes) -> tuple[str, str | None, str | None, str | None]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found") on stderr; a PDF it cannot read fails with
    # its reason in the report instead, so its warnings are only noise, even under --quiet or --json.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadFailure("encrypted_pdf")
            except LoadFailure:
                raise
            except Exception as error:
                raise LoadFailure("locked_pdf", detail=error) from error
        # A browser's margins first: as a paper's running lines (they repeat too), they were no sign of a print.
        for number, page in enumerate(reader.pages, 1):  # all counted before any is read: reading is the slow part
            _pdf_page_unpacked(page, number)
        printed = [_without_print_margins(_pdf_page_text(page.extract_text() or "")) for page in reader.pages]
        pages = _without_running_lines([page for page, _ in printed])
        info = reader.metadata
    except LoadFailure:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise LoadFailure("broken_pdf", detail=error) from error
    text = _unwrapped(normalise_text("\n\n".join(page for page in pages if page)))
    if not text.strip():
        raise LoadFailure("scanned_pdf")
    title = (info.title if info and info.title else None) or _first_line(text)
    author = str(info.author).strip() if info and info.author else None
    # The date the text states first: a page printed to PDF from a browser was created the day it was printed,
    # and was dated that day, months after the "Publié le" it shows. One whose browser's margins say so has no
    # other date than the text's.
    by_browser = any(margin for _, margin in printed)
    return text, title, _date_in_text(text) or (None if by_browser else _pdf_date(info)), author


def _pdf_page_unpacked(page: PageObject, number: int) -> None:
    """Count a page's drawing instructions against what one file may unpack: pypdf caps each stream (75 MB) but
    not the file, and a PDF of a few hundred kilobytes whose pages unpack to megabytes each took gigabytes."""
    contents = page.get_contents()
    if contents is not None:
        unpacking(len(contents.get_data()), f"page {number}")


# A typesetter's ligatures, one character in a PDF's text ("ﬁnancement", a browser's "ﬁle:///" footer): the two
# or three letters they stand for, or "financement" in a question found nothing in them.
_LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}


def _pdf_page_text(text: str) -> str:
    """A page's text as pypdf gives it, ligatures spelt out and without the lines that link to another article
    (a page printed from a browser keeps the "Lire aussi : ..." lines a saved page is read without)."""
    return without_read_also(text.translate(_LIGATURES).strip())


# A browser's "Print > Save as PDF" sets its margins' lines on each page. Chrome and Edge: the day and time it
# printed beside the page's title atop ("07/12/2026 10:32 Grève à Orly - Le Quotidien", "12/7/26, 10:32 AM ..."),
# the page's address and number at the foot ("https://... 1/1"). Firefox: the title and the address atop, the
# number and the day and time at the foot ("1 sur 2 07/12/2026 10:32"). A paper's own header and footer are neither.
_PRINT_TIME = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4},?\s+\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
_PRINT_PAGE = r"(?:(?:page|p\.)\s*)?\d+\s*(?:/|of|sur|de|von)\s*\d+"
_PRINT_ADDRESS = r"(?:https?|file)://\S+"
# A browser prints both or neither: a line like one of them alone (a paper's "12/03/2025 10:32" atop a page, its
# "Source : https://..." line) is the page's own, and stays.
_PRINT_MARGINS = [  # (head, foot): Chrome's and Edge's, Firefox's
    (re.compile(rf"^\s*{_PRINT_TIME}(?:\s|$)"), re.compile(rf"^\s*{_PRINT_ADDRESS}\s+{_PRINT_PAGE}\s*$", re.I)),
    (re.compile(rf"^(?=.{{0,300}}$).*\s{_PRINT_ADDRESS}\s*$"),
     re.compile(rf"^\s*{_PRINT_PAGE}\s+{_PRINT_TIME}\s*$", re.I)),
]


def _without_print_margins(page: str) -> tuple[str, bool]:
    """A page's text without the header and footer lines a browser printed on it; and whether it had them. The
    PDF's text comes in the order it was drawn, the margins before the page or after it: they are looked for
    among its first two and last two lines."""
    lines = page.split("\n")
    if len(lines) < 3:
        return page, False
    edges = sorted({0, 1, len(lines) - 2, len(lines) - 1})
    for head, foot in _PRINT_MARGINS:
        at = next((i for i in edges if head.match(lines[i])), None)
        end = next((i for i in reversed(edges) if i != at and foot.match(lines[i])), None)
        if at is not None and end is not None:
            return "\n".join(line for i, line in enumerate(lines) if i not in (at, end)).strip(), True
    return page, False


# A paper's PDF repeats its name and date atop each page and numbers it at the foot: "Page 1 / 3" was glued to
# the sentence above it and quoted with it, and the header came between the halves of a sentence running onto the
# next page. A line is running when it opens or closes most pages (its numbers aside).
_RUNNING_SHARE = 0.6
_EDGE_LINES = 2  # at either end of a page
_RUNNING_MAX = 80  # characters: a header or a footer is short, a line of the story is not


def _without_running_lines(pages: list[str]) -> list[str]:
    """The pages without the header and footer lines that most of them repeat ("Page 2 / 3" as "Page 1 / 3")."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    split = [page.split("\n") for page in pages]
    counts = Counter(edge for lines in split
                     for edge in {key(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
                     if 0 < len(edge) <= _RUNNING_MAX)
    running = {edge for edge, count in counts.items() if count >= max(2, _RUNNING_SHARE * len(pages))}
    kept = []
    for lines in split:
        start, end = 0, len(lines)
        while start < end and key(lines[start]) in running:
            start += 1
        while end > start and key(lines[end - 1]) in running:
            end -= 1
        kept.append("\n".join(lines[start:end]).strip())
    return kept


# A PDF's text comes line by line as it is set on the page: a sentence wrapped over two lines was two
# "paragraphs" to the sentence splitter, and was quoted in halves. A line as long as the document's long
# lines wraps on into the next; a shorter one (a heading, a paragraph's last line) ends where it is.
WRAPPED_LINE = 0.7  # of the document's long-line length (its 90th percentile)
_MIN_FULL_LINE = 40  # characters: a page of shorter lines (a list, verse) is left as it is
_MAX_FULL_LINE = 200  # longer lines are paragraphs already, not lines as set on a page


def _unwrapped(text: str) -> str:
    lines = text.split("\n")
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 2:
        return text
    full = lengths[int(0.9 * (len(lengths) - 1))]
    if not _MIN_FULL_LINE <= full <= _MAX_FULL_LINE:
        return text
    out = []
    for line, following in zip(lines, lines[1:], strict=False):
        line = line.rstrip()
        wraps = len(line.strip()) >= WRAPPED_LINE * full and following.strip()
        # "peut-" / "être" is one word: the hyphen stays, the space does not come.
        out.append(line + ("" if wraps and line.endswith("-") else " " if wraps else "\n"))
    out.append(lines[-1])
    return "".join(out)


def _pdf_date(info) -> str | None:
    # A malformed /CreationDate ("garbage", "D:2024") makes pypdf raise: the text is still good.
    try:
        created = info.creation_date if info else None
    except (ValueError, TypeError, AttributeError):
        return None
    return created.date().isoformat() if created else None
