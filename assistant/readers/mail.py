"""E-mails read as articles: .eml, Outlook's .msg and the winmail.dat Outlook attaches; their attached files
read by the same readers and set after the message's text. With the standard library, olefile and tnefparse
only."""

from __future__ import annotations

import email
import email.policy
import io
import re
import struct
from collections.abc import Callable
from datetime import datetime, timedelta
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import PurePath

from ..loaders import SUPPORTED_SUFFIXES, read_data
from ..page_head import READ_ALSO, page_lines
from ..reasons import Reason
from .failures import LoadFailure, left_out
from .head import byline, date_in_text, first_line, shorten
from .office import OLE_MAGIC, Read, read_rtf
from .text import decode_text, has_prose, normalise_text
from .web_page import read_html

# ------------------------------------------------------------------------------------------------- E-mail

_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id", "received", "mime-version")
# A header's value is parsed from its first characters only: Python's header parser takes quadratic time, and a
# Subject of 50,000 encoded words or a From of 50,000 addresses (400 kB) ran for hours. Real ones are far shorter.
HEADER_MAX = 4000


class _BoundedHeaders(HeaderRegistry):
    def __call__(self, name: str, value: str):  # type: ignore[override]
        return super().__call__(name, value[:HEADER_MAX])


MAIL_POLICY = email.policy.default.clone(header_factory=_BoundedHeaders())
# "TR: Fwd: La lettre de l'éco": what the forward or the reply added is no part of the title.
_FORWARD_PREFIX = re.compile(r"^\s*(?:(?:fwd?|tr|re|réf|ref|aw|wg)\s*:\s*)+", re.I)


def read_eml(data: bytes) -> Read:
    message = email.message_from_bytes(data, policy=MAIL_POLICY)
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
    title = subject or page_title or first_line(text)
    published = page_date or _sent_day(message)
    author = page_author or _sender(message)
    return text, shorten(title) if title else None, published, author


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
    left out (``failures.left_out``)."""
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
        published, author = published or date_in_text(text), author or byline(text)
    except LoadFailure as failure:
        if failure.reason.code != "empty_email" or not read:
            if failure.reason.code == "empty_email" and failed:
                name, attached = failed[0]
                raise _attachment_failure(name, attached) from None
            raise
        text, title, published, author = "", None, None, None
    # A "Voir PJ" whose attachment cannot be read is no article: indexed, it said nothing of why the story is not.
    if failed and not read and not has_prose(text):
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
    return mail_text(part_text(html) if html is not None else None, part_text(plain) if plain is not None else None)


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
                return read_html(markup)
            except LoadFailure:
                pass  # read as a newsletter is
        text = _without_mail_chrome(page_lines(markup)[0])
    if not has_prose(text) and plain is not None:
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


def part_text(part: EmailMessage) -> str:
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

    if not data.startswith(OLE_MAGIC):
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
    title = subject or page_title or first_line(text)
    published = page_date or _msg_sent_day(streams, header)
    address = _msg_string(streams, _MSG_SMTP_ADDRESS) or _msg_string(streams, _MSG_SENDER_ADDRESS)
    sender = _msg_string(streams, _MSG_SENDER_NAME) or (address if address and "@" in address else None)
    author = page_author or sender
    return text, shorten(title) if title else None, published, author


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
    if headers and (day := _sent_day(email.message_from_string(headers, policy=MAIL_POLICY))):
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
