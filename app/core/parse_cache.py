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

MIN_BYTES = 256 * 1024  # smaller indexes parse faster than the cache loads
# Bump it whenever what is saved changes (the rows of a chunk, the layout, how keys are made):
# a file of another format is ignored, never misread.
_FORMAT = b"readnotes-chunks-4\n"
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

    Not a daemon thread: one killed at exit (a ``readnotes list`` ends right after parsing)
    would leave a half-written temporary file behind, in a folder nobody looks at.
    """
    snapshot = dict(chunks)
    threading.Thread(target=_save, args=(index_path, snapshot, layout), name="parse-cache").start()


def _save(index_path: Path, chunks: dict[bytes, Any], layout: Any) -> None:
    target = _file_for(index_path)
    if target is None:
        return
    with _lock, contextlib.suppress(OSError, ValueError):
        payload = marshal.dumps((chunks, layout))  # before the file exists: the write is one call
        write_framed(target, _FORMAT, payload)
