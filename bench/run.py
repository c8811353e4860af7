"""Run the speed benchmarks of issue 5 and print how readnotes compares with its baselines.

    uv run python bench/run.py [NAME ...] [--rounds N] [--quick] [--no-write]

NAME is one of: startup, filter, preview, reload, mark-done, memory, search, figures (default:
all).
Every figure is set against a baseline measured in the same run, on the same machine, because
these machines are shared and noisy. A full run (all benchmarks, not --quick) also writes its
table, with the machine it ran on, into docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmarks import figures, mark_done, memory, preview, reload, search, startup
from benchmarks import filter as live_filter
from harness import REPO
from inputs import Inputs
from plan import Plan
from report import HEADERS, Row, details, table, write_results

BENCHMARKS: dict[str, Callable[[Plan], list[Row]]] = {
    "startup": startup.run,
    "filter": live_filter.run,
    "preview": preview.run,
    "reload": reload.run,
    "mark-done": mark_done.run,
    "memory": memory.run,
    "search": search.run,
    "figures": figures.run,
}
DOC = REPO / "docs" / "performance.md"
DEFAULT_ROUNDS, QUICK_ROUNDS = 5, 1
NOT_RUN = ("not ready", "setup failed")  # readnotes itself failed: a run not worth keeping


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run")
    parser.add_argument("--rounds", type=int, help=f"rounds each (default {DEFAULT_ROUNDS})")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, about a minute")
    parser.add_argument(
        "--no-write", action="store_true", help=f"do not update {DOC.relative_to(REPO)}"
    )
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="let every program cache its compiled bytecode (into this run's folder), as a"
        " user's Python does; by default the environment decides (PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args(argv)
    args.names = [name.replace("_", "-") for name in args.names]
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    names = args.names or list(BENCHMARKS)
    rounds = args.rounds or (QUICK_ROUNDS if args.quick else DEFAULT_ROUNDS)
    started, load = time.perf_counter(), os.getloadavg()[0]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="readnotes-bench-") as workdir:
        # What readnotes caches between starts (parsed indexes) stays in this run's folder:
        # cold at an input's first start, warm after it, as for a reader opening it again.
        os.environ["XDG_CACHE_HOME"] = os.environ["READNOTES_CACHE_DIR"] = str(
            Path(workdir) / "cache"
        )
        if args.bytecode:  # both readnotes and the baselines: warmed by their untimed starts
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = str(Path(workdir) / "pycache")
        plan = Plan(Inputs(Path(workdir)), max(1, rounds), args.quick)
        for name in names:
            print(f"{name} …", file=sys.stderr, flush=True)
            began = time.perf_counter()
            done = BENCHMARKS[name](plan)
            for row in done:
                cells = dict(zip(HEADERS, row.cells(), strict=True))
                summary = ", ".join(f"{key} {cells[key]}" for key in HEADERS[2:] if cells[key])
                print(f"  {row.benchmark}, {row.input}: {summary}", file=sys.stderr)
            print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
            rows.extend(done)
    seconds = time.perf_counter() - started
    print(table(rows))
    extra = details(rows)
    if extra:
        print("\n" + extra)
    print(f"\n{seconds:.0f} s in all", file=sys.stderr)
    if args.no_write or args.quick or names != list(BENCHMARKS):
        return 0
    broken = [f"{row.benchmark} {row.input}" for row in rows if row.missing in NOT_RUN]
    if broken:
        print(
            f"not writing {DOC.relative_to(REPO)}: {', '.join(broken)} did not run", file=sys.stderr
        )
        return 1
    command = "uv run python bench/run.py" + (f" --rounds {rounds}" if args.rounds else "")
    described = f"{rounds} rounds each; preview and memory at most 3"
    write_results(DOC, rows, command, described, seconds, load)
    print(f"wrote {DOC.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
