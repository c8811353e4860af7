"""e and E hand over to the editor (the app suspends); r reloads the index."""

from __future__ import annotations

from collections.abc import Sequence
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
    started,
    wait_until,
)


@pytest.fixture
def editor() -> FakeEffects:
    """The editor appends a line to the file it opens (the command: file, then line)."""

    def fake_command(
        path: Path, line: int | None = None, configured: Sequence[str] | None = None
    ) -> list[str]:
        return ["fake-editor", str(path), str(line)]

    def edit(command: list[str]) -> int:
        with open(command[1], "a", encoding="utf-8") as handle:
            handle.write("\nEdited in the editor.\n")
        return 0

    return FakeEffects(editor=edit, editor_command=fake_command)


async def test_e_opens_the_note_and_shows_it_again_afterwards(
    notes_copy: Path, editor: FakeEffects
) -> None:
    app = make_app(notes_copy, editor)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "UniversalNER")
        await press(pilot, "e")
        note = notes_copy / "papers/LLM/distillation/UniversalNER.md"
        assert editor.edited == [["fake-editor", str(note.resolve()), "None"]]
        await press(pilot, "tab", "end")
        await wait_until(pilot, lambda: "Edited in the editor." in preview_text(app))


async def test_e_creates_a_missing_note_with_its_title(
    notes_copy: Path, editor: FakeEffects
) -> None:
    note = notes_copy / "blogs/TransformerInferenceArithmetic.md"
    assert not note.exists()
    app = make_app(notes_copy, editor)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Transformer Inference")
        assert "No note yet" in preview_text(app)
        await press(pilot, "e")
        assert note.read_text() == "# Transformer Inference Arithmetic\n\nEdited in the editor.\n"
        await wait_until(pilot, lambda: "Edited in the editor." in preview_text(app))


async def test_E_opens_the_index_at_the_entry_line_and_reloads(
    notes_copy: Path, editor: FakeEffects
) -> None:
    app = make_app(notes_copy, editor)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        entry = await go_to(pilot, "Numbers every")
        await press(pilot, "E")
        assert editor.edited == [["fake-editor", str(notes_copy / "README.md"), str(entry.line)]]
        assert app.index is not None and app.index.data.endswith(b"Edited in the editor.\n")
        assert cursor_entry(app).title == entry.title


async def test_no_editor_is_a_notice(notes_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        await press(pilot, "e")
        assert any("No editor found" in str(n.message) for n in app._notifications)


async def test_r_reloads_the_index_keeping_the_cursor(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Zephyr")
        index = notes_copy / "README.md"
        index.write_bytes(index.read_bytes() + b"\n* TODO [A new paper](https://example.org/new)\n")
        await press(pilot, "r")
        assert str(app.status_line.render()) == "17 entries · 4 TODO"
        assert cursor_entry(app).title.startswith("Zephyr")
        assert any(e.title == "A new paper" for e in app.index.entries)  # type: ignore[union-attr]


async def test_e_on_a_folder_note_opens_its_readme_in_any_case(
    notes_copy: Path, editor: FakeEffects
) -> None:
    """The preview shows ``Readme.md`` for a folder note, so ``e`` opens that same file."""
    folder = notes_copy / "blogs/ray"
    readme = next(p for p in folder.iterdir() if p.name.lower() == "readme.md")
    readme.rename(folder / "Readme.md")
    app = make_app(notes_copy, editor)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Ray")
        await press(pilot, "e")
        assert editor.edited == [["fake-editor", str((folder / "Readme.md").resolve()), "None"]]
        await press(pilot, "tab", "end")
        await wait_until(pilot, lambda: "Edited in the editor." in preview_text(app))
