"""Random Markdown and random bytes against the parser and the marker editor.

Indexes are built from a grammar of what real reading lists hold (headings, nested lists, task
boxes, TODO/DONE words, links of every kind, code, HTML, tables, frontmatter) written with any
line ending, an optional BOM and a sprinkle of raw bytes. Whatever comes in, parsing never
raises, positions stay inside the file, and a mark touches the marker's bytes only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.core.edit import MarkResult, mark
from app.core.errors import EditError
from app.core.model import Entry, Index, MarkerKind, Status
from app.core.parse import BOM, parse_index

_FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_WORD_TAIL = re.compile(rb":?[ \t]*")

# --- the grammar --------------------------------------------------------------------------------

# fmt: off
_word = st.sampled_from([
    "paper", "Zephyr", "TODO", "DONE", "todo", "TODO:", "x", "[x]", "[ ]", "é", "中文", "🙂",
    "\\*", "\\[", "\\", "&amp;", "&#35;", "*em*", "**b**", "`code`", "`TODO`", "<b>", "~~s~~",
    "|", "\t", "  ", "\x00", "\x1b]52;c;x\x07", "\u202e", "#", ">", "1.", "-", "[^1]",
])
_url = st.sampled_from([
    "https://a.b/c", "./n.md", "n.md", "papers/A%20B.md", "<./sp ace.md>", "#anchor", "../up.md",
    "/etc/passwd", "javascript:x", "", "dir/", "n.md#frag", "-a",
])
# fmt: on


@st.composite
def _inline(draw: st.DrawFn, least: int = 0) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(least, 5))):
        kind = draw(st.integers(0, 6))
        if kind == 0:
            parts.append(f"[{draw(_word)}]({draw(_url)})")
        elif kind == 1:
            parts.append(f"[{draw(_word)}][ref]")
        elif kind == 2:
            parts.append(f"<{draw(_url)}>")
        elif kind == 3:
            parts.append(f"![img]({draw(_url)})")
        else:
            parts.append(draw(_word))
    return " ".join(parts)


_bullet = st.sampled_from(["*", "-", "+", "1.", "2)", "10."])
# fmt: off
_status = st.sampled_from([  # no marker is the commonest; the last three mix two markers
    "", "", "TODO ", "TODO: ", "TODO\t", "DONE ", "[ ] ", "[x] ", "[X] ",
    "[ ] TODO ", "[x] TODO ", "TODO [ ] ",
])
# fmt: on


@st.composite
def _block(draw: st.DrawFn) -> list[str]:
    kind = draw(st.integers(0, 11))
    if kind <= 4:  # list items are most of an index
        indent = " " * draw(st.sampled_from([0, 0, 2, 3, 4, 6, 8]))
        head = f"{indent}{draw(_bullet)} {draw(_status)}{draw(_inline(least=1))}"
        lines = [head]
        if draw(st.booleans()):
            lines.append(f"{indent}  {draw(_inline())}")  # continuation or lazy line
        return lines
    if kind == 5:
        return [f"{'#' * draw(st.integers(1, 7))} {draw(_inline())}"]
    if kind == 6:
        return [draw(_inline()) or "Title", draw(st.sampled_from(["===", "---", "- - -"]))]
    if kind == 7:
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        closing = draw(st.sampled_from([fence, fence, fence, "```", ""]))
        return [fence, f"* TODO [in code]({draw(_url)})", closing]
    if kind == 8:
        return [
            draw(st.sampled_from(["<div>", "<!--", "<details>"])),
            f"- TODO {draw(_inline())}",
            draw(st.sampled_from(["</div>", "-->", ""])),
        ]
    if kind == 9:
        return [f"> {draw(_bullet)} {draw(_status)}{draw(_inline())}"]
    if kind == 10:
        return ["| a | b |", "|---|---|", f"| {draw(_inline())} | x |"]
    return ["", f"[ref]: {draw(_url)}", f"    - TODO indented code {draw(_word)}"]


@st.composite
def markdown_bytes(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    if draw(st.integers(0, 5)) == 0:
        lines += ["---", "title: x", "- [no](https://no)", "---"]
    for _ in range(draw(st.integers(1, 14))):
        lines += draw(_block())
        if draw(st.booleans()):
            lines.append("")
    eol = draw(st.sampled_from(["\n", "\r\n", "\r\n", "\n"]))
    data = eol.join(lines).encode()
    if draw(st.booleans()):
        data += eol.encode()
    for _ in range(draw(st.integers(0, 2))):  # a few raw bytes anywhere: invalid UTF-8, a lone CR
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    if draw(st.booleans()):
        data = BOM + data
    return data


# --- the properties -----------------------------------------------------------------------------


def line_count(data: bytes) -> int:
    return data.count(b"\n") + 1


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def assert_positions_are_sound(index: Index, data: bytes) -> None:
    for entry in index.entries:
        assert 1 <= entry.line <= line_count(data)
        marker = index.marker(entry)
        assert 0 <= marker.start <= marker.end <= len(data)
        span = data[marker.start : marker.end]
        if marker.kind is MarkerKind.TODO_WORD:
            assert span[:4] == b"TODO" and _WORD_TAIL.fullmatch(span[4:]), span
        elif marker.kind is MarkerKind.DONE_WORD:
            assert span[:4] == b"DONE" and _WORD_TAIL.fullmatch(span[4:]), span
        elif marker.kind is MarkerKind.CHECKBOX:
            assert span in (b"[ ]", b"[x]", b"[X]"), span
        else:
            assert marker.start == marker.end
        if marker.word_has_todo:
            assert data[marker.word_start : marker.word_start + 4] == b"TODO"


def round_trips(entry: Entry, original: Index, marked: Index) -> bool:
    """Whether marking there and back can restore the bytes; some mixed states cannot.

    The way back writes the file's usual marker, read from the file as marked: a ``TODO:`` that
    was the last of its style comes back as ``TODO ``, an ``[X]`` among ``[x]`` as ``[x]``, an
    unmarked entry in a file that writes ``DONE`` words as ``DONE``, and a file's last ``DONE``
    as no marker. A box also marked with a TODO word (``[x] TODO``) loses the word on ``done``,
    and ``TODO DONE x`` reads ``DONE x`` once done.
    """
    marker = original.marker(entry)
    span = original.data[marker.start : marker.end]
    if marker.word_has_todo:
        return False
    if marker.kind is MarkerKind.TODO_WORD:
        if original.uses_done_word:
            return marked.uses_done_word
        return not marked.uses_done_word and span == marked.todo_style.encode()
    if marker.kind is MarkerKind.DONE_WORD:
        return marked.uses_done_word
    if marker.kind is MarkerKind.NONE:
        return not original.uses_done_word
    if entry.status is Status.DONE:
        return span[1:2] == marked.checked_style.encode()
    return True


@_FUZZ
@given(data=markdown_bytes())
def test_parse_never_raises_and_positions_stay_in_the_file(data: bytes) -> None:
    index = parse_index(data, Path("/notes/README.md"))
    assert_positions_are_sound(index, data)


@settings(_FUZZ)
@given(data=st.binary(max_size=3000))
def test_random_bytes_never_raise(data: bytes) -> None:
    index = parse_index(data, Path("/notes/README.md"))
    assert_positions_are_sound(index, data)


@settings(_FUZZ)
@given(data=markdown_bytes(), pick=st.integers(0, 10_000))
# Found by the ci profile: a cell's box is the first one it shows, never a link's label.
@example(data=b"| a | b |\n|---|---|\n| [paper](https://a.b/c) [x][ref] [[ ]][ref] | x |", pick=0)
@example(data=b"| a | b |\n|---|---|\n| [x](https://a.b/c) [[ ]][ref] | x |", pick=0)
def test_mark_there_and_back_touches_one_line_and_restores_the_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, pick: int
) -> None:
    index = parse_index(data, Path("/notes/README.md"))
    if not index.entries:
        event("no entries")
        return
    entry = index.entries[pick % len(index.entries)]
    path = tmp_path_factory.mktemp("fuzz") / "README.md"
    path.write_bytes(data)
    there = Status.DONE if entry.status is Status.TODO else Status.TODO

    first = mark_or_refuse(path, entry.key, there)
    if first is None:
        event("refused")
        return
    marked = path.read_bytes()
    assert first.changed and first.entry.status is there
    assert changed_lines(data, marked) == [line_of_offset(data, index.marker(entry).start)]
    assert marker_sits_on_the_items_line_or_starts_its_own(index, entry)

    reversible = round_trips(entry, index, first.index)
    second = mark_or_refuse(path, first.entry.key, entry.status)
    assert second is not None or not reversible
    if second is not None:
        assert second.entry.status is entry.status
        assert changed_lines(marked, path.read_bytes()) == changed_lines(data, marked)
    if reversible:
        assert path.read_bytes() == data
    event(f"{'round trip' if reversible else 'one way'} from {entry.local_marker.kind}")


def mark_or_refuse(path: Path, key: str, status: Status) -> MarkResult | None:
    """Mark, or accept a refusal (the text after the marker would turn into a heading, a list,
    another marker...) as long as it left the file untouched."""
    before = path.read_bytes()
    try:
        return mark(path, key, status)
    except EditError as refused:
        assert "nothing was written" in str(refused)
        assert path.read_bytes() == before
        return None


def changed_lines(before: bytes, after: bytes) -> list[int]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new), "a mark never adds or removes a line"
    return [number for number, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b]


def marker_sits_on_the_items_line_or_starts_its_own(index: Index, entry: Entry) -> bool:
    """``-`` alone on a line, its text below: the marker is the first thing on that line."""
    data = index.data
    start = index.marker(entry).start
    if line_of_offset(data, start) == entry.line:
        return True
    return not data[data.rfind(b"\n", 0, start) + 1 : start].strip(b" \t>")
