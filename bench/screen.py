"""What the readnotes screen shows, read back from the terminal as a user reads it.

The layout: a header row, the tree on the left and the preview on the right (split by a
``▕`` border), the status line ("16 entries · 3 TODO · …") and the footer. The bare Markdown
baseline uses the same split, so the same readers serve both.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness import READY_TEXT, SIZE, Terminal, bare_argv, readnotes_argv

BORDER = "▕"
SCROLLBAR_COLUMNS = 4
_BLOCKS = frozenset("▁▂▃▄▅▆▇█▔")
_COUNT = re.compile(r"^\s*([\d,]+) entr(?:y|ies)\b")


def split_column(rows: list[list[str]]) -> int | None:
    """The column of the pane border: the ``▕`` found on most rows."""
    columns: Counter[int] = Counter()
    height = len(rows)
    for row in rows[1 : height - 2]:
        for column, cell in enumerate(row):
            if cell == BORDER:
                columns[column] += 1
    if not columns:
        return None
    column, count = columns.most_common(1)[0]
    return column if count >= (height - 3) // 2 else None


@dataclass(frozen=True, slots=True)
class Panes:
    left: list[str]
    right: list[str]  # with any scrollbar glyphs blanked
    split: int


def panes(term: Terminal) -> Panes | None:
    rows = term.rows()
    split = split_column(rows)
    if split is None:
        return None
    body = rows[1 : len(rows) - 2]
    return Panes(
        ["".join(row[:split]) for row in body],
        ["".join(_unscrolled(row[split + 1 :])) for row in body],
        split,
    )


def _unscrolled(cells: list[str]) -> list[str]:
    """The pane without its scrollbar: the thumb's partial cells are block glyphs in the last
    columns (the rest of a scrollbar is coloured spaces), and they move as a note grows."""
    keep = len(cells) - SCROLLBAR_COLUMNS
    return cells[:keep] + [" " if cell in _BLOCKS else cell for cell in cells[keep:]]


def status_line(term: Terminal) -> str:
    """The status line: the last row above the footer that counts entries."""
    for line in reversed(term.lines()[term.height - 4 :]):
        if _COUNT.match(line):
            return line
    return ""


def entry_count(term: Terminal) -> int | None:
    found = _COUNT.match(status_line(term))
    return int(found.group(1).replace(",", "")) if found else None


def shows_line(lines: list[str], probe: str) -> bool:
    """A line that is ``probe`` (a heading), or starts with its first 24 characters."""
    for line in lines:
        text = line.strip()
        if text == probe or (len(probe) > 24 and text.startswith(probe[:24])):
            return True
    return False


def complete_screen(entries: int, first_title: str) -> Callable[[Terminal], bool]:
    """Tree drawn and first preview painted: the status line counts every entry, and the
    tree's first row and the preview's first lines both show the first category (or entry)."""
    probe = first_title[:20]

    def complete(term: Terminal) -> bool:
        if entry_count(term) != entries:
            return False
        shown = panes(term)
        return (
            shown is not None
            and any(probe in line for line in shown.left[:3])
            and any(probe in line for line in shown.right[:3])
        )

    return complete


def bare_ready(term: Terminal) -> bool:
    return READY_TEXT in term.text()


class NotReady(Exception):
    """The program never showed its first complete screen."""


def open_readnotes(
    path: Path,
    entries: int,
    first_title: str,
    limit: float,
    argv: list[str] | None = None,
    size: tuple[int, int] = SIZE,
) -> Terminal:
    """readnotes on ``path`` (or ``argv``), past its first complete screen and quiet again."""
    term = Terminal(argv or readnotes_argv(path), size=size)
    if term.wait_for(complete_screen(entries, first_title), limit) is None:
        screen = term.text()
        term.close()
        raise NotReady(f"readnotes {path} never showed its first screen:\n{screen}")
    term.settle(quiet=0.3, limit=10.0)
    return term


def open_bare(*args: str, limit: float, size: tuple[int, int] = SIZE) -> Terminal:
    term = Terminal(bare_argv(*args), size=size)
    if term.wait_for(bare_ready, limit) is None:
        screen = term.text()
        term.close()
        raise NotReady(f"bare_app.py {' '.join(args)} never got ready:\n{screen}")
    term.settle(quiet=0.3, limit=10.0)
    return term
