"""The folder watcher on real files: every way people save shows up, editor noise never does."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.edges.watch import FolderChange, is_relevant, watch_folder


async def changes_after(
    root: Path, action: Callable[[], None], *, poll: bool = False, settle: float = 0.5
) -> list[FolderChange]:
    index = root / "README.md"
    stop = asyncio.Event()
    seen: list[FolderChange] = []

    async def consume() -> None:
        async for change in watch_folder(root, index, poll=poll, stop=stop):
            seen.append(change)

    task = asyncio.create_task(consume())
    await asyncio.sleep(1.0 if poll else 0.2)  # let the watcher arm (polling scans first)
    action()
    await asyncio.sleep(settle)
    stop.set()
    await asyncio.wait_for(task, 5)
    return seen


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("* [a](./a.md)\n")
    return folder


def touched_index(changes: list[FolderChange]) -> bool:
    return any(change.index_touched for change in changes)


async def test_in_place_save(root: Path) -> None:
    changes = await changes_after(root, lambda: (root / "README.md").write_text("* [b](./b.md)\n"))
    assert touched_index(changes)


async def test_temp_file_and_rename_save(root: Path) -> None:
    def save() -> None:
        (root / ".README.md.tmp123").write_text("* [b](./b.md)\n")
        os.replace(root / ".README.md.tmp123", root / "README.md")

    changes = await changes_after(root, save)
    assert touched_index(changes)
    assert all(".tmp" not in path for change in changes for path in change.paths)


async def test_vim_backup_rename_save_reports_no_noise(root: Path) -> None:
    def save() -> None:
        (root / "4913").write_text("")
        (root / "4913").unlink()
        (root / ".README.md.swp").write_bytes(b"swap")
        os.rename(root / "README.md", root / "README.md~")
        (root / "README.md").write_text("* [c](./c.md)\n")
        (root / "README.md~").unlink()

    changes = await changes_after(root, save)
    assert touched_index(changes)
    assert {path for change in changes for path in change.paths} == {"README.md"}


async def test_a_burst_of_300_files_arrives_in_few_batches(root: Path) -> None:
    def burst() -> None:
        for number in range(300):
            (root / f"n{number}.md").write_text("x")
        (root / "README.md").write_text("* [z](./z.md)\n")

    changes = await changes_after(root, burst, settle=0.8)
    assert 1 <= len(changes) <= 10
    assert len({path for change in changes for path in change.paths}) == 301


async def test_root_deleted_and_recreated_is_reported_and_rearmed(root: Path) -> None:
    async def scenario() -> list[FolderChange]:
        index = root / "README.md"
        stop = asyncio.Event()
        seen: list[FolderChange] = []

        async def consume() -> None:
            async for change in watch_folder(root, index, stop=stop):
                seen.append(change)

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.2)
        shutil.rmtree(root)
        await asyncio.sleep(1.0)
        root.mkdir()
        index.write_text("* [back](./b.md)\n")
        await asyncio.sleep(1.0)
        index.write_text("* [again](./b.md)\n")
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.wait_for(task, 5)
        return seen

    seen = await scenario()
    missing = [n for n, change in enumerate(seen) if change.root_missing]
    assert missing, seen
    back = [n for n, change in enumerate(seen) if n > missing[0] and not change.root_missing]
    assert back, seen
    assert seen[-1].index_touched and not seen[-1].root_missing


async def test_polling_sees_a_save(root: Path) -> None:
    changes = await changes_after(
        root, lambda: (root / "README.md").write_text("* [p](./p.md)\n"), poll=True, settle=1.0
    )
    assert touched_index(changes)


@pytest.mark.parametrize(
    ("rel", "relevant"),
    [
        ("papers/a.md", True),
        ("README.md~", False),
        ("4913", False),
        (".README.md.swp", False),
        (".git/index", False),
        ("papers/.hidden/a.md", False),
        ("#draft.md#", False),
        ("node_modules/x.md", False),
    ],
)
def test_noise_paths(rel: str, relevant: bool) -> None:
    assert is_relevant(rel) is relevant


@pytest.mark.parametrize("above", [False, True], ids=["git-in-notes", "git-above-notes"])
async def test_a_commit_moves_the_ref_and_the_watcher_says_so(
    tmp_path: Path, above: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.git_repo import GIT_ENV, GitRepo

    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    repo = GitRepo(tmp_path / "top")
    notes = repo.path / "notes" if above else repo.path
    repo.commit("* [a](./a.md)\n", "2024-01-01T12:00:00+00:00", name="other.md")
    notes.mkdir(exist_ok=True)
    (notes / "README.md").write_text("* [a](./a.md)\n")

    def commit() -> None:
        repo.commit("* [b](./b.md)\n", "2024-01-02T12:00:00+00:00", name="other.md")

    changes = await changes_after(notes, commit, settle=1.0)
    assert any(change.git_moved for change in changes)
    assert all(not path.startswith(".git") for change in changes for path in change.paths)
