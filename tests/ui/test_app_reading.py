"""The reading history in the browser: the preview header's dates, read after the first screen
from the folder's real git history, updated when a commit lands, and the ``H`` screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    go_to,
    make_app,
    press,
    preview_text,
    settle,
    started,
    wait_until,
)
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from app.core.reading_history import Log
from app.edges.git import read_log
from app.ui.reading_screen import ReadingScreen
from tests.git_repo import GIT_ENV, GitRepo

HEAD = "# Reading\n\n## Papers\n\n"


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)


def dated_repo(folder: Path) -> GitRepo:
    repo = GitRepo(folder)
    repo.commit(
        HEAD + "* TODO [Attention](./a.md)\n* TODO [Waiting](./w.md)\n",
        "2024-01-10T09:00:00+01:00",
    )
    repo.commit(
        HEAD + "* [Attention](./a.md)\n* TODO [Waiting](./w.md)\n", "2024-02-15T10:00:00+00:00"
    )
    return repo


def with_git(today: date = date(2024, 3, 1)) -> FakeEffects:
    return FakeEffects(git_log=read_log, today=lambda: today)


async def test_the_preview_header_shows_when_the_entry_was_added_and_read(
    tmp_path: Path,
) -> None:
    repo = dated_repo(tmp_path / "notes")
    app = make_app(repo.path, with_git())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention")
        await wait_until(pilot, lambda: "added 2024-01-10" in preview_text(app))
        assert "added 2024-01-10 · read 2024-02-15 (36 days)" in preview_text(app)
        await go_to(pilot, "Waiting")
        await wait_until(pilot, lambda: "added 2024-01-10" in preview_text(app))
        assert "read " not in preview_text(app)


async def test_a_commit_that_lands_updates_the_dates(tmp_path: Path) -> None:
    repo = dated_repo(tmp_path / "notes")
    app = make_app(repo.path, with_git(date(2024, 3, 1)))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Waiting")
        await press(pilot, "x")  # done now, not committed: read today
        await wait_until(pilot, lambda: "read 2024-03-01 (51 days)" in preview_text(app))
        # the commit leaves the index as it is on disk: only HEAD and the branch move
        repo.git("commit", "-q", "-am", "read", when="2024-02-20T10:00:00+00:00")
        await wait_until(
            pilot, lambda: "read 2024-02-20 (41 days)" in preview_text(app), timeout=10
        )


async def test_git_above_the_notes_folder_is_read(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "top")
    repo.commit(HEAD + "* TODO [Deep](./d.md)\n", "2024-01-05T09:00:00+00:00", "notes/README.md")
    app = make_app(repo.path / "notes", with_git())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Deep")
        await wait_until(pilot, lambda: "added 2024-01-05" in preview_text(app))


async def test_H_shows_the_history_and_enter_selects_an_unread_entry(tmp_path: Path) -> None:
    repo = dated_repo(tmp_path / "notes")
    app = make_app(repo.path, with_git())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention")
        await wait_until(pilot, lambda: app.reading.history is not None)
        await press(pilot, "H")
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen))
        text = "\n".join(str(widget.render()) for widget in app.screen.query("Static").results())
        assert "current streak 0 weeks, longest 1 week" in text
        assert "Median time from added to read: 36 days" in text
        await press(pilot, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReadingScreen)
        assert app.current_entry is not None and app.current_entry.title == "Waiting"


async def test_the_history_is_read_after_the_first_screen(tmp_path: Path) -> None:
    repo = dated_repo(tmp_path / "notes")
    shown_first: list[bool] = []

    def git_log(index_path: Path, since: str | None, *, clean: bool = False) -> Log:
        shown_first.append(app.index is not None and app.index_tree.cursor_item is not None)
        return read_log(index_path, since, clean=clean)

    app = make_app(repo.path, FakeEffects(git_log=git_log))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await settle(pilot)
        assert shown_first == [True]  # asked once, with the tree already on screen


def test_no_ui_module_runs_git_itself() -> None:
    ui = Path(__file__).resolve().parents[2] / "app" / "ui"
    assert not [p.name for p in ui.glob("*.py") if "subprocess" in p.read_text()]


async def test_a_sub_index_entry_shows_the_dates_of_its_own_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "notes")
    cv = "# Vision\n\n* TODO [ResNet](resnet.md)\n* TODO [ViT](vit.md)\n"
    repo.commit(cv, "2024-01-10T09:00:00+01:00", name="cv/index.md")
    root = HEAD + "* TODO [Attention](./a.md)\n* [Vision](cv/index.md)\n"
    repo.commit(root, "2024-01-20T09:00:00+01:00")
    repo.commit(cv.replace("TODO [ViT]", "[ViT]"), "2024-02-15T10:00:00+00:00", "cv/index.md")
    app = make_app(repo.path, with_git())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "ViT")
        await wait_until(pilot, lambda: "added 2024-01-10" in preview_text(app))
        assert "added 2024-01-10 · read 2024-02-15 (36 days)" in preview_text(app)
        await press(pilot, "H")
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen))
        text = "\n".join(str(widget.render()) for widget in app.screen.query("Static").results())
        assert "Median time from added to read: 36 days" in text
        await press(pilot, "enter")  # the oldest unread is the sub-index's: the root came later
        await settle(pilot)
        assert app.current_entry is not None and app.current_entry.title == "ResNet"
        assert app.current_entry.file == "cv/index.md"


async def test_the_heatmap_is_drawn_in_the_themes_colours(tmp_path: Path) -> None:
    repo = dated_repo(tmp_path / "notes")
    app = make_app(repo.path, with_git())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: app.reading.history is not None)

        async def cell_colours(theme: str) -> set[str]:
            app.theme = theme
            await press(pilot, "H")
            await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen))
            heat = app.screen.query_one("#reading-heatmap", Static).render()
            assert isinstance(heat, Content)
            colours = set()
            for span in heat.spans:
                if heat.plain[span.start] == "■":
                    style = span.style
                    assert isinstance(style, Style) and style.foreground is not None
                    colours.add(style.foreground.hex)
            await press(pilot, "escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ReadingScreen))
            return colours

        light = await cell_colours("textual-light")
        dark = await cell_colours("textual-dark")
        assert "#D0D0D0" in light and "#242F38" in dark  # a day with nothing read: the panel
        assert "#4EBF71" in light and "#4EBF71" in dark  # the legend's last: success
        assert light.isdisjoint({"#2D333B", "#0E4429"})  # not GitHub's dark greens
