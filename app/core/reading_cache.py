"""The reading history as of a commit, kept between runs so the next one reads only new commits.

One file per index in the cache folder (``READNOTES_CACHE_DIR``; ``off`` keeps none), keyed by
the index's real path, holding the commit it was computed up to. A file that is damaged in any
way (its payload has a CRC-32), of another format or unreadable is ignored: the history is then
read from the start, never misread.
"""

from __future__ import annotations

import contextlib
import marshal
from pathlib import Path

from app.core.cache_files import index_cache_file, read_framed, write_framed
from app.core.reading_history import Record, State

# Bump it whenever what is saved changes, or how lines are read as entries.
_FORMAT = b"readnotes-history-2\n"


def _file_for(index_path: Path) -> Path | None:
    return index_cache_file(index_path, "history")


def load(index_path: Path) -> State | None:
    target = _file_for(index_path)
    if target is None:
        return None
    payload = read_framed(target, _FORMAT)
    if payload is None:
        return None
    try:
        head, shallow, clean, live, gone = marshal.loads(payload)
        return State(
            head,
            bool(shallow),
            clean if isinstance(clean, str) else None,
            {key: [Record(*fields) for fields in records] for key, records in live.items()},
            {key: Record(*fields) for key, fields in gone.items()},
        )
    except (ValueError, EOFError, TypeError, AttributeError):
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
        write_framed(target, _FORMAT, payload)
