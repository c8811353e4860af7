"""preview: cursor move to the first screen of the note painted.

readnotes opens a copy of notes/ through an index that lists every note in it, then a
2,000-line note (``generate.long_note``). From the category row, ``j`` moves the cursor one
entry down at a time. The time runs from writing ``j`` to the read that completed the note's
first screen: once the preview shows the note's first heading (and not the previous note's),
frames are read until the screen is quiet, and the first frame whose preview pane already
equals that settled pane is the one timed (a screen may arrive over several frames, and a
widget may re-wrap after its first paint). Scrollbar glyphs are ignored. A fresh process per
round, so every note is rendered cold. Baseline: Textual's own ``Markdown`` widget showing the
same notes in a pane of the same width (bare_app.py --markdown), ``j`` for the next note, timed
the same way, in alternate sessions; Markdown mounts up to 200 blocks before its first paint.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from harness import Series, Terminal
from inputs import NoteCase
from plan import Plan
from report import Row
from screen import NotReady, open_bare, open_readnotes, panes, shows_line

OPEN_LIMIT = 60.0
NOTE_LIMIT, LONG_LIMIT = 10.0, 15.0
BASELINE_LONG_LIMIT, QUICK_BASELINE_LONG_LIMIT = 60.0, 10.0
SAMPLE_GOAL_MS, LONG_GOAL_MS, FASTER = 50.0, 100.0, 10.0
SETTLE_QUIET, SETTLE_LIMIT = 0.1, 3.0
MAX_ROUNDS = 3  # 20 notes a round: three give 60 samples, and a round takes 20 s


def showing(case: NoteCase, before: NoteCase | None) -> Callable[[Terminal], bool]:
    def shown(term: Terminal) -> bool:
        view = panes(term)
        if view is None or not shows_line(view.right, case.probe):
            return False
        return (
            before is None or before.probe == case.probe or not shows_line(view.right, before.probe)
        )

    return shown


def first_screen(term: Terminal, shown: Callable[[Terminal], bool], limit: float) -> float | None:
    """The read that completed the note's first screen: the first frame whose preview pane
    equals what the pane settles on (a screen can arrive over several frames).

    Frames are read until ``shown`` holds, then until the screen has been quiet for a moment.
    """
    frames: list[tuple[float, list[str]]] = []
    deadline = time.perf_counter() + limit
    while not shown(term):
        if time.perf_counter() > deadline or term.exited:
            return None
        if term.pump(0.005):
            frames.append((term.last_read, _pane(term)))
    settle_until = time.perf_counter() + SETTLE_LIMIT
    while time.perf_counter() < settle_until and term.pump(SETTLE_QUIET):
        frames.append((term.last_read, _pane(term)))
    final = _pane(term)
    return next((at for at, pane in frames if pane == final), term.last_read)


def _pane(term: Terminal) -> list[str]:
    view = panes(term)
    return view.right if view is not None else []


def walk(
    term: Terminal, cases: list[NoteCase], times: dict[str, Series], limits: list[float]
) -> None:
    """Press j once per note, timing each; stop at the first note that never shows."""
    before: NoteCase | None = None
    for case, limit in zip(cases, limits, strict=True):
        sent = term.send(b"j")
        at = first_screen(term, showing(case, before), limit)
        times.setdefault(case.rel, Series()).add_interval(sent, at, limit)
        if at is None:
            return
        before = case


def run(plan: Plan) -> list[Row]:
    folder, cases = plan.inputs.preview_folder()
    samples, long = cases[:-1], cases[-1]
    long_limit = QUICK_BASELINE_LONG_LIMIT if plan.quick else BASELINE_LONG_LIMIT
    app: dict[str, Series] = {}
    bare: dict[str, Series] = {}
    floor: dict[str, Series] = {}
    try:
        for n in range(1 if plan.quick else min(plan.rounds, MAX_ROUNDS)):
            with open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT) as t:
                walk(t, cases, app, [NOTE_LIMIT] * len(samples) + [LONG_LIMIT])
            files = [str(case.file) for case in cases]
            with open_bare("--markdown", *files, limit=OPEN_LIMIT) as t:
                walk(t, cases, bare, [NOTE_LIMIT] * len(samples) + [long_limit])
            with open_bare("--text", *files, limit=OPEN_LIMIT) as t:
                walk(t, cases, floor, [NOTE_LIMIT] * len(cases))
            plan.log(f"preview: round {n + 1} done")
    except NotReady as error:
        plan.log(str(error))
        return [Row("preview", "notes/", "ms", Series(), None, "", None, "not ready")]
    return [sample_row(samples, app, bare, floor), long_row(long, app, bare)]


def sample_row(
    cases: list[NoteCase],
    app: dict[str, Series],
    bare: dict[str, Series],
    floor: dict[str, Series],
) -> Row:
    mine, theirs, least = Series(), Series(), Series()
    for case in cases:
        mine.extend(app.get(case.rel, Series()))
        theirs.extend(bare.get(case.rel, Series()))
        least.extend(floor.get(case.rel, Series()))
    worst = max((_median(app.get(c.rel)) for c in cases), default=float("inf"))

    def holds(_median_ms: float, ratio: float | None) -> bool:
        return ratio is not None and ratio <= 1 / FASTER and worst <= SAMPLE_GOAL_MS

    row = Row(
        "preview",
        f"notes/ ({len(cases)} notes)",
        "ms",
        mine,
        theirs,
        f"≥ {FASTER:.0f}x faster, each ≤ {SAMPLE_GOAL_MS:.0f} ms",
        holds,
    )
    row.details.append(f"slowest note median: {worst:.0f} ms")
    if least.median and theirs.median and mine.median:
        row.details.append(
            f"Textual's floor for a move: a bare app painting the note's text, wrapped before "
            f"it is asked for, in the same pane: {least.median:.1f} ms (median); Markdown is "
            f"{theirs.median / least.median:.1f}x that, so 10x faster than Markdown would be "
            f"{theirs.median / FASTER:.1f} ms, {theirs.median / FASTER / least.median:.2f}x "
            f"the floor; readnotes is {mine.median / least.median:.2f}x the floor"
        )
    row.details.extend(_line(case, app, bare) for case in cases)
    return row


def long_row(case: NoteCase, app: dict[str, Series], bare: dict[str, Series]) -> Row:
    row = Row(
        "preview",
        f"{case.lines:,}-line note",
        "ms",
        app.get(case.rel, Series()),
        bare.get(case.rel, Series()),
        f"≥ {FASTER:.0f}x faster, ≤ {LONG_GOAL_MS:.0f} ms",
        lambda median, ratio: ratio is not None and ratio <= 1 / FASTER and median <= LONG_GOAL_MS,
    )
    row.details.append(_line(case, app, bare))
    return row


def _median(series: Series | None) -> float:
    if series is None or not series.values or series.censored:
        return float("inf")
    return statistics.median(series.values)


def _line(case: NoteCase, app: dict[str, Series], bare: dict[str, Series]) -> str:
    mine, theirs = _median(app.get(case.rel)), _median(bare.get(case.rel))
    ratio = f"{mine / theirs:.3f}x" if theirs not in (0, float("inf")) else "?"
    return f"{case.rel} ({case.lines} lines): {mine:.0f} ms vs Markdown {theirs:.0f} ms ({ratio})"
