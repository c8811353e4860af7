"""What a render hands out: a note's painted lines and what points into them.

Immutable values, so a render made in a thread can be cached and painted by the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote

from rich.segment import Segment

from app.core.anchors import slugify
from app.core.graphics import FigureBox
from app.core.images import ImageInfo

__all__ = ["FigureRef", "FigureSizer", "HeadingRef", "ImageProbe", "ImageRef", "Line", "Rendered"]

Line = list[Segment]

ImageProbe = Callable[[str], ImageInfo]
"""Says, for an image path in the note, whether it is missing and how big it is."""

FigureSizer = Callable[[tuple[int, int], int], FigureBox | None]
"""The box an image of these pixels is drawn in, given the cells free across; None: not drawn
(the terminal draws no figures)."""


class HeadingRef(NamedTuple):
    level: int
    text: str
    line: int
    slug: str


class ImageRef(NamedTuple):
    alt: str
    target: str
    line: int


class FigureRef(NamedTuple):
    """Lines kept blank below an image's placeholder, for the terminal to draw it in."""

    image: int  # its index in `Rendered.images`
    target: str  # the path as written in the note
    line: int  # the first of the lines kept
    x: int  # cells from the left edge (the indent of a list or quote)
    box: FigureBox


@dataclass(frozen=True, slots=True)
class Rendered:
    """A note laid out at one width: lines of segments plus what points into them."""

    lines: list[Line]
    width: int
    anchors: dict[str, int] = field(default_factory=dict)
    headings: list[HeadingRef] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    figures: list[FigureRef] = field(default_factory=list)
    complete: bool = True

    def anchor_line(self, anchor: str) -> int | None:
        """The line of the heading an `#anchor` link names: as written, percent-decoded, or
        the slug of its text (`#Deep Section` finds `## Deep Section`); None if there is none."""
        anchor = anchor.removeprefix("#")
        for candidate in (anchor, unquote(anchor), slugify(unquote(anchor))):
            if candidate in self.anchors:
                return self.anchors[candidate]
        return None
