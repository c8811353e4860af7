"""a: the add dialog writes one line in the file's style, creates the note and shows it."""

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
    wait_until,
)
from textual.widgets import Checkbox, Input, Select

from app.core.locking import lock_path
from app.ui.add_screen import AddScreen
from app.ui.app import ReadnotesApp

ZEPHYR = (
    b"* [Zephyr: Direct Distillation of LM Alignment](./papers/LLM/distillation/Zephyr.md)"
    b" [[paper](https://arxiv.org/abs/2310.16944)] [[code](https://github.com/mbzuai-nlp/LaMini-LM)]\n"
)


def dialog(app: ReadnotesApp) -> AddScreen:
    screen = app.screen
    assert isinstance(screen, AddScreen)
    return screen


async def test_a_adds_an_entry_under_the_cursor_with_its_note_shown(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    before = index.read_bytes()
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "a")
        screen = dialog(app)
        assert screen.query_one("#add-category", Select).value == "\x1f".join(
            ("Paper notes", "Large Language Model", "Knowledge distillation")
        )
        assert screen.query_one("#add-todo", Checkbox).value is True
        assert screen.query_one("#add-note", Checkbox).value is True  # the neighbours have notes
        await press(pilot, *"Orca: Progressive Learning")
        await press(pilot, "tab", *"2306.02707")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddScreen))
        await wait_until(pilot, lambda: cursor_entry(app).title == "Orca: Progressive Learning")
        line = (
            b"* TODO [Orca: Progressive Learning](./papers/LLM/distillation/Orca.md)"
            b" [[paper](https://arxiv.org/abs/2306.02707)]\n"
        )
        k = before.index(ZEPHYR) + len(ZEPHYR)
        assert index.read_bytes() == before[:k] + b"\n" + line + before[k:]
        note = notes_copy / "papers/LLM/distillation/Orca.md"
        assert "status: todo" in note.read_text()
        entry = cursor_entry(app)
        assert entry.category[-1] == "Knowledge distillation"
        assert entry.note == "papers/LLM/distillation/Orca.md"
        await wait_until(pilot, lambda: app.note_view.is_complete)
        await wait_until(pilot, lambda: "Orca: Progressive Learning" in preview_text(app))


async def test_escape_cancels_and_writes_nothing(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    before = index.read_bytes()
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "a", *"Never added", "escape")
        assert not isinstance(app.screen, AddScreen)
        assert index.read_bytes() == before
        assert app.index is not None and not any(
            e.title == "Never added" for e in app.index.entries
        )


async def test_a_duplicate_is_refused_with_a_notice(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    before = index.read_bytes()
    files = sorted(notes_copy.rglob("*"))
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LaMini")
        await press(pilot, "a", *"zephyr: direct distillation of lm alignment", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddScreen))
        await wait_until(pilot, lambda: any("Already in" in n.message for n in app._notifications))
        assert index.read_bytes() == before
        assert [p for p in sorted(notes_copy.rglob("*")) if p != lock_path(index)] == files


async def test_the_dialog_keeps_an_empty_title_or_a_bad_link_to_fix(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "a", "enter")
        screen = dialog(app)
        assert "needs a title" in str(screen.query_one("#add-error").render())
        await press(pilot, *"A title", "tab", *"not-a-link", "enter")
        assert isinstance(app.screen, AddScreen)
        assert app.screen.focused is screen.query_one("#add-links", Input)
        await press(pilot, "escape")
