"""Recording the done date: exactly one line of the note's frontmatter changes, or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import EditError
from app.core.frontmatter_edit import FrontmatterEditError, with_done_date, write_done_date
from app.core.notes import split_frontmatter

DAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            b"---\ntitle: Zephyr\ntags: [llm]\n---\n# Zephyr\n",
            b"---\ntitle: Zephyr\ntags: [llm]\ndone: 2026-11-27\n---\n# Zephyr\n",
        ),
        (  # an existing date is replaced in place, the key order kept
            b"---\ndone: 2024-01-02\ntitle: x\n---\nbody\n",
            b"---\ndone: 2026-11-27\ntitle: x\n---\nbody\n",
        ),
        (  # CRLF and a byte order mark stay
            b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nbody\r\n",
            b"\xef\xbb\xbf---\r\ntitle: x\r\ndone: 2026-11-27\r\n---\r\nbody\r\n",
        ),
        (  # quoting, comments and odd spacing elsewhere are the user's and stay
            b"---\n# mine\ntitle:   'Q: \"x\"'   # c\n---\n",
            b"---\n# mine\ntitle:   'Q: \"x\"'   # c\ndone: 2026-11-27\n---\n",
        ),
        (  # a YAML end marker
            b"---\ntitle: x\n...\nbody\n",
            b"---\ntitle: x\ndone: 2026-11-27\n...\nbody\n",
        ),
        (b"---\n---\nbody\n", b"---\ndone: 2026-11-27\n---\nbody\n"),
        (  # TOML frontmatter gets a TOML date
            b"+++\ntitle = 'x'\n+++\nbody\n",
            b"+++\ntitle = 'x'\ndone = 2026-11-27\n+++\nbody\n",
        ),
        (b"+++\ndone = 2020-01-01\n+++\n", b"+++\ndone = 2026-11-27\n+++\n"),
        (  # no frontmatter: a minimal block in front, in the file's line endings
            b"# Title\r\n\r\ntext\r\n",
            b"---\r\ndone: 2026-11-27\r\n---\r\n# Title\r\n\r\ntext\r\n",
        ),
        (b"", b"---\ndone: 2026-11-27\n---\n"),
        (  # a note that opens with a rule and some prose is not frontmatter
            b"---\nJust prose.\n---\n",
            b"---\ndone: 2026-11-27\n---\n---\nJust prose.\n---\n",
        ),
        (b"---\nno closing rule\n", b"---\ndone: 2026-11-27\n---\n---\nno closing rule\n"),
    ],
)
def test_only_the_done_line_changes(before: bytes, after: bytes) -> None:
    assert with_done_date(before, DAY) == after


def test_the_same_date_again_changes_nothing() -> None:
    data = b"---\ndone: 2026-11-27\n---\n"
    assert with_done_date(data, DAY) is data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"---\n- a list\n---\n", "YAML list"),
        (b"---\ntitle: [unclosed\n---\n", "not valid YAML"),
        (b"---\ndone:\n  - 2024-01-01\n---\n", "spans several lines"),
        (b"---\ndone: a\nx: 1\ndone: b\n---\n", "several done lines"),
        (b"---\ntitle: \xff\n---\n", "not valid UTF-8"),
        (b"+++\ntitle = [\n+++\n", "not valid TOML"),
        (b'{\n"title": "x"\n}\n', "JSON"),
        (b"---\ndone: |\n  multi\n---\n", "spans several lines"),
    ],
)
def test_what_cannot_be_edited_one_line_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(FrontmatterEditError, match=reason):
        with_done_date(data, DAY)


def test_an_edit_that_would_change_another_field_is_refused() -> None:
    # "done:" at column 0 inside a folded scalar's continuation is not a key of its own
    data = b'---\nnote: "first line\ndone: still the note"\n---\n'
    with pytest.raises(FrontmatterEditError, match="how the note's frontmatter reads"):
        with_done_date(data, DAY)


# -- hypothesis: whatever the header, one line changes and every other byte stays ----------------

_KEYS = st.sampled_from(["title", "tags", "year", "status", "paper", "Done", "done_by", "url"])
_VALUES = st.sampled_from(
    ["x", "'quoted: yes'", '"dq"', "[a, b]", "2023", "no", "https://a.b/c?d=1", "", "~"]
)
_LINES = st.one_of(
    st.tuples(_KEYS, _VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}".rstrip()),
    st.just("# a comment"),
    st.just(""),
)


@st.composite
def notes(draw: st.DrawFn) -> tuple[bytes, str]:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    lines = draw(st.lists(_LINES, max_size=6, unique=True))
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), f"done: {draw(_VALUES.filter(bool))}")
    body = draw(st.text(alphabet="ab #-\n*", max_size=30)).replace("\n", newline)
    header = draw(st.booleans())
    text = (
        ("---" + newline + "".join(line + newline for line in lines) + "---" + newline)
        if header
        else ""
    )
    return (bom + text + body).encode("utf-8"), newline


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@given(notes())
def test_exactly_one_line_is_added_or_replaced(note: tuple[bytes, str]) -> None:
    data, newline = note
    try:
        new = with_done_date(data, DAY)
    except FrontmatterEditError:
        return  # refused: the caller writes nothing
    old_lines, new_lines = _lines(data), _lines(new)
    wanted = f"done: {DAY.isoformat()}{newline}".encode()
    if len(new_lines) == len(old_lines):
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert len(changed) <= 1
        if changed:
            assert changed[0][0].startswith(b"done:")
            assert changed[0][1] == wanted
    elif len(new_lines) == len(old_lines) + 1:
        assert any(
            new_lines[:n] + new_lines[n + 1 :] == old_lines
            for n, line in enumerate(new_lines)
            if line == wanted
        )
    else:  # a block put in front of a note without frontmatter
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        ending = newline if newline.encode() in data else "\n"
        block = f"---{ending}done: 2026-11-27{ending}---{ending}".encode()
        assert new == bom + block + data[len(bom) :]
    meta = split_frontmatter(new.decode("utf-8").removeprefix("\ufeff")).meta
    assert [value for key, value in meta if key == "done"] == ["2026-11-27"]


# -- on disk ---------------------------------------------------------------------------------------


def test_write_done_date_edits_the_note_atomically(tmp_path: Path) -> None:
    note = tmp_path / "papers" / "z.md"
    note.parent.mkdir()
    note.write_bytes(b"---\ntitle: z\n---\n# z\n")
    assert write_done_date(tmp_path, "papers/z.md", DAY)
    assert note.read_bytes() == b"---\ntitle: z\ndone: 2026-11-27\n---\n# z\n"
    assert sorted(p.name for p in note.parent.iterdir()) == [
        ".z.md.readnotes-lock",
        "z.md",
    ]  # no temp left


def test_a_missing_note_a_folder_or_a_path_outside_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    assert not write_done_date(tmp_path, "missing.md", DAY)
    assert not write_done_date(tmp_path, "folder/", DAY)
    assert not write_done_date(tmp_path, "folder", DAY)
    assert not write_done_date(tmp_path, "../outside.md", DAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_a_read_only_note_is_a_refusal_and_stays(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"# n\n")
    note.chmod(0o444)
    with pytest.raises(EditError, match="read-only"):
        write_done_date(tmp_path, "n.md", DAY)
    assert note.read_bytes() == b"# n\n"


def test_the_done_day_is_read_back_as_written(tmp_path: Path) -> None:
    from app.core.frontmatter_edit import done_date_in_note

    notes = {
        "yaml.md": "---\ntitle: A\ndone: '2024-02-03'\n---\n# A\n",
        "toml.md": '+++\ntitle = "A"\ndone = 2024-02-04\n+++\n# A\n',
        "body.md": "# A\n\ndone: 2024-02-05 is only text here\n",
        "bad.md": "---\ndone: someday\n---\n",
        "written.md": with_done_date(b"---\ntitle: A\n---\n", date(2024, 2, 6)).decode(),
    }
    for name, text in notes.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {name: done_date_in_note(tmp_path, name) for name in [*notes, "missing.md", "dir/"]}
    assert found == {
        "yaml.md": date(2024, 2, 3),
        "toml.md": date(2024, 2, 4),
        "body.md": None,
        "bad.md": None,
        "written.md": date(2024, 2, 6),
        "missing.md": None,
        "dir/": None,
    }
