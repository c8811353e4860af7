"""Watch a notes folder and report what changed, in bursts, with editor noise removed.

Editors save in many ways (in place, temp file + rename, vim's backup-rename and its ``4913`` probe,
``sed -i``'s temp file, git touching hundreds of files), and a batch of events is an unordered set
in which a rename-save reports the index as both added and deleted. So this module never trusts
the event kind: it only says *which* paths were touched, and the caller re-reads them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.names import SKIPPED_FOLDERS, is_noise

if TYPE_CHECKING:
    import watchfiles

DEBOUNCE_MS = 50
STEP_MS = 10
POLL_DELAY_MS = 200
REAPPEAR_CHECK_S = 0.25


@dataclass(frozen=True, slots=True)
class FolderChange:
    """One burst of changes under the notes root."""

    paths: frozenset[str]  # root-relative POSIX paths, noise removed
    index_touched: bool  # the index file was among them (re-read it and compare)
    root_missing: bool = False  # the notes folder itself is gone (or back, when False again)
    git_moved: bool = False  # the repository's HEAD or a branch moved: a commit landed


def _relative(root: str, path: str) -> str | None:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return None
    if rel.startswith(".."):
        return None
    return rel.replace(os.sep, "/")


def is_relevant(rel: str) -> bool:
    """A change worth reporting: no part of its path is noise (hidden, temp, backup, swap)."""
    return not any(is_noise(part) or part in SKIPPED_FOLDERS for part in rel.split("/"))


def git_dir_of(root: Path) -> Path | None:
    """The git folder of the repository holding ``root`` (it may lie above it, or be named by a
    worktree's ``.git`` file), or None."""
    folder = Path(os.path.realpath(root))
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                line = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                target = Path(line.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else candidate / target
            return None
    return None


def is_ref_move(git_dir: str, path: str) -> bool:
    """``HEAD``, ``packed-refs`` or a branch under ``refs/heads``: what a commit moves."""
    rel = _relative(git_dir, path)
    if rel is None:
        return False
    return rel in ("HEAD", "packed-refs") or (
        rel.startswith("refs/heads/") and not rel.endswith(".lock")
    )


class _Filter:
    def __init__(self, root: str, git_dir: str | None = None) -> None:
        self._root = root
        self._git_dir = git_dir

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if self._git_dir is not None and is_ref_move(self._git_dir, path):
            return True
        rel = _relative(self._root, path)
        if rel is None or rel == ".":
            return True  # the root itself (deleted, moved)
        return is_relevant(rel)


def summarise(
    root: Path,
    index_path: Path,
    raw: set[tuple[watchfiles.Change, str]],
    git_dir: str | None = None,
) -> FolderChange:
    root_text = str(root)
    index_real = os.path.realpath(index_path)
    paths: set[str] = set()
    index_touched = False
    git_moved = False
    for _change, path in raw:
        if git_dir is not None and is_ref_move(git_dir, path):
            git_moved = True
            continue
        if path == index_real or os.path.realpath(path) == index_real:
            index_touched = True
        rel = _relative(root_text, path)
        if rel is not None and rel != "." and is_relevant(rel):
            paths.add(rel)
    index_rel = _relative(root_text, str(index_path))
    if index_rel is not None and index_rel in paths:
        index_touched = True
    return FolderChange(
        frozenset(paths), index_touched, root_missing=not root.is_dir(), git_moved=git_moved
    )


async def watch_folder(
    root: Path,
    index_path: Path,
    *,
    poll: bool = False,
    stop: asyncio.Event | None = None,
) -> AsyncIterator[FolderChange]:
    """Yield a FolderChange per burst until ``stop`` is set.

    When the root disappears, yield once with ``root_missing`` and wait for it to come back, then
    yield again (``root_missing=False``, ``index_touched=True``) and watch anew.
    """
    import watchfiles  # here, not at the top: the watcher starts after the first screen

    stop = stop or asyncio.Event()
    extra = _outside_index_folder(root, index_path)
    git_text = _watched_git_dir(root, extra)
    while not stop.is_set():
        if not root.is_dir():
            yield FolderChange(frozenset(), True, root_missing=True)
            while not root.is_dir():
                if await _wait(stop, REAPPEAR_CHECK_S):
                    return
            yield FolderChange(frozenset(), True, root_missing=False)
        targets = [root, *extra]
        try:
            async for raw in watchfiles.awatch(
                *targets,
                watch_filter=_Filter(str(root), git_text),
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=stop,
                force_polling=poll,
                poll_delay_ms=POLL_DELAY_MS,
                rust_timeout=500,
                yield_on_timeout=True,
                recursive=True,
                ignore_permission_denied=True,
            ):
                if not raw:
                    if not root.is_dir():
                        break  # the timeout tick notices a vanished root
                    continue
                change = summarise(root, index_path, raw, git_text)
                if change.root_missing:
                    break
                if change.paths or change.index_touched or change.git_moved:
                    yield change
        except (FileNotFoundError, OSError, RuntimeError):
            # The root vanished under the watcher (or inotify gave up): re-arm after a pause.
            if await _wait(stop, REAPPEAR_CHECK_S):
                return


def _watched_git_dir(root: Path, extra: list[Path]) -> str | None:
    """The git folder as the watcher names its events; one above the notes folder (or a
    worktree's, elsewhere) is added to ``extra`` to be watched as well."""
    git_dir = git_dir_of(root)
    if git_dir is None or not git_dir.is_dir():
        return None
    real_git, real_root = os.path.realpath(git_dir), os.path.realpath(root)
    if os.path.commonpath([real_root, real_git]) == real_root:
        return os.path.join(str(root), os.path.relpath(real_git, real_root))
    extra.append(Path(real_git))
    return real_git


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep unless stopped; True when stopped."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def _outside_index_folder(root: Path, index_path: Path) -> list[Path]:
    """The folder of a symlinked index's target when it lies outside the root."""
    real = Path(os.path.realpath(index_path)).parent
    real_root = os.path.realpath(root)
    try:
        inside = os.path.commonpath([real_root, str(real)]) == real_root
    except ValueError:
        inside = False
    return [] if inside or not real.is_dir() else [real]
