"""Reading a figure's pixels, safely: the only place readnotes decodes an image.

Imported (Pillow with it) only when a note with a figure is first drawn in a terminal that can
show it. An image path is as untrusted as a link (:func:`app.core.images.resolve_image`): one
that leads outside the notes folder, or to the web, is never opened. Before a byte is decoded,
the file's size and the header's pixel count are checked, and Pillow reads only the formats
the preview draws (PNG, JPEG, GIF, WebP); a bomb, a truncated file or something that only
claims to be an image ends as a reason for the placeholder, never as an exception.

Decoding is most of a figure's cost, so it is done as little as can be: a JPEG at the fraction
of its size the box needs (``draft``), a GIF's or WebP's first frame only, a large image
shrunk by whole factors (``reduce``) before the final filter, and each file version at each
size once (:class:`FigureCache`).
"""

from __future__ import annotations

import os
import stat
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from app.core.graphics import FIGURE_MAX_BYTES, FIGURE_MAX_PIXELS
from app.core.images import LocalImage, header_size, resolve_image

__all__ = [
    "FORMATS",
    "Decoder",
    "Figure",
    "FigureCache",
    "FigureProblem",
    "decode_pixels",
    "load_figure",
]

FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
_HEADER = 64 * 1024
CACHE_SIZE = 8  # figures kept decoded: a note's few, and the notes around it (~1 MB each)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure's pixels, scaled to the size asked for (RGB or RGBA)."""

    image: Image.Image


@dataclass(frozen=True, slots=True)
class FigureProblem:
    """Why a figure is not drawn, said on its placeholder."""

    reason: str


Decoder = Callable[[BinaryIO, tuple[int, int]], Figure | FigureProblem]
"""Decodes an open image file (already checked) and scales it to (width, height) pixels."""


def load_figure(
    root: Path, base: str | None, target: str, size: tuple[int, int]
) -> Figure | FigureProblem:
    """The image ``target`` (as written in the note at ``base``), its first frame scaled to
    ``size`` (width, height in pixels)."""
    return FigureCache(0).load(root, base, target, size)


class FigureCache:
    """The last few figures decoded and scaled, by file (path, modification time, size) and
    box: drawing a figure again (back to its note, a resize back) decodes nothing, and a file
    changed on disk is decoded afresh. Safe to share between worker threads."""

    def __init__(self, size: int = CACHE_SIZE, decoder: Decoder | None = None) -> None:
        self._size = size
        self._decoder: Decoder = decoder or decode_pixels
        self._kept: OrderedDict[object, Figure | FigureProblem] = OrderedDict()
        self._lock = threading.Lock()
        self._decoding: dict[object, threading.Lock] = {}  # one lock a figure being decoded

    def load(
        self, root: Path, base: str | None, target: str, size: tuple[int, int]
    ) -> Figure | FigureProblem:
        """As :func:`load_figure`, from the cache when the same file was drawn at this size."""
        resolved = resolve_image(root, base, target)
        if not isinstance(resolved, LocalImage):
            return FigureProblem("not a local image")
        return self.decode(resolved.path, size)

    def peek(
        self, root: Path, base: str | None, target: str, size: tuple[int, int]
    ) -> Figure | FigureProblem | None:
        """What :meth:`load` would give, if the file (as it is now: one ``lstat``, nothing
        read) was decoded at this size before; None otherwise. Cheap enough for a frame."""
        resolved = resolve_image(root, base, target)
        if not isinstance(resolved, LocalImage):
            return FigureProblem("not a local image")
        try:
            info = os.lstat(resolved.path)
        except OSError:
            return None
        key = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size, size)
        with self._lock:
            return self._kept.get(key) if stat.S_ISREG(info.st_mode) else None

    def decode(self, path: Path, size: tuple[int, int]) -> Figure | FigureProblem:
        """The file at ``path`` (already known to be inside the notes folder) decoded and
        scaled; its checks run every time, the decoding once per file version and size."""
        return _open_checked(path, size, self._cached)

    def _cached(
        self, file: BinaryIO, info: os.stat_result, size: tuple[int, int]
    ) -> Figure | FigureProblem:
        key = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size, size)
        with self._lock:
            decoding = self._decoding.setdefault(key, threading.Lock())
        with decoding:  # a figure decoded ahead and asked for meanwhile: decoded once
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None:
                    self._kept.move_to_end(key)
                    return kept
            result = self._decoder(file, size)
            with self._lock:
                self._decoding.pop(key, None)
                if self._size > 0:
                    self._kept[key] = result
                    while len(self._kept) > self._size:
                        self._kept.popitem(last=False)
        return result


def decode_figure(path: Path, size: tuple[int, int]) -> Figure | FigureProblem:
    """The file at ``path`` (already known to be inside the notes folder) decoded and scaled."""
    return FigureCache(0).decode(path, size)


def _open_checked(
    path: Path,
    size: tuple[int, int],
    decode: Callable[[BinaryIO, os.stat_result, tuple[int, int]], Figure | FigureProblem],
) -> Figure | FigureProblem:
    """Open ``path`` without following a symlink, check its size and header, then ``decode``."""
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
        return decode(file, info, size)


def decode_pixels(file: BinaryIO, size: tuple[int, int]) -> Figure | FigureProblem:
    """Pillow's decoding of an open file already checked (:class:`Decoder`)."""
    Image.MAX_IMAGE_PIXELS = FIGURE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=FORMATS) as opened:
                opened.seek(0)  # a GIF's or WebP's first frame, the only one decoded
                opened.draft("RGB", size)  # a JPEG decodes at a fraction of its size
                mode = "RGBA" if _has_alpha(opened) else "RGB"
                frame = opened.convert(mode)
        scaled = _scaled(frame, size)
        scaled.info.clear()  # the file's ICC profile, text, EXIF: never passed on, pixels only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return FigureProblem("too many pixels to draw")
    except UnidentifiedImageError:
        return FigureProblem("not a PNG, JPEG, GIF or WebP image")
    except (OSError, ValueError, SyntaxError, EOFError):
        return FigureProblem("damaged or truncated image")
    return Figure(scaled)


def _scaled(frame: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``frame`` at ``size``: first shrunk by the whole factor it is larger by (``reduce``
    averages boxes of pixels, ~5x cheaper than filtering), then filtered to the exact size."""
    factor = min(frame.width // size[0], frame.height // size[1])
    if factor >= 2:
        frame = frame.reduce(factor)
    if frame.size == size:
        return frame
    return frame.resize(size, Image.Resampling.LANCZOS)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
