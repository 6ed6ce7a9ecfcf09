"""The reranker's model, prepared in the background as the app starts, and the line saying how it goes.

The bundled model is converted on its first use on a machine (reranking.py: about a minute). Left to the
first question, that question would hang with no sign of why; the app starts serving at once instead, the
model is prepared meanwhile, and a question asked before it is ready waits for that preparation (one
conversion, never two at once: ``QueryLikelihoodReranker.prepare``).
"""

from __future__ import annotations

import html
import logging
import threading

from ..api import Assistant
from ..reranking import Reranker
from .i18n import t
from .render import public_error

log = logging.getLogger(__name__)


def prepare_in_background(assistant: Assistant) -> threading.Thread | None:
    """Start preparing ``assistant``'s reranker, if it has one. If it cannot be prepared, the questions that
    follow are answered without it (in retrieval's order) and the page says why."""
    reranker = assistant.reranker
    if reranker is None:
        return None
    retriever = assistant.retriever  # built here, not in the thread, so that no request races to build it

    def run() -> None:
        try:
            reranker.prepare(converting=lambda: log.info("converting the reranker model: its first use here "
                                                         "takes about a minute"))
        except Exception as error:  # a web user expects answers still: not reranked, the page saying why
            log.error("the reranker is off: %s", error)
            retriever.reranker = None
        else:
            log.info("the reranker is ready")

    thread = threading.Thread(target=run, name="prepare-reranker", daemon=True)
    thread.start()
    return thread


def status_html(reranker: Reranker, lang: str) -> str:
    """The reranker's line on the page: preparing, ready, or why it is off."""
    readiness = reranker.readiness()
    values = {"reason": html.escape(public_error(readiness.error))} if readiness.state == "failed" else {}
    return (f'<p class="reranker-status" data-state="{readiness.state}">'
            f"{t(lang, f'reranker.{readiness.state}', **values)}</p>")

