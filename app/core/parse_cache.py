"""Parsed chunks of big indexes, kept between runs so a 50,000-entry index opens at once.

Keyed by a digest of the chunk's exact bytes, so a stale entry can never be used: a chunk that
changed is simply parsed again. Beside the chunks, the parser saves how the file they were parsed
from was laid out, to open that same file again without cutting it into chunks. The file lives
in the platform's cache folder (``READNOTES_CACHE_DIR`` overrides it; ``off`` turns the cache
off); any problem reading or writing it is ignored, and a file damaged in any way (its payload
has a CRC-32) or written in another format is not used.
"""

from __future__ import annotations

import contextlib
import marshal
import threading
from pathlib import Path
from typing import Any

from app.core.cache_files import (
    CRC_BYTES,
    cache_folder,
    index_cache_file,
    read_framed,
    write_framed,
)

__all__ = ["MIN_BYTES", "cache_folder", "load_with_layout", "save_later"]

# Below this an index is parsed at every start (the cache would save under 3 ms, not worth a
# file). Opened as saved, an index's cached chunks load ~7x faster than it parses, at every size
# measured (CPU, best of 5): 36 KiB (300 entries) 8.3 -> 1.1 ms, 122 KiB (1,000) 27 -> 3.9 ms,
# a 251 KiB table of 1,500 rows 44 -> 5.8 ms, 394 KiB (awesome-go, 3,033) 70 -> 12 ms.
MIN_BYTES = 16 * 1024
# Bump it whenever what is saved changes (the rows of a chunk, the layout, how keys are made):
# a file of another format is ignored, never misread.
_FORMAT = b"readnotes-chunks-5\n"
_CRC_BYTES = CRC_BYTES  # the payload's CRC-32, between the format line and the payload
_lock = threading.Lock()


def _file_for(index_path: Path) -> Path | None:
    return index_cache_file(index_path, "index")


def load_with_layout(index_path: Path) -> tuple[dict[bytes, Any], Any]:
    """The chunks cached for this index and how the file they were saved for is laid out
    (opaque here: the parser checks it), or nothing."""
    target = _file_for(index_path)
    if target is None:
        return {}, None
    payload = read_framed(target, _FORMAT)
    if payload is None:
        return {}, None
    try:
        loaded = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}, None
    if not (isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], dict)):
        return {}, None
    return loaded[0], loaded[1]


def save_later(index_path: Path, chunks: dict[bytes, Any], layout: Any = None) -> None:
    """Write the cache in the background: it must never slow down opening or saving.

    One writer thread takes the files in turn (a hundred sub-indexes parsed at a first start
    are a hundred files: a thread each would fight the first screen for the interpreter), and
    a file asked for twice before it is written is written once, as last asked. Not a daemon
    thread: one killed at exit (a ``readnotes list`` ends right after parsing) would leave a
    half-written temporary file behind, in a folder nobody looks at.
    """
    global _writer
    snapshot = dict(chunks)
    with _pending_lock:
        _pending.pop(index_path, None)
        _pending[index_path] = (snapshot, layout)
        if _writer is None:
            _writer = threading.Thread(target=_write_pending, name="parse-cache")
            _writer.start()


_pending: dict[Path, tuple[dict[bytes, Any], Any]] = {}
_pending_lock = threading.Lock()
_writer: threading.Thread | None = None


def _write_pending() -> None:
    """Write the files asked for, oldest first, until none is left; then end."""
    global _writer
    while True:
        with _pending_lock:
            if not _pending:
                _writer = None
                return
            index_path = next(iter(_pending))
            chunks, layout = _pending.pop(index_path)
        try:
            _save(index_path, chunks, layout)
        except BaseException:  # a bug, reported by the thread's hook: the next save starts anew
            with _pending_lock:
                _writer = None
            raise


def _save(index_path: Path, chunks: dict[bytes, Any], layout: Any) -> None:
    target = _file_for(index_path)
    if target is None:
        return
    with _lock, contextlib.suppress(OSError, ValueError):
        payload = marshal.dumps((chunks, layout))  # before the file exists: the write is one call
        write_framed(target, _FORMAT, payload)
