"""ctrl+p (every action, and "go to entry"), ? (help from the bindings) and q (quit)."""

from __future__ import annotations

from pathlib import Path

from app_harness import SIZE, cursor_entry, make_app, press, settle, started, wait_until
from textual.command import CommandList, CommandPalette

from app.core.model import Entry, Link, Marker, MarkerKind, Status
from app.ui.commands import candidates
from app.ui.help_screen import HelpScreen


async def open_palette_and_type(pilot: object, text: str) -> None:
    await press(pilot, "ctrl+p")  # type: ignore[arg-type]
    await press(pilot, *text)  # type: ignore[arg-type]


async def test_ctrl_p_goes_to_an_entry_by_fuzzy_title(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_palette_and_type(pilot, "zephyr")
        assert isinstance(app.screen, CommandPalette)
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 0)
        await press(pilot, "enter")
        await settle(pilot)
        assert cursor_entry(app).title == "Zephyr: Direct Distillation of LM Alignment"


async def test_go_to_entry_clears_a_filter_that_hides_it(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "t")  # TODO only: Zephyr is hidden
        await open_palette_and_type(pilot, "zphr")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 0)
        await press(pilot, "enter")
        await settle(pilot)
        assert cursor_entry(app).title.startswith("Zephyr")
        assert str(app.status_line.render()) == "16 entries · 3 TODO"


async def test_the_palette_offers_every_action(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Done/TODO", "Undo mark", "Open link", "Copy link", "Edit note"} <= titles
        assert {"Filter", "All/TODO/done", "Back", "Forward", "Reload", "Expand"} <= titles
        await open_palette_and_type(pilot, "all/todo/done")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 0)
        await press(pilot, "enter")
        await settle(pilot)
        assert "TODO only" in str(app.status_line.render())


def test_go_to_entry_candidates_on_20000_titles_put_substring_hits_first_and_are_capped() -> None:
    """Their speed is measured by hand in bench/micro.py, not timed here."""
    marker = Marker(MarkerKind.NONE, 0, 0)
    entries = [
        Entry(
            f"Paper number {n} on topic {n % 97}",
            ("A",),
            Status.DONE,
            None,
            (Link("paper", "https://x.org"),),
            n + 1,
            marker,
            str(n),
            n,
        )
        for n in range(20_000)
    ]
    titles = [e.title.casefold() for e in entries]
    found = candidates(titles, entries, "number 1999")
    assert found[0].title.startswith("Paper number 1999")
    assert len(candidates(titles, entries, "pnt9")) == 60  # capped


async def test_question_mark_shows_every_key(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = {(row.keys, row.description) for s in app.key_sections() for row in s.rows}
        for expected in [
            ("↓, j", "Down"),
            ("←, h", "Collapse / to category"),
            ("x", "Done/TODO"),
            ("1-9", "Open link N"),
            ("E", "Edit index line"),
            ("/", "Filter"),
            ("[, ⌫", "Back"),
            ("^p", "Command palette"),
            ("tab", "Focus Next"),
            ("?", "Help"),
            ("q", "Quit"),
        ]:
            assert expected in shown
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_follows_a_remapped_key(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.set_keymap({"app.toggle_done": "d"})
        rows = {row.description: row.keys for s in app.key_sections() for row in s.rows}
        assert rows["Done/TODO"] == "d"


async def test_q_quits_with_exit_code_0(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_folder_without_an_index_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    app = make_app(tmp_path / "missing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.index is None
        assert "missing" in str(app.status_line.render())
        assert app.is_running
