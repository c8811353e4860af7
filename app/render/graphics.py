"""A figure's pixels as the terminal's graphics protocol wants them (kitty or sixel).

For kitty the pixels go as the protocol's raw RGB or RGBA (``f=24``/``f=32``), deflated by zlib
(``o=z``) at its fastest level: a third of the time of a PNG of the same pixels, at about the
same size, and nothing to import. Sixels are encoded by textual-image's sixel encoder. Only
its encoding module is imported: ``textual_image.renderable`` and
``textual_image.widget`` ask the terminal what it supports and how big a cell is when they are
imported, and its kitty renderable writes straight to ``sys.__stdout__`` (racing Textual's
writer thread) and places images with Unicode placeholders, which WezTerm and Konsole do not
draw. So the kitty commands here are framed as the protocol says (``ESC _ G keys ; payload
ESC \\``, payload chunks of 4096 bytes) and reach the terminal inside the preview's own lines,
through Textual's output like every other byte.

The commands that place, hide and free a figure need no imaging code; textual-image is imported
by the first sixel figure's encoding. Nothing the image file holds reaches the terminal
except these encoded pixels: the file is decoded to pixels first (:mod:`app.core.figures`) and
only those are encoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "KittyPixels",
    "at_cell",
    "kitty_delete",
    "kitty_hide",
    "kitty_pixels",
    "kitty_place",
    "kitty_send",
    "kitty_transmit",
    "sixel_data",
]

_CHUNK = 4096
_APC = "\x1b_G"
_ST = "\x1b\\"


def _command(keys: str, payload: str = "") -> str:
    return f"{_APC}{keys};{payload}{_ST}" if payload else f"{_APC}{keys}{_ST}"


class KittyPixels(NamedTuple):
    """A figure's pixels as kitty takes them: deflated raw RGB (24) or RGBA (32), base64."""

    data: str
    width: int
    height: int
    depth: int


def kitty_pixels(image: Image.Image) -> KittyPixels:
    """``image`` (RGB or RGBA) encoded for :func:`kitty_send`: the costly part, done once."""
    import base64
    import zlib

    depth = 32 if image.mode == "RGBA" else 24
    pixels = image.tobytes() if image.mode in ("RGB", "RGBA") else image.convert("RGB").tobytes()
    data = base64.standard_b64encode(zlib.compress(pixels, 1)).decode("ascii")
    return KittyPixels(data, image.width, image.height, depth)


def kitty_send(image_id: int, pixels: KittyPixels) -> str:
    """Send ``pixels`` to the terminal as image ``image_id`` without showing it (``a=t``),
    quietly (``q=2``: the terminal answers nothing, so no reply lands among the keys), in
    chunks as the protocol says (``o=z``: deflated; ``s`` × ``v`` pixels)."""
    data = pixels.data
    chunks = [data[start : start + _CHUNK] for start in range(0, len(data), _CHUNK)] or [""]
    commands = []
    first = f"a=t,f={pixels.depth},o=z,s={pixels.width},v={pixels.height},i={image_id},q=2"
    for number, chunk in enumerate(chunks):
        more = 1 if number < len(chunks) - 1 else 0
        keys = f"{first},m={more}" if number == 0 else f"m={more},q=2"
        commands.append(_command(keys, chunk))
    return "".join(commands)


def kitty_transmit(image_id: int, image: Image.Image) -> str:
    """``image`` (RGB or RGBA) sent as image ``image_id`` (:func:`kitty_send`)."""
    return kitty_send(image_id, kitty_pixels(image))


def kitty_place(
    image_id: int,
    *,
    placement: int,
    cols: int,
    rows: int,
    source_y: int,
    source_height: int,
    width: int,
) -> str:
    """Show image ``image_id`` at the cursor over ``cols`` × ``rows`` cells, its pixel rows
    ``source_y`` to ``source_y + source_height`` only (the part scrolled into view). A
    ``placement`` (one per figure of the note) moves when placed again; the cursor stays
    (``C=1``)."""
    return _command(
        f"a=p,i={image_id},p={placement},x=0,y={source_y},w={width},h={source_height},"
        f"c={cols},r={rows},C=1,q=2"
    )


def kitty_hide(image_id: int, placement: int) -> str:
    """Take one placement of image ``image_id`` off the screen, keeping its pixels."""
    return _command(f"a=d,d=i,i={image_id},p={placement},q=2")


def kitty_delete(image_id: int) -> str:
    """Take image ``image_id`` off the screen and free its pixels (another note is shown)."""
    return _command(f"a=d,d=I,i={image_id},q=2")


def sixel_data(image: Image.Image, background: tuple[int, int, int]) -> str:
    """``image`` as sixels (transparent parts over ``background``)."""
    from textual_image._sixel import image_to_sixels  # with the first figure, not before

    return image_to_sixels(image, background=(*background, 1.0))


def at_cell(x: int, y: int, commands: str) -> str:
    """Run ``commands`` (a placement, sixels) with the cursor at screen cell (``x``, ``y``),
    0-based, then put the cursor back (DECSC / DECRC), so the rest of the line lands in place."""
    return f"\x1b7\x1b[{y + 1};{x + 1}H{commands}\x1b8"
