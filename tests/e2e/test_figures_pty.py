"""Figures in a real terminal: the bytes ``readnotes`` writes to a pseudo-terminal that says
(through its environment) it is kitty, foot or a plain xterm."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest
from PIL import Image

from tests.e2e.test_pty import readnotes_command

pytestmark = pytest.mark.e2e

COLUMNS, LINES = 120, 36
_APC = re.compile(rb"\x1b_G.*?\x1b\\", re.S)
_DCS = re.compile(rb"\x1bP.*?\x1b\\", re.S)
_FOREIGN = ("TMUX", "STY", "KITTY_WINDOW_ID", "TERM_PROGRAM", "KONSOLE_VERSION", "WT_SESSION")
INDEX = "# Notes\n\n## Papers\n\n* [Figure paper](./fig.md)\n* [Plain paper](./plain.md)\n"
FIGURE_NOTE = "# Figure paper\n\nBefore.\n\n![the architecture](img/arch.png)\n\nAfter.\n"


class RawTerminal:
    """A child on a pty whose every byte is kept; the screen is read through pyte with the
    graphics commands taken out (pyte does not speak them)."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        environ = {k: v for k, v in os.environ.items() if k not in _FOREIGN and k != "TEXTUAL"}
        environ.update(COLUMNS=str(COLUMNS), LINES=str(LINES), **env)
        environ["READNOTES_STATE_DIR"] = str(cwd / "state")
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(cwd)
            os.execvpe(argv[0], argv, environ)
        self.pid, self.fd = pid, fd
        # 1200 × 720 pixels: cells of 10 × 20, as the kernel tells the app
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 1200, 720))
        self.output = b""

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                self.output += os.read(self.fd, 1 << 20)
            except OSError:
                return

    def text(self) -> str:
        screen = pyte.Screen(COLUMNS, LINES)
        pyte.ByteStream(screen).feed(_DCS.sub(b"", _APC.sub(b"", self.output)))
        return "\n".join(screen.display)

    def wait_for(self, condition: Callable[[RawTerminal], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            if condition(self):
                return
        raise AssertionError(f"never matched; the screen shows:\n{self.text()}")

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)
        self.pump(0.05)

    def quit(self) -> int:
        os.write(self.fd, b"q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        raise AssertionError("readnotes did not exit")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    (notes / "README.md").write_text(INDEX)
    (notes / "fig.md").write_text(FIGURE_NOTE)
    (notes / "plain.md").write_text("# Plain paper\n\nNo figures.\n")
    Image.new("RGB", (400, 200), (200, 30, 30)).save(notes / "img" / "arch.png")
    return tmp_path


def open_figure_note(terminal: RawTerminal) -> None:
    terminal.wait_for(lambda t: "Figure paper" in t.text())
    terminal.press(b"\x1b[B")  # the category, then its first entry
    terminal.wait_for(lambda t: "🖼 the architecture" in t.text())


def no_terminal_queries(output: bytes) -> bool:
    """None of what textual-image asks a terminal at import or start (a kitty support query,
    the cell and window size in pixels) was written."""
    return b"a=q" not in output and b"\x1b[14t" not in output and b"\x1b[16t" not in output


def pillow_loaded(pid: int) -> bool:
    """Whether Pillow's C core is mapped into the process (it is, once PIL is imported)."""
    return "_imaging" in Path(f"/proc/{pid}/maps").read_text()


def test_in_kitty_a_figure_is_transmitted_placed_and_freed(folder: Path) -> None:
    terminal = RawTerminal(
        [readnotes_command(), "notes"], folder, {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    )
    terminal.wait_for(lambda t: "Figure paper" in t.text())
    # the entry below the cursor is read ahead: its figure is decoded (Pillow imported in a
    # worker) and its pixels sent, as raw RGB deflated (f=24, o=z) at the box's size, before
    # the key that shows it; nothing is placed on the screen yet
    terminal.wait_for(lambda t: b"\x1b_Ga=t," in t.output)
    assert pillow_loaded(terminal.pid)
    transmit = re.search(rb"\x1b_Ga=t,f=24,o=z,s=400,v=200,i=(\d+)", terminal.output)
    assert transmit is not None
    assert b"\x1b_Ga=p," not in terminal.output
    image_id = transmit.group(1)
    before = len(terminal.output)
    open_figure_note(terminal)
    terminal.wait_for(lambda t: b"\x1b_Ga=p," in t.output)
    # the frame that shows the note places the pixels sent ahead, and sends them no more
    assert b"\x1b_Ga=p,i=" + image_id + b",p=1,x=0,y=0,w=400,h=200,c=40,r=10" in terminal.output
    assert b"\x1b_Ga=t," not in terminal.output[before:]
    terminal.press(b"\x1b[B")  # the next entry, a note without figures
    terminal.wait_for(lambda t: "No figures." in t.text())
    terminal.wait_for(lambda t: b"a=d,d=I,i=" + image_id in t.output)
    assert terminal.quit() == 0
    assert no_terminal_queries(terminal.output)


def test_in_kitty_pillow_is_not_imported_while_no_figure_is_near(tmp_path: Path) -> None:
    """Only the notes around the cursor are read ahead: a figure further down the index
    imports nothing at start-up."""
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    plain = [f"* [Plain {n}](./plain{n}.md)" for n in range(6)]
    for n in range(6):
        (notes / f"plain{n}.md").write_text(f"# Plain {n}\n\nNo figures.\n")
    (notes / "README.md").write_text(
        "# Notes\n\n## Papers\n\n" + "\n".join(plain) + "\n* [Figure paper](./fig.md)\n"
    )
    (notes / "fig.md").write_text(FIGURE_NOTE)
    Image.new("RGB", (400, 200), (200, 30, 30)).save(notes / "img" / "arch.png")
    terminal = RawTerminal(
        [readnotes_command(), "notes"], tmp_path, {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    )
    terminal.wait_for(lambda t: "Figure paper" in t.text())
    terminal.press(b"\x1b[B")  # the first plain entry: its neighbours hold no figure either
    terminal.wait_for(lambda t: "No figures." in t.text())
    terminal.pump(0.5)
    assert not pillow_loaded(terminal.pid)
    assert terminal.quit() == 0


def test_in_foot_a_figure_is_drawn_as_sixels(folder: Path) -> None:
    terminal = RawTerminal([readnotes_command(), "notes"], folder, {"TERM": "foot"})
    open_figure_note(terminal)
    terminal.wait_for(lambda t: re.search(rb'\x1bP[0-9;]*q"1;1;400;200', t.output) is not None)
    assert b"\x1b_G" not in terminal.output
    assert terminal.quit() == 0
    assert no_terminal_queries(terminal.output)


def test_in_a_plain_xterm_no_graphics_are_written_and_the_placeholder_names_the_image(
    folder: Path,
) -> None:
    terminal = RawTerminal([readnotes_command(), "notes"], folder, {"TERM": "xterm-256color"})
    open_figure_note(terminal)
    terminal.wait_for(lambda t: "🖼 the architecture (img/arch.png, 400×200)" in t.text())
    terminal.wait_for(lambda t: "After." in t.text())
    assert terminal.quit() == 0
    assert b"\x1b_G" not in terminal.output and b"\x1bP" not in terminal.output
    assert no_terminal_queries(terminal.output)


def test_in_kitty_an_image_outside_the_folder_is_never_transmitted(folder: Path) -> None:
    secret = folder / "secret.png"
    Image.new("RGB", (64, 64), (1, 2, 3)).save(secret)
    (folder / "notes" / "img" / "out.png").symlink_to(secret)
    (folder / "notes" / "fig.md").write_text(
        "# Figure paper\n\n![the architecture](../secret.png)\n\n![linked](img/out.png)\n\n"
        f"![absolute]({secret})\n\nAfter.\n"
    )
    terminal = RawTerminal(
        [readnotes_command(), "notes"], folder, {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    )
    open_figure_note(terminal)
    terminal.wait_for(lambda t: "After." in t.text())
    screen = terminal.text()
    assert "🖼 the architecture (../secret.png) — refused: it leads outside the" in screen
    assert "🖼 linked (img/out.png) — refused: it leads outside the notes folder" in screen
    assert "🖼 absolute" in screen  # refused too (its long path wraps)
    terminal.pump(0.3)
    assert terminal.quit() == 0
    assert b"\x1b_G" not in terminal.output


def test_quitting_in_kitty_frees_the_figure_before_leaving_the_screen(folder: Path) -> None:
    terminal = RawTerminal(
        [readnotes_command(), "notes"], folder, {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
    )
    open_figure_note(terminal)
    terminal.wait_for(lambda t: b"\x1b_Ga=p," in t.output)
    transmit = re.search(rb"\x1b_Ga=t,f=24,o=z,s=400,v=200,i=(\d+)", terminal.output)
    assert transmit is not None
    quitting = len(terminal.output)
    assert terminal.quit() == 0
    tail = terminal.output[quitting:]
    freed = tail.find(b"\x1b_Ga=d,d=I,i=" + transmit.group(1))
    assert 0 <= freed < tail.rfind(b"\x1b[?1049l")  # freed on the app's screen, then it ends
