"""Marks that once went wrong, found by tests/fuzz: each is now exact or refused untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.edit import mark
from app.core.errors import EditError
from app.core.model import MarkerKind, Status
from app.core.parse import load_index
from tests.conftest import write_index


def test_a_todo_marker_goes_before_a_backslash_escape(tmp_path: Path) -> None:
    original = b"- \\*starred\\* idea\n"
    path = write_index(tmp_path, original)
    entry = load_index(path).entries[0]
    result = mark(path, entry.key, Status.TODO)
    assert path.read_bytes() == b"- TODO \\*starred\\* idea\n"
    assert result.entry.status is Status.TODO and result.entry.title == "*starred* idea"
    mark(path, result.entry.key, Status.DONE)
    assert path.read_bytes() == original


@pytest.mark.parametrize("line", [b"* TODO", b"* TODO ", b"* TODO:", b"* DONE \t"])
def test_a_lone_marker_word_is_the_title_not_a_marker(tmp_path: Path, line: bytes) -> None:
    original = line + b"\n* TODO [B](https://b)\n"
    path = write_index(tmp_path, original)
    first, second = load_index(path).entries
    assert (first.title, first.status, first.local_marker.kind) == (
        line[2:].decode().strip(),
        Status.DONE,
        MarkerKind.NONE,
    )
    result = mark(path, first.key, Status.TODO)
    assert result.entry.line == 1 and result.entry.status is Status.TODO
    mark(path, result.entry.key, Status.DONE)
    assert path.read_bytes() == original
    assert load_index(path).entries[1].key == second.key


@pytest.mark.parametrize(
    "line",
    [
        b"* TODO 1. [Paper](https://p)",  # would become a nested list
        b"* TODO - [Paper](https://p)",
        b"* TODO # Paper",  # a heading
        b"* TODO > Paper",  # a quote
        b"* TODO [ ] Paper",  # a task box, still to do
        b"* TODO: TODO: Paper",  # another marker
    ],
)
def test_a_mark_that_would_change_how_the_index_reads_is_refused(
    tmp_path: Path, line: bytes
) -> None:
    original = b"# Notes\n\n" + line + b"\n* [Other](https://o)\n"
    path = write_index(tmp_path, original)
    entry = load_index(path).entries[0]
    assert entry.status is Status.TODO
    with pytest.raises(EditError, match="nothing was written, edit it by hand"):
        mark(path, entry.key, Status.DONE)
    assert path.read_bytes() == original
    cli = subprocess.run(
        [sys.executable, "-m", "app", "done", str(tmp_path), "--line", "3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 2 and "Line 3 cannot be marked done" in cli.stderr
    assert "Traceback" not in cli.stderr
    assert path.read_bytes() == original
