"""Inline content: the text of a paragraph, heading or cell as it is collected, and image labels.

An image is not drawn in a terminal: it becomes a one-line placeholder that says what it is,
where it is and whether it can be opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text

from app.core.images import ImageInfo
from app.core.sanitize import inert_line
from app.render.wrap import WrappingText

__all__ = ["Inline", "image_label"]

_IMAGE_TARGET_CELLS = 60  # a longer image path (a data: URI) is shortened in its placeholder


@dataclass(slots=True)
class Inline:
    """Inline content being collected for one paragraph, heading or table cell."""

    text: Text = field(default_factory=WrappingText)
    styles: list[Style] = field(default_factory=list)
    images: list[int] = field(default_factory=list)
    soft_break: bool = False  # a line break in the source, not yet known to be a space


def image_label(alt: str, target: str, info: ImageInfo) -> str:
    """`🖼 alt (path, 240×160)`, or `🖼 alt (path) — missing image`."""
    shown = inert_line(target)
    if len(shown) > _IMAGE_TARGET_CELLS:
        shown = shown[: _IMAGE_TARGET_CELLS - 1] + "…"
    if info.size is not None:
        shown += f", {info.size[0]}×{info.size[1]}"
    label = f"🖼 {alt or 'image'} ({shown})"
    return f"{label} — {info.problem}" if info.problem else label
