"""The extension point: extra tabs or side panels (e.g. an entities panel) plug into the page here.

A ``Panel`` is built inside its container (a tab of its own, or the chat's side column below the
sources) and gets the ``UI`` context: the shared components and hooks on the page's events. Example::

    def build(ui: UI) -> None:
        table = gr.Dataframe()
        ui.i18n.bind(table, label="entities.title")          # relabelled on a language switch
        ui.on_answer(lambda conv, lang: ..., [ui.conversation, ui.lang], [table])
        ui.on_library_change(lambda lang: ..., [ui.lang], [table])

    build_app(assistant, panels=[Panel("entities", "tab", build, title="entities.title")])

Hook functions run after the core handler, with the given inputs; ``ui.conversation`` holds a
``Conversation`` whose last turn's ``answer`` is the answer just given.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import gradio as gr

from ..api import Assistant
from ..types import Answer
from .answerers import AnswererPool
from .i18n import Relabeler
from .library import UploadStore


@dataclass
class Turn:
    question: str
    answer: Answer | None = None  # None while it is being answered
    failed: bool = False  # an error message stands in for the answer
    reason: str = ""  # then, the error's message as the server's log says it
    asked_at: float = field(default_factory=time.monotonic)  # when it was sent


@dataclass
class Conversation:
    """One browser session's conversation, and which answer's sources the panel shows."""

    turns: list[Turn] = field(default_factory=list)
    shown: int | None = None
    active: int | None = None  # the marker highlighted in the sources panel
    article: bool = False  # the panel shows the active citation's whole article instead

    @property
    def answering(self) -> threading.Lock:
        """Held while a turn is answered: a question sent meanwhile waits for it (its turn shows at once),
        so it gets that answer as history and each stream draws under its own question. Not a field:
        Gradio copies and serialises a State's fields, and a lock can be neither."""
        return self.__dict__.setdefault("_answering", threading.Lock())

    @property
    def sending(self) -> threading.Lock:
        """Held while a question is checked and added as a turn: two sent at once (a double click) are
        checked one after the other, so the second sees the first's turn."""
        return self.__dict__.setdefault("_sending", threading.Lock())

    def repeats(self, question: str, within: float) -> bool:
        """Whether ``question`` is the last turn's, sent less than ``within`` seconds ago: sent twice by a
        double click or a second Enter, not asked again on purpose (nor again after a failure). Counted from
        the sending alone: one asked again after a quick change (an article removed) is asked, and so it was
        not when "still being answered" was read from a turn whose answer the session had not stored yet
        (the Chromium upload test, once in a loaded full run)."""
        if not self.turns or self.turns[-1].question != question or self.turns[-1].failed:
            return False
        return self.just_sent(within)

    def just_sent(self, within: float) -> bool:
        """Whether the last question was sent less than ``within`` seconds ago."""
        return bool(self.turns) and time.monotonic() - self.turns[-1].asked_at < within

    def __deepcopy__(self, memo: dict) -> Conversation:
        # Gradio copies a State's value for each new session: the copy gets a lock of its own.
        return Conversation(copy.deepcopy(self.turns, memo), self.shown, self.active, self.article)

    def history(self, before: int | None = None) -> list[Answer]:
        """Earlier turns' answers for follow-ups, each under its question as typed; failed turns are left out.
        Answers, not their texts: "Tell me more" leaves out what they cited, which a model's answer words
        its own way."""
        turns = self.turns if before is None else self.turns[:before]
        return [replace(turn.answer, question=turn.question)
                for turn in turns if turn.answer is not None and not turn.failed]

    def answered(self) -> list[Answer]:
        """The answers given so far, in order: failed turns and the one being answered left out."""
        return [turn.answer for turn in self.turns if turn.answer is not None and not turn.failed]

    def answer(self, turn: int | None) -> Answer | None:
        if turn is None or not 0 <= turn < len(self.turns):
            return None
        return self.turns[turn].answer


Hook = tuple[Callable[..., Any], list[Any], list[Any]]


@dataclass
class UI:
    """What a panel may use. Components are created by ``build_app`` before any panel is built."""

    assistant: Assistant
    answerers: AnswererPool
    uploads: UploadStore
    i18n: Relabeler
    lang: gr.Radio  # "en" or "fr": pass it as an input to get the session's interface language
    conversation: gr.State  # a Conversation
    chatbot: gr.Chatbot
    sources: gr.HTML
    filters: gr.State | None = None  # the chat's filters (source, lang, since, until, entity), set by panels
    answer_hooks: list[Hook] = field(default_factory=list)
    library_hooks: list[Hook] = field(default_factory=list)
    language_hooks: list[Hook] = field(default_factory=list)

    def on_answer(self, fn: Callable[..., Any], inputs: Sequence[Any], outputs: Sequence[Any]) -> None:
        """Run ``fn`` after each answer is complete."""
        self.answer_hooks.append((fn, list(inputs), list(outputs)))

    def on_library_change(self, fn: Callable[..., Any], inputs: Sequence[Any], outputs: Sequence[Any]) -> None:
        """Run ``fn`` after articles were indexed or removed from the page."""
        self.library_hooks.append((fn, list(inputs), list(outputs)))

    def on_language(self, fn: Callable[..., Any], inputs: Sequence[Any], outputs: Sequence[Any]) -> None:
        """Run ``fn`` after the interface language changed (for HTML a panel renders itself)."""
        self.language_hooks.append((fn, list(inputs), list(outputs)))


@dataclass
class Panel:
    key: str
    place: Literal["tab", "side"]
    build: Callable[[UI], None]
    title: str = ""  # an i18n key (see i18n.add_strings) for the tab's label or the side panel's heading


# An event's options for no progress timer at all. Gradio 6.31 still showed the timer over the outputs of
# an event given show_progress="hidden" (of a page load, a chained step); an empty show_progress_on puts
# it on none. Read out by screen readers as a group's first words ("0.1s Interface language").
NO_PROGRESS: dict[str, Any] = {"show_progress": "hidden", "show_progress_on": []}


def chain_hooks(event, hooks: Sequence[Hook]) -> None:
    # a panel follows what the person did: its refresh is quick, and a timer over it at each page load
    # flashed in the corner of every panel
    for fn, inputs, outputs in hooks:
        event = event.then(fn, inputs, outputs, api_visibility="private", **NO_PROGRESS)
