"""Adding an entry to a category whose entries are table rows: a new row in the table's shape.

The row copies the last row's shape: leading and trailing pipes or not, the number of cells,
each cell's leading space and, in a table whose pipes line up, each cell's width. The title goes
in the first cell (as a link to the note or the first URL when the last row starts so), the
status where the table keeps it (its Status column, a task box's column, or a ``TODO `` word in
front of the first cell's text), the other links in the column that holds the last row's links.
"""

from __future__ import annotations

import re
from itertools import pairwise

from app.core.add.links import link_kind
from app.core.add.style import _destination, _escape, status_marker
from app.core.edit import line_bytes
from app.core.model import Category, Entry, Index, MarkerKind, Status
from app.core.parse.items import line_starts, row_lead
from app.core.tables import is_aligned, pipes, status_value, width

_NUMBERED = re.compile(rb"^(\s*(?:TODO:?\s+|DONE:?\s+)?)(\d{1,6})([.)])")
_DEFAULT_LABEL = {"paper": "Paper", "code": "Code", "blog": "Link"}


def _cells(line: bytes) -> list[tuple[int, int]]:
    """The byte ranges of a table line's cells, between its unescaped pipes."""
    borders = pipes(line)
    text_start = len(line) - len(line.lstrip(b" \t"))
    text_end = len(line.rstrip(b" \t"))
    leading = bool(borders) and borders[0] == text_start
    trailing = bool(borders) and borders[-1] == text_end - 1 and len(borders) > int(leading)
    points = ([] if leading else [-1]) + borders + ([] if trailing else [len(line)])
    return [(begin + 1, end) for begin, end in pairwise(points)]


def table_row(
    index: Index,
    category: Category,
    last: Entry,
    title: str,
    note: str | None,
    links: list[str],
    status: Status,
    eol: bytes,
) -> tuple[int, bytes, bytes]:
    """Where the new row goes (after the category's last row), the bytes inserted there with
    ``\\x00`` where the row goes, and the row."""
    data = index.data
    line = line_bytes(data, last.line)
    starts = line_starts(data)
    line_start = starts[last.line - 1]
    cells = _cells(line)
    marker = index.marker(last)
    column = next(
        (n for n, (a, b) in enumerate(cells) if line_start + a <= marker.start <= line_start + b),
        0,
    )
    contents = [b""] * len(cells)
    link_column = _links_column(index, last, cells, line_start)
    head, extras = _title_cell(title, note, links, data, last, line_start, cells)
    contents[0] = head
    if extras:
        labelled = ", ".join(
            f"[{_DEFAULT_LABEL[link_kind(url)]}]({_destination(url)})" for url in extras
        ).encode()
        if link_column:
            contents[link_column] = labelled
        else:
            contents[0] += b"  " + labelled
    if last.local_marker.kind is MarkerKind.STATUS_CELL:
        contents[column] = _status_word(index, category, last, status)
    elif last.local_marker.kind is MarkerKind.CHECKBOX and column > 0:
        contents[column] = b"[ ]" if status is Status.TODO else f"[{index.checked_style}]".encode()
    contents[0] = _numbered(line, cells[0]) + contents[0]
    if last.local_marker.kind not in (MarkerKind.STATUS_CELL, MarkerKind.CHECKBOX) or not column:
        contents[0] = _first_marker(index, category, last, status) + contents[0]
    row = _shaped(line, cells, contents, is_aligned(data, line_start + cells[0][0]))
    end = line_start + len(line)
    newline = data.find(b"\n", end)
    if newline == -1:
        return len(data), eol + b"\x00", row
    return newline + 1, b"\x00" + eol, row


def _status_word(index: Index, category: Category, last: Entry, status: Status) -> bytes:
    """How the table's rows nearest its end write the status in their Status column."""
    for entry in reversed(category.entries):
        if entry.local_marker.kind is MarkerKind.STATUS_CELL and entry.status is status:
            marker = index.marker(entry)
            if marker.end > marker.start:
                return index.data[marker.start : marker.end]
    return status_value(index, last, status)


def _title_cell(
    title: str,
    note: str | None,
    links: list[str],
    data: bytes,
    last: Entry,
    line_start: int,
    cells: list[tuple[int, int]],
) -> tuple[bytes, list[str]]:
    """The first cell's text, and the links left for elsewhere."""
    text = _escape(title).replace("|", "\\|")
    first = data[line_start + cells[0][0] : line_start + cells[0][1]]
    starts_with_link = row_lead(first.decode(errors="replace").lstrip(" |")).startswith("[")
    if note is not None:
        return f"[{text}]({_destination(note)})".encode(), links
    if links and starts_with_link:
        return f"[{text}]({_destination(links[0])})".encode(), links[1:]
    return text.encode(), links


def _links_column(
    index: Index, last: Entry, cells: list[tuple[int, int]], line_start: int
) -> int | None:
    """The first cell after the first that holds one of the last row's links."""
    data = index.data
    for number, (start, end) in enumerate(cells[1:], 1):
        if b"](" in data[line_start + start : line_start + end]:
            return number
    return None


def _first_marker(index: Index, category: Category, last: Entry, status: Status) -> bytes:
    """The status marker in front of the first cell's text: a TODO word, else nothing (done)."""
    if last.local_marker.kind is MarkerKind.DONE_SIGN:
        return b"" if status is Status.DONE else index.todo_style.encode()
    marker = status_marker(index, category, last, status)
    if marker.startswith(b"["):  # a task box is no marker at the start of a cell
        return b"" if status is Status.DONE else index.todo_style.encode()
    return marker


def _numbered(line: bytes, cell: tuple[int, int]) -> bytes:
    """The next number when the last row's first cell is numbered (``12) Title``)."""
    found = _NUMBERED.match(line[cell[0] : cell[1]].lstrip(b" |"))
    if found is None:
        return b""
    return str(int(found.group(2)) + 1).encode() + found.group(3) + b" "


def _shaped(
    line: bytes, cells: list[tuple[int, int]], contents: list[bytes], aligned: bool
) -> bytes:
    """The new cells laid out like the last row's: its pipes, leading spaces and widths."""
    stripped = line.lstrip(b" \t")
    indent = line[: len(line) - len(stripped)]
    out = [indent + b"|"] if stripped.startswith(b"|") else [indent]
    for number, ((start, end), content) in enumerate(zip(cells, contents, strict=True)):
        old = line[start:end]
        if number == 0 and not out[0].endswith(b"|"):
            old = old[len(indent) :]
        lead = len(old) - len(old.lstrip(b" ")) if old.strip() else min(len(old), 1)
        cell = b" " * lead + content
        last_open = number == len(cells) - 1 and end == len(line)
        if aligned and not last_open:
            cell += b" " * max(width(old) - width(cell), 1 if old.endswith(b" ") else 0)
        elif not last_open and old.endswith(b" "):
            cell += b" "
        out.append(cell)
        if not last_open:
            out.append(b"|")
    return b"".join(out).rstrip(b" ") if cells and cells[-1][1] == len(line) else b"".join(out)
