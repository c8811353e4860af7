"""A scroll view's new content size, without laying out the whole screen again."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Setting ``virtual_size`` asks for a layout of every widget (a ``ScrollView`` may be sized
    by its content). The views here are sized by the stylesheet, and only their scrollbars
    follow the content: when a scrollbar stays shown (or hidden), it is updated directly, and the
    change is painted in the frame that made it. When it appears or goes, the content region
    changes: then the screen is laid out as Textual does.
    """
    if size == view.virtual_size:
        return
    container = view.container_size
    scrollbar = view.styles.overflow_y == "scroll" or (
        view.styles.overflow_y == "auto" and size.height > container.height
    )
    if (
        not container  # not laid out yet
        or size.width != view.virtual_size.width
        or scrollbar != view.show_vertical_scrollbar  # the content region changes
    ):
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)
