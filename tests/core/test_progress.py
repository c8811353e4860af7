"""Progress: done / total per category and overall, bars that fill only when all is done."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.core.parse import load_index
from app.core.progress import (
    EMPTY,
    FULL,
    Progress,
    cell_width,
    overall_progress,
    progress_bar,
    progress_rows,
    stats_json,
    stats_table,
)
from tests.conftest import write_index


def test_the_sample_folder_table_lists_nested_categories_then_overall(notes_copy: Path) -> None:
    table = stats_table(load_index(notes_copy)).splitlines()
    assert table[0].split() == ["Category", "Done", "Total", "%", "Progress"]
    assert table[1:] == [
        "Paper notes                     9     10   90%  █████████░",
        "  Large Language Model          9     10   90%  █████████░",
        "    Knowledge distillation      5      5  100%  ██████████",
        "Blog notes                      3      5   60%  ██████░░░░",
        "Book notes                      1      1  100%  ██████████",
        "Overall                        13     16   81%  ████████░░",
    ]


def test_json_has_every_category_path_and_the_overall(notes_copy: Path) -> None:
    data = stats_json(load_index(notes_copy))
    assert data["overall"] == {"done": 13, "total": 16, "percent": 81}
    categories = data["categories"]
    assert isinstance(categories, list)
    assert categories[2] == {
        "category": ["Paper notes", "Large Language Model", "Knowledge distillation"],
        "done": 5,
        "total": 5,
        "percent": 100,
    }


def test_entries_before_any_heading_get_their_own_row(tmp_path: Path) -> None:
    write_index(tmp_path, "- [ ] loose\n- [x] done\n\n## A\n\n- [x] one\n")
    index = load_index(tmp_path)
    rows = progress_rows(index.tree)
    assert [(row.title, row.progress) for row in rows] == [
        ("(before any heading)", Progress(1, 2)),
        ("A", Progress(1, 1)),
    ]
    assert overall_progress(index) == Progress(2, 3)


def test_an_empty_index_is_zero_percent_and_an_empty_bar(tmp_path: Path) -> None:
    write_index(tmp_path, "# Nothing yet\n")
    index = load_index(tmp_path)
    assert overall_progress(index).percent == 0
    assert stats_table(index).splitlines()[-1].endswith("0      0    0%  ░░░░░░░░░░")


def test_titles_with_escapes_are_inert_and_wide_titles_stay_aligned(tmp_path: Path) -> None:
    write_index(tmp_path, "## Bad \x1b[31mred\n\n- [x] a\n\n## 日本語のノート\n\n- [ ] b\n")
    lines = stats_table(load_index(tmp_path)).splitlines()
    assert "\x1b" not in "".join(lines)
    assert lines[2].startswith("日本語のノート")

    def bar_column(line: str) -> int:
        start = min(line.index(mark) for mark in (FULL, EMPTY) if mark in line)
        return cell_width(line[:start])

    assert len({bar_column(line) for line in lines[1:]}) == 1


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 40))
def test_bars_fill_only_when_everything_is_done(a: int, b: int, width: int) -> None:
    done, total = min(a, b), max(a, b)
    bar = progress_bar(done, total, width)
    assert len(bar) == width and set(bar) <= {FULL, EMPTY}
    assert (bar == FULL * width) == (total > 0 and done == total)
    progress = Progress(done, total)
    assert 0 <= progress.percent <= 100
    assert (progress.percent == 100) == (total > 0 and done == total)
