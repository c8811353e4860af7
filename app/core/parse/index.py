"""Parsing a whole index: cut it into chunks, take those seen before from a cache, assemble.

Parsing a 50,000-entry index is the hot path of startup, of every save and of every reload: a
chunk is parsed only when no cache holds it, and an index opened again exactly as it was when
its chunks were saved on disk is not even cut.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import cast

from app.core.errors import ReadnotesError
from app.core.model import Index
from app.core.parse.assemble import assemble
from app.core.parse.chunks import chunk_bounds, front_matter_end
from app.core.parse.events import Refs, parse_chunk
from app.core.parse.memory import MEMORY, ChunkMemory, Parsed
from app.core.parse.options import BODY_OPTIONS, MARKDOWN_OPTIONS
from app.core.parse.read import BOM, find_index, header_warnings, index_digest
from app.core.parse.rows import ChunkCache, ChunkResult

Cutter = Callable[[bytes, int], list[tuple[int, int]]]  # (data, start) -> (begin, end) of chunks


def load_index(path: Path, *, memory: ChunkMemory = MEMORY) -> Index:
    """Read and parse the index at ``path`` (a folder or a file)."""
    index_path = find_index(path)
    try:
        data = index_path.read_bytes()
    except IsADirectoryError as exc:
        raise ReadnotesError(f"The index {index_path} is a folder, not a file") from exc
    except OSError as exc:
        raise ReadnotesError(f"Cannot read {index_path}: {exc.strerror or exc}") from exc
    return parse_index(data, index_path, memory=memory)


_FROZEN: list[bool] = []  # the first parse's model was frozen


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Tens of thousands of new objects would set off full collections over all of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # The model lives as long as it is shown and holds no cycles: keep the collector from
        # walking it again and again (a full pass over 50,000 entries stalls the UI). Only the
        # first one: a freeze at each reload also froze the workers alive then, which hold the
        # old index; finished, they are cycles no collector frees (bench/soak.py: +4 GiB in
        # 2.5 minutes of saves every 200 ms at 10k entries).
        if not _FROZEN:
            _FROZEN.append(True)
            gc.freeze()
        if was_enabled:
            gc.enable()


def parse_index(
    data: bytes,
    path: Path,
    *,
    cache: ChunkCache | None = None,
    memory: ChunkMemory = MEMORY,
    cut: Cutter = chunk_bounds,
) -> Index:
    """Parse index bytes. Never raises on content: problems become ``Index.warnings``.

    The file is cut into chunks (``cut``: at top-level ATX headings, never inside a code fence,
    an HTML block or a comment; any cut whose chunks parse as they do in the whole file gives
    the same model, the coarsest being after the frontmatter only), each parsed on its own.
    A chunk seen before is not parsed
    again: saving a 10,000-entry index re-parses the section edited. The chunks come from
    ``memory`` (and for a big index from disk), which also learns how the model was parsed (a
    mark then re-parses one chunk of it, see ``reparse_marked``); a ``cache`` given (chunk key
    -> rows) is used instead, and the model is not remembered. A big index opened again as it
    was when its cache was saved is not even cut into chunks.
    """
    own_cache = cache is None
    stored: object = None
    from_disk = False
    memory.parses += 1
    with _gc_paused():  # unmarshalling a big cache makes a million objects too
        if cache is None:
            cache, stored, from_disk = memory.chunks_for(path, len(data))
        try:
            index, changed, how, layout = _parse(data, path, cache, stored, memory, cut)
        except (LookupError, TypeError, ValueError):
            if not from_disk:
                raise
            # Rows of another make under this format's name (its CRC was right): parse anew.
            cache.clear()
            index, changed, how, layout = _parse(data, path, cache, None, memory, cut)
    if own_cache:
        memory.remember(index, how)
        if changed:
            memory.save_later(path, cache, layout, len(data))
    return index


# How a file was cut, saved with its chunks: (sha256 of the file, where its frontmatter ends,
# the references' salt, ((begin, first line, key) of each chunk, ...)). Opening that same file
# again takes its chunks in this order, without cutting it (~60 ms at 50,000 entries).
Layout = tuple[bytes, int, bytes, list[tuple[int, int, bytes]]]


def _parse(
    data: bytes, path: Path, cache: ChunkCache, stored: object, memory: ChunkMemory, cut: Cutter
) -> tuple[Index, bool, Parsed, Layout]:
    """The model, whether the cache on disk should be written again, how it was parsed, and the
    layout of the file to save with the cache."""
    start = 3 if data.startswith(BOM) else 0
    header = header_warnings(data, start)
    warnings = list(header)
    digest = index_digest(data)
    whole = bytes.fromhex(digest)
    laid = _stored_chunks(stored, whole, cache, start, len(data))
    if laid is not None:
        front_end, salt, results, order = laid
        refs = Refs(data, start, salt) if b"]:" in data else None
        parsed = 0
    else:
        refs = Refs(data, start) if b"]:" in data else None
        salt = salt_of(refs)
        front_end = front_matter_end(data, start)
        results, order, parsed = _cut_and_look_up(
            data, cut(data, start), start, front_end, refs, salt, cache, warnings
        )
        memory.cuts += 1
        memory.chunks_parsed += parsed
    cache.clear()
    cache.update((key, result) for (_, _, key), (_, _, result) in zip(order, results, strict=True))
    index = assemble(data, path, results, warnings, digest)
    changed = parsed > 0 or (stored is not None and laid is None)
    layout = (whole, front_end, salt, order)
    return index, changed, Parsed(results, refs, front_end, header, cache), layout


def _cut_and_look_up(
    data: bytes,
    bounds: list[tuple[int, int]],
    start: int,
    front_end: int,
    refs: Refs | None,
    salt: bytes,
    cache: ChunkCache,
    warnings: list[str],
) -> tuple[list[tuple[int, int, ChunkResult]], list[tuple[int, int, bytes]], int]:
    """Parse the chunks of the file (between ``bounds``) not in ``cache``: the chunks, their
    layout, and how many were parsed."""
    results: list[tuple[int, int, ChunkResult]] = []
    order: list[tuple[int, int, bytes]] = []
    line = 1
    parsed = 0
    view = memoryview(data)
    for begin, end in bounds:
        top = front_end > start and begin == start  # the frontmatter, a chunk of its own
        key = chunk_key(top, salt, view[begin:end])
        result = cache.get(key)
        if result is None:
            options = MARKDOWN_OPTIONS if top else BODY_OPTIONS
            result = parse_chunk(data[begin:end], refs, warnings, options)
            parsed += 1
        results.append((begin, line, result))
        order.append((begin, line, key))
        line += data.count(b"\n", begin, end)
    return results, order, parsed


def _stored_chunks(
    stored: object, whole: bytes, cache: ChunkCache, start: int, size: int
) -> tuple[int, bytes, list[tuple[int, int, ChunkResult]], list[tuple[int, int, bytes]]] | None:
    """The chunks of the file as the cache on disk laid it out, when it was saved for this very
    file (``whole`` is its sha256) and holds every chunk: (where the frontmatter ends, the
    references' salt, the chunks, their layout). None when anything is amiss."""
    try:
        digest, front_end, salt, order = cast(Layout, stored)
        if digest != whole or type(front_end) is not int or type(salt) is not bytes:
            return None
        results = [(begin, line, cache[key]) for begin, line, key in order]
    except (TypeError, ValueError, KeyError):
        return None
    # Sanity only (a file that matches its digest was laid out so): chunks in order, in the file.
    begins = [begin for begin, _, _ in results]
    lines = [line for _, line, _ in results]
    if not begins or begins[0] != start or begins[-1] >= size or not start <= front_end <= size:
        return None
    if not all(type(x) is int and type(y) is int and x < y for x, y in pairwise(begins)):
        return None
    if not all(type(x) is int and type(y) is int and x <= y for x, y in pairwise(lines)):
        return None
    if lines[0] != 1:
        return None
    return front_end, salt, results, list(order)


def salt_of(refs: Refs | None) -> bytes:
    return refs.salt if refs is not None else b""


def chunk_key(top: bool, salt: bytes, chunk: bytes | memoryview) -> bytes:
    """A chunk's cache key: the digest of its bytes and of what else its rows depend on (a
    digest, not the bytes: the cache would hold a second copy of the whole file)."""
    digest = hashlib.sha256(b"\x01" if top else b"\x00")
    digest.update(salt)
    digest.update(chunk)
    return digest.digest()
