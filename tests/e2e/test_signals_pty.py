"""Killed from outside (kill, a closed terminal, tmux kill-session), the browser exits as q does.

The real ``readnotes notes`` runs in a pseudo-terminal; every byte it writes is kept, so the test
sees what a terminal would be left in after the signal.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import time
from pathlib import Path

import pytest

from app.core.state import StateStore
from tests.e2e.test_pty import REPO, Terminal, readnotes_command

ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_OFF = (b"\x1b[?1000l", b"\x1b[?1003l", b"\x1b[?1006l")
# What Textual writes after leaving the alternate screen: cursor shown; focus, mouse reports off.
TAIL_AFTER_ALT_SCREEN = re.compile(rb"(?:\x1b\[\?(?:25h|1004l|1000l|1003l|1015l|1006l))*")


class RecordingTerminal(Terminal):
    """A :class:`Terminal` that keeps every byte the child wrote, up to its exit."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.raw = bytearray()
        super().__init__(argv, cwd)

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            self.raw += data
            self.stream.feed(data)

    def wait_exit(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                for _ in range(20):  # what is still buffered in the pty
                    before = len(self.raw)
                    self.pump(0.02)
                    if len(self.raw) == before:
                        break
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("readnotes did not exit after the signal")


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]
)
def test_a_signal_ends_the_browser_cleanly_and_saves_the_place(
    tmp_path: Path, private_settings: Path, signum: int, code: int
) -> None:
    shutil.copytree(REPO / "notes", tmp_path / "notes")
    terminal = RecordingTerminal([readnotes_command(), "notes"], cwd=tmp_path)
    terminal.wait_for(lambda text: "16 entries · 3 TODO" in text)
    terminal.press(b"jj")
    terminal.wait_for(lambda text: "1  paper  https://arxiv.org/abs/2110.02861v1" in text)
    os.kill(terminal.pid, signum)
    assert terminal.wait_exit() == code
    raw = bytes(terminal.raw)
    assert ALT_SCREEN_ON in raw
    last_off = raw.rindex(ALT_SCREEN_OFF)
    assert last_off > raw.rindex(ALT_SCREEN_ON)
    assert TAIL_AFTER_ALT_SCREEN.fullmatch(raw[last_off + len(ALT_SCREEN_OFF) :])
    for mouse_off in MOUSE_OFF:
        assert raw.rindex(mouse_off) > raw.rindex(b"\x1b[?1000h")
    assert b"Traceback" not in raw
    store = StateStore(private_settings / "state" / "readnotes")
    place = store.folder(tmp_path / "notes" / "README.md")
    assert place is not None and place.cursor_entry is not None
