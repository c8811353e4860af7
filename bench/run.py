"""Run the speed benchmarks of issue 20 and print how readnotes compares with its baselines.

    uv run python bench/run.py [NAME ...] [--rounds N] [--quick] [--no-write] [--source]

NAME is one of: startup, filter, preview, reload, mark-done, memory, search, links, history,
figures (default: all).
Every figure is set against a baseline measured in the same run, on the same machine, because
these machines are shared and noisy. Programs reuse cached bytecode, as an installed readnotes
does after its first start (the run compiles it into its own folder first); ``--source``
compiles readnotes and its libraries from source at every start instead. A full run (all
benchmarks, not --quick) also writes its table, with the machine it ran on, into
docs/performance.md and the README's short table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmarks import (
    figures,
    git_history,
    links,
    mark_done,
    memory,
    preview,
    reload,
    search,
    startup,
)
from benchmarks import filter as live_filter
from harness import REPO
from inputs import Inputs
from plan import Plan
from report import HEADERS, Row, details, table, write_readme, write_results
from screen import NotReady, open_bare, open_readnotes

BENCHMARKS: dict[str, Callable[[Plan], list[Row]]] = {
    "startup": startup.run,
    "filter": live_filter.run,
    "preview": preview.run,
    "reload": reload.run,
    "mark-done": mark_done.run,
    "memory": memory.run,
    "search": search.run,
    "links": links.run,
    "history": git_history.run,
    "figures": figures.run,
}
# What the baseline of each figures row is (bench/benchmarks/figures.py is the figures helper's;
# its rows get their floor named here, as every other row names its own)
FIGURE_FLOORS = {
    "figure": "baseline: the same key in the same folder in a plain xterm, to the frame showing"
    " the figure's one-line placeholder; timed to kitty's placement (a=p) after the transmission",
    "figure, next note": "baseline: as for the first figure, one note further down (Pillow"
    " already imported)",
    "placeholder (kitty)": "baseline: the placeholder's frame in a plain xterm: what drawing"
    " figures costs the event loop (a key never waits for a figure)",
    "startup (kitty)": "baseline: the same start of the folder of figures in a plain xterm",
}
DOC = REPO / "docs" / "performance.md"
README = REPO / "README.md"
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
        "--source",
        action="store_true",
        help="compile readnotes and its libraries from source at every start"
        " (PYTHONDONTWRITEBYTECODE=1) instead of reusing cached bytecode",
    )
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="reuse cached bytecode, as a user's Python does (the default; kept for old scripts)",
    )
    args = parser.parse_args(argv)
    if args.source and args.bytecode:
        parser.error("--source and --bytecode are each other's opposite: choose one")
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
        if args.source:
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
            os.environ.pop("PYTHONPYCACHEPREFIX", None)
        else:
            warm_bytecode(Path(workdir) / "pycache")
        plan = Plan(Inputs(Path(workdir)), max(1, rounds), args.quick, not args.source)
        if plan.bytecode:
            warm_starts(plan)
        for name in names:
            print(f"{name} …", file=sys.stderr, flush=True)
            began = time.perf_counter()
            done = BENCHMARKS[name](plan)
            for row in done:
                if row.benchmark in FIGURE_FLOORS and not row.details:
                    row.details.append(FIGURE_FLOORS[row.benchmark])
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
    mode = "cached bytecode" if plan.bytecode else "compiled from source (--source)"
    print(
        f"\n{seconds:.0f} s in all, {mode}, load average {load:.1f} at the start and"
        f" {os.getloadavg()[0]:.1f} at the end",
        file=sys.stderr,
    )
    if args.no_write or args.quick or names != list(BENCHMARKS):
        return 0
    broken = [f"{row.benchmark} {row.input}" for row in rows if row.missing in NOT_RUN]
    if broken:
        print(
            f"not writing {DOC.relative_to(REPO)}: {', '.join(broken)} did not run", file=sys.stderr
        )
        return 1
    command = "uv run python bench/run.py" + (f" --rounds {rounds}" if args.rounds else "")
    command += " --source" if args.source else ""
    described = (
        f"{rounds} rounds each; preview, memory, history and the link check at most 3, the"
        " links one by one once"
    )
    write_results(DOC, rows, command, described, seconds, load)
    write_readme(README, rows, command, seconds, load)
    print(f"wrote {DOC.relative_to(REPO)} and {README.relative_to(REPO)}", file=sys.stderr)
    return 0


def warm_bytecode(prefix: Path) -> None:
    """Cached bytecode for every program the run starts, in the run's own folder: readnotes,
    the baselines and the libraries compiled now (what a user's Python writes on the first
    starts of an installed tool), the standard library by the untimed starts each benchmark
    makes before timing (it keeps its bytecode beside its sources, which the prefix hides)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)
    began = time.perf_counter()
    packages = sysconfig.get_paths()["purelib"]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "2", "app", "bench", packages],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    print(f"bytecode compiled in {time.perf_counter() - began:.0f} s", file=sys.stderr)


def warm_starts(plan: Plan) -> None:
    """Untimed sessions of readnotes and of every baseline, each left until quiet (readnotes'
    warm-up of the preview imports its lexers then): the bytecode they load is cached."""
    began = time.perf_counter()
    notes = plan.inputs.notes()
    note = str(REPO / "notes" / "papers" / "LLM" / "FlashAttention.md")
    try:
        with open_readnotes(notes.path, notes.entries, notes.first_title, 60.0) as term:
            term.send(b"j")
            term.settle(quiet=0.3, limit=10.0)
        for args in ((), ("--input",), ("--input-list",), ("--text", note), ("--markdown", note)):
            with open_bare(*args, limit=60.0) as term:
                term.send(b"j")
                term.settle(quiet=0.3, limit=10.0)
    except NotReady as error:
        plan.log(str(error))
    print(f"warm starts in {time.perf_counter() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
