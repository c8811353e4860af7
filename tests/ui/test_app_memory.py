"""One index in memory: a model replaced on screen is freed at once, not at a full collection.

A finished worker lives on in reference cycles (and in its pool thread's context) until the
collector's next full pass. When workers kept their arguments and results (old indexes), saves
every 200 ms on a 10,000-entry index kept up to seven models alive at once, and RSS grew with
each peak (bench/soak.py, docs/performance.md). Here the collector is off while the index is
saved from outside, re-read and marked with ``x``: only a reference can keep a model alive.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from app_harness import SIZE, go_to, make_app, settle, started, wait_until
from textual._styles_cache import StylesCache
from textual.pilot import Pilot
from textual.widget import Widget

from app.core.model import Index, Status
from app.ui.app import ReadnotesApp

SAVES = 4
MARKS = 12


def _models_of(root: Path) -> list[Index]:
    """Every model of the folder at ``root`` in memory (other tests' apps may linger)."""
    return [thing for thing in gc.get_objects() if type(thing) is Index and thing.root == root]


async def _save_then_mark(pilot: Pilot[int], app: ReadnotesApp, index: Path, number: int) -> None:
    """Save the index from outside, wait for the re-read, then press x and wait for the mark."""
    temp = index.with_name(f".README.md.save{number}")
    temp.write_bytes(index.read_bytes() + f"\n<!-- save {number} -->\n".encode())
    os.replace(temp, index)
    saved = index.read_bytes()
    await wait_until(pilot, lambda: app.index is not None and app.index.data == saved)
    await pilot.press("x")
    await wait_until(pilot, lambda: app.index is not None and app.index.data != saved)
    await settle(pilot)


async def test_saves_rereads_and_marks_leave_only_the_shown_model(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        entry = await go_to(pilot, "phi-1.5")
        gc.collect()
        gc.disable()
        try:
            for number in range(SAVES):
                await _save_then_mark(pilot, app, index, number)
            assert app.index is not None
            assert app.index.data == index.read_bytes()
            marked = next(e for e in app.index.entries if e.title == entry.title)
            assert marked.status is (Status.TODO if SAVES % 2 == 0 else Status.DONE)
            assert entry.status is Status.TODO
            # A re-read the watcher started for our own last write may still hold the model
            # before it; once it is done, nothing may (the collector is off: a cycle would stay).
            root, shown = app.index.root, app.index
            await wait_until(pilot, lambda: len(_models_of(root)) == 1, timeout=20)
            assert [model is shown for model in _models_of(root)] == [True]
        finally:
            gc.enable()


def _styles_of_gone_widgets() -> int:
    """Styles caches alive without their widget (each holds the lines its widget painted)."""
    caches = sum(1 for thing in gc.get_objects() if type(thing) is StylesCache)
    widgets = sum(1 for thing in gc.get_objects() if isinstance(thing, Widget))
    return caches - widgets


async def _mark_and_see_the_notice_go(pilot: Pilot[int], app: ReadnotesApp) -> None:
    digest = app.index.digest if app.index is not None else None
    await pilot.press("x")
    await wait_until(pilot, lambda: app.index is not None and app.index.digest != digest)
    await wait_until(pilot, lambda: not app.query("Toast"))


async def test_notices_gone_leave_nothing_they_painted_in_memory(notes_copy: Path) -> None:
    """Every mark says so in a notice, a new toast: once gone, it is freed with what it painted."""
    app = make_app(notes_copy)
    app.NOTIFICATION_TIMEOUT = 0.05  # each toast goes before the next mark
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        for _ in range(MARKS):
            await _mark_and_see_the_notice_go(pilot, app)
        await settle(pilot)
        gc.collect()
        assert _styles_of_gone_widgets() <= 2
