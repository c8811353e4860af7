"""What the add dialog looks like, over the sample, with the cursor in a category of notes and
the paper of the arXiv id typed fetched (from a fake lookup: its authors and year shown)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_harness import SIZE, FakeEffects, go_to, make_app, press, settle, started, wait_until
from textual.pilot import Pilot

from app.core.metadata import PaperMeta
from app.ui.add_screen import AddScreen
from app.ui.app import ReadnotesApp

ORCA = PaperMeta(
    title="Orca: Progressive Learning from Complex Explanation Traces of GPT-4",
    authors=("Subhabrata Mukherjee", "Arindam Mitra", "Ganesh Jawahar", "Sahaj Agarwal"),
    year=2023,
    arxiv="2306.02707",
)

SnapCompare = Callable[..., bool]


@pytest.fixture
def sample_app(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> ReadnotesApp:
    monkeypatch.chdir(notes_copy.parent)
    return make_app(Path("notes"), FakeEffects(papers={"2306.02707": ORCA}))


def test_add_dialog(snap_compare: SnapCompare, sample_app: ReadnotesApp) -> None:
    async def open_dialog(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "a", *"Orca: Progressive Learning", "tab", *"2306.02707")
        screen = pilot.app.screen
        assert isinstance(screen, AddScreen)
        await wait_until(pilot, lambda: screen.paper_fetch.fill is not None)
        await settle(pilot)

    assert snap_compare(sample_app, terminal_size=SIZE, run_before=open_dialog)
