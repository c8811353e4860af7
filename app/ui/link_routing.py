"""Where a link, an image, a search hit or an outline heading of the preview takes the reader.

All routing from the preview is here, in one place (as Frogmouth's main screen does): a link
goes to a note (its entry's, when the index has one), a heading, the browser, or a refusal.
"""

from __future__ import annotations

import posixpath
from collections.abc import Hashable
from typing import TYPE_CHECKING

from app.core.images import resolve_image
from app.core.links import AnchorLink, NoteLink, Refused, WebLink, resolve_link
from app.core.model import Index
from app.core.sanitize import inert_line
from app.ui.history import Place, PlaceKind
from app.ui.note_pane import NotePane

if TYPE_CHECKING:
    from app.core.search import Hit
    from app.render.rendered import HeadingRef
    from app.ui.app import ReadnotesApp
    from app.ui.search_screen import SearchOutcome


class LinkRouter:
    """Links and images of the note shown, search hits, and the outline's headings."""

    def __init__(self, app: ReadnotesApp) -> None:
        self.app = app
        self._notes: dict[str, str] = {}  # note path -> key of the first entry pointing at it
        self._search_query = ""  # the last ctrl+f query, offered again
        self._search_jump: tuple[Place, Hit] | None = None  # a hit to find once it is shown

    def index_shown(self, index: Index) -> None:
        """A new index: which entry each note belongs to."""
        self._notes = {}
        for entry in index.entries:
            if entry.note is not None:
                self._notes.setdefault(entry.note, entry.key)

    def follow_link(self, target: str) -> None:
        """Route a link from the preview: a note, a heading, a web page, or a refusal."""
        app = self.app
        index = app.index
        if index is None:
            return
        resolved = resolve_link(index.root, app.navigator.base, target)
        if isinstance(resolved, Refused):
            app.notify(inert_line(resolved.reason), title="Link refused", severity="warning")
        elif isinstance(resolved, WebLink):
            app.outside.open_web(resolved.url)
        elif isinstance(resolved, AnchorLink):
            if resolved.anchor and not app.note_view.scroll_to_anchor(resolved.anchor):
                app.notify(f"No heading #{inert_line(resolved.anchor)} in this note")
        elif isinstance(resolved, NoteLink):
            self._open_note(resolved.rel, resolved.anchor)

    def _open_note(self, rel: str, anchor: str | None) -> None:
        navigator = self.app.navigator
        key = self._notes.get(rel) or self._notes.get(posixpath.normpath(rel))
        if key is not None and self.app.index_tree.reveal_entry(key):
            navigator.show_place(Place(PlaceKind.ENTRY, key), anchor=anchor)
            return
        navigator.show_place(Place(PlaceKind.NOTE, rel), anchor=anchor)

    def open_image(self, target: str) -> None:
        """An image of the note: the system viewer inside the root, the browser for the web."""
        app = self.app
        index = app.index
        if index is None:
            return
        resolved = resolve_image(index.root, app.navigator.base, target)
        if isinstance(resolved, Refused):
            app.notify(inert_line(resolved.reason), title="Image not opened", severity="warning")
        elif isinstance(resolved, WebLink):
            app.outside.open_web(resolved.url)
        elif not resolved.path.is_file():
            app.notify(f"Missing image: {inert_line(resolved.rel)}", severity="warning")
        else:
            app.outside.open_in_viewer(resolved.path)

    def open_image_in_view(self) -> None:
        image = self.app.note_view.image_in_view()
        if image is not None:
            self.open_image(image.target)

    # -- search every note ------------------------------------------------------------------

    def search(self) -> None:
        from app.ui.search_screen import SearchScreen

        app = self.app
        if app.index is not None and app.screen is app.screen_stack[0]:
            app.push_screen(SearchScreen(app.index, self._search_query), self._open_search_hit)

    def _open_search_hit(self, outcome: SearchOutcome | None) -> None:
        """Show the hit's note (its entry in the tree when it has one), then find the match."""
        if outcome is None:
            return
        self._search_query = outcome.query
        hit = outcome.hit
        if hit is None:
            return
        app = self.app
        shown = app.navigator.place
        if hit.key is not None and app.index_tree.reveal_entry(hit.key):
            place = Place(PlaceKind.ENTRY, hit.key)
        else:
            place = Place(PlaceKind.NOTE, hit.note)
        self._search_jump = (place, hit)
        # Shown already: show it again, so that its render reports back and the match is found.
        app.navigator.show_place(place, force=place == shown)
        app.refresh_keys()

    def rendered(self, doc_key: Hashable) -> None:
        """A note finished rendering: find the search hit it was shown for."""
        jump = self._search_jump
        if jump is not None and doc_key == f"{jump[0].kind}:{jump[0].key}":
            self._search_jump = None
            hit = jump[1]
            self.app.query_one(NotePane).find_hit(
                self._search_query, frontmatter=hit.frontmatter, ordinal=hit.ordinal
            )

    # -- the outline ----------------------------------------------------------------------------

    def outline(self) -> None:
        from app.ui.outline import OutlineScreen

        app = self.app
        view = app.note_view
        headings = view.headings
        if not headings or isinstance(app.screen, OutlineScreen):
            return
        top = view.scroll_y
        current = max((n for n, heading in enumerate(headings) if heading.line <= top), default=0)
        app.push_screen(OutlineScreen(headings, current), self._jump_to_heading)

    def _jump_to_heading(self, heading: HeadingRef | None) -> None:
        if heading is None:
            return
        view = self.app.note_view
        if not view.scroll_to_anchor(heading.slug):
            view.scroll_to_line(heading.line)
        view.focus()
