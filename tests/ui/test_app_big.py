"""Big notes and big indexes never freeze the app (issue 6, items 8 and 9, at the app level).

The first screen of a 50 MB note or a 4,000-paragraph note appears while the rest is still being
read or rendered, and the tree keeps answering keys meanwhile. The times are measured and printed
(``pytest -s``) but only bounded by a generous timeout: the machine running the tests is shared.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    go_to,
    make_app,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
)

from app.core.model import Index
from app.core.reread import Reread, reread_index
from app.ui.app import ReadnotesApp
from app.ui.help_screen import HelpScreen

FIFTY_MB = 50 * 1024 * 1024
PARAGRAPH = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 2


def notices(app: ReadnotesApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def big_folder(root: Path) -> Path:
    root.mkdir()
    (root / "README.md").write_text(
        "# Big\n\n## Notes\n\n"
        "* [Small](./small.md)\n"
        "* [Huge](./huge.md)\n"
        "* [Long](./long.md)\n"
        "* [After](./small.md)\n"
    )
    (root / "small.md").write_text("# Small\n\nA small note.\n")
    paragraph = "Line {:07d} " + "x" * 88 + "\n\n"  # 103 bytes
    with (root / "huge.md").open("w") as huge:
        huge.write("# Huge\n\n")
        huge.write("".join(paragraph.format(n) for n in range(FIFTY_MB // 103)))
    (root / "long.md").write_text(
        "# Long\n\n" + "".join(f"Paragraph {n}. {PARAGRAPH}\n\n" for n in range(4_000))
    )
    return root


async def answered(
    app: ReadnotesApp, key: str, condition: Callable[[], bool], timeout: float = 10.0
) -> float:
    """Send ``key`` as the terminal would; seconds until ``condition`` holds.

    Polls with plain sleeps: Pilot's ``press`` and ``pause`` wait until the process is idle,
    which a busy worker thread delays by up to a second each, and would be measured as well.
    """
    pressed = time.monotonic()
    app.simulate_key(key)
    await poll_until(condition, timeout)
    return time.monotonic() - pressed


async def poll_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout} s")
        await asyncio.sleep(0.005)


def help_shown(app: ReadnotesApp) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, HelpScreen)


def help_closed(app: ReadnotesApp) -> Callable[[], bool]:
    return lambda: not isinstance(app.screen, HelpScreen)


def shows(app: ReadnotesApp, text: str) -> Callable[[], bool]:
    return lambda: text in preview_text(app)


@pytest.mark.slow
async def test_a_fifty_megabyte_note_shows_its_start_says_it_is_cut_and_keys_work(
    tmp_path: Path,
) -> None:
    app = make_app(big_folder(tmp_path / "notes"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Small")
        tree = app.index_tree
        took = await answered(app, "j", shows(app, "Line 0000000"))
        print(f"\n50 MB note: first screen {took:.2f} s")
        assert "⚠ Long note: only its beginning is shown." in preview_text(app)
        await answered(app, "question_mark", help_shown(app))
        assert not app.note_view.is_complete  # the help came while the rest still renders
        await answered(app, "escape", help_closed(app))
        line = tree.cursor_line
        up = await answered(app, "k", lambda: tree.cursor_line == line - 1)
        down = await answered(app, "j", lambda: tree.cursor_line == line)
        print(f"50 MB note: k {up:.2f} s, j {down:.2f} s")
        await answered(app, "j", shows(app, "Paragraph 0."))  # and on to the next note
        await answered(app, "k", shows(app, "Line 0000000"))
        began = time.monotonic()
        await wait_until(pilot, lambda: app.note_view.is_complete, timeout=180)
        print(f"50 MB note: the 2 MB shown fully rendered {time.monotonic() - began:.2f} s later")
        await pilot.press("tab", "end")
        await wait_until(pilot, lambda: app.note_view.scroll_y > 0)
        last = max(int(n) for n in re.findall(r"Line (\d{7})", preview_text(app)))
        assert 19_000 < last < 20_000  # 2,000,000 bytes of ~100-byte paragraphs, of 50 MB


@pytest.mark.slow
async def test_a_four_thousand_paragraph_note_shows_its_start_while_the_rest_renders(
    tmp_path: Path,
) -> None:
    app = make_app(big_folder(tmp_path / "notes"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Huge")
        await wait_until(pilot, lambda: app.note_view.is_complete, timeout=180)
        tree = app.index_tree
        took = await answered(app, "j", shows(app, "Paragraph 0."))
        print(f"\n4,000 paragraphs: first screen {took:.2f} s")
        assert "Long note" not in preview_text(app)  # it fits: nothing is cut
        await answered(app, "question_mark", help_shown(app))
        rendering = not app.note_view.is_complete
        await answered(app, "escape", help_closed(app))
        line = tree.cursor_line
        up = await answered(app, "k", lambda: tree.cursor_line == line - 1)
        down = await answered(app, "j", lambda: tree.cursor_line == line)
        print(f"4,000 paragraphs: ? while rendering: {rendering}; k {up:.2f} s, j {down:.2f} s")
        await wait_until(pilot, shows(app, "Paragraph 0."), timeout=10)
        began = time.monotonic()
        await wait_until(pilot, lambda: app.note_view.is_complete, timeout=180)
        print(f"4,000 paragraphs: whole note {time.monotonic() - began:.2f} s later")
        await pilot.press("tab", "end")
        await wait_until(pilot, shows(app, "Paragraph 3999."))


@pytest.mark.slow
async def test_a_hundred_thousand_line_index_with_a_ten_megabyte_line_loads_off_the_loop(
    tmp_path: Path,
) -> None:
    lines = [
        f"## Part {n}" if n % 100 == 0 else f"* {'TODO ' if n % 7 == 0 else ''}[Paper {n}](p{n}.md)"
        for n in range(100_000)
    ]
    lines.insert(1, f"* TODO [{'word ' * 2_000_000}](https://example.org/long)")  # 10 MB
    (tmp_path / "README.md").write_text("\n".join(lines) + "\n")
    parsed = threading.Event()
    seconds: list[float] = []

    def timed_reread(path: Path, known: Index | None) -> Reread:
        began = time.monotonic()
        result = reread_index(path, known)
        seconds.append(time.monotonic() - began)
        parsed.set()
        return result

    app = make_app(tmp_path, FakeEffects(reread=timed_reread))
    async with app.run_test(size=SIZE) as pilot:
        assert "Loading" in str(app.status_line.render())
        await answered(app, "question_mark", help_shown(app))
        help_before_parse = not parsed.is_set()
        await answered(app, "escape", help_closed(app))
        shortened = "1 title longer than 2,000 characters was shortened"
        await poll_until(lambda: any(shortened in n for n in notices(app)), timeout=180)
        print(f"\n100,000 lines + 10 MB line: parsed in {seconds[0]:.2f} s off the loop")
        assert help_before_parse, "the help screen waited for the parse"
        await settle(pilot)
        assert str(app.status_line.render()).startswith("99001 entries")
        labels = tree_labels(app)
        assert labels[0].startswith("Part 0") and labels[1].startswith("○ word word")
        await pilot.press("j")
        await wait_until(pilot, lambda: app.index_tree.cursor_line == 1)
