"""The note's outline (ctrl+o) and its images (i, or a click on the placeholder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    go_to,
    make_app,
    press,
    preview_text,
    screen_lines,
    settle,
    started,
)
from textual.pilot import Pilot
from textual.widgets import OptionList

from app.render.rendered import HeadingRef
from app.ui.app import ReadnotesApp
from app.ui.outline import OutlineScreen, matching_headings

GPU_NOTE = Path("blogs") / "GPUPerformanceBackgroundUserGuide.md"
FLASH_NOTE = Path("papers") / "LLM" / "FlashAttention.md"


@pytest.fixture
def outside() -> FakeEffects:
    """The system viewer and the browser, faked: what they were asked to open."""
    return FakeEffects()


def notices(app: ReadnotesApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def add_to_note(notes: Path, note: Path, markdown: str) -> None:
    path = notes / note
    path.write_text(path.read_text(encoding="utf-8") + markdown, encoding="utf-8")


def outline_of(app: ReadnotesApp) -> OutlineScreen:
    screen = app.screen
    assert isinstance(screen, OutlineScreen), f"the outline is not open: {screen!r}"
    return screen


def listed(app: ReadnotesApp) -> list[str]:
    option_list = outline_of(app).query_one(OptionList)
    return [
        str(option_list.get_option_at_index(n).prompt).strip()
        for n in range(option_list.option_count)
    ]


# -- i: open the image --------------------------------------------------------------------------


async def test_i_opens_the_notes_image_with_the_system_viewer(
    notes_copy: Path, outside: FakeEffects
) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "GPU Performance")
        assert "🖼 Roofline model (./assets/roofline.png, 240×160)" in preview_text(app)
        await press(pilot, "i")
        assert outside.viewed == [(notes_copy / "blogs" / "assets" / "roofline.png").resolve()]
        assert outside.viewed[0].is_relative_to(notes_copy.resolve())
        assert any("Opened roofline.png" in n for n in notices(app))


async def test_i_picks_the_first_image_in_view_else_the_first_image(
    notes_copy: Path, outside: FakeEffects
) -> None:
    (notes_copy / "blogs" / "assets" / "later.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    filler = "".join(f"\n\nFiller paragraph {n}." for n in range(80))
    add_to_note(notes_copy, GPU_NOTE, f"{filler}\n\n![Later figure](assets/later.png)\n")
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "GPU Performance")
        await press(pilot, "i")  # at the top: the roofline is in view
        await press(pilot, "tab", "end")  # at the bottom: only the later figure is
        await press(pilot, "i")
        await press(pilot, "home", "pagedown", "pagedown")  # between them: none in view
        await press(pilot, "i")
        assets = (notes_copy / "blogs" / "assets").resolve()
        assert outside.viewed == [
            assets / "roofline.png",
            assets / "later.png",
            assets / "roofline.png",
        ]


@pytest.mark.parametrize(
    ("target", "placeholder", "notice"),
    [
        (
            "../../etc/passwd",
            "— refused: it leads outside the notes folder",
            "Link refused: it leads outside the notes folder",
        ),
        ("/etc/passwd", "— refused: an absolute path", "Link refused: an absolute path"),
        ("assets/gone.png", "— missing image", "Missing image: blogs/assets/gone.png"),
        (
            "file:///etc/passwd",
            "— refused: file: links are not opened",
            "Link refused: file: links are not opened",
        ),
    ],
)
async def test_i_refuses_images_outside_the_folder_and_says_when_one_is_missing(
    notes_copy: Path, outside: FakeEffects, target: str, placeholder: str, notice: str
) -> None:
    (notes_copy / GPU_NOTE).write_text(f"# Figures\n\n![the figure]({target})\n")
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "GPU Performance")
        assert f"🖼 the figure ({target}) {placeholder}" in " ".join(preview_text(app).split())
        await press(pilot, "i")
        assert outside.viewed == []
        assert notice in notices(app)


async def test_i_opens_a_web_image_in_the_browser(notes_copy: Path, outside: FakeEffects) -> None:
    url = "https://example.org/figure.png"
    (notes_copy / GPU_NOTE).write_text(f"# Figures\n\n![on the web]({url})\n")
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "GPU Performance")
        assert f"🖼 on the web ({url})" in preview_text(app)
        await press(pilot, "i")
        assert outside.opened == [url]
        assert outside.viewed == []


async def test_clicking_the_placeholder_opens_the_image(
    notes_copy: Path, outside: FakeEffects
) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "GPU Performance")
        view = app.note_view
        (image,) = view.images
        await pilot.click(view, offset=(4, image.line - round(view.scroll_y)))
        await settle(pilot)
        assert outside.viewed == [(notes_copy / "blogs" / "assets" / "roofline.png").resolve()]


async def test_a_missing_image_is_said_by_the_placeholder_and_by_i(
    notes_copy: Path, outside: FakeEffects
) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "continuous batching")
        assert "🖼 Missing figure (./assets/missing.png) — missing image" in preview_text(app)
        await press(pilot, "i")
        assert outside.viewed == []
        assert any("Missing image: blogs/assets/missing.png" in n for n in notices(app))


async def test_i_and_ctrl_o_are_greyed_out_without_images_or_headings(
    notes_copy: Path, outside: FakeEffects
) -> None:
    app = make_app(notes_copy, outside)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Transformer Inference")  # an entry with no note yet
        assert app.check_action("open_image", ()) is None
        assert app.check_action("outline", ()) is None
        await press(pilot, "i", "ctrl+o")
        assert outside.viewed == []
        assert not isinstance(app.screen, OutlineScreen)
        await go_to(pilot, "GPU Performance")
        assert app.check_action("open_image", ()) is True
        assert app.check_action("outline", ()) is True


# -- ctrl+o: the outline ------------------------------------------------------------------------


async def open_outline(pilot: Pilot[int], title: str) -> ReadnotesApp:
    app = pilot.app
    assert isinstance(app, ReadnotesApp)
    await go_to(pilot, title)
    await press(pilot, "ctrl+o")
    outline_of(app)
    return app


async def test_the_outline_lists_the_headings_indented_by_level(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app = await open_outline(pilot, "FlashAttention")
        option_list = outline_of(app).query_one(OptionList)
        prompts = [
            str(option_list.get_option_at_index(n).prompt) for n in range(option_list.option_count)
        ]
        assert prompts == ["FlashAttention", "  Problem", "  Key idea", "  Result"]
        await press(pilot, "escape")
        assert not isinstance(app.screen, OutlineScreen)


async def test_typing_filters_and_enter_jumps_to_the_heading(notes_copy: Path) -> None:
    filler = "".join(f"\n\nMore results, paragraph {n}." for n in range(60))
    add_to_note(notes_copy, FLASH_NOTE, filler)
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app = await open_outline(pilot, "FlashAttention")  # the tree has the focus
        assert app.note_view.scroll_y == 0
        await press(pilot, *"RES")
        assert listed(app) == ["Result"]
        await press(pilot, "enter")
        assert not isinstance(app.screen, OutlineScreen)
        result = next(h for h in app.note_view.headings if h.text == "Result")
        assert app.note_view.scroll_y == result.line
        assert preview_text(app).splitlines()[0].strip() == "Result"
        assert app.focused is app.note_view


async def test_arrows_choose_and_escape_leaves_the_place_unchanged(notes_copy: Path) -> None:
    filler = "".join(f"\n\nMore results, paragraph {n}." for n in range(60))
    add_to_note(notes_copy, FLASH_NOTE, filler)
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "FlashAttention")
        await press(pilot, "tab")  # from the preview this time
        app = await open_outline(pilot, "FlashAttention")
        await press(pilot, *"zzz")
        assert listed(app) == []
        await press(pilot, "enter")  # nothing to choose: the outline stays
        outline_of(app)
        await press(pilot, "backspace", "backspace", "backspace", "down", "down")
        selected = outline_of(app).selected
        assert selected is not None and selected.text == "Key idea"
        await press(pilot, "escape")
        assert app.note_view.scroll_y == 0
        await press(pilot, "ctrl+o", "down", "down", "down", "up", "enter")
        key_idea = next(h for h in app.note_view.headings if h.text == "Key idea")
        assert app.note_view.scroll_y == key_idea.line


async def test_the_outline_starts_at_the_heading_being_read(notes_copy: Path) -> None:
    filler = "".join(f"\n\nMore results, paragraph {n}." for n in range(60))
    add_to_note(notes_copy, FLASH_NOTE, filler)
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "FlashAttention")
        await press(pilot, "tab", "end")
        await press(pilot, "ctrl+o")
        selected = outline_of(app).selected
        assert selected is not None and selected.text == "Result"


def test_the_filter_matches_every_word_case_insensitively() -> None:
    headings = [
        HeadingRef(1, "FlashAttention", 0, "flashattention"),
        HeadingRef(2, "Key idea", 5, "key-idea"),
        HeadingRef(2, "结果 Result", 9, "结果-result"),
    ]
    assert matching_headings(headings, "") == [0, 1, 2]
    assert matching_headings(headings, "IDEA key") == [1]
    assert matching_headings(headings, "结果") == [2]
    assert matching_headings(headings, "att") == [0]
    assert matching_headings(headings, "nothing") == []


async def test_the_keys_show_in_the_footer_and_the_help(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=(200, 36)) as pilot:
        await started(pilot)
        await go_to(pilot, "GPU Performance")
        footer = screen_lines(app)[-1]
        assert "^o Outline" in footer
        assert "i Open image" in footer
        await press(pilot, "question_mark")
        help_text = "\n".join(screen_lines(app))
        assert "The note shown (from either pane)" in help_text
        assert re.search(r"\^o\s+Outline", help_text)
        assert re.search(r"\bi\s+Open image", help_text)
