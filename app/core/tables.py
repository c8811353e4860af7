"""Rules for changing a table row of the index in place: what a status cell says instead, and
keeping the columns of an aligned table where they are.

A mark on a table row rewrites one marker inside one cell. In a table padded so that its pipes
line up, the cell's padding takes up the change (a longer marker eats spaces before the cell's
closing pipe, a shorter one adds them) so that every other byte of the row stays where it was.
"""

from __future__ import annotations

import unicodedata

from app.core.model import Entry, Index, MarkerKind, Status

# A status cell's value (casefolded) -> the value that says the other thing.
_OPPOSITE = {
    "todo": "done",
    "done": "todo",
    "unread": "read",
    "read": "unread",
    "no": "yes",
    "yes": "no",
    "": "✅",
    "✅": "",
    "✔": "",
    "✔️": "",
}


def status_value(index: Index, entry: Entry, status: Status) -> bytes:
    """What ``entry``'s status cell says once it has ``status``: the opposite of its value
    (``todo`` and ``done``, ``no`` and ``yes``, blank and ``✅``) in its case, unless the table's
    other rows with that status write another word for it: then the nearest one's word."""
    data = index.data
    entries = index.entries
    found: list[tuple[int, bytes]] = []  # (distance, value) of the table's rows with status
    for step in (-1, 1):
        at = entry.position + step
        while 0 <= at < len(entries):
            other = entries[at]
            if other.shape != "row" or other.category != entry.category:
                break
            if other.local_marker.kind is MarkerKind.STATUS_CELL and other.status is status:
                marker = index.marker(other)
                found.append((abs(at - entry.position), data[marker.start : marker.end]))
            at += step
    marker = index.marker(entry)
    value = data[marker.start : marker.end].decode(errors="replace")
    opposite = _OPPOSITE.get(value.casefold(), "✅" if status is Status.DONE else "")
    if value.isupper():
        opposite = opposite.upper()
    elif value[:1].isupper():
        opposite = opposite.capitalize()
    words = [pair for pair in found if pair[1]]
    if words and opposite.casefold() not in {
        w.decode(errors="replace").casefold() for _, w in words
    }:
        return min(words)[1]
    return opposite.encode()  # in the row's own case: "todo" and "done" round-trip


def width(text: bytes) -> int:
    """How many columns ``text`` takes on a screen (wide characters such as ✅ take two)."""
    columns = 0
    for char in text.decode(errors="replace"):
        if unicodedata.combining(char) or char in "\ufe0f\u200d":
            continue
        columns += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return columns


def _line_at(data: bytes, at: int) -> tuple[int, int]:
    """The start and end (before any ``\\r\\n``) of the line holding offset ``at``."""
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    end = len(data) if end == -1 else end
    if data[end - 1 : end] == b"\r":
        end -= 1
    return start, end


def pipes(line: bytes) -> list[int]:
    """Where a table line's cell borders are: offsets of its pipes not escaped by a backslash."""
    found: list[int] = []
    at = line.find(b"|")
    while at != -1:
        slashes = 0
        while at - slashes > 0 and line[at - slashes - 1 : at - slashes] == b"\\":
            slashes += 1
        if slashes % 2 == 0:
            found.append(at)
        at = line.find(b"|", at + 1)
    return found


def _columns(line: bytes) -> list[int]:
    return [width(line[:at]) for at in pipes(line)]


_NEAR_LINES = 8  # lines of the table looked at, each way, for one that lines up with the row


def is_aligned(data: bytes, at: int) -> bool:
    """Whether the table line holding ``at`` is padded to line up with two other lines of its
    table near it: their pipes stand in the same screen columns. Two, because two rows of an
    unaligned digest can have the same lengths by chance (an aligned table's header and
    delimiter row give every row two)."""
    start, end = _line_at(data, at)
    own = _columns(data[start:end])
    if len(own) < 2:
        return False
    found = 0
    for step in (-1, 1):
        line_start, line_end = start, end
        for _ in range(_NEAR_LINES):
            if step < 0 and line_start == 0:
                break
            after = data.find(b"\n", line_end)
            if step > 0 and (after == -1 or after + 1 >= len(data)):
                break
            line_start, line_end = _line_at(data, line_start - 1 if step < 0 else after + 1)
            columns = _columns(data[line_start:line_end])
            if columns == own:
                found += 1
                if found == 2:
                    return True
            if not columns:
                break  # past the table
    return False


def fit_in_cell(data: bytes, start: int, end: int, text: bytes) -> list[tuple[int, int, bytes]]:
    """The changes that put ``text`` in place of ``data[start:end]`` (inside one cell of a table
    row), with the cell's padding before its closing pipe taking up the change of width when the
    table is aligned. One change when the table is not aligned, the cell is the row's last
    without a closing pipe, or the padding cannot take it all (the row then grows)."""
    change = [(start, end, text)]
    delta = width(text) - width(data[start:end])
    if delta == 0 or not is_aligned(data, start):
        return change
    line_start, line_end = _line_at(data, start)
    borders = pipes(data[line_start:line_end])
    closing = [line_start + at for at in borders if line_start + at >= end]
    if not closing:
        return change
    close = closing[0]
    spaces = 0
    while close - spaces > end and data[close - spaces - 1 : close - spaces] == b" ":
        spaces += 1
    if delta < 0:
        return [*change, (close, close, b" " * -delta)]
    take = min(delta, max(spaces - 1, 0))  # one space stays between the text and the pipe
    return [*change, (close - take, close, b"")] if take else change
