"""An index file's history, read from git through the ``git`` executable.

Measured against pygit2 (libgit2) and dulwich on a 500-commit history (docs/performance.md):
one ``git log --follow -p -U0`` pipe gives every commit's changed lines at once, follows a
renamed index and costs no dependency. pygit2 and dulwich must diff each pair of versions in
Python-driven loops and neither follows renames by itself.

Only lines are read here: which lines each commit removed and added (``-U0`` hunks), and the
commit's author day in its own time zone. What those lines mean is the core's business
(``app.core.reading_history``). Every failure is a one-line ``notice``, never an exception.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

_MARK = b"\x00\x01readnotes-commit "
_TIMEOUT = 600.0
SPLIT_AT = 400  # commits: from this many, the history is read in two halves at once
# bytes: a smaller index is not worth the probe that finds the middle commit (git diffs it fast;
# a tree of small sub-indexes would pay one more git process per file)
SPLIT_MIN_BYTES = 32 << 10


@dataclass(frozen=True, slots=True)
class LineChange:
    """What one commit (or the uncommitted work) did to the index: lines out, lines in."""

    commit: str  # the commit id; "" for uncommitted changes
    day: date | None  # author day in the commit's own time zone; None: today
    removed: tuple[bytes, ...]
    added: tuple[bytes, ...]


@dataclass(slots=True)
class GitLog:
    """The index's history after ``since`` (oldest first), or why there is none."""

    head: str | None = None  # the commit HEAD names; None: no repository or no commit
    changes: list[LineChange] = field(default_factory=list)
    uncommitted: LineChange | None = None
    notice: str | None = None  # one line for the user
    shallow: bool = False
    from_start: bool = True  # False: ``changes`` follow ``since`` (the cache holds the rest)


def _run(repo: Path, *args: str) -> tuple[int, bytes]:
    """git's exit code and output; a missing git raises FileNotFoundError."""
    import subprocess  # here: a warm run with nothing new runs no git, imports no subprocess

    env = {**os.environ, "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
        capture_output=True,
        env=env,
        timeout=_TIMEOUT,
        check=False,
    )
    return done.returncode, done.stdout


def read_log(
    index_path: Path,
    since: str | None = None,
    *,
    clean: bool = False,
    split_at: int = SPLIT_AT,
    split_min_bytes: int = SPLIT_MIN_BYTES,
) -> GitLog:
    """The history of ``index_path``'s lines; with ``since`` (a commit seen before), only what
    came after it, when it is still an ancestor of HEAD (else, after a rebase, from the start).

    A run with nothing new costs one git call (where the repository is and what HEAD is) when
    ``clean`` (the caller knows the file holds what it held with no uncommitted change at
    ``since``), else two (the index's status), three when it has uncommitted changes. When
    ``clean`` and the ``.git`` folder says plainly that HEAD is still ``since``, none.
    """
    if clean and since is not None:
        found = head_from_files(index_path.parent)
        if found is not None and found[0] == since:
            return _said_shallow(GitLog(head=since, shallow=found[1], from_start=False))
    import subprocess

    try:
        code, out = _run(
            index_path.parent, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD"
        )
    except FileNotFoundError:
        return GitLog(notice="git is not installed: dates come from the notes' done: lines only")
    except (OSError, subprocess.SubprocessError) as exc:
        return GitLog(notice=f"git could not run ({exc}): dates from the notes' done: lines only")
    lines = out.decode(errors="surrogateescape").splitlines()
    if len(lines) < 2:
        return GitLog(notice="Not a git repository: dates come from the notes' done: lines only")
    head = lines[2].strip() if code == 0 and len(lines) > 2 else None
    try:
        try:
            small = os.stat(index_path).st_size < split_min_bytes
        except OSError:
            small = True
        split = None if small else split_at
        return _read(index_path, Path(lines[0]), lines[1] == "true", head, since, clean, split)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return GitLog(notice=f"git history unreadable ({exc}): dates from done: lines only")


def _read(
    index_path: Path,
    repo: Path,
    shallow: bool,
    head: str | None,
    since: str | None,
    clean: bool,
    split_at: int | None,
) -> GitLog:
    log = GitLog(head=head, shallow=shallow)
    if head is None:
        log.notice = "The repository has no commits yet: the index counts as added today"
        log.uncommitted = _whole_file(index_path)
        return log
    rel = os.path.relpath(os.path.realpath(index_path), os.path.realpath(repo))
    if since == head:
        log.from_start = False
    elif since is not None:
        log.from_start = _run(repo, "merge-base", "--is-ancestor", since, head)[0] != 0
    if since != head:
        span = head if log.from_start else f"{since}..{head}"
        log.changes = parse_log(_patches(repo, rel, span, split_at))
    elif clean:
        return _said_shallow(log)  # HEAD has not moved and the file is as it was, clean
    code, status = _run(repo, "status", "--porcelain=v1", "--untracked-files=all", "--", rel)
    never_committed = log.from_start and not log.changes
    if status.startswith(b"??") or status.startswith(b"A") or (never_committed and not status):
        log.uncommitted = _whole_file(index_path)
        if never_committed:
            log.notice = "The index is not committed yet: its entries count as added today"
    elif status:
        code, diff = _run(
            repo, "diff", "--no-color", "--no-ext-diff", "-a", "-U0", "HEAD", "--", rel
        )
        changes = parse_log(_MARK + b"  \n" + diff) if code == 0 and diff else []
        if changes and (changes[0].removed or changes[0].added):
            log.uncommitted = changes[0]
    return _said_shallow(log)


def _said_shallow(log: GitLog) -> GitLog:
    if log.shallow:
        log.notice = "A shallow clone: entries older than its oldest commit are dated by it"
    return log


# Set, they move where git looks for the repository: then only git itself can say.
_DISCOVERY_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_NAMESPACE",
)
_REF_HOPS = 5


def head_from_files(folder: Path) -> tuple[str, bool] | None:
    """The commit HEAD names and whether the clone is shallow, read from the ``.git`` folder
    above ``folder`` without running git (a process and ``subprocess`` cost more than the rest
    of a warm run's history); None whenever it is not plain (a worktree's or submodule's
    ``.git`` file, a folder someone else owns, reftable, an unborn branch, git's discovery
    moved by the environment), and git is asked instead."""
    if any(name in os.environ for name in _DISCOVERY_ENV):
        return None
    here = os.path.realpath(folder)
    while True:
        git_dir = os.path.join(here, ".git")
        try:
            info = os.lstat(git_dir)
        except FileNotFoundError:
            parent = os.path.dirname(here)
            if parent == here:
                return None
            here = parent
            continue
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            return None
        break
    commit = _resolve(git_dir, "HEAD")
    if commit is None:
        return None
    return commit, os.path.exists(os.path.join(git_dir, "shallow"))


def _resolve(git_dir: str, name: str) -> str | None:
    """A ref's commit id: a loose ref file (followed when symbolic), else ``packed-refs``."""
    for _ in range(_REF_HOPS):
        try:
            with open(os.path.join(git_dir, name), "rb") as handle:
                said = handle.read(4096).strip()
        except FileNotFoundError:
            return _packed(git_dir, name) if name.startswith("refs/") else None
        except OSError:
            return None
        if said.startswith(b"ref: "):
            name = said[5:].decode("utf-8", "surrogateescape")
            if not name.startswith("refs/") or ".." in name:
                return None
            continue
        return _commit_id(said)
    return None


def _packed(git_dir: str, name: str) -> str | None:
    try:
        with open(os.path.join(git_dir, "packed-refs"), "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    wanted = b" " + name.encode("utf-8", "surrogateescape")
    for line in data.splitlines():
        if line.endswith(wanted) and not line.startswith((b"#", b"^")):
            return _commit_id(line[: -len(wanted)])
    return None


def _commit_id(said: bytes) -> str | None:
    text = said.decode("ascii", "replace")
    if len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text):
        return text
    return None


_LOG_ARGS = (
    "log",
    "--first-parent",  # the line of history the index lived on; a merge is one change
    "--diff-merges=first-parent",
    "--follow",  # readme.md -> README.md
    "-p",
    "-U0",
    "-a",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--format=%x00%x01readnotes-commit %H %aI",
)


def _patches(repo: Path, rel: str, span: str, split_at: int | None) -> bytes:
    """``git log -p`` of the index over ``span``, newest first. A long history of a big index
    (``split_at`` commits, ``SPLIT_MIN_BYTES``; None: never) is read in two
    halves at once, one per core: git's diffing is nearly all of a cold run. The older half
    follows the index by the name it had at the cut (its names come from a cheap first pass)."""
    two_cores = (os.cpu_count() or 1) > 1
    halves = _halves(repo, rel, span, split_at) if two_cores and split_at is not None else None
    if halves is None:
        code, raw = _run(repo, *_LOG_ARGS, span, "--", rel)
        if code != 0:
            raise ValueError("git log failed")
        return raw
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2, thread_name_prefix="git-log") as pool:
        runs = [pool.submit(_run, repo, *_LOG_ARGS, *half) for half in halves]
        results = [run.result() for run in runs]
    if any(code != 0 for code, _ in results):
        raise ValueError("git log failed")
    return b"".join(raw for _, raw in results)


def _halves(repo: Path, rel: str, span: str, split_at: int) -> list[tuple[str, ...]] | None:
    """The arguments of the two ``git log`` runs, newer half first; None: not worth it."""
    if ".." in span:
        return None  # after the cache: a few new commits
    code, out = _run(
        repo, "log", "--first-parent", "--follow", "--name-only", "--format=%x00%H", span, "--", rel
    )
    records = out.split(b"\x00")[1:]
    if code != 0 or len(records) < split_at:
        return None
    commit, *names = records[len(records) // 2].split(b"\n")
    name = next((n for n in reversed(names) if n), None)
    if name is None:
        return None
    cut = commit.decode()
    return [(f"{cut}..{span}", "--", rel), (cut, "--", os.fsdecode(name))]


def _whole_file(index_path: Path) -> LineChange | None:
    try:
        data = index_path.read_bytes()
    except OSError:
        return None
    return LineChange("", None, (), tuple(data.splitlines()))


def parse_log(raw: bytes) -> list[LineChange]:
    """``git log -p -U0`` output, oldest commit first.

    Hunks are read by their counts (``@@ -a,b +c,d @@``), so a content line that looks like a
    header (``+++``, ``diff --git``) is still content.
    """
    changes: list[LineChange] = []
    for record in raw.split(_MARK)[1:]:
        head, _, body = record.partition(b"\n")
        parts = head.split(b" ")
        commit = parts[0].decode()
        day = date.fromisoformat(parts[1][:10].decode()) if len(parts) > 1 and parts[1] else None
        removed: list[bytes] = []
        added: list[bytes] = []
        lines = body.split(b"\n")
        at = 0
        while at < len(lines):
            line = lines[at]
            at += 1
            if not line.startswith(b"@@ -"):
                continue
            old_count, new_count = _hunk_counts(line)
            at = _take(lines, at, old_count, b"-", removed)
            at = _take(lines, at, new_count, b"+", added)
        changes.append(LineChange(commit, day, tuple(removed), tuple(added)))
    changes.reverse()
    return changes


def _take(lines: list[bytes], at: int, count: int, sign: bytes, into: list[bytes]) -> int:
    while count and at < len(lines):
        line = lines[at]
        at += 1
        if line.startswith(b"\\"):
            continue  # "\ No newline at end of file"
        if line.startswith(sign):
            into.append(line[1:].removesuffix(b"\r"))
        count -= 1
    while at < len(lines) and lines[at].startswith(b"\\"):
        at += 1
    return at


def _hunk_counts(header: bytes) -> tuple[int, int]:
    old, new = header.split(b" ")[1:3]
    return _count(old), _count(new)


def _count(span: bytes) -> int:
    _, comma, count = span.partition(b",")
    return int(count) if comma else 1
