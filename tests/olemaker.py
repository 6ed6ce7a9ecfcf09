"""Write small real OLE compound files (version 3, as Outlook writes a .msg) without an Office library: olefile
reads them but cannot create them.

A compound file is a little FAT file system in 512-byte sectors: a header, the sector chains (the FAT), a directory
of 128-byte entries (storages are folders, streams are files), and streams under 4096 bytes kept in the "mini
stream", 64-byte sectors of their own chained by the mini FAT.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECTOR, NO_ENTRY = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def write_ole(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file holding ``streams``, each named by its path ("__attach_version1.0_#00000000/__substg1.0_...":
    the storages on the way are made)."""
    entries = _entries(streams)
    mini = bytearray()
    mini_fat: list[int] = []
    big: list[tuple[int, bytes]] = []  # entry, data kept in regular sectors
    for number, entry in enumerate(entries):
        data = entry["data"]
        if entry["type"] != 2 or not data:
            continue
        if len(data) < MINI_CUTOFF:
            first, count = len(mini_fat), -(-len(data) // MINI_SECTOR)
            mini_fat += list(range(first + 1, first + count)) + [END]
            mini += data.ljust(count * MINI_SECTOR, b"\0")
            entry["start"] = first
        else:
            big.append((number, data))
    sectors: list[bytes] = []
    fat: list[int] = []

    def chain(data: bytes) -> int:
        """Append ``data`` in whole sectors chained in the FAT; its first sector."""
        first, count = len(sectors), max(1, -(-len(data) // SECTOR))
        for index in range(count):
            sectors.append(data[index * SECTOR : (index + 1) * SECTOR].ljust(SECTOR, b"\0"))
        fat.extend(list(range(first + 1, first + count)) + [END])
        return first

    for number, data in big:
        entries[number]["start"] = chain(data)
    if mini:
        entries[0]["start"], entries[0]["size"] = chain(bytes(mini)), len(mini)
    mini_fat_start = chain(b"".join(struct.pack("<I", link) for link in mini_fat)) if mini_fat else END
    mini_fat_sectors = -(-len(mini_fat) * 4 // SECTOR)
    directory_start = chain(b"".join(_entry(entry) for entry in entries))
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * SECTOR // 4:
        fat_count += 1
    fat_start = len(sectors)
    fat += [FAT_SECTOR] * fat_count
    fat += [FREE] * (fat_count * SECTOR // 4 - len(fat))
    table = b"".join(struct.pack("<I", link) for link in fat)
    sectors += [table[index * SECTOR : (index + 1) * SECTOR] for index in range(fat_count)]
    difat = [fat_start + index for index in range(fat_count)] + [FREE] * (109 - fat_count)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_count, directory_start, 0, MINI_CUTOFF, mini_fat_start, mini_fat_sectors,
                      END, 0)
        + b"".join(struct.pack("<I", link) for link in difat)
    )
    path.write_bytes(header + b"".join(sectors))
    return path


def _entries(streams: dict[str, bytes]) -> list[dict]:
    """The directory: the root, then each storage and stream; a storage's children as a chain of right siblings
    (a valid, if unbalanced, red-black tree: every node black)."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "data": b"", "children": {}}]
    for name, data in streams.items():
        parent = entries[0]
        *folders, leaf = name.split("/")
        for folder in folders:
            if folder not in parent["children"]:
                entries.append({"name": folder, "type": 1, "data": b"", "children": {}})
                parent["children"][folder] = len(entries) - 1
            parent = entries[parent["children"][folder]]
        entries.append({"name": leaf, "type": 2, "data": data, "children": {}})
        parent["children"][leaf] = len(entries) - 1
    for entry in entries:
        # Siblings in the order compound files compare names: shorter first, then by their capitals.
        ordered = sorted(entry["children"].items(), key=lambda item: (len(item[0]), item[0].upper()))
        ids = [number for _, number in ordered]
        entry["child"] = ids[0] if ids else NO_ENTRY
        for number, following in zip(ids, [*ids[1:], NO_ENTRY], strict=False):
            entries[number]["right"] = following
    return entries


def _entry(entry: dict) -> bytes:
    name = entry["name"].encode("utf-16-le")
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name) + 2, entry["type"], 1)
        + struct.pack("<III", NO_ENTRY, entry.get("right", NO_ENTRY), entry["child"])
        + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
        + struct.pack("<IQ", entry.get("start", END),
                      entry.get("size", len(entry["data"])))
    )


# ------------------------------------------------------------------------------------------------ Outlook .msg

_UNICODE, _BINARY, _TIME = 0x001F, 0x0102, 0x0040


def _filetime(moment: datetime) -> int:
    """A Windows FILETIME: 100-nanosecond ticks since 1601."""
    return int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def write_msg(path: Path, **message: object) -> Path:
    """An Outlook message as Outlook saves it (``message_streams``'s arguments)."""
    streams = message_streams(**message)  # type: ignore[arg-type]
    streams["__nameid_version1.0/__substg1.0_00020102"] = b""
    return write_ole(path, streams)


def message_streams(
    subject: str | None = None,
    sender: str | None = None,
    address: str | None = None,
    body: str | None = None,
    html: str | None = None,
    sent: datetime | None = None,
    attachments: dict[str, bytes | dict[str, bytes]] | None = None,
    message_class: str = "IPM.Note",
    compressed_rtf: bytes | None = None,
    embedded: bool = False,
) -> dict[str, bytes]:
    """A message's streams: each property a stream "__substg1.0_" + its tag and type (Unicode strings as UTF-16),
    the fixed-size ones (the time it was sent) in "__properties_version1.0". An attachment is a file's bytes, or
    the streams of a message attached as such (Outlook's "Forward as attachment"), ``embedded``."""
    streams: dict[str, bytes] = {}
    for tag, value in ((0x001A, message_class), (0x0037, subject), (0x0C1A, sender), (0x0C1F, address), (0x1000, body)):
        if value is not None:
            streams[f"__substg1.0_{tag:04X}{_UNICODE:04X}"] = value.encode("utf-16-le")
    if html is not None:
        streams[f"__substg1.0_1013{_BINARY:04X}"] = html.encode("utf-8")
    if compressed_rtf is not None:  # PR_RTF_COMPRESSED, the body of a message kept only as RTF
        streams[f"__substg1.0_1009{_BINARY:04X}"] = compressed_rtf
    # The header before the properties: reserved, ids and counts of recipients and attachments (an embedded
    # message's lacks the last reserved 8 bytes).
    properties = b"\0" * (24 if embedded else 32)
    if sent is not None:
        properties += struct.pack("<IIQ", (0x0039 << 16) | _TIME, 6, _filetime(sent))
    streams["__properties_version1.0"] = properties
    for number, (name, data) in enumerate((attachments or {}).items()):
        folder = f"__attach_version1.0_#{number:08X}"
        streams[f"{folder}/__substg1.0_3707{_UNICODE:04X}"] = name.encode("utf-16-le")  # its long file name
        if isinstance(data, dict):  # a message: its streams in the storage of PR_ATTACH_DATA_OBJ (0x3701000D)
            streams.update({f"{folder}/__substg1.0_3701000D/{inner}": value for inner, value in data.items()})
        else:
            streams[f"{folder}/__substg1.0_3701{_BINARY:04X}"] = data
    return streams


# ------------------------------------------------------------------------------------------ Word 97-2003 .doc

_FIB_PAIRS = 0x5D  # FibRgFcLcb97's 93 (fc, lcb) pairs
_FIB_CLX = 33  # fcClx's pair
_TEXT_START = 0x600  # where the text starts in the WordDocument stream, after the FIB
_SUMMARY_FMTID = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")  # F29F85E0-4FF9-1068-AB91-08002B27B3D9


def write_doc(path: Path, pieces: list[str | tuple[str, bool]], *, table: str = "1Table", encrypted: bool = False,
              version: int = 0x00C1, title: str | None = None, author: str | None = None,
              created: datetime | None = None, footnotes: str = "", prc: bool = True, codepage: int = 1252) -> Path:
    """A Word 97-2003 document as [MS-DOC] lays it out. ``pieces`` are the main text's pieces in reading order (Word
    control characters included: "\\r" ends a paragraph, "\\x07" a cell), each stored 8-bit ("compressed", cp1252) or,
    given as (text, False), as UTF-16LE; they are written in the stream in reverse order, as a fast save appends them,
    so that the piece table's order is what puts them back. ``footnotes`` follow the main text, as Word stores them."""
    given = [(piece, True) if isinstance(piece, str) else piece for piece in pieces]
    if footnotes:
        given.append((footnotes, True))
    text, places = b"", {}
    for number in reversed(range(len(given))):
        characters, compressed = given[number]
        places[number] = (_TEXT_START + len(text), compressed)
        text += characters.encode("cp1252" if compressed else "utf-16-le")
    positions, descriptors = [0], b""
    for number, (characters, _) in enumerate(given):
        positions.append(positions[-1] + len(characters))
        offset, compressed = places[number]
        place = (offset * 2) | 0x40000000 if compressed else offset
        descriptors += struct.pack("<HIH", 0, place, 0)
    plc = b"".join(struct.pack("<I", cp) for cp in positions) + descriptors
    formatting = b"\x01" + struct.pack("<h", 3) + b"\x03\x08\x01" if prc else b""  # a Prc: 3 bytes of sprms
    clx = formatting + b"\x02" + struct.pack("<I", len(plc)) + plc
    clx_at = 64  # the stylesheet and others come first in a real table stream
    main = sum(len(characters) for characters, _ in given[: len(given) - (1 if footnotes else 0)])
    flags = 0x0004 | (0x0200 if table == "1Table" else 0) | (0x0100 if encrypted else 0)  # fComplex, fWhichTblStm
    fib = struct.pack("<HHHHHH", 0xA5EC, version, 0, 0x040C, 0, flags) + b"\0" * 20
    rg_lw = [0] * 22
    rg_lw[0], rg_lw[3], rg_lw[4] = _TEXT_START + len(text), main, len(footnotes)  # cbMac, ccpText, ccpFtn
    pairs = [0] * (2 * _FIB_PAIRS)
    pairs[2 * _FIB_CLX], pairs[2 * _FIB_CLX + 1] = clx_at, len(clx)
    fib += struct.pack("<H", 14) + b"\0" * 28 + struct.pack("<H", 22) + struct.pack("<22i", *rg_lw)
    fib += struct.pack("<H", _FIB_PAIRS) + struct.pack(f"<{2 * _FIB_PAIRS}I", *pairs) + struct.pack("<H", 0)
    streams = {
        "WordDocument": (fib.ljust(_TEXT_START, b"\0") + text).ljust(4096, b"\0"),
        table: b"\0" * clx_at + clx,
    }
    if title is not None or author is not None or created is not None:
        streams["\x05SummaryInformation"] = summary_information(title, author, created, codepage)
    return write_ole(path, streams)


def summary_information(title: str | None, author: str | None, created: datetime | None,
                        codepage: int = 1252) -> bytes:
    """The "\\x05SummaryInformation" property set ([MS-OLEPS]): its code page, title, author, creation time."""
    encoding = "utf-8" if codepage == 65001 else f"cp{codepage}"
    values: list[tuple[int, bytes]] = [(1, struct.pack("<HHHH", 0x0002, 0, codepage, 0))]  # VT_I2
    for number, value in ((2, title), (4, author)):
        if value is not None:
            encoded = value.encode(encoding) + b"\0"
            size = len(encoded)
            encoded += b"\0" * (-len(encoded) % 4)
            values.append((number, struct.pack("<HHI", 0x001E, 0, size) + encoded))  # VT_LPSTR
    if created is not None:
        values.append((12, struct.pack("<HHQ", 0x0040, 0, _filetime(created))))  # VT_FILETIME
    offsets, body, at = b"", b"", 8 + 8 * len(values)
    for number, value in values:
        offsets += struct.pack("<II", number, at + len(body))
        body += value
    section = struct.pack("<II", 8 + len(offsets) + len(body), len(values)) + offsets + body
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + b"\0" * 16 + struct.pack("<I", 1)
    return header + _SUMMARY_FMTID + struct.pack("<I", 48) + section
