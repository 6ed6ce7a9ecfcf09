"""URLs as they may be shown: the password of ``http://user:password@host`` never reaches a page, a log
or a terminal, nor does a query string's value (``?token=...``, ``?api_key=...``) (``shown_url``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
_QUERY_VALUE = re.compile(r"(=)[^&]*")


def shown_url(url: str | None) -> str:
    """``url`` with its password (if any) replaced by ``***``: what every message and page displays."""
    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None:
        if "@" in url and ":" in url.split("@", 1)[0]:
            return MASK + "@" + url.split("@", 1)[1]  # not parsable as a URL: the part before @ is hidden
        return url
    # A query string's values may be keys ("?token=abc"): their names are shown, not their values.
    parts = parts._replace(query=_QUERY_VALUE.sub(r"\1" + MASK, parts.query))
    if "@" in parts.netloc:
        credentials, host = parts.netloc.rsplit("@", 1)
        user, has_password, _ = credentials.partition(":")
        parts = parts._replace(netloc=f"{user}:{MASK}@{host}" if has_password else f"{user}@{host}")
    return urlunsplit(parts)
