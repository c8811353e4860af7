"""The live filter: an input that appears with ``/`` and filters the tree as you type."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Self

from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.widgets import Input


class FilterBar(Input):
    """Words to match against titles, categories and tags; ``#tag`` matches tags only.

    Enter posts ``Input.Submitted``; the app owns what it does. Each change of the text is
    handed to ``on_change`` at once, from the value's watcher, rather than through the
    ``Input.Changed`` message: that message bubbles to the app a few hops later, after the
    screen has painted the echoed letter, so the filtered tree would come a frame or two behind
    it (~30 ms). Called synchronously, the tree, the status line and the echo share a frame.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "First match", show=False, id="filter.enter"),
        Binding("escape", "app.clear_text_filter", "Clear filter", id="filter.escape"),
    ]

    # Class-level defaults: the base class may refresh or set its value during ``__init__``.
    _on_change: Callable[[str], None] | None = None
    _value_changing = False

    def __init__(
        self, *, on_change: Callable[[str], None] | None = None, id: str | None = None
    ) -> None:
        super().__init__(placeholder="words or #tag · enter: first match · esc: clear", id=id)
        self._on_change = on_change

    def _watch_value(self, value: str) -> None:
        # ``Input`` asks for a layout of the whole screen on every change (it resets its virtual
        # size); the bar's size is fixed by the stylesheet (the pane's width, one line), so a
        # repaint is enough, and the echo is not held back by laying out every other widget.
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        layout = layout and not self._value_changing
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def watch_value(self, value: str) -> None:
        if self._on_change is not None:
            self._on_change(value)
