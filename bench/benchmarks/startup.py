"""startup: process start to the first complete screen, in a real pseudo-terminal.

The clock starts just before the fork and stops at the read that carried the frame in which
the status line counts every entry and the tree's first row and the preview both show the
first category. Baseline: bare_app.py painting one line, started the same way, in alternate
rounds (bare, readnotes, bare, readnotes, ...) so both see the same noise.
"""

from __future__ import annotations

from collections.abc import Callable

from harness import Series, Terminal, bare_argv, readnotes_argv
from inputs import Folder
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, bare_ready, complete_screen

GOALS = {"notes/": 1.2, "awesome-go (3k)": 1.2, "10k": 1.5, "50k": 2.5}
LIMIT = 30.0


def time_start(argv: list[str], shown: Callable[[Terminal], bool]) -> float | None:
    """Milliseconds to the first complete screen; None if it took over LIMIT seconds."""
    with Terminal(argv) as term:
        at = term.wait_for(shown, LIMIT)
        if at is None and term.exited:
            raise NotReady(f"{' '.join(argv)} ended before its first screen:\n{term.text()}")
        return None if at is None else (at - term.started) * 1000.0


def run(plan: Plan) -> list[Row]:
    inputs = plan.inputs
    folders: list[Folder] = [
        inputs.notes(),
        inputs.awesome_go(),
        inputs.generated(10_000),
        inputs.generated(50_000),
    ]
    plan.log("startup: warming up (byte-compiling, disk cache)")
    notes = folders[0]
    try:
        time_start(bare_argv(), bare_ready)
        time_start(readnotes_argv(notes.path), complete_screen(notes.entries, notes.first_title))
    except NotReady as error:
        plan.log(str(error))
    rows = []
    for folder in folders:
        app, bare = Series(), Series()
        shown = complete_screen(folder.entries, folder.first_title)
        try:
            for _ in range(plan.rounds):
                bare.add(time_start(bare_argv(), bare_ready), LIMIT * 1000.0)
                app.add(time_start(readnotes_argv(folder.path), shown), LIMIT * 1000.0)
        except NotReady as error:
            plan.log(str(error))
            rows.append(Row("startup", folder.name, "ms", app, bare, "", None, "not ready"))
            continue
        limit = GOALS[folder.name]
        rows.append(
            Row(
                "startup",
                folder.name,
                "ms",
                app,
                bare,
                f"≤ {limit}x",
                ratio_at_most(limit),
            )
        )
    return rows
