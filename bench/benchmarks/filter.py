"""filter: one keystroke in the live filter to the tree repainted, for each key of "stream".

After ``/`` opens the filter, each letter is typed alone; its time runs from writing the byte
to the read that carried the status line saying ``filter: <letters so far> · N shown`` (the
status line and the tree are repainted by the same update). The app then gets quiet before
the next key; escape clears the filter between rounds. The row pools the keys that change the
tree (``s``, ``st``, ``str`` on the generated indexes). Baseline (issue 20: Textual's floor):
the same keys typed into a bare Input over a 32-line list and a status line, laid out like
readnotes, every key repainting the list and the status line (bare_app.py --input-list), timed
to the status line. The details add the bare Input's echo alone (bare_app.py --input), for the
keys that only narrow the matches. The sessions take their rounds in turn.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable

from harness import Series, Terminal
from inputs import Folder
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, open_bare, open_readnotes, status_line

QUERY = "stream"
GOALS = {"10k": 1.15, "50k": 1.4}  # issue 20, against the bare list
CHANGING = 3  # "s", "st", "str" change the tree on the generated indexes; the rest narrow
OPEN_LIMIT, KEY_LIMIT = 60.0, 10.0


def filtered_by(text: str) -> Callable[[Terminal], bool]:
    pattern = re.compile(re.escape(f"filter: {text}") + r" · [\d,]+ shown")
    return lambda term: pattern.search(status_line(term)) is not None


def unfiltered(term: Terminal) -> bool:
    line = status_line(term)
    return bool(line) and "filter:" not in line


def echoed(text: str) -> Callable[[Terminal], bool]:
    return lambda term: term.lines()[0].strip() == text


def type_query(
    term: Terminal,
    shown: Callable[[str], Callable[[Terminal], bool]],
    per_key: list[Series],
    floor: Series | None = None,
) -> bool:
    """Type QUERY a key at a time; False if a key timed out (the session is then abandoned).

    With ``floor`` (the bare app), also time the label its Input.Changed handler updates."""
    for n in range(1, len(QUERY) + 1):
        sent = term.send(QUERY[n - 1].encode())
        at = term.wait_for(shown(QUERY[:n]), KEY_LIMIT)
        per_key[n - 1].add_interval(sent, at, KEY_LIMIT)
        if at is None:
            return False
        if floor is not None:
            floor.add_interval(sent, term.wait_for(handled(QUERY[:n]), KEY_LIMIT), KEY_LIMIT)
        term.settle(quiet=0.05, limit=5.0)
    return True


def app_round(term: Terminal, per_key: list[Series]) -> bool:
    term.send(b"/")
    term.settle(quiet=0.1, limit=5.0)
    if not type_query(term, filtered_by, per_key):
        return False
    term.send(b"\x1b")
    if term.wait_for(unfiltered, KEY_LIMIT) is None:
        return False
    term.settle(quiet=0.1, limit=5.0)
    return True


def handled(text: str) -> Callable[[Terminal], bool]:
    return lambda term: term.lines()[1].strip() == f"typed: {text}"


def listed(text: str) -> Callable[[Terminal], bool]:
    return lambda term: term.lines()[-1].strip() == f"typed: {text}".strip()


def bare_round(
    term: Terminal,
    shown: Callable[[str], Callable[[Terminal], bool]],
    per_key: list[Series],
    floor: Series | None = None,
) -> bool:
    """One round of typing into a bare app, then escape: the echo (``echoed``, with ``floor``
    the bare app's own Input.Changed handler painted) or Textual's floor for a key that changes
    a tree-sized list (``listed``: the bare app repaints its 32-line list and a full-width
    status line from the Input's value watcher)."""
    if not type_query(term, shown, per_key, floor):
        return False
    term.send(b"\x1b")
    if term.wait_for(shown(""), KEY_LIMIT) is None:
        return False
    term.settle(quiet=0.1, limit=5.0)
    return True


def measure(folder: Folder, rounds: int) -> tuple[list[Series], list[Series], list[Series], Series]:
    """Per key: readnotes, the bare list, the bare echo; and the bare Input.Changed label. The
    three sessions stay open side by side and take their rounds in turn (the idle ones are
    quiet), so they share the machine's noise."""
    app, listing, echo = ([Series() for _ in QUERY] for _ in range(3))
    floor = Series()
    with (
        open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT) as mine,
        open_bare("--input-list", limit=OPEN_LIMIT) as bare_list,
        open_bare("--input", limit=OPEN_LIMIT) as bare_echo,
    ):
        for _ in range(rounds):
            if not (
                app_round(mine, app)
                and bare_round(bare_list, listed, listing)
                and bare_round(bare_echo, echoed, echo, floor)
            ):
                break
    return app, listing, echo, floor


def pooled(per_key: list[Series]) -> Series:
    out = Series()
    for series in per_key:
        out.extend(series)
    return out


def run(plan: Plan) -> list[Row]:
    rows = []
    for entries in (10_000, 50_000):
        folder = plan.inputs.generated(entries)
        try:
            app, listing, echo, floor = measure(folder, plan.rounds)
        except NotReady as error:
            plan.log(str(error))
            rows.append(Row("filter", folder.name, "ms", Series(), None, "", None, "not ready"))
            continue
        limit = GOALS[folder.name]
        row = Row(
            "filter",
            folder.name,
            "ms",
            pooled(app[:CHANGING]),
            pooled(listing[:CHANGING]),
            f"≤ {limit}x",
            ratio_at_most(limit),
        )
        row.details.append(
            f"the keys that change the tree ({', '.join(_prefixes(0, CHANGING))}"
            f" on the generated indexes); baseline, Textual's floor for such a key: a bare Input"
            f" over a 32-line list and a status line, laid out like readnotes, every key"
            f" repainting the list and the status line from the Input's value watcher"
            f" (bare_app.py --input-list), timed to the status line, the same keys"
        )
        row.details.append(
            "per key, median ms (readnotes / bare list / bare Input's echo): "
            + ", ".join(
                f"{QUERY[: n + 1]} {_median(a)}/{_median(b)}/{_median(c)}"
                for n, (a, b, c) in enumerate(zip(app, listing, echo, strict=True))
            )
        )
        narrowing, echoes = pooled(app[CHANGING:]), pooled(echo)
        if narrowing.median is not None and echoes.median is not None:
            row.details.append(
                f"keys that only narrow the matches"
                f" ({', '.join(_prefixes(CHANGING, len(QUERY)))}): "
                f"{narrowing.median:.1f} ms, {narrowing.median / echoes.median:.2f}x the bare "
                f"Input's echo ({echoes.median:.1f} ms)"
            )
        if floor.median is not None and row.app.median is not None:
            row.details.append(
                f"the bare Input's Input.Changed handler updating a label is painted after "
                f"{floor.median:.0f} ms (median): a frame or two after the echo"
            )
        rows.append(row)
    return rows


def _prefixes(start: int, end: int) -> list[str]:
    return [QUERY[: n + 1] for n in range(start, end)]


def _median(series: Series) -> str:
    if not series.values:
        return "timeout"
    text = f"{statistics.median(series.values):.0f}"
    return text + "+" if series.censored else text
