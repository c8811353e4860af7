"""What a thing named like the index is, when it is not a file readnotes can read.

"No index in notes/: expected README.md or index.md" is untrue when there is a ``README.md``
that is a FIFO, a socket, a device, a folder or a symlink to nowhere. Each gets its own line
naming it and saying what it is. Only ``lstat``/``stat`` are asked: a FIFO is never opened (an
open for reading would wait for a writer forever).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from app.core.display_names import shown_name
from app.core.names import folder_note_name

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def file_kind(mode: int) -> str | None:
    """What a ``st_mode`` is, for a message; None for a regular file."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def what_it_is(path: Path) -> str | None:
    """What ``path`` is when it cannot be read as an index; None for a regular file (or none)."""
    try:
        link = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(link.st_mode):
        try:
            target = os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return "a symlink loop (a symlink that leads nowhere)"
            return f"a symlink that leads nowhere (to {shown_name(os.readlink(path))})"
        kind = file_kind(target.st_mode)
        return None if kind is None else f"a symlink to {kind}, not a file"
    kind = file_kind(link.st_mode)
    return None if kind is None else f"{kind}, not a file"


def not_an_index_file(path: Path) -> str | None:
    """The one-line error for an index named directly that is no file; None: it is one."""
    what = what_it_is(path)
    return None if what is None else f"Not an index: {shown_name(path)} is {what}"


def odd_index_in(folder: Path) -> str | None:
    """The error for a folder whose ``README.md``/``index.md`` (any case) is no file; None: none."""
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    found = folder_note_name(names)
    what = None if found is None else what_it_is(folder / found)
    return (
        None
        if what is None
        else f"No index in {shown_name(folder)}: {shown_name(found or '')} is {what}"
    )
