"""Live: the browser follows every change to the notes folder at once, keeping the reader's place.

Real app under Pilot, real files in ``tmp_path``, the real watcher (inotify, or polling). Every
wait polls the screen with a timeout; nothing sleeps for a fixed time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from app_harness import (
    SIZE,
    FakeEffects,
    cursor_entry,
    fakes_of,
    go_to,
    make_app,
    press,
    preview_text,
    settle,
    started,
    tree_labels,
    wait_until,
)
from textual.pilot import Pilot

from app.edges.watch import FolderChange
from app.ui.app import ReadnotesApp
from tests.conftest import SAMPLE

RAY = "* TODO [Ray](./blogs/ray/)\n"
READER_AT = "Transformer Inference Arithmetic"
PHI_DONE = "✓ Textbooks Are All You Need II: phi-1.5 technical report"
Save = Callable[[Path, bytes], None]


# -- how people save ---------------------------------------------------------------------------


def save_in_place(path: Path, data: bytes) -> None:
    with path.open("r+b") as file:  # the same inode: truncate, then write
        file.truncate(0)
        file.write(data)


def save_by_replace(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temp.write_bytes(data)
    os.replace(temp, path)


def save_like_vim(path: Path, data: bytes) -> None:
    """Vim's backup-rename: the 4913 probe, a swap file, README.md~ while the file is written."""
    probe = path.parent / "4913"
    probe.write_bytes(b"")
    probe.unlink()
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0")
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_bytes(data)
    backup.unlink()
    swap.unlink()


def save_like_sed(path: Path, data: bytes) -> None:
    """``sed -i``: a temp file named ``sedXXXXXX`` beside the file, renamed over it."""
    temp = path.parent / "sedK3x9Qa"
    temp.write_bytes(data)
    os.replace(temp, path)


def save_with_vim(path: Path, data: bytes) -> None:
    """The real vim, default write settings (backup-rename), in ex mode."""
    source = path.parent.parent / "vim-source.md"
    source.write_bytes(data)
    commands = ["set nocompatible writebackup backupcopy=auto", "%d_", f"0r {source}", "x"]
    args = ["vim", "-u", "NONE", "-i", "NONE", "-es", *(f"+{c}" for c in commands), str(path)]
    subprocess.run(args, check=True, timeout=20, stdin=subprocess.DEVNULL)


SAVES = [
    pytest.param(save_in_place, id="in-place"),
    pytest.param(save_by_replace, id="os.replace"),
    pytest.param(save_like_vim, id="vim-backup-rename"),
    pytest.param(save_like_sed, id="sed-i"),
    pytest.param(
        save_with_vim,
        id="real-vim",
        marks=pytest.mark.skipif(shutil.which("vim") is None, reason="no vim here"),
    ),
]


# -- helpers -----------------------------------------------------------------------------------


def with_entry(path: Path, title: str) -> bytes:
    """The index with a new TODO entry after "Ray" (in "Blog notes")."""
    text = path.read_text()
    assert RAY in text
    entry = f"* TODO [{title}](./blogs/{title.replace(' ', '')}.md)"
    return text.replace(RAY, f"{RAY}\n{entry}\n").encode()


def status(app: ReadnotesApp) -> str:
    return str(app.status_line.render())


def notices(app: ReadnotesApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def collapse(pilot: Pilot[int], app: ReadnotesApp, title: str) -> None:
    assert app.index is not None
    category = next(c for c in app.index.categories() if c.title == title)
    back = cursor_entry(app)  # the reader closes it from one of its entries, and goes back
    await go_to(pilot, category.entries[0].title)
    await press(pilot, "left", "left")
    await go_to(pilot, back.title)


async def calm(pilot: Pilot[int], app: ReadnotesApp, quiet: float = 0.3) -> None:
    """Wait until the watcher has reported nothing for ``quiet`` seconds, then for the workers."""
    seen, since = fakes_of(app).bursts, asyncio.get_running_loop().time()
    while asyncio.get_running_loop().time() - since < quiet:
        await asyncio.sleep(0.02)
        if fakes_of(app).bursts != seen:
            seen, since = fakes_of(app).bursts, asyncio.get_running_loop().time()
    await settle(pilot)


async def place_reader(pilot: Pilot[int], app: ReadnotesApp) -> None:
    """The reader's place: on a TODO entry, with "Knowledge distillation" folded away."""
    await go_to(pilot, READER_AT)
    await collapse(pilot, app, "Knowledge distillation")


def assert_place_kept(app: ReadnotesApp, *, folded: bool = True) -> None:
    assert cursor_entry(app).title == READER_AT
    labels = tree_labels(app)
    if folded:
        assert "Knowledge distillation  5" in labels
        assert not any("Zephyr" in label for label in labels)
    assert "Large Language Model  10 · 1 TODO" in labels or "Paper notes  10 · 1 TODO" in labels


# -- every way of saving the index -------------------------------------------------------------


@pytest.mark.parametrize("save", SAVES)
async def test_an_outside_save_shows_at_once_keeping_cursor_expansion_and_filter(
    notes_copy: Path, save: Save
) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await place_reader(pilot, app)

        save(index, with_entry(index, "Speculative Decoding"))
        await wait_until(pilot, lambda: "○ Speculative Decoding" in tree_labels(app))
        assert status(app) == "17 entries · 4 TODO"
        assert "Blog notes  6 · 3 TODO" in tree_labels(app)
        assert_place_kept(app)

        await press(pilot, "t")  # TODO only: the filter must survive the next save too
        save(index, with_entry(index, "Medusa"))
        await wait_until(pilot, lambda: "○ Medusa" in tree_labels(app))
        assert status(app) == "18 entries · 5 TODO · TODO only · 5 shown"
        assert cursor_entry(app).title == READER_AT
        assert not any(label.startswith("✓") for label in tree_labels(app))
        await calm(pilot, app)
        assert fakes_of(app).reloads == 2
        assert READER_AT in preview_text(app)
        assert not any(name in str(notices(app)) for name in ("4913", "~", ".swp", "sedK3"))


async def test_a_burst_of_300_files_and_the_index_costs_one_or_two_reloads(
    notes_copy: Path,
) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await place_reader(pilot, app)
        pulled = notes_copy / "papers" / "LLM"
        for number in range(300):
            (pulled / f"pulled{number:03}.md").write_text(f"# Pulled {number}\n")
        save_by_replace(index, with_entry(index, "Speculative Decoding"))
        await wait_until(pilot, lambda: "○ Speculative Decoding" in tree_labels(app))
        await calm(pilot, app)
        assert 1 <= fakes_of(app).reloads <= 2
        assert status(app) == "17 entries · 4 TODO"
        assert_place_kept(app)


# -- our own writes ----------------------------------------------------------------------------


async def test_our_own_mark_is_not_taken_for_an_outside_change(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        await press(pilot, "x")
        await wait_until(pilot, lambda: fakes_of(app).bursts >= 1)  # the watcher saw our write
        await calm(pilot, app)
        assert fakes_of(app).reloads == 0
        assert PHI_DONE in tree_labels(app)
        assert status(app) == "16 entries · 2 TODO"
        assert not any("changed on disk" in notice for notice in notices(app))


async def test_an_outside_edit_right_after_our_own_write_is_shown(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        await pilot.press("x")
        await wait_until(pilot, lambda: b"TODO [Textbooks" not in index.read_bytes())
        save_in_place(index, with_entry(index, "Medusa"))  # well inside one debounce window
        await wait_until(pilot, lambda: "○ Medusa" in tree_labels(app))
        assert PHI_DONE in tree_labels(app)
        assert status(app) == "17 entries · 3 TODO"
        assert cursor_entry(app).title.startswith("Textbooks")
        assert fakes_of(app).reloads >= 1


async def never_changes(*args: object, **kwargs: object) -> AsyncIterator[FolderChange]:
    """A folder where the watcher sees nothing (a network mount without polling)."""
    await asyncio.Event().wait()
    yield FolderChange(frozenset(), False)


async def test_x_on_an_index_changed_unseen_merges_and_says_so(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy, FakeEffects(watch=never_changes))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        save_by_replace(index, with_entry(index, "Medusa"))
        await press(pilot, "x")
        assert b"* TODO [Medusa]" in index.read_bytes()  # the outside edit is not lost
        assert b"* [Textbooks Are All You Need II" in index.read_bytes()
        assert "○ Medusa" in tree_labels(app) and PHI_DONE in tree_labels(app)
        assert any("changed on disk" in notice for notice in notices(app))

        save_in_place(index, with_entry(index, "Hydra"))
        await press(pilot, "r")  # reload now: the same path as a change seen on disk
        await wait_until(pilot, lambda: "○ Hydra" in tree_labels(app))
        assert cursor_entry(app).title.startswith("Textbooks")


# -- the index or the folder going away --------------------------------------------------------


async def test_the_index_moved_away_or_deleted_keeps_the_tree_and_comes_back(
    notes_copy: Path,
) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await place_reader(pilot, app)
        before = tree_labels(app)

        os.rename(index, notes_copy / "README.old")
        await wait_until(pilot, lambda: "is missing" in status(app))
        assert status(app).startswith("16 entries · 3 TODO · The index")
        assert tree_labels(app) == before
        os.rename(notes_copy / "README.old", index)
        await wait_until(pilot, lambda: status(app) == "16 entries · 3 TODO")
        assert tree_labels(app) == before

        changed = with_entry(index, "Medusa")
        index.unlink()
        await wait_until(pilot, lambda: "is missing" in status(app))
        assert tree_labels(app) == before
        index.write_bytes(changed)
        await wait_until(pilot, lambda: "○ Medusa" in tree_labels(app))
        assert status(app) == "17 entries · 4 TODO"
        assert_place_kept(app)


async def test_a_half_written_index_keeps_the_last_good_tree(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await place_reader(pilot, app)
        before = tree_labels(app)
        good = with_entry(index, "Medusa")
        save_in_place(index, b"")
        await wait_until(pilot, lambda: "is empty" in status(app))
        assert tree_labels(app) == before
        save_in_place(index, b"\x00" * 4096)
        await wait_until(pilot, lambda: "looks binary" in status(app))
        assert tree_labels(app) == before
        save_in_place(index, good)
        await wait_until(pilot, lambda: "○ Medusa" in tree_labels(app))
        assert status(app) == "17 entries · 4 TODO"
        assert_place_kept(app)


async def test_the_notes_folder_renamed_or_deleted_is_said_and_followed_again(
    notes_copy: Path, tmp_path: Path
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await place_reader(pilot, app)
        before = tree_labels(app)

        os.rename(notes_copy, tmp_path / "renamed")
        await wait_until(pilot, lambda: "is gone" in status(app))
        assert tree_labels(app) == before
        os.rename(tmp_path / "renamed", notes_copy)
        await wait_until(pilot, lambda: status(app) == "16 entries · 3 TODO")

        shutil.rmtree(notes_copy)
        await wait_until(pilot, lambda: "is gone" in status(app))
        assert tree_labels(app) == before
        shutil.copytree(SAMPLE, notes_copy)
        index = notes_copy / "README.md"
        save_in_place(index, with_entry(index, "Medusa"))
        await wait_until(pilot, lambda: "○ Medusa" in tree_labels(app))
        assert status(app) == "17 entries · 4 TODO"
        assert_place_kept(app)


# -- notes ---------------------------------------------------------------------------------------


async def test_the_note_on_screen_edited_is_rendered_again_at_the_same_scroll(
    notes_copy: Path,
) -> None:
    note = notes_copy / "papers" / "LLM" / "AttentionIsAllYouNeed.md"
    note.write_text("# Attention\n\n" + "".join(f"- item {n}\n" for n in range(200)))
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Attention Is All You Need")
        app.note_view.scroll_to_line(50)
        await pilot.pause()
        assert app.note_view.scroll_y == 50
        text = note.read_text().replace("- item 60\n", "- item 60 EDITED\n")
        save_by_replace(note, text.encode())
        await wait_until(pilot, lambda: "item 60 EDITED" in preview_text(app))
        assert app.note_view.scroll_y == 50
        assert fakes_of(app).reloads == 0


async def test_a_note_created_or_deleted_updates_the_preview(notes_copy: Path) -> None:
    note = notes_copy / "papers" / "LLM" / "Phi1.5.md"
    note.unlink()
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "phi-1.5")
        await wait_until(pilot, lambda: "No note yet" in preview_text(app))
        note.write_text("# Phi notes\n\nSmall models, textbook data.\n")
        await wait_until(pilot, lambda: "textbook data" in preview_text(app))
        assert "No note yet" not in preview_text(app)
        note.unlink()
        await wait_until(pilot, lambda: "No note yet" in preview_text(app))


async def test_a_folder_note_lists_a_new_file(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "thinking in cpp")
        await wait_until(pilot, lambda: "ch04" in preview_text(app))
        (notes_copy / "books" / "thinking_in_cpp" / "ch05-hiding-the-implementation.md").write_text(
            "# Chapter 5\n"
        )
        (notes_copy / "books" / "thinking_in_cpp" / "ch05.md~").write_text("backup")
        await wait_until(pilot, lambda: "ch05-hiding" in preview_text(app))
        assert "ch05.md~" not in preview_text(app)


async def test_a_tag_added_to_a_note_is_found_by_the_active_filter(notes_copy: Path) -> None:
    note = notes_copy / "papers" / "LLM" / "FlashAttention.md"
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: bool(app.entry_tags))
        await press(pilot, "slash", *"#tiling")
        assert status(app) == "16 entries · 3 TODO · filter: #tiling · 0 shown"
        text = note.read_text().replace("tags: [llm,", "tags: [tiling, llm,")
        save_by_replace(note, text.encode())
        await wait_until(pilot, lambda: "· 1 shown" in status(app))
        assert any("FlashAttention" in label for label in tree_labels(app))


# -- polling ---------------------------------------------------------------------------------------


async def test_polling_mode_follows_a_save(notes_copy: Path) -> None:
    index = notes_copy / "README.md"
    app = make_app(notes_copy, poll=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await place_reader(pilot, app)
        save_in_place(index, with_entry(index, "Speculative Decoding"))
        await wait_until(pilot, lambda: "○ Speculative Decoding" in tree_labels(app))
        assert status(app) == "17 entries · 4 TODO"
        assert_place_kept(app)
