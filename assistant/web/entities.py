"""The entities panel of the web app: who and what the articles mention, as filters on the chat.

``build_entities_panel(assistant, filters)`` lays the panel out in the current Gradio container:
the entities grouped by kind with their mention counts; clicking one filters the chat to the articles
that mention it and shows its mentions (the sentence, the name highlighted, with offsets); a date range
filters on the articles' publication dates. The chosen filters live in ``filters``, a ``gr.State``
holding the friendly filter dict that ``Assistant.ask/stream(question, filters=...)`` takes, so the
chat only has to pass that state to the assistant.

``entities_panel()`` wraps it as a ``Panel`` for ``assistant.web.build_app(panels=[...])``.
"""

from __future__ import annotations

import html
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ..entities import DATE, KINDS, ORGANISATION, OTHER, PERSON, PLACE, Entity
from ..entity_answers import merged_names
from ..filters import FilterError, day_number
from .i18n import warn
from .library import matches
from .panels import NO_PROGRESS
from .render import inline_markdown, public_path, store_errors_shown

GROUPS = {
    "en": {PERSON: "People", PLACE: "Places", ORGANISATION: "Organisations", OTHER: "Other names", DATE: "Dates"},
    "fr": {PERSON: "Personnes", PLACE: "Lieux", ORGANISATION: "Organisations", OTHER: "Autres noms", DATE: "Dates"},
}
WORDS = {
    "en": {"title": "Entities", "since": "Published since", "until": "Published until", "apply": "Apply dates",
           "clear": "Clear filters", "refresh": "Refresh", "all": "Chat: all articles.",
           "filtered": "Chat filtered to: {what}.", "mentions": "{n} {mention} in {a} {article}",
           "none": "No entities yet: index some articles.", "empty": "None in the indexed articles.",
           "mentioning": "articles mentioning {name}",
           "date_placeholder": "YYYY, YYYY-MM or YYYY-MM-DD",
           "bad_date": "Not a date: “{value}” (write YYYY, YYYY-MM or YYYY-MM-DD).",
           "bad_range": "Dates the wrong way round: “{since}” is after “{until}”.",
           "filter": "Find a name", "filter_placeholder": "A name, a place… (accents and case ignored)",
           "more": "{shown} of {total} shown, the most mentioned: type a name above to find the others.",
           "no_match": "No name matches “{query}”."},
    "fr": {"title": "Entités", "since": "Publié depuis", "until": "Publié jusqu'au", "apply": "Appliquer les dates",
           "clear": "Effacer les filtres", "refresh": "Actualiser", "all": "Discussion : tous les articles.",
           "filtered": "Discussion filtrée : {what}.", "mentions": "{n} {mention} dans {a} {article}",
           "none": "Aucune entité : indexez d'abord des articles.", "empty": "Aucun dans les articles indexés.",
           "mentioning": "articles citant {name}",
           "date_placeholder": "AAAA, AAAA-MM ou AAAA-MM-JJ",
           "bad_date": "Date invalide : « {value} » (écrire AAAA, AAAA-MM ou AAAA-MM-JJ).",
           "bad_range": "Dates incompatibles : « {since} » est après « {until} ».",
           "filter": "Chercher un nom", "filter_placeholder": "Un nom, un lieu… (accents et majuscules ignorés)",
           "more": "{shown} affichés sur {total}, les plus cités : tapez un nom ci-dessus pour trouver les autres.",
           "no_match": "Aucun nom ne correspond à « {query} »."},
}
PANEL_CSS = """
.entity-mentions { display: flex; flex-direction: column; gap: 6px; max-height: 320px; overflow: auto; }
.entity-mention { border-left: 3px solid var(--color-accent); padding: 2px 8px; font-size: .92em; }
.entity-mention small { color: var(--body-text-color-subdued); font-family: var(--font-mono); }
.entity-mention mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px;
  text-decoration: underline dotted 1px; text-underline-offset: 3px; }  /* not by its colour alone */
"""


@dataclass
class EntitiesPanel:
    """The panel's components; ``filters`` is what the chat passes to ``Assistant.stream``."""

    filters: gr.State
    status: gr.Markdown
    groups: dict[str, gr.Radio]
    mentions: gr.HTML
    since: gr.Textbox
    until: gr.Textbox
    search: gr.Textbox  # the filter box: the groups list the names it matches
    refresh_button: gr.Button
    clear_button: gr.Button
    refresh: Any  # (selected names, filters) -> radios, headings, filters, after articles changed
    refresh_outputs: list[Any]
    refresh_inputs: list[Any]


# Names a group lists at once, the most mentioned first: every name went to each page (1,969 people at 2,500
# articles); the filter box finds the others.
ENTITY_PAGE = 30


def shown_names(entities: list[Entity], query: str | None, limit: int = ENTITY_PAGE) -> tuple[list[Entity], int]:
    """The first ``limit`` entities whose name matches ``query`` (accents and case ignored), and how many match."""
    found = [e for e in entities if matches(query or "", e.label)]
    return found[:limit], len(found)


def more_text(shown: int, total: int, query: str | None, lang: str = "en", indexed: bool = True) -> str:
    """The line under a group: how many names it does not show, that the filter matched none, or that it has
    none (an open group over blank space read as a panel still loading). ``indexed``: whether any group has
    names, so that an empty index is told to add articles."""
    words = WORDS.get(lang, WORDS["en"])
    if not total and (query or "").strip():
        return words["no_match"].format(query=inline_markdown(query.strip()))
    if not total:
        return words["empty"] if indexed else words["none"]
    return words["more"].format(shown=shown, total=total) if total > shown else ""


def choices(entities: list[Entity]) -> list[tuple[str, str]]:
    return [(f"{e.label} ({e.mention_count})", e.key) for e in entities]


# Each assistant's groups as last listed, with the index's generation they were listed at: a key typed in the
# panel's filter box, or the page's language switched, listed every group again (about 2 s at 2,500 articles).
_LISTED: weakref.WeakKeyDictionary[Any, dict[str, tuple[int, list[Entity]]]] = weakref.WeakKeyDictionary()
_LISTED_LOCK = threading.Lock()


def listed(assistant: Any, kind: str) -> list[Entity]:
    """A group's entries: a place named in two languages once ("Espagne (Spain)"), as answers list it. Without
    their mentions' words: those are read for the name picked only (on 2,500 articles, reading every article's
    text took 3 s at each page load and each click). Listed again only once the index has changed."""
    generation = assistant.store.generation()  # bumped by every write, this process's or another's
    with _LISTED_LOCK:
        known = _LISTED.setdefault(assistant, {}).get(kind)
    if known is not None and known[0] == generation:
        return known[1]
    entries = merged_names(assistant.entity_index.entities(kind=kind, with_mentions=False))
    with _LISTED_LOCK:
        _LISTED[assistant][kind] = (generation, entries)
    return entries


def mentions_html(entity: Entity | None, lang: str = "en") -> str:
    if entity is None:
        return ""
    words = WORDS.get(lang, WORDS["en"])
    items = []
    for m in entity.mentions:
        before = m.passage[: m.start - m.passage_start]
        after = m.passage[m.end - m.passage_start :]
        items.append(
            f"<div class='entity-mention' data-start='{m.start}' data-end='{m.end}'>"
            f"{html.escape(before)}<mark>{html.escape(m.text)}</mark>{html.escape(after)}"
            f"<br><small>{html.escape(m.title or public_path(m.source))}</small></div>"
        )
    # In words, each noun in its number ("2 mention(s) dans 1 article(s)" read as a form to fill in); and no
    # "[103:117]" after each title: character offsets meant nothing to a reader (data-start keeps them).
    head = words["mentions"].format(n=entity.mention_count, a=entity.article_count,
                                    mention="mention" if entity.mention_count == 1 else "mentions",
                                    article="article" if entity.article_count == 1 else "articles")
    return (f"<div class='entity-mentions'><b>{html.escape(entity.label)}</b> <span>{head}</span>"
            + "".join(items) + "</div>")


def status_text(filters: dict[str, Any], names: dict[str, str], lang: str = "en",
                titles: dict[str, str] | None = None) -> str:
    """The chat's filters in words: the entity's name, the articles' titles (``titles``: doc id -> title;
    a date picked in the panel filters to the articles that mention it), the dates."""
    words = WORDS.get(lang, WORDS["en"])
    parts = []
    # The line is Markdown: a title's "<b>" or "*...*" is shown as written, as everywhere else on the page.
    if filters.get("entity"):
        name = names.get(filters["entity"], filters["entity"])
        parts.append(words["mentioning"].format(name=inline_markdown(name)))
    if filters.get("source"):
        quoted = "« {} »" if lang == "fr" else "“{}”"
        titles = titles or {}
        parts.append(", ".join(inline_markdown(quoted.format(titles[s]) if s in titles else str(s))
                               for s in filters["source"]))
    if filters.get("since"):
        parts.append(f"≥ {filters['since']}")
    if filters.get("until"):
        parts.append(f"≤ {filters['until']}")
    return words["filtered"].format(what=" · ".join(parts)) if parts else words["all"]


def build_entities_panel(assistant: Any, filters: gr.State | None = None, lang: str = "en",
                         ui: Any = None) -> EntitiesPanel:
    """Lay the panel out in the current container. ``filters``: the chat's filter state (made if None).

    ``ui``: the web app's ``UI``; the panel then speaks the page's language (``ui.lang``) and is
    relabelled when it changes. Without it, it speaks ``lang``.
    """
    words = WORDS.get(lang, WORDS["en"])
    filters = filters if filters is not None else gr.State({})
    page_lang = [ui.lang] if ui is not None else []  # an extra input: the session's interface language

    def speak(lang_value: str | None) -> str:
        return (lang_value if lang_value in WORDS else "en") if ui is not None else lang

    status = gr.Markdown(words["all"], elem_id="entity-filter-status")
    with gr.Row():
        since = gr.Textbox(label=words["since"], placeholder=words["date_placeholder"], elem_id="entity-since",
                           scale=1)
        until = gr.Textbox(label=words["until"], placeholder=words["date_placeholder"], elem_id="entity-until",
                           scale=1)
    with gr.Row():
        apply_button = gr.Button(words["apply"], size="sm", elem_id="entity-apply-dates")
        clear_button = gr.Button(words["clear"], size="sm", elem_id="entity-clear")
        refresh_button = gr.Button(words["refresh"], size="sm", elem_id="entity-refresh")
    search = gr.Textbox(label=words["filter"], placeholder=words["filter_placeholder"], elem_id="entity-filter",
                        max_lines=1)
    groups: dict[str, gr.Radio] = {}
    accordions: list[gr.Accordion] = []
    mores: list[gr.Markdown] = []
    indexed = any(listed(assistant, kind) for kind in KINDS)
    for kind in KINDS:
        entities = listed(assistant, kind)
        shown, total = shown_names(entities, "")
        with gr.Accordion(f"{GROUPS[lang][kind]} ({len(entities)})", open=kind in (PERSON, PLACE)) as accordion:
            accordions.append(accordion)
            # labelled though the accordion shows the name: a screen reader announced "Radio"
            groups[kind] = gr.Radio(choices=choices(shown), value=None, label=GROUPS[lang][kind], show_label=False,
                                    elem_id=f"entities-{kind}", elem_classes=["entity-group"])
            mores.append(gr.Markdown(more_text(len(shown), total, "", lang, indexed), elem_id=f"entities-{kind}-more"))
    mentions = gr.HTML("", elem_id="entity-mentions", css_template=PANEL_CSS)
    radios = [groups[kind] for kind in KINDS]
    if ui is not None:
        def word(key: str):
            return lambda lang_value: WORDS[speak(lang_value)][key]

        ui.i18n.bind(search, label=word("filter"), placeholder=word("filter_placeholder"))
        ui.i18n.bind(since, label=word("since"), placeholder=word("date_placeholder"))
        ui.i18n.bind(until, label=word("until"), placeholder=word("date_placeholder"))
        for button, key in ((apply_button, "apply"), (clear_button, "clear"), (refresh_button, "refresh")):
            ui.i18n.bind(button, value=word(key))
        for kind, accordion in zip(KINDS, accordions, strict=True):
            ui.i18n.bind(accordion, label=lambda lang_value, kind=kind: (
                f"{GROUPS[speak(lang_value)][kind]} ({len(listed(assistant, kind))})"))
            ui.i18n.bind(groups[kind], label=lambda lang_value, kind=kind: GROUPS[speak(lang_value)][kind])

    def current_names(state: dict[str, Any]) -> dict[str, str]:
        # The chosen name's only, as the chat's notice names it: every entity's read every record.
        name = assistant.entity_index.name_of(state["entity"]) if state.get("entity") else None
        return {state["entity"]: name} if name else {}

    def described(state: dict[str, Any], spoken: str) -> str:
        titles = {a.doc_id: a.title for a in assistant.articles()} if state.get("source") else None
        return status_text(state, current_names(state), spoken, titles)

    def pick(kind: str):
        @store_errors_shown
        def on_select(key: str | None, state: dict[str, Any], lang_value: str | None = None):
            state = dict(state or {})
            if not key:
                return (gr.skip(),) * (len(radios) + 3)
            found = [e for e in listed(assistant, kind) if e.key == key]
            entity = assistant.entity_index.read_mentions(found[0]) if found else None
            state.pop("entity", None)
            state.pop("source", None)
            if kind == DATE and entity is not None:
                # dates are not names: filter to the articles that mention this one
                state["source"] = sorted({m.doc_id for m in entity.mentions})
            else:
                state["entity"] = key
            others = [gr.update(value=None) if other is not groups[kind] else gr.skip() for other in radios]
            spoken = speak(lang_value)
            return (state, described(state, spoken), mentions_html(entity, spoken), *others)

        return on_select

    for kind in KINDS:
        groups[kind].select(pick(kind), [groups[kind], filters, *page_lang], [filters, status, mentions, *radios])

    def apply_dates(since_value: str, until_value: str, state: dict[str, Any], lang_value: str | None = None):
        state = dict(state or {})
        spoken = speak(lang_value)
        for name, value in (("since", since_value), ("until", until_value)):
            value = (value or "").strip()
            if not value:
                state.pop(name, None)
                continue
            try:
                day_number(value, end=name == "until")
            except FilterError:
                warn(spoken, WORDS[spoken]["bad_date"].format(value=value))
                return gr.skip(), gr.skip()
            state[name] = value
        since_value, until_value = state.get("since"), state.get("until")
        if since_value and until_value and day_number(since_value, end=False) > day_number(until_value, end=True):
            # Applied, it made every question fail with the filter's English error.
            warn(spoken, WORDS[spoken]["bad_range"].format(since=since_value, until=until_value))
            return gr.skip(), gr.skip()
        return state, described(state, spoken)

    for trigger in (apply_button.click, since.submit, until.submit):
        trigger(apply_dates, [since, until, filters, *page_lang], [filters, status])

    def clear(lang_value: str | None = None):
        return ({}, WORDS[speak(lang_value)]["all"], "", "", "", *[gr.update(value=None) for _ in radios])

    clear_button.click(clear, page_lang, [filters, status, mentions, since, until, *radios])

    @store_errors_shown
    def refresh(*selected_state_and_lang: Any):
        """Every group's names and count as the index now has them, those the filter box matches; a selection
        still listed stays. The chat's filters lose the name and the articles no longer indexed: filtered to a
        person whose one article was removed, the chat refused every question though the list showed no name
        chosen. Inputs (``refresh_inputs``): the groups' selections, the filters, the page's language (with a
        ``ui``), the filter box's text; outputs (``refresh_outputs``): the groups, their headings, the filters, the
        status line, the mentions, the groups' notes."""
        selected = selected_state_and_lang[: len(KINDS)] or [None] * len(KINDS)
        rest = selected_state_and_lang[len(KINDS):]
        state = dict(rest[0] or {}) if rest else {}
        spoken = speak(rest[1] if page_lang and len(rest) > 1 else None)
        after = 1 + len(page_lang)  # the filter box's text comes last: callers that pass none list every name
        query = (rest[after] if len(rest) > after else "") or ""
        lists = [listed(assistant, kind) for kind in KINDS]
        pages = [shown_names(found, query) for found in lists]
        radio_updates = []
        for (shown, _), key in zip(pages, selected, strict=True):
            keys = {e.key for e in shown}
            # the name the chat is filtered to is shown chosen again when the filter brings it back
            key = key if key in keys else state.get("entity") if state.get("entity") in keys else None
            radio_updates.append(gr.update(choices=choices(shown), value=key))
        indexed = any(lists)
        more_updates = [more_text(len(shown), total, query, spoken, indexed) for shown, total in pages]
        label_updates = [gr.update(label=f"{GROUPS[spoken][kind]} ({len(found)})")
                         for kind, found in zip(KINDS, lists, strict=True)]
        kept = dict(state)
        if kept.get("entity") and kept["entity"] not in {e.key for found in lists for e in found}:
            del kept["entity"]
        if kept.get("source"):
            indexed = {a.doc_id for a in assistant.articles()}
            kept["source"] = [doc_id for doc_id in kept["source"] if doc_id in indexed]
            if not kept["source"]:
                del kept["source"]
        if kept == state:
            return [*radio_updates, *label_updates, gr.skip(), gr.skip(), gr.skip(), *more_updates]
        return [*radio_updates, *label_updates, kept, described(kept, spoken), "", *more_updates]

    refresh_inputs = [*radios, filters, *page_lang, search]
    refresh_outputs = [*radios, *accordions, filters, status, mentions, *mores]
    refresh_button.click(refresh, refresh_inputs, refresh_outputs)
    # Each key typed filters again; only the last filtering still waiting runs.
    for filtering in (search.change, search.submit):
        filtering(refresh, refresh_inputs, refresh_outputs, trigger_mode="always_last", **NO_PROGRESS)
    if ui is not None:  # the status line and the groups' notes are rebuilt in the new language
        ui.on_language(lambda state, lang_value: described(dict(state or {}), speak(lang_value)),
                       [filters, ui.lang], [status])

        @store_errors_shown
        def notes(query: str | None, lang_value: str) -> list[str]:
            lists = [listed(assistant, kind) for kind in KINDS]
            pages = [shown_names(found, query) for found in lists]
            return [more_text(len(shown), total, query, speak(lang_value), any(lists)) for shown, total in pages]

        ui.on_language(notes, [search, ui.lang], mores)
    return EntitiesPanel(filters=filters, status=status, groups=groups, mentions=mentions, since=since,
                         until=until, search=search, refresh_button=refresh_button, clear_button=clear_button,
                         refresh=refresh,
                         refresh_outputs=refresh_outputs, refresh_inputs=refresh_inputs)


def entities_panel(filters: gr.State | None = None):
    """The panel as an ``assistant.web`` ``Panel`` (side column), refreshed when the library changes.

    The chat must pass the same ``gr.State`` to ``Assistant.stream(..., filters=...)``: give it here, or
    as ``ui.filters`` (a ``UI`` field the web app creates before building its panels).
    """
    from .i18n import add_strings  # the web app's words and its extension point (assistant/web/)
    from .panels import Panel

    add_strings({lang: {"entities.title": words["title"]} for lang, words in WORDS.items()})

    def build(ui: Any) -> None:
        panel = build_entities_panel(ui.assistant, getattr(ui, "filters", None) or filters, ui=ui)
        ui.on_library_change(panel.refresh, panel.refresh_inputs, panel.refresh_outputs)

    return Panel("entities", "side", build, title="entities.title")
