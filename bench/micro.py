"""Two small speed checks that used to be timed assertions in the tests, now measured by hand.

    uv run python bench/micro.py [--rounds N]

- the palette's "go to entry" candidates over 20,000 titles, against one plain substring scan
  of the same titles (the least any matcher must do);
- making a 1 MB note inert, against one ``str.translate`` over it with an empty table.

Each line prints readnotes' median, the baseline's median from the same run, and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.model import Entry, Link, Marker, MarkerKind, Status
from app.core.sanitize import inert
from app.ui.commands import candidates


def median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def titles_and_entries() -> tuple[list[str], list[Entry]]:
    marker = Marker(MarkerKind.NONE, 0, 0)
    link = (Link("paper", "https://x.org"),)
    entries = [
        Entry(f"Paper number {n} on topic {n % 97}", ("A",), Status.DONE, None, link, n + 1,
              marker, str(n), n)
        for n in range(20_000)
    ]  # fmt: skip
    return [e.title.casefold() for e in entries], entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    titles, entries = titles_and_entries()
    note = ("A line of notes with \x1b[2J and \u202e in it.\n" * 30_000)[:1_000_000]
    rows = [
        (
            "go-to-entry, 20,000 titles",
            median_ms(lambda: candidates(titles, entries, "number 1999"), rounds),
            median_ms(lambda: [t for t in titles if "number 1999" in t], rounds),
        ),
        (
            "inert, 1 MB note",
            median_ms(lambda: inert(note), rounds),
            median_ms(lambda: note.translate({}), rounds),
        ),
    ]
    for name, ours, baseline in rows:
        print(f"{name:28} {ours:8.2f} ms  baseline {baseline:8.2f} ms  {ours / baseline:6.2f}x")


if __name__ == "__main__":
    main()
