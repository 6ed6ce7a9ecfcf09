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
