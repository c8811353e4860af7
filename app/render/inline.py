"""Inline content: the text of a paragraph, heading or cell as it is collected, math and images.

Math is shown as Unicode (`x_i^2` as `xᵢ²`), or as its source when it cannot be read. An image is
not drawn in a terminal: it becomes a one-line placeholder that says what it is, where it is and
whether it can be opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text

from app.core.images import ImageInfo
from app.core.sanitize import inert, inert_line
from app.render.rendered import ImageProbe
from app.render.theme import RenderTheme
from app.render.wrap import WrappingText

__all__ = ["Inline", "image_info", "image_label", "math_display", "math_inline"]

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


def image_info(probe: ImageProbe | None, target: str) -> ImageInfo:
    """What `probe` says of the image at `target`; an error reading it is said, not raised."""
    if probe is None:
        return ImageInfo()
    try:
        return probe(target)
    except (OSError, ValueError):
        return ImageInfo(problem="unreadable image")


def math_inline(source: str, theme: RenderTheme) -> tuple[str, Style]:
    """`$source$` as Unicode text in the math style, or as its source when it cannot be read."""
    converted = _latex_to_unicode(source)
    if converted is None:
        return f"${inert_line(source)}$", theme.math_source
    return inert_line(converted), theme.math


def math_display(source: str, theme: RenderTheme) -> Text:
    """`$$source$$` as a centred line of Unicode, or its source when it cannot be read."""
    source = source.strip()
    converted = _latex_to_unicode(source)
    if converted is None:
        return Text(f"$${inert(source)}$$", theme.math_source, justify="center")
    return Text(inert_line(converted), theme.math, justify="center")


def _latex_to_unicode(source: str) -> str | None:
    from app.render.math import latex_to_unicode  # pylatexenc: by the first note with math

    return latex_to_unicode(source)
