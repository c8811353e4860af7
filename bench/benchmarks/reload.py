"""reload: an outside save of the index to the updated tree on screen (the live watching).

Each round writes the whole index in place (one ``write``, as an editor saving in place does):
odd rounds with one new entry at the top of the index, even rounds without it again. The time
runs to the read that carried the frame where the status line counts the new total and the
tree shows (or no longer shows) the new entry. Baseline: the same save with nothing to re-parse
(the same bytes written again), timed to the moment readnotes has read the file back and closed
it, seen through inotify (``IN_CLOSE_NOWRITE``): what noticing and reading a save costs at all.
"""

from __future__ import annotations

import ctypes
import os
import re
import struct
import time
from collections.abc import Callable
from pathlib import Path

from harness import Series, Terminal
from inputs import Folder
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, entry_count, open_readnotes, panes

GOALS: dict[str, float | None] = {"notes/": None, "10k": 2.5}  # issue 20; None: reported
OPEN_LIMIT, SAVE_LIMIT = 60.0, 5.0
IN_CLOSE_NOWRITE = 0x10
NOT_WATCHING = "n/a (not implemented)"


class ReadsOf:
    """Counts the times any process opened ``path`` for reading and closed it (inotify)."""

    def __init__(self, path: Path) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, bytes(path), IN_CLOSE_NOWRITE) < 0:
            raise OSError(ctypes.get_errno(), f"inotify on {path}")
        self.count = 0

    def poll(self) -> int:
        while True:
            try:
                data = os.read(self.fd, 4096)
            except BlockingIOError:
                return self.count
            offset = 0
            while offset < len(data):
                _wd, mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                if mask & IN_CLOSE_NOWRITE:
                    self.count += 1

    def close(self) -> None:
        os.close(self.fd)


def with_new_entry(original: bytes, title: str) -> bytes:
    """The index with ``* title`` as its first entry, before its first sub-heading."""
    text = original.decode("utf-8")
    found = re.search(r"^#{2,6}\s", text, re.MULTILINE)
    at = found.start() if found else len(text)
    return (text[:at] + f"* {title}\n\n" + text[at:]).encode("utf-8")


def save(path: Path, data: bytes) -> float:
    """Write ``data`` over ``path`` in place; the moment the save began."""
    began = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return began


def tree_shows(entries: int, title: str, present: bool) -> Callable[[Terminal], bool]:
    def shown(term: Terminal) -> bool:
        view = panes(term)
        return (
            view is not None
            and entry_count(term) == entries
            and any(title in line for line in view.left) == present
        )

    return shown


def noting_reads(
    shown: Callable[[Terminal], bool], reads: ReadsOf, before: int, read_at: list[float]
) -> Callable[[Terminal], bool]:
    """``shown``, noting on the way when readnotes first read the file back."""

    def check(term: Terminal) -> bool:
        if not read_at and reads.poll() > before:
            read_at.append(time.perf_counter())
        return shown(term)

    return check


def read_again(reads: ReadsOf, before: int) -> Callable[[Terminal], bool]:
    return lambda _term: reads.poll() > before


def measure(plan: Plan, folder: Folder) -> Row:
    goal = GOALS[folder.name]
    changed, touched = Series(), Series()
    check = None if goal is None else ratio_at_most(goal)
    row = Row("reload", folder.name, "ms", changed, touched, f"≤ {goal}x" if goal else "—", check)
    row.details.append(
        "baseline: the same save with nothing to re-parse (the same bytes written again), timed"
        " to readnotes reading the file back (inotify IN_CLOSE_NOWRITE); alternate saves"
    )
    original = folder.index.read_bytes()
    title = "Benchmark reload entry"
    added = with_new_entry(original, title)
    reads = ReadsOf(folder.index)
    read_back = Series()  # of the saves with a change: when readnotes had read the file
    try:
        with open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT) as term:
            for n in range(plan.rounds * 2):
                adding = n % 2 == 0
                before = reads.poll()
                began = save(folder.index, added if adding else original)
                total = folder.entries + (1 if adding else 0)
                read_at: list[float] = []
                shown = tree_shows(total, title, adding)
                at = term.wait_for(noting_reads(shown, reads, before, read_at), SAVE_LIMIT)
                changed.add_interval(began, at, SAVE_LIMIT)
                read_back.add_interval(began, read_at[0] if read_at else None, SAVE_LIMIT)
                if at is None:
                    unread = reads.poll() == before
                    if unread and not changed.values:
                        row.missing = NOT_WATCHING
                        return row
                    row.details.append(  # the next save would match what the screen shows
                        f"save {n + 1} was not on screen after {SAVE_LIMIT:.0f} s (read back: "
                        f"{'no' if unread else 'yes'}); the rounds stopped there"
                    )
                    break
                term.settle(quiet=0.2, limit=5.0)
                time.sleep(0.1)  # past the watcher's debounce: the next save is a new burst
                before = reads.poll()
                began = save(folder.index, added if adding else original)
                at = term.wait_for(read_again(reads, before), SAVE_LIMIT)
                touched.add_interval(began, at, SAVE_LIMIT)
                term.settle(quiet=0.2, limit=5.0)
                time.sleep(0.1)
    except NotReady as error:
        plan.log(str(error))
        row.missing = "not ready"
    finally:
        reads.close()
        folder.index.write_bytes(original)
    if read_back.median is not None:
        row.details.append(
            f"of a save with a change, read back after {read_back.median:.0f} ms (median),"
            f" the rest is parsing and repainting"
        )
    return row


def run(plan: Plan) -> list[Row]:
    rows = []
    for folder in (plan.inputs.notes(), plan.inputs.generated(10_000)):
        row = measure(plan, plan.inputs.writable(folder))
        rows.append(row)
    return rows
