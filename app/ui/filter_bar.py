"""The live filter: an input that appears with ``/`` and filters the tree as you type."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class FilterBar(Input):
    """Words to match against titles, categories and tags; ``#tag`` matches tags only.

    Typing posts ``Input.Changed``, enter ``Input.Submitted``; the app owns what they do.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "First match", show=False, id="filter.enter"),
        Binding("escape", "app.clear_text_filter", "Clear filter", id="filter.escape"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="words or #tag · enter: first match · esc: clear", id=id)
