"""Parsed chunks and models kept in memory between parses, and the link to the cache on disk.

A save re-parses only the section it changed and a mark only the chunk it changed: each finds
the rest here. The app keeps one ``ChunkMemory`` (``MEMORY``); a caller that wants to parse as a
new process would (nothing in memory yet) passes one of its own. It also counts what parsing has
cost, so what the caches save can be seen.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from app.core import parse_cache
from app.core.model import Index
from app.core.parse.events import Refs
from app.core.parse.rows import ChunkCache, ChunkResult


@dataclass(frozen=True, slots=True)
class Parsed:
    """How an index was parsed: what re-parsing one of its chunks alone needs."""

    chunks: list[tuple[int, int, ChunkResult]]  # (byte offset, first line, rows) of each chunk
    refs: Refs | None
    front_end: int  # where the frontmatter ends (where the text starts when there is none)
    header: list[str]  # warnings about the file as a whole
    cache: ChunkCache  # the chunk cache it was parsed with (it holds these chunks)


class ChunkMemory:
    """The chunks of the last few index files parsed, and how the last few models were parsed.

    ``disk_min_bytes``: an index this big or bigger also keeps its chunks on disk, between runs
    (smaller indexes parse faster than the cache loads).
    """

    def __init__(
        self, *, disk_min_bytes: int = parse_cache.MIN_BYTES, files: int = 4, models: int = 4
    ) -> None:
        self.disk_min_bytes = disk_min_bytes
        self._files = files
        self._chunks: dict[str, ChunkCache] = {}  # index path -> its chunks, as last parsed
        self._models = models
        self._parsed: dict[tuple[Path, str], Parsed] = {}  # by (path, digest) of the model
        self._lock = threading.Lock()
        self.parses = 0  # whole files parsed, each taking what it could from a cache
        self.cuts = 0  # of those, the files cut into chunks (not laid out as saved on disk)
        self.chunks_parsed = 0  # chunks not found in a cache, by whole parses and by marks

    def chunks_for(self, path: Path, size: int) -> tuple[ChunkCache, object, bool]:
        """The chunk cache of this index: in memory, else from disk for a big index, with the
        layout of the file it was saved for; and whether it was read from disk just now."""
        name = os.path.realpath(path)
        cache = self._chunks.get(name)
        if cache is not None:
            return cache, None, False
        cache, layout = ({}, None)
        if size >= self.disk_min_bytes:
            cache, layout = parse_cache.load_with_layout(path)
        while len(self._chunks) >= self._files:
            self._chunks.pop(next(iter(self._chunks)))
        self._chunks[name] = cache
        return cache, layout, bool(cache)

    def save_later(self, path: Path, cache: ChunkCache, layout: object, size: int) -> None:
        """Keep the chunks of a big index on disk too (written in the background)."""
        if size >= self.disk_min_bytes:
            parse_cache.save_later(path, cache, layout)

    def remember(self, index: Index, parsed: Parsed) -> None:
        with self._lock:
            self._parsed[(index.path, index.digest)] = parsed
            while len(self._parsed) > self._models:
                del self._parsed[next(iter(self._parsed))]

    def parsed(self, index: Index) -> Parsed | None:
        """How ``index`` was parsed, when it was parsed here lately."""
        with self._lock:
            return self._parsed.get((index.path, index.digest))


MEMORY = ChunkMemory()
