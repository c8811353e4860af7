"""The right pane: the note preview with its find bar underneath.

The pane joins the two: ``/`` in the preview opens the bar, each keystroke there finds again
from where the reader was when the find began, the bar shows the count the preview reports, and
escape (in either) ends the find. The app only calls :meth:`find_hit` to land on a search result.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from app.render.find import match_for_hit
from app.ui.find_bar import FindBar
from app.ui.note_view import NoteView


class NotePane(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._origin = 0  # the top line of the view when the find began

    def compose(self) -> ComposeResult:
        yield NoteView(id="preview")
        yield FindBar(id="find")

    @property
    def note_view(self) -> NoteView:
        return self.query_one("#preview", NoteView)

    @property
    def find_bar(self) -> FindBar:
        return self.query_one("#find", FindBar)

    def on_mount(self) -> None:
        self.find_bar.display = False

    def find_hit(self, query: str, *, frontmatter: bool, ordinal: int) -> None:
        """Find ``query`` in the note shown and go to the match that stands for a search hit."""
        view = self.note_view
        view.find(query, from_line=0)
        chosen = match_for_hit(
            view.find_matches, view.header_lines, frontmatter=frontmatter, ordinal=ordinal
        )
        if chosen is not None:
            view.select_match(chosen)
        self._origin = 0
        self.find_bar.open(query, focus=False)
        view.focus()
        self.call_after_refresh(view.reveal_current_match)  # the bar took a line from the view

    def on_note_view_find_requested(self, event: NoteView.FindRequested) -> None:
        event.stop()
        self._origin = round(self.note_view.scroll_y)
        self.find_bar.open(self.note_view.find_query)
        self.call_after_refresh(self.note_view.reveal_current_match)

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.note_view.find(event.value, from_line=self._origin)

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        """Back to the note, the matches still highlighted, for n and N."""
        event.stop()
        if not self.note_view.find_query:
            self.find_bar.display = False
        self.note_view.focus()

    def on_find_bar_closed(self, event: FindBar.Closed) -> None:
        event.stop()
        self.find_bar.display = False
        self.note_view.clear_find()
        self.note_view.focus()

    def on_note_view_find_changed(self, event: NoteView.FindChanged) -> None:
        event.stop()
        bar = self.find_bar
        bar.show_count(event.query, event.current, event.total)
        if not event.query and not bar.has_focus_within:
            bar.display = False
