"""The readnotes browser: the index as a tree on the left, the entry's note on the right.

Everything slow runs in a thread worker (parsing the index, reading a note, marking, opening a
URL, the native clipboard); the workers' results and errors all come back through one handler,
``on_worker_state_changed``, so a failure is a notice and never a traceback.
"""

from __future__ import annotations

import asyncio
import gc
import posixpath
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input
from textual.worker import Worker, WorkerState

from app.core.config import Config
from app.core.edit import MarkResult, mark
from app.core.errors import ReadnotesError
from app.core.images import resolve_image
from app.core.links import AnchorLink, NoteLink, Refused, WebLink, resolve_link, safe_path
from app.core.model import Category, Entry, Index, Status
from app.core.notes import create_note_stub, folder_note, load_note, read_tags
from app.core.parse import find_index
from app.core.query import Query, filter_entries, narrows
from app.core.reread import Reread, reread_index
from app.core.sanitize import inert_line
from app.core.state import FolderState, Remembered, StateStore, default_state_dir, folder_key
from app.edges.browser import OpenResult, open_url, url_is_openable
from app.edges.clipboard import CopyResult, copy_native
from app.edges.editor import editor_command, run_editor
from app.edges.opener import open_file
from app.edges.watch import FolderChange, watch_folder
from app.ui.commands import GoToEntryProvider
from app.ui.filter_bar import FilterBar
from app.ui.footer import KeysFooter
from app.ui.history import History, Place, PlaceKind
from app.ui.note_pane import NotePane
from app.ui.note_view import NoteView
from app.ui.palette import TagsProvider, ThemesProvider
from app.ui.preview import Preview, category_preview, entry_preview, note_preview
from app.ui.preview_cache import Cached, PreviewCache, keepable
from app.ui.render import HeadingRef
from app.ui.render import Rendered as RenderedNote
from app.ui.settings import ui_problems, usable_keymap, usable_theme
from app.ui.signals import install_exit_signals
from app.ui.status_line import OverallProgress, StatusLine
from app.ui.tree import IndexTree, Item

# What only a key or a command opens (adding, searching, the outline, help, frontmatter dates) is
# imported when first used: the first screen does not wait for it (app.core.add brings PyYAML).
if TYPE_CHECKING:
    from app.core.add import AddResult
    from app.core.search import Hit
    from app.ui.add_screen import AddRequest
    from app.ui.help_screen import KeySection
    from app.ui.search_screen import SearchOutcome

STATUS_CYCLE: dict[Status | None, Status | None] = {
    None: Status.TODO,
    Status.TODO: Status.DONE,
    Status.DONE: None,
}
WATCH_FALLBACK_DELAY = 0.5  # seconds: when the index never shows, start the watcher anyway
# The entries whose notes are read and rendered ahead, by tree line from the cursor's: the
# next move's preview is then painted in the frame that moves the cursor.
READ_AHEAD_STEPS = (1, -1, 2)
MARK_KEYS_DELAY = 0.2  # seconds a mark may take before the footer greys out its keys
OVERVIEW_DELAY = 0.15  # seconds of no typing in the filter before a category overview re-renders


TagsLoaded = tuple[Index, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class UndoMark:
    """A mark made in this session, undone only while its line still reads ``line_after``."""

    key: str
    previous: Status
    line_after: bytes


class ReadnotesApp(App[int]):
    """Browse a reading-notes index: categories, entries, notes, links; mark entries done."""

    CSS_PATH = "app.tcss"
    TITLE = "readnotes"
    COMMANDS = App.COMMANDS | {GoToEntryProvider, TagsProvider, ThemesProvider}

    ENTRY_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "toggle_done", "Done/TODO", id="app.toggle_done"),
        Binding("u", "undo", "Undo mark", id="app.undo"),
        Binding("o", "open_primary", "Open link", id="app.open_primary"),
        *(
            Binding(str(n), f"open_link({n})", "Open link N", show=False, id=f"app.open_link_{n}")
            for n in range(1, 10)
        ),
        Binding("y", "copy_link", "Copy link", id="app.copy_link"),
        Binding("e", "edit_note", "Edit note", id="app.edit_note"),
        Binding("E", "edit_index", "Edit index line", show=False, id="app.edit_index"),
    ]
    NOTE_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "outline", "Outline", id="app.outline"),
        Binding("i", "open_image", "Open image", id="app.open_image"),
    ]
    GENERAL_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="app.filter"),
        # priority: ctrl+f searches from the filter too (an Input's own ctrl+f deletes a word)
        Binding("ctrl+f", "search", "Search notes", show=False, priority=True, id="app.search"),
        Binding("t", "cycle_status", "All/TODO/done", id="app.cycle_status"),
        Binding("a", "add_entry", "Add entry", id="app.add"),
        Binding("left_square_bracket,backspace", "history_back", "Back", show=False, id="app.back"),
        Binding("right_square_bracket", "history_forward", "Forward", show=False, id="app.forward"),
        Binding("r", "reload", "Reload", show=False, id="app.reload"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [*ENTRY_BINDINGS, *GENERAL_BINDINGS, *NOTE_BINDINGS]

    def __init__(
        self,
        index_path: Path,
        *,
        poll: bool = False,
        config: Config | None = None,
        state: StateStore | None = None,
        first_read: Future[Reread] | None = None,
    ) -> None:
        super().__init__()
        self.index_path = index_path
        self._first_read = first_read  # the index read ahead while the UI was imported
        self._entries_by_key: tuple[Index, dict[str, Entry]] | None = None
        self._previews = PreviewCache()
        self._reading_ahead = False
        self._progress_shown: tuple[int, int] | None = None
        self.poll = poll  # for the folder watcher: poll instead of inotify
        self.config = config or Config()
        self.state = state  # None: remember nothing (tests, unless they pass a store)
        self._remembered = state.read() if state is not None else Remembered()
        self._state_key = _index_file(index_path)
        folders = self._remembered.folders
        self._restored = FolderState.from_json(folders.get(folder_key(self._state_key)))
        self._pending_cursor: FolderState | None = None
        self._place_state: FolderState | None = None  # where the reader is, for the next start
        self._theme_at_start = ""
        self.index: Index | None = None
        self.filter_query = Query()
        self._tags: dict[str, tuple[str, ...]] = {}
        self._note_tags: dict[str, tuple[str, ...]] = {}  # note path -> its tags, as last read
        self._notes: dict[str, str] = {}  # note path -> key of the first entry pointing at it
        self._history = History()
        self._search_query = ""  # the last ctrl+f query, offered again
        self._search_jump: tuple[Place, Hit] | None = None  # a hit to find once its note is shown
        self._place: Place | None = None
        self._base: str | None = None  # what the preview's links are relative to
        self._undo: list[UndoMark] = []
        self._marking = False
        self._mark_keys_timer: Timer | None = None
        self._problem: str | None = None  # why the index on screen may not be the file's
        self._shown: int | None = None  # entries passing the filter (None: no filter)
        self._folder_gone = False
        self._reloading = False  # one re-read of the index at a time ...
        self._reload_again = False  # ... and a request meanwhile makes exactly one more
        self._stop_watching = asyncio.Event()
        self.reload_count = 0  # models taken from disk after the first: outside changes shown
        self.burst_count = 0  # bursts of changes the watcher reported
        self._keys_shown: tuple[object, ...] = ()  # what the footer was last told applies
        self._watching = False  # the folder watcher was started
        self._overview_timer: Timer | None = None  # a category overview due after typing
        # the last filter applied: (index, tags, query, matches), to narrow when typing on
        self._last_filter: tuple[Index, dict[str, tuple[str, ...]], Query, list[Entry]] | None = (
            None
        )

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield FilterBar(id="filter", on_change=self._filter_typed)
                yield IndexTree(id="tree")
            yield NotePane(id="note-pane")
        with Horizontal(id="status-row"):
            yield StatusLine(id="status")
            yield OverallProgress(id="progress")
        yield KeysFooter()

    @property
    def index_tree(self) -> IndexTree:
        return self.query_one("#tree", IndexTree)

    @property
    def note_view(self) -> NoteView:
        return self.query_one("#preview", NoteView)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def on_mount(self) -> None:
        if not self.is_headless:  # issue 14: SIGTERM/SIGHUP/SIGINT quit as q does (143/129/130)
            install_exit_signals(self)
        self.sub_title = inert_line(str(self.index_path))
        self.status_line.show_message(f"Loading {self.index_path} …")
        self.index_tree.focus()
        self.index_tree.on_cursor = self._cursor_moved
        self._apply_settings()
        first = self._first_read
        if first is not None and first.done() and first.exception() is None:
            self._first_read = None  # read already: the first frame shows it, not "Loading"
            self._reread_finished(None, first.result())
        else:
            self.request_reload()
        # The watcher arms inotify over the whole folder on the event loop: after the first
        # screen (below, in show_index), or after a moment when there is no index to show.
        self.set_timer(WATCH_FALLBACK_DELAY, self._start_watching)

    def _start_watching(self) -> None:
        if not self._watching and not self._stop_watching.is_set():
            self._watching = True
            self.watch_notes()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        self._save_state()

    # -- the config, and what is remembered between runs --------------------------------------

    def _apply_settings(self) -> None:
        """Keys and theme from the config (a remembered theme wins); its problems as notices."""
        keymap = usable_keymap(self.config)
        if keymap:
            self.set_keymap(keymap)
        remembered = self._remembered.theme
        theme = remembered if remembered in self.available_themes else usable_theme(self.config)
        if theme is not None:
            self.theme = theme
        self._theme_at_start = self.theme
        for problem in [*self.config.problems, *ui_problems(self.config)]:
            self.notify(inert_line(problem), title="Config", severity="warning", timeout=10)
        if self._restored is not None:
            self.index_tree.restored_expansion = set(self._restored.expanded)
            self._restore_filters(self._restored)

    def _restore_filters(self, place: FolderState) -> None:
        status = {"todo": Status.TODO, "done": Status.DONE}.get(place.status_filter or "")
        self.filter_query = Query(place.filter_text, status)
        if place.filter_text:
            self.filter_bar.value = place.filter_text
            self.filter_bar.display = True

    def _restore_cursor(self, *, final: bool) -> None:
        """Put the cursor back where it was; a ``#tag`` filter may need the tags loaded first."""
        place = self._pending_cursor
        if place is None:
            return
        tree = self.index_tree
        if place.cursor_entry is not None:
            found = tree.reveal_entry(place.cursor_entry)
        else:
            found = place.cursor_category is not None and tree.reveal_category(
                place.cursor_category
            )
        if found or final or "#" not in self.filter_query.text:
            self._pending_cursor = None

    def _remember(self) -> None:
        if self.index is None or self.state is None:
            return
        item = self.index_tree.cursor_item
        status = self.filter_query.status
        self._place_state = FolderState(
            cursor_entry=item.key if isinstance(item, Entry) else None,
            cursor_category=self.index_tree.uid(item) if isinstance(item, Category) else None,
            expanded=tuple(sorted(self.index_tree.remembered_expansion())),
            filter_text=self.filter_query.text,
            status_filter=str(status) if status is not None else None,
        )

    def _save_state(self) -> None:
        if self.state is None or self._place_state is None:
            return
        theme = self.theme if self.theme != self._theme_at_start else None
        self.state.save(self._state_key, self._place_state, theme)

    async def action_quit(self) -> None:
        self._remember()  # the widgets are gone by unmount: take the place now
        await super().action_quit()

    def on_index_tree_toggled(self) -> None:
        self._remember()

    @property
    def entry_tags(self) -> dict[str, tuple[str, ...]]:
        """Entry key -> the tags of its note's frontmatter, as last read."""
        return self._tags

    def filter_by_tag(self, tag: str) -> None:
        """From the command palette: show the entries whose notes carry ``tag``."""
        text = f"#{tag}"
        self.filter_bar.value = text
        self.filter_bar.display = True
        self._set_query(Query(text, self.filter_query.status))
        self.index_tree.first_entry()
        self.index_tree.focus()

    # -- loading, and following the folder ----------------------------------------------------

    def request_reload(self) -> None:
        """Re-read the index off the event loop (the first load, a change on disk, ``r``).

        One re-read at a time, never while a mark is being written: a request meanwhile makes
        exactly one more afterwards, so a ``git pull`` of hundreds of files costs one or two.
        """
        if self._reloading or self._marking:
            self._reload_again = True
            return
        self._reloading = True
        self._reload_again = False
        self.reread(self.index)

    # Workers handed an Index get a fixed description: Textual's default is the repr of the
    # arguments, and that of a 10,000-entry Index blocks the event loop for ~100 ms.
    @work(thread=True, group="reload", name="reload", description="reload", exit_on_error=False)
    def reread(self, known: Index | None) -> tuple[Index | None, Reread]:
        first, self._first_read = self._first_read, None
        if first is not None and known is None:
            return known, first.result()  # the read ahead, still running at mount
        return known, reread_index(self.index_path, known)

    def _reread_finished(self, known: Index | None, result: Reread) -> None:
        if known is not self.index:  # a mark replaced the model meanwhile: compare with that
            self._reload_again = True
        elif result.index is not None:
            if known is not None:
                self.reload_count += 1
            self.show_index(result.index)
        elif known is None:
            message = inert_line(result.problem or "The index could not be read")
            self.status_line.show_message(message)
            self.notify(message, title="readnotes", severity="error")
        else:
            problem = result.problem and f"{result.problem}: showing the last version read"
            if problem != self._problem:
                self._problem = problem
                self._show_status()
                if problem is not None:
                    self.notify(inert_line(problem), severity="warning")

    def _after_worker(self, name: str) -> None:
        """A re-read asked for while one ran (or while a mark was written) starts now."""
        if name == "reload":
            self._reloading = False
        if name in ("reload", "mark", "add") and self._reload_again:
            self.request_reload()

    @work(exclusive=True, group="watch", name="watch", exit_on_error=False)
    async def watch_notes(self) -> None:
        """Follow the notes folder from mount to unmount, one call per burst of changes."""
        root, index_file = self._watched_paths()
        async for change in watch_folder(
            root, index_file, poll=self.poll, stop=self._stop_watching
        ):
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

    def folder_changed(self, change: FolderChange) -> None:
        """A burst of changes: re-read the index when touched, re-render the note when touched.

        The index is also re-read on any burst while it is missing or broken, so it comes back
        by itself; the watcher waits for a vanished folder and says when it is back.
        """
        self.burst_count += 1
        came_back = self._folder_gone and not change.root_missing
        if change.root_missing != self._folder_gone:
            self._folder_gone = change.root_missing
            self._show_status()
        if change.root_missing:
            return
        if change.index_touched or self.index is None or self._problem is not None:
            self.request_reload()
        if came_back or self._shows_any(change.paths):
            self._refresh_preview(force=True, keep_scroll=True)
        stale = self._note_tags.keys() & change.paths
        if self.index is not None and (stale or came_back):
            # notes' frontmatter tags may have changed: read those notes again
            kept = {} if came_back else self._note_tags
            self._note_tags = {note: tags for note, tags in kept.items() if note not in stale}
            self.load_tags(self.index, self._note_tags)

    def _shows_any(self, paths: frozenset[str]) -> bool:
        """Whether the preview shows one of ``paths`` (its note, or a file in its folder note)."""
        place, index = self._place, self.index
        if place is None or index is None or place.kind is PlaceKind.CATEGORY:
            return False
        if place.kind is PlaceKind.NOTE:
            rel: str | None = place.key
        else:
            entry = index.find(place.key)
            rel = entry.note if entry is not None else None
        if not rel:
            return False
        rel = rel.rstrip("/")
        inside = rel + "/"
        return any(path == rel or path.startswith(inside) for path in paths)

    @work(
        thread=True,
        exclusive=True,
        group="tags",
        name="tags",
        description="tags",
        exit_on_error=False,
    )
    def load_tags(self, index: Index, known: dict[str, tuple[str, ...]]) -> TagsLoaded:
        """Tags from every note's frontmatter, for ``#tag`` words in the filter.

        Notes in ``known`` (by path) are not read again: a save of the index alone reads none.
        """
        by_note: dict[str, tuple[str, ...]] = {}
        tags: dict[str, tuple[str, ...]] = {}
        for entry in index.entries:
            note = entry.note
            if note is None or note.endswith("/"):
                continue
            found = by_note.get(note)
            if found is None:
                found = known[note] if note in known else read_tags(index.root, note)
                by_note[note] = found
            if found:
                tags[entry.key] = found
        return index, tags, by_note

    def show_index(self, index: Index) -> None:
        """Show a freshly parsed index (a load, a reload, a mark), keeping the reader's place."""
        first = self.index is None
        old_warnings = set(self.index.warnings) if self.index is not None else set()
        self.index = index
        self.note_view.root = index.root
        self._notes = {}
        for entry in index.entries:
            if entry.note is not None:
                self._notes.setdefault(entry.note, entry.key)
        self.title = inert_line(index.title or index.path.parent.name or "readnotes")
        self.sub_title = inert_line(str(index.path))
        self._problem = None
        self._apply_filter()
        if first:
            self._pending_cursor = self._restored
            self._restore_cursor(final=False)
        for warning in [w for w in index.warnings if w not in old_warnings][:3]:
            self.notify(inert_line(warning), severity="warning")
        self._refresh_preview(force=True, keep_scroll=not first)
        if first:  # every note's frontmatter, and the watcher, once the first screen is painted
            self.call_after_refresh(self._load_tags_of_shown)
            self.call_after_refresh(self._start_watching)
        else:
            self.load_tags(index, self._note_tags)

    def _load_tags_of_shown(self) -> None:
        if self.index is not None:
            self.load_tags(self.index, self._note_tags)

    # -- filtering ----------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        index = self.index
        if index is None:
            return
        query = self.filter_query
        matches: list[Entry] | None = None
        if query.active:
            within = self._narrowing(index, query)
            matches = filter_entries(index, query, self._tags, within=within)
            self._last_filter = (index, self._tags, query, matches)
        self.index_tree.show_index(index, matches)
        self._shown = None if matches is None else len(matches)
        self._show_status()
        self._refresh_keys()

    def _narrowing(self, index: Index, query: Query) -> list[Entry] | None:
        """The last matches, when ``query`` can only narrow them (same index, same tags)."""
        last = self._last_filter
        if last is None or not query.active:
            return None
        last_index, last_tags, last_query, matches = last
        if last_index is not index or last_tags is not self._tags:
            return None
        return matches if narrows(last_query, query) else None

    def _show_status(self) -> None:
        """Counts and filters, then what is wrong: a vanished folder outranks an index problem."""
        problem = self._problem
        if self._folder_gone:
            root = self.index.root if self.index is not None else self.index_path
            problem = f"The notes folder {root} is gone (deleted or renamed): waiting for it"
        index = self.index
        if index is None:
            if problem is not None:
                self.status_line.show_message(problem)
            return
        todo = index.todo_count
        self.status_line.show_status(
            len(index.entries),
            todo,
            self.filter_query.describe(),
            shown=self._shown,
            problem=problem,
        )
        progress = (len(index.entries), todo)
        if progress != self._progress_shown:  # not on every filter keystroke
            self._progress_shown = progress
            self.query_one("#progress", OverallProgress).show_progress(*progress)

    def _set_query(self, query: Query) -> None:
        if query == self.filter_query:
            return
        typed = query.status == self.filter_query.status
        self.filter_query = query
        self._apply_filter()
        self._remember()
        if self._place is not None and self._place.kind is PlaceKind.CATEGORY:
            if typed:  # the overview once the typing pauses, not on every key
                if self._overview_timer is not None:
                    self._overview_timer.stop()
                # the tree's timer: it stops with the tree, when the app shuts down
                timer = self.index_tree.set_timer(OVERVIEW_DELAY, self._refresh_overview)
                self._overview_timer = timer
            else:
                self._refresh_preview(force=True)

    def _refresh_overview(self) -> None:
        """A category's overview lists its entries as filtered: show it again."""
        self._overview_timer = None
        if self._place is not None and self._place.kind is PlaceKind.CATEGORY:
            self._refresh_preview(force=True)

    def _filter_typed(self, text: str) -> None:
        self._set_query(Query(text, self.filter_query.status))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.index_tree.first_entry()
        self.index_tree.focus()
        if not self.filter_bar.value:
            self.filter_bar.display = False

    def action_focus_filter(self) -> None:
        self.filter_bar.display = True
        # Focus now, not on the next idle (``focus()``): keys typed right after ``/`` are
        # already queued and must reach the filter, not the tree.
        self.screen.set_focus(self.filter_bar)

    def action_clear_text_filter(self) -> None:
        self.filter_bar.value = ""
        self.filter_bar.display = False
        self._set_query(Query("", self.filter_query.status))
        # Now, as for ``/``: keys typed right after escape must reach the tree.
        self.screen.set_focus(self.index_tree)

    def action_cycle_status(self) -> None:
        self._set_query(Query(self.filter_query.text, STATUS_CYCLE[self.filter_query.status]))

    # -- the preview --------------------------------------------------------------------------

    def _cursor_moved(self, item: Item | None) -> None:
        """The reader moved the tree cursor: a preview at hand is shown in the same frame."""
        place = self._place_of(item)
        if place is not None:
            self._show_place(place)

    def on_index_tree_highlighted(self, event: IndexTree.Highlighted) -> None:
        place = self._place_of(event.item)
        if place is not None:
            self._show_place(place)
        self._refresh_keys()
        self._remember()

    def on_index_tree_entry_activated(self, event: IndexTree.EntryActivated) -> None:
        self._show_place(Place(PlaceKind.ENTRY, event.entry.key))
        self.note_view.focus()

    def _place_of(self, item: Item | None) -> Place | None:
        if isinstance(item, Entry):
            return Place(PlaceKind.ENTRY, item.key)
        if isinstance(item, Category):
            return Place(PlaceKind.CATEGORY, self.index_tree.uid(item))
        return None

    def _refresh_preview(self, *, force: bool = False, keep_scroll: bool = False) -> None:
        """Show what the tree cursor is on (or, after a rebuild, the same place again)."""
        place = self._place_of(self.index_tree.cursor_item)
        if place is not None:
            self._show_place(place, force=force, keep_scroll=keep_scroll)
        elif self.index is not None and not self.index.entries:
            self._place = None
            self.note_view.show("empty", "", None, [Text("This index has no entries yet.")])

    def _show_place(
        self,
        place: Place,
        *,
        record: bool = True,
        force: bool = False,
        keep_scroll: bool = False,
        anchor: str | None = None,
    ) -> None:
        if record:
            self._history.visit(place)
        if place == self._place and not force and anchor is None:
            return
        self._place = place
        index = self.index
        if index is None:
            return
        if place.kind is PlaceKind.CATEGORY:
            category = self.index_tree.category(place.key)
            if category is not None:
                counts = self.index_tree.counts_for(category)
                preview = category_preview(
                    category,
                    self.index_tree.visible_entries(category),
                    counts.total,
                    counts.todo,
                    self.filter_query.describe(),
                )
                self._present(preview, keep_scroll=keep_scroll, anchor=anchor)
                self._read_ahead()
            return
        entry = self._entry_by_key(index, place.key) if place.kind is PlaceKind.ENTRY else None
        if entry is not None:
            cached = self._previews.get(entry)
            if cached is None and entry.note is None:  # nothing to read: made here
                cached = Cached(entry_preview(entry, None), None, None)
                self._previews.put(entry, cached)
            if cached is not None:  # shown in the frame that moved the cursor
                self.workers.cancel_group(self, "preview")
                self._present(
                    cached.preview, version=cached.version, keep_scroll=keep_scroll, anchor=anchor
                )
                self._refresh_keys()
                self._read_ahead()
                return
        self.load_preview(index, place, keep_scroll, anchor)
        self._refresh_keys()

    def _entry_by_key(self, index: Index, key: str) -> Entry | None:
        known = self._entries_by_key
        if known is None or known[0] is not index:
            known = self._entries_by_key = (index, index.by_key())
        return known[1].get(key)

    def _read_ahead(self) -> None:
        """Read and render the notes of the entries around the cursor, for the next move."""
        index = self.index
        tree = self.index_tree
        if index is None or self._reading_ahead:
            return
        if not self.note_view.width_known:  # before the first layout: at the real width, later
            self.call_after_refresh(self._read_ahead)
            return
        wanted: list[Entry] = []
        for step in READ_AHEAD_STEPS:
            line = tree.cursor_line + step
            item = tree.item_at(line)
            if isinstance(item, Entry) and item.note is not None and item not in self._previews:
                wanted.append(item)
        if wanted:
            self._reading_ahead = True
            self.read_ahead(index, wanted, self.note_view.width_for_render())

    @work(thread=True, group="read-ahead", name="read-ahead", exit_on_error=False)
    def read_ahead(self, index: Index, entries: list[Entry], width: int) -> None:
        """Off the event loop: each entry's preview and its render, handed over one by one."""
        try:
            for entry in entries:
                if entry.note is None:
                    continue
                doc = load_note(index.root, entry.note)
                preview = entry_preview(entry, doc)
                cached = keepable(preview, doc)
                if cached is None:
                    continue
                rendered = self.note_view.render_ahead(preview.body, preview.base, width)
                self.call_from_thread(self._read_ahead_done, entry, cached, rendered)
        except RuntimeError:  # the app is shutting down
            return
        finally:
            with suppress(RuntimeError):
                self.call_from_thread(self._read_ahead_finished)

    def _read_ahead_done(self, entry: Entry, cached: Cached, rendered: RenderedNote) -> None:
        self._previews.put(entry, cached)
        preview = cached.preview
        self.note_view.remember(preview.doc_key, render_version(preview, cached.version), rendered)

    def _read_ahead_finished(self) -> None:
        self._reading_ahead = False

    @work(
        thread=True,
        exclusive=True,
        group="preview",
        name="preview",
        description="preview",
        exit_on_error=False,
    )
    def load_preview(
        self, index: Index, place: Place, keep_scroll: bool, anchor: str | None
    ) -> tuple[Place, Preview | None, object, bool, str | None, tuple[Entry, Cached] | None]:
        """Read the note off the event loop; the result is dropped if the cursor moved on."""
        if place.kind is PlaceKind.NOTE:
            doc = load_note(index.root, place.key)
            return place, note_preview(doc), doc.mtime_ns, keep_scroll, anchor, None
        entry = index.find(place.key)
        if entry is None:
            return place, None, None, keep_scroll, anchor, None
        note = load_note(index.root, entry.note) if entry.note is not None else None
        version = note.mtime_ns if note is not None else None
        preview = entry_preview(entry, note)
        kept = keepable(preview, note)  # for the next visit (stored on the event loop)
        keep = (entry, kept) if kept is not None else None
        return place, preview, version, keep_scroll, anchor, keep

    def _present(
        self,
        preview: Preview,
        *,
        version: object = None,
        keep_scroll: bool = False,
        anchor: str | None = None,
    ) -> None:
        self._base = preview.base
        self.note_view.show(
            preview.doc_key,
            preview.body,
            preview.base,
            preview.header,
            version=render_version(preview, version),
            keep_scroll=keep_scroll,
            anchor=anchor,
        )

    # -- links --------------------------------------------------------------------------------

    def on_note_view_link_clicked(self, event: NoteView.LinkClicked) -> None:
        self.follow_link(event.target)

    def follow_link(self, target: str) -> None:
        """Route a link from the preview: a note, a heading, a web page, or a refusal."""
        index = self.index
        if index is None:
            return
        resolved = resolve_link(index.root, self._base, target)
        if isinstance(resolved, Refused):
            self.notify(inert_line(resolved.reason), title="Link refused", severity="warning")
        elif isinstance(resolved, WebLink):
            self.open_web(resolved.url)
        elif isinstance(resolved, AnchorLink):
            if resolved.anchor and not self.note_view.scroll_to_anchor(resolved.anchor):
                self.notify(f"No heading #{inert_line(resolved.anchor)} in this note")
        elif isinstance(resolved, NoteLink):
            self._open_note(resolved.rel, resolved.anchor)

    def _open_note(self, rel: str, anchor: str | None) -> None:
        key = self._notes.get(rel) or self._notes.get(posixpath.normpath(rel))
        if key is not None and self.index_tree.reveal_entry(key):
            self._show_place(Place(PlaceKind.ENTRY, key), anchor=anchor)
            return
        self._show_place(Place(PlaceKind.NOTE, rel), anchor=anchor)

    # -- search every note ------------------------------------------------------------------

    def action_search(self) -> None:
        from app.ui.search_screen import SearchScreen

        if self.index is not None and self.screen is self.screen_stack[0]:
            self.push_screen(SearchScreen(self.index, self._search_query), self._open_search_hit)

    def _open_search_hit(self, outcome: SearchOutcome | None) -> None:
        """Show the hit's note (its entry in the tree when it has one), then find the match."""
        if outcome is None:
            return
        self._search_query = outcome.query
        hit = outcome.hit
        if hit is None:
            return
        shown = self._place
        if hit.key is not None and self.index_tree.reveal_entry(hit.key):
            place = Place(PlaceKind.ENTRY, hit.key)
        else:
            place = Place(PlaceKind.NOTE, hit.note)
        self._search_jump = (place, hit)
        # Shown already: show it again, so that its render reports back and the match is found.
        self._show_place(place, force=place == shown)
        self._refresh_keys()

    # -- the note shown: outline and images -------------------------------------------------

    def on_note_view_rendered(self, event: NoteView.Rendered) -> None:
        self._refresh_keys()  # the outline and image keys depend on what the note holds
        jump = self._search_jump
        if jump is not None and event.doc_key == f"{jump[0].kind}:{jump[0].key}":
            self._search_jump = None
            hit = jump[1]
            self.query_one(NotePane).find_hit(
                self._search_query, frontmatter=hit.frontmatter, ordinal=hit.ordinal
            )

    def action_outline(self) -> None:
        from app.ui.outline import OutlineScreen

        headings = self.note_view.headings
        if not headings or isinstance(self.screen, OutlineScreen):
            return
        top = self.note_view.scroll_y
        current = max((n for n, heading in enumerate(headings) if heading.line <= top), default=0)
        self.push_screen(OutlineScreen(headings, current), self._jump_to_heading)

    def _jump_to_heading(self, heading: HeadingRef | None) -> None:
        if heading is None:
            return
        if not self.note_view.scroll_to_anchor(heading.slug):
            self.note_view.scroll_to_line(heading.line)
        self.note_view.focus()

    def action_open_image(self) -> None:
        image = self.note_view.image_in_view()
        if image is not None:
            self.open_image(image.target)

    def on_note_view_image_clicked(self, event: NoteView.ImageClicked) -> None:
        self.open_image(event.image.target)

    def open_image(self, target: str) -> None:
        """An image of the note: the system viewer inside the root, the browser for the web."""
        index = self.index
        if index is None:
            return
        resolved = resolve_image(index.root, self._base, target)
        if isinstance(resolved, Refused):
            self.notify(inert_line(resolved.reason), title="Image not opened", severity="warning")
        elif isinstance(resolved, WebLink):
            self.open_web(resolved.url)
        elif not resolved.path.is_file():
            self.notify(f"Missing image: {inert_line(resolved.rel)}", severity="warning")
        else:
            self.open_in_viewer(resolved.path)

    @work(thread=True, group="viewer", name="viewer", exit_on_error=False)
    def open_in_viewer(self, path: Path) -> OpenResult:
        return open_file(path)

    # -- history ------------------------------------------------------------------------------

    def action_history_back(self) -> None:
        place = self._history.back()
        if place is not None:
            self._go_to_place(place)

    def action_history_forward(self) -> None:
        place = self._history.forward()
        if place is not None:
            self._go_to_place(place)

    def _go_to_place(self, place: Place) -> None:
        if place.kind is PlaceKind.ENTRY:
            self.index_tree.reveal_entry(place.key)
        elif place.kind is PlaceKind.CATEGORY:
            self.index_tree.reveal_category(place.key)
        self._show_place(place, record=False)
        self._refresh_keys()

    def go_to_entry(self, key: str) -> None:
        """From the command palette: reveal the entry, clearing filters that hide it."""
        if not self.index_tree.reveal_entry(key):
            self.filter_bar.value = ""
            self.filter_bar.display = False
            self._set_query(Query())
            self.index_tree.reveal_entry(key)
        self.index_tree.focus()

    # -- the current entry --------------------------------------------------------------------

    @property
    def current_entry(self) -> Entry | None:
        return self.index_tree.cursor_entry

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what does not apply to the entry under the cursor."""
        entry = self.current_entry if self.index is not None else None
        if action == "toggle_done":
            return None if entry is None or self._marking else True
        if action == "undo":
            return True if self._undo and not self._marking else None
        if action == "add_entry":
            return None if self.index is None or self._marking else True
        if action in ("open_primary", "copy_link"):
            return None if entry is None or entry.primary_url is None else True
        if action == "open_link":
            number = parameters[0] if parameters else 0
            links = entry.web_links if entry is not None else ()
            return True if isinstance(number, int) and 0 < number <= len(links) else None
        if action == "edit_note":
            return None if entry is None or entry.note is None else True
        if action == "edit_index":
            return None if self.index is None else True
        if action == "history_back":
            return True if self._history.can_go_back else None
        if action == "history_forward":
            return True if self._history.can_go_forward else None
        if action == "search":  # False: ctrl+f goes on to the focused input of another screen
            return self.index is not None and self.screen is self.screen_stack[0]
        if action == "outline":
            return True if self.note_view.headings else None
        if action == "open_image":
            return True if self.note_view.images else None
        return True

    def action_toggle_done(self) -> None:
        entry = self.current_entry
        if entry is None or self.index is None or self._marking:
            return
        wanted = Status.DONE if entry.status is Status.TODO else Status.TODO
        self._start_mark(self.index, entry.key, wanted, previous=entry.status, undoing=None)

    def action_undo(self) -> None:
        if not self._undo or self.index is None or self._marking:
            return
        last = self._undo.pop()
        self._start_mark(self.index, last.key, last.previous, previous=None, undoing=last)

    def _start_mark(
        self,
        index: Index,
        key: str,
        status: Status,
        *,
        previous: Status | None,
        undoing: UndoMark | None,
    ) -> None:
        self._marking = True
        # The footer greys out the keys that wait for the write only when it takes a while:
        # its recompose, before and after, would cost more than the mark itself.
        self._mark_keys_timer = self.set_timer(MARK_KEYS_DELAY, self._refresh_keys)
        self.mark_entry(index, key, status, previous, undoing)

    @work(
        thread=True,
        exclusive=True,
        group="mark",
        name="mark",
        description="mark",
        exit_on_error=False,
    )
    def mark_entry(
        self,
        index: Index,
        key: str,
        status: Status,
        previous: Status | None,
        undoing: UndoMark | None,
    ) -> tuple[MarkResult, Status | None]:
        require = undoing.line_after if undoing is not None else None
        return mark(index.path, key, status, known=index, require_line=require), previous

    def _mark_finished(self, result: MarkResult, previous: Status | None) -> None:
        if result.changed and previous is not None:
            self._undo.append(UndoMark(result.entry.key, previous, result.line_after))
            note = result.entry.note
            done = result.entry.status is Status.DONE
            if done and note is not None and self.config.record_done_date:
                self.record_done_date(result.index.root, note, date.today())
        self.show_index(result.index)
        if result.merged:
            self.notify(
                f"The index had changed on disk: {inert_line(result.message)} in its new version",
                title="Changed outside",
                severity="warning",
            )
        else:
            self.notify(inert_line(result.message))

    @work(thread=True, group="done-date", name="done-date", exit_on_error=False)
    def record_done_date(self, root: Path, note: str, day: date) -> bool:
        """``done: <day>`` in the note's frontmatter; a refusal comes back as a notice."""
        from app.core.frontmatter_edit import write_done_date

        return write_done_date(root, note, day)

    def action_add_entry(self) -> None:
        from app.ui.add_screen import AddScreen

        index = self.index
        if index is None or self._marking or isinstance(self.screen, AddScreen):
            return
        item = self.index_tree.cursor_item
        current = item.category if isinstance(item, Entry) else item.path if item else ()
        self.push_screen(AddScreen(index, current), self._add_requested)

    def _add_requested(self, request: AddRequest | None) -> None:
        if request is None or self.index is None or self._marking:
            return
        self._marking = True  # one write to the index at a time, and no re-read meanwhile
        self._refresh_keys()
        self.add_to_index(self.index, request)

    @work(thread=True, group="add", name="add", description="add", exit_on_error=False)
    def add_to_index(self, index: Index, request: AddRequest) -> AddResult:
        return add_entry(index, request)

    def _add_finished(self, result: AddResult) -> None:
        """Show the new index with the cursor on the new entry, its note in the preview."""
        self.show_index(result.index)
        self.go_to_entry(result.entry.key)
        self._show_place(Place(PlaceKind.ENTRY, result.entry.key), force=True)
        self.notify(inert_line(result.message))

    def action_open_primary(self) -> None:
        entry = self.current_entry
        if entry is not None and entry.primary_url is not None:
            self.open_web(entry.primary_url)

    def action_open_link(self, number: int) -> None:
        entry = self.current_entry
        if entry is not None and 0 < number <= len(entry.web_links):
            self.open_web(entry.web_links[number - 1].url)

    def open_web(self, url: str) -> None:
        refusal = url_is_openable(url)
        if refusal is not None:
            self.notify(inert_line(refusal), title="Not opened", severity="warning")
            return
        self.notify(f"Opening {inert_line(url)}")
        self.open_in_browser(url)

    @work(thread=True, group="browser", name="browser", exit_on_error=False)
    def open_in_browser(self, url: str) -> OpenResult:
        return open_url(url)

    def action_copy_link(self) -> None:
        entry = self.current_entry
        url = entry.primary_url if entry is not None else None
        if url is None:
            return
        self.copy_to_clipboard(url)  # OSC 52: reaches the local clipboard even over SSH
        self.copy_natively(url)

    @work(thread=True, exclusive=True, group="clipboard", name="clipboard", exit_on_error=False)
    def copy_natively(self, url: str) -> tuple[str, CopyResult]:
        return url, copy_native(url)

    def _copy_finished(self, url: str, result: CopyResult) -> None:
        shown = inert_line(url)
        if result.ok:
            self.notify(f"Copied {shown}")
        else:
            self.notify(
                f"Sent {shown} to the terminal's clipboard (OSC 52; not every terminal accepts "
                f"it). {inert_line(result.message)}",
                severity="warning",
            )

    # -- the editor ---------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        entry = self.current_entry
        index = self.index
        if entry is None or entry.note is None or index is None:
            return
        try:
            path = self._note_file(index, entry)
            self._edit(path, None)
        except ReadnotesError as error:
            self.notify(inert_line(str(error)), severity="error")
            return
        self._refresh_preview(force=True, keep_scroll=True)

    def _note_file(self, index: Index, entry: Entry) -> Path:
        """The file to edit for the entry's note, created with its title when missing."""
        assert entry.note is not None
        real = safe_path(index.root, entry.note)
        if real is None:
            raise ReadnotesError(f"Refused: {entry.note} is outside the notes folder")
        if entry.note.endswith("/") or real.is_dir():
            readme = folder_note(real)
            if readme is not None:
                return real / readme
            raise ReadnotesError(
                f"{entry.note} is a folder without a README: open one of its notes instead"
            )
        if not real.exists():
            created = create_note_stub(index.root, entry.note, entry.title)
            self.notify(f"Created {inert_line(entry.note)}")
            return created
        return real

    def action_edit_index(self) -> None:
        index = self.index
        if index is None:
            return
        entry = self.current_entry
        try:
            self._edit(index.path, entry.line if entry is not None else None)
        except ReadnotesError as error:
            self.notify(inert_line(str(error)), severity="error")
            return
        self.action_reload()

    def _edit(self, path: Path, line: int | None) -> None:
        command = editor_command(path, line, self.config.editor)
        try:
            with self.suspend():
                code = run_editor(command)
        except SuspendNotSupported:
            raise ReadnotesError("This terminal cannot hand over to an editor") from None
        if code != 0:
            self.notify(f"The editor exited with code {code}", severity="warning")

    def action_reload(self) -> None:
        """Reload now, by the same path as a change on disk (for folders no watcher can see)."""
        self.request_reload()
        self._refresh_preview(force=True, keep_scroll=True)

    # -- help and the command palette ---------------------------------------------------------

    def key_sections(self) -> list[KeySection]:
        from app.ui.help_screen import KeySection, key_rows

        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")
        return [
            KeySection("Tree", key_rows(self, IndexTree.BINDINGS)),
            KeySection("The current entry (from either pane)", key_rows(self, self.ENTRY_BINDINGS)),
            KeySection("The note shown (from either pane)", key_rows(self, self.NOTE_BINDINGS)),
            KeySection(
                "Everywhere",
                key_rows(self, [*self.GENERAL_BINDINGS, palette, *Screen.BINDINGS[:2]]),
            ),
            KeySection("Filter bar", key_rows(self, FilterBar.BINDINGS)),
            KeySection("Preview", key_rows(self, NoteView.BINDINGS)),
        ]

    def action_help(self) -> None:
        from app.ui.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_sections()))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if screen is not self.screen_stack[0]:
            return
        for section in self.key_sections()[:4]:
            for row in section.rows:
                if row.action in ("help", "quit", "command_palette") or row.keys[:1].isdigit():
                    continue
                yield SystemCommand(row.description, f"key: {row.keys}", self._runner(row.action))

    def _runner(self, action: str) -> Callable[[], Any]:
        tree_actions = {binding.action for binding in _bindings(IndexTree.BINDINGS)}
        target = self.index_tree if action in tree_actions else self
        return partial(self.run_action, action, target)

    def _refresh_keys(self) -> None:
        """Re-check which keys apply (footer greying); messages can still arrive at shutdown.

        Only when an answer of ``check_action`` changed: every refresh makes the footer
        recompose all its keys, which would otherwise cost every cursor move and keystroke.
        """
        if not self.screen_stack:
            return
        keys = (id(self.screen), *(self.check_action(*action) for action in _app_actions()))
        if keys != self._keys_shown:
            self._keys_shown = keys
            self.refresh_bindings()

    # -- worker results -----------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        wrote = worker.name in ("mark", "add") and worker.is_finished
        if wrote:  # before its result is shown, which checks the keys: the footer changes once
            self._marking = False
            if self._mark_keys_timer is not None:
                self._mark_keys_timer.stop()
                self._mark_keys_timer = None
        if worker.state is WorkerState.SUCCESS:
            self._worker_succeeded(worker.name, worker.result)
        elif worker.state is WorkerState.ERROR:
            self._worker_failed(worker.name, worker.error)
        if wrote:
            self._refresh_keys()
        if worker.is_finished:
            self._after_worker(worker.name)

    def _worker_succeeded(self, name: str, result: Any) -> None:
        if name == "reload":
            self._reread_finished(*result)
        elif name == "tags":
            index, tags, by_note = result
            if index is self.index:
                self._tags, self._note_tags = tags, by_note
                if self.filter_query.text.strip():
                    self._apply_filter()
                    self._restore_cursor(final=True)
        elif name == "preview":
            place, preview, version, keep_scroll, anchor, keep = result
            if keep is not None:
                self._previews.put(*keep)
            if place == self._place and preview is not None:
                self._present(preview, version=version, keep_scroll=keep_scroll, anchor=anchor)
                self._read_ahead()
        elif name == "mark":
            self._mark_finished(*result)
        elif name == "add":
            self._add_finished(result)
        elif name in ("browser", "viewer"):
            self.notify(result.message, severity="information" if result.ok else "warning")
        elif name == "clipboard":
            self._copy_finished(*result)

    def _worker_failed(self, name: str, error: BaseException | None) -> None:
        message = (
            str(error) if isinstance(error, ReadnotesError) else f"Unexpected error: {error!r}"
        )
        message = inert_line(message)
        if name == "reload":
            if self.index is None:
                self.status_line.show_message(message)
            else:
                self._problem = message
                self._show_status()
        self.notify(message, title="readnotes", severity="error")


def render_version(preview: Preview, version: object) -> object:
    """What tells one render of ``preview`` from another, for the preview's render cache.

    The note's mtime, and the body's hash too: a folder listing or an overview has no mtime to
    tell it changed; the header's text, since an entry's status or links may change alone.
    """
    return (version, hash(preview.body), tuple(line.plain for line in preview.header))


def add_entry(index: Index, request: AddRequest) -> AddResult:
    """Add the entry asked for to the index file, planned from ``index`` while it still holds."""
    from app.core.add import NoteChoice
    from app.core.add import add_entry as add

    return add(
        index.path,
        title=request.title,
        category=request.category,
        urls=request.links,
        todo=request.todo,
        note=NoteChoice.NEW if request.note else None,
        known=index,
    )


def _index_file(path: Path) -> Path:
    """The index a folder stands for: remembered places are keyed by the index file."""
    try:
        return find_index(path)
    except ReadnotesError:
        return path


def _bindings(bindings: list[BindingType]) -> list[Binding]:
    return list(Binding.make_bindings(bindings))


@cache
def _app_actions() -> tuple[tuple[str, tuple[object, ...]], ...]:
    """The app's own actions with their parameters, as ``check_action`` is asked about them."""
    parsed = (parse_action(b.action) for b in _bindings(ReadnotesApp.BINDINGS))
    return tuple(dict.fromkeys((name, params) for _, name, params in parsed))


def run_app(
    path: Path,
    poll: bool = False,
    config: Config | None = None,
    first_read: Future[Reread] | None = None,
) -> int:
    """Run the browser on ``path`` (a notes folder or an index file); the exit code.

    ``first_read``: the index, read ahead by the caller (:func:`app.core.reread.read_ahead`).
    """
    state = StateStore(default_state_dir())
    app = ReadnotesApp(path, poll=poll, config=config, state=state, first_read=first_read)
    # The modules just imported live as long as the process: keep the collector from walking
    # them while the screen is built (the parser freezes the model it builds the same way).
    gc.freeze()
    result = app.run()
    return result if isinstance(result, int) else 0
