"""A filter over a big index opens the categories holding matches only while they show a few
hundred entries; the rest stay closed with their counts, and open on demand."""

from __future__ import annotations

from pathlib import Path

from app_harness import SIZE, make_app, press, started, tree_labels

from app.ui.tree import FILTER_LEAF_BUDGET


def shelf(root: Path, categories: int, per_category: int) -> Path:
    root.mkdir()
    lines = ["# Shelf", ""]
    for c in range(categories):
        lines += [f"## Topic {c}", ""]
        lines += [f"* [Paper {c}-{n}](https://example.org/{c}/{n})" for n in range(per_category)]
        lines.append("")
    (root / "README.md").write_text("\n".join(lines))
    return root


async def test_a_broad_filter_opens_categories_up_to_the_budget(tmp_path: Path) -> None:
    per_category = 50
    app = make_app(shelf(tmp_path / "shelf", 10, per_category))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"paper")
        labels = tree_labels(app)
        opened = FILTER_LEAF_BUDGET // per_category
        assert sum(label.startswith(("✓", "○")) for label in labels) == opened * per_category
        assert f"Topic {opened}  {per_category}" in labels  # closed, its count shown
        assert str(app.status_line.render()).endswith("filter: paper · 500 shown")
