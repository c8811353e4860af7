"""The index on screen, kept in step with the file: the first load, re-reads, and the watcher.

One re-read runs at a time and none while a write is made; a request meanwhile makes exactly
one more afterwards (a ``git pull`` of hundreds of files costs one or two). A file that cannot
be read leaves the last good index on screen with ``problem`` saying why; a vanished folder is
waited for.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import ReadnotesError
from app.core.model import Index
from app.core.parse import find_index
from app.core.reread import Reread
from app.core.sanitize import inert_line
from app.ui.effects import Change
from app.ui.status_line import OverallProgress
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from app.ui.app import ReadnotesApp

# Workers after which a re-read asked for meanwhile starts: the re-read itself, and the writes.
WAITED_FOR = ("reload", "mark", "add")


@dataclass(frozen=True, slots=True)
class Reloaded:
    """What a re-read found, and the index it was compared with."""

    known: Index | None
    reread: Reread


class LiveIndex:
    """The index shown, why it may not be the file's, and the folder watcher."""

    def __init__(
        self, app: ReadnotesApp, index_path: Path, *, poll: bool, first_read: Future[Reread] | None
    ) -> None:
        self.app = app
        self.index_path = index_path
        self.poll = poll  # for the folder watcher: poll instead of inotify
        self._first_read = first_read  # the index read ahead while the UI was imported
        self.index: Index | None = None
        self.problem: str | None = None  # why the index on screen may not be the file's
        self.folder_gone = False
        self._reloading = False  # one re-read of the index at a time ...
        self._reload_again = False  # ... and a request meanwhile makes exactly one more
        self._stop_watching = asyncio.Event()
        self._watching = False  # the folder watcher was started
        self._progress_shown: tuple[int, int] | None = None

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    def load_first(self) -> None:
        """At mount: the index read ahead when it is there already, else a read in a worker."""
        first = self._first_read
        if first is not None and first.done() and first.exception() is None:
            self._first_read = None  # read already: the first frame shows it, not "Loading"
            self.reloaded(Reloaded(None, first.result()))
        else:
            self.request_reload()

    def request_reload(self) -> None:
        """Re-read the index off the event loop (the first load, a change on disk, ``r``).

        Never while a write is made: the write's end starts the re-read (:meth:`worker_done`).
        """
        if self._reloading or self.app.writes.busy:
            self._reload_again = True
            return
        self._reloading = True
        self._reload_again = False
        self.reread(self.index)

    def reload_now(self) -> None:
        """``r``: reload now, by the same path as a change on disk (for folders no watcher can
        see), and the note shown read again."""
        self.request_reload()
        self.app.navigator.refresh_preview(force=True, keep_scroll=True)

    @thread_worker("reload")
    def reread(self, known: Index | None) -> Reloaded:
        first, self._first_read = self._first_read, None
        if first is not None and known is None:
            return Reloaded(known, first.result())  # the read ahead, still running at mount
        return Reloaded(known, self.app.effects.reread(self.index_path, known))

    def show(self, index: Index) -> None:
        """Show a freshly parsed index (a load, a reload, a write), keeping the reader's place.

        In this order: the model and what hangs on it, the filtered tree, the remembered cursor
        (first index only), new warnings, the preview, then the tags (and, the first time, the
        watcher) once the screen is painted.
        """
        app = self.app
        first = self.index is None
        old_warnings = set(self.index.warnings) if self.index is not None else set()
        self.index = index
        app.note_view.root = index.root
        app.links.index_shown(index)
        app.title = inert_line(index.title or index.path.parent.name or "readnotes")
        app.sub_title = inert_line(str(index.path))
        self.problem = None
        app.filtering.apply()
        if first:
            app.preferences.first_index_shown()
        for warning in [w for w in index.warnings if w not in old_warnings][:3]:
            app.notify(inert_line(warning), severity="warning")
        app.navigator.refresh_preview(force=True, keep_scroll=not first)
        app.reading.index_shown(index)
        if first:  # every note's frontmatter, and the watcher, once the first screen is painted
            app.call_after_refresh(app.filtering.read_tags)
            app.call_after_refresh(self.start_watching)
            app.call_after_refresh(app.link_checks.read)
        else:
            app.filtering.read_tags()

    def reloaded(self, result: Reloaded) -> None:
        known, found = result.known, result.reread
        if known is not self.index:  # a mark replaced the model meanwhile: compare with that
            self._reload_again = True
        elif found.index is not None:
            self.show(found.index)
        elif known is None:
            message = inert_line(found.problem or "The index could not be read")
            self.app.status_line.show_message(message)
            self.app.notify(message, title="readnotes", severity="error")
        else:
            problem = found.problem and f"{found.problem}: showing the last version read"
            if problem != self.problem:
                self.problem = problem
                self.show_status()
                if problem is not None:
                    self.app.notify(inert_line(problem), severity="warning")

    def failed(self, message: str) -> None:
        """A re-read that raised: said in the status line (the notice is the App's)."""
        if self.index is None:
            self.app.status_line.show_message(message)
        else:
            self.problem = message
            self.show_status()

    def worker_done(self, name: str) -> None:
        """A re-read asked for while one ran (or while a write was made) starts now."""
        if name == "reload":
            self._reloading = False
        if name in WAITED_FOR and self._reload_again:
            self.request_reload()

    def show_status(self) -> None:
        """Counts and filters, then what is wrong: a vanished folder outranks an index problem."""
        app = self.app
        problem = self.problem
        index = self.index
        if self.folder_gone:
            root = index.root if index is not None else self.index_path
            problem = f"The notes folder {root} is gone (deleted or renamed): waiting for it"
        if index is None:
            if problem is not None:
                app.status_line.show_message(problem)
            return
        todo = index.todo_count
        filtering = app.filtering
        app.status_line.show_status(
            len(index.entries),
            todo,
            filtering.query.describe() + app.link_checks.describe(),
            shown=filtering.shown,
            problem=problem,
        )
        progress = (len(index.entries), todo)
        if progress != self._progress_shown:  # not on every filter keystroke
            self._progress_shown = progress
            app.query_one("#progress", OverallProgress).show_progress(*progress)

    # -- following the folder -------------------------------------------------------------------

    def start_watching(self) -> None:
        if not self._watching and not self._stop_watching.is_set():
            self._watching = True
            self.app.run_worker(
                self._watch(), name="watch", group="watch", exclusive=True, exit_on_error=False
            )

    def stop_watching(self) -> None:
        self._stop_watching.set()

    async def _watch(self) -> None:
        """Follow the notes folder from mount to unmount, one call per burst of changes."""
        root, index_file = self._watched_paths()
        watch = self.app.effects.watch
        async for change in watch(root, index_file, poll=self.poll, stop=self._stop_watching):
            self.folder_changed(change)

    def _watched_paths(self) -> tuple[Path, Path]:
        """The notes folder and its index file (a guess when there is none yet)."""
        path = self.index_path
        if not path.is_dir():
            return path.parent, path
        try:
            return path, find_index(path)
        except ReadnotesError:
            return path, path / "README.md"

    def folder_changed(self, change: Change) -> None:
        """A burst of changes: re-read the index when touched, re-render the note when touched.

        The index is also re-read on any burst while it is missing or broken, so it comes back
        by itself; the watcher waits for a vanished folder and says when it is back.
        """
        app = self.app
        came_back = self.folder_gone and not change.root_missing
        if change.root_missing != self.folder_gone:
            self.folder_gone = change.root_missing
            self.show_status()
        if change.root_missing:
            return
        if change.git_moved:
            app.reading.refresh_soon()
        index = self.index
        touched = change.index_touched or (
            index is not None and not change.paths.isdisjoint(index.sources)
        )  # the index file, or one of its sub-index files
        if touched or index is None or self.problem is not None:
            self.request_reload()
        if came_back or app.navigator.shows_any(change.paths):
            app.navigator.refresh_preview(force=True, keep_scroll=True)
        app.filtering.notes_changed(change.paths, came_back=came_back)
