"""Reading a figure's pixels, safely: the only place readnotes decodes an image.

Imported (Pillow with it) only when a note with a figure is first drawn in a terminal that can
show it. An image path is as untrusted as a link (:func:`app.core.images.resolve_image`): one
that leads outside the notes folder, or to the web, is never opened. Before a byte is decoded,
the file's size and the header's pixel count are checked, and Pillow reads only the formats
the preview draws (PNG, JPEG, GIF, WebP); a bomb, a truncated file or something that only
claims to be an image ends as a reason for the placeholder, never as an exception.
"""

from __future__ import annotations

import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.core.graphics import FIGURE_MAX_BYTES, FIGURE_MAX_PIXELS
from app.core.images import LocalImage, header_size, resolve_image

__all__ = ["FORMATS", "Figure", "FigureProblem", "load_figure"]

FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
_HEADER = 64 * 1024


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure's pixels, scaled to the size asked for (RGB or RGBA)."""

    image: Image.Image


@dataclass(frozen=True, slots=True)
class FigureProblem:
    """Why a figure is not drawn, said on its placeholder."""

    reason: str


def load_figure(
    root: Path, base: str | None, target: str, size: tuple[int, int]
) -> Figure | FigureProblem:
    """The image ``target`` (as written in the note at ``base``), its first frame scaled to
    ``size`` (width, height in pixels)."""
    resolved = resolve_image(root, base, target)
    if not isinstance(resolved, LocalImage):
        return FigureProblem("not a local image")
    return decode_figure(resolved.path, size)


def decode_figure(path: Path, size: tuple[int, int]) -> Figure | FigureProblem:
    """The file at ``path`` (already known to be inside the notes folder) decoded and scaled."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return FigureProblem("unreadable image")
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return FigureProblem("not a file")
        if info.st_size > FIGURE_MAX_BYTES:
            return FigureProblem(f"too large to draw ({info.st_size // (1024 * 1024)} MB)")
        head = file.read(_HEADER)
        pixels = header_size(head)
        if pixels is None:
            return FigureProblem("not a PNG, JPEG, GIF or WebP image")
        if pixels[0] * pixels[1] > FIGURE_MAX_PIXELS:
            return FigureProblem(f"too many pixels to draw ({pixels[0]}×{pixels[1]})")
        file.seek(0)
        return _decode(file, size)


def _decode(file: object, size: tuple[int, int]) -> Figure | FigureProblem:
    Image.MAX_IMAGE_PIXELS = FIGURE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=FORMATS) as opened:  # type: ignore[arg-type]
                opened.seek(0)  # a GIF's or WebP's first frame
                opened.draft("RGB", size)  # a JPEG decodes at a fraction of its size
                mode = "RGBA" if _has_alpha(opened) else "RGB"
                frame = opened.convert(mode)
        # reduced by whole factors first, then filtered: a third of the time, the same look
        scaled = frame.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        scaled.info.clear()  # the file's ICC profile, text, EXIF: never passed on, pixels only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return FigureProblem("too many pixels to draw")
    except UnidentifiedImageError:
        return FigureProblem("not a PNG, JPEG, GIF or WebP image")
    except (OSError, ValueError, SyntaxError, EOFError):
        return FigureProblem("damaged or truncated image")
    return Figure(scaled)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
