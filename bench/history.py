"""How fast ``readnotes history --json`` reads a long git history, cold and warm (cached).

    uv run python bench/history.py [--rounds N] [--big] [--compare]

- 500 commits of a 500-entry index (goal: <= 2 s cold, <= 0.3 s warm);
- with ``--big``, 5,000 commits of a 10,000-entry index (goal: <= 20 s cold, <= 1 s warm);
- 500 commits over a root README and 20 sub-indexes of 25 entries (each file's own history).

The repositories are built with ``git fast-import`` (thousands of ``git commit`` runs would take
minutes) in a temporary folder: the first commit holds half the entries, each later one adds an
entry, marks one done or re-opens one, so every commit changes a line or two as a person's do.
Each run is a real ``readnotes history --json`` subprocess; "cold" has an empty cache folder,
"warm" the cache the cold run left. The baseline is ``git log --oneline`` over the same history
(the least any reader of it must pay), and ``readnotes list --json`` (the index alone).

``--compare`` also times the three ways to read the history that issue 18 names, on the
500-commit repository: the ``git`` CLI (``git log --follow -p -U0``, what readnotes uses),
pygit2 and dulwich (both run through ``uv run --with``, not dependencies of readnotes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = 1_700_000_000  # 2023-11-14


class _Lines:
    """The index at one commit, kept up to date entry by entry: rendering all 10,000 entries at
    each of 5,000 commits took most of a minute; joining the kept lines takes seconds."""

    def __init__(self, titles: list[str], todo: set[int]) -> None:
        self.titles, self.todo = titles, todo
        self.lines = [self._line(n) for n in range(len(titles))]

    def _line(self, number: int) -> str:
        marker = "TODO " if number in self.todo else ""
        return (
            f"* {marker}[{self.titles[number]}](./notes/n{number}.md) "
            f"[[paper](https://arxiv.org/abs/2301.{number:05d})]"
        )

    def changed(self, number: int) -> None:
        if number == len(self.lines):
            self.lines.append(self._line(number))
        else:
            self.lines[number] = self._line(number)

    def text(self) -> bytes:
        out = ["# Reading", ""]
        for section in range(0, len(self.lines), 100):
            out += [f"## Section {section // 100}", "", *self.lines[section : section + 100], ""]
        return "\n".join(out).encode()


def build_repo(folder: Path, commits: int, entries: int) -> Path:
    """A repository whose README.md reaches ``entries`` entries over ``commits`` commits."""
    folder.mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True, env=env)
    first = entries // 2
    titles = [f"Paper number {n}" for n in range(first)]
    todo = set(range(first))
    adds = entries - first
    stream = subprocess.Popen(
        ["git", "-C", str(folder), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env
    )
    assert stream.stdin is not None
    kept = _Lines(titles, todo)
    for number in range(commits):
        if number > 0:
            if adds and number % max(1, (commits - 1) // adds or 1) == 0 and len(titles) < entries:
                titles.append(f"Paper number {len(titles)}")
                todo.add(len(titles) - 1)
                kept.changed(len(titles) - 1)
            elif number % 7 == 3 and len(todo) < len(titles):
                reopened = min(set(range(len(titles))) - todo)
                todo.add(reopened)  # re-open
                kept.changed(reopened)
            elif todo:
                done = min(todo, key=lambda n: (n * 7919) % len(titles))
                todo.discard(done)
                kept.changed(done)
        data = kept.text()
        when = EPOCH + number * 6 * 3600
        message = f"commit {number}\n".encode()
        stream.stdin.write(
            b"commit refs/heads/main\n"
            + f"committer A <a@example.org> {when} +0100\n".encode()
            + f"data {len(message)}\n".encode()
            + message
            + f"M 100644 inline README.md\ndata {len(data)}\n".encode()
            + data
            + b"\n"
        )
    stream.stdin.close()
    if stream.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(folder), "checkout", "-q", "main"], check=True, env=env)
    return folder


Timed = tuple[float, float]  # (wall seconds, CPU seconds of the process and its children)

# Without bytecode files every run compiles every module again (~0.2 s of a 0.3 s run here): an
# installed readnotes has them, so the runs measured do too, whatever the shell says.
BASE_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], env: dict[str, str]) -> Timed:
    """Wall time, and CPU time (user + system, git's included): on a machine shared with other
    work the CPU time moves far less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(runs: list[Timed]) -> Timed:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def measure(repo: Path, rounds: int) -> dict[str, Timed]:
    readnotes = [sys.executable, "-m", "app", "history", str(repo), "--json"]
    cold: list[Timed] = []
    warm: list[Timed] = []
    for _ in range(rounds):
        cache = Path(tempfile.mkdtemp(prefix="rn-history-cache-"))
        env = {**BASE_ENV, "READNOTES_CACHE_DIR": str(cache)}
        cold.append(timed(readnotes, env))
        warm.append(timed(readnotes, env))
        shutil.rmtree(cache)
    plain = {**BASE_ENV, "READNOTES_CACHE_DIR": "off"}
    log = [timed(["git", "-C", str(repo), "log", "--oneline"], plain) for _ in range(rounds)]
    listing = [
        timed([sys.executable, "-m", "app", "list", str(repo), "--json"], plain)
        for _ in range(rounds)
    ]
    return {
        "cold": medians(cold),
        "warm": medians(warm),
        "git log": medians(log),
        "list": medians(listing),
    }


def build_tree_repo(folder: Path, commits: int, files: int, entries: int) -> Path:
    """A root README linking to ``files`` sub-indexes (``s0/index.md``...) of ``entries``
    entries each, all TODO at first; each later commit marks one entry done in one file."""
    folder.mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True, env=env)
    root = "# Reading\n\n## Topics\n\n" + "".join(
        f"* [Topic {n}](s{n}/index.md)\n" for n in range(files)
    )
    todo = [set(range(entries)) for _ in range(files)]

    def sub_index(n: int) -> bytes:
        lines = [f"# Topic {n}", ""] + [
            f"* {'TODO ' if e in todo[n] else ''}[Paper {n}.{e}](p{e}.md)" for e in range(entries)
        ]
        return ("\n".join(lines) + "\n").encode()

    stream = subprocess.Popen(
        ["git", "-C", str(folder), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env
    )
    assert stream.stdin is not None
    for number in range(commits):
        changed = {"README.md": root.encode()} if number == 0 else {}
        if number == 0:
            changed.update({f"s{n}/index.md": sub_index(n) for n in range(files)})
        else:
            n = number % files
            if todo[n]:
                todo[n].discard(min(todo[n]))
            changed[f"s{n}/index.md"] = sub_index(n)
        message = f"commit {number}\n".encode()
        stream.stdin.write(
            b"commit refs/heads/main\n"
            + f"committer A <a@example.org> {EPOCH + number * 6 * 3600} +0100\n".encode()
            + f"data {len(message)}\n".encode()
            + message
            + b"".join(
                f"M 100644 inline {name}\ndata {len(data)}\n".encode() + data + b"\n"
                for name, data in changed.items()
            )
        )
    stream.stdin.close()
    if stream.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(folder), "checkout", "-q", "main"], check=True, env=env)
    return folder


_PYGIT2 = """
import sys, time, pygit2
began = time.perf_counter()
repo = pygit2.Repository(sys.argv[1])
changed = 0
for commit in repo.walk(repo.head.target, pygit2.enums.SortMode.TOPOLOGICAL):
    parent = commit.parents[0].tree if commit.parents else None
    if parent is not None:
        diff = repo.diff(parent, commit.tree, context_lines=0)
    else:
        diff = commit.tree.diff_to_tree(swap=True, context_lines=0)
    for patch in diff:
        if patch.delta.new_file.path != "README.md":
            continue
        for hunk in patch.hunks:
            changed += len(hunk.lines)
print(f"{time.perf_counter() - began:.3f}", changed)
"""

_DULWICH = """
import sys, time, difflib
from dulwich.repo import Repo
began = time.perf_counter()
repo = Repo(sys.argv[1])
changed = 0
for entry in repo.get_walker(paths=[b"README.md"]):
    commit = entry.commit
    new = repo[repo[commit.tree][b"README.md"][1]].data.splitlines()
    old = []
    if commit.parents:
        old = repo[repo[repo[commit.parents[0]].tree][b"README.md"][1]].data.splitlines()
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if group[0] != "equal":
            changed += (group[2] - group[1]) + (group[4] - group[3])
print(f"{time.perf_counter() - began:.3f}", changed)
"""


def compare(repo: Path) -> None:
    began = time.perf_counter()
    out = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "log",
            "--follow",
            "-p",
            "-U0",
            "--format=%H %aI",
            "--",
            "README.md",
        ],
        capture_output=True,
        check=True,
    ).stdout
    print(
        f"git CLI log -p -U0 --follow: {time.perf_counter() - began:.3f} s "
        f"({out.count(b'@@ -')} hunks)"
    )
    for name, code, package in (("pygit2", _PYGIT2, "pygit2"), ("dulwich", _DULWICH, "dulwich")):
        done = subprocess.run(
            ["uv", "run", "--no-project", "--with", package, "python", "-c", code, str(repo)],
            capture_output=True,
            text=True,
            check=False,
        )
        print(f"{name}: {done.stdout.strip() or done.stderr.strip()[-300:]} (s, changed lines)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="build the repositories here, reuse them")
    options = parser.parse_args()
    os.chdir(ROOT)
    work = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="rn-history-"))
    try:
        cases = [(500, 500, 0)] + ([(5000, 10_000, 0)] if options.big else [])
        cases.append((500, 25, 20))  # 20 sub-indexes of 25 entries: a tree's files, each read
        for commits, entries, files in cases:
            began = time.perf_counter()
            repo = work / (f"r{commits}" if not files else f"tree{commits}x{files}")
            if not (repo / ".git").is_dir():
                if files:
                    build_tree_repo(repo, commits, files, entries)
                else:
                    build_repo(repo, commits, entries)
            built = time.perf_counter() - began
            shape = f"{files} sub-indexes of {entries} entries" if files else f"{entries} entries"
            print(f"{commits} commits, {shape} (built in {built:.1f} s)")
            if options.compare and commits == 500 and not files:
                compare(repo)
            for name, (wall, cpu) in measure(repo, options.rounds).items():
                print(f"  {name:<8} {wall * 1000:8.0f} ms   cpu {cpu * 1000:6.0f} ms")
        print(f"load average: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
