"""x while another readnotes holds the writer lock: the keys keep working, then it applies."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from app_harness import SIZE, cursor_entry, go_to, make_app, started, wait_until

from app.core.locking import writer_lock

PHI = b"* TODO [Textbooks Are All You Need II: phi-1.5 technical report]"
PHI_DONE = b"* [Textbooks Are All You Need II: phi-1.5 technical report]"


# Another process holds the lock as a `readnotes done` does mid-write, until told to let go.
HOLDER = """
import sys
from pathlib import Path
from app.core.locking import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


@contextmanager
def held_by_a_thread(index: Path) -> Iterator[Callable[[], None]]:
    """The lock held by another writer of this process (the browser's own note stub, say)."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer_lock(index):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        yield release.set
    finally:
        release.set()
        holder.join(10)


@contextmanager
def held_by_a_process(index: Path) -> Iterator[Callable[[], None]]:
    """The lock held by another process, as a CLI mark holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    stdin = holder.stdin

    def release() -> None:
        if not stdin.closed:
            stdin.close()

    try:
        assert holder.stdout.readline() == "held\n"
        yield release
    finally:
        release()
        holder.wait(10)


@pytest.mark.parametrize("holding", [held_by_a_thread, held_by_a_process])
async def test_x_waits_for_a_held_lock_without_freezing_keys_then_marks(
    notes_copy: Path, holding: Callable[[Path], AbstractContextManager[Callable[[], None]]]
) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    with holding(index) as release:
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
            release()
            await wait_until(pilot, lambda: index.read_bytes() == original.replace(PHI, PHI_DONE))
            await wait_until(
                pilot, lambda: app.index is not None and app.index.data == index.read_bytes()
            )
