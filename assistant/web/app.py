"""The web page: a streamed, cited chat beside its sources, a library of articles, and settings.

Everything goes through the ``Assistant`` API (``stream``, ``index``, ``remove``, ``articles``,
``article_text``, ``stats``); this module only arranges it on a page. State that belongs to one browser
session (the conversation, the interface language, k, the answerer) lives in Gradio session state and
inputs, so concurrent users never see each other's answers.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import logging
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from ..answering.messages import other_script_text
from ..api import Assistant, QuestionError
from ..cli import stop_on_sigterm
from ..indexer import IndexBusyError
from ..language import in_latin_script
from ..settings import SettingsError, SettingsWarning, unknown_variables
from ..store import StoreError
from ..types import Answer
from . import assets
from .answerers import ANSWERERS, AnswererPool
from .export import conversation_file
from .i18n import LANGUAGES, Relabeler, browser_language, gradio_i18n, normalize, question_reason, t, warn
from .library import (
    COLUMN_WIDTHS,
    LIBRARY_PAGE,
    ORDERS,
    Upload,
    UploadStore,
    display_source,
    find_article,
    index_uploads,
    listing_note,
    reason_text,
    remove_article,
    report_markdown,
    sweep_uploads,
    table_headers,
)
from .library import library_listing as list_library
from .panels import NO_PROGRESS, UI, Conversation, Panel, Turn, chain_hooks
from .render import (
    answer_markdown,
    article_html,
    escape_markdown,
    inline_markdown,
    public_error,
    public_path,
    question_limit_html,
    sources_html,
    store_errors_shown,
)
from .reranker import prepare_in_background, status_html

log = logging.getLogger(__name__)

EXAMPLES = [
    "What weapons were mentioned?",
    "Quelles armes ont été mentionnées ?",
    "What does the Kremlin want from North Korea?",
    "Comment les États-Unis ont-ils réagi ?",
    "Résume l'article",
]
SAMPLE_NAME = "russie-coree-du-nord.txt"  # samples/: the article the examples ask about
UPLOAD_HARD_CAP = 4  # times the per-file limit: beyond it Gradio refuses the upload itself
# Gradio keeps each upload in its temporary folder and serves it to whoever has its link: an upload never
# indexed (the page closed before "Index the files", a client of the upload route alone) is deleted this long
# after it came, looked for this often. One that is indexed goes at once (``discard_browser_copies``).
UPLOAD_SWEEP = (1800, 7200)
ANSWER_CONCURRENCY = 4  # questions answered at once; the parts are shared and thread-safe
MAX_WAITING = 2  # questions of one conversation in flight at once: the one answered and one queued
REPEAT_WINDOW = 1.0  # seconds after a question is sent during which the same one sent again is a repeat, dropped
RERANKER_POLL = 1.0  # seconds between two looks at the reranker's preparation, while it goes on


def default_panels() -> list[Panel]:
    """Panels added to every app: the entities beside the chat, the search of the articles' words a tab."""
    from .entities import entities_panel
    from .search import search_panel

    return [entities_panel(), search_panel()]


def messages(conv: Conversation, lang: str, partial: str | None = None,
             partial_turn: int | None = None) -> list[dict[str, str]]:
    """The chat as Gradio messages, rebuilt from the conversation (the one source of truth); ``partial``
    is the text streamed so far for turn ``partial_turn`` (default: the last)."""
    result: list[dict[str, str]] = []
    streaming = len(conv.turns) - 1 if partial_turn is None else partial_turn
    for index, turn in enumerate(conv.turns):
        result.append({"role": "user", "content": escape_markdown(turn.question)})
        if turn.answer is not None:
            result.append({"role": "assistant", "content": answer_markdown(turn.answer, index)})
        elif partial and index == streaming:
            result.append({"role": "assistant", "content": escape_markdown(partial)})
    return result


def _panel_sources(assistant: Assistant, conv: Conversation, lang: str) -> str:
    """The side panel: the shown answer's sources, or the whole article of its active citation, each in its
    article's language."""
    answer = conv.answer(conv.shown)
    if answer is None:
        return sources_html(None, conv.shown, lang)
    languages = article_languages(assistant, [c.doc_id for c in answer.citations])
    if conv.article:
        citation = next((c for c in answer.citations if c.marker == conv.active), None)
        if citation is not None:
            return article_html(citation, assistant.article_text(citation.source), lang,
                                languages.get(citation.doc_id, ""))
    return sources_html(answer, conv.shown, lang, active=conv.active, languages=languages)


def article_languages(assistant: Assistant, doc_ids: Sequence[str]) -> dict[str, str]:
    """Each article's language by its id, as indexed ("" ids, and articles gone since, left out)."""
    ids = sorted({doc_id for doc_id in doc_ids if doc_id})
    try:
        articles = assistant.store.get_articles(ids) if ids else {}
    except Exception as error:  # a language is a help to a screen reader: the sources are shown without it
        log.warning("the cited articles' languages could not be read: %s", error)
        return {}
    return {doc_id: article.language for doc_id, article in articles.items()}


def build_app(assistant: Assistant, panels: Sequence[Panel] | None = None) -> gr.Blocks:
    """The whole page for ``assistant``; ``panels`` add tabs or side panels (default: ``default_panels()``)."""
    panels = default_panels() if panels is None else list(panels)
    pool = AnswererPool(assistant)
    uploads = UploadStore(assistant.settings.data_dir / "uploads", assistant.settings.upload_max_mb)
    i18n = Relabeler()
    settings = assistant.settings

    def sweep_removed_uploads() -> None:
        # An article removed through another app (another machine's, same Chroma server) left its upload here.
        try:
            swept = sweep_uploads(assistant, uploads)
        except StoreError as error:  # the server down: the next opening of the library sweeps
            log.warning("uploads not swept: %s", " ".join(str(error).split()))
            return
        if swept:  # a count, not the names: a removed article's file name may be what was taken down
            log.info("deleted %d uploaded file(s) whose articles were removed from the index elsewhere", len(swept))

    sweep_removed_uploads()

    def purge_if_asked(lang: str) -> str:
        """With ``purge_on_remove``, purge what a removal or a replaced upload left in the index's files; a
        line saying why it could not, else nothing."""
        if not settings.purge_on_remove:
            return ""
        try:
            report = assistant.purge(wait=True)
        except Exception as error:  # the removal stands: say what was not done
            log.warning("purge after a removal failed: %s", " ".join(str(error).split()))
            return "\n\n" + t(lang, "library.not_purged", error=inline_markdown(public_error(error)))
        log.info("index %s", report.summary())
        return ""

    def stats_line(lang: str, stats: dict | None = None) -> str:
        stats = stats or assistant.stats()
        key = "app.stats_one" if stats["articles"] == 1 else "app.stats"
        return t(lang, key, articles=stats["articles"], chunks=stats["chunks"])

    def placeholder(lang: str, stats: dict | None = None, examples: list | None = None) -> str:
        if not (stats or assistant.stats())["chunks"]:
            return t(lang, "chat.placeholder_empty")
        examples = example_questions(assistant) if examples is None else examples
        return t(lang, "chat.placeholder" if examples else "chat.placeholder_own")

    def order_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, f"library.order.{order}"), order) for order in ORDERS]

    def answerer_choices(lang: str) -> list[tuple[str, str]]:
        return [(t(lang, f"settings.answerer.{name}"), name) for name in pool.available()]

    def answerers_missing(lang: str) -> str:
        """One line naming the answerers this server is not set up for, and the variable that enables each."""
        missing = [t(lang, key, name=t(lang, f"settings.answerer.{name}")) for name, key in pool.missing().items()]
        return t(lang, "settings.missing", answerers=t(lang, "list.separator").join(missing)) if missing else ""

    def answerer_label(name: str, lang: str) -> str:
        return t(lang, f"settings.answerer.{name}") if name in ANSWERERS else name

    def index_info(lang: str, stats: dict | None = None) -> str:
        stats = stats or assistant.stats()
        languages = ", ".join(f"{k} ({v})" for k, v in sorted(stats["languages"].items())) or "—"
        return t(lang, "settings.index_info", index=public_path(stats["index"]), model=stats["embedding_model"],
                 articles=stats["articles"], chunks=stats["chunks"], languages=languages)

    with gr.Blocks(title=t("en", "app.title"), analytics_enabled=False, delete_cache=UPLOAD_SWEEP) as demo:
        conversation = gr.State(Conversation())
        with gr.Row(elem_id="app-header", equal_height=True):
            with gr.Column(scale=5):
                header = gr.HTML(_header_html("en"), elem_id="app-title")
            with gr.Column(scale=2, min_width=220):
                # labelled though the label is not shown: it is the group's name for a screen reader
                lang = gr.Radio([("English", "en"), ("Français", "fr")], value="en", label=t("en", "app.language"),
                                show_label=False, container=False, elem_id="lang-toggle")
                # The language the user chose, kept by the browser: a reload or a later visit keeps it.
                chosen_lang = gr.BrowserState(None, storage_key="news-assistant-language",
                                              secret="news-assistant-language")
                i18n.bind(lang, label="app.language")
                stats = gr.Markdown(stats_line("en"), elem_id="app-stats")
                i18n.bind(stats, value=stats_line)
                reranker = assistant.reranker
                if reranker is not None:
                    # Its model may take a minute to prepare (serve() starts that): the page says so.
                    reranker_status = gr.HTML(status_html(reranker, "en"), elem_id="reranker-status")
                    i18n.bind(reranker_status, value=lambda lang: status_html(reranker, lang))
                    reranker_timer = gr.Timer(RERANKER_POLL, active=not reranker.readiness().settled)

        # "wrap": on a phone Gradio's default hid Search and Settings behind a "⋯" button that a reader had no
        # reason to open, so the Search tab was never found.
        with gr.Tabs(elem_id="tabs", overflow_behavior="wrap"):
            with gr.Tab(t("en", "tab.chat"), id="chat", elem_id="tab-chat") as chat_tab:
                i18n.bind(chat_tab, label="tab.chat")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            label=t("en", "chat.label"), elem_id="chatbot", height=560, show_label=False,
                            placeholder=placeholder("en"), examples=example_questions(assistant),
                            buttons=["copy", "copy_all"], feedback_options=None, layout="bubble",
                            latex_delimiters=[],
                        )
                        i18n.bind(chatbot, label="chat.label", placeholder=placeholder)
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                label=t("en", "question.label"), show_label=False,
                                placeholder=t("en", "question.placeholder"), lines=1, max_lines=4, scale=6,
                                elem_id="question", container=False,  # focused on a wide screen: AUTOFOCUS_JS
                            )  # no max_length: the browser would count an emoji as two (see assets.QUESTION_LIMIT_JS)
                            i18n.bind(question, placeholder="question.placeholder", label="question.label")
                            send = gr.Button(t("en", "send"), variant="primary", scale=1, min_width=90,
                                             elem_id="send")
                            i18n.bind(send, value="send")
                        # keeps the box to its limit and says what it cut (see assets.QUESTION_LIMIT_JS)
                        limit = settings.max_question_chars
                        question_limit = gr.HTML(question_limit_html("en", limit), elem_id="question-limit",
                                                 js_on_load=assets.QUESTION_LIMIT_JS)
                        i18n.bind(question_limit, value=lambda lang: question_limit_html(lang, limit))
                        question.change(None, None, None, js=assets.QUESTION_CHANGED_JS)
                        with gr.Row(equal_height=True):
                            new_chat = gr.Button(t("en", "new_chat"), size="sm", variant="secondary",
                                                 elem_id="new-chat")
                            i18n.bind(new_chat, value="new_chat")
                            # The questions and cited answers as a Markdown file: a journalist's notes.
                            download = gr.DownloadButton(t("en", "export.button"), size="sm", variant="secondary",
                                                         visible=False, elem_id="download-chat")
                            i18n.bind(download, label="export.button")
                    with gr.Column(scale=2, min_width=340, elem_id="side"):
                        sources_title = gr.Markdown(f"## {t('en', 'sources.title')}", elem_id="sources-title")
                        i18n.bind(sources_title, value=lambda lang: f"## {t(lang, 'sources.title')}")
                        sources = gr.HTML(sources_html(None, None, "en"), elem_id="sources",
                                          js_on_load=assets.SOURCES_JS, max_height=620)
                        filters = gr.State({})
                        ui = UI(assistant=assistant, answerers=pool, uploads=uploads, i18n=i18n, lang=lang,
                                conversation=conversation, chatbot=chatbot, sources=sources, filters=filters)
                        for panel in (p for p in panels if p.place == "side"):
                            if panel.title:
                                heading = gr.Markdown(f"## {t('en', panel.title)}", elem_classes=["side-heading"])
                                i18n.bind(heading, value=lambda lang, key=panel.title: f"## {t(lang, key)}")
                            panel.build(ui)

            with gr.Tab(t("en", "tab.library"), id="library", elem_id="tab-library") as library_tab:
                i18n.bind(library_tab, label="tab.library")
                with gr.Row(equal_height=False):
                    # The table gets the room: its titles wrap in it, the upload box needs little.
                    with gr.Column(scale=1, min_width=300):
                        # No file_types: Gradio would refuse a whole batch for one file of another type (an
                        # English toast, "Error" in the box); UploadStore refuses that file alone, with its reason.
                        files = gr.File(
                            label=t("en", "library.upload", mb=settings.upload_max_mb, text=settings.max_text_mb),
                            file_count="multiple", type="filepath", elem_id="upload",
                        )
                        i18n.bind(files, label=lambda lang: t(lang, "library.upload", mb=settings.upload_max_mb,
                                                              text=settings.max_text_mb))
                        replace = gr.Checkbox(value=True, label=t("en", "library.replace"), elem_id="replace-uploads")
                        i18n.bind(replace, label="library.replace")
                        index_button = gr.Button(t("en", "library.index"), variant="primary", elem_id="index-button")
                        i18n.bind(index_button, value="library.index")
                        upload_report = gr.Markdown("", elem_id="upload-report")
                    with gr.Column(scale=2, min_width=420):
                        # The first LIBRARY_PAGE articles only: the search finds the others (every row and
                        # choice went to each page, 600 kB at 2,500 articles).
                        first = list_library(assistant, uploads)
                        with gr.Row(equal_height=True):
                            library_search = gr.Textbox(label=t("en", "library.search"),
                                                        placeholder=t("en", "library.search_placeholder"),
                                                        elem_id="library-search", max_lines=1, scale=3, min_width=240)
                            i18n.bind(library_search, label="library.search",
                                      placeholder="library.search_placeholder")
                            library_order = gr.Dropdown(choices=order_choices("en"), value="indexed",
                                                        label=t("en", "library.order"), elem_id="library-order",
                                                        scale=1, min_width=170)
                            i18n.bind(library_order, label="library.order", choices=order_choices)
                        articles_table = gr.Dataframe(
                            value={"headers": table_headers("en"), "data": first.rows},
                            label=t("en", "library.articles"), interactive=False, wrap=True,
                            elem_id="articles", column_widths=COLUMN_WIDTHS,
                        )
                        library_note = gr.Markdown(listing_note(first, "", "en"), elem_id="library-note")
                        # Browsing an archive page by page, newest first: a search was the only way past the first.
                        more_button = gr.Button(t("en", "library.show_more", count=LIBRARY_PAGE), size="sm",
                                                visible=first.total > len(first.ids), elem_id="library-more")
                        i18n.bind(more_button, value=lambda lang: t(lang, "library.show_more", count=LIBRARY_PAGE))
                        with gr.Row(equal_height=True):
                            to_remove = gr.Dropdown(choices=first.choices, value=None,
                                                    label=t("en", "library.remove_choice"), scale=4,
                                                    min_width=260, elem_id="remove-choice")  # a phone: own row
                            remove_button = gr.Button(t("en", "library.remove"), variant="stop", scale=1,
                                                      min_width=140, elem_id="remove-button")
                            i18n.bind(remove_button, value="library.remove")
                        # Remove only asks: a wrong row picked cost the article. Hidden until asked.
                        with gr.Column(visible=False, elem_id="remove-confirm") as remove_confirm:
                            remove_question = gr.Markdown("", elem_id="remove-question")
                            with gr.Row():
                                confirm_button = gr.Button(t("en", "library.remove_confirm"), variant="stop",
                                                           min_width=120, elem_id="remove-confirm-button")
                                i18n.bind(confirm_button, value="library.remove_confirm")
                                cancel_button = gr.Button(t("en", "library.remove_cancel"), variant="secondary",
                                                          min_width=120, elem_id="remove-cancel")
                                i18n.bind(cancel_button, value="library.remove_cancel")
                        remove_report = gr.Markdown("", elem_id="remove-report")

            for panel in (p for p in panels if p.place == "tab"):
                with gr.Tab(t("en", panel.title or panel.key), id=panel.key) as panel_tab:
                    i18n.bind(panel_tab, label=panel.title or panel.key)
                    panel.build(ui)

            with gr.Tab(t("en", "tab.settings"), id="settings", elem_id="tab-settings") as settings_tab:
                i18n.bind(settings_tab, label="tab.settings")
                with gr.Column():
                    k = gr.Slider(1, 20, value=settings.k, step=1, label=t("en", "settings.k"),
                                  info=t("en", "settings.k_info"), elem_id="k")
                    i18n.bind(k, label="settings.k", info="settings.k_info")
                    answerer = gr.Dropdown(choices=answerer_choices("en"), value=pool.default,
                                           label=t("en", "settings.answerer"), info=t("en", "settings.answerer_info"),
                                           elem_id="answerer")
                    i18n.bind(answerer, label="settings.answerer", info="settings.answerer_info",
                              choices=answerer_choices)
                    # The answerers that cannot work here are not offered (picking one only warned and snapped
                    # back): this line says they exist and what enables them.
                    missing_md = gr.Markdown(answerers_missing("en"), elem_id="answerer-missing")
                    i18n.bind(missing_md, value=answerers_missing)
                    index_md = gr.Markdown(index_info("en"), elem_id="index-info")
                    i18n.bind(index_md, value=index_info)

        # -- chat
        def respond(text: str, conv: Conversation, k_value: float, answerer_name: str, lang_value: str,
                    filters_value: dict | None = None):
            lang_value = normalize(lang_value)
            text = (text or "").strip()
            if not text:
                # Said, not ignored (spaces sent did nothing at all); not after a question just sent, whose box
                # was emptied before a second Enter.
                if not conv.just_sent(REPEAT_WINDOW):
                    warn(lang_value, t(lang_value, "error.empty"))
                yield "", gr.skip(), gr.skip(), gr.skip()
                return
            try:
                text = assistant.check_question(text)
            except QuestionError as error:
                warn(lang_value, t(lang_value, "error.question", reason=question_reason(error, lang_value)))
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            try:
                chosen = pool.get(answerer_name)
            except Exception as error:  # a backend that cannot start must not make the chat unusable
                warn(lang_value, t(lang_value, "settings.unavailable",
                                   name=answerer_label(answerer_name, lang_value), reason=public_error(error)))
                chosen = assistant
            with conv.sending:
                # A double click on Send, or Enter pressed twice, sends the question twice: the second is
                # dropped (a different question sent meanwhile still waits its turn).
                repeated = conv.repeats(text, REPEAT_WINDOW)
                busy = not repeated and sum(turn.answer is None for turn in conv.turns) >= MAX_WAITING
                if not (repeated or busy):
                    turn = len(conv.turns)
                    conv.turns.append(Turn(text))
            if repeated or busy:
                if busy:  # each waiting question holds one of the answer slots that all sessions share
                    warn(lang_value, t(lang_value, "error.busy"))
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            yield "", messages(conv, lang_value), conv, sources_html(None, None, lang_value, pending=True)
            asked = time.monotonic()
            # Held until the answer is shown: Gradio sends a step's outputs before it asks for the next one, so
            # the question queued behind this one is answered, and shown, after it. Released before, a quick
            # second answer could be sent first and then be overwritten by this one's chat and sources.
            with conv.answering:
                answer = yield from stream_turn(chosen, conv, turn, text, int(k_value), answerer_name,
                                                lang_value, filters_value or None)
                conv.turns[turn].answer = answer
                done = conv.turns[turn]
                # A failure says why, which names the Chroma server or the folder at fault.
                log.log(logging.WARNING if done.failed else logging.INFO, "%s in %.2f s%s",
                        question_outcome(answer, done.failed), time.monotonic() - asked,
                        f": {done.reason}" if done.reason else "")
                conv.shown, conv.active, conv.article = turn, None, False
                # The box is left alone: it may hold the next question, typed while this one was answered.
                yield gr.skip(), messages(conv, lang_value), conv, _panel_sources(assistant, conv, lang_value)

        def stream_turn(chosen: Any, conv: Conversation, turn: int, text: str, k_value: int, answerer_name: str,
                        lang_value: str, filters_value: dict | None):
            """Yields the chat as the answer streams in under its question; returns the ``Answer``, a failed one
            (its reason said) whatever went wrong: an error let out left the page's bare "Error" and this turn
            unanswered, which held one of the conversation's slots until the page was reloaded."""
            partial = ""
            try:
                # The index is read here already (how many passages it holds): a Chroma server down fails here.
                early = (nothing_indexed(assistant, text, lang_value, answerer_name or pool.default)
                         or other_script(text, lang_value, answerer_name or pool.default))
                if early is not None:
                    return early
                for piece in chosen.stream(text, k=k_value, history=conv.history(before=turn),
                                             filters=filters_value):
                    if isinstance(piece, Answer):
                        return piece
                    partial += piece
                    yield gr.skip(), messages(conv, lang_value, partial, turn), gr.skip(), gr.skip()
            except Exception as error:
                # A store that cannot answer (a Chroma server down, a disk full) is said by its message alone, on
                # the question's line: thirty colleagues asking while the server restarted logged thirty
                # tracebacks. Anything else is logged whole. Never the question: it may be confidential.
                if not isinstance(error, StoreError):
                    log.exception("answering a question failed")
                conv.turns[turn].failed = True
                conv.turns[turn].reason = " ".join(str(error).split())
                return Answer(text=t(lang_value, "error.failed", reason=public_error(error)), question=text,
                              answered=False,
                              answerer=answerer_name or pool.default)
            return Answer(text=partial.strip(), question=text, answerer=answerer_name or pool.default)

        chat_outputs = [question, chatbot, conversation, sources]
        chat_inputs = [question, conversation, k, answerer, lang, filters]
        answered = [
            # "multiple": a question sent while another is answered is queued behind it, not dropped.
            question.submit(respond, chat_inputs, chat_outputs, concurrency_limit=ANSWER_CONCURRENCY,
                            concurrency_id="answer", api_name="ask", show_progress="minimal",
                            trigger_mode="multiple"),
            send.click(respond, chat_inputs, chat_outputs, concurrency_limit=ANSWER_CONCURRENCY,
                       concurrency_id="answer", api_visibility="private", show_progress="minimal",
                       trigger_mode="multiple"),
            chatbot.example_select(_example_text, None, question, api_visibility="private").then(
                respond, chat_inputs, chat_outputs, concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer",
                api_visibility="private", show_progress="minimal"),
        ]

        def offer_download(conv: Conversation, lang_value: str):
            path = conversation_file(conv, normalize(lang_value))
            return gr.update(value=path, visible=path is not None)

        for event in answered:
            chain_hooks(event, ui.answer_hooks)
            event.then(offer_download, [conversation, lang], [download], api_visibility="private",
                       concurrency_limit=None, **NO_PROGRESS)

        def show_turn(conv: Conversation, lang_value: str, evt: gr.SelectData):
            index = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else 0)
            turn = min(int(index) // 2, len(conv.turns) - 1)
            if conv.answer(turn) is None:
                return gr.skip(), gr.skip()
            conv.shown, conv.active, conv.article = turn, None, False
            return conv, _panel_sources(assistant, conv, normalize(lang_value))

        chatbot.select(show_turn, [conversation, lang], [conversation, sources], api_visibility="private",
                       concurrency_limit=None)

        def on_source_event(conv: Conversation, lang_value: str, evt: gr.EventData):
            lang_value = normalize(lang_value)
            data = evt._data if isinstance(evt._data, dict) else {}
            action = data.get("action")
            if action == "back":
                conv.article = False
                return conv, _panel_sources(assistant, conv, lang_value)
            turn, marker = data.get("turn"), data.get("marker")
            answer = conv.answer(turn if isinstance(turn, int) else None)
            if answer is None or not any(c.marker == marker for c in answer.citations):
                return gr.skip(), gr.skip()
            conv.shown, conv.active, conv.article = turn, marker, action == "open"
            return conv, _panel_sources(assistant, conv, lang_value)

        sources.click(on_source_event, [conversation, lang], [conversation, sources], api_visibility="private",
                      concurrency_limit=None)

        def clear(lang_value: str):
            return (Conversation(), [], sources_html(None, None, normalize(lang_value)), "",
                    gr.update(value=None, visible=False))

        for clearing in (new_chat.click, chatbot.clear):
            clearing(clear, [lang], [conversation, chatbot, sources, question, download], api_visibility="private",
                     concurrency_limit=None)

        # -- library
        # What this session's library tab shows (``Listing.as_state()``: rows, choices, their ids, how many match):
        # opening the tab redraws it only if the index changed since (another session, the command line), so a
        # pick in progress is not undone for nothing; a click on a row picks the article of the row shown.
        library_shown = gr.State(None)

        @store_errors_shown
        def library_view(lang_value: str, chosen: str | None = None, query: str | None = "",
                         order: str | None = "indexed", listing: Any = None):
            """The library tab up to date for the search ``query``, in ``order``; the article chosen for removal
            stays chosen while it is listed."""
            lang_value = normalize(lang_value)
            query = query or ""
            # Each article record read once, the numbers once: at each page load this read every record seven
            # times (1.4 s on 2,500 articles).
            articles = assistant.articles()
            listing = listing or list_library(assistant, uploads, query, articles, order=order or "indexed")
            kept = chosen if chosen in listing.ids else None
            stats, examples = assistant.stats(), example_questions(assistant, articles)
            return (gr.update(value={"headers": table_headers(lang_value), "data": listing.rows},
                              label=t(lang_value, "library.articles")),
                    gr.update(choices=listing.choices, value=kept, label=t(lang_value, "library.remove_choice")),
                    stats_line(lang_value, stats), index_info(lang_value, stats),
                    gr.update(placeholder=placeholder(lang_value, stats, examples), examples=examples),
                    listing.as_state(), listing_note(listing, query, lang_value),
                    gr.update(visible=listing.total > len(listing.ids)))

        library_outputs = [articles_table, to_remove, stats, index_md, chatbot, library_shown, library_note,
                           more_button]
        library_inputs = [lang, to_remove, library_search, library_order]

        def shown_count(shown: list | None) -> int:
            """How many rows the table shows now (``Listing.as_state``): at least a page."""
            return max(LIBRARY_PAGE, len(shown[2])) if shown else LIBRARY_PAGE

        def kept_listing(query: str | None, order: str | None, shown: list | None) -> Any:
            """The listing for ``query`` up to date, as many rows as shown now (after "Show more")."""
            return list_library(assistant, uploads, query or "", limit=shown_count(shown), order=order or "indexed")

        @store_errors_shown
        def open_library(lang_value: str, chosen: str | None, query: str | None, order: str | None,
                         shown: list | None):
            sweep_removed_uploads()
            listing = kept_listing(query, order, shown)
            if listing.as_state() == shown:
                return (gr.skip(),) * len(library_outputs)
            return library_view(lang_value, chosen, query, order, listing)

        @store_errors_shown
        def show_more(lang_value: str, chosen: str | None, query: str | None, order: str | None,
                      shown: list | None):
            listing = list_library(assistant, uploads, query or "", limit=shown_count(shown) + LIBRARY_PAGE,
                                   order=order or "indexed")
            return library_view(lang_value, chosen, query, order, listing)

        more_button.click(show_more, [*library_inputs, library_shown], library_outputs, api_visibility="private",
                          concurrency_limit=None, **NO_PROGRESS).then(None, None, None, js=assets.FOCUS_AFTER_MORE_JS)

        @store_errors_shown
        def library_kept(lang_value: str, chosen: str | None, query: str | None, order: str | None,
                         shown: list | None):
            """The library after a removal, as many rows shown as before it."""
            return library_view(lang_value, chosen, query, order, kept_listing(query, order, shown))

        library_tab.select(open_library, [*library_inputs, library_shown], library_outputs,
                           api_visibility="private", concurrency_limit=None, **NO_PROGRESS,
                           trigger_mode="always_last")
        # Each key typed searches again; only the last search still waiting runs.
        # Another order lists the first page again, in it.
        for searching in (library_search.change, library_search.submit, library_order.change):
            searching(library_view, library_inputs, library_outputs, api_visibility="private",
                      concurrency_limit=None, **NO_PROGRESS, trigger_mode="always_last")

        def index_files(paths: list[str] | None, replace_same_name: bool, lang_value: str,
                        progress=gr.Progress()):  # noqa: B008 (how Gradio asks for a bar)
            lang_value = normalize(lang_value)
            if not paths:
                return t(lang_value, "library.nothing"), gr.skip()
            progress(0, desc=t(lang_value, "library.saving"))
            saved: list[Upload] = uploads.save_all(paths, lang_value, replace=bool(replace_same_name))
            # Nothing reports progress until the first file's passages are embedded: the first upload after a start
            # loads the models first (22 s on two cores), under "Saving the uploads - 0.0%", which read as stuck.
            progress(0, desc=t(lang_value, "library.preparing"))

            # The bar counts files written, and moves between two as the passages of the next ones are embedded
            # (nearly all the time, in rounds of one or several files): a large article kept it at 0.0% for a
            # minute. The embedding's share is the next file's, less a tenth left to its writing; the bar never
            # goes back.
            files = {"written": 0, "total": max(1, sum(u.stored is not None for u in saved)), "shown": 0.0}

            def show(fraction: float, desc: str) -> None:
                files["shown"] = max(files["shown"], min(fraction, 1.0))
                progress(files["shown"], desc=desc)

            def report_progress(done: int, total: int, source: str) -> None:
                files.update(written=done - 1, total=total)
                show((done - 1) / total, t(lang_value, "library.indexing", name=source.rsplit("/", 1)[-1], n=done,
                                           total=total))

            def report_embedding(done: int, total: int, source: str) -> None:
                share = 0.9 * min(done / total, 1.0) if total else 0.0
                show((files["written"] + share) / files["total"],
                     t(lang_value, "library.embedding", done=done, total=total))

            try:
                report = index_uploads(assistant, saved, report_progress, report_embedding)
                uploads.settle(saved, report)
            except IndexBusyError:
                uploads.restore_replaced(saved)
                return t(lang_value, "library.busy"), gr.skip()
            except Exception as error:  # the index busy or broken: say so, keep the page alive
                if isinstance(error, StoreError):  # a Chroma server down, a disk full: its message says it all
                    log.warning("upload of %d file(s) failed: %s", len(saved), " ".join(str(error).split()))
                else:
                    log.exception("indexing uploads failed")
                uploads.restore_replaced(saved)
                return (f"**{t(lang_value, 'report.failed')}**{t(lang_value, 'punct.colon')}"
                        f"{inline_markdown(public_error(error))}", gr.skip())
            progress(1.0)
            # The operator's line for each upload, as for each question: what it did, not the files' names.
            log.info("upload of %d file(s): %s", len(saved), report.summary().splitlines()[0])
            discard_browser_copies(paths)
            purged = purge_if_asked(lang_value) if report.updated else ""  # the earlier versions' text
            return report_markdown(saved, report, lang_value) + purged, None

        # The last run's report would read as this run's under the bar: it goes as the run starts.
        index_button.click(lambda: "", None, [upload_report], queue=False, api_visibility="private")
        index_event = index_button.click(index_files, [files, replace, lang], [upload_report, files],
                                         concurrency_limit=1, concurrency_id="library", api_name="index",
                                         show_progress="full")
        def after_upload(lang_value: str, chosen: str | None):
            """The latest articles, the new ones first: a search left as typed, or another order, hid the articles
            just uploaded."""
            return (*library_view(lang_value, chosen), "", "indexed")

        index_done = index_event.then(after_upload, [lang, to_remove],
                                      [*library_outputs, library_search, library_order], api_visibility="private")
        chain_hooks(index_done, ui.library_hooks)

        # The article the confirmation asks about, {"id", "title", "file"}: only it is removed by the confirm,
        # whatever the list shows by then (the user may have picked another meanwhile).
        pending_removal = gr.State(None)
        hidden = (gr.update(visible=False), None)

        def removal_question(pending: dict | None, lang_value: str) -> str:
            if not pending:
                return ""
            return t(lang_value, "library.remove_ask", title=inline_markdown(pending["title"]),
                     file=inline_markdown(pending["file"]))

        @store_errors_shown
        def ask_removal(doc_id: str | None, shown: list | None, lang_value: str, query: str | None = "",
                        order: str | None = "indexed"):
            lang_value = normalize(lang_value)
            nothing = (gr.skip(),) * len(library_outputs)
            if not doc_id:
                return (*hidden, "", t(lang_value, "library.remove_none"), *nothing)
            article = find_article(assistant, doc_id)
            if article is None:  # another session (or the command line) removed it since this page listed it
                label = next((label for label, value in (shown or [[], []])[1] if value == doc_id), doc_id)
                return (*hidden, "", t(lang_value, "library.already_removed", title=inline_markdown(label)),
                        *library_view(lang_value, doc_id, query, order))
            pending = {"id": article.doc_id, "title": article.title, "file": display_source(article, uploads)}
            return (gr.update(visible=True), pending, removal_question(pending, lang_value), "", *nothing)

        remove_button.click(
            ask_removal, [to_remove, library_shown, lang, library_search, library_order],
            [remove_confirm, pending_removal, remove_question, remove_report, *library_outputs],
            api_visibility="private", concurrency_limit=None, **NO_PROGRESS,
        ).then(None, None, None, js=assets.FOCUS_CANCEL_JS)
        cancel_button.click(lambda: hidden, None, [remove_confirm, pending_removal], api_visibility="private",
                            queue=False).then(None, None, None, js=assets.FOCUS_REMOVE_JS)
        # Another pick withdraws the question: the new article is removed only once asked about in turn.
        to_remove.change(lambda: hidden, None, [remove_confirm, pending_removal], api_visibility="private",
                         queue=False)

        @store_errors_shown
        def remove_selected(doc_id: str | None, lang_value: str, title: str | None = None) -> str:
            """Remove the article ``doc_id`` (as the removal list gives it) and say what became of it."""
            lang_value = normalize(lang_value)
            if not doc_id:
                return t(lang_value, "library.remove_none")
            article = find_article(assistant, doc_id)
            if article is None:  # another session (or the command line) removed it since this page listed it
                return t(lang_value, "library.already_removed", title=inline_markdown(title or doc_id))
            try:
                report = remove_article(assistant, uploads, article)
            except IndexBusyError:
                return t(lang_value, "library.busy")
            except Exception as error:
                if isinstance(error, StoreError):
                    log.warning("removing article %s failed: %s", article.doc_id, " ".join(str(error).split()))
                else:
                    log.exception("removing article %s failed", article.doc_id)
                return (f"**{t(lang_value, 'report.failed')}**{t(lang_value, 'punct.colon')}"
                        f"{inline_markdown(public_error(error))}")
            if not report.removed and find_article(assistant, doc_id) is None:  # removed meanwhile, elsewhere
                return t(lang_value, "library.already_removed", title=inline_markdown(article.title))
            if report.failed:
                reasons = "; ".join(inline_markdown(public_error(reason_text(reason, lang_value)))
                                    for reason in report.failed.values())
                return f"**{t(lang_value, 'report.failed')}**{t(lang_value, 'punct.colon')}{reasons}"
            log.info("article %s removed", article.doc_id)
            # Named by its file too: an upload and its copy may share a title.
            return t(lang_value, "library.removed", title=inline_markdown(article.title),
                     file=inline_markdown(Path(article.source).name)) + purge_if_asked(lang_value)

        def confirm_removal(pending: dict | None, lang_value: str):
            if not pending:  # withdrawn meanwhile (another pick): nothing was confirmed
                return gr.skip(), *hidden
            return remove_selected(pending["id"], lang_value, pending["title"]), *hidden

        remove_event = confirm_button.click(confirm_removal, [pending_removal, lang],
                                            [remove_report, remove_confirm, pending_removal], concurrency_limit=1,
                                            concurrency_id="library", api_visibility="private")
        remove_done = remove_event.then(library_kept, [*library_inputs, library_shown], library_outputs,
                                        api_visibility="private")
        # The confirmation hides with the focus in it, which fell to the page's start: back to Remove, as Cancel.
        remove_done.then(None, None, None, js=assets.FOCUS_REMOVE_JS)
        chain_hooks(remove_done, ui.library_hooks)

        def remove(doc_id: str, lang: str = "en") -> str:
            """Remove an indexed article by its id (the page's list gives it); the page asks first, a client
            calling this has decided."""
            return remove_selected(doc_id, lang)

        gr.api(remove, api_name="remove", concurrency_limit=1, concurrency_id="library")

        def pick_row(shown: list | None, evt: gr.SelectData):
            # The row of the table as shown (a search, the first page): the whole library's row of that
            # number was another article.
            row = evt.index[0] if isinstance(evt.index, list | tuple) else None
            ids = shown[2] if shown else []
            if row is None or not 0 <= row < len(ids):
                return gr.skip()
            return gr.update(value=ids[row])

        articles_table.select(pick_row, library_shown, to_remove, api_visibility="private", concurrency_limit=None)

        # -- settings
        def choose_answerer(name: str, lang_value: str):
            if name == pool.default:
                return gr.skip()
            try:
                pool.get(name)
            except Exception as error:  # the backend cannot start: say why, and keep answering as before
                lang_value = normalize(lang_value)
                warn(lang_value, t(lang_value, "settings.unavailable", name=answerer_label(name, lang_value),
                                   reason=public_error(error)))
                return gr.update(value=pool.default)
            return gr.skip()

        answerer.change(choose_answerer, [answerer, lang], [answerer], api_visibility="private",
                        concurrency_limit=1, concurrency_id="answerer")

        # -- language: the browser's first, then the toggle
        def detect_language(chosen: str | None, request: gr.Request):
            if chosen in ("en", "fr"):
                return chosen
            headers = getattr(request, "headers", None) or {}
            return browser_language(headers.get("accept-language"))

        def relabel(lang_value: str, conv: Conversation, chosen: str | None, pending: dict | None = None,
                    query: str = "", order: str | None = "indexed", shown: list | None = None):
            lang_value = normalize(lang_value)
            table, choice, *_, shown, note, _more = library_view(lang_value, chosen, query, order,
                                                                 kept_listing(query, order, shown))
            return [*i18n.updates(lang_value), _header_html(lang_value), _panel_sources(assistant, conv, lang_value),
                    table, choice, shown, note, removal_question(pending, lang_value)]

        language_event = lang.change(relabel, [lang, conversation, to_remove, pending_removal, library_search,
                                               library_order, library_shown],
                                     [*i18n.components, header, sources, articles_table, to_remove, library_shown,
                                      library_note, remove_question],
                                     api_visibility="private", concurrency_limit=None, **NO_PROGRESS)
        chain_hooks(language_event, ui.language_hooks)
        titles = {code: t(code, "app.title") for code in LANGUAGES}
        lang.change(None, [lang], None, js=assets.document_language_js(titles), api_visibility="private", queue=False)
        lang.input(lambda value: value, lang, chosen_lang, api_visibility="private", queue=False)
        demo.load(detect_language, chosen_lang, lang, api_visibility="private", **NO_PROGRESS)
        demo.load(None, None, None, js=assets.AUTOFOCUS_JS)
        demo.load(None, None, None, js=assets.ANNOUNCER_JS)
        demo.load(None, None, None, js=assets.UPLOAD_ENTER_JS)
        demo.load(None, None, None, js=assets.toast_title_js({code: t(code, "toast.warning") for code in LANGUAGES}))
        # the library may have changed since the page was built (another session, the command line):
        # the library tab and the panels that follow it (entities) are brought up to date at each load
        library_load = demo.load(library_view, library_inputs, library_outputs, api_visibility="private",
                                 **NO_PROGRESS)
        chain_hooks(library_load, ui.library_hooks)

        if reranker is not None:
            def follow_reranker(lang_value: str):
                """The reranker's line now, and the timer kept on until the preparation is over."""
                return (status_html(reranker, normalize(lang_value)),
                        gr.Timer(active=not reranker.readiness().settled))

            for follow in (reranker_timer.tick, demo.load):  # a page opened later starts from the current state
                follow(follow_reranker, [lang], [reranker_status, reranker_timer], api_visibility="private",
                       concurrency_limit=None, **NO_PROGRESS)
    return demo


def example_questions(assistant: Assistant, articles: Sequence[Any] | None = None) -> list[dict[str, str]]:
    """The start screen's example questions, offered while the article they ask about (the bundled sample) is
    indexed: on an empty index, or another collection, they were offered and then refused."""
    articles = assistant.articles() if articles is None else articles
    if not any(Path(article.source).name == SAMPLE_NAME for article in articles):
        return []
    return [{"text": question} for question in EXAMPLES]


def nothing_indexed(assistant: Assistant, question: str, lang: str, answerer: str) -> Answer | None:
    """The reply to a question asked of an empty index, in the page's words: the API's names the index folder
    and the commands that fill it, which a reader of the page has no use for (the Library tab is the way)."""
    if assistant.store.count_chunks():
        return None
    return Answer(text=t(lang, "chat.no_articles"), question=question, answered=False, answerer=answerer)


def other_script(question: str, lang: str, answerer: str) -> Answer | None:
    """The reply to a question in another script (Chinese, Russian...), in the page's language: the API's
    is English, which a reader who chose French would not expect."""
    if in_latin_script(question):
        return None
    return Answer(text=other_script_text(lang), question=question, answered=False, answerer=answerer)


def _example_text(evt: gr.SelectData) -> str:
    value = evt.value if isinstance(evt.value, dict) else {}
    return str(value.get("text", ""))


def _header_html(lang: str) -> str:
    return f"<h1>{t(lang, 'app.title')}</h1><p class='tagline'>{t(lang, 'app.tagline')}</p>"


def discard_browser_copies(paths: Sequence[str]) -> None:
    """Delete Gradio's own copy of each upload (``<its temporary folder>/<hash>/<name>``) once it is stored
    in the uploads folder and indexed: Gradio serves that copy to whoever has its link, and kept it after the
    article was removed from the index. Only files in Gradio's folder are touched."""
    folder = Path(gr.utils.get_upload_folder()).resolve()
    for path in paths or []:
        try:
            temp = Path(path).resolve()
            if temp.parent.parent != folder or not temp.is_file():
                continue
            temp.unlink()
            temp.parent.rmdir()  # its hash's folder, when nothing else is in it
        except OSError:
            continue


def question_outcome(answer: Answer, failed: bool) -> str:
    """How the server's log says what became of a question, without its text (it may be confidential)."""
    if failed:
        return f"question failed ({answer.answerer})"
    if not answer.answered:
        return f"question refused ({answer.answerer})"
    count = len(answer.citations)
    return f"question answered ({answer.answerer}, {count} citation{'' if count == 1 else 's'})"


class SameOriginOnly:
    """ASGI middleware: refuses what another site's page makes a browser send here. Gradio answers any origin,
    with credentials, on a server not reached as localhost: a page on another site that a logged-in journalist
    opened could read the library and the answers through the API, upload, and remove articles. The browser
    says where a request comes from (``Sec-Fetch-Site``, whatever proxy stands between): one from another site
    is refused unless it opens the page (a link followed). Clients that are no browser (the API's, curl) send
    no such header and need the login as before."""

    SAFE_METHODS = ("GET", "HEAD")

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and self.foreign(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            from starlette.responses import PlainTextResponse

            await PlainTextResponse("Refused: a request from another site.", status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def foreign(self, scope: dict) -> bool:
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        site = headers.get(b"sec-fetch-site", b"").decode("latin-1").strip().lower()
        if site not in ("cross-site", "same-site"):  # same-origin, none (typed, a bookmark), or not a browser
            return False
        mode = headers.get(b"sec-fetch-mode", b"").decode("latin-1").strip().lower()
        return not (scope["type"] == "http" and mode == "navigate" and scope.get("method") in self.SAFE_METHODS)


class HealthCheck:
    """ASGI middleware: ``GET /health`` answers an operator's ``curl``, a load balancer or a container's check,
    without the login (it tells no more than a count): 200 ``{"status": "ok", "articles": N}`` while the index
    can be read, 503 ``{"status": "error", "error": ...}`` when it cannot (a Chroma server gone, a disk full)
    or does not answer within ``ASSISTANT_HEALTH_TIMEOUT``.

    One check runs at a time, in its own thread, and checks that arrive meanwhile wait for its result: against
    a Chroma server that accepts and never answers, each check held one of the server's worker threads for the
    whole Chroma timeout (60 s), and a load balancer asking every 2 s took the threads the page needs."""

    PATH = "/health"

    def __init__(self, app: Any, assistant: Assistant) -> None:
        self.app = app
        self.assistant = assistant
        self.timeout = assistant.settings.health_timeout
        self._lock = threading.Lock()
        self._running: concurrent.futures.Future[tuple[int, dict[str, Any]]] | None = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != self.PATH or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        from starlette.responses import JSONResponse

        status, body = await self.check()
        await JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})(scope, receive, send)

    async def check(self) -> tuple[int, dict[str, Any]]:
        """The running check's result, or 503 when it takes longer than the timeout (it goes on, and the next
        request waits for it rather than starting another)."""
        import asyncio

        with self._lock:
            if self._running is None or self._running.done():
                self._running = concurrent.futures.Future()
                threading.Thread(target=self._run, args=(self._running,), name="health-check", daemon=True).start()
            running = self._running
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(running)), self.timeout)
        except TimeoutError:
            return unanswered(self.assistant, self.timeout)

    def _run(self, future: concurrent.futures.Future[tuple[int, dict[str, Any]]]) -> None:
        try:
            future.set_result(health(self.assistant))
        except BaseException as error:  # health() catches the store's errors; this is whatever else broke
            future.set_exception(error)


# The assistants whose last health check failed: the log says when the index stops answering and when it
# answers again, not at each check (a load balancer asks every few seconds: a line each, all through an outage).
_FAILING: weakref.WeakKeyDictionary[Assistant, str] = weakref.WeakKeyDictionary()


def failing(assistant: Assistant, reason: str) -> None:
    if _FAILING.get(assistant) != reason:
        log.warning("health check: the index cannot be read: %s", reason)
        _FAILING[assistant] = reason


def unanswered(assistant: Assistant, timeout: float) -> tuple[int, dict[str, Any]]:
    reason = f"the index did not answer within {timeout:g} s (ASSISTANT_HEALTH_TIMEOUT)"
    failing(assistant, reason)
    return 503, {"status": "error", "error": reason}


def health(assistant: Assistant) -> tuple[int, dict[str, Any]]:
    """``/health``'s status and body: whether the index answers, and how many articles it holds."""
    try:
        # The generation too: it is what every question reads first, and it refuses an index that another
        # embedding model took over since (the count alone said "ok" of an app that refused every question).
        assistant.store.generation()
        articles = assistant.store.count_articles()
    except Exception as error:  # whatever stops the index answering is what the check is for
        failing(assistant, " ".join(str(error).split()))
        return 503, {"status": "error", "error": public_error(error)}
    if _FAILING.pop(assistant, None) is not None:
        log.info("health check: the index answers again, %d article(s)", articles)
    return 200, {"status": "ok", "articles": articles}


LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def loopback(host: str) -> bool:
    """Whether ``host`` only listens for this machine (127.0.0.1, ::1, localhost)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() in LOOPBACK_NAMES


def login(settings: Any) -> tuple[str, str] | None:
    """The page's login (user, password), or None. One of the two set without the other is refused: the page
    silently had no login at all."""
    user = settings.auth_user or ""
    password = settings.auth_password.get_secret_value() if settings.auth_password else ""
    if bool(user) != bool(password):
        given, missing = (("ASSISTANT_AUTH_USER", "ASSISTANT_AUTH_PASSWORD") if user
                          else ("ASSISTANT_AUTH_PASSWORD", "ASSISTANT_AUTH_USER"))
        raise SettingsError(f"{given} is set but {missing} is not: the web app would ask for no login. "
                            "Set both (or neither, for no login)")
    return (user, password) if user else None


def launch_options(assistant: Assistant) -> dict[str, Any]:
    """``launch()`` arguments from the settings: loopback by default, optional login, upload size limit."""
    settings = assistant.settings
    auth = login(settings)
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": auth,
        # Gradio refuses a whole batch over its limit; the per-file limit (upload_max_mb) is checked when
        # indexing so that one big file fails alone. This cap only guards the server against abuse.
        "max_file_size": int(settings.upload_max_mb * UPLOAD_HARD_CAP * 1e6),
        "css": assets.CSS,
        "theme": theme(),
        "footer_links": ["api"],
        "i18n": gradio_i18n(),
        "app_kwargs": {"middleware": [Middleware(SameOriginOnly), Middleware(HealthCheck, assistant=assistant)]},
        # An error no handler caught is logged on the server, whole; the page says only that it failed (its
        # message may name the server's folders).
        "show_error": False,
        # Gradio's own lines end with "To create a public link, set `share=True` in `launch()`", which a
        # user of `make run` or `assistant serve` cannot act on: ``start`` says where the page is.
        "quiet": True,
    }


def theme() -> gr.themes.Base:
    """Gradio's Soft theme in indigo, its small text darkened to WCAG AA contrast (4.5:1): its secondary text
    (slate 400 on the page's near-white, 2.45:1) and its field labels (indigo 500 on indigo 100, 3.63:1) were
    hard to read; the selected choice of a radio and the primary buttons (Send, Index the files, Search: white on
    indigo 500, 4.47:1) were just under. Its text fields had no edge (white on white, a faint shadow; slate 700 on
    slate 800 in dark mode): they get a border at 3:1 at least (WCAG 1.4.11), indigo while focused."""
    return gr.themes.Soft(
        primary_hue="indigo", neutral_hue="slate",
        # system fonts: the default theme fetches Google Fonts, which an offline machine cannot reach
        font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    ).set(
        body_text_color_subdued="*neutral_600",
        block_label_text_color="*primary_700",
        block_title_text_color="*primary_700",
        checkbox_label_background_fill_selected="*primary_600",
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_hover="*primary_700",
        input_border_width="1px",
        input_border_color="*neutral_500",
        input_border_color_dark="*neutral_400",
        input_border_color_focus="*primary_600",
        input_border_color_focus_dark="*primary_300",
    )


def warm_up(assistant: Assistant) -> None:
    """Build the shared parts before serving: the first question is then as quick as the next, and no two
    requests race to build the same part."""
    assistant.answerer  # noqa: B018
    assistant.answering_chain  # noqa: B018  (what `chain` runs)
    assistant.indexer  # noqa: B018
    assistant.lexical.fresh()
    from ..answering.grounding import known_names
    from ..spelling import known_words

    known_names()
    known_words()  # the words a typo is checked against: 2-3 s to read, at the first question otherwise


def start(assistant: Assistant, panels: Sequence[Panel] | None = None) -> gr.Blocks:
    """Build the page and serve it from other threads; the reranker's model, if one is set, is prepared
    meanwhile, in the background (a minute the first time): the page answers at once. ``close()`` stops it."""
    options = launch_options(assistant)  # a login half set up is refused before anything is loaded or served
    warm_up(assistant)
    prepare_in_background(assistant)
    demo = build_app(assistant, panels)
    try:
        demo.queue(default_concurrency_limit=1).launch(**options, prevent_thread_lock=True)
    except OSError as error:
        # Gradio's "Cannot find empty port ... set the GRADIO_SERVER_PORT environment variable" names a
        # variable it does not read when given a port, as it is here.
        if "Cannot find empty port" not in str(error):
            raise
        raise OSError(f"cannot listen on {options['server_name']}:{options['server_port']}: the port is taken (is "
                      "the assistant already running?) or the address is not this machine's: set ASSISTANT_PORT "
                      "or ASSISTANT_HOST, or `assistant serve --port N`") from None
    if assistant.store.count_articles() == 0:  # a mistyped folder served an empty page, and the log said nothing
        log.warning("no article is indexed in %s: the page says to add some (its Library tab); if it should hold "
                    "some, check ASSISTANT_INDEX_DIR (or ASSISTANT_CHROMA_URL and ASSISTANT_CHROMA_NAMESPACE)",
                    assistant.store.location)
    print(f"The assistant is at {demo.local_url} (Ctrl-C stops it)", flush=True)
    if options["auth"] is None and not loopback(str(options["server_name"])):
        log.warning("the web app listens on %s without a login: anyone who can reach this machine can read, "
                    "upload and remove articles. Set ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD, and serve it "
                    "behind HTTPS (see the README's Web app section)", options["server_name"])
    return demo


def configure_logging() -> None:
    """The server's log on stderr, from INFO: a line per question, the warnings, what failed (traceback whole)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request Gradio makes to itself


def serve(assistant: Assistant, panels: Sequence[Panel] | None = None) -> None:
    """Build the page and serve it until interrupted (Ctrl-C, or SIGTERM from the command line's ``serve``)."""
    configure_logging()  # `assistant serve` logged only warnings, without their level or source
    start(assistant, panels).block_thread()
    assistant.close()


def main() -> None:
    configure_logging()
    for warning in unknown_variables():
        log.warning(warning)
    warnings.simplefilter("ignore", SettingsWarning)  # logged above
    try:
        assistant = Assistant()
        demo = start(assistant)
    except SettingsError as error:
        # As the CLI says it: one line per wrong setting, a URL's password masked (pydantic's own report
        # is a traceback quoting the value as given).
        print("\n".join(f"error: {line}" for line in str(error).splitlines()), file=sys.stderr)
        raise SystemExit(2) from None
    except (StoreError, ValueError, OSError) as error:
        # What stops it starting (an index folder it cannot use, a Chroma server it cannot reach, an answerer
        # without its server, a port taken), as `assistant serve` says it: a traceback hid the one line.
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    stop_on_sigterm()  # systemctl stop, docker stop: the server is closed, and the process exits 0
    demo.block_thread()
    assistant.close()
