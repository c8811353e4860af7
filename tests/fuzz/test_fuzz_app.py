"""Random keystrokes against the real app under Pilot (issue 6: the fuzz test, at the app level).

Each example copies the sample folder, starts the app on it and presses a random sequence drawn
from the keys the app's own widgets bind, plus printable characters, escape, enter and tab.
Whatever is pressed, no exception escapes, the app is still running, and no file changes except
the index through ``x`` and ``u`` — and then only in its marker bytes.

Nothing outside runs: the browser, the clipboard, the image viewer and the editor are the
harness's fakes; adding an entry (``a``) goes as far as the dialog and its write is refused, so
the invariant stays "only ``x`` writes". ``q``, ``e``/``E`` and the command palette are left out
of the keys: quitting ends the story, the editor's key creates a missing note before the editor
runs, and the palette runs any command by fuzzy name, Textual's screenshot (a file written in
the working directory) among them.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import APP_SESSIONS
from textual.binding import Binding, BindingType

from app.core.add import AddResult
from app.core.errors import EditError
from app.ui.add_screen import AddScreen
from app.ui.app import ReadnotesApp
from app.ui.filter_bar import FilterBar
from app.ui.find_bar import FindBar
from app.ui.help_screen import HelpScreen
from app.ui.note_view import NoteView
from app.ui.outline import OutlineScreen
from app.ui.search_screen import SearchScreen
from app.ui.tree import IndexTree
from tests.ui.app_harness import FakeEffects, make_app

SAMPLE = Path(__file__).resolve().parents[2] / "notes"
SIZE = (100, 30)
_LEFT_OUT = {"q", "e", "E", "ctrl+p", "ctrl+q", "ctrl+c"}
_MARKERS = re.compile(rb"\[[ xX]\][ \t]?|\b(?:TODO|DONE):?[ \t]?")


def bound_keys() -> list[str]:
    """Every key the app's own screens and widgets bind, as Pilot names them."""
    groups: list[list[BindingType]] = [
        ReadnotesApp.BINDINGS,
        IndexTree.BINDINGS,
        NoteView.BINDINGS,
        FilterBar.BINDINGS,
        FindBar.BINDINGS,
        HelpScreen.BINDINGS,
        OutlineScreen.BINDINGS,
        SearchScreen.BINDINGS,
        AddScreen.BINDINGS,
    ]
    keys = {
        key.strip()
        for group in groups
        for binding in Binding.make_bindings(group)
        for key in binding.key.split(",")
    }
    return sorted(keys - _LEFT_OUT)


_KEY = st.one_of(
    st.sampled_from(["j", "down", "x", "u"]),  # more often: onto an entry, then mark it
    st.sampled_from(bound_keys()),
    st.sampled_from(["escape", "enter", "tab", "shift+tab", "space", "backspace"]),
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="qeE"),
)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def only_markers_differ(before: bytes, after: bytes) -> bool:
    """Same lines, byte for byte, except for TODO/DONE words and task boxes."""
    old, new = before.split(b"\n"), after.split(b"\n")
    return len(old) == len(new) and all(
        a == b or _MARKERS.sub(b"", a) == _MARKERS.sub(b"", b)
        for a, b in zip(old, new, strict=True)
    )


def nothing_outside() -> FakeEffects:
    """No browser, clipboard tool, viewer or editor runs, and adding an entry writes nothing."""

    def no_add(*args: object, **kwargs: object) -> AddResult:
        raise EditError("Adding entries is off in this test")

    return FakeEffects(add_entry=no_add)


async def press_at_random(root: Path, keys: list[str]) -> None:
    app = make_app(root, nothing_outside())
    async with app.run_test(size=SIZE) as pilot:
        while app.index is None or not app.note_view.is_complete:
            await pilot.pause(0.02)
        await pilot.press(*keys)
        for _ in range(3):  # let the workers the keys started finish (the watcher never does)
            await pilot.pause()
            busy = [worker for worker in app.workers if worker.group != "watch"]
            if busy:
                await app.workers.wait_for_complete(busy)
        assert app.is_running and app.return_code is None
        assert app._exception is None


@settings(
    APP_SESSIONS,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(keys=st.lists(_KEY, min_size=1, max_size=20))
def test_random_keys_never_crash_and_only_marks_change_the_index(keys: list[str]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "notes"
        shutil.copytree(SAMPLE, root)
        before = snapshot(root)
        asyncio.run(press_at_random(root, keys))
        after = snapshot(root)
    locks = {name for name in after.keys() - before.keys() if name.endswith(".readnotes-lock")}
    assert all(after[name] == b"" for name in locks)  # the writers' lock files: empty, hidden
    assert after.keys() - locks == before.keys()
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"README.md"}
    event("the index was marked" if changed else "no file changed")
    if changed:
        assert {"x", "u"} & set(keys), "the index changed without x or u"
        assert only_markers_differ(before["README.md"], after["README.md"])
