"""History behaves like a browser's; keys that do not apply are greyed out."""

from __future__ import annotations

from pathlib import Path

from app_harness import SIZE, go_to, make_app, press, started

from app.ui.history import History, Place, PlaceKind


def place(key: str) -> Place:
    return Place(PlaceKind.ENTRY, key)


def test_visiting_after_going_back_drops_the_forward_part() -> None:
    history = History()
    for key in "abc":
        history.visit(place(key))
    history.visit(place("c"))  # the same place again is not a new step
    assert history.back() == place("b")
    history.visit(place("d"))
    assert not history.can_go_forward
    assert history.back() == place("b")
    assert history.back() == place("a")
    assert history.back() is None
    assert history.forward() == place("b")


def test_history_is_bounded() -> None:
    history = History(limit=3)
    for key in "abcde":
        history.visit(place(key))
    assert history.back() == place("d")
    assert history.back() == place("c")
    assert history.back() is None


async def test_entry_keys_are_greyed_out_where_they_do_not_apply(notes_copy: Path) -> None:
    app = make_app(notes_copy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for action in ("toggle_done", "undo", "open_primary", "copy_link", "edit_note"):
            assert app.check_action(action, ()) is None  # the cursor is on a category
        assert app.check_action("history_back", ()) is None
        await go_to(pilot, "Ray")
        assert app.check_action("toggle_done", ()) is True
        assert app.check_action("open_primary", ()) is None  # Ray has no web link
        assert app.check_action("edit_note", ()) is True
        await go_to(pilot, "FlashAttention")
        assert app.check_action("open_link", (2,)) is True
        assert app.check_action("open_link", (3,)) is None
        assert app.check_action("history_back", ()) is True
        await press(pilot, "x")
        assert app.check_action("undo", ()) is True
