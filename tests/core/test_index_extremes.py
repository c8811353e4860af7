"""Indexes at the extremes (issue 6, item 9): nothing crashes, and whatever is cut is reported.

pulldown-cmark has no nesting limit of its own and the parser keeps no recursion, so lists nested
20,000 deep lose nothing; what the parser does cut (titles, headings and link labels past 2,000
characters) becomes a warning that ``list`` and ``check`` print.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.edit import mark
from app.core.errors import IndexNotFoundError
from app.core.model import MarkerKind, Status
from app.core.parse import load_index
from tests.conftest import write_index


def readnotes(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_a_missing_index_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").mkdir()  # a README that is a folder is no index either
    with pytest.raises(IndexNotFoundError, match="No index in"):
        load_index(tmp_path)
    cli = readnotes("list", tmp_path / "gone")
    assert cli.returncode == 2 and cli.stderr.count("\n") == 1
    assert "No such file or folder" in cli.stderr and "Traceback" not in cli.stderr


def test_a_symlink_loop_or_a_broken_link_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "loop.md").symlink_to("loop.md")
    (tmp_path / "gone.md").symlink_to("nowhere.md")
    for name in ("loop.md", "gone.md"):
        with pytest.raises(IndexNotFoundError, match="symlink that leads nowhere"):
            load_index(tmp_path / name)


def test_an_empty_index_has_no_entries_and_nothing_to_report(tmp_path: Path) -> None:
    index = load_index(write_index(tmp_path, b""))
    assert index.entries == [] and index.warnings == []
    cli = readnotes("list", tmp_path)
    assert (cli.returncode, cli.stdout, cli.stderr) == (0, "", "")


@pytest.mark.slow
def test_a_hundred_thousand_lines_keep_every_entry_and_line(tmp_path: Path) -> None:
    lines = [
        f"## Part {n}" if n % 100 == 0 else f"* {'TODO ' if n % 7 == 0 else ''}[Paper {n}](p{n}.md)"
        for n in range(100_000)
    ]
    index = load_index(write_index(tmp_path, "\n".join(lines) + "\n"))
    assert len(index.entries) == 99_000 and index.warnings == []
    last = index.entries[-1]
    assert (last.title, last.line, last.category) == ("Paper 99999", 100_000, ("Part 99900",))
    assert index.todo_count == sum(1 for n in range(100_000) if n % 7 == 0 and n % 100)


@pytest.mark.slow
def test_a_ten_megabyte_line_is_shortened_with_a_warning(tmp_path: Path) -> None:
    title = "word " * 2_000_000  # 10 MB on one line
    path = write_index(tmp_path, f"# {'H' * 3000}\n\n* TODO [{title}](https://long)\n")
    index = load_index(path)
    entry = index.entries[0]
    assert len(entry.title) == 2_000 and entry.links[0].url == "https://long"
    assert index.warnings == [
        "1 heading longer than 2,000 characters was shortened",
        "1 link label longer than 2,000 characters was shortened",
        "1 title longer than 2,000 characters was shortened",
    ]
    assert entry.local_marker.kind is MarkerKind.TODO_WORD
    mark(path, entry.key, Status.DONE)
    assert path.read_bytes() == f"# {'H' * 3000}\n\n* [{title}](https://long)\n".encode()
    cli = readnotes("list", tmp_path)
    assert cli.returncode == 0
    assert "warning: 1 title longer than 2,000 characters was shortened" in cli.stderr


def test_two_thousand_nested_levels_keep_every_entry(tmp_path: Path) -> None:
    deep = "".join(
        "  " * level + f"- [Level {level}](https://l/{level})\n" for level in range(2000)
    )
    index = load_index(write_index(tmp_path, deep))
    assert [e.depth for e in index.entries] == list(range(2000))
    assert index.entries[-1].title == "Level 1999" and index.entries[-1].line == 2000
    assert index.warnings == []
    cli = readnotes("list", tmp_path, "--json")
    assert cli.returncode == 0 and cli.stderr == ""


def test_twenty_thousand_nested_levels_on_one_line(tmp_path: Path) -> None:
    index = load_index(write_index(tmp_path, "- " * 20_000 + "TODO [Deepest](https://d)\n"))
    (entry,) = index.entries  # the outer items hold no text of their own
    assert (entry.title, entry.depth, entry.status) == ("Deepest", 19_999, Status.TODO)
    assert index.warnings == []


def test_invalid_utf8_is_reported_and_written_back_byte_for_byte(tmp_path: Path) -> None:
    data = b"## Caf\xe9 \xff\xfe\n\n* TODO [na\xefve](./n.md)\n* [ok \xc3](./ok.md)\n"
    path = write_index(tmp_path, data)
    index = load_index(path)
    assert index.warnings == ["The index is not valid UTF-8; undecodable bytes are shown as '?'"]
    assert [e.title for e in index.entries] == ["na?ve", "ok ?"]
    mark(path, index.entries[0].key, Status.DONE)
    assert path.read_bytes() == data.replace(b"* TODO [na", b"* [na")


def test_a_binary_file_named_like_an_index_is_read_with_a_warning(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40 + b"\x00" * 64
    index = load_index(write_index(tmp_path, png))
    assert "looks binary" in index.warnings[0]
    cli = readnotes("check", tmp_path)
    assert "Traceback" not in cli.stderr and "looks binary" in cli.stderr
