"""Shared fixtures: the real bundled models, a real Chroma index in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "russie-coree-du-nord.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the bundled sample, built once per test session (copy it before writing to it)."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = Assistant(index_dir).index([SAMPLE])
    assert report.added == [str(SAMPLE)], report
    return index_dir


@pytest.fixture(scope="session")
def sample_assistant(sample_index) -> Assistant:
    return Assistant(sample_index)


# Twelve short articles a reviewer wrote to judge answers as an analyst (2026-12-06): strikes, elections,
# an earthquake reported on two days, inflation, a merger, sport; French and English.
NEWSROOM = DATA / "newsroom"


@pytest.fixture(scope="session")
def newsroom(tmp_path_factory) -> Assistant:
    """The twelve newsroom articles, indexed once per test session (read only)."""
    assistant = Assistant(tmp_path_factory.mktemp("newsroom") / "index")
    assert len(assistant.index([NEWSROOM]).added) == 12
    return assistant


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
