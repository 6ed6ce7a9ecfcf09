"""Web pages saved as one file: Chrome's and Edge's .mhtml, Safari's .webarchive; read as a saved .html page is,
with the address the browser kept."""

from __future__ import annotations

import email
import struct

from .failures import LoadFailure
from .head import shorten
from .mail import MAIL_POLICY, part_text
from .text import decode_text
from .web_page import page_url, read_html


def read_mhtml(data: bytes) -> tuple[str, str | None, str | None, str | None, str | None]:
    """A web page saved as one file by Chrome or Edge ("Webpage, Single File": .mhtml): a MIME message whose root
    part is the page, read as a saved .html page is. Its ``Date:`` is the day it was saved, not published. Last,
    the address it was read from: the page's own canonical link, else the one the browser wrote in the file
    (``Snapshot-Content-Location``, the page part's ``Content-Location``)."""
    message = email.message_from_bytes(data, policy=MAIL_POLICY)
    page = message.get_body(preferencelist=("html",))
    if page is None or page.get_content_type() != "text/html":
        raise LoadFailure("not_mhtml")
    markup = part_text(page)
    text, title, published, author = read_html(markup)
    subject = " ".join(str(message.get("subject", "")).split())
    saved = [str(value) for value in (message.get("snapshot-content-location"), page.get("content-location"))
             if value]
    url = page_url(markup) or next((url for url in saved if url.startswith(("https://", "http://"))), None)
    return text, title or (shorten(subject) if subject else None), published, author, url


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
    text, title, published, author = read_html(html)
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
