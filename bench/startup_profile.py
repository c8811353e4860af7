"""Where a start goes, up to the first complete screen: for profiling, not for the goals table.

    uv run python bench/startup_profile.py ab [FOLDER...] [--rounds N] [--before DIR] [--now DIR]
    uv run python bench/startup_profile.py imports FOLDER
    uv run --with pyinstrument python bench/startup_profile.py pyinstrument FOLDER

Every start is the one ``bench/run.py startup --bytecode`` times: a real pseudo-terminal, the
clock from the fork to the frame that shows the whole first screen, with cached bytecode (its
own ``PYTHONPYCACHEPREFIX``, warmed by an untimed start) and a warm parse cache.

- ``ab``: readnotes against the bare one-line app in alternate rounds, and with ``--before DIR``
  (a checkout of another revision, e.g. ``git archive HEAD~1 app | tar -x -C DIR``) that
  revision in the same rounds, so a change is measured against its parent under the same load
  (``--now DIR``: another checkout instead of this one). Each time comes with the CPU time the
  process had used by then, steadier than wall time on a loaded machine.
- ``imports``: ``-X importtime`` of one start, split at the first complete screen: what the
  first screen waited for, and what came after it (workers, after-refresh callbacks).
- ``pyinstrument``: the main thread's profile of one start, quit at the first complete screen.

FOLDER is a notes folder or index file; ``10k`` / ``50k`` generate one (``generate.py``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from harness import REPO, Terminal, bare_argv  # noqa: E402
from inputs import Folder, Inputs  # noqa: E402
from screen import bare_ready, complete_screen  # noqa: E402

from app.core.model import Category, Entry  # noqa: E402
from app.core.parse import find_index  # noqa: E402
from app.core.subindex import load_tree  # noqa: E402

LIMIT = 30.0
# -X importtime writes to fd 2, where Textual paints too: fd 2 goes to the log, and the
# terminal moves to another descriptor that Textual finds as sys.__stderr__.
_TO_LOG = """
import os, runpy, sys
terminal = os.dup(2)
os.dup2(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
sys.__stderr__ = sys.stderr = os.fdopen(terminal, "w")
sys.argv = ["readnotes", sys.argv[2]]
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""
_IMPORT = re.compile(r"import time:\s+(-?\d+) \|\s+(-?\d+) \| (\s*)(\S+)")


def folder(inputs: Inputs, name: str) -> Folder:
    if name.endswith("k") and name[:-1].isdigit():
        return inputs.generated(int(name[:-1]) * 1000)
    path = Path(name).resolve()
    index = load_tree(path)  # with its sub-indexes, as the status line counts them
    first: Entry | Category = (
        index.tree.entries[0] if index.tree.entries else index.tree.children[0]
    )
    entries = len(index.entries)
    return Folder(name, path, find_index(path), entries, first.title, index.entries[0].title)


def start(argv: list[str], shown: object, cwd: Path = REPO) -> tuple[float, Terminal]:
    """Milliseconds to the first complete screen, and the terminal (still open)."""
    term = Terminal(argv, cwd=cwd)
    at = term.wait_for(shown, LIMIT)  # type: ignore[arg-type]
    if at is None:
        text = term.text()
        term.close()
        raise SystemExit(f"{' '.join(argv)}: no first screen in {LIMIT} s\n{text}")
    return (at - term.started) * 1000.0, term


def timed(argv: list[str], shown: object, cwd: Path = REPO) -> float:
    took, term = start(argv, shown, cwd)
    term.close()
    return took


def timed_cpu(argv: list[str], shown: object, cwd: Path = REPO) -> tuple[float, float]:
    """Milliseconds to the first complete screen, and the CPU time spent by then (all threads,
    in clock ticks of 10 ms: steadier than wall time on a loaded machine, but coarse)."""
    took, term = start(argv, shown, cwd)
    ticks = term.cpu_ticks()
    term.close()
    return took, ticks * 1000.0 / os.sysconf("SC_CLK_TCK")


def ab(inputs: Inputs, names: list[str], rounds: int, before: Path | None, now: Path) -> None:
    app = [sys.executable, "-m", "app"]
    for name in names:
        chosen = folder(inputs, name)
        shown = complete_screen(chosen.entries, chosen.first_title)
        arg = str(chosen.path)
        runs: dict[str, list[float]] = {"bare": [], "now": []}
        cpu: dict[str, list[float]] = {"bare": [], "now": []}
        if before is not None:
            runs["before"], cpu["before"] = [], []
        timed(bare_argv(), bare_ready)  # warm the bytecode and the parse cache
        timed([*app, arg], shown, now)
        if before is not None:
            timed([*app, arg], shown, before)
        for _ in range(rounds):
            for key, argv, cwd in (
                ("bare", bare_argv(), REPO),
                ("now", [*app, arg], now),
                ("before", [*app, arg], before),
            ):
                if key in runs and cwd is not None:
                    wall, used = timed_cpu(argv, bare_ready if key == "bare" else shown, cwd)
                    runs[key].append(wall)
                    cpu[key].append(used)
        bare = statistics.median(runs["bare"])
        bare_cpu = statistics.median(cpu["bare"])
        line = f"{chosen.name:>16}: bare {bare:4.0f} ms (cpu {bare_cpu:3.0f})"
        for key in ("before", "now"):
            if key in runs:
                median, used = statistics.median(runs[key]), statistics.median(cpu[key])
                line += f" | {key} {median:4.0f} ms {median / bare:4.2f}x"
                line += f" (cpu {used:3.0f} {used / bare_cpu:4.2f}x)"
        print(line, f"(load {os.getloadavg()[0]:.1f})", flush=True)


def imports(inputs: Inputs, name: str) -> None:
    chosen = folder(inputs, name)
    shown = complete_screen(chosen.entries, chosen.first_title)
    log = Path(tempfile.mkdtemp()) / "importtime.txt"
    argv = [sys.executable, "-X", "importtime", "-c", _TO_LOG, str(log), str(chosen.path)]
    timed(argv, shown)  # warm
    took, term = start(argv, shown)
    before = log.read_text(errors="replace")
    time.sleep(1.5)  # what the workers and after-refresh callbacks import
    after = log.read_text(errors="replace")[len(before) :]
    term.close()
    print(f"first screen at {took:.0f} ms")
    for title, text in (("before the first screen", before), ("after it", after)):
        rows = [(int(m[1]), int(m[2]), len(m[3]) // 2, m[4]) for m in _IMPORT.finditer(text)]
        print(f"\n== {title}: {sum(r[0] for r in rows) / 1000:.0f} ms of imports")
        for own, total, depth, module in rows:
            if total >= 3000 and depth <= 3:
                print(f"{total / 1000:7.1f} {own / 1000:6.1f} {'  ' * depth}{module}")


def profile(inputs: Inputs, name: str) -> None:
    chosen = folder(inputs, name)
    shown = complete_screen(chosen.entries, chosen.first_title)
    out = Path(tempfile.mkdtemp()) / "profile.txt"
    argv = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out)]
    argv += ["-m", "app", str(chosen.path)]
    timed(argv, shown)  # warm
    took, term = start(argv, shown)
    term.close()
    print(f"first screen at {took:.0f} ms (profiled)")
    print(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["ab", "imports", "pyinstrument"])
    parser.add_argument("folders", nargs="*", default=["notes", "10k"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", type=Path, help="a checkout of the revision to compare with")
    parser.add_argument("--now", type=Path, default=REPO, help="the revision measured (here)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="readnotes-profile-") as workdir:
        os.environ["XDG_CACHE_HOME"] = os.environ["READNOTES_CACHE_DIR"] = str(
            Path(workdir) / "cache"
        )
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(workdir) / "pycache")
        inputs = Inputs(Path(workdir))
        if args.mode == "ab":
            before = args.before and args.before.resolve()
            ab(inputs, args.folders, args.rounds, before, args.now.resolve())
        elif args.mode == "imports":
            imports(inputs, args.folders[0])
        else:
            profile(inputs, args.folders[0])


if __name__ == "__main__":
    main()
