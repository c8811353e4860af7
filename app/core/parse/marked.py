"""Re-parsing one chunk after a mark, when that is shown to give what a full parse gives.

A mark rewrites one marker; re-parsing the chunk that holds it instead of the whole file makes
marking in a 10,000-entry index instant. Any doubt (the chunk reads differently, a cut moved, a
reference changed) and the caller parses the whole file instead.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

import pyromark

from app.core.model import Category, Entry, Index, Marker, Status
from app.core.parse.assemble import file_styles
from app.core.parse.chunks import front_matter_end, heading_cuts
from app.core.parse.events import parse_chunk
from app.core.parse.index import chunk_key, salt_of
from app.core.parse.memory import MEMORY, ChunkMemory, Parsed
from app.core.parse.options import BODY_OPTIONS, MARKDOWN_OPTIONS
from app.core.parse.read import BOM, decode, header_warnings, index_digest
from app.core.parse.rows import KIND_NUMBER, KINDS, STATUSES, ChunkResult


def reparse_marked(
    index: Index, data: bytes, entry: Entry, status: Status, *, memory: ChunkMemory = MEMORY
) -> Index | None:
    """The model of ``data``, which is ``index.data`` with ``entry``'s marker rewritten to give it
    ``status``, from a parse of the entry's chunk alone (a full parse rebuilds every entry).

    None when it cannot be shown to equal a full parse in which every entry keeps its line,
    depth, title, links, text and status, but ``entry``, which gets ``status``: the bytes changed
    outside the chunk, the chunk no longer ends where it did, a reference definition changed,
    or the chunk reads differently, or ``index`` was not parsed through ``memory`` lately. The
    caller then parses the whole file.
    """
    parsed = memory.parsed(index)
    old = index.data
    if parsed is None or len(parsed.chunks) != len(index.chunk_starts) or old is data:
        return None
    number = entry.chunk
    begin, first_line, old_result = parsed.chunks[number]
    end = parsed.chunks[number + 1][0] if number + 1 < len(parsed.chunks) else len(old)
    delta = len(data) - len(old)
    if end + delta < begin or data[:begin] != old[:begin] or data[end + delta :] != old[end:]:
        return None
    start = 3 if data.startswith(BOM) else 0
    if header_warnings(data, start) != parsed.header or not parsed.front_end <= begin:
        return None
    if front_matter_end(data, start) != parsed.front_end:
        return None
    chunk = data[begin : end + delta]
    if not _still_one_chunk(data, parsed.chunks, number, delta):
        return None
    refs = parsed.refs
    if (b"]:" in data) != (refs is not None):
        return None
    if refs is not None and _definitions(old[begin:end]) != _definitions(chunk):
        return None
    top = parsed.front_end > start and begin == start
    key = chunk_key(top, salt_of(refs), chunk)
    result = parsed.cache.get(key)
    if result is None:
        problems: list[str] = []
        result = parse_chunk(chunk, refs, problems, MARKDOWN_OPTIONS if top else BODY_OPTIONS)
        memory.chunks_parsed += 1
        if problems:
            return None
    if not _reads_the_same(old_result, result, entry.local_marker, status):
        return None
    reentered = _reentered(index, result, number, first_line)
    if reentered is None:
        return None
    entries, changed = reentered
    # The next full parse (a reload) finds the chunk as it is now. The copy on disk is not
    # written: that marshals every chunk (~12 ms holding the GIL at 10,000 entries) while the
    # screen shows the mark; the next start parses the chunks marked since, and saves them.
    parsed.cache[key] = result
    chunks = list(parsed.chunks)
    chunks[number] = (begin, first_line, result)
    for later in range(number + 1, len(chunks)):
        at, line, rows = chunks[later]
        chunks[later] = (at + delta, line, rows)
    uses_done_word, todo_style, checked_style = file_styles(chunks)
    new = Index(
        path=index.path,
        root=index.root,
        title=index.title,
        tree=_tree_with(index.tree, entries, {entry.category for entry in changed}),
        entries=entries,
        data=data,
        digest=index_digest(data),
        warnings=list(index.warnings),
        uses_done_word=uses_done_word,
        todo_style=todo_style,
        checked_style=checked_style,
        chunk_starts=tuple(at for at, _, _ in chunks),
    )
    memory.remember(new, Parsed(chunks, refs, parsed.front_end, parsed.header, parsed.cache))
    return new


def _still_one_chunk(
    data: bytes, chunks: list[tuple[int, int, ChunkResult]], number: int, delta: int
) -> bool:
    """Whether the edited chunk still ends where the next one begins, and holds no new cut.

    The scan from the chunk's start, through the next chunk, must cut exactly before the next
    chunk: from there on it scans what it scanned before (an edit that opened a code fence or a
    comment would skip that heading, and the chunks after it would be cut differently)."""
    begin = chunks[number][0]
    if number + 1 == len(chunks):
        return not heading_cuts(data[begin:], 0, 0)
    following = chunks[number + 2][0] + delta if number + 2 < len(chunks) else len(data)
    return heading_cuts(data[begin:following], 0, 0) == [chunks[number + 1][0] + delta - begin]


def _definitions(chunk: bytes) -> dict[str, tuple[Any, Any]]:
    """The link reference definitions a chunk makes, without where (a mark shifts them)."""
    definitions = pyromark.reference_definitions(decode(chunk), options=BODY_OPTIONS)
    return {label: (d["dest"], d["title"]) for label, d in definitions.items()}


def _reads_the_same(
    before: ChunkResult, after: ChunkResult, marker: Marker, status: Status
) -> bool:
    """The same headings and entries, each with the same text, links and status, but the one
    whose (chunk-relative) marker is ``marker``, which must now have ``status``."""
    old_headings, old_rows = before[0], before[1]
    new_headings, new_rows = after[0], after[1]
    if before[5] != after[5] or len(old_headings) != len(new_headings):
        return False
    for (level, title, _, line), (new_level, new_title, _, new_line) in zip(
        old_headings, new_headings, strict=True
    ):
        if (level, title, line) != (new_level, new_title, new_line):
            return False
    if len(old_rows) != len(new_rows):
        return False
    kind = KIND_NUMBER[marker.kind]
    marked = (kind, marker.start, marker.end, marker.word_start, marker.word_end)
    wanted = status is Status.TODO
    for old, new in zip(old_rows, new_rows, strict=True):
        heading, _, line, depth, title, _, old_todo, note, links = old[:9]
        escapes, text = old[14], old[15]
        if (heading, line, depth, title, note, links, escapes, text) != (
            new[0],
            new[2],
            new[3],
            new[4],
            new[7],
            new[8],
            new[14],
            new[15],
        ):
            return False
        if old[9:14] == marked:
            if new[6] is not wanted:
                return False
        elif new[6] is not old_todo or new[9] != old[9]:
            return False
    return True


def _chunk_of(entry: Entry) -> int:
    return entry.chunk


def _reentered(
    index: Index, result: ChunkResult, number: int, first_line: int
) -> tuple[list[Entry], list[Entry]] | None:
    """Every entry of ``index``, those of chunk ``number`` with their status and marker as in
    ``result``; and the entries that changed (new objects: the old model keeps the old ones)."""
    entries = index.entries
    low = bisect_left(entries, number, key=_chunk_of)
    high = bisect_right(entries, number, lo=low, key=_chunk_of)
    rows = result[1]  # in document order, as the entries are
    if high - low != len(rows):
        return None
    out = list(entries)
    changed: list[Entry] = []
    for entry, row in zip(entries[low:high], rows, strict=True):
        line, title, todo = row[2], row[4], row[6]
        if (entry.line, entry.title) != (first_line - 1 + line, title):
            return None
        kind, start, end, word_start, word_end = row[9:14]
        local = Marker(KINDS[kind], start, end, word_start, word_end)
        new_status = STATUSES[todo]
        if local == entry.local_marker and new_status is entry.status:
            continue
        fresh = Entry(
            entry.title,
            entry.category,
            new_status,
            entry.note,
            entry.links,
            entry.line,
            local,
            entry.key,
            entry.position,
            entry.haystack,
            entry.escapes_root,
            entry.depth,
            entry.text,
            entry.chunk,
            file=entry.file,
            shape=entry.shape,
        )
        out[entry.position] = fresh
        changed.append(fresh)
    return out, changed


def _tree_with(category: Category, entries: list[Entry], paths: set[tuple[str, ...]]) -> Category:
    """A copy of the category tree holding ``entries`` (where an entry's position says), with
    its TODO counts. Only the categories at ``paths`` hold entries that changed."""
    children = [_tree_with(child, entries, paths) for child in category.children]
    own = category.entries
    todo = category.todo
    if category.path in paths:
        own = [entries[entry.position] for entry in own]
        todo = sum(child.todo for child in children)
        todo += sum(1 for entry in own if entry.status is Status.TODO)
    else:
        own = list(own)
        todo += sum(
            new.todo - old.todo for new, old in zip(children, category.children, strict=True)
        )
    return Category(
        category.title,
        category.level,
        category.line,
        category.path,
        own,
        children,
        category.total,
        todo,
    )
