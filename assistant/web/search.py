"""The web app's Search tab: every sentence of the articles that holds some words (``Assistant.search``).

The chat quotes the few sentences that best answer; this tab lists each place the articles write a name, a
figure or a term, newest article first, the words found highlighted.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from typing import Any

import gradio as gr

from ..search import Mention, SearchError, parse_query
from .panels import Panel
from .render import article_text_html, lang_attribute, public_path, store_errors_shown

WORDS = {
    "en": {"title": "Search", "label": "Words to find in the articles",
           "placeholder": "A name, a figure, a term… or a \"phrase in quotes\" (accents and case ignored)",
           "button": "Search", "none": "No sentence of the articles holds “{words}”.",
           "found": "{n} {sentence} in {a} {article} {hold} “{words}”.",
           "forms": {"sentence": ("sentence", "sentences"), "article": ("article", "articles"),
                     "hold": ("holds", "hold")},
           "left_out": "Common words left out: {words}.",
           "more": "The first {shown} are shown: add a word to narrow the search.",
           "nothing": "Nothing to search for: give a word that only some sentences hold, a name, a number.",
           "open": "Open in the article", "back": "← Back to the results",
           "missing": "This article is no longer in the index.",
           "changed": "This article has changed since the search: search again."},
    "fr": {"title": "Recherche", "label": "Mots à trouver dans les articles",
           "placeholder": "Un nom, un chiffre, un terme… ou « une expression » (accents et majuscules ignorés)",
           "button": "Rechercher", "none": "Aucune phrase des articles ne contient « {words} ».",
           "found": "{n} {sentence} dans {a} {article} {hold} « {words} ».",
           "forms": {"sentence": ("phrase", "phrases"), "article": ("article", "articles"),
                     "hold": ("contient", "contiennent")},
           "left_out": "Mots courants ignorés : {words}.",
           "more": "Les {shown} premières sont affichées : ajoutez un mot pour affiner la recherche.",
           "nothing": "Rien à chercher : donnez un mot que seules certaines phrases contiennent, un nom, un nombre.",
           "open": "Ouvrir dans l'article", "back": "← Retour aux résultats",
           "missing": "Cet article n'est plus dans l'index.",
           "changed": "Cet article a changé depuis la recherche : relancez-la."},
}
# Sentences drawn at once: a common word lists thousands, and each is HTML the page must hold.
SHOWN = 200
PANEL_CSS = """
.search-results { display: flex; flex-direction: column; gap: 6px; }
.search-article { margin-top: 10px; font-weight: 600; }
.search-article small { font-weight: normal; color: var(--body-text-color-subdued); }
.search-mention { border-left: 3px solid var(--color-accent); padding: 2px 8px; }
#search-mark:focus-visible { outline: 2px solid var(--primary-700); outline-offset: 2px; }
.search-mention mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px;
  text-decoration: underline dotted 1px; text-underline-offset: 3px; }  /* not by its colour alone */
.open-in-article, .back-to-results { font-size: .8em; border: 1px solid var(--border-color-primary);
  border-radius: 6px; padding: 1px 8px; background: var(--background-fill-primary); cursor: pointer;
  color: var(--body-text-color); margin-left: 4px; }
.back-to-results { margin: 0 0 8px 0; font-size: .85em; padding: 3px 10px; }
.open-in-article:hover, .back-to-results:hover { border-color: var(--color-accent); }
"""
# A result's button opens its article with the sentence highlighted; the article's opens the results again.
# The view is drawn anew each time: the sentence is brought into view and the keyboard's focus follows.
RESULTS_JS = """
element.addEventListener('click', (event) => {
  const open = event.target.closest('.open-in-article');
  if (open) {
    event.preventDefault();
    // the keyboard's focus goes to the sentence, which a screen reader then reads (Esc or its way back return)
    window.__newsSearchFocus = '#search-mark';
    window.__newsSearchReturn = `.open-in-article[data-start="${open.dataset.start}"][data-doc="${open.dataset.doc}"]`;
    trigger('click', {action: 'open', doc: open.dataset.doc, start: Number(open.dataset.start),
                      end: Number(open.dataset.end), digest: open.dataset.digest});
    return;
  }
  if (event.target.closest('.back-to-results')) {
    event.preventDefault();
    window.__newsSearchFocus = window.__newsSearchReturn || null;
    trigger('click', {action: 'back'});
  }
});
element.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && element.querySelector('.back-to-results')) {
    event.preventDefault();
    window.__newsSearchFocus = window.__newsSearchReturn || null;
    trigger('click', {action: 'back'});
  }
});
watch('value', () => {
  const mark = element.querySelector('#search-mark');
  if (mark) mark.scrollIntoView({block: 'center'});
  // an article gone or changed since has no sentence to focus: its way back then
  const focus = window.__newsSearchFocus && (element.querySelector(window.__newsSearchFocus)
    || element.querySelector('.back-to-results'));
  // A search's count or its "no sentence" is said aloud (assets.ANNOUNCER_JS), the focus left in the box; not
  // again on the way back from an article, which gives the focus back to its result.
  const note = element.querySelector('.search-note');
  if (note && !window.__newsSearchFocus && window.__newsAnnounce) window.__newsAnnounce(note.textContent);
  window.__newsSearchFocus = null;
  if (focus) {
    if (!focus.hasAttribute('tabindex') && !focus.matches('button')) focus.setAttribute('tabindex', '-1');
    focus.focus({preventScroll: !!mark});
    if (!mark) focus.scrollIntoView({block: 'center'});
  }
});
"""


def _speak(lang: str | None) -> dict[str, str]:
    return WORDS.get(lang or "en", WORDS["en"])


def found_text(said: dict[str, Any], sentences: int, articles: int, words: str) -> str:
    """The count in words, each noun and the verb in its number: "1 sentence(s) in 1 article(s) hold" read as
    a form to fill in. A search finds one sentence or more, so the singular is for one."""
    forms = said["forms"]
    return said["found"].format(n=sentences, a=articles, words=words,
                                sentence=forms["sentence"][sentences > 1], article=forms["article"][articles > 1],
                                hold=forms["hold"][sentences > 1])


def file_html(source: str) -> str:
    """An article's file by its name, as the chat's sources and the library name it ("…/uploads/x.pdf" was the
    folder the server keeps uploads in, a path the reader never chose); where it lies, on hover."""
    name = Path(source).name or source
    return f"<span class='source-file' title='{html.escape(public_path(source))}'>{html.escape(name)}</span>"


def sentence_digest(text: str) -> str:
    """What a result's button carries of its sentence: the article, edited since, is told from the one searched."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def marked_html(mention: Mention) -> str:
    """The sentence, escaped, with the words found in ``<mark>``."""
    return "".join(f"<mark>{html.escape(text)}</mark>" if found else html.escape(text)
                   for text, found in mention.pieces())


def results_html(assistant: Any, words: str | None, lang: str | None = "en", limit: int = SHOWN) -> str:
    """What the tab shows for ``words``: a count, then each article's sentences; "" before any search."""
    said = _speak(lang)
    if not words or not words.strip():
        return ""
    try:
        query = parse_query(words)
        mentions = assistant.search(words)
    except SearchError:
        return f"<p class='search-note'>{html.escape(said['nothing'])}</p>"
    shown_words = html.escape(words.strip())
    notes = []
    if query.ignored:
        notes.append(html.escape(said["left_out"].format(words=", ".join(query.ignored))))
    if not mentions:
        return f"<p class='search-note'>{said['none'].format(words=shown_words)} {' '.join(notes)}</p>"
    count = found_text(said, len(mentions), len({m.doc_id for m in mentions}), shown_words)
    if len(mentions) > limit:
        notes.append(html.escape(said["more"].format(shown=limit)))
    parts = [f"<div class='search-results'><p class='search-note'>{count} {' '.join(notes)}</p>"]
    # each sentence in its article's language, for a screen reader (a fake assistant of the tests has no store)
    store = getattr(assistant, "store", None)
    found = sorted({m.doc_id for m in mentions[:limit]})
    languages = {doc: article.language for doc, article in store.get_articles(found).items()} if store else {}
    article = None
    for number, mention in enumerate(mentions[:limit]):
        if mention.doc_id != article:
            article = mention.doc_id
            dated = f" · {html.escape(mention.published)}" if mention.published else ""
            parts.append(f"<div class='search-article'>{html.escape(mention.title or public_path(mention.source))}"
                         f" <small>{file_html(mention.source)}{dated}</small></div>")
        # each "Open in the article" described by its sentence: a list of buttons told them apart by nothing
        parts.append(f"<div class='search-mention' data-start='{mention.start}' data-end='{mention.end}'"
                     f"{lang_attribute(languages.get(mention.doc_id, ''))}>"
                     f"<span id='mention-{number}'>{marked_html(mention)}</span> "
                     f"<button type='button' class='open-in-article' aria-describedby='mention-{number}' "
                     f"data-doc='{html.escape(mention.doc_id)}' "
                     f"data-start='{mention.start}' data-end='{mention.end}' "
                     f"data-digest='{sentence_digest(mention.text)}'>{said['open']}</button></div>")
    parts.append("</div>")
    return "".join(parts)


def article_view_html(assistant: Any, doc_id: str, start: int, end: int, lang: str | None = "en",
                      digest: str | None = None) -> str:
    """A result's whole article, the sentence highlighted in place, under a way back to the results;
    ``digest``: the sentence's ``sentence_digest`` when searched."""
    said = _speak(lang)
    back = f"<button type='button' class='back-to-results'>{html.escape(said['back'])}</button>"
    article = assistant.store.get_articles([doc_id]).get(doc_id)
    text = assistant.store.article_text(doc_id) if article is not None else None
    if article is None or text is None:
        return f"<div class='article-view'>{back}<p class='sources-note'>{html.escape(said['missing'])}</p></div>"
    dated = f" · {html.escape(article.published)}" if article.published else ""
    head = (f"<div class='article-head'><b>{html.escape(article.title or public_path(article.source))}</b>"
            f"<div class='source-meta'>{file_html(article.source)}{dated}</div></div>")
    # Replaced since the search (an upload elsewhere, ``assistant index``): its id is its file's, its text new.
    if not 0 <= start < end <= len(text) or (digest is not None and sentence_digest(text[start:end]) != digest):
        return (f"<div class='article-view'>{back}{head}<p class='sources-warning'>{html.escape(said['changed'])}"
                f"</p></div>")
    body = (f"{html.escape(text[:start])}<mark id='search-mark'>{html.escape(text[start:end])}</mark>"
            f"{html.escape(text[end:])}")
    title = article.title or public_path(article.source)
    return f"<div class='article-view'>{back}{head}{article_text_html(body, title, article.language)}</div>"


def search_panel() -> Panel:
    """The Search tab, searched again when the library changes (an upload, a removal)."""
    from .i18n import add_strings

    add_strings({lang: {"search.title": words["title"]} for lang, words in WORDS.items()})

    def build(ui: Any) -> None:
        with gr.Row(equal_height=True):
            box = gr.Textbox(label=WORDS["en"]["label"], placeholder=WORDS["en"]["placeholder"], max_lines=1,
                             scale=6, elem_id="search-words")
            button = gr.Button(WORDS["en"]["button"], variant="primary", scale=1, min_width=110,
                               elem_id="search-button")
        results = gr.HTML("", elem_id="search-results", css_template=PANEL_CSS, js_on_load=RESULTS_JS)
        ui.i18n.bind(box, label=lambda lang: _speak(lang)["label"],
                     placeholder=lambda lang: _speak(lang)["placeholder"])
        ui.i18n.bind(button, value=lambda lang: _speak(lang)["button"])

        @store_errors_shown
        def run(words: str, lang: str) -> str:
            return results_html(ui.assistant, words, lang)

        for event in (box.submit, button.click):
            event(run, [box, ui.lang], [results], trigger_mode="always_last")
        @store_errors_shown
        def on_results_event(words: str, lang: str, evt: gr.EventData) -> str:
            data = evt._data if isinstance(evt._data, dict) else {}
            start, end = data.get("start"), data.get("end")
            if data.get("action") == "open" and isinstance(start, int) and isinstance(end, int):
                digest = data.get("digest")
                return article_view_html(ui.assistant, str(data.get("doc", "")), start, end, lang,
                                         digest if isinstance(digest, str) else None)
            return run(words, lang)

        results.click(on_results_event, [box, ui.lang], [results], api_visibility="private")
        ui.on_library_change(run, [box, ui.lang], [results])
        ui.on_language(run, [box, ui.lang], [results])

    return Panel("search", "tab", build, title="search.title")

