"""Where an image in a note points, and how big it is, without decoding it.

An image path in a note is as untrusted as a link, so it goes through the same rules
(:func:`app.core.links.resolve_link`): a local image is opened only when it stays inside the notes
folder, a web image goes to the browser, anything else is refused. The preview's placeholder says
whether the file exists and, for PNG, GIF, JPEG and WebP, its size in pixels, read from the file's
header: at most :data:`HEADER_LIMIT` bytes, nothing decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from app.core.links import AnchorLink, NoteLink, Refused, WebLink, resolve_link, safe_path

HEADER_LIMIT = 64 * 1024
"""Bytes read at most to find an image's size (a JPEG's size follows its metadata)."""

_FIRST_READ = 1024  # enough for PNG, GIF, WebP and most JPEGs
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG_SIZE_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_BARE_MARKERS = frozenset({0x01, *range(0xD0, 0xD9)})


@dataclass(frozen=True, slots=True)
class LocalImage:
    rel: str  # root-relative POSIX path, as shown to the reader
    path: Path  # the real path, inside the notes folder (it may not exist)


ImageTarget = LocalImage | WebLink | Refused


class ImageInfo(NamedTuple):
    """What the preview says about an image: why it cannot be shown, or its size if known."""

    problem: str | None = None  # "missing image", "refused: ..."
    size: tuple[int, int] | None = None  # width, height in pixels


def resolve_image(root: Path, base: str | None, target: str) -> ImageTarget:
    """Resolve an image path found in the note ``base`` (root-relative) under ``root``."""
    resolved = resolve_link(root, base, target)
    if isinstance(resolved, WebLink | Refused):
        return resolved
    if isinstance(resolved, AnchorLink) or not resolved.rel or resolved.rel.endswith("/"):
        return Refused("Not an image: it names a heading or a folder")
    return _local(root, resolved)


def probe_image(root: Path, base: str | None, target: str) -> ImageInfo:
    """What the placeholder should say about ``target``; reads at most a header."""
    resolved = resolve_image(root, base, target)
    if isinstance(resolved, Refused):
        return ImageInfo(problem=f"refused: {_short_reason(resolved.reason)}")
    if isinstance(resolved, WebLink):
        return ImageInfo()
    if not resolved.path.is_file():
        return ImageInfo(problem="missing image")
    return ImageInfo(size=image_size(resolved.path))


def image_size(path: Path, limit: int = HEADER_LIMIT) -> tuple[int, int] | None:
    """Width and height from a PNG, GIF, JPEG or WebP header; None when unknown or unreadable."""
    try:
        with path.open("rb") as file:
            head = file.read(min(limit, _FIRST_READ))
            size = header_size(head)
            if size is None and head.startswith(b"\xff\xd8") and len(head) < limit:
                head += file.read(limit - len(head))  # a JPEG's metadata can come first
                size = header_size(head)
    except OSError:
        return None
    return size


def header_size(head: bytes) -> tuple[int, int] | None:
    """Width and height from the first bytes of an image file, if it is a known kind."""
    try:
        if head.startswith(_PNG) and head[12:16] == b"IHDR":
            return _positive(*struct.unpack(">II", head[16:24]))
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return _positive(*struct.unpack("<HH", head[6:10]))
        if head.startswith(b"\xff\xd8"):
            return _jpeg_size(head)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp_size(head)
    except struct.error:  # a header cut short
        return None
    return None


def _local(root: Path, link: NoteLink) -> ImageTarget:
    path = safe_path(root, link.rel)
    if path is None:
        return Refused("Image refused: it leads outside the notes folder")
    return LocalImage(link.rel, path)


def _short_reason(reason: str) -> str:
    """``Link refused: an absolute path`` -> ``an absolute path``."""
    for prefix in ("Link refused: ", "Image refused: ", "Web link refused: "):
        if reason.startswith(prefix):
            return reason.removeprefix(prefix)
    return reason


def _positive(width: int, height: int) -> tuple[int, int] | None:
    return (width, height) if width > 0 and height > 0 else None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments up to the first frame header (SOFn), which holds the size."""
    position = 2
    while position + 4 <= len(head):
        if head[position] != 0xFF:
            return None
        marker = head[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _JPEG_BARE_MARKERS:
            position += 2
            continue
        if marker in _JPEG_SIZE_MARKERS:
            height, width = struct.unpack(">HH", head[position + 5 : position + 9])
            return _positive(width, height)
        (length,) = struct.unpack(">H", head[position + 2 : position + 4])
        if length < 2:
            return None
        position += 2 + length
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return _positive(width, height)
    if chunk == b"VP8L" and head[20:21] == b"\x2f":
        (bits,) = struct.unpack("<I", head[21:25])
        return _positive((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return _positive(width & 0x3FFF, height & 0x3FFF)
    return None
