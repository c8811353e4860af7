"""The browser's writes to the index: marking done/TODO, undoing a mark, adding an entry.

One write at a time, and no re-read of the index meanwhile (``busy``); the live index re-reads
once the write is over, when a change on disk asked for it. The App clears ``busy`` (:meth:`done`)
before the write's result is shown, so the footer's keys change once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.edit import MarkResult
from app.core.model import Entry, Index, Status
from app.core.sanitize import inert_line
from app.ui.history import Place, PlaceKind
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from datetime import date

    from textual.timer import Timer

    from app.core.add import AddResult
    from app.ui.add_screen import AddRequest
    from app.ui.app import ReadnotesApp

MARK_KEYS_DELAY = 0.2  # seconds a mark may take before the footer greys out its keys
WRITERS = ("mark", "add")  # the workers that write the index


@dataclass(frozen=True, slots=True)
class UndoMark:
    """A mark made in this session, undone only while its line still reads ``line_after``."""

    key: str
    previous: Status
    line_after: bytes


@dataclass(frozen=True, slots=True)
class Marked:
    """A mark written; ``previous`` is the status to undo to (None: this was an undo)."""

    result: MarkResult
    previous: Status | None


@dataclass(frozen=True, slots=True)
class Added:
    result: AddResult
    warning: str | None = None  # the paper's details could not go into the new note


class Writes:
    """The marks that can be undone, and whether a write is under way."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self.busy = False  # a write to the index is under way
        self._undo: list[UndoMark] = []
        self._keys_timer: Timer | None = None

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def done(self) -> None:
        """A write ended (its result not yet shown)."""
        self.busy = False
        if self._keys_timer is not None:
            self._keys_timer.stop()
            self._keys_timer = None

    def toggle_done(self) -> None:
        app = self.app
        entry = app.current_entry
        if entry is None or app.index is None or self.busy:
            return
        wanted = Status.DONE if entry.status is Status.TODO else Status.TODO
        self._start_mark(app.index, entry.key, wanted, previous=entry.status, undoing=None)

    def undo(self) -> None:
        if not self._undo or self.app.index is None or self.busy:
            return
        last = self._undo.pop()
        self._start_mark(self.app.index, last.key, last.previous, previous=None, undoing=last)

    def _start_mark(
        self,
        index: Index,
        key: str,
        status: Status,
        *,
        previous: Status | None,
        undoing: UndoMark | None,
    ) -> None:
        self.busy = True
        # The footer greys out the keys that wait for the write only when it takes a while:
        # its recompose, before and after, would cost more than the mark itself.
        self._keys_timer = self.app.set_timer(MARK_KEYS_DELAY, self.app.refresh_keys)
        self.mark_entry(index, key, status, previous, undoing)

    @thread_worker("mark", exclusive=True)
    def mark_entry(
        self,
        index: Index,
        key: str,
        status: Status,
        previous: Status | None,
        undoing: UndoMark | None,
    ) -> Marked:
        require = undoing.line_after if undoing is not None else None
        from app.core.subindex_edit import mark_in_tree

        return Marked(mark_in_tree(index, key, status, require_line=require), previous)

    def marked(self, marked: Marked) -> None:
        app = self.app
        result = marked.result
        if result.changed and marked.previous is not None:
            self._undo.append(UndoMark(result.entry.key, marked.previous, result.line_after))
            note = result.entry.note
            done = result.entry.status is Status.DONE
            if done and note is not None and app.preferences.config.record_done_date:
                self.record_done_date(result.index.root, note, app.effects.today())
        app.show_index(result.index)
        if result.merged:
            app.notify(
                f"The index had changed on disk: {inert_line(result.message)} in its new version",
                title="Changed outside",
                severity="warning",
            )
        else:
            app.notify(inert_line(result.message))

    @thread_worker("done-date")
    def record_done_date(self, root: Path, note: str, day: date) -> None:
        """``done: <day>`` in the note's frontmatter; a refusal comes back as a notice."""
        from app.core.frontmatter_edit import write_done_date

        write_done_date(root, note, day)

    # -- adding an entry ------------------------------------------------------------------------

    def add(self) -> None:
        from app.ui.add_screen import AddScreen

        app = self.app
        index = app.index
        if index is None or self.busy or isinstance(app.screen, AddScreen):
            return
        item = app.index_tree.cursor_item
        current = item.category if isinstance(item, Entry) else item.path if item else ()
        app.push_screen(AddScreen(index, current, app.effects.paper_lookup), self._add_requested)

    def _add_requested(self, request: AddRequest | None) -> None:
        app = self.app
        if request is None or app.index is None or self.busy:
            return
        self.busy = True  # one write to the index at a time, and no re-read meanwhile
        app.refresh_keys()
        self.add_to_index(app.index, request)

    @thread_worker("add")
    def add_to_index(self, index: Index, request: AddRequest) -> Added:
        """Add the entry; the note it created gets the paper's details the dialog fetched."""
        result = self.app.effects.add_entry(index, request)
        if request.meta is None or result.note_path_created is None:
            return Added(result)
        from app.core.capture import fill_note

        return Added(result, fill_note(result.note_path_created, request.meta))

    def added(self, added: Added) -> None:
        """Show the new index with the cursor on the new entry, its note in the preview."""
        app = self.app
        result = added.result
        app.show_index(result.index)
        app.navigator.go_to_entry(result.entry.key)
        app.navigator.show_place(Place(PlaceKind.ENTRY, result.entry.key), force=True)
        app.notify(inert_line(result.message))
        if added.warning is not None:
            app.notify(inert_line(added.warning), severity="warning")


def add_entry(index: Index, request: AddRequest) -> AddResult:
    """Add the entry asked for to the index file, planned from ``index`` while it still holds."""
    from app.core.add import NoteChoice
    from app.core.subindex_edit import add_in_tree

    return add_in_tree(
        index,
        title=request.title,
        category=request.category,
        urls=request.links,
        todo=request.todo,
        note=NoteChoice.NEW if request.note else None,
    )
