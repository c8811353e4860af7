"""Whether the terminal can draw figures, with which protocol, and how big a figure is drawn.

The protocol is chosen from the environment only. Asking the terminal (a kitty graphics query,
``ESC [ c`` for sixel, ``ESC [ 16 t`` for the cell size) means waiting for an answer that may
never come, and once Textual reads the keyboard the answer lands among the keys; so nothing here
writes to the terminal or waits for it. A terminal that is not recognised keeps the one-line
placeholder; ``images = "kitty"`` or ``"sixel"`` in the config (or ``--images``) says otherwise.

Inside tmux or screen the outer terminal is unknown and passthrough is off by default, so
``auto`` draws nothing there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal, NamedTuple

__all__ = [
    "FIGURE_MAX_BYTES",
    "FIGURE_MAX_PIXELS",
    "IMAGE_SETTINGS",
    "CellSize",
    "FigureBox",
    "Protocol",
    "cell_size",
    "choose_protocol",
    "figure_box",
    "figure_rows_limit",
]

Protocol = Literal["kitty", "sixel"]
IMAGE_SETTINGS = ("auto", "kitty", "sixel", "off")

FIGURE_MAX_PIXELS = 50_000_000
"""A figure larger than this (width × height, from its header) is never decoded: a bomb."""
FIGURE_MAX_BYTES = 200 * 1024 * 1024
"""A file larger than this is never read."""

DEFAULT_CELL = (10, 20)  # pixels of one cell when the terminal does not say (a VT340's)
_KITTY_PROGRAMS = frozenset({"wezterm", "ghostty"})
_SIXEL_TERMS = ("foot", "mlterm")
_MULTIPLEXER_TERMS = ("screen", "tmux")


class CellSize(NamedTuple):
    width: int  # pixels
    height: int


class FigureBox(NamedTuple):
    """Where a figure is drawn: a box of cells, and the pixels scaled to fill it."""

    cols: int
    rows: int
    pixel_width: int
    pixel_height: int


def choose_protocol(environ: Mapping[str, str], setting: str = "auto") -> Protocol | None:
    """The graphics protocol to draw figures with, or None for the placeholder line.

    ``setting`` is the config's ``images`` (or ``--images``): ``kitty`` and ``sixel`` are taken
    as said, ``off`` draws nothing, ``auto`` reads the environment.
    """
    if setting in ("kitty", "sixel"):
        return setting  # type: ignore[return-value]
    if setting != "auto":
        return None
    term = environ.get("TERM", "").lower()
    if environ.get("TMUX") or environ.get("STY") or term.startswith(_MULTIPLEXER_TERMS):
        return None
    program = environ.get("TERM_PROGRAM", "").lower()
    if (
        environ.get("KITTY_WINDOW_ID")
        or term == "xterm-kitty"
        or program in _KITTY_PROGRAMS
        or environ.get("KONSOLE_VERSION")
    ):
        return "kitty"
    if program == "iterm.app" or term.startswith(_SIXEL_TERMS) or environ.get("WT_SESSION"):
        return "sixel"
    return None


def cell_size(rows: int, cols: int, pixel_width: int, pixel_height: int) -> CellSize:
    """One cell's pixels from the window size the kernel reports (``TIOCGWINSZ``); a
    terminal that reports no pixels gets :data:`DEFAULT_CELL`."""
    if rows > 0 and cols > 0 and pixel_width >= cols and pixel_height >= rows:
        return CellSize(pixel_width // cols, pixel_height // rows)
    return CellSize(*DEFAULT_CELL)


def figure_rows_limit(pane_height: int) -> int:
    """A figure takes at most about two thirds of the pane's height (at least 1 row)."""
    return max(1, pane_height * 2 // 3)


def figure_box(
    image: tuple[int, int], cell: CellSize, max_cols: int, max_rows: int
) -> FigureBox | None:
    """The cells and pixels that ``image`` (width, height) is drawn at: as wide as the pane
    (``max_cols``) but no taller than ``max_rows``, the aspect ratio kept, never enlarged past
    its own pixels. None when it cannot be drawn (no room, or an empty image)."""
    width, height = image
    if width <= 0 or height <= 0 or max_cols <= 0 or max_rows <= 0:
        return None
    box_width = max_cols * cell.width
    box_height = max_rows * cell.height
    scale = min(box_width / width, box_height / height, 1.0)
    pixel_width = max(1, round(width * scale))
    pixel_height = max(1, round(height * scale))
    cols = min(max_cols, max(1, math.ceil(pixel_width / cell.width)))
    rows = min(max_rows, max(1, math.ceil(pixel_height / cell.height)))
    return FigureBox(cols, rows, pixel_width, pixel_height)
