"""Find in the note shown: what the view's `/`, `n`, `N` and escape do, beside the view.

`app.render.find.FindState` knows the matches of a query in lines of segments and which is
current; this object ties it to the `NoteView` showing them: it collects the matches over the
view's header and body, repaints the view when they change, scrolls the current one into view
and tells the screen (`NoteView.FindChanged`), so the widget keeps only its keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment

from app.render.find import FindState

if TYPE_CHECKING:
    from app.ui.note_view import NoteView

__all__ = ["NoteFind"]


class NoteFind:
    def __init__(self, view: NoteView) -> None:
        self.view = view
        self.state = FindState()

    def find(self, query: str, from_line: int | None) -> None:
        """Every match of ``query``, the current one the first at or below ``from_line``
        (default: the top of the view), else the first of all, as `less` does."""
        self.collect(query)
        view = self.view
        self.state.go_to_first_from(round(view.scroll_y) if from_line is None else from_line)
        self.changed(scroll=True)

    def select(self, number: int) -> None:
        if self.state.select(number):
            self.changed(scroll=True)

    def step(self, step: int) -> None:
        if self.state.step(step):
            self.changed(scroll=True)

    def clear(self) -> None:
        self.collect("")
        self.state.current = None
        self.changed(scroll=False)

    def again(self) -> None:
        """A new render of the note: find the query in it again, keeping the current match."""
        previous = self.state.current
        self.collect(self.state.query)
        self.state.keep_current(previous)
        self.changed(scroll=False)

    def collect(self, query: str) -> None:
        self.state.collect(self.view.shown_lines(), query)
        self.view.repaint()

    def reveal(self) -> None:
        """Scroll the current match into view (a quarter down the view) unless it is in view."""
        view = self.view
        height = view.scrollable_content_region.height
        line = self.state.line_to_reveal(round(view.scroll_y), height)
        if line is not None:
            view.scroll_to_line(line)

    def changed(self, *, scroll: bool) -> None:
        view = self.view
        view.repaint()
        if scroll:
            self.reveal()
        state = self.state
        view.post_message(view.FindChanged(state.query, state.position, len(state.matches)))
        if view.is_attached and view.screen.is_active:
            view.screen.refresh_bindings()

    def highlighted(self, index: int, segments: list[Segment]) -> list[Segment]:
        view = self.view
        return self.state.highlighted(
            index,
            segments,
            view.get_component_rich_style("note-view--match", partial=True),
            view.get_component_rich_style("note-view--match-current", partial=True),
        )
