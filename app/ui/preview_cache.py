"""Entry previews already read, so moving the cursor back and forth shows them at once.

A preview is the entry's header plus its note's body, read off the event loop. It is kept per
entry object (a new parse makes new entries, so a changed title or status is never served
stale) together with the note file's stamp: a hit costs one ``stat`` on the event loop, and a
note saved since then (a new mtime or size) is a miss, read again.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from app.core.model import Entry
from app.core.notes import NoteDoc, NoteKind
from app.render.preview import Preview

CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class Stamp:
    """What tells a note file changed: where it is, its mtime and its size."""

    path: Path
    mtime_ns: int
    size: int

    def holds(self) -> bool:
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        return info.st_mtime_ns == self.mtime_ns and info.st_size == self.size


@dataclass(frozen=True, slots=True)
class Cached:
    preview: Preview
    version: object  # what the preview's note was read at (for the render cache)
    stamp: Stamp | None  # None: the preview reads no file (an entry without a note)


def keepable(preview: Preview, doc: NoteDoc | None) -> Cached | None:
    """``preview`` of ``doc`` as kept in the cache, or None when it must not be kept: a
    missing or unreadable note, a folder listing, a truncated file. Without a note (``doc`` is
    None) nothing can change under the preview: it has no stamp."""
    if doc is None:
        return Cached(preview, None, None)
    if doc.kind not in (NoteKind.MARKDOWN, NoteKind.FOLDER_README) or doc.truncated:
        return None
    if doc.path is None or doc.mtime_ns is None or doc.size is None:
        return None
    return Cached(preview, doc.mtime_ns, Stamp(doc.path, doc.mtime_ns, doc.size))


class PreviewCache:
    """At most ``CACHE_SIZE`` previews, the least recently shown dropped first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[Entry, Cached] = OrderedDict()

    def get(self, entry: Entry) -> Cached | None:
        cached = self._items.get(entry)
        if cached is None:
            return None
        if cached.stamp is not None and not cached.stamp.holds():
            del self._items[entry]
            return None
        self._items.move_to_end(entry)
        return cached

    def __contains__(self, entry: Entry) -> bool:
        return entry in self._items

    def put(self, entry: Entry, cached: Cached) -> None:
        self._items[entry] = cached
        self._items.move_to_end(entry)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
