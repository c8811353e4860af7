"""Rewrite moved links in the index to where they now live, touching only those URLs' bytes.

The same write as a mark (:mod:`app.core.edit`): under the writers' lock, the file read again,
the entries found by identity in what is there now, the URL replaced where the entry's own line
writes it as a link target (``](old)``, ``](old "title")``, ``<old>``), the result re-parsed to
be sure nothing else reads differently, then written atomically if the file still holds the bytes
the edit was computed from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.core.edit import (
    ChangedOnDisk,
    Splice,
    apply_splices,
    read_index_bytes,
    remove_stale_temps_beside,
    write_atomic,
)
from app.core.errors import ConflictError
from app.core.locking import writer_lock
from app.core.model import Index
from app.core.parse import MEMORY, find_index, index_digest, parse_index

_ATTEMPTS = 5
_BEFORE = b"(<"
_AFTER = b")> \t\"'"
_UNSAFE = re.compile(r"[\s<>()\[\]\"'`\\]|[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class FixResult:
    index: Index
    changed: int  # how many URLs were rewritten
    messages: list[str] = field(default_factory=list)


def fix_moved(
    path: Path, moves: Mapping[str, Mapping[str, str]], *, known: Index | None = None
) -> FixResult:
    """For each entry key, replace each old URL by its new one on the entry's line."""
    index_path = find_index(path)
    remove_stale_temps_beside(index_path)
    with writer_lock(index_path):
        for _ in range(_ATTEMPTS):
            data = read_index_bytes(index_path)
            index = known if known is not None and known.digest == index_digest(data) else None
            known = None
            if index is None:
                index = parse_index(data, index_path, memory=MEMORY)
            splices, messages = _splices(index, data, moves)
            if not splices:
                return FixResult(index, 0, messages or ["No moved link to rewrite"])
            new = apply_splices(data, splices)
            new_index = parse_index(new, index_path, memory=MEMORY)
            if not _reads_the_same(index, new_index):
                raise ConflictError(
                    "Rewriting the links would change how the index reads; nothing was written"
                )
            try:
                write_atomic(index_path, new, expected=data)
            except ChangedOnDisk:
                continue
            return FixResult(new_index, len(splices), messages)
    raise ConflictError("The index keeps changing on disk; nothing was written")


def _splices(
    index: Index, data: bytes, moves: Mapping[str, Mapping[str, str]]
) -> tuple[list[Splice], list[str]]:
    starts = [0] + [found.end() for found in re.finditer(b"\n", data)]
    splices: list[Splice] = []
    messages: list[str] = []
    for key, pairs in moves.items():
        entry = index.find(key)
        if entry is None:
            messages.append("An entry is no longer in the index (it changed on disk); skipped")
            continue
        begin = starts[entry.line - 1] if entry.line - 1 < len(starts) else len(data)
        end = starts[entry.line] if entry.line < len(starts) else len(data)
        for old, new in pairs.items():
            if _UNSAFE.search(new):
                messages.append(f"Line {entry.line}: {new} cannot be written as a link; skipped")
                continue
            places = _places(data, begin, end, old.encode("utf-8", "surrogateescape"))
            if not places:
                messages.append(f"Line {entry.line}: {old} is not written there as is; skipped")
                continue
            splices += [Splice(at, at + size, new.encode()) for at, size in places]
            messages.append(f"Line {entry.line}: {old} -> {new} ({entry.title})")
    splices.sort(key=lambda s: s.start)
    return splices, messages


def _places(data: bytes, begin: int, end: int, old: bytes) -> list[tuple[int, int]]:
    """Where ``old`` stands as a whole link target between ``begin`` and ``end``."""
    out: list[tuple[int, int]] = []
    at = data.find(old, begin, end)
    while at != -1:
        after = at + len(old)
        before_ok = at > 0 and data[at - 1] in _BEFORE
        after_ok = after < len(data) and data[after] in _AFTER
        if before_ok and after_ok:
            out.append((at, len(old)))
        at = data.find(old, after, end)
    return out


def _reads_the_same(old: Index, new: Index) -> bool:
    """Every entry keeps its line, title, status and category: only link targets changed."""
    if len(old.entries) != len(new.entries):
        return False
    return all(
        (a.line, a.title, a.status, a.category, a.depth)
        == (b.line, b.title, b.status, b.category, b.depth)
        for a, b in zip(old.entries, new.entries, strict=True)
    )
