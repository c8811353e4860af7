"""Many `readnotes done`/`todo` processes at once on one index: all marks land, nothing else moves.

Before writers took turns, 40 concurrent `done` runs lost 13 marks while reporting success. Each
round here starts 50 real processes together (40 `done`, 10 `todo`, each on its own entry); two
rounds cost about 13 s of CPU on the 2-core machine (~0.13 s a process under contention). Without
the lock the first round already fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.locking import TIMEOUT_ENV, writer_lock
from tests.conftest import write_index

ROUNDS = 2
TODO_ENTRIES, DONE_ENTRIES = 40, 10
HEADER = "# Reading\n\n## Papers\n\n"
FIRST_LINE = HEADER.count("\n") + 1


def _index_text(*, todo: set[int]) -> str:
    lines = []
    for number in range(TODO_ENTRIES + DONE_ENTRIES):
        marker = "TODO " if number in todo else ""
        lines.append(f"* {marker}[Paper {number}](./p{number}.md) [[paper](https://x/{number})]\n")
    return HEADER + "".join(lines) + "\nThe end, with no final newline"


# Fifty writers queue for one lock; on a loaded 2-core machine running the rest of the suite,
# the last of them can wait longer than the 10 s default bound (which a test of its own covers).
def patient() -> dict[str, str]:
    """This test's environment (its private cache and settings), with a longer lock bound."""
    return {**os.environ, TIMEOUT_ENV: "60"}


def _start(command: str, folder: Path, line: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", command, str(folder), "--line", str(line)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=patient(),
    )


def test_fifty_concurrent_marks_all_land_and_nothing_else_changes(tmp_path: Path) -> None:
    todo = set(range(TODO_ENTRIES))
    start = _index_text(todo=todo)
    wanted = _index_text(todo=set(range(TODO_ENTRIES, TODO_ENTRIES + DONE_ENTRIES)))
    for _ in range(ROUNDS):
        index = write_index(tmp_path, start)
        runs = [
            _start("done" if number in todo else "todo", tmp_path, FIRST_LINE + number)
            for number in range(TODO_ENTRIES + DONE_ENTRIES)
        ]
        results = [(run.wait(120), *run.communicate()) for run in runs]
        failures = [(code, err) for code, _, err in results if code != 0]
        assert failures == []
        assert all(out.startswith("Marked ") for _, out, _ in results)
        assert index.read_text() == wanted


def test_a_writer_that_waits_too_long_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    index = write_index(tmp_path, _index_text(todo={0}))
    before = index.read_bytes()
    env = {**os.environ, TIMEOUT_ENV: "0.3"}
    command = [sys.executable, "-m", "app", "done", str(tmp_path), "--line", str(FIRST_LINE)]
    with writer_lock(index):
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        waited = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("readnotes: error: Another readnotes is writing README.md")
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert index.read_bytes() == before
    assert waited < 10


@pytest.mark.parametrize("raw", ["0", "0.05"])
def test_a_tiny_bound_still_marks_when_nobody_holds_the_lock(tmp_path: Path, raw: str) -> None:
    index = write_index(tmp_path, _index_text(todo={0}))
    env = {**os.environ, TIMEOUT_ENV: raw}
    command = [sys.executable, "-m", "app", "done", str(tmp_path), "--line", str(FIRST_LINE)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert index.read_text() == _index_text(todo=set())


def test_concurrent_adds_and_marks_all_land(tmp_path: Path) -> None:
    """`readnotes add` takes its turn too: ten adds and ten marks at once, every one in the file."""
    todo = set(range(10))
    index = write_index(tmp_path, _index_text(todo=todo))
    adds = [
        subprocess.Popen(
            [sys.executable, "-m", "app", "add", str(tmp_path), "--title", f"Added {n}",
             "--url", f"https://example.org/{n}", "--category", "Papers", "--no-note"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=patient(),
        )
        for n in range(10)
    ]  # fmt: skip
    marks = [_start("done", tmp_path, FIRST_LINE + number) for number in sorted(todo)]
    results = [(run.wait(120), *run.communicate()) for run in adds + marks]
    assert [(code, err) for code, _, err in results if code != 0] == []
    text = index.read_text()
    lines = text.splitlines()
    assert "TODO" not in text
    assert sorted(line for line in lines if "Added" in line) == sorted(
        f"* Added {n} [[paper](https://example.org/{n})]" for n in range(10)
    )
    kept = [line for line in lines if "Added" not in line]
    assert "\n".join(kept) == _index_text(todo=set()).rstrip("\n")
