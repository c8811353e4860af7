"""The command line on an index whose entries are table rows: a real subprocess on a copy of the
ossu curriculum (pipe tables without leading pipes), marks byte-exact both ways."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPORA

OSSU = CORPORA / "ossu__computer-science__README.md"
ROW = (
    b"[The Missing Semester of Your CS Education](https://missing.csail.mit.edu/)"
    b" | 2 weeks | 12 hours/week | - | [chat](https://discord.gg/5FvKycS)"
)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True, timeout=60
    )


def test_ossu_lists_its_course_rows_and_round_trips_a_row_todo_then_done(tmp_path: Path) -> None:
    folder = tmp_path / "cs"
    folder.mkdir()
    index = folder / "README.md"
    shutil.copy(OSSU, index)
    index.chmod(0o644)
    original = index.read_bytes()

    listed = run("list", folder, "--json")
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    titles = [entry["title"] for entry in entries]
    assert len(entries) >= 29 + 60  # its bullets and its course rows
    assert "Systematic Program Design" in titles
    assert "The Missing Semester of Your CS Education" in titles
    tools = [e["title"] for e in entries if e["category"][-1:] == ["CS Tools"]]
    assert tools == ["The Missing Semester of Your CS Education"]

    todo = run("todo", folder, "--match", "Missing Semester")
    assert todo.returncode == 0, todo.stderr
    assert "Marked TODO: The Missing Semester of Your CS Education" in todo.stdout
    changed = [
        (a, b)
        for a, b in zip(original.split(b"\n"), index.read_bytes().split(b"\n"), strict=True)
        if a != b
    ]
    assert changed == [(ROW, b"TODO " + ROW)]
    after = json.loads(run("list", folder, "--json", "--todo").stdout)
    assert [e["title"] for e in after] == ["The Missing Semester of Your CS Education"]

    done = run("done", folder, "--match", "Missing Semester")
    assert done.returncode == 0, done.stderr
    assert index.read_bytes() == original
