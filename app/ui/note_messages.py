"""What the note preview tells the screen: a link or an image clicked, a find, a render done.

Defined here rather than inside :class:`~app.ui.note_view.NoteView` so that the widget's module
holds only painting; each keeps the ``note_view`` namespace, so the handlers are still
``on_note_view_link_clicked`` and the like, and ``NoteView.LinkClicked`` still names them.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from app.render.rendered import ImageRef
    from app.ui.note_view import NoteView


class LinkClicked(Message, namespace="note_view"):
    """A link in the note was clicked; the app decides what the target may do."""

    def __init__(self, note_view: NoteView, target: str) -> None:
        super().__init__()
        self.note_view = note_view
        self.target = target

    @property
    def control(self) -> NoteView:
        return self.note_view


class ImageClicked(Message, namespace="note_view"):
    """An image placeholder was clicked."""

    def __init__(self, note_view: NoteView, image: ImageRef) -> None:
        super().__init__()
        self.note_view = note_view
        self.image = image

    @property
    def control(self) -> NoteView:
        return self.note_view


class FindRequested(Message, namespace="note_view"):
    """`/` was pressed: whoever holds the find bar opens it."""


class FindChanged(Message, namespace="note_view"):
    """The find's query, its matches or the current match changed (`total` 0: none)."""

    def __init__(self, query: str, current: int, total: int) -> None:
        super().__init__()
        self.query = query
        self.current = current  # 1-based; 0 when there is no match
        self.total = total


class Rendered(Message, namespace="note_view"):
    """The whole of the document `doc_key` is rendered and on screen."""

    def __init__(self, note_view: NoteView, doc_key: Hashable) -> None:
        super().__init__()
        self.note_view = note_view
        self.doc_key = doc_key

    @property
    def control(self) -> NoteView:
        return self.note_view
