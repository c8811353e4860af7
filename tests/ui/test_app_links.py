"""Links: o, 1-9 and y on the entry's links; clicks in the preview; back and forward."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pyperclip
import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    cursor_entry,
    go_to,
    make_app,
    press,
    preview_text,
    screen_lines,
    settle,
    started,
    wait_until,
)

from app.edges.clipboard import CopyResult
from app.ui.app import ReadnotesApp


@pytest.fixture
def outside() -> FakeEffects:
    """A browser that opens every URL it is handed, and a clipboard tool that copies."""
    return FakeEffects()


def notices(app: ReadnotesApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_o_opens_the_primary_link(notes_copy: Path, outside: FakeEffects) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "FlashAttention")
        await press(pilot, "o")
        assert outside.opened == ["https://arxiv.org/abs/2205.14135"]
        assert any("Opened https://arxiv.org/abs/2205.14135" in n for n in notices(app))


async def test_number_keys_open_the_nth_link(notes_copy: Path, outside: FakeEffects) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "FlashAttention")
        await press(pilot, "2", "1", "3")  # there is no third link: 3 does nothing
        assert outside.opened == [
            "https://github.com/Dao-AILab/flash-attention",
            "https://arxiv.org/abs/2205.14135",
        ]


async def test_no_browser_says_so_and_shows_the_url(notes_copy: Path) -> None:
    app = make_app(notes_copy, FakeEffects(browser=False))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention Is All")
        await press(pilot, "o")
        assert any(
            "No web browser" in n and "https://arxiv.org/abs/1706.03762" in n for n in notices(app)
        )


async def test_an_app_given_no_effects_starts_no_browser_and_no_clipboard_tool(
    notes_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built without effects (a test that forgot its fakes), o and y say what is missing."""

    def tripwire(*args: object, **kwargs: object) -> bool:
        raise AssertionError("a real browser or clipboard tool was started")

    monkeypatch.setattr(webbrowser, "open", tripwire)
    monkeypatch.setattr(pyperclip, "copy", tripwire)
    app = ReadnotesApp(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention Is All")
        await press(pilot, "o", "y")
        assert any("No web browser available" in n for n in notices(app))
        assert any("OSC 52" in n and "No system clipboard tool" in n for n in notices(app))


async def test_y_copies_the_primary_link(notes_copy: Path) -> None:
    copied: list[str] = []

    def fake_copy(text: str) -> CopyResult:
        copied.append(text)
        return CopyResult(False, "No system clipboard tool found")

    app = make_app(notes_copy, FakeEffects(copy=fake_copy))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LLAMA 2")
        await press(pilot, "y")
        assert app.clipboard == "https://arxiv.org/abs/2307.09288"
        assert copied == ["https://arxiv.org/abs/2307.09288"]
        assert any("OSC 52" in n and "No system clipboard" in n for n in notices(app))


async def test_clicking_a_note_link_shows_that_note_and_moves_the_tree(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await pilot.press("tab", "pagedown")
        await settle(pilot)
        row, column = next(
            (y, line.index("Transformer)"))
            for y, line in enumerate(screen_lines(app))
            if "Transformer)" in line
        )
        await pilot.click(offset=(column + 2, row))
        await settle(pilot)
        assert cursor_entry(app).title == "Attention Is All You Need"
        await wait_until(pilot, lambda: "line 9" in preview_text(app))


async def test_links_to_anchors_notes_web_and_refusals(
    notes_copy: Path, outside: FakeEffects
) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        app.follow_link("../LLAMA2.md#result")
        await settle(pilot)
        assert cursor_entry(app).title.startswith("LLAMA 2")
        await wait_until(pilot, lambda: app.note_view.scroll_y > 0)
        app.follow_link("#problem")
        await settle(pilot)
        app.follow_link("https://example.org/paper")
        app.follow_link("javascript:alert(1)")
        app.follow_link("../../../../etc/passwd")
        app.follow_link("https://example.org/\x1b]52;c;AAAA\x07")
        await settle(pilot)
        assert outside.opened == ["https://example.org/paper"]
        refusals = [n for n in notices(app) if "refused" in n.lower()]
        assert len(refusals) == 3
        assert all("\x1b" not in n for n in notices(app))


async def test_a_linked_note_outside_the_index_is_shown_by_itself(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Ray")
        await wait_until(pilot, lambda: "Core concepts" in preview_text(app))
        app.follow_link("./core-concepts.md")
        await settle(pilot)
        await wait_until(pilot, lambda: "blogs/ray/core-concepts.md" in preview_text(app))
        assert cursor_entry(app).title == "Ray"  # not indexed: the tree stays


async def test_back_and_forward_through_previewed_notes(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LaMini")
        app.follow_link("./Zephyr.md")
        await settle(pilot)
        assert cursor_entry(app).title.startswith("Zephyr")
        await press(pilot, "left_square_bracket")
        assert cursor_entry(app).title.startswith("LaMini")
        await wait_until(pilot, lambda: "LaMini-LM" in preview_text(app))
        await press(pilot, "right_square_bracket")
        assert cursor_entry(app).title.startswith("Zephyr")
        await press(pilot, "backspace")
        assert cursor_entry(app).title.startswith("LaMini")
