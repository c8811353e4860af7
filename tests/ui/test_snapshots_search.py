"""What searching looks like, compared with approved SVG screenshots (see test_snapshots.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import SIZE, go_to, press, settle, started, wait_until, widget_text
from textual.pilot import Pilot

from app.ui.app import ReadnotesApp
from app.ui.search_screen import SearchScreen

SnapCompare = Callable[..., bool]


@pytest.fixture
def sample_app(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> ReadnotesApp:
    monkeypatch.chdir(notes_copy.parent)
    return ReadnotesApp(Path("notes"))


def test_search_results(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def search_attention(pilot: Pilot[Any]) -> None:
        app = await started(pilot)
        await press(pilot, "ctrl+f", *"attention")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await wait_until(pilot, lambda: not screen.searching and screen.query_text == "attention")
        await settle(pilot)

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=search_attention)


def test_find_in_the_note(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def find_attention(pilot: Pilot[Any]) -> None:
        app = await started(pilot)
        await go_to(pilot, "Attention Is All")
        app.note_view.focus()
        await press(pilot, "slash", *"attention", "enter", "n")
        count = app.query_one("#find-count")
        await wait_until(pilot, lambda: widget_text(app, count).strip().startswith("2/"))
        await settle(pilot)

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=find_attention)
