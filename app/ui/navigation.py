"""Where the reader is, and what the preview shows: the place, history, and the notes read ahead.

A cursor move whose preview is at hand (cached, or made on the spot) is painted in the frame
that moves the cursor: the tree calls :meth:`Navigator.cursor_moved` directly. Otherwise the
note is read in an exclusive worker whose result is dropped if the cursor moved on, and the
notes around the cursor are read and rendered ahead for the next move.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from app.core.model import Category, Entry, Index
from app.core.notes import load_note
from app.render.preview import Preview, category_preview, entry_preview, note_preview
from app.render.rendered import Rendered as RenderedNote
from app.ui.history import History, Place, PlaceKind
from app.ui.preview_cache import Cached, PreviewCache, keepable
from app.ui.tree import Item
from app.ui.workers import thread_worker

if TYPE_CHECKING:
    from app.core.link_health import Health
    from app.ui.app import ReadnotesApp

# The entries whose notes are read and rendered ahead, by tree line from the cursor's: the
# next move's preview is then painted in the frame that moves the cursor.
READ_AHEAD_STEPS = (1, -1, 2)


@dataclass(frozen=True, slots=True)
class PreviewLoaded:
    """A note read off the event loop, for ``place``; ``keep`` goes to the preview cache."""

    place: Place
    preview: Preview | None
    version: object
    keep_scroll: bool
    anchor: str | None
    keep: tuple[Entry, Cached] | None


def render_version(preview: Preview, version: object, header: list[Text] | None = None) -> object:
    """What tells one render of ``preview`` from another, for the preview's render cache.

    The note's mtime, and the body's hash too: a folder listing or an overview has no mtime to
    tell it changed; the header's text, since an entry's status or links may change alone.
    """
    shown = preview.header if header is None else header
    return (version, hash(preview.body), tuple(line.plain for line in shown))


class Navigator:
    """The place shown, the way back and forward, and the previews kept for the next visit."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self.place: Place | None = None
        self.history = History()
        self.previews = PreviewCache()
        self.base: str | None = None  # what the preview's links are relative to
        self._reading_ahead = False
        self._entries_by_key: tuple[Index, dict[str, Entry]] | None = None

    @property
    def host(self) -> ReadnotesApp:
        return self.app

    def cursor_moved(self, item: Item | None) -> None:
        """The reader moved the tree cursor: a preview at hand is shown in the same frame."""
        place = self.place_of(item)
        if place is not None:
            self.show_place(place)

    def place_of(self, item: Item | None) -> Place | None:
        if isinstance(item, Entry):
            return Place(PlaceKind.ENTRY, item.key)
        if isinstance(item, Category):
            return Place(PlaceKind.CATEGORY, self.app.index_tree.uid(item))
        return None

    def refresh_preview(self, *, force: bool = False, keep_scroll: bool = False) -> None:
        """Show what the tree cursor is on (or, after a rebuild, the same place again)."""
        app = self.app
        place = self.place_of(app.index_tree.cursor_item)
        if place is not None:
            self.show_place(place, force=force, keep_scroll=keep_scroll)
        elif app.index is not None and not app.index.entries:
            self.place = None
            app.note_view.show("empty", "", None, [Text("This index has no entries yet.")])

    def show_place(
        self,
        place: Place,
        *,
        record: bool = True,
        force: bool = False,
        keep_scroll: bool = False,
        anchor: str | None = None,
    ) -> None:
        app = self.app
        if record:
            self.history.visit(place)
        if place == self.place and not force and anchor is None:
            return
        self.place = place
        index = app.index
        if index is None:
            return
        if place.kind is PlaceKind.CATEGORY:
            tree = app.index_tree
            category = tree.category(place.key)
            if category is not None:
                counts = tree.counts_for(category)
                preview = category_preview(
                    category,
                    tree.visible_entries(category),
                    counts.total,
                    counts.todo,
                    app.filtering.query.describe(),
                )
                self.present(preview, keep_scroll=keep_scroll, anchor=anchor)
                self._read_ahead()
            return
        entry = self._entry_by_key(index, place.key) if place.kind is PlaceKind.ENTRY else None
        if entry is not None:
            cached = self.previews.get(entry)
            if cached is None and entry.note is None:  # nothing to read: made here
                cached = Cached(entry_preview(entry, None, *self._health()), None, None)
                self.previews.put(entry, cached)
            if cached is not None:  # shown in the frame that moved the cursor
                app.workers.cancel_group(app, "preview")
                self.present(
                    cached.preview, version=cached.version, keep_scroll=keep_scroll, anchor=anchor
                )
                app.refresh_keys()
                self._read_ahead()
                return
        self.load_preview(index, place, keep_scroll, anchor)
        app.refresh_keys()

    def _health(self) -> tuple[Mapping[str, Health], float]:
        """The links' last known health and the time now, for the marks in an entry's links."""
        return self.app.link_checks.known, time.time()

    def _entry_by_key(self, index: Index, key: str) -> Entry | None:
        known = self._entries_by_key
        if known is None or known[0] is not index:
            known = self._entries_by_key = (index, index.by_key())
        return known[1].get(key)

    @thread_worker("preview", exclusive=True)
    def load_preview(
        self, index: Index, place: Place, keep_scroll: bool, anchor: str | None
    ) -> PreviewLoaded:
        """Read the note off the event loop; the result is dropped if the cursor moved on."""
        if place.kind is PlaceKind.NOTE:
            doc = load_note(index.root, place.key)
            return PreviewLoaded(place, note_preview(doc), doc.mtime_ns, keep_scroll, anchor, None)
        entry = index.find(place.key)
        if entry is None:
            return PreviewLoaded(place, None, None, keep_scroll, anchor, None)
        note = load_note(index.root, entry.note) if entry.note is not None else None
        version = note.mtime_ns if note is not None else None
        preview = entry_preview(entry, note, *self._health())
        kept = keepable(preview, note)  # for the next visit (stored on the event loop)
        keep = (entry, kept) if kept is not None else None
        return PreviewLoaded(place, preview, version, keep_scroll, anchor, keep)

    def preview_loaded(self, result: PreviewLoaded) -> None:
        if result.keep is not None:
            self.previews.put(*result.keep)
        if result.place == self.place and result.preview is not None:
            self.present(
                result.preview,
                version=result.version,
                keep_scroll=result.keep_scroll,
                anchor=result.anchor,
            )
            self._read_ahead()

    def present(
        self,
        preview: Preview,
        *,
        version: object = None,
        keep_scroll: bool = False,
        anchor: str | None = None,
    ) -> None:
        self.base = preview.base
        header = self.app.reading.header_for(preview)  # with its added and read days
        self.app.note_view.show(
            preview.doc_key,
            preview.body,
            preview.base,
            header,
            version=render_version(preview, version, header),
            keep_scroll=keep_scroll,
            anchor=anchor,
        )

    # -- reading ahead ------------------------------------------------------------------------

    def _read_ahead(self) -> None:
        """Read and render the notes of the entries around the cursor, for the next move."""
        app = self.app
        index = app.index
        tree = app.index_tree
        if index is None or self._reading_ahead:
            return
        if not app.note_view.width_known:  # before the first layout: at the real width, later
            app.call_after_refresh(self._read_ahead)
            return
        wanted: list[Entry] = []
        for step in READ_AHEAD_STEPS:
            line = tree.cursor_line + step
            item = tree.item_at(line)
            if isinstance(item, Entry) and item.note is not None and item not in self.previews:
                wanted.append(item)
        if wanted:
            self._reading_ahead = True
            self.read_ahead(index, wanted, app.note_view.width_for_render())

    @thread_worker("read-ahead")
    def read_ahead(self, index: Index, entries: list[Entry], width: int) -> None:
        """Off the event loop: each entry's preview and its render, handed over one by one."""
        app = self.app
        try:
            for entry in entries:
                if entry.note is None:
                    continue
                doc = load_note(index.root, entry.note)
                preview = entry_preview(entry, doc, *self._health())
                cached = keepable(preview, doc)
                if cached is None:
                    continue
                rendered = app.note_view.render_ahead(preview.body, preview.base, width)
                app.call_from_thread(self._read_ahead_done, entry, cached, rendered)
        except RuntimeError:  # the app is shutting down
            return
        finally:
            with suppress(RuntimeError):
                app.call_from_thread(self._read_ahead_finished)

    def _read_ahead_done(self, entry: Entry, cached: Cached, rendered: RenderedNote) -> None:
        self.previews.put(entry, cached)
        preview = cached.preview
        header = self.app.reading.header_for(preview)
        version = render_version(preview, cached.version, header)
        self.app.note_view.remember(preview.doc_key, version, rendered, preview.base, header)

    def _read_ahead_finished(self) -> None:
        self._reading_ahead = False

    # -- going places -------------------------------------------------------------------------

    def back(self) -> None:
        place = self.history.back()
        if place is not None:
            self._go_to_place(place)

    def forward(self) -> None:
        place = self.history.forward()
        if place is not None:
            self._go_to_place(place)

    def _go_to_place(self, place: Place) -> None:
        tree = self.app.index_tree
        if place.kind is PlaceKind.ENTRY:
            tree.reveal_entry(place.key)
        elif place.kind is PlaceKind.CATEGORY:
            tree.reveal_category(place.key)
        self.show_place(place, record=False)
        self.app.refresh_keys()

    def go_to_entry(self, key: str) -> None:
        """Reveal the entry, clearing filters that hide it."""
        tree = self.app.index_tree
        if not tree.reveal_entry(key):
            self.app.filtering.clear_all()
            tree.reveal_entry(key)
        tree.focus()

    def shows_any(self, paths: frozenset[str]) -> bool:
        """Whether the preview shows one of ``paths`` (its note, or a file in its folder note)."""
        place, index = self.place, self.app.index
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
