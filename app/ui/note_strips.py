"""The preview's lines as painted, and the first screens of notes rendered ahead, painted ahead.

A line's strip is kept as painted: styled, cut to the pane and carrying the offsets Textual's
text selection reads (``apply_offsets`` pickles each segment's meta: on a note's first screen
it cost more than styling the lines). A note read ahead has its first screen painted when its
render arrives, between two moves; the move that shows it then only looks its strips up.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from app.render.rendered import Rendered

__all__ = ["NoteStrips", "painted_strip"]

AHEAD = 8  # first screens painted ahead, kept for the moves to come
PAINTED = 1024  # painted lines of the note shown

_Line = list[Segment]
_Key = tuple[int, int, int]  # the line, the scroll's x, the pane's width


class _Ahead(NamedTuple):
    header: list[_Line]
    rendered: Rendered
    style: Style
    width: int
    strips: list[Strip]


def painted_strip(segments: _Line, style: Style, scroll_x: int, width: int, line: int) -> Strip:
    """Line ``line`` as painted in a pane ``width`` wide scrolled to ``scroll_x``."""
    strip = Strip(segments).apply_style(style)
    return strip.crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, line)


class NoteStrips:
    """Painted strips of the note shown, by line, scroll and width; first screens ahead."""

    def __init__(self) -> None:
        self._painted: LRUCache[_Key, Strip] = LRUCache(PAINTED)
        self._ahead: OrderedDict[int, _Ahead] = OrderedDict()  # by the render's id

    def get(self, line: int, scroll_x: int, width: int) -> Strip | None:
        return self._painted.get((line, scroll_x, width))

    def put(self, line: int, scroll_x: int, width: int, strip: Strip) -> None:
        self._painted[(line, scroll_x, width)] = strip

    def clear(self) -> None:
        """The note shown, its look or its highlights changed: paint its lines again."""
        self._painted.clear()

    def paint_ahead(
        self, header: list[_Line], rendered: Rendered, style: Style, width: int, height: int
    ) -> None:
        """Paint the first ``height`` lines of ``header`` over ``rendered``, unscrolled."""
        lines = [*header, *rendered.lines[: max(0, height - len(header))]][:height]
        strips = [painted_strip(line, style, 0, width, at) for at, line in enumerate(lines)]
        self._ahead[id(rendered)] = _Ahead(header, rendered, style, width, strips)
        self._ahead.move_to_end(id(rendered))
        while len(self._ahead) > AHEAD:
            self._ahead.popitem(last=False)

    def shown(self, header: list[_Line], rendered: Rendered, style: Style, width: int) -> None:
        """A note is put on screen (the painted lines were cleared): its first screen, if it
        was painted ahead with this header, look and width."""
        ahead = self._ahead.get(id(rendered))
        if (
            ahead is None
            or ahead.rendered is not rendered
            or not (ahead.header is header or not (ahead.header or header))
            or ahead.style != style
            or ahead.width != width
        ):
            return
        for line, strip in enumerate(ahead.strips):
            self._painted[(line, 0, width)] = strip
