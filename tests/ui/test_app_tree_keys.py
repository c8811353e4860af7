"""The tree drawn with the line API: space, paging, home/end, the mouse, guides, scrolling.

(Keys typed fast after ``/`` reaching the filter are covered in test_app_same_frame.py.)
"""

from __future__ import annotations

from pathlib import Path

from app_harness import (
    SIZE,
    cursor_entry,
    make_app,
    press,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
    widget_text,
)

from app.core.model import Category
from app.ui.app import ReadnotesApp
from app.ui.tree import EXPAND_ALL_LIMIT, IndexTree

PARTS, NOTES = 3, 40


def write_long_index(folder: Path) -> Path:
    """Three categories of forty entries: small enough that every category starts open."""
    assert PARTS * NOTES <= EXPAND_ALL_LIMIT
    lines = ["# Long", ""]
    for part in range(PARTS):
        lines += [f"## Part {part}", ""]
        lines += [f"* [Note {part}.{n}](note{part}_{n}.md)" for n in range(NOTES)]
        lines.append("")
    (folder / "README.md").write_text("\n".join(lines))
    return folder


def tree_rows(app: ReadnotesApp) -> list[str]:
    """The tree's lines as painted on screen (guides and icons included), top to bottom,
    without the scrollbar."""
    tree = app.index_tree
    width = tree.scrollable_content_region.width
    return [row[:width].rstrip() for row in widget_text(app, tree).split("\n")]


def category_title(app: ReadnotesApp) -> str:
    item = app.index_tree.cursor_item
    assert isinstance(item, Category), "the cursor is not on a category"
    return item.title


def assert_cursor_on_screen(app: ReadnotesApp) -> None:
    """The cursor's line is inside the tree's visible part, and its label is painted there."""
    tree = app.index_tree
    top = tree.scroll_offset.y
    height = tree.scrollable_content_region.height
    assert top <= tree.cursor_line < top + height
    row = tree_rows(app)[tree.cursor_line - top]
    assert tree_labels(app)[tree.cursor_line] in row


async def test_space_closes_and_opens_a_category_and_does_nothing_on_an_entry(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        everything = tree_labels(app)
        assert category_title(app) == "Paper notes"
        await press(pilot, "space")
        assert tree_labels(app)[:3] == [
            "Paper notes  10 · 1 TODO",
            "Blog notes  5 · 2 TODO",
            "✓ GPU Performance Background User's Guide",
        ]
        assert "✓ Attention Is All You Need" not in tree_labels(app)
        assert len(tree_labels(app)) == len(everything) - 12  # 2 sub-categories, 10 entries
        assert category_title(app) == "Paper notes"
        assert tree_rows(app)[0] == "▶ Paper notes  10 · 1 TODO"
        await press(pilot, "space")
        assert tree_labels(app) == everything
        assert tree_rows(app)[0] == "▼ Paper notes  10 · 1 TODO"

        await press(pilot, "down", "down")
        assert cursor_entry(app).title.startswith("8-Bit Optimizers")
        await press(pilot, "space")
        assert tree_labels(app) == everything
        assert cursor_entry(app).title.startswith("8-Bit Optimizers")

        line = everything.index("Knowledge distillation  5")
        await press(pilot, *["down"] * (line - app.index_tree.cursor_line))
        assert category_title(app) == "Knowledge distillation"
        await press(pilot, "space")  # a nested category: only its own entries go
        labels = tree_labels(app)
        assert labels[line : line + 2] == ["Knowledge distillation  5", "Blog notes  5 · 2 TODO"]
        assert "✓ Attention Is All You Need" in labels
        assert "✓ Zephyr: Direct Distillation of LM Alignment" not in labels
        assert tree_rows(app)[line] == "  └ ▶ Knowledge distillation  5"
        await press(pilot, "space")
        assert tree_labels(app) == everything


async def test_pagedown_pageup_end_and_home_move_the_cursor_and_keep_it_on_screen(
    tmp_path: Path,
) -> None:
    app = make_app(write_long_index(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        tree = app.index_tree
        assert len(tree_labels(app)) == PARTS * (NOTES + 1)  # every category open
        last = tree.line_count - 1
        page = tree.scrollable_content_region.height - 1
        assert 10 < page < last // 2
        assert tree.cursor_line == 0

        await press(pilot, "pagedown")
        assert tree.cursor_line == page
        assert tree.scroll_offset.y == 0  # the bottom line was already on screen
        assert_cursor_on_screen(app)
        await press(pilot, "pagedown")
        assert tree.cursor_line == 2 * page
        assert tree.scroll_offset.y > 0
        assert_cursor_on_screen(app)
        await press(pilot, "pageup")
        assert tree.cursor_line == page
        assert_cursor_on_screen(app)
        await press(pilot, "pageup")
        assert tree.cursor_line == 0
        assert tree.scroll_offset.y == 0
        await press(pilot, "pageup")  # at the top already: stays
        assert tree.cursor_line == 0

        await press(pilot, "end")
        assert tree.cursor_line == last
        assert cursor_entry(app).title == f"Note {PARTS - 1}.{NOTES - 1}"
        assert tree.scroll_offset.y == tree.max_scroll_y > 0
        assert_cursor_on_screen(app)
        assert tree_rows(app)[-1].startswith(f"└ ✓ Note {PARTS - 1}.{NOTES - 1}")
        await press(pilot, "pagedown")  # at the bottom already: stays
        assert tree.cursor_line == last

        await press(pilot, "pageup")
        assert tree.cursor_line == last - page
        assert_cursor_on_screen(app)
        await press(pilot, "home")
        assert tree.cursor_line == 0
        assert category_title(app) == "Part 0"
        assert tree.scroll_offset.y == 0
        assert tree_rows(app)[0] == f"▼ Part 0  {NOTES}"


async def test_clicking_a_category_moves_the_cursor_to_it_and_toggles_it(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        everything = tree_labels(app)
        line = everything.index("Blog notes  5 · 2 TODO")
        assert app.index_tree.cursor_line != line
        await pilot.click(IndexTree, offset=(4, line))
        await settle(pilot)
        assert app.index_tree.cursor_line == line
        assert category_title(app) == "Blog notes"
        assert "○ Ray" not in tree_labels(app)
        assert tree_labels(app)[line + 1] == "Book notes  1"
        assert tree_rows(app)[line] == "▶ Blog notes  5 · 2 TODO"
        await pilot.click(IndexTree, offset=(4, line))
        await settle(pilot)
        assert category_title(app) == "Blog notes"
        assert tree_labels(app) == everything
        assert tree_rows(app)[line] == "▼ Blog notes  5 · 2 TODO"


async def test_clicking_a_category_in_a_scrolled_tree_picks_the_line_under_the_mouse(
    tmp_path: Path,
) -> None:
    app = make_app(write_long_index(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        tree = app.index_tree
        await press(pilot, "pagedown", "pagedown")
        top = tree.scroll_offset.y
        line = tree_labels(app).index(f"Part 1  {NOTES}")
        assert top > 0 and top < line < top + tree.scrollable_content_region.height
        await pilot.click(IndexTree, offset=(2, line - top))
        await settle(pilot)
        assert tree.cursor_line == line
        assert category_title(app) == "Part 1"
        assert "✓ Note 1.0" not in tree_labels(app)
        assert tree_labels(app)[line + 1] == f"Part 2  {NOTES}"
        assert tree.scroll_offset.y == top
        assert tree_rows(app)[line - top] == f"▶ Part 1  {NOTES}"
        await pilot.click(IndexTree, offset=(2, line - top))
        await settle(pilot)
        assert tree.cursor_line == line
        assert tree_labels(app)[line + 1] == "✓ Note 1.0"
        assert tree_rows(app)[line - top].startswith(f"▼ Part 1  {NOTES}")


async def test_guides_and_icons_are_drawn_before_the_labels(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        rows = tree_rows(app)
        assert rows[:2] == [
            "▼ Paper notes  10 · 1 TODO",
            "└ ▼ Large Language Model  10 · 1 TODO",
        ]
        assert rows[2].startswith("  ├ ✓ 8-Bit Optimizers")
        assert rows[6].startswith("  ├ ○ Textbooks Are All You Need II")
        assert rows[7] == "  └ ▼ Knowledge distillation  5"
        assert rows[8].startswith("    ├ ✓ Distilling Step-by-Step!")
        assert rows[12].startswith("    └ ✓ Zephyr")
        assert rows[13:21] == [
            "▼ Blog notes  5 · 2 TODO",
            "├ ✓ GPU Performance Background User's Guide",
            "├ ✓ How continuous batching enables 23x throu",  # cut at the tree's width
            "├ ✓ Numbers every LLM Developer should know",
            "├ ○ Transformer Inference Arithmetic",
            "└ ○ Ray",
            "▼ Book notes  1",
            "└ ✓ thinking in cpp",
        ]
        assert not any(rows[21:])

        await press(pilot, "down")
        assert category_title(app) == "Large Language Model"
        await press(pilot, "left")
        rows = tree_rows(app)
        assert rows[:3] == [
            "▼ Paper notes  10 · 1 TODO",
            "└ ▶ Large Language Model  10 · 1 TODO",
            "▼ Blog notes  5 · 2 TODO",
        ]
        await press(pilot, "up", "left")
        assert tree_rows(app)[:2] == ["▶ Paper notes  10 · 1 TODO", "▼ Blog notes  5 · 2 TODO"]


async def test_moving_down_past_the_bottom_scrolls_the_tree_with_the_cursor(
    tmp_path: Path,
) -> None:
    app = make_app(write_long_index(tmp_path))
    async with app.run_test(size=(SIZE[0], 20)) as pilot:  # a short screen: fewer keys to press
        await started(pilot)
        tree = app.index_tree
        height = tree.scrollable_content_region.height
        await press(pilot, *["j"] * (height - 1))
        assert tree.cursor_line == height - 1
        assert tree.scroll_offset.y == 0  # still on the last visible line: no scrolling yet
        await press(pilot, *["j"] * 5)
        assert tree.cursor_line == height + 4
        assert tree.scroll_offset.y == 5  # the cursor on the bottom line
        assert_cursor_on_screen(app)
        assert tree_rows(app)[-1].startswith(f"├ ✓ Note 0.{height + 3}")
        assert tree_rows(app)[0] == "├ ✓ Note 0.4"  # "Part 0" and four entries scrolled away

        await press(pilot, *["k"] * height)  # back up past the top: it scrolls back
        assert tree.cursor_line == 4
        assert tree.scroll_offset.y == 4
        assert_cursor_on_screen(app)
        assert tree_rows(app)[0] == "├ ✓ Note 0.3"


async def test_a_filter_that_brings_the_cursor_near_the_top_shows_the_tree_from_its_top(
    tmp_path: Path,
) -> None:
    app = make_app(write_long_index(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "end", *["k"] * 29)
        assert cursor_entry(app).title == "Note 2.10"
        assert app.index_tree.scroll_offset.y > 0
        await press(pilot, "slash", "2", ".")
        await settle(pilot)
        assert app.index_tree.line_count > app.index_tree.scrollable_content_region.height
        assert cursor_entry(app).title == "Note 2.10"
        assert app.index_tree.scroll_offset.y == 0  # the matches above it are in view
        assert tree_rows(app)[:2] == ["▼ Part 2  40", "├ ✓ Note 2.0"]
        assert_cursor_on_screen(app)


async def test_every_tree_key_on_an_empty_tree_does_nothing(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", "z", "q", "x", "enter")
        assert app.index_tree.line_count == 0
        app.index_tree.focus()
        for key in ["right", "l", "left", "h", "space", "enter", "down", "up"]:
            await press(pilot, key)
        for key in ["pagedown", "pageup", "end", "home", "x", "o", "y"]:
            await press(pilot, key)
        await pilot.click(IndexTree, offset=(5, 3))
        await settle(pilot)
        assert app.index_tree.cursor_line == -1
        assert app.index_tree.cursor_item is None
        assert app.is_running
        assert "0 shown" in str(app.status_line.render())


async def test_two_headings_with_the_same_name_keep_their_own_entries_and_counts(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text(
        "# Same\n\n## Tools\n\n* [alpha tool](a.md)\n* TODO [beta tool](b.md)\n\n"
        "## Papers\n\n* [gamma](g.md)\n\n## Tools\n\n* [delta tool](d.md)\n"
    )
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert tree_labels(app) == [
            "Tools  2 · 1 TODO",
            "✓ alpha tool",
            "○ beta tool",
            "Papers  1",
            "✓ gamma",
            "Tools  1",
            "✓ delta tool",
        ]
        await press(pilot, "slash", "t", "o", "o", "l")
        await settle(pilot)
        assert tree_labels(app) == [
            "Tools  2 · 1 TODO",
            "✓ alpha tool",
            "○ beta tool",
            "Tools  1",
            "✓ delta tool",
        ]


async def test_the_overview_of_the_second_heading_of_a_name_lists_its_own_entries(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text(
        "# Same\n\n## Tools\n\n* [alpha tool](a.md)\n* [beta tool](b.md)\n\n"
        "## Tools\n\n* [delta tool](d.md)\n"
    )
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "end", "up")
        assert category_title(app) == "Tools"
        await wait_until(pilot, lambda: "delta tool" in preview_text(app))
        assert "alpha tool" not in preview_text(app)
        assert "1 entry\n" in preview_text(app)


async def test_a_save_keeps_the_cursor_on_the_second_heading_of_a_name(tmp_path: Path) -> None:
    index = tmp_path / "README.md"
    index.write_text(
        "# Same\n\n## Tools\n\n* [alpha tool](a.md)\n\n## Tools\n\n* [delta tool](d.md)\n"
    )
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "end", "up")
        assert app.index_tree.cursor_line == 2
        index.write_text(
            index.read_text().replace("## Tools\n\n* [alpha", "## Tools\n\n* [new](n.md)\n* [alpha")
        )
        await wait_until(pilot, lambda: "✓ new" in tree_labels(app))
        assert app.index_tree.cursor_line == 3
        assert category_title(app) == "Tools"
        assert tree_labels(app)[3:] == ["Tools  1", "✓ delta tool"]


async def test_moving_between_two_headings_of_one_name_shows_each_and_opens_each_alone(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text(
        "# Same\n\n## Tools\n\n* [alpha tool](a.md)\n\n## Tools\n\n* [delta tool](d.md)\n"
    )
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "space", "j")  # close the first, then straight onto the second
        await wait_until(pilot, lambda: "delta tool" in preview_text(app))
        assert "alpha tool" not in preview_text(app)
        await press(pilot, "space")  # the second closes; the first stays closed
        assert tree_rows(app)[:2] == ["▶ Tools  1", "▶ Tools  1"]
        await press(pilot, "space")
        assert tree_labels(app) == ["Tools  1", "Tools  1", "✓ delta tool"]
        await press(pilot, "j", "left")  # from the entry to its own heading, not the first
        assert app.index_tree.cursor_line == 1
        await press(pilot, "left", "bracketleft")  # back: the second heading's overview
        await wait_until(pilot, lambda: "delta tool" in preview_text(app))
