"""The parse cache on disk: opening an index again gives exactly the model a cold parse gives,
without cutting or parsing the file again, and a cache file that is old, damaged or wrong is
never used."""

from __future__ import annotations

import marshal
import re
import shutil
import threading
import zlib
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import edit as edit_module
from app.core import parse_cache
from app.core.model import Index, Marker, MarkerKind, Status
from app.core.parse import ChunkMemory, chunk_bounds, load_index, parse_index, reparse_marked
from app.core.parse.assemble import _fast_marker, _marker
from app.core.parse.chunks import _INTERESTING, _Interesting
from bench.generate import generate
from tests.conftest import CORPUS_FILES, SAMPLE, model_view, write_index


def edge_cases() -> bytes:
    """Frontmatter, reference definitions used across chunks, repeated titles (keys), nesting,
    markers of every kind, fences, comments and HTML blocks, links out of the root."""
    parts = ["---\ntitle: Edge\n---\n\n# Edge cases\n\n"]
    for n in range(60):
        parts.append(f"## Section {n}\n\n")
        parts.append(f"* [ ] TODO [Paper {n}][ref{n % 5}] straße ΣΊΣΥΦΟΣ\n")
        parts.append(f"  - [X] nested [Q {n}](./n/{n}.md) DONE\n")
        parts.append(f"    * DONE: [Deep {n}](https://d/{n}) - about it\n")
        parts.append("* [Same title](./same.md)\n* [Same title](./same.md)\n")
        parts.append(f"* [up {n}](../up.md) `code`\n- TODO\tplain {n}\n\n")
        if n % 9 == 0:
            parts.append("```\n# not a heading\n```\n\n<!-- a comment\n# nor this\n-->\n\n")
            parts.append("<details>\n\n- TODO in html\n\n</details>\n\n")
    parts.append("".join(f"[ref{i}]: https://ref/{i}\n" for i in range(5)))
    return "".join(parts).encode()


def odd_bytes() -> bytes:
    """A BOM, CRLF line ends, bytes that are not UTF-8 and a title too long to keep."""
    text = edge_cases().decode().replace("\n", "\r\n")
    long_title = "Long " * 500
    return b"\xef\xbb\xbf" + text.encode() + f"* {long_title}\r\n".encode() + b"* bad \xff\xfe\r\n"


def _saved() -> None:
    """Wait for the cache written in the background."""
    for thread in threading.enumerate():
        if thread.name == "parse-cache":
            thread.join()


def new_process() -> ChunkMemory:
    """The parser's memory as a new process starts: empty. Every index goes through the cache on
    disk, whatever its size."""
    return ChunkMemory(disk_min_bytes=0)


def _reopen(path: Path) -> tuple[Index, ChunkMemory]:
    """Open ``path`` as a new process would: nothing in memory, the cache on disk; and the memory
    it was opened with, which counts the files cut and the chunks parsed."""
    _saved()
    memory = new_process()
    return load_index(path, memory=memory), memory


def _generated(entries: int) -> object:
    def make(folder: Path) -> Path:
        return generate(folder, entries, note_lines=5)

    make.__name__ = f"generated-{entries}"
    return make


def _file(source: Path) -> object:
    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copyfile(source, folder / "README.md"))

    make.__name__ = source.name
    return make


def _bytes(name: str, data: bytes) -> object:
    def make(folder: Path) -> Path:
        return write_index(folder, data)

    make.__name__ = name
    return make


SOURCES = [
    *(_file(source) for source in [*CORPUS_FILES, SAMPLE / "README.md"]),
    _generated(300),
    _generated(4000),
    _bytes("edge-cases", edge_cases()),
    _bytes("odd-bytes", odd_bytes()),
]


@pytest.mark.parametrize("make", SOURCES, ids=lambda make: make.__name__)
def test_a_warm_open_gives_exactly_the_model_of_a_cold_parse(make: object, tmp_path: Path) -> None:
    path = make(tmp_path / "notes")  # type: ignore[operator]
    data = path.read_bytes()
    cold = model_view(parse_index(data, path, cache={}))
    first = load_index(path, memory=new_process())  # parses every chunk, and saves them
    assert model_view(first) == cold
    warm, memory = _reopen(path)
    assert (memory.cuts, memory.chunks_parsed) == (0, 0)  # laid out as saved: not even cut
    assert model_view(warm) == cold
    again = load_index(path, memory=memory)  # from memory this time
    assert model_view(again) == cold
    assert memory.chunks_parsed == 0


def test_marks_after_a_warm_open_reparse_one_chunk_and_match_a_full_parse(tmp_path: Path) -> None:
    path = write_index(tmp_path, edge_cases())  # references: found only when a chunk needs them
    load_index(path, memory=new_process())
    for pick in (0, 1, 2, 3, 100, -1):
        index, memory = _reopen(path)
        entry = index.entries[pick]
        wanted = Status.DONE if entry.status is Status.TODO else Status.TODO
        data = edit_module.apply_splices(
            index.data, edit_module.status_splices(index, entry, wanted)
        )
        cuts, chunks = memory.cuts, memory.chunks_parsed
        marked = reparse_marked(index, data, entry, wanted, memory=memory)
        assert marked is not None
        assert (memory.cuts - cuts, memory.chunks_parsed - chunks) == (0, 1)
        assert model_view(marked) == model_view(parse_index(data, path, cache={}))


def test_an_outside_edit_parses_only_the_chunk_it_changed(tmp_path: Path) -> None:
    path = generate(tmp_path / "notes", 2000, note_lines=5)
    load_index(path, memory=new_process())
    _saved()
    data = path.read_bytes()
    edited = re.sub(rb"\n\* (TODO )?", b"\n* Edited ", data, count=1)
    assert edited != data
    path.write_bytes(edited)
    index, memory = _reopen(path)
    assert (memory.cuts, memory.chunks_parsed) == (1, 1)
    assert model_view(index) == model_view(parse_index(edited, path, cache={}))
    index, memory = _reopen(path)  # the cache was saved again, for the file as it is now
    assert (memory.cuts, memory.chunks_parsed) == (0, 0)
    assert model_view(index) == model_view(parse_index(edited, path, cache={}))


def _cache_file(path: Path) -> Path:
    target = parse_cache._file_for(path)
    assert target is not None
    return target


def test_a_cache_file_of_the_old_format_is_ignored(tmp_path: Path) -> None:
    path = write_index(tmp_path, edge_cases())
    data = path.read_bytes()
    cold = model_view(parse_index(data, path, cache={}))
    # The first format: chunk bytes -> rows of another shape. Were it read, titles would differ.
    row = (0, 0, 1, 0, "Misread", "done", None, (), ("none", 0, 0, 0, 0), False, "Misread")
    old: dict[bytes, object] = {
        b"\x00" + data[begin:end]: ([], [row], {}, {}, False, {})
        for begin, end in chunk_bounds(data)
    }
    target = _cache_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"readnotes-chunks-1\n" + marshal.dumps(old))
    assert parse_cache.load_with_layout(path)[0] == {}
    memory = new_process()
    assert model_view(load_index(path, memory=memory)) == cold
    assert memory.chunks_parsed == len(old)
    _saved()
    assert target.read_bytes().startswith(parse_cache._FORMAT)  # written anew, in this format
    assert parse_cache._FORMAT != b"readnotes-chunks-1\n"


def _damaged(raw: bytes, how: str) -> bytes:
    head = len(parse_cache._FORMAT)
    payload = raw[head + parse_cache._CRC_BYTES :]

    def with_crc(body: bytes) -> bytes:
        crc = zlib.crc32(body).to_bytes(parse_cache._CRC_BYTES, "big")
        return parse_cache._FORMAT + crc + body

    chunks, layout = marshal.loads(payload)
    if how == "format line only":
        return raw[:head]
    if how == "half the crc":
        return raw[: head + 2]
    if how.startswith("truncated"):
        return raw[: head + int(len(payload) * float(how.split()[1]))]
    if how == "a byte flipped":
        at = head + parse_cache._CRC_BYTES + len(payload) // 2
        return raw[:at] + bytes([raw[at] ^ 0x20]) + raw[at + 1 :]
    if how == "not marshal":
        return with_crc(b"\xff\x00garbage")
    if how == "not a pair":
        return with_crc(marshal.dumps(["chunks", 1]))
    if how == "rows of another shape":
        shapeless: dict[bytes, object] = {
            key: ([], [(1, 2, 3)], {}, {}, False, {}) for key in chunks
        }
        return with_crc(marshal.dumps((shapeless, layout)))
    if how == "rows out of range":
        odd = {
            key: (result[0], [(*r[:9], 99, *r[10:]) for r in result[1]], *result[2:])
            for key, result in chunks.items()
        }
        return with_crc(marshal.dumps((odd, layout)))
    if how == "a chunk missing":
        fewer = dict(list(chunks.items())[1:])
        return with_crc(marshal.dumps((fewer, layout)))
    if how == "a layout of another shape":
        return with_crc(marshal.dumps((chunks, (layout[0], "x", None))))
    if how == "a layout out of order":
        digest, front_end, salt, order = layout
        return with_crc(marshal.dumps((chunks, (digest, front_end, salt, order[::-1]))))
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "format line only",
        "half the crc",
        "truncated 0",
        "truncated 0.5",
        "truncated 0.999",
        "a byte flipped",
        "not marshal",
        "not a pair",
        "rows of another shape",
        "rows out of range",
        "a chunk missing",
        "a layout of another shape",
        "a layout out of order",
    ],
)
def test_a_damaged_cache_file_never_crashes_nor_misleads(how: str, tmp_path: Path) -> None:
    path = write_index(tmp_path, odd_bytes())
    data = path.read_bytes()
    cold = model_view(parse_index(data, path, cache={}))
    load_index(path, memory=new_process())
    _saved()
    target = _cache_file(path)
    target.write_bytes(_damaged(target.read_bytes(), how))
    assert model_view(_reopen(path)[0]) == cold
    assert model_view(_reopen(path)[0]) == cold  # and after what that one saved


def test_chunks_are_kept_under_digests_not_copies_of_the_file(tmp_path: Path) -> None:
    path = write_index(tmp_path, edge_cases())
    load_index(path, memory=new_process())
    _saved()
    chunks = parse_cache.load_with_layout(path)[0]
    assert len(chunks) == len(chunk_bounds(path.read_bytes()))
    assert {len(key) for key in chunks} == {32}


def test_markers_made_the_fast_way_are_markers() -> None:
    assert _marker is _fast_marker
    fast = _marker(MarkerKind.CHECKBOX, 3, 6, 7, 12)
    slow = Marker(MarkerKind.CHECKBOX, 3, 6, 7, 12)
    assert type(fast) is Marker
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert fast.word_has_todo
    with pytest.raises(FrozenInstanceError):
        fast.start = 4  # type: ignore[misc]


_PIECES = [
    b"#",
    b"# x",
    b"\n",
    b"\r\n",
    b" ",
    b"   ",
    b"    ",
    b"<",
    b"<!--",
    b"<?",
    b"<![CDATA[",
    b"```",
    b"~~~",
    b"<div>",
    b"a < b",
    b"text",
    b"\xef\xbb\xbf",
]


@settings(deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=40),
    steps=st.lists(st.integers(1, 6), min_size=1, max_size=60),
)
def test_property_the_fast_scan_finds_what_the_expression_finds(
    pieces: list[bytes], steps: list[int]
) -> None:
    data = b"".join(pieces)
    scan = _Interesting(data, 0)
    position = 0
    for step in steps:
        fast = scan.search(position)
        plain = _INTERESTING.search(data, position)
        assert (fast and fast.start()) == (plain and plain.start())
        position += step
        if position > len(data):
            break


def test_the_fast_scan_gives_way_to_the_expression_where_lines_hold_many_lt() -> None:
    data = b"* [x](u) <img src=a> text\n" * 2000 + b"\n## Heading\n\n* y\n"
    scan = _Interesting(data, 0)
    found = scan.search(0)
    assert found is not None and found.start() == data.index(b"## Heading")
    assert scan.plain
    assert chunk_bounds(data) == [(0, found.start()), (found.start(), len(data))]


def test_many_saves_are_all_written_and_a_file_saved_twice_holds_the_last(tmp_path: Path) -> None:
    """A hundred sub-indexes saved at a first start go through one writer; every file arrives,
    and one asked for twice before it was written holds what was asked last."""
    paths = [tmp_path / f"area-{n}" / "index.md" for n in range(40)]
    for n, path in enumerate(paths):
        parse_cache.save_later(path, {b"chunk": n}, None)
    parse_cache.save_later(paths[0], {b"chunk": "last"}, None)
    _saved()
    assert [parse_cache.load_with_layout(path)[0] for path in paths] == [
        {b"chunk": "last"},
        *({b"chunk": n} for n in range(1, 40)),
    ]
    parse_cache.save_later(paths[1], {b"chunk": "again"}, None)  # the writer ended: a new one
    _saved()
    assert parse_cache.load_with_layout(paths[1])[0] == {b"chunk": "again"}
