"""Mark entries done or TODO by rewriting exactly their marker, safely.

The user's index is sacred: the only bytes that change are the marker's, the write is atomic
(temp file beside the target, fsync, ``os.replace``, fsync of the folder), and just before the
replace the file is read again and compared, so another writer's edit is never overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ConflictError, EditError
from app.core.locking import writer_lock
from app.core.model import Entry, Index, MarkerKind, Status
from app.core.parse import (
    MEMORY,
    ChunkMemory,
    find_index,
    index_digest,
    parse_index,
    reparse_marked,
)
from app.core.tables import fit_in_cell, status_value
from app.core.temps import remove_stale_temps, temp_name

_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Splice:
    """Replace ``data[start:end]`` by ``text``."""

    start: int
    end: int
    text: bytes

    def apply(self, data: bytes) -> bytes:
        return data[: self.start] + self.text + data[self.end :]


@dataclass(frozen=True, slots=True)
class MarkResult:
    index: Index  # the index as written (re-parsed)
    entry: Entry  # the entry in that index
    changed: bool
    message: str
    line_before: bytes
    line_after: bytes
    merged: bool = False  # the file had changed since ``known``: the mark went into that version


class _ChangedUnderUs(Exception):
    """The file on disk no longer holds the bytes the edit was computed from."""


ChangedOnDisk = _ChangedUnderUs  # what write_atomic raises then, for other editors (add)


def status_splices(index: Index, entry: Entry, status: Status) -> list[Splice]:
    """The byte changes that give ``entry`` the wanted status: none when it already has it.

    In a table row each change stays inside its cell, the cell's padding taking up any change
    of width when the table's columns are aligned."""
    splices = _marker_splices(index, entry, status)
    if entry.shape != "row":
        return splices
    fitted: list[Splice] = []
    for splice in splices:
        fitted.extend(
            Splice(start, end, text)
            for start, end, text in fit_in_cell(index.data, splice.start, splice.end, splice.text)
        )
    return fitted


def _marker_splices(index: Index, entry: Entry, status: Status) -> list[Splice]:
    marker = index.marker(entry)
    data = index.data
    if marker.kind is MarkerKind.CHECKBOX:
        checked = data[marker.start + 1 : marker.start + 2] not in (b" ", b"")
        if status is Status.DONE:
            splices = []
            if not checked:
                tick = index.checked_style.encode()
                splices.append(Splice(marker.start + 1, marker.start + 2, tick))
            if marker.word_has_todo:
                splices.append(Splice(marker.word_start, marker.word_end, b""))
            return splices
        if checked and not marker.word_has_todo:
            return [Splice(marker.start + 1, marker.start + 2, b" ")]
        return []
    if marker.kind is MarkerKind.STATUS_CELL:
        if entry.status is status:
            return []
        return [Splice(marker.start, marker.end, status_value(index, entry, status))]
    if marker.kind is MarkerKind.DONE_SIGN:
        if status is Status.DONE:
            return []
        return [Splice(marker.start, marker.end, index.todo_style.rstrip(" \t").encode())]
    if status is Status.DONE:
        if marker.kind is not MarkerKind.TODO_WORD:
            return []
        if index.uses_done_word:
            return [Splice(marker.start, marker.start + 4, b"DONE")]
        return [Splice(marker.start, marker.end, b"")]
    if marker.kind is MarkerKind.TODO_WORD:
        return []
    if marker.kind is MarkerKind.DONE_WORD:
        return [Splice(marker.start, marker.start + 4, b"TODO")]
    return [Splice(marker.start, marker.start, index.todo_style.encode())]


def apply_splices(data: bytes, splices: list[Splice]) -> bytes:
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
        data = splice.apply(data)
    return data


def line_bytes(data: bytes, line: int, *, near: int | None = None) -> bytes:
    """The bytes of 1-based ``line`` without its line ending.

    ``near``: an offset on that line or a later one, to count lines back from (a mark knows
    where its marker is: looking for line 10,000 from the top costs milliseconds).
    """
    start = _line_start_before(data, line, near) if near is not None else None
    if start is None:
        start = 0
        for _ in range(line - 1):
            found = data.find(b"\n", start)
            if found == -1:
                return b""
            start = found + 1
    end = data.find(b"\n", start)
    chunk = data[start:] if end == -1 else data[start:end]
    return chunk.removesuffix(b"\r")


def _line_start_before(data: bytes, line: int, near: int) -> int | None:
    """Where 1-based ``line`` starts, found back from offset ``near``; None when it is after."""
    near = min(max(near, 0), len(data))
    start = data.rfind(b"\n", 0, near) + 1
    back = data.count(b"\n", 0, start) + 1 - line
    if back < 0:
        return None
    for _ in range(back):
        start = data.rfind(b"\n", 0, start - 1) + 1
    return start


def mark(
    path: Path,
    key: str,
    status: Status,
    *,
    known: Index | None = None,
    require_line: bytes | None = None,
    memory: ChunkMemory = MEMORY,
) -> MarkResult:
    """Give the entry identified by ``key`` the wanted status in the index at ``path``.

    ``known`` is an index the caller already parsed; it is reused only when the file still holds
    exactly its bytes. ``require_line`` (for undo) refuses the edit when the entry's line no longer
    reads so. ``memory`` keeps the parsed chunks the mark re-parses one of.
    """
    if known is not None and path == known.path and path.is_dir():
        raise EditError(f"The index {path} is now a folder; nothing was written")
    index_path = find_index(path)
    remove_stale_temps_beside(index_path)
    with writer_lock(index_path):
        return _mark_locked(index_path, key, status, known, require_line, memory)


def _mark_locked(
    index_path: Path,
    key: str,
    status: Status,
    known: Index | None,
    require_line: bytes | None,
    memory: ChunkMemory,
) -> MarkResult:
    """Read, find the entry by identity, edit, write: other readnotes writers wait meanwhile."""
    seen = known.digest if known is not None else None
    for _ in range(_ATTEMPTS):
        data = read_index_bytes(index_path)
        current = index_digest(data)
        merged = seen is not None and current != seen
        index = known if known is not None and known.digest == current else None
        if index is None:
            index = parse_index(data, index_path, memory=memory)
        known = None
        entry = index.find(key)
        if entry is None:
            raise ConflictError("The entry is no longer in the index (it changed on disk)")
        near = index.marker(entry).start  # on the entry's line or below it
        before = line_bytes(data, entry.line, near=near)
        if require_line is not None and before != require_line:
            raise EditError(f"Line {entry.line} changed since the mark; nothing was undone")
        splices = status_splices(index, entry, status)
        if not splices:
            word = "done" if status is Status.DONE else "TODO"
            message = f"Already {word}: {entry.title}"
            return MarkResult(index, entry, False, message, before, before, merged)
        new = apply_splices(data, splices)
        word = "done" if status is Status.DONE else "TODO"
        new_index, new_entry = _reparse(index, new, index_path, entry, status, memory)
        if new_entry is None:
            raise EditError(_refusal(entry, word))
        try:
            write_atomic(index_path, new, expected=data)
        except _ChangedUnderUs:
            continue
        after = line_bytes(new, entry.line, near=near)
        return MarkResult(
            new_index, new_entry, True, f"Marked {word}: {entry.title}", before, after, merged
        )
    raise ConflictError("The index keeps changing on disk; nothing was written")


def _refusal(entry: Entry, word: str) -> str:
    if entry.shape == "row":
        return (
            f"Line {entry.line} cannot be marked {word} without changing how its table reads"
            " (the row's cells would read differently); nothing was written, edit it by hand"
        )
    return (
        f"Line {entry.line} cannot be marked {word} without changing how the index reads"
        " (the text after its marker would start a list, a heading or another marker);"
        " nothing was written, edit it by hand"
    )


def _reparse(
    index: Index, new: bytes, path: Path, entry: Entry, status: Status, memory: ChunkMemory
) -> tuple[Index, Entry | None]:
    """The model of the edited bytes, and the marked entry in it (None: the edit is refused).

    Re-parsing the entry's chunk alone is enough when it checks out (a full parse of 10,000
    entries takes most of a mark's time); when it cannot tell, the whole file is parsed.
    """
    if index.path == path:
        quick = reparse_marked(index, new, entry, status, memory=memory)
        if quick is not None:
            return quick, quick.entries[entry.position]
    new_index = parse_index(new, path, memory=memory)
    return new_index, _marked_entry(index, new_index, entry, status)


def _marked_entry(old: Index, new: Index, entry: Entry, status: Status) -> Entry | None:
    """The entry in the edited index, or None when the edit would change more than its status.

    Removing ``TODO `` can turn the rest of an item into a nested list (``TODO 1. x``), a heading
    (``TODO # x``) or another marker (``TODO [ ] x``). The edit stands only if every entry keeps
    its line, depth, title and category, and only the marked one changes status, to the wanted one.
    """
    if len(new.entries) != len(old.entries):
        return None
    for before, after in zip(old.entries, new.entries, strict=True):
        wanted = status if before is entry else before.status
        if (after.line, after.depth, after.title, after.category, after.status) != (
            before.line,
            before.depth,
            before.title,
            before.category,
            wanted,
        ):
            return None
    return new.entries[entry.position]


def read_index_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise EditError(f"The index {path} is gone; nothing was written") from exc
    except IsADirectoryError as exc:
        raise EditError(f"The index {path} is now a folder; nothing was written") from exc
    except OSError as exc:
        raise EditError(f"Cannot read {path}: {exc.strerror or exc}") from exc


def write_atomic(path: Path, data: bytes, *, expected: bytes) -> None:
    """Replace the contents of ``path`` by ``data`` if it still holds ``expected``.

    A symlink stays a symlink (its target is written); a file with several hard links is written
    in place so every name sees the edit; mode, owner and extended attributes are kept.
    """
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except OSError as exc:
        raise EditError(f"Cannot write {path}: {exc.strerror or exc}") from exc
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise EditError(f"{path} is read-only; nothing was written")
    if not os.access(target, os.W_OK):
        raise EditError(f"No permission to write {path}; nothing was written")
    if info.st_nlink > 1:
        _write_in_place(target, data, expected)
    else:
        _write_replace(target, data, expected, info)


def _write_in_place(target: Path, data: bytes, expected: bytes) -> None:
    try:
        with open(target, "r+b") as handle:
            if handle.read() != expected:
                raise _ChangedUnderUs
            handle.seek(0)
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise EditError(f"Cannot write {target}: {exc.strerror or exc}") from exc


def _write_replace(target: Path, data: bytes, expected: bytes, info: os.stat_result) -> None:
    folder = target.parent
    temp = folder / temp_name(target.name)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise EditError(f"Cannot write beside {target}: {exc.strerror or exc}") from exc
    try:
        try:
            _write_all(fd, data)
            _copy_metadata(fd, target, info)
            os.fsync(fd)
        finally:
            os.close(fd)
        if _read_or_none(target) != expected:
            raise _ChangedUnderUs
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise EditError(f"Cannot write {target}: {exc.strerror or exc}") from exc
        raise
    _fsync_folder(folder)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _copy_metadata(fd: int, target: Path, info: os.stat_result) -> None:
    with contextlib.suppress(OSError):  # before the mode: chown clears set-id bits
        os.fchown(fd, info.st_uid, info.st_gid)
    os.fchmod(fd, stat.S_IMODE(info.st_mode))
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(target)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(fd, name, os.getxattr(target, name))


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def remove_stale_temps_beside(index_path: Path) -> int:
    """Clean the index's folder and, for a symlinked index, its target's folder (where we write)."""
    folders = {index_path.parent, Path(os.path.realpath(index_path)).parent}
    return sum(remove_stale_temps(folder) for folder in folders)
