"""readnotes with a memory probe: where the soak's RSS goes, measured inside the browser.

    python bench/probe.py LOG [--trace] [--collect] [--census] -- readnotes arguments...

Runs ``readnotes`` as ``python -m app`` does, plus a thread that appends a JSON line to ``LOG``
every 5 s: RSS, glibc's heap (``mallinfo2``: bytes in use, free inside the heap, mmapped),
pymalloc's arenas (from ``sys._debugmallocstats``), live memory blocks and the collector's
object count. ``--trace`` also runs ``tracemalloc`` and logs, each minute after the first, the
lines whose allocations grew most since the first minute; ``--collect`` runs a full collection
before each sample (and logs what it freed), which tells garbage from live objects;
``--census`` logs, each minute, the types whose live objects grew most since the first minute.
``bench/soak.py --probe LOG`` runs the soak's browser this way. A diagnostic: nothing in
readnotes depends on it.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import re
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EVERY = 5.0


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _mallinfo() -> dict[str, int]:
    try:
        call = ctypes.CDLL(None).mallinfo2
    except AttributeError:
        return {}
    call.restype = _Mallinfo2
    info = call()
    return {
        "heap": info.arena,
        "heap_used": info.uordblks,
        "heap_free": info.fordblks,
        "mmapped": info.hblkhd,
        "top_free": info.keepcost,
    }


def _proc_status() -> dict[str, int]:
    text = Path("/proc/self/status").read_text()
    out = {}
    for key in ("VmRSS", "RssAnon", "RssFile"):
        found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
        if found:
            out[key] = int(found.group(1))
    return out


_ARENA = re.compile(rb"# arenas allocated current\s+=\s+([\d,]+)")
_USED = re.compile(rb"# bytes in allocated blocks\s+=\s+([\d,]+)")


def _pymalloc() -> dict[str, int]:
    """pymalloc's arenas: ``_debugmallocstats`` writes to fd 2, taken over for the moment."""
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        try:
            os.dup2(sink.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        text = sink.read()
    arenas = _ARENA.search(text)
    used = _USED.search(text)
    return {
        "py_arenas": int(arenas.group(1).replace(b",", b"")) if arenas else -1,
        "py_used": int(used.group(1).replace(b",", b"")) if used else -1,
    }


def _sample(started: float, collect: bool) -> dict[str, object]:
    collected = gc.collect() if collect else None
    return {
        "collected": collected,
        "gc_runs": [generation["collections"] for generation in gc.get_stats()],
        "t": round(time.monotonic() - started, 1),
        **_proc_status(),
        **_mallinfo(),
        **_pymalloc(),
        "blocks": sys.getallocatedblocks(),
        "objects": len(gc.get_objects()),
        "frozen": gc.get_freeze_count(),
    }


def _probe(log: Path, trace: bool, collect: bool, census: bool) -> None:
    started = time.monotonic()
    first: tracemalloc.Snapshot | None = None
    first_census: Counter[str] | None = None
    minute = 1
    with log.open("a") as out:
        while True:
            time.sleep(EVERY)
            out.write(json.dumps(_sample(started, collect)) + "\n")
            if census and time.monotonic() - started >= 60 * minute:
                gc.collect()
                counts = Counter(
                    f"{type(thing).__module__}.{type(thing).__qualname__}"
                    for thing in gc.get_objects()
                )
                if first_census is None:
                    first_census = counts
                else:
                    grown = (counts - first_census).most_common(80)
                    out.write(json.dumps({"minute": minute, "types_grown": grown}) + "\n")
                minute += 1
            if trace and time.monotonic() - started >= 60 * minute:
                snapshot = tracemalloc.take_snapshot()
                if first is None:
                    first = snapshot
                else:
                    grown = snapshot.compare_to(first, "lineno")[:25]
                    lines = [str(stat) for stat in grown]
                    out.write(json.dumps({"minute": minute, "grown": lines}) + "\n")
                minute += 1
            out.flush()


def main() -> int:
    args = sys.argv[1:]
    log = Path(args.pop(0))
    trace = collect = census = False
    while args and args[0] in ("--trace", "--collect", "--census"):
        flag = args.pop(0)
        if flag == "--trace":
            trace = True
            tracemalloc.start(1)
        elif flag == "--collect":
            collect = True
        else:
            census = True
    if args and args[0] == "--":
        args.pop(0)
    from app.edges.malloc import use_one_arena

    use_one_arena()  # as readnotes does, before the probe's thread
    threading.Thread(target=_probe, args=(log, trace, collect, census), daemon=True).start()
    from app.cli import main as readnotes

    return readnotes(args)


if __name__ == "__main__":
    sys.exit(main())
