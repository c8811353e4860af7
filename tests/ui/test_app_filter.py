"""The live filter (/, typing, enter, escape) and the status filter (t)."""

from __future__ import annotations

from pathlib import Path

from app_harness import (
    SIZE,
    cursor_entry,
    go_to,
    make_app,
    press,
    preview_text,
    started,
    tree_labels,
    wait_until,
)
from textual import events

from app.ui.filter_bar import FilterBar
from app.ui.tree import IndexTree

DISTILLATION = [
    "Paper notes  5",
    "Large Language Model  5",
    "Knowledge distillation  5",
    "✓ Distilling Step-by-Step! Outperforming Larger Lauguage Models with Less Training Data "
    "and Smaller Model Sizes",
    "✓ LaMini-LM: A Diverse Herd of Distilled Models from Large-Scale Instructions",
    "✓ Specializing Smaller Language Models towards Multi-Step Reasoning",
    "✓ UniversalNER: Targeted Distillation from Large Language Models for Open Named Entity "
    "Recognition",
    "✓ Zephyr: Direct Distillation of LM Alignment",
]


async def test_typing_filters_live_and_opens_matching_categories(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "left")  # close "Paper notes": the filter opens it again
        await press(pilot, "slash")
        assert isinstance(app.focused, FilterBar)
        await press(pilot, *"DISTILL")
        assert tree_labels(app) == DISTILLATION
        assert str(app.status_line.render()) == ("16 entries · 3 TODO · filter: DISTILL · 5 shown")
        await press(pilot, "enter")
        assert isinstance(app.focused, IndexTree)
        assert cursor_entry(app).title.startswith("Distilling Step-by-Step")
        await wait_until(pilot, lambda: "line 19" in preview_text(app))


async def test_every_word_must_match_title_category_or_tag(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"blog ray")
        assert tree_labels(app) == ["Blog notes  1 · 1 TODO", "○ Ray"]
        await wait_until(pilot, lambda: bool(app.entry_tags))
        await press(pilot, *["backspace"] * 8, *"#quantization")
        assert "✓ 8-Bit Optimizers via Block-wise Quantization" in tree_labels(app)
        assert sum(label.startswith(("✓", "○")) for label in tree_labels(app)) == 1


async def test_escape_clears_the_filter_from_the_bar_and_from_the_tree(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"zephyr")
        assert len(tree_labels(app)) == 4
        await press(pilot, "escape")
        assert isinstance(app.focused, IndexTree)
        assert not app.filter_bar.display
        assert len(tree_labels(app)) == 21
        await press(pilot, "slash", *"lamini", "enter")
        assert cursor_entry(app).title.startswith("LaMini-LM")
        await press(pilot, "escape")
        assert len(tree_labels(app)) == 21
        assert cursor_entry(app).title.startswith("LaMini-LM")  # the cursor stays on the entry
        assert str(app.status_line.render()) == "16 entries · 3 TODO"


async def test_t_cycles_all_todo_done_all(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Ray")
        await press(pilot, "t")
        assert tree_labels(app) == [
            "Paper notes  1 · 1 TODO",
            "Large Language Model  1 · 1 TODO",
            "○ Textbooks Are All You Need II: phi-1.5 technical report",
            "Blog notes  2 · 2 TODO",
            "○ Transformer Inference Arithmetic",
            "○ Ray",
        ]
        assert cursor_entry(app).title == "Ray"
        assert str(app.status_line.render()) == "16 entries · 3 TODO · TODO only · 3 shown"
        await press(pilot, "t")
        labels = tree_labels(app)
        assert sum(label.startswith("✓") for label in labels) == 13
        assert not any(label.startswith("○") for label in labels)
        assert "done only" in str(app.status_line.render())
        await press(pilot, "t")
        assert len(tree_labels(app)) == 21
        assert str(app.status_line.render()) == "16 entries · 3 TODO"


async def test_a_category_preview_lists_its_entries_as_filtered(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "t")
        await wait_until(pilot, lambda: "TODO only" in preview_text(app))
        text = preview_text(app)
        assert "☐ Textbooks Are All You Need II" in text
        assert "Attention Is All You Need" not in text


async def test_keys_typed_in_one_burst_after_slash_reach_the_filter(notes_copy: Path) -> None:
    """A fast typist (or a slow SSH link) delivers "/dist" at once: nothing may be lost."""
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for key, character in [("slash", "/"), ("d", "d"), ("i", "i"), ("s", "s"), ("t", "t")]:
            app.post_message(events.Key(key, character))
        await wait_until(pilot, lambda: app.filter_bar.value == "dist")
        assert app.filtering.query.status is None  # "t" was typed, not taken as the status key
        assert "filter: dist" in str(app.status_line.render())
