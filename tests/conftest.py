"""Shared fixtures: the real bundled models, a real Chroma index in a temporary folder."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "russie-coree-du-nord.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def temporary_files(tmp_path_factory) -> Iterator[None]:
    """The temporary files of this process and of the commands and apps it starts go to a folder of the test
    session's, which pytest removes in time: a run of the web tests left some fifty folders in /tmp (Gradio's
    copies of files served, the chat's conversation downloads) that nothing removed."""
    folder = tmp_path_factory.mktemp("tmp")  # the session's folder is made before the temporary folder moves
    saved = {name: os.environ.get(name) for name in ("TMPDIR", "GRADIO_TEMP_DIR")}
    kept = tempfile.tempdir
    os.environ["TMPDIR"], os.environ["GRADIO_TEMP_DIR"] = str(folder), str(folder / "gradio")
    # Made here: Gradio makes its folder when an app launches, and a test that hands a file to a component of
    # an app never launched (``upload_through_library``) found none, unless an earlier test had launched one.
    (folder / "gradio").mkdir()
    tempfile.tempdir = str(folder)
    # Its folder was set from the temporary folder when the web tests' modules imported it; not imported here
    # otherwise (it imports Gradio: seconds, for sessions that never start the app).
    export = sys.modules.get("assistant.web.export")
    kept_exports = export.EXPORTS if export else None
    if export:
        export.EXPORTS = folder / "news-assistant-conversations"
    yield
    tempfile.tempdir = kept
    if export:
        export.EXPORTS = kept_exports
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
