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
import hashlib
import marshal
import os
import threading
import zlib
from pathlib import Path
from typing import Any

import platformdirs

from app.core.temps import remove_stale_temps, temp_name

MIN_BYTES = 256 * 1024  # smaller indexes parse faster than the cache loads
# Bump it whenever what is saved changes (the rows of a chunk, the layout, how keys are made):
# a file of another format is ignored, never misread.
_FORMAT = b"readnotes-chunks-4\n"
_CRC_BYTES = 4  # the payload's CRC-32, big-endian, between the format line and the payload
_lock = threading.Lock()


def cache_folder() -> Path | None:
    configured = os.environ.get("READNOTES_CACHE_DIR")
    if configured == "off":
        return None
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("readnotes"))


def _file_for(index_path: Path) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    name = hashlib.sha256(os.path.realpath(index_path).encode()).hexdigest()[:24]
    return folder / f"index-{name}.marshal"


def load_with_layout(index_path: Path) -> tuple[dict[bytes, Any], Any]:
    """The chunks cached for this index and how the file they were saved for is laid out
    (opaque here: the parser checks it), or nothing."""
    target = _file_for(index_path)
    if target is None:
        return {}, None
    try:
        raw = target.read_bytes()
        if not raw.startswith(_FORMAT):
            return {}, None
        payload = memoryview(raw)[len(_FORMAT) + _CRC_BYTES :]
        crc = raw[len(_FORMAT) : len(_FORMAT) + _CRC_BYTES]
        if len(crc) != _CRC_BYTES or zlib.crc32(payload) != int.from_bytes(crc, "big"):
            return {}, None
        loaded = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
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
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(target.parent)
        temp = target.parent / temp_name(target.name)
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(_FORMAT)
                stream.write(zlib.crc32(payload).to_bytes(_CRC_BYTES, "big"))
                stream.write(payload)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
