"""URLs as they may be shown: the password of ``http://user:password@host`` never reaches a page, a log
or a terminal (``shown_url``)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "***"


def shown_url(url: str | None) -> str:
    """``url`` with its password (if any) replaced by ``***``: what every message and page displays."""
    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or "@" not in parts.netloc:
        if "@" in url and ":" in url.split("@", 1)[0]:
            return MASK + "@" + url.split("@", 1)[1]  # not parsable as a URL: the part before @ is hidden
        return url
    credentials, host = parts.netloc.rsplit("@", 1)
    user, has_password, _ = credentials.partition(":")
    netloc = f"{user}:{MASK}@{host}" if has_password else f"{user}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
