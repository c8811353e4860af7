"""The tree's lines without a screen: guides, opening and closing, and what a filter opens."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.core.model import Category, Entry, Index
from app.core.parse import parse_index
from app.ui.tree_lines import TreeLines
from tests.conftest import SAMPLE


def sample_index(tmp_path: Path) -> Index:
    path = tmp_path / "README.md"
    shutil.copy(SAMPLE / "README.md", path)
    return parse_index(path.read_bytes(), path)


def drawn(lines: TreeLines) -> list[str]:
    return [line.guide + line.item.title for line in lines.lines]


def line_titled(lines: TreeLines, title: str) -> int:
    return next(n for n, line in enumerate(lines.lines) if line.item.title == title)


def test_a_small_index_opens_everything_with_guides_below_each_category(tmp_path: Path) -> None:
    lines = TreeLines()
    lines.show(sample_index(tmp_path), None, cursor=None, restored=None)
    shown = drawn(lines)
    assert len(shown) == 3 + 2 + 16
    assert shown[:3] == [
        "Paper notes",
        "└ Large Language Model",
        "  ├ 8-Bit Optimizers via Block-wise Quantization",
    ]
    assert "  └ Knowledge distillation" in shown
    assert "    └ Zephyr: Direct Distillation of LM Alignment" in shown
    assert shown[-2:] == ["Book notes", "└ thinking in cpp"]


def test_closing_and_opening_a_category_splices_its_lines_out_and_back(tmp_path: Path) -> None:
    lines = TreeLines()
    lines.show(sample_index(tmp_path), None, cursor=None, restored=None)
    before = drawn(lines)
    line = line_titled(lines, "Large Language Model")
    assert lines.collapse(line) == -11  # its five entries, the sub-category and its five
    assert drawn(lines)[line + 1] == "Blog notes"
    assert lines.collapse(line) is None  # already closed
    assert lines.expand(line) == 11  # the sub-category stayed open inside it
    assert lines.expand(line) is None
    assert drawn(lines) == before
    inner = line_titled(lines, "Knowledge distillation")
    assert lines.collapse(inner) == -5
    assert lines.expand(inner) == 5
    assert drawn(lines) == before


def test_a_filter_opens_what_holds_matches_and_gives_back_what_was_open(tmp_path: Path) -> None:
    index = sample_index(tmp_path)
    lines = TreeLines()
    lines.show(index, None, cursor=None, restored={"Book notes"})
    assert drawn(lines) == ["Paper notes", "Blog notes", "Book notes", "└ thinking in cpp"]
    ray = next(e for e in index.entries if e.title == "Ray")
    lines.show(index, [ray], cursor=None, restored=None)
    assert drawn(lines) == ["Blog notes", "└ Ray"]
    assert lines.remembered_expansion() == {"Book notes"}
    lines.show(index, None, cursor=ray, restored=None)
    assert drawn(lines)[:2] == ["Paper notes", "Blog notes"]
    assert "└ thinking in cpp" in drawn(lines) and "└ Ray" in drawn(lines)
    assert isinstance(lines.item_at(0), Category) and isinstance(lines.item_at(3), Entry)
