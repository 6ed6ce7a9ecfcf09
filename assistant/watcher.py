"""Follow folders and keep the index in step with them (``assistant watch``).

watchdog reports file events; they are gathered until the folder has been quiet for ``debounce``
seconds (an editor's save, a copy of many files, a ``git pull`` are each one batch), then the batch is
one incremental run: changed paths indexed, deleted ones removed. Each run takes the index's write
lock (waiting for another writer), so the watcher and ``assistant index`` can be used side by side.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .loaders import SUPPORTED_SUFFIXES, absolute, is_office_lock_file, saved_page_files
from .types import IndexReport

# Events that can change what a file says; opened, closed-without-write and attrib cannot.
_RELEVANT = {"created", "modified", "moved", "deleted", "closed"}


class _Collector(FileSystemEventHandler):
    def __init__(self, ignore: Sequence[Path] = (), roots: Sequence[Path] = ()) -> None:
        self.ignore = [absolute(p) for p in ignore]
        self.roots = [absolute(p) for p in roots]
        self.lock = threading.Lock()
        self.paths: set[str] = set()
        self.first_event = 0.0
        self.last_event = 0.0
        self.new_link = False  # a link to a folder appeared: the watcher follows its target too

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        if event.dest_path:
            paths.append(os.fsdecode(event.dest_path))
        self.note(event.event_type, event.is_directory, paths)

    def note(self, event_type: str, is_directory: bool, paths: list[str]) -> None:
        if event_type not in _RELEVANT:
            return
        if is_directory and event_type in ("modified", "closed"):
            # A folder's listing changed: its files' own events say which. Indexing the folder would walk
            # (and report as unchanged) every file in it.
            return
        if not is_directory and event_type in ("created", "moved") and any(_links_to_folder(p) for p in paths):
            # inotify tells a link as a file whatever it points to; a folder's link brings the folder's files.
            is_directory, self.new_link = True, True
        wanted = [p for p in paths if _wanted(p, is_directory, self.roots) and not self._ignored(p)]
        if not wanted:
            return
        now = time.monotonic()
        with self.lock:
            if not self.paths:
                self.first_event = now
            self.paths.update(wanted)
            self.last_event = now

    def _ignored(self, path: str) -> bool:
        # The index's own folder, when it lies in a followed one: its writes must not trigger runs.
        return any(p == Path(path) or p in Path(path).parents for p in self.ignore)

    def take(self, debounce: float, max_delay: float) -> list[str]:
        """The paths of a batch once the folder has been quiet (or busy for too long), else nothing."""
        now = time.monotonic()
        with self.lock:
            if not self.paths:
                return []
            if now - self.last_event < debounce and now - self.first_event < max_delay:
                return []
            paths, self.paths = sorted(self.paths), set()
            return paths

    def put_back(self, paths: Sequence[str]) -> None:
        with self.lock:
            if not self.paths:
                self.first_event = time.monotonic()
            self.paths.update(paths)
            self.last_event = time.monotonic()


class _Through(FileSystemEventHandler):
    """Events of a folder that a followed one links to, told by the link's path: inotify does not follow
    links, and the index knows those files by the path through the link (``loaders.absolute``)."""

    def __init__(self, collector: _Collector, link: Path, target: Path) -> None:
        self.collector, self.link, self.target = collector, link, target

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)] + ([os.fsdecode(event.dest_path)] if event.dest_path else [])
        through = [str(self.link / Path(p).relative_to(self.target))
                   for p in paths if Path(p).is_relative_to(self.target)]
        if through:
            self.collector.note(event.event_type, event.is_directory, through)


def _links_to_folder(path: str) -> bool:
    return os.path.islink(path) and os.path.isdir(path)


def linked_folders(roots: Sequence[Path], ignore: Sequence[Path] = ()) -> dict[Path, Path]:
    """The folders outside ``roots`` that links under them lead to, each by its target (resolved) with the
    link's path: as the index walks them (hidden and saved-page folders left out, each target once)."""
    real_roots = [root.resolve() for root in roots]
    found: dict[Path, Path] = {}
    seen: set[Path] = set()
    for root in roots:
        for folder, subfolders, _ in os.walk(root, followlinks=True):
            try:
                real = Path(folder).resolve()
            except (OSError, RuntimeError):
                subfolders[:] = []
                continue
            if real in seen:  # a loop, or a target reached through two links
                subfolders[:] = []
                continue
            seen.add(real)
            subfolders[:] = [name for name in subfolders if _wanted(os.path.join(folder, name), True, roots)
                             and not any(Path(folder, name) == p for p in ignore)]
            for name in subfolders:
                link = Path(folder, name)
                if link.is_symlink():
                    target = link.resolve()
                    if not any(target.is_relative_to(r) for r in real_roots) and target not in found:
                        found[target] = link
    return found


def _wanted(path: str, is_directory: bool, roots: Sequence[Path] = ()) -> bool:
    # Hidden files and folders (.git, editor swap files) are not indexed either: those under the followed
    # folder, not the folders above it (~/.local/share/news-assistant/data/uploads is followed whole).
    file = Path(path)
    root = next((root for root in roots if file.is_relative_to(root)), None)
    parts = file.relative_to(root).parts if root is not None else file.parts[1:]  # [1:]: past the "/"
    if any(part.startswith(".") for part in parts) or (not is_directory and is_office_lock_file(file.name)):
        return False
    # Nor the scripts, images and frames a browser saves beside a page ("Title_files/saved_resource.html").
    base = root if root is not None else Path(file.anchor)
    folders = parts if is_directory else parts[:-1]
    if any(saved_page_files(base.joinpath(*folders[: depth + 1])) for depth in range(len(folders))):
        return False
    return is_directory or Path(path).suffix.lower() in SUPPORTED_SUFFIXES


class Watcher:
    """Index ``folders`` now (with pruning), then follow them until ``stop()`` or Ctrl-C."""

    def __init__(self, assistant, folders: Sequence[str | os.PathLike[str]], debounce: float = 1.0,
                 on_report: Callable[[IndexReport], None] | None = None, max_delay: float = 30.0,
                 on_error: Callable[[str], None] | None = None) -> None:
        if not debounce >= 0:
            raise ValueError(f"the debounce must be 0 or more seconds, not {debounce}")
        self.assistant = assistant
        if any(not os.fspath(f).strip() for f in folders):  # read as ".", `watch "$UNSET"` followed the current folder
            raise ValueError("an empty path names no folder (an unset variable?)")
        self.folders = [absolute(f) for f in folders]
        self.debounce = debounce
        self.max_delay = max(max_delay, debounce)
        self.on_report = on_report or (lambda report: None)
        self._stop = threading.Event()
        self.ready = threading.Event()  # set once the first pass is done and events are followed
        self.errors: list[str] = []
        # Told once per distinct failure of a run (the watcher retries at every quiet moment until it works).
        self.on_error = on_error or (lambda message: None)
        self._failing: str | None = None

    def stop(self) -> None:
        self._stop.set()

    def check_folders(self) -> None:
        """``ValueError`` naming the followed paths that are not folders."""
        missing = [str(f) for f in self.folders if not f.is_dir()]
        if missing:
            raise ValueError(f"not a folder: {', '.join(missing)}")

    def run(self) -> None:
        self.check_folders()
        collector = _Collector(ignore=[self.assistant.settings.index_dir], roots=self.folders)
        observer = Observer()
        for folder in self.folders:
            observer.schedule(collector, str(folder), recursive=True)
        followed: set[Path] = set()
        self._follow_links(observer, collector, followed)
        observer.start()  # before the first pass, so nothing written during it is missed
        try:
            self.on_report(self.assistant.index(self.folders, prune=True, wait=True))
            self.ready.set()
            while not self._stop.wait(0.2):
                if collector.new_link:
                    collector.new_link = False
                    self._follow_links(observer, collector, followed)
                paths = collector.take(self.debounce, self.max_delay)
                if paths:
                    self._apply(paths, collector)
        finally:
            observer.stop()
            observer.join(timeout=10)

    def _follow_links(self, observer: Observer, collector: _Collector, followed: set[Path]) -> None:
        """Watch the targets of the followed folders' links to folders elsewhere, once each."""
        for target, link in linked_folders(self.folders, ignore=[self.assistant.settings.index_dir]).items():
            if target not in followed:
                followed.add(target)
                observer.schedule(_Through(collector, link, target), str(target), recursive=True)

    def _apply(self, paths: list[str], collector: _Collector) -> None:
        # Judged again now: a browser writes a page's "Title_files" folder before the page, whose files were
        # wanted when their events came and are not once the page is there.
        present = [p for p in paths if os.path.exists(p) and _wanted(p, os.path.isdir(p), self.folders)]
        gone = [p for p in paths if not os.path.exists(p)]
        try:
            report = self.assistant.indexer.index(present, deleted=gone, wait=True)
        except Exception as error:  # the watcher outlives a failed run; the paths are tried again
            message = str(error) or type(error).__name__
            self.errors.append(message)
            collector.put_back(paths)
            if message != self._failing:
                self._failing = message
                self.on_error(message)
            return
        self._failing = None
        self.on_report(report)
