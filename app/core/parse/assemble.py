"""Joining the chunks' rows into one model: nest the headings, make the entries, count.

This runs on every open and every save, over every entry: it is kept to one pass, with as few
Python calls per entry as can be.
"""

from __future__ import annotations

from dataclasses import fields
from itertools import repeat
from pathlib import Path
from typing import Any

from app.core.model import Category, Entry, Index, Link, Marker, MarkerKind
from app.core.parse.events import MAX_TEXT
from app.core.parse.rows import KINDS, SHAPES, STATUSES, ChunkResult, EntryRow


def count_tree(category: Category) -> tuple[int, int]:
    """Totals of the tree, whose categories count only their own TODO entries so far."""
    total = len(category.entries)
    todo = category.todo
    for child in category.children:
        child_total, child_todo = count_tree(child)
        total += child_total
        todo += child_todo
    category.total, category.todo = total, todo
    return total, todo


def assemble(
    data: bytes,
    path: Path,
    chunks: list[tuple[int, int, ChunkResult]],
    warnings: list[str],
    digest: str,
) -> Index:
    """Join the chunks' rows into one model: nest headings, make entries, count.

    This runs on every open and every save, over every entry: it is kept to one pass.
    """
    title = _lone_leading_h1(chunks)
    tree = Category(title="", level=0, line=0, path=())
    stack: list[Category] = [tree]
    entries: list[Entry] = []
    shortened: dict[str, int] = {}
    keys: set[str] = set()  # the keys of first occurrences so far
    repeats: dict[str, int] = {}  # such a key -> the occurrence number of the next repeat
    for number, (_, first_line, result) in enumerate(chunks):
        headings, rows = result[0], result[1]
        _add_counts(shortened, result[5])
        before = stack[-1]
        placed: list[Category] = []
        for level, heading, _offset, line in headings:
            if title is not None and level == 1:
                placed.append(tree)  # the document title: its entries and sub-headings move up
                continue
            while len(stack) > 1 and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1]
            category = Category(heading, level, first_line + line - 1, (*parent.path, heading))
            parent.children.append(category)
            stack.append(category)
            placed.append(category)
        _make_entries(rows, placed, before, first_line, number, entries, keys, repeats)
    count_tree(tree)
    for what, count in shortened.items():
        name, verb = (what, "were") if count > 1 else (what.removesuffix("s"), "was")
        warnings.append(f"{count:,} {name} longer than {MAX_TEXT:,} characters {verb} shortened")
    uses_done_word, todo_style, checked_style = file_styles(chunks)
    return Index(
        path=path,
        root=path.parent,
        title=title,
        tree=tree,
        entries=entries,
        data=data,
        digest=digest,
        warnings=warnings,
        uses_done_word=uses_done_word,
        todo_style=todo_style,
        checked_style=checked_style,
        chunk_starts=tuple(begin for begin, _, _ in chunks),
    )


def file_styles(chunks: list[tuple[int, int, ChunkResult]]) -> tuple[bool, str, str]:
    """Whether the file writes DONE words, how it writes TODO and how it ticks a task box."""
    todo_styles: dict[bytes, int] = {}
    ticks: dict[bytes, int] = {}
    uses_done_word = False
    for _, _, result in chunks:
        _add_counts(todo_styles, result[2])
        _add_counts(ticks, result[3])
        uses_done_word = uses_done_word or result[4]
    todo_style = "TODO "
    if todo_styles:
        todo_style = max(todo_styles.items(), key=lambda kv: kv[1])[0].decode(errors="replace")
    checked_style = "X" if ticks.get(b"X", 0) > ticks.get(b"x", 0) else "x"
    return uses_done_word, todo_style, checked_style


def _lone_leading_h1(chunks: list[tuple[int, int, ChunkResult]]) -> str | None:
    """The title of the document: its only H1, when no entry comes before it."""
    h1s = [
        (heading, begin + offset)
        for begin, _, result in chunks
        for level, heading, offset, _ in result[0]
        if level == 1
    ]
    if len(h1s) != 1:
        return None
    title, at = h1s[0]
    for begin, _, result in chunks:
        rows = result[1]  # in document order: the first is the chunk's first entry
        if rows and begin + rows[0][1] < at:
            return None
    return title


_MARKER_FIELDS = ("kind", "start", "end", "word_start", "word_end")
_set_kind, _set_start, _set_end, _set_word_start, _set_word_end = (
    getattr(Marker, name).__set__ for name in _MARKER_FIELDS
)


def _fast_marker(kind: MarkerKind, start: int, end: int, word_start: int, word_end: int) -> Marker:
    """``Marker(kind, start, end, word_start, word_end)`` at twice the speed (a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``): ~10 ms of opening
    a 50,000-entry index."""
    marker = object.__new__(Marker)
    _set_kind(marker, kind)
    _set_start(marker, start)
    _set_end(marker, end)
    _set_word_start(marker, word_start)
    _set_word_end(marker, word_end)
    return marker


# Only while Marker is what _fast_marker expects: these fields, set as given.
_marker = (
    _fast_marker
    if tuple(f.name for f in fields(Marker)) == _MARKER_FIELDS
    and not hasattr(Marker, "__post_init__")
    else Marker
)


_LINK = repeat(Link)  # for map(tuple.__new__, ...): makes each pair a Link without a Python call


def _make_entries(
    rows: list[EntryRow],
    placed: list[Category],
    before: Category,
    first_line: int,
    chunk: int,
    out: list[Entry],
    keys: set[str],
    repeats: dict[str, int],
) -> None:
    """Every entry of one chunk, in document order, each in its category (rows come in
    document order, chunk after chunk: no sorting), keyed and counted.

    This runs over every entry on every open and save: what a row can hold is made when the
    chunk is parsed (and cached), the rest here with as few calls as can be."""
    line_base = first_line - 1
    # By a row's heading number; -1 (before the chunk's first heading) takes the last one.
    where = [(category, f"\x1f{' / '.join(category.path)}".casefold()) for category in placed]
    where.append((before, f"\x1f{' / '.join(before.path)}".casefold()))
    new_link = tuple.__new__
    link_type = _LINK
    statuses = STATUSES
    kinds = KINDS
    shapes = SHAPES
    position = len(out)
    append = out.append
    add_key = keys.add
    known = len(keys)
    for row in rows:
        (heading, _, line, depth, title, folded, todo, note, links, kind, start, end) = row[:12]
        category, trail = where[heading]
        key = row[16]  # "title\x1fnote\x1f0": the key of the first entry with that title and note
        add_key(key)
        if len(keys) == known:  # a repeat: "\x1f1", "\x1f2"... in document order
            occurrence = repeats.get(key, 1)
            repeats[key] = occurrence + 1
            key = f"{key[:-1]}{occurrence}"
        else:
            known += 1
        entry = Entry(
            title,
            category.path,
            statuses[todo],
            note,
            tuple(map(new_link, link_type, links)),
            line_base + line,
            _marker(kinds[kind], start, end, row[12], row[13]),
            key,
            position,
            folded + trail,  # f"{title}\x1f{trail}".casefold(): casefold maps each character
            row[14],
            depth,
            row[15],
            chunk,
            shape=shapes[row[17]],
        )
        position += 1
        append(entry)
        category.entries.append(entry)
        if todo:
            category.todo += 1  # its own, until count_tree adds those below


def _add_counts(total: dict[Any, int], more: dict[Any, int]) -> None:
    for key, count in more.items():
        total[key] = total.get(key, 0) + count
