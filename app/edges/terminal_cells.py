"""How many pixels one terminal cell has, from the kernel (``TIOCGWINSZ``), never by asking
the terminal: an escape-sequence query (``ESC [ 16 t``) waits for an answer that may not
come, and under Textual the answer would land among the keys."""

from __future__ import annotations

import sys

from app.core.graphics import CellSize, cell_size

__all__ = ["terminal_cell_size"]


def terminal_cell_size() -> CellSize:
    """The cell size of the terminal on stdout; the default size when it reports none."""
    try:
        import fcntl
        import struct
        import termios

        stream = sys.__stdout__
        if stream is None:
            return cell_size(0, 0, 0, 0)
        packed = fcntl.ioctl(stream.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        rows, cols, pixel_width, pixel_height = struct.unpack("HHHH", packed)
    except (ImportError, OSError, ValueError):  # Windows, or stdout is not a terminal
        return cell_size(0, 0, 0, 0)
    return cell_size(rows, cols, pixel_width, pixel_height)
