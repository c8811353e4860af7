"""The browser on an index whose entries are table rows: x marks a row in its Status cell."""

from __future__ import annotations

import shutil
from pathlib import Path

from app_harness import SIZE, cursor_entry, go_to, make_app, press, started, tree_labels

SHAPES = Path(__file__).resolve().parents[1] / "shapes"
INTRO = b"| [Intro to CS](courses/intro.md)          |    14 |  done  |"
INTRO_TODO = b"| [Intro to CS](courses/intro.md)          |    14 |  todo  |"


async def test_x_on_a_table_row_flips_its_status_cell_and_u_restores_it(tmp_path: Path) -> None:
    folder = tmp_path / "cs"
    folder.mkdir()
    index = folder / "README.md"
    shutil.copy(SHAPES / "courses.md", index)
    index.chmod(0o644)
    original = index.read_bytes()
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert any("Systematic Program Design" in label for label in tree_labels(app))
        await go_to(pilot, "Intro to CS")
        await press(pilot, "x")
        assert index.read_bytes() == original.replace(INTRO, INTRO_TODO)
        assert cursor_entry(app).title == "Intro to CS"
        assert str(app.status_line.render()) == "6 entries · 4 TODO"
        await press(pilot, "u")
        assert index.read_bytes() == original
