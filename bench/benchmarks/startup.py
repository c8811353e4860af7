"""startup: process start to the first complete screen, in a real pseudo-terminal.

The clock starts just before the fork and stops at the read that carried the frame in which
the status line counts every entry and the tree's first row and the preview both show the
first category. Baseline: bare_app.py painting one line, started the same way at the same
terminal size, in alternate rounds (bare, readnotes, bare, readnotes, ...) so both see the
same noise. Every input runs at two sizes, 120x36 and 200x50 (a bigger screen is more cells
to paint, for the bare app too). Untimed starts of each program come first, so that what a
user's Python has (cached bytecode, unless ``--source``) and what readnotes keeps between
starts (a big index's parse cache) are warm.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from harness import LARGE, SIZE, Series, Terminal, bare_argv, readnotes_argv
from inputs import Folder
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, bare_ready, complete_screen

# Issue 20's goals, by input name (see inputs.py)
GOALS = {
    "notes/": 1.2,
    "awesome-go (3k)": 1.2,
    "10k": 1.3,
    "50k": 1.6,
    "1,500-row tables": 1.3,
    "100 sub-indexes": 1.3,
}
SIZES = (SIZE, LARGE)
LIMIT = 30.0


def time_start(
    argv: list[str], shown: Callable[[Terminal], bool], size: tuple[int, int] = SIZE
) -> float | None:
    """Milliseconds to the first complete screen; None if it took over LIMIT seconds."""
    with Terminal(argv, size=size) as term:
        at = term.wait_for(shown, LIMIT)
        if at is None and term.exited:
            raise NotReady(f"{' '.join(argv)} ended before its first screen:\n{term.text()}")
        return None if at is None else (at - term.started) * 1000.0


def folders(plan: Plan) -> list[Folder]:
    inputs = plan.inputs
    return [
        inputs.notes(),
        inputs.awesome_go(),
        inputs.generated(10_000),
        inputs.generated(50_000),
        inputs.tables(),
        inputs.subindexes(),
    ]


def size_name(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def run(plan: Plan) -> list[Row]:
    chosen = folders(plan)
    plan.log("startup: untimed starts of every input (bytecode, parse cache)")
    try:
        time_start(bare_argv(), bare_ready)
        for folder in chosen:
            shown = complete_screen(folder.entries, folder.first_title)
            time_start(readnotes_argv(folder.path), shown)
    except NotReady as error:
        plan.log(str(error))
    rows = []
    for folder in chosen:
        shown = complete_screen(folder.entries, folder.first_title)
        for size in SIZES:
            app, bare = Series(), Series()
            name = f"{folder.name}, {size_name(size)}"
            try:
                for _ in range(plan.rounds):
                    bare.add(time_start(bare_argv(), bare_ready, size), LIMIT * 1000.0)
                    app.add(time_start(readnotes_argv(folder.path), shown, size), LIMIT * 1000.0)
            except NotReady as error:
                plan.log(str(error))
                rows.append(Row("startup", name, "ms", app, bare, "", None, "not ready"))
                continue
            limit = GOALS[folder.name]
            row = Row("startup", name, "ms", app, bare, f"≤ {limit}x", ratio_at_most(limit))
            row.details.append(
                f"{folder.entries:,} entries; baseline: bare_app.py painting one line at "
                f"{size_name(size)}, alternate starts"
            )
            if folder.name == "1,500-row tables" and size == SIZE:
                row.details.append(table_parse())
            rows.append(row)
    return rows


def table_parse() -> str:
    """Issue 15 asks whether table rows parse as fast per entry as list items: say which."""
    from tables import indexes, per_entry_us

    table, listed = indexes(1500)
    cache = os.environ.get("READNOTES_CACHE_DIR")
    os.environ["READNOTES_CACHE_DIR"] = "off"  # a first open's parse, as tables.py measures it
    try:
        table_us, _ = per_entry_us(table, 5)
        list_us, _ = per_entry_us(listed, 5)
    finally:
        if cache is None:
            os.environ.pop("READNOTES_CACHE_DIR")
        else:
            os.environ["READNOTES_CACHE_DIR"] = cache
    return (
        f"parsed in this process (no cache, best of 5 CPU times): a table row {table_us:.1f} µs,"
        f" the same paper as a list item {list_us:.1f} µs, {table_us / list_us:.2f}x per entry"
    )
