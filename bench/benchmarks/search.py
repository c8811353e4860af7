"""search: ctrl+f, a query typed, to the first results on screen, over 5,000 notes.

The generated 50k index links a note from every tenth entry: 5,000 notes of 40 lines, with
frontmatter. Each round opens the search (ctrl+f), clears it, then types a two-word query in one
write; the time runs from that write to the read that carried the count line saying how many
matches were found so far ("N matches in M notes"), which is painted with the first result rows.
Escape closes the search between rounds. Baseline: the same keys typed into a bare Textual
``Input`` (bare_app.py --input), timed to the letters echoed.

A second row times the core alone, in this process: ``search_notes`` from the call to its first
hit, and (in the details) to its last, a search of the whole folder for a word that is nowhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from harness import Series, Terminal
from inputs import Folder
from plan import Plan
from report import Row, median_at_most
from screen import NotReady, open_bare, open_readnotes

from app.core.parse import load_index
from app.core.search import search_notes
from benchmarks.filter import echoed

QUERIES = ("sparse attention", "graph neural", "kernel memory", "robust causal")
ABSENT = "no-such-word-in-any-note"
GOAL_MS = 100.0
OPEN_LIMIT, KEY_LIMIT = 60.0, 10.0
CTRL_F, CTRL_U, ESCAPE = b"\x06", b"\x15", b"\x1b"
_COUNT = re.compile(r"\b[\d,]+ match(?:es)? in [\d,]+ notes?\b")


def results_shown(term: Terminal) -> bool:
    return _COUNT.search(term.text()) is not None


def search_open_and_empty(term: Terminal) -> bool:
    text = term.text()
    return "Search every note" in text and _COUNT.search(text) is None


def search_closed(term: Terminal) -> bool:
    return "Search every note" not in term.text()


def app_rounds(folder: Folder, rounds: int) -> Series:
    series = Series()
    with open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT) as term:
        for n in range(rounds * len(QUERIES)):
            term.send(CTRL_F)
            term.send(CTRL_U)  # the last query comes back selected: clear it
            if term.wait_for(search_open_and_empty, KEY_LIMIT) is None:
                break
            term.settle(quiet=0.1, limit=5.0)
            sent = term.send(QUERIES[n % len(QUERIES)].encode())
            at = term.wait_for(results_shown, KEY_LIMIT)
            series.add_interval(sent, at, KEY_LIMIT)
            if at is None:
                break
            term.settle(quiet=0.1, limit=5.0)
            term.send(ESCAPE)
            if term.wait_for(search_closed, KEY_LIMIT) is None:
                break
            term.settle(quiet=0.1, limit=5.0)
    return series


def bare_rounds(rounds: int) -> Series:
    series = Series()
    with open_bare("--input", limit=OPEN_LIMIT) as term:
        for n in range(rounds * len(QUERIES)):
            query = QUERIES[n % len(QUERIES)]
            sent = term.send(query.encode())
            at = term.wait_for(echoed(query), KEY_LIMIT)
            series.add_interval(sent, at, KEY_LIMIT)
            if at is None:
                break
            term.send(ESCAPE)
            if term.wait_for(echoed(""), KEY_LIMIT) is None:
                break
            term.settle(quiet=0.1, limit=5.0)
    return series


def timed(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000.0


def core_rounds(folder: Folder, rounds: int) -> tuple[Series, Series]:
    """Milliseconds to the first hit of each query, and to the end of a search finding nothing."""
    index = load_index(folder.path)
    first, whole = Series(), Series()
    for _ in range(rounds):
        for query in QUERIES:
            hits = search_notes(index, query)
            first.add(timed(lambda: next(hits)), KEY_LIMIT * 1000)  # noqa: B023 (called at once)
        whole.add(timed(lambda: list(search_notes(index, ABSENT))), KEY_LIMIT * 1000)
    return first, whole


def run(plan: Plan) -> list[Row]:
    folder = plan.inputs.generated(50_000)
    notes = sum(1 for _ in folder.path.rglob("note*.md"))
    name = f"{folder.name} ({notes:,} notes)"
    goal = f"≤ {GOAL_MS:.0f} ms"
    first, whole = core_rounds(folder, plan.rounds)
    core = Row("search (core)", name, "ms", first, None, goal, median_at_most(GOAL_MS))
    if whole.median is not None:
        core.details.append(
            f"a word in no note: all {notes:,} notes read and searched in {whole.median:.0f} ms"
            " (median, files in the page cache)"
        )
    try:
        app = app_rounds(folder, plan.rounds)
        bare = bare_rounds(plan.rounds)
    except NotReady as error:
        plan.log(str(error))
        return [Row("search", name, "ms", Series(), None, goal, None, "not ready"), core]
    row = Row("search", name, "ms", app, bare, goal, median_at_most(GOAL_MS))
    row.details.append(
        "from typing a two-word query to the first results painted; baseline: the same "
        "keys echoed by a bare Input"
    )
    return [row, core]
