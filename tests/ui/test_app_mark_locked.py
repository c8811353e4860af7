"""x while another readnotes holds the writer lock: the keys keep working, then it applies."""

from __future__ import annotations

import threading
from pathlib import Path

from app_harness import SIZE, cursor_entry, go_to, make_app, started, wait_until

from app.core.locking import writer_lock

PHI = b"* TODO [Textbooks Are All You Need II: phi-1.5 technical report]"
PHI_DONE = b"* [Textbooks Are All You Need II: phi-1.5 technical report]"


async def test_x_waits_for_a_held_lock_without_freezing_keys_then_marks(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # as a `readnotes done` in another process would, mid-write
        with writer_lock(index):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        app = make_app(notes_copy)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await go_to(pilot, "phi-1.5")
            line = app.index_tree.cursor_line
            await pilot.press("x")
            await pilot.press("k")  # the mark waits in its worker; the tree still moves
            await wait_until(pilot, lambda: app.index_tree.cursor_line == line - 1)
            assert not cursor_entry(app).title.startswith("Textbooks")
            assert index.read_bytes() == original
            release.set()
            await wait_until(pilot, lambda: index.read_bytes() == original.replace(PHI, PHI_DONE))
            await wait_until(
                pilot, lambda: app.index is not None and app.index.data == index.read_bytes()
            )
    finally:
        release.set()
        holder.join(10)
