"""The chat's "Download the conversation": its questions and cited answers as a Markdown file."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from ..types import conversation_markdown
from .i18n import t
from .panels import Conversation

# Gradio serves a file from its own cache, copied there from the temporary folder (which it allows).
EXPORTS = Path(tempfile.gettempdir()) / "news-assistant-conversations"
KEPT_SECONDS = 24 * 3600  # a conversation's folder left that long untouched is removed (a server runs for months)


def conversation_file(conv: Conversation, lang: str, now: datetime | None = None) -> Path | None:
    """The conversation's answers so far as a Markdown file, or ``None`` before the first answer. One
    folder per conversation, private to this process's user, holding only its latest version."""
    answers = conv.answered()
    if not answers:
        return None
    now = now or datetime.now().astimezone()
    folder = conv.__dict__.get("_export")
    if folder is None:
        EXPORTS.mkdir(parents=True, exist_ok=True)
        _remove_stale(time.time() - KEPT_SECONDS)
        folder = conv.__dict__["_export"] = Path(tempfile.mkdtemp(dir=EXPORTS))
    folder.mkdir(parents=True, exist_ok=True)  # idle for a day, it may have been removed as stale
    for earlier in folder.glob("*.md"):
        earlier.unlink(missing_ok=True)
    path = folder / f"{t(lang, 'export.file')}-{now:%Y-%m-%d-%H%M%S}.md"
    title = t(lang, "export.title", date=f"{now:%Y-%m-%d %H:%M}", app=t(lang, "app.title"))
    path.write_text(conversation_markdown(answers, title), encoding="utf-8")
    return path


def _remove_stale(before: float) -> None:
    for folder in EXPORTS.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < before:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # another process's, removed meanwhile
            continue
