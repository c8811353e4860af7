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
from textual.pilot import Pilot

from app.core.model import Index, Status
from app.ui.app import ReadnotesApp

SAVES = 4


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
            models = _models_of(app.index.root)
            assert [model is app.index for model in models] == [True]
        finally:
            gc.enable()
