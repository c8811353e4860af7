"""Writers take turns: every read-modify-write of a user's file runs under one exclusive lock.

The hash re-check just before ``os.replace`` (:func:`app.core.edit.write_atomic`) catches an
editor's save, but it cannot close the window between two readnotes writers: both may pass the
check and the later ``os.replace`` drops the earlier one's edit. So readnotes writers (``done``,
``todo``, ``add``, the browser's ``x`` and ``u``, done dates, note stubs) hold an advisory
``flock`` on a hidden file beside the target while they read, edit and write. ``flock`` belongs
to the open file: the kernel releases it when the holder dies, so a killed writer leaves only a
harmless empty file (hidden, so :func:`app.core.names.is_noise` counts it as noise: never an
orphan, never a live change). The file is never removed: a waiter must lock the same inode.
Editors do not take this lock; the hash re-check stays for them.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.errors import ConflictError

LOCK_SUFFIX = ".readnotes-lock"
TIMEOUT_ENV = "READNOTES_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
_POLL = 0.005  # seconds between attempts: fifty waiting writers each get their turn quickly
# A folder we may not create files in cannot hold the lock; the write itself then decides.
_CANNOT_LOCK_THERE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class LockTimeoutError(ConflictError):
    """Another readnotes process held the file longer than the bound; nothing was written."""


def lock_path(path: Path) -> Path:
    """The hidden lock file beside the file ``path`` stands for (a symlink's target: one lock)."""
    target = Path(os.path.realpath(path))
    return target.parent / f".{target.name[:180]}{LOCK_SUFFIX}"


def lock_timeout() -> float:
    """The bound on waiting, in seconds: ``$READNOTES_LOCK_TIMEOUT`` when it is a number >= 0."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value >= 0 and value == value and value != float("inf") else DEFAULT_TIMEOUT


@contextmanager
def writer_lock(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive writer lock of ``path`` for the block; waits up to ``timeout`` seconds.

    Raises :class:`LockTimeoutError` when another writer keeps it longer. The lock is taken on
    a fresh open file each time, so two writers in one process (the browser's worker and a note
    stub) exclude each other as two processes do.
    """
    from filelock import Timeout, UnixFileLock  # loaded by the first write, not at startup

    bound = lock_timeout() if timeout is None else timeout
    where = lock_path(path)
    lock = UnixFileLock(str(where), timeout=bound, poll_interval=_POLL, thread_local=False)
    held = True
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeoutError(
            f"Another readnotes is writing {path.name} (waited {bound:g} s for its lock"
            f" {where.name}); nothing was written"
        ) from None
    except OSError as error:
        if error.errno not in _CANNOT_LOCK_THERE:
            raise
        held = False  # the folder takes no new file: the atomic write reports what it can do
    try:
        yield
    finally:
        if held:
            lock.release()
