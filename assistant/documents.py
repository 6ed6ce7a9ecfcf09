"""Word (.docx, and 97-2003's .doc), OpenDocument (.odt), Rich Text (.rtf), e-mail (.eml, Outlook's .msg, and the
winmail.dat Outlook attaches) and single-file web page (.mhtml, Safari's .webarchive) files read as articles: their
text, title, date and author.

Read with the standard library, lxml, striprtf, olefile and tnefparse only. Each reader returns ``(text, title,
published, author)``, as the loaders of ``loaders.py`` do, or raises ``LoadFailure`` with the reason the file cannot
be read (damaged, locked with a password, another format under the name).
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import PurePath

from lxml import etree

from .loaders import (
    SUPPORTED_SUFFIXES,
    LoadFailure,
    _date_in_text,
    _first_line,
    _has_prose,
    _html,
    _shorten,
    _valid_date,
    byline,
    decode_text,
    left_out,
    normalise_text,
    page_url,
    read_data,
    unpacking,
)
from .page_head import READ_ALSO, page_lines
from .reasons import Reason

Read = tuple[str, str | None, str | None, str | None]

# Word and Excel files from before 2007, and any Office file saved with a password, are OLE compound files.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# No entities, no network, no huge text nodes: a document is data, not a program its XML could run.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip package a .docx or .odt is; another file under that name is said for what it is."""
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise LoadFailure("encrypted_document", kind=kind)
        raise LoadFailure("old_office", kind=kind)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise LoadFailure("broken_document", kind=kind, detail=f"not a zip package: {error}") from error


def _part(package: zipfile.ZipFile, name: str, kind: str, required: bool = True) -> etree._Element | None:
    """One XML part of the package, parsed; ``None`` for a missing optional part."""
    try:
        info = package.getinfo(name)
    except KeyError:
        if not required:
            return None
        raise LoadFailure("broken_document", kind=kind, detail=f"it has no {name}") from None
    # Counted before it is unpacked: the reader stops at the size a part declares, so a lying header gets no further.
    unpacking(info.file_size, name)
    try:
        return etree.fromstring(package.read(info), parser=_PARSER)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        etree.XMLSyntaxError,
    ) as error:
        if not required:  # damaged metadata: the text is still good
            return None
        raise LoadFailure("broken_document", kind=kind, detail=f"{name}: {error}") from error


def _joined(lines: Iterator[str]) -> str:
    """Paragraphs one a line, as a page's text comes: empty ones (spacing in a word processor) left out, and so are
    the "Lire aussi : ..." lines of a story pasted from a site."""
    text = "\n".join(line.strip() for line in lines if line.strip() and not READ_ALSO.match(line.strip()))
    return normalise_text(text)


def _metadata(root: etree._Element | None, *paths: str) -> str | None:
    """The first non-empty value among ``paths`` (ElementTree paths with Clark names) in a metadata part."""
    if root is None:
        return None
    for path in paths:
        found = root.find(path)
        if found is not None and found.text and found.text.strip():
            return " ".join(found.text.split())
    return None


# Word and LibreOffice write their user's account name as the creator: a generic one names no author.
_NO_AUTHOR = {
    "",
    "user",
    "utilisateur",
    "admin",
    "administrator",
    "administrateur",
    "auteur",
    "author",
    "unknown",
    "inconnu",
    "microsoft office user",
    "utilisateur de microsoft office",
    "utilisateur microsoft office",
    "windows user",
    "utilisateur windows",
    "python-docx",
    "apache poi",
}


def _creator(value: str | None) -> str | None:
    return value if value and value.casefold() not in _NO_AUTHOR else None


def _iso_day(value: str | None) -> str | None:
    """The day of an ISO timestamp ("2025-03-12T09:14:00Z"); a template's default or junk gives none."""
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value or "")
    return _valid_date(*match.groups()) if match else None


# ---------------------------------------------------------------------------------------------------- Word

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
# Deleted text kept for tracked changes, text moved away from here, field codes ("HYPERLINK ...", "PAGE"): no part
# of what the document reads. A text box is written twice, for new Word and as a fallback for old readers: read once.
_WORD_HIDDEN = {
    _W + "del",
    _W + "moveFrom",
    _W + "instrText",
    _W + "delInstrText",
    _W + "rPr",
    _W + "pPr",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_WORD_TITLE_STYLES = re.compile(r"(?:title|titre|heading1|titre1)$", re.I)


def read_docx(data: bytes) -> Read:
    if _is_word_97(data):  # renamed .docx to "bring it up to date": read as the .doc it is
        return read_doc(data)
    package = _open_zip(data, "Word")
    document = _part(package, "word/document.xml", "Word")
    core = _part(package, "docProps/core.xml", "Word", required=False)
    body = document.find(_W + "body")
    blocks = list(_word_blocks(body)) if body is not None else []
    text = _joined(line for _, line in blocks)
    if not text:
        raise LoadFailure("empty_document", kind="Word")
    heading = next((line.strip() for style, line in blocks if line.strip() and _WORD_TITLE_STYLES.match(style)), None)
    title = _metadata(core, _DC + "title") or heading or _first_line(text)
    published = _date_in_text(text) or _iso_day(_metadata(core, _DCTERMS + "created"))
    author = byline(text) or _creator(_metadata(core, _DC + "creator"))
    return text, _shorten(title) if title else None, published, author


def _word_blocks(container: etree._Element) -> Iterator[tuple[str, str]]:
    """Each paragraph of a Word body as (its style, its text), in reading order; a table row as one line of its
    cells ("Paris; 12 %"), a table of one column (a page set out in a frame) a paragraph a line."""
    for child in container:
        if child.tag == _W + "p":
            style = child.find(f"{_W}pPr/{_W}pStyle")
            yield (style.get(_W + "val", "") if style is not None else ""), _word_text(child)
        elif child.tag == _W + "tbl":
            for row in child.findall(_W + "tr"):
                cells = row.findall(_W + "tc")
                if len(cells) == 1:
                    yield from _word_blocks(cells[0])
                else:
                    values = [" ".join(line for _, line in _word_blocks(cell)).strip() for cell in cells]
                    yield "", "; ".join(value for value in values if value)
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"):
            yield from _word_blocks(child)  # content controls and tracked insertions hold paragraphs too


def _word_text(element: etree._Element) -> str:
    parts: list[str] = []
    for child in element:
        if child.tag in _WORD_HIDDEN:
            continue
        if child.tag == _W + "t":
            parts.append(child.text or "")
        elif child.tag == _W + "tab":
            parts.append("\t")
        elif child.tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif child.tag == _W + "noBreakHyphen":
            parts.append("-")
        else:
            parts.append(_word_text(child))  # runs, hyperlinks, insertions, smart tags
    return "".join(parts)


# ------------------------------------------------------------------------------------------- Word 97-2003

# [MS-DOC]: a .doc is an OLE compound file. Its "WordDocument" stream opens with the FIB (File Information Block), which
# says where everything else is: the text lies in that stream in pieces, listed in reading order by the piece table
# (the CLX) in the "0Table" or "1Table" stream, each piece 8-bit ("compressed", cp1252) or UTF-16LE.
_DOC_KIND = "Word 97-2003"
_DOC_IDENTS = (0xA5EC, 0xA5DC)  # FibBase.wIdent: Word 97 and later; Word 6 and 95
_DOC_NFIB_97 = 0x00C0  # FibBase.nFib: Word 97 and later write 0x00C1 (0x00C0 and 0x00C2 are also met); Word 6/95 less
_DOC_ENCRYPTED, _DOC_ONE_TABLE = 0x0100, 0x0200  # FibBase's flags: fEncrypted, fWhichTblStm
_DOC_CLX = 33  # the index of fcClx/lcbClx among FibRgFcLcb97's pairs
_DOC_FIB_MIN = 0x22  # FibBase (32 bytes) and csw: what is read before the FIB's counted arrays
# What the main text's special characters read as: paragraph marks, line, page, column and section breaks end
# lines; a non-breaking hyphen is a hyphen; an optional one and the anchors of pictures, footnotes and comments
# (0x01, 0x02, 0x05, 0x08, ...) are no text.
_DOC_CHARACTERS = {0x0D: "\n", 0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-"} | {
    code: None for code in range(0x20) if code not in (0x07, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1E)}
# The five cp1252 bytes that name no character (a "compressed" piece maps them to the same code point: controls).
_CP1252_UNDEFINED = bytes((0x81, 0x8D, 0x8F, 0x90, 0x9D))
# A field: its code between 0x13 and 0x14 ("HYPERLINK "https://..."", "PAGE"), its result between 0x14 and 0x15.
_DOC_FIELD_MARK = re.compile(r"([\x13\x14\x15])")
# A table's cell ends with 0x07, and its row with one more: a row a line, its cells parted as a .docx's are.
_DOC_CELL_MARKS = re.compile(r"(\x07+)")
_DOC_EMPTY_CELLS = re.compile(r"^(?:; )+|(?:; )+$", re.M)
_DOC_CELL_SEPARATORS = re.compile(r"(?:; ){2,}")


def _is_word_97(data: bytes) -> bool:
    """Whether ``data`` is a compound file that names a WordDocument stream: a .doc, whatever its file's name."""
    return data.startswith(_OLE_MAGIC) and _WORD_DOCUMENT in data


_WORD_DOCUMENT = "WordDocument".encode("utf-16-le")  # its directory entry's name


def read_doc(data: bytes) -> Read:
    """A Word 97-2003 document (.doc): its main text a paragraph a line (headers, footnotes and comments aside); its
    title and author from its summary information, else its first line and byline; its date as its text states it,
    else the day it was created. A .doc that Word saved as Rich Text, or a .docx renamed .doc, is read as what it is."""
    import olefile

    if data.lstrip().startswith(b"{\\rtf"):
        return read_rtf(data)
    if data.startswith(b"PK\x03\x04"):
        return read_docx(data)
    if not data.startswith(_OLE_MAGIC):
        raise LoadFailure("not_doc")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                if ole.exists("EncryptedPackage"):  # a .docx saved with a password
                    raise LoadFailure("encrypted_document", kind=_DOC_KIND)
                raise LoadFailure("not_doc")  # an Excel or PowerPoint file, an Outlook message, under the name
            document = ole.openstream("WordDocument").read()
            flags = _doc_fib(document)
            table_name = "1Table" if flags & _DOC_ONE_TABLE else "0Table"
            if not ole.exists(table_name):
                raise LoadFailure("broken_document", kind=_DOC_KIND, detail=f"it has no {table_name} stream")
            table = ole.openstream(table_name).read()
            properties = ole.get_metadata()
    except LoadFailure:
        raise
    except (OSError, ValueError, IndexError, KeyError, OverflowError, RecursionError, struct.error) as error:
        raise LoadFailure("broken_document", kind=_DOC_KIND, detail=error) from error
    text = _joined(_DOC_EMPTY_CELLS.sub("", _doc_main_text(document, table)).split("\n"))
    if not text:
        raise LoadFailure("empty_document", kind=_DOC_KIND)
    # A 16-bit value that olefile reads as signed: UTF-8's 65001 comes as -535.
    codepage = properties.codepage & 0xFFFF if isinstance(properties.codepage, int) else 1252
    title = _doc_property(properties.title, codepage) or _first_line(text)
    created = properties.create_time
    published = _date_in_text(text) or (
        created.date().isoformat() if isinstance(created, datetime) and created.year >= 1980 else None)
    author = byline(text) or _creator(_doc_property(properties.author, codepage))
    return text, _shorten(title) if title else None, published, author


def _doc_fib(document: bytes) -> int:
    """The FIB's flags, once it is known to be a Word 97-2003 document's that can be read: one locked with a
    password, or written by Word 6 or 95 (another layout), is said to be such."""
    if len(document) < _DOC_FIB_MIN:
        raise LoadFailure("broken_document", kind=_DOC_KIND, detail="its WordDocument stream is cut short")
    ident, version = struct.unpack_from("<HH", document)
    if ident not in _DOC_IDENTS:
        raise LoadFailure("broken_document", kind=_DOC_KIND, detail="its WordDocument stream has no Word header")
    (flags,) = struct.unpack_from("<H", document, 0x0A)
    if flags & _DOC_ENCRYPTED:
        raise LoadFailure("encrypted_document", kind=_DOC_KIND)
    if version < _DOC_NFIB_97:
        raise LoadFailure("old_word")
    return flags


def _doc_main_text(document: bytes, table: bytes) -> str:
    """The main document's characters (the first ccpText of the text; footnotes, headers, comments and text boxes
    follow them), the fields' codes left out, their results kept, its special characters read."""
    try:
        (csw,) = struct.unpack_from("<H", document, 0x20)
        rg_lw = 0x22 + 2 * csw + 2
        (cslw,) = struct.unpack_from("<H", document, rg_lw - 2)
        (ccp_text,) = struct.unpack_from("<i", document, rg_lw + 12)
        blob = rg_lw + 4 * cslw + 2
        (pairs,) = struct.unpack_from("<H", document, blob - 2)
        if pairs <= _DOC_CLX:
            raise LoadFailure("broken_document", kind=_DOC_KIND, detail="its FIB has no piece table's place")
        fc_clx, lcb_clx = struct.unpack_from("<II", document, blob + 8 * _DOC_CLX)
    except struct.error as error:
        raise LoadFailure("broken_document", kind=_DOC_KIND, detail=f"its FIB is cut short ({error})") from error
    if lcb_clx == 0 or fc_clx + lcb_clx > len(table):
        raise LoadFailure("broken_document", kind=_DOC_KIND, detail="its piece table lies outside its table stream")
    characters = "".join(_doc_pieces(document, table[fc_clx : fc_clx + lcb_clx], max(ccp_text, 0)))
    return _doc_special_characters(characters)


def _doc_pieces(document: bytes, clx: bytes, length: int) -> Iterator[str]:
    """The text of the first ``length`` characters, piece by piece. The CLX is formatting (Prc records, 0x01 each),
    then the piece table (0x02): the pieces' character positions (n + 1), then their descriptors (n, 8 bytes each,
    the text's place at bytes 2 to 6)."""
    broken = partial(LoadFailure, "broken_document", kind=_DOC_KIND)
    position = 0
    try:
        while clx[position] == 0x01:
            (size,) = struct.unpack_from("<h", clx, position + 1)
            position += 3 + max(size, 0)
        if clx[position] != 0x02:
            raise broken(detail="its piece table is missing")
        (size,) = struct.unpack_from("<I", clx, position + 1)
    except (IndexError, struct.error) as error:
        raise broken(detail="its piece table is cut short") from error
    table = clx[position + 5 : position + 5 + size]
    count = (len(table) - 4) // 12
    if count < 1 or len(table) != 4 + 12 * count:
        raise broken(detail="its piece table is cut short")
    positions = struct.unpack_from(f"<{count + 1}I", table)
    for number in range(count):
        start, end = positions[number], min(positions[number + 1], length)
        if start >= length:
            return
        if end < start:
            raise broken(detail="its pieces are out of order")
        (place,) = struct.unpack_from("<I", table, 4 * (count + 1) + 8 * number + 2)
        compressed = bool(place & 0x40000000)
        offset = (place & 0x3FFFFFFF) // 2 if compressed else place & 0x3FFFFFFF
        size = (end - start) * (1 if compressed else 2)
        raw = document[offset : offset + size]
        if len(raw) < size:
            raise broken(detail="a piece of its text lies past the end of its WordDocument stream")
        yield raw.translate(None, _CP1252_UNDEFINED).decode("cp1252") if compressed else raw.decode(
            "utf-16-le", errors="replace")


def _doc_special_characters(characters: str) -> str:
    """The text as it reads: each field's result without its code (fields nest: a result inside another's code is
    code too), a table's row a line, breaks as line ends, anchors and hidden marks left out."""
    kept: list[str] = []
    reading_code: list[bool] = []  # for each field open here: whether its code is being read (no separator yet)
    for part in _DOC_FIELD_MARK.split(characters):
        if part == "\x13":
            reading_code.append(True)
        elif part == "\x14":
            if reading_code:
                reading_code[-1] = False
        elif part == "\x15":
            if reading_code:
                reading_code.pop()
        elif not any(reading_code):
            kept.append(part)
    text = _doc_rows("".join(kept)).translate(_DOC_CHARACTERS)
    return _DOC_CELL_SEPARATORS.sub("; ", text.replace("\x07", "; "))


def _doc_rows(text: str) -> str:
    """The text with each table row's end as a line's end, its cells' marks left as they are. A row ends with a mark
    right after its last cell's; so does an empty cell, which is told from the row's end by the count of cells of the
    table's first row (in that row itself, only an empty last cell can be told: a mark before the last is a cell's)."""
    out: list[str] = []
    cells = columns = 0  # the cells ended in this row; those of the table's first row, once it has ended
    for number, part in enumerate(_DOC_CELL_MARKS.split(text)):
        if number % 2 == 0:  # text
            if cells == 0 and "\r" in part:  # a paragraph between rows: the table may end here, another begin
                columns = 0
            out.append(part)
            continue
        marks = len(part) - 1  # the first ends the cell whose text came before
        cells += 1
        out.append("\x07")
        while marks:
            marks -= 1
            if (columns and cells < columns) or (not columns and marks):  # an empty cell's mark
                cells += 1
                out.append("\x07")
            else:  # the row's end; any mark after it ends an empty cell of the next row
                columns, cells = columns or cells, 0
                out.append("\n")
    return "".join(out)


def _doc_property(value: object, codepage: int) -> str | None:
    """A summary information string, which olefile gives as bytes in the document's code page."""
    if not isinstance(value, bytes):
        return None
    try:
        text = value.decode("utf-8" if codepage == 65001 else f"cp{codepage}")
    except (LookupError, UnicodeDecodeError):
        text = value.decode("cp1252", errors="replace")
    return " ".join(text.split()) or None


# ------------------------------------------------------------------------------------------- OpenDocument

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# Footnotes, comments and the deleted text kept for tracked changes are no part of the text as it reads.
_ODF_HIDDEN = {
    _TEXT + "note",
    _OFFICE + "annotation",
    _OFFICE + "annotation-end",
    _TEXT + "tracked-changes",
    _TEXT + "table-of-content",
}


def read_odt(data: bytes) -> Read:
    package = _open_zip(data, "OpenDocument")
    manifest = _part(package, "META-INF/manifest.xml", "OpenDocument", required=False)
    if manifest is not None and any(element.tag.endswith("}encryption-data") for element in manifest.iter()):
        raise LoadFailure("encrypted_document", kind="OpenDocument")
    content = _part(package, "content.xml", "OpenDocument")
    meta = _part(package, "meta.xml", "OpenDocument", required=False)
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    blocks = list(_odf_blocks(body)) if body is not None else []
    text = _joined(line for _, line in blocks)
    if not text:
        raise LoadFailure("empty_document", kind="OpenDocument")
    heading = next((line.strip() for level, line in blocks if level == 1 and line.strip()), None)
    title = _metadata(meta, f"{_OFFICE}meta/{_DC}title") or heading or _first_line(text)
    published = _date_in_text(text) or _iso_day(_metadata(meta, f"{_OFFICE}meta/{_META}creation-date"))
    author = byline(text) or _creator(
        _metadata(meta, f"{_OFFICE}meta/{_META}initial-creator", f"{_OFFICE}meta/{_DC}creator")
    )
    return text, _shorten(title) if title else None, published, author


def _odf_blocks(container: etree._Element) -> Iterator[tuple[int, str]]:
    """Each paragraph or heading of an OpenDocument text as (its heading level, 0 for a paragraph, its text); a
    table row of several cells as one line, as for Word."""
    for child in container:
        if child.tag in _ODF_HIDDEN:
            continue
        if child.tag == _TEXT + "h":
            level = child.get(_TEXT + "outline-level", "1")
            yield (int(level) if level.isdigit() else 1), _odf_text(child)
        elif child.tag == _TEXT + "p":
            yield 0, _odf_text(child)
        elif child.tag == _TABLE + "table-row":
            cells = child.findall(_TABLE + "table-cell")
            if len(cells) == 1:
                yield from _odf_blocks(cells[0])
            else:
                values = [" ".join(line for _, line in _odf_blocks(cell)).strip() for cell in cells]
                yield 0, "; ".join(value for value in values if value)
        else:
            yield from _odf_blocks(child)  # lists, sections, tables, frames hold paragraphs


def _odf_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _TEXT + "s":
            count = child.get(_TEXT + "c", "1")
            parts.append(" " * (int(count) if count.isdigit() else 1))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        elif child.tag not in _ODF_HIDDEN:
            parts.append(_odf_text(child))  # spans, links
        parts.append(child.tail or "")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------- Rich Text

# What a word processor's \info group says of the document: "{\title Rennes}", "{\creatim\yr2025\mo3\dy10\hr17}".
_RTF_INFO_FIELD = re.compile(r"\{\\(title|author)\b ?")
_RTF_CREATED = re.compile(r"\\creatim\s*\\yr(\d{4})\s*\\mo(\d{1,2})\s*\\dy(\d{1,2})")
_RTF_CODE_PAGE = re.compile(r"\\ansicpg(\d+)")
# An image's bytes, written in hexadecimal (megabytes of it in a document with photos): no text, and read a
# character at a time by the converter, they took seconds.
_RTF_PICTURE_DATA = re.compile(r"[0-9a-fA-F\r\n]{512,}")
# A link as pandoc writes it ({\field{\*\fldinst{HYPERLINK "https://..."}}{\fldrslt{la réforme}}}): striprtf writes its
# address after its words, 'la réforme("https://...")', in the middle of a sentence. Renamed, the field is read as
# any other: its words alone.
_RTF_LINK_FIELD = re.compile(r"(\\fldinst\s*\{?\s*)HYPERLINK\b")


def read_rtf(data: bytes) -> Read:
    """A Rich Text file (WordPad, TextEdit, an old word processor's export): its text a paragraph a line; its
    title and author from its \\info group, else its first line and byline; its date as its text states it, else
    the day it was created."""
    from striprtf.striprtf import rtf_to_text

    if _is_word_97(data):  # Word's .doc under the name: read as what it is
        return read_doc(data)
    if data.startswith(_OLE_MAGIC):
        raise LoadFailure("old_office", kind="Rich Text")
    if not data.lstrip().startswith(b"{\\rtf"):
        raise LoadFailure("not_rtf")
    # RTF is 7-bit: its accents are escapes ("\'e9", "\u233?"). A byte past ASCII is one a careless writer left
    # raw, in the code page its header names (Windows' Western one if none).
    code_page = _RTF_CODE_PAGE.search(data[:2000].decode("latin-1"))
    markup = _RTF_PICTURE_DATA.sub("", _rtf_decoded(data, code_page.group(1) if code_page else "1252"))
    markup = _RTF_LINK_FIELD.sub(r"\1LINK", markup)
    try:
        text = rtf_to_text(markup, errors="replace")
    except (ValueError, LookupError, IndexError, RecursionError) as error:
        raise LoadFailure("broken_document", kind="Rich Text", detail=error) from error
    text = _joined(map(_rtf_row, normalise_text(text).split("\n")))
    if not text:
        raise LoadFailure("empty_document", kind="Rich Text")
    info = {name: _rtf_field(markup, start, code_page.group(1) if code_page else "1252")
            for name, start in _rtf_info_fields(markup)}
    created = _RTF_CREATED.search(markup)
    title = info.get("title") or _first_line(text)
    published = _date_in_text(text) or (_valid_date(*created.groups()) if created else None)
    author = byline(text) or _creator(info.get("author"))
    return text, _shorten(title) if title else None, published, author


def _rtf_decoded(data: bytes, code_page: str) -> str:
    try:
        return data.decode(f"cp{code_page}", errors="replace")
    except LookupError:  # a code page Python does not know: Latin-1 reads every byte
        return data.decode("latin-1")


def _rtf_row(line: str) -> str:
    """A line of the text; a table's row, which comes out "Paris|12 %|", as its cells: "Paris; 12 %", as a Word
    table's row is read. A "|" in a sentence stays."""
    return line.rstrip("|").replace("|", "; ") if line.endswith("|") else line


def _rtf_info_fields(markup: str) -> Iterator[tuple[str, int]]:
    """The \\info group's title and author: each field's name and where its value starts."""
    start = markup.find("{\\info")
    if start < 0:
        return
    seen: set[str] = set()
    for field in _RTF_INFO_FIELD.finditer(markup, start, _group_end(markup, start)):
        if field.group(1) not in seen:
            seen.add(field.group(1))
            yield field.group(1), field.end()


def _group_end(markup: str, start: int) -> int:
    """Where the group opened at ``start`` closes (the end of the text if it never does: a file cut short)."""
    depth, position = 0, start
    while position < len(markup):
        char = markup[position]
        if char == "\\":
            position += 2  # an escaped brace ("\{") opens no group
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return position + 1
        position += 1
    return len(markup)


def _rtf_field(markup: str, start: int, code_page: str) -> str | None:
    """An \\info field's value as text: its escapes read in the document's code page."""
    from striprtf.striprtf import rtf_to_text

    end = _group_end(markup, markup.rfind("{", 0, start))
    value = rtf_to_text(f"{{\\rtf1\\ansi\\ansicpg{code_page} {markup[start : end - 1]}}}", errors="replace")
    return " ".join(value.split()) or None


# ------------------------------------------------------------------------------------------------- E-mail

_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id", "received", "mime-version")
# A header's value is parsed from its first characters only: Python's header parser takes quadratic time, and a
# Subject of 50,000 encoded words or a From of 50,000 addresses (400 kB) ran for hours. Real ones are far shorter.
HEADER_MAX = 4000


class _BoundedHeaders(HeaderRegistry):
    def __call__(self, name: str, value: str):  # type: ignore[override]
        return super().__call__(name, value[:HEADER_MAX])


_MAIL_POLICY = email.policy.default.clone(header_factory=_BoundedHeaders())
# "TR: Fwd: La lettre de l'éco": what the forward or the reply added is no part of the title.
_FORWARD_PREFIX = re.compile(r"^\s*(?:(?:fwd?|tr|re|réf|ref|aw|wg)\s*:\s*)+", re.I)


def read_eml(data: bytes) -> Read:
    message = email.message_from_bytes(data, policy=_MAIL_POLICY)
    if not any(message.get(name) for name in _MAIL_HEADERS):
        raise LoadFailure("not_email")
    if message.get_content_type() in ("multipart/encrypted", "application/pkcs7-mime"):
        raise LoadFailure("encrypted_email")
    winmail = [_tnef_contents(part.get_payload(decode=True) or b"", part.get_filename() or "winmail.dat")
               for part in message.iter_attachments() if _is_tnef(part)]
    text, page_title, page_date, page_author = with_attachments(
        partial(_eml_body, message, [body for body, _ in winmail if body is not None]),
        _eml_attachments(message) + [attachment for _, found in winmail for attachment in found])
    subject = _FORWARD_PREFIX.sub("", " ".join(str(message.get("subject", "")).split()))
    title = subject or page_title or _first_line(text)
    published = page_date or _sent_day(message)
    author = page_author or _sender(message)
    return text, _shorten(title) if title else None, published, author


def read_mhtml(data: bytes) -> tuple[str, str | None, str | None, str | None, str | None]:
    """A web page saved as one file by Chrome or Edge ("Webpage, Single File": .mhtml): a MIME message whose root
    part is the page, read as a saved .html page is. Its ``Date:`` is the day it was saved, not published. Last,
    the address it was read from: the page's own canonical link, else the one the browser wrote in the file
    (``Snapshot-Content-Location``, the page part's ``Content-Location``)."""
    message = email.message_from_bytes(data, policy=_MAIL_POLICY)
    page = message.get_body(preferencelist=("html",))
    if page is None or page.get_content_type() != "text/html":
        raise LoadFailure("not_mhtml")
    markup = _part_text(page)
    text, title, published, author = _html(markup)
    subject = " ".join(str(message.get("subject", "")).split())
    saved = [str(value) for value in (message.get("snapshot-content-location"), page.get("content-location"))
             if value]
    url = page_url(markup) or next((url for url in saved if url.startswith(("https://", "http://"))), None)
    return text, title or (_shorten(subject) if subject else None), published, author, url


def read_webarchive(data: bytes) -> tuple[str, str | None, str | None, str | None, str | None]:
    """A web page Safari saved (.webarchive): a property list whose main resource holds the page's HTML, read as a
    saved .html page is. Last, the address it was read from: the page's own canonical link, else the one Safari
    kept (``WebResourceURL``)."""
    import plistlib
    from xml.parsers.expat import ExpatError

    try:
        archive = plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError, OverflowError,
            RecursionError, struct.error, ExpatError):
        raise LoadFailure("not_webarchive") from None
    page = archive.get("WebMainResource") if isinstance(archive, dict) else None
    markup = page.get("WebResourceData") if isinstance(page, dict) else None
    kind = str(page.get("WebResourceMIMEType", "text/html")) if isinstance(page, dict) else ""
    if not isinstance(markup, bytes) or kind.lower() not in ("text/html", "application/xhtml+xml"):
        raise LoadFailure("not_webarchive")
    html = _archive_text(markup, page.get("WebResourceTextEncodingName"))
    text, title, published, author = _html(html)
    saved = str(page.get("WebResourceURL") or "")
    url = page_url(html) or (saved if saved.startswith(("https://", "http://")) else None)
    return text, title, published, author, url


def _archive_text(markup: bytes, encoding: object) -> str:
    """A web archive's page in the encoding Safari names for it; one it names wrongly or not at all is decoded as a
    file is."""
    if isinstance(encoding, str) and encoding:
        try:
            return markup.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(markup)


# An attached file: its name, and what reads it (raising ``LoadFailure`` when it cannot be read).
Attachment = tuple[str, Callable[[], Read]]


def _eml_attachments(message: EmailMessage) -> list[Attachment]:
    """The files attached to the message that are read as articles are (by their names' types), and the e-mails
    attached as such ("Forward as attachment": named by their subject where they have no file name)."""
    found: list[Attachment] = []
    for part in message.iter_attachments():
        name = part.get_filename()
        if part.get_content_type() == "message/rfc822":
            attached = part.get_payload(0)
            subject = " ".join(str(attached.get("subject", "")).split())
            found.append((name or f"{subject or 'message'}.eml", partial(read_eml, attached.as_bytes())))
        elif name and _attached_type(name):
            found.append((name, partial(_read_attached, part.get_payload(decode=True) or b"", name)))
    return found


# Outlook's winmail.dat ([MS-OXTNEF]): the message as Outlook holds it (its Rich Text body, its attached files),
# packed into one attachment for another Outlook, where any other mail program shows an opaque file.
_TNEF_TYPE = "application/ms-tnef"
_TNEF_ERRORS = (ValueError, TypeError, IndexError, KeyError, AssertionError, LookupError, OverflowError, struct.error)


def _is_tnef(part: EmailMessage) -> bool:
    return part.get_content_type() == _TNEF_TYPE or (part.get_filename() or "").strip().lower() == "winmail.dat"


def _tnef_contents(data: bytes, name: str) -> tuple[Callable[[], Read] | None, list[Attachment]]:
    """What a winmail.dat holds: its body's reader, if it has a body, and its attached files of the types read here.
    One that cannot be unpacked is an attachment that fails with its reason."""
    import logging

    from tnefparse.tnef import TNEF

    # It logs what it skips and repairs; a winmail.dat it cannot read fails with its reason instead.
    logging.getLogger("tnefparse").setLevel(logging.CRITICAL)
    try:
        _check_tnef(data)
        package = TNEF(data, do_checksum=False)
        files = [(_tnef_name(attachment, package.codepage), attachment.data) for attachment in package.attachments]
    except _TNEF_ERRORS as error:
        return None, [(name, partial(_fail, LoadFailure("broken_tnef", detail=error)))]
    found: list[Attachment] = [(file, partial(_read_attached, content, file)) for file, content in files
                               if file and isinstance(content, bytes) and _attached_type(file)]
    if not (package.body or package.htmlbody or package._rtfbody):  # its rtfbody property needs another package
        return None, found
    return partial(_tnef_body, package), found


def _check_tnef(data: bytes) -> None:
    """Raise ``ValueError`` for a package cut short: tnefparse reads what is there, and a winmail.dat cut in its
    attached file's data gave nothing, or that file's first bytes under its short name."""
    offset = 6  # its signature and key
    while data[offset:].strip(b"\0"):  # zeros after the last attribute are padding
        if offset + 9 > len(data):
            raise ValueError("cut short")
        (length,) = struct.unpack_from("<I", data, offset + 5)  # after its level (1 byte) and its id (4)
        offset += 9 + length + 2  # its data, then its checksum
        if offset > len(data):
            raise ValueError("cut short")


def _tnef_name(attachment, codepage: str | None) -> str:
    """An attached file's name: its long name, else its short one (8-bit, in the package's code page)."""
    try:
        name = attachment.long_filename()
    except UnicodeDecodeError:  # tnefparse reads the short name as UTF-8
        name = attachment._name
    return (name if isinstance(name, str) else _tnef_text(name, codepage) or "").strip().rstrip("\0")


def _tnef_body(package) -> Read:
    """A winmail.dat's body, read as an e-mail's is: HTML, else plain text, else compressed RTF."""
    plain = _tnef_text(package.body, package.codepage)
    return mail_text(_tnef_text(package.htmlbody, None), plain or _compressed_rtf_text(package._rtfbody))


def _tnef_text(value: object, codepage: str | None) -> str | None:
    """A text tnefparse gives as text, or as bytes: in the code page it names, else decoded as a file is."""
    if isinstance(value, str):
        return value
    if not isinstance(value, bytes) or not value.strip(b"\0"):
        return None
    if codepage:
        try:
            return value.decode(codepage).rstrip("\0")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_text(value).rstrip("\0")
    except LoadFailure:
        return None


def _fail(failure: LoadFailure) -> Read:
    raise failure


def _attached_type(name: str) -> bool:
    """Whether an attached file of this name is read with its e-mail: it is of a type read as an article."""
    return PurePath(name).suffix.lower() in SUPPORTED_SUFFIXES


def _read_attached(data: bytes, name: str) -> Read:
    _, text, title, published, author, _ = read_data(data, PurePath(name).suffix.lower())
    return text, title, published, author


def with_attachments(body: Callable[[], Read], attachments: list[Attachment]) -> Read:
    """An e-mail's article: its body (``body()``), then each attachment's text under a line naming it
    ("papier.docx"). A journalist mails a story as an attachment under a "voir PJ", or forwards the e-mail that
    holds it as one: its text is what the question is answered from, and the e-mail is one article, updated and
    removed as its file is.

    The title, date and author are the body's, else the first attachment's that has one (the byline of the
    attached story, not the sender). An attachment that cannot be read is left out; when nothing else can be
    read, the e-mail fails with that attachment's reason; when it is read without it, the attachment is said to be
    left out (``loaders.left_out``)."""
    read: list[tuple[str, str, str | None, str | None, str | None]] = []
    failed: list[tuple[str, LoadFailure]] = []
    for name, reader in attachments:
        try:
            text, title, published, author = reader()
        except LoadFailure as failure:
            failed.append((name, failure))
            continue
        if text.strip():
            read.append((name, text.strip("\n"), title, published, author))
    try:
        text, title, published, author = body()
        published, author = published or _date_in_text(text), author or byline(text)
    except LoadFailure as failure:
        if failure.reason.code != "empty_email" or not read:
            if failure.reason.code == "empty_email" and failed:
                name, attached = failed[0]
                raise _attachment_failure(name, attached) from None
            raise
        text, title, published, author = "", None, None, None
    # A "Voir PJ" whose attachment cannot be read is no article: indexed, it said nothing of why the story is not.
    if failed and not read and not _has_prose(text):
        raise _attachment_failure(*failed[0])
    for name, failure in failed:  # the e-mail is read without them: said, or the story in one was never missed
        left_out(Reason.within("attachment_left_out", failure.reason, name=name))
    parts = [text] if text.strip() else []
    parts += [f"{name}\n{attached}" for name, attached, *_ in read]
    return (
        "\n\n".join(parts),
        title or next((found[2] for found in read if found[2]), None),
        published or next((found[3] for found in read if found[3]), None),
        author or next((found[4] for found in read if found[4]), None),
    )


def _attachment_failure(name: str, failure: LoadFailure) -> LoadFailure:
    """An e-mail's failure for its attachment's, which it names and gives as its detail."""
    return LoadFailure(Reason.within("attachment_failed", failure.reason, name=name))


def _eml_body(message: EmailMessage, winmail: list[Callable[[], Read]]) -> Read:
    """The message's text; where it has none of its own (Outlook sent it as Rich Text), the one in its winmail.dat."""
    try:
        return _mail_body(message)
    except LoadFailure as failure:
        if failure.reason.code != "empty_email" or not winmail:
            raise
        empty = failure
    for body in winmail:
        try:
            return body()
        except LoadFailure:
            continue
    raise empty


def _mail_body(message: EmailMessage) -> Read:
    """The message's text, from its HTML and plain text parts (``mail_text``)."""
    html = message.get_body(preferencelist=("html",))
    plain = message.get_body(preferencelist=("plain",))
    return mail_text(_part_text(html) if html is not None else None, _part_text(plain) if plain is not None else None)


def mail_text(markup: str | None, plain: str | None) -> Read:
    """An e-mail's text (an .eml's, an Outlook .msg's): its HTML body a block a line, else its plain text body,
    without a newsletter's "view it online", "read more" and "unsubscribe" lines. Its attachments are read by
    ``with_attachments``.

    Not through the page extractor: it read a newsletter's stories as a page's teasers, and kept one story of
    three, or all three without their headings and with the footer. A web page mailed whole ("Send page by
    e-mail": its menus, its related articles) is a page, and read as one."""
    text = ""
    if markup is not None:
        if _WEB_PAGE.search(markup):
            try:
                return _html(markup)
            except LoadFailure:
                pass  # read as a newsletter is
        text = _without_mail_chrome(page_lines(markup)[0])
    if not _has_prose(text) and plain is not None:
        text = _without_mail_chrome(normalise_text(plain).split("\n")) or text
    if not text.strip():
        raise LoadFailure("empty_email")
    return text, None, None, None


# A web page's own structure, which no newsletter (set out in tables) has.
_WEB_PAGE = re.compile(r"<(?:article|main|nav)[\s>]", re.I)


# A newsletter's own lines: a link to read it online or the rest of a story, which is not there.
_MAIL_LINK = re.compile(
    r"^\W*(?:voir (?:la|cette) (?:version|lettre|newsletter) (?:en ligne|dans (?:le|votre) navigateur)|"
    r"afficher (?:la version )?(?:en ligne|dans (?:le|votre) navigateur)|view (?:it |this (?:e-?mail|newsletter) )?"
    r"(?:online|in (?:your |a )?(?:web )?browser)|lire la suite|read more|en savoir plus|continue reading)\W*$",
    re.I,
)
# Its footer, among its last lines: why the reader gets it and how to stop. That line and all after it (the
# sender's address, legal notices) are no story.
_MAIL_FOOTER = re.compile(
    r"se d[ée]sinscrire|d[ée]sinscription|se d[ée]sabonner|d[ée]sabonnement|unsubscribe|"
    r"vous recevez (?:cet|ce|cette) (?:e-?mail|courriel|message|lettre|newsletter)|"
    r"you (?:are receiving|received) this|g[ée]rer (?:mes|vos) (?:pr[ée]f[ée]rences|abonnements)|"
    r"manage (?:your )?(?:preferences|subscription)",
    re.I,
)
_FOOTER_LINES = 10  # the last lines where a footer may start
_FOOTER_LINE_MAX = 300  # characters: a story's paragraph that names an unsubscribe link is no footer


def _without_mail_chrome(lines: list[str]) -> str:
    lines = [line.strip() for line in lines if line.strip()]
    kept: list[str] = []
    for number, line in enumerate(lines):
        footer = len(lines) - number <= _FOOTER_LINES and len(line) <= _FOOTER_LINE_MAX
        if footer and _MAIL_FOOTER.search(line):
            break
        if not _MAIL_LINK.match(line) and not READ_ALSO.match(line):
            kept.append(line)
    return "\n".join(kept)


def _part_text(part: EmailMessage) -> str:
    """A part's text in the charset it declares; one it names wrongly or not at all is decoded as a file is (Chrome
    declares none for a saved page's HTML, which read as ASCII lost every accent)."""
    if part.get_content_charset() is None:
        return decode_text(part.get_payload(decode=True) or b"")
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError):
        return decode_text(part.get_payload(decode=True) or b"")


def _sent_day(message: EmailMessage) -> str | None:
    """The day the message was sent, as its sender's clock said it."""
    try:
        sent = parsedate_to_datetime(str(message.get("date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return sent.date().isoformat() if sent else None


def _sender(message: EmailMessage) -> str | None:
    """The sender's name ("La Matinale <lettre@example.fr>": "La Matinale"), else the address."""
    try:
        addresses = message["from"].addresses if message["from"] else ()
    except (AttributeError, IndexError, ValueError):
        return None
    for address in addresses:
        return address.display_name or address.addr_spec or None
    return None


# ---------------------------------------------------------------------------------------------- Outlook .msg

# An Outlook message is an OLE compound file: each property a stream named by its tag and type, "__substg1.0_0037001F"
# the subject (0x0037) as UTF-16 (0x001F); 0x001E is 8-bit text, 0x0102 bytes.
_MSG_SUBJECT, _MSG_SENDER_NAME, _MSG_SENDER_ADDRESS, _MSG_SMTP_ADDRESS = 0x0037, 0x0C1A, 0x0C1F, 0x5D01
_MSG_BODY, _MSG_HTML, _MSG_HEADERS, _MSG_CLASS = 0x1000, 0x1013, 0x007D, 0x001A
# Fixed-size properties are 16-byte records in "__properties_version1.0", after a 32-byte header for the message:
# when it was sent (PR_CLIENT_SUBMIT_TIME), else received (PR_MESSAGE_DELIVERY_TIME), as FILETIMEs.
_MSG_SENT_TIMES = (0x0039, 0x0E06)
_PT_SYSTIME = 0x0040
_MSG_PROPERTIES = "__properties_version1.0"
_TOP_HEADER, _EMBEDDED_HEADER = 32, 24  # the bytes before a message's first record there: a file's, an attached one's
_ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_DATA = 0x3707, 0x3704, 0x3701
# Outlook 2003 and Exchange kept many messages' body only as compressed RTF (PR_RTF_COMPRESSED, [MS-OXRTFCP]): LZ77
# over a 4096-byte dictionary that starts with this text; "MELA" marks one stored uncompressed.
_MSG_RTF = 0x1009
_LZFU, _MELA = 0x75465A4C, 0x414C454D
_LZFU_START = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)


def read_msg(data: bytes) -> Read:
    """An e-mail Outlook saved (.msg): its body read as an .eml's is, the subject its title, the sender its author,
    the day it was sent its date (where the text states none)."""
    import olefile

    if not data.startswith(_OLE_MAGIC):
        raise LoadFailure("not_msg")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}
    except (OSError, ValueError, IndexError, KeyError, OverflowError, RecursionError, struct.error) as error:
        raise LoadFailure("broken_msg", detail=error) from error
    return _read_message(streams, _TOP_HEADER)


def _read_message(streams: dict[str, bytes], header: int) -> Read:
    """A message from its streams: the .msg file's, or those of a message attached to it (``header``: the size of
    the header before its fixed-size properties)."""
    if not any(name.startswith("__substg1.0_") for name in streams):
        raise LoadFailure("not_msg")  # another Office file (a .doc) under the name
    # Encrypted (or signed as one opaque part): its body is inside an smime.p7m attachment. A message only signed
    # ("IPM.Note.SMIME.MultipartSigned") has its body as any other.
    if (_msg_string(streams, _MSG_CLASS) or "").strip().upper() == "IPM.NOTE.SMIME":
        raise LoadFailure("encrypted_email")
    text, page_title, page_date, page_author = with_attachments(
        lambda: mail_text(_msg_string(streams, _MSG_HTML), _msg_string(streams, _MSG_BODY) or _msg_rtf_text(streams)),
        _msg_attachments(streams))
    subject = _FORWARD_PREFIX.sub("", " ".join((_msg_string(streams, _MSG_SUBJECT) or "").split()))
    title = subject or page_title or _first_line(text)
    published = page_date or _msg_sent_day(streams, header)
    address = _msg_string(streams, _MSG_SMTP_ADDRESS) or _msg_string(streams, _MSG_SENDER_ADDRESS)
    sender = _msg_string(streams, _MSG_SENDER_NAME) or (address if address and "@" in address else None)
    author = page_author or sender
    return text, _shorten(title) if title else None, published, author


def _msg_rtf_text(streams: dict[str, bytes]) -> str | None:
    """The text of a message whose body Outlook kept only as compressed RTF; None when it has none."""
    return _compressed_rtf_text(streams.get(f"__substg1.0_{_MSG_RTF:04X}0102"))


def _compressed_rtf_text(compressed: bytes | None) -> str | None:
    """The text of a compressed RTF body (PR_RTF_COMPRESSED); None when there is none, or none can be read."""
    if not compressed:
        return None
    try:
        return read_rtf(_decompressed_rtf(compressed))[0]
    except LoadFailure:  # an empty or damaged RTF body: the message has no text, said as such
        return None


def _decompressed_rtf(data: bytes) -> bytes:
    """PR_RTF_COMPRESSED's RTF: a literal byte or a (dictionary offset, length) reference, as 8 control bits say;
    the reference to where the next byte would be written ends it."""
    if len(data) < 16:
        return b""
    compressed_size, raw_size, kind = struct.unpack_from("<III", data)
    end = min(len(data), 4 + compressed_size)
    if kind == _MELA:
        return data[16:end]
    if kind != _LZFU:
        return b""
    dictionary = bytearray(_LZFU_START.ljust(4096, b"\0"))
    write, position, out = len(_LZFU_START), 16, bytearray()

    def put(byte: int) -> None:
        nonlocal write
        out.append(byte)
        dictionary[write] = byte
        write = (write + 1) % 4096

    while position < end:
        control = data[position]
        position += 1
        for bit in range(8):
            if position >= end:
                break
            if not control & (1 << bit):
                put(data[position])
                position += 1
                continue
            if position + 1 >= end:
                return bytes(out[:raw_size])
            reference = data[position] << 8 | data[position + 1]
            position += 2
            offset, length = reference >> 4, (reference & 0xF) + 2
            if offset == write:
                return bytes(out[:raw_size])
            for step in range(length):
                put(dictionary[(offset + step) % 4096])
    return bytes(out[:raw_size])


def _msg_attachments(streams: dict[str, bytes]) -> list[Attachment]:
    """What is attached to an Outlook message (a storage "__attach_version1.0_#00000000" each, named by its long
    name, else its short one) that is read with it: a file of a type read as an article, or a message attached as
    such (its streams in a storage of their own)."""
    found: list[Attachment] = []
    for folder in sorted({name.split("/")[0] for name in streams if name.startswith("__attach_version1.0_#")}):
        inside = _inside(streams, folder)
        name = (_msg_string(inside, _ATTACH_LONG_NAME) or _msg_string(inside, _ATTACH_NAME) or "").strip()
        data = inside.get(f"__substg1.0_{_ATTACH_DATA:04X}0102")
        message = _inside(inside, f"__substg1.0_{_ATTACH_DATA:04X}000D")
        if message:
            subject = " ".join((_msg_string(message, _MSG_SUBJECT) or "").split())
            found.append((name or subject or "message", partial(_read_message, message, _EMBEDDED_HEADER)))
        elif name and data is not None and _attached_type(name):
            found.append((name, partial(_read_attached, data, name)))
    return found


def _inside(streams: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """The streams under a storage, named from there."""
    return {name[len(folder) + 1 :]: data for name, data in streams.items() if name.startswith(folder + "/")}


def _msg_string(streams: dict[str, bytes], tag: int) -> str | None:
    """A text property of the message, whichever way it is stored: UTF-16, 8-bit text or bytes (an HTML body)."""
    for kind, decode in (("001F", _utf16), ("001E", decode_text), ("0102", decode_text)):
        value = streams.get(f"__substg1.0_{tag:04X}{kind}")
        if value:
            try:
                text = decode(value).rstrip("\0")
            except LoadFailure:
                continue
            if text.strip():
                return text
    return None


def _utf16(value: bytes) -> str:
    return value.decode("utf-16-le", errors="replace")


def _msg_sent_day(streams: dict[str, bytes], header: int) -> str | None:
    """The day the message was sent: as its headers say it (the sender's clock), else from its properties (UTC)."""
    headers = _msg_string(streams, _MSG_HEADERS)
    if headers and (day := _sent_day(email.message_from_string(headers, policy=_MAIL_POLICY))):
        return day
    properties = streams.get(_MSG_PROPERTIES, b"")
    times = {}
    for offset in range(header, len(properties) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIQ", properties, offset)
        if tag & 0xFFFF == _PT_SYSTIME:
            times[tag >> 16] = value
    for tag in _MSG_SENT_TIMES:
        if times.get(tag):
            try:
                return (datetime(1601, 1, 1) + timedelta(microseconds=times[tag] // 10)).date().isoformat()
            except OverflowError:
                continue
    return None
