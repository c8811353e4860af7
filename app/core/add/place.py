"""Where the new entry's line goes: after the category's last item, as loose as its list, or
into an empty category; with the line ending its neighbours use."""

from __future__ import annotations

from bisect import bisect_right

import pyromark

from app.core.add.categories import STYLE_SAMPLE
from app.core.edit import line_bytes
from app.core.errors import EditError
from app.core.model import Category, Entry, Index
from app.core.parse import BOM, MARKDOWN_OPTIONS, decode_index
from app.core.parse.items import line_starts


def item_spans(data: bytes) -> dict[tuple[int, int], tuple[int, int]]:
    """Every list item's byte span from its bullet, by (1-based line of it, nesting depth)."""
    text, start, _ = decode_index(data)
    starts = line_starts(data)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    open_items: list[int] = []
    for event, span in pyromark.events_with_range(text, options=MARKDOWN_OPTIONS):
        if event == {"Start": "Item"}:
            item_start = span["start"] + start
            while data[item_start : item_start + 1] in (b" ", b"\t", b"\r", b"\n"):
                item_start += 1  # a range can begin with indentation, or a tab's line break
            key = (bisect_right(starts, item_start), len(open_items))
            spans.setdefault(key, (item_start, span["end"] + start))
            open_items.append(item_start)
        elif event == {"End": "Item"} and open_items:
            open_items.pop()
    return spans


def after_last_item(
    index: Index,
    category: Category,
    tops: list[Entry],
    spans: dict[tuple[int, int], tuple[int, int]],
    eol: bytes,
) -> tuple[int, bytes]:
    """After the category's last item (with its nested items), as loose as the list is.

    The returned bytes hold ``\\x00`` where the new item's line goes.
    """
    data = index.data
    last = tops[-1]
    span = spans.get((last.line, last.depth))
    if span is None:
        raise EditError(f"Cannot find where the list of line {last.line} ends; nothing was written")
    end = span[1]
    while end > span[0] and data[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
        end -= 1
    newline = data.find(b"\n", end)
    loose = _is_loose(index, category, tops)
    if newline == -1:  # the item ends the file, which has no final newline: keep it so
        return len(data), eol + (eol if loose else b"") + b"\x00"
    offset = newline + 1
    inserted = (eol if loose else b"") + b"\x00" + eol
    if loose and _next_line_is_text(data, offset):
        inserted += eol
    return offset, inserted


def after_last_paragraph(index: Index, last: Entry, eol: bytes) -> tuple[int, bytes]:
    """After the category's last link paragraph, as a paragraph of its own (a blank line between).

    The returned bytes hold ``\x00`` where the new paragraph's line goes."""
    data = index.data
    starts = line_starts(data)
    at = starts[last.line - 1]
    while True:  # to the paragraph's end: the first blank line, or the end of the file
        newline = data.find(b"\n", at)
        if newline == -1:
            return len(data), eol + eol + b"\x00"
        at = newline + 1
        if not data[at : _line_end(data, at)].strip():
            break
    inserted = eol + b"\x00" + eol
    return at, inserted


def _line_end(data: bytes, at: int) -> int:
    newline = data.find(b"\n", at)
    return len(data) if newline == -1 else newline


def into_empty_category(index: Index, category: Category, eol: bytes) -> tuple[int, bytes]:
    """After the heading and whatever text the category has, before its first sub-heading."""
    data = index.data
    starts = line_starts(data)
    start = 3 if data.startswith(BOM) else 0
    if category.level > 0:
        start = starts[category.line - 1]
    later = [c.line for c in index.categories() if c.line > category.line and c.level > 0]
    stop = starts[min(later) - 1] if later else len(data)
    end = stop
    while end > start and data[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
        end -= 1
    if end == start:  # nothing at all before the next heading (an empty file)
        return start, b"\x00" + eol + (eol if stop < len(data) else b"")
    newline = data.find(b"\n", end)
    if newline == -1:
        return len(data), eol + eol + b"\x00"
    offset = newline + 1
    inserted = eol + b"\x00" + eol
    if _next_line_is_text(data, offset):
        inserted += eol
    return offset, inserted


def _next_line_is_text(data: bytes, offset: int) -> bool:
    return offset < len(data) and data[offset : offset + 1] not in (b"\n", b"\r")


def _is_loose(index: Index, category: Category, tops: list[Entry]) -> bool:
    """Whether items are separated by blank lines: the last two, else most pairs in the file."""
    data = index.data
    if len(tops) >= 2:
        return not line_bytes(data, tops[-1].line - 1).strip()
    loose = tight = 0
    previous: Entry | None = None
    for entry in index.entries[: STYLE_SAMPLE * 4]:
        if entry.depth != 0:
            continue
        if previous is not None and previous.category == entry.category:
            if line_bytes(data, entry.line - 1).strip():
                tight += 1
            else:
                loose += 1
        previous = entry
    return loose > tight


def line_ending(data: bytes, line: int | None) -> bytes:
    """The neighbour's line ending, else the file's first one, else ``\\n``."""
    if line is not None:
        starts = line_starts(data)
        if line < len(starts):
            return b"\r\n" if data[starts[line] - 2 : starts[line]] == b"\r\n" else b"\n"
    first = data.find(b"\n")
    return b"\r\n" if first > 0 and data[first - 1 : first] == b"\r" else b"\n"
