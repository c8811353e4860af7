"""memory: peak resident set size (VmHWM) once readnotes has opened a folder and gone quiet.

Read from /proc/PID/status after the first complete screen and 0.5 s without output (the
background workers have then done their work). Baseline: the bare one-line app, same way.
"""

from __future__ import annotations

from harness import Series, Terminal
from plan import Plan
from report import Row, ratio_at_most
from screen import NotReady, open_bare, open_readnotes

LIMIT = 60.0
GOALS = {"10k": 1.6, "50k": 2.5}  # issue 20


def peak_mib(term: Terminal) -> float | None:
    with term:
        term.settle(quiet=0.5, limit=15.0)
        kib = term.peak_rss_kib()
    return None if kib is None else kib / 1024


def run(plan: Plan) -> list[Row]:
    rounds = min(plan.rounds, 3)
    rows = []
    for entries in (10_000, 50_000):
        folder = plan.inputs.generated(entries)
        app, bare = Series(), Series()
        try:
            for _ in range(rounds):
                bare.add(peak_mib(open_bare(limit=LIMIT)), 0)
                opened = open_readnotes(folder.path, folder.entries, folder.first_title, LIMIT)
                app.add(peak_mib(opened), 0)
        except NotReady as error:
            plan.log(str(error))
            rows.append(Row("memory", folder.name, "MiB", app, bare, "", None, "not ready"))
            continue
        limit = GOALS[folder.name]
        row = Row("memory", folder.name, "MiB", app, bare, f"≤ {limit}x", ratio_at_most(limit))
        row.details.append(
            "peak RSS (VmHWM) after the first complete screen and half a second quiet; "
            "baseline: bare_app.py painting one line, the same way"
        )
        rows.append(row)
    return rows
