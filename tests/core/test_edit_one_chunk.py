"""A mark re-parses only the chunk it edits, and gives exactly the model a full parse gives.

Each mark here is checked against a fresh parse of the bytes written (no cache): every entry's
fields, its marker as offsets into the file, the categories with their counts, the file's styles.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.core import edit as edit_module
from app.core.edit import mark
from app.core.errors import EditError
from app.core.model import Index, Status
from app.core.parse import ChunkMemory, load_index, parse_index, reparse_marked
from tests.conftest import model_view, write_index


def assert_same_as_a_full_parse(index: Index, path: Path) -> None:
    data = path.read_bytes()
    assert index.data == data
    fresh = parse_index(data, path, cache={})
    assert model_view(index) == model_view(fresh)
    assert all(
        entry is index.entries[entry.position] for c in index.categories() for entry in c.entries
    )


class Work:
    """What parsing through ``memory`` did since this was made (or reset): the whole-file parses
    a mark falls back to, and the chunks parsed."""

    def __init__(self, memory: ChunkMemory) -> None:
        self.memory = memory
        self.reset()

    def reset(self) -> None:
        self._parses, self._chunks = self.memory.parses, self.memory.chunks_parsed

    @property
    def parses(self) -> int:
        return self.memory.parses - self._parses

    @property
    def chunks(self) -> int:
        return self.memory.chunks_parsed - self._chunks


def sections(count: int) -> bytes:
    parts = ["# Reading\n\n"]
    for n in range(count):
        parts.append(
            f"## Section {n}\n\n"
            f"* TODO [Paper {n}a](./notes/{n}a.md) [[paper](https://p/{n}a)]\n"
            f"* [Paper {n}b](https://p/{n}b)\n"
            f"  * TODO: nested {n}c\n"
            f"* DONE Paper {n}d\n"
            f"- [ ] Task {n}e\n"
            f"- [X] Task {n}f\n\n"
        )
    return "".join(parts).encode()


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_mark_in_any_chunk_reparses_that_chunk_alone(tmp_path: Path, where: str) -> None:
    path = write_index(tmp_path, sections(9))
    memory = ChunkMemory()
    index = load_index(path, memory=memory)
    section = {"first": 0, "middle": 4, "last": 8}[where]
    work = Work(memory)
    for letter in "abcdef":
        entry = next(e for e in index.entries if e.title.endswith(f"{section}{letter}"))
        wanted = Status.DONE if entry.status is Status.TODO else Status.TODO
        result = mark(path, entry.key, wanted, known=index, memory=memory)
        assert result.changed and result.entry.status is wanted
        assert result.entry is result.index.entries[entry.position]
        # The marked chunk reads as never before: the one parsed is it.
        assert (work.parses, work.chunks) == (0, 1)
        work.reset()
        assert_same_as_a_full_parse(result.index, path)
        index = result.index
    again = parse_index(path.read_bytes(), path, memory=memory)  # a reload: every chunk cached
    assert work.chunks == 0
    assert model_view(again) == model_view(index)


def test_marks_there_and_back_restore_the_bytes_and_the_model(tmp_path: Path) -> None:
    # One way of writing each marker, so that the way back writes the bytes that were there.
    original = sections(5).replace(b"DONE ", b"").replace(b"TODO:", b"TODO").replace(b"X", b"x")
    path = write_index(tmp_path, original)
    memory = ChunkMemory()
    first = load_index(path, memory=memory)
    work = Work(memory)
    index = first
    for entry in first.entries:
        there = Status.DONE if entry.status is Status.TODO else Status.TODO
        index = mark(path, entry.key, there, known=index, memory=memory).index
        index = mark(path, entry.key, entry.status, known=index, memory=memory).index
        assert path.read_bytes() == original
    assert work.parses == 0
    assert model_view(index) == model_view(first)


def test_the_old_model_is_left_as_it_was(tmp_path: Path) -> None:
    path = write_index(tmp_path, sections(3))
    index = load_index(path)
    before = model_view(index)
    entry = index.entries[7]
    mark(path, entry.key, Status.DONE, known=index)
    assert model_view(index) == before


@pytest.mark.parametrize(
    "line",
    [b"- TODO # x", b"- TODO [ ] x", b"- TODO 1. x", b"- TODO - x"],
)
def test_a_mark_that_would_change_how_the_chunk_reads_is_refused(
    tmp_path: Path, line: bytes
) -> None:
    original = b"## A\n\n- [a](https://a)\n\n## B\n\n" + line + b"\n- [b](https://b)\n\n## C\n"
    path = write_index(tmp_path, original)
    memory = ChunkMemory()
    index = load_index(path, memory=memory)
    entry = next(e for e in index.entries if e.line == 7)
    work = Work(memory)
    with pytest.raises(EditError, match="nothing was written"):
        mark(path, entry.key, Status.DONE, known=index, memory=memory)
    assert path.read_bytes() == original
    assert work.parses == 1  # the chunk read differently: the whole file decided


def test_an_edit_that_would_open_a_fence_over_the_next_heading_is_left_to_a_full_parse(
    tmp_path: Path,
) -> None:
    """The text after ``TODO`` starts a fence on its own line: the chunk parses the same (the
    fence holds nothing of its own), but the heading after it would be swallowed."""
    original = b"## A\n\n-\n  TODO ```\n\n## B\n\n- [b](https://b)\n"
    path = write_index(tmp_path, original)
    memory = ChunkMemory()
    index = load_index(path, memory=memory)
    work = Work(memory)
    entry = index.entries[0]
    edited = edit_module.apply_splices(
        original, edit_module.status_splices(index, entry, Status.DONE)
    )
    assert edited == original.replace(b"TODO ```", b"```")
    assert reparse_marked(index, edited, entry, Status.DONE, memory=memory) is None
    try:
        result = mark(path, entry.key, Status.DONE, known=index, memory=memory)
    except EditError:
        assert path.read_bytes() == original
    else:
        assert_same_as_a_full_parse(result.index, path)
    assert work.parses == 1


def test_reference_definitions_in_the_file_are_kept_in_step(tmp_path: Path) -> None:
    original = (
        b"## A\n\n- TODO [Paper][p]\n- [ ] [Code][c]\n\n## B\n\n- TODO [Other][p]\n\n"
        b"[p]: https://p\n[c]: https://c\n"
    )
    path = write_index(tmp_path, original)
    memory = ChunkMemory()
    index = load_index(path, memory=memory)
    work = Work(memory)
    for entry in list(index.entries):
        index = mark(path, entry.key, Status.DONE, known=index, memory=memory).index
        assert_same_as_a_full_parse(index, path)
    assert work.parses == 0
    assert [e.links[0].url for e in index.entries] == ["https://p", "https://c", "https://p"]


def test_a_model_not_parsed_here_is_parsed_whole(tmp_path: Path) -> None:
    path = write_index(tmp_path, sections(3))
    index = load_index(path)  # through the app's memory, not the one the mark goes through
    memory = ChunkMemory()
    work = Work(memory)
    result = mark(path, index.entries[3].key, Status.TODO, known=index, memory=memory)
    assert work.parses == 1
    assert_same_as_a_full_parse(result.index, path)


# -- generated indexes ---------------------------------------------------------------------------

_ITEMS = [
    "- [ ] task {n}",
    "- [x] task {n}",
    "- [X] task {n}",
    "* TODO paper {n}",
    "* TODO: paper {n}",
    "* TODO\tpaper {n}",
    "* DONE paper {n}",
    "* DONE: paper {n}",
    "* plain {n}",
    "* [linked {n}](./n/{n}.md) - about it",
    "1. TODO numbered {n}",
    "2) [ ] numbered {n}",
    "  - TODO nested {n}",
    "    * [x] deeper {n}",
    "- [ ] TODO both {n}",
    "- [x] TODO both {n}",
    "- TODO # heading {n}",
    "- TODO [ ] box {n}",
    "- TODO 1. list {n}",
    "- TODO [ref {n}][r]",
    "- TODO [d{n}]: https://d",
    "* TODO ```fence {n}",
    "-\n  TODO below {n}",
    "> - TODO quoted {n}",
    "* \\*escaped {n}",
]
_OTHER = [
    "",
    "Some text.",
    "```\n- TODO in code\n```",
    "<!-- a comment\n- TODO hidden -->",
    "<details>\n\n- TODO in html\n\n</details>",
    "[r]: https://r",
    "#nothead",
    "---",
]


@st.composite
def indexes(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["---", "title: Notes", "---", ""]
    if draw(st.booleans()):
        lines += ["# Title", ""]
    counter = 0
    for section in range(draw(st.integers(1, 6))):
        level = draw(st.sampled_from(["#", "##", "###"]))
        lines += [f"{level} Section {section}", ""]
        for _ in range(draw(st.integers(0, 6))):
            if draw(st.integers(0, 4)) == 0:
                lines.append(draw(st.sampled_from(_OTHER)))
            else:
                counter += 1
                lines.append(draw(st.sampled_from(_ITEMS)).format(n=counter))
        lines.append("")
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    bom = b"\xef\xbb\xbf" if draw(st.integers(0, 5)) == 0 else b""
    return bom + text.encode()


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=indexes(), picks=st.lists(st.integers(0, 1000), min_size=1, max_size=4))
def test_property_a_mark_gives_the_model_a_full_parse_gives(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, picks: list[int]
) -> None:
    path = write_index(tmp_path_factory.mktemp("marks"), data)
    index = parse_index(data, path)
    quick = 0
    for pick in picks:
        if not index.entries:
            event("no entries")
            return
        entry = index.entries[pick % len(index.entries)]
        wanted = Status.DONE if entry.status is Status.TODO else Status.TODO
        new = path.read_bytes()
        splices = edit_module.status_splices(index, entry, wanted)
        fast = reparse_marked(index, edit_module.apply_splices(new, splices), entry, wanted)
        quick += fast is not None
        try:
            result = mark(path, entry.key, wanted, known=index)
        except EditError:
            assert fast is None
            assert path.read_bytes() == new
            event("refused")
            continue
        if not result.changed:
            event("already so")
            continue
        assert result.entry.status is wanted and result.entry.key == entry.key
        assert_same_as_a_full_parse(result.index, path)
        if fast is not None:
            assert model_view(fast) == model_view(result.index)
        index = result.index
    event(f"re-parsed one chunk: {min(quick, 2)}+")
