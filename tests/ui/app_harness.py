"""Helpers for driving the real app under Pilot and reading what the user sees."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

from app.core.model import Entry
from app.ui.app import ReadnotesApp

SIZE = (120, 36)


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish and their results reach the screen (the folder watcher never does)."""
    for _ in range(rounds):
        await pilot.pause()
        busy = [worker for worker in pilot.app.workers if worker.group != "watch"]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def wait_until(
    pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 5.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await asyncio.sleep(0.01)
        await pilot.pause()


async def started(pilot: Pilot[int]) -> ReadnotesApp:
    """Wait until the index is on screen and the first preview rendered."""
    app = pilot.app
    assert isinstance(app, ReadnotesApp)
    await wait_until(pilot, lambda: app.index is not None)
    await settle(pilot)
    await wait_until(pilot, lambda: app.note_view.is_complete)
    return app


async def press(pilot: Pilot[int], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def screen_lines(app: ReadnotesApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_text(app: ReadnotesApp, widget: Widget) -> str:
    """The text of a widget as it is painted on screen, line by line."""
    region = widget.region
    lines = screen_lines(app)[region.y : region.bottom]
    return "\n".join(line[region.x : region.right].rstrip() for line in lines)


def preview_text(app: ReadnotesApp) -> str:
    return widget_text(app, app.note_view)


def tree_labels(app: ReadnotesApp) -> list[str]:
    """Every line of the tree (also those scrolled out of view), as labels."""
    from app.ui.tree_paint import label_of  # the labels the tree paints

    tree = app.index_tree
    items = [tree.item_at(line) for line in range(tree.line_count)]
    return [label_of(item, tree.counts_for).plain for item in items if item is not None]


def cursor_entry(app: ReadnotesApp) -> Entry:
    entry = app.index_tree.cursor_entry
    assert entry is not None, "the cursor is not on an entry"
    return entry


def make_app(folder: Path) -> ReadnotesApp:
    return ReadnotesApp(folder)


async def go_to(pilot: Pilot[int], title_part: str) -> Entry:
    """Put the tree cursor on the entry whose title holds ``title_part`` (as the palette does)."""
    app = pilot.app
    assert isinstance(app, ReadnotesApp) and app.index is not None
    entry = next(e for e in app.index.entries if title_part in e.title)
    app.go_to_entry(entry.key)
    await settle(pilot)
    await wait_until(pilot, lambda: app.note_view.is_complete)
    return entry
