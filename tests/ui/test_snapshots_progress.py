"""The category overview with its progress bars, and the overall bar in the status line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import SIZE, settle, started, wait_until
from textual.pilot import Pilot

from app.ui.app import ReadnotesApp

SnapCompare = Callable[..., bool]


@pytest.fixture
def sample_app(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> ReadnotesApp:
    monkeypatch.chdir(notes_copy.parent)
    return ReadnotesApp(Path("notes"))


def test_category_overview_with_progress_bars(
    snap_compare: SnapCompare, sample_app: ReadnotesApp
) -> None:
    async def paper_notes(pilot: Pilot[Any]) -> None:
        app = await started(pilot)
        app.index_tree.reveal_category("Paper notes")
        await settle(pilot)
        await wait_until(pilot, lambda: app.note_view.is_complete)

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=paper_notes)
