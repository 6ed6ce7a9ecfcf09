"""Word (.docx, and 97-2003's .doc), OpenDocument (.odt) and Rich Text (.rtf) files read as articles: their text,
title, date and author, with the standard library, lxml, striprtf and olefile. Each reader returns ``(text, title,
published, author)`` or raises ``LoadFailure`` with the reason the file cannot be read (damaged, locked with a
password, another format under the name)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import TypeVar

from lxml import etree

from ..page_head import READ_ALSO
from .failures import LoadFailure, unpacking
from .head import byline, date_in_text, first_line, shorten, valid_date
from .text import normalise_text

Read = tuple[str, str | None, str | None, str | None]

# Word and Excel files from before 2007, and any Office file saved with a password, are OLE compound files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# No entities, no network, no huge text nodes: a document is data, not a program its XML could run.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip package a .docx or .odt is; another file under that name is said for what it is."""
    if data.startswith(OLE_MAGIC):
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
    return valid_date(*match.groups()) if match else None


# A paragraph's kind, as a reader's blocks give it: a Word style's name, an OpenDocument heading's level.
_Kind = TypeVar("_Kind", str, int)


def _table_row(cells: list[etree._Element], blocks: Callable[[etree._Element], Iterator[tuple[_Kind, str]]],
               plain: _Kind) -> Iterator[tuple[_Kind, str]]:
    """A table's row as a paragraph of kind ``plain``: its cells' text on one line ("Paris; 12 %"), as a reader
    sees a data table's row. A row of one cell (a page set out in a one-column table) is that cell's paragraphs."""
    if len(cells) == 1:
        yield from blocks(cells[0])
    else:
        values = [" ".join(line for _, line in blocks(cell)).strip() for cell in cells]
        yield plain, "; ".join(value for value in values if value)


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
    if is_word_97(data):  # renamed .docx to "bring it up to date": read as the .doc it is
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
    title = _metadata(core, _DC + "title") or heading or first_line(text)
    published = date_in_text(text) or _iso_day(_metadata(core, _DCTERMS + "created"))
    author = byline(text) or _creator(_metadata(core, _DC + "creator"))
    return text, shorten(title) if title else None, published, author


def _word_blocks(container: etree._Element) -> Iterator[tuple[str, str]]:
    """Each paragraph of a Word body as (its style, its text), in reading order; a table row as one line of its
    cells ("Paris; 12 %"), a table of one column (a page set out in a frame) a paragraph a line."""
    for child in container:
        if child.tag == _W + "p":
            style = child.find(f"{_W}pPr/{_W}pStyle")
            yield (style.get(_W + "val", "") if style is not None else ""), _word_text(child)
        elif child.tag == _W + "tbl":
            for row in child.findall(_W + "tr"):
                yield from _table_row(row.findall(_W + "tc"), _word_blocks, "")
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


def is_word_97(data: bytes) -> bool:
    """Whether ``data`` is a compound file that names a WordDocument stream: a .doc, whatever its file's name."""
    return data.startswith(OLE_MAGIC) and _WORD_DOCUMENT in data


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
    if not data.startswith(OLE_MAGIC):
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
    title = _doc_property(properties.title, codepage) or first_line(text)
    created = properties.create_time
    published = date_in_text(text) or (
        created.date().isoformat() if isinstance(created, datetime) and created.year >= 1980 else None)
    author = byline(text) or _creator(_doc_property(properties.author, codepage))
    return text, shorten(title) if title else None, published, author


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
    title = _metadata(meta, f"{_OFFICE}meta/{_DC}title") or heading or first_line(text)
    published = date_in_text(text) or _iso_day(_metadata(meta, f"{_OFFICE}meta/{_META}creation-date"))
    author = byline(text) or _creator(
        _metadata(meta, f"{_OFFICE}meta/{_META}initial-creator", f"{_OFFICE}meta/{_DC}creator")
    )
    return text, shorten(title) if title else None, published, author


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
            yield from _table_row(child.findall(_TABLE + "table-cell"), _odf_blocks, 0)
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

    if is_word_97(data):  # Word's .doc under the name: read as what it is
        return read_doc(data)
    if data.startswith(OLE_MAGIC):
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
    title = info.get("title") or first_line(text)
    published = date_in_text(text) or (valid_date(*created.groups()) if created else None)
    author = byline(text) or _creator(info.get("author"))
    return text, shorten(title) if title else None, published, author


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
