"""The reading history as of a commit, kept between runs so the next one reads only new commits.

One file per index in the cache folder (``READNOTES_CACHE_DIR``; ``off`` keeps none), keyed by
the index's real path, holding the commit it was computed up to. A file that is damaged in any
way (its payload has a CRC-32), of another format or unreadable is ignored: the history is then
read from the start, never misread.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import zlib
from pathlib import Path

from app.core.parse_cache import cache_folder
from app.core.reading_history import Record, State
from app.core.temps import remove_stale_temps, temp_name

# Bump it whenever what is saved changes, or how lines are read as entries.
_FORMAT = b"readnotes-history-2\n"
_CRC_BYTES = 4


def _file_for(index_path: Path) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    name = hashlib.sha256(os.path.realpath(index_path).encode()).hexdigest()[:24]
    return folder / f"history-{name}.marshal"


def load(index_path: Path) -> State | None:
    target = _file_for(index_path)
    if target is None:
        return None
    try:
        raw = target.read_bytes()
        if not raw.startswith(_FORMAT):
            return None
        crc = raw[len(_FORMAT) : len(_FORMAT) + _CRC_BYTES]
        payload = memoryview(raw)[len(_FORMAT) + _CRC_BYTES :]
        if len(crc) != _CRC_BYTES or zlib.crc32(payload) != int.from_bytes(crc, "big"):
            return None
        head, shallow, clean, live, gone = marshal.loads(payload)
        return State(
            head,
            bool(shallow),
            clean if isinstance(clean, str) else None,
            {key: [Record(*fields) for fields in records] for key, records in live.items()},
            {key: Record(*fields) for key, fields in gone.items()},
        )
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return None


def save(index_path: Path, state: State) -> None:
    """Written atomically (temp file beside it, rename); any failure only costs the next run."""
    target = _file_for(index_path)
    if target is None:
        return
    payload = marshal.dumps(
        (
            state.head,
            state.shallow,
            state.clean,
            {
                key: [(r.added, r.done, r.is_done) for r in records]
                for key, records in state.live.items()
            },
            {key: (r.added, r.done, r.is_done) for key, r in state.gone.items()},
        )
    )
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(target.parent)
        temp = target.parent / temp_name(target.name)
        try:
            with open(temp, "xb") as stream:
                stream.write(_FORMAT)
                stream.write(zlib.crc32(payload).to_bytes(_CRC_BYTES, "big"))
                stream.write(payload)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
