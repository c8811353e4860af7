"""mark done: ``x`` on an entry to the index written and the tree updated, at 10k.

With the cursor on the first entry (``j`` to the first topic, ``l`` to open it, ``j``), each
round presses ``x`` (TODO and done alternate) and times it to the moment both hold: the index
file on disk has changed (polled every 2 ms) and the tree shows the entry's new mark. Baseline:
a cursor move in the same session (``j``, then ``k`` back), timed to the first frame in which
the tree changed (the highlight moved).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from harness import Series, Terminal
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, open_readnotes, panes

GOAL = 3.0  # issue 20: against a cursor move
OPEN_LIMIT, KEY_LIMIT = 60.0, 10.0
TODO_MARK, DONE_MARK = "○", "✓"


def file_state(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def mark_of(term: Terminal, title: str) -> str | None:
    """The mark in front of ``title`` in the tree, if the tree shows it."""
    view = panes(term)
    for line in view.left if view is not None else []:
        at = line.find(title)
        if at >= 2:
            return line[at - 2]
    return None


def marked(
    path: Path, before: tuple[int, int, int], title: str, mark: str, written: list[float]
) -> Callable[[Terminal], bool]:
    """The file changed (its time noted in ``written``) and the tree shows ``mark``."""

    def done(term: Terminal) -> bool:
        if not written and file_state(path) != before:
            written.append(time.perf_counter())
        return bool(written) and mark_of(term, title) == mark

    return done


def tree_changed(term: Terminal) -> Callable[[Terminal], bool]:
    view = panes(term)
    width = view.split if view is not None else 0
    bottom = term.height - 2
    before = term.cells(1, bottom, 0, width)
    return lambda now: now.cells(1, bottom, 0, width) != before


def run(plan: Plan) -> list[Row]:
    source = plan.inputs.generated(10_000)
    folder = plan.inputs.writable(source)
    title = folder.first_entry[:24]
    app, moves, wrote = Series(), Series(), Series()
    row = Row("mark done", folder.name, "ms", app, moves, f"≤ {GOAL:g}x", ratio_at_most(GOAL))
    row.details.append(
        "baseline: a cursor move in the same session (j, then k), timed the same way: from the"
        " key to the first frame whose tree shows its result (the highlight moved), polled"
        " every 2 ms"
    )
    try:
        term = open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT)
    except NotReady as error:
        plan.log(str(error))
        row.missing = "not ready"
        return [row]
    with term:
        for key in (b"j", b"l", b"j"):
            term.send(key)
            term.settle(quiet=0.1, limit=5.0)
        mark = mark_of(term, title)
        if mark not in (TODO_MARK, DONE_MARK):
            plan.log(f"mark done: the cursor is not on {title!r}:\n{term.text()}")
            row.missing = "setup failed"
            return [row]
        for _ in range(plan.rounds):
            mark = DONE_MARK if mark == TODO_MARK else TODO_MARK
            before = file_state(folder.index)
            written: list[float] = []
            sent = term.send(b"x")
            done = marked(folder.index, before, title, mark, written)
            at = term.wait_for(done, KEY_LIMIT, step=0.002)
            app.add_interval(sent, at, KEY_LIMIT)
            wrote.add_interval(sent, written[0] if written else None, KEY_LIMIT)
            if at is None:
                break
            term.settle(quiet=0.2, limit=10.0)
            for key in (b"j", b"k"):
                changed = tree_changed(term)
                sent = term.send(key)
                at = term.wait_for(changed, KEY_LIMIT, step=0.002)
                moves.add_interval(sent, at, KEY_LIMIT)
                term.settle(quiet=0.2, limit=10.0)
    if wrote.median is not None:
        row.details.append(f"the index was written after {wrote.median:.0f} ms (median)")
    return [row]
