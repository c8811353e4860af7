"""The ``ctrl+o`` outline: the note's headings, filtered as you type, to jump to one.

Frogmouth has a table of contents for the mouse; this one is for the keyboard. The filter is a
plain case-insensitive substring test over the heading texts, so it keeps up with typing even on
a note with thousands of headings. The screen returns the chosen heading; the app scrolls.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.core.sanitize import inert_line
from app.render.rendered import HeadingRef

__all__ = ["OutlineScreen", "matching_headings"]


def matching_headings(headings: list[HeadingRef], text: str) -> list[int]:
    """Indexes of the headings whose text holds every word of ``text`` (case-insensitive)."""
    words = text.casefold().split()
    return [
        number
        for number, heading in enumerate(headings)
        if all(word in heading.text.casefold() for word in words)
    ]


class OutlineScreen(ModalScreen[HeadingRef | None]):
    """The headings of the shown note, indented by level; enter jumps, escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close outline", id="outline.close"),
        Binding("down", "move(1)", "Next heading", id="outline.down"),
        Binding("up", "move(-1)", "Previous heading", id="outline.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="outline.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="outline.page_up"),
    ]

    def __init__(self, headings: list[HeadingRef], current: int | None = None) -> None:
        """``current`` is the index of the heading the reader is in, highlighted at first."""
        super().__init__()
        self._headings = headings
        self._current = current
        self._shown: list[int] = list(range(len(headings)))
        self._top_level = min((heading.level for heading in headings), default=1)

    def compose(self) -> ComposeResult:
        with Vertical(id="outline-body"):
            yield Static(Text("Outline", style="bold"), id="outline-title")
            yield Input(placeholder="Type to filter headings", id="outline-filter")
            yield OptionList(id="outline-list")
            yield Static(
                Text("↑↓ move · enter go to the heading · escape close", style="dim"),
                id="outline-foot",
            )

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#outline-list", OptionList)

    def on_mount(self) -> None:
        self.option_list.can_focus = False  # typing goes to the filter; up/down move the list
        self._show(list(range(len(self._headings))), highlight=self._current)
        self.query_one("#outline-filter", Input).focus()

    def _show(self, shown: list[int], *, highlight: int | None = None) -> None:
        self._shown = shown
        option_list = self.option_list
        option_list.set_options(self._option(number) for number in shown)
        if shown:
            position = shown.index(highlight) if highlight in shown else 0
            option_list.highlighted = position
            option_list.scroll_to_highlight(top=True)

    def _option(self, number: int) -> Option:
        heading = self._headings[number]
        indent = "  " * max(0, heading.level - self._top_level)
        style = "bold" if heading.level == self._top_level else ""
        return Option(Text.assemble(indent, (inert_line(heading.text) or "·", style)))

    @property
    def selected(self) -> HeadingRef | None:
        """The highlighted heading, if any heading is listed."""
        position = self.option_list.highlighted
        if position is None or not 0 <= position < len(self._shown):
            return None
        return self._headings[self._shown[position]]

    @on(Input.Changed, "#outline-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(matching_headings(self._headings, event.value))

    @on(Input.Submitted, "#outline-filter")
    def _submit(self) -> None:
        if self.selected is not None:
            self.dismiss(self.selected)

    @on(OptionList.OptionSelected, "#outline-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._headings[self._shown[event.option_index]])

    def action_move(self, step: int) -> None:
        self._move_by(step)

    def action_page(self, direction: int) -> None:
        page = max(1, self.option_list.scrollable_content_region.height - 1)
        self._move_by(direction * page)

    def _move_by(self, step: int) -> None:
        count = len(self._shown)
        if count:
            current = self.option_list.highlighted
            position = 0 if current is None else current + step
            self.option_list.highlighted = min(count - 1, max(0, position))

    def action_close(self) -> None:
        self.dismiss(None)
