"""What the screen looks like, compared with approved SVG screenshots.

The app runs on a copy of ``notes/`` reached by a relative path, so the header is the same on
every machine; every screenshot waits for the index, the workers and the preview's render.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import SIZE, go_to, press, settle, started, wait_until
from textual.pilot import Pilot

from app.ui.app import ReadnotesApp
from app.ui.help_screen import HelpScreen

SnapCompare = Callable[..., bool]


@pytest.fixture
def sample_app(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> ReadnotesApp:
    monkeypatch.chdir(notes_copy.parent)
    return ReadnotesApp(Path("notes"))


def after(
    *steps: Callable[[Pilot[Any]], Awaitable[object]],
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = await started(pilot)
        for step in steps:
            await step(pilot)
        await settle(pilot)
        await wait_until(pilot, lambda: app.note_view.is_complete)

    return run_before


def test_main_screen(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    assert snap_compare(sample_app, terminal_size=SIZE, run_before=after())


def test_filtered_view(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def filter_distill(pilot: Pilot[Any]) -> None:
        await press(pilot, "slash", *"distill", "enter")

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=after(filter_distill))


def test_todo_only(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def todo_only(pilot: Pilot[Any]) -> None:
        await press(pilot, "t", "down", "down")

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=after(todo_only))


def test_note_with_frontmatter(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def lamini(pilot: Pilot[Any]) -> None:
        await go_to(pilot, "LaMini")

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=after(lamini))


def test_help_screen(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def help_screen(pilot: Pilot[Any]) -> None:
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=after(help_screen))
