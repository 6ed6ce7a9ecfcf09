"""``assistant watch``: a followed folder's new, edited, moved and deleted files reach the index."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
from chroma_server import ChromaServer
from corpus import NEWS, cli, run_cli, write_news

from assistant import Assistant
from assistant.watcher import Watcher


def wait_until(condition, what: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.2)


# watchdog warns when it re-adds a watch on a folder that the index recreates (bm25.tmp): harmless.
@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
def interrupt(process: subprocess.Popen) -> None:
    """Ctrl-C for a `watch` command, as in a terminal."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # say what it was doing rather than hang the suite
        process.wait(10)


@contextmanager
def following(assistant, folder, **options):
    """A watcher of ``folder`` running in a thread, past its first pass; stopped when the block ends."""
    watcher = Watcher(assistant, [folder], debounce=0.3, **options)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        assert watcher.ready.wait(300)
        yield watcher
    finally:
        watcher.stop()
        thread.join(60)
    assert not thread.is_alive()


def test_watcher_follows_creations_edits_moves_and_deletions(tmp_path):
    folder = tmp_path / "news"
    pont = write_news(folder, ["pont.txt"])["pont.txt"]
    assistant = Assistant(folder / "index")  # inside the followed folder: its own writes are not events
    reports = []
    watcher = Watcher(assistant, [folder], debounce=0.3, on_report=reports.append)
    thread = threading.Thread(target=watcher.run)
    thread.start()

    def sources() -> set[str]:
        return {a.source for a in assistant.articles()}

    try:
        assert watcher.ready.wait(300)
        assert sources() == {str(pont)}

        port = folder / "port.txt"
        port.write_text(NEWS["port.txt"], encoding="utf-8")
        wait_until(lambda: str(port) in sources(), "a new file indexed")

        port.write_text(NEWS["port.txt"] + "Le trafic de conteneurs a reculé de 5 %.\n", encoding="utf-8")
        wait_until(lambda: "reculé de 5 %" in (assistant.article_text(str(port)) or ""), "an edit indexed")

        pont.unlink()
        wait_until(lambda: str(pont) not in sources(), "a deleted file removed")

        (folder / "sub").mkdir()
        moved = folder / "sub" / "port-moved.txt"
        port.rename(moved)
        wait_until(lambda: str(moved) in sources() and str(port) not in sources(), "a move followed")

        outside = tmp_path / "unpacked"
        write_news(outside, ["rougeole.md"])
        outside.rename(folder / "unpacked")  # a whole folder arrives at once
        arrived = folder / "unpacked" / "rougeole.md"
        wait_until(lambda: str(arrived) in sources(), "a folder moved in")

        (folder / ".draft.txt").write_text("brouillon que personne ne doit lire", encoding="utf-8")
        (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
        shutil.rmtree(folder / "sub")
        wait_until(lambda: str(moved) not in sources(), "a deleted folder removed")
    finally:
        watcher.stop()
        thread.join(60)
    assert not thread.is_alive()
    assert watcher.errors == []
    assert sources() == {str(arrived)}  # hidden and unsupported files were never picked up
    assert all(not report.failed for report in reports)
    assert assistant.check().ok
    assert assistant.retrieve("measles vaccination schools", k=1)[0].metadata["source"] == str(arrived)


def test_a_folder_under_a_hidden_one_is_followed(tmp_path):
    # ~/.local/share/news-assistant/data/uploads: the hidden ".local" above it made every event look like
    # a hidden file's, and the watcher followed nothing after its first pass.
    folder = tmp_path / ".local" / "news"
    write_news(folder, ["pont.txt"])
    assistant = Assistant(tmp_path / "index")
    with following(assistant, folder):
        port = folder / "port.txt"
        port.write_text(NEWS["port.txt"], encoding="utf-8")
        (folder / ".port.txt.swp").write_text("brouillon", encoding="utf-8")
        wait_until(lambda: str(port) in {a.source for a in assistant.articles()}, "a new file indexed")
    assert {a.source for a in assistant.articles()} == {str(folder / "pont.txt"), str(port)}


def test_watch_command_indexes_changes_and_stops_on_ctrl_c(tmp_path):
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt"])
    # PYTHONFAULTHANDLER: should it not stop, SIGABRT makes it print every thread's stack. SIGINT as in a
    # terminal: a shell starts background jobs (`make test &`) with it ignored, and children inherit that.
    process = cli("watch", str(folder), "--debounce", "0.3", index_dir=tmp_path / "index",
                  env={"PYTHONFAULTHANDLER": "1"},
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")))
    reader.start()
    try:
        wait_until(lambda: any("1 added" in line for line in lines), "the first pass")
        (folder / "port.txt").write_text(NEWS["port.txt"], encoding="utf-8")
        wait_until(lambda: any(f"added: {folder / 'port.txt'}" in line for line in lines), "the new file")
    finally:
        interrupt(process)
        reader.join(10)
        stderr = process.stderr.read()
    assert process.returncode == 0, f"exit {process.returncode}; stdout: {lines}; stderr: {stderr}"
    assert "stopped watching" in stderr
    assert lines[0].startswith("watching ")


def test_watch_counts_only_its_batch_and_checks_its_folders_first(tmp_path):
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt", "rougeole.md"])
    assistant = Assistant(tmp_path / "index")
    reports = []
    with following(assistant, folder, on_report=reports.append):
        port = folder / "port.txt"
        port.write_text(NEWS["port.txt"], encoding="utf-8")
        wait_until(lambda: len(reports) > 1, "the new file indexed")
    # One file arrived: the folder's other files were not walked again (nor counted as unchanged).
    assert [(r.added, r.updated, r.unchanged) for r in reports[1:]] == [([str(port)], [], [])]

    missing = tmp_path / "nowhere"
    result = run_cli("watch", str(missing), index_dir=tmp_path / "index", timeout=300)
    assert result.returncode == 2
    assert result.stdout == ""  # not "watching ..." first
    assert result.stderr.strip() == f"error: not a folder: {missing}"
    # "" (an unset variable) is no folder: it was read as ".", and the current folder was indexed and followed
    empty = run_cli("watch", "", index_dir=tmp_path / "index", timeout=300)
    assert empty.returncode == 2 and empty.stdout == "", empty.stdout
    assert "empty path" in empty.stderr, empty.stderr


@pytest.mark.server
@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")
def test_watch_says_once_that_its_runs_fail_and_recovers(tmp_path):
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt"])
    server = ChromaServer(tmp_path / "chroma").start()
    restarted = None
    process = cli("watch", str(folder), "--debounce", "0.2", index_dir=tmp_path / "index",
                  env={"ASSISTANT_CHROMA_URL": server.url, "PYTHONFAULTHANDLER": "1"},
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: list[str] = []
    errors: list[str] = []
    readers = [threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, ""))),
               threading.Thread(target=lambda: errors.extend(iter(process.stderr.readline, "")))]
    for reader in readers:
        reader.start()
    try:
        wait_until(lambda: any("1 added" in line for line in lines), "the first pass")
        server.stop()
        (folder / "port.txt").write_text(NEWS["port.txt"], encoding="utf-8")
        wait_until(lambda: any("will retry" in line for line in errors), "the failure said")
        time.sleep(3)  # many debounce periods, each one a retry
        failures = [line for line in errors if "will retry" in line]
        assert len(failures) == 1, errors
        assert re.match(r"\d\d:\d\d:\d\d error: the Chroma server at " + re.escape(server.url)
                        + " cannot be reached", failures[0]), failures
        restarted = ChromaServer(server.path, port=server.port).start()
        wait_until(lambda: any(f"added: {folder / 'port.txt'}" in line for line in lines), "the retry")
    finally:
        interrupt(process)
        for reader in readers:
            reader.join(10)
        server.stop()
        if restarted is not None:
            restarted.stop()
    assert process.returncode == 0, f"stdout: {lines}; stderr: {errors}"


def test_the_files_folder_of_a_saved_page_is_not_followed(tmp_path):
    # The frames a browser saves beside a page ("Title_files/saved_resource.html") are no articles: a first
    # pass leaves them out, and so must the watcher when the browser writes them.
    from assistant.watcher import _wanted

    (tmp_path / "Inondations_files").mkdir()
    (tmp_path / "Inondations.html").write_text("<html></html>")
    frame = tmp_path / "Inondations_files" / "saved_resource.html"
    assert not _wanted(str(frame), False, [tmp_path])
    assert not _wanted(str(tmp_path / "Inondations_files"), True, [tmp_path])
    assert _wanted(str(tmp_path / "Inondations.html"), False, [tmp_path])
    assert _wanted(str(tmp_path / "press_files" / "greve.txt"), False, [tmp_path])


def test_frames_saved_before_their_page_are_not_indexed(tmp_path):
    # A browser writes "Title_files/" first and "Title.html" last: when the frame's event came, no page owned
    # the folder yet, and the batch indexed the frame as an article (and listed the page's scripts as skipped).
    folder = tmp_path / "news"
    write_news(folder, ["pont.txt"])
    assistant = Assistant(tmp_path / "index")
    reports = []
    with following(assistant, folder, on_report=reports.append):
        (folder / "Port_files").mkdir()
        (folder / "Port_files" / "saved_resource.html").write_text(
            "<html><body><p>Profitez de notre offre exceptionnelle sur les abonnements numériques ce mois-ci."
            "</p></body></html>", encoding="utf-8")
        (folder / "Port_files" / "app.js").write_text("var x = 1;", encoding="utf-8")
        time.sleep(0.15)  # their events seen before the page is written, within the same batch (0.3 s of quiet)
        page = folder / "Port.html"
        page.write_text(f"<html><head><title>Port</title></head><body><p>{NEWS['port.txt']}</p></body></html>",
                        encoding="utf-8")
        wait_until(lambda: str(page) in {a.source for a in assistant.articles()}, "the page indexed")
    assert {a.source for a in assistant.articles()} == {str(folder / "pont.txt"), str(page)}
    assert all(not report.skipped and not report.failed for report in reports)


def test_folders_linked_from_a_followed_one_are_followed_too(tmp_path):
    # inotify does not follow symbolic links: `watch ~/articles`, where ~/articles/agency links to a feed's
    # folder elsewhere, indexed the feed's files at start and then missed every edit and new file in it.
    folder, feed, later = tmp_path / "news", tmp_path / "feeds" / "agency", tmp_path / "feeds" / "wire"
    write_news(folder, ["pont.txt"])
    write_news(feed, ["port.txt"])
    (folder / "agency").symlink_to(feed, target_is_directory=True)
    assistant = Assistant(tmp_path / "index")

    def sources() -> set[str]:
        return {a.source for a in assistant.articles()}

    through = folder / "agency" / "port.txt"
    with following(assistant, folder):
        assert str(through) in sources()
        (feed / "port.txt").write_text(NEWS["port.txt"] + "Le trafic a reculé de 5 %.\n", encoding="utf-8")
        wait_until(lambda: "reculé de 5 %" in (assistant.article_text(str(through)) or ""), "an edit in the feed")
        (feed / "greve.txt").write_text(NEWS["pont.txt"].replace("pont", "tunnel"), encoding="utf-8")
        wait_until(lambda: str(folder / "agency" / "greve.txt") in sources(), "a new file in the feed")
        (feed / "greve.txt").unlink()
        wait_until(lambda: str(folder / "agency" / "greve.txt") not in sources(), "a file deleted in the feed")
        write_news(later, ["port.txt"])
        (later / "port.txt").write_text(NEWS["port.txt"] + "Un second terminal ouvrira en 2027.\n", encoding="utf-8")
        (folder / "wire").symlink_to(later, target_is_directory=True)  # a link made while followed
        wait_until(lambda: str(folder / "wire" / "port.txt") in sources(), "a new link's files")
        (later / "port.txt").write_text(NEWS["port.txt"] + "Un troisième terminal est à l'étude.\n", encoding="utf-8")
        wait_until(lambda: "troisième" in (assistant.article_text(str(folder / "wire" / "port.txt")) or ""),
                   "an edit behind the new link")
