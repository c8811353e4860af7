"""history: ``readnotes history --json`` over 5,000 commits of a 10,000-entry index, cold and warm.

The repository is built by bench/history.py (``git fast-import``: the first commit holds half
the entries, each later one adds an entry, marks one done or re-opens one) once per machine,
in bench/out/ (building it takes about half a minute; the same bytes every time). Each round is a
real ``readnotes history --json`` subprocess: "cold" with an empty cache folder, "warm" with
the cache the cold run left (nothing new to read). Goals: cold ≤ 20 s, warm ≤ 1 s, in seconds
rather than against a baseline; the details give ``git log --oneline`` over the same history
and ``readnotes list --json`` (the index alone) for scale. ``--quick`` uses issue 18's small
case instead, 500 commits of a 500-entry index (cold ≤ 2 s, warm ≤ 0.3 s).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import BENCH, Series
from plan import Plan
from report import Row, median_at_most

ROUNDS = 3  # a cold run is ~10 s
BIG, SMALL = (5000, 10_000, 20.0, 1.0), (500, 500, 2.0, 0.3)  # commits, entries, goals (s)


def repository(commits: int, entries: int, plan: Plan) -> Path:
    """The repository of that shape, built once in bench/out/ and reused."""
    from history import build_repo

    folder = BENCH / "out" / f"history-{commits}x{entries}"
    if not (folder / ".git").is_dir() or not (folder / "README.md").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        began = time.perf_counter()
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        build_repo(partial, commits, entries)
        partial.rename(folder)
        plan.log(f"history: built {folder.name} in {time.perf_counter() - began:.0f} s")
    return folder


def run(plan: Plan) -> list[Row]:
    from history import timed

    commits, entries, cold_goal, warm_goal = SMALL if plan.quick else BIG
    repo = repository(commits, entries, plan)
    name = f"{commits:,} commits, {entries // 1000}k entries"
    if entries < 1000:
        name = f"{commits:,} commits, {entries} entries"
    readnotes = [sys.executable, "-m", "app", "history", str(repo), "--json"]
    cold, warm, log, listing = Series(), Series(), Series(), Series()
    plain = {**os.environ, "READNOTES_CACHE_DIR": "off"}
    timed(["git", "-C", str(repo), "log", "-p", "--oneline"], plain)  # untimed: page cache
    for _ in range(1 if plan.quick else min(plan.rounds, ROUNDS)):
        cache = Path(tempfile.mkdtemp(prefix="readnotes-bench-history-"))
        env = {**os.environ, "READNOTES_CACHE_DIR": str(cache)}
        try:
            cold.add(timed(readnotes, env)[0] * 1000.0, 0)
            warm.add(timed(readnotes, env)[0] * 1000.0, 0)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        log.add(timed(["git", "-C", str(repo), "log", "--oneline"], plain)[0] * 1000.0, 0)
        listing.add(
            timed([sys.executable, "-m", "app", "list", str(repo), "--json"], plain)[0] * 1000.0,
            0,
        )
    rows = [
        Row(f"history, {kind}", name, "ms", runs, None, f"≤ {goal:g} s", median_at_most(goal * 1e3))
        for kind, runs, goal in (("cold", cold, cold_goal), ("warm", warm, warm_goal))
    ]
    scale = (
        f"no baseline (a goal in seconds); for scale, git log --oneline {log.median:.0f} ms and "
        f"readnotes list --json {listing.median:.0f} ms with the parse cache off (medians)"
    )
    rows[0].details.append("an empty cache folder; " + scale)
    rows[1].details.append("the cache the cold run left, nothing new; " + scale)
    return rows
