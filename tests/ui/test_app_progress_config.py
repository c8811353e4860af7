"""Progress bars, the config (keys, theme, done dates), remembered places, tags and themes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    cursor_entry,
    go_to,
    make_app,
    press,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
    widget_text,
)
from textual.command import CommandList, CommandPalette

from app.core.config import Config, load_config
from app.core.state import StateStore
from app.ui.app import ReadnotesApp

ZEPHYR = "papers/LLM/distillation/Zephyr.md"


def notices(app: ReadnotesApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def progress_shown(app: ReadnotesApp) -> str:
    return widget_text(app, app.query_one("#progress"))


async def palette_pick(pilot: object, text: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    await press(pilot, "ctrl+p")  # type: ignore[arg-type]
    await press(pilot, *text)  # type: ignore[arg-type]
    assert isinstance(app.screen, CommandPalette)
    commands = app.screen.query_one(CommandList)
    await wait_until(pilot, lambda: commands.option_count > 0)  # type: ignore[arg-type]
    await press(pilot, "enter")  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]


# -- progress ------------------------------------------------------------------------------------


async def test_the_status_line_shows_the_overall_progress(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        status_row = widget_text(app, app.query_one("#status-row"))
        assert status_row.startswith(" 16 entries · 3 TODO")
        assert status_row.endswith("█████████░░░ 81%")
        await press(pilot, "t")  # a filter does not change how far the reading has come
        assert progress_shown(app).strip() == "█████████░░░ 81%"
        await go_to(pilot, "Ray")
        await press(pilot, "x")
        assert progress_shown(app).strip() == "██████████░░ 87%"


async def test_category_overviews_show_a_bar_for_each_category(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.index_tree.reveal_category("Paper notes")
        await settle(pilot)
        await wait_until(pilot, lambda: "9/10" in preview_text(app))
        lines = [line.strip() for line in preview_text(app).splitlines()]
        assert "█████████░ 9/10 · 90%" in lines
        assert "Large Language Model      █████████░ 9/10 · 90%" in lines
        assert "Knowledge distillation  ██████████ 5/5 · 100%" in lines
        await press(pilot, "t")  # TODO only: the bars still count every entry
        await wait_until(pilot, lambda: "TODO only" in preview_text(app))
        assert "█████████░ 9/10 · 90%" in preview_text(app)


# -- the config ------------------------------------------------------------------------------------


async def test_a_keymap_override_changes_what_a_key_does(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    original = index.read_bytes()
    app = make_app(notes_copy, config=Config(keys={"app.toggle_done": "d"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        await press(pilot, "x")
        assert index.read_bytes() == original  # x is no longer bound
        await press(pilot, "d")
        await wait_until(pilot, lambda: index.read_bytes() != original)
        assert b"* [Textbooks Are All You Need II" in index.read_bytes()
        rows = [row for section in app.key_sections() for row in section.rows]
        assert ("d", "toggle_done") in [(row.keys, row.action) for row in rows]


async def test_config_problems_are_notices_and_the_rest_applies(
    notes_copy: Path, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\npoll = "often"\n[keys]\n"app.toggel_done" = "space"\n')
    app = make_app(notes_copy, config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.theme == "nord"
        shown = notices(app)
        assert (
            f"{path} line 2: poll must be true or false, not the string 'often'; using the"
            in (shown[0])
        )
        assert shown[1].startswith(f"{path} line 4: no key binding has the id 'app.toggel_done'")


async def test_record_done_date_writes_only_the_done_line(notes_copy: Path) -> None:
    note = notes_copy / ZEPHYR
    before = note.read_bytes()
    today = FakeEffects(today=lambda: date(2031, 7, 9))  # the clock the done date is read from
    app = make_app(notes_copy, today, config=Config(record_done_date=True))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "x")  # done -> TODO: the note is left alone
        assert note.read_bytes() == before
        await press(pilot, "x")  # TODO -> done: the date goes in
        await wait_until(pilot, lambda: note.read_bytes() != before)
    old, new = before.splitlines(keepends=True), note.read_bytes().splitlines(keepends=True)
    closing = old.index(b"---\n", 1)
    assert new == [*old[:closing], b"done: 2031-07-09\n", *old[closing:]]


async def test_a_refused_done_date_is_a_notice_and_the_mark_stands(notes_copy: Path) -> None:
    note = notes_copy / ZEPHYR
    note.write_bytes(b"---\n- not: fields\n---\n# Zephyr\n")
    index = notes_copy / "README.md"
    app = make_app(notes_copy, config=Config(record_done_date=True))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "x", "x")
        await wait_until(pilot, lambda: any("done date not recorded" in n for n in notices(app)))
        assert b"* [Zephyr" in index.read_bytes()
        assert note.read_bytes() == b"---\n- not: fields\n---\n# Zephyr\n"


async def test_the_config_editor_opens_notes(
    notes_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "vim")
    fakes = FakeEffects()
    app = make_app(notes_copy, fakes, config=Config(editor=("my-editor", "--wait")))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "e")
    assert fakes.edited == [["my-editor", "--wait", str(notes_copy / ZEPHYR)]]


# -- remembered between runs -----------------------------------------------------------------------


async def test_the_place_filters_and_theme_are_restored_on_the_next_start(
    notes_copy: Path, tmp_path: Path
) -> None:
    store = StateStore(tmp_path / "state")
    first = make_app(notes_copy, state=store)
    async with first.run_test(size=SIZE) as pilot:
        await started(pilot)
        first.index_tree.reveal_category("Paper notes")
        await press(pilot, "left")  # collapse "Paper notes"
        await go_to(pilot, "Transformer Inference")
        await press(pilot, "t")  # TODO only
        first.theme = "dracula"
        await press(pilot, "q")

    second = make_app(notes_copy, state=store, config=Config(theme="nord"))
    async with second.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert cursor_entry(second).title == "Transformer Inference Arithmetic"
        assert "TODO only" in str(second.status_line.render())
        assert second.theme == "dracula"  # the remembered theme wins over the config's
        await press(pilot, "t", "t")  # back to all entries: Paper notes stays collapsed
        labels = tree_labels(second)
        assert not any("Large Language Model" in label for label in labels)  # Paper notes shut
        assert any(label.startswith("○ Ray") for label in labels)  # Blog notes still open


async def test_a_text_filter_is_restored_in_the_filter_bar(
    notes_copy: Path, tmp_path: Path
) -> None:
    store = StateStore(tmp_path / "state")
    first = make_app(notes_copy, state=store)
    async with first.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"#alignment", "enter")
        await wait_until(pilot, lambda: "1 shown" in str(first.status_line.render()))

    second = make_app(notes_copy, state=store)
    async with second.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: "1 shown" in str(second.status_line.render()))
        assert second.filter_bar.display and second.filter_bar.value == "#alignment"
        assert cursor_entry(second).title.startswith("Zephyr")


async def test_without_a_state_store_nothing_is_remembered(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "t", "q")
    assert app.preferences.state is None


async def test_a_corrupt_state_file_is_ignored_and_replaced(
    notes_copy: Path, tmp_path: Path
) -> None:
    store = StateStore(tmp_path)
    store.path.write_bytes(b"\x00garbage{")
    app = make_app(notes_copy, state=store)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "q")
    assert store.folder(notes_copy / "README.md") is not None


# -- tags and themes -----------------------------------------------------------------------------


async def test_tags_show_in_the_preview_and_hash_tag_filters(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        assert "tags: llm, distillation, alignment, dpo" in preview_text(app)
        await wait_until(pilot, lambda: bool(app.entry_tags))
        await press(pilot, "slash", *"#dpo", "enter")
        assert str(app.status_line.render()) == "16 entries · 3 TODO · filter: #dpo · 1 shown"


async def test_the_palette_lists_tags_and_filters_by_one(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: bool(app.entry_tags))
        await palette_pick(pilot, "tag: #alignment")
        assert app.filter_bar.value == "#alignment"
        assert str(app.status_line.render()).endswith("filter: #alignment · 1 shown")
        assert cursor_entry(app).title.startswith("Zephyr")


async def test_every_theme_is_in_the_palette(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await palette_pick(pilot, "theme: gruvbox")
        assert app.theme == "gruvbox"
        await press(pilot, "ctrl+p", *"theme")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 0)
        listed = {str(commands.get_option_at_index(n).prompt) for n in range(commands.option_count)}
        for name in app.available_themes:
            assert any(f"Theme: {name}" in prompt for prompt in listed), name
