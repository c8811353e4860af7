"""Parse time per entry of a table index against the same entries written as a list.

    uv run python bench/tables.py [--rows N] [--rounds N]

Two indexes of the same papers (default 1,500), in sections of 50 under ``##`` headings: one
writes each paper as a digest table row (``| 1) Title  Summary | [Paper](...), [Tweet](...) |``),
the other as a list item (``- [Title](...) Summary [Tweet](...)``). Both are parsed whole, with
no chunk cache (a fresh ``ChunkMemory`` and no disk cache), as a first open does. Times are the
process's CPU time, best of ``--rounds`` (on a shared machine wall-clock medians swing by half).
Prints each time per entry and the ratio table/list (1.0 = as fast per entry as lists), and the
same ratio for pulldown-cmark's events alone (a table row is more events than a list item:
TableRow and TableCell start and end), which no code of ours can go under.

Measured (2-core machine, 1,500 rows, best of 9, runs of the old and new parser interleaved):
table rows 1.16-1.18x the time per entry of list items (a noisy run gave 1.22), the events alone
1.36-1.43x; before cell starts and ends were handled in the events loop itself and a row's text
kept only in its cells, 1.20-1.27x. So a table index is not yet as fast
per entry as a list: about a sixth slower, most of it the events a row has beyond an item's.
Re-measured (branch startup15, no change to the row path; best of 9, load average 9 and 11):
1.25x and 1.22x, the events alone 1.42x and 1.38x. Profiled: the events loop itself
(``run``) is the largest part, then ``_close_row`` (a third of the row's own work) and
``_row_marker``; nothing stood out as cheap to cut.
Re-measured (branch startup, no change to the row path; best of 15, load average 1.8): 1.22x,
the events alone 1.37x. So per entry a table parses about a fifth slower than a list, under the
ratio of pulldown-cmark's own events. At startup that parse is no longer paid: an index from
16 KB keeps its parsed chunks in the cache folder (it was 256 KB, and this 251 KiB index of
1,500 rows was parsed at every start, 44 ms). Started in the pty (bench/startup_profile.py ab
on this table index, 9 alternate rounds, load 0.9): 1.58x -> 1.40x the bare app.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyromark

from app.core.parse import ChunkMemory, parse_index
from app.core.parse.options import BODY_OPTIONS


def indexes(rows: int) -> tuple[bytes, bytes]:
    table, listed = ["# Digest\n"], ["# Digest\n"]
    for n in range(rows):
        if n % 50 == 0:
            section = f"\n## Week {n // 50 + 1}\n\n"
            table.append(section + "| Paper | Links |\n|-------|-------|\n")
            listed.append(section)
        title = f"Paper number {n} on topic {n % 97}"
        summary = "A short summary of what the paper finds, in one sentence."
        paper, tweet = f"https://arxiv.org/abs/2401.{n:05d}", f"https://x.com/p/{n}"
        table.append(f"| {n % 50 + 1}) {title}  {summary} | [Paper]({paper}), [Tweet]({tweet}) |\n")
        listed.append(f"- [{title}]({paper}) {summary} [Tweet]({tweet})\n")
    return "".join(table).encode(), "".join(listed).encode()


def per_entry_us(data: bytes, rounds: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(rounds):
        began = time.process_time()
        index = parse_index(data, Path("/nonexistent/README.md"), memory=ChunkMemory())
        times.append(time.process_time() - began)
        count = len(index.entries)
    return min(times) / count * 1e6, count


def events_ms(data: bytes, rounds: int) -> float:
    """pulldown-cmark's events for the whole file, with the collector paused as a parse has it."""
    text = data.decode()
    times = []
    gc.disable()
    for _ in range(rounds):
        began = time.process_time()
        for _event in pyromark.events_with_range(text, options=BODY_OPTIONS):
            pass
        times.append(time.process_time() - began)
    gc.enable()
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    os.environ["READNOTES_CACHE_DIR"] = "off"  # here, not on import: run.py imports indexes()
    table, listed = indexes(args.rows)
    table_us, table_count = per_entry_us(table, args.rounds)
    list_us, list_count = per_entry_us(listed, args.rounds)
    assert table_count == list_count == args.rows, (table_count, list_count)
    print(f"table rows: {table_us:6.2f} µs per entry ({table_count:,} entries)")
    print(f"list items: {list_us:6.2f} µs per entry ({list_count:,} entries)")
    print(f"ratio table/list: {table_us / list_us:.2f}")
    events = events_ms(table, args.rounds) / events_ms(listed, args.rounds)
    print(f"pulldown-cmark's events alone, ratio table/list: {events:.2f}")


if __name__ == "__main__":
    main()
