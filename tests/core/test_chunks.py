"""Chunked parsing gives exactly the model a whole-file parse gives, and reuses what it can."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import parse_cache
from app.core.model import Index
from app.core.parse import ChunkMemory, chunk_bounds, front_matter_end, parse_index
from app.core.temps import STALE_SECONDS, temp_name
from tests.conftest import CORPUS_FILES, SAMPLE, model_view


def _front_matter_and_the_rest(data: bytes, start: int = 0) -> list[tuple[int, int]]:
    """No cuts but the one after the frontmatter (parsed apart, so "---" blocks lower down are
    never taken for metadata)."""
    front = front_matter_end(data, start)
    return (
        [(start, front), (front, len(data))] if start < front < len(data) else [(start, len(data))]
    )


def whole(data: bytes, path: Path) -> Index:
    return parse_index(data, path, cache={}, cut=_front_matter_and_the_rest)


@pytest.mark.parametrize("source", [*CORPUS_FILES, SAMPLE / "README.md"], ids=lambda p: p.name)
def test_chunked_and_whole_parses_agree_on_real_indexes(source: Path) -> None:
    data = source.read_bytes()
    assert len(chunk_bounds(data)) > 1 or len(data) < 1000
    assert model_view(parse_index(data, source, cache={}), layout=False) == model_view(
        whole(data, source), layout=False
    )


_line = st.sampled_from(
    [
        "# Title",
        "## Papers",
        "### Sub",
        "#### Deep",
        "#notaheading",
        "",
        "",
        "* [A](./a.md) [[paper](https://p)]",
        "- TODO [B](https://b)",
        "- [ ] [C][ref]",
        "  - [x] nested [D](./d/)",
        "1. [E](https://e) - text",
        "```",
        "~~~~",
        "    indented code",
        "<details>",
        "<div class='x'>",
        "<b>bold</b> text",
        "<img src='a.png'>",
        "  ```python",
        "</details>",
        "<!-- comment",
        "-->",
        "<pre>",
        "</pre>",
        "> quote [Q](https://q)",
        "[ref]: https://ref",
        "Setext",
        "===",
        "---",
        "| a | b |",
        "- [Back](#top)",
        "\t* tabbed [T](https://t)",
    ]
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, max_size=40), crlf=st.booleans())
def test_property_chunked_equals_whole(lines: list[str], crlf: bool) -> None:
    data = ("\r\n" if crlf else "\n").join(lines).encode()
    path = Path("/nonexistent/README.md")
    assert model_view(parse_index(data, path, cache={}), layout=False) == model_view(
        whole(data, path), layout=False
    )


def test_an_edit_reparses_only_its_chunk(tmp_path: Path) -> None:
    sections = [f"## Section {n}\n\n* [Paper {n}](https://p/{n})\n" for n in range(50)]
    data = ("# Notes\n\n" + "\n".join(sections)).encode()
    path = tmp_path / "README.md"
    memory = ChunkMemory()
    parse_index(data, path, memory=memory)
    parsed = memory.chunks_parsed
    edited = data.replace(b"[Paper 7]", b"[Paper seven]")
    index = parse_index(edited, path, memory=memory)
    assert memory.chunks_parsed == parsed + 1  # the one that changed: no other is new
    assert [e.title for e in index.entries][6:9] == ["Paper 6", "Paper seven", "Paper 8"]
    assert index.entries[8].line == edited.split(b"\n").index(b"* [Paper 8](https://p/8)") + 1


def test_a_big_index_is_cached_on_disk_and_reused(tmp_path: Path) -> None:
    sections = [
        f"## Section {n}\n\n"
        + "".join(f"* [Paper {n}.{m}](https://p/{n}/{m})\n" for m in range(40))
        for n in range(200)
    ]
    data = "\n".join(sections).encode()
    assert len(data) >= parse_cache.MIN_BYTES
    path = tmp_path / "README.md"
    path.write_bytes(data)
    first = parse_index(data, path)
    for _ in range(200):  # the cache is written by a background thread
        if parse_cache.load_with_layout(path)[0]:
            break
        time.sleep(0.01)
    stored = parse_cache.load_with_layout(path)[0]
    assert len(stored) == len(chunk_bounds(data))
    again = parse_index(data, path, cache=dict(stored))
    assert model_view(again, layout=False) == model_view(first, layout=False)


def test_a_corrupt_cache_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    target = parse_cache._file_for(path)
    assert target is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"readnotes-chunks-1\n\x00garbage")
    assert parse_cache.load_with_layout(path)[0] == {}


def test_a_command_that_exits_at_once_leaves_a_complete_cache_and_no_temporaries(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    sections = [
        f"## Section {n}\n\n"
        + "".join(f"* TODO [P {n}.{m}](https://p/{n}/{m})\n" for m in range(40))
        for n in range(200)
    ]
    path = tmp_path / "README.md"
    path.write_text("\n".join(sections))
    cache = tmp_path / "cache"
    env = {**os.environ, "READNOTES_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "list", str(path)], env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    names = [p.name for p in cache.iterdir()]
    assert [name for name in names if name.endswith(".tmp")] == []
    assert len([name for name in names if name.endswith(".marshal")]) == 1


def test_temporaries_left_by_a_killed_writer_are_removed_once_stale(tmp_path: Path) -> None:
    """Writing the cache sweeps its folder of what a writer killed mid-write left there."""
    folder = parse_cache.cache_folder()
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    names = (temp_name("index-a.marshal"), temp_name("index-b.marshal"), "x.tmp")
    stale, fresh, other = (folder / name for name in names)
    for file in (stale, fresh, other):
        file.write_bytes(b"readnotes-chunks-1\n")
    old = time.time() - STALE_SECONDS - 5
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    parse_cache.save_later(tmp_path / "README.md", {}, None)
    for thread in threading.enumerate():
        if thread.name == "parse-cache":
            thread.join()
    assert sorted(p.name for p in folder.glob("*.tmp")) == sorted([fresh.name, other.name])
    assert not stale.exists() and fresh.exists() and other.exists()
