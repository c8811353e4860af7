"""The page a note's blocks are laid out on: lines at one width, prefixed by their containers.

Containers (list items, quotes, footnotes) are not renderables: their bullets and bars are
prefixed to the lines of the blocks inside them, so a long list can stop after any item. Each
leaf block is rendered by rich at the width its containers leave, and a blank line (a gap)
goes between blocks.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.style import Style

from app.render.rendered import Line

__all__ = ["Container", "Page", "new_console"]

_MIN_BLOCK_WIDTH = 12


def new_console(width: int) -> Console:
    """A console of its own for one render (so renders can run in threads): truecolor, and no
    markup, emoji codes or highlighting read into the note's text."""
    return Console(
        width=max(1, width),
        file=io.StringIO(),
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


@dataclass(slots=True)
class Container:
    """A list item, quote or footnote: prefixes for its first line and the lines after."""

    first: Line
    rest: Line
    width: int
    used: bool = False


class Page:
    """Lines laid out so far, the containers open around the next block, and a pending gap."""

    def __init__(self, width: int, quote: Style) -> None:
        self.width = width
        self.quote = quote  # the style of text inside a quote
        self.console = new_console(width)
        self.options: ConsoleOptions = self.console.options
        self.lines: list[Line] = []
        self.blocks = 0
        self.need_gap = False
        self.containers: list[Container] = []

    def inner_width(self) -> int:
        indent = sum(container.width for container in self.containers)
        return max(min(self.width, _MIN_BLOCK_WIDTH), self.width - indent)

    def gap_now(self) -> None:
        """Put a pending gap before a container opens, so it is not drawn with its prefix."""
        if self.need_gap and self.lines:
            self.lines.append(self.prefix(gap=True))
        self.need_gap = False

    def begin_block(self) -> None:
        """Count a block and put a gap before it."""
        self.blocks += 1
        if self.need_gap and self.lines:
            self.lines.append(self.prefix(gap=True))
        self.need_gap = False

    def emit_renderable(self, renderable: RenderableType, *, gap_after: bool = True) -> None:
        self.begin_block()
        self.add_lines(self.render(renderable))
        self.need_gap = gap_after

    def emit(self, lines: list[Line]) -> None:
        self.begin_block()
        self.add_lines(lines)
        self.need_gap = True

    def render(self, renderable: RenderableType) -> list[Line]:
        options = self.options.update_width(self.inner_width())
        return self.console.render_lines(renderable, options, pad=False, new_lines=False)

    def add_lines(self, lines: list[Line]) -> None:
        quoted = any(container.first is container.rest for container in self.containers)
        for line in lines:
            prefix = self.prefix()
            if quoted:
                line = list(Segment.apply_style(line, self.quote))
            combined = prefix + line if prefix else line
            if Segment.get_line_length(combined) > self.width:
                combined = Segment.adjust_line_length(combined, self.width)
            self.lines.append(combined)

    def prefix(self, *, gap: bool = False) -> Line:
        segments: Line = []
        budget = self.width - _MIN_BLOCK_WIDTH
        used = 0
        for container in self.containers:
            if used + container.width > budget:
                container.used = True
                continue
            used += container.width
            if gap:
                if container.first is container.rest:
                    segments.extend(container.rest)
                continue
            segments.extend(container.rest if container.used else container.first)
            container.used = True
        return segments

    def lines_of(self, key: str, wanted: Collection[int], start: int) -> dict[int, int]:
        """Where each of `wanted` is first named by `key` in a segment's meta (an image's
        placeholder), searching from line `start`: value -> line."""
        pending = set(wanted)
        found: dict[int, int] = {}
        for number in range(start, len(self.lines)):
            for segment in self.lines[number]:
                style = segment.style
                if style is None or style._meta is None:
                    continue
                value = style.meta.get(key)
                if value in pending:
                    pending.discard(value)
                    found[value] = number
            if not pending:
                break
        return found
