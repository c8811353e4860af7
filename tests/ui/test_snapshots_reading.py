"""How real notes read, compared with approved SVG screenshots at a narrow and a wide terminal.

Math as Unicode, an image placeholder (with its size), a wide table fitted to the pane (a grid
when it can be, records when it cannot), highlighted C++ and Python, and a note in Chinese.
Every screenshot waits for the index, the workers and the complete render of the note.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import go_to, press, settle, started, wait_until
from textual.pilot import Pilot

from app.ui.app import ReadnotesApp
from app.ui.outline import OutlineScreen

SnapCompare = Callable[..., bool]
SIZES = pytest.mark.parametrize("size", [(100, 40), (160, 40)], ids=["100x40", "160x40"])


@pytest.fixture
def sample_app(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> ReadnotesApp:
    monkeypatch.chdir(notes_copy.parent)
    return ReadnotesApp(Path("notes"))


def reading(
    title: str, anchor: str | None = None, *keys: str
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Show the entry's note, scrolled to ``anchor``, then press ``keys``; wait until drawn."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await started(pilot)
        await go_to(pilot, title)
        if anchor is not None:
            assert app.note_view.scroll_to_anchor(anchor)
        if keys:
            await press(pilot, *keys)
        await settle(pilot)
        await wait_until(pilot, lambda: app.note_view.is_complete)

    return run_before


@SIZES
def test_math_an_image_and_a_table(
    snap_compare: SnapCompare, sample_app: ReadnotesApp, size: tuple[int, int]
) -> None:
    before = reading("GPU Performance", "roofline-memory-bound-vs-math-bound")
    assert snap_compare(sample_app, terminal_size=size, run_before=before)


@SIZES
def test_a_wide_table(
    snap_compare: SnapCompare, sample_app: ReadnotesApp, size: tuple[int, int]
) -> None:
    before = reading("FlashAttention", "key-idea")
    assert snap_compare(sample_app, terminal_size=size, run_before=before)


@SIZES
def test_cpp_code(
    snap_compare: SnapCompare, sample_app: ReadnotesApp, size: tuple[int, int]
) -> None:
    before = reading("thinking in cpp", None)

    async def chapter_three(pilot: Pilot[Any]) -> None:
        await before(pilot)
        app = pilot.app
        assert isinstance(app, ReadnotesApp)
        app.follow_link("ch03-the-c-in-cpp.md#main-points")
        await settle(pilot)
        await wait_until(pilot, lambda: app.note_view.is_complete and app.note_view.scroll_y > 0)

    assert snap_compare(sample_app, terminal_size=size, run_before=chapter_three)


@SIZES
def test_python_code(
    snap_compare: SnapCompare, sample_app: ReadnotesApp, size: tuple[int, int]
) -> None:
    before = reading("Numbers every LLM", "result")
    assert snap_compare(sample_app, terminal_size=size, run_before=before)


@SIZES
def test_a_note_in_chinese(
    snap_compare: SnapCompare, sample_app: ReadnotesApp, size: tuple[int, int]
) -> None:
    before = reading("continuous batching", "problem")
    assert snap_compare(sample_app, terminal_size=size, run_before=before)


def test_the_outline_filtered(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def outline(pilot: Pilot[Any]) -> None:
        await reading("FlashAttention")(pilot)
        await press(pilot, "ctrl+o", "i")  # FlashAttention and Key idea
        assert isinstance(pilot.app.screen, OutlineScreen)

    assert snap_compare(sample_app, terminal_size=(100, 40), run_before=outline)
