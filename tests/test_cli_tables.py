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


HOSTILE = (
    b"# Hostile tables\n\n"
    b"## Ragged\n\n| a | b |\n|---|---|\n| [x](https://x) | 1 | extra | cells |\n| [y](y.md) |\n\n"
    b"## Code span\n\n| a | b |\n|---|---|\n| `x|y` [z](z.md) | w |\n\n"
    b"## Escaped\n\n| a | b |\n|---|---|\n| p \\| q [e](e.md) | w |\n\n"
    b"## In a list\n\n- item\n\n  | a | b |\n  |---|---|\n  | [n](n.md) | w |\n\n"
    b"## Header only\n\n| [h](h.md) | b |\n|---|---|\n\n"
    b"## Empty first cell\n\n| a | b |\n|---|---|\n|  | [f](https://f) |\n"
)


def test_hostile_tables_list_and_mark_with_one_clear_line(tmp_path: Path) -> None:
    index = tmp_path / "README.md"
    index.write_bytes(HOSTILE)
    listed = run("list", tmp_path, "--json")
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    assert [(e["title"], e["category"][-1]) for e in entries] == [
        ("x", "Ragged"),
        ("y", "Ragged"),
        ("`x", "Code span"),  # the pipe in the code span ends the cell, as GitHub reads it
        ("p | q", "Escaped"),
        ("item", "In a list"),
        ("f", "Empty first cell"),
    ]
    for entry in entries:
        for command in ("todo", "done"):
            result = run(command, tmp_path, "--line", str(entry["line"]))
            assert "Traceback" not in result.stderr
            assert result.returncode == 0 or len(result.stderr.strip().splitlines()) == 1
    refused = run("todo", tmp_path, "--match", "f")
    assert refused.returncode != 0
    assert "table" in refused.stderr and "nothing was written" in refused.stderr
