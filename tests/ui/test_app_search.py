"""Search every note (ctrl+f) and find in the note shown (/ in the preview), as a reader does."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import (
    SIZE,
    cursor_entry,
    go_to,
    make_app,
    press,
    preview_text,
    settle,
    started,
    wait_until,
    widget_text,
)
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import OptionList

from app.ui.app import ReadnotesApp
from app.ui.find_bar import FindBar
from app.ui.search_screen import SearchScreen
from tests.conftest import write_index

FILLER = "".join(f"Filler paragraph {n}.\n\n" for n in range(40))


@pytest.fixture
def fruit(tmp_path: Path) -> Path:
    root = tmp_path / "fruit"
    write_index(
        root,
        "# Fruit\n\n## Notes\n\n* [Orchard](./orchard.md)\n* [Market](./market.md)\n"
        "* [Basket](./basket/)\n",
    )
    (root / "orchard.md").write_text(
        "---\ntags: [apple]\n---\n\n# Orchard\n\nFirst apple here.\n\n"
        + FILLER
        + "Second Apple, further down.\n\n"
        + FILLER
        + "Third and last apple.\n"
    )
    (root / "market.md").write_text(
        "# Market\n\nA pear at the top.\n\n"
        + FILLER
        + "A pear in the middle.\n\n"
        + FILLER
        + "A pear at the end.\n"
    )
    (root / "basket").mkdir()
    (root / "basket" / "README.md").write_text("# Basket\n\nWicker.\n")
    (root / "basket" / "part.md").write_text("# Part\n\nAn apple pie recipe.\n")
    return root


def search_screen(app: ReadnotesApp) -> SearchScreen:
    screen = app.screen
    assert isinstance(screen, SearchScreen), f"the search is not open: {screen!r}"
    return screen


async def search(pilot: Pilot[int], text: str) -> SearchScreen:
    await press(pilot, "ctrl+f")
    screen = search_screen(pilot.app)  # type: ignore[arg-type]
    await pilot.press(*text)
    await wait_until(pilot, lambda: not screen.searching and screen.query_text == text)
    await settle(pilot)
    return screen


def prompts(screen: SearchScreen) -> list[Text]:
    option_list = screen.query_one(OptionList)
    prompts = [option_list.get_option_at_index(n).prompt for n in range(option_list.option_count)]
    assert all(isinstance(prompt, Text) for prompt in prompts)
    return prompts  # type: ignore[return-value]


def lit(prompt: Text) -> list[str]:
    """The parts of a result shown highlighted: the matches."""
    return [
        prompt.plain[span.start : span.end] for span in prompt.spans if span.style == "bold reverse"
    ]


def find_count(app: ReadnotesApp) -> str:
    return widget_text(app, app.query_one("#find-count")).strip()


# -- ctrl+f: search every note ------------------------------------------------------------------


async def test_results_stream_in_with_title_category_line_and_the_match_lit(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        screen = await search(pilot, "apple")
        shown = [prompt.plain for prompt in prompts(screen)]
        assert [text.split("\n")[1].split()[0] for text in shown] == ["2", "7", "89", "171", "3"]
        assert shown[1].startswith("Orchard  Notes\n")
        assert shown[1].endswith("First apple here.")
        assert "frontmatter · tags: [apple]" in shown[0]
        assert shown[-1].startswith("Basket › part.md")
        assert [lit(prompt) for prompt in prompts(screen)] == [
            ["apple"],
            ["apple"],
            ["Apple"],
            ["apple"],
            ["apple"],
        ]
        count = widget_text(app, screen.query_one("#search-count")).strip()
        assert count == "5 matches in 2 notes"
        assert "First apple here." in widget_text(app, screen.query_one(OptionList))


async def test_enter_opens_the_note_at_the_match_with_the_match_found(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await search(pilot, "second apple")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.note_view.find_query == "second apple")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert cursor_entry(app).title == "Orchard"
        assert "Second Apple, further down." in preview_text(app)
        assert "First apple here." not in preview_text(app)  # scrolled down to the match
        assert find_count(app) == "1/1"
        assert app.focused is app.note_view


async def test_a_later_hit_in_the_same_note_lands_on_its_own_match(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await search(pilot, "apple")
        await press(pilot, "down", "down", "down", "enter")  # "Third and last apple."
        await wait_until(pilot, lambda: app.note_view.find_query == "apple")
        await settle(pilot)
        assert "Third and last apple." in preview_text(app)
        assert find_count(app) == "4/4"  # the tags line in the header, then three in the body


async def test_a_file_inside_a_folder_note_opens_as_that_note(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await search(pilot, "pie recipe")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.note_view.find_query == "pie recipe")
        await settle(pilot)
        assert app.note_view.doc_key == "note:basket/part.md"
        assert "An apple pie recipe." in preview_text(app)


async def test_escape_returns_to_where_you_were_and_the_query_is_offered_again(
    fruit: Path,
) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Market")
        before = preview_text(app)
        await search(pilot, "apple")
        await press(pilot, "escape")
        assert not isinstance(app.screen, SearchScreen)
        assert cursor_entry(app).title == "Market"
        assert preview_text(app) == before
        assert app.note_view.find_query == ""
        await press(pilot, "ctrl+f")
        assert search_screen(app).query_text == "apple"


async def test_no_match_says_so(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        screen = await search(pilot, "durian")
        assert prompts(screen) == []
        assert widget_text(app, screen.query_one("#search-count")).strip() == "No matches"
        await press(pilot, "enter")  # nothing to open: the search stays
        assert app.screen is screen


async def test_search_is_in_the_command_palette(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "Search notes" in commands


# -- / in the preview: find in the note ---------------------------------------------------------


async def find_in_market(pilot: Pilot[int]) -> ReadnotesApp:
    app = await started(pilot)
    await go_to(pilot, "Market")
    app.note_view.focus()
    await settle(pilot)
    await press(pilot, "slash", *"pear")
    return app


def current_line(app: ReadnotesApp) -> str:
    """The line of the current match, the one the find bar counts ("2/3": the second)."""
    view = app.note_view
    shown, _, _total = find_count(app).partition("/")
    assert shown.isdigit(), f"no current match: {find_count(app)!r}"
    match = view.find_matches[int(shown) - 1]
    y = match.line - round(view.scroll_y)
    assert 0 <= y < view.scrollable_content_region.height, "the current match is not in view"
    return "".join(segment.text for segment in view.render_line(y)).strip()


async def test_slash_in_the_preview_finds_as_you_type_and_counts(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await find_in_market(pilot)
        assert app.query_one(FindBar).display
        assert not app.filter_bar.display  # the tree's filter did not open
        assert find_count(app) == "1/3"
        assert current_line(app) == "A pear at the top."
        await press(pilot, "backspace", "backspace", "backspace", "backspace", *"durian")
        assert find_count(app) == "no match"


async def test_n_and_shift_n_move_between_matches_and_wrap(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await find_in_market(pilot)
        await press(pilot, "enter")  # back to the note, matches kept
        assert app.focused is app.note_view
        await press(pilot, "n")
        assert (find_count(app), current_line(app)) == ("2/3", "A pear in the middle.")
        await press(pilot, "n")
        assert (find_count(app), current_line(app)) == ("3/3", "A pear at the end.")
        await press(pilot, "n")
        assert (find_count(app), current_line(app)) == ("1/3", "A pear at the top.")
        await press(pilot, "N")
        assert (find_count(app), current_line(app)) == ("3/3", "A pear at the end.")


async def test_matches_are_highlighted_the_current_one_most(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await find_in_market(pilot)
        view = app.note_view
        y = view.find_matches[0].line - round(view.scroll_y)
        pear = [segment for segment in view.render_line(y) if segment.text == "pear"]
        assert len(pear) == 1 and pear[0].style is not None and pear[0].style.bold
        plain = [segment for segment in view.render_line(y) if segment.text.startswith(" at")]
        assert plain and plain[0].style is not None and not plain[0].style.bold


async def test_escape_clears_the_find_in_the_bar_or_in_the_note(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await find_in_market(pilot)
        assert painted_as_current(app) == ["pear"]
        await press(pilot, "escape")
        assert not app.query_one(FindBar).display
        assert app.note_view.find_query == "" and app.note_view.find_matches == []
        assert app.focused is app.note_view
        await press(pilot, "slash", *"pear", "enter", "escape")
        assert not app.query_one(FindBar).display
        assert app.note_view.find_query == ""
        await press(pilot, "n")  # no find: n does nothing
        assert not app.query_one(FindBar).display and app.note_view.find_matches == []
        assert painted_as_current(app) == []


def painted_as_current(app: ReadnotesApp) -> list[str]:
    """The text on screen that the preview paints as the current match."""
    view = app.note_view
    current = view.get_component_rich_style("note-view--match-current", partial=True)
    height = view.scrollable_content_region.height
    segments = (segment for y in range(height) for segment in view.render_line(y))
    return [s.text for s in segments if s.style is not None and s.style.bgcolor == current.bgcolor]


async def test_slash_in_the_tree_still_opens_the_filter(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash")
        assert app.filter_bar.display and app.focused is app.filter_bar
        assert not app.query_one(FindBar).display


async def test_ctrl_f_searches_from_the_filter_too(fruit: Path) -> None:
    app = make_app(fruit)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"orch", "ctrl+f")
        screen = search_screen(app)
        await press(pilot, *"pie", "ctrl+f")  # inside the search, ctrl+f is the input's own
        assert app.screen is screen
