"""A saved web page (.html) read as its story: trafilatura's extraction, an old site's or a newsletter's
layout tables taken apart first, the standfirst, byline and date read from the page's head, and the address
it was read from."""

from __future__ import annotations

import re
from html import unescape as unescape_html

from ..page_head import page_head
from .failures import LoadFailure
from .head import byline, date_in_text, first_line, shorten
from .text import has_prose, normalise_text, without_read_also

# "Save as single file" inlines images as data: URIs; lxml stops reading an attribute at 10 M characters,
# and the article after a large one was lost.
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{256,}")


def read_html(html: str) -> tuple[str, str | None, str | None, str | None]:
    import trafilatura

    html = _without_layout_tables(_DATA_URI.sub("data:,", html))

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
    )
    if not text or not has_prose(text):
        # Very short pages fall under trafilatura's precision heuristics: retry favouring recall.
        text = trafilatura.extract(html, include_comments=False, favor_recall=True) or text
    if not text or not text.strip():
        raise LoadFailure("html_empty")
    if not has_prose(text):
        # What is left when a page has no article is its chrome: indexed, it would be an article "Home".
        seen = shorten(" / ".join(line.strip() for line in text.splitlines() if line.strip()))
        raise LoadFailure("html_boilerplate", detail=f'"{seen}"')
    text = _LAYOUT_ROW.sub(lambda row: row.group(1).replace("\\|", "|"), text)
    text = without_read_also(text)
    meta = trafilatura.extract_metadata(html, date_config=_MARKED_DATES)
    title = meta.title if meta and meta.title else first_line(text)
    head = page_head(html, text, title)
    if head.standfirst:
        text = f"{head.standfirst}\n{text}"
    head_text = "\n".join(head.lines)
    published = (meta.date if meta and meta.date else None) or date_in_text(text) or date_in_text(head_text)
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
    return next(cell.iter(*_BLOCK_IN_CELL), None) is not None and has_prose(cell.text_content())


# A table row of one cell is page layout (an old site set out in a <table>), not data: its text without the
# Markdown table's pipes. Rows of several cells stay a table.
_LAYOUT_ROW = re.compile(r"^\|\s*((?:[^|\\\n]|\\.)*?)\s*\|[ \t]*$", re.M)


# A page's date from its markup only (meta tags, <time>, structured data), then our "Published on" lines:
# htmldate's extensive search took a footer's "© 2024" for 1 January 2024, and date filters then kept or
# dropped archived stories by a year that is only the site's.
_MARKED_DATES = {"extensive_search": False, "original_date": True}


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
