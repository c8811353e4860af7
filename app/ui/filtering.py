"""The filter over the tree: the words typed, the status shown, and the notes' tags it matches.

A keystroke is applied in the frame that echoes it: the filter bar calls :meth:`Filtering.typed`
directly, and a query that can only narrow the last matches filters those instead of the whole
index. A category's overview, which lists its entries as filtered, waits for the typing to pause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.links import real_folder
from app.core.model import Entry, Index, Status
from app.core.notes import read_tags
from app.core.query import Query, filter_entries, narrows
from app.core.word_index import WordIndex, word_index_for
from app.ui.history import PlaceKind
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from textual.timer import Timer

    from app.ui.app import ReadnotesApp

STATUS_CYCLE: dict[Status | None, Status | None] = {
    None: Status.TODO,
    Status.TODO: Status.DONE,
    Status.DONE: None,
}
OVERVIEW_DELAY = 0.15  # seconds of no typing in the filter before a category overview re-renders

Tags = dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class TagsRead:
    """Every note's frontmatter tags, by entry key and by note path, for ``index``, and the
    words of its entries and their tags (what the filter looks plain words up in)."""

    index: Index
    tags: Tags
    by_note: Tags
    words: WordIndex


class Filtering:
    """The query, the tags it may name, and the last matches (to narrow when typing on)."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self.query = Query()
        self.tags: Tags = {}  # entry key -> the tags of its note's frontmatter, as last read
        self._note_tags: Tags = {}  # note path -> its tags, as last read
        self.shown: int | None = None  # entries passing the filter (None: no filter)
        self._overview_timer: Timer | None = None  # a category overview due after typing
        # the last filter applied: (index, tags, query, matches), to narrow when typing on
        self._last: tuple[Index, Tags, Query, list[Entry]] | None = None
        self.words: WordIndex | None = None  # built with the tags: until then, every entry tested

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    def apply(self) -> None:
        """Show the tree of the index on screen as the query filters it."""
        app = self.app
        index = app.index
        if index is None:
            return
        query = self.query
        matches: list[Entry] | None = None
        if query.active:
            within = self._narrowing(index, query)
            health = app.link_checks.known
            matches = filter_entries(
                index, query, self.tags, within=within, health=health, words=self.words
            )
            self._last = (index, self.tags, query, matches)
        app.index_tree.show_index(index, matches)
        self.shown = None if matches is None else len(matches)
        app.live.show_status()
        app.refresh_keys()

    def refilter(self) -> None:
        """Filter again from the whole index (what ``is:`` words see has changed)."""
        self._last = None
        self.apply()

    def _narrowing(self, index: Index, query: Query) -> list[Entry] | None:
        """The last matches, when ``query`` can only narrow them (same index, same tags)."""
        last = self._last
        if last is None or not query.active:
            return None
        last_index, last_tags, last_query, matches = last
        if last_index is not index or last_tags is not self.tags:
            return None
        return matches if narrows(last_query, query) else None

    def set_query(self, query: Query) -> None:
        if query == self.query:
            return
        app = self.app
        typed = query.status == self.query.status
        self.query = query
        self.apply()
        app.preferences.remember()
        place = app.navigator.place
        if place is not None and place.kind is PlaceKind.CATEGORY:
            if typed:  # the overview once the typing pauses, not on every key
                if self._overview_timer is not None:
                    self._overview_timer.stop()
                # the tree's timer: it stops with the tree, when the app shuts down
                timer = app.index_tree.set_timer(OVERVIEW_DELAY, self._refresh_overview)
                self._overview_timer = timer
            else:
                app.navigator.refresh_preview(force=True)

    def _refresh_overview(self) -> None:
        """A category's overview lists its entries as filtered: show it again."""
        self._overview_timer = None
        if not self.app.query("#preview"):  # the app is ending: the tree outlived its preview
            return
        place = self.app.navigator.place
        if place is not None and place.kind is PlaceKind.CATEGORY:
            self.app.navigator.refresh_preview(force=True)

    def typed(self, text: str) -> None:
        """The filter bar's text changed (called by the bar itself, in the same frame)."""
        self.set_query(Query(text, self.query.status))

    def submitted(self) -> None:
        app = self.app
        app.index_tree.first_entry()
        app.index_tree.focus()
        if not app.filter_bar.value:
            app.filter_bar.display = False

    def focus_filter(self) -> None:
        app = self.app
        app.filter_bar.display = True
        # Focus now, not on the next idle (``focus()``): keys typed right after ``/`` are
        # already queued and must reach the filter, not the tree.
        app.screen.set_focus(app.filter_bar)

    def clear_text(self) -> None:
        app = self.app
        app.filter_bar.value = ""
        app.filter_bar.display = False
        self.set_query(Query("", self.query.status))
        # Now, as for ``/``: keys typed right after escape must reach the tree.
        app.screen.set_focus(app.index_tree)

    def clear_all(self) -> None:
        """No filter at all (to reveal an entry the filters hide)."""
        self.app.filter_bar.value = ""
        self.app.filter_bar.display = False
        self.set_query(Query())

    def cycle_status(self) -> None:
        self.set_query(Query(self.query.text, STATUS_CYCLE[self.query.status]))

    def filter_by_tag(self, tag: str) -> None:
        """Show the entries whose notes carry ``tag``."""
        app = self.app
        text = f"#{tag}"
        app.filter_bar.value = text
        app.filter_bar.display = True
        self.set_query(Query(text, self.query.status))
        app.index_tree.first_entry()
        app.index_tree.focus()

    # -- the notes' tags --------------------------------------------------------------------------

    def read_tags(self) -> None:
        """The tags of the index shown, reading again only the notes not read before."""
        if self.app.index is not None:
            self.load_tags(self.app.index, self._note_tags)

    def notes_changed(self, paths: frozenset[str], *, came_back: bool) -> None:
        """Notes' frontmatter tags may have changed: read those notes again."""
        stale = self._note_tags.keys() & paths
        if self.app.index is not None and (stale or came_back):
            kept = {} if came_back else self._note_tags
            self._note_tags = {note: tags for note, tags in kept.items() if note not in stale}
            self.load_tags(self.app.index, self._note_tags)

    @thread_worker("tags", exclusive=True)
    def load_tags(self, index: Index, known: Tags) -> TagsRead:
        """Tags from every note's frontmatter, for ``#tag`` words in the filter.

        Notes in ``known`` (by path) are not read again: a save of the index alone reads none.
        The index's words are gathered here too, off the event loop, once the tags are known.
        """
        by_note: Tags = {}
        tags: Tags = {}
        root = real_folder(index.root)
        if root is None:
            return TagsRead(index, tags, by_note, word_index_for(index, tags, self.words))
        for entry in index.entries:
            note = entry.note
            if note is None or note.endswith("/"):
                continue
            found = by_note.get(note)
            if found is None:
                found = known[note] if note in known else read_tags(root, note, root_is_real=True)
                by_note[note] = found
            if found:
                tags[entry.key] = found
        return TagsRead(index, tags, by_note, word_index_for(index, tags, self.words))

    def tags_read(self, result: TagsRead) -> None:
        if result.index is not self.app.index:
            return
        self.tags, self._note_tags = result.tags, result.by_note
        self.words = result.words
        if self.query.text.strip():
            self.apply()
            self.app.preferences.restore_cursor(final=True)
