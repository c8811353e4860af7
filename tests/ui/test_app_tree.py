"""Moving through the tree: the preview follows the cursor, categories open and close."""

from __future__ import annotations

from pathlib import Path

from app_harness import (
    SIZE,
    cursor_entry,
    go_to,
    make_app,
    press,
    preview_text,
    screen_lines,
    settle,
    started,
    tree_labels,
    wait_until,
)

from app.core.model import Category, Entry
from app.ui.note_view import NoteView
from app.ui.tree import IndexTree


async def test_start_shows_the_index_title_tree_counts_and_status(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    # wide enough for the index's path in full, however deep pytest's temporary folder is
    async with app.run_test(size=(len(str(notes_copy)) + 80, SIZE[1])) as pilot:
        await started(pilot)
        header = screen_lines(app)[0]
        assert "Reading Notes" in header
        assert str(notes_copy / "README.md") in header
        labels = tree_labels(app)
        assert labels[0] == "Paper notes  10 · 1 TODO"
        assert labels[1] == "Large Language Model  10 · 1 TODO"
        assert "✓ 8-Bit Optimizers via Block-wise Quantization" in labels
        assert "○ Textbooks Are All You Need II: phi-1.5 technical report" in labels
        assert "Book notes  1" in labels
        assert len(labels) == 3 + 2 + 16  # every category expanded: 5 headings, 16 entries
        assert str(app.status_line.render()) == "16 entries · 3 TODO"
        assert app.focused is app.index_tree
        overview = preview_text(app)
        assert "Paper notes" in overview
        assert "Zephyr: Direct Distillation of LM Alignment" in overview


async def test_down_up_j_k_move_and_the_preview_follows(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "down", "j")
        assert cursor_entry(app).title.startswith("8-Bit Optimizers")
        await wait_until(pilot, lambda: app.note_view.is_complete)
        text = preview_text(app)
        assert "8-Bit Optimizers via Block-wise Quantization" in text
        assert "1  paper  https://arxiv.org/abs/2110.02861v1" in text
        assert "2  code  https://github.com/TimDettmers/bitsandbytes" in text
        assert "authors: Tim Dettmers" in text
        await press(pilot, "j")
        assert cursor_entry(app).title == "Attention Is All You Need"
        await press(pilot, "k", "up")
        item = app.index_tree.cursor_item
        assert isinstance(item, Category)
        assert item.title == "Large Language Model"


async def test_left_goes_to_the_category_then_collapses_right_expands(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention Is All")
        await press(pilot, "left")
        tree = app.index_tree
        assert tree_labels(app)[tree.cursor_line].startswith("Large Language Model")
        await press(pilot, "left")
        assert "✓ Attention Is All You Need" not in tree_labels(app)
        await press(pilot, "right")
        assert "✓ Attention Is All You Need" in tree_labels(app)
        await press(pilot, "h")
        assert "✓ Attention Is All You Need" not in tree_labels(app)
        await press(pilot, "l", "j")
        assert cursor_entry(app).title.startswith("8-Bit")


async def test_enter_toggles_a_category_and_focuses_the_preview_on_an_entry(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "enter")
        assert tree_labels(app)[1:2] == ["Blog notes  5 · 2 TODO"]
        await press(pilot, "enter")
        assert tree_labels(app)[1] == "Large Language Model  10 · 1 TODO"
        await press(pilot, "down", "down", "enter")
        assert isinstance(app.focused, NoteView)
        assert "8-Bit Optimizers" in preview_text(app)


async def test_tab_and_shift_tab_switch_pane(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "tab")
        assert isinstance(app.focused, NoteView)
        await press(pilot, "shift+tab")
        assert isinstance(app.focused, IndexTree)


async def test_clicking_a_node_shows_it(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        line = tree_labels(app).index("✓ Attention Is All You Need")
        await pilot.click(IndexTree, offset=(8, line))
        await settle(pilot)
        assert cursor_entry(app).title == "Attention Is All You Need"
        await wait_until(pilot, lambda: "Attention Is All You Need" in preview_text(app))


async def test_a_big_index_builds_entries_only_when_a_category_opens(tmp_path: Path) -> None:
    lines = ["# Big", ""]
    for top in range(3):
        lines += [f"## Top {top}", ""]
        for sub in range(4):
            lines += [f"### Sub {top}.{sub}", ""]
            lines += [
                f"* [Paper {top}.{sub}.{n}](https://x.org/{top}/{sub}/{n})" for n in range(30)
            ]
            lines.append("")
    (tmp_path / "README.md").write_text("\n".join(lines))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        tree = app.index_tree
        labels = tree_labels(app)
        assert labels[:2] == ["Top 0  120", "Sub 0.0  30"]  # first level open, the rest closed
        assert len(labels) == 3 + 12
        assert not any(isinstance(tree.item_at(n), Entry) for n in range(tree.line_count))
        await press(pilot, "down", "right")
        assert sum(isinstance(tree.item_at(n), Entry) for n in range(tree.line_count)) == 30
        assert tree_labels(app)[2] == "✓ Paper 0.0.0"
        await press(pilot, "down", "down")
        assert cursor_entry(app).title == "Paper 0.0.1"
        await press(pilot, "slash", "0", ".", "0", ".", "1", "enter")
        await press(pilot, "escape")
        assert cursor_entry(app).title == "Paper 0.0.1"  # back on the same entry by identity
        labels = tree_labels(app)
        assert labels[2] == "✓ Paper 0.0.0"  # the categories open before the filter, again
        assert "Sub 1.0  30" in labels and "✓ Paper 1.0.0" not in labels


async def test_closing_the_category_around_the_cursor_puts_it_on_the_category(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        assert app.index is not None
        around = next(c for c in app.index.categories() if c.title == "Knowledge distillation")
        await press(pilot, "left", "left")  # to the category around the cursor, and close it
        await settle(pilot)
        assert app.index_tree.cursor_item is around
        assert "Zephyr" not in " ".join(tree_labels(app))
        await wait_until(pilot, lambda: "5 entries" in preview_text(app))
