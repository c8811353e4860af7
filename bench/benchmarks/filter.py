"""filter: one keystroke in the live filter to the tree repainted, for each key of "stream".

After ``/`` opens the filter, each letter is typed alone; its time runs from writing the byte
to the read that carried the status line saying ``filter: <letters so far> · N shown`` (the
status line and the tree are repainted by the same update). The app then gets quiet before
the next key; escape clears the filter between rounds. Baseline: the same keys typed into a
bare Textual ``Input`` (bare_app.py --input), timed to the letters echoed.
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
GOALS = {"10k": 2.0, "50k": 3.0}
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


def app_keys(folder: Folder, rounds: int) -> list[Series]:
    per_key = [Series() for _ in QUERY]
    with open_readnotes(folder.path, folder.entries, folder.first_title, OPEN_LIMIT) as term:
        for _ in range(rounds):
            term.send(b"/")
            term.settle(quiet=0.1, limit=5.0)
            if not type_query(term, filtered_by, per_key):
                break
            term.send(b"\x1b")
            if term.wait_for(unfiltered, KEY_LIMIT) is None:
                break
            term.settle(quiet=0.1, limit=5.0)
    return per_key


def handled(text: str) -> Callable[[Terminal], bool]:
    return lambda term: term.lines()[1].strip() == f"typed: {text}"


def bare_keys(rounds: int) -> tuple[list[Series], Series]:
    """The echo of each key, and when the bare app's own Input.Changed handler was painted."""
    per_key = [Series() for _ in QUERY]
    floor = Series()
    with open_bare("--input", limit=OPEN_LIMIT) as term:
        for _ in range(rounds):
            if not type_query(term, echoed, per_key, floor):
                break
            term.send(b"\x1b")
            if term.wait_for(echoed(""), KEY_LIMIT) is None:
                break
            term.settle(quiet=0.1, limit=5.0)
    return per_key, floor


def listed(text: str) -> Callable[[Terminal], bool]:
    return lambda term: term.lines()[-1].strip() == f"typed: {text}".strip()


def list_keys(rounds: int) -> list[Series]:
    """Textual's floor for a key that changes a tree-sized list: the bare app repaints its
    32-line list and a full-width status line from the Input's value watcher."""
    per_key = [Series() for _ in QUERY]
    with open_bare("--input-list", limit=OPEN_LIMIT) as term:
        for _ in range(rounds):
            if not type_query(term, listed, per_key):
                break
            term.send(b"\x1b")
            if term.wait_for(listed(""), KEY_LIMIT) is None:
                break
            term.settle(quiet=0.1, limit=5.0)
    return per_key


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
            app = app_keys(folder, plan.rounds)
            bare, floor = bare_keys(plan.rounds)
            repaint = pooled(list_keys(plan.rounds))
        except NotReady as error:
            plan.log(str(error))
            rows.append(Row("filter", folder.name, "ms", Series(), None, "", None, "not ready"))
            continue
        limit = GOALS[folder.name]
        row = Row(
            "filter",
            folder.name,
            "ms",
            pooled(app),
            pooled(bare),
            f"≤ {limit}x",
            ratio_at_most(limit),
        )
        row.details.append(
            "per key, median ms (readnotes / bare Input): "
            + ", ".join(
                f"{QUERY[: n + 1]} {_median(a)}/{_median(b)}"
                for n, (a, b) in enumerate(zip(app, bare, strict=True))
            )
        )
        changing = pooled(app[:3])  # "s", "st", "str" change the tree on the generated indexes
        if repaint.median is not None and changing.median is not None:
            row.details.append(
                f"Textual's floor for a key that repaints a list: a bare Input over a 32-line "
                f"list and a status line, repainted by the key's value watcher, painted after "
                f"{repaint.median:.1f} ms (median, {repaint.median / bare_median(bare):.2f}x the "
                f"echo); readnotes' keys that change the tree (s, st, str) "
                f"{changing.median:.1f} ms, {changing.median / repaint.median:.2f}x that"
            )
        if floor.median is not None and row.app.median is not None:
            row.details.append(
                f"Textual's own floor: the bare app's Input.Changed handler updates a label, "
                f"painted after {floor.median:.0f} ms (median); readnotes is "
                f"{row.app.median / floor.median:.2f}x that"
            )
        rows.append(row)
    return rows


def bare_median(per_key: list[Series]) -> float:
    return pooled(per_key).median or 1.0


def _median(series: Series) -> str:
    if not series.values:
        return "timeout"
    text = f"{statistics.median(series.values):.0f}"
    return text + "+" if series.censored else text
