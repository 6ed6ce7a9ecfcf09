"""What a news page says around its story that the extractor leaves out or keeps wrongly.

trafilatura keeps a page's story and leaves out its chrome, and with it the story's own head: the standfirst
(the "chapô" between the headline and the story, often its summary), and the byline and date lines ("Par AFP",
"Mis en ligne le 30/10/2024 à 09:12") where the page's metadata does not repeat them. It keeps, inside the
story, the "Lire aussi : ..." lines that link to other articles, whose headlines were then quoted as this one's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The head of a story: the page's lines from its headline (<h1>) to the story's first line.
_HEAD_MAX_LINES = 12
# Parts of a page that are never the story's head: its menus, sidebars, footers, forms, and a photo's caption.
_NOT_HEAD = (
    "nav",
    "aside",
    "footer",
    "figure",
    "figcaption",
    "form",
    "button",
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "select",
    "template",
)
_BLOCKS = (
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "header",
    "article",
    "address",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "main",
)
# Inline elements that are all a container holds are lines of their own: <div class="meta"><span>Par ...</span>
# <span>Publié le ...</span></div>; beside words ("Publié le <time>12 mars</time>", "Par <a>Julien Roux</a>") they
# are words of their line.
_INLINE_LINES = ("span", "time")
# A line that sends the reader to another article: "Lire aussi | ...", "À lire aussi : ...", "Lire le
# décryptage : ...", "Voir aussi >> ...", "Read more: ...", or the label alone above a list of them.
READ_ALSO = re.compile(
    r"^\W*(?:(?:[àa]\s+)?(?:lire|relire|voir|revoir|écouter|regarder|découvrir)\s+(?:aussi|également|notre|nos|"
    r"le|la|les|l['’]|cet|cette|ce|plus)\b[^\n:|>»—–]{0,40}?|(?:read|see|watch)\s+(?:also|more)|related"
    r"(?:\s+articles?)?|sur le même sujet)\s*(?:[:|>»—–]+\s*\S[^\n]{0,250}|\W*)$",
    re.I,
)


# A photo's caption set between the headline and the story, outside a <figure>: "Des passagers à Orly, le 13 mars.
# JEAN DUPONT / AFP", "(Photo : ...)", "© Reuters".
_CAPTION = re.compile(r"©|\b(?i:photo|crédits?|credits?|illustration)\s*:|/\s*[A-Z][A-Z-]+(?:\s+[A-Z][A-Z-]+)*\)?\s*$")
# Elements a site names as a caption or a credit, wherever they are.
_CAPTION_CLASS = re.compile(r"caption|legende|légende|credit", re.I)


@dataclass
class PageHead:
    standfirst: str | None = None
    lines: list[str] = field(default_factory=list)  # the head's lines: byline, date, standfirst


def page_head(html: str, story: str, title: str | None) -> PageHead:
    """The head of the story ``story`` (the extracted text) on the page ``html``: the lines between its
    headline and its first line, and among them its standfirst, when the story leaves it out."""
    from .readers.head import METADATA_LINE, is_byline
    from .readers.text import BANNER_LINE, has_prose

    lines, headline = page_lines(html)
    first = _words(next((line for line in story.splitlines() if line.strip()), ""))[:60]
    if not lines or not first:
        return PageHead()
    # The story's headline: the page's title, or its <h1> when that opens the title ("Grève à Orly" of "Grève à
    # Orly - Le Quotidien"); a site that sets its logo in the <h1> is not taken for it.
    titled = _words(title or "")
    headlines = {titled, _words(headline) if titled.startswith(_words(headline)) else ""} - {""}
    start = next((n for n, line in enumerate(lines) if _words(line) in headlines), None)
    if start is None:
        return PageHead()
    end = next((n for n in range(start + 1, len(lines)) if first in _words(lines[n])), None)
    if end is None or end - start > _HEAD_MAX_LINES:
        return PageHead()
    head = lines[start + 1 : end]
    in_story = _words(story)
    standfirst = next(
        (
            line
            for line in head
            if has_prose(line)
            and not BANNER_LINE.search(line)
            and not METADATA_LINE.match(line)
            and not is_byline(line)
            and not READ_ALSO.match(line)
            and not _CAPTION.search(line)
            and _words(line) not in in_story
        ),
        None,
    )
    return PageHead(standfirst, head)


def page_lines(html: str) -> tuple[list[str], str]:
    """The page's visible text a block a line (a <br> too), in reading order, without its menus and sidebars;
    and its first <h1>'s text."""
    import lxml.html
    from lxml import etree

    try:
        page = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return [], ""
    for element in [*page.iter(*_NOT_HEAD), *page.xpath("//*[@class]")]:
        dropped = element.tag in _NOT_HEAD or _CAPTION_CLASS.search(element.get("class") or "")
        if dropped and element.getparent() is not None:
            element.drop_tree()  # its tail, the text after it, stays
    headline = next((h1.text_content() for h1 in page.iter("h1")), "")
    inline = [
        element
        for element in page.iter(*_INLINE_LINES)
        if element.getparent() is not None and _holds_only_elements(element.getparent())
    ]
    for element in [*page.iter(*_BLOCKS, "br"), *inline]:
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    body = page.find("body")
    text = (body if body is not None else page).text_content()
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()], headline


def _holds_only_elements(element) -> bool:
    return not (element.text or "").strip() and not any((child.tail or "").strip() for child in element)


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()
