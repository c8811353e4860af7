"""x marks the entry done/TODO through the core's safe write; u undoes the last mark."""

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
    widget_text,
)

PHI = b"* TODO [Textbooks Are All You Need II: phi-1.5 technical report]"
PHI_DONE = b"* [Textbooks Are All You Need II: phi-1.5 technical report]"


def notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_x_marks_done_and_u_restores_the_exact_bytes(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        await press(pilot, "x")
        after = index.read_bytes()
        assert after == original.replace(PHI, PHI_DONE)
        assert cursor_entry(app).title.startswith("Textbooks")
        tree = app.index_tree
        assert tree_labels(app)[tree.cursor_line] == (
            "✓ Textbooks Are All You Need II: phi-1.5 technical report"
        )
        assert str(app.status_line.render()) == "16 entries · 2 TODO"
        await wait_until(pilot, lambda: "done · Paper notes" in preview_text(app))
        assert any("Marked done" in n for n in notices(app))
        await press(pilot, "u")
        assert index.read_bytes() == original
        assert str(app.status_line.render()) == "16 entries · 3 TODO"
        await wait_until(pilot, lambda: "TODO · Paper notes" in preview_text(app))


async def test_x_on_a_done_entry_marks_it_todo(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "x")
        assert index.read_bytes() == original.replace(b"* [Zephyr", b"* TODO [Zephyr")
        assert cursor_entry(app).title.startswith("Zephyr")


async def test_x_keeps_an_outside_edit_made_since_the_index_was_read(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        edited = index.read_bytes() + b"\n* TODO [Added outside](https://example.org)\n"
        index.write_bytes(edited)
        await press(pilot, "x")
        assert index.read_bytes() == edited.replace(PHI, PHI_DONE)
        assert any("Added outside" in e.title for e in app.index.entries)  # type: ignore[union-attr]


async def test_u_is_refused_when_the_line_changed_since(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        await press(pilot, "x")
        paper = b"[[paper](https://arxiv.org/abs/2309.05463)]"
        changed = index.read_bytes().replace(paper, paper + b" (skimmed)")
        assert changed != index.read_bytes()
        index.write_bytes(changed)
        await press(pilot, "u")
        assert index.read_bytes() == changed
        assert any("nothing was undone" in n for n in notices(app))


async def test_x_is_refused_with_a_notice_when_the_entry_is_gone(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        without = b"".join(
            line for line in index.read_bytes().splitlines(keepends=True) if PHI not in line
        )
        index.write_bytes(without)
        await press(pilot, "x")
        assert index.read_bytes() == without
        assert any("no longer in the index" in n for n in notices(app))


async def test_the_counts_on_screen_follow_a_mark(notes_copy: Path) -> None:
    """The category lines above the entry are painted again with their new TODO counts."""
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention Is All You Need")
        shown = widget_text(app, app.index_tree)
        assert "Paper notes  10 · 1 TODO" in shown
        assert "Large Language Model  10 · 1 TODO" in shown
        assert "✓ Attention Is All You Need" in shown
        await press(pilot, "x")
        shown = widget_text(app, app.index_tree)
        assert "Paper notes  10 · 2 TODO" in shown
        assert "Large Language Model  10 · 2 TODO" in shown
        assert "○ Attention Is All You Need" in shown
        assert "✓ 8-Bit Optimizers via Block-wise Quantizat" in shown  # cut at the pane
        await press(pilot, "u")
        shown = widget_text(app, app.index_tree)
        assert "Paper notes  10 · 1 TODO" in shown
        assert "Large Language Model  10 · 1 TODO" in shown
        assert "✓ Attention Is All You Need" in shown
