"""The real ``readnotes notes`` in a pseudo-terminal, read back through a terminal emulator."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest

REPO = Path(__file__).resolve().parents[2]
COLUMNS, LINES = 120, 36


class Terminal:
    """A child process on a pty, its output fed to a pyte screen."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
        env.pop("TEXTUAL", None)
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the app
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # the child closed the pty
                return
            self.stream.feed(data)

    def wait_for(self, condition: Callable[[str], bool], timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if condition(self.text()):
                return self.text()
        raise AssertionError(f"the screen never matched; it shows:\n{self.text()}")

    def press(self, keys: bytes) -> None:
        for key in keys:
            os.write(self.fd, bytes([key]))
            self.pump(0.05)

    def exit_code(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        raise AssertionError("readnotes did not exit")


def readnotes_command() -> str:
    beside_python = Path(sys.executable).with_name("readnotes")
    found = str(beside_python) if beside_python.exists() else shutil.which("readnotes")
    if found is None:
        pytest.skip("the readnotes command is not installed")
    return found


def test_browse_the_sample_in_a_real_terminal_and_quit(tmp_path: Path) -> None:
    shutil.copytree(REPO / "notes", tmp_path / "notes")
    terminal = Terminal([readnotes_command(), "notes"], cwd=tmp_path)
    terminal.wait_for(
        lambda text: (
            "Paper notes  10 · 1 TODO" in text
            and "16 entries · 3 TODO" in text
            and "Reading Notes — notes/README.md" in text
        )
    )
    terminal.press(b"jj")
    terminal.wait_for(lambda text: "1  paper  https://arxiv.org/abs/2110.02861v1" in text)
    terminal.press(b"t")
    terminal.wait_for(lambda text: "TODO only · 3 shown" in text)
    terminal.press(b"q")
    assert terminal.exit_code() == 0
