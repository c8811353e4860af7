"""The ``H`` screen as an approved SVG: a year's heatmap, the monthly bars, the streaks and the
oldest unread, from a git history with fixed dates and a fixed "today"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_harness import SIZE, FakeEffects, make_app, press, settle, started, wait_until
from textual.pilot import Pilot

from app.edges.git import read_log
from app.ui.reading_screen import ReadingScreen
from tests.git_repo import GIT_ENV, GitRepo

SnapCompare = Callable[..., bool]


def test_history_screen(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    repo = GitRepo(tmp_path / "notes")
    titles = [f"Paper {n}" for n in range(12)]
    done: set[int] = set()

    def text() -> str:
        lines = [
            f"* {'' if n in done else 'TODO '}[{t}](./p{n}.md)\n" for n, t in enumerate(titles)
        ]
        return "# Reading\n\n## Papers\n\n" + "".join(lines)

    repo.commit(text(), "2023-09-04T09:00:00+00:00")
    for number, day in enumerate(
        [
            "2023-10-02",
            "2023-10-03",
            "2023-10-03",
            "2023-12-12",
            "2024-01-08",
            "2024-01-16",
            "2024-01-16",
            "2024-01-16",
            "2024-02-20",
        ]
    ):
        done.add(number)
        repo.commit(text(), f"{day}T12:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    app = make_app(Path("notes"), FakeEffects(git_log=read_log, today=lambda: date(2024, 3, 1)))

    async def open_history(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await wait_until(pilot, lambda: app.reading.history is not None)
        await press(pilot, "H")
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_history)
