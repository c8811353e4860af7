"""Run a program in a real pseudo-terminal, read its screen through pyte, and time what it shows.

Every benchmark measures from something a user does (start the program, press a key, save a
file) to the moment the terminal shows the result, the same way for readnotes and for its
baseline, so the ratio between the two is what the noisy shared machine cannot blur.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pyte

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
COLUMNS, LINES = 120, 36  # the default terminal; startup also runs at LARGE
SIZE, LARGE = (COLUMNS, LINES), (200, 50)
READY_TEXT = "bare app ready"  # what every baseline app paints, see bare_app.py
# Graphics commands (kitty's APC, sixel's DCS): kept out of pyte, which does not speak them
_GRAPHICS = re.compile(rb"\x1b_G.*?\x1b\\|\x1bP.*?\x1b\\", re.S)
_GRAPHICS_START = re.compile(rb"\x1b_G|\x1bP")


def readnotes_argv(path: Path) -> list[str]:
    """The browser as a user starts it: the console script installed beside the interpreter
    running the benchmarks (``python -m app`` where there is none)."""
    script = Path(sys.executable).parent / "readnotes"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), str(path)]
    return [sys.executable, "-m", "app", str(path)]


def bare_argv(*args: str) -> list[str]:
    return [sys.executable, str(BENCH / "bare_app.py"), *args]


class Terminal:
    """A child process on a pty of a fixed size, its output fed to a pyte screen.

    Output is drained before it is parsed: a frame arrives in several reads, and the time of
    a frame is the time of the last read that carried it, not of pyte catching up with it.
    """

    def __init__(
        self,
        argv: list[str],
        *,
        cwd: Path = REPO,
        env: dict[str, str] | None = None,
        pixels: tuple[int, int] = (0, 0),
        size: tuple[int, int] = SIZE,
    ) -> None:
        """``env``: variables over the defaults (a kitty terminal); ``pixels``: the window size
        in pixels that the kernel reports (0: none, as most terminals in a pty); ``size``:
        columns and lines."""
        self.columns, self.height = columns, height = size
        self.graphics: list[tuple[float, bytes]] = []  # when each command came, its start
        self._carry = b""  # a graphics command cut between two reads
        self.screen = pyte.Screen(columns, height)
        self.stream = pyte.ByteStream(self.screen)
        # A first start: no user config and no remembered place (the cache folder, if any, is
        # the run's own: see run.py).
        self.private = Path(tempfile.mkdtemp(prefix="readnotes-bench-session-"))
        environ = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(columns),
            "LINES": str(height),
            "XDG_CONFIG_HOME": str(self.private / "config"),
            "XDG_STATE_HOME": str(self.private / "state"),
            "READNOTES_STATE_DIR": str(self.private / "state"),
        }
        for name in ("TEXTUAL", "COLORTERM", "NO_COLOR", "READNOTES_CONFIG", "READNOTES_POLL"):
            environ.pop(name, None)
        for name in ("TMUX", "STY", "KITTY_WINDOW_ID", "TERM_PROGRAM", "KONSOLE_VERSION"):
            environ.pop(name, None)  # the terminal is the one described here, nothing else
        environ.update(env or {})
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size its terminal, then become the program
            try:
                winsize = struct.pack("HHHH", height, columns, *pixels)
                fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSWINSZ, winsize)
                os.chdir(cwd)
                os.execve(argv[0], argv, environ)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.exited = False
        self.last_read = self.started

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading the screen ---------------------------------------------------------------------

    def rows(self) -> list[list[str]]:
        """The screen as rows of cells: a wide character fills its cell and leaves the next one
        empty, so a slice of cells is a slice of columns. (pyte's own ``display`` does the same
        work but fails on a wide character's half that was overwritten.)"""
        buffer = self.screen.buffer
        return [[buffer[y][x].data for x in range(self.columns)] for y in range(self.height)]

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.rows()]

    def text(self) -> str:
        return "\n".join(self.lines())

    def cells(self, top: int, bottom: int, left: int, right: int) -> tuple[tuple[str, str], ...]:
        """Characters and background colours of a region: a cursor move changes only colours."""
        out: list[tuple[str, str]] = []
        for y in range(top, bottom):
            row = self.screen.buffer[y]
            out.extend((row[x].data, row[x].bg) for x in range(left, right))
        return tuple(out)

    # -- the pty ----------------------------------------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for output, drain it, feed it to the screen; True if any came."""
        chunks: list[bytes] = []
        wait = timeout
        while True:
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                break
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # the child closed the pty
                self.exited = True
                break
            if not data:
                self.exited = True
                break
            self.last_read = time.perf_counter()
            chunks.append(data)
            wait = 0.0
        if chunks:
            self.stream.feed(self._without_graphics(self._carry + b"".join(chunks)))
        return bool(chunks)

    def _without_graphics(self, data: bytes) -> bytes:
        """The output with graphics commands taken out (and noted in ``graphics``); a command
        not yet ended waits for the next read."""
        self._carry = b""
        starts = list(_GRAPHICS_START.finditer(data))
        last = starts[-1] if starts else None
        if last is not None and data.find(b"\x1b\\", last.end()) < 0:
            data, self._carry = data[: last.start()], data[last.start() :]
        for found in _GRAPHICS.finditer(data):
            self.graphics.append((self.last_read, found.group(0)[:48]))
        return _GRAPHICS.sub(b"", data)

    def wait_for(
        self, condition: Callable[[Terminal], bool], timeout: float, *, step: float = 0.005
    ) -> float | None:
        """The moment ``condition`` first held, or None after ``timeout`` seconds.

        The condition is checked after every burst of output and every ``step`` seconds without
        output (it may look at files too); a burst is dated by its last read.
        """
        deadline = time.perf_counter() + timeout
        while not self.exited:
            now = time.perf_counter()
            if now > deadline:
                return None
            came = self.pump(min(step, deadline - now))
            if condition(self):
                return self.last_read if came else time.perf_counter()
        return None

    def settle(self, quiet: float = 0.15, limit: float = 3.0) -> None:
        """Read output until the program has been idle for ``quiet`` seconds (at most ``limit``):
        no output, and at most a clock tick of CPU time (background workers done)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and not self.exited:
            busy = self.cpu_ticks()
            if not self.pump(quiet) and self.cpu_ticks() - busy <= 1:
                return

    def cpu_ticks(self) -> int:
        """User and system CPU time of the child (all its threads), in clock ticks."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def send(self, keys: bytes) -> float:
        """Type ``keys``; the moment they were written."""
        sent = time.perf_counter()
        os.write(self.fd, keys)
        return sent

    def peak_rss_kib(self) -> int | None:
        """VmHWM of the child: its peak resident set size so far."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) if found else None

    def close(self) -> None:
        """Ask the program to quit (ctrl+q), then kill it if it has not after half a second."""
        if self.fd < 0:
            return
        try:
            if not self.exited:
                os.write(self.fd, b"\x11")
                deadline = time.perf_counter() + 0.5
                while time.perf_counter() < deadline:
                    self.pump(0.02)
                    if os.waitpid(self.pid, os.WNOHANG)[0]:
                        self.pid = -1
                        break
        except OSError:
            pass
        if self.pid > 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)
        self.fd = -1
        shutil.rmtree(self.private, ignore_errors=True)


# -- results ------------------------------------------------------------------------------------


@dataclass
class Series:
    """Samples of one measurement; a timed-out sample counts as its time limit (a lower bound)."""

    values: list[float] = field(default_factory=list)
    timeouts: int = 0
    limit: float = 0.0

    def add(self, value: float | None, limit: float) -> None:
        if value is None:
            self.timeouts += 1
            self.limit = max(self.limit, limit)
        else:
            self.values.append(value)

    def add_interval(self, start: float, end: float | None, limit: float) -> None:
        """The time from ``start`` to ``end`` (``perf_counter`` seconds) in milliseconds;
        ``end`` None: it did not happen within ``limit`` seconds."""
        self.add(None if end is None else (end - start) * 1000.0, limit * 1000.0)

    def extend(self, other: Series) -> None:
        self.values.extend(other.values)
        self.timeouts += other.timeouts
        self.limit = max(self.limit, other.limit)

    @property
    def count(self) -> int:
        return len(self.values) + self.timeouts

    @property
    def censored(self) -> bool:
        return self.timeouts > 0

    def _all(self) -> list[float]:
        return self.values + [self.limit] * self.timeouts

    @property
    def median(self) -> float | None:
        every = self._all()
        return statistics.median(every) if every else None

    @property
    def low(self) -> float | None:
        every = self._all()
        return min(every) if every else None

    @property
    def high(self) -> float | None:
        every = self._all()
        return max(every) if every else None
