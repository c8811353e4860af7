"""Marking done/TODO: only the marker changes, atomically, and never over another writer's edit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.edit import mark
from app.core.errors import ConflictError, EditError
from app.core.model import Status
from app.core.parse import load_index
from app.core.temps import TEMP_MARK
from tests.conftest import write_index


def key_of(path: Path, title: str) -> str:
    entry = next(e for e in load_index(path).entries if e.title == title)
    return entry.key


def changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


@pytest.mark.parametrize(
    ("line", "done"),
    [
        (b"* TODO [T](./t.md) [[paper](https://p)]", b"* [T](./t.md) [[paper](https://p)]"),
        (b"- [ ] [T](https://t)", b"- [x] [T](https://t)"),
        (b"  1. [ ] Learn heaps", b"  1. [x] Learn heaps"),
        (b"* TODO Read it", b"* Read it"),
    ],
)
def test_done_then_todo_changes_only_the_marker_and_round_trips(
    tmp_path: Path, line: bytes, done: bytes
) -> None:
    original = b"# N\n\n## A\n\n" + line + b"\n* [other](https://o)\n"
    path = write_index(tmp_path, original)
    key = load_index(path).entries[0].key
    result = mark(path, key, Status.DONE)
    assert result.changed and result.entry.status is Status.DONE
    assert changed_lines(original, path.read_bytes()) == [(line, done)]
    mark(path, result.entry.key, Status.TODO)
    assert path.read_bytes() == original


def test_todo_colon_marker_is_removed_and_the_files_style_is_reused(tmp_path: Path) -> None:
    original = b"* TODO: [A](https://a)\n* TODO: [B](https://b)\n"
    path = write_index(tmp_path, original)
    mark(path, key_of(path, "A"), Status.DONE)
    assert path.read_bytes() == b"* [A](https://a)\n* TODO: [B](https://b)\n"
    mark(path, key_of(path, "A"), Status.TODO)
    assert path.read_bytes() == original


def test_done_word_files_swap_todo_and_done(tmp_path: Path) -> None:
    original = b"* DONE [A](https://a)\n* TODO [B](https://b)\n"
    path = write_index(tmp_path, original)
    mark(path, key_of(path, "B"), Status.DONE)
    assert path.read_bytes() == b"* DONE [A](https://a)\n* DONE [B](https://b)\n"
    mark(path, key_of(path, "B"), Status.TODO)
    assert path.read_bytes() == original


def test_uppercase_ticks_are_kept(tmp_path: Path) -> None:
    original = b"- [X] [A](https://a)\n- [ ] [B](https://b)\n"
    path = write_index(tmp_path, original)
    mark(path, key_of(path, "B"), Status.DONE)
    assert path.read_bytes() == b"- [X] [A](https://a)\n- [X] [B](https://b)\n"


def test_already_in_state_writes_nothing(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* [A](https://a)\n")
    before = os.stat(path).st_mtime_ns
    result = mark(path, key_of(path, "A"), Status.DONE)
    assert not result.changed and "Already done" in result.message
    assert os.stat(path).st_mtime_ns == before


def test_bom_crlf_tabs_no_final_newline_and_invalid_utf8_survive(tmp_path: Path) -> None:
    original = (
        b"\xef\xbb\xbf# Notes\r\n\r\n## Caf\xe9\r\n\r\n*\tTODO [x](./x.md)\r\n"
        b"* [na\xefve](./n.md)\t\r\n* [last](./l.md)"
    )
    path = write_index(tmp_path, original)
    mark(path, key_of(path, "x"), Status.DONE)
    assert path.read_bytes() == original.replace(b"*\tTODO [x]", b"*\t[x]")
    mark(path, key_of(path, "last"), Status.TODO)
    assert path.read_bytes().endswith(b"* TODO [last](./l.md)")
    assert b"\xef\xbf\xbd" not in path.read_bytes()  # never U+FFFD written back


def test_mode_is_kept_and_no_temp_file_is_left(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n")
    os.chmod(path, 0o640)
    mark(path, key_of(path, "A"), Status.DONE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert not [
        p
        for p in tmp_path.iterdir()
        if TEMP_MARK in p.name and p.name != ".README.md.readnotes-lock"
    ]
    assert (
        tmp_path / ".README.md.readnotes-lock"
    ).stat().st_size == 0  # the writers' lock stays, empty


def test_a_symlinked_index_stays_a_symlink(tmp_path: Path) -> None:
    real = write_index(tmp_path / "store", b"* TODO [A](https://a)\n")
    link = tmp_path / "notes" / "README.md"
    link.parent.mkdir()
    link.symlink_to(real)
    mark(link.parent, key_of(link, "A"), Status.DONE)
    assert link.is_symlink()
    assert real.read_bytes() == b"* [A](https://a)\n"


def test_hard_links_all_see_the_edit(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n")
    other = tmp_path / "copy.md"
    os.link(path, other)
    mark(path, key_of(path, "A"), Status.DONE)
    assert other.read_bytes() == b"* [A](https://a)\n"
    assert os.stat(path).st_ino == os.stat(other).st_ino


def test_a_read_only_index_is_refused_and_unchanged(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n")
    os.chmod(path, 0o444)
    with pytest.raises(EditError, match="read-only"):
        mark(path, key_of(path, "A"), Status.DONE)
    assert path.read_bytes() == b"* TODO [A](https://a)\n"


def test_an_outside_edit_is_kept_and_the_entry_found_again(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n* [B](https://b)\n")
    stale = load_index(path)
    path.write_bytes(b"* [New](https://n)\n* TODO [A](https://a)\n* [B](https://b)\n")
    mark(path, stale.entries[0].key, Status.DONE, known=stale)
    assert path.read_bytes() == b"* [New](https://n)\n* [A](https://a)\n* [B](https://b)\n"


def test_same_size_outside_edit_with_mtime_restored_is_detected_by_hash(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n* [B](https://b)\n")
    stale = load_index(path)
    info = os.stat(path)
    path.write_bytes(b"* TODO [A](https://a)\n* [C](https://c)\n")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    mark(path, stale.entries[0].key, Status.DONE, known=stale)
    assert path.read_bytes() == b"* [A](https://a)\n* [C](https://c)\n"


def test_an_entry_removed_outside_is_a_conflict_and_nothing_is_written(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a)\n")
    stale = load_index(path)
    path.write_bytes(b"* [B](https://b)\n")
    with pytest.raises(ConflictError):
        mark(path, stale.entries[0].key, Status.DONE, known=stale)
    assert path.read_bytes() == b"* [B](https://b)\n"


def test_undo_is_refused_when_the_line_changed_since(tmp_path: Path) -> None:
    path = write_index(tmp_path, b"* TODO [A](https://a) note\n")
    done = mark(path, key_of(path, "A"), Status.DONE)
    path.write_bytes(b"* [A](https://a) note edited\n")
    with pytest.raises(EditError, match="changed"):
        mark(path, done.entry.key, Status.TODO, require_line=done.line_after)
    assert path.read_bytes() == b"* [A](https://a) note edited\n"


# --- property: for generated indexes, done then todo gives back the exact bytes ----------------

_title = (
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters=" -é中"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_bullet = st.sampled_from(["*", "-", "+", "1."])
_marker = st.sampled_from(["", "TODO ", "[ ] ", "[x] "])
_eol = st.sampled_from([b"\n", b"\r\n"])


@st.composite
def indexes(draw: st.DrawFn) -> tuple[bytes, int]:
    eol = draw(_eol)
    lines: list[bytes] = []
    if draw(st.booleans()):
        lines += [b"# Title", b""]
    count = draw(st.integers(1, 8))
    checkbox = draw(st.booleans())
    for number in range(count):
        if draw(st.booleans()):
            lines += [b"## " + draw(_title).encode(), b""]
        bullet = draw(_bullet)
        marker = draw(st.sampled_from(["[ ] ", "[x] "] if checkbox else ["", "TODO "]))
        indent = "  " * draw(st.integers(0, 1)) if number else ""
        title = draw(_title)
        extra = draw(st.sampled_from(["", " [[paper](https://arxiv.org/abs/1)]", " tail"]))
        lines.append(f"{indent}{bullet} {marker}[{title}](./n{number}.md){extra}".encode())
    data = eol.join(lines) + (eol if draw(st.booleans()) else b"")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, draw(st.integers(0, count - 1))


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=indexes())
def test_property_done_then_todo_restores_bytes_and_changes_one_line(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, int]
) -> None:
    data, which = case
    folder = tmp_path_factory.mktemp("prop")
    path = write_index(folder, data)
    index = load_index(path)
    entry = index.entries[which]
    first, second = (
        (Status.DONE, Status.TODO) if entry.status is Status.TODO else (Status.TODO, Status.DONE)
    )
    result = mark(path, entry.key, first)
    assert result.changed
    after = path.read_bytes()
    assert len(changed_lines(data, after)) == 1
    mark(path, result.entry.key, second)
    assert path.read_bytes() == data
