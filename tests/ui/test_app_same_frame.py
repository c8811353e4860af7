"""What a keystroke changes is on screen in the frame that echoes it (issue 5).

The filter's result and a read-ahead preview are applied synchronously, from the input's value
watcher and the tree's cursor watcher, not from messages that bubble to the app after the
screen has painted. These tests do what the key does and look before the event loop runs
again; then they check the cache is never served stale.
"""

from __future__ import annotations

import os
from pathlib import Path

from app_harness import SIZE, go_to, make_app, settle, started, wait_until

from app.core.model import Entry
from app.core.parse import find_index
from app.core.reread import read_ahead
from app.ui.app import ReadnotesApp


async def test_a_filter_keystroke_updates_tree_and_status_before_the_next_frame(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash")
        app.filter_bar.insert_text_at_cursor("zeph")  # what typing does, without awaiting
        assert app.filtering.query.text == "zeph"
        assert "filter: zeph · 1 shown" in str(app.status_line.render())
        shown = [entry.title for entry in _shown_entries(app)]
        assert shown == ["Zephyr: Direct Distillation of LM Alignment"]
        await settle(pilot)  # and the message that follows changes nothing
        assert app.filtering.query.text == "zeph"


async def test_keys_typed_in_one_burst_end_on_the_last_text(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", "l", "o", "r", "a", "backspace", "backspace")
        await settle(pilot)
        assert app.filtering.query.text == "lo"
        assert app.filter_bar.value == "lo"


def _shown_entries(app: ReadnotesApp) -> list[Entry]:
    tree = app.index_tree
    items = [tree.item_at(line) for line in range(tree.line_count)]
    return [item for item in items if isinstance(item, Entry)]


def _next_entry_below(app: ReadnotesApp) -> Entry:
    tree = app.index_tree
    item = tree.item_at(tree.cursor_line + 1)
    assert isinstance(item, Entry)
    return item


async def test_the_next_note_is_read_ahead_and_shown_with_the_cursor_move(
    notes_copy: Path,
) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LaMini")
        following = _next_entry_below(app)
        assert following.note is not None
        await settle(pilot)  # the read-ahead worker
        await wait_until(pilot, lambda: following in app.navigator.previews)
        app.index_tree.action_cursor_down()  # what ``j`` does; no await: same frame
        assert app.note_view.doc_key == f"entry:{following.key}"
        assert app.note_view.is_complete
        assert following.title.split(":")[0] in preview_text_now(app)


def preview_text_now(app: ReadnotesApp) -> str:
    """The preview's lines as the next frame paints them (the compositor has not run yet)."""
    view = app.note_view
    return "\n".join(
        "".join(segment.text for segment in line) for line in (*view._header, *view.rendered.lines)
    )


async def test_a_note_saved_after_it_was_read_ahead_is_read_again(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LaMini")
        following = _next_entry_below(app)
        assert following.note is not None
        await wait_until(pilot, lambda: following in app.navigator.previews)
        note = notes_copy / following.note
        note.write_text(note.read_text() + "\nA line written after the read-ahead.\n")
        os.utime(note, ns=(1, 1))  # even an mtime going backwards tells it changed
        await pilot.press("j")
        await settle(pilot)
        await wait_until(pilot, lambda: "written after the read-ahead" in preview_text_now(app))


async def test_moving_back_shows_the_previous_note_from_the_cache(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        first = await go_to(pilot, "LaMini")
        await pilot.press("j")
        await settle(pilot)
        app.index_tree.action_cursor_up()
        assert app.note_view.doc_key == f"entry:{first.key}"
        assert "LaMini" in preview_text_now(app)


async def test_scrollbars_follow_each_note_without_a_layout(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    long_body = "\n\n".join(f"Paragraph {n}." for n in range(200))
    (folder / "long.md").write_text(f"# Long\n\n{long_body}\n")
    (folder / "short.md").write_text("# Short\n\nOne line.\n")
    (folder / "README.md").write_text(
        "# Index\n\n## Notes\n\n- [Long](long.md)\n- [Short](short.md)\n"
    )
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "Long")
        view = app.note_view
        assert view.show_vertical_scrollbar
        assert view.max_scroll_y == view.virtual_size.height - view.scrollable_content_region.height
        await pilot.press("end")
        await go_to(pilot, "Short")
        await settle(pilot)
        assert not view.show_vertical_scrollbar
        assert view.scroll_y == 0
        await go_to(pilot, "Long")
        await settle(pilot)
        assert view.show_vertical_scrollbar
        assert view.scroll_y == 0


async def test_the_footer_greys_keys_in_place_as_the_cursor_moves(notes_copy: Path) -> None:
    from textual.widgets._footer import FooterKey

    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)

        def open_key() -> FooterKey:
            return next(k for k in app.query(FooterKey) if k.action == "open_primary")

        await go_to(pilot, "Ray")  # an entry without a web link
        await settle(pilot)
        before = open_key()
        assert before.has_class("-disabled")
        await go_to(pilot, "LaMini")  # with one
        await settle(pilot)
        after = open_key()
        assert after is before  # greyed in or out, not mounted again
        assert not after.has_class("-disabled")


async def test_escape_hands_the_keys_back_to_the_tree_at_once(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", "z", "e")
        await settle(pilot)
        app.action_clear_text_filter()  # what escape does; no await
        assert app.focused is app.index_tree  # the next key, already queued, moves the cursor
        assert not app.filter_bar.display and app.filtering.query.text == ""


async def test_notes_read_ahead_at_startup_are_rendered_at_the_pane_s_width(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("a", "b"):
        paragraphs = "\n\n".join("Words to wrap. " * 40 for _ in range(60))
        (folder / f"{name}.md").write_text(f"# Note {name}\n\n{paragraphs}\n")
    (folder / "README.md").write_text("# Index\n\n## Notes\n\n- [A](a.md)\n- [B](b.md)\n")
    first_read = read_ahead(find_index(folder))  # as the program starts: shown at mount,
    first_read.result(timeout=10)  # before the first layout gives the pane its width
    app = make_app(folder, first_read=first_read)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        first = _next_entry_below(app)  # the cursor starts on the first category
        await wait_until(pilot, lambda: first in app.navigator.previews)
        await settle(pilot)
        cached = app.navigator.previews.get(first)
        assert cached is not None
        width = app.note_view.width_for_render()
        assert width != 80  # the pane's real width, not the guess made before any layout
        app.index_tree.action_cursor_down()  # what ``j`` does; no await: same frame
        # Longer than a first screen, so only a render kept at this width is whole at once.
        assert app.note_view.doc_key == cached.preview.doc_key
        assert app.note_view.is_complete and app.note_view.rendered.width == width
        assert f"Note {first.title.lower()}" in preview_text_now(app)


async def test_a_note_painted_ahead_looks_as_it_does_painted_on_the_move(
    notes_copy: Path,
) -> None:
    """The first screen of a note read ahead is painted before the move; the same pixels."""
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, "LaMini")
        following = _next_entry_below(app)
        await settle(pilot)
        await wait_until(pilot, lambda: following in app.navigator.previews)
        app.index_tree.action_cursor_down()  # no await: painted from the strips made ahead
        ahead = _painted_pane(app)
    direct = make_app(notes_copy)
    async with direct.run_test(size=SIZE) as pilot:
        await started(pilot)
        await go_to(pilot, following.title)  # not read ahead: rendered and painted when shown
        assert direct.note_view.doc_key == f"entry:{following.key}"
        assert _painted_pane(direct) == ahead
    assert following.title.split(":")[0] in "".join(text for line in ahead for text, _ in line)


def _painted_pane(app: ReadnotesApp) -> list[list[tuple[str, object]]]:
    view = app.note_view
    return [
        [(segment.text, segment.style) for segment in view.render_line(y)]
        for y in range(view.size.height)
    ]
