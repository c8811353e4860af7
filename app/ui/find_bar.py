"""The find bar under the preview: ``/`` opens it, typing finds, enter keeps, escape clears."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class FindBar(Horizontal):
    """A one-line query and its match count ("3/12"); the note pane owns what typing does.

    Enter is the input's own ``Input.Submitted``: the pane takes the reader back to the note.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Clear find", id="find.close"),
    ]

    class Closed(Message):
        """Escape in the bar: the find is over."""

    def compose(self) -> ComposeResult:
        hint = "find in the note · enter: back to it, n/N move · esc: clear"
        yield Input(placeholder=hint, id="find-input")
        yield Static("", id="find-count")

    @property
    def input(self) -> Input:
        return self.query_one("#find-input", Input)

    def open(self, query: str, *, focus: bool = True) -> None:
        """Show the bar holding ``query``, without posting a change (the find is already run)."""
        self.display = True
        field = self.input
        if field.value != query:
            with field.prevent(Input.Changed):
                field.value = query
        if focus:
            # Focus now, not on the next idle: keys typed right after / must reach the bar.
            self.screen.set_focus(field)

    def show_count(self, query: str, current: int, total: int) -> None:
        if not query:
            text = Text("")
        elif total:
            text = Text(f"{current}/{total}")
        else:
            text = Text("no match", style="italic")
        self.query_one("#find-count", Static).update(text)

    def action_close(self) -> None:
        self.post_message(self.Closed())
