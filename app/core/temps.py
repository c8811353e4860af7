"""Our temporary files, and the sweep of those a killed readnotes left behind.

Every file we replace atomically (the index, the cache files) is first written to a temp beside
it, named by one rule: ``.<name>.readnotes-<writer pid>-<random hex>.tmp``. The same rule says
which leftovers are ours and stale, wherever they are swept.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

TEMP_MARK = ".readnotes-"
TEMP_SUFFIX = ".tmp"
STALE_SECONDS = 600.0  # a temp this old is stale even if its pid was reused since
# ".README.md.readnotes-<writer pid>-<random hex>.tmp". Older versions wrote names without a pid,
# and named the parse cache's ".chunks-<random>.tmp": those are stale by their age only.
_TEMP_NAME = re.compile(
    r"^\.(?:.+\.readnotes-(?:(?P<pid>[0-9]{1,10})-)?[0-9a-f]+|chunks-.+)\.tmp$", re.DOTALL
)


def temp_name(name: str) -> str:
    """The temp file written beside ``name``; it carries our pid so others know when it is stale."""
    return f".{name[:180]}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"


def remove_stale_temps(folder: Path, *, now: float | None = None) -> int:
    """Remove temp files a killed readnotes left in ``folder``; returns how many.

    A temp is stale when the process named in it is gone, or when it is older than ten minutes
    (its pid may have been reused since; older versions wrote none). A temp of a live writer,
    such as the browser saving while ``readnotes done`` runs, is never touched.
    """
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    clock = time.time() if now is None else now
    for name in names:
        found = _TEMP_NAME.match(name)
        if found is None:
            continue
        path = folder / name
        pid = found.group("pid")
        if (pid is not None and not _process_alive(int(pid))) or _older_than(path, clock):
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
    return removed


def _process_alive(pid: int) -> bool:
    if not 0 < pid < 2**31:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def _older_than(path: Path, now: float) -> bool:
    try:
        return now - os.lstat(path).st_mtime > STALE_SECONDS
    except OSError:
        return False
