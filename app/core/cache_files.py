"""The cache folder and its files: where they live, and the one way each is written and read.

Everything readnotes keeps to go faster (parsed chunks, the reading history, link health, web
answers) is a cache: ``READNOTES_CACHE_DIR`` moves the folder, ``off`` keeps none. A cache file
is replaced atomically (a temp beside it, named by :func:`app.core.temps.temp_name`, then a
rename), so a reader never sees half of one and a killed writer leaves only a temp the next
write sweeps. A framed file starts with its format line and a CRC-32 of its payload: one of
another format, or damaged in any way, is ignored, never misread.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zlib
from pathlib import Path

import platformdirs

from app.core.temps import remove_stale_temps, temp_name

CRC_BYTES = 4  # the payload's CRC-32, big-endian, between the format line and the payload


def cache_folder() -> Path | None:
    """The cache folder (None: ``READNOTES_CACHE_DIR=off``, nothing is kept)."""
    configured = os.environ.get("READNOTES_CACHE_DIR")
    if configured == "off":
        return None
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("readnotes"))


def index_cache_file(index_path: Path, kind: str) -> Path | None:
    """The cache file of ``kind`` for this index, keyed by its real path (None: no cache)."""
    folder = cache_folder()
    if folder is None:
        return None
    name = hashlib.sha256(os.path.realpath(index_path).encode()).hexdigest()[:24]
    return folder / f"{kind}-{name}.marshal"


def replace_file(target: Path, *parts: bytes) -> None:
    """Write ``parts`` as the new ``target``, atomically, readable only by this user.

    Raises OSError (the caller, whose file is a cache, ignores it); the temp is then removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent)
    temp = target.parent / temp_name(target.name)
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_framed(target: Path, form: bytes, payload: bytes) -> None:
    """``target`` replaced by the format line ``form``, the payload's CRC-32, the payload."""
    replace_file(target, form, zlib.crc32(payload).to_bytes(CRC_BYTES, "big"), payload)


def read_framed(target: Path, form: bytes) -> memoryview | None:
    """The payload of a framed file of format ``form``; None when it is missing, unreadable,
    of another format or damaged."""
    try:
        raw = target.read_bytes()
    except OSError:
        return None
    if not raw.startswith(form):
        return None
    crc = raw[len(form) : len(form) + CRC_BYTES]
    payload = memoryview(raw)[len(form) + CRC_BYTES :]
    if len(crc) != CRC_BYTES or zlib.crc32(payload) != int.from_bytes(crc, "big"):
        return None
    return payload
