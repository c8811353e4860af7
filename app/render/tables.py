"""Tables that fit the pane: column widths shared out so words stay whole, else records.

A grid whose columns would be too narrow to read becomes one `header: value` line per cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.cells import cell_len
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from app.render.theme import RenderTheme
from app.render.wrap import WrappingText, words

__all__ = ["TableState", "table_renderable"]

_MIN_SQUEEZED_COLUMN = 10  # a table whose columns would be narrower is shown as records
_JUSTIFY = {"Left": "left", "Center": "center", "Right": "right"}


@dataclass(slots=True)
class TableState:
    """A table being collected from the parser's events, cell by cell."""

    alignments: tuple[str, ...]
    header: list[Text] = field(default_factory=list)
    rows: list[list[Text]] = field(default_factory=list)
    in_head: bool = False


def table_renderable(state: TableState, width: int, theme: RenderTheme) -> RenderableType | None:
    """The table `width` cells wide: a grid, or records when no grid is readable (None: empty)."""
    count = max([len(state.header), *(len(row) for row in state.rows)], default=0)
    if count == 0:
        return None
    header = state.header + [Text() for _ in range(count - len(state.header))]
    rows = [row + [Text() for _ in range(count - len(row))] for row in state.rows]
    widths, padding = _column_widths([header, *rows], width)
    if widths is not None and not widths:
        return _as_records(header, rows, theme)
    table = Table(
        box=box.ROUNDED,
        expand=False,
        border_style=theme.table_border,
        header_style=theme.table_header,
        padding=(0, padding),
    )
    for column in range(count):
        align = state.alignments[column] if column < len(state.alignments) else "None"
        table.add_column(
            header[column],
            justify=_JUSTIFY.get(align, "left"),  # type: ignore[arg-type]
            overflow="fold",
            width=widths[column] if widths else None,
        )
    for row in rows:
        table.add_row(*row)
    return table


def _as_records(header: list[Text], rows: list[list[Text]], theme: RenderTheme) -> Text:
    """A table too wide for any grid: each row as `header: value` lines."""
    text = WrappingText()
    for number, row in enumerate(rows):
        if number:
            text.append("\n")
        for name, cell in zip(header, row, strict=True):
            text.append(name.plain or "·", theme.table_header)
            text.append(": ")
            text.append_text(cell)
            text.append("\n")
    text.rstrip()
    return text


def _column_widths(rows: list[list[Text]], width: int) -> tuple[list[int] | None, int]:
    """Column widths (padding included) for a table `width` cells wide, and the padding.

    None when the table fits as it is. Otherwise every column gets its longest word if the pane
    allows, and the room left is shared in proportion to how much more each column wants; the
    padding goes first when room is short. When even the longest words do not fit, only the
    columns with the longest words are narrowed (to a common cap), so that most words stay
    whole. Too narrow for a readable grid (the cap below `_MIN_SQUEEZED_COLUMN`): an empty list.
    """
    count = len(rows[0])
    minimum = [1] * count
    maximum = [1] * count
    for row in rows:
        for column, cell in enumerate(row):
            minimum[column] = max(minimum[column], _longest_word(cell.plain))
            maximum[column] = max(maximum[column], _widest_line(cell.plain))
    borders = count + 1
    if sum(maximum) + borders + 2 * count <= width:
        return None, 1
    padding = 1 if sum(minimum) + borders + 2 * count <= width else 0
    available = width - borders - 2 * padding * count
    if sum(minimum) > available:
        widths = _squeezed(minimum, available)
        if not widths:
            return [], 0
    else:
        widths = _shared(minimum, maximum, available)
    return [w + 2 * padding for w in widths], padding


def _squeezed(minimum: list[int], available: int) -> list[int]:
    """Widths within `available`: the widest columns cut down to one cap, the cap as high as
    possible; an empty list when that cap would be too narrow to read."""
    cap = max(minimum)
    while cap > 1 and sum(min(low, cap) for low in minimum) > available:
        cap -= 1
    if cap < min(_MIN_SQUEEZED_COLUMN, max(minimum)):
        return []
    widths = [min(low, cap) for low in minimum]
    spare = available - sum(widths)
    for column, low in enumerate(minimum):
        if spare and low > widths[column]:
            widths[column] += 1
            spare -= 1
    return widths


def _shared(minimum: list[int], maximum: list[int], available: int) -> list[int]:
    """Every column its longest word, then the room left shared out evenly (max-min fair):
    a column that wants little more (a short header) gets all of it, the long ones share the
    rest."""
    widths = list(minimum)
    spare = available - sum(widths)
    wanting = sorted(
        (column for column, high in enumerate(maximum) if high > widths[column]),
        key=lambda column: maximum[column] - widths[column],
    )
    while wanting and spare > 0:
        share, extra = divmod(spare, len(wanting))
        want = maximum[wanting[0]] - widths[wanting[0]]
        if want <= share:
            widths[wanting.pop(0)] += want
            spare -= want
            continue
        for rank, column in enumerate(wanting):
            widths[column] += share + (1 if rank < extra else 0)
        spare = 0
    return widths


def _longest_word(text: str) -> int:
    """Cells of the longest piece of `text` that cannot be broken across lines."""
    return max((cell_len(word.rstrip()) for _, word in words(text)), default=1) or 1


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=1) or 1
