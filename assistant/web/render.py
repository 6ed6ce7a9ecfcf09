"""HTML and Markdown for the page: answers with clickable markers, the sources panel, the article view.

Everything taken from articles or questions is escaped here: article text is data, never markup.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..entity_answers import ENTITY_INDEX
from ..store import StoreError
from ..types import Answer, Citation
from .i18n import STRINGS, t

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!])")
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")
CITE_PREFIX = "#cite-"
log = logging.getLogger(__name__)
# Control characters (a file name sent with a line break in it), and the line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# An absolute path in a message (an operating system's or a library's): "…/" and its last part are shown.
_ABSOLUTE_PATH = re.compile(r"(?<![\w/:.~\\-])~?/(?:[^\s/'\"`<>()\[\]]+/)+([^\s/'\"`<>()\[\],;:]*)")


def escape_markdown(text: str) -> str:
    """Text shown literally by the chat's Markdown renderer (no emphasis, links, HTML or LaTeX)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def visible(text: str) -> str:
    """A name on one line as it was written: a control character it holds (a line break, which could end the
    list item or paragraph it is shown in and start Markdown of its own) is shown as its symbol ("␊")."""
    def symbol(match: re.Match[str]) -> str:
        code = ord(match.group())
        return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"

    return _CONTROL.sub(symbol, str(text))


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, shown as written: fenced by more backticks than it holds in a row, its
    control characters (a line break would end the span, and the list item around it) shown as symbols."""
    text = visible(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline_markdown(text: str) -> str:
    """A title or message for one line of Markdown: shown as written, its line breaks and runs of spaces as one
    space (a file's own name keeps its line breaks as symbols: ``escape_markdown(visible(name))``)."""
    return escape_markdown(visible(" ".join(str(text).split())))


def public_path(source: str) -> str:
    """Where a file is, as the page may say it to any visitor: relative to the folder the server runs in,
    else its folder's name and its own ("…/news/port.txt"), never the server's whole path."""
    path = Path(str(source))
    if not path.is_absolute():
        return str(source)
    cwd = Path.cwd()
    if cwd != Path(cwd.anchor):
        try:
            return path.relative_to(cwd).as_posix()
        except ValueError:
            pass
    return f"…/{path.parent.name}/{path.name}" if path.parent.name else path.name


def public_error(error: object) -> str:
    """An error's message for the page: its absolute paths (the server's folders) cut to their last part,
    on one line. The whole message is logged on the server."""
    return visible(" ".join(_ABSOLUTE_PATH.sub(lambda m: f"…/{m.group(1)}", str(error)).split()))


def store_errors_shown(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A page's handler whose store cannot answer (a Chroma server down, a disk full) tells the user why, in
    Gradio's error box, and the server's log in one line: it showed Gradio's bare "Error" (the library, the
    Search tab) and logged a traceback for each click while the server restarted."""

    @functools.wraps(handler)  # Gradio reads the handler's own parameters (gr.Request, gr.EventData)
    def shown(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except StoreError as error:
            import gradio as gr

            log.warning("%s failed: %s", handler.__name__, " ".join(str(error).split()))
            raise gr.Error(html.escape(public_error(error)), print_exception=False) from None

    return shown


def cite_href(turn: int, marker: int) -> str:
    return f"{CITE_PREFIX}{turn}-{marker}"


def parse_cite_href(href: str) -> tuple[int, int] | None:
    match = re.fullmatch(re.escape(CITE_PREFIX) + r"(\d+)-(\d+)", href or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def answer_markdown(answer: Answer, turn: int) -> str:
    """The answer for the chat, each citation marker a link that the page turns into "show this passage"."""
    cited = {c.marker: c for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        marker = int(match.group(1))
        citation = cited.get(marker)
        if citation is None:
            return match.group(0)
        return f'[[{marker}]]({cite_href(turn, marker)} "{link_title(citation.title or Path(citation.source).name)}")'

    text = _ESCAPED_MARKER.sub(link, escape_markdown(answer.text))
    if answer.notice:
        # the notice is the assistant's (filters, a model that failed): a model file's path is cut there too
        text += f"\n\n*{inline_markdown(public_error(answer.notice))}*"
    return text


def link_title(title: str) -> str:
    """A Markdown link's title (the marker's tooltip), shown as written: "<b>", "[x](y)" and "*" stay text,
    and it can end neither the title (a double quote is shown as a single one) nor the link."""
    return inline_markdown(title).replace('"', "'")


def question_limit_html(lang: str, limit: int) -> str:
    """The question box's length notice: empty here, written by ``assets.QUESTION_LIMIT_JS`` from these
    templates as the user types or pastes ({count}, {limit} and {lost} are filled in by the script)."""
    templates = " ".join(f'data-{state}="{html.escape(t(lang, f"question.{state}"))}"'
                         for state in ("near", "full", "cut"))
    return (f'<div class="question-limit" data-limit="{limit}" data-lang="{html.escape(lang)}" {templates} '
            'role="status" aria-live="polite"></div>')


def passage_groups(citations: Sequence[Citation]) -> list[list[Citation]]:
    """The citations grouped by the passage they quote (one chunk of one article), in marker order: two
    sentences of one paragraph cited as [1] and [2] make one source card, not two copies of the paragraph."""
    groups: dict[tuple, list[Citation]] = {}
    for citation in citations:
        if citation.chunk_id:
            key: tuple = ("chunk", citation.source, citation.chunk_id)
        elif citation.passage:
            key = ("passage", citation.source, citation.passage_start, citation.passage_end, citation.passage)
        else:  # no passage to share: a card of its own
            key = ("marker", citation.marker)
        groups.setdefault(key, []).append(citation)
    return list(groups.values())


def _quote_span(citation: Citation, passage: str) -> tuple[int, int] | None:
    """Where the cited sentence lies in ``passage``, or None when it cannot be found there."""
    start = citation.start - citation.passage_start
    end = citation.end - citation.passage_start
    if passage and 0 <= start <= end <= len(passage) and passage[start:end] == citation.quote:
        return start, end
    found = passage.find(citation.quote) if passage and citation.quote else -1
    return (found, found + len(citation.quote)) if found >= 0 else None


def _mark(text: str, markers: Sequence[int] | None, current: bool = False) -> str:
    """A highlighted sentence; in a card of several markers it says whose it is (``markers``)."""
    if markers is None:
        return f"<mark>{html.escape(text)}</mark>"
    classes = ' class="current"' if current else ""
    return f'<mark data-markers="{" ".join(map(str, markers))}"{classes}>{html.escape(text)}</mark>'


def _passage_html(citations: Sequence[Citation], active: int | None) -> str:
    """The shared passage with each cited sentence highlighted (overlapping ones as one highlight); in a card
    of several markers, the active marker's sentence is marked ``current``. A quote that cannot be found in
    the passage is shown alone, as before."""
    passage = citations[0].passage
    several = len(citations) > 1
    located = [(span, c.marker) for c in citations if (span := _quote_span(c, passage)) is not None]
    alone = [c for c in citations if _quote_span(c, passage) is None]
    spans: list[tuple[int, int, list[int]]] = []  # (start, end, markers), merged where they overlap
    for (start, end), marker in sorted(located):
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end), [*spans[-1][2], marker])
        else:
            spans.append((start, end, [marker]))
    parts = []
    if spans:
        body, position = [], 0
        for start, end, markers in spans:
            body.append(html.escape(passage[position:start]))
            body.append(_mark(passage[start:end], markers if several else None, active in markers))
            position = end
        body.append(html.escape(passage[position:]))
        parts.append(f'<p class="passage">{"".join(body)}</p>')
    parts.extend(f'<p class="passage">{_mark(c.quote, [c.marker] if several else None, c.marker == active)}</p>'
                 for c in alone)
    return "".join(parts)


def source_card(citations: Citation | Sequence[Citation], turn: int, active: int | None, lang: str,
                counted: bool = False, language: str = "") -> str:
    """One passage and the markers that quote it; ``active`` is the marker selected in the answer (the card
    holding it is highlighted). The card's id names its first marker; ``data-markers`` lists them all.
    ``language``: its article's, when known (``lang_attribute``)."""
    group = [citations] if isinstance(citations, Citation) else list(citations)
    first = group[0]
    markers = [c.marker for c in group]
    name = Path(first.source).name or first.source
    title = first.title or name
    selected = active in markers
    classes = "source-card active" if selected else "source-card"
    labels = " ".join(f'<span class="marker" data-marker="{m}">[{m}]</span>' for m in markers)
    opened = active if selected else first.marker  # the article opens on the sentence of this marker
    # Every card's button says "Open the whole article": a screen reader's list of buttons told them apart by
    # nothing. Each is described by its card's markers and title.
    card = f"{turn}-{first.marker}"
    return (
        f'<article class="{classes}" id="source-{card}" data-turn="{turn}" '
        f'data-marker="{first.marker}" data-markers="{" ".join(map(str, markers))}"{lang_attribute(language)}>'
        f'<header><span class="markers" id="source-markers-{card}">{labels}</span>'
        f'<span class="source-title" id="source-title-{card}">{html.escape(title)}</span></header>'
        f'<div class="source-meta">{_published(first, lang)}<span class="source-file" '
        f'title="{html.escape(public_path(first.source))}">{html.escape(name)}</span>'
        f"{_original(first, lang)}{_mentions(group, counted, lang)}</div>"
        f"{_passage_html(group, active)}"
        f'<button type="button" class="open-article" data-turn="{turn}" data-marker="{opened}" '
        f'aria-describedby="source-markers-{card} source-title-{card}">{t(lang, "sources.open")}</button>'
        "</article>"
    )


def _original(citation: Citation, lang: str) -> str:
    """A link to the page the article was read from (a saved page's canonical address, a record's url), in a
    new tab; only an http(s) one: a "javascript:" address would run in the page."""
    url = citation.url
    if not url.startswith(("https://", "http://")):
        return ""
    host = urlsplit(url).hostname or url
    return (f' · <a class="source-url" href="{html.escape(url)}" target="_blank" rel="noopener noreferrer" '
            f'title="{html.escape(t(lang, "sources.original"))}">{html.escape(host.removeprefix("www."))} ↗</a>')


def _published(citation: Citation, lang: str) -> str:
    """The date the article states, before its file: a reporter weighs a source by when it was written."""
    if not citation.published:
        return ""
    return f'<span class="source-date">{t(lang, "sources.published", date=html.escape(citation.published))}</span> · '


def _mentions(group: Sequence[Citation], counted: bool, lang: str) -> str:
    """For a name listed from the entity index, how often it is mentioned (its citation's score). A passage's
    retrieval score is not shown: it ranks the passages of one question (the best is 1.0, or above it once a
    sentence's own score is added), it does not say how well a passage answers, and a reader took it for that."""
    return f" · {t(lang, 'sources.mentions', n=int(max(c.score for c in group)))}" if counted else ""


# A long question (a pasted paragraph) is shown this far over the sources, or it pushes them out of view.
QUESTION_SHOWN = 160


def shortened(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def lang_attribute(language: str) -> str:
    """`` lang="fr"`` for text in an article's language (WCAG 3.1.2): a French passage on an English page was read
    by a screen reader with English rules. "" when the language is not known."""
    code = (language or "").strip().lower()
    return f' lang="{html.escape(code)}"' if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", code) else ""


def sources_html(answer: Answer | None, turn: int | None, lang: str, active: int | None = None,
                 pending: bool = False, languages: Mapping[str, str] | None = None) -> str:
    """The sources panel for one answer of the conversation (or its empty/pending states); ``languages``: each
    cited article's language, by its ``doc_id``."""
    if pending:
        return f'<div class="sources sources-pending"><p class="sources-note">{t(lang, "sources.searching")}</p></div>'
    if answer is None or turn is None:
        return f'<div class="sources sources-empty"><p class="sources-note">{t(lang, "sources.empty")}</p></div>'
    parts = [f'<div class="sources" data-turn="{turn}">',
             f'<div class="sources-head">{t(lang, "sources.for")} <q title="{html.escape(answer.question)}">'
             f'{html.escape(shortened(answer.question, QUESTION_SHOWN))}</q></div>']
    if answer.unsupported:
        parts.append(f'<p class="sources-warning">{t(lang, "sources.unsupported")}</p>')
    if not answer.citations:
        parts.append(f'<p class="sources-note">{t(lang, "sources.none")}</p>')
    else:
        parts.append(f'<p class="sources-hint">{t(lang, "sources.hint")}</p>')
        counted = answer.answerer == ENTITY_INDEX
        languages = languages or {}
        parts.extend(source_card(group, turn, active, lang, counted, languages.get(group[0].doc_id, ""))
                     for group in passage_groups(answer.citations))
    foot = _footer(answer, lang)
    if foot:
        parts.append(f'<p class="sources-foot">{foot}</p>')
    parts.append("</div>")
    return "".join(parts)


def _footer(answer: Answer, lang: str) -> str:
    """How the answer was made, in words. A reply that quotes nothing says no such thing: one made without a
    search (to thanks, to a question asked of an empty index: it read "answer quoted from the articles in 0.0 s")
    has no footer, a refusal says that the articles were searched."""
    seconds = sum(answer.timings.values()) if answer.timings else 0.0
    # Under a twentieth of a second it read "in 0.0 s", as if not timed.
    shown = f"{seconds:.1f}" if seconds >= 0.05 else "< 0.1"
    shown = shown.replace(".", ",") if lang == "fr" else shown
    if not answer.answered and not answer.citations:
        return t(lang, "sources.searched", seconds=shown) if answer.timings else ""
    # Said in words: the answerer's internal name ("entity index", "llamacpp") means nothing to a reader.
    key = f"sources.answerer.{answer.answerer}"
    if key in STRINGS["en"]:
        return t(lang, key, seconds=shown)
    return t(lang, "sources.answerer", answerer=html.escape(answer.answerer), seconds=shown)


def _occurrences(text: str, part: str) -> list[int]:
    places, at = [], text.find(part)
    while at >= 0:
        places.append(at)
        at = text.find(part, at + 1)
    return places


def quote_place(citation: Citation, text: str) -> tuple[int, int] | None:
    """Where the cited sentence is in the article's ``text`` as it is now: at the citation's offsets when they
    still hold it; in an article edited since, its copy inside the cited passage (the first copy in the text
    was highlighted, in a summary added above, say), else the copy nearest its old place; None once gone."""
    quote, start = citation.quote, citation.start
    if 0 <= start <= citation.end <= len(text) and text[start:citation.end] == quote:
        return start, citation.end
    places = _occurrences(text, quote)
    if not places:
        return None
    if citation.passage:
        offset = start - citation.passage_start  # the quote's place in its passage
        within = [at + offset for at in _occurrences(text, citation.passage) if at + offset in places]
        places = within or places
    at = min(places, key=lambda place: abs(place - start))
    return at, at + len(quote)


def article_html(citation: Citation, text: str | None, lang: str, language: str = "") -> str:
    """The whole article with the cited sentence highlighted in place; ``language``: the article's."""
    name = Path(citation.source).name or citation.source
    back = f'<button type="button" class="back-to-sources">{t(lang, "article.back")}</button>'
    head = (f'{back}<div class="article-head"><span class="marker">[{citation.marker}]</span> '
            f'<b>{html.escape(citation.title or name)}</b><div class="source-meta">{_published(citation, lang)}'
            f'{t(lang, "article.from")} <span class="source-file" title="{html.escape(public_path(citation.source))}">'
            f'{html.escape(name)}</span></div></div>')
    if text is None:
        return f'<div class="article-view">{head}<p class="sources-note">{t(lang, "article.missing")}</p></div>'
    found = quote_place(citation, text)
    start, end = found or (0, 0)
    changed = ""
    if found is None:  # replaced since the answer: say so rather than show the new text unmarked
        changed = f'<p class="sources-warning">{t(lang, "article.changed", quote=html.escape(citation.quote))}</p>'
    body = (f"{html.escape(text[:start])}<mark id=\"article-mark\">{html.escape(text[start:end])}</mark>"
            f"{html.escape(text[end:])}")
    return f'<div class="article-view">{head}{changed}{article_text_html(body, citation.title or name, language)}</div>'


def article_text_html(body: str, title: str, language: str = "") -> str:
    """An article's text (``body``, escaped) in its scrolling box: a region named by its title, which the keyboard
    reaches and scrolls (Safari gives a scrolling box no stop of its own), in the article's ``language``."""
    return (f'<div class="article-text" tabindex="0" role="region" aria-label="{html.escape(title)}"'
            f"{lang_attribute(language)}>{body}</div>")
