"""Parsed chunks of big indexes, kept between runs so a 50,000-entry index opens at once.

Keyed by the chunk's exact bytes, so a stale entry can never be used: a chunk that changed is
simply parsed again. The file lives in the platform's cache folder (``READNOTES_CACHE_DIR``
overrides it; ``off`` turns the cache off); any problem reading or writing it is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import platformdirs

MIN_BYTES = 256 * 1024  # smaller indexes parse faster than the cache loads
_FORMAT = b"readnotes-chunks-1\n"
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


def load(index_path: Path) -> dict[bytes, Any]:
    """The chunks cached for this index, or nothing."""
    target = _file_for(index_path)
    if target is None:
        return {}
    try:
        raw = target.read_bytes()
        if not raw.startswith(_FORMAT):
            return {}
        loaded = marshal.loads(raw[len(_FORMAT) :])
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def save_later(index_path: Path, chunks: dict[bytes, Any]) -> None:
    """Write the cache in the background: it must never slow down opening or saving.

    Not a daemon thread: one killed at exit (a ``readnotes list`` ends right after parsing)
    would leave a half-written temporary file behind, in a folder nobody looks at.
    """
    snapshot = dict(chunks)
    threading.Thread(target=_save, args=(index_path, snapshot), name="parse-cache").start()


def _save(index_path: Path, chunks: dict[bytes, Any]) -> None:
    target = _file_for(index_path)
    if target is None:
        return
    with _lock, contextlib.suppress(OSError, ValueError):
        payload = marshal.dumps(chunks)  # before the file exists: the write is one call
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(target.parent)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(_FORMAT)
                stream.write(payload)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


_TEMP_PREFIX = ".chunks-"
STALE_SECONDS = 600  # a temporary file this old was left by a process that died writing it


def remove_stale_temps(folder: Path, *, now: float | None = None) -> int:
    """Remove cache temporaries that processes killed while writing left behind."""
    now = time.time() if now is None else now
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and (
                    now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
                ):
                    os.unlink(entry.path)
                    removed += 1
    return removed
