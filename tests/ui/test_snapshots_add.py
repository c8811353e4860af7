"""What the add dialog looks like, over the sample, with the cursor in a category of notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import SIZE, go_to, press, settle, started
from textual.pilot import Pilot

from app.ui.app import ReadnotesApp

SnapCompare = Callable[..., bool]


@pytest.fixture
def sample_app(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> ReadnotesApp:
    monkeypatch.chdir(notes_copy.parent)
    return ReadnotesApp(Path("notes"))


def test_add_dialog(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def open_dialog(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "a", *"Orca: Progressive Learning", "tab", *"2306.02707")
        await settle(pilot)

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=open_dialog)
