"""How far the reading has come: done / total per category and overall, and a text bar for it.

Percentages and bars round down, so ``100%`` and a full bar mean every entry is done.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from app.core.model import Category, Index, Status
from app.core.sanitize import inert_line

BAR_WIDTH = 10
FULL = "█"
EMPTY = "░"
NAME_MAX_CELLS = 60


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int

    @property
    def todo(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        """Rounded down: 15 of 16 is 93%, never a premature 100%. Nothing to read is 0%."""
        return self.done * 100 // self.total if self.total else 0

    def bar(self, width: int = BAR_WIDTH) -> str:
        return progress_bar(self.done, self.total, width)

    def fraction(self) -> str:
        return f"{self.done}/{self.total}"


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One category of the table; ``path`` is empty for the entries before any heading."""

    path: tuple[str, ...]
    depth: int  # 0 for a top-level heading
    progress: Progress

    @property
    def title(self) -> str:
        return self.path[-1] if self.path else "(before any heading)"

    def to_json(self) -> dict[str, object]:
        return {
            "category": list(self.path),
            "done": self.progress.done,
            "total": self.progress.total,
            "percent": self.progress.percent,
        }


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``████████░░`` for 8 of 10: cells rounded down, so only all done fills the bar."""
    filled = done * width // total if total > 0 else 0
    filled = max(0, min(width, filled))
    return FULL * filled + EMPTY * (width - filled)


def category_progress(category: Category) -> Progress:
    """Entries of the category and all its sub-categories (the parser's own counts)."""
    return Progress(category.total - category.todo, category.total)


def overall_progress(index: Index) -> Progress:
    return Progress(len(index.entries) - index.todo_count, len(index.entries))


def progress_rows(category: Category) -> list[ProgressRow]:
    """Every category below ``category`` in document order, depth relative to it.

    Entries that sit directly in the index's root, before any heading, get a row of their own
    so the rows account for every entry.
    """
    rows: list[ProgressRow] = []
    if not category.path and category.entries:
        todo = sum(1 for entry in category.entries if entry.status is Status.TODO)
        own = Progress(len(category.entries) - todo, len(category.entries))
        rows.append(ProgressRow((), 0, own))
    base = len(category.path)
    for sub in category.walk()[1:]:
        rows.append(ProgressRow(sub.path, len(sub.path) - base - 1, category_progress(sub)))
    return rows


def stats_table(index: Index) -> str:
    """The ``readnotes stats`` table: nested categories indented, the overall line last."""
    rows = progress_rows(index.tree)
    overall = overall_progress(index)
    names = [_fit("  " * row.depth + inert_line(row.title), NAME_MAX_CELLS) for row in rows]
    width = max([len("Category"), *(cell_width(name) for name in names)])
    lines = [_pad("Category", width) + f"  {'Done':>5}  {'Total':>5}  {'%':>4}  Progress"]
    for name, row in zip(names, rows, strict=True):
        lines.append(_table_line(name, width, row.progress))
    lines.append(_table_line("Overall", width, overall))
    return "\n".join(lines) + "\n"


def _table_line(name: str, width: int, progress: Progress) -> str:
    return (
        f"{_pad(name, width)}  {progress.done:>5}  {progress.total:>5}  "
        f"{progress.percent:>3}%  {progress.bar()}"
    )


def cell_width(text: str) -> int:
    """Terminal cells: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_width(text))


def _fit(text: str, width: int) -> str:
    if cell_width(text) <= width:
        return text
    while cell_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def stats_json(index: Index) -> dict[str, object]:
    overall = overall_progress(index)
    return {
        "categories": [row.to_json() for row in progress_rows(index.tree)],
        "overall": {"done": overall.done, "total": overall.total, "percent": overall.percent},
    }
