"""The first screen: an index read ahead while the UI was imported is shown without a wait."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from app_harness import (
    SIZE,
    cursor_entry,
    fakes_of,
    make_app,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
)

from app.core.parse import find_index
from app.core.reread import Reread, read_ahead, reread_index
from app.core.state import StateStore
from app.ui.app import ReadnotesApp


def status(app: ReadnotesApp) -> str:
    return str(app.status_line.render())


async def test_an_index_read_ahead_is_shown_by_the_first_frame(notes_copy: Path) -> None:
    plain = make_app(notes_copy)
    async with plain.run_test(size=SIZE) as pilot:
        await started(pilot)
        expected = (tree_labels(plain), preview_text(plain))
    first_read = read_ahead(find_index(notes_copy))
    first_read.result(timeout=10)
    app = make_app(notes_copy, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        assert app.index is not None  # shown at mount: no loading screen, no re-read
        assert status(app) == "16 entries · 3 TODO"
        assert not [worker for worker in app.workers if worker.name == "reload"]
        await started(pilot)
        assert (tree_labels(app), preview_text(app)) == expected  # as a start without it
        assert fakes_of(app).reloads == 0


async def test_a_read_ahead_still_running_at_mount_is_awaited_off_the_event_loop(
    notes_copy: Path,
) -> None:
    first_read: Future[Reread] = Future()
    app = make_app(notes_copy, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.index is None
        assert "Loading" in status(app)
        first_read.set_result(reread_index(notes_copy, None))
        await started(pilot)
        assert status(app) == "16 entries · 3 TODO"
        assert fakes_of(app).reloads == 0  # the first model, not a reload


async def test_a_read_ahead_that_failed_is_reported_like_a_failed_load(notes_copy: Path) -> None:
    first_read: Future[Reread] = Future()
    first_read.set_exception(OSError("disk on fire"))
    app = make_app(notes_copy, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "disk on fire" in status(app))
        assert app.index is None
        await pilot.press("r")  # a reload reads the index itself
        await wait_until(pilot, lambda: app.index is not None)
        assert status(app) == "16 entries · 3 TODO"


async def test_a_remembered_place_deep_in_the_tree_is_in_view_after_a_read_ahead(
    tmp_path: Path,
) -> None:
    lines = ["# Deep", ""]
    for part in range(30):
        lines += ["", f"## Part {part}", ""]
        lines += [f"* [Paper {part}-{n}](https://example.org/{part}/{n})" for n in range(20)]
    index = tmp_path / "notes" / "README.md"
    index.parent.mkdir()
    index.write_text("\n".join(lines) + "\n")
    store = StateStore(tmp_path / "state")
    first = make_app(index.parent, state=store)
    async with first.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert first.index_tree.reveal_entry(first.index.entries[500].key)  # type: ignore[union-attr]
        await pilot.press("q")

    first_read = read_ahead(index)
    first_read.result(timeout=10)
    app = make_app(index.parent, state=store, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        tree = app.index_tree
        assert cursor_entry(app).title == "Paper 25-0"
        top = tree.scroll_offset.y
        assert top > 0 and top <= tree.cursor_line < top + tree.scrollable_content_region.height
        assert "Paper 25-0" in preview_text(app)
