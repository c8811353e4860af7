"""Writers take turns: a mark, an add, a done date or a note stub waits for the lock or gives up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import watchfiles

from app.core.add import add_entry
from app.core.edit import mark
from app.core.frontmatter_edit import write_done_date
from app.core.locking import TIMEOUT_ENV, LockTimeoutError, lock_path, lock_timeout, writer_lock
from app.core.model import Status
from app.core.names import is_noise
from app.core.notes import create_note_stub
from app.core.parse import load_index
from app.edges.watch import _Filter, summarise
from tests.conftest import write_index

INDEX = "# Notes\n\n## Papers\n\n* TODO [One](./one.md)\n* TODO [Two](./two.md)\n"


@pytest.fixture
def index(tmp_path: Path) -> Path:
    path = write_index(tmp_path, INDEX)
    (tmp_path / "one.md").write_text("---\ntitle: One\n---\n# One\n")
    return path


def key(path: Path, title: str) -> str:
    return next(e.key for e in load_index(path).entries if e.title == title)


def test_the_lock_file_is_hidden_beside_the_target_and_is_noise(index: Path) -> None:
    where = lock_path(index)
    assert where == index.parent / ".README.md.readnotes-lock"
    assert is_noise(where.name)
    with writer_lock(index):
        assert where.exists()
    assert where.exists()  # kept: a waiter must lock the same file


def test_a_symlinked_index_is_locked_beside_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = write_index(real, INDEX)
    link = tmp_path / "README.md"
    link.symlink_to(target)
    assert lock_path(link) == lock_path(target) == real / ".README.md.readnotes-lock"


def test_the_watcher_never_reports_the_lock_as_a_change(index: Path) -> None:
    root = index.parent
    lock = str(lock_path(index))
    assert not _Filter(str(root))(watchfiles.Change.modified, lock)
    change = summarise(root, index, {(watchfiles.Change.added, lock)})
    assert change.paths == frozenset() and not change.index_touched


def test_a_mark_waits_for_the_lock_and_applies_right_after_release(index: Path) -> None:
    holder = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writer_lock(index):
            holder.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holder.wait(5)
    done: list[float] = []
    marker = threading.Thread(
        target=lambda: (mark(index, key(index, "One"), Status.DONE), done.append(time.monotonic()))
    )
    marker.start()
    time.sleep(0.3)
    assert not done and b"TODO [One]" in index.read_bytes()  # still waiting
    released = time.monotonic()
    release.set()
    marker.join(5)
    thread.join(5)
    assert done and done[0] - released < 1.0
    assert index.read_text() == INDEX.replace("* TODO [One]", "* [One]")


def test_a_writer_that_cannot_get_the_lock_gives_up_and_writes_nothing(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "0.2")
    note = index.parent / "one.md"
    before, note_before = index.read_bytes(), note.read_bytes()
    with writer_lock(index), writer_lock(note), writer_lock(index.parent / "two.md"):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError, match=r"Another readnotes is writing README\.md"):
            mark(index, key(index, "One"), Status.DONE)
        assert time.monotonic() - started < 2
        with pytest.raises(LockTimeoutError, match="nothing was written"):
            write_done_date(index.parent, "one.md", date(2026, 12, 4))
        with pytest.raises(LockTimeoutError):
            create_note_stub(index.parent, "two.md", "Two")
        with pytest.raises(LockTimeoutError, match="nothing was written"):
            add_entry(index, title="Three", category=None, urls=[], todo=True, note=None)
    assert index.read_bytes() == before and note.read_bytes() == note_before
    assert not (index.parent / "two.md").exists()


def test_a_holder_killed_with_the_lock_does_not_block_the_next_writer(index: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from app.core.locking import writer_lock\n"
        f"with writer_lock(Path({str(index)!r})):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeoutError), writer_lock(index, timeout=0.1):
            pass
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    result = mark(index, key(index, "Two"), Status.DONE, known=None)
    assert result.changed and b"* [Two]" in index.read_bytes()


@pytest.mark.parametrize(
    ("raw", "seconds"), [("", 10.0), ("0.5", 0.5), ("0", 0.0), ("soon", 10.0), ("-1", 10.0)]
)
def test_the_timeout_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, seconds: float
) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, raw)
    assert lock_timeout() == seconds
