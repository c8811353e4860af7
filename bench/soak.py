"""A soak: the browser on a 10,000-entry index for minutes, saved from outside all the while.

    uv run python bench/soak.py [--minutes 10] [--entries 10000] [--save-every 0.2]

The real ``readnotes`` runs in a pseudo-terminal. Another process saves the index every 200 ms,
taking turns between an in-place write, a write to a temp file and a rename, and ``sed -i``;
each save changes only a trailing ``<!-- soak N -->`` comment, under readnotes' writer lock
(as a cooperating tool would: an editor that takes no lock can still drop a mark made between
its own read and write, which no lock can prevent). Every second the browser marks an entry
with ``x``, alternating between the first two entries. The soak checks, under the same lock:

- each ``x`` changed exactly that entry's marker in the file, or the browser said it refused;
- no mark recorded earlier is ever undone by anything (a lost update);
- no traceback, and ``q`` at the end exits 0;
- RSS (sampled every 5 s) grew by less than 10% from the end of the first minute to the end
  (past 2 GiB the soak stops early and fails, sparing a shared machine).

It prints the figures and exits 1 when a check fails. ``--probe LOG`` runs the browser under
``bench/probe.py``, which logs where its memory goes (``--trace``, ``--collect``, ``--census``:
see there).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import generate
from harness import Terminal
from screen import NotReady, open_readnotes

from app.core.locking import writer_lock
from app.core.model import Status
from app.core.parse import parse_index

COUNTER = re.compile(rb"<!-- soak [0-9]+ -->")
REFUSALS = ("nothing was written", "nothing was undone", "Already ", "Another readnotes")
RSS_GROWTH_LIMIT = 0.10
RSS_CAP_MIB = 2048  # a leak stops the soak here, before it takes the shared machine's memory
WARM_UP = 60.0  # seconds: RSS is compared from here on


# -- the outside writer (a child process) ---------------------------------------------------


def save_forever(index: Path, every: float) -> None:
    """Save ``index`` every ``every`` seconds, in turn in place, by rename and with ``sed -i``."""
    count = 0
    while True:
        count += 1
        mark = f"<!-- soak {count} -->".encode()
        with writer_lock(index, timeout=30):
            data = index.read_bytes()
            new = COUNTER.sub(mark, data, count=1)
            way = count % 3
            if way == 0:
                with open(index, "r+b") as handle:
                    handle.write(new)
                    handle.truncate()
            elif way == 1:
                temp = index.with_name(f".{index.name}.soak-{count}")
                temp.write_bytes(new)
                os.replace(temp, index)
            else:
                subprocess.run(
                    ["sed", "-i", "-e", f"s/<!-- soak [0-9]* -->/{mark.decode()}/", str(index)],
                    check=True,
                )
        time.sleep(every)


# -- the soak -------------------------------------------------------------------------------


@dataclass
class Tally:
    presses: int = 0
    marked: int = 0
    refused: int = 0
    unanswered: int = 0
    lost: int = 0
    wrong: int = 0  # a press changed something else than one of the two entries
    saves: int = 0
    rss: list[tuple[float, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def statuses(index: Path) -> tuple[list[Status], bytes]:
    """Every entry's status, read under the writer lock (never a half-written file)."""
    with writer_lock(index, timeout=30):
        data = index.read_bytes()
    return [entry.status for entry in parse_index(data, index).entries], data


def rss_kib(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else None


def refusal_on(term: Terminal) -> bool:
    text = term.text()
    return any(words in text for words in REFUSALS)


def soak(
    folder: Path, minutes: float, save_every: float, tally: Tally, probe: list[str] | None = None
) -> int | None:
    index = folder / "README.md"
    argv = None
    if probe is not None:  # the browser with bench/probe.py's memory log
        argv = [
            sys.executable,
            str(Path(__file__).with_name("probe.py")),
            *probe,
            "--",
            str(folder),
        ]
    term = open_readnotes(folder, len(statuses(index)[0]), _first_row(index), 120.0, argv)
    writer = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(index), "--save-every", str(save_every)]
    )
    started = time.monotonic()
    try:
        for key in (b"j", b"l", b"j"):  # to the first entry, as the mark-done benchmark does
            term.send(key)
            term.settle(quiet=0.1, limit=5.0)
        known, _ = statuses(index)
        next_rss = started
        while time.monotonic() - started < minutes * 60:
            tick = time.monotonic()
            if tick >= next_rss:
                if (rss := rss_kib(term.pid)) is not None:
                    tally.rss.append((tick - started, rss))
                    if rss > RSS_CAP_MIB * 1024:
                        tally.problems.append(f"RSS passed {RSS_CAP_MIB} MiB: stopped early")
                        break
                next_rss += 5.0
            _press_and_check(term, index, known, tally)
            if "Traceback" in term.text():
                tally.problems.append("a traceback on screen")
                break
            term.send(b"j" if tally.presses % 2 else b"k")
            term.wait_for(lambda _: False, max(0.0, 1.0 - (time.monotonic() - tick)))
        tally.saves = int((time.monotonic() - started) / save_every)
    finally:
        writer.kill()
        writer.wait()
    term.send(b"q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        term.pump(0.05)
        pid, status = os.waitpid(term.pid, os.WNOHANG)
        if pid:
            term.pid = -1
            term.close()
            return os.waitstatus_to_exitcode(status)
    term.close()
    return None


def _press_and_check(term: Terminal, index: Path, known: list[Status], tally: Tally) -> None:
    """Press ``x``; wait for one of the two entries' lines to change in the file, or a refusal.

    Every entry's status is compared with what the soak knows before each press: a mark that
    went missing since, or a marker that changed without a press, is a lost (or wrong) update.
    """
    before, data = statuses(index)
    if before != known:
        tally.lost += sum(a != b for a, b in zip(before, known, strict=True))
        tally.problems.append("the file's markers differ from the marks made (lost or wrong)")
        known[:] = before
    lines = _first_lines(data)
    tally.presses += 1
    term.send(b"x")
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        term.pump(0.05)
        with writer_lock(index, timeout=30):
            now = _first_lines(index.read_bytes())
        changed = [i for i in (0, 1) if now[i] != lines[i]]
        if changed:
            tally.marked += 1
            for i in changed:
                known[i] = Status.TODO if known[i] is Status.DONE else Status.DONE
            if len(changed) > 1:
                tally.wrong += 1
                tally.problems.append("one x changed both entries")
            return
        if refusal_on(term):
            tally.refused += 1
            return
    tally.unanswered += 1


def _first_lines(data: bytes) -> tuple[bytes, bytes]:
    """The lines of the index's first two entries (the generator writes them as ``* ``)."""
    found = [line for line in data.split(b"\n", 400) if line.startswith(b"* ")]
    return found[0], found[1]


def _first_row(index: Path) -> str:
    parsed = parse_index(index.read_bytes(), index)
    tree = parsed.tree
    return (tree.entries[0] if tree.entries else tree.children[0]).title


def report(tally: Tally, code: int | None, minutes: float) -> bool:
    warm = [rss for at, rss in tally.rss if at >= WARM_UP] or [rss for _, rss in tally.rss]
    growth = (warm[-1] - warm[0]) / warm[0] if warm else 0.0
    first = tally.rss[0][1] if tally.rss else 0
    print(f"soak: {minutes:g} min, {tally.saves} outside saves, {tally.presses} presses of x")
    print(
        f"  marks in the file: {tally.marked}, refused (said so): {tally.refused},"
        f" unanswered: {tally.unanswered}, lost: {tally.lost}, wrong entry: {tally.wrong}"
    )
    if warm:
        print(
            f"  RSS: {first / 1024:.0f} MiB at start, {warm[0] / 1024:.1f} MiB after"
            f" {min(WARM_UP, tally.rss[-1][0]):.0f} s, {warm[-1] / 1024:.1f} MiB at the end:"
            f" {growth:+.1%} (limit +{RSS_GROWTH_LIMIT:.0%})"
        )
    marks = [rss for at, rss in tally.rss if at % 30 < 5]  # about every half minute
    print("  RSS every ~30 s (MiB): " + " ".join(f"{rss / 1024:.0f}" for rss in marks))
    print(f"  exit code after q: {code}")
    for problem in dict.fromkeys(tally.problems):
        print(f"  problem: {problem}")
    return (
        code == 0
        and tally.lost == 0
        and tally.wrong == 0
        and tally.unanswered == 0
        and growth < RSS_GROWTH_LIMIT
        and not tally.problems
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--save-every", type=float, default=0.2, metavar="SECONDS")
    parser.add_argument("--probe", type=Path, metavar="LOG", help="log memory (bench/probe.py)")
    parser.add_argument("--trace", action="store_true", help="with --probe: tracemalloc too")
    parser.add_argument("--collect", action="store_true", help="with --probe: gc.collect() too")
    parser.add_argument("--census", action="store_true", help="with --probe: objects by type")
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer is not None:
        save_forever(args.writer, args.save_every)
        return 0
    with tempfile.TemporaryDirectory(prefix="readnotes-soak-") as temp:
        folder = Path(temp) / "notes"
        index = generate(folder, args.entries)
        with open(index, "ab") as handle:
            handle.write(b"\n\n<!-- soak 0 -->\n")
        tally = Tally()
        try:
            probe = None
            if args.probe is not None:
                flags = [
                    flag for flag in ("--trace", "--collect", "--census") if getattr(args, flag[2:])
                ]
                probe = [str(args.probe.resolve()), *flags]
            code = soak(folder, args.minutes, args.save_every, tally, probe)
        except NotReady as error:
            print(f"soak: {error}")
            return 1
        return 0 if report(tally, code, args.minutes) else 1


if __name__ == "__main__":
    sys.exit(main())
