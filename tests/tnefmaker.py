"""Write small real TNEF packages (Outlook's winmail.dat) as [MS-OXTNEF] lays them out: tnefparse reads them but
cannot create them.

A package is a signature, a key, then attributes: each its level (the message's or an attachment's), its id and
type, its length, its data and a checksum of it. The message's MAPI properties (its body as text, HTML or
compressed RTF) are one attribute, a list of tagged values; each attached file is a run of attributes that starts
with its rendering data.
"""

from __future__ import annotations

import struct

SIGNATURE = 0x223E9F78
MESSAGE, ATTACHMENT = 0x01, 0x02
# Attribute ids, their type in the high word ([MS-OXTNEF] 2.1.3.1).
TNEF_VERSION, OEM_CODEPAGE, MESSAGE_CLASS, SUBJECT = 0x00089006, 0x00069007, 0x00078008, 0x00018004
MESSAGE_PROPS, ATTACH_REND_DATA, ATTACH_TITLE, ATTACH_DATA, ATTACHMENT_PROPS = (
    0x00069003, 0x00069002, 0x00018010, 0x0006800F, 0x00069005)
# MAPI property types and tags.
PT_UNICODE, PT_BINARY = 0x001F, 0x0102
PR_BODY, PR_RTF_COMPRESSED, PR_HTML, PR_ATTACH_LONG_FILENAME = 0x1000, 0x1009, 0x1013, 0x3707


def attribute(level: int, ident: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, ident, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def mapi_properties(values: list[tuple[int, int, bytes]]) -> bytes:
    """A property list: its count, then each tag (type, id) and value; a string or binary one as a count of values
    (1), its length and its bytes padded to 4."""
    out = struct.pack("<I", len(values))
    for kind, tag, value in values:
        out += struct.pack("<HHII", kind, tag, 1, len(value)) + value + b"\0" * (-len(value) % 4)
    return out


def uncompressed_rtf(rtf: bytes) -> bytes:
    """PR_RTF_COMPRESSED holding its RTF uncompressed ("MELA"), as [MS-OXRTFCP] allows."""
    return struct.pack("<IIII", len(rtf) + 12, len(rtf), 0x414C454D, 0) + rtf


def write_tnef(*, subject: str | None = None, body: str | None = None, html: str | None = None,
               rtf: bytes | None = None, attachments: dict[str, bytes] | None = None, codepage: int = 1252,
               long_names: bool = True) -> bytes:
    """A winmail.dat: the message's class, subject and body (plain text, HTML or RTF), then each attached file, its
    short name (8.3, in the code page) in attAttachTitle and its long one among its MAPI properties; without
    ``long_names`` (as older Outlooks wrote it), its whole name in attAttachTitle and no MAPI properties."""
    out = struct.pack("<IH", SIGNATURE, 0x4C2A)
    out += attribute(MESSAGE, TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += attribute(MESSAGE, OEM_CODEPAGE, struct.pack("<II", codepage, 0))
    out += attribute(MESSAGE, MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    if subject is not None:
        out += attribute(MESSAGE, SUBJECT, subject.encode(f"cp{codepage}") + b"\0")
    properties = []
    if body is not None:
        properties.append((PT_UNICODE, PR_BODY, (body + "\0").encode("utf-16-le")))
    if html is not None:
        properties.append((PT_BINARY, PR_HTML, html.encode("utf-8")))
    if rtf is not None:
        properties.append((PT_BINARY, PR_RTF_COMPRESSED, uncompressed_rtf(rtf)))
    out += attribute(MESSAGE, MESSAGE_PROPS, mapi_properties(properties))
    for name, data in (attachments or {}).items():
        stem, _, suffix = name.rpartition(".")
        short = f"{stem[:6].upper()}~1.{suffix[:3].upper()}" if long_names else name
        # AttachType (file), its place in the body (none), its rendering's size, its flags.
        out += attribute(ATTACHMENT, ATTACH_REND_DATA, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0xFFFF, 0xFFFF, 0))
        out += attribute(ATTACHMENT, ATTACH_TITLE, short.encode(f"cp{codepage}") + b"\0")
        out += attribute(ATTACHMENT, ATTACH_DATA, data)
        if long_names:
            out += attribute(ATTACHMENT, ATTACHMENT_PROPS, mapi_properties(
                [(PT_UNICODE, PR_ATTACH_LONG_FILENAME, (name + "\0").encode("utf-16-le"))]))
    return out
