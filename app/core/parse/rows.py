"""What parsing one chunk gives: plain tuples, cheap to keep in memory and to marshal to disk."""

from __future__ import annotations

from app.core.model import MarkerKind, Status

# One parsed chunk, in plain tuples (cheap to cache and to marshal to disk):
# headings: (level, title, offset, line); rows, in document order: (heading, offset, line, depth,
# title, title casefolded, whether TODO, note, links ((label, url), ...), marker kind (its number
# in KINDS), marker start, end, word_start, word_end, escapes, text, key if it is the first entry
# with its title and note, shape: ITEM, ROW or PARAGRAPH);
# then todo styles, ticks, whether DONE words are used, and how many texts were shortened.
# Offsets and lines are relative to the chunk; heading -1 means "before the chunk's first heading".
# A row holds all of an entry that does not depend on the rest of the file, so that assembling
# the model from cached rows (every open of a big index) does the least per entry.
HeadingRow = tuple[int, str, int, int]
EntryRow = tuple[
    int,
    int,
    int,
    int,
    str,
    str,
    bool,
    str | None,
    tuple[tuple[str, str], ...],
    int,
    int,
    int,
    int,
    int,
    bool,
    str,
    str,
    int,
]
ITEM, ROW, PARAGRAPH = 0, 1, 2  # what an entry is written as (its shape, by this number)
SHAPES = ("item", "row", "paragraph")
KINDS = tuple(MarkerKind)
KIND_NUMBER = {kind: number for number, kind in enumerate(KINDS)}
STATUSES = (Status.DONE, Status.TODO)  # by "whether TODO"
ChunkResult = tuple[
    list[HeadingRow], list[EntryRow], dict[bytes, int], dict[bytes, int], bool, dict[str, int]
]
ChunkCache = dict[bytes, ChunkResult]  # chunk_key (a digest) -> rows
