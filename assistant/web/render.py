"""HTML and Markdown for the page: answers with clickable markers, the sources panel, the article view.

Everything taken from articles or questions is escaped here: article text is data, never markup.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..types import Answer, Citation
from .i18n import t

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!])")
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")
CITE_PREFIX = "#cite-"


def escape_markdown(text: str) -> str:
    """Text shown literally by the chat's Markdown renderer (no emphasis, links, HTML or LaTeX)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


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
        title = (citation.title or Path(citation.source).name).replace('"', "'").replace("\\", "")
        title = _MARKDOWN_SPECIAL.sub("", title)
        return f'[[{marker}]]({cite_href(turn, marker)} "{title}")'

    text = _ESCAPED_MARKER.sub(link, escape_markdown(answer.text))
    if answer.notice:
        text += f"\n\n*{escape_markdown(answer.notice)}*"
    return text


def question_limit_html(lang: str, limit: int) -> str:
    """The question box's length notice: empty here, written by ``assets.QUESTION_LIMIT_JS`` from these
    templates as the user types or pastes ({count}, {limit} and {lost} are filled in by the script)."""
    templates = " ".join(f'data-{state}="{html.escape(t(lang, f"question.{state}"))}"'
                         for state in ("near", "full", "cut"))
    return (f'<div class="question-limit" data-limit="{limit}" data-lang="{html.escape(lang)}" {templates} '
            'role="status" aria-live="polite"></div>')


def _passage_parts(citation: Citation) -> tuple[str, str, str]:
    """(before, quote, after) of the cited sentence inside its passage."""
    passage = citation.passage
    start = citation.start - citation.passage_start
    end = citation.end - citation.passage_start
    if passage and 0 <= start <= end <= len(passage) and passage[start:end] == citation.quote:
        return passage[:start], citation.quote, passage[end:]
    found = passage.find(citation.quote) if passage and citation.quote else -1
    if found >= 0:
        return passage[:found], citation.quote, passage[found + len(citation.quote):]
    return "", citation.quote, ""


def source_card(citation: Citation, turn: int, active: bool, lang: str) -> str:
    before, quote, after = _passage_parts(citation)
    name = Path(citation.source).name or citation.source
    title = citation.title or name
    classes = "source-card active" if active else "source-card"
    return (
        f'<article class="{classes}" id="source-{turn}-{citation.marker}" data-turn="{turn}" '
        f'data-marker="{citation.marker}">'
        f'<header><span class="marker">[{citation.marker}]</span>'
        f'<span class="source-title">{html.escape(title)}</span></header>'
        f'<div class="source-meta"><span class="source-file" title="{html.escape(citation.source)}">'
        f"{html.escape(name)}</span> · {t(lang, 'sources.score')} {citation.score:.3f}</div>"
        f'<p class="passage">{html.escape(before)}<mark>{html.escape(quote)}</mark>{html.escape(after)}</p>'
        f'<button type="button" class="open-article" data-turn="{turn}" data-marker="{citation.marker}">'
        f"{t(lang, 'sources.open')}</button>"
        "</article>"
    )


def sources_html(answer: Answer | None, turn: int | None, lang: str, active: int | None = None,
                 pending: bool = False) -> str:
    """The sources panel for one answer of the conversation (or its empty/pending states)."""
    if pending:
        return f'<div class="sources sources-pending"><p class="sources-note">{t(lang, "sources.searching")}</p></div>'
    if answer is None or turn is None:
        return f'<div class="sources sources-empty"><p class="sources-note">{t(lang, "sources.empty")}</p></div>'
    parts = [f'<div class="sources" data-turn="{turn}">',
             f'<div class="sources-head">{t(lang, "sources.for")} <q>{html.escape(answer.question)}</q></div>']
    if answer.unsupported:
        parts.append(f'<p class="sources-warning">{t(lang, "sources.unsupported")}</p>')
    if not answer.citations:
        parts.append(f'<p class="sources-note">{t(lang, "sources.none")}</p>')
    else:
        parts.append(f'<p class="sources-hint">{t(lang, "sources.hint")}</p>')
        parts.extend(source_card(c, turn, c.marker == active, lang) for c in answer.citations)
    seconds = sum(answer.timings.values()) if answer.timings else 0.0
    foot = t(lang, "sources.answerer", answerer=html.escape(answer.answerer), seconds=seconds)
    parts.append(f'<p class="sources-foot">{foot}</p>')
    parts.append("</div>")
    return "".join(parts)


def article_html(citation: Citation, text: str | None, lang: str) -> str:
    """The whole article with the cited sentence highlighted in place."""
    name = Path(citation.source).name or citation.source
    back = f'<button type="button" class="back-to-sources">{t(lang, "article.back")}</button>'
    head = (f'{back}<div class="article-head"><span class="marker">[{citation.marker}]</span> '
            f'<b>{html.escape(citation.title or name)}</b><div class="source-meta">{t(lang, "article.from")} '
            f'<span class="source-file" title="{html.escape(citation.source)}">{html.escape(name)}</span></div></div>')
    if text is None:
        return f'<div class="article-view">{head}<p class="sources-note">{t(lang, "article.missing")}</p></div>'
    start, end = citation.start, citation.end
    if not (0 <= start <= end <= len(text) and text[start:end] == citation.quote):
        found = text.find(citation.quote)
        start, end = (found, found + len(citation.quote)) if found >= 0 else (0, 0)
    body = (f"{html.escape(text[:start])}<mark id=\"article-mark\">{html.escape(text[start:end])}</mark>"
            f"{html.escape(text[end:])}")
    return f'<div class="article-view">{head}<div class="article-text">{body}</div></div>'
