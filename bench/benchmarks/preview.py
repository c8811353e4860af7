"""preview: cursor move to the first screen of the note painted.

readnotes opens a copy of notes/ through an index that lists every note in it, then a
2,000-line note (``generate.long_note``). From the category row, ``j`` moves the cursor one
entry down at a time. The time runs from writing ``j`` to the read that completed the note's
first screen: once the preview shows the note's first heading (and not the previous note's),
frames are read until the screen is quiet, and the first frame whose preview pane already
equals that settled pane is the one timed (a screen may arrive over several frames, and a
widget may re-wrap after its first paint). Scrollbar glyphs are ignored. A fresh process per
round, so every note is rendered cold.

Baselines (issue 20), each timed the same way in sessions that alternate with readnotes':
- the sample notes: Textual's floor, a bare pane painting each note's text, wrapped to the
  pane before any key (bare_app.py --text), laid out like readnotes: what painting the note at
  all costs. Goals: the pooled median ≤ 1.25x it, and every note's median ≤ 1.5x its own.
- the 2,000-line note: Textual's own ``Markdown`` widget showing it in a pane of the same
  width (bare_app.py --markdown), which mounts up to 200 blocks before its first paint. Goal:
  at least 100x faster.
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
MEDIAN_GOAL, EACH_GOAL, FASTER = 1.25, 1.5, 100.0  # issue 20
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
    markdown: dict[str, Series] = {}
    floor: dict[str, Series] = {}
    files = [str(case.file) for case in cases]
    try:
        for n in range(1 if plan.quick else min(plan.rounds, MAX_ROUNDS)):
            with open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT) as t:
                walk(t, cases, app, [NOTE_LIMIT] * len(samples) + [LONG_LIMIT])
            with open_bare("--text", *files, limit=OPEN_LIMIT) as t:
                walk(t, cases, floor, [NOTE_LIMIT] * len(cases))
            with open_bare("--markdown", str(long.file), limit=OPEN_LIMIT) as t:
                walk(t, [long], markdown, [long_limit])
            plan.log(f"preview: round {n + 1} done")
    except NotReady as error:
        plan.log(str(error))
        return [Row("preview", "notes/", "ms", Series(), None, "", None, "not ready")]
    return [sample_row(samples, app, floor), long_row(long, app, markdown, floor)]


def sample_row(cases: list[NoteCase], app: dict[str, Series], floor: dict[str, Series]) -> Row:
    mine, least = Series(), Series()
    for case in cases:
        mine.extend(app.get(case.rel, Series()))
        least.extend(floor.get(case.rel, Series()))
    worst = max((_ratio(app.get(c.rel), floor.get(c.rel)) for c in cases), default=float("inf"))

    def holds(_median_ms: float, ratio: float | None) -> bool:
        return ratio is not None and ratio <= MEDIAN_GOAL and worst <= EACH_GOAL

    row = Row(
        "preview",
        f"notes/ ({len(cases)} notes)",
        "ms",
        mine,
        least,
        f"≤ {MEDIAN_GOAL}x, each ≤ {EACH_GOAL}x",
        holds,
    )
    row.details.append(
        "baseline, Textual's floor for a move: a bare pane painting the note's text, wrapped "
        "before the key, laid out like readnotes (bare_app.py --text); pooled medians"
    )
    row.details.append(f"the note furthest from its floor: {worst:.2f}x its own floor's median")
    row.details.extend(_line(case, app, floor, "floor") for case in cases)
    return row


def long_row(
    case: NoteCase, app: dict[str, Series], markdown: dict[str, Series], floor: dict[str, Series]
) -> Row:
    row = Row(
        "preview",
        f"{case.lines:,}-line note",
        "ms",
        app.get(case.rel, Series()),
        markdown.get(case.rel, Series()),
        f"≥ {FASTER:.0f}x faster",
        lambda _median, ratio: ratio is not None and ratio <= 1 / FASTER,
    )
    row.details.append(
        "baseline: Textual's Markdown widget showing the note in a pane of the same width "
        "(bare_app.py --markdown)"
    )
    row.details.append(_line(case, app, floor, "its floor (bare_app.py --text)"))
    return row


def _median(series: Series | None) -> float:
    if series is None or not series.values or series.censored:
        return float("inf")
    return statistics.median(series.values)


def _ratio(mine: Series | None, theirs: Series | None) -> float:
    base = _median(theirs)
    return _median(mine) / base if base not in (0, float("inf")) else float("inf")


def _line(case: NoteCase, app: dict[str, Series], other: dict[str, Series], name: str) -> str:
    mine, theirs = _median(app.get(case.rel)), _median(other.get(case.rel))
    ratio = f"{mine / theirs:.2f}x" if theirs not in (0, float("inf")) else "?"
    return f"{case.rel} ({case.lines} lines): {mine:.1f} ms vs {name} {theirs:.1f} ms ({ratio})"
