"""A figure's pixels as the terminal's graphics protocol wants them (kitty or sixel).

Sixels are encoded by textual-image's sixel encoder (only its encoding module is imported).
For kitty the pixels are the protocol's raw RGB or RGBA (``f=24``/``f=32``), deflated by zlib
(``o=z``) at its fastest level: half the time of textual-image's PNG of the same pixels
(``PixelData.to_base64``, ~95 ms against ~50 ms for 1200×675 here), at about the same size.

The kitty commands themselves (``ESC _ G keys ; payload ESC \\``, payload chunks of 4096
bytes) are framed here, in the few lines below, because no library we can depend on frames
them without asking the terminal or writing to it itself (checked for issue 19):

- textual-image 0.12 frames them only in ``renderable/tgp.py`` (``_send_tgp_message``, which
  writes to ``sys.__stdout__``, line 70, racing Textual's writer thread), and importing that
  module runs ``renderable/__init__.py``, whose lines 23-26 query the terminal for sixel and
  kitty support; it places images with Unicode placeholders, which WezTerm and Konsole do not
  draw. 0.13 and later are the same and need Python 3.12.
- term-image 0.7.2 has a string-building ``Transmission`` (``image/kitty.py`` line 495) but
  no image ids, placements or crops (its ``_ControlData`` holding them is "Currently Unused",
  line 628), and it requires Pillow < 11.
- dapple 0.9.1 writes to a stream it is given, but only ``a=T`` with no image id
  (``renderers/kitty.py`` lines 231-290): no sending once and placing, cropping or freeing by
  id; it takes float numpy arrays (numpy a new dependency).
- kittytgp 0.0.3 only sends ``a=T,U=1`` (Unicode placeholders, ``core.py`` line 285).
- ikup 0.1.0 has a complete command model writing to any stream, but no licence at all (none
  in its metadata or repository), and pulls in psutil and toml (~150-400 ms to import).

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
