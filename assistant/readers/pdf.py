"""A PDF read as an article: its lines joined back into paragraphs, a paper's running headers and a browser's
print margins dropped, ligatures spelt out."""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import TYPE_CHECKING

from .failures import LoadFailure, unpacking
from .head import date_in_text, first_line
from .text import normalise_text, without_read_also

if TYPE_CHECKING:
    from pypdf import PageObject


def read_pdf(data: bytes) -> tuple[str, str | None, str | None, str | None]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs ("EOF marker not found") on stderr; a PDF it cannot read fails with
    # its reason in the report instead, so its warnings are only noise, even under --quiet or --json.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadFailure("encrypted_pdf")
            except LoadFailure:
                raise
            except Exception as error:
                raise LoadFailure("locked_pdf", detail=error) from error
        # A browser's margins first: as a paper's running lines (they repeat too), they were no sign of a print.
        for number, page in enumerate(reader.pages, 1):  # all counted before any is read: reading is the slow part
            _pdf_page_unpacked(page, number)
        printed = [_without_print_margins(_pdf_page_text(page.extract_text() or "")) for page in reader.pages]
        pages = _without_running_lines([page for page, _ in printed])
        info = reader.metadata
    except LoadFailure:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise LoadFailure("broken_pdf", detail=error) from error
    text = _unwrapped(normalise_text("\n\n".join(page for page in pages if page)))
    if not text.strip():
        raise LoadFailure("scanned_pdf")
    title = (info.title if info and info.title else None) or first_line(text)
    author = str(info.author).strip() if info and info.author else None
    # The date the text states first: a page printed to PDF from a browser was created the day it was printed,
    # and was dated that day, months after the "Publié le" it shows. One whose browser's margins say so has no
    # other date than the text's.
    by_browser = any(margin for _, margin in printed)
    return text, title, date_in_text(text) or (None if by_browser else _pdf_date(info)), author


def _pdf_page_unpacked(page: PageObject, number: int) -> None:
    """Count a page's drawing instructions against what one file may unpack: pypdf caps each stream (75 MB) but
    not the file, and a PDF of a few hundred kilobytes whose pages unpack to megabytes each took gigabytes."""
    contents = page.get_contents()
    if contents is not None:
        unpacking(len(contents.get_data()), f"page {number}")


# A typesetter's ligatures, one character in a PDF's text ("ﬁnancement", a browser's "ﬁle:///" footer): the two
# or three letters they stand for, or "financement" in a question found nothing in them.
_LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}


def _pdf_page_text(text: str) -> str:
    """A page's text as pypdf gives it, ligatures spelt out and without the lines that link to another article
    (a page printed from a browser keeps the "Lire aussi : ..." lines a saved page is read without)."""
    return without_read_also(text.translate(_LIGATURES).strip())


# A browser's "Print > Save as PDF" sets its margins' lines on each page. Chrome and Edge: the day and time it
# printed beside the page's title atop ("07/12/2026 10:32 Grève à Orly - Le Quotidien", "12/7/26, 10:32 AM ..."),
# the page's address and number at the foot ("https://... 1/1"). Firefox: the title and the address atop, the
# number and the day and time at the foot ("1 sur 2 07/12/2026 10:32"). A paper's own header and footer are neither.
_PRINT_TIME = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4},?\s+\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
_PRINT_PAGE = r"(?:(?:page|p\.)\s*)?\d+\s*(?:/|of|sur|de|von)\s*\d+"
_PRINT_ADDRESS = r"(?:https?|file)://\S+"
# A browser prints both or neither: a line like one of them alone (a paper's "12/03/2025 10:32" atop a page, its
# "Source : https://..." line) is the page's own, and stays.
_PRINT_MARGINS = [  # (head, foot): Chrome's and Edge's, Firefox's
    (re.compile(rf"^\s*{_PRINT_TIME}(?:\s|$)"), re.compile(rf"^\s*{_PRINT_ADDRESS}\s+{_PRINT_PAGE}\s*$", re.I)),
    (re.compile(rf"^(?=.{{0,300}}$).*\s{_PRINT_ADDRESS}\s*$"),
     re.compile(rf"^\s*{_PRINT_PAGE}\s+{_PRINT_TIME}\s*$", re.I)),
]


def _without_print_margins(page: str) -> tuple[str, bool]:
    """A page's text without the header and footer lines a browser printed on it; and whether it had them. The
    PDF's text comes in the order it was drawn, the margins before the page or after it: they are looked for
    among its first two and last two lines."""
    lines = page.split("\n")
    if len(lines) < 3:
        return page, False
    edges = sorted({0, 1, len(lines) - 2, len(lines) - 1})
    for head, foot in _PRINT_MARGINS:
        at = next((i for i in edges if head.match(lines[i])), None)
        end = next((i for i in reversed(edges) if i != at and foot.match(lines[i])), None)
        if at is not None and end is not None:
            return "\n".join(line for i, line in enumerate(lines) if i not in (at, end)).strip(), True
    return page, False


# A paper's PDF repeats its name and date atop each page and numbers it at the foot: "Page 1 / 3" was glued to
# the sentence above it and quoted with it, and the header came between the halves of a sentence running onto the
# next page. A line is running when it opens or closes most pages (its numbers aside).
_RUNNING_SHARE = 0.6
_EDGE_LINES = 2  # at either end of a page
_RUNNING_MAX = 80  # characters: a header or a footer is short, a line of the story is not


def _without_running_lines(pages: list[str]) -> list[str]:
    """The pages without the header and footer lines that most of them repeat ("Page 2 / 3" as "Page 1 / 3")."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    split = [page.split("\n") for page in pages]
    counts = Counter(edge for lines in split
                     for edge in {key(line) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
                     if 0 < len(edge) <= _RUNNING_MAX)
    running = {edge for edge, count in counts.items() if count >= max(2, _RUNNING_SHARE * len(pages))}
    kept = []
    for lines in split:
        start, end = 0, len(lines)
        while start < end and key(lines[start]) in running:
            start += 1
        while end > start and key(lines[end - 1]) in running:
            end -= 1
        kept.append("\n".join(lines[start:end]).strip())
    return kept


# A PDF's text comes line by line as it is set on the page: a sentence wrapped over two lines was two
# "paragraphs" to the sentence splitter, and was quoted in halves. A line as long as the document's long
# lines wraps on into the next; a shorter one (a heading, a paragraph's last line) ends where it is.
WRAPPED_LINE = 0.7  # of the document's long-line length (its 90th percentile)
_MIN_FULL_LINE = 40  # characters: a page of shorter lines (a list, verse) is left as it is
_MAX_FULL_LINE = 200  # longer lines are paragraphs already, not lines as set on a page


def _unwrapped(text: str) -> str:
    lines = text.split("\n")
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 2:
        return text
    full = lengths[int(0.9 * (len(lengths) - 1))]
    if not _MIN_FULL_LINE <= full <= _MAX_FULL_LINE:
        return text
    out = []
    for line, following in zip(lines, lines[1:], strict=False):
        line = line.rstrip()
        wraps = len(line.strip()) >= WRAPPED_LINE * full and following.strip()
        # "peut-" / "être" is one word: the hyphen stays, the space does not come.
        out.append(line + ("" if wraps and line.endswith("-") else " " if wraps else "\n"))
    out.append(lines[-1])
    return "".join(out)


def _pdf_date(info) -> str | None:
    # A malformed /CreationDate ("garbage", "D:2024") makes pypdf raise: the text is still good.
    try:
        created = info.creation_date if info else None
    except (ValueError, TypeError, AttributeError):
        return None
    return created.date().isoformat() if created else None
