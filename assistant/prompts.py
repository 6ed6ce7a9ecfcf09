"""The prompts of the generative answerers, kept as text files in ``prompts/`` and loaded by name.

A prompt is plain text with ``{name}`` placeholders. Filling is a single pass over the template, so a
value that itself contains ``{question}`` (an article can contain anything) is never filled again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from langchain_core.documents import Document

from .settings import PROMPTS_DIR

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# An article that contains the delimiter itself could close its passage early and speak outside it; so could
# one that writes it with characters a model reads through: invisible ones inside it ("</pas\u200bsage>", a
# soft hyphen, a direction mark) or the full-width "＜／passage＞".
_INVISIBLE = (r"[\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
              r"\u2060-\u206f\ufeff]*")
DELIMITER_IN_TEXT = re.compile(
    "[<\uff1c\ufe64](" + _INVISIBLE + "[/\uff0f]?" + _INVISIBLE + _INVISIBLE.join("passage") + ")", re.IGNORECASE)
TITLE_SAFE = str.maketrans({'"': "'", "<": "‹", ">": "›", "\n": " "})
LANGUAGE_NAMES = {"en": "English", "fr": "French"}


class PromptError(ValueError):
    """A prompt file is missing or asks for a value nobody gives it."""


@lru_cache(maxsize=32)
def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"{path}: prompt file not found") from None


def load_prompt(name: str, prompts_dir: Path | None = None) -> str:
    """The template ``prompts/<name>.txt``."""
    return _read((prompts_dir or PROMPTS_DIR) / f"{name}.txt")


def fill(template: str, values: Mapping[str, str], *, name: str = "prompt") -> str:
    missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(template)} - set(values))
    if missing:
        raise PromptError(f"{name}: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def render(name: str, prompts_dir: Path | None = None, **values: str) -> str:
    return fill(load_prompt(name, prompts_dir), values, name=f"{name}.txt")


def language_name(language: str) -> str:
    return LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["en"])


def as_data(text: str) -> str:
    """Article text made safe to put between passage tags: it cannot open or close one."""
    return DELIMITER_IN_TEXT.sub(lambda m: "‹" + m.group(1), text)


def format_passages(docs: Sequence[Document]) -> str:
    """The retrieved chunks numbered [1]..[n], each between its own tags."""
    blocks = []
    for number, doc in enumerate(docs, start=1):
        title = as_data(" ".join(str(doc.metadata.get("title", "")).translate(TITLE_SAFE).split()))
        blocks.append(f'<passage id="{number}" title="{title}">\n{as_data(doc.page_content)}\n</passage>')
    return "\n\n".join(blocks)
