"""Shared fixtures: the real bundled models, a real Chroma index in a temporary folder."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "russie-coree-du-nord.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def close_assistants(monkeypatch) -> Iterator[None]:
    """Closes each ``Assistant`` made while a test ran (by the test or its function-scoped fixtures, whose
    teardowns run before this one's): a full run kept their Chroma clients and cache databases open, hundreds
    of files by its end. Session and module fixtures are set up before it and close theirs themselves. A store
    or cache a test's assistant borrowed from a longer-lived one stays open (``Assistant.close`` leaves a part
    set by hand to its owner)."""
    made: list[Assistant] = []  # held: one collected before the end left its Chroma system open, in Chroma's cache
    init = Assistant.__init__

    @functools.wraps(init)  # inspect.signature(Assistant) as it is
    def tracked(self: Assistant, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(Assistant, "__init__", tracked)
    yield
    monkeypatch.setattr(Assistant, "__init__", init)
    for assistant in made:
        assistant.close()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the bundled sample, built once per test session (copy it before writing to it)."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    with Assistant(index_dir) as assistant:
        report = assistant.index([SAMPLE])
    assert report.added == [str(SAMPLE)], report
    return index_dir


@pytest.fixture(scope="session")
def sample_assistant(sample_index) -> Iterator[Assistant]:
    with Assistant(sample_index) as assistant:
        yield assistant


# Twelve short articles a reviewer wrote to judge answers as an analyst (2026-12-06): strikes, elections,
# an earthquake reported on two days, inflation, a merger, sport; French and English.
NEWSROOM = DATA / "newsroom"


@pytest.fixture(scope="session")
def newsroom(tmp_path_factory) -> Iterator[Assistant]:
    """The twelve newsroom articles, indexed once per test session (read only)."""
    with Assistant(tmp_path_factory.mktemp("newsroom") / "index") as assistant:
        assert len(assistant.index([NEWSROOM]).added) == 12
        yield assistant


@pytest.fixture()
def writable_index(sample_index, tmp_path) -> Path:
    """A private copy of the sample index, for tests that change it."""
    target = tmp_path / "index"
    shutil.copytree(sample_index, target, ignore=shutil.ignore_patterns("write.lock"))
    return target


def article_text(assistant: Assistant, source: str) -> str:
    text = assistant.article_text(source)
    assert text is not None, source
    return text
