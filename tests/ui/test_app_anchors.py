"""`#anchor` links in a note scroll to their heading, with GitHub's anchors in any script."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import SIZE, go_to, make_app, screen_lines, settle, started, wait_until
from textual.pilot import Pilot

from app.ui.app import ReadnotesApp

FILLER = "\n\n".join(f"Paragraph {n} keeps the heading out of view." for n in range(80))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "README.md").write_text("# Index\n\n## Languages\n\n- [Hindi](hindi.md)\n")
    (notes / "hindi.md").write_text(
        "# Languages\n\n"
        "Jump to [the Hindi section](#हिन्दी-भाषा), [the work section](#काम) "
        "or [the launch](#-launch).\n\n"
        f"{FILLER}\n\n## कम\n\nLess.\n\n"  # "less": "work" without its vowel sign
        f"{FILLER}\n\n## हिन्दी भाषा\n\nनमस्ते दुनिया।\n\n"
        f"{FILLER}\n\n## काम\n\nWork.\n\n"
        f"{FILLER}\n\n## 🚀 Launch\n\nGo.\n\n{FILLER}\n"
    )
    return notes


def top_of_preview(app: ReadnotesApp) -> str:
    return app.note_view.render_line(0).text.strip()


async def click_text(app: ReadnotesApp, pilot: Pilot[int], text: str) -> None:
    row, column = next(
        (y, line.index(text)) for y, line in enumerate(screen_lines(app)) if text in line
    )
    await pilot.click(offset=(column + 2, row))
    await settle(pilot)


async def test_a_devanagari_anchor_link_scrolls_to_its_heading(folder: Path) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Hindi")
        assert app.note_view.scroll_y == 0
        await click_text(app, pilot, "the Hindi section")
        await wait_until(pilot, lambda: top_of_preview(app) == "हिन्दी भाषा")
        assert app.note_view.scroll_y > 0


async def test_headings_that_differ_only_in_a_vowel_sign_have_their_own_anchors(
    folder: Path,
) -> None:
    """Dropping the marks would make `#काम` ("work") land on `## कम` ("less") above it."""
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Hindi")
        await click_text(app, pilot, "the work section")
        await wait_until(pilot, lambda: top_of_preview(app) == "काम")


async def test_an_anchor_to_an_emoji_heading_drops_the_emoji_as_github_does(
    folder: Path,
) -> None:
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Hindi")
        await click_text(app, pilot, "the launch")
        await wait_until(pilot, lambda: top_of_preview(app).endswith("Launch"))
        assert [heading.slug for heading in app.note_view.headings] == [
            "languages",
            "कम",
            "हिन्दी-भाषा",
            "काम",
            "-launch",
        ]
