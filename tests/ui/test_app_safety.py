"""Safety at the app level (issue 6): slow tools, broken folders and odd notes never stop the app.

A browser that blocks, a clipboard that hangs or is missing, a folder deleted or turned inside out,
an unreadable or looping note: each ends in a notice or a line of the preview, and the app keeps
answering keys. Keys are pressed with ``pilot.press`` (no ``settle``, which would wait for the
very worker that blocks) and the effect is polled for.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyperclip
import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    cursor_entry,
    go_to,
    make_app,
    preview_text,
    started,
    wait_until,
)
from textual.pilot import Pilot

from app.edges.browser import OpenResult
from app.edges.clipboard import copy_native
from app.ui.app import ReadnotesApp
from app.ui.help_screen import HelpScreen

INDEX = (
    "# Notes\n\n## Papers\n\n"
    "* TODO [First](https://example.org/first)\n"
    "* [Second](https://example.org/second) — [note](./second.md)\n"
    "* TODO [Third](./third.md)\n"
)


def notices(app: ReadnotesApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def status(app: ReadnotesApp) -> str:
    return str(app.status_line.render())


def still_running(app: ReadnotesApp) -> None:
    assert app.is_running and app.return_code is None and app._exception is None


async def cursor_moves_with(pilot: Pilot[int], app: ReadnotesApp) -> float:
    """Press j then k (k then j on the last line); seconds until both moved the tree cursor."""
    tree = app.index_tree
    began = time.monotonic()
    line = tree.cursor_line
    step = -1 if line == tree.line_count - 1 else 1
    await pilot.press("j" if step == 1 else "k")
    await wait_until(pilot, lambda: tree.cursor_line == line + step)
    await pilot.press("k" if step == 1 else "j")
    await wait_until(pilot, lambda: tree.cursor_line == line)
    return time.monotonic() - began


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "README.md").write_text(INDEX)
    (root / "second.md").write_text("# Second\n\nThe second note.\n")
    (root / "third.md").write_text("# Third\n\nThe third note.\n")
    return root


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds a fake tool until the test ends, so no thread outlives it by much."""
    release = threading.Event()
    yield release
    release.set()


# -- item 4: a browser that blocks ------------------------------------------------------------


async def test_a_browser_that_blocks_for_two_seconds_does_not_freeze_the_keys(
    folder: Path, gate: threading.Event
) -> None:
    opened: list[str] = []

    def terminal_browser(url: str) -> OpenResult:
        opened.append(url)
        gate.wait(2)  # lynx in the same terminal: returns when the reader quits it
        return OpenResult(True, f"Opened {url}")

    app = make_app(folder, FakeEffects(open_url=terminal_browser))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "First")
        pressed = time.monotonic()
        await pilot.press("o")
        await wait_until(pilot, lambda: opened == ["https://example.org/first"])
        took = await cursor_moves_with(pilot, app)
        assert time.monotonic() - pressed < 1.5, "keys waited for the browser"
        assert took < 1.0
        await wait_until(pilot, lambda: any("Opened https" in n for n in notices(app)), 5)
        still_running(app)


# -- item 5: the clipboard ---------------------------------------------------------------------


async def test_no_clipboard_tool_and_no_display_falls_back_to_osc52_and_says_so(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PATH", str(folder / "no-tools-here"))
    copy, _ = pyperclip.determine_clipboard()  # what pyperclip picks on such a machine
    monkeypatch.setattr(pyperclip, "copy", copy)
    app = make_app(folder, FakeEffects(copy=copy_native))  # the real edge, on such a machine
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "First")
        await pilot.press("y")
        await wait_until(pilot, lambda: any("OSC 52" in n for n in notices(app)))
        assert app.clipboard == "https://example.org/first"
        (notice,) = [n for n in notices(app) if "OSC 52" in n]
        assert "https://example.org/first" in notice
        assert "No system clipboard tool found" in notice
        assert "Traceback" not in notice and "\n" not in notice
        still_running(app)


async def test_a_hanging_clipboard_tool_is_given_up_within_two_seconds(
    folder: Path, monkeypatch: pytest.MonkeyPatch, gate: threading.Event
) -> None:
    monkeypatch.setattr(pyperclip, "copy", lambda text: gate.wait(10))  # a stuck xclip
    app = make_app(folder, FakeEffects(copy=copy_native))  # the real edge gives up on it
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "First")
        pressed = time.monotonic()
        await pilot.press("y")
        assert app.clipboard == "https://example.org/first"  # OSC 52 went out at once
        took = await cursor_moves_with(pilot, app)
        assert took < 1.0, "keys waited for the clipboard tool"
        await wait_until(pilot, lambda: any("did not answer" in n for n in notices(app)), 5)
        given_up = time.monotonic() - pressed
        assert 1.5 < given_up < 3.5
        (notice,) = [n for n in notices(app) if "did not answer" in n]
        assert "within 2 s" in notice and "OSC 52" in notice
        still_running(app)


# -- item 11: a folder that breaks under the app -----------------------------------------------


async def test_the_notes_root_deleted_while_running_keeps_the_app_answering(
    folder: Path,
) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Second")
        shutil.rmtree(folder)
        await wait_until(pilot, lambda: "is gone" in status(app))
        await cursor_moves_with(pilot, app)
        await pilot.press("j")  # Third: its note went with the folder
        await wait_until(pilot, lambda: "third.md does not exist" in preview_text(app))
        await pilot.press("x")
        await wait_until(pilot, lambda: any("No such file" in n for n in notices(app)))
        await pilot.press("r", "question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        assert "is gone" in status(app)
        still_running(app)
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_readme_replaced_by_a_folder_is_said_and_the_tree_kept(folder: Path) -> None:
    index = folder / "README.md"
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Third")
        index.unlink()
        index.mkdir()
        await pilot.press("r")
        await wait_until(pilot, lambda: "is now a folder: showing the last version" in status(app))
        assert cursor_entry(app).title == "Third"
        await pilot.press("x")
        await wait_until(pilot, lambda: any("is now a folder; nothing" in n for n in notices(app)))
        assert index.is_dir() and not any(index.iterdir())  # nothing written into it
        await cursor_moves_with(pilot, app)
        still_running(app)
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_permission_denied_note_says_so_in_the_preview(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """We run as root, who reads any file: the refusal is simulated at ``os.open``."""
    locked = str(folder / "third.md")
    real_open = os.open

    def denying_open(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denying_open)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Third")
        await wait_until(pilot, lambda: "Cannot read the note" in preview_text(app))
        assert "(Permission denied): third.md" in preview_text(app)
        await cursor_moves_with(pilot, app)
        await go_to(pilot, "Second")
        assert "The second note." in preview_text(app)
        still_running(app)


async def test_symlink_loops_in_the_folder_are_notices_not_hangs(folder: Path) -> None:
    (folder / "third.md").unlink()
    (folder / "third.md").symlink_to("third.md")  # the note an entry points to loops
    (folder / "ping.md").symlink_to("pong.md")
    (folder / "pong.md").symlink_to("ping.md")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..")  # a folder that contains its parent
    (folder / "README.md").write_text(INDEX + "* [Sub](./sub/)\n")
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Third")
        await wait_until(
            pilot,
            lambda: (
                "Cannot read the note (Too many levels of symbolic links): third.md"
                in preview_text(app)
            ),
        )
        await go_to(pilot, "Sub")  # its folder holds a link to its parent: not followed
        await wait_until(pilot, lambda: "No Markdown files in this folder." in preview_text(app))
        await cursor_moves_with(pilot, app)
        (folder / "second.md").write_text("# Second\n\nEdited while looping.\n")
        await go_to(pilot, "Second")
        await wait_until(pilot, lambda: "Edited while looping." in preview_text(app))
        still_running(app)
        await pilot.press("q")
    assert app.return_code == 0


# -- item 7: notes that are not Markdown -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "explanation"),
    [
        (b"", "This note is empty: third.md"),
        (b" \n\n\t\n", "This note is empty: third.md"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "Not a text note (a PNG image): third.md"),
        (b"# Caf\xe9\n\ncr\xe8me br\xfbl\xe9e\n", "Not valid UTF-8: third.md"),
    ],
    ids=["empty", "blank", "png", "latin-1"],
)
async def test_a_note_that_is_not_markdown_gets_a_one_line_explanation(
    folder: Path, content: bytes, explanation: str
) -> None:
    (folder / "third.md").write_bytes(content)
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Third")
        text = preview_text(app)
        (line,) = [line for line in text.splitlines() if explanation in line]
        assert "Traceback" not in text and "Error" not in text
        if content.startswith(b"\x89PNG"):
            assert text.rstrip().endswith(line.rstrip())  # nothing of the bytes is shown
        still_running(app)
